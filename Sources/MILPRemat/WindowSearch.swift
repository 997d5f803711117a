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

    /// Improves the incumbent window by window until `deadline` (seconds on the search's clock):
    /// a random window of consecutive stages is freed and re-solved, and every cheaper spliced plan
    /// is offered. Windows grow by a quarter when a sub-MIP is solved to optimality and shrink
    /// when one times out; a window covering every stage solved to optimality is the whole MILP,
    /// which proves the incumbent optimal and ends the stage.
    mutating func improveByWindows(until deadline: Double) throws {
        let n = graph.count
        var width = min(n, max(2, options.windowStages))
        var random = SplitMix64(seed: options.seed &+ 1)
        while elapsed() < deadline, let incumbent = best?.plan {
            let a = Int(random.next() % UInt64(n - width + 1))
            guard let window = CheckmateModel.building(graph: graph, budget: budget, stages: a...(a + width - 1), boundary: incumbent,
                                                       deadline: instant(deadline)) else { return }
            var m = window.model
            m.setStart(values: window.start(for: incumbent))
            let r = try solver.solve(m, options: windowSolve(limit: min(options.subSolveLimit, max(0.01, deadline - elapsed()))))
            if let values = r.values { offer(window.plan(from: values), from: "lns") }
            if r.termination == .optimal {
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
        while elapsed() < deadline {
            let peaks = plan.stagePeaks(graph: graph)
            let over = (0..<n).filter { peaks[$0] > budget }
            if over.isEmpty { return plan }
            let centre = over[Int(random.next() % UInt64(over.count))]
            let a = max(0, min(centre - width / 2, n - width))
            guard let window = CheckmateModel.building(graph: graph, budget: budget, stages: a...(a + width - 1), boundary: plan,
                                                       minimizingOverflow: true, deadline: instant(deadline)) else { break }
            var m = window.model
            m.setStart(values: window.start(for: plan))
            let r = try solver.solve(m, options: windowSolve(limit: min(options.subSolveLimit, max(0.01, deadline - elapsed()))))
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
