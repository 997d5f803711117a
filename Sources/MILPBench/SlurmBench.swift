import Foundation
import MILP
import MILPFormats

/// A benchmark batch run on a Slurm cluster: one array job whose task k runs shard k+1 of n into
/// its own SQLite file in the batch's folder (no shared-file locking over NFS), then a merge job
/// (`--dependency=afterany`) that merges the shards into the batch's database.
///
/// The folder (`results-slurm/` beside `results.sqlite`) holds `batch.json` (what the batch is,
/// and its submissions), `instances.txt`, the job scripts `task.sh` and `merge.sh`, the shards
/// `shard-K.sqlite`, `collect.json` (what the last merge found) and `logs/`. Submitting again
/// submits only the tasks whose runs are not all stored and that are not pending or running;
/// a folder of another batch (other instances, solvers, seeds, limits or task count) is refused.
public struct SlurmBench: Sendable {
    /// What makes the batch this batch: runs of another never mix with its own.
    public struct Identity: Codable, Equatable, Sendable {
        /// Instance paths (absolute) and file hashes, in run order.
        public var instances: [String]
        public var hashes: [String]
        /// Solver specs as written.
        public var solvers: [String]
        public var seeds: Int
        public var timeLimit: Double
        public var markerIntegerBounds: String
        /// The memory cap per run, in MiB (it can change outcomes).
        public var memoryLimit: Int?
        /// Array tasks: the number of shards.
        public var tasks: Int
    }

    /// One `sbatch` of the array and its merge job.
    public struct Submission: Codable, Sendable {
        public var arrayJob: Int
        public var tasks: [Int]
        public var mergeJob: Int
        public var submitted: String
    }

    /// How the batch is run; may change from one submission to the next.
    public struct Settings: Sendable {
        /// Runs at a time within a task.
        public var jobs = 1
        /// Tasks running at once (`%MAX`); nil: no cap.
        public var maxRunning: Int?
        public var partition: String?
        public var account: String?
        /// Passed to both `sbatch` calls as they are (e.g. `--qos=long`).
        public var extraArguments: [String] = []
        /// Known optima for the runs' wrong-answer checks and the report.
        public var optimalValues: String?
        /// Threads one run uses (the largest `threads` setting; 2 for the LNS).
        public var threadsPerRun = 1
        public init() {}
    }

    /// What `batch.json` holds.
    struct Record: Codable {
        var identity: Identity
        var database: String
        var executable: String
        var optimalValues: String?
        var submissions: [Submission]
    }

    /// The batch's folder.
    public let folder: String
    public let identity: Identity
    /// The database the shards are merged into (absolute path).
    public let database: String
    /// The `milp` executable the tasks run (absolute path).
    public let executable: String
    let planned: [[PlannedRun]]
    private(set) var submissions: [Submission]
    var optimalValues: String?

    /// The folder that goes with the database `database`: `results-slurm/` for `results.sqlite`.
    public static func folder(for database: String) -> String {
        let base = (database as NSString).deletingPathExtension
        return base + "-slurm"
    }

    /// Opens the batch in `folder`, created when missing. Throws when the folder holds another
    /// batch, or a shard holds runs that are not this batch's.
    public init(folder: String, instances: [BenchInstance], solvers: [SolverSpec], seeds: Int, timeLimit: Double,
                memoryLimit: Int?, tasks: Int, database: String, executable: String) throws {
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        self.folder = absolute(folder)
        identity = Identity(instances: instances.map { absolute($0.path) }, hashes: instances.map(\.hash),
                            solvers: solvers.map(\.description), seeds: seeds, timeLimit: timeLimit,
                            markerIntegerBounds: instances.first?.markerIntegerBounds.rawValue ?? MarkerIntegerBounds.nonnegative.rawValue,
                            memoryLimit: memoryLimit, tasks: tasks)
        self.database = absolute(database)
        self.executable = executable
        let located = instances.map { instance in
            var instance = instance
            instance.path = absolute(instance.path)
            return instance
        }
        planned = (1...tasks).map { BenchPlan.runs(instances: located, solvers: solvers, seeds: seeds, timeLimit: timeLimit, shard: ($0, tasks)) }
        submissions = []
        try FileManager.default.createDirectory(atPath: self.folder + "/logs", withIntermediateDirectories: true)
        if let data = FileManager.default.contents(atPath: recordPath) {
            let record: Record
            do { record = try JSONDecoder().decode(Record.self, from: data) } catch {
                throw BenchError("\(recordPath): not a batch record (\(error)); remove the folder or use another --db")
            }
            if let difference = Self.difference(record.identity, identity) {
                throw BenchError("\(self.folder) holds another batch (\(difference)): its shards cannot be merged with this one's; use another --db, or remove the folder to start over")
            }
            submissions = record.submissions
        }
        try checkShards()
    }

    /// Opens the batch recorded in `folder` (for status and merging).
    public init(folder: String) throws {
        let path = URL(fileURLWithPath: folder).standardizedFileURL.path
        guard let data = FileManager.default.contents(atPath: path + "/batch.json") else {
            throw BenchError("\(folder): no batch.json; not the folder of a `milp bench --slurm` batch")
        }
        let record: Record
        do { record = try JSONDecoder().decode(Record.self, from: data) } catch {
            throw BenchError("\(path)/batch.json: not a batch record (\(error))")
        }
        let identity = record.identity
        let marker = MarkerIntegerBounds(rawValue: identity.markerIntegerBounds) ?? .nonnegative
        let instances = zip(identity.instances, identity.hashes).map {
            BenchInstance(name: ModelFile.instanceName($0), path: $0, hash: $1, markerIntegerBounds: marker)
        }
        let solvers = try identity.solvers.map { try SolverSpec(parsing: $0, knownSolvers: [String($0.prefix { $0 != ":" })]) }
        try self.init(folder: path, instances: instances, solvers: solvers, seeds: identity.seeds, timeLimit: identity.timeLimit,
                      memoryLimit: identity.memoryLimit, tasks: identity.tasks, database: record.database, executable: record.executable)
        optimalValues = record.optimalValues
    }

    var recordPath: String { folder + "/batch.json" }

    /// The shard database of task `k` (0-based, as `SLURM_ARRAY_TASK_ID`).
    public func shardPath(_ k: Int) -> String { "\(folder)/shard-\(k).sqlite" }

    /// The runs of task `k`.
    public func plannedRuns(task k: Int) -> [PlannedRun] { planned[k] }

    /// Every run of the batch.
    public var runCount: Int { planned.reduce(0) { $0 + $1.count } }

    /// Where each task stands: runs stored, interrupted (begun by a task that died), planned.
    public func progress() throws -> [(stored: Int, interrupted: Int, planned: Int)] {
        try (0..<identity.tasks).map { k in
            guard let store = try shard(k) else { return (0, 0, planned[k].count) }
            return (try store.finishedKeys().count, try store.interruptedRuns().count, planned[k].count)
        }
    }

    /// Task `k`'s shard database, or nil while there is none: not created yet, or created by its
    /// task and not yet given its tables (the moment a task starts, which `--wait` may catch).
    func shard(_ k: Int) throws -> ResultStore? {
        let path = shardPath(k)
        guard FileManager.default.fileExists(atPath: path), !(try ResultStore.hasNoTables(path: path)) else { return nil }
        return try ResultStore(path: path, readOnly: true)
    }

    /// Refuses shards that hold runs of another batch.
    func checkShards() throws {
        for k in 0..<identity.tasks {
            guard let runs = try shard(k)?.runs() else { continue }
            let keys = Set(planned[k].map(\.key))
            if let stranger = runs.first(where: { !keys.contains($0.key) }) {
                throw BenchError("\(shardPath(k)) holds runs that are not runs of this batch's task \(k) (e.g. \(stranger.instance) with \(stranger.solver), seed \(stranger.seed), time limit \(formatNumber(stranger.timeLimit)) s): refusing to merge it; remove it, or use another --db")
            }
        }
    }

    /// What differs between two identities, or nil.
    static func difference(_ a: Identity, _ b: Identity) -> String? {
        var differences: [String] = []
        if a.instances != b.instances || a.hashes != b.hashes { differences.append("other instance files") }
        if a.solvers != b.solvers { differences.append("solvers \(a.solvers.joined(separator: ",")) there, \(b.solvers.joined(separator: ",")) here") }
        if a.seeds != b.seeds { differences.append("\(a.seeds) seeds there, \(b.seeds) here") }
        if a.timeLimit != b.timeLimit { differences.append("time limit \(formatNumber(a.timeLimit)) s there, \(formatNumber(b.timeLimit)) s here") }
        if a.markerIntegerBounds != b.markerIntegerBounds { differences.append("MARKER integer bounds \(a.markerIntegerBounds) there, \(b.markerIntegerBounds) here") }
        if a.memoryLimit != b.memoryLimit { differences.append("memory limit \(a.memoryLimit.map { "\($0) MiB" } ?? "none") there, \(b.memoryLimit.map { "\($0) MiB" } ?? "none") here") }
        if a.tasks != b.tasks { differences.append("\(a.tasks) tasks there, \(b.tasks) here") }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }

    // MARK: Submitting

    /// Tasks with runs not stored yet (or interrupted).
    public func unfinishedTasks() throws -> [Int] {
        try progress().enumerated().filter { $0.element.stored < $0.element.planned }.map(\.offset)
    }

    /// The tasks of this batch's submissions that are pending or running, and their states.
    public func liveTasks(_ client: SlurmClient) throws -> [Int: String] {
        let jobs = Set(submissions.map(\.arrayJob))
        guard !jobs.isEmpty else { return [:] }
        var live: [Int: String] = [:]
        for (task, state) in try client.liveStates(of: jobs) {
            if let k = task.task { live[k] = state }
        }
        return live
    }

    /// The Slurm job id (`SLURM_JOB_ID`) of each task's latest start.
    public func taskJobIDs() -> [Int: Int] {
        var ids: [Int: Int] = [:]
        for k in 0..<identity.tasks {
            if let text = try? String(contentsOfFile: "\(folder)/task-\(k).job", encoding: .utf8),
               let id = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) { ids[k] = id }
        }
        return ids
    }

    /// The merge jobs of this batch's submissions that are pending or running.
    public func liveMergeJobs(_ client: SlurmClient) throws -> Set<Int> {
        let jobs = Set(submissions.map(\.mergeJob))
        guard !jobs.isEmpty else { return [] }
        return Set(try client.liveStates(of: jobs).keys.map(\.job))
    }

    /// Writes the scripts and submits the unfinished tasks that are not pending or running, then
    /// a merge job after them (and after the tasks still live from earlier submissions). Returns
    /// the submission, or nil when there is nothing to submit (every run stored, nothing live).
    public mutating func submit(_ client: SlurmClient, settings: Settings) throws -> Submission? {
        optimalValues = settings.optimalValues.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let live = try liveTasks(client)
        let todo = try unfinishedTasks().filter { live[$0] == nil }
        guard !todo.isEmpty || !live.isEmpty else { return nil }
        try writeScripts(settings)
        var common = settings.partition.map { ["--partition=\($0)"] } ?? []
        if let account = settings.account { common.append("--account=\(account)") }
        common += settings.extraArguments
        var after = Set(submissions.filter { !Set($0.tasks).isDisjoint(with: live.keys) }.map(\.arrayJob))
        var arrayJob = 0
        if !todo.isEmpty {
            let array = Self.ranges(todo) + (settings.maxRunning.map { "%\($0)" } ?? "")
            arrayJob = try client.submit(folder + "/task.sh", options: common + ["--array=\(array)"] + resources(settings))
            after.insert(arrayJob)
        }
        let dependency = "--dependency=afterany:" + after.sorted().map(String.init).joined(separator: ":")
        let mergeJob = try client.submit(folder + "/merge.sh", options: common + [dependency, "--time=60", "--output=\(folder)/logs/merge-%j.log"])
        let submission = Submission(arrayJob: arrayJob, tasks: todo, mergeJob: mergeJob, submitted: ISO8601DateFormatter().string(from: Date()))
        submissions.append(submission)
        try save()
        return submission
    }

    /// `#SBATCH`-level resources of one task: its time (every run at its time limit and the kill
    /// grace, in waves of `jobs`, plus 5 minutes), its CPUs and memory.
    func resources(_ settings: Settings) -> [String] {
        let runsPerTask = planned.map(\.count).max() ?? 0
        let waves = (runsPerTask + settings.jobs - 1) / max(settings.jobs, 1)
        let secondsPerRun = identity.timeLimit * 1.1 + 5 + 2  // the kill grace, and reading the file
        let minutes = Int((Double(waves) * secondsPerRun / 60).rounded(.up)) + 5
        var options = ["--time=\(minutes)", "--cpus-per-task=\(settings.jobs * settings.threadsPerRun)",
                       "--output=\(folder)/logs/task-%a-%A.log"]
        if let limit = identity.memoryLimit { options.append("--mem=\(limit * settings.jobs + 512)M") }
        return options
    }

    /// `0-3,5,7-9` for [0, 1, 2, 3, 5, 7, 8, 9] (sorted task numbers), as `--array` takes them.
    public static func ranges(_ tasks: [Int]) -> String {
        var parts: [String] = [], start = tasks[0], last = tasks[0]
        for k in tasks.dropFirst() {
            if k == last + 1 { last = k; continue }
            parts.append(start == last ? "\(start)" : "\(start)-\(last)")
            (start, last) = (k, k)
        }
        parts.append(start == last ? "\(start)" : "\(start)-\(last)")
        return parts.joined(separator: ",")
    }

    func writeScripts(_ settings: Settings) throws {
        try (identity.instances.joined(separator: "\n") + "\n").write(toFile: folder + "/instances.txt", atomically: true, encoding: .utf8)
        var bench = [executable, "bench", folder + "/instances.txt", "--solvers", identity.solvers.joined(separator: ";"),
                     "--time-limit", "\(identity.timeLimit)", "--seeds", "\(identity.seeds)", "--jobs", "\(settings.jobs)",
                     "--marker-integer-bounds", identity.markerIntegerBounds, "--journal"]
        if let limit = identity.memoryLimit { bench += ["--memory-limit", "\(limit)"] }
        if let known = optimalValues { bench += ["--optimal-values", known] }
        let quoted = bench.map(Self.quote).joined(separator: " ")
        let task = """
        #!/bin/bash
        # Task k of the array runs shard k+1 of \(identity.tasks) into its own database (written by milp bench --slurm).
        #SBATCH --job-name=milp-bench
        set -euo pipefail
        k=$SLURM_ARRAY_TASK_ID
        echo "$SLURM_JOB_ID" > \(Self.quote(folder))/task-"$k".job  # for milp bench status, once the task has ended
        exec \(quoted) --shard "$((k + 1))/\(identity.tasks)" --db \(Self.quote(folder))/shard-"$k".sqlite

        """
        let merge = """
        #!/bin/bash
        # Merges the shards into \(database) and writes the report (written by milp bench --slurm).
        #SBATCH --job-name=milp-bench-merge
        set -euo pipefail
        exec \(Self.quote(executable)) bench collect \(Self.quote(folder))

        """
        for (name, text) in [("task.sh", task), ("merge.sh", merge)] {
            try text.write(toFile: "\(folder)/\(name)", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(folder)/\(name)")
        }
    }

    /// `text` in single quotes for bash.
    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Writes `batch.json`: what the batch is and its submissions.
    public func save() throws {
        let record = Record(identity: identity, database: database, executable: executable, optimalValues: optimalValues, submissions: submissions)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(record).write(to: URL(fileURLWithPath: recordPath), options: .atomic)
    }

    // MARK: Merging

    /// What the last merge found, as `collect.json` holds it.
    public struct Collected: Codable, Sendable {
        public var runs: Int
        public var planned: Int
        public var missing: Int
        public var wrong: [String]
        public var report: String
    }

    /// Merges every shard into the database (idempotent: a run stored again replaces itself) and
    /// writes `report.md` and `collect.json` beside them.
    public func collect() throws -> Collected {
        try checkShards()
        let shards = try (0..<identity.tasks).filter { try shard($0) != nil }.map(shardPath)
        let store = try ResultStore(path: database)
        try store.merge(from: shards)
        let keys = Set(planned.joined().map(\.key))
        let runs = try store.runs().filter { keys.contains($0.key) }
        let known = try optimalValues.map(KnownOptima.init(path:))
        let report = BenchReport(runs: runs, options: ReportOptions(known: known, source: database)).render(.md)
        let reportPath = folder + "/report.md"
        try report.write(toFile: reportPath, atomically: true, encoding: .utf8)
        let wrong = runs.compactMap { run in run.wrong.map { "\(run.instance) \(run.solver) seed \(run.seed): \($0)" } }
        let collected = Collected(runs: runs.count, planned: keys.count, missing: keys.count - Set(runs.map(\.key)).count,
                                  wrong: wrong, report: reportPath)
        try JSONEncoder().encode(collected).write(to: URL(fileURLWithPath: folder + "/collect.json"), options: .atomic)
        return collected
    }

    /// What the last merge wrote, or nil before the first.
    public func lastCollected() -> Collected? {
        FileManager.default.contents(atPath: folder + "/collect.json").flatMap { try? JSONDecoder().decode(Collected.self, from: $0) }
    }

    /// The batch's submissions, oldest first.
    public var submitted: [Submission] { submissions }
}
