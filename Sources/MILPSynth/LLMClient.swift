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
    /// No HTTP response (connect failure, timeout, TLS, DNS).
    case transport(String)
    /// The server answered with a 4xx/5xx status.
    case http(status: Int, message: String)
    /// The server's reply is not a chat-completions response.
    case malformedResponse(String)

    /// A one-line message naming the kind of failure (never the API key).
    public var description: String {
        switch self {
        case .transport(let m): "LLM request failed: \(m)"
        case .http(let status, let m): "LLM server returned HTTP \(status)\(status == 401 || status == 403 ? " (check the API key)" : ""): \(m)"
        case .malformedResponse(let m): "LLM server sent a malformed response: \(m)"
        }
    }
}

/// A client for the OpenAI-compatible `POST /chat/completions` API (non-streaming).
public struct LLMClient: Sendable {
    /// The server, model and request settings.
    public var configuration: LLMConfiguration

    /// A client for the server in `configuration`; nothing is sent until ``complete(_:)``.
    public init(_ configuration: LLMConfiguration) {
        self.configuration = configuration
    }

    /// The assistant's reply text for `messages`.
    public func complete(_ messages: [ChatMessage]) throws(LLMError) -> String {
        var request: [String: Any] = [
            "model": configuration.model,
            "messages": messages.map { ["role": $0.role, "content": $0.content] },
            "temperature": configuration.temperature,
            "stream": false,
        ]
        if configuration.jsonMode { request["response_format"] = ["type": "json_object"] }
        let body = (try? JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])) ?? Data()
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let key = configuration.apiKey, !key.isEmpty { headers.append(("Authorization", "Bearer \(key)")) }
        let client = HTTPClient(connectTimeout: configuration.connectTimeout, readTimeout: configuration.readTimeout)
        let response: HTTPResponse
        do { response = try client.post(configuration.completionsURL, headers: headers, body: body) } catch {
            throw .transport(redact(error.description))
        }
        let text = String(decoding: response.body, as: UTF8.self)
        let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        guard (200..<300).contains(response.status) else {
            // OpenAI-style {"error": {"message": …}}, else the start of the body.
            let message = ((object?["error"] as? [String: Any])?["message"] as? String) ?? (object?["error"] as? String) ?? String(text.prefix(300))
            throw .http(status: response.status, message: redact(message))
        }
        guard let object else { throw .malformedResponse("the body is not JSON: \(redact(String(text.prefix(200))))") }
        guard let choices = object["choices"] as? [Any], let first = choices.first as? [String: Any],
              let message = first["message"] as? [String: Any]
        else { throw .malformedResponse("no choices[0].message in \(redact(String(text.prefix(200))))") }
        guard let content = message["content"] as? String else { throw .malformedResponse("choices[0].message.content is not a string") }
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
