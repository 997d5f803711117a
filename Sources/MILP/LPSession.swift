/// An LP kept by a solver between solves, for sequences of small changes (bounds, objective
/// coefficients) each followed by a solve, as infeasibility analysis and cut loops make them.
///
/// Made by ``Solver/makeLPSession(_:)``. A solver that can keep its model re-solves from the
/// last basis (CLP); others solve the changed form from scratch. Outputs are the adapter's raw
/// answers, in the form's column space, unconfirmed: the caller checks what it relies on.
/// A session is used from one thread at a time.
public protocol LPSession: AnyObject {
    /// The LP as changed so far.
    var form: StandardForm { get }
    /// Sets column `column`'s bounds (±inf for none).
    func setColumnBounds(_ column: Int, lower: Double, upper: Double)
    /// Sets row `row`'s bounds (±inf for none).
    func setRowBounds(_ row: Int, lower: Double, upper: Double)
    /// Sets column `column`'s objective coefficient.
    func setObjectiveCoefficient(_ column: Int, to value: Double)
    /// Solves the LP as changed so far; `options.timeLimit`, `interrupt` and `presolve` apply.
    func solve(options: SolveOptions) -> SolverOutput
}

/// The session of a solver that keeps nothing between solves: each `solve` hands the changed form
/// to `Solver.solve(_:options:)`.
final class FormSession: LPSession {
    private(set) var form: StandardForm
    private let solver: any Solver

    init(_ form: StandardForm, solver: any Solver) {
        self.form = form
        self.solver = solver
    }

    func setColumnBounds(_ column: Int, lower: Double, upper: Double) {
        form.columnLower[column] = lower
        form.columnUpper[column] = upper
    }

    func setRowBounds(_ row: Int, lower: Double, upper: Double) {
        form.rowLower[row] = lower
        form.rowUpper[row] = upper
    }

    func setObjectiveCoefficient(_ column: Int, to value: Double) { form.objective[column] = value }

    func solve(options: SolveOptions) -> SolverOutput { solver.solve(form, options: options) }
}

extension Solver {
    /// A session on the LP `form` that solves it from scratch after each change; solvers that
    /// can re-solve from their last basis provide their own.
    public func makeLPSession(_ form: StandardForm) -> any LPSession { FormSession(form, solver: self) }
}
