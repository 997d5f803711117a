import MILP

/// Model files chosen by extension: `.mps`, `.mps.gz`, `.lp`, `.lp.gz` (any other name is read
/// as MPS; gzip is detected by content when reading). LP files are read by `LPReader` and
/// written by `LPWriter`.
public enum ModelFile {
    /// A model file format: MPS or CPLEX LP.
    public enum Format: String, Sendable, CaseIterable {
        case mps, lp
    }

    /// The format a path's extension names (`.gz` stripped).
    public static func format(of path: String) -> Format {
        let base = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
        return base.lowercased().hasSuffix(".lp") ? .lp : .mps
    }

    /// Reads a model; errors name the file and line.
    public static func read(_ path: String) throws -> Model { try readWithNotes(path).model }

    /// Reads a model, with what the file left to a convention or what it says that a solver
    /// would only find later (``ReadNotes``); `markerIntegerBounds` applies to MPS files.
    public static func readWithNotes(_ path: String, markerIntegerBounds: MarkerIntegerBounds = .nonnegative)
        throws -> (model: Model, notes: ReadNotes) {
        switch format(of: path) {
        case .mps: return try MPSReader(markerIntegerBounds: markerIntegerBounds).readWithNotes(path: path)
        case .lp: return try LPReader().readWithNotes(path: path)
        }
    }

    /// Writes a model in the format its path names.
    public static func write(_ model: Model, to path: String) throws {
        switch format(of: path) {
        case .mps: try MPSWriter().write(model, to: path)
        case .lp: try LPWriter().write(model, to: path)
        }
    }

    /// The instance name of a path: the file name without `.gz`, `.mps`, `.lp`.
    public static func instanceName(_ path: String) -> String {
        var name = String(path.split(separator: "/").last ?? Substring(path))
        for suffix in [".gz", ".mps", ".lp", ".MPS", ".LP"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        return name
    }
}

/// The bounds of MPS integer columns declared between `MARKER` lines and given no bound in
/// `BOUNDS`: the MPS format leaves them open, and tools differ.
public enum MarkerIntegerBounds: String, Sendable, CaseIterable {
    /// [0, +inf), the bounds of any column without a bound line (the default).
    case nonnegative
    /// [0, 1], as the cbc and glpsol executables' MPS readers and HiGHS read them, and as
    /// MIPLIB 2017 states for its files.
    case binary
}

/// What a reader noticed beside the model: a convention it applied where tools differ, or a row
/// that makes the model infeasible by itself.
public struct ReadNotes: Sendable, Equatable {
    /// The convention the MPS reader applied to ``markerIntegersWithoutBounds``.
    public var markerIntegerBounds: MarkerIntegerBounds = .nonnegative
    /// MPS integer columns from `MARKER` lines with no bound in `BOUNDS`.
    public var markerIntegersWithoutBounds = 0
    /// Rows without variables (LP `c: = 0`, or all coefficients 0) whose bounds exclude 0, by name.
    public var infeasibleEmptyRows: [String] = []
    /// MPS integer columns from `MARKER` lines that an `SC` bound made semi-continuous (HiGHS's
    /// and lp_solve's reading; CPLEX's is semi-integer, which `SI` states unambiguously).
    public var markerSemiContinuous = 0
    /// Integer columns whose fractional bounds were rounded inward (`x >= 5.5` on an integer x
    /// is `x >= 6`: the same integer points), as other readers and solvers take them.
    public var roundedIntegerBounds = 0

    /// Notes with the given convention and nothing counted.
    public init(markerIntegerBounds: MarkerIntegerBounds = .nonnegative) { self.markerIntegerBounds = markerIntegerBounds }

    /// Rounds the fractional bounds of integer columns inward, counting the columns.
    mutating func roundIntegerBounds(_ data: inout SparseModelData) {
        for j in data.kinds.indices where data.kinds[j] == .integer {
            let (lo, up) = (data.lowerBounds[j], data.upperBounds[j])
            guard (lo.isFinite && lo != lo.rounded()) || (up.isFinite && up != up.rounded()) else { continue }
            (data.lowerBounds[j], data.upperBounds[j]) = (lo.rounded(.up), up.rounded(.down))
            roundedIntegerBounds += 1
        }
    }

    /// Records the rows of `model` without a nonzero coefficient whose bounds exclude 0 (with
    /// `FeasibilityReport.acceptedViolation` of slack, as solutions are checked).
    mutating func noteInfeasibleEmptyRows(of model: Model) {
        let slack = FeasibilityReport.acceptedViolation
        for r in 0..<model.constraintCount where model.rowLowerBounds[r] > slack || model.rowUpperBounds[r] < -slack {
            guard model.rowCoefficients[model.rowStarts[r]..<model.rowStarts[r + 1]].allSatisfy({ $0 == 0 }) else { continue }
            infeasibleEmptyRows.append(model.name(of: model.constraint(at: r)))
        }
    }

    /// One sentence per note, for users: empty when there is nothing to say.
    public var warnings: [String] {
        var out: [String] = []
        if markerIntegersWithoutBounds > 0 {
            let count = markerIntegersWithoutBounds, one = count == 1
            let (read, other) = markerIntegerBounds == .binary
                ? ("[0, 1], as the cbc and glpsol executables, HiGHS and MIPLIB 2017 do", "nonnegative")
                : ("[0, +inf); the cbc and glpsol executables, HiGHS and MIPLIB 2017 read \(one ? "it" : "them") as [0, 1], so their optimum may differ", "binary")
            out.append("\(count) integer column\(one ? "" : "s") between MARKER lines \(one ? "has" : "have") no bounds, read as "
                + "\(read) (--marker-integer-bounds \(other) reads the other way)")
        }
        if markerSemiContinuous > 0 {
            out.append("\(markerSemiContinuous) integer column\(markerSemiContinuous == 1 ? "" : "s") between MARKER lines "
                + "\(markerSemiContinuous == 1 ? "has" : "have") an SC bound, read as semi-continuous as HiGHS and lp_solve do "
                + "(CPLEX reads semi-integer; an SI bound says semi-integer)")
        }
        if roundedIntegerBounds > 0 {
            out.append("\(roundedIntegerBounds) integer column\(roundedIntegerBounds == 1 ? " has" : "s have") fractional bounds, "
                + "rounded inward (the same integer points)")
        }
        if !infeasibleEmptyRows.isEmpty {
            let names = infeasibleEmptyRows.prefix(5).joined(separator: ", ") + (infeasibleEmptyRows.count > 5 ? ", …" : "")
            out.append("\(infeasibleEmptyRows.count) row\(infeasibleEmptyRows.count == 1 ? "" : "s") without variables "
                + "\(infeasibleEmptyRows.count == 1 ? "has" : "have") bounds that exclude 0 (\(names)): the model is infeasible")
        }
        return out
    }
}
