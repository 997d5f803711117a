import Synchronization

/// Why a solve stopped.
public enum TerminationReason: String, Sendable, Codable {
    /// Optimality proven (within the solver's default tolerances).
    case optimal
    case infeasible
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
    case time
    case nodes
    /// The requested relative or absolute gap was reached before optimality was proven.
    case gap
    case solutions
    case iterations
    /// Stopped on request (`SolveOptions.interrupt`).
    case interrupted
}

/// Where a variable or row sits in an LP basis.
public enum BasisStatus: String, Sendable, Codable {
    case basic, atLower, atUpper, free, superbasic, fixed
}

/// A thread-safe flag that stops a running solve when set (e.g. from a SIGINT handler).
public final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func set() { flag.store(true, ordering: .relaxed) }
    public func reset() { flag.store(false, ordering: .relaxed) }
    public var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// Settings every adapter understands. `nil` means the solver's default.
public struct SolveOptions: Sendable {
    /// Wall-clock limit in seconds.
    public var timeLimit: Double?
    /// Stop when |objective − bound| / |objective| ≤ this.
    public var relativeGap: Double?
    /// Stop when |objective − bound| ≤ this.
    public var absoluteGap: Double?
    public var threads: Int?
    public var nodeLimit: Int?
    /// Stop after this many improving solutions.
    public var solutionLimit: Int?
    /// 0 = silent; higher numbers pass more of the solver's log through.
    public var logLevel: Int = 0
    public var seed: Int?
    /// Hand the model's MIP start to the solver.
    public var useStart: Bool = true
    /// Setting this flag stops the solve as soon as the solver can be stopped.
    public var interrupt: InterruptFlag?
    /// CBC's MIP preprocessing (CglPreProcess; nil: on). Off, small sub-MIPs whose preprocessing
    /// would eat their time limit get to branching. Other solvers ignore it.
    public var preprocessing: Bool?

    public init(
        timeLimit: Double? = nil, relativeGap: Double? = nil, absoluteGap: Double? = nil,
        threads: Int? = nil, nodeLimit: Int? = nil, solutionLimit: Int? = nil,
        logLevel: Int = 0, seed: Int? = nil, useStart: Bool = true, interrupt: InterruptFlag? = nil
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
    }
}

/// What an adapter reports, in the column space of the `StandardForm` it was given.
public struct SolverOutput: Sendable {
    public var termination: TerminationReason
    public var limit: SolveLimit?
    /// The best feasible point, when the solver has one.
    public var values: [Double]?
    /// Best bound on the objective, without the objective constant (±inf when unknown).
    public var bestBound: Double
    public var nodes: Int = 0
    public var iterations: Int?
    public var duals: [Double]?
    public var reducedCosts: [Double]?
    public var columnBasis: [BasisStatus]?
    public var rowBasis: [BasisStatus]?
    public var message: String?
    /// [seconds since the solve started, objective without the constant] per new incumbent, when
    /// the solver reports them.
    public var incumbentTrace: [[Double]]?
    /// Seconds spent waiting for another solve in this process to release the solver library
    /// (`coinOrSolveLock`); not counted in `SolveResult.seconds`, and not in the time limit.
    public var queuedSeconds = 0.0

    public init(termination: TerminationReason, limit: SolveLimit? = nil, values: [Double]? = nil, bestBound: Double) {
        self.termination = termination
        self.limit = limit
        self.values = values
        self.bestBound = bestBound
    }
}

/// What a solver can take without compilation.
public struct SolverCapabilities: OptionSet, Sendable {
    public let rawValue: Int
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
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A MILP/LP solver. Adapters implement `solve(_:options:)` on a `StandardForm`; users call
/// `solve(_ model:options:)`, which validates, compiles, solves, maps back and checks statuses.
public protocol Solver: Sendable {
    /// Short name, e.g. "cbc".
    var name: String { get }
    var version: String { get }
    var capabilities: SolverCapabilities { get }
    /// Solves a lowered model. Never throws: failures are `.error` results.
    func solve(_ form: StandardForm, options: SolveOptions) -> SolverOutput
    /// True when several solves may run at once from different threads. The in-process adapters
    /// say no (CBC's and GLPK's C libraries are not known to be thread-safe); a solver that runs
    /// each solve in its own process says yes.
    var allowsConcurrentSolves: Bool { get }
}

extension Solver {
    public var allowsConcurrentSolves: Bool { false }

    /// Validates `model`, hands it to the solver in one piece and returns the result in the
    /// model's own terms (values per variable, objective with its constant, gap, wall time).
    public func solve(_ model: Model, options: SolveOptions = SolveOptions()) throws -> SolveResult {
        let clock = ContinuousClock.now
        try model.validate()
        if !capabilities.contains(.integers) && model.isMIP {
            throw SolverError("\(name) solves LPs only, and this model has \(model.integerCount) integer variables"
                + "\(model.sosConstraints.isEmpty ? "" : " and SOS sets")"
                + "; use cbc or glpk, or relax integrality with model.relaxIntegrality()")
        }
        let form = try StandardForm(model, nativeSOS: capabilities.contains(.nativeSOS))
        var output = solve(form, options: options)
        if output.termination == .infeasibleOrUnbounded {
            output.termination = refine(form, options: options)
        }
        var result = SolveResult(model: model, form: form, output: output, solver: self,
                                 seconds: (ContinuousClock.now - clock).seconds - output.queuedSeconds)
        result.discardInfeasiblePoint(of: model)
        return result
    }

    /// When the relaxation is unbounded the problem is unbounded if it is feasible at all
    /// (rational data): decide by solving the same constraints with a zero objective.
    private func refine(_ form: StandardForm, options: SolveOptions) -> TerminationReason {
        var feasibility = form
        feasibility.objective = Array(repeating: 0, count: form.columnCount)
        let check = solve(feasibility, options: options)
        switch check.termination {
        case .optimal: return .unbounded
        // With a zero objective nothing is unbounded: "infeasible or unbounded" means infeasible.
        case .infeasible, .infeasibleOrUnbounded: return .infeasible
        default: return .infeasibleOrUnbounded
        }
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

/// Runs `body` holding `coinOrSolveLock`; its output records how long the lock took to get.
package func withCoinOrSolveLock(_ body: () -> SolverOutput) -> SolverOutput {
    let asked = ContinuousClock.now
    return coinOrSolveLock.withLock { _ in
        let queued = (ContinuousClock.now - asked).seconds
        var output = body()
        output.queuedSeconds = queued
        return output
    }
}
