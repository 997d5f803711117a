// An async solve cancelled from another task: markshare_4_0 (no solver proves its optimum in
// minutes) is solved with `try await`, with live progress, and the task is cancelled after 2 s.
// The solve returns within a second with status limit/interrupted and its best point.
import ExampleSupport
import MILPKit

let model = try ModelFile.read(bundled("instances/miplib2017/markshare_4_0.mps.gz"))
var options = SolveOptions(timeLimit: 600)
options.progressInterval = 0.5
options.progress = { print(String(format: "  %4.1f s  incumbent %@  nodes %d", $0.seconds, $0.incumbent.map(formatNumber) ?? "-", $0.nodes)) }

for solver in [CbcSolver(), GlpkSolver()] as [any Solver] {
    print("\(solver.name):")
    let solve = Task { try await solver.solve(model, options: options) }
    try await Task.sleep(for: .seconds(2))
    let cancelled = ContinuousClock.now
    solve.cancel()
    let result = try await solve.value
    let latency = ContinuousClock.now - cancelled
    print("  \(result.summary); returned \(latency) after the cancellation")
    check(result.termination == .limitReached && result.limit == .interrupted, "status \(result.summary)")
    check(latency < .seconds(1), "returned \(latency) after the cancellation")
    check(model.checkFeasibility(of: result.values!).isFeasible, "the incumbent breaks a row or bound")
}
