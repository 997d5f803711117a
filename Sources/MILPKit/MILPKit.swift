@_exported import MILP
@_exported import MILPCbc
@_exported import MILPClp
@_exported import MILPGlpk
@_exported import MILPFormats
@_exported import MILPGenerators
@_exported import MILPBench
@_exported import MILPLNS

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
}
