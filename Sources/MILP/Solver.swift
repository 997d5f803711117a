import Foundation
import Synchronization

/// Why a solve stopped.
public enum TerminationReason: String, Sendable, Codable {
    /// Optimality proven (within the solver's default tolerances).
    case optimal
    /// No point satisfies the constraints, bounds and integrality.
    case infeasible
    /// Feasible points exist whose objective improves without limit.
    case unbounded
    /// The solver proved that no optimal solution exists, but not which of the two it is.
    case infeasibleOrUnbounded = "infeasible_or_unbounded"
    /// A limit stopped the search; see `SolveResult.limit`.
    case limitReached = "limit"
    /// The solver failed (numerical trouble, internal error); see `SolveResult.message`.
    case error
}

/// Which limit stopped a solve that ended with `.limitReached`.
public enum SolveLimit: String, Sendable, Codable {
    /// `SolveOptions.timeLimit` was reached.
    case time
    /// `SolveOptions.nodeLimit` was reached.
    case nodes
    /// The requested relative or absolute gap was reached before optimality was proven.
    case gap
    /// `SolveOptions.solutionLimit` improving solutions were found.
    case solutions
    /// The solver's simplex iteration limit was reached.
    case iterations
    /// Stopped on request (`SolveOptions.interrupt`).
    case interrupted
}

/// Where a variable or row sits in an LP basis.
public enum BasisStatus: String, Sendable, Codable {
    case basic, atLower, atUpper, free, superbasic, fixed
}

/// A thread-safe flag that stops a running solve when set (e.g. from a SIGINT handler).
///
/// A flag made with ``init(following:)`` is also set whenever the flag it follows is: the async
/// `solve` links its own flag (set on Task cancellation) to the caller's this way.
public final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    private let parent: InterruptFlag?
    /// A flag that is set only by ``set()``.
    public init() { parent = nil }
    /// A flag that is set by ``set()`` or whenever `parent` is set.
    public init(following parent: InterruptFlag?) { self.parent = parent }
    /// Requests the stop.
    public func set() { flag.store(true, ordering: .relaxed) }
    /// Withdraws this flag's own request (not one of the flag it follows).
    public func reset() { flag.store(false, ordering: .relaxed) }
    /// True once a stop was requested here or on the followed flag.
    public var isSet: Bool { flag.load(ordering: .relaxed) || parent?.isSet == true }
}

/// A snapshot of a running solve, as `SolveOptions.progress` and `SolveOptions.onIncumbent`
/// receive it, in the model's own terms (objective constant included).
public struct SolveProgress: Sendable {
    /// Seconds since the solver started.
    public var seconds: Double
    /// The objective of the best feasible point found so far, or nil before the first one.
    public var incumbent: Double?
    /// The best proven bound on the optimum; −inf (minimization) or +inf (maximization) while unknown.
    public var bestBound: Double
    /// Branch-and-bound nodes processed so far.
    public var nodes: Int
    /// Simplex iterations so far, reported by LP solves (CLP, GLPK); nil in branch and bound.
    public var iterations: Int?

    /// A snapshot with the given values, in the model's terms; `iterations` is nil in branch and bound.
    public init(seconds: Double, incumbent: Double?, bestBound: Double, nodes: Int, iterations: Int? = nil) {
        self.seconds = seconds
        self.incumbent = incumbent
        self.bestBound = bestBound
        self.nodes = nodes
        self.iterations = iterations
    }

    /// |incumbent − bound| / max(|incumbent|, 1e-10), as `SolveResult.gap`; nil without an
    /// incumbent, +inf while the bound is unknown.
    public var gap: Double? {
        guard let incumbent else { return nil }
        return relativeGap(objective: incumbent, bound: bestBound)
    }
}

/// |objective − bound| / max(|objective|, 1e-10); 0 when they are equal, +inf when the bound is infinite.
func relativeGap(objective: Double, bound: Double) -> Double {
    let difference = abs(objective - bound)
    return difference == 0 ? 0 : (bound.isFinite ? difference / max(abs(objective), 1e-10) : .infinity)
}

/// Settings every adapter understands. `nil` means the solver's default.
public struct SolveOptions: Sendable {
    /// Wall-clock limit in seconds.
    public var timeLimit: Double?
    /// Stop when |objective − bound| / |objective| ≤ this.
    public var relativeGap: Double?
    /// Stop when |objective − bound| ≤ this.
    public var absoluteGap: Double?
    /// Number of threads the search may use (CBC; GLPK ignores it). 1, like nil, is CBC's serial
    /// search; more is its threaded search.
    public var threads: Int?
    /// Stop after this many branch-and-bound nodes.
    public var nodeLimit: Int?
    /// Stop after this many improving solutions.
    public var solutionLimit: Int?
    /// 0 = silent; higher numbers pass more of the solver's log through.
    public var logLevel: Int = 0
    /// Random seed for the solver's randomized choices (CBC; GLPK ignores it).
    public var seed: Int?
    /// Hand the model's MIP start to the solver.
    public var useStart: Bool = true
    /// Setting this flag stops the solve as soon as the solver can be stopped.
    public var interrupt: InterruptFlag?
    /// CBC's MIP preprocessing (CglPreProcess; nil: on). Off, small sub-MIPs whose preprocessing
    /// would eat their time limit get to branching. Other solvers ignore it: GLPK's MIP presolver
    /// is cheap and stays on.
    public var preprocessing: Bool?
    /// The solver's LP presolve (nil: the solver's default). Off, each solver takes another path
    /// to its answer: CLP solves the model as given (no scaling) with the primal simplex, CBC runs
    /// without presolve and without preprocessing, GLPK runs unscaled from the standard basis and
    /// starts branch and bound from its own root LP rather than from its MIP presolver. Statuses
    /// are confirmed on that path (`Solver.solve(_ model:options:)`).
    public var presolve: Bool?
    /// Confirm infeasible and unbounded claims before reporting them (see
    /// `Solver.solve(_ model:options:)`); off, the solver's claim is reported as it is —
    /// for sub-solves whose caller treats every outcome alike.
    public var confirmsClaims = true
    /// Called from the solving thread with the search's state, at most once per
    /// `progressInterval`: CBC's and GLPK's branch and bound, CLP's and GLPK's simplex iterations.
    /// Keep it short: the search waits for it.
    public var progress: (@Sendable (SolveProgress) -> Void)?
    /// Seconds between two `progress` calls, at least.
    public var progressInterval: Double = 0.25
    /// Called from the solving thread each time the search finds a better feasible point (CBC,
    /// GLPK), with the state at that moment; the point itself comes with the result, since the
    /// solvers hold it in their presolved space until the search ends.
    public var onIncumbent: (@Sendable (SolveProgress) -> Void)?

    /// Options with the given settings; `nil` keeps the solver's default.
    public init(
        timeLimit: Double? = nil, relativeGap: Double? = nil, absoluteGap: Double? = nil,
        threads: Int? = nil, nodeLimit: Int? = nil, solutionLimit: Int? = nil,
        logLevel: Int = 0, seed: Int? = nil, useStart: Bool = true, interrupt: InterruptFlag? = nil,
        progress: (@Sendable (SolveProgress) -> Void)? = nil
    ) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.absoluteGap = absoluteGap
        self.threads = threads
        self.nodeLimit = nodeLimit
        self.solutionLimit = solutionLimit
        self.logLevel = logLevel
        self.seed = seed
        self.useStart = useStart
        self.interrupt = interrupt
        self.progress = progress
    }
}

/// What an adapter reports, in the column space of the `StandardForm` it was given.
public struct SolverOutput: Sendable {
    /// Why the solve stopped. `.infeasibleOrUnbounded` is refined by `solve(_ model:options:)`.
    public var termination: TerminationReason
    /// Which limit stopped the solve, when `termination` is `.limitReached`.
    public var limit: SolveLimit?
    /// The best feasible point, when the solver has one.
    public var values: [Double]?
    /// Best bound on the objective, without the objective constant (±inf when unknown).
    public var bestBound: Double
    /// Branch-and-bound nodes processed (0 when unknown or for an LP).
    public var nodes: Int = 0
    /// Simplex iterations, when the solver reports them.
    public var iterations: Int?
    /// LP only: one dual value per row of the form, extra rows included.
    public var duals: [Double]?
    /// LP only: one reduced cost per column of the form, extra columns included.
    public var reducedCosts: [Double]?
    /// LP only: the basis status of each column of the form.
    public var columnBasis: [BasisStatus]?
    /// LP only: the basis status of each row of the form.
    public var rowBasis: [BasisStatus]?
    /// A human-readable note on a failure or unusual stop; nil when there is nothing to report.
    public var message: String?
    /// [seconds since the solve started, objective without the constant] per new incumbent, when
    /// the solver reports them.
    public var incumbentTrace: [[Double]]?
    /// Seconds spent waiting for another solve in this process to release the solver library
    /// (`coinOrSolveLock`); not counted in `SolveResult.seconds`, and not in the time limit.
    package var queuedSeconds = 0.0

    /// An output with the given status, point and bound (without the objective constant); the other
    /// fields start empty, `nodes` at 0.
    public init(termination: TerminationReason, limit: SolveLimit? = nil, values: [Double]? = nil, bestBound: Double) {
        self.termination = termination
        self.limit = limit
        self.values = values
        self.bestBound = bestBound
    }
}

/// What a solver can take without compilation.
public struct SolverCapabilities: OptionSet, Sendable {
    /// The capability bits; see the static members.
    public let rawValue: Int
    /// The set of capabilities whose bits are set in `rawValue`.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Integer variables (branch and bound).
    public static let integers = SolverCapabilities(rawValue: 1)
    /// SOS1/SOS2 sets.
    public static let nativeSOS = SolverCapabilities(rawValue: 2)
    /// LP duals, reduced costs and basis.
    public static let duals = SolverCapabilities(rawValue: 4)
}

/// Errors thrown before a solver runs: the model cannot be given to this solver.
public struct SolverError: Error, CustomStringConvertible, Sendable {
    /// Why the model cannot be given to this solver.
    public let description: String
    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}

/// A MILP/LP solver. Adapters implement `solve(_:options:)` on a `StandardForm`; users call
/// `solve(_ model:options:)`, which validates, compiles, solves, maps back and checks statuses.
public protocol Solver: Sendable {
    /// Short name, e.g. "cbc".
    var name: String { get }
    /// The solver library's version string.
    var version: String { get }
    /// What the solver takes natively: without `.integers` MIP models are rejected; without
    /// `.nativeSOS` SOS sets are compiled to binaries and rows.
    var capabilities: SolverCapabilities { get }
    /// Solves a lowered model. Never throws: failures are `.error` results.
    func solve(_ form: StandardForm, options: SolveOptions) -> SolverOutput
    /// True when several solves may run at once from different threads. The in-process adapters
    /// say no (CBC's and GLPK's C libraries are not known to be thread-safe); a solver that runs
    /// each solve in its own process says yes.
    var allowsConcurrentSolves: Bool { get }
    /// True when `solve(_ form:options:)` returns statuses that are already confirmed and points
    /// already checked (a solver that runs `milp solve` in a child process): no second path then.
    var reportsConfirmedOutputs: Bool { get }
    /// A session that keeps the LP `form` loaded between solves (see ``LPSession``); by default
    /// each solve starts from scratch.
    func makeLPSession(_ form: StandardForm) -> any LPSession
}

extension Solver {
    /// False unless an adapter says otherwise: solves must not overlap.
    public var allowsConcurrentSolves: Bool { false }
    /// False unless an adapter says otherwise: its claims are confirmed here.
    public var reportsConfirmedOutputs: Bool { false }

    /// Throws a ``SolverError`` naming `purpose` when this solver cannot branch (CLP): builders
    /// whose models have integer variables call it before their first solve.
    public func requireIntegers(for purpose: String) throws {
        guard capabilities.contains(.integers) else {
            throw SolverError("\(purpose) solves MILPs, and \(name) solves LPs only: use cbc or glpk")
        }
    }

    /// Validates `model`, hands it to the solver in one piece and returns the result in the
    /// model's own terms (values per variable, objective with its constant, gap, wall time).
    ///
    /// What the solver says is checked before it is reported:
    /// - An LP optimum must be proven by the solver's duals (their Lagrangian bound meets the
    ///   objective, within 1e-6 relative); one that is not is solved again on the second path,
    ///   whose proven optimum replaces it, and a disagreement neither path proves is `.error`.
    /// - An infeasible, unbounded or infeasible-or-unbounded claim is confirmed on a second path
    ///   (``SolveOptions/presolve`` off): a search for any feasible point (zero objective; for a
    ///   MIP, its LP relaxation first), and where that finds one, the model again. A claim the
    ///   second path contradicts is replaced by what the second path proves (a checked point, an
    ///   optimum), or reported as `.error` with both claims in the message; one that time runs
    ///   out on is `.limitReached` with a note.
    /// - A point that fails the feasibility check (`FeasibilityReport.acceptedViolation`) is
    ///   repaired (integers fixed, the LP re-solved) or the solve retried once on the second path,
    ///   within the time limit; only then dropped (``SolveResult/recovery`` says which).
    public func solve(_ model: Model, options: SolveOptions = SolveOptions()) throws -> SolveResult {
        let clock = ContinuousClock.now
        try model.validate()
        if !capabilities.contains(.integers) && model.isMIP {
            throw SolverError("\(name) solves LPs only, and this model has \(model.integerCount) integer variables"
                + "\(model.sosConstraints.isEmpty ? "" : " and SOS sets")"
                + "; use cbc or glpk, or relax integrality with model.relaxIntegrality()")
        }
        let form = try StandardForm(model, nativeSOS: capabilities.contains(.nativeSOS))
        // The time limit covers the whole call: checking and converting the model count against it.
        var solveOptions = options
        solveOptions.timeLimit = options.timeLimit.map { max(0, $0 - (ContinuousClock.now - clock).seconds) }
        var output = solve(form, options: solveOptions)
        let check = !reportsConfirmedOutputs && options.confirmsClaims
        if check {
            output = confirmClaim(output, form: form, model: model, options: options, started: clock)
        }
        var result = SolveResult(model: model, form: form, output: output, solver: self,
                                 seconds: (ContinuousClock.now - clock).seconds - output.queuedSeconds)
        if check { recoverInfeasiblePoint(&result, form: form, model: model, options: options, started: clock) }
        result.discardInfeasiblePoint(of: model)
        result.recognizeClosedGap(of: model)
        if check { result.seconds = (ContinuousClock.now - clock).seconds - output.queuedSeconds }
        return result
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) * 1e-18
    }
}

/// CBC and CLP share COIN-OR libraries whose solve paths keep global state (CBC's `CbcMain1`;
/// two solves at once in one process have crashed inside libCgl). Every in-process CBC or CLP
/// solve holds this lock; solves that must run in parallel run in separate processes
/// (`ChildProcessSolver`).
package let coinOrSolveLock = Mutex<Void>(())

/// Runs `body` holding `lock`; its output records how long the lock took to get. While another
/// solve holds the lock, `interrupt` is watched: set, the wait ends with an interrupted output
/// (a cancelled solve does not wait for the one before it).
package func withSolveLock(_ lock: borrowing Mutex<Void>, interrupt: InterruptFlag?, sense: ObjectiveSense,
                           _ body: () -> SolverOutput) -> SolverOutput {
    let asked = ContinuousClock.now
    while true {
        let output = lock.withLockIfAvailable { _ in
            let queued = (ContinuousClock.now - asked).seconds
            var output = body()
            output.queuedSeconds = queued
            return output
        }
        if let output { return output }
        if interrupt?.isSet == true {
            return SolverOutput(termination: .limitReached, limit: .interrupted, bestBound: -sense.sign * .infinity)
        }
        usleep(2_000)
    }
}

/// Feeds `SolveOptions.progress` and `SolveOptions.onIncumbent` from an adapter's search
/// callbacks: values in the model's terms (the objective constant added), `progress` at most once
/// per `progressInterval`, `onIncumbent` on every better objective.
package final class ProgressRelay: Sendable {
    private let progress: (@Sendable (SolveProgress) -> Void)?
    private let onIncumbent: (@Sendable (SolveProgress) -> Void)?
    private let interval: Duration
    private let constant: Double
    /// −inf for a minimization, +inf for a maximization.
    private let unknownBound: Double
    private let started = ContinuousClock.now
    private let last = Mutex<(reported: ContinuousClock.Instant?, incumbent: Double?)>((nil, nil))

    /// Nil when `options` asks for neither callback.
    package init?(_ options: SolveOptions, form: StandardForm) {
        guard options.progress != nil || options.onIncumbent != nil else { return nil }
        progress = options.progress
        onIncumbent = options.onIncumbent
        interval = .milliseconds(Int64(max(0, options.progressInterval) * 1000))
        constant = form.objectiveConstant
        unknownBound = -form.sense.sign * .infinity
    }

    /// The search's state in the form's terms: the incumbent's objective (nil before the first),
    /// the bound (±inf while unknown), nodes so far.
    package func update(incumbent: Double?, bound: Double, nodes: Int) {
        let now = ContinuousClock.now
        let (report, improved) = last.withLock { last -> (Bool, Bool) in
            let improved = incumbent != nil && incumbent != last.incumbent
            if improved { last.incumbent = incumbent }
            return (claimReport(at: now, after: &last.reported), improved)
        }
        guard report || (improved && onIncumbent != nil) else { return }
        let state = SolveProgress(seconds: (now - started).seconds, incumbent: incumbent.map { $0 + constant },
                                  bestBound: bound + (bound.isFinite ? constant : 0), nodes: nodes)
        if improved { onIncumbent?(state) }
        if report { progress?(state) }
    }

    /// True when a progress report is due at `now` (none yet, or the interval has passed since
    /// `reported`), which then becomes `now`.
    private func claimReport(at now: ContinuousClock.Instant, after reported: inout ContinuousClock.Instant?) -> Bool {
        guard progress != nil, reported.map({ now - $0 >= interval }) ?? true else { return false }
        reported = now
        return true
    }

    /// An LP's state: the simplex iterations so far (no incumbent, no bound).
    package func update(iterations: Int) {
        let now = ContinuousClock.now
        guard last.withLock({ claimReport(at: now, after: &$0.reported) }) else { return }
        progress?(SolveProgress(seconds: (now - started).seconds, incumbent: nil, bestBound: unknownBound, nodes: 0, iterations: iterations))
    }
}

// MARK: - Swift concurrency

extension Solver {
    /// Solves `model` without blocking the caller's thread: the solver runs on a thread of its
    /// own, off Swift's cooperative pool. Cancelling the calling Task stops the search as
    /// `SolveOptions.interrupt` does: the result is `.limitReached` with limit `.interrupted` and
    /// the best point found so far.
    ///
    /// In-process CBC, CLP and GLPK solves run one at a time (their C libraries are not known to
    /// be thread-safe); to solve several models at once, use a solver that runs each solve in its
    /// own process (`ChildProcessSolver`).
    public func solve(_ model: Model, options: SolveOptions = SolveOptions()) async throws -> SolveResult {
        var options = options
        let cancellation = InterruptFlag(following: options.interrupt)
        options.interrupt = cancellation
        return try await withTaskCancellationHandler {
            try await onOwnThread { [options] in try self.solve(model, options: options) }
        } onCancel: {
            cancellation.set()
        }
    }
}

/// Runs `body` on a new thread, off Swift's cooperative pool (blocking C solves must not hold
/// its few threads), and resumes with its result.
package func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result(catching: body)) }.start()
    }
}
