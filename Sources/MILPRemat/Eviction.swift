/// A repair heuristic that finds a first plan within the budget when no baseline fits (random
/// layered graphs): start from checkpoint-all and, while the replay overflows in stage t, stop
/// keeping one resident value until its next use (where it is then recomputed): a value kept into
/// t that t does not read, or one kept into t + 1 that the overflowing computation does not read
/// — the one whose eviction adds the least recompute cost per byte freed.
enum Eviction {
    /// A plan that fits `budget`, or nil when an overflow has nothing left to evict.
    static func plan(graph: RematGraph, budget: Int64, maxRepairs: Int = 20_000) -> StagePlan? {
        var plan = StagePlan(graph: graph) { _, _ in true }
        for _ in 0..<maxRepairs {
            guard let overflow = firstOverflow(plan.schedule(graph: graph), graph: graph, budget: budget) else { return plan }
            let t = overflow.stage
            let r = plan.recomputations(t, graph: graph)
            var read = Set<Int>()
            for j in 0...t where r[j] { read.formUnion(graph.predecessors[j]) }
            var best: (plan: StagePlan, score: Double)?
            func consider(_ i: Int, from start: Int) {
                let next = graph.successors[i].first { $0 > t } ?? t
                guard start <= next else { return }
                var candidate = plan
                candidate.setKeep(false, node: i, stages: start...next)
                let added = (t...next).reduce(Int64(0)) { $0 + stageCost(candidate, $1, graph) - stageCost(plan, $1, graph) }
                let score = Double(added) / Double(max(graph.sizes[i], 1))
                if score < best?.score ?? .infinity { best = (candidate, score) }
            }
            let reading = Set(graph.predecessors[overflow.node])
            for i in overflow.resident where !graph.successors[i].isEmpty {
                // Kept into t but not read in t: drop it until its next use.
                if plan.keeps(t, i) && !read.contains(i) { consider(i, from: t) }
                // Kept into t + 1 but done with in this stage: free it after its last use here.
                else if plan.keeps(t + 1, i) && !reading.contains(i) { consider(i, from: t + 1) }
            }
            guard let best else { return nil }
            plan = best.plan
        }
        return nil
    }

    private static func stageCost(_ plan: StagePlan, _ t: Int, _ graph: RematGraph) -> Int64 {
        guard t < plan.count else { return 0 }
        return zip(plan.recomputations(t, graph: graph), graph.costs).reduce(0) { $0 + ($1.0 ? $1.1 : 0) }
    }

    /// The stage, node being computed and resident values at the first compute that exceeds the budget.
    private static func firstOverflow(_ schedule: Schedule, graph: RematGraph, budget: Int64) -> (stage: Int, node: Int, resident: [Int])? {
        var overflow: (stage: Int, node: Int, resident: [Int])?
        schedule.replayStages(graph: graph) { stage, v, memory, resident in
            guard memory > budget else { return true }
            overflow = (stage, v, (0..<graph.count).filter { resident[$0] && $0 != v })
            return false
        }
        return overflow
    }
}

extension StagePlan {
    /// Sets whether `node` is kept into each of `stages` (sinks always stay; rows past the end are ignored).
    mutating func setKeep(_ keep: Bool, node: Int, stages: ClosedRange<Int>) {
        for t in stages where t < count && node < t { rows[t][node] = keep }
    }
}
