import Foundation
import Testing
import MILP
import MILPFormats
@testable import MILPGenerators

/// The distributional generators: determinism, names, and the structure each recipe promises.
@Suite("Distributional instance generators")
struct GeneratorTests {
    /// Small members of every distribution, by name, as a function of the seed.
    static let small: [(String, @Sendable (UInt64) -> Model)] = [
        ("setcover", { Generators.setCover(rows: 50, columns: 100, density: 0.05, seed: $0) }),
        ("cauction", { Generators.combinatorialAuction(items: 20, bids: 60, seed: $0) }),
        ("cfl", { Generators.capacitatedFacilityLocation(customers: 12, facilities: 8, ratio: 5, seed: $0) }),
        ("indset", { Generators.independentSet(nodes: 60, affinity: 4, seed: $0) }),
        ("knapsack", { Generators.multiKnapsack(items: 30, knapsacks: 5, seed: $0) }),
    ]

    static var smallNames: [String] { small.map(\.0) }

    static func build(_ name: String, seed: UInt64) -> Model {
        small.first { $0.0 == name }!.1(seed)
    }

    static func rows(_ model: Model) -> [[Int]] {
        model.constraints.map { model.row($0).columns.map(Int.init) }
    }

    @Test("same seed, byte-identical MPS; another seed, another instance", arguments: smallNames)
    func deterministic(name: String) throws {
        let first = try MPSWriter().data(for: Self.build(name, seed: 7))
        let again = try MPSWriter().data(for: Self.build(name, seed: 7))
        #expect(first == again)
        let other = try MPSWriter().data(for: Self.build(name, seed: 8))
        #expect(first != other)
    }

    @Test("default sizes are deterministic too", arguments: [
        "setcover", "cauction", "cfl", "indset", "knapsack",
    ])
    func defaultSizesDeterministic(name: String) throws {
        func make() -> Model {
            switch name {
            case "setcover": Generators.setCover(seed: 3)
            case "cauction": Generators.combinatorialAuction(seed: 3)
            case "cfl": Generators.capacitatedFacilityLocation(seed: 3)
            case "indset": Generators.independentSet(seed: 3)
            default: Generators.multiKnapsack(seed: 3)
            }
        }
        let a = make(), b = make()
        #expect(a.rowCoefficients == b.rowCoefficients && a.rowColumns == b.rowColumns)
        #expect(a.objectiveCoefficients == b.objectiveCoefficients && a.rowUpperBounds == b.rowUpperBounds)
        #expect(a.name.hasSuffix("_s3"))
    }

    @Test("every variable and row is named; the model name encodes the distribution and seed", arguments: smallNames)
    func named(name: String) throws {
        let model = Self.build(name, seed: 11)
        #expect(model.name.hasPrefix(name + "_") && model.name.hasSuffix("_s11"))
        #expect(model.variables.allSatisfy { !model.givenName(ofColumn: $0.index).isEmpty })
        #expect(model.constraints.allSatisfy { !model.givenName(ofRow: $0.index).isEmpty })
        #expect(!model.constraints.isEmpty)
        try model.validate()
    }

    @Test("model names", arguments: [
        (Generators.setCover(seed: 7).name, "setcover_500r_1000c_0.05d_s7"),
        (Generators.combinatorialAuction(items: 10, bids: 20, seed: 7).name, "cauction_10i_20b_s7"),
        (Generators.capacitatedFacilityLocation(customers: 3, facilities: 2, ratio: 2.5, seed: 7).name, "cfl_3c_2f_2.5r_s7"),
        (Generators.independentSet(nodes: 20, seed: 7).name, "indset_20n_4a_s7"),
        (Generators.multiKnapsack(seed: 7).name, "knapsack_100i_5k_0.5t_s7"),
    ])
    func modelNames(actual: String, expected: String) {
        #expect(actual == expected)
    }

    // MARK: Set cover

    @Test("set cover: every row covered, every column in ≥ 2 rows, density within 20%, costs 1…100",
          arguments: [(500, 1000, 0.05), (200, 400, 0.1), (8, 12, 0.3), (30, 10, 0.02)])
    func setCoverStructure(rows: Int, columns: Int, density: Double) throws {
        for seed: UInt64 in 1...3 {
            let data = Generators.setCoverData(rows: rows, columns: columns, density: density, seed: seed)
            #expect(data.columnRows.allSatisfy { $0.count >= 2 && Set($0).count == $0.count && $0.allSatisfy { (0..<rows).contains($0) } })
            #expect(data.costs.allSatisfy { (1...100).contains($0) })
            let model = Generators.setCover(rows: rows, columns: columns, density: density, seed: seed)
            #expect(model.variableCount == columns && model.constraintCount == rows)
            #expect(Self.rows(model).allSatisfy { !$0.isEmpty })
            #expect(model.rowCoefficients.allSatisfy { $0 == 1 } && model.rowLowerBounds.allSatisfy { $0 == 1 })
            #expect(model.kinds.allSatisfy { $0 == .binary } && model.sense == .minimize)
            #expect(model.nonzeroCount == data.nonzeros)
            // The floor of 2 entries per column lifts tiny densities; the target is met otherwise.
            let expected = max(density, Double(2 * columns) / Double(rows * columns), 1 / Double(columns))
            let actual = Double(model.nonzeroCount) / Double(rows * columns)
            #expect(abs(actual - expected) <= 0.2 * expected, "density \(actual), target \(expected)")
        }
        if (rows, columns, density) == (500, 1000, 0.05) {
            #expect(Generators.setCover(seed: 1).nonzeroCount == 25_000)
        }
    }

    // MARK: Independent set

    @Test("Barabási–Albert: m(n − m) edges, every node attached, degrees skewed")
    func barabasiAlbert() {
        let graph = Generators.barabasiAlbert(nodes: 500, affinity: 4, seed: 5)
        #expect(graph.edges.count == 4 * 496)
        #expect(graph.degrees.allSatisfy { $0 >= 1 })
        #expect(graph.degrees.reduce(0, +) == 2 * graph.edges.count)
        #expect(Set(graph.edges.map { [$0.u, $0.v] }).count == graph.edges.count)
        #expect(graph.edges.allSatisfy { $0.u < $0.v })
        // Preferential attachment: hubs far above the mean degree of 8.
        #expect(graph.degrees.max()! >= 30)
    }

    @Test("independent set: every edge is inside some row, and every row is a clique", arguments: [
        (500, 4), (60, 4), (12, 2), (30, 1), (10, 9),
    ])
    func independentSetCoversEdges(nodes: Int, affinity: Int) {
        for seed: UInt64 in 1...3 {
            let graph = Generators.barabasiAlbert(nodes: nodes, affinity: affinity, seed: seed)
            let model = Generators.independentSet(nodes: nodes, affinity: affinity, seed: seed)
            #expect(model.variableCount == nodes && model.sense == .maximize)
            #expect(model.objectiveCoefficients.allSatisfy { $0 == 1 })
            var covered = Set<[Int]>()
            for row in Self.rows(model) {
                #expect(row.count >= 2)
                for a in row.indices {
                    for b in row.indices where a < b {
                        #expect(graph.adjacent(row[a], row[b]), "row \(row) is not a clique")
                        covered.insert([min(row[a], row[b]), max(row[a], row[b])])
                    }
                }
            }
            #expect(graph.edges.allSatisfy { covered.contains([$0.u, $0.v]) })
            #expect(covered.count == graph.edges.count)
            #expect(model.rowUpperBounds.allSatisfy { $0 == 1 } && model.rowCoefficients.allSatisfy { $0 == 1 })
        }
    }

    @Test("greedy clique partition: disjoint cliques covering every node")
    func cliquePartition() {
        let graph = Generators.barabasiAlbert(nodes: 200, affinity: 4, seed: 2)
        let cliques = Generators.greedyCliquePartition(graph)
        #expect(cliques.flatMap { $0 }.sorted() == Array(0..<200))
        for clique in cliques {
            for a in clique { for b in clique where a < b { #expect(graph.adjacent(a, b)) } }
        }
        // A complete graph is one clique.
        var complete = Generators.Graph(nodeCount: 5)
        for a in 0..<5 { for b in (a + 1)..<5 { complete.addEdge(a, b) } }
        #expect(Generators.greedyCliquePartition(complete) == [[0, 1, 2, 3, 4]])
        #expect(Generators.independentSet(graph: complete, name: "k5").constraintCount == 1)
    }

    // MARK: Facility location

    @Test("CFL: total capacity / total demand ≈ ratio; Cornuéjols data ranges; learn2branch rows",
          arguments: [(100, 100, 5.0), (20, 10, 2.0), (200, 50, 3.5)])
    func facilityLocation(customers: Int, facilities: Int, ratio: Double) throws {
        let data = Generators.facilityLocationData(customers: customers, facilities: facilities, ratio: ratio, seed: 4)
        let demand = Double(data.demands.reduce(0, +)), capacity = Double(data.capacities.reduce(0, +))
        // Capacities are truncated to integers: each loses less than 1.
        #expect(capacity / demand <= ratio && capacity / demand > ratio - Double(facilities) / demand)
        #expect(data.demands.allSatisfy { (5...35).contains($0) })
        #expect(data.fixedCosts.allSatisfy { $0 >= Int(100 * 10.0.squareRoot()) && $0 <= Int(110 * 160.0.squareRoot()) + 90 })
        #expect(data.transportCosts.joined().allSatisfy { $0 >= 0 && $0 <= 10 * 35 * 2.0.squareRoot() })

        let model = Generators.capacitatedFacilityLocation(customers: customers, facilities: facilities, ratio: ratio, seed: 4)
        let cf = customers * facilities
        #expect(model.variableCount == cf + facilities)
        #expect(model.constraintCount == cf + customers + facilities + 1)
        #expect(model.nonzeroCount == 4 * cf + 2 * facilities)
        #expect(model.integerCount == facilities)
        let total = try #require(model.constraint(named: "total_capacity"))
        let row = model.row(total)
        #expect(abs(row.coefficients.reduce(0, +) / model.lowerBound(of: total) - capacity / demand) < 1e-12)
        let firstCapacity = try #require(model.constraint(named: "capacity[0]"))
        #expect(model.row(firstCapacity).coefficients.last == -Double(data.capacities[0]))
        if (customers, facilities) == (100, 100) {
            #expect((model.variableCount, model.constraintCount, model.nonzeroCount) == (10_100, 10_201, 40_200))
        }
    }

    @Test("the model-building benchmark CFL is unchanged")
    func benchmarkFacilityLocation() {
        let model = Generators.facilityLocation(clients: 2000, facilities: 100)
        #expect(model.name == "cfl_2000_100")
        #expect((model.variableCount, model.constraintCount, model.nonzeroCount) == (200_100, 202_100, 800_100))
    }

    // MARK: Combinatorial auction

    @Test("auction: exact bid count, sane bundles, bidder XOR rows, one packing row per good",
          arguments: [(100, 500), (20, 60), (6, 10), (1, 5)])
    func auctionStructure(items: Int, bids: Int) throws {
        let parameters = Generators.AuctionParameters(items: items, bids: bids)
        let auction = Generators.auction(parameters, seed: 9)
        #expect(auction.bids.count == bids)
        for bid in auction.bids {
            #expect(!bid.items.isEmpty && bid.items == Array(Set(bid.items)).sorted())
            #expect(bid.items.allSatisfy { (0..<items).contains($0) })
            #expect(bid.price >= 0)
        }
        let byBidder = Dictionary(grouping: auction.bids, by: \.bidder)
        #expect(byBidder.keys.sorted() == Array(0..<byBidder.count))
        for (_, own) in byBidder {
            let first = own[0]
            #expect(own.count <= parameters.maxSubstituteBids + 1)
            #expect(Set(own.map(\.items)).count == own.count)  // no duplicate bundles
            #expect(Set(own.map(\.dummy)).count == 1)
            #expect((own.count > 2) == (first.dummy != nil))
            for sub in own.dropFirst() {
                #expect(sub.items.count == first.items.count)
                #expect(!Set(sub.items).isDisjoint(with: first.items))  // substitutes share a good with the first bid
                #expect(sub.price <= parameters.budgetFactor * first.price + 1e-9)
            }
        }

        let model = Generators.combinatorialAuction(auction, name: "a")
        #expect(model.variableCount == bids && model.sense == .maximize && model.kinds.allSatisfy { $0 == .binary })
        #expect(model.objectiveCoefficients == auction.bids.map(\.price))
        let goods = Set(auction.bids.flatMap(\.items))
        #expect(model.constraintCount == goods.count + auction.dummies)
        #expect(model.rowUpperBounds.allSatisfy { $0 == 1 } && model.rowCoefficients.allSatisfy { $0 == 1 })
        #expect(model.rowLowerBounds.allSatisfy { $0 == -.infinity })
        // Column k appears in the rows of its goods and its dummy, nowhere else.
        var rowsOfBid = [[String]](repeating: [], count: bids)
        for r in model.constraints {
            for c in model.row(r).columns { rowsOfBid[Int(c)].append(model.name(of: r)) }
        }
        for (k, bid) in auction.bids.enumerated() {
            let expected = bid.items.map { "item[\($0)]" } + (bid.dummy.map { ["xor[\($0)]"] } ?? [])
            #expect(rowsOfBid[k] == expected)
        }
    }

    @Test("auction bundles average about 1/(1 − p) goods")
    func auctionBundleSize() {
        let auction = Generators.auction(Generators.AuctionParameters(items: 100, bids: 500), seed: 2)
        let mean = Double(auction.bids.reduce(0) { $0 + $1.items.count }) / Double(auction.bids.count)
        #expect(mean > 2 && mean < 5, "mean bundle size \(mean)")
        var integral = Generators.AuctionParameters(items: 30, bids: 50)
        integral.integerPrices = true
        #expect(Generators.auction(integral, seed: 1).bids.allSatisfy { $0.price == $0.price.rounded() })
    }

    // MARK: Knapsack

    @Test("knapsack: positive weights, capacities = ⌊tightness · Σ w⌋, correlated profits",
          arguments: [(100, 5, 0.5), (10, 3, 0.25), (250, 10, 0.75)])
    func knapsackStructure(items: Int, knapsacks: Int, tightness: Double) {
        let data = Generators.knapsackData(items: items, knapsacks: knapsacks, tightness: tightness, seed: 6)
        #expect(data.weights.joined().allSatisfy { (1...1000).contains($0) })
        for i in 0..<knapsacks {
            #expect(data.capacities[i] == Int(tightness * Double(data.weights[i].reduce(0, +))))
        }
        for j in 0..<items {
            let mean = Double(data.weights.reduce(0) { $0 + $1[j] }) / Double(knapsacks)
            #expect(Double(data.profits[j]) >= mean.rounded(.down) && Double(data.profits[j]) < mean + 500)
        }
        let model = Generators.multiKnapsack(items: items, knapsacks: knapsacks, tightness: tightness, seed: 6)
        #expect(model.variableCount == items && model.constraintCount == knapsacks && model.nonzeroCount == items * knapsacks)
        #expect(model.rowCoefficients.allSatisfy { $0 > 0 } && model.sense == .maximize)
        #expect(model.rowUpperBounds == data.capacities.map(Double.init))
    }

    // MARK: Support

    @Test("platform-independent pow agrees with libm")
    func deterministicPow() {
        for base in [1.0, 2, 3, 7, 10, 100, 0.5, 1e-3, 123.456] {
            for exponent in [1.2, 0.2, 1.5, 2, -0.8, 0.5, 3.7] {
                let expected = Foundation.pow(base, exponent)
                #expect(abs(DeterministicMath.pow(base, exponent) - expected) <= 1e-14 * expected, "\(base)^\(exponent)")
            }
        }
        #expect(abs(DeterministicMath.log(2) - M_LN2) < 1e-16)
        #expect(abs(DeterministicMath.exp(1) - M_E) < 1e-15)
    }

    @Test("bounded integers are uniform and in range")
    func boundedIntegers() {
        var rng = SplitMix64(seed: 42)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[rng.int(in: 1...6) - 1] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 }, "\(counts)")
        var pool = Array(0..<10)
        let sample = rng.sample(4, from: &pool)
        #expect(Set(sample).count == 4)
        var weighted = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 { weighted[rng.index(weightedBy: [1, 0, 2])] += 1 }
        #expect(weighted[1] == 0 && abs(weighted[2] - 20_000) < 500)
    }
}
