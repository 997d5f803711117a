@_exported import MILP
@_exported import MILPCbc
@_exported import MILPClp
@_exported import MILPGlpk
@_exported import MILPFormats
@_exported import MILPGenerators
@_exported import MILPBench
@_exported import MILPLNS
@_exported import MILPIIS
@_exported import MILPRemat
@_exported import MILPCoreShape
@_exported import MILPSynth

/// The solvers MILPKit ships, by name.
public enum Solvers {
    /// Every adapter: cbc, clp, glpk.
    public static let all: [any Solver] = [CbcSolver(), ClpSolver(), GlpkSolver()]

    /// The solver called `name` ("cbc", "clp", "glpk"), or nil.
    public static func named(_ name: String) -> (any Solver)? {
        all.first { $0.name == name.lowercased() }
    }

    /// CBC for models that need branching, CLP for pure LPs.
    public static func automatic(for model: Model) -> any Solver {
        model.isMIP ? CbcSolver() : ClpSolver()
    }
}

extension Model {
    /// Solves with `solver`, or with CBC (MIP) / CLP (LP) when none is given.
    public func solve(with solver: (any Solver)? = nil, options: SolveOptions = SolveOptions()) throws -> SolveResult {
        try (solver ?? Solvers.automatic(for: self)).solve(self, options: options)
    }

    /// Solves with `solver`, or with CBC (MIP) / CLP (LP) when none is given, without blocking:
    /// see the async `Solver.solve(_:options:)`. Cancelling the calling Task stops the
    /// search and returns the best point found so far.
    public func solve(with solver: (any Solver)? = nil, options: SolveOptions = SolveOptions()) async throws -> SolveResult {
        try await (solver ?? Solvers.automatic(for: self)).solve(self, options: options)
    }
}

extension Model {
    /// `MILPIIS` on CLP for an LP; on CBC for a MIP, with CLP for its LP relaxation.
    public func computeIIS(options: IISOptions = IISOptions()) throws -> IISResult {
        try computeIIS(solver: Solvers.automatic(for: self), options: Self.automaticRelaxation(options))
    }

    /// The async `computeIIS(options:)`: cancelling the calling Task stops the search.
    public func computeIIS(options: IISOptions = IISOptions()) async throws -> IISResult {
        try await computeIIS(solver: Solvers.automatic(for: self), options: Self.automaticRelaxation(options))
    }

    private static func automaticRelaxation(_ options: IISOptions) -> IISOptions {
        var options = options
        if options.relaxationSolver == nil { options.relaxationSolver = ClpSolver() }
        return options
    }
}

// The builders take any solver; with MILPKit they default to CBC.

extension Rematerializer {
    /// `solve(_:solver:)` with CBC.
    public func solve(_ options: RematOptions = RematOptions()) throws -> RematResult {
        try solve(options, solver: CbcSolver())
    }
}

extension CoreShapeProblem {
    /// `solve(budget:method:epsilon:exactMethod:solver:)` with CBC.
    public func solve(budget: Int, method: CoreShapeMethod, epsilon: Double = 0.5,
                      exactMethod: ExactMethod = .outerApproximation) throws -> (CoreShapeChoice, CoreShapeStats) {
        try solve(budget: budget, method: method, epsilon: epsilon, exactMethod: exactMethod, solver: CbcSolver())
    }
}

extension LNS {
    /// An LNS whose repairs run on CBC in this process and whose root LP runs on CLP.
    public init(config: LNSConfig = .init()) {
        self.init(config: config, solver: CbcSolver(), lpSolver: ClpSolver())
    }
}
