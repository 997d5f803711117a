/// A plan with each stage's recomputations, cost and peak memory kept current as keeps change
/// over runs of stages. Changing node i's keeps over stages a…b changes only stages a − 1…b (a
/// stage's events depend on its own keeps and the next stage's), and a stage inside the run that
/// held i throughout (kept in and out) or not at all, and did not read it, only gains or loses i's
/// size at every point: same recomputations, peak shifted. So a move costs time in proportion to
/// its runs, not to the plan — the annealing makes millions, the swap search thousands.
struct TrackedPlan {
    let graph: RematGraph
    let budget: Int64
    private(set) var plan: StagePlan
    /// Each stage's least recomputation set (`StagePlan.recomputations`).
    private(set) var recomputed: [[Bool]]
    private(set) var stageCost: [Int64]
    private(set) var stagePeak: [Int64]
    /// Σ of `stageCost`: the plan's cost.
    private(set) var cost: Int64
    /// Σ over stages of the memory above the budget at the stage's peak (0: the plan fits).
    private(set) var overflow: Int64

    /// Node `node` kept (or not) into every stage of `stages`.
    struct Change {
        let node: Int
        let keep: Bool
        let stages: ClosedRange<Int>
    }

    /// What `apply` replaced, for `undo`.
    struct Undo {
        fileprivate let keeps: [(change: Change, kept: [Bool])]
        fileprivate let stages: [(stage: Int, recomputed: [Bool], cost: Int64, peak: Int64)]
        fileprivate let cost: Int64, overflow: Int64
    }

    init(_ plan: StagePlan, graph: RematGraph, budget: Int64) {
        self.graph = graph
        self.budget = budget
        self.plan = plan
        recomputed = (0..<plan.count).map { plan.recomputations($0, graph: graph) }
        stageCost = recomputed.map(graph.cost(of:))
        stagePeak = (0..<plan.count).map { [recomputed] in plan.stagePeak($0, graph: graph, recomputations: recomputed[$0]) }
        cost = stageCost.reduce(0, +)
        overflow = stagePeak.reduce(0) { $0 + max(0, $1 - budget) }
    }

    /// Makes `changes` (of distinct nodes) and brings the affected stages up to date.
    mutating func apply(_ changes: [Change]) -> Undo {
        let keeps = changes.map { change in (change, change.stages.map { plan.keeps($0, change.node) }) }
        for change in changes { plan.setKeep(change.keep, node: change.node, stages: change.stages) }
        // Stage t's memory moves by the changed values' sizes alone, or nil when t must be evaluated anew.
        func shift(_ t: Int) -> Int64? {
            var bytes: Int64 = 0
            for (change, kept) in keeps where change.stages.lowerBound - 1...change.stages.upperBound ~= t {
                let first = change.stages.lowerBound
                guard t >= first, t < change.stages.upperBound else { return nil }
                let old = (kept[t - first], kept[t + 1 - first])
                if old == (change.keep, change.keep) { continue }
                guard old.0 == old.1, !recomputed[t][change.node], !graph.reads(change.node, computing: recomputed[t]) else { return nil }
                bytes += change.keep ? graph.sizes[change.node] : -graph.sizes[change.node]
            }
            return bytes
        }
        // The stages the changes reach (none when they lie past the plan's end).
        let affected = stride(from: changes.map { max(0, $0.stages.lowerBound - 1) }.min() ?? 0,
                              through: min(plan.count - 1, changes.map(\.stages.upperBound).max() ?? -1), by: 1)
        let undo = Undo(keeps: keeps, stages: affected.map { ($0, recomputed[$0], stageCost[$0], stagePeak[$0]) },
                        cost: cost, overflow: overflow)
        for t in affected where changes.contains(where: { $0.stages.lowerBound - 1...$0.stages.upperBound ~= t }) {
            let peak: Int64
            if let bytes = shift(t) {
                peak = stagePeak[t] + bytes
            } else {
                recomputed[t] = plan.recomputations(t, graph: graph)
                let stage = graph.cost(of: recomputed[t])
                cost += stage - stageCost[t]
                stageCost[t] = stage
                peak = plan.stagePeak(t, graph: graph, recomputations: recomputed[t])
            }
            overflow += max(0, peak - budget) - max(0, stagePeak[t] - budget)
            stagePeak[t] = peak
        }
        return undo
    }

    /// Takes back the changes `undo` came from (the last ones applied first).
    mutating func undo(_ undo: Undo) {
        for (change, kept) in undo.keeps {
            for (t, keep) in zip(change.stages, kept) { plan.setKeep(keep, node: change.node, stages: t...t) }
        }
        for old in undo.stages {
            recomputed[old.stage] = old.recomputed
            stageCost[old.stage] = old.cost
            stagePeak[old.stage] = old.peak
        }
        cost = undo.cost
        overflow = undo.overflow
    }

    /// False when keeping `change.node` over `change.stages` certainly overflows: a stage inside
    /// the run that neither holds nor reads the value would hold it throughout, its peak raised by
    /// the value's size above the budget. (True does not promise a fit.)
    func mayFit(keeping change: Change) -> Bool {
        let i = change.node, size = graph.sizes[i]
        for t in change.stages.lowerBound..<change.stages.upperBound
        where stagePeak[t] + size > budget && !plan.keeps(t, i) && !plan.keeps(t + 1, i) && !recomputed[t][i]
            && !graph.reads(i, computing: recomputed[t]) {
            return false
        }
        return true
    }

    /// The nodes recomputed in other stages than before the changes `undo` came from (the last
    /// ones applied): a drop's recomputation and what it reads.
    func recomputationsChanged(by undo: Undo) -> Set<Int> {
        var nodes = Set<Int>()
        for old in undo.stages where old.recomputed != recomputed[old.stage] {
            for (j, (was, now)) in zip(old.recomputed, recomputed[old.stage]).enumerated() where was != now { nodes.insert(j) }
        }
        return nodes
    }

    /// Whether the tracked recomputations, costs and peaks are the plan's (a debug check).
    var isCurrent: Bool {
        recomputed == (0..<plan.count).map { plan.recomputations($0, graph: graph) }
            && stageCost == (0..<plan.count).map { plan.stageCost($0, graph: graph) } && stagePeak == plan.stagePeaks(graph: graph)
            && cost == stageCost.reduce(0, +) && overflow == stagePeak.reduce(0) { $0 + max(0, $1 - budget) }
    }
}
