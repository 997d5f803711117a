import Foundation
import MILP

// Simulated annealing over the keeps of a plan. A move changes keeps over a run of consecutive
// stages — node i's keep turned on or off, i dropped while its inputs are kept instead (so its
// recomputation there costs only its own), or i dropped with its inputs (a recomputation moved
// with what it reads) — which changes only the recomputations and peaks of the stages from the
// one before the run to its last: a move costs time in proportion to the run, not the plan. One
// run in three is the whole gap between two stages that read i, so that a value is dropped (or
// kept) exactly until its next use. The budget is soft during the walk (memory above it is
// penalised); only plans that fit and that the simulator admits become incumbents.
extension RematSearch {
    /// Anneals in walks, each from the incumbent of its time with a seed of its own, until
    /// `deadline` (seconds on the search's clock), the incumbent costs Σ C, or three walks in a row
    /// find nothing cheaper (small graphs need few). Walks end in different plans (n100 at 0.8,
    /// 4 M moves: 48,870 to 49,682 by seed), so restarts are worth their time.
    mutating func improveByAnnealing(until deadline: Double) {
        var walk: UInt64 = 0, fruitless = 0
        while elapsed() < deadline - 0.01, fruitless < 3, !meetsLowerBound, let cost = best?.cost {
            anneal(until: deadline, seed: options.seed &+ 3 &+ walk)
            walk += 1
            fruitless = best!.cost < cost ? 0 : fruitless + 1
        }
    }

    /// One walk from the incumbent until `deadline` or 400 n² moves, whichever comes first; offers
    /// the cheapest plan within the budget it visited.
    private mutating func anneal(until deadline: Double, seed: UInt64) {
        guard let start = best?.plan else { return }
        let n = graph.count
        let movable = (0..<n).filter { i in graph.keepHorizon[i].map { $0 > i } ?? false }
        guard !movable.isEmpty else { return }
        var state = TrackedPlan(start, graph: graph, budget: budget)
        // A byte over the budget starts at a quarter byte's worth of average compute, so that the
        // walk crosses plans over the budget freely, and weighs 16,000 times more at the end (on
        // the random layered graphs, about the cost of the costliest node), so that it ends within
        // the budget. A ratio, not a cost per byte: on the MLSys graphs the costliest node is worth
        // 10¹⁰ bytes of average compute, and a walk spent most of its time with the budget hard.
        // Constants from runs on n100 at 0.8 (temperature from 0.3 × the mean node cost down a
        // thousandfold; docs/remat.md): starting at four bytes' worth and growing 21-fold, walks
        // ended at 49,682–50,795, with this schedule (ending at the costliest node) 48,870–49,682.
        let basePenalty = Double(max(1, graph.forwardCost)) / Double(max(1, graph.sizes.reduce(0, +))) / 4
        let endPenalty = 16_000 * basePenalty
        var penalty = basePenalty
        var bestCost = best?.cost ?? .max, bestPlan: StagePlan?
        let startTemperature = 0.3 * Double(graph.forwardCost) / Double(n), endTemperature = startTemperature / 1000
        let began = elapsed(), span = max(0.01, deadline - began)
        log("annealing from cost \(best?.cost ?? 0) until \(String(format: "%.1f", deadline)) s")
        var random = SplitMix64(seed: seed)
        var moves = 0, accepted = 0
        let maximumMoves = 400 * n * n
        while true {
            let progress = max((elapsed() - began) / span, Double(moves) / Double(maximumMoves))
            if progress >= 1 { break }
            let temperature = startTemperature * pow(endTemperature / startTemperature, progress)
            penalty = basePenalty * pow(endPenalty / basePenalty, progress)
            for _ in 0..<256 {
                moves += 1
                let i = movable[Int(random.next() % UInt64(movable.count))]
                let horizon = graph.keepHorizon[i]!
                let pick = i + 1 + Int(random.next() % UInt64(horizon - i))
                let run: ClosedRange<Int>
                if random.next() % 3 == 0 {
                    // The gap around `pick` between two stages that read i (its own stage first).
                    var last = pick - 1, next = pick
                    while last > i && !graph.reads(i, computing: state.recomputed[last]) { last -= 1 }
                    while next < horizon && !graph.reads(i, computing: state.recomputed[next]) { next += 1 }
                    run = (last + 1)...next
                } else {
                    // Short runs mostly, and now and then one to the horizon (a keep dropped for good).
                    let cap = [2, 8, 32, n][Int(random.next() % 4)]
                    run = pick...(pick + Int(random.next() % UInt64(min(horizon - pick + 1, cap))))
                }
                // Flip i's keep over the run (half the moves); or drop it and keep its inputs
                // instead, so that its recomputation there costs only its own (a small, costly
                // input for a large value); or drop it with its inputs, which frees them all.
                var changes = [TrackedPlan.Change(node: i, keep: !state.plan.keeps(run.lowerBound, i), stages: run)]
                let inputs = graph.predecessors[i].filter { !graph.successors[$0].isEmpty }
                switch random.next() % 4 {
                case 0: changes = [.init(node: i, keep: false, stages: run)] + inputs.map { .init(node: $0, keep: true, stages: run) }
                case 1: changes = [.init(node: i, keep: false, stages: run)] + inputs.map { .init(node: $0, keep: false, stages: run) }
                default: break
                }
                let (cost, overflow) = (state.cost, state.overflow)
                let undo = state.apply(changes)
                let delta = Double(state.cost - cost) + penalty * Double(state.overflow - overflow)
                if delta <= 0 || random.unit() < exp(-delta / temperature) {
                    accepted += 1
                    if state.cost < bestCost, state.overflow == 0 {
                        bestCost = state.cost
                        bestPlan = state.plan
                    }
                } else {
                    state.undo(undo)
                }
            }
        }
        assert(state.isCurrent, "the stage costs and peaks tracked move by move differ from the plan's")
        log("annealing: \(moves) moves, \(accepted) accepted, ending at cost \(state.cost), \(state.overflow) bytes over")
        if let bestPlan { offer(bestPlan, from: "annealing") }
    }
}
