import Foundation
import MILP
import Synchronization

/// What a child run prints on standard output: one JSON object.
public struct ChildReport: Codable, Sendable {
    /// The termination reason (`optimal`, `infeasible`, `unbounded`, `infeasible_or_unbounded`, `limit`, `error`, `bad_input`).
    public var status: String
    /// The limit that stopped a `limit` run (`time`, `nodes`, `gap`, …).
    public var limit: String?
    /// Whether the solver returned a solution.
    public var hasSolution: Bool
    /// The objective value of the returned solution; nil without one.
    public var objective: Double?
    /// The best proven bound on the optimum (may be infinite when unknown).
    public var bound: Double?
    /// The relative gap between objective and bound; nil when unknown.
    public var gap: Double?
    /// Wall time of the solve, in seconds.
    public var seconds: Double
    /// Branch-and-bound nodes, when the solver reports them.
    public var nodes: Int?
    /// The solver's own name.
    public var solverName: String
    /// The solver's version (empty when unknown).
    public var solverVersion: String
    /// The objective sense: `minimize` or `maximize`.
    public var sense: String
    /// Largest violation of the returned solution in the model; nil without one.
    public var maxViolation: Double?
    /// Set when the solver returned a point that violates the model: what is violated.
    public var infeasibleSolution: String?
    /// The solver's message or the error, if any.
    public var message: String?
    /// Incumbent trace `[[seconds, objective], …]`, when the solver records one.
    public var trace: [[Double]]?

    /// A report; every field but `status` and `solverName` has a default.
    public init(status: String, limit: String? = nil, hasSolution: Bool = false, objective: Double? = nil,
                bound: Double? = nil, gap: Double? = nil, seconds: Double = 0, nodes: Int? = nil,
                solverName: String, solverVersion: String = "", sense: String = "minimize",
                maxViolation: Double? = nil, infeasibleSolution: String? = nil, message: String? = nil,
                trace: [[Double]]? = nil) {
        self.status = status
        self.limit = limit
        self.hasSolution = hasSolution
        self.objective = objective
        self.bound = bound
        self.gap = gap
        self.seconds = seconds
        self.nodes = nodes
        self.solverName = solverName
        self.solverVersion = solverVersion
        self.sense = sense
        self.maxViolation = maxViolation
        self.infeasibleSolution = infeasibleSolution
        self.message = message
        self.trace = trace
    }

    /// Encodes reports with snake-case keys and infinities and NaN as `"inf"`, `"-inf"`, `"nan"`.
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()

    /// Decodes what ``encoder`` writes.
    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()
}

/// Progress of a batch, reported after every finished run.
public struct BenchProgress: Sendable {
    /// Runs finished so far.
    public var done: Int
    /// Runs in the batch.
    public var total: Int
    /// Runs in progress.
    public var running: Int
    /// Finished runs with status `crash`, `killed`, `memory`, `error` or `bad_input`.
    public var failures: Int
    /// Finished runs whose answer was judged wrong (see ``RunRecord/wrong``).
    public var wrong: Int
    /// Seconds since the batch started.
    public var elapsed: Double
    /// The run that just finished.
    public var last: RunRecord?

    /// Estimated seconds left, from the mean time per finished run and the parallelism.
    public var eta: Double? { done > 0 ? elapsed / Double(done) * Double(total - done) : nil }
}

/// Runs planned runs in child processes (`executable` in its run-one mode), `jobs` at a time, and
/// stores each result as soon as it is known.
public struct BenchRunner: Sendable {
    /// The program run as the child (normally `milp` itself).
    public var executable: String
    /// Arguments before the run's own (the hidden run-one subcommand).
    public var childCommand: [String]
    /// How many children run at a time (at least 1).
    public var jobs: Int
    /// Address-space cap per child, in MiB (passed as `--memory-limit`); nil: none.
    public var memoryLimitMiB: Int?
    /// Known answers that results are judged against.
    public var known: KnownOptima
    /// Marks each run as begun in the store before it runs (`ResultStore.markStarted(_:)`), so
    /// that a batch killed from outside (a Slurm task) leaves what it was doing on record.
    public var journal = false
    /// Extra seconds past the time limit before a child is killed: `absolute + relative · limit`.
    package var killGrace: (absolute: Double, relative: Double) = (5, 0.1)

    /// A runner; `jobs` below 1 is taken as 1.
    public init(executable: String, childCommand: [String], jobs: Int, memoryLimitMiB: Int?, known: KnownOptima) {
        self.executable = executable
        self.childCommand = childCommand
        self.jobs = max(1, jobs)
        self.memoryLimitMiB = memoryLimitMiB
        self.known = known
    }

    /// Runs `runs`, stores each in `store`, calls `progress` after each (serially).
    public func run(_ runs: [PlannedRun], store: ResultStore, progress: @Sendable (BenchProgress) -> Void) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("milp-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let host = ProcessInfo.processInfo.hostName
        let state = Mutex(BenchProgress(done: 0, total: runs.count, running: 0, failures: 0, wrong: 0, elapsed: 0))
        let next = Atomic<Int>(0)
        let storeError = Mutex<Error?>(nil)
        let started = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(runs.count, 1))) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < runs.count, storeError.withLock({ $0 == nil }) else { return }
                state.withLock { $0.running += 1 }
                if journal {
                    var begun = initialRecord(for: runs[index], host: host)
                    begun.status = "killed"
                    do { try store.markStarted(begun) } catch { storeError.withLock { $0 = error } }
                }
                let record = execute(runs[index], scratch: scratch, host: host)
                do { try store.insert(record) } catch { storeError.withLock { $0 = error } }
                let snapshot = state.withLock { p -> BenchProgress in
                    p.running -= 1
                    p.done += 1
                    if ["crash", "killed", "memory", "error", "bad_input"].contains(record.status) { p.failures += 1 }
                    if record.wrong != nil { p.wrong += 1 }
                    p.elapsed = (ContinuousClock.now - started).seconds
                    p.last = record
                    progress(p)
                    return p
                }
                _ = snapshot
            }
        }
        if let error = storeError.withLock({ $0 }) { throw error }
    }

    /// True when a crashed child's last words say an allocation failed (Swift runtime, C++, C).
    static func reportsMemoryExhaustion(_ standardError: String) -> Bool {
        ["failed to allocate", "bad_alloc", "out of memory", "Cannot allocate memory"].contains { standardError.contains($0) }
    }

    /// The record of `run` before anything is known: status `error`, no solution, now.
    func initialRecord(for run: PlannedRun, host: String) -> RunRecord {
        RunRecord(
            instance: run.instance.name, path: run.instance.path, instanceHash: run.instance.hash,
            solver: run.solver.description, solverName: run.solver.name, solverVersion: "", seed: run.seed,
            timeLimit: run.timeLimit, status: "error", hasSolution: false, seconds: 0, wallSeconds: 0,
            sense: "minimize", timestamp: ISO8601DateFormatter().string(from: Date()), host: host,
            markerIntegerBounds: run.instance.markerIntegerBounds.rawValue)
    }

    /// One run in a child process, turned into a record whatever happens to the child.
    func execute(_ run: PlannedRun, scratch: String, host: String) -> RunRecord {
        var arguments = childCommand + [run.instance.path, "--solver", run.solver.description,
                                        "--seed", "\(run.seed)", "--time-limit", "\(run.timeLimit)"]
        if let memoryLimitMiB { arguments += ["--memory-limit", "\(memoryLimitMiB)"] }
        if run.instance.markerIntegerBounds != .nonnegative {
            arguments += ["--marker-integer-bounds", run.instance.markerIntegerBounds.rawValue]
        }
        let deadline = run.timeLimit * (1 + killGrace.relative) + killGrace.absolute
        var record = initialRecord(for: run, host: host)
        let outcome: ChildOutcome
        do { outcome = try runChild(executable, arguments, deadline: deadline, scratch: scratch) } catch {
            record.message = "\(error)"
            return record
        }
        record.wallSeconds = outcome.wallSeconds
        record.seconds = outcome.wallSeconds
        record.peakMemoryMiB = outcome.peakMemoryMiB
        record.exitCode = outcome.exitCode.map(Int.init)
        record.signal = outcome.signal.map(Int.init)
        let lastLine = outcome.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        if let report = try? ChildReport.decoder.decode(ChildReport.self, from: Data(lastLine.utf8)) {
            record.status = report.status
            record.limit = report.limit
            record.hasSolution = report.hasSolution
            record.objective = report.objective
            record.bound = report.bound.flatMap { $0.isFinite ? $0 : nil }
            record.gap = report.gap.flatMap { $0.isFinite ? $0 : nil }
            record.seconds = report.seconds
            record.nodes = report.nodes
            record.solverName = report.solverName
            record.solverVersion = report.solverVersion
            record.sense = report.sense
            record.maxViolation = report.maxViolation
            record.message = report.message
            if let trace = report.trace, let data = try? JSONEncoder().encode(trace) {
                record.trace = String(decoding: data, as: UTF8.self)
            }
            let sense: ObjectiveSense = report.sense == ObjectiveSense.maximize.rawValue ? .maximize : .minimize
            let claim = Verification.judge(termination: report.status, objective: report.objective,
                                           sense: sense, known: known[run.instance.name])
            let problems = [report.infeasibleSolution.map { "returned an infeasible solution: \($0)" }, claim].compactMap { $0 }
            record.wrong = problems.isEmpty ? nil : problems.joined(separator: "; ")
        } else {
            // The first line of what the child said (a crash report's headline, an error message).
            let said = outcome.standardError.split(whereSeparator: \.isNewline).first.map { String($0.prefix(300)) } ?? ""
            if outcome.killedAtDeadline {
                record.status = "killed"
                record.message = "did not stop within \(formatNumber(deadline)) s; killed"
            } else if let signal = outcome.signal {
                record.status = memoryLimitMiB != nil && Self.reportsMemoryExhaustion(outcome.standardError) ? "memory" : "crash"
                record.message = "killed by signal \(signal) (\(String(cString: strsignal(signal))))" + (said.isEmpty ? "" : ": \(said)")
                if record.status == "crash", let memoryLimitMiB {
                    record.message! += " (under a \(memoryLimitMiB) MiB address-space cap: an allocation may have failed)"
                }
            } else {
                record.status = outcome.exitCode == 2 ? "bad_input" : "error"
                record.message = said.isEmpty ? "exit code \(outcome.exitCode ?? -1) without a report" : said
            }
        }
        return record
    }
}
