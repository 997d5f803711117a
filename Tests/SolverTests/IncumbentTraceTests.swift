import Foundation
import Synchronization
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

    /// CBC keeps a MIP start's value in the model's own sense, where the rest of its search keeps
    /// the minimization form: the first report of a maximization's start came out negated.
    @Test func maximizationFromAStartKeepsItsSign() throws {
        var m = Generators.independentSet(nodes: 200, affinity: 4, seed: 7)
        let first = try CbcSolver().solve(m, options: SolveOptions(timeLimit: 10, solutionLimit: 1))
        let start = try #require(first.objective)
        #expect(start > 0)
        m.setStart(values: try #require(first.values))
        let reported = Mutex<[Double]>([])
        var options = SolveOptions(timeLimit: 10)
        options.progress = { p in if let f = p.incumbent { reported.withLock { $0.append(f) } } }
        options.onIncumbent = { p in if let f = p.incumbent { reported.withLock { $0.append(f) } } }
        let r = try CbcSolver().solve(m, options: options)
        try check(r, sense: .maximize)
        let trace = try #require(r.incumbentTrace)
        #expect(trace.allSatisfy { $0[1] >= start - 1e-6 }, "\(trace) from a start of \(start)")
        #expect(reported.withLock { $0.allSatisfy { $0 >= start - 1e-6 } }, "\(reported.withLock { $0 }) from a start of \(start)")
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
