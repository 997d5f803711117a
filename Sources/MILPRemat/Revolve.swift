/// Griewank's binomial checkpointing (revolve) for linear training chains: forward nodes
/// 0..<k form a path, node k is the loss, and nodes k+1...2k are the backward nodes in reverse
/// layer order (the layout of Checkmate's VGG and MobileNet graphs).
///
/// Reversal of steps [lo, hi) with s free slots: advance to a split m, store a checkpoint there,
/// reverse [m, hi) with s − 1 slots, then [lo, m) with s. The splits minimize the number of
/// forward steps (uniform step costs, as in revolve). The checkpoints live while their range is
/// being reversed; everything else is recomputed from the nearest checkpoint.
enum Revolve {
    /// The cheapest revolve plan over all slot counts whose replay fits `budget`, or nil.
    static func plan(for graph: RematGraph, budget: Int64) -> StagePlan? {
        guard let k = chainLength(graph) else { return nil }
        var splits = Splits(layers: k)
        var best: (plan: StagePlan, cost: Int64)?
        for slots in 0..<k {
            let plan = plan(graph: graph, layers: k, slots: slots, splits: &splits)
            guard let replay = try? Simulator.replay(plan.schedule(graph: graph), on: graph, budget: budget) else { continue }
            if replay.totalCost < best?.cost ?? .max { best = (plan, replay.totalCost) }
        }
        return best?.plan
    }

    /// k when `graph` is a linear training chain with k forward layers, else nil.
    static func chainLength(_ graph: RematGraph) -> Int? {
        let n = graph.count
        guard n >= 3, n % 2 == 1 else { return nil }
        let k = (n - 1) / 2
        for v in 0..<n where graph.isBackward[v] != (v >= k) { return nil }
        for v in 0..<k where graph.predecessors[v] != (v == 0 ? [] : [v - 1]) { return nil }
        return k
    }

    /// Optimal splits of revolve's recursion: forward steps to reverse l layers with s slots.
    struct Splits {
        private var memo: [[(cost: Int, split: Int)?]]
        init(layers: Int) { memo = Array(repeating: Array(repeating: nil, count: layers + 1), count: layers + 1) }

        /// The least step count and the split taking it (0: no checkpoint, recompute from the start).
        mutating func best(_ l: Int, _ s: Int) -> (cost: Int, split: Int) {
            if l <= 1 || s == 0 { return (l * (l + 1) / 2, 0) }
            if let known = memo[l][s] { return known }
            var b = (cost: l * (l + 1) / 2, split: 0)
            for m in 1..<l {
                let c = m + best(l - m, s - 1).cost + best(m, s).cost
                if c < b.cost { b = (c, m) }
            }
            memo[l][s] = b
            return b
        }
    }

    /// The plan with `slots` checkpoint slots: node i is kept into stage t when it is read by
    /// node t, is a checkpoint of the reversal running at t, or is not a forward value.
    static func plan(graph: RematGraph, layers k: Int, slots: Int, splits: inout Splits) -> StagePlan {
        var active = Array(repeating: Set<Int>(), count: k)   // layer j -> checkpoints while reversing j
        func reverse(_ lo: Int, _ hi: Int, _ s: Int, _ path: Set<Int>) {
            let m = splits.best(hi - lo, s).split
            guard m > 0 else {
                for j in lo..<hi { active[j] = path }
                return
            }
            reverse(lo + m, hi, s - 1, path.union([lo + m - 1]))
            reverse(lo, lo + m, s, path)
        }
        reverse(0, k, slots, [])
        return StagePlan.greedy(graph: graph) { t, i in
            guard i < k else { return true }
            let layer = t < k + 1 ? k - 1 : 2 * k - t
            return active[layer].contains(i) || graph.predecessors[t].contains(i)
        }
    }
}
