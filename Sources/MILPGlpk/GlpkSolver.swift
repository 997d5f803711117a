import CGlpkShim
import MILP
import Synchronization

/// GLPK through a guarded C shim: simplex for LPs (with duals, reduced costs and basis),
/// `glp_intopt` with presolve for MILPs.
///
/// GLPK aborts the process on invalid calls; the shim installs an error hook that turns them into
/// `.error` results, and builds, solves and frees each problem in one call on the calling thread.
/// A complete MIP start (a value for every variable) is offered to the search as a heuristic
/// solution; a partial one is ignored, since GLPK cannot complete it.
///
/// Solves in one process run one at a time, like CBC's and CLP's.
public struct GlpkSolver: Solver {
    /// Creates the GLPK adapter; it holds no state, so one instance serves any number of solves.
    public init() {}

    /// "glpk".
    public var name: String { "glpk" }
    /// The linked GLPK library's version string.
    public var version: String { String(cString: milpkit_glpk_version()) }
    /// Integer variables, and duals, reduced costs and basis for LPs; SOS sets are compiled into binaries and rows.
    public var capabilities: SolverCapabilities { [.integers, .duals] }

    /// Solves `form` with GLPK (simplex for LPs, `glp_intopt` for MILPs), one GLPK solve at a time in
    /// this process.
    public func solve(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        withSolveLock(glpkSolveLock, interrupt: options.interrupt, sense: form.sense) { solveLocked(form, options: options) }
    }

    private func solveLocked(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        let n = form.columnCount, m = form.rowCount
        var x = [Double](repeating: 0, count: n), colDual = [Double](repeating: 0, count: n)
        var rowDual = [Double](repeating: 0, count: m)
        var colStat = [Int32](repeating: 0, count: n), rowStat = [Int32](repeating: 0, count: m)
        let integer = form.isInteger.map { CChar($0 ? 1 : 0) }
        var start: [Double]?
        if options.useStart, form.isMIP, form.start.count == n {
            start = form.start.map(\.value)
        }
        let callbacks = SearchCallbacks(interrupt: options.interrupt, progress: ProgressRelay(options, form: form))
        let context = Unmanaged.passUnretained(callbacks).toOpaque()
        var result = milpkit_glpk_result()

        form.columnStarts.withUnsafeBufferPointer { starts in
        form.rowIndices.withUnsafeBufferPointer { rows in
        form.values.withUnsafeBufferPointer { values in
        form.columnLower.withUnsafeBufferPointer { colLower in
        form.columnUpper.withUnsafeBufferPointer { colUpper in
        form.objective.withUnsafeBufferPointer { objective in
        integer.withUnsafeBufferPointer { integer in
        form.rowLower.withUnsafeBufferPointer { rowLower in
        form.rowUpper.withUnsafeBufferPointer { rowUpper in
        withOptionalBuffer(start) { start in
        x.withUnsafeMutableBufferPointer { x in
        rowDual.withUnsafeMutableBufferPointer { rowDual in
        colDual.withUnsafeMutableBufferPointer { colDual in
        colStat.withUnsafeMutableBufferPointer { colStat in
        rowStat.withUnsafeMutableBufferPointer { rowStat in
            var problem = milpkit_glpk_problem(
                rows: Int32(m), cols: Int32(n), col_starts: starts.baseAddress, row_index: rows.baseAddress,
                values: values.baseAddress, col_lower: colLower.baseAddress, col_upper: colUpper.baseAddress,
                objective: objective.baseAddress, objective_constant: 0, is_integer: integer.baseAddress,
                row_lower: rowLower.baseAddress, row_upper: rowUpper.baseAddress,
                maximize: form.sense == .maximize ? 1 : 0, is_mip: form.isMIP ? 1 : 0, start: start)
            var glpkOptions = milpkit_glpk_options(
                // An infinite or NaN limit is none.
                time_limit: options.timeLimit.flatMap { $0 < 1e12 ? max($0, 0) : nil } ?? -1, relative_gap: options.relativeGap ?? -1,
                // A zero gap is GLPK's own proof of optimality: no stop at it (it would read as a gap limit).
                absolute_gap: options.absoluteGap.flatMap { $0 > 0 ? $0 : nil } ?? -1, node_limit: options.nodeLimit ?? -1,
                solution_limit: options.solutionLimit ?? -1, log_level: Int32(clamping: options.logLevel),
                presolve: options.presolve == false ? 0 : 1,
                should_stop: options.interrupt == nil ? nil : { context in
                    Unmanaged<SearchCallbacks>.fromOpaque(context!).takeUnretainedValue().interrupt?.isSet == true ? 1 : 0
                },
                stop_context: context,
                on_progress: callbacks.progress == nil ? nil : { context, hasIncumbent, incumbent, bound, nodes in
                    Unmanaged<SearchCallbacks>.fromOpaque(context!).takeUnretainedValue()
                        .report(hasIncumbent: hasIncumbent != 0, incumbent: incumbent, bound: bound, nodes: nodes)
                },
                on_iteration: callbacks.progress == nil ? nil : { context, iterations in
                    Unmanaged<SearchCallbacks>.fromOpaque(context!).takeUnretainedValue().progress?.update(iterations: Int(iterations))
                })
            result.x = x.baseAddress
            result.row_dual = rowDual.baseAddress
            result.col_dual = colDual.baseAddress
            result.col_stat = colStat.baseAddress
            result.row_stat = rowStat.baseAddress
            withExtendedLifetime(callbacks) { milpkit_glpk_solve(&problem, &glpkOptions, &result) }
        }}}}}}}}}}}}}}}

        if result.error != 0 {
            var output = SolverOutput(termination: .error, bestBound: -form.sense.sign * .infinity)
            output.message = withUnsafeBytes(of: result.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            return output
        }
        return form.isMIP
            ? mipOutput(result, x: x, sense: form.sense)
            : lpOutput(result, x: x, rowDual: rowDual, colDual: colDual, colStat: colStat, rowStat: rowStat, sense: form.sense)
    }

    private func lpOutput(
        _ r: milpkit_glpk_result, x: [Double], rowDual: [Double], colDual: [Double],
        colStat: [Int32], rowStat: [Int32], sense: ObjectiveSense
    ) -> SolverOutput {
        let unknown = -sense.sign * Double.infinity
        var output: SolverOutput
        switch (r.return_code, r.status) {
        case (0, GLP_OPT):
            output = SolverOutput(termination: .optimal, values: x, bestBound: r.objective)
            output.duals = rowDual
            output.reducedCosts = colDual
            output.columnBasis = colStat.map(basis)
            output.rowBasis = rowStat.map(basis)
        case (0, GLP_NOFEAS):
            output = SolverOutput(termination: .infeasible, bestBound: unknown)
        case (0, GLP_UNBND):
            output = SolverOutput(termination: r.primal_status == GLP_FEAS ? .unbounded : .infeasibleOrUnbounded, bestBound: unknown)
        // The dual simplex (the second path) can end with the basis' status undecided and one of
        // the two problems proven to have no feasible solution.
        case (0, _) where r.primal_status == GLP_NOFEAS:
            output = SolverOutput(termination: .infeasible, bestBound: unknown)
        case (0, _) where r.dual_status == GLP_NOFEAS:
            output = SolverOutput(termination: r.primal_status == GLP_FEAS ? .unbounded : .infeasibleOrUnbounded, bestBound: unknown)
        case (GLP_ETMLIM, _):
            output = SolverOutput(termination: .limitReached, limit: .time, bestBound: unknown)
        case (GLP_ESTOP, _):
            output = SolverOutput(termination: .limitReached, limit: .interrupted, bestBound: unknown)
        case (GLP_EITLIM, _):
            output = SolverOutput(termination: .limitReached, limit: .iterations, bestBound: unknown)
        default:
            output = SolverOutput(termination: .error, bestBound: unknown)
            output.message = "glp_simplex returned \(r.return_code) with status \(r.status)"
        }
        return output
    }

    private func mipOutput(_ r: milpkit_glpk_result, x: [Double], sense: ObjectiveSense) -> SolverOutput {
        let unknown = -sense.sign * Double.infinity
        let values = r.has_solution != 0 ? x : nil
        // GLPK uses ±DBL_MAX for "no bound yet".
        let bound = abs(r.bound) < 1e300 ? r.bound : unknown
        var output: SolverOutput
        if r.lp_presolve_infeasible != 0 {
            // The root LP (solved first when a MIP start is given) already decided it, or was stopped.
            switch (r.return_code, r.status) {
            case (GLP_ETMLIM, _): return SolverOutput(termination: .limitReached, limit: .time, bestBound: unknown)
            case (GLP_ESTOP, _): return SolverOutput(termination: .limitReached, limit: .interrupted, bestBound: unknown)
            case (_, GLP_NOFEAS): return SolverOutput(termination: .infeasible, bestBound: unknown)
            case (_, GLP_UNBND): return SolverOutput(termination: .infeasibleOrUnbounded, bestBound: unknown)
            default:
                output = SolverOutput(termination: .error, bestBound: unknown)
                output.message = "root LP: glp_simplex returned \(r.return_code)"
                return output
            }
        }
        switch r.return_code {
        case 0:
            switch r.status {
            case GLP_OPT: output = SolverOutput(termination: .optimal, values: values, bestBound: r.objective)
            case GLP_NOFEAS: output = SolverOutput(termination: .infeasible, bestBound: unknown)
            default:
                output = SolverOutput(termination: .error, values: values, bestBound: bound)
                output.message = "glp_intopt finished with MIP status \(r.status)"
            }
        case GLP_ENOPFS:
            output = SolverOutput(termination: .infeasible, bestBound: unknown)
        case GLP_ENODFS:
            output = SolverOutput(termination: .infeasibleOrUnbounded, bestBound: unknown)
        case GLP_ETMLIM:
            output = SolverOutput(termination: .limitReached, limit: .time, values: values, bestBound: bound)
        case GLP_EMIPGAP:
            output = SolverOutput(termination: .limitReached, limit: .gap, values: values, bestBound: bound)
        case GLP_ESTOP:
            let limit: SolveLimit = switch Int(r.stop_reason) {
            case Int(MILPKIT_STOP_NODES): .nodes
            case Int(MILPKIT_STOP_SOLUTIONS): .solutions
            case Int(MILPKIT_STOP_ABSOLUTE_GAP): .gap
            default: .interrupted
            }
            output = SolverOutput(termination: .limitReached, limit: limit, values: values, bestBound: bound)
        default:
            output = SolverOutput(termination: .error, values: values, bestBound: bound)
            output.message = "glp_intopt returned \(r.return_code)"
        }
        output.nodes = r.nodes
        return output
    }

    private func basis(_ code: Int32) -> BasisStatus {
        switch code {
        case GLP_BS: .basic
        case GLP_NL: .atLower
        case GLP_NU: .atUpper
        case GLP_NF: .free
        default: .fixed
        }
    }
}

/// GLPK keeps its environment per thread, but nothing says its solves are safe to run at once.
private let glpkSolveLock = Mutex<Void>(())

/// What the shim's search callbacks reach through their context pointer.
private final class SearchCallbacks: Sendable {
    let interrupt: InterruptFlag?
    let progress: ProgressRelay?
    init(interrupt: InterruptFlag?, progress: ProgressRelay?) {
        self.interrupt = interrupt
        self.progress = progress
    }

    /// GLPK's state: ±DBL_MAX (or HUGE_VAL) stands for "no bound yet".
    func report(hasIncumbent: Bool, incumbent: Double, bound: Double, nodes: Int) {
        let bound: Double = abs(bound) < 1e300 ? bound : (bound < 0 ? -.infinity : .infinity)
        progress?.update(incumbent: hasIncumbent ? incumbent : nil, bound: bound, nodes: nodes)
    }
}

private func withOptionalBuffer<R>(_ array: [Double]?, _ body: (UnsafePointer<Double>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
