import CCurlShim
import Foundation
import MILP
import MILPCbc
import Testing
@testable import MILPSynth

/// The HTTP client, the chat-completions client and the three-phase pipeline against a loopback
/// server that speaks the real protocol.
@Suite struct LLMTests {
    static let key = "sk-test-secret-0123456789"
    static let problem = """
        A coconut seller has to transport coconuts using either rickshaws or ox carts. The rickshaws can take 50 coconuts each and cost $10 per trip. \
        The ox carts can take 30 coconuts each and cost $8 per trip. The seller has at most $200 to spend on transporting the coconuts. \
        Due to pollution, the number of rickshaws must not exceed the number of ox carts. Formulate a LP to maximize the number of coconuts that can be transported.
        """

    func client(_ server: LoopbackServer, readTimeout: Double = 10, retries: Int = 0, stream: Bool = false) -> LLMClient {
        var c = LLMConfiguration(endpoint: server.url, model: "test-model", apiKey: Self.key)
        c.readTimeout = readTimeout
        c.retries = retries
        c.retryDelay = 0.05
        c.stream = stream
        return LLMClient(c)
    }

    /// A fake model: answers each phase, first with a bad reply where the test wants a retry.
    static func fakeModel(_ request: LoopbackServer.Request) -> LoopbackServer.Reply {
        let m = messages(request)
        let first = m.first { $0["role"] == "user" }?["content"] ?? ""
        let attempt = m.filter { $0["role"] == "user" }.count
        if first.contains("Step 1 of 3") {
            if attempt == 1 { return .init(body: completion("Sure! The variables are rickshaws and ox carts.")) }
            return .init(body: completion(#"{"variables": [{"name": "rickshaws", "kind": "integer"}, {"name": "ox_carts", "kind": "integer"}]}"#))
        }
        if first.contains("Step 2 of 3") {
            return .init(body: completion("```json\n{\"objective\": 6, \"constraints\": [{\"sentence\": 4, \"class\": 3}, {\"sentence\": 5, \"class\": 9}]}\n```"))
        }
        if attempt == 1 {
            return .init(body: completion(#"{"variables": [{"name": "rickshaws"}, {"name": "ox_carts"}], "objective": {"sense": "maximize", "terms": {"rickshaws": 50, "ox_carts": 30}}, "constraints": [{"class": 3, "terms": {"rickshaw": 10, "ox_carts": 8}, "rhs": "$200"}, {"class": 9, "x": "rickshaws", "y": "ox_carts"}]}"#))
        }
        return .init(body: completion(#"{"variables": [{"name": "rickshaws", "kind": "integer"}, {"name": "ox_carts", "kind": "integer"}], "objective": {"sense": "maximize", "terms": {"rickshaws": 50, "ox_carts": 30}, "sentence": "maximize the number of coconuts"}, "constraints": [{"class": 3, "terms": {"rickshaws": 10, "ox_carts": 8}, "rhs": 200, "sentence": "The seller has at most $200 to spend on transporting the coconuts."}, {"class": 9, "x": "rickshaws", "y": "ox_carts", "factor": 1}]}"#))
    }

    @Test func pipelineWithRetries() throws {
        let server = try LoopbackServer(Self.fakeModel)
        defer { server.stop() }
        let synthesis = try SynthesisPipeline(client: client(server), attempts: 3).run(problem: Self.problem)
        #expect(synthesis.replies.map(\.count) == [2, 1, 2])
        let result = try CbcSolver().solve(synthesis.compiled.model)
        #expect(close(result.objective, 880))

        let requests = server.requests
        #expect(requests.count == 5)
        for r in requests {
            #expect(r.method == "POST" && r.path == "/v1/chat/completions")
            #expect(r.headers["authorization"] == "Bearer \(Self.key)" && r.headers["content-type"] == "application/json")
            let body = try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
            #expect(body["model"] as? String == "test-model" && (body["response_format"] as? [String: String])?["type"] == "json_object")
        }
        // Retries carry the previous reply and the validation errors.
        let retry1 = messages(requests[1])
        #expect(retry1.count == 4 && retry1[2]["role"] == "assistant" && retry1[3]["content"]!.contains("not valid JSON"))
        #expect(messages(requests[2]).last!["content"]!.contains("[6] Formulate a LP to maximize"))
        #expect(messages(requests[3]).last!["content"]!.contains("class 3: The seller has at most $200 to spend"))
        let retry3 = messages(requests[4]).last!["content"]!
        #expect(retry3.contains(#"constraints[0].rhs: "$200" is not a number"#))
        #expect(retry3.contains(#"constraints[0].terms.rickshaw: unknown variable "rickshaw"; did you mean "rickshaws"?"#))
    }

    @Test("a big-M no bound gives goes back to the model while replies remain; on the last reply it is used with a warning")
    func bigMWarningsAreSentBack() throws {
        let unbounded = #"{"variables": [{"name": "x", "kind": "integer"}, {"name": "y", "kind": "integer"}], "objective": {"sense": "minimize", "terms": {"x": 1, "y": 1}}, "constraints": [{"class": 12, "vars": ["x", "y"]}]}"#
        let bounded = #"{"variables": [{"name": "x", "kind": "integer", "upper": 50}, {"name": "y", "kind": "integer", "upper": 50}], "objective": {"sense": "minimize", "terms": {"x": 1, "y": 1}}, "constraints": [{"class": 12, "vars": ["x", "y"]}]}"#
        let server = try LoopbackServer { r in
            let m = messages(r)
            let first = m.first { $0["role"] == "user" }?["content"] ?? ""
            if first.contains("Step 1 of 3") { return .init(body: completion(#"{"variables": [{"name": "x"}, {"name": "y"}]}"#)) }
            if first.contains("Step 2 of 3") { return .init(body: completion(#"{"objective": 1, "constraints": []}"#)) }
            return .init(body: completion(m.filter { $0["role"] == "user" }.count == 1 ? unbounded : bounded))
        }
        defer { server.stop() }
        let problem = "Use x or y. Minimize x plus y."
        let synthesis = try SynthesisPipeline(client: client(server), attempts: 2).run(problem: problem)
        #expect(synthesis.replies.map(\.count) == [1, 1, 2] && synthesis.compiled.warnings.isEmpty)
        #expect(messages(server.requests.last!).last!["content"]!.contains("no finite big-M keeps this row's meaning"))
        let once = try SynthesisPipeline(client: client(server), attempts: 1).run(problem: problem)
        #expect(once.compiled.warnings.count == 2, "\(once.compiled.warnings)")
    }

    @Test("algebraic replies: the reader reads the model out of the prose; its errors, by line, go back until it reads")
    func algebraicReplies() throws {
        let first = """
            Here is the model.
            ```
            Maximize 50 r + 30 o
            10 r + 8 o <= 200
            r * o <= 4
            ```
            """
        let second = """
            You are right, the product is not linear. The corrected model:
            ```
            Maximize 50 r + 30 o
            10 r + 8 o <= 200      (budget)
            r <= o                 (pollution)
            integer r, o
            ```
            """
        let server = try LoopbackServer { r in .init(body: completion(messages(r).count == 2 ? first : second)) }
        defer { server.stop() }
        let synthesis = try SynthesisPipeline(client: client(server), attempts: 2).runAlgebraic(problem: Self.problem)
        #expect(synthesis.replies.map(\.count) == [2])
        #expect(close(try CbcSolver().solve(synthesis.compiled.model).objective, 880))
        let retry = messages(server.requests[1]).last!["content"]!
        #expect(retry.contains("line 5 \"r * o <= 4\": non-linear term r * o"), "\(retry)")
        // No JSON mode for text replies.
        let body = try #require(try JSONSerialization.jsonObject(with: server.requests[0].body) as? [String: Any])
        #expect(body["response_format"] == nil)
    }

    @Test func malformedJSONFromTheModelExhaustsAttempts() throws {
        let server = try LoopbackServer { _ in .init(body: completion(#"{"variables": [{"name": "x""#)) }
        defer { server.stop() }
        #expect {
            try SynthesisPipeline(client: client(server), attempts: 2).run(problem: Self.problem)
        } throws: { error in
            guard case .invalid(let phase, let attempts, let errors) = error as? SynthesisError else { return false }
            return phase == "variables" && attempts == 2 && errors.description.contains("not valid JSON")
        }
        #expect(server.requests.count == 2)
    }

    @Test func http4xxNamesTheStatusAndHidesTheKey() throws {
        let server = try LoopbackServer { _ in .init(status: 401, body: #"{"error": {"message": "Incorrect API key provided: \#(LLMTests.key)", "type": "invalid_request_error"}}"#) }
        defer { server.stop() }
        #expect {
            try client(server).complete([.user("hi")])
        } throws: { error in
            guard case .http(401, let message, _) = error as? LLMError else { return false }
            let text = "\(error)"
            return message == "Incorrect API key provided: ***" && text.contains("HTTP 401 (check the API key)") && !text.contains(LLMTests.key)
        }
    }

    @Test func http5xxWithAPlainBody() throws {
        let server = try LoopbackServer { _ in .init(status: 503, body: "upstream overloaded") }
        defer { server.stop() }
        #expect { try client(server).complete([.user("hi")]) } throws: { error in
            guard case .http(503, "upstream overloaded", _) = error as? LLMError else { return false }
            return true
        }
        // The pipeline ends with the HTTP error once the client's retries are spent (1 + 2 requests).
        #expect { try SynthesisPipeline(client: client(server, retries: 2)).run(problem: Self.problem) } throws: { error in
            guard case .llm(.http(503, _, _)) = error as? SynthesisError else { return false }
            return true
        }
        #expect(server.requests.count == 4)
    }

    @Test func malformedServerResponses() throws {
        let server = try LoopbackServer { r in
            messages(r).first?["content"] == "a" ? .init(body: "{not json") : .init(body: #"{"object": "chat.completion", "choices": []}"#)
        }
        defer { server.stop() }
        #expect { try client(server).complete([.user("a")]) } throws: { error in
            guard case .malformedResponse(let m) = error as? LLMError else { return false }
            return m.contains("the body is not JSON")
        }
        #expect { try client(server).complete([.user("b")]) } throws: { error in
            guard case .malformedResponse(let m) = error as? LLMError else { return false }
            return m.contains("no choices[0].message")
        }
    }

    @Test func readTimeout() throws {
        let server = try LoopbackServer { _ in .init(body: completion("{}"), delay: 2) }
        defer { server.stop() }
        let start = ContinuousClock.now
        #expect { try client(server, readTimeout: 0.3).complete([.user("hi")]) } throws: { error in
            guard case .transport(let m, true) = error as? LLMError else { return false }
            return m.contains("read timeout")
        }
        #expect((ContinuousClock.now - start).seconds < 1.5)
    }

    @Test func connectionRefused() throws {
        let server = try LoopbackServer { _ in .init(body: "") }
        let url = server.url
        server.stop()
        #expect { try LLMClient(LLMConfiguration(endpoint: url, model: "m", apiKey: Self.key)).complete([.user("hi")]) } throws: { error in
            guard case .transport(let m, _) = error as? LLMError else { return false }
            return m.contains("cannot connect") && !m.contains(LLMTests.key)
        }
    }

    @Test("429 with Retry-After, then 503, then the reply: retried, waiting what the server asks")
    func transientFailuresAreRetried() throws {
        let counter = Counter()
        let flaky = try LoopbackServer { _ in
            switch counter.next() {
            case 1: .init(status: 429, body: #"{"error": {"message": "Rate limit reached", "type": "rate_limit_error"}}"#, headers: [("Retry-After", "0.4")])
            case 2: .init(status: 503, body: "overloaded")
            default: .init(body: completion("third time"))
            }
        }
        defer { flaky.stop() }
        let start = ContinuousClock.now
        #expect(try client(flaky, retries: 2).complete([.user("hi")]) == "third time")
        #expect(flaky.requests.count == 3 && (ContinuousClock.now - start).seconds >= 0.4)
        // Not retried: a wrong key, an exhausted quota; retries spent: the last error.
        for (status, body, requests) in [(401, #"{"error": {"message": "bad key"}}"#, 1), (429, #"{"error": {"message": "You exceeded your current quota"}}"#, 1), (500, "boom", 3)] {
            let server = try LoopbackServer { _ in .init(status: status, body: body) }
            defer { server.stop() }
            #expect(throws: LLMError.self) { try client(server, retries: 2).complete([.user("hi")]) }
            #expect(server.requests.count == requests, "HTTP \(status)")
        }
    }

    @Test("streamed replies: deltas joined up to [DONE]; an idle timeout, not a total one; a cut stream is an error")
    func streamedReplies() throws {
        let server = try LoopbackServer { r in
            let stream = (try? JSONSerialization.jsonObject(with: r.body) as? [String: Any])?["stream"] as? Bool == true
            let cut = messages(r).first?["content"] == "cut"
            return .init(body: streamedCompletion([#"{"ok""#, ": ", "true}"], done: !cut), chunked: true, contentType: stream ? "text/event-stream" : "text/plain",
                         pieces: 4, gap: 0.25)
        }
        defer { server.stop() }
        // 0.75 s in all, 0.25 s between parts: a 0.5 s idle timeout holds; a 0.5 s total one would not.
        #expect(try client(server, readTimeout: 0.5, stream: true).complete([.user("hi")]) == #"{"ok": true}"#)
        #expect(server.requests.last?.headers["accept"] == "text/event-stream")
        #expect(throws: LLMError.self) { try client(server, readTimeout: 0.5).complete([.user("hi")]) }
        #expect { try client(server, stream: true).complete([.user("cut")]) } throws: { error in
            guard case .malformedResponse(let m) = error as? LLMError else { return false }
            return m.contains("without data: [DONE]")
        }
    }

    @Test func chunkedReplies() throws {
        let server = try LoopbackServer { _ in .init(body: completion(#"{"ok": true}"#), chunked: true) }
        defer { server.stop() }
        #expect(try client(server).complete([.user("hi")]) == #"{"ok": true}"#)
    }

    @Test func curlTransportWhenLibcurlIsPresent() throws {
        var reason = [CChar](repeating: 0, count: 256)
        guard curl_shim_available(&reason, reason.count) == 1 else { return }  // the https path then reports libcurl's absence
        let server = try LoopbackServer { r in .init(status: r.headers["x-test"] == "1" ? 200 : 400, body: completion("via curl")) }
        defer { server.stop() }
        let http = HTTPClient(connectTimeout: 5, readTimeout: 5)
        let ok = try http.postWithCurl(server.url + "/chat/completions", headers: [("X-Test", "1")], body: Data("{}".utf8))
        #expect(ok.status == 200 && String(decoding: ok.body, as: UTF8.self).contains("via curl"))
        #expect(try http.postWithCurl(server.url, headers: [], body: Data()).status == 400)
    }

    @Test func urlsAndReplies() throws {
        #expect(throws: HTTPError.self) { try HTTPClient().post("ftp://example.com", headers: [], body: Data()) }
        #expect(LLMConfiguration(endpoint: "http://h:1/v1/", model: "m").completionsURL == "http://h:1/v1/chat/completions")
        #expect(LLMConfiguration(endpoint: "http://h:1/v1/chat/completions", model: "m").completionsURL == "http://h:1/v1/chat/completions")
        #expect(LLMConfiguration.apiKey(from: ["OPENAI_API_KEY": "a", "MILP_LLM_API_KEY": "b"]) == "b")
        #expect(try jsonObject(inReply: "Here it is:\n```json\n{\"a\": 1}\n```\nDone.")["a"] as? Int == 1)
        #expect(throws: SpecError.self) { try jsonObject(inReply: "[1, 2]") }
    }
}

/// A thread-safe request counter for servers whose reply depends on the request's position.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
