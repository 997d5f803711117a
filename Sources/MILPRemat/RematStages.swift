import Foundation
import MILP

// The stages of a search that start it, bound it and solve it whole; the windows are in
// WindowSearch.swift.
extension RematSearch {
    // MARK: Starts

    /// The cheap plans: `baselines` (made in this order), keeping nothing but the sinks (the
    /// least-memory plan of the family, a last resort), and the eviction heuristic. Stops as soon
    /// as a plan costs Σ C.
    mutating func offerStarts(_ baselines: [(Baseline, StagePlan?)]) {
        for (baseline, plan) in baselines where !meetsLowerBound {
            if let plan { offer(plan, from: baseline.rawValue) }
        }
        if !meetsLowerBound { offer(StagePlan(graph: graph) { _, _ in false }, from: "recompute-all") }
        if !meetsLowerBound, let plan = Eviction.plan(graph: graph, budget: budget, deadline: instant(options.timeLimit)) {
            offer(plan, from: "eviction")
        }
    }

    // MARK: Bounds

    /// The retention bound (`RetentionBound`), its MILP solved with at most `limit` seconds: the
    /// solver's bound on it, solved or not, is a lower bound.
    mutating func boundByRetention(limit: Double) throws {
        let bound = RetentionBound(graph: graph, budget: budget)
        let r = try solver.solve(bound.model, options: SolveOptions(timeLimit: limit, relativeGap: 0, absoluteGap: 0.5, threads: 1))
        guard r.bestBound.isFinite, r.termination != .infeasible else {
            notes.append("the retention bound was not found (\(r.termination.rawValue))")
            return
        }
        let cost = bound.cost(objectiveBound: r.bestBound)
        raiseLowerBound(to: cost)
        log("retention bound: \(String(format: "%.0f", cost)) (\(r.termination.rawValue) in \(String(format: "%.1f", r.seconds)) s)")
    }

    /// The LP relaxation at the budget, with at most `limit` seconds, solved by
    /// `options.relaxationSolver` when set: its value becomes a lower bound.
    mutating func boundByLP(limit: Double) throws {
        guard let lp = try lpRelaxation(budget: budget, timeLimit: limit, lpSolver: options.relaxationSolver) else {
            notes.append("the LP relaxation at the budget was not solved within \(String(format: "%.0f", limit)) s")
            return
        }
        lpBound = lp.cost
        raiseLowerBound(to: lp.cost)
        log("LP relaxation at the budget: \(String(format: "%.0f", lp.cost))")
    }

    /// The LP relaxation of the MILP (with `restrictions`) at `budget`: the S values and its cost
    /// (a lower bound when `budget` is the real one and there are no restrictions), or nil when
    /// the LP was not solved in time. `lpSolver`: the solver when not the search's.
    func lpRelaxation(budget: Int64, timeLimit: Double, restrictions: CheckmateModel.Restrictions = [],
                      lpSolver: (any Solver)? = nil) throws -> (s: (Int, Int) -> Double, cost: Double)? {
        let deadline = ContinuousClock.now + .seconds(timeLimit)
        let what = "LP relaxation at \(budget) bytes\(restrictions.isEmpty ? "" : " (restricted)")"
        guard timeLimit > 0.01,
              let built = CheckmateModel.building(graph: graph, budget: budget, restrictions: restrictions, deadline: deadline) else {
            log("\(what): not built in \(String(format: "%.1f", timeLimit)) s")
            return nil
        }
        var m = built.model
        // Loading, scaling and factorizing these LPs takes about a second per million nonzeros,
        // and CBC and CLP check their time limit only after it (n1000's restricted LP: 8.3 M
        // nonzeros, stopped after 16–20 s at limits of 3–6 s); solving takes several times longer
        // (n500's, 1.8 M: not solved in 6 s; its full LP, 9 M: not in 35 s). An LP whose setup
        // would take more than a quarter of its time is not started.
        guard Double(m.nonzeroCount) / 1e6 <= secondsUntil(deadline) / 4 else {
            log("\(what): \(m.nonzeroCount) nonzeros, too many to solve in \(String(format: "%.1f", timeLimit)) s")
            return nil
        }
        m.relaxIntegrality()
        let r = try (lpSolver ?? solver).solve(m, options: SolveOptions(timeLimit: secondsUntil(deadline), threads: 1))
        log("\(what): \(r.termination.rawValue) in \(String(format: "%.1f", r.seconds)) s (limit \(String(format: "%.1f", timeLimit)) s)")
        guard r.termination == .optimal, let values = r.values, let objective = r.objective else { return nil }
        let plan = built.fractional(values)
        return ({ t, i in plan[t][i] }, built.cost(objective: objective))
    }

    // MARK: Exact MILP

    /// The MILP restricted to keeps until last use (Checkmate's own model), from the incumbent,
    /// for at most `limit` seconds: a start, often optimal, that is much smaller to solve (VGG19
    /// at 0.8: 2 s where the full model took 53 s to find the same plan). Its bound bounds nothing;
    /// returns how the solve ended (nil when the graph keeps nothing past last use anyway).
    mutating func solveRestrictedMILP(limit: Double) throws -> TerminationReason? {
        guard graph.keepHorizon != graph.lastUse else { return nil }
        let deadline = ContinuousClock.now + .seconds(limit)
        guard let model = CheckmateModel.building(graph: graph, budget: budget, restrictions: .keepUntilLastUse, deadline: deadline) else { return .limitReached }
        let r = try solveWhole(model, until: deadline, source: "milp (keeps until last use)")
        log("MILP with keeps until last use: \(r.termination.rawValue)")
        return r.termination
    }

    /// Moccasin's restriction (`IntervalModel`: one recomputation per stage and per node) solved
    /// whole for at most `limit` seconds; offers its plan and returns how the solve ended. Its
    /// bound bounds nothing outside the restriction.
    mutating func solveIntervalModel(limit: Double) throws -> TerminationReason {
        let deadline = ContinuousClock.now + .seconds(limit)
        guard let intervals = IntervalModel.building(graph: graph, budget: budget, deadline: deadline) else { return .limitReached }
        var m = intervals.model
        let start = best.flatMap { intervals.start(for: $0.plan) }
        if let start { m.setStart(values: start) }
        log("intervals: \(m.variableCount) columns, \(m.constraintCount) rows\(start == nil ? "" : ", from the incumbent")")
        var solveOptions = SolveOptions(timeLimit: secondsUntil(deadline), relativeGap: 0, absoluteGap: 0.5, threads: 1)
        // Without a start, a solve with no point after half its share is stopped and the rest goes
        // to the stages after it (ResNet50 at 0.8: none in 406 s of a 600 s run; at 0.9 the first
        // after 125 s).
        let firstPointBy = secondsUntil(deadline) / 2
        let stop = InterruptFlag(), pointFound = InterruptFlag()
        if start == nil {
            let (logLine, began) = (options.log, ContinuousClock.now - .seconds(elapsed()))
            solveOptions.interrupt = stop
            solveOptions.onIncumbent = { p in
                if !pointFound.isSet { logLine?(String(format: "%7.1f s  intervals: first point after %.1f s", (ContinuousClock.now - began).seconds, p.seconds)) }
                pointFound.set()
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + firstPointBy) { if !pointFound.isSet { stop.set() } }
        }
        let r = try solver.solve(m, options: solveOptions)
        if let values = r.values { offer(intervals.plan(from: values), from: "intervals") }
        let found = r.objective.map { ", best \(String(format: "%.0f", intervals.cost(objective: $0)))" } ?? ""
        let stopped = stop.isSet && r.values == nil ? String(format: ", stopped: no point within %.0f s", firstPointBy) : ""
        notes.append("retention intervals (at most one recomputation per stage and per node)\(executionOrder == nil ? "" : " in the memory-aware order"): \(r.termination.rawValue) after \(String(format: "%.1f", r.seconds)) s\(found)\(stopped)")
        log("interval MILP: \(r.termination.rawValue)")
        return r.termination
    }

    /// Checkmate's MILP on every stage, started from the incumbent, for at most `limit` seconds;
    /// returns how the solve ended. Its bound, optimality or infeasibility go into the search.
    mutating func solveMILP(limit: Double) throws -> TerminationReason {
        let deadline = ContinuousClock.now + .seconds(limit)
        guard let model = CheckmateModel.building(graph: graph, budget: budget, deadline: deadline) else {
            notes.append("the MILP was not built within \(String(format: "%.0f", limit)) s")
            return .limitReached
        }
        let r = try solveWhole(model, until: deadline, source: "milp")
        if r.bestBound.isFinite { raiseLowerBound(to: model.cost(objective: r.bestBound)) }
        switch r.termination {
        case .optimal: claim = .optimal
        case .infeasible: claim = .infeasible
        case .error: notes.append("\(solver.name): \(r.message ?? "error")")
        default: if !r.hasSolution { notes.append("\(solver.name) found no schedule in time (\(r.termination.rawValue))") }
        }
        return r.termination
    }

    /// Solves a model over every stage from the incumbent until `deadline`; offers its plan.
    private mutating func solveWhole(_ model: CheckmateModel, until deadline: ContinuousClock.Instant, source: String) throws -> SolveResult {
        var m = model.model
        if let incumbent = best?.plan { m.setStart(values: model.start(for: incumbent)) }
        log("\(source): \(m.variableCount) columns (\(m.integerCount) binary), \(m.constraintCount) rows")
        let r = try solver.solve(m, options: SolveOptions(timeLimit: secondsUntil(deadline), relativeGap: 0, absoluteGap: 0.5, threads: 1))
        if let values = r.values { offer(model.plan(from: values), from: source) }
        return r
    }

    /// The whole MILP until its first solution (at most `limit` seconds): a start when no other
    /// plan fits.
    mutating func offerFirstMILPSolution(limit: Double) throws {
        let deadline = ContinuousClock.now + .seconds(limit)
        guard let model = CheckmateModel.building(graph: graph, budget: budget, deadline: deadline) else { return }
        let r = try solver.solve(model.model, options: SolveOptions(timeLimit: secondsUntil(deadline), threads: 1, solutionLimit: 1))
        if let values = r.values { offer(model.plan(from: values), from: "milp") }
    }

    // MARK: LP rounding

    /// Checkmate's two-phase rounding: the LP at 0.9·B, then S rounded at thresholds 0.1…0.9 and
    /// by 16 random draws (S[t,i] kept with probability S_lp); every rounded plan is offered. The
    /// LP of the most restricted model (`CheckmateModel.Restrictions.all`) is rounded first: it is
    /// several times smaller and its plans fit more often (n100 at 0.8: 51,246 in 0.3 s, where the
    /// full LP's roundings do not beat the eviction's 86,849); then the full LP's, with the rest
    /// of `limit` seconds — unless the restricted LP was not solved in its time: the full one is
    /// larger still (n500, n1000: neither solved, 20 s of a 120 s run spent on the full one).
    mutating func offerRoundedPlans(limit: Double) throws {
        let deadline = ContinuousClock.now + .seconds(limit)
        if restrictedLPSolved == nil { try offerRestrictedRounding(limit: limit / 2) }
        guard restrictedLPSolved == true else { return }
        _ = try offerRoundedPlans(restrictions: [], limit: secondsUntil(deadline))
    }

    /// The rounding of the most restricted model's LP alone (cheap: the order choice compares it).
    mutating func offerRestrictedRounding(limit: Double) throws {
        restrictedLPSolved = try offerRoundedPlans(restrictions: .all, limit: limit)
    }

    /// Rounds the LP at 0.9·B of the model with `restrictions`; false when it was not solved in time.
    private mutating func offerRoundedPlans(restrictions: CheckmateModel.Restrictions, limit: Double) throws -> Bool {
        guard let lp = try lpRelaxation(budget: Int64(Double(budget) * 0.9), timeLimit: limit, restrictions: restrictions) else {
            notes.append("the LP relaxation at 0.9·B\(restrictions.isEmpty ? "" : " (restricted)") was not solved within \(String(format: "%.1f", limit)) s: no rounding")
            return false
        }
        for threshold in stride(from: 0.1, through: 0.9, by: 0.1) {
            offer(StagePlan(graph: graph) { lp.s($0, $1) >= threshold - 1e-9 }, from: "lp-round")
        }
        var random = SplitMix64(seed: options.seed)
        for _ in 0..<16 {
            offer(StagePlan(graph: graph) { t, i in
                let p = lp.s(t, i)
                return p > 1 - 1e-9 || (p > 1e-9 && random.unit() < p)
            }, from: "lp-round")
        }
        return true
    }
}
