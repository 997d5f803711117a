// Why is a model infeasible? The quick-start production plan with an order it cannot meet: the
// irreducible infeasible subsystem (IIS) names the rows and bounds that conflict, on CBC and on
// GLPK; each answer is checked by the other solver (the subsystem infeasible, every member needed).
import ExampleSupport
import MILPKit

var model = Model(name: "over-ordered")
let chairs = model.addVariable(upperBound: 30, kind: .integer, name: "chairs")
let tables = model.addVariable(upperBound: 20, kind: .integer, name: "tables")
let overtime = model.addVariable(upperBound: 10, name: "overtime")
model.add(2 * chairs + 5 * tables <= 80 + overtime, name: "hours")
model.add(chairs + tables >= 6, name: "orders")
model.add(chairs <= 3 * tables, name: "sets")
model.add(tables >= 18, name: "contract")  // 18 tables take 90 hours; 80 + 10 is all there is
model.add(chairs >= 1, name: "showroom")   // ... and one chair more is too much
model.maximize(30 * chairs + 70 * tables - 25 * overtime)

for (solver, checker) in [(CbcSolver(), GlpkSolver()), (GlpkSolver(), CbcSolver())] as [(any Solver, any Solver)] {
    let iis = try model.computeIIS(solver: solver, options: IISOptions(relaxationSolver: ClpSolver()))
    print("\(solver.name): \(iis.status.rawValue), \(iis.isIrreducible ? "irreducible" : "not proven irreducible"), \(iis.solves) solves")
    for row in iis.rows { print("  row \(row.name) (\(row.side.rawValue) side)") }
    for bound in iis.bounds { print("  \(bound.name) \(bound.side == .upper ? "<=" : ">=") \(bound.value)") }
    check(iis.status == .iis && iis.isIrreducible, "\(solver.name) found no irreducible subsystem")
    check(Set(iis.rows.map(\.name)) == ["hours", "contract", "showroom"], "\(solver.name): rows \(iis.rows.map(\.name))")
    let subsystem = iis.subsystem(of: model)
    check(try checker.solve(subsystem).termination == .infeasible, "\(checker.name) solves the subsystem")
    // Dropping any one member leaves a feasible system.
    for constraint in subsystem.constraints {
        var less = subsystem
        less.setBounds(of: constraint, lower: -.infinity, upper: .infinity)
        check(try checker.solve(less).hasSolution, "\(subsystem.name(of: constraint)) is not needed")
    }
    for variable in subsystem.variables {
        let (lower, upper) = (subsystem.lowerBound(of: variable), subsystem.upperBound(of: variable))
        for dropLower in [true, false] where (dropLower ? lower : upper).isFinite {
            var less = subsystem
            less.setBounds(of: variable, lower: dropLower ? -.infinity : lower, upper: dropLower ? upper : .infinity)
            check(try checker.solve(less).hasSolution, "a bound of \(subsystem.name(of: variable)) is not needed")
        }
    }
}
print("both IISs verified by the other solver")
