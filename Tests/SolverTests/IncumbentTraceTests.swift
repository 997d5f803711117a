import Foundation
import MILPKit
import Testing

/// CBC reports each new incumbent of its search: the trace behind primal integrals.
@Suite struct IncumbentTraceTests {
    /// Checks a trace against its result: times never decrease, each objective improves on the
    /// previous one in the model's sense, and the last one is the returned objective.
    func check(_ r: SolveResult, sense: ObjectiveSense) throws {
        let trace = try #require(r.incumbentTrace)
        #expect(!trace.isEmpty)
        for (p, q) in zip(trace, trace.dropFirst()) {
            #expect(q[0] >= p[0])
            #expect(sense.sign * q[1] < sense.sign * p[1], "\(trace)")
        }
        let objective = try #require(r.objective)
        #expect(abs(trace.last![1] - objective) <= 1e-9 * max(1, abs(objective)), "\(trace) vs \(objective)")
    }

    @Test func independentSetMaximizes() throws {
        let m = Generators.independentSet(nodes: 400, affinity: 4, seed: 3)
        let r = try CbcSolver().solve(m, options: SolveOptions(timeLimit: 30))
        #expect(r.hasSolution)
        try check(r, sense: .maximize)
    }

    @Test func objectiveConstantIsIncluded() throws {
        var m = Generators.capacitatedFacilityLocation(customers: 30, facilities: 15, seed: 2)
        m.objectiveConstant = 1000
        let r = try CbcSolver().solve(m, options: SolveOptions(timeLimit: 30))
        #expect(r.termination == .optimal)
        try check(r, sense: .minimize)
        #expect(r.incumbentTrace!.allSatisfy { $0[1] > 1000 })
    }

    @Test func glpkReportsNoTrace() throws {
        let m = Generators.independentSet(nodes: 60, affinity: 3, seed: 1)
        let r = try GlpkSolver().solve(m, options: SolveOptions(timeLimit: 30))
        #expect(r.incumbentTrace == nil)
    }
}
