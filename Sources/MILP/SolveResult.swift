import Foundation

/// The outcome of a solve, in the model's own terms.
///
/// Why the solve stopped (`termination`, `limit`) is kept apart from what it produced
/// (`values`, `objective`, `bestBound`): a time-limit stop with an incumbent has
/// `termination == .limitReached`, `limit == .time` and `hasSolution == true`.
public struct SolveResult: Sendable {
    /// Why the solve stopped; when it is `.limitReached`, `limit` says which limit.
    public var termination: TerminationReason
    /// Set when `termination == .limitReached`.
    public var limit: SolveLimit?
    /// One value per model variable for the best feasible point found, or nil.
    public var values: [Double]?
    /// Objective of `values`, recomputed from the model (constant included).
    public var objective: Double?
    /// Best proven bound on the optimal objective (constant included); ±inf when unknown.
    public var bestBound: Double
    /// |objective − bestBound| / max(|objective|, 1e-10); nil without a solution.
    public var gap: Double?
    /// Branch-and-bound nodes processed; 0 for LP solves.
    public var nodes: Int
    /// Simplex iterations (CBC, CLP); nil when the solver does not report them (GLPK).
    public var iterations: Int?
    /// Wall time of the whole call: validation, hand-off, solve, read-back (not counting a wait
    /// for another in-process CBC/CLP solve to finish).
    public var seconds: Double
    /// LP only: ∂objective/∂(row bound) per row, in the objective's own sense.
    public var duals: [Double]?
    /// LP only: reduced cost per variable, in the objective's own sense.
    public var reducedCosts: [Double]?
    /// LP only: the basis status of each variable, when the solver reports a basis (CLP, GLPK).
    public var columnBasis: [BasisStatus]?
    /// LP only: the basis status of each row (its slack), when the solver reports a basis (CLP, GLPK).
    public var rowBasis: [BasisStatus]?
    /// The ``Solver/name`` of the solver that ran, e.g. "cbc".
    public var solverName: String
    /// The ``Solver/version`` of the solver library that ran.
    public var solverVersion: String
    /// The solver's explanation of an error or unusual stop, plus notes added here (a discarded
    /// infeasible point, optimality from integer steps); nil when there is nothing to report.
    public var message: String?
    /// [seconds since the solver started, objective] each time the solver found a better
    /// incumbent, the last one being `objective`; nil when the solver does not report them (CBC does).
    public var incumbentTrace: [[Double]]?
    /// The feasibility report of a point the solver returned that was not feasible (and so was
    /// dropped from `values`); nil when the solver returned a feasible point or none.
    public internal(set) var discardedPoint: FeasibilityReport?
    /// Set when the solver's point failed the feasibility check and was replaced by a repaired
    /// one or by a retry's (``message`` says what the violation was).
    public internal(set) var recovery: PointRecovery?

    /// True when a feasible point is available.
    public var hasSolution: Bool { values != nil }

    init(model: Model, form: StandardForm, output: SolverOutput, solver: some Solver, seconds: Double) {
        termination = output.termination
        limit = output.termination == .limitReached ? output.limit : nil
        if let v = output.values, v.count >= form.originalColumnCount {
            let own = Array(v.prefix(form.originalColumnCount))
            values = own
            objective = model.objectiveValue(of: own)
        }
        bestBound = output.bestBound + (output.bestBound.isFinite ? form.objectiveConstant : 0)
        if termination == .optimal, let objective, !bestBound.isFinite {
            // Some solvers report no bound for LPs or trivially solved MIPs: proven optimal means bound = objective.
            bestBound = objective
        }
        if let objective { gap = relativeGap(objective: objective, bound: bestBound) }
        nodes = output.nodes
        iterations = output.iterations
        self.seconds = seconds
        if let d = output.duals { duals = Array(d.prefix(form.originalRowCount)) }
        if let r = output.reducedCosts { reducedCosts = Array(r.prefix(form.originalColumnCount)) }
        if let b = output.columnBasis { columnBasis = Array(b.prefix(form.originalColumnCount)) }
        if let b = output.rowBasis { rowBasis = Array(b.prefix(form.originalRowCount)) }
        solverName = solver.name
        solverVersion = solver.version
        message = output.message
        if let trace = output.incumbentTrace?.map({ [$0[0], $0[1] + form.objectiveConstant] }) {
            // The solver's last report may precede its final incumbent (or carry no offset of a
            // presolved model): the returned objective closes the trace.
            incumbentTrace = objective.map { closedIncumbentTrace(trace, at: seconds, with: $0) } ?? trace
        }
    }

    /// Solvers sometimes hand back a point that is not feasible (an interrupted search, numerical
    /// trouble). Such a point is never passed on as a solution: it is dropped with a message, and a
    /// claim of optimality resting on it becomes an error.
    mutating func discardInfeasiblePoint(of model: Model) {
        guard let values else { return }
        let report = model.checkFeasibility(of: values, tolerance: FeasibilityReport.acceptedViolation,
                                            integralityTolerance: FeasibilityReport.acceptedViolation)
        guard !report.isFeasible else { return }
        discardedPoint = report
        self.values = nil
        objective = nil
        gap = nil
        incumbentTrace = nil
        let note = "\(solverName) returned a point that is not feasible, discarded (\(report))"
        message = message.map { "\($0); \(note)" } ?? note
        if termination == .optimal { termination = .error }
    }

    /// A gap limit whose gap is closed is a proof of optimality: the bound meets the objective, or
    /// the objective takes integer steps (integer coefficients on integer variables only) and the
    /// bound is less than one step away. Such a result is reported as optimal.
    mutating func recognizeClosedGap(of model: Model) {
        guard termination == .limitReached, limit == .gap, let objective, bestBound.isFinite else { return }
        let bound = bestBound, distance = model.sense.sign * (objective - bound)
        let met = abs(distance) <= 1e-9 * max(1, abs(objective))
        guard met || (distance < 1 - 1e-6 && model.objectiveTakesIntegerSteps) else { return }
        termination = .optimal
        limit = nil
        bestBound = objective
        gap = 0
        if !met {
            let note = "optimal: the objective takes integer steps and the bound \(formatNumber(bound)) is less than one step away"
            message = message.map { "\($0); \(note)" } ?? note
        }
    }

    /// The value of `variable` in the solution (traps without a solution).
    public subscript(variable: Variable) -> Double {
        guard let values else { preconditionFailure("no solution: \(termination.rawValue)") }
        return values[variable.index]
    }

    /// The value of an expression in the solution.
    public func value<E: LinearExpressionConvertible>(of expression: E) -> Double? {
        values.map { expression.linearExpression.value(at: $0) }
    }

    /// The dual value of a row (LP only).
    public func dual(of constraint: Constraint) -> Double? { duals?[constraint.index] }

    /// The reduced cost of a variable (LP only).
    public func reducedCost(of variable: Variable) -> Double? { reducedCosts?[variable.index] }

    /// A one-line summary such as `optimal: objective 3089 (bound 3089, gap 0%) in 0.05 s, 12 nodes`.
    public var summary: String {
        var s = termination.rawValue
        if let limit { s += " (\(limit.rawValue))" }
        if let objective {
            s += ": objective \(formatNumber(objective))"
            s += " (bound \(formatNumber(bestBound))"
            if let gap { s += ", gap \(formatNumber(gap * 100))%" }
            s += ")"
        } else {
            s += ": no solution"
        }
        s += " in \(formatNumber(seconds)) s, \(nodes) nodes"
        return s
    }
}

/// Formats a number with up to 10 significant digits (`3089`, `0.1500025774`, `-inf`).
public func formatNumber(_ x: Double) -> String {
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x.isNaN { return "nan" }
    return String(format: "%.10g", x)
}

/// An incumbent trace (`[[seconds, objective], …]`) that ends at `objective`: unchanged when its
/// last point already has that objective (relative 1e-9), else with a point at `time` (or at the
/// last point's time, if later) appended.
package func closedIncumbentTrace(_ trace: [[Double]], at time: Double, with objective: Double) -> [[Double]] {
    if let last = trace.last, abs(last[1] - objective) <= 1e-9 * max(1, abs(objective)) { return trace }
    return trace + [[max(trace.last?[0] ?? time, time), objective]]
}
