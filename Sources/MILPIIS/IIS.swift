import MILP

/// Which side of a row, or of a variable's bounds, an IIS contains.
public enum IISSide: String, Sendable, Codable {
    /// `lower ≤ expression` (a row) or `lower ≤ x` (a variable).
    case lower
    /// `expression ≤ upper` (a row) or `x ≤ upper` (a variable).
    case upper
    /// Both sides (possible in MIPs: `0.2 ≤ x ≤ 0.8` with x integer).
    case both
}

/// A row of an IIS: which of its sides take part.
public struct IISRow: Sendable, Hashable, Codable {
    /// The row's index in the model.
    public var index: Int
    /// The row's name (a generated `c<index>` when it has none).
    public var name: String
    /// The sides that take part; for an equality row, `lower` or `upper` says which way the
    /// conflict pushes.
    public var side: IISSide
}

/// A variable bound of an IIS.
public struct IISBound: Sendable, Hashable, Codable {
    /// The variable's column in the model.
    public var column: Int
    /// The variable's name (a generated `x<index>` when it has none).
    public var name: String
    /// `lower` or `upper`.
    public var side: IISSide
    /// The bound's value.
    public var value: Double
}

/// How an IIS search went so far, as ``IISOptions/progress`` receives it.
public struct IISProgress: Sendable {
    /// Seconds since the search started.
    public var seconds: Double
    /// Feasibility tests (LP or MIP solves) so far.
    public var solves: Int
    /// Members (row sides and bounds) of the smallest infeasible subsystem known; 0 before
    /// infeasibility is established.
    public var candidates: Int
    /// Members of it known to be needed (dropping one makes the rest feasible).
    public var needed: Int
}

/// Settings of `Model.computeIIS(solver:options:)`.
public struct IISOptions: Sendable {
    /// Wall-clock limit in seconds for the whole search; when it runs out, the smallest
    /// infeasible subsystem found so far is returned (`isIrreducible` false).
    public var timeLimit: Double?
    /// Wall-clock limit in seconds for one MIP feasibility test. Branch and bound cannot always
    /// prove a subsystem infeasible once the bounds of its integer variables are dropped
    /// (2a + 2b + 2c = 3 with a, b, c free integers runs forever); a test that reaches this limit
    /// settles nothing: its member stays, and the result is not proven irreducible.
    public var testTimeLimit: Double = 10
    /// Setting this flag stops the search as the time limit does.
    public var interrupt: InterruptFlag?
    /// An LP solver with duals (CLP, GLPK) for the LP relaxation of a MIP when `solver` gives no
    /// duals (CBC): its Farkas certificates shrink the candidates fast. Nil: `solver` itself.
    public var relaxationSolver: (any Solver)?
    /// Called after each feasibility test, from the searching thread.
    public var progress: (@Sendable (IISProgress) -> Void)?

    /// Options with the given settings.
    public init(timeLimit: Double? = nil, interrupt: InterruptFlag? = nil, relaxationSolver: (any Solver)? = nil,
                progress: (@Sendable (IISProgress) -> Void)? = nil) {
        self.timeLimit = timeLimit
        self.interrupt = interrupt
        self.relaxationSolver = relaxationSolver
        self.progress = progress
    }
}

/// An irreducible infeasible subsystem (IIS): row sides and variable bounds that cannot all
/// hold, while dropping any one of them leaves a system that can.
public struct IISResult: Sendable {
    /// How the search ended.
    public enum Status: String, Sendable, Codable {
        /// An infeasible subsystem was found (irreducible when ``IISResult/isIrreducible``).
        case iis
        /// The model is feasible: there is nothing to explain.
        case feasible
        /// Time ran out or the search was interrupted: ``IISResult/rows`` and
        /// ``IISResult/bounds`` hold the smallest infeasible subsystem found so far (empty when
        /// infeasibility was not established yet).
        case limit
    }
    /// How the search ended.
    public var status: Status
    /// The subsystem's rows, by index.
    public var rows: [IISRow]
    /// The subsystem's variable bounds, by column. Bounds of semi-continuous and semi-integer
    /// variables and of SOS members define those variables and are never members (they are in
    /// every subsystem); nor is integrality, which a MIP's subsystem keeps.
    public var bounds: [IISBound]
    /// True when every deletion test was conclusive: dropping any member was shown to leave a
    /// feasible system (with a checked point), and the whole is proven infeasible.
    public var isIrreducible: Bool
    /// Feasibility tests (LP or MIP solves) the search made.
    public var solves: Int
    /// Wall-clock seconds of the search.
    public var seconds: Double
    /// A note: why the model counts as feasible, or which tests were inconclusive.
    public var message: String?

    /// Row sides plus bounds: a row with both sides counts twice.
    public var size: Int { rows.reduce(0) { $0 + ($1.side == .both ? 2 : 1) } + bounds.count }

    /// The subsystem as a model of its own, for a file any solver reads: the rows with their IIS
    /// sides only (the others free), the columns in them with their IIS bounds only (others
    /// free), integrality, semi-continuity and SOS sets kept, a zero objective. Names are the
    /// model's (generated ones for unnamed rows and columns).
    public func subsystem(of model: Model) -> Model {
        MemberSet(model).subsystem(members, compact: true)
    }

    var members: [Member] {
        rows.flatMap { row -> [Member] in
            let r = Int32(row.index)
            switch row.side {
            case .lower: return [Member(kind: .row, index: r, upper: false)]
            case .upper: return [Member(kind: .row, index: r, upper: true)]
            case .both: return [Member(kind: .row, index: r, upper: false), Member(kind: .row, index: r, upper: true)]
            }
        } + bounds.map { Member(kind: .bound, index: Int32($0.column), upper: $0.side == .upper) }
    }
}

/// Errors of `Model.computeIIS(solver:options:)` that are not the model's or the
/// solver's (those throw `ModelValidationError` and `SolverError`).
public struct IISError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String
}

extension Model {
    /// Finds an irreducible infeasible subsystem (IIS) of this model: row sides and variable
    /// bounds that cannot all hold while every proper subset can — the answer to "why is my
    /// model infeasible?".
    ///
    /// LPs (and the LP relaxation of a MIP, when it is infeasible already) are analysed on the
    /// elastic LP (Chinneck): one solve gives a Farkas certificate whose support is an
    /// infeasible subsystem (the sensitivity filter); a deletion filter then drops each member
    /// in turn, keeping it when the rest turns feasible and shrinking to the new certificate's
    /// support when not. Re-solves start from the last basis on CLP. Every certificate is
    /// checked in the model's numbers and every "feasible" by a point, so a claim no check
    /// backs keeps its member and makes ``IISResult/isIrreducible`` false.
    ///
    /// For a MIP, the subsystem is infeasible with integrality and every proper subset is
    /// feasible with it: the LP's IIS (when the relaxation is infeasible) or QuickXplain's
    /// bisection over all members (when only integrality makes it infeasible) is filtered by MIP
    /// solves on `solver`, whose infeasible claims are confirmed as `Solver.solve` confirms them.
    ///
    /// - Parameters:
    ///   - solver: the solver for the feasibility tests; CLP takes LPs only.
    ///   - options: time limit, interrupt, an LP solver for MIP relaxations, progress.
    /// - Returns: the subsystem, or status `feasible` when the model has a (checked) solution.
    /// - Throws: `ModelValidationError` for an invalid model (NaN, crossed bounds), `SolverError`
    ///   when `solver` cannot take the model, ``IISError`` when the solver fails on the model
    ///   itself so that not even its feasibility can be decided.
    public func computeIIS(solver: any Solver, options: IISOptions = IISOptions()) throws -> IISResult {
        try validate()
        if isMIP && !solver.capabilities.contains(.integers) {
            throw SolverError("\(solver.name) solves LPs only, and this model has \(integerCount) integer variables"
                + "\(sosConstraints.isEmpty ? "" : " and SOS sets"); use cbc or glpk")
        }
        var search = try IISSearch(model: self, solver: solver, options: options)
        return try search.run()
    }

    /// `computeIIS(solver:options:)` on a thread of its own; cancelling the calling Task stops
    /// the search as ``IISOptions/interrupt`` does (status `limit`).
    public func computeIIS(solver: any Solver, options: IISOptions = IISOptions()) async throws -> IISResult {
        var options = options
        let cancellation = InterruptFlag(following: options.interrupt)
        options.interrupt = cancellation
        return try await withTaskCancellationHandler {
            try await onOwnThread { [self, options] in try self.computeIIS(solver: solver, options: options) }
        } onCancel: {
            cancellation.set()
        }
    }
}
