// repair-overhead MILP_EXECUTABLE FILE [REPAIRS]
// Solves REPAIRS sub-MIPs of FILE (80 % of the integers fixed at a feasible point, chosen at
// random; the point is the MIP start) with CBC three ways, in turn per sub-MIP, and prints the
// mean wall time per repair of each way and its excess over the in-process solve.
import Foundation
import MILPKit

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write("usage: repair-overhead MILP_EXECUTABLE FILE [REPAIRS]\n".data(using: .utf8)!)
    exit(2)
}
let model = try ModelFile.read(arguments[2])
let repairs = arguments.count > 3 ? Int(arguments[3])! : 20
// A feasible point: CBC's, else all lower or all upper bounds when one of them is feasible.
let found = try CbcSolver().solve(model, options: SolveOptions(timeLimit: 20, threads: 1, seed: 1))
let corners = [(0..<model.variableCount).map { model.lowerBound(of: model.variable(at: $0)) },
               (0..<model.variableCount).map { model.upperBound(of: model.variable(at: $0)) }]
guard let point = found.values ?? corners.first(where: { model.checkFeasibility(of: $0).isFeasible }) else {
    print("\(arguments[2]): no feasible point in 20 s")
    exit(1)
}
let solvers: [(String, any Solver)] = [
    ("in-process", CbcSolver()),
    ("child process + MPS", ChildProcessSolver("cbc", executable: arguments[1])!),
    ("persistent worker", WorkerPoolSolver("cbc", executable: arguments[1])!),
]
let integers = (0..<model.variableCount).filter { model.kind(of: model.variable(at: $0)) != .continuous }
var rng = SplitMix64(seed: 42)
var seconds = [Double](repeating: 0, count: solvers.count)
for _ in 0..<repairs {
    var sub = model
    for j in integers where rng.next() % 10 < 8 {
        let v = point[j].rounded()
        sub.setBounds(of: sub.variable(at: j), lower: v, upper: v)
    }
    sub.setStart(values: point)
    for (k, (_, solver)) in solvers.enumerated() {
        let clock = ContinuousClock.now
        let r = try solver.solve(sub, options: SolveOptions(timeLimit: 5, threads: 1, seed: 1))
        seconds[k] += (ContinuousClock.now - clock).seconds
        guard let v = r.values, model.checkFeasibility(of: v).isFeasible else {
            print("\(solvers[k].0): no feasible repair (\(r.summary))")
            exit(1)
        }
    }
}
let name = (arguments[2] as NSString).lastPathComponent
print("\(name): \(model.variableCount) columns, \(model.constraintCount) rows, \(model.nonzeroCount) nonzeros; \(repairs) repairs")
for (k, (way, _)) in solvers.enumerated() {
    let mean = seconds[k] / Double(repairs) * 1000
    let excess = (seconds[k] - seconds[0]) / Double(repairs) * 1000
    print("  " + way.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%8.1f ms per repair   %+7.1f ms vs in-process", mean, excess))
}
