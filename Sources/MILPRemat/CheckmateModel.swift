import MILP

/// Checkmate's MILP (Jain et al., MLSys 2020) for a window of stages, built with the DSL's bulk
/// row path.
///
/// Variables for stage t and node i: R[t,i] (recompute), S[t,i] (resident at the start of t),
/// FREE[t,(i,k)] (free i right after k in stage t, Checkmate's hazard linearization) and
/// U[t,k] ∈ [0, B] (memory after computing k). Stage t computes node t (R[t,t] = 1, R and S
/// lower-triangular). Reductions that keep the optimum: S[t,i] = 0 past i's keep horizon
/// (`RematGraph.keepHorizon`: nothing, not even a recomputation, reads i later); sinks stay
/// resident (S = 1) and are never recomputed; FREE is fixed when its hazards are constant (0 when
/// node t itself still reads i, 1 when nothing can keep i).
///
/// `Restrictions` give smaller models whose every plan is a plan of the full one at the same cost
/// and within the budget (so their solutions are starts, but their bounds bound nothing).
///
/// Costs and sizes are divided by their GCDs (`costUnit`, `sizeUnit`); the budget becomes
/// ⌊B / sizeUnit⌋, which admits exactly the same schedules.
///
/// A window `stages = a...b` of a larger plan models only those stages, with S[a] and S[b+1]
/// fixed to the plan's rows: stages outside are unaffected by the window's choice, so any
/// solution of the window model spliced into the plan is feasible (LNS). A window can also free
/// only some nodes (`nodes`): their S over the window's stages is decided, every other node keeps
/// the plan's S there, except that their inputs may also be kept past their last use (to feed a
/// late recomputation); R is free for the nodes and the plan's for every other node — so a
/// sub-MIP over a long span of stages changes *which* values are kept and recomputed at a
/// fraction of a stage window's size.
///
/// With `minimizingOverflow`, the budget is soft: O[t] ≥ 0 per stage with U[t,k] ≤ B + O[t], and
/// the objective is Σ O[t] (memory units) instead of the cost — for repairing a plan that does
/// not fit, window by window, when no plan that fits is known.
public struct CheckmateModel: Sendable {
    /// Restrictions of the model: fewer plans, each a valid one.
    public struct Restrictions: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// No value is kept past its last consumer's first computation (Checkmate's own reduction,
        /// which excludes late recomputations that read a kept input).
        public static let keepUntilLastUse = Restrictions(rawValue: 1)
        /// Nothing is freed inside a stage (FREE = 0): every value computed or kept in a stage
        /// counts until its end — an over-estimate of the memory, and no FREE variables or rows.
        public static let noFreeInsideStage = Restrictions(rawValue: 2)
        /// Both: the smallest model, whose LP rounds well (LP rounding's first relaxation).
        public static let all: Restrictions = [.keepUntilLastUse, .noFreeInsideStage]
    }

    /// The MILP: minimizes the compute cost of its stages in `costUnit`s (or the overflow, with `minimizingOverflow`).
    public private(set) var model: Model
    /// The stages the model covers: every stage of the graph, or the window asked for.
    public let stages: ClosedRange<Int>
    /// One objective unit in cost units of the graph; one memory unit in bytes.
    public let costUnit: Int64, sizeUnit: Int64
    /// The restrictions the model was built with.
    public let restrictions: Restrictions
    private let graph: RematGraph
    private let boundary: StagePlan?
    /// The nodes whose S the window decides; nil for every node.
    private let nodes: Set<Int>?
    private var rColumn: [[Int32]]   // [t - a][k], k < t; -1: fixed
    private var fixedRecomputations: [[Bool]] = []   // [t - a][k]: the boundary's R, for node windows
    private var sColumn: [[Int32]]   // [t - a][i], i < t; -1: fixed
    private var freeColumn: [[Int32]]   // [t - a][edge]; -1: fixed or absent
    private var uColumn: [[Int32]]   // [t - a][k], k ≤ t
    private var overflowColumn: [Int32] = []   // [t - a] with `minimizingOverflow`
    private let capacity: Double
    private let edges: [(from: Int, to: Int)]
    /// False when the build stopped at its deadline (`building`): the model is partial.
    private var complete = true

    /// The whole problem (`stages` nil) or a window of `boundary`'s stages. With `names`, columns
    /// are named R_t_i, S_t_i, FREE_t_i_k, U_t_k (for model files).
    public init(graph: RematGraph, budget: Int64, stages: ClosedRange<Int>? = nil, boundary: StagePlan? = nil,
                nodes: Set<Int>? = nil, minimizingOverflow: Bool = false, restrictions: Restrictions = [], names: Bool = false) {
        self.init(graph: graph, budget: budget, stages: stages, boundary: boundary, nodes: nodes, minimizingOverflow: minimizingOverflow,
                  restrictions: restrictions, names: names, deadline: nil)
    }

    /// The model as `init` builds it, or nil when building it runs past `deadline`: the models of
    /// large graphs take seconds to build, and a search must not overrun its time limit doing so.
    static func building(graph: RematGraph, budget: Int64, stages: ClosedRange<Int>? = nil, boundary: StagePlan? = nil,
                         nodes: Set<Int>? = nil, minimizingOverflow: Bool = false, restrictions: Restrictions = [],
                         deadline: ContinuousClock.Instant) -> CheckmateModel? {
        let model = CheckmateModel(graph: graph, budget: budget, stages: stages, boundary: boundary, nodes: nodes,
                                   minimizingOverflow: minimizingOverflow, restrictions: restrictions, names: false, deadline: deadline)
        return model.complete ? model : nil
    }

    private init(graph: RematGraph, budget: Int64, stages: ClosedRange<Int>?, boundary: StagePlan?, nodes: Set<Int>?,
                 minimizingOverflow: Bool, restrictions: Restrictions, names: Bool, deadline: ContinuousClock.Instant?) {
        let n = graph.count
        let window = stages ?? 0...(n - 1)
        precondition(window.lowerBound >= 0 && window.upperBound < n)
        precondition((stages == nil && nodes == nil) || boundary != nil, "a window needs the plan that surrounds it")
        self.graph = graph
        self.stages = window
        self.boundary = boundary
        self.nodes = nodes
        self.restrictions = restrictions
        costUnit = Self.gcd(graph.costs)
        sizeUnit = Self.gcd(graph.sizes)
        edges = (0..<n).flatMap { v in graph.predecessors[v].map { (from: $0, to: v) } }
        rColumn = []; sColumn = []; freeColumn = []; uColumn = []
        capacity = Double(budget / sizeUnit)
        model = Model(name: "checkmate_\(graph.name)")
        complete = build(minimizingOverflow: minimizingOverflow, restrictions: restrictions, names: names, deadline: deadline)
    }

    /// GCD of the positive values (1 when there are none).
    static func gcd(_ values: [Int64]) -> Int64 {
        var g: Int64 = 0
        for v in values where v > 0 {
            var (a, b) = (g, v)
            while b != 0 { (a, b) = (b, a % b) }
            g = a
        }
        return max(g, 1)
    }

    // MARK: Terms

    /// A model term: a column with a coefficient, or a constant.
    private enum Term { case column(Int32), constant(Double) }

    private func s(_ t: Int, _ i: Int) -> Term {
        let a = stages.lowerBound
        if t >= graph.count || i >= t { return .constant(0) }
        let inside = t > a && t <= stages.upperBound
        if inside, sColumn[t - a][i] >= 0 { return .column(sColumn[t - a][i]) }
        if graph.successors[i].isEmpty { return .constant(1) }
        if inside && nodes?.contains(i) != false { return .constant(0) }   // nothing reads i from t on
        return .constant(boundary?.keeps(t, i) == true ? 1 : 0)
    }

    private func r(_ t: Int, _ k: Int) -> Term {
        if k == t { return .constant(1) }
        let c = rColumn[t - stages.lowerBound][k]
        if c >= 0 { return .column(c) }
        return .constant(fixedRecomputations.isEmpty || !fixedRecomputations[t - stages.lowerBound][k] ? 0 : 1)
    }

    /// A row under construction: Σ coefficient · column + constant.
    private struct Row {
        var columns: [Int32] = [], coefficients: [Double] = [], constant = 0.0
        mutating func add(_ term: Term, _ coefficient: Double) {
            switch term {
            case .column(let c): columns.append(c); coefficients.append(coefficient)
            case .constant(let v): constant += coefficient * v
            }
        }
    }

    private mutating func add(_ row: Row, lower: Double, upper: Double) {
        if row.columns.isEmpty, row.constant >= lower - 1e-9, row.constant <= upper + 1e-9 { return }
        model.addRow(columns: row.columns, coefficients: row.coefficients, lowerBound: lower - row.constant, upperBound: upper - row.constant)
    }

    // MARK: Building

    /// Adds the columns and rows; returns false, leaving the model partial, when `deadline` passes.
    private mutating func build(minimizingOverflow: Bool, restrictions: Restrictions, names: Bool, deadline: ContinuousClock.Instant?) -> Bool {
        func late() -> Bool { deadline.map { ContinuousClock.now >= $0 } ?? false }
        let n = graph.count
        let a = stages.lowerBound
        let cost = graph.costs.map { minimizingOverflow ? 0 : Double($0 / costUnit) }
        let size = graph.sizes.map { Double($0 / sizeUnit) }
        let lastUse = graph.lastUse
        let horizon = restrictions.contains(.keepUntilLastUse) ? lastUse : graph.keepHorizon

        // Columns.
        var constantCost = 0.0
        // Node windows: the inputs of the nodes, whose keeps past last use are free too.
        var inputs = Set<Int>()
        if let nodes, let boundary {
            for v in nodes { inputs.formUnion(graph.predecessors[v]) }
            fixedRecomputations = stages.map { boundary.recomputations($0, graph: graph) }
        }
        for t in stages {
            if late() { return false }
            constantCost += cost[t]
            rColumn.append((0..<t).map { k in
                guard !graph.successors[k].isEmpty else { return -1 }
                if let nodes, !nodes.contains(k) {
                    if fixedRecomputations[t - a][k] { constantCost += cost[k] }
                    return -1
                }
                return Int32(model.addVariable(upperBound: 1, kind: .binary, objective: cost[k], name: names ? "R_\(t)_\(k)" : nil).index)
            })
            sColumn.append((0..<t).map { i in
                guard t > a, let h = horizon[i], h >= t else { return -1 }
                if let nodes, !nodes.contains(i), !(inputs.contains(i) && t > lastUse[i]!) { return -1 }
                return Int32(model.addVariable(upperBound: 1, kind: .binary, name: names ? "S_\(t)_\(i)" : nil).index)
            })
        }
        model.objectiveConstant = constantCost

        for t in stages {
            if late() { return false }
            // S[t+1,i] ≤ S[t,i] + R[t,i]
            for i in 0..<t {
                if case .constant(0) = s(t + 1, i) { continue }
                var row = Row()
                row.add(s(t + 1, i), 1)
                row.add(s(t, i), -1)
                row.add(r(t, i), -1)
                add(row, lower: -.infinity, upper: 0)
            }
            // R[t,v] ≤ R[t,u] + S[t,u] for u → v, v ≤ t
            for v in 0...t {
                for u in graph.predecessors[v] {
                    var row = Row()
                    row.add(r(t, v), 1)
                    row.add(r(t, u), -1)
                    row.add(s(t, u), -1)
                    add(row, lower: -.infinity, upper: 0)
                }
            }
        }

        // FREE[t,(i,k)] with hazards h = (1 − R[t,k]) + S[t+1,i] + Σ_{j ∈ succ(i), k < j ≤ t} R[t,j]:
        // 1 − FREE ≤ h and κ(1 − FREE) ≥ h, κ = number of non-constant hazards.
        var freeConstant = Array(repeating: [Bool](), count: stages.count)   // FREE fixed at 1
        for t in stages {
            if late() { return false }
            var columns = Array(repeating: Int32(-1), count: edges.count)
            var ones = Array(repeating: false, count: edges.count)
            for (e, edge) in edges.enumerated() where edge.to <= t && !restrictions.contains(.noFreeInsideStage) {
                let (i, k) = edge
                let later = graph.successors[i].filter { $0 > k && $0 <= t }
                if later.last == t { continue }   // node t reads i after k: never freed here
                if case .constant(0) = r(t, k) { continue }   // k is not computed in this stage
                let keep = s(t + 1, i)
                if case .constant(1) = keep { continue }
                var hazard = Row()
                hazard.constant = 1
                hazard.add(r(t, k), -1)
                hazard.add(keep, 1)
                for j in later { hazard.add(r(t, j), 1) }
                // A hazard that always holds (a later reader's recomputation fixed by a node window): never freed here.
                if hazard.constant - Double(hazard.coefficients.filter { $0 < 0 }.count) >= 1 { continue }
                let kappa = Double(hazard.columns.count)
                if kappa == 0 {
                    // every hazard is constant: h = 0 here, so FREE = 1
                    ones[e] = hazard.constant == 0
                    continue
                }
                let f = Int32(model.addVariable(upperBound: 1, kind: .binary, name: names ? "FREE_\(t)_\(i)_\(k)" : nil).index)
                columns[e] = f
                var lower = hazard
                lower.columns.append(f); lower.coefficients.append(1)
                add(lower, lower: 1, upper: .infinity)            // FREE + h ≥ 1
                var upper = hazard
                upper.columns.append(f); upper.coefficients.append(kappa)
                add(upper, lower: -.infinity, upper: kappa)       // κ·FREE + h ≤ κ
            }
            freeColumn.append(columns)
            freeConstant[t - a] = ones
        }

        // Memory: U[t,0] = R[t,0]·M_0 + Σ_i S[t,i]·M_i; U[t,k+1] = U[t,k] + R[t,k+1]·M_{k+1} − Σ_(i,k) M_i·FREE[t,(i,k)].
        var incoming = Array(repeating: [Int](), count: n)   // edges into k, by index
        for (e, edge) in edges.enumerated() { incoming[edge.to].append(e) }
        for t in stages {
            if late() { return false }
            let bound = minimizingOverflow ? Double.infinity : capacity
            let us = (0...t).map { k in Int32(model.addVariable(upperBound: bound, name: names ? "U_\(t)_\(k)" : nil).index) }
            uColumn.append(us)
            if minimizingOverflow {
                // U[t,k] − O[t] ≤ B
                let o = Int32(model.addVariable(upperBound: .infinity, objective: 1, name: names ? "O_\(t)" : nil).index)
                overflowColumn.append(o)
                for u in us { model.addRow(columns: [u, o], coefficients: [1, -1], lowerBound: -.infinity, upperBound: capacity) }
            }
            var first = Row()
            first.add(.column(us[0]), 1)
            first.add(r(t, 0), -size[0])
            for i in 0..<t { first.add(s(t, i), -size[i]) }
            add(first, lower: 0, upper: 0)
            for k in 0..<t {
                var row = Row()
                row.add(.column(us[k + 1]), 1)
                row.add(.column(us[k]), -1)
                row.add(r(t, k + 1), -size[k + 1])
                for e in incoming[k] {
                    let i = edges[e].from
                    if freeColumn[t - a][e] >= 0 { row.add(.column(freeColumn[t - a][e]), size[i]) } else if freeConstant[t - a][e] { row.constant += size[i] }
                }
                add(row, lower: 0, upper: 0)
            }
        }
        return true
    }

    // MARK: Solutions

    /// The plan a solution describes (S rounded; stages outside the window from the boundary).
    /// R is not read: the plan recomputes the least R from S.
    public func plan(from values: [Double]) -> StagePlan {
        let a = stages.lowerBound
        let solved = StagePlan(graph: graph) { t, i in
            guard self.stages.contains(t) else { return false }
            switch self.s(t, i) {
            case .column(let c): return values[Int(c)] > 0.5
            case .constant(let v): return t == a ? self.boundary?.keeps(t, i) ?? false : v > 0.5
            }
        }
        guard let boundary, stages.upperBound > a else { return boundary ?? solved }
        return boundary.replacing(stages: (a + 1)...stages.upperBound, from: solved)
    }

    /// Values of every column for `plan` (its least R, the FREE the hazards imply, U by the
    /// recurrence): a MIP start, feasible when the plan fits the budget in Checkmate's memory model.
    public func start(for plan: StagePlan) -> [Double] {
        var values = Array(repeating: 0.0, count: model.variableCount)
        let a = stages.lowerBound
        let size = graph.sizes.map { Double($0 / sizeUnit) }
        for t in stages {
            let r = plan.recomputations(t, graph: graph)
            for k in 0..<t where rColumn[t - a][k] >= 0 { values[Int(rColumn[t - a][k])] = r[k] ? 1 : 0 }
            for i in 0..<t where sColumn[t - a][i] >= 0 { values[Int(sColumn[t - a][i])] = plan.keeps(t, i) ? 1 : 0 }
            var freed = Array(repeating: 0.0, count: t + 1)   // memory freed right after k
            for (e, edge) in edges.enumerated() where edge.to <= t {
                let (i, k) = edge
                let free = r[k] && !plan.keeps(t + 1, i) && !graph.successors[i].isEmpty
                    && !graph.successors[i].contains { $0 > k && $0 <= t && r[$0] }
                if free && !restrictions.contains(.noFreeInsideStage) { freed[k] += size[i] }
                if freeColumn[t - a][e] >= 0 { values[Int(freeColumn[t - a][e])] = free ? 1 : 0 }
            }
            var u = (r[0] ? size[0] : 0) + (0..<t).reduce(0.0) { $0 + (plan.keeps(t, $1) ? size[$1] : 0) }
            values[Int(uColumn[t - a][0])] = u
            var peak = u
            for k in 0..<t {
                u += (r[k + 1] ? size[k + 1] : 0) - freed[k]
                values[Int(uColumn[t - a][k + 1])] = u
                peak = max(peak, u)
            }
            if !overflowColumn.isEmpty { values[Int(overflowColumn[t - a])] = max(0, peak - capacity) }
        }
        return values
    }

    /// The model's objective (scaled) in cost units of the graph.
    public func cost(objective: Double) -> Double { objective * Double(costUnit) }
}

extension CheckmateModel {
    /// S as fractions (an LP solution): rows[t][i] for i < t, constants included.
    public func fractional(_ values: [Double]) -> [[Double]] {
        (0..<graph.count).map { t in
            (0..<t).map { i in
                guard stages.contains(t) else { return 0 }
                switch s(t, i) {
                case .column(let c): return min(1, max(0, values[Int(c)]))
                case .constant(let v): return v
                }
            }
        }
    }
}
