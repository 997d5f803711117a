import MILP

/// Moccasin's retention intervals (Bartan et al., ICML 2023) with two copies per node, as a
/// time-indexed MILP over the graph's node order.
///
/// The time axis has two slots per stage: slot 2k is stage k's free slot, where at most one node
/// is recomputed, and slot 2k + 1 computes node k for the first time (Moccasin's first
/// computations placed in the given order). Node v's first copy is resident from slot 2v + 1 for
/// as long as `keep0` says (never again once dropped); its second copy, when present, is computed
/// in one free slot (`recompute`) and resident from there for as long as `keep1` says. A node is
/// computed only while its inputs are resident; the values resident in a slot (the one being
/// computed included) fit the budget. Sinks stay resident and are never recomputed.
///
/// Every solution is a `StagePlan` (value i kept into stage k when resident in slot 2k and not
/// recomputed there) of at most the model's cost and memory: a restriction of Checkmate's model —
/// one recomputation per stage and per node — that is several times smaller (no FREE or U
/// columns) and whose optimum Moccasin reaches on the random layered graphs. Its bound bounds
/// nothing outside the restriction.
struct IntervalModel {
    private(set) var model: Model
    private let graph: RematGraph
    /// One objective unit in cost units of the graph.
    let costUnit: Int64
    private var keep0: [[Int32]] = []      // [v][t - (2v + 2)]: first copy resident in slot t
    private var keep1: [[Int32]] = []      // [v][t - (2v + 2)]: second copy resident in slot t
    private var recompute: [[Int32]] = []  // [v][k - (v + 1)]: second copy computed in slot 2k

    /// The last slot node v can be read in (its keep horizon's first computation); nil for a sink.
    private func lastSlot(_ v: Int) -> Int? { graph.keepHorizon[v].map { 2 * $0 + 1 } }

    /// The number of columns the model of `graph` has, without building it.
    static func columnCount(_ graph: RematGraph) -> Int {
        (0..<graph.count).reduce(0) { $0 + 5 * ((graph.keepHorizon[$1] ?? $1) - $1) }
    }

    /// The model, or nil when building it runs past `deadline`.
    static func building(graph: RematGraph, budget: Int64, deadline: ContinuousClock.Instant) -> IntervalModel? {
        var model = IntervalModel(graph: graph)
        return model.build(budget: budget, deadline: deadline) ? model : nil
    }

    private init(graph: RematGraph) {
        self.graph = graph
        costUnit = CheckmateModel.gcd(graph.costs)
        model = Model(name: "intervals_\(graph.name)")
    }

    /// Node v's residency in slot t as columns with coefficient 1 and a constant.
    private func resident(_ v: Int, _ t: Int) -> (columns: [Int32], constant: Double) {
        if t < 2 * v + 1 { return ([], 0) }
        guard let last = lastSlot(v) else { return ([], 1) }   // a sink, resident once computed
        if t == 2 * v + 1 { return ([], 1) }
        if t > last { return ([], 0) }
        return ([keep0[v][t - 2 * v - 2], keep1[v][t - 2 * v - 2]], 0)
    }

    private mutating func build(budget: Int64, deadline: ContinuousClock.Instant) -> Bool {
        let n = graph.count
        let sizeUnit = CheckmateModel.gcd(graph.sizes)
        let size = graph.sizes.map { Double($0 / sizeUnit) }
        func binary(_ objective: Double = 0) -> Int32 {
            Int32(model.addVariable(upperBound: 1, kind: .binary, objective: objective).index)
        }
        for v in 0..<n {
            if ContinuousClock.now >= deadline { return false }
            let slots = lastSlot(v).map { max(0, $0 - 2 * v - 1) } ?? 0
            keep0.append((0..<slots).map { _ in binary() })
            keep1.append((0..<slots).map { _ in binary() })
            let stages = graph.keepHorizon[v].map { max(0, $0 - v) } ?? 0
            recompute.append((0..<stages).map { _ in binary(Double(graph.costs[v] / costUnit)) })
        }
        model.objectiveConstant = Double(graph.forwardCost / costUnit)
        func recomputed(_ v: Int, inSlot t: Int) -> Int32? {
            guard t % 2 == 0, t / 2 > v, t / 2 - v - 1 < recompute[v].count else { return nil }
            return recompute[v][t / 2 - v - 1]
        }
        for v in 0..<n where !keep0[v].isEmpty {
            if ContinuousClock.now >= deadline { return false }
            // At most one second copy; each copy resident only if resident before (or computed in t).
            model.addRow(columns: recompute[v], coefficients: recompute[v].map { _ in 1 }, lowerBound: 0, upperBound: 1)
            for (j, t) in ((2 * v + 2)...lastSlot(v)!).enumerated() {
                if j > 0 { model.addRow(columns: [keep0[v][j], keep0[v][j - 1]], coefficients: [1, -1], lowerBound: -.infinity, upperBound: 0) }
                var columns = [keep1[v][j]], coefficients = [1.0]
                if j > 0 { columns.append(keep1[v][j - 1]); coefficients.append(-1) }
                if let z = recomputed(v, inSlot: t) {
                    columns.append(z); coefficients.append(-1)
                    model.addRow(columns: [keep1[v][j], z], coefficients: [1, -1], lowerBound: 0, upperBound: .infinity)
                }
                model.addRow(columns: columns, coefficients: coefficients, lowerBound: -.infinity, upperBound: 0)
            }
        }
        // One recomputation per free slot.
        for k in 1..<n {
            let zs = (0..<k).compactMap { recomputed($0, inSlot: 2 * k) }
            if zs.count > 1 { model.addRow(columns: zs, coefficients: zs.map { _ in 1 }, lowerBound: 0, upperBound: 1) }
        }
        // Inputs resident while a node is computed: Σ residency(u) ≥ 1 at v's first computation,
        // ≥ recompute(v) at its second.
        for v in 0..<n {
            if ContinuousClock.now >= deadline { return false }
            for u in graph.predecessors[v] {
                let first = resident(u, 2 * v + 1)
                if first.constant < 1 {
                    model.addRow(columns: first.columns, coefficients: first.columns.map { _ in 1 }, lowerBound: 1, upperBound: .infinity)
                }
                for (j, z) in recompute[v].enumerated() {
                    let r = resident(u, 2 * (v + 1 + j))
                    if r.constant >= 1 { continue }
                    model.addRow(columns: r.columns + [z], coefficients: r.columns.map { _ in 1 } + [-1], lowerBound: 0, upperBound: .infinity)
                }
            }
        }
        // Memory in every slot.
        let capacity = Double(budget / sizeUnit)
        for t in 1..<(2 * n) {
            if ContinuousClock.now >= deadline { return false }
            var columns: [Int32] = [], coefficients: [Double] = [], constant = 0.0
            for v in 0...min(n - 1, t / 2) {
                let r = resident(v, t)
                constant += r.constant * size[v]
                for c in r.columns { columns.append(c); coefficients.append(size[v]) }
            }
            model.addRow(columns: columns, coefficients: coefficients, lowerBound: -.infinity, upperBound: capacity - constant)
        }
        return true
    }

    /// The plan a solution describes: node i kept into stage k when resident in slot 2k and not
    /// recomputed there. Its least recomputations are at most the solution's.
    func plan(from values: [Double]) -> StagePlan {
        StagePlan(graph: graph) { k, i in
            let r = resident(i, 2 * k)
            let held = r.constant + r.columns.reduce(0.0) { $0 + values[Int($1)] } > 0.5
            let recomputedHere = k > i && k - i - 1 < recompute[i].count && values[Int(recompute[i][k - i - 1])] > 0.5
            return held && !recomputedHere
        }
    }

    /// Values of every column for `plan` (without useless keeps, as the search's incumbents are),
    /// or nil when it recomputes more than one node in a stage or a node more than once: a MIP
    /// start, feasible when the plan fits the budget. A value counts in slot 2k when kept into
    /// stage k or recomputed there, and in slot 2k + 1 when also read by node k or kept into k + 1.
    func start(for plan: StagePlan) -> [Double]? {
        let n = graph.count
        var values = Array(repeating: 0.0, count: model.variableCount)
        var recomputedIn = [Int?](repeating: nil, count: n)
        var recomputedAt = [Int?](repeating: nil, count: n)
        for k in 0..<n {
            let r = plan.recomputations(k, graph: graph)
            let extra = (0..<k).filter { r[$0] }
            guard extra.count <= 1 else { return nil }
            if let v = extra.first {
                guard recomputedIn[v] == nil, k - v - 1 < recompute[v].count else { return nil }
                recomputedIn[v] = k
                recomputedAt[k] = v
                values[Int(recompute[v][k - v - 1])] = 1
            }
        }
        for v in 0..<n where !keep0[v].isEmpty {
            for t in (2 * v + 2)...lastSlot(v)! {
                let k = t / 2
                var held = plan.keeps(k, v) || recomputedAt[k] == v
                if t % 2 == 1 { held = held && (graph.predecessors[k].contains(v) || plan.keeps(k + 1, v)) }
                guard held else { continue }
                let copy = recomputedIn[v].map { k >= $0 } == true ? keep1 : keep0
                values[Int(copy[v][t - 2 * v - 2])] = 1
            }
        }
        return values
    }

    /// The model's objective in cost units of the graph.
    func cost(objective: Double) -> Double { objective * Double(costUnit) }
}
