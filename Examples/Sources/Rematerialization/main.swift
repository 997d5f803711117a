// Tensor rematerialization: VGG16's training graph under 90% of its no-remat peak memory, the
// Checkmate MILP solved by CBC and by GLPK. Every schedule is replayed by the simulator; both
// solvers must prove the same least cost (15805, HiGHS's optimum in the project's anchors).
import ExampleSupport
import MILPKit

let graph = try GraphReader.read(path: bundled("Tests/RematTests/Fixtures/vgg16_train.json"))
let budget = Budget.fraction(0.9).bytes(for: graph)
let rematerializer = try Rematerializer(graph: graph, budget: budget)
var options = RematOptions()
options.method = .milp
options.timeLimit = 120

var costs: [Int64] = []
for solver in [CbcSolver(), GlpkSolver()] as [any Solver] {
    let result = try rematerializer.solve(options, solver: solver)
    let replay = try Simulator.replay(result.schedule!, on: graph, budget: budget)
    print("\(solver.name): \(result.status.rawValue), total cost \(replay.totalCost) (lower bound \(result.lowerBound ?? .nan)), peak \(replay.peakMemory) of \(budget) bytes, \(String(format: "%.1f", result.seconds)) s")
    check(result.status == .optimal, "\(solver.name): \(result.status.rawValue), \(result.notes)")
    costs.append(replay.totalCost)
}
check(costs == [15805, 15805], "costs \(costs), expected 15805 on both solvers")
print("CBC and GLPK: the same optimal schedule cost, \(costs[0])")
