import Foundation
import MILPKit
import Synchronization
import Testing
@testable import MILPRemat

/// Fixtures (see Fixtures/README.md): the seven MLSys training graphs, one random layered graph,
/// and a native-schema diamond.
private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
private func fixture(_ name: String) throws -> RematGraph { try GraphReader.read(path: fixtures.appendingPathComponent(name).path) }

private func parse(_ json: String) throws -> RematGraph { try GraphReader.parse(Data(json.utf8), source: "test.json") }

/// A graph in the native schema: nodes (label, cost, size) in topological order, edges by label.
private func graph(_ nodes: [(String, Int64, Int64)], _ edges: [(String, String)], backward: Set<String> = []) throws -> RematGraph {
    let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.0, $0) })
    return try RematGraph(name: "test", labels: nodes.map { .string($0.0) }, costs: nodes.map(\.1), sizes: nodes.map(\.2),
                          isBackward: nodes.map { backward.contains($0.0) }, edges: edges.map { (index[$0.0]!, index[$0.1]!) })
}

/// A training chain of `layers` layers in Checkmate's layout: x0 → … → x(k−1) → loss, and
/// backward nodes g(k−1) … g0 where gj reads xj, x(j−1) and the gradient before it.
private func trainingChain(costs: [Int64], sizes: [Int64]) throws -> RematGraph {
    let k = costs.count
    var nodes = (0..<k).map { ("x\($0)", costs[$0], sizes[$0]) }
    nodes.append(("loss", 1, 1))
    nodes += (0..<k).reversed().map { ("g\($0)", costs[$0] + 1, sizes[$0]) }
    var edges = (1..<k).map { ("x\($0 - 1)", "x\($0)") }
    edges.append(("x\(k - 1)", "loss"))
    for j in (0..<k).reversed() {
        edges.append(("x\(j)", "g\(j)"))
        if j > 0 { edges.append(("x\(j - 1)", "g\(j)")) }
        edges.append((j == k - 1 ? "loss" : "g\(j + 1)", "g\(j)"))
    }
    return try graph(nodes, edges, backward: Set(["loss"] + (0..<k).map { "g\($0)" }))
}

/// A search at `budget` holding the starts `Rematerializer` offers in the input order (baselines,
/// eviction).
private func startedSearch(_ g: RematGraph, budget: Int64, options: RematOptions = RematOptions(),
                           solver: any Solver = CbcSolver()) -> RematSearch {
    var search = RematSearch(graph: g, budget: budget, options: options, solver: solver)
    search.offerStarts(Baseline.allCases.map { ($0, $0.plan(for: g, budget: budget)) })
    return search
}

// MARK: Independent references

/// The least cost over every S matrix of the staged model, each value free to stay until its keep
/// horizon: a dynamic program over the rows (rows t and t + 1 decide stage t's recomputations,
/// cost and peak), its optimal plan replayed by the simulator. The optimum the MILP must reach.
private func enumeratedOptimum(_ g: RematGraph, budget: Int64) -> Int64? {
    enumeratedPlan(g, budget: budget).map { try! Simulator.replay($0.schedule(graph: g), on: g, budget: budget).totalCost }
}

private func enumeratedPlan(_ g: RematGraph, budget: Int64) -> StagePlan? {
    let n = g.count
    // The free bits of row t: values before t that are not sinks and can still be read at t.
    let free = (0...n).map { t in (0..<min(t, n)).filter { i in g.keepHorizon[i].map { $0 >= t } ?? false } }
    func row(_ t: Int, _ mask: Int) -> Set<Int> { Set(free[t].enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)) }
    precondition(free.allSatisfy { $0.count <= 12 }, "too many plans to enumerate")
    // best[t][mask]: least cost of stages before t ending with row t = mask, and the rows so far.
    var best: [Int: (cost: Int64, rows: [Set<Int>])] = [0: (0, [[]])]
    for t in 0..<n {
        var next: [Int: (cost: Int64, rows: [Set<Int>])] = [:]
        for path in best.values {
            for nextMask in 0..<(1 << free[t + 1].count) {
                let rows = path.rows + [row(t + 1, nextMask)]
                let plan = StagePlan(graph: g) { s, i in s < rows.count && rows[s].contains(i) }
                var peak: Int64 = 0
                plan.replayStages(graph: g, from: t) { stage, _, memory, _ in
                    guard stage == t else { return false }
                    peak = max(peak, memory)
                    return true
                }
                guard peak <= budget else { continue }
                let r = plan.recomputations(t, graph: g)
                let cost = path.cost + zip(r, g.costs).reduce(0) { $0 + ($1.0 ? $1.1 : 0) }
                if cost < next[nextMask]?.cost ?? .max { next[nextMask] = (cost, rows) }
            }
        }
        best = next
    }
    return best.values.min { $0.cost < $1.cost }.map { path in StagePlan(graph: g) { s, i in s < path.rows.count && path.rows[s].contains(i) } }
}

/// The least cost of any compute/free event sequence (Dijkstra over resident × computed sets),
/// knowing nothing of stages: a lower bound for every staged schedule.
private func eventOptimum(_ g: RematGraph, budget: Int64) -> Int64? {
    let n = g.count
    precondition(n <= 9)
    let all = (1 << n) - 1
    let sinks = (0..<n).filter { g.successors[$0].isEmpty }.reduce(0) { $0 | (1 << $1) }
    func memory(_ resident: Int) -> Int64 { (0..<n).reduce(0) { resident & (1 << $1) != 0 ? $0 + g.sizes[$1] : $0 } }
    // Dijkstra with buckets (integer costs); frees cost 0 and join the bucket being scanned.
    var dist: [Int: Int64] = [0: 0]
    var buckets: [Int64: [Int]] = [0: [0]]
    var cost: Int64 = 0
    let limit = g.forwardCost * Int64(n) + 1
    while cost <= limit {
        var k = 0
        while k < buckets[cost, default: []].count {
            let state = buckets[cost]![k]
            k += 1
            guard dist[state] == cost else { continue }
            let resident = state & all, computed = state >> n
            if computed == all && resident & sinks == sinks { return cost }
            for v in 0..<n {
                let bit = 1 << v
                var next = state, c: Int64 = 0
                if resident & bit != 0 {
                    next = (resident & ~bit) | (computed << n)
                } else if g.predecessors[v].allSatisfy({ resident & (1 << $0) != 0 }), memory(resident | bit) <= budget {
                    next = (resident | bit) | ((computed | bit) << n)
                    c = g.costs[v]
                } else { continue }
                if cost + c < dist[next] ?? .max {
                    dist[next] = cost + c
                    buckets[cost + c, default: []].append(next)
                }
            }
        }
        buckets[cost] = nil
        cost += 1
    }
    return nil
}

private func solve(_ g: RematGraph, _ budget: Int64, _ method: RematMethod, order: ExecutionOrder = .given,
                   timeLimit: Double = 30, solver: String = "cbc", log: (@Sendable (String) -> Void)? = nil) throws -> RematResult {
    var options = RematOptions()
    options.method = method
    options.timeLimit = timeLimit
    options.log = log
    return try Rematerializer(graph: g, budget: budget, order: order).solve(options, solver: Solvers.named(solver)!)
}

/// `solve` with the method and the node order chosen as by default (auto), on CBC, and the
/// search's log lines.
private func solveLogging(_ g: RematGraph, _ budget: Int64, timeLimit: Double) throws -> (RematResult, [String]) {
    let lines = Mutex<[String]>([])
    let r = try solve(g, budget, .auto, order: .auto, timeLimit: timeLimit, log: { line in lines.withLock { $0.append(line) } })
    return (r, lines.withLock { $0 })
}

/// The MIP solvers every exact result is checked on.
private let mipSolvers = ["cbc", "glpk"]

@Suite("Graph input")
struct GraphInputTests {
    @Test("Checkmate dialect: VGG16 as in the data README")
    func checkmateDialect() throws {
        let g = try fixture("vgg16_train.json")
        #expect(g.count == 45 && g.edgeCount == 87)
        #expect(g.labels == (0..<45).map { NodeLabel.int(Int64($0)) })
        #expect(g.names[0] == "block1_conv1" && g.names[22] == "Loss")
        #expect(g.isBackward.filter { $0 }.count == 23)
        #expect(g.forwardCost == 15500)
        #expect(g.sizes.reduce(0, +) == 30_949_721_088)
        #expect(g.noRematPeak == 15_825_108_992)
        #expect(g.memoryLowerBound.bytes == 13_153_337_344)
        #expect(Budget.fraction(0.9).bytes(for: g) == 14_242_598_093)
        #expect(Budget.fraction(0.8).bytes(for: g) == 12_660_087_194)
    }

    @Test("random layered dialect: keys 0/1, duration/out_cost, graph.order")
    func randomDialect() throws {
        let g = try fixture("random_layered_n100.json")
        #expect(g.count == 100 && g.edgeCount == 236)
        #expect(g.forwardCost == 47769 && g.sizes.reduce(0, +) == 204_108)
        #expect(g.labels.first == .int(0) && g.labels.last == .int(1))   // graph.order: source 0 … sink 1
        #expect(g.noRematPeak == 46319)
        #expect(g.memoryLowerBound.bytes == 20020)
        #expect(Budget.fraction(0.9).bytes(for: g) == 41688 && Budget.fraction(0.8).bytes(for: g) == 37056)
    }

    /// No-remat peaks and B at 0.9 from the data README's table (Python/networkx).
    @Test("no-remat peaks of the MLSys graphs", arguments: [
        ("vgg19_train.json", 17_058_234_368, 13_153_337_344), ("mobilenet_train.json", 34_701_056_000, 6_635_651_072),
        ("resnet50_train.json", 38_059_356_160, 3_699_376_128), ("vgg_unet_train.json", 20_959_461_376, 8_287_944_704),
        ("fcn_8_vgg_train.json", 13_484_795_520, 8_287_944_704), ("segnet_train.json", 19_943_884_288, 8_287_944_704),
    ] as [(String, Int64, Int64)])
    func peaks(file: String, peak: Int64, single: Int64) throws {
        let g = try fixture(file)
        #expect(g.noRematPeak == peak)
        #expect(g.memoryLowerBound.bytes == single)
    }

    @Test("fcn_8_vgg keeps its 1.6e12 costs exactly")
    func largeCosts() throws {
        let g = try fixture("fcn_8_vgg_train.json")
        #expect(g.forwardCost == 10_275_337_746_048)
    }

    @Test("native schema with string ids; Kahn order follows the file")
    func nativeSchema() throws {
        let g = try fixture("diamond.json")
        #expect(g.labels == ["a", "b", "c", "d"].map { NodeLabel.string($0) })
        #expect(g.predecessors[3] == [1, 2])
        #expect(g.noRematPeak == 4 + 3 + 2)   // computing c: a (still read by c), b, c
        let reversed = try parse(#"{"nodes": [{"id": 2, "cost": 1, "size": 1}, {"id": 1, "cost": 1, "size": 1}], "edges": [[1, 2]]}"#)
        #expect(reversed.labels == [.int(1), .int(2)])
    }

    @Test("bad input names the file and the node or edge", arguments: [
        (#"{"nodes": [{"id": "a", "cost": 1, "size": 1}, {"id": "b", "cost": 1, "size": 1}, {"id": "c", "cost": 1, "size": 1}], "edges": [["a", "b"], ["b", "c"], ["c", "b"]]}"#,
         "the graph has a cycle: c -> b -> c"),
        (#"{"nodes": [{"id": "a", "size": 1}], "edges": []}"#, "node a has no \"cost\" value"),
        (#"{"nodes": [{"id": "a", "cost": 1, "size": 1}, {"id": "b", "cost": 1, "size": -5}], "edges": [["a", "b"]]}"#, "node b has a negative size (-5)"),
        (#"{"nodes": [{"id": "a", "cost": -1, "size": 1}], "edges": []}"#, "node a has a negative cost"),
        (#"{"nodes": [{"id": "a", "cost": 1, "size": 1}], "edges": [["a", "zz"]]}"#, "edge a -> zz names an unknown node zz"),
        (#"{"nodes": [{"id": "a", "cost": 1, "size": 1}, {"id": "a", "cost": 1, "size": 1}], "edges": []}"#, "duplicate node id a"),
        (#"{"nodes": [{"id": "a", "cost": 1, "size": 1}], "edges": [["a", "a"]]}"#, "self-loop"),
        (#"{"nodes": [{"id": "a", "cost": 1.5, "size": 1}], "edges": []}"#, "must be an integer"),
        (#"{"nodes": [{"id": 0, "cost_ram": 4}], "links": []}"#, "node 0 has no \"cost_cpu\" or \"duration\" value"),
        (#"{"nodes": [{"id": 0, "cost_cpu": 1, "cost_ram": 4}], "links": [{"source": 0, "target": 7}]}"#, "edge 0 -> 7 names an unknown node 7"),
        (#"{"graph": {"order": [1, 0]}, "nodes": [{"name": 0, "duration": 1, "out_cost": 4}, {"name": 1, "duration": 1, "out_cost": 4}], "links": [{"0": 0, "1": 1}]}"#,
         "not a topological order: edge 0 -> 1"),
        ("[1, 2]", "top level must be a JSON object"),
        ("{nodes", "not valid JSON"),
    ])
    func badInput(json: String, message: String) {
        #expect {
            _ = try parse(json)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("test.json: ") && text.contains(message)
        }
    }

    @Test("budgets: fractions, percentages and bytes")
    func budgets() throws {
        #expect(try Budget(parsing: "0.8") == .fraction(0.8))
        #expect(try Budget(parsing: "80%") == .fraction(0.8))
        #expect(try Budget(parsing: "1") == .fraction(1))
        #expect(try Budget(parsing: "14242598093") == .bytes(14_242_598_093))
        for bad in ["0", "-1", "abc", "1.5", ""] { #expect(throws: RematInputError.self) { try Budget(parsing: bad) } }
    }

    @Test("a budget below the least feasible budget reports it and the node")
    func budgetBelowMinimum() throws {
        let g = try fixture("vgg16_train.json")
        // 13153337344 is the least feasible budget: the bound, and a schedule (revolve) peaks there.
        #expect(Rematerializer.leastMemoryKnown(g, trying: 13_153_337_344) == 13_153_337_344)
        #expect {
            _ = try Rematerializer(graph: g, budget: Budget.fraction(0.8).bytes(for: g))
        } throws: { error in
            "\(error)".contains("least feasible budget 13153337344") && "\(error)".contains("block1_conv1_backward")
        }
        #expect(throws: Never.self) { _ = try Rematerializer(graph: g, budget: 13_153_337_344) }
    }
}

@Suite("Simulator")
struct SimulatorTests {
    /// a(4) → b(3) → c(2): the plain order peaks at 7 (a and b while computing b).
    let chain: RematGraph = try! graph([("a", 1, 4), ("b", 2, 3), ("c", 3, 2)], [("a", "b"), ("b", "c")])

    @Test("a valid schedule: cost and peak to the byte")
    func accepts() throws {
        let s = Schedule(events: [.compute(0), .compute(1), .free(0), .compute(2), .free(1)])
        let r = try Simulator.replay(s, on: chain, budget: 7)
        #expect(r == SimulationReport(totalCost: 6, peakMemory: 7, computations: 3))
        // Recomputing a after a free costs again.
        let again = Schedule(events: [.compute(0), .free(0), .compute(0), .compute(1), .free(0), .compute(2), .free(1)])
        #expect(try Simulator.replay(again, on: chain, budget: 7).totalCost == 7)
    }

    @Test("planted bad schedules are rejected with the event and node", arguments: [
        ([.compute(0), .compute(2)], 7, "event 1: compute node c: input node b is not resident"),
        ([.compute(0), .compute(1), .compute(2)], 7, "event 2: compute node c: memory 9 exceeds the budget 7"),
        ([.compute(0), .compute(1)], 6, "event 1: compute node b: memory 7 exceeds the budget 6"),
        ([.compute(0), .compute(5)], 7, "event 1: compute of unknown node index 5"),
        ([.free(9)], 7, "event 0: free of unknown node index 9"),
        ([.compute(0), .compute(0)], 7, "already resident"),
        ([.compute(0), .free(1)], 7, "event 1: free node b: not resident"),
        ([.compute(0), .compute(1)], 7, "node c is never computed"),
        ([.compute(0), .compute(1), .free(0), .compute(2), .free(2)], 7, "sink node c is not resident at the end"),
    ] as [([ScheduleEvent], Int64, String)])
    func rejects(events: [ScheduleEvent], budget: Int64, message: String) {
        #expect {
            _ = try Simulator.replay(Schedule(events: events), on: chain, budget: budget)
        } throws: { "\($0)".contains(message) }
    }

    @Test("schedule JSON: events with the file's node ids, and read back")
    func json() throws {
        let g = try fixture("diamond.json")
        let s = Baseline.checkpointAll.plan(for: g, budget: .max)!.schedule(graph: g)
        let r = try Simulator.replay(s, on: g, budget: 9)
        let object = s.jsonObject(graph: g, budget: 9, replay: r)
        let events = object["events"] as! [[String: Any]]
        #expect(events.first?["op"] as? String == "compute" && events.first?["node"] as? String == "a")
        #expect(object["total_cost"] as? Int64 == 7 && object["peak_memory"] as? Int64 == 9)
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(try Schedule.parse(data, graph: g, source: "s.json").events == s.events)
        let bad = Data(#"{"events": [{"op": "compute", "node": "q"}]}"#.utf8)
        #expect { _ = try Schedule.parse(bad, graph: g, source: "s.json") } throws: { "\($0)".contains("unknown node q") }
    }
}

/// The suites that solve with CBC run one after the other.
@Suite("CBC", .serialized)
struct CBCTests {}

extension CBCTests {
@Suite("Optimal schedules")
struct OptimalityTests {
    static let chain = try! trainingChain(costs: [3, 5, 2], sizes: [6, 4, 5])
    /// A diamond with a skip connection into the backward part.
    static let skip = try! graph(
        [("a", 2, 5), ("b", 4, 3), ("c", 1, 4), ("d", 3, 2), ("e", 2, 3), ("f", 1, 2)],
        [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e"), ("a", "e"), ("e", "f"), ("b", "f")])
    static let diamond = try! graph([("a", 2, 6), ("b", 3, 3), ("c", 4, 3), ("d", 1, 1), ("e", 1, 2)],
                                    [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e"), ("a", "e")])
    /// y is large and cheap but its input x is small and costly; w reads y again after p and q,
    /// which do not fit beside y. At budget 21 the optimum keeps x past y's last consumer's first
    /// computation and recomputes y alone at w: Σ C + 1.
    static let lateRead = try! graph([("x", 10, 1), ("y", 1, 10), ("p", 1, 10), ("q", 1, 5), ("w", 1, 5)],
                                     [("x", "y"), ("y", "p"), ("p", "q"), ("q", "w"), ("y", "w")])

    @Test("a value kept past its last consumer's first computation feeds a late recomputation", arguments: mipSolvers)
    func lateRecomputation(solver: String) throws {
        let g = Self.lateRead
        #expect(g.lastUse[0] == 1 && g.keepHorizon[0] == 4, "x: last consumer y at stage 1, y read until w at stage 4")
        #expect(enumeratedOptimum(g, budget: 21) == g.forwardCost + 1)
        #expect(eventOptimum(g, budget: 21) == g.forwardCost + 1)
        let r = try solve(g, 21, .milp, solver: solver)
        #expect(r.status == .optimal && r.replay?.totalCost == 15 && r.lowerBound == 15)
        // Checkmate's own reduction (nothing kept past its last consumer's first computation)
        // must recompute x with y: Σ C + 11.
        var m = CheckmateModel(graph: g, budget: 21, restrictions: .keepUntilLastUse).model
        let restricted = try Solvers.named(solver)!.solve(m, options: SolveOptions(timeLimit: 10))
        #expect(restricted.termination == .optimal && restricted.objective.map { abs($0 - 25) < 1e-6 } == true)
        m = CheckmateModel(graph: g, budget: 21).model
        let full = try Solvers.named(solver)!.solve(m, options: SolveOptions(timeLimit: 10))
        #expect(full.termination == .optimal && full.objective.map { abs($0 - 15) < 1e-6 } == true)
    }

    @Test("annealing: from the starts to no more than their cost and no less than the enumerated optimum; the tracked stage costs and peaks match the plan's (debug assertion)",
          arguments: [0, 1, 2, 3])
    func annealingOnTinyGraphs(which: Int) throws {
        try checkImprovement(on: [Self.chain, Self.skip, Self.diamond, Self.lateRead][which]) { $0.improveByAnnealing(until: $0.elapsed() + 5) }
    }

    /// At every budget the enumeration solves, `improve` takes the search from its starts to a plan
    /// no costlier than the best start and no cheaper than the optimum, which the simulator replays.
    private func checkImprovement(on g: RematGraph, _ improve: (inout RematSearch) -> Void) throws {
        var checked = 0
        for budget in g.memoryLowerBound.bytes..<g.noRematPeak {
            guard let optimum = enumeratedOptimum(g, budget: budget) else { continue }
            var search = startedSearch(g, budget: budget)
            guard let start = search.best?.cost else { continue }
            improve(&search)
            let best = try #require(search.best)
            #expect(best.cost <= start && best.cost >= optimum, "budget \(budget)")
            #expect(try Simulator.replay(best.plan.schedule(graph: g), on: g, budget: budget).totalCost == best.cost)
            checked += 1
        }
        #expect(checked >= 1)
    }

    @Test("stage peaks and costs, counted without tracking residency, agree with the simulator's replay on random plans")
    func stagePeaksMatchTheSimulator() throws {
        var random = SplitMix64(seed: 7)
        for g in [Self.chain, Self.skip, Self.diamond, Self.lateRead, try fixture("random_layered_n100.json")] {
            for density in [0.1, 0.5, 0.9] {
                let plan = StagePlan(graph: g) { _, _ in random.unit() < density }
                let replay = try Simulator.replay(plan.schedule(graph: g), on: g, budget: .max)
                #expect(plan.stagePeaks(graph: g).max() == replay.peakMemory, "\(g.name), density \(density)")
                #expect(plan.cost(graph: g) == replay.totalCost, "\(g.name), density \(density)")
            }
        }
    }

    @Test("annealing on random layered n100 at 0.8: the stage costs and peaks tracked over thousands of moves match the plan's (debug assertion); never worse than its start; the result replays")
    func annealingOnN100() throws {
        let g = try fixture("random_layered_n100.json")
        let budget = Budget.fraction(0.8).bytes(for: g)
        var search = RematSearch(graph: g, budget: budget, options: RematOptions(), solver: Solvers.named("cbc")!)
        try search.offerRestrictedRounding(limit: 10)
        let start = try #require(search.best?.cost)
        #expect(start == 51246)
        search.improveByAnnealing(until: search.elapsed() + 3)
        let best = try #require(search.best)
        #expect(best.cost <= start)
        let replay = try Simulator.replay(best.plan.schedule(graph: g), on: g, budget: budget)
        #expect(replay.totalCost == best.cost && replay.peakMemory <= budget)
    }

    @Test("tracked plans: after random keep changes over runs (several nodes at once, as the annealing makes them) the tracked recomputations, costs, peaks and overflow are the plan's, and undo restores them")
    func trackedPlanFollowsItsPlan() throws {
        var random = SplitMix64(seed: 11)
        for g in [Self.chain, Self.skip, Self.diamond, Self.lateRead, try fixture("random_layered_n100.json")] {
            let budget = (g.memoryLowerBound.bytes + g.noRematPeak) / 2
            let movable = (0..<g.count).filter { i in g.keepHorizon[i].map { $0 > i } ?? false }
            let start = StagePlan(graph: g) { _, _ in random.unit() < 0.5 }
            var state = TrackedPlan(start, graph: g, budget: budget)
            #expect(state.isCurrent, "\(g.name)")
            for step in 0..<200 {
                let before = (state.plan, state.cost, state.overflow, state.stagePeak)
                // Values that can be kept past their own stage, each over a run within its keep horizon.
                let changes = Set((0..<(1 + Int(random.next() % 3))).map { _ in movable[Int(random.next() % UInt64(movable.count))] }).map { i in
                    let horizon = g.keepHorizon[i]!, a = i + 1 + Int(random.next() % UInt64(horizon - i))
                    return TrackedPlan.Change(node: i, keep: random.next() % 2 == 0, stages: a...(a + Int(random.next() % UInt64(horizon - a + 1))))
                }
                let undo = state.apply(changes)
                #expect(state.isCurrent, "\(g.name), step \(step)")
                #expect(state.cost == state.plan.cost(graph: g) && state.overflow == state.plan.overflow(graph: g, budget: budget))
                if random.next() % 2 == 0 {
                    state.undo(undo)
                    #expect(state.plan == before.0 && state.cost == before.1 && state.overflow == before.2 && state.stagePeak == before.3,
                            "\(g.name), step \(step): undo")
                }
            }
        }
    }

    @Test("retention bound: at every budget between the least feasible and the no-remat peak, never above the enumerated optimum, at least Σ C; GLPK's equals CBC's", arguments: [0, 1, 2, 3])
    func retentionBoundOnTinyGraphs(which: Int) throws {
        let g = [Self.chain, Self.skip, Self.diamond, Self.lateRead][which]
        var checked = 0
        for budget in g.memoryLowerBound.bytes..<g.noRematPeak {
            guard let optimum = enumeratedOptimum(g, budget: budget) else { continue }
            let bounds = try mipSolvers.map { name -> Double? in
                var search = RematSearch(graph: g, budget: budget, options: RematOptions(), solver: try #require(Solvers.named(name)))
                try search.boundByRetention(limit: 10)
                return search.lowerBound
            }
            let bound = try #require(bounds[0], "budget \(budget)")
            #expect(bound <= Double(optimum) && bound >= Double(g.forwardCost), "budget \(budget)")
            #expect(bounds[1] == bound, "budget \(budget)")
            checked += 1
        }
        #expect(checked >= 1)
    }

    /// References: HiGHS proved MobileNet's 162,680 at 0.8 with Checkmate's MILP (issue 24); Moccasin on CP-SAT proved
    /// ResNet50's 406,110 at 0.9 and found 406,800 at 0.8 (Benchmarks/results/remat-120-2026-12-05.jsonl); scipy's HiGHS
    /// on the same retention model (a prototype, for measuring only) gave n100's 48,342 at 0.8.
    @Test("retention bound on MLSys graphs and n100 at 0.8, given order: MobileNet 162,680 (HiGHS's proven optimum), ResNet50 406,800 and at 0.9 406,110 (Moccasin's values, which it thereby proves optimal in this order), n100 48,342 (below Moccasin's optimum 48,866; Checkmate's LP bound: 48,031)",
          arguments: [("mobilenet_train.json", 0.8, 162_680.0), ("resnet50_train.json", 0.8, 406_800), ("resnet50_train.json", 0.9, 406_110),
                      ("random_layered_n100.json", 0.8, 48_342)])
    func retentionBoundOnMLSysGraphs(file: String, fraction: Double, expected: Double) throws {
        let g = try fixture(file)
        var search = RematSearch(graph: g, budget: Budget.fraction(fraction).bytes(for: g), options: RematOptions(), solver: Solvers.named("cbc")!)
        try search.boundByRetention(limit: 60)
        #expect(search.lowerBound == expected)
    }

    @Test("MobileNet at 0.8: the search stops once a plan meets the retention bound, optimal at HiGHS's proven 162,680 long before the limit")
    func searchStopsAtTheBound() throws {
        let g = try fixture("mobilenet_train.json")
        let r = try solve(g, Budget.fraction(0.8).bytes(for: g), .auto, timeLimit: 120)
        #expect(r.status == .optimal && r.replay?.totalCost == 162_680 && r.lowerBound == 162_680)
        #expect(r.seconds < 60, "stopped at \(r.seconds) s of 120")
    }

    @Test("swaps: from the starts to no more than their cost and no less than the enumerated optimum; the plans replay", arguments: [0, 1, 2, 3])
    func swapsOnTinyGraphs(which: Int) throws {
        try checkImprovement(on: [Self.chain, Self.skip, Self.diamond, Self.lateRead][which]) { $0.improveBySwaps(until: $0.elapsed() + 5) }
    }

    @Test("node windows: the incumbent is a feasible start, spliced plans replay and cost no more, every node over every stage reaches the enumerated optimum",
          arguments: [1, 2, 3], mipSolvers)
    func nodeWindows(which: Int, solver name: String) throws {
        let g = [Self.chain, Self.skip, Self.diamond, Self.lateRead][which]
        let solver = try #require(Solvers.named(name))
        let n = g.count
        var checked = 0
        for budget in g.memoryLowerBound.bytes..<g.noRematPeak {
            guard let optimum = enumeratedOptimum(g, budget: budget) else { continue }
            let search = startedSearch(g, budget: budget, solver: solver)
            let incumbent = try #require(search.best, "budget \(budget): a start fits")
            var random = SplitMix64(seed: 7)
            for (stages, count, drawing) in [(1...(n - 2), 1, false), (0...(n - 1), 2, false), (0...(n - 1), n, false), (0...(n - 1), 1, true)] {
                let nodes = search.nodeWindow(of: incumbent.plan, stages: stages, count: count, drawingRecomputed: drawing, random: &random)
                #expect(!nodes.isEmpty && nodes.allSatisfy { !g.successors[$0].isEmpty })
                // Every node recomputed in the stages, or `count` of them when drawn (a window over every stage of ResNet50).
                let recomputed = Set(stages.flatMap { t in incumbent.plan.recomputations(t, graph: g).enumerated().filter { $0.element && $0.offset < t }.map(\.offset) })
                #expect(drawing ? nodes.intersection(recomputed).count == min(count, recomputed.count) : recomputed.isSubset(of: nodes))
                let window = CheckmateModel(graph: g, budget: budget, stages: stages, boundary: incumbent.plan, nodes: nodes)
                let start = window.start(for: incumbent.plan)
                #expect(window.model.checkFeasibility(of: start).isFeasible, "budget \(budget), nodes \(nodes.sorted())")
                #expect(window.plan(from: start) == incumbent.plan)
                let values = try #require(try solver.solve(window.model, options: SolveOptions(timeLimit: 10)).values)
                let replay = try Simulator.replay(window.plan(from: values).schedule(graph: g), on: g, budget: budget)
                #expect(replay.totalCost <= incumbent.cost && replay.totalCost >= optimum)
            }
            let everyNode = CheckmateModel(graph: g, budget: budget, stages: 0...(n - 1), boundary: incumbent.plan, nodes: Set(0..<n))
            let values = try #require(try solver.solve(everyNode.model, options: SolveOptions(timeLimit: 10)).values)
            #expect(try Simulator.replay(everyNode.plan(from: values).schedule(graph: g), on: g, budget: budget).totalCost == optimum)
            checked += 1
        }
        #expect(checked >= 1)
    }

    @Test("MILP optimum = enumeration of every plan; ≥ the event-level optimum", arguments: [
        ("chain", 0), ("skip", 1), ("diamond", 2), ("lateRead", 3),
    ], mipSolvers)
    func bruteForce(graph: (name: String, which: Int), solver: String) throws {
        let (name, which) = graph
        let g = [Self.chain, Self.skip, Self.diamond, Self.lateRead][which]
        let low = g.memoryLowerBound.bytes, high = g.noRematPeak
        var checked = 0, recomputing = 0
        let step = max(1, Int(high - low) / 4)
        var budgets: [Int64] = Array(stride(from: low, through: high, by: step))
        if !budgets.contains(high - 1) { budgets.append(high - 1) }
        for budget in budgets {
            let expected = enumeratedOptimum(g, budget: budget)
            let lower = eventOptimum(g, budget: budget)
            let r = try solve(g, budget, .milp, solver: solver)
            if let expected {
                #expect(r.status == .optimal, "\(name) at \(budget)")
                #expect(r.replay?.totalCost == expected, "\(name) at \(budget)")
                #expect(try Simulator.replay(r.schedule!, on: g, budget: budget).totalCost == expected)
                #expect(lower != nil && lower! <= expected, "\(name) at \(budget): event optimum \(String(describing: lower))")
                if which == 0 { #expect(lower == expected, "a chain has one order: staged = unrestricted") }
                checked += 1
                if expected > g.forwardCost { recomputing += 1 }
            } else {
                #expect(r.status == .infeasible && r.schedule == nil, "\(name) at \(budget): no plan fits")
            }
        }
        #expect(checked >= 2 && recomputing >= 1, "\(name): feasible budgets, some with recomputation")
        // Plenty of memory: checkpoint-all is optimal and costs Σ C.
        #expect(try solve(g, high, .milp, solver: solver).replay?.totalCost == g.forwardCost)
    }

    @Test("interval model: its optimum replays at its cost, never below the enumerated optimum, and equal to it when an optimal plan recomputes at most once per stage and per node",
          arguments: [0, 1, 2, 3], mipSolvers)
    func intervalModel(which: Int, solver: String) throws {
        let g = [Self.chain, Self.skip, Self.diamond, Self.lateRead][which]
        var equal = 0, solved = 0
        for budget in g.memoryLowerBound.bytes...g.noRematPeak {
            let optimum = enumeratedPlan(g, budget: budget)
            var search = RematSearch(graph: g, budget: budget, options: RematOptions(), solver: Solvers.named(solver)!)
            let termination = try search.solveIntervalModel(limit: 20)
            guard let optimum else {
                #expect(termination == .infeasible && search.best == nil, "budget \(budget): no plan fits")
                continue
            }
            let optimalCost = try Simulator.replay(optimum.schedule(graph: g), on: g, budget: budget).totalCost
            let perStage = (0..<g.count).map { t in optimum.recomputations(t, graph: g).enumerated().filter { $0.element && $0.offset != t }.map(\.offset) }
            let restricted = perStage.allSatisfy { $0.count <= 1 } && Set(perStage.joined()).count == perStage.joined().count
            if termination == .infeasible {
                #expect(!restricted, "budget \(budget): a plan within the restriction fits")
                continue
            }
            #expect(termination == .optimal, "budget \(budget)")
            let best = try #require(search.best, "budget \(budget)")
            #expect(try Simulator.replay(best.plan.schedule(graph: g), on: g, budget: budget).totalCost == best.cost)
            #expect(best.cost >= optimalCost, "budget \(budget)")
            if restricted {
                #expect(best.cost == optimalCost, "budget \(budget): the optimum is within the restriction")
                // The enumerated plan as a MIP start: feasible, and read back as the same plan.
                let intervals = try #require(IntervalModel.building(graph: g, budget: budget, deadline: .now + .seconds(10)))
                let plan = optimum.withoutUselessKeeps(graph: g)
                let start = try #require(intervals.start(for: plan), "budget \(budget)")
                #expect(intervals.model.checkFeasibility(of: start).isFeasible, "budget \(budget)")
                #expect(intervals.plan(from: start).withoutUselessKeeps(graph: g) == plan, "budget \(budget)")
                equal += 1
            }
            solved += 1
        }
        #expect(solved >= 2 && equal >= 1)
    }

    /// Moccasin's model on CP-SAT (Benchmarks/peers/moccasin_cpsat.py, the same restriction)
    /// proves 31,620 optimal, and so does the full MILP (docs/benchmarks.md): the restriction
    /// holds the optimum here, and CBC must reach it and prove it within the restriction.
    @Test("retention intervals on vgg_unet at 0.8: the optimum 31,620 (CP-SAT on Moccasin's model, CBC on Checkmate's)")
    func intervalsReachTheOptimum() throws {
        let g = try fixture("vgg_unet_train.json")
        let budget = Budget.fraction(0.8).bytes(for: g)
        var search = RematSearch(graph: g, budget: budget, options: RematOptions(), solver: CbcSolver())
        #expect(try search.solveIntervalModel(limit: 120) == .optimal)
        let best = try #require(search.best)
        #expect(best.cost == 31_620)
        #expect(try Simulator.replay(best.plan.schedule(graph: g), on: g, budget: budget).totalCost == 31_620)
    }

    /// CBC found no point of ResNet50's interval model at 0.8 in 406 s of a 600 s run; without a
    /// start the solve now gives up at half its share and leaves the rest to the stages after it.
    @Test("retention intervals with no start and no point by half the limit: stopped then, the rest of the time left")
    func intervalsStopWithoutAPoint() throws {
        let g = try fixture("resnet50_train.json")
        var search = RematSearch(graph: g, budget: Budget.fraction(0.8).bytes(for: g), options: RematOptions(), solver: CbcSolver())
        let began = ContinuousClock.now
        #expect(try search.solveIntervalModel(limit: 16) == .limitReached)
        let seconds = (ContinuousClock.now - began).seconds
        #expect(search.best == nil)
        #expect(seconds < 12, "stopped at about 8 s, not at the 16 s limit: \(seconds) s")
        #expect(search.notes.last?.contains("stopped: no point within") == true, "\(search.notes)")
    }

    /// ResNet50 at 0.8 (Moccasin on CP-SAT finds 406,800 and does not prove it in 600 s): the
    /// swaps right after the starts reach 406,800 from eviction's 407,405, which the retention
    /// bound proves, so the run ends there. When the interval model (two thirds of the time where
    /// it fits) and the LP came first, the 600 s run found it at 283 s.
    @Test("ResNet50 at 0.8: the swaps right after the starts reach 406,800 and the retention bound proves it, before any LP or MILP")
    func swapsComeRightAfterTheStarts() throws {
        let g = try fixture("resnet50_train.json")
        // The swaps get a twentieth: 60 s, where they take 18 s in a debug build alone on a core.
        let (r, log) = try solveLogging(g, Budget.fraction(0.8).bytes(for: g), timeLimit: 1200)
        #expect(r.status == .optimal && r.replay?.totalCost == 406_800 && r.lowerBound == 406_800, "\(r.notes)")
        #expect(log.contains { $0.contains("swap: cost 406800") }, "\(log)")
        // No LP relaxation, interval model, MILP, annealing or window ran.
        #expect(!log.contains { ["LP relaxation", "intervals:", "MILP", "annealing", "stages "].contains(where: $0.contains) }, "\(log)")
    }

    /// MobileNet at 0.9 (Moccasin on CP-SAT proves 162,345 optimal): the swaps stop at 162,355,
    /// and the windows, given a tenth of the time before the interval model, reach 162,345, which
    /// the retention bound proves. With the interval model first, the optimum came at 70 s of 120.
    @Test("MobileNet at 0.9: the windows before the interval model reach 162,345 and the retention bound proves it")
    func windowsComeBeforeTheIntervalModel() throws {
        let g = try fixture("mobilenet_train.json")
        // The windows get a tenth: 60 s, where they take 6 s in a debug build alone on a core.
        let (r, log) = try solveLogging(g, Budget.fraction(0.9).bytes(for: g), timeLimit: 600)
        #expect(r.status == .optimal && r.replay?.totalCost == 162_345 && r.lowerBound == 162_345, "\(r.notes)")
        #expect(log.contains { $0.contains("lns (node window): cost 162345") }, "\(log)")
        #expect(!log.contains { $0.contains("intervals:") }, "\(log)")
    }

    /// A window of n500 (37 stages × 500 nodes, from the eviction start) stopped at its limit used
    /// to run on for seconds in CBC: "threads 1" is CBC's threaded search, which cloned the model
    /// first; the root's dive heuristic polls only CBC's own limit (then twice ours); and CBC's
    /// re-solves after the search were never cut short (9.5 s past a 17.6 s limit in a remat run,
    /// traced with perf). Now the search is serial, CBC's limit is kept at the deadline, and the
    /// re-solves are cut short with the incumbent kept by the stop handler.
    @Test("a window sub-MIP of n500 stopped at its limit returns within 4 s of it, with a plan no worse than its start")
    func windowSolveEndsAtItsLimit() throws {
        let g = try fixture("random_layered_n500.json")
        let budget = Budget.fraction(0.8).bytes(for: g)
        let search = startedSearch(g, budget: budget)
        let incumbent = try #require(search.best, "no start fits n500 at 0.8")
        let window = try #require(CheckmateModel.building(graph: g, budget: budget, stages: 370...406, boundary: incumbent.plan,
                                                          deadline: .now + .seconds(120)))
        var model = window.model
        model.setStart(values: window.start(for: incumbent.plan))
        let limit = 4.0, began = ContinuousClock.now
        let r = try CbcSolver().solve(model, options: search.windowSolve(limit: limit))
        let seconds = (ContinuousClock.now - began).seconds
        #expect(r.termination == .limitReached, "the window is solved within \(limit) s: the test needs a harder one")
        // Debug build, alone on a core: 4.4 s past the limit before, 1.6 s now (CBC's set-up polls
        // no stop, and LPs get 0.5 s of grace); 3.8 s now with every other test of the run sharing
        // that one core. The bound separates the two only on a machine that is not that loaded.
        #expect(seconds <= limit + 4, "returned \(seconds - limit) s past its limit")
        let plan = window.plan(from: try #require(r.values, "the start was lost"))
        #expect(try Simulator.replay(plan.schedule(graph: g), on: g, budget: budget).totalCost <= incumbent.cost)
    }

    @Test("search stages alone: starts fit, the LP bound is below the optimum, windows from the starts reach the enumerated optimum and prove it",
          arguments: [0, 1, 2, 3], mipSolvers)
    func stagesAlone(which: Int, solver: String) throws {
        let g = [Self.chain, Self.skip, Self.diamond, Self.lateRead][which]
        var options = RematOptions()
        options.timeLimit = 20
        options.windowStages = 2
        var proved = 0
        for budget in g.memoryLowerBound.bytes..<g.noRematPeak {
            guard let optimum = enumeratedOptimum(g, budget: budget) else { continue }
            var starts = startedSearch(g, budget: budget, options: options, solver: Solvers.named(solver)!)
            if let best = starts.best {
                #expect(best.cost >= optimum)
                #expect(try Simulator.replay(best.plan.schedule(graph: g), on: g, budget: budget).totalCost == best.cost)
            }
            try starts.boundByLP(limit: 10)
            #expect(try #require(starts.lowerBound) <= Double(optimum) + 1e-6, "budget \(budget)")

            // Windows from the starts' incumbent, widening until one covers every stage.
            var windows = starts
            guard windows.best != nil else { continue }
            try windows.improveByWindows(until: 20)
            #expect(windows.best?.cost == optimum, "budget \(budget)")
            #expect(windows.claim == .optimal && windows.lowerBound.map { abs($0 - Double(optimum)) < 1e-6 } == true,
                    "budget \(budget): bound \(String(describing: windows.lowerBound))")
            proved += 1
        }
        #expect(proved >= 1)
    }

    /// Seen on n100 at 0.9 before keep horizons: a window over every stage "solved to optimality"
    /// at 48,607 while a schedule the simulator admits costs 48,245 (the model kept no value past
    /// its last use, excluding late recomputations). A claimed bound above a replayed cost is dropped.
    @Test("a bound above a replayed schedule's cost is dropped with the optimal claim")
    func contradictedBound() throws {
        let g = Self.skip
        // A budget whose best start costs more than Σ C, which would make it optimal by itself.
        let budget = try #require((g.memoryLowerBound.bytes..<g.noRematPeak).last { startedSearch(g, budget: $0).best.map { $0.cost > g.forwardCost } ?? false })
        let rematerializer = try Rematerializer(graph: g, budget: budget, order: .given)
        var search = startedSearch(g, budget: budget)
        let cost = try #require(search.best?.cost)
        search.raiseLowerBound(to: Double(cost) + 10)
        search.claim = .optimal
        var result = RematResult(method: .milp, budget: budget)
        try rematerializer.conclude(search, into: &result)
        #expect(result.status == .feasible)
        #expect(result.lowerBound == Double(g.forwardCost))
        #expect(result.notes.contains { $0.contains("not a valid bound") })
    }

    @Test("overflow repair: from checkpoint-all over the budget to a plan that fits, wherever enumeration finds one",
          arguments: [0, 1, 2], mipSolvers)
    func overflowRepair(which: Int, solver: String) throws {
        let g = [Self.chain, Self.skip, Self.diamond][which]
        let checkpointAll = StagePlan.checkpointAll(graph: g)
        var repaired = 0
        for budget in g.memoryLowerBound.bytes..<g.noRematPeak {
            let overflow = checkpointAll.overflow(graph: g, budget: budget)
            #expect(overflow >= g.noRematPeak - budget, "checkpoint-all peaks at the no-remat peak")
            #expect(checkpointAll.stagePeaks(graph: g).max() == g.noRematPeak)
            // The soft model's start for the plan is feasible and its objective is the overflow.
            let soft = CheckmateModel(graph: g, budget: budget, minimizingOverflow: true)
            let start = soft.start(for: checkpointAll)
            #expect(soft.model.checkFeasibility(of: start).isFeasible)
            #expect(abs(soft.model.objectiveValue(of: start) * Double(soft.sizeUnit) - Double(overflow)) < 1e-6)
            let plan = try RematSearch(graph: g, budget: budget, options: RematOptions(), solver: Solvers.named(solver)!)
                .repairOverflow(from: checkpointAll, until: 10)
            if enumeratedOptimum(g, budget: budget) != nil {
                let fitting = try #require(plan, "budget \(budget): a plan fits, the repair found none")
                #expect(fitting.overflow(graph: g, budget: budget) == 0)
                #expect(throws: Never.self) { try Simulator.replay(fitting.schedule(graph: g), on: g, budget: budget) }
                repaired += 1
            } else {
                #expect(plan == nil, "budget \(budget): no plan fits")
            }
        }
        #expect(repaired >= 1)
    }

    @Test("a budget above every single node's need can still be infeasible: proven, exit status infeasible", arguments: mipSolvers)
    func provenInfeasible(solver: String) throws {
        // Computing the second of b, c needs a and the first resident: 6 + 3 + 3 = 12 > 11 ≥ the bound 9.
        let g = Self.diamond
        #expect(g.memoryLowerBound.bytes == 9)   // e: a, d, e
        #expect(enumeratedOptimum(g, budget: 11) == nil && eventOptimum(g, budget: 11) == nil)
        let r = try solve(g, 11, .milp, solver: solver)
        #expect(r.status == .infeasible && r.schedule == nil)
    }

    @Test("VGG16 at 0.9: the optimum 15805 (HiGHS in anchors.md), and the MIP start of a plan is feasible", arguments: mipSolvers)
    func vgg16(solver: String) throws {
        let g = try fixture("vgg16_train.json")
        let budget = Budget.fraction(0.9).bytes(for: g)
        let r = try solve(g, budget, .milp, timeLimit: 40, solver: solver)
        #expect(r.status == .optimal)
        #expect(r.replay?.totalCost == 15805)
        #expect(r.lowerBound.map { abs($0 - 15805) < 1 } == true)
        let model = CheckmateModel(graph: g, budget: budget)
        #expect(model.model.checkFeasibility(of: model.start(for: r.plan!)).isFeasible)
        // The same for a window of the plan.
        let window = CheckmateModel(graph: g, budget: budget, stages: 20...34, boundary: r.plan!)
        #expect(window.model.checkFeasibility(of: window.start(for: r.plan!)).isFeasible)
        #expect(window.plan(from: window.start(for: r.plan!)) == r.plan!)
    }

    @Test("LNS: a window over every stage solved to optimality proves the enumerated optimum", arguments: [0, 1, 2], mipSolvers)
    func windowProvesOptimum(which: Int, solver: String) throws {
        let g = [Self.chain, Self.skip, Self.diamond][which]
        var proven = 0
        for budget in g.memoryLowerBound.bytes..<g.noRematPeak {
            guard let expected = enumeratedOptimum(g, budget: budget), expected > g.forwardCost else { continue }
            let r = try solve(g, budget, .lns, timeLimit: 10, solver: solver)
            #expect(r.replay?.totalCost == expected, "budget \(budget)")
            #expect(r.status == .optimal && r.lowerBound.map { abs($0 - Double(expected)) < 1 } == true, "budget \(budget): \(r.notes)")
            proven += 1
        }
        #expect(proven >= 1)
    }

    @Test("LP rounding and LNS on VGG16 at 0.9: simulated schedules no cheaper than the optimum")
    func heuristics() throws {
        let g = try fixture("vgg16_train.json")
        let budget = Budget.fraction(0.9).bytes(for: g)
        for method in [RematMethod.lpRound, .lns] {
            let r = try solve(g, budget, method, timeLimit: 8)
            let replay = try Simulator.replay(r.schedule!, on: g, budget: budget)
            #expect(replay.totalCost >= 15805 && replay.totalCost <= 15805 * 101 / 100, "\(method)")
            #expect(replay.peakMemory <= budget)
        }
    }
}

}

@Suite("Baselines")
struct BaselineTests {
    @Test("checkpoint-all replays to Σ C at the no-remat peak", arguments: ["vgg16_train.json", "resnet50_train.json", "random_layered_n100.json"])
    func checkpointAll(file: String) throws {
        let g = try fixture(file)
        let r = try Simulator.replay(Baseline.checkpointAll.plan(for: g, budget: .max)!.schedule(graph: g), on: g, budget: .max)
        #expect(r.totalCost == g.forwardCost && r.peakMemory == g.noRematPeak && r.computations == g.count)
    }

    @Test("Chen √n and revolve on VGG16: less memory than the peak, each forward node recomputed at most once")
    func chenAndRevolve() throws {
        let g = try fixture("vgg16_train.json")
        #expect(Revolve.chainLength(g) == 22)
        #expect(Revolve.chainLength(try fixture("resnet50_train.json")) == nil)
        let chen = try Simulator.replay(Baseline.chenSqrtN.plan(for: g, budget: .max)!.schedule(graph: g), on: g, budget: .max)
        #expect(chen.peakMemory < g.noRematPeak && chen.computations <= g.count + 22)
        let budget = Budget.fraction(0.9).bytes(for: g)
        let revolve = try Simulator.replay(Baseline.revolve.plan(for: g, budget: budget)!.schedule(graph: g), on: g, budget: budget)
        #expect(revolve.totalCost > g.forwardCost && revolve.totalCost >= 15805)
    }

    @Test("revolve on a uniform chain: Griewank's step counts")
    func revolveSteps() {
        var splits = Revolve.Splits(layers: 10)
        // No slot: recompute from the start for every layer, 1 + 2 + … + l steps.
        #expect(splits.best(10, 0).cost == 55)
        // One slot, two layers: advance 1, store, reverse the last (1), then the first (1).
        #expect(splits.best(2, 1).cost == 3)
        // Slots enough for every layer: each layer advanced once plus its reversal, t(l) = 2l − 1.
        #expect(splits.best(10, 9).cost == 19)
    }
}

extension CBCTests {
@Suite("MLSys graphs")
struct MLSysTests {
    @Test("every MLSys graph's schedule at 0.9 passes the simulator", arguments: [
        "vgg16_train.json", "vgg19_train.json", "mobilenet_train.json", "resnet50_train.json",
        "vgg_unet_train.json", "fcn_8_vgg_train.json", "segnet_train.json",
    ])
    func scheduleAt09(file: String) throws {
        let g = try fixture(file)
        let budget = Budget.fraction(0.9).bytes(for: g)
        let r = try solve(g, budget, .lpRound, timeLimit: 1)
        let schedule = try #require(r.schedule)
        let replay = try Simulator.replay(schedule, on: g, budget: budget)
        #expect(replay.peakMemory <= budget && replay.totalCost >= g.forwardCost)
        #expect(replay == r.replay)
    }

    /// The whole search stays within its limit: the order, the starts (eviction), building the LP
    /// and MILP models of a 250-node graph count against it. Before, `--time-limit 1` on this
    /// graph took over 3 s (release build): eviction and the model builds ignored the clock. The
    /// margin allows for tests running side by side.
    @Test("a 1 s time limit on a 250-node graph: the search ends within it")
    func timeLimitHonoured() throws {
        let g = try fixture("random_layered_n250.json")
        let clock = ContinuousClock.now
        let r = try solve(g, Budget.fraction(0.85).bytes(for: g), .auto, order: .given, timeLimit: 1)
        let wall = (ContinuousClock.now - clock).seconds
        #expect(wall < 2.5 && r.seconds <= wall, "took \(wall) s (search \(r.seconds) s)")
        if let schedule = r.schedule { #expect(throws: Never.self) { try Simulator.replay(schedule, on: g, budget: r.budget) } }
    }
}
}

/// The least no-remat peak over every topological order (enumerated; small graphs only).
private func leastPeakOverOrders(_ g: RematGraph) -> Int64 {
    precondition(g.count <= 9)
    var best = Int64.max
    var order: [Int] = [], placed = Array(repeating: false, count: g.count)
    func extend() {
        if order.count == g.count { best = min(best, g.noRematPeak(order: order)); return }
        for v in 0..<g.count where !placed[v] && g.predecessors[v].allSatisfy({ placed[$0] }) {
            placed[v] = true; order.append(v)
            extend()
            placed[v] = false; order.removeLast()
        }
    }
    extend()
    return best
}

extension CBCTests {
@Suite("Execution order")
struct ExecutionOrderTests {
    /// Two branches s → a1 → a2 and s → b1 → b2 joined by j, given with both big values (a1,
    /// b1) computed before either is consumed: peak 1 + 10 + 10 = 21 in the input order, 12 when
    /// each branch runs to its end first.
    static let branches = try! graph(
        [("s", 1, 1), ("a1", 2, 10), ("b1", 2, 10), ("a2", 1, 1), ("b2", 1, 1), ("j", 1, 1)],
        [("s", "a1"), ("s", "b1"), ("a1", "a2"), ("b1", "b2"), ("a2", "j"), ("b2", "j")])

    @Test("the memory-aware order reaches the least peak over all topological orders", arguments: [0, 1, 2, 3])
    func leastPeak(which: Int) throws {
        let g = [Self.branches, OptimalityTests.chain, OptimalityTests.skip, OptimalityTests.diamond][which]
        let order = g.memoryAwareOrder()
        #expect(order.sorted() == Array(0..<g.count))
        #expect(throws: Never.self) { try g.reordered(order) }   // topological, else reordered throws
        #expect(g.noRematPeak(order: order) == leastPeakOverOrders(g))
        #expect(try g.reordered(order).noRematPeak == g.noRematPeak(order: order))
    }

    @Test("reordering keeps nodes and edges by label; orders that are not topological permutations are errors")
    func reordering() throws {
        let g = Self.branches
        #expect(g.noRematPeak == 21 && leastPeakOverOrders(g) == 12)
        let r = try g.reordered([0, 1, 3, 2, 4, 5])   // s a1 a2 b1 b2 j
        #expect(r.labels.map(\.description) == ["s", "a1", "a2", "b1", "b2", "j"])
        #expect(r.costs == [1, 2, 1, 2, 1, 1] && r.sizes == [1, 10, 1, 10, 1, 1])
        func edges(_ x: RematGraph) -> Set<[String]> {
            Set(x.predecessors.enumerated().flatMap { v, us in us.map { [x.labels[$0].description, x.labels[v].description] } })
        }
        #expect(edges(r) == edges(g) && r.noRematPeak == 12)
        #expect(throws: RematInputError.self) { try g.reordered([1, 0, 2, 3, 4, 5]) }   // a1 before s
        #expect(throws: RematInputError.self) { try g.reordered([0, 1, 2, 3, 4]) }
        #expect(throws: RematInputError.self) { try g.reordered([0, 1, 1, 3, 4, 5]) }
    }

    @Test("a budget the input order cannot meet without recomputing: the memory-aware order needs none")
    func budgetBetweenPeaks() throws {
        let g = Self.branches
        let sigma = g.forwardCost
        // The input order's staged optimum recomputes (enumerated); any event order can do without.
        let given = try solve(g, 12, .milp, order: .given)
        #expect(given.replay?.totalCost == enumeratedOptimum(g, budget: 12))
        #expect(given.replay.map { $0.totalCost > sigma } ?? true)
        #expect(eventOptimum(g, budget: 12) == sigma)
        for order in [ExecutionOrder.auto, .memory] {
            let r = try solve(g, 12, .milp, order: order)
            #expect(r.status == .optimal && r.executionOrder != nil, "\(order)")
            let replay = try Simulator.replay(try #require(r.schedule), on: g, budget: 12)   // input indices
            #expect(replay.totalCost == sigma && replay == r.replay && r.lowerBound == Double(sigma))
        }
    }

    @Test("in the memory-aware order every schedule replays on the input graph and costs at least the event-level optimum", arguments: [0, 1, 2, 3])
    func memoryOrderAgainstBruteForce(which: Int) throws {
        let g = [Self.branches, OptimalityTests.chain, OptimalityTests.skip, OptimalityTests.diamond][which]
        let low = try g.reordered(g.memoryAwareOrder()).memoryLowerBound.bytes   // below it the order is rejected
        for budget in stride(from: low, through: g.noRematPeak, by: max(1, Int(g.noRematPeak - low) / 4)) {
            let r = try solve(g, budget, .milp, order: .memory)
            let lower = eventOptimum(g, budget: budget)
            if let schedule = r.schedule {
                let replay = try Simulator.replay(schedule, on: g, budget: budget)
                #expect(lower != nil && replay.totalCost >= lower!, "budget \(budget)")
            }
            if lower == g.forwardCost, budget >= leastPeakOverOrders(g) {
                #expect(r.replay?.totalCost == g.forwardCost, "budget \(budget): no recomputation needed in the least-peak order")
            }
        }
    }

    @Test("random layered n250 at 0.8 (below the input order's no-remat peak): the memory-aware order fits without recomputing")
    func n250() throws {
        let g = try fixture("random_layered_n250.json")
        #expect(g.noRematPeak == 146_840 && g.forwardCost == 125_569)   // the data README's values
        let budget = Budget.fraction(0.8).bytes(for: g)
        #expect(budget == 117_472)
        let order = g.memoryAwareOrder()
        #expect(Double(g.noRematPeak(order: order)) <= 0.8 * Double(g.noRematPeak))
        let r = try solve(g, budget, .auto, order: .auto, timeLimit: 5)
        #expect(r.status == .optimal && r.executionOrder == order)
        let replay = try Simulator.replay(try #require(r.schedule), on: g, budget: budget)
        #expect(replay.totalCost == g.forwardCost && replay.computations == g.count && replay.peakMemory <= budget)
    }
}
}

/// Searches that call no solver, run beside the serialized suites.
@Suite("Swaps")
struct SwapTests {
    /// Moccasin on CP-SAT (one worker, two copies per node; Benchmarks/peers/moccasin_cpsat.py, 2026-12-05) proves
    /// 406,110 at 0.9 and finds 406,800 at 0.8 (bound 405,670; our LP bound 406,748).
    @Test("swaps on ResNet50 from the eviction start: at 0.9 Moccasin's proven optimum 406,110 (eviction: 406,215), at 0.8 Moccasin's best 406,800 (eviction: 407,405)",
          arguments: [(0.9, 406_215, 406_110), (0.8, 407_405, 406_800)])
    func swapsOnResNet50(fraction: Double, eviction: Int64, expected: Int64) throws {
        let g = try fixture("resnet50_train.json")
        let budget = Budget.fraction(fraction).bytes(for: g)
        var search = RematSearch(graph: g, budget: budget, options: RematOptions(), solver: Solvers.named("cbc")!)
        search.offer(try #require(Eviction.plan(graph: g, budget: budget)), from: "eviction")
        #expect(search.best?.cost == eviction)
        search.improveBySwaps(until: search.elapsed() + 600)
        let best = try #require(search.best)
        #expect(best.cost == expected)
        let replay = try Simulator.replay(best.plan.schedule(graph: g), on: g, budget: budget)
        #expect(replay.totalCost == expected && replay.peakMemory <= budget)
    }
}
