import Foundation
import MILP

/// The expected outcome of one algebraic model file (a line of an answers JSONL file): solved to
/// an optimum, or refused as invalid.
public struct AlgebraicAnswer: Sendable {
    /// The model's id: its file name without the extension.
    public let id: String
    /// "optimal", "infeasible", "unbounded" or "refused" (the file is not a valid linear model).
    public let status: String
    /// The optimal objective, when `status` is "optimal".
    public let objective: Double?
    /// Where the model comes from, and how its answer was checked (kept in reports).
    public let source: String?
    /// For a refused model: why it is invalid.
    public let reason: String?

    /// Every record of an answers file: `{"id", "status", "objective"?, "source"?, "reason"?}`
    /// (`file` may stand for `id`: its name without directory and extension).
    public static func read(path: String) throws(SpecError) -> [AlgebraicAnswer] {
        var out: [AlgebraicAnswer] = []
        for (n, o) in try jsonLines(path) {
            guard let o else { throw SpecError("\(path):\(n): not a JSON object") }
            let id = (o["id"] as? String) ?? (o["file"] as? String).map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
            guard let id, let status = o["status"] as? String, ["optimal", "infeasible", "unbounded", "refused"].contains(status) else {
                throw SpecError("\(path):\(n): an answer needs id (or file) and status (optimal, infeasible, unbounded or refused)")
            }
            let objective = o["objective"].flatMap(jsonDouble)
            if status == "optimal" && objective == nil { throw SpecError("\(path):\(n): status optimal needs a numeric objective") }
            out.append(AlgebraicAnswer(id: id, status: status, objective: objective, source: o["source"] as? String, reason: o["reason"] as? String))
        }
        return out
    }
}

/// Reads, compiles and solves every model file of a folder and compares each with its answer:
/// matched, mismatched, refused (with the reader's reason), a refusal the answer expects, or an
/// invalid model accepted.
public struct AlgebraicEvaluation: Sendable {
    /// How a model fared.
    public enum Verdict: String, Sendable, CaseIterable {
        /// Solved with the answer's status and objective.
        case matched
        /// Solved, with another status or objective.
        case mismatched
        /// Refused though the answer has a solution.
        case refused
        /// Refused, as the answer expects (the file is invalid).
        case refusedAsExpected = "refused_as_expected"
        /// Accepted though the answer says the file is invalid.
        case acceptedInvalid = "accepted_invalid"
        /// No answer for this file.
        case unanswered
    }

    /// One model file's outcome.
    public struct Outcome: Sendable {
        /// The file name without extension.
        public var id: String
        /// The file's path.
        public var path: String
        /// The answer, if any.
        public var answer: AlgebraicAnswer?
        /// What the solve ended with ("optimal", …), or "refused".
        public var status: String
        /// The optimum found, if any.
        public var objective: Double?
        /// The verdict.
        public var verdict: Verdict
        /// Why it did not match: the reader's errors, or the difference.
        public var reason: String
        /// Big-M values the bounds did not give (the compiler's warnings).
        public var warnings: [String]
        /// Big-M values put in the model.
        public var bigM: [Double]
    }

    /// One outcome per model file, in file-name order.
    public var outcomes: [Outcome] = []

    /// How many outcomes have `verdict`.
    public func count(_ verdict: Verdict) -> Int { outcomes.filter { $0.verdict == verdict }.count }

    /// The model files of `directory` (`.txt`, `.md`), in name order.
    public static func modelFiles(in directory: String) throws(SpecError) -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw SpecError("\(directory): cannot list: \(error.localizedDescription)")
        }
        return names.filter { $0.hasSuffix(".txt") || $0.hasSuffix(".md") }.sorted().map { directory + "/" + $0 }
    }

    /// Evaluates every model file of `files` against the answer with its id.
    public init(files: [String], answers: [AlgebraicAnswer], compiler: TemplateCompiler, solver: any Solver) {
        let byID = Dictionary(answers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for path in files {
            let id = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            var outcome = Outcome(id: id, path: path, answer: byID[id], status: "refused", objective: nil, verdict: .unanswered, reason: "", warnings: [], bigM: [])
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let compiled = try compiler.compile(try AlgebraicReader().read(text, name: id))
                outcome.warnings = compiled.warnings
                outcome.bigM = compiled.bigM.map(\.value)
                let result = try solver.solve(compiled.model)
                outcome.status = result.termination.rawValue
                outcome.objective = result.objective
            } catch let error as SpecError {
                outcome.reason = error.problems.joined(separator: "; ")
            } catch {
                outcome.status = "error"
                outcome.reason = "\(error)"
            }
            outcome.verdict = Self.verdict(&outcome)
            outcomes.append(outcome)
        }
    }

    static func verdict(_ o: inout Outcome) -> Verdict {
        guard let answer = o.answer else { return .unanswered }
        if answer.status == "refused" {
            if o.status == "refused" { return .refusedAsExpected }
            o.reason = "accepted (\(o.status)\(o.objective.map { " \(formatCoefficient($0))" } ?? "")); the answer says invalid: \(answer.reason ?? "")"
            return .acceptedInvalid
        }
        if o.status == "refused" { return .refused }
        guard o.status == answer.status else {
            o.reason = "\(o.status) where the answer is \(answer.status)\(answer.objective.map { " \(formatCoefficient($0))" } ?? "")"
            return .mismatched
        }
        if let expected = answer.objective {
            guard let value = o.objective, abs(value - expected) <= 1e-6 * max(1, abs(expected)) else {
                o.reason = "objective \(o.objective.map { String(format: "%.9g", $0) } ?? "none") where the answer is \(formatCoefficient(expected))"
                return .mismatched
            }
        }
        return .matched
    }
}
