import Foundation
import Synchronization

/// Slurm's command-line tools, as a submitting host has them: `sbatch` to submit, `squeue` for the
/// jobs that are pending or running, `sacct` (when the cluster keeps accounting) for ended ones.
public struct SlurmClient: Sendable {
    let sbatch: String
    let squeue: String
    let sacct: String?

    /// The tools found in `PATH`; throws a ``BenchError`` saying what to install when `sbatch` or
    /// `squeue` is missing.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func find(_ tool: String) -> String? {
            folders.map { ($0 as NSString).appendingPathComponent(tool) }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let sbatch = find("sbatch"), let squeue = find("squeue") else {
            throw BenchError("--slurm needs Slurm's sbatch and squeue in PATH, and they are not there: run on a host that submits to your cluster (a login node), or install Slurm's client commands (Debian and Ubuntu: apt-get install slurm-client)")
        }
        self.sbatch = sbatch
        self.squeue = squeue
        sacct = find("sacct")
    }

    /// Submits `script` with `options` before it (e.g. `--array=0-3%2`); returns the job id.
    public func submit(_ script: String, options: [String]) throws -> Int {
        let (status, output, errors) = try runTool(sbatch, ["--parsable"] + options + [script])
        guard status == 0, let id = Int(output.split(separator: ";").first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") else {
            throw BenchError("sbatch \((options + [script]).joined(separator: " ")) failed (exit \(status)): \(errors.isEmpty ? output : errors)")
        }
        return id
    }

    /// The state (`PENDING`, `RUNNING`, `COMPLETING`, …) of every pending or running task of the
    /// jobs `ids`, keyed by job id and array task (nil for a job that is no array).
    public func liveStates(of ids: Set<Int>) throws -> [JobTask: String] {
        let (status, output, errors) = try runTool(squeue, ["--noheader", "--array", "--format=%F|%K|%T"])
        guard status == 0 else { throw BenchError("squeue failed (exit \(status)): \(errors)") }
        return Self.parse(output, ids: ids)
    }

    /// The final state (`COMPLETED`, `FAILED`, `CANCELLED`, `TIMEOUT`, `OUT_OF_MEMORY`,
    /// `NODE_FAIL`, …) of the jobs with the raw ids `ids` (an array task's own id, as
    /// `SLURM_JOB_ID` gives it): from accounting (slurmdbd), else from the job completion log
    /// (`sacct --completion`, JobCompType=jobcomp/filetxt); empty when the cluster keeps neither
    /// (then only the results tell what a task did).
    public func endedStates(of ids: Set<Int>) -> [Int: String] {
        guard let sacct, !ids.isEmpty else { return [:] }
        let query = ["--noheader", "--parsable2", "--jobs=\(ids.sorted().map(String.init).joined(separator: ","))", "--format=JobIDRaw,State"]
        for source in [["--allocations"], ["--completion"]] {
            guard let (status, output, _) = try? runTool(sacct, source + query), status == 0 else { continue }
            var states: [Int: String] = [:]
            for line in output.split(separator: "\n") {
                let fields = line.split(separator: "|", omittingEmptySubsequences: false)
                // "CANCELLED by 0" → "CANCELLED"
                guard fields.count == 2, let id = Int(fields[0]), ids.contains(id) else { continue }
                states[id] = fields[1].split(separator: " ").first.map(String.init)
            }
            if !states.isEmpty { return states }
        }
        return [:]
    }

    /// `%F|%K|%T` lines (array job id, task index or N/A, state) of the jobs `ids`.
    static func parse(_ output: String, ids: Set<Int>) -> [JobTask: String] {
        var states: [JobTask: String] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3, let id = Int(fields[0]), ids.contains(id) else { continue }
            states[JobTask(job: id, task: Int(fields[1]))] = fields[2]
        }
        return states
    }
}

/// A job, or one task of an array job.
public struct JobTask: Hashable, Sendable {
    /// The (array) job id.
    public var job: Int
    /// The array task index; nil for a job that is no array.
    public var task: Int?

    /// Task `task` of job `job` (nil: the job itself).
    public init(job: Int, task: Int?) {
        self.job = job
        self.task = task
    }
}

/// Runs `path` with `arguments` and waits: (exit status, standard output, standard error).
func runTool(_ path: String, _ arguments: [String]) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch { throw BenchError("cannot run \(path): \(error.localizedDescription)") }
    // Both pipes are read to the end at once (standard error on another thread), so that neither
    // can fill up and block the tool.
    let err = Mutex(Data()), done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        err.withLock { $0 = data }
        done.signal()
    }
    let out = output.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err.withLock { $0 }, as: UTF8.self))
}
