import Foundation
import MILP

/// How to search for a schedule.
public enum RematMethod: String, CaseIterable, Sendable {
    /// `milp` up to `RematOptions.autoMILPNodes` nodes (half of the time; when that does not
    /// prove optimality, windows of stages around its incumbent for the rest), `lns` above.
    case auto
    /// Checkmate's MILP on the whole graph, started from the best baseline.
    case milp
    /// LP relaxation at 0.9·B, S rounded over thresholds and randomly; the cheapest that fits.
    case lpRound = "lp-round"
    /// LP rounding for a start, then sub-MIPs on windows of stages around the incumbent.
    case lns
}

/// Settings of `Rematerializer.solve`.
public struct RematOptions: Sendable {
    /// The search method; `auto` picks `milp` or `lns` by graph size.
    public var method: RematMethod = .auto
    /// Wall-clock budget of the whole search, seconds.
    public var timeLimit: Double = 600
    /// Graphs up to this many nodes take the exact MILP under `auto`.
    public var autoMILPNodes = 120
    /// First solve the LP relaxation at the budget for a lower bound (one LP, at most a third of
    /// the time limit).
    public var lpBound = false
    /// LNS: stages per window at the start (adapted as sub-MIPs succeed or time out), and the
    /// time limit of one sub-MIP.
    public var windowStages = 30
    /// LNS: the time limit of one sub-MIP, seconds.
    public var subSolveLimit = 20.0
    /// Seed of the random choices of LP rounding and LNS.
    public var seed: UInt64 = 1
    /// Progress messages (human-readable), or nil for silence.
    public var log: (@Sendable (String) -> Void)?
    /// The defaults: `auto`, 600 s, no LP bound.
    public init() {}
}

/// A baseline's schedule measured by the simulator.
public struct BaselineReport: Sendable {
    /// The baseline that was measured.
    public let baseline: Baseline
    /// nil when the baseline does not apply (revolve on a non-chain, or no slot count fits).
    public let cost: Int64?
    /// The schedule's peak memory; nil when the baseline does not apply or its schedule failed the replay.
    public let peakMemory: Int64?
    /// Whether the schedule's peak memory is within the budget (false when there is no schedule).
    public var fitsBudget: Bool
}

/// The outcome of a search: the best schedule (replayed by the simulator), bounds, baselines.
public struct RematResult: Sendable {
    /// How a search ended.
    public enum Status: String, Sendable {
        /// Proven least total cost.
        case optimal
        /// A schedule within the budget, optimality not proven.
        case feasible
        /// Proven: no schedule fits the budget.
        case infeasible
        /// The search ended without a schedule.
        case noSchedule = "no_schedule"
    }
    /// How the search ended; `noSchedule` until a schedule is found.
    public var status: Status = .noSchedule
    /// The method that ran: `auto` resolved to `milp` or `lns`.
    public var method: RematMethod
    /// The memory budget searched with, in the graph's size units.
    public let budget: Int64
    /// The best plan, its stages in `executionOrder`.
    public var plan: StagePlan?
    /// The input's node indices in the order the stages follow; nil for the input order.
    public var executionOrder: [Int]?
    /// The best schedule, node indices of the input graph.
    public var schedule: Schedule?
    /// The best schedule's replay (total cost, peak memory); nil without a schedule.
    public var replay: SimulationReport?
    /// A proven lower bound on the total cost of schedules in `executionOrder` (MILP bound or LP
    /// relaxation, and Σ C, which bounds every schedule), graph cost units.
    public var lowerBound: Double?
    /// The LP relaxation's value at the budget, when solved.
    public var lpBound: Double?
    /// Seconds from the start of the search until the best schedule was found; nil without a schedule.
    public var secondsToBest: Double?
    /// Wall-clock seconds of the whole search.
    public var seconds = 0.0
    /// Every baseline measured on the input graph (in the input order).
    public var baselines: [BaselineReport] = []
    /// Human-readable remarks on the search (rejected schedules, solver errors, the order used).
    public var notes: [String] = []
}

/// Finds memory-budgeted schedules: baselines, the Checkmate MILP, LP rounding and LNS, on any
/// `Solver` (CBC or GLPK; CLP for `lpRound` alone, which solves LPs only).
/// Every schedule it returns has passed `Simulator.replay` on the input graph against the budget.
public struct Rematerializer: Sendable {
    /// The graph as given.
    public let input: RematGraph
    /// The graph the search works on: `input`, or `input` renumbered in a memory-aware order.
    public let graph: RematGraph
    /// The input's node indices in `graph`'s order; nil when `graph` is `input`.
    public let executionOrder: [Int]?
    /// The memory budget, in the graph's size units.
    public let budget: Int64

    /// Chooses the execution order (`ExecutionOrder`; `auto` keeps the input order when only it
    /// admits the budget), then throws when `budget` is below the
    /// memory some node needs on its own in that order (its inputs, its output and the sinks
    /// before it): the message gives that minimum, and says whether it is the least feasible
    /// budget (a known schedule peaks at exactly that) or only a bound.
    public init(graph input: RematGraph, budget: Int64, order: ExecutionOrder = .auto) throws {
        var graph = input, executionOrder: [Int]?
        if order != .given {
            let memoryOrder = input.memoryAwareOrder()
            let reordered = try input.reordered(memoryOrder)
            // auto: a lower peak, unless only the input order admits the budget.
            let admits = { (g: RematGraph) in budget >= g.memoryLowerBound.bytes }
            if order == .memory || (reordered.noRematPeak < input.noRematPeak && (admits(reordered) || !admits(input))) {
                graph = reordered
                executionOrder = memoryOrder
            }
        }
        let (need, node) = graph.memoryLowerBound
        guard budget >= need else {
            // The node's inputs and output bound every schedule; the sinks before it only this order's.
            let own = graph.sizes[node] + graph.predecessors[node].reduce(0) { $0 + graph.sizes[$1] }
            let scope = own == need ? "" : " in \(executionOrder == nil ? "the input" : "the memory-aware") node order"
            let why = "computing \(graph.describe(node)) needs its inputs and output\(own == need ? "" : " and the sinks before it") resident (no-remat peak \(input.noRematPeak))"
            let least = Self.leastMemoryKnown(graph, trying: need)
            if least == need {
                throw RematInputError("budget \(budget) is below the least feasible budget\(scope) \(need): \(why)")
            }
            throw RematInputError("budget \(budget) is below \(need), under which no schedule\(scope) fits: \(why); the least-memory schedule known peaks at \(least.map(String.init) ?? "?")")
        }
        self.input = input
        self.graph = graph
        self.executionOrder = executionOrder
        self.budget = budget
    }

    /// The smallest peak among cheap schedules aimed at `budget` (recomputing everything but the
    /// sinks, the baselines, the eviction heuristic): an upper bound on the least feasible budget.
    static func leastMemoryKnown(_ graph: RematGraph, trying budget: Int64) -> Int64? {
        let plans = [StagePlan(graph: graph) { _, _ in false }] + Baseline.allCases.compactMap { $0.plan(for: graph, budget: budget) }
            + [Eviction.plan(graph: graph, budget: budget)].compactMap { $0 }
        return plans.compactMap { try? Simulator.replay($0.schedule(graph: graph), on: graph, budget: .max).peakMemory }.min()
    }

    /// Searches for the cheapest schedule within the budget with `options.method`, solving its
    /// MILPs and LPs with `solver`. Throws when `solver` cannot branch and the method needs it.
    ///
    /// Sub-MIPs over windows of stages run without CBC's MIP preprocessing; GLPK has no such
    /// setting and solves them with its own presolver.
    public func solve(_ options: RematOptions = RematOptions(), solver: any Solver) throws -> RematResult {
        let clock = ContinuousClock.now
        func elapsed() -> Double { (ContinuousClock.now - clock).seconds }
        let method = options.method == .auto ? (graph.count <= options.autoMILPNodes ? .milp : .lns) : options.method
        if method != .lpRound { try solver.requireIntegers(for: "rematerialization (\(method.rawValue))") }
        var result = RematResult(method: method, budget: budget)
        var best: (plan: StagePlan, cost: Int64)?
        var leastOverflow: (plan: StagePlan, overflow: Int64)?   // of the plans that do not fit
        /// A window over every stage solved to optimality: its cost bounds every plan (the final
        /// check keeps "optimal" only if the best replayed plan meets it).
        func provenOptimal(_ cost: Double) {
            result.notes.append("a window over every stage was solved to optimality")
            result.lowerBound = max(result.lowerBound ?? -.infinity, cost)
            result.status = .optimal
        }
        func offer(_ plan: StagePlan, _ source: String) {
            let replay: SimulationReport
            do { replay = try Simulator.replay(plan.schedule(graph: graph), on: graph, budget: budget) } catch {
                if source == "milp" { result.notes.append("the MILP's schedule was rejected by the simulator: \(error)") }
                let overflow = plan.overflow(graph: graph, budget: budget)
                if overflow > 0 && overflow < leastOverflow?.overflow ?? .max { leastOverflow = (plan, overflow) }
                return
            }
            if replay.totalCost < best?.cost ?? .max {
                best = (plan, replay.totalCost)
                result.secondsToBest = elapsed()
                options.log?(String(format: "%7.1f s  %@: cost %lld", elapsed(), source, replay.totalCost))
            }
        }

        // The baselines as users know them (the input order) are reported; in the order the
        // search works in they are starts.
        let inputPlans = Baseline.allCases.map { ($0, $0.plan(for: input, budget: budget)) }
        for (baseline, plan) in inputPlans {
            guard let plan else {
                result.baselines.append(BaselineReport(baseline: baseline, cost: nil, peakMemory: nil, fitsBudget: false))
                continue
            }
            guard let replay = try? Simulator.replay(plan.schedule(graph: input), on: input, budget: .max) else {
                result.notes.append("the \(baseline.rawValue) baseline's schedule was rejected by the simulator")
                result.baselines.append(BaselineReport(baseline: baseline, cost: nil, peakMemory: nil, fitsBudget: false))
                continue
            }
            result.baselines.append(BaselineReport(baseline: baseline, cost: replay.totalCost, peakMemory: replay.peakMemory,
                                                   fitsBudget: replay.peakMemory <= budget))
        }
        // Σ C is the least cost of any schedule: once a plan costs that, nothing else is tried.
        var optimal: Bool { best?.cost == graph.forwardCost }
        for (baseline, inputPlan) in inputPlans where !optimal {
            // In the input order the reported plans are the starts; otherwise they are made anew.
            if let plan = executionOrder == nil ? inputPlan : baseline.plan(for: graph, budget: budget) { offer(plan, baseline.rawValue) }
        }
        if let executionOrder {
            result.executionOrder = executionOrder
            result.notes.append("stages follow a memory-aware node order (no-remat peak \(graph.noRematPeak), input order \(input.noRematPeak)); LP and MILP bounds hold for schedules in that order, Σ C for every schedule")
        }
        // Keeping nothing but the sinks: the least-memory plan of this family, a last resort.
        if !optimal { offer(StagePlan(graph: graph) { _, _ in false }, "recompute-all") }
        if !optimal, let plan = Eviction.plan(graph: graph, budget: budget) { offer(plan, "eviction") }

        if optimal {
            result.notes.append("a plan costing Σ C (no recomputation cost)\(executionOrder == nil ? "" : " in the memory-aware order") fits the budget: optimal")
            result.status = .optimal
            result.lowerBound = Double(graph.forwardCost)
        } else {
            let remaining = { max(0, options.timeLimit - elapsed()) }
            if options.lpBound, let lp = try lpRelaxation(budget: budget, timeLimit: remaining() / 3, solver: solver) {
                result.lpBound = lp.cost
                result.lowerBound = lp.cost
                options.log?(String(format: "%7.1f s  LP relaxation at the budget: %.0f", elapsed(), lp.cost))
            }
            switch method {
            case .auto, .milp:
                let model = CheckmateModel(graph: graph, budget: budget)
                var m = model.model
                if let incumbent = best?.plan { m.setStart(values: model.start(for: incumbent)) }
                options.log?("MILP: \(m.variableCount) columns (\(m.integerCount) binary), \(m.constraintCount) rows")
                let milpLimit = options.method == .auto ? remaining() / 2 : remaining()
                let r = try solver.solve(m, options: SolveOptions(timeLimit: milpLimit, relativeGap: 0, absoluteGap: 0.5, threads: 1))
                if let values = r.values { offer(model.plan(from: values), "milp") }
                if r.bestBound.isFinite { result.lowerBound = max(result.lowerBound ?? -.infinity, model.cost(objective: r.bestBound)) }
                switch r.termination {
                case .optimal: result.status = .optimal
                case .infeasible: result.status = .infeasible
                case .error: result.notes.append("\(solver.name): \(r.message ?? "error")")
                default: if !r.hasSolution { result.notes.append("\(solver.name) found no schedule in time (\(r.termination.rawValue))") }
                }
                if options.method == .auto, r.termination == .limitReached, let start = best?.plan, remaining() > 1 {
                    result.notes.append("the MILP was not solved in half the time: windows of stages around its incumbent for the rest")
                    if let optimum = try searchWindows(from: start, until: { remaining() <= 0.5 }, remaining: remaining, options: options, solver: solver, offer: { offer($0, "lns") }) {
                        provenOptimal(optimum)
                    }
                }
            case .lpRound:
                for plan in try roundedPlans(timeLimit: remaining(), options: options, solver: solver, notes: &result.notes) { offer(plan, "lp-round") }
            case .lns:
                for plan in try roundedPlans(timeLimit: remaining() / 4, options: options, solver: solver, notes: &result.notes) { offer(plan, "lp-round") }
                if best == nil, let start = leastOverflow {
                    // Nothing fits: repair the plan that overflows least, window by window.
                    options.log?(String(format: "%7.1f s  no plan fits; repairing one %lld bytes over (Σ over stages)", elapsed(), start.overflow))
                    let deadline = remaining() / 2
                    let until = elapsed() + deadline
                    if let plan = try repairOverflow(from: start.plan, until: { elapsed() >= until }, remaining: { max(0, until - elapsed()) }, options: options, solver: solver) {
                        offer(plan, "overflow repair")
                    }
                }
                if best == nil {
                    // No start yet: the whole MILP until its first solution.
                    let model = CheckmateModel(graph: graph, budget: budget)
                    let r = try solver.solve(model.model, options: SolveOptions(timeLimit: remaining() / 2, threads: 1, solutionLimit: 1))
                    if let values = r.values { offer(model.plan(from: values), "milp") }
                }
                if let start = best?.plan,
                   let optimum = try searchWindows(from: start, until: { remaining() <= 0.5 }, remaining: remaining, options: options, solver: solver, offer: { offer($0, "lns") }) {
                    provenOptimal(optimum)
                }
            }
        }
        if let best {
            // The schedule in the input's node indices, admitted by a replay on the input graph.
            let schedule = executionOrder.map { best.plan.schedule(graph: graph).renumbered($0) } ?? best.plan.schedule(graph: graph)
            result.plan = best.plan
            result.schedule = schedule
            result.replay = try Simulator.replay(schedule, on: input, budget: budget)
            if result.status == .noSchedule { result.status = .feasible }
            if result.status == .infeasible {
                result.status = .feasible
                result.notes.append("the solver claimed infeasibility, yet a schedule replays within the budget")
            }
            // Σ C is a lower bound too; "optimal" only when the replayed cost meets the bound.
            let bound = max(result.lowerBound ?? 0, Double(graph.forwardCost))
            result.lowerBound = bound
            if result.status == .optimal, Double(best.cost) > bound + Double(CheckmateModel.gcd(graph.costs)) {
                result.status = .feasible
                result.notes.append("the solver's optimum did not replay within the budget; the best replayed schedule is kept")
            }
        }
        result.seconds = elapsed()
        return result
    }

    // MARK: LP relaxation and rounding

    /// The LP relaxation of the MILP at `budget`: the S values and its cost (a lower bound when
    /// `budget` is the real one), or nil when the LP was not solved in time.
    func lpRelaxation(budget: Int64, timeLimit: Double, solver: any Solver) throws -> (s: (Int, Int) -> Double, cost: Double)? {
        let built = CheckmateModel(graph: graph, budget: budget)
        var m = built.model
        m.relaxIntegrality()
        let r = try solver.solve(m, options: SolveOptions(timeLimit: max(1, timeLimit), threads: 1))
        guard r.termination == .optimal, let values = r.values, let objective = r.objective else { return nil }
        let plan = built.fractional(values)
        return ({ t, i in plan[t][i] }, built.cost(objective: objective))
    }

    /// Checkmate's two-phase rounding: the LP at 0.9·B, then S rounded at thresholds 0.1…0.9 and
    /// by 16 random draws (S[t,i] kept with probability S_lp).
    func roundedPlans(timeLimit: Double, options: RematOptions, solver: any Solver, notes: inout [String]) throws -> [StagePlan] {
        guard let lp = try lpRelaxation(budget: Int64(Double(budget) * 0.9), timeLimit: timeLimit, solver: solver) else {
            notes.append("the LP relaxation at 0.9·B was not solved within \(String(format: "%.0f", timeLimit)) s: no rounding")
            return []
        }
        var plans = stride(from: 0.1, through: 0.9, by: 0.1).map { threshold in StagePlan(graph: graph) { lp.s($0, $1) >= threshold - 1e-9 } }
        var random = SplitMix64(seed: options.seed)
        for _ in 0..<16 {
            plans.append(StagePlan(graph: graph) { t, i in
                let p = lp.s(t, i)
                return p > 1 - 1e-9 || (p > 1e-9 && random.unit() < p)
            })
        }
        return plans
    }

    // MARK: LNS over windows of stages

    /// How a window's sub-MIP is solved: one thread, to optimality (costs are integers), and
    /// without CBC's MIP preprocessing, which on the large windows of n250 took the whole limit
    /// and returned nothing, not even the start (GLPK ignores both settings).
    func windowSolve(limit: Double) -> SolveOptions {
        var solve = SolveOptions(timeLimit: limit, relativeGap: 0, absoluteGap: 0.5, threads: 1)
        solve.preprocessing = false
        return solve
    }

    /// Repairs a plan that does not fit: windows of stages around stages whose peak exceeds the
    /// budget are re-solved with a soft budget, minimizing the memory above it (the rest of
    /// the plan fixed), and a spliced plan is kept when its total overflow is lower (or equal at a
    /// lower cost). Returns the first plan that fits, or nil when `done` says stop first or a
    /// window over all stages proves that every plan overflows.
    func repairOverflow(from start: StagePlan, until done: () -> Bool, remaining: () -> Double, options: RematOptions,
                        solver: any Solver) throws -> StagePlan? {
        let n = graph.count
        var plan = start
        var overflow = start.overflow(graph: graph, budget: budget)
        // Narrower windows than the cost search's: the overflow sits in the widest stages, where
        // a window's sub-MIP is largest.
        var width = min(n, max(2, options.windowStages / 4))
        var random = SplitMix64(seed: options.seed &+ 2)
        while !done() {
            let peaks = plan.stagePeaks(graph: graph)
            let over = (0..<n).filter { peaks[$0] > budget }
            if over.isEmpty { return plan }
            let centre = over[Int(random.next() % UInt64(over.count))]
            let a = max(0, min(centre - width / 2, n - width))
            let window = CheckmateModel(graph: graph, budget: budget, stages: a...(a + width - 1), boundary: plan, minimizingOverflow: true)
            var m = window.model
            m.setStart(values: window.start(for: plan))
            let r = try solver.solve(m, options: windowSolve(limit: min(options.subSolveLimit, remaining())))
            options.log?(String(format: "overflow repair: stages %d–%d, %@, objective %@", a, a + width - 1, r.termination.rawValue,
                                r.objective.map { String(format: "%.0f", $0 * Double(window.sizeUnit)) } ?? "none"))
            if let values = r.values {
                let candidate = window.plan(from: values)
                let candidateOverflow = candidate.overflow(graph: graph, budget: budget)
                if candidateOverflow < overflow || (candidateOverflow == overflow && candidate.cost(graph: graph) < plan.cost(graph: graph)) {
                    if candidateOverflow < overflow {
                        options.log?(String(format: "overflow repair: %lld bytes over (stages %d–%d)", candidateOverflow, a, a + width - 1))
                    }
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

    /// Repeatedly frees the S decisions of a window of consecutive stages around `start` and
    /// solves that sub-MIP (the rest fixed), offering every spliced plan. Windows grow
    /// by a quarter when a sub-MIP is solved to optimality and shrink when one times out; the
    /// search ends when a window covering every stage is solved to optimality or `until` says so.
    /// Returns the optimal cost in the first case (that window is the whole MILP), else nil.
    func searchWindows(from start: StagePlan, until done: () -> Bool, remaining: () -> Double, options: RematOptions,
                       solver: any Solver, offer: (StagePlan) -> Void) throws -> Double? {
        let n = graph.count
        var incumbent = start
        var incumbentCost = start.cost(graph: graph)
        var width = min(n, max(2, options.windowStages))
        var random = SplitMix64(seed: options.seed &+ 1)
        while !done() {
            let a = Int(random.next() % UInt64(n - width + 1))
            let window = CheckmateModel(graph: graph, budget: budget, stages: a...(a + width - 1), boundary: incumbent)
            var m = window.model
            m.setStart(values: window.start(for: incumbent))
            let r = try solver.solve(m, options: windowSolve(limit: min(options.subSolveLimit, remaining())))
            if let values = r.values {
                let candidate = window.plan(from: values)
                if let replay = try? Simulator.replay(candidate.schedule(graph: graph), on: graph, budget: budget),
                   replay.totalCost < incumbentCost {
                    incumbent = candidate
                    incumbentCost = replay.totalCost
                    offer(candidate)
                }
            }
            if r.termination == .optimal {
                if width == n { return r.objective.map(window.cost(objective:)) }
                width = min(n, width + max(1, width / 4))
            } else {
                width = max(2, width * 3 / 4)
            }
        }
        return nil
    }
}
