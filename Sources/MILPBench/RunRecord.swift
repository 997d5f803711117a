import Foundation
import GRDB

/// One (instance, solver, seed) run of a benchmark, as stored in the results database.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The SQLite table runs are stored in.
    public static let databaseTableName = "runs"
    /// Columns are named in snake case (`instance_hash`).
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    /// Columns are named in snake case (`instance_hash`).
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// The database row id; nil until the record is inserted.
    public var id: Int64?
    /// Instance name (file name without .mps/.lp/.gz), path as given, and a hash of the file's bytes.
    public var instance: String
    /// The instance file's path as given.
    public var path: String
    /// FNV-1a 64 hash of the instance file's bytes, hex (see ``BenchInstance/hash``).
    public var instanceHash: String
    /// The solver spec as given (`cbc:threads=1`), the solver's own name and version.
    public var solver: String
    /// The solver's own name, as it reported it (the spec's name when the child gave no report).
    public var solverName: String
    /// The solver's version; empty when the child gave no report.
    public var solverVersion: String
    /// The random seed passed to the solver.
    public var seed: Int
    /// The time limit of the run, in seconds.
    public var timeLimit: Double
    /// A termination reason (`optimal`, `infeasible`, `unbounded`, `infeasible_or_unbounded`,
    /// `limit`, `error`) or what the runner saw: `crash` (killed by a signal), `killed` (did not stop
    /// by its deadline), `memory` (crashed at the memory cap), `bad_input` (unreadable instance).
    public var status: String
    /// The limit that stopped a `limit` run: time, nodes, gap, solutions, iterations, interrupted.
    public var limit: String?
    /// Whether the solver returned a solution.
    public var hasSolution: Bool
    /// The objective value of the returned solution; nil without one.
    public var objective: Double?
    /// The best proven bound on the optimum; nil when unknown (not finite).
    public var bound: Double?
    /// The relative gap between objective and bound, as the solver reported it; nil when unknown or not finite.
    public var gap: Double?
    /// Wall time of the solve inside the child process, and of the whole child process.
    public var seconds: Double
    /// Wall time of the whole child process, in seconds.
    public var wallSeconds: Double
    /// Branch-and-bound nodes, when the solver reports them.
    public var nodes: Int?
    /// Peak resident memory of the child process, in MiB.
    public var peakMemoryMiB: Double?
    /// Exit code of the child process, or the signal that ended it.
    public var exitCode: Int?
    /// The signal that ended the child process, or nil when it exited.
    public var signal: Int?
    /// Why the answer is wrong (see `Verification`), or nil.
    public var wrong: String?
    /// Largest violation of the returned solution in the original model.
    public var maxViolation: Double?
    /// The objective sense: `minimize` or `maximize`.
    public var sense: String
    /// The solver's or the runner's message (an error, why the child was killed), if any.
    public var message: String?
    /// Incumbent trace as JSON `[[seconds, objective], …]`, when the solver records one.
    public var trace: String?
    /// When the run started, ISO 8601.
    public var timestamp: String
    /// The name of the machine that ran it.
    public var host: String
    /// How MPS integer columns from MARKER lines without bounds were read: `nonnegative` or
    /// `binary` (`MarkerIntegerBounds`); nil in databases from before the setting (nonnegative).
    public var markerIntegerBounds: String?

    /// The identity of a run for resuming: the same instance bytes, solver spec, seed and limit.
    public var key: RunKey { RunKey(instanceHash: instanceHash, solver: solver, seed: seed, timeLimit: timeLimit) }

    /// Records the row id the database assigned (GRDB callback).
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What makes two runs the same run.
public struct RunKey: Hashable, Sendable {
    /// Hash of the instance file's bytes (see ``RunRecord/instanceHash``).
    public var instanceHash: String
    /// The solver spec as written (`cbc:threads=1`).
    public var solver: String
    /// The random seed.
    public var seed: Int
    /// The time limit, in seconds.
    public var timeLimit: Double

    /// A key from its parts.
    public init(instanceHash: String, solver: String, seed: Int, timeLimit: Double) {
        self.instanceHash = instanceHash
        self.solver = solver
        self.seed = seed
        self.timeLimit = timeLimit
    }
}
