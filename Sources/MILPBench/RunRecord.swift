import Foundation
import GRDB

/// One (instance, solver, seed) run of a benchmark, as stored in the results database.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runs"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64?
    /// Instance name (file name without .mps/.lp/.gz), path as given, and a hash of the file's bytes.
    public var instance: String
    public var path: String
    public var instanceHash: String
    /// The solver spec as given (`cbc:threads=1`), the solver's own name and version.
    public var solver: String
    public var solverName: String
    public var solverVersion: String
    public var seed: Int
    public var timeLimit: Double
    /// A termination reason (`optimal`, `infeasible`, `unbounded`, `infeasible_or_unbounded`,
    /// `limit`, `error`) or what the runner saw: `crash` (killed by a signal), `killed` (did not stop
    /// by its deadline), `memory` (crashed at the memory cap), `bad_input` (unreadable instance).
    public var status: String
    /// The limit that stopped a `limit` run: time, nodes, gap, solutions, iterations, interrupted.
    public var limit: String?
    public var hasSolution: Bool
    public var objective: Double?
    public var bound: Double?
    public var gap: Double?
    /// Wall time of the solve inside the child process, and of the whole child process.
    public var seconds: Double
    public var wallSeconds: Double
    public var nodes: Int?
    /// Peak resident memory of the child process, in MiB.
    public var peakMemoryMiB: Double?
    /// Exit code of the child process, or the signal that ended it.
    public var exitCode: Int?
    public var signal: Int?
    /// Why the answer is wrong (see `Verification`), or nil.
    public var wrong: String?
    /// Largest violation of the returned solution in the original model.
    public var maxViolation: Double?
    public var sense: String
    public var message: String?
    /// Incumbent trace as JSON `[[seconds, objective], …]`, when the solver records one.
    public var trace: String?
    public var timestamp: String
    public var host: String

    /// The identity of a run for resuming: the same instance bytes, solver spec, seed and limit.
    public var key: RunKey { RunKey(instanceHash: instanceHash, solver: solver, seed: seed, timeLimit: timeLimit) }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What makes two runs the same run.
public struct RunKey: Hashable, Sendable {
    public var instanceHash: String
    public var solver: String
    public var seed: Int
    public var timeLimit: Double

    public init(instanceHash: String, solver: String, seed: Int, timeLimit: Double) {
        self.instanceHash = instanceHash
        self.solver = solver
        self.seed = seed
        self.timeLimit = timeLimit
    }
}
