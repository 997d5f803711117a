import Foundation

/// Why the pipeline stopped.
public enum SynthesisError: Error, CustomStringConvertible, Sendable {
    /// The server could not be used (HTTP, transport, malformed response).
    case llm(LLMError)
    /// The model's replies in a phase were still invalid after the last attempt.
    case invalid(phase: String, attempts: Int, errors: SpecError)

    /// The error for the user; for invalid replies, every problem of the last one on its own line.
    public var description: String {
        switch self {
        case .llm(let e): e.description
        case .invalid(let phase, let attempts, let errors):
            "the model's \(phase) was still invalid after \(attempts) attempt\(attempts == 1 ? "" : "s"):\n\(errors.problems.map { "  " + $0 }.joined(separator: "\n"))"
        }
    }
}

/// What the pipeline produced: the spec, its compiled model, and how many replies it took.
public struct Synthesis: Sendable {
    /// The validated spec of the final reply.
    public let spec: FormulationSpec
    /// The spec compiled to a model.
    public let compiled: CompiledFormulation
    /// Replies requested per phase ("variables", "classification", "formulation"; "model" for
    /// ``SynthesisPipeline/runAlgebraic(problem:)``).
    public let replies: [(phase: String, count: Int)]
}

/// NL → spec → MILP with an LLM, in three phases (variables → sentence classes → template
/// instances). Each reply is parsed as JSON data and validated; invalid replies are sent back with
/// the validation errors, up to `attempts` times per phase.
public struct SynthesisPipeline: Sendable {
    /// The LLM to ask.
    public var client: LLMClient
    /// Replies allowed per phase (at least 1) before the pipeline gives up.
    public var attempts: Int
    /// Compiles each spec: the domain of variables whose kind the LLM does not declare, the
    /// default big-M.
    public var compiler: TemplateCompiler
    /// Progress messages (phase, attempt, rejected replies); never contains the API key.
    public var log: (@Sendable (String) -> Void)?

    /// A pipeline over `client`; `attempts` below 1 counts as 1.
    public init(client: LLMClient, attempts: Int = 3, compiler: TemplateCompiler = TemplateCompiler(), log: (@Sendable (String) -> Void)? = nil) {
        self.client = client
        if self.client.log == nil { self.client.log = log }
        self.attempts = max(1, attempts)
        self.compiler = compiler
        self.log = log
    }

    /// Runs the three phases on the word problem `problem` and compiles the result. Throws
    /// ``SynthesisError/llm(_:)`` when the server fails and ``SynthesisError/invalid(phase:attempts:errors:)``
    /// when a phase's replies stay invalid.
    public func run(problem: String) throws(SynthesisError) -> Synthesis {
        var replies: [(String, Int)] = []
        let sentences = splitSentences(problem.replacingOccurrences(of: "\n", with: " "))

        let (variables, n1) = try phase("variables", [.system(Prompts.system), .user(Prompts.variables(problem))]) { reply, _ throws(SpecError) in
            try Self.parseVariables(try jsonObject(inReply: reply))
        }
        replies.append(("variables", n1))
        let variablesJSON = String(decoding: (try? JSONSerialization.data(withJSONObject: variables.map { v -> [String: Any] in
            var o: [String: Any] = ["name": v.name]
            if let k = v.kind { o["kind"] = k.rawValue }
            if let d = v.description { o["description"] = d }
            return o
        }, options: [.sortedKeys])) ?? Data(), as: UTF8.self)

        let ((objective, classified), n2) = try phase("classification", [.system(Prompts.system), .user(Prompts.classify(sentences, variables: variablesJSON))]) { reply, _ throws(SpecError) in
            try Self.parseClassification(try jsonObject(inReply: reply), sentenceCount: sentences.count)
        }
        replies.append(("classification", n2))

        let prompt = Prompts.instantiate(problem, variables: variablesJSON,
                                         classified: classified.map { (sentences[$0.sentence - 1], $0.label) },
                                         objective: sentences[objective - 1])
        let (compiled, n3) = try phase("formulation", [.system(Prompts.system), .user(prompt)]) { reply, last throws(SpecError) in
            let data = (try? JSONSerialization.data(withJSONObject: try jsonObject(inReply: reply))) ?? Data()
            return try checked(try compiler.compile(try FormulationSpec(json: data)), last: last)
        }
        replies.append(("formulation", n3))
        return Synthesis(spec: compiled.spec, compiled: compiled, replies: replies)
    }

    /// Asks, parses, and on invalid replies asks again with the errors; returns the value and the number of replies.
    /// The model as algebraic text in one conversation: the reply (prose, Markdown, LaTeX and all)
    /// is read by ``AlgebraicReader``; its errors, each naming the line, go back until the model
    /// reads and compiles or `attempts` replies are spent. JSON mode is not asked for.
    public func runAlgebraic(problem: String) throws(SynthesisError) -> Synthesis {
        var textual = self
        textual.client.configuration.jsonMode = false
        let (compiled, n) = try textual.phase("model", [.system(Prompts.algebraicSystem), .user(Prompts.algebraic(problem))],
                                              retry: Prompts.algebraicRetry) { reply, last throws(SpecError) in
            try checked(try compiler.compile(try AlgebraicReader().read(reply)), last: last)
        }
        return Synthesis(spec: compiled.spec, compiled: compiled, replies: [("model", n)])
    }

    /// `compiled`, unless a big-M no bound gives should go back while replies remain (a bound the
    /// model adds makes it exact).
    private func checked(_ compiled: CompiledFormulation, last: Bool) throws(SpecError) -> CompiledFormulation {
        if !last, !compiled.warnings.isEmpty { throw SpecError(compiled.warnings) }
        return compiled
    }

    /// `parse` is given each reply and told whether it is the last one allowed; `retry` words the
    /// message that sends a reply's problems back.
    private func phase<T>(_ name: String, _ messages: [ChatMessage], retry: (SpecError) -> String = Prompts.retry,
                          _ parse: (String, Bool) throws(SpecError) -> T) throws(SynthesisError) -> (T, Int) {
        var conversation = messages
        var last = SpecError([])
        for attempt in 1...attempts {
            log?("\(name): request \(attempt)/\(attempts)")
            let reply: String
            do { reply = try client.complete(conversation) } catch { throw .llm(error) }
            do {
                return (try parse(reply, attempt == attempts), attempt)
            } catch {
                last = error
                log?("\(name): reply \(attempt) rejected:\n\(error.problems.map { "  " + $0 }.joined(separator: "\n"))")
                conversation += [.assistant(reply), .user(retry(error))]
            }
        }
        throw .invalid(phase: name, attempts: attempts, errors: last)
    }

    /// Phase 1: `{"variables": [{"name", "kind", "unit", "description"}]}`.
    static func parseVariables(_ object: [String: Any]) throws(SpecError) -> [SpecVariable] {
        var r = JSONFields(path: "", object: object, problems: [])
        r.allow(["variables"])
        var out: [SpecVariable] = []
        for (i, item) in r.array("variables", required: true).enumerated() {
            guard var v = r.nested(item, "variables[\(i)]") else { continue }
            v.allow(["name", "kind", "unit", "description"])
            let name = v.string("name", required: true) ?? ""
            var kind: SpecKind?
            if let k = v.string("kind") {
                kind = SpecKind(rawValue: k.lowercased())
                if kind == nil { v.fail("kind", "\"\(k)\" is not one of continuous, integer, binary") }
            }
            if !name.isEmpty && !isIdentifier(name) { v.fail("name", "\"\(name)\" is not an identifier (letters, digits, _; e.g. \(identifier(from: name)))") }
            if name == "M" { v.fail("name", "\"M\" is reserved for big-M") }
            if out.contains(where: { $0.name == name }) { v.fail("name", "duplicate name \"\(name)\"") }
            out.append(SpecVariable(name: name, kind: kind, unit: v.string("unit"), description: v.string("description")))
            r.problems += v.problems
        }
        if out.isEmpty && r.problems.isEmpty { r.problems.append("variables: the list is empty; name at least one decision variable") }
        if !r.problems.isEmpty { throw SpecError(r.problems) }
        return out
    }

    /// Phase 2: `{"objective": i, "constraints": [{"sentence": i, "class": c}]}` with 1-based sentences.
    static func parseClassification(_ object: [String: Any], sentenceCount: Int) throws(SpecError) -> (objective: Int, constraints: [(sentence: Int, label: String)]) {
        var r = JSONFields(path: "", object: object, problems: [])
        r.allow(["objective", "constraints"])
        func index(_ x: Double?, _ field: String) -> Int? {
            guard let x else { return nil }
            guard x == x.rounded(), x >= 1, x <= Double(sentenceCount) else {
                r.problems.append("\(field): \(formatCoefficient(x)) is not a sentence number 1–\(sentenceCount)"); return nil
            }
            return Int(x)
        }
        let objective = index(r.number("objective", required: true), "objective")
        var constraints: [(Int, String)] = []
        for (i, item) in r.array("constraints", required: true).enumerated() {
            guard var c = r.nested(item, "constraints[\(i)]") else { continue }
            c.allow(["sentence", "class"])
            let s = index(c.number("sentence", required: true), "constraints[\(i)].sentence")
            var label: String?
            if let n = c.object["class"].flatMap(jsonDouble), n == n.rounded(), (1...13).contains(Int(n)) {
                label = String(Int(n))
            } else if let t = c.object["class"] as? String, t.lowercased() == "linear" || (Int(t).map { (1...13).contains($0) } ?? false) {
                label = t.lowercased()
            } else {
                c.fail("class", "must be a class number 1–13 or \"linear\" (the objective is class 0 and goes in \"objective\")")
            }
            if let s, let label { constraints.append((s, label)) }
            r.problems += c.problems
        }
        guard r.problems.isEmpty, let objective else { throw SpecError(r.problems) }
        return (objective, constraints)
    }
}
