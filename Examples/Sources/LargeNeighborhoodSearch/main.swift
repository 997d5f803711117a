// Adaptive large neighborhood search over GLPK and over CBC on a bundled MIPLIB instance: each
// run's solution is re-checked against the model and is no better than the known optimum.
import ExampleSupport
import MILPKit

let model = try ModelFile.read(bundled("instances/miplib3/p0201.mps.gz"))
let optimum = 7615.0   // instances/optimal-values.csv
var config = LNSConfig()
config.timeLimit = 10
config.seed = 7

for solver in [GlpkSolver(), CbcSolver()] as [any Solver] {
    let result = try LNS(config: config, solver: solver, lpSolver: ClpSolver()).run(model)
    let objective = result.objective!
    print("LNS over \(solver.name): \(result.status.rawValue), objective \(objective) after \(result.iterations) iterations, \(String(format: "%.1f", result.seconds)) s")
    check(model.checkFeasibility(of: result.values!).isFeasible, "the LNS solution breaks a row or bound")
    check(objective >= optimum - 1e-6, "objective \(objective) beats the proven optimum \(optimum)")
}
