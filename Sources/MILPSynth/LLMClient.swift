import Foundation

/// Where and how to reach an OpenAI-compatible chat-completions server.
public struct LLMConfiguration: Sendable {
    /// The API base, e.g. `http://127.0.0.1:8080/v1` (llama.cpp, vLLM) or `https://api.openai.com/v1`;
    /// a URL that already ends in `/chat/completions` is used as is.
    public var endpoint: String
    /// The model name sent in each request.
    public var model: String
    /// Sent as `Authorization: Bearer …`; never printed, logged or put in an error.
    public var apiKey: String?
    /// Seconds to wait for the TCP connection.
    public var connectTimeout: Double = 10
    /// Seconds to wait for one complete reply.
    public var readTimeout: Double = 120
    /// Sampling temperature; 0 for the most deterministic replies.
    public var temperature: Double = 0
    /// Ask for `response_format: {"type": "json_object"}` (turn off for servers that reject it).
    public var jsonMode = true
    /// Ask for a streamed reply (server-sent events); `readTimeout` then bounds the wait for each
    /// next event rather than for the whole reply.
    public var stream = false
    /// Further tries after a transient failure: HTTP 408, 429 (not an exhausted quota), 500, 502,
    /// 503, 504, a timeout, a refused or reset connection.
    public var retries = 2
    /// Seconds before the first retry, doubled for each next one (at most 30) unless the server
    /// sends `Retry-After` (honoured up to 60 s).
    public var retryDelay = 1.0

    /// A configuration with the default timeouts, temperature 0 and JSON mode on.
    public init(endpoint: String, model: String, apiKey: String? = nil) {
        self.endpoint = endpoint
        self.model = model
        self.apiKey = apiKey
    }

    /// The API key from `MILP_LLM_API_KEY`, else `OPENAI_API_KEY`.
    public static func apiKey(from environment: [String: String]) -> String? {
        [environment["MILP_LLM_API_KEY"], environment["OPENAI_API_KEY"]].compactMap { $0 }.first { !$0.isEmpty }
    }

    var completionsURL: String {
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        return base.hasSuffix("/chat/completions") ? base : base + "/chat/completions"
    }
}

/// One chat message.
public struct ChatMessage: Sendable, Equatable {
    /// "system", "user" or "assistant".
    public var role: String
    /// The message text.
    public var content: String
    /// A message with any role.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
    /// A system message: instructions for the model.
    public static func system(_ s: String) -> ChatMessage { ChatMessage(role: "system", content: s) }
    /// A user message.
    public static func user(_ s: String) -> ChatMessage { ChatMessage(role: "user", content: s) }
    /// An assistant message: an earlier reply of the model.
    public static func assistant(_ s: String) -> ChatMessage { ChatMessage(role: "assistant", content: s) }
}

/// Why a chat completion failed. Messages never contain the API key.
public enum LLMError: Error, CustomStringConvertible, Sendable {
    /// No HTTP response (connect failure, timeout, TLS, DNS); `transient` for a timeout.
    case transport(String, transient: Bool = false)
    /// The server answered with a 4xx/5xx status, possibly asking to retry after some seconds.
    case http(status: Int, message: String, retryAfter: Double? = nil)
    /// The server's reply is not a chat-completions response.
    case malformedResponse(String)

    /// A one-line message naming the kind of failure (never the API key).
    public var description: String {
        switch self {
        case .transport(let m, _): "LLM request failed: \(m)"
        case .http(let status, let m, _): "LLM server returned HTTP \(status)\(status == 401 || status == 403 ? " (check the API key)" : ""): \(m)"
        case .malformedResponse(let m): "LLM server sent a malformed response: \(m)"
        }
    }
}

/// A client for the OpenAI-compatible `POST /chat/completions` API, plain or streamed, retrying
/// transient failures.
public struct LLMClient: Sendable {
    /// The server, model and request settings.
    public var configuration: LLMConfiguration
    /// Told about each retry (what failed, the wait); never given the API key.
    public var log: (@Sendable (String) -> Void)?

    /// A client for the server in `configuration`; nothing is sent until ``complete(_:)``.
    public init(_ configuration: LLMConfiguration, log: (@Sendable (String) -> Void)? = nil) {
        self.configuration = configuration
        self.log = log
    }

    /// The assistant's reply text for `messages`, after up to `configuration.retries` retries of
    /// transient failures.
    public func complete(_ messages: [ChatMessage]) throws(LLMError) -> String {
        var retry = 0
        while true {
            let wait: Double
            do { return try completeOnce(messages) } catch {
                guard retry < configuration.retries, let delay = retryDelay(after: error, retry: retry) else { throw error }
                wait = delay
                log?("\(error); retry \(retry + 1)/\(configuration.retries) in \(formatCoefficient((wait * 10).rounded() / 10)) s")
            }
            Thread.sleep(forTimeInterval: wait)
            retry += 1
        }
    }

    /// Seconds to wait before retrying after `error`, or nil when retrying cannot help.
    func retryDelay(after error: LLMError, retry: Int) -> Double? {
        let backoff = min(configuration.retryDelay * pow(2, Double(retry)), 30)
        switch error {
        case .http(let status, let message, let retryAfter):
            // An exhausted quota (OpenAI's insufficient_quota) will not come back in seconds.
            guard [408, 429, 500, 502, 503, 504].contains(status), !message.lowercased().contains("quota") else { return nil }
            return retryAfter.map { min($0, 60) } ?? backoff
        case .transport(let message, let transient):
            return transient || message.contains("refused") || message.contains("reset") ? backoff : nil
        case .malformedResponse:
            return nil
        }
    }

    /// One request and its reply.
    func completeOnce(_ messages: [ChatMessage]) throws(LLMError) -> String {
        var request: [String: Any] = [
            "model": configuration.model,
            "messages": messages.map { ["role": $0.role, "content": $0.content] },
            "temperature": configuration.temperature,
            "stream": configuration.stream,
        ]
        if configuration.jsonMode { request["response_format"] = ["type": "json_object"] }
        let body = (try? JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])) ?? Data()
        var headers = [("Content-Type", "application/json"), ("Accept", configuration.stream ? "text/event-stream" : "application/json")]
        if let key = configuration.apiKey, !key.isEmpty { headers.append(("Authorization", "Bearer \(key)")) }
        let client = HTTPClient(connectTimeout: configuration.connectTimeout, readTimeout: configuration.readTimeout, idleTimeout: configuration.stream)
        let response: HTTPResponse
        do { response = try client.post(configuration.completionsURL, headers: headers, body: body) } catch {
            throw .transport(redact(error.description), transient: error.timedOut)
        }
        let text = String(decoding: response.body, as: UTF8.self)
        let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        guard (200..<300).contains(response.status) else {
            // OpenAI-style {"error": {"message": …}}, else the start of the body.
            let message = ((object?["error"] as? [String: Any])?["message"] as? String) ?? (object?["error"] as? String) ?? String(text.prefix(300))
            // One line: servers put newlines in messages (LiteLLM adds a paragraph about fallbacks).
            let line = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
            throw .http(status: response.status, message: redact(line), retryAfter: response.retryAfter)
        }
        // A server may stream although asked not to, or answer in one piece although asked to stream.
        if object == nil, text.hasPrefix("data:") || text.contains("\ndata:") { return try streamedContent(text) }
        guard let object else { throw .malformedResponse("the body is not JSON: \(redact(String(text.prefix(200))))") }
        guard let choices = object["choices"] as? [Any], let first = choices.first as? [String: Any],
              let message = first["message"] as? [String: Any]
        else { throw .malformedResponse("no choices[0].message in \(redact(String(text.prefix(200))))") }
        guard let content = message["content"] as? String else { throw .malformedResponse("choices[0].message.content is not a string") }
        return content
    }

    /// The reply text of a server-sent event stream: each `data:` event's choices[0].delta.content,
    /// in order, up to `data: [DONE]`.
    func streamedContent(_ text: String) throws(LLMError) -> String {
        var content = ""
        var events = 0
        var done = false
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) where line.hasPrefix("data:") {
            let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
            if payload == "[DONE]" { done = true; break }
            guard let event = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else {
                throw .malformedResponse("a stream event is not JSON: \(redact(String(payload.prefix(200))))")
            }
            if let error = event["error"] {
                let message = ((error as? [String: Any])?["message"] as? String) ?? "\(error)"
                throw .malformedResponse("the stream ended with an error: \(redact(String(message.prefix(300))))")
            }
            events += 1
            guard let choices = event["choices"] as? [Any] else { throw .malformedResponse("a stream event has no choices: \(redact(String(payload.prefix(200))))") }
            if let first = choices.first as? [String: Any], let delta = first["delta"] as? [String: Any], let piece = delta["content"] as? String {
                content += piece
            }
        }
        guard events > 0 else { throw .malformedResponse("the stream holds no data events") }
        guard done else { throw .malformedResponse("the stream ended without data: [DONE] (\(events) events, \(content.count) characters received)") }
        return content
    }

    /// `text` with the API key replaced by `***`.
    func redact(_ text: String) -> String {
        guard let key = configuration.apiKey, !key.isEmpty else { return text }
        return text.replacingOccurrences(of: key, with: "***")
    }
}

/// The JSON object in a model's reply: the whole reply, or the part between ```json fences or
/// between the first `{` and the last `}`. The reply is only ever parsed as data.
package func jsonObject(inReply reply: String) throws(SpecError) -> [String: Any] {
    var text = reply.trimmingCharacters(in: .whitespacesAndNewlines)
    if let fence = text.range(of: "```") {
        let after = text[fence.upperBound...].drop { $0 != "\n" }
        if let close = after.range(of: "```") { text = String(after[..<close.lowerBound]) }
    }
    if let open = text.firstIndex(of: "{"), let close = text.lastIndex(of: "}"), open < close {
        text = String(text[open...close])
    }
    guard let data = text.data(using: .utf8), let any = try? JSONSerialization.jsonObject(with: data) else {
        throw SpecError("your reply is not valid JSON; reply with one JSON object only (starts with: \(reply.prefix(80).debugDescription))")
    }
    guard let object = any as? [String: Any] else { throw SpecError("your reply must be a JSON object, not \(type(of: any))") }
    return object
}
