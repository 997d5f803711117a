/// A repair heuristic that finds a first plan within the budget when no baseline fits (random
/// layered graphs): start from checkpoint-all and, while the replay overflows in stage t, stop
/// keeping one resident value until its next use (where it is then recomputed): a value kept into
/// t that t does not read, or one kept into t + 1 that the overflowing computation does not read
/// — the one whose eviction adds the least recompute cost per byte freed.
enum Eviction {
    /// A plan that fits `budget`, or nil when an overflow has nothing left to evict or `deadline`
    /// comes first.
    static func plan(graph: RematGraph, budget: Int64, deadline: ContinuousClock.Instant? = nil, maxRepairs: Int = 20_000) -> StagePlan? {
        var plan = StagePlan.checkpointAll(graph: graph)
        // No stage before this one overflows: an eviction from stage t on changes rows t… only,
        // which can only lower stage t − 1's memory, so each search resumes at the last overflow.
        var first = 0
        for _ in 0..<maxRepairs {
            if let deadline, ContinuousClock.now >= deadline { return nil }
            guard let overflow = firstOverflow(plan, from: first, graph: graph, budget: budget) else { return plan }
            let t = overflow.stage
            first = t
            let r = plan.recomputations(t, graph: graph)
            var read = Set<Int>()
            for j in 0...t where r[j] { read.formUnion(graph.predecessors[j]) }
            // The current plan's recomputations per stage, as needed. Dropping i's keep changes
            // only the stages that read i (a recomputed node has it as input): elsewhere the same
            // nodes are recomputed, so only those stages' costs are compared.
            var recomputed: [Int: [Bool]] = [:]
            func recomputations(_ s: Int) -> [Bool] {
                if let r = recomputed[s] { return r }
                let r = plan.recomputations(s, graph: graph)
                recomputed[s] = r
                return r
            }
            var best: (node: Int, stages: ClosedRange<Int>, score: Double)?
            func consider(_ i: Int, from start: Int) {
                let next = graph.successors[i].first { $0 > t } ?? t
                guard start <= next else { return }
                let reading = (t...next).filter { s in s < plan.count && graph.successors[i].contains { $0 <= s && recomputations(s)[$0] } }
                let before = reading.reduce(Int64(0)) { $0 + graph.cost(of: recomputations($1)) }
                // Evaluated in place and undone: a copy of the plan per candidate is O(n²).
                let kept = (start...next).map { plan.keeps($0, i) }
                plan.setKeep(false, node: i, stages: start...next)
                let after = reading.reduce(Int64(0)) { $0 + graph.cost(of: plan.recomputations($1, graph: graph)) }
                for (s, keep) in zip(start...next, kept) where keep { plan.setKeep(true, node: i, stages: s...s) }
                let score = Double(after - before) / Double(max(graph.sizes[i], 1))
                if score < best?.score ?? .infinity { best = (i, start...next, score) }
            }
            let reading = Set(graph.predecessors[overflow.node])
            for i in overflow.resident where !graph.successors[i].isEmpty {
                // Kept into t but not read in t: drop it until its next use.
                if plan.keeps(t, i) && !read.contains(i) { consider(i, from: t) }
                // Kept into t + 1 but done with in this stage: free it after its last use here.
                else if plan.keeps(t + 1, i) && !reading.contains(i) { consider(i, from: t + 1) }
            }
            guard let best else { return nil }
            plan.setKeep(false, node: best.node, stages: best.stages)
        }
        return nil
    }

    /// The stage, node being computed and resident values at the first compute that exceeds the
    /// budget, replaying the plan's stages from `first` (before it, the values `keeps(first, ·)`).
    private static func firstOverflow(_ plan: StagePlan, from first: Int, graph: RematGraph, budget: Int64) -> (stage: Int, node: Int, resident: [Int])? {
        var overflow: (stage: Int, node: Int, resident: [Int])?
        plan.replayStages(graph: graph, from: first) { stage, v, memory, resident in
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
