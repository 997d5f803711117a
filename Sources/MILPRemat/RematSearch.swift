import Foundation
import MILP

/// What the stages of a search share: the graph in the search's node order, the budget, one
/// clock, and one incumbent — the cheapest plan the simulator admitted so far — with the best
/// lower bound and the notes. Each stage (starts, LP bound, exact MILP, LP rounding, windows,
/// overflow repair) is a method that reads and improves it, and can be run and tested alone;
/// `Rematerializer.solve` runs them in sequence.
struct RematSearch {
    /// The graph the stages work on (the input, or the input in a memory-aware order).
    let graph: RematGraph
    /// The memory budget, in the graph's size units.
    let budget: Int64
    /// The input's node indices in `graph`'s order; nil when `graph` is the input.
    let executionOrder: [Int]?
    let options: RematOptions
    let solver: any Solver
    private let started: ContinuousClock.Instant
    /// The cheapest plan that replays within the budget, and its cost.
    private(set) var best: (plan: StagePlan, cost: Int64)?
    /// Seconds from the start until `best` was found.
    private(set) var secondsToBest: Double?
    /// Of the plans that do not fit, the one whose memory above the budget (Σ over stages) is least.
    private(set) var leastOverflow: (plan: StagePlan, overflow: Int64)?
    /// A proven lower bound on the cost of every plan in this order.
    private(set) var lowerBound: Double?
    /// The LP relaxation's value at the budget, when solved.
    var lpBound: Double?
    /// A stage's claim of optimality or infeasibility; `Rematerializer` keeps it only when the
    /// replayed incumbent agrees.
    var claim: RematResult.Status = .noSchedule
    /// Whether the restricted LP was solved and rounded; nil until tried (the order choice may try it first).
    var restrictedLPSolved: Bool?
    var notes: [String] = []

    /// A search whose clock started at `started` (earlier than now when preparation, such as
    /// choosing the node order, counts against the time limit).
    init(graph: RematGraph, budget: Int64, executionOrder: [Int]? = nil, options: RematOptions, solver: any Solver,
         started: ContinuousClock.Instant = .now) {
        self.graph = graph
        self.budget = budget
        self.executionOrder = executionOrder
        self.options = options
        self.solver = solver
        self.started = started
    }

    /// Seconds since the search started.
    func elapsed() -> Double { (ContinuousClock.now - started).seconds }
    /// Seconds left of `options.timeLimit`.
    func remaining() -> Double { max(0, options.timeLimit - elapsed()) }
    /// The instant `seconds` after the search started.
    func instant(_ seconds: Double) -> ContinuousClock.Instant { started + .seconds(seconds) }
    /// Seconds from now until `deadline` (at least 0.01: solvers take no zero limit).
    func secondsUntil(_ deadline: ContinuousClock.Instant) -> Double { max(0.01, (deadline - .now).seconds) }

    /// Whether the incumbent costs no more than a proven lower bound — Σ C, which no plan undercuts
    /// (every node runs at least once), or `lowerBound` — so that no plan is cheaper.
    var meetsLowerBound: Bool { best.map { Double($0.cost) <= max(Double(graph.forwardCost), lowerBound ?? 0) } ?? false }

    func log(_ message: @autoclosure () -> String) {
        options.log?(String(format: "%7.1f s  ", elapsed()) + message())
    }

    /// Replays `plan` without its useless keeps; it becomes the incumbent when it fits and is cheaper. A plan that does not
    /// fit is remembered when it overflows least (the overflow repair's start).
    mutating func offer(_ plan: StagePlan, from source: String) {
        let plan = plan.withoutUselessKeeps(graph: graph)
        let replay: SimulationReport
        do { replay = try Simulator.replay(plan.schedule(graph: graph), on: graph, budget: budget) } catch {
            if source == "milp" { notes.append("the MILP's schedule was rejected by the simulator: \(error)") }
            let overflow = plan.overflow(graph: graph, budget: budget)
            if overflow > 0 && overflow < leastOverflow?.overflow ?? .max { leastOverflow = (plan, overflow) }
            return
        }
        if replay.totalCost < best?.cost ?? .max {
            best = (plan, replay.totalCost)
            secondsToBest = elapsed()
            log("\(source): cost \(replay.totalCost)")
        }
    }

    /// Raises the lower bound to `bound` (a proven one).
    mutating func raiseLowerBound(to bound: Double) {
        lowerBound = max(lowerBound ?? -.infinity, bound)
    }

    /// A window over every stage was solved to optimality: its cost bounds every plan.
    mutating func windowProvedOptimal(_ cost: Double) {
        notes.append("a window over every stage was solved to optimality")
        raiseLowerBound(to: cost)
        claim = .optimal
    }
}
