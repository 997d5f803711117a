import MILP

/// The verdict on one solve: its solution re-checked against the model, its claim against the
/// known answer.
public struct Verification: Sendable, Equatable {
    /// Nil when the result claims nothing that can be wrong; otherwise why it is wrong.
    public var wrong: String?
    /// Largest violation found in the returned solution (0 without one).
    public var maxViolation: Double
    /// The objective recomputed from the model and the returned values.
    public var recomputedObjective: Double?

    /// Whether the result was judged wrong (``wrong`` is set).
    public var isWrong: Bool { wrong != nil }

    /// Relative tolerance for comparing objectives: |a − b| ≤ tolerance · max(1, |b|).
    public static let objectiveTolerance = 1e-6

    /// Checks `result` (for `model`) against `known`: the returned solution must be feasible
    /// (bounds, rows, integrality), and the claim must agree with `known` (see `judge`).
    public init(_ result: SolveResult, model: Model, known: KnownAnswer?) {
        var infeasibility: String?
        maxViolation = 0
        if let values = result.values {
            let tolerance = FeasibilityReport.acceptedViolation
            let report = model.checkFeasibility(of: values, tolerance: tolerance, integralityTolerance: tolerance)
            maxViolation = report.maxViolation
            if !report.isFeasible { infeasibility = "returned solution is infeasible: \(report)" }
            recomputedObjective = model.objectiveValue(of: values)
        }
        let claim = Self.judge(termination: result.termination.rawValue, objective: recomputedObjective,
                               sense: model.sense, known: known)
        let problems = [infeasibility, claim].compactMap { $0 }
        wrong = problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// Why a claim is wrong, or nil: a claimed optimum that differs from the known optimum, an
    /// objective that beats a proven optimum, "infeasible"/"unbounded" claimed for an instance
    /// with a known solution, or a solution or optimum claimed for an infeasible instance.
    /// `termination` is a `TerminationReason` raw value; `objective` that of the returned solution.
    package static func judge(termination: String, objective: Double?, sense: ObjectiveSense, known: KnownAnswer?) -> String? {
        let sign = sense == .minimize ? 1.0 : -1.0
        var problems: [String] = []
        switch known {
        case .optimal(let optimum):
            let tolerance = objectiveTolerance * max(1, abs(optimum))
            if termination == TerminationReason.optimal.rawValue, let objective, abs(objective - optimum) > tolerance {
                problems.append("claims optimum \(formatNumber(objective)) but the known optimum is \(formatNumber(optimum))")
            } else if let objective, sign * (optimum - objective) > tolerance {
                problems.append("objective \(formatNumber(objective)) beats the proven optimum \(formatNumber(optimum))")
            }
            if termination == TerminationReason.infeasible.rawValue || termination == TerminationReason.unbounded.rawValue {
                problems.append("claims \(termination) but the instance has optimum \(formatNumber(optimum))")
            }
        case .bestKnown:
            if termination == TerminationReason.infeasible.rawValue { problems.append("claims infeasible but a feasible solution is known") }
        case .infeasible:
            if objective != nil || termination == TerminationReason.optimal.rawValue || termination == TerminationReason.unbounded.rawValue {
                problems.append("claims \(termination)\(objective.map { " with objective \(formatNumber($0))" } ?? "") for an infeasible instance")
            }
        case nil:
            break
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
