import Testing
import MILPKit

/// Every (solver, case) pair the solver supports: CLP takes the LP cases only.
let conformancePairs: [(String, ConformanceCase)] = Solvers.all.flatMap { solver in
    conformanceCases.filter { solver.capabilities.contains(.integers) || !$0.isMIP }.map { (solver.name, $0) }
}

@Suite("Conformance: every adapter, same models, same answers")
struct ConformanceTests {
    @Test(arguments: conformancePairs)
    func sameAnswer(solverName: String, testCase: ConformanceCase) throws {
        let solver = try #require(Solvers.named(solverName))
        let model = testCase.build()
        let result = try solver.solve(model)
        #expect(result.termination == testCase.expected, "\(solverName) on \(testCase.name): \(result.summary)")
        guard let expected = testCase.objective else {
            #expect(!result.hasSolution || testCase.expected == .unbounded)
            return
        }
        let values = try #require(result.values, "\(solverName) returned no solution on \(testCase.name)")
        // Independent check: recompute bounds, rows, integrality, SOS and semi-continuity from the model.
        let report = model.checkFeasibility(of: values)
        #expect(report.isFeasible, "\(report)")
        #expect(abs(report.objective - expected) <= 1e-6 * max(1, abs(expected)))
        #expect(abs(try #require(result.objective) - expected) <= 1e-6 * max(1, abs(expected)))
        #expect(result.gap ?? 1 <= 1e-6)
    }

    @Test("integer cases agree with brute force", arguments: conformanceCases.filter { $0.isMIP })
    func bruteForceAgrees(testCase: ConformanceCase) {
        let model = testCase.build()
        guard model.kinds.allSatisfy(\.isIntegral), model.sosConstraints.isEmpty,
              model.lowerBounds.allSatisfy(\.isFinite), model.upperBounds.allSatisfy(\.isFinite) else { return }
        let best = bruteForceOptimum(model)
        if let expected = testCase.objective {
            #expect(best == expected)
        } else {
            #expect(best == nil)
        }
    }

    @Test("LP duals match finite differences of the optimum", arguments: ["clp", "glpk"])
    func dualsByPerturbation(solverName: String) throws {
        let solver = try #require(Solvers.named(solverName))
        for testCase in conformanceCases where !testCase.isMIP && testCase.expected == .optimal {
            let model = testCase.build()
            let base = try solver.solve(model)
            let duals = try #require(base.duals)
            let baseObjective = try #require(base.objective)
            for row in model.constraints {
                // Move the active side of the row by δ and compare the objective change with the dual.
                let delta = 1e-4
                var perturbed = model
                let lo = model.lowerBound(of: row), up = model.upperBound(of: row)
                let activity = try #require(base.value(of: model.expression(of: row)))
                let atUpper = up.isFinite && abs(activity - up) < 1e-7
                let atLower = lo.isFinite && abs(activity - lo) < 1e-7
                guard atUpper || atLower else {
                    #expect(abs(duals[row.index]) < 1e-7, "inactive row \(row.index) has dual \(duals[row.index])")
                    continue
                }
                if lo == up {
                    perturbed.setBounds(of: row, lower: lo + delta, upper: up + delta)
                } else if atUpper {
                    perturbed.setBounds(of: row, lower: lo, upper: up + delta)
                } else {
                    perturbed.setBounds(of: row, lower: lo + delta, upper: up)
                }
                let moved = try #require(try solver.solve(perturbed).objective)
                let slope = (moved - baseObjective) / delta
                #expect(abs(slope - duals[row.index]) < 1e-5,
                        "\(solverName) \(testCase.name) row \(row.index): dual \(duals[row.index]) vs slope \(slope)")
            }
        }
    }

    @Test("LP reduced costs equal c − Aᵀy", arguments: ["clp", "glpk"])
    func reducedCosts(solverName: String) throws {
        let solver = try #require(Solvers.named(solverName))
        for testCase in conformanceCases where !testCase.isMIP && testCase.expected == .optimal {
            let model = testCase.build()
            let result = try solver.solve(model)
            let duals = try #require(result.duals), reduced = try #require(result.reducedCosts)
            var expected = model.objectiveCoefficients
            for row in model.constraints {
                let (columns, coefficients) = model.row(row)
                for (c, a) in zip(columns, coefficients) { expected[Int(c)] -= a * duals[row.index] }
            }
            for j in 0..<model.variableCount {
                #expect(abs(reduced[j] - expected[j]) < 1e-7, "\(solverName) \(testCase.name) column \(j)")
            }
            #expect(result.columnBasis?.count == model.variableCount)
            #expect(result.rowBasis?.count == model.constraintCount)
        }
    }
}
