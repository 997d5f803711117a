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
    /// The `milp` and `lns` methods first solve Moccasin's restriction (one recomputation per stage and per
    /// node, as a time-indexed MILP) when that model has at most this many columns per second of
    /// `timeLimit` (MobileNet's 85,100 columns were solved in 38–68 s, ResNet50's 310,640 gave a
    /// first plan after 125 s).
    public var intervalColumnsPerSecond = 1_000.0
    /// First solve the LP relaxation at the budget for a lower bound (one LP, at most a third of
    /// the time limit).
    public var lpBound = false
    /// LNS: stages per window at the start (adapted as sub-MIPs succeed or time out), and the
    /// time limit of one sub-MIP.
    public var windowStages = 30
    /// LNS: the time limit of one sub-MIP, seconds.
    public var subSolveLimit = 20.0
    /// The solver of the LP relaxation at the budget (`lpBound`); nil: the MILP solver. CLP solves
    /// MobileNet's at 0.8 in 7 s where CBC, which also solves it with CLP, takes 33 s. (Not the
    /// LPs rounded: CLP took 14 s on MobileNet's restricted LP, which CBC solves in 1.5 s.)
    public var relaxationSolver: (any Solver)?
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
    /// A proven lower bound on the total cost of schedules in `executionOrder` (the retention
    /// bound, MILP bound or LP relaxation, and Σ C, which bounds every schedule), graph cost units.
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
    /// Under `auto`, when both orders admit the budget, `solve` may search the other one instead
    /// (the one whose starts are cheaper); `RematResult.executionOrder` says which it used.
    public let graph: RematGraph
    /// The input's node indices in `graph`'s order; nil when `graph` is `input`.
    public let executionOrder: [Int]?
    /// Under `auto`, when both orders admit the budget, the order `graph` does not follow:
    /// `solve` runs the cheap starts in both and searches in the one whose start is cheaper.
    let alternative: (graph: RematGraph, executionOrder: [Int]?)?
    /// The memory budget, in the graph's size units.
    public let budget: Int64
    /// Seconds `init` spent choosing the node order; `solve` counts them against its time limit.
    let preparationSeconds: Double

    /// Chooses the execution order (`ExecutionOrder`; `auto` prefers the order with the lower
    /// no-remat peak, keeps the other as `alternative` when both admit the budget, and keeps the
    /// input order when only it admits the budget), then throws when `budget` is below the
    /// memory some node needs on its own in that order (its inputs, its output and the sinks
    /// before it): the message gives that minimum, and says whether it is the least feasible
    /// budget (a known schedule peaks at exactly that) or only a bound.
    public init(graph input: RematGraph, budget: Int64, order: ExecutionOrder = .auto) throws {
        let clock = ContinuousClock.now
        var graph = input, executionOrder: [Int]?
        var alternative: (graph: RematGraph, executionOrder: [Int]?)?
        if order != .given {
            let memoryOrder = input.memoryAwareOrder()
            let reordered = try input.reordered(memoryOrder)
            // auto: a lower peak, unless only the input order admits the budget.
            let admits = { (g: RematGraph) in budget >= g.memoryLowerBound.bytes }
            let lower = reordered.noRematPeak < input.noRematPeak
            if order == .memory || (lower && (admits(reordered) || !admits(input))) {
                graph = reordered
                executionOrder = memoryOrder
            }
            if order == .auto, lower, admits(reordered), admits(input) {
                alternative = executionOrder == nil ? (reordered, memoryOrder) : (input, nil)
            }
        }
        self.alternative = alternative
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
        preparationSeconds = (ContinuousClock.now - clock).seconds
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
    /// Everything counts against `options.timeLimit`, the choice of the node order in `init` included.
    ///
    /// The search is a sequence of stages sharing one incumbent and one clock (`RematSearch`):
    /// starts (baselines, eviction), the retention bound, the LP bound (with `lpBound`), then by method the exact MILP
    /// (with windows around its incumbent under `auto` when it is not solved in half the time), LP
    /// rounding, or LP rounding, overflow repair and windows. Sub-MIPs over windows of stages run
    /// without CBC's MIP preprocessing; GLPK has no such setting and solves them with its own presolver.
    /// The search ends as soon as the incumbent meets a lower bound: it is then optimal.
    public func solve(_ options: RematOptions = RematOptions(), solver: any Solver) throws -> RematResult {
        let method = options.method == .auto ? (graph.count <= options.autoMILPNodes ? .milp : .lns) : options.method
        if method != .lpRound { try solver.requireIntegers(for: "rematerialization (\(method.rawValue))") }
        var result = RematResult(method: method, budget: budget)

        // The baselines as users know them (the input order) are reported; in the order the
        // search works in they are starts, made anew.
        let inputPlans = Baseline.allCases.map { ($0, $0.plan(for: input, budget: budget)) }
        var notes: [String] = []
        for (baseline, plan) in inputPlans {
            let report = report(baseline, plan)
            if plan != nil && report.cost == nil { notes.append("the \(baseline.rawValue) baseline's schedule was rejected by the simulator") }
            result.baselines.append(report)
        }
        let started = ContinuousClock.now - .seconds(preparationSeconds)
        // The starts, then the retention bound unless a start already meets Σ C.
        func startedSearch(_ graph: RematGraph, _ executionOrder: [Int]?) throws -> RematSearch {
            var search = RematSearch(graph: graph, budget: budget, executionOrder: executionOrder, options: options, solver: solver, started: started)
            search.offerStarts(executionOrder == nil ? inputPlans : Baseline.allCases.map { ($0, $0.plan(for: graph, budget: budget)) })
            if method != .lpRound, !search.meetsLowerBound { try search.boundByRetention(limit: search.remaining() / 20) }
            return search
        }
        var search = try startedSearch(graph, executionOrder)
        var other: RematSearch?
        func preferCheaper() {
            if var o = other, o.best?.cost ?? .max < search.best?.cost ?? .max { swap(&search, &o); other = o }
        }
        if let alternative, !search.meetsLowerBound {
            // The lower peak does not make the cheaper schedules (n100 at 0.8: the input order's
            // optimum is below the memory-aware order's bound): compare the starts, rounding included.
            var o = try startedSearch(alternative.graph, alternative.executionOrder)
            try search.offerRestrictedRounding(limit: search.remaining() / 20)
            if !o.meetsLowerBound { try o.offerRestrictedRounding(limit: o.remaining() / 20) }
            other = o
            preferCheaper()
        }
        // Swaps from the best start of the order chosen (swapped starts of the other order would
        // decide it otherwise: n100 at 0.8, whose optimum is in the input order, went to the
        // memory-aware order and ended 1.3 % above it): a descent that reaches the MLSys optima
        // in seconds (ResNet50 at 0.9: 406,110 from eviction's 406,215 in under a second),
        // which after the interval model and the LP came only at 414 s of 600.
        if method != .lpRound, !search.meetsLowerBound { search.improveBySwaps(until: search.elapsed() + search.remaining() / 20) }
        // Moccasin's restriction (`IntervalModel`: one recomputation per stage and per node),
        // several times smaller than Checkmate's model, where it fits the time: in the order
        // whose starts are cheaper, then in the other (n100 at 0.8: the input order's optimum
        // 48,866 in 25 s; at 0.9 the memory-aware order's 48,046, 21 s, below the input order's 48,146).
        let intervalsFit = Double(IntervalModel.columnCount(search.graph)) <= options.intervalColumnsPerSecond * options.timeLimit
        if method != .lpRound && intervalsFit {
            // In the lns method the windows, its search, get a tenth first: MobileNet at 0.9, where
            // the swaps stop 10 above the optimum, is proven optimal in 5–7 s by node windows over
            // every stage, where the interval model took 70 s (seeds 1–3, 120 s and 600 s).
            if method == .lns, !search.meetsLowerBound { try search.improveByWindows(until: search.elapsed() + search.remaining() / 10) }
            if !search.meetsLowerBound { _ = try search.solveIntervalModel(limit: search.remaining() * 2 / 3) }
            if var o = other, !o.meetsLowerBound, !search.meetsLowerBound {
                _ = try o.solveIntervalModel(limit: o.remaining() / 3)
                other = o
                preferCheaper()
            }
        }
        if let other {
            let costs = [search.best?.cost, other.best?.cost].map { $0.map(String.init) ?? "none" }
            notes.append("order: the \(search.executionOrder == nil ? "input" : "memory-aware") order's schedules were cheaper (\(costs[0]), the other's \(costs[1]))")
        }
        search.notes = notes + search.notes
        if let executionOrder = search.executionOrder {
            result.executionOrder = executionOrder
            search.notes.append("stages follow a memory-aware node order (no-remat peak \(search.graph.noRematPeak), input order \(input.noRematPeak)); the retention, LP and MILP bounds hold for schedules in that order, Σ C for every schedule")
        }

        if search.meetsLowerBound {
            search.notes.append(search.best?.cost == graph.forwardCost
                ? "a plan costing Σ C (no recomputation cost)\(search.executionOrder == nil ? "" : " in the memory-aware order") fits the budget: optimal"
                : "the incumbent meets the lower bound: optimal")
            search.claim = .optimal
        } else {
            if options.lpBound { try search.boundByLP(limit: search.remaining() / 3) }
            let end = options.timeLimit
            switch method {
            case .auto, .milp:
                // The restricted LP's rounding only: the full LP is rarely solved in a tenth of the
                // time on these graphs (segnet at 0.8: not in 12 s) and its roundings add little.
                if search.restrictedLPSolved == nil { try search.offerRestrictedRounding(limit: search.remaining() / 10) }
                // Solved to optimality, the restricted MILP's plan is usually the optimum (the MLSys
                // graphs): the full MILP only has to prove it. Otherwise annealing: a quarter of the
                // rest when the restricted MILP improved the incumbent (the MILPs are the search that
                // works there: segnet at 0.9, 120 s, with half lost its MILP's plan 4,938,210),
                // half when it did not (n100 at 0.8: the MILPs find nothing in 60 s, the annealing
                // everything).
                let before = search.best?.cost ?? .max
                if try search.solveRestrictedMILP(limit: search.remaining() / 4) != .optimal {
                    let improved = search.best?.cost ?? .max < before
                    search.improveByAnnealing(until: search.elapsed() + search.remaining() / (improved ? 4 : 2))
                }
                if search.meetsLowerBound { break }
                let termination = try search.solveMILP(limit: options.method == .auto ? search.remaining() / 2 : search.remaining())
                if options.method == .auto, termination == .limitReached, search.best != nil, search.remaining() > 1 {
                    search.notes.append("the MILP was not solved in half the time: windows of stages around its incumbent for the rest")
                    try search.improveByWindows(until: end - 0.5)
                }
            case .lpRound:
                try search.offerRoundedPlans(limit: search.remaining())
            case .lns:
                // The restricted LP's rounding; the full LP's (slower, rarely cheaper: MobileNet at
                // 0.8, 18 s for nothing below the restricted rounding's 162,755) when nothing fits.
                if search.restrictedLPSolved == nil { try search.offerRestrictedRounding(limit: search.remaining() / 8) }
                if search.best == nil { try search.offerRoundedPlans(limit: search.remaining() / 4) }
                if search.best == nil, let start = search.leastOverflow {
                    // Nothing fits: repair the plan that overflows least, window by window.
                    search.log("no plan fits; repairing one \(start.overflow) bytes over (Σ over stages)")
                    if let plan = try search.repairOverflow(from: start.plan, until: search.elapsed() + search.remaining() / 2) {
                        search.offer(plan, from: "overflow repair")
                    }
                }
                // No start yet: the whole MILP until its first solution.
                if search.best == nil { try search.offerFirstMILPSolution(limit: search.remaining() / 2) }
                // Swaps first, a descent that ends in seconds on the MLSys graphs (ResNet50 at 0.8:
                // 406,800 in 0.6 s from eviction's 407,405), then the annealing, whose walk does better
                // on the random graphs (n1000 at 0.8: swaps 818,623 → 587,117 in 29 s, the annealing
                // → 515,121 in the next 29 s); the windows take up swaps again after each new incumbent.
                search.improveBySwaps(until: search.elapsed() + search.remaining() / 10)
                search.improveByAnnealing(until: search.elapsed() + search.remaining() / 3)
                try search.improveByWindows(until: end - 0.5)
            }
        }
        try conclude(search, into: &result)
        return result
    }

    private func formatCost(_ value: Double) -> String { String(format: "%.0f", value) }

    /// A baseline's plan (in the input order) measured on the input graph.
    private func report(_ baseline: Baseline, _ plan: StagePlan?) -> BaselineReport {
        guard let plan, let replay = try? Simulator.replay(plan.schedule(graph: input), on: input, budget: .max) else {
            return BaselineReport(baseline: baseline, cost: nil, peakMemory: nil, fitsBudget: false)
        }
        return BaselineReport(baseline: baseline, cost: replay.totalCost, peakMemory: replay.peakMemory, fitsBudget: replay.peakMemory <= budget)
    }

    /// The search's incumbent as the result: its schedule in the input's node indices admitted by
    /// a replay on the input graph, the bound with Σ C, and the status — a stage's claim of
    /// optimality or infeasibility kept only when the replayed incumbent agrees.
    func conclude(_ search: RematSearch, into result: inout RematResult) throws {
        result.notes = search.notes
        result.lpBound = search.lpBound
        result.lowerBound = search.lowerBound
        result.status = search.claim
        result.secondsToBest = search.secondsToBest
        let graph = search.graph
        if let best = search.best {
            let schedule = search.executionOrder.map { best.plan.schedule(graph: graph).renumbered($0) } ?? best.plan.schedule(graph: graph)
            result.plan = best.plan
            result.schedule = schedule
            result.replay = try Simulator.replay(schedule, on: input, budget: budget)
            if result.status == .noSchedule { result.status = .feasible }
            if result.status == .infeasible {
                result.status = .feasible
                result.notes.append("the solver claimed infeasibility, yet a schedule replays within the budget")
            }
            // Σ C is a lower bound too; "optimal" only when the replayed cost meets the bound.
            let tolerance = Double(CheckmateModel.gcd(graph.costs))
            if let claimed = result.lowerBound, claimed > Double(best.cost) + tolerance {
                // A schedule the simulator admits costs less than the MILP's claimed bound, so the
                // model excluded it and the bound does not hold for every schedule (the cause once
                // seen, no keep past a value's last use, is fixed by keep horizons; this stays as a
                // safeguard). Only the LP bound, when below the cost, and Σ C remain.
                result.notes.append("the MILP's bound \(formatCost(claimed)) is above a replayed schedule's cost \(best.cost): not a valid bound, dropped")
                result.lowerBound = search.lpBound.flatMap { $0 <= Double(best.cost) + tolerance ? $0 : nil }
                if result.status == .optimal { result.status = .feasible }
            }
            let bound = max(result.lowerBound ?? 0, Double(graph.forwardCost))
            result.lowerBound = bound
            if result.status == .feasible, Double(best.cost) <= bound {
                result.status = .optimal
                result.notes.append("the schedule's cost meets the lower bound: optimal")
            }
            if result.status == .optimal, Double(best.cost) > bound + tolerance {
                result.status = .feasible
                result.notes.append("the solver's optimum did not replay within the budget; the best replayed schedule is kept")
            }
        } else if result.status == .optimal {
            result.status = .noSchedule
        }
        result.seconds = search.elapsed()
    }
}
