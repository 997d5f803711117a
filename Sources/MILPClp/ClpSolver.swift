import CClp
import MILP

/// COIN-OR CLP through its C interface (`Clp_C_Interface.h`): simplex for pure LPs, with primal
/// values, duals, reduced costs and the final basis.
///
/// Duals and reduced costs are reported as ∂objective/∂bound in the objective's own sense, the
/// same convention as the GLPK adapter.
public struct ClpSolver: Solver {
    public init() {}

    public var name: String { "clp" }
    public var version: String { String(cString: Clp_Version()) }
    public var capabilities: SolverCapabilities { [.duals] }

    public func solve(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        withCoinOrSolveLock { solveLocked(form, options: options) }
    }

    private func solveLocked(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        let model = Clp_newModel()
        defer { Clp_deleteModel(model) }
        let toCoin = { (x: Double) in x == .infinity ? Double.greatestFiniteMagnitude : (x == -.infinity ? -Double.greatestFiniteMagnitude : x) }
        Clp_loadProblem(model, Int32(form.columnCount), Int32(form.rowCount), form.columnStarts, form.rowIndices, form.values,
                        form.columnLower.map(toCoin), form.columnUpper.map(toCoin), form.objective,
                        form.rowLower.map(toCoin), form.rowUpper.map(toCoin))
        Clp_setObjSense(model, form.sense.sign)
        Clp_setLogLevel(model, Int32(clamping: options.logLevel))
        if let t = options.timeLimit { Clp_setMaximumSeconds(model, max(t, 0)) }
        if options.interrupt?.isSet == true {
            return SolverOutput(termination: .limitReached, limit: .interrupted, bestBound: -form.sense.sign * .infinity)
        }
        Clp_initialSolve(model)
        return read(model, form: form)
    }

    private func read(_ model: UnsafeMutableRawPointer?, form: StandardForm) -> SolverOutput {
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

    private func basis(_ code: Int32) -> BasisStatus {
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
