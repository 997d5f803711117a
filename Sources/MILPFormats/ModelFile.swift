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
    public static func read(_ path: String) throws -> Model {
        switch format(of: path) {
        case .mps: return try MPSReader().read(path: path)
        case .lp: return try LPReader().read(path: path)
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
