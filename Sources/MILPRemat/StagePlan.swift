/// A checkpoint plan in Checkmate's staged form: stage t computes node t for the first time (and
/// recomputes what it needs), and `keeps(t, i)` says whether node i's output is resident at the
/// start of stage t (the S matrix, i < t).
///
/// Every plan is executable: the recomputations (R) are derived from S as the least set that
/// makes each stage's inputs and the next stage's checkpoints available, so only memory can make
/// a plan infeasible. Plans are normalized on creation: a value is not kept past its keep horizon
/// (`RematGraph.keepHorizon`: after it nothing, not even a recomputation, can read it), and sinks
/// stay resident once computed.
public struct StagePlan: Sendable, Equatable {
    /// The number of stages, one per node of the graph.
    public let count: Int
    /// rows[t][i] for i < t.
    public internal(set) var rows: [[Bool]]

    /// `keep(t, i)` is asked for every i < t.
    public init(graph: RematGraph, keep: (Int, Int) -> Bool) {
        count = graph.count
        rows = (0..<graph.count).map { t in
            (0..<t).map { i in
                guard let h = graph.keepHorizon[i] else { return true }   // a sink
                return h >= t && keep(t, i)
            }
        }
    }

    /// No recomputation: every value kept until its last consumer's first computation (the
    /// no-remat schedule, peak = the no-remat peak in this order).
    public static func checkpointAll(graph: RematGraph) -> StagePlan {
        let last = graph.lastUse
        return StagePlan(graph: graph) { t, i in last[i].map { $0 >= t } ?? true }
    }

    /// The plan without keeps nothing reads: a value kept into stage t that no recomputation of
    /// stage t reads and that is not kept into t + 1 only takes memory, and a recomputation made
    /// only to keep it costs. Scanned from the last stage down, so dropping a keep into t + 1 lets
    /// the keep into t (and the recomputation feeding it) go too.
    public func withoutUselessKeeps(graph: RematGraph) -> StagePlan {
        var plan = self
        for t in stride(from: count - 1, through: 1, by: -1) {
            let r = plan.recomputations(t, graph: graph)
            for i in 0..<t where plan.rows[t][i] && !graph.successors[i].isEmpty && !plan.keeps(t + 1, i)
                && !graph.reads(i, computing: r) {
                plan.rows[t][i] = false
            }
        }
        return plan
    }

    /// Whether node i's output is resident at the start of stage t (false for t ≥ count).
    public func keeps(_ t: Int, _ i: Int) -> Bool { t < count && i < t && rows[t][i] }

    /// The least recomputation set of stage t: R[t][k] for k ≤ t (R[t][t] is always true).
    public func recomputations(_ t: Int, graph: RematGraph) -> [Bool] {
        var r = Array(repeating: false, count: t + 1)
        r[t] = true
        for k in stride(from: t - 1, through: 0, by: -1) where !rows[t][k] {
            r[k] = keeps(t + 1, k) || graph.reads(k, computing: r)
        }
        return r
    }

    /// Σ C over every (re)computation.
    public func cost(graph: RematGraph) -> Int64 { (0..<count).reduce(0) { $0 + stageCost($1, graph: graph) } }

    /// The cost of stage t's computations (its least recomputation set and node t).
    func stageCost(_ t: Int, graph: RematGraph) -> Int64 { graph.cost(of: recomputations(t, graph: graph)) }

    /// The plan as explicit events: per stage, values not used in the stage and not kept are
    /// freed first; then each recomputation and its consumer-free right after the last use in
    /// the stage, unless the value is kept for the next stage or is a sink.
    public func schedule(graph: RematGraph) -> Schedule {
        Schedule(events: (0..<count).flatMap { events(ofStage: $0, graph: graph) })
    }

    /// Stage t's events in `schedule(graph:)`; before them exactly the values `keeps(t, ·)` are
    /// resident. `r`: the stage's recomputations, when already known.
    func events(ofStage t: Int, graph: RematGraph, recomputations r: [Bool]? = nil) -> [ScheduleEvent] {
        var events: [ScheduleEvent] = []
        forEachEvent(ofStage: t, graph: graph, recomputations: r ?? recomputations(t, graph: graph)) { events.append($0) }
        return events
    }

    /// Calls `body` with stage t's events in order, without collecting them (the annealing measures
    /// millions of stages): values not used in the stage and not kept are freed first; then each
    /// recomputation, and its inputs and itself freed right after their last use in the stage
    /// unless kept for the next stage or sinks.
    @inline(__always)
    func forEachEvent(ofStage t: Int, graph: RematGraph, recomputations r: [Bool], _ body: (ScheduleEvent) -> Void) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: t + 1) { lastUse in
            lastUse.initialize(repeating: -1)
            for j in 0...t where r[j] { for u in graph.predecessors[j] { lastUse[u] = j } }
            func keptAfter(_ u: Int) -> Bool { graph.successors[u].isEmpty || keeps(t + 1, u) }
            let row = rows[t]
            for u in 0..<t where row[u] && lastUse[u] < 0 && !keptAfter(u) { body(.free(u)) }
            for k in 0...t where r[k] {
                body(.compute(k))
                for u in graph.predecessors[k] where lastUse[u] == k && !keptAfter(u) { body(.free(u)) }
                if lastUse[k] < 0 && !keptAfter(k) { body(.free(k)) }
            }
        }
    }

    /// Replays `schedule(graph:)` from stage `first` through `last` (the last stage when nil;
    /// before `first`, exactly the values `keeps(first, ·)` are resident) and calls `visit` after
    /// each computation with its stage, the node, the memory in use and what is resident; stops
    /// when `visit` returns false. `r`: stage `first`'s recomputations, when already known.
    func replayStages(graph: RematGraph, from first: Int = 0, through last: Int? = nil, recomputations r: [Bool]? = nil,
                      _ visit: (_ stage: Int, _ node: Int, _ memory: Int64, _ resident: [Bool]) -> Bool) {
        var resident = (0..<graph.count).map { keeps(first, $0) }
        var memory = zip(resident, graph.sizes).reduce(Int64(0)) { $0 + ($1.0 ? $1.1 : 0) }
        for stage in first...(last ?? count - 1) {
            for event in events(ofStage: stage, graph: graph, recomputations: stage == first ? r : nil) {
                switch event {
                case .compute(let v):
                    if !resident[v] { resident[v] = true; memory += graph.sizes[v] }
                    if !visit(stage, v, memory, resident) { return }
                case .free(let v):
                    if resident[v] { resident[v] = false; memory -= graph.sizes[v] }
                }
            }
        }
    }

    /// The peak memory of each stage (bytes) when `schedule(graph:)` is replayed.
    public func stagePeaks(graph: RematGraph) -> [Int64] { (0..<count).map { stagePeak($0, graph: graph) } }

    /// The peak memory of stage t in `schedule(graph:)`: before it exactly `keeps(t, ·)` are
    /// resident. `r`: the stage's recomputations, when already known. Every free in a stage's
    /// events is of a resident value and every computation of one that is not (a stage recomputes
    /// only what it does not keep), so the memory is counted without tracking residency.
    func stagePeak(_ t: Int, graph: RematGraph, recomputations r: [Bool]? = nil) -> Int64 {
        var memory: Int64 = 0
        for u in 0..<t where rows[t][u] { memory += graph.sizes[u] }
        var peak: Int64 = 0   // after a computation, as the simulator measures it
        forEachEvent(ofStage: t, graph: graph, recomputations: r ?? recomputations(t, graph: graph)) { event in
            switch event {
            case .compute(let v):
                memory += graph.sizes[v]
                peak = max(peak, memory)
            case .free(let v):
                memory -= graph.sizes[v]
            }
        }
        return peak
    }

    /// Σ over stages of the memory above `budget` at the stage's peak (0: the plan fits).
    public func overflow(graph: RematGraph, budget: Int64) -> Int64 {
        stagePeaks(graph: graph).reduce(0) { $0 + max(0, $1 - budget) }
    }

    /// Builds a plan stage by stage: node i is kept into stage t + 1 when it is resident at the
    /// end of stage t (kept or recomputed there) and `policy(t + 1, i)` says so.
    public static func greedy(graph: RematGraph, policy: (Int, Int) -> Bool) -> StagePlan {
        var plan = StagePlan(graph: graph) { _, _ in false }
        for t in 0..<(graph.count - 1) {
            // Recomputations for node t alone: row t + 1 only keeps values resident after stage t.
            let r = plan.recomputations(t, graph: graph)
            for i in 0...t where (plan.keeps(t, i) || r[i]) && !plan.rows[t + 1][i] {
                plan.rows[t + 1][i] = graph.successors[i].last.map { $0 >= t + 1 && policy(t + 1, i) } ?? true
            }
        }
        return plan
    }

    /// A copy with stage rows `stages` taken from `other`.
    public func replacing(stages: ClosedRange<Int>, from other: StagePlan) -> StagePlan {
        var copy = self
        for t in stages { copy.rows[t] = other.rows[t] }
        return copy
    }
}
