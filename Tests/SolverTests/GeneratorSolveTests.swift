import Testing
import MILPKit

/// Tiny members of each generated distribution, solved by CBC and GLPK and compared with an
/// exhaustive enumeration written from the generator's data (not from the model's rows).
@Suite("Generated instances: solvers agree with exhaustive enumeration")
struct GeneratorSolveTests {
    static let seeds: [UInt64] = [1, 2, 3]

    /// Best objective over all 0/1 vectors of length `n` accepted by `feasible` (as bit masks).
    static func enumerate(_ n: Int, maximize: Bool, feasible: (Int) -> Bool, value: (Int) -> Double) -> Double? {
        var best: Double?
        for mask in 0..<(1 << n) where feasible(mask) {
            let v = value(mask)
            if let b = best, maximize ? v <= b : v >= b { continue }
            best = v
        }
        return best
    }

    static func sum(_ mask: Int, _ weights: [Double]) -> Double {
        var total = 0.0
        for j in weights.indices where mask & (1 << j) != 0 { total += weights[j] }
        return total
    }

    /// Solves `model` with `solverName` and checks optimality, feasibility and the objective.
    static func expectOptimum(_ model: Model, _ solverName: String, equals expected: Double?) throws {
        let solver = try #require(Solvers.named(solverName))
        let result = try solver.solve(model, options: SolveOptions(timeLimit: 20))
        let expected = try #require(expected, "enumeration found no feasible point for \(model.name)")
        #expect(result.termination == .optimal, "\(solverName) on \(model.name): \(result.summary)")
        let values = try #require(result.values)
        let report = model.checkFeasibility(of: values)
        #expect(report.isFeasible, "\(solverName) on \(model.name): \(report)")
        let objective = try #require(result.objective)
        #expect(abs(objective - expected) <= 1e-6 * max(1, abs(expected)), "\(solverName) on \(model.name): \(objective) vs \(expected)")
    }

    @Test("set cover 8 × 12", arguments: ["cbc", "glpk"], seeds)
    func setCover(solver: String, seed: UInt64) throws {
        let data = Generators.setCoverData(rows: 8, columns: 12, density: 0.3, seed: seed)
        var coveredBy = [Int](repeating: 0, count: 8)
        for (j, rows) in data.columnRows.enumerated() { for i in rows { coveredBy[i] |= 1 << j } }
        let best = Self.enumerate(12, maximize: false, feasible: { mask in coveredBy.allSatisfy { $0 & mask != 0 } },
                                  value: { Self.sum($0, data.costs.map(Double.init)) })
        try Self.expectOptimum(Generators.setCover(rows: 8, columns: 12, density: 0.3, seed: seed), solver, equals: best)
    }

    @Test("knapsack 10 items × 3", arguments: ["cbc", "glpk"], seeds)
    func knapsack(solver: String, seed: UInt64) throws {
        let data = Generators.knapsackData(items: 10, knapsacks: 3, tightness: 0.5, seed: seed)
        let best = Self.enumerate(10, maximize: true, feasible: { mask in
            (0..<3).allSatisfy { i in Self.sum(mask, data.weights[i].map(Double.init)) <= Double(data.capacities[i]) }
        }, value: { Self.sum($0, data.profits.map(Double.init)) })
        try Self.expectOptimum(Generators.multiKnapsack(items: 10, knapsacks: 3, tightness: 0.5, seed: seed), solver, equals: best)
    }

    @Test("independent set, 12 nodes", arguments: ["cbc", "glpk"], seeds)
    func independentSet(solver: String, seed: UInt64) throws {
        let graph = Generators.barabasiAlbert(nodes: 12, affinity: 2, seed: seed)
        let best = Self.enumerate(12, maximize: true, feasible: { mask in
            graph.edges.allSatisfy { mask & (1 << $0.u) == 0 || mask & (1 << $0.v) == 0 }
        }, value: { Double($0.nonzeroBitCount) })
        try Self.expectOptimum(Generators.independentSet(nodes: 12, affinity: 2, seed: seed), solver, equals: best)
    }

    @Test("combinatorial auction, 6 goods / 10 bids", arguments: ["cbc", "glpk"], seeds)
    func auction(solver: String, seed: UInt64) throws {
        let auction = Generators.auction(Generators.AuctionParameters(items: 6, bids: 10), seed: seed)
        let bids = auction.bids
        let best = Self.enumerate(bids.count, maximize: true, feasible: { mask in
            var sold = Set<Int>(), exclusive = Set<Int>()
            for (k, bid) in bids.enumerated() where mask & (1 << k) != 0 {
                for item in bid.items where !sold.insert(item).inserted { return false }
                if let d = bid.dummy, !exclusive.insert(d).inserted { return false }
            }
            return true
        }, value: { Self.sum($0, bids.map(\.price)) })
        let model = Generators.combinatorialAuction(auction, name: "cauction_6i_10b_s\(seed)")
        try Self.expectOptimum(model, solver, equals: best)
        #expect(model.name == Generators.combinatorialAuction(items: 6, bids: 10, seed: seed).name)
    }

    /// CFL mixes binaries and continuous assignments: enumerate the open facilities and solve
    /// each remaining LP with CLP, then compare with the MIP solvers.
    @Test("capacitated facility location 6 × 4", arguments: ["cbc", "glpk"], seeds)
    func facilityLocation(solver: String, seed: UInt64) throws {
        let model = Generators.capacitatedFacilityLocation(customers: 6, facilities: 4, ratio: 2, seed: seed)
        let data = Generators.facilityLocationData(customers: 6, facilities: 4, ratio: 2, seed: seed)
        let open = try (0..<4).map { try #require(model.variable(named: "y[\($0)]")) }
        let totalDemand = data.demands.reduce(0, +)
        var best: Double?
        for mask in 0..<(1 << 4) {
            let capacity = (0..<4).reduce(0) { mask & (1 << $1) != 0 ? $0 + data.capacities[$1] : $0 }
            guard capacity >= totalDemand else { continue }
            var lp = model
            for j in 0..<4 { lp.fix(open[j], to: mask & (1 << j) != 0 ? 1 : 0) }
            lp.relaxIntegrality()
            let result = try ClpSolver().solve(lp)
            guard result.termination == .optimal, let value = result.objective else { continue }
            best = min(best ?? value, value)
        }
        try Self.expectOptimum(model, solver, equals: best)
    }
}
