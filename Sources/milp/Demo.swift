import ArgumentParser
import Foundation
import MILPKit

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve the bundled models with every solver, verify each answer, print a summary.",
        discussion: """
        Every model is solved by CBC and GLPK (and CLP when it is an LP). Each returned solution
        is re-checked against the model (bounds, rows, integrality) and the solvers' objectives
        are compared with each other. Exits 1 if any check fails.

        Example: milp demo --time-limit 20
        """
    )

    @Option(help: "Time limit per solve, in seconds.") var timeLimit: Double = 30

    func run() throws {
        let models: [Model] = [
            Generators.facilityLocation(clients: 80, facilities: 20, seed: 1),
            Generators.queens(12),
            linearRelaxation(of: Generators.facilityLocation(clients: 300, facilities: 30, seed: 2)),
        ]
        var rows: [[String]] = []
        var failures = 0
        for model in models {
            var objectives: [Double] = []
            for solver in Solvers.all where solver.capabilities.contains(.integers) || !model.isMIP {
                let result = try solver.solve(model, options: SolveOptions(timeLimit: timeLimit))
                var check = "-"
                if let values = result.values {
                    let report = model.checkFeasibility(of: values)
                    check = report.isFeasible ? "feasible" : "INFEASIBLE"
                    if !report.isFeasible { failures += 1 }
                }
                if result.termination == .optimal, let objective = result.objective { objectives.append(objective) }
                rows.append([model.name, solver.name, result.termination.rawValue,
                             result.objective.map(formatNumber) ?? "-", String(format: "%.3f", result.seconds), check])
            }
            if let first = objectives.first, objectives.contains(where: { abs($0 - first) > 1e-6 * max(1, abs(first)) }) {
                failures += 1
                rows.append([model.name, "MISMATCH", "solvers disagree: \(objectives.map(formatNumber))", "", "", ""])
            }
        }
        print(formatTable(["model", "solver", "status", "objective", "seconds", "solution check"], rows))
        print(failures == 0 ? "\nAll answers verified and in agreement." : "\n\(failures) check(s) failed.")
        if failures > 0 { throw ExitCode.failure }
    }

    private func linearRelaxation(of model: Model) -> Model {
        var lp = model
        lp.relaxIntegrality()
        lp.name += "_lp"
        return lp
    }
}
