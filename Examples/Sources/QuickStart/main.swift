// The DSL on both MIP solvers: a small production plan solved by CBC and by GLPK, each answer
// re-checked against the model and against a brute-force enumeration.
import ExampleSupport
import MILPKit

var model = Model(name: "quick-start")
let chairs = model.addVariable(upperBound: 30, kind: .integer, name: "chairs")
let tables = model.addVariable(upperBound: 20, kind: .integer, name: "tables")
let overtime = model.addVariable(upperBound: 10, name: "overtime")     // hours, continuous
model.add(2 * chairs + 5 * tables <= 80 + overtime, name: "hours")
model.add(chairs + tables >= 6, name: "orders")
model.add(chairs <= 3 * tables, name: "sets")
model.maximize(30 * chairs + 70 * tables - 25 * overtime)

// Brute force: every integer plan; overtime is then the least that covers the hours.
var best = -Double.infinity
for c in 0...30 {
    for t in 0...20 where c + t >= 6 && c <= 3 * t {
        let extra = max(0, Double(2 * c + 5 * t) - 80)
        if extra <= 10 { best = max(best, Double(30 * c + 70 * t) - 25 * extra) }
    }
}

for solver in [CbcSolver(), GlpkSolver()] as [any Solver] {
    let result = try solver.solve(model)
    print("\(solver.name) \(solver.version): \(result.summary)")
    print("  chairs \(result[chairs]), tables \(result[tables]), overtime \(result[overtime])")
    check(result.termination == .optimal, "\(solver.name) did not prove optimality: \(result.summary)")
    check(model.checkFeasibility(of: result.values!).isFeasible, "\(solver.name)'s plan breaks a row or bound")
    check(abs(result.objective! - best) < 1e-6, "\(solver.name) found \(result.objective!), brute force \(best)")
}
print("both solvers reach the brute-force optimum \(best)")
