import Foundation
import MILP

// Large neighborhood search over windows of consecutive stages: the S decisions of the window are
// re-solved as a sub-MIP (CheckmateModel with `stages:` and `boundary:`), the rest of the plan fixed.
extension RematSearch {
    /// How a window's sub-MIP is solved: one thread, to optimality (costs are integers), and
    /// without CBC's MIP preprocessing, which on the large windows of n250 took the whole limit
    /// and returned nothing, not even the start (GLPK ignores both settings).
    func windowSolve(limit: Double) -> SolveOptions {
        var solve = SolveOptions(timeLimit: limit, relativeGap: 0, absoluteGap: 0.5, threads: 1)
        solve.preprocessing = false
        return solve
    }

    /// Improves the incumbent window by window until `deadline` (seconds on the search's clock),
    /// taking its neighbourhoods in turn, and offers every spliced plan:
    /// - a **stage window**: every decision of a random run of consecutive stages is re-solved;
    /// - a **node window**: over a run of stages as long, only the keeps and recomputations of a
    ///   few nodes are re-solved (`nodeWindow`) — this swaps which value is recomputed or moves a
    ///   recomputation within the run at a fraction of the stage window's size. (Longer runs took
    ///   CBC 60 s past a 20 s limit on n500: its memory rows grow with stages × nodes.)
    /// - on graphs of at most `wholeSpanNodeWindowStages` stages, a node window over **every
    ///   stage**, with a few of the recomputed nodes drawn (all of them made ResNet50's windows at
    ///   0.8 time out) and as many others: a value kept from the forward pass to the backward one
    ///   can be swapped for a recomputation hundreds of stages away (ResNet50 at 0.9: keeping node
    ///   27 from stage 28 to 325 instead of recomputing it, and recomputing node 4 at stage 348, is
    ///   406,150 → 406,110).
    /// Each neighbourhood's size grows by a quarter when its sub-MIP is solved to optimality and
    /// shrinks when one times out. A stage window covering every stage solved to optimality is the
    /// whole MILP, which proves the incumbent optimal and ends the stage.
    mutating func improveByWindows(until deadline: Double) throws {
        let n = graph.count
        var width = min(n, max(2, options.windowStages))
        var nodeCount = min(n, 10)
        var wholeSpanNodeCount = min(n, 3)
        let kinds: [Neighbourhood] = n <= Self.wholeSpanNodeWindowStages ? [.stages, .nodes, .nodesOverEveryStage] : [.stages, .nodes]
        var random = SplitMix64(seed: options.seed &+ 1)
        var round = 0
        var overrun = 0.0
        while elapsed() + overrun < deadline, !meetsLowerBound, let incumbent = best?.plan {
            round += 1
            let kind = width < n ? kinds[round % kinds.count] : .stages
            let byNodes = kind != .stages
            let stages: ClosedRange<Int>, nodes: Set<Int>?
            switch kind {
            case .stages, .nodes:
                let a = Int(random.next() % UInt64(n - width + 1))
                stages = a...(a + width - 1)
                nodes = byNodes ? nodeWindow(of: incumbent, stages: stages, count: nodeCount, random: &random) : nil
            case .nodesOverEveryStage:
                stages = 0...(n - 1)
                nodes = nodeWindow(of: incumbent, stages: stages, count: wholeSpanNodeCount, drawingRecomputed: true, random: &random)
            }
            guard let window = CheckmateModel.building(graph: graph, budget: budget, stages: stages, boundary: incumbent, nodes: nodes,
                                                       deadline: instant(deadline)) else { return }
            var m = window.model
            m.setStart(values: window.start(for: incumbent))
            let (r, limit, seconds) = try solveWindow(m, until: deadline, overrun: &overrun)
            log("\(byNodes ? "\(nodes!.count) nodes over stages" : "stages") \(stages.lowerBound)–\(stages.upperBound): \(r.termination.rawValue) in "
                + String(format: "%.2f s (limit %.2f s)", seconds, limit))
            if let values = r.values {
                let before = best?.cost
                offer(window.plan(from: values), from: byNodes ? "lns (node window)" : "lns")
                // A new incumbent can open swaps the windows would need luck to find (n1000 at 0.8,
                // 120 s: 516,442 → 510,767), for at most a window's limit.
                if best?.cost != before { improveBySwaps(until: min(deadline - overrun, elapsed() + options.subSolveLimit)) }
            }
            let solved = r.termination == .optimal
            func resized(_ count: Int) -> Int { solved ? min(n, count + max(1, count / 4)) : max(2, count * 3 / 4) }
            if kind == .nodes {
                nodeCount = resized(nodeCount)
            } else if kind == .nodesOverEveryStage {
                wholeSpanNodeCount = resized(wholeSpanNodeCount)
            } else if solved {
                if width == n {
                    if let objective = r.objective { windowProvedOptimal(window.cost(objective: objective)) }
                    return
                }
                width = min(n, width + max(1, width / 4))
            } else {
                width = max(2, width * 3 / 4)
            }
        }
    }

    private enum Neighbourhood { case stages, nodes, nodesOverEveryStage }

    /// Solves a window's sub-MIP (`windowSolve`) with at most `options.subSolveLimit` seconds,
    /// ending by `deadline` (seconds on the search's clock) less `overrun`, the longest overrun
    /// seen so far, which this solve's raises: CBC runs past a limit by its set-up and tear-down,
    /// which poll no stop (copies of the model, the start's LP: up to 3 s on n1000's windows). A
    /// loop of windows starts none when that room is all that is left. Returns the limit given and
    /// the seconds taken too.
    func solveWindow(_ model: Model, until deadline: Double, overrun: inout Double) throws -> (result: SolveResult, limit: Double, seconds: Double) {
        let limit = min(options.subSolveLimit, max(0.01, deadline - overrun - elapsed())), began = elapsed()
        let r = try solver.solve(model, options: windowSolve(limit: limit))
        let seconds = elapsed() - began
        overrun = max(overrun, seconds - limit)
        return (r, limit, seconds)
    }

    /// The most stages a node window over every stage is tried on: its model keeps Checkmate's
    /// memory columns for every stage (≈ n²/2; ResNet50's 353 stages: ≈ 70,000 columns, solved to
    /// optimality in 2–18 s with 3–6 of the recomputed nodes and as many others).
    static let wholeSpanNodeWindowStages = 400

    /// The nodes whose keeps and recomputations a node window over `stages` re-decides: every node
    /// `plan` recomputes in these stages (a recomputation to move, drop or replace), or `count` of
    /// them drawn uniformly when `drawingRecomputed`, and `count` others, drawn with probability in
    /// proportion to size × stages of the span the value can be kept in ÷ cost (the memory a
    /// recomputation can free, per unit of its cost).
    func nodeWindow(of plan: StagePlan, stages: ClosedRange<Int>, count: Int, drawingRecomputed: Bool = false,
                    random: inout SplitMix64) -> Set<Int> {
        var recomputed: [Int] = []
        for t in stages {
            let r = plan.recomputations(t, graph: graph)
            for k in 0..<t where r[k] && !recomputed.contains(k) { recomputed.append(k) }
        }
        let everyRecomputed = Set(recomputed)
        if drawingRecomputed {
            for i in 0..<min(count, recomputed.count) { recomputed.swapAt(i, i + Int(random.next() % UInt64(recomputed.count - i))) }
            recomputed = Array(recomputed.prefix(count))
        }
        var chosen = Set(recomputed)
        let target = chosen.count + count
        let unit = Double(max(1, graph.forwardCost / Int64(graph.count)))
        var weights = (0..<graph.count).map { i -> Double in
            guard i < stages.upperBound, !everyRecomputed.contains(i), let h = graph.keepHorizon[i] else { return 0 }
            let live = min(h, stages.upperBound) - max(i + 1, stages.lowerBound + 1) + 1
            return live > 0 ? Double(max(graph.sizes[i], 1)) * Double(live) / (Double(graph.costs[i]) + unit / 10) : 0
        }
        while chosen.count < target {
            let total = weights.reduce(0, +)
            guard total > 0 else { break }
            var draw = random.unit() * total
            let i = weights.firstIndex { draw -= $0; return draw < 0 } ?? weights.lastIndex { $0 > 0 }!
            chosen.insert(i)
            weights[i] = 0
        }
        return chosen
    }

    /// Repairs a plan that does not fit, until `deadline` (seconds on the search's clock): windows
    /// of stages around stages whose peak exceeds the budget are re-solved with a soft budget,
    /// minimizing the memory above it (the rest of the plan fixed), and a spliced plan is kept when
    /// its total overflow is lower (or equal at a lower cost). Returns the first plan that fits, or
    /// nil when the deadline comes first or a window over all stages proves that every plan overflows.
    func repairOverflow(from start: StagePlan, until deadline: Double) throws -> StagePlan? {
        let n = graph.count
        var plan = start
        var overflow = start.overflow(graph: graph, budget: budget)
        // Narrower windows than the cost search's: the overflow sits in the widest stages, where
        // a window's sub-MIP is largest.
        var width = min(n, max(2, options.windowStages / 4))
        var random = SplitMix64(seed: options.seed &+ 2)
        var overrun = 0.0
        while elapsed() + overrun < deadline {
            let peaks = plan.stagePeaks(graph: graph)
            let over = (0..<n).filter { peaks[$0] > budget }
            if over.isEmpty { return plan }
            let centre = over[Int(random.next() % UInt64(over.count))]
            let a = max(0, min(centre - width / 2, n - width))
            guard let window = CheckmateModel.building(graph: graph, budget: budget, stages: a...(a + width - 1), boundary: plan,
                                                       minimizingOverflow: true, deadline: instant(deadline)) else { break }
            var m = window.model
            m.setStart(values: window.start(for: plan))
            let r = try solveWindow(m, until: deadline, overrun: &overrun).result
            log("overflow repair: stages \(a)–\(a + width - 1), \(r.termination.rawValue), objective "
                + (r.objective.map { String(format: "%.0f", $0 * Double(window.sizeUnit)) } ?? "none"))
            if let values = r.values {
                let candidate = window.plan(from: values)
                let candidateOverflow = candidate.overflow(graph: graph, budget: budget)
                if candidateOverflow < overflow || (candidateOverflow == overflow && candidate.cost(graph: graph) < plan.cost(graph: graph)) {
                    if candidateOverflow < overflow { log("overflow repair: \(candidateOverflow) bytes over (stages \(a)–\(a + width - 1))") }
                    plan = candidate
                    overflow = candidateOverflow
                }
            }
            if r.termination == .optimal {
                // The whole plan re-solved: nothing overflows less.
                if width == n, let least = r.objective, least > 1e-6 { return nil }
                width = min(n, width + max(1, width / 4))
            } else {
                width = max(2, width * 3 / 4)
            }
        }
        return overflow == 0 ? plan : nil
    }
}
