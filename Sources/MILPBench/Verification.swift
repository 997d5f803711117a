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

    public var isWrong: Bool { wrong != nil }

    /// Relative tolerance for comparing objectives: |a − b| ≤ tolerance · max(1, |b|).
    public static let objectiveTolerance = 1e-6

    /// Checks `result` (for `model`) against `known`:
    /// - a returned solution must be feasible (bounds, rows, integrality),
    /// - a claimed optimum must equal the known optimum,
    /// - no objective may beat a proven optimum,
    /// - "infeasible" must not be claimed for an instance with a known solution, nor "optimal" for an infeasible one.
    public init(_ result: SolveResult, model: Model, known: KnownAnswer?) {
        var problems: [String] = []
        maxViolation = 0
        if let values = result.values {
            let report = model.checkFeasibility(of: values)
            maxViolation = max(report.maxBoundViolation, report.maxRowViolation, report.maxIntegralityViolation)
            if !report.isFeasible { problems.append("returned solution is infeasible: \(report)") }
            recomputedObjective = model.objectiveValue(of: values)
        }
        let sign = model.sense == .minimize ? 1.0 : -1.0
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= Self.objectiveTolerance * max(1, abs(b)) }
        switch known {
        case .optimal(let optimum):
            if result.termination == .optimal, let objective = recomputedObjective, !close(objective, optimum) {
                problems.append("claims optimum \(formatNumber(objective)) but the known optimum is \(formatNumber(optimum))")
            }
            if let objective = recomputedObjective, sign * (optimum - objective) > Self.objectiveTolerance * max(1, abs(optimum)) {
                problems.append("objective \(formatNumber(objective)) beats the proven optimum \(formatNumber(optimum))")
            }
            if result.termination == .infeasible || result.termination == .unbounded {
                problems.append("claims \(result.termination.rawValue) but the instance has optimum \(formatNumber(optimum))")
            }
        case .bestKnown:
            if result.termination == .infeasible { problems.append("claims infeasible but a feasible solution is known") }
        case .infeasible:
            if result.hasSolution || result.termination == .optimal || result.termination == .unbounded {
                problems.append("claims \(result.termination.rawValue) for an infeasible instance")
            }
        case nil:
            break
        }
        wrong = problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
