import Foundation
import GRDB

/// The SQLite results database (WAL mode, one transaction per run: a killed batch loses no
/// finished run).
public final class ResultStore: Sendable {
    /// The database file's path.
    public let path: String
    private let database: DatabasePool

    /// Opens the database at `path`: for writing (created when missing), or read-only (it must
    /// exist and hold runs; nothing is written to it).
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        if readOnly && !FileManager.default.fileExists(atPath: path) { throw BenchError("\(path): no such results database") }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)  // another process (a shard, a report) may be writing
            configuration.readonly = readOnly
            database = try DatabasePool(path: path, configuration: configuration)
            if readOnly {
                guard try database.read({ try $0.tableExists("runs") }) else { throw BenchError("it has no runs table") }
                return
            }
            var migrator = DatabaseMigrator()
            migrator.registerMigration("runs-v1") { db in
                try db.create(table: "runs") { t in
                    t.autoIncrementedPrimaryKey("id")
                    t.column("instance", .text).notNull()
                    t.column("path", .text).notNull()
                    t.column("instance_hash", .text).notNull()
                    t.column("solver", .text).notNull()
                    t.column("solver_name", .text).notNull()
                    t.column("solver_version", .text).notNull()
                    t.column("seed", .integer).notNull()
                    t.column("time_limit", .double).notNull()
                    t.column("status", .text).notNull()
                    t.column("limit", .text)
                    t.column("has_solution", .boolean).notNull()
                    t.column("objective", .double)
                    t.column("bound", .double)
                    t.column("gap", .double)
                    t.column("seconds", .double).notNull()
                    t.column("wall_seconds", .double).notNull()
                    t.column("nodes", .integer)
                    t.column("peak_memory_mi_b", .double)
                    t.column("exit_code", .integer)
                    t.column("signal", .integer)
                    t.column("wrong", .text)
                    t.column("max_violation", .double)
                    t.column("sense", .text).notNull()
                    t.column("message", .text)
                    t.column("trace", .text)
                    t.column("timestamp", .text).notNull()
                    t.column("host", .text).notNull()
                    t.uniqueKey(["instance_hash", "solver", "seed", "time_limit"], onConflict: .replace)
                }
            }
            migrator.registerMigration("runs-v2-marker-integer-bounds") { db in
                try db.alter(table: "runs") { t in t.add(column: "marker_integer_bounds", .text) }
            }
            migrator.registerMigration("started-v1") { db in
                // Runs begun by a journaled batch (a Slurm task) and not finished yet: when the
                // process dies, they are what it was doing.
                try db.create(table: "started") { t in
                    t.column("instance_hash", .text).notNull()
                    t.column("solver", .text).notNull()
                    t.column("seed", .integer).notNull()
                    t.column("time_limit", .double).notNull()
                    t.column("record", .text).notNull()  // the run as a JSON RunRecord, status "killed"
                    t.primaryKey(["instance_hash", "solver", "seed", "time_limit"], onConflict: .replace)
                }
            }
            try migrator.migrate(database)
        } catch {
            throw BenchError("\(path): not a usable results database (\(Self.describe(error)))")
        }
    }

    /// Whether the file at `path` is a database without any table yet: what a writer that has
    /// just created it (a Slurm task starting) leaves for a moment before its first transaction.
    public static func hasNoTables(path: String) throws -> Bool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.readonly = true
        do {
            return try DatabaseQueue(path: path, configuration: configuration).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") == 0
            }
        } catch {
            throw BenchError("\(path): not a usable results database (\(describe(error)))")
        }
    }

    /// Stores one run in its own transaction (and clears its `started` mark).
    public func insert(_ record: RunRecord) throws {
        try database.write { db in
            try record.insert(db)
            try db.execute(sql: "DELETE FROM started WHERE instance_hash = ? AND solver = ? AND seed = ? AND time_limit = ?",
                           arguments: [record.instanceHash, record.solver, record.seed, record.timeLimit])
        }
    }

    /// Marks a run as begun: the record to store, as `killed`, should the process die before the
    /// run ends (``recordInterruptedRuns(reason:)``).
    public func markStarted(_ record: RunRecord) throws {
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        try database.write { db in
            try db.execute(sql: "INSERT INTO started (instance_hash, solver, seed, time_limit, record) VALUES (?, ?, ?, ?, ?)",
                           arguments: [record.instanceHash, record.solver, record.seed, record.timeLimit, json])
        }
    }

    /// The runs marked as begun and not finished: what a process that died was doing.
    public func interruptedRuns() throws -> [RunRecord] {
        try database.read { db in
            guard try db.tableExists("started") else { return [] }  // a database from before the journal
            return try String.fetchAll(db, sql: "SELECT record FROM started").map { try JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)) }
        }
    }

    /// Stores every run marked as begun and not finished as `killed` with `reason`, as a batch
    /// stores a run it had to kill; returns them.
    @discardableResult
    public func recordInterruptedRuns(reason: String) throws -> [RunRecord] {
        let interrupted = try interruptedRuns().map { run in
            var run = run
            run.status = "killed"
            run.message = reason
            return run
        }
        for run in interrupted { try insert(run) }
        return interrupted
    }

    /// Every run, in insertion order.
    public func runs() throws -> [RunRecord] {
        try database.read { db in try RunRecord.order(Column("id")).fetchAll(db) }
    }

    /// The keys of the runs already stored (for resuming).
    public func finishedKeys() throws -> Set<RunKey> {
        Set(try runs().map(\.key))
    }

    /// Copies every run of the databases at `paths` into this one (a run present in several keeps
    /// the last copy); returns the number of runs read.
    @discardableResult
    public func merge(from paths: [String]) throws -> Int {
        var count = 0
        for path in paths {
            guard FileManager.default.fileExists(atPath: path) else { throw BenchError("\(path): no such results database") }
            let runs = try ResultStore(path: path, readOnly: true).runs()
            try database.write { db in
                for var run in runs {
                    run.id = nil
                    try run.insert(db)
                }
            }
            count += runs.count
        }
        return count
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        if let error = error as? BenchError { return error.description }
        return "\(error)"
    }
}

/// A problem with a benchmark's input: instances, solver specs, databases.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    /// The message, naming the file, spec or setting at fault.
    public let description: String
    /// An error with the given message.
    public init(_ description: String) { self.description = description }
}
