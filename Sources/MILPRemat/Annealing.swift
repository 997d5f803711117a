import Foundation
import MILP

// Simulated annealing over the keeps of a plan. A move changes keeps over a run of consecutive
// stages — node i's keep turned on or off, or i dropped while its inputs are kept instead (so its
// recomputation there costs only its own) — which changes only the recomputations and peaks of
// the stages from the one before the run to its last: a move costs time in proportion to the run,
// not the plan. The budget is soft during the walk (memory above it is penalised); only plans
// that fit and that the simulator admits become incumbents.
extension RematSearch {
    /// Anneals from the incumbent until `deadline` (seconds on the search's clock) or 200 n² moves,
    /// whichever comes first (small graphs need few), and offers the cheapest plan within
    /// the budget it visited.
    mutating func improveByAnnealing(until deadline: Double) {
        guard let start = best?.plan else { return }
        let n = graph.count
        let movable = (0..<n).filter { i in graph.keepHorizon[i].map { $0 > i } ?? false }
        guard !movable.isEmpty else { return }
        var plan = start
        var recomputed = (0..<n).map { plan.recomputations($0, graph: graph) }
        var stageCost = recomputed.map(graph.cost(of:))
        var stagePeak = (0..<n).map { plan.stagePeak($0, graph: graph, recomputations: recomputed[$0]) }
        // A byte over the budget starts at four bytes' worth of average compute and weighs more as
        // the walk cools, so that it ends within the budget. Constants from runs on n100 at 0.8
        // (temperature from 0.3 × the mean node cost down a thousandfold; docs/remat.md).
        let basePenalty = 4 * Double(max(1, graph.forwardCost)) / Double(max(1, graph.sizes.reduce(0, +)))
        func overflow(_ peak: Int64) -> Double { Double(max(0, peak - budget)) }
        var penalty = basePenalty
        var bestCost = best?.cost ?? .max, bestPlan: StagePlan?
        let startTemperature = 0.3 * Double(graph.forwardCost) / Double(n), endTemperature = startTemperature / 1000
        let began = elapsed(), span = max(0.01, deadline - began)
        log("annealing from cost \(best?.cost ?? 0) until \(String(format: "%.1f", deadline)) s")
        var random = SplitMix64(seed: options.seed &+ 3)
        var moves = 0, accepted = 0
        let maximumMoves = 200 * n * n
        while true {
            let progress = max((elapsed() - began) / span, Double(moves) / Double(maximumMoves))
            if progress >= 1 { break }
            let temperature = startTemperature * pow(endTemperature / startTemperature, progress)
            penalty = basePenalty * (1 + 20 * progress)
            for _ in 0..<256 {
                moves += 1
                let i = movable[Int(random.next() % UInt64(movable.count))]
                let horizon = graph.keepHorizon[i]!
                let first = i + 1 + Int(random.next() % UInt64(horizon - i))
                // Short runs mostly, and now and then one to the horizon (a keep dropped for good).
                let cap = [2, 8, 32, n][Int(random.next() % 4)]
                let length = 1 + Int(random.next() % UInt64(min(horizon - first + 1, cap)))
                let run = first...(first + length - 1)
                // Flip i's keep over the run; or drop it and keep its inputs instead, so that its
                // recomputation there costs only its own (a small, costly input for a large value).
                var changes = [(node: i, keep: !plan.keeps(first, i))]
                if random.next() % 2 == 0 {
                    changes = [(i, false)] + graph.predecessors[i].filter { !graph.successors[$0].isEmpty }.map { ($0, true) }
                }
                let before = changes.map { change in run.map { plan.keeps($0, change.node) } }
                for change in changes { plan.setKeep(change.keep, node: change.node, stages: run) }
                // A stage inside the run that held a changed value throughout (kept in and out) or
                // not at all, and did not read it, only gains or loses its size at every point:
                // same recomputations, peak shifted. Other stages are evaluated anew.
                func shift(_ t: Int) -> Int64? {
                    guard t >= run.lowerBound, t < run.upperBound else { return nil }
                    var bytes: Int64 = 0
                    for (change, kept) in zip(changes, before) {
                        let old = (kept[t - first], kept[t + 1 - first])
                        if old == (change.keep, change.keep) { continue }
                        guard old.0 == old.1, !recomputed[t][change.node],
                              !graph.successors[change.node].contains(where: { $0 <= t && recomputed[t][$0] }) else { return nil }
                        bytes += change.keep ? graph.sizes[change.node] : -graph.sizes[change.node]
                    }
                    return bytes
                }
                let affected = (first - 1)...run.upperBound
                var evaluated: [(stage: Int, r: [Bool]?, cost: Int64, peak: Int64)] = []
                var delta = 0.0
                for t in affected {
                    var next: (stage: Int, r: [Bool]?, cost: Int64, peak: Int64)
                    if let bytes = shift(t) {
                        next = (t, nil, stageCost[t], stagePeak[t] + bytes)
                    } else {
                        let r = plan.recomputations(t, graph: graph)
                        next = (t, r, graph.cost(of: r), plan.stagePeak(t, graph: graph, recomputations: r))
                    }
                    delta += Double(next.cost - stageCost[t]) + penalty * (overflow(next.peak) - overflow(stagePeak[t]))
                    evaluated.append(next)
                }
                if delta <= 0 || random.unit() < exp(-delta / temperature) {
                    accepted += 1
                    for e in evaluated {
                        stageCost[e.stage] = e.cost
                        stagePeak[e.stage] = e.peak
                        if let r = e.r { recomputed[e.stage] = r }
                    }
                    let cost = stageCost.reduce(0, +)
                    if cost < bestCost, stagePeak.allSatisfy({ $0 <= budget }) {
                        bestCost = cost
                        bestPlan = plan
                    }
                } else {
                    for (change, kept) in zip(changes, before) {
                        for (t, keep) in zip(run, kept) { plan.setKeep(keep, node: change.node, stages: t...t) }
                    }
                }
            }
        }
        assert(stageCost == (0..<n).map { plan.stageCost($0, graph: graph) } && stagePeak == plan.stagePeaks(graph: graph),
               "the stage costs and peaks tracked move by move differ from the plan's")
        log("annealing: \(moves) moves, \(accepted) accepted, ending at cost \(stageCost.reduce(0, +)), \(stagePeak.reduce(0.0) { $0 + overflow($1) }) bytes over")
        if let bestPlan { offer(bestPlan, from: "annealing") }
    }
}
