import Foundation
import MILP

/// A published optimum for one NL4Opt test problem (a line of `answers.jsonl`).
public struct PublishedAnswer: Sendable {
    /// The problem's id in the answers file.
    public let id: String
    /// The NL4Opt hash of the problem (`nl4opt_hash`), as in the declarations files.
    public let hash: String
    /// nil when no value was published.
    public let optimum: Double?
    /// The data set's independent LP/ILP cross-check status ("match_ilp", "mismatch", …), if any.
    public let crosscheck: String?

    /// True when the cross-check agrees with the published value (status `match_*`).
    public var isTrusted: Bool { crosscheck?.hasPrefix("match_") ?? false }

    /// Every line of an answers file.
    public static func read(path: String) throws -> [PublishedAnswer] {
        var out: [PublishedAnswer] = []
        for (n, o) in try jsonLines(path) {
            guard let o, let id = o["id"] as? String, let hash = o["nl4opt_hash"] as? String
            else { throw SpecError("\(path):\(n): not an answer record (needs id and nl4opt_hash)") }
            let optimum = o["optimum"].flatMap { $0 is NSNull ? nil : (jsonDouble($0) ?? (($0 as? String).flatMap { Double($0) })) }
            out.append(PublishedAnswer(id: id, hash: hash, optimum: optimum, crosscheck: (o["crosscheck"] as? [String: Any])?["status"] as? String))
        }
        return out
    }
}

/// The lines of a JSONL file that are not blank, numbered from 1, each with its JSON object (nil
/// when the line is not one).
func jsonLines(_ path: String) throws(SpecError) -> [(line: Int, object: [String: Any]?)] {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
        throw SpecError("\(path): cannot read: \(error.localizedDescription)")
    }
    return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { n, line in
        line.trimmingCharacters(in: .whitespaces).isEmpty ? nil : (n + 1, (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])
    }
}

/// True when `value`, rounded to as many decimals as `published` is written with, is within a
/// relative 1e-6 of `published` (absolute 1e-6 near zero).
public func reproduces(_ value: Double, published: Double) -> Bool {
    let d = min(publishedDecimals(published), 12)
    let scale = pow(10.0, Double(d))
    let rounded = (value * scale).rounded() / scale
    return abs(rounded - published) <= 1e-6 * max(abs(published), 1)
}

/// Decimals in the shortest decimal form of `x` ("125.4929565" → 7, "5050.0" → 0, "1e-05" → 5).
func publishedDecimals(_ x: Double) -> Int {
    let parts = "\(x)".lowercased().split(separator: "e")
    let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    let fraction = parts[0].split(separator: ".").dropFirst().first.map { $0 == "0" ? "" : $0 } ?? ""
    return max(0, fraction.count - exponent)
}

/// The NL4Opt evaluation: compile each problem's gold declarations, solve them in both readings,
/// and compare with the published optimum.
///
/// The integrality rule: integer first. A problem's reading is `integer` (every decision variable
/// integer) when that reproduces the published optimum, otherwise `continuous` when that does. NL4Opt
/// has no integrality flags, so the published value is the only witness of the intended reading;
/// the report also counts what the integer reading alone, and integer-with-continuous-fallback-when-
/// infeasible (rules that never look at the answer), reproduce.
public struct NL4OptEvaluation: Sendable {
    /// What one reading gave.
    public struct ReadingResult: Sendable {
        /// "optimal", "infeasible", "unbounded", … or "error".
        public var status: String
        /// The objective of the solve's solution; nil when it found none or did not run.
        public var objective: Double?
        /// The solver's message, or why the spec could not be compiled or solved.
        public var message: String?
    }

    /// What one answer's problem gave in both readings, compared with its published optimum.
    public struct Outcome: Sendable {
        /// The problem's id in the answers file.
        public var id: String
        /// The problem's NL4Opt hash.
        public var hash: String
        /// The published optimum; nil when none was published.
        public var published: Double?
        /// The data set's cross-check status, if any (see ``PublishedAnswer/crosscheck``).
        public var crosscheck: String?
        /// The result with every variable continuous.
        public var continuous: ReadingResult
        /// The result with every variable integer.
        public var integer: ReadingResult
        /// The reading that reproduced the published value, by the rule.
        public var reading: VariableReading?
        /// True when a reading reproduced the published optimum (see ``reproduces(_:published:)``).
        public var matched: Bool
        /// Why it did not match (empty when it did).
        public var reason: String
    }

    /// One outcome per answer, in the answers' order.
    public var outcomes: [Outcome] = []

    /// Answers whose published optimum was reproduced by either reading.
    public var matched: Int { outcomes.filter(\.matched).count }
    /// Answers evaluated.
    public var total: Int { outcomes.count }
    /// Problems whose cross-check agrees with the published value, and how many of them matched.
    public var trusted: (matched: Int, total: Int) {
        let t = outcomes.filter { $0.crosscheck?.hasPrefix("match_") ?? false }
        return (t.filter(\.matched).count, t.count)
    }
    /// Matches of the integer reading alone (a rule that never looks at the answer).
    public var integerOnly: Int {
        outcomes.filter { o in o.published.map { p in o.integer.objective.map { reproduces($0, published: p) } ?? false } ?? false }.count
    }
    /// Matches of "integer, continuous when the integer model is infeasible" (never looks at the answer).
    public var integerWithFallback: Int {
        outcomes.filter { o in
            let r = o.integer.status == "infeasible" ? o.continuous : o.integer
            return o.published.map { p in r.objective.map { reproduces($0, published: p) } ?? false } ?? false
        }.count
    }

    /// Evaluates every answer against the problem with the same hash.
    public init(problems: [NL4OptProblem], answers: [PublishedAnswer], solver: any Solver) {
        let byHash = Dictionary(problems.map { ($0.hash, $0) }, uniquingKeysWith: { a, _ in a })
        for a in answers {
            var outcome = Outcome(id: a.id, hash: a.hash, published: a.optimum, crosscheck: a.crosscheck,
                                  continuous: ReadingResult(status: "error"), integer: ReadingResult(status: "error"),
                                  reading: nil, matched: false, reason: "")
            guard let problem = byHash[a.hash] else {
                outcome.reason = "no problem with hash \(a.hash) in the problems file"
                outcomes.append(outcome)
                continue
            }
            switch problem.spec {
            case .success(let spec):
                outcome.continuous = Self.solve(spec, .continuous, solver)
                outcome.integer = Self.solve(spec, .integer, solver)
            case .failure(let error):
                outcome.continuous.message = error.description
                outcome.integer.message = error.description
            }
            if let p = a.optimum {
                for (reading, r) in [(VariableReading.integer, outcome.integer), (.continuous, outcome.continuous)] {
                    if let v = r.objective, reproduces(v, published: p) {
                        outcome.reading = reading
                        outcome.matched = true
                        break
                    }
                }
            }
            if !outcome.matched { outcome.reason = Self.reason(outcome) }
            outcomes.append(outcome)
        }
    }

    static func solve(_ spec: FormulationSpec, _ reading: VariableReading, _ solver: any Solver) -> ReadingResult {
        do {
            let compiled = try TemplateCompiler(reading: reading).compile(spec)
            let result = try solver.solve(compiled.model)
            return ReadingResult(status: result.termination.rawValue, objective: result.objective, message: result.message)
        } catch {
            return ReadingResult(status: "error", message: "\(error)")
        }
    }

    static func reason(_ o: Outcome) -> String {
        let lp = o.continuous, ilp = o.integer
        if lp.status == "error" { return "cannot compile the gold declarations: \(lp.message ?? "")" }
        guard let p = o.published else { return "no published optimum" }
        if lp.status == "infeasible" && ilp.status == "infeasible" {
            return "the gold declarations are infeasible in both readings; published \(formatCoefficient(p))"
        }
        func show(_ r: ReadingResult) -> String { r.objective.map { String(format: "%.6g", $0) } ?? r.status }
        return "published \(formatCoefficient(p)) differs from both readings (continuous \(show(lp)), integer \(show(ilp)))"
    }
}
