import CClp
import CCoinStop
import MILP

/// COIN-OR CLP through its C interface (`Clp_C_Interface.h`): simplex for pure LPs, with primal
/// values, duals, reduced costs and the final basis.
///
/// Duals and reduced costs are reported as ∂objective/∂bound in the objective's own sense, the
/// same convention as the GLPK adapter.
public struct ClpSolver: Solver {
    /// Creates the CLP adapter; it holds no state, so one instance serves any number of solves.
    public init() {}

    /// "clp".
    public var name: String { "clp" }
    /// The linked CLP library's version string, from `Clp_Version()`.
    public var version: String { String(cString: Clp_Version()) }
    /// LP duals, reduced costs and basis; no integer variables or SOS sets (LPs only).
    public var capabilities: SolverCapabilities { [.duals] }

    /// Solves the LP `form` with CLP's simplex, serialized with other CBC and CLP solves in this process;
    /// the wall-clock time limit and interrupt are polled during the iterations.
    public func solve(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        withSolveLock(coinOrSolveLock, interrupt: options.interrupt, sense: form.sense) { solveLocked(form, options: options) }
    }

    private func solveLocked(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        let model = Self.load(form)
        defer { Clp_deleteModel(model) }
        return Self.run(model, form: form, options: options) { model in
            if options.presolve == false {
                // The second path: no presolve, no scaling, the primal simplex (CLP's default
                // is presolve, scaling and, mostly, the dual simplex). Scaled, gas11 (objective
                // coefficients up to 2.5e10) ends "primal infeasible" on every path.
                Clp_scaling(model, 0)
                let solve = ClpSolve_new()
                defer { ClpSolve_delete(solve) }
                ClpSolve_setPresolveType(solve, 1, 0)  // ClpSolve::presolveOff
                ClpSolve_setSolveType(solve, 1, 0)  // ClpSolve::usePrimal
                Clp_initialSolveWithOptions(model, solve)
            } else {
                Clp_initialSolve(model)
            }
        }
    }

    /// A session that keeps the LP in CLP between solves: each solve after the first starts from
    /// the last basis (the primal simplex after objective changes, which keep it primal feasible;
    /// the dual simplex after bound changes, which keep it dual feasible).
    public func makeLPSession(_ form: StandardForm) -> any LPSession { ClpSession(form) }

    /// A new CLP model holding `form` (deleted by the caller with `Clp_deleteModel`).
    fileprivate static func load(_ form: StandardForm) -> UnsafeMutableRawPointer? {
        let model = Clp_newModel()
        Clp_loadProblem(model, Int32(form.columnCount), Int32(form.rowCount), form.columnStarts, form.rowIndices, form.values,
                        form.columnLower.map(toCoin), form.columnUpper.map(toCoin), form.objective,
                        form.rowLower.map(toCoin), form.rowUpper.map(toCoin))
        Clp_setObjSense(model, form.sense.sign)
        return model
    }

    /// Runs `algorithm` on the loaded `model` with the time limit, interrupt and progress of
    /// `options`, and reads the outcome.
    fileprivate static func run(_ model: UnsafeMutableRawPointer?, form: StandardForm, options: SolveOptions,
                                algorithm: (UnsafeMutableRawPointer?) -> Void) -> SolverOutput {
        Clp_setLogLevel(model, Int32(clamping: options.logLevel))
        if options.interrupt?.isSet == true {
            return SolverOutput(termination: .limitReached, limit: .interrupted, bestBound: -form.sense.sign * .infinity)
        }
        // The deadline (wall clock) and the interrupt are polled, and progress is reported, every
        // 8th simplex iteration.
        // CLP's own maximumSeconds counts CPU time and reports its stop as an iteration limit.
        // A stopped LP proves nothing.
        let check = LPStopCheck(interrupt: options.interrupt, timeLimit: options.timeLimit, progress: ProgressRelay(options, form: form))
        var stop = milpkit_coin_stop(should_stop: { context, _ in
            Unmanaged<LPStopCheck>.fromOpaque(context!).takeUnretainedValue().shouldStop ? 1 : 0
        }, on_incumbent: nil, on_progress: nil, on_iteration: check.progress == nil ? nil : { context, iterations in
            Unmanaged<LPStopCheck>.fromOpaque(context!).takeUnretainedValue().progress?.update(iterations: Int(iterations))
        }, seconds_left: nil, context: Unmanaged.passUnretained(check).toOpaque(), fired: 0, search_ended: 0,
           incumbent: nil, incumbent_columns: 0, incumbent_kept: 0)
        withExtendedLifetime(check) {
            withUnsafeMutablePointer(to: &stop) { stop in
                milpkit_clp_attach_stop(model, stop)
                algorithm(model)
            }
        }
        if stop.fired != 0 {
            var output = SolverOutput(termination: .limitReached, limit: check.interrupted ? .interrupted : .time,
                                      bestBound: -form.sense.sign * .infinity)
            output.iterations = Int(Clp_getIterationCount(model))
            return output
        }
        return read(model, form: form)
    }

    private static func read(_ model: UnsafeMutableRawPointer?, form: StandardForm) -> SolverOutput {
        let n = form.columnCount, m = form.rowCount
        let unknownBound = -form.sense.sign * Double.infinity
        let status = Clp_status(model)
        var output: SolverOutput
        switch status {
        case 0:
            let x = Array(UnsafeBufferPointer(start: Clp_getColSolution(model), count: n))
            output = SolverOutput(termination: .optimal, values: x, bestBound: Clp_getObjValue(model))
            output.duals = Array(UnsafeBufferPointer(start: Clp_getRowPrice(model), count: m))
            output.reducedCosts = Array(UnsafeBufferPointer(start: Clp_getReducedCost(model), count: n))
            output.columnBasis = (0..<n).map { basis(Clp_getColumnStatus(model, Int32($0))) }
            output.rowBasis = (0..<m).map { basis(Clp_getRowStatus(model, Int32($0))) }
        case 1:
            output = SolverOutput(termination: .infeasible, bestBound: unknownBound)
        case 2:
            output = SolverOutput(termination: .infeasibleOrUnbounded, bestBound: unknownBound)
        case 3:
            let limit: SolveLimit = Clp_isIterationLimitReached(model) != 0 ? .iterations : .time
            output = SolverOutput(termination: .limitReached, limit: limit, bestBound: unknownBound)
        default:
            output = SolverOutput(termination: .error, bestBound: unknownBound)
            output.message = "CLP stopped with status \(status), secondary status \(Clp_secondaryStatus(model))"
        }
        output.iterations = Int(Clp_getIterationCount(model))
        return output
    }

    private static func basis(_ code: Int32) -> BasisStatus {
        switch code {
        case 0: .free
        case 1: .basic
        case 2: .atUpper
        case 3: .atLower
        case 4: .superbasic
        default: .fixed
        }
    }
}

/// CLP's infinity for ±inf.
private func toCoin(_ x: Double) -> Double {
    x == .infinity ? .greatestFiniteMagnitude : (x == -.infinity ? -.greatestFiniteMagnitude : x)
}

/// An LP held in CLP between solves (see `ClpSolver.makeLPSession`). Changes are collected in
/// `form` and handed to CLP before the next solve through its `Clp_chg…` calls, which tell CLP
/// what changed (writing into its arrays directly leaves its scaled working copy stale: CLP then
/// aborts on `lowerValue <= upperValue`).
private final class ClpSession: LPSession {
    private(set) var form: StandardForm
    private let model: UnsafeMutableRawPointer?
    private var solved = false
    private var objectiveChanged = false
    private var boundsChanged = false

    init(_ form: StandardForm) {
        self.form = form
        model = ClpSolver.load(form)
    }

    deinit { Clp_deleteModel(model) }

    func setColumnBounds(_ column: Int, lower: Double, upper: Double) {
        form.columnLower[column] = lower
        form.columnUpper[column] = upper
        boundsChanged = true
    }

    func setRowBounds(_ row: Int, lower: Double, upper: Double) {
        form.rowLower[row] = lower
        form.rowUpper[row] = upper
        boundsChanged = true
    }

    func setObjectiveCoefficient(_ column: Int, to value: Double) {
        form.objective[column] = value
        objectiveChanged = true
    }

    func solve(options: SolveOptions) -> SolverOutput {
        withSolveLock(coinOrSolveLock, interrupt: options.interrupt, sense: form.sense) {
            if objectiveChanged { Clp_chgObjCoefficients(model, form.objective) }
            if boundsChanged {
                Clp_chgColumnLower(model, form.columnLower.map(toCoin))
                Clp_chgColumnUpper(model, form.columnUpper.map(toCoin))
                Clp_chgRowLower(model, form.rowLower.map(toCoin))
                Clp_chgRowUpper(model, form.rowUpper.map(toCoin))
            }
            let warm = solved, dual = boundsChanged
            (solved, objectiveChanged, boundsChanged) = (true, false, false)
            return ClpSolver.run(model, form: form, options: options) { model in
                if !warm {
                    Clp_initialSolve(model)
                } else if dual {
                    Clp_dual(model, 0)
                } else {
                    Clp_primal(model, 0)
                }
            }
        }
    }
}

/// What CLP polls during a solve: an interrupt request or the wall-clock deadline; and where its
/// iterations are reported.
private final class LPStopCheck: Sendable {
    let interrupt: InterruptFlag?
    let deadline: ContinuousClock.Instant?
    let progress: ProgressRelay?

    init(interrupt: InterruptFlag?, timeLimit: Double?, progress: ProgressRelay?) {
        self.interrupt = interrupt
        self.progress = progress
        deadline = timeLimit.flatMap { $0 < 1e12 ? ContinuousClock.now + .seconds(max($0, 0)) : nil }  // inf, NaN: none
    }

    var interrupted: Bool { interrupt?.isSet == true }
    var shouldStop: Bool { interrupted || deadline.map { ContinuousClock.now >= $0 } == true }
}
