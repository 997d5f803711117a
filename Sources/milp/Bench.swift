import ArgumentParser
import Foundation
import MILPKit

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run sets of instances against solvers, with a resumable results database.",
        discussion: """
        Every (instance, solver, seed) run executes in its own child process with a hard kill at the time limit + 10% + 5 s, its peak memory recorded; a crash, an abort or a hang is recorded as that run's status and the batch goes on. Each finished run is stored at once (SQLite, WAL): rerunning the same command skips the runs already stored, so a killed batch resumes where it stopped. Returned solutions are re-checked against the model, and results are compared with --optimal-values: a wrong answer is flagged in every report.

        On a Slurm cluster, --slurm submits the batch as one array job (task k runs shard k+1 of --slurm-tasks into its own database in a folder beside --db) and a merge job after it; the same command run again submits only what is missing, and `milp bench status DIR` shows each task's state (docs/bench.md).

        Solvers: cbc, glpk, clp (LPs), and lns / lns-glpk: the adaptive large neighborhood search with its default settings over CBC or GLPK repairs in worker processes (up to two at a time, fewer when other processes keep the cores busy; give it a job of its own: --jobs 1). LNS runs record their incumbent trace, from which `milp report` plots the primal gap over time and computes primal integrals.

        Examples:
          milp bench instances/miplib3 --solvers cbc,glpk --time-limit 30 --jobs 2 --db results.sqlite \\
              --optimal-values instances/optimal-values.csv
          milp bench list.txt --solvers cbc:threads=1,cbc:threads=2 --seeds 3 --shard 2/4 --db part2.sqlite
          milp bench instances/lns --solvers cbc,lns --time-limit 60 --jobs 1 --db lns.sqlite
          milp bench instances/miplib3 --solvers cbc,glpk --time-limit 600 --db results.sqlite \\
              --slurm --slurm-tasks 20 --slurm-partition long --wait
          milp bench status results-slurm
          milp bench merge part1.sqlite part2.sqlite -o all.sqlite
          milp report results.sqlite --format html -o report.html
        """,
        subcommands: [BenchBatch.self, BenchMerge.self, BenchStatus.self, BenchCollect.self],
        defaultSubcommand: BenchBatch.self
    )
}

struct BenchBatch: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a batch (the default).")

    @Argument(help: "Instance files, folders (searched recursively for .mps/.mps.gz/.lp/.lp.gz) or list files (.txt/.list, one path per line).")
    var instances: [String]

    @Option(help: "Comma-separated solver specs: cbc, glpk, clp, lns, lns-glpk, optionally with settings (cbc:threads=1,gap=0.01 — settings: \(SolverSpec.settingKeys.joined(separator: ", "))). Separate specs with ';' when a spec has several settings, e.g. \"cbc:threads=1,gap=0.01;glpk\".")
    var solvers = "cbc,glpk"

    @Option(help: "Time limit per run, in seconds.") var timeLimit: Double = 60
    @Option(help: "Runs at the same time (one child process each).") var jobs = 1
    @Option(help: "Seeds per (instance, solver): runs with seeds 0..K-1.") var seeds = 1
    @Option(help: "The results database (created when missing).") var db = "results.sqlite"
    @Option(help: "Known optima: CSV (name,objective,status) or MIPLIB .solu.") var optimalValues: String?
    @Option(help: "Run only shard i of n (i/n): a deterministic split of the run list.") var shard: String?
    @Option(help: "Memory cap per run, in MiB (address space).") var memoryLimit: Int?
    @Option(help: "How MPS integer columns between MARKER lines without bounds are read: nonnegative ([0, +inf), the default) or binary ([0, 1], as the cbc and glpsol executables and HiGHS read them). Stored with each run; runs read the other way are other runs.")
    var markerIntegerBounds: MarkerIntegerBounds = .nonnegative

    @Flag(help: "Run the batch on a Slurm cluster: one array job whose task k runs shard k+1 of --slurm-tasks into its own database in a folder beside --db (results-slurm/ for results.sqlite), then a merge job into --db with a report. Run the same command again after tasks failed, timed out or were cancelled: only what is missing is submitted.")
    var slurm = false
    @Option(help: "Array tasks (shards) for --slurm.") var slurmTasks = 4
    @Option(help: "Tasks running at once for --slurm (sbatch --array=…%MAX); default: no cap.") var slurmMaxRunning: Int?
    @Option(help: "Slurm partition for --slurm.") var slurmPartition: String?
    @Option(help: "Slurm account for --slurm.") var slurmAccount: String?
    @Option(help: "An sbatch option passed through as it is (repeatable), e.g. --slurm-arg=--qos=long.") var slurmArg: [String] = []
    @Flag(help: "With --slurm: wait for the merge job, showing runs done and task states; the exit code is then a local batch's.")
    var wait = false
    @Flag(help: .hidden) var journal = false

    func validate() throws {
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be positive") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        if let memoryLimit, memoryLimit < 16 { throw ValidationError("--memory-limit is in MiB and must be at least 16") }
        if slurm, shard != nil { throw ValidationError("--slurm makes its own shards (--slurm-tasks); drop --shard") }
        if slurmTasks < 1 { throw ValidationError("--slurm-tasks must be at least 1") }
        if let slurmMaxRunning, slurmMaxRunning < 1 { throw ValidationError("--slurm-max-running must be at least 1") }
        if wait && !slurm { throw ValidationError("--wait goes with --slurm") }
    }

    func run() throws {
        do {
            let specs = try parseSolverSpecs(solvers)
            let known = try optimalValues.map(KnownOptima.init(path:)) ?? KnownOptima()
            let split = try shard.map(BenchPlan.shard)
            let found = try BenchPlan.instances(instances, markerIntegerBounds: markerIntegerBounds)
            guard !found.isEmpty else { throw BenchError("no instance files (.mps, .mps.gz, .lp, .lp.gz) in \(instances.joined(separator: ", "))") }
            if slurm { return try runOnSlurm(found, specs) }
            let store = try ResultStore(path: db)
            if journal {
                let interrupted = try store.recordInterruptedRuns(reason: "the batch running it ended before the run did (a Slurm task cancelled, over its time limit, out of memory or on a failed node)")
                for run in interrupted { printError("milp bench: \(run.instance) \(run.solver) seed \(run.seed) was interrupted; stored as killed") }
            }
            let planned = BenchPlan.runs(instances: found, solvers: specs, seeds: seeds, timeLimit: timeLimit, shard: split)
            let finished = try store.finishedKeys()
            let todo = planned.filter { !finished.contains($0.key) }
            printError("milp bench: \(planned.count) runs (\(found.count) instances × \(specs.count) solvers × \(seeds) seeds\(shard.map { ", shard \($0)" } ?? "")), \(planned.count - todo.count) already in \(db), \(todo.count) to run, \(jobs) at a time")
            var runner = BenchRunner(executable: currentExecutable(), childCommand: ["bench-run"], jobs: jobs,
                                     memoryLimitMiB: memoryLimit, known: known)
            runner.journal = journal
            let display = ProgressDisplay(interactive: isatty(2) != 0)
            try runner.run(todo, store: store) { display.show($0) }
            display.finish()
            let runs = try store.runs()
            let wrong = runs.filter { $0.wrong != nil }
            printError("milp bench: \(runs.count) runs in \(db); \(wrong.count) wrong")
            for run in wrong { printError("  WRONG \(run.instance) \(run.solver) seed \(run.seed): \(run.wrong!)") }
            if !wrong.isEmpty { throw ExitCode.failure }
        } catch let error as BenchError {
            printError("milp bench: \(error)")
            throw ExitStatus.badInput.exitCode
        }
    }
}

extension BenchBatch {
    /// `--slurm`: submits what is missing, then with `--wait` follows the batch to its merge.
    func runOnSlurm(_ found: [BenchInstance], _ specs: [SolverSpec]) throws {
        let client = try SlurmClient()
        var batch = try SlurmBench(folder: SlurmBench.folder(for: db), instances: found, solvers: specs, seeds: seeds, timeLimit: timeLimit,
                                   memoryLimit: memoryLimit, tasks: slurmTasks, database: db, executable: currentExecutable())
        var settings = SlurmBench.Settings()
        settings.jobs = jobs
        settings.maxRunning = slurmMaxRunning
        settings.partition = slurmPartition
        settings.account = slurmAccount
        settings.extraArguments = slurmArg
        settings.optimalValues = optimalValues
        settings.threadsPerRun = specs.map { spec in
            BenchRun.lnsSolvers[spec.name] != nil ? 2 : Int(spec.settings.first { $0.key == "threads" }.map { Double($0.value)! } ?? 1)
        }.max() ?? 1
        let stored = try batch.progress().reduce(0) { $0 + $1.stored }
        printError("milp bench: \(batch.runCount) runs (\(found.count) instances × \(specs.count) solvers × \(seeds) seeds) in \(slurmTasks) Slurm tasks; \(stored) already stored in \(batch.folder)")
        if let submission = try batch.submit(client, settings: settings) {
            let tasks = submission.tasks.isEmpty ? "no new tasks (earlier ones still live)" : "array job \(submission.arrayJob) (tasks \(SlurmBench.ranges(submission.tasks)))"
            printError("milp bench: submitted \(tasks) and merge job \(submission.mergeJob); follow with: milp bench status \(batch.folder)")
        } else {
            printError("milp bench: every run is stored; merging into \(db)")
            let collected = try batch.collect()
            return try finish(collected)
        }
        guard wait else { return }
        let display = ProgressDisplay(interactive: isatty(2) != 0)
        let started = ContinuousClock.now
        var lastLine = ""
        while true {
            let live = try batch.liveTasks(client), merging = try batch.liveMergeJobs(client)
            let progress = try batch.progress()
            let states = Dictionary(grouping: live.values, by: { $0 }).map { "\($0.value.count) \($0.key.lowercased())" }.sorted()
            let line = "[\(progress.reduce(0) { $0 + $1.stored })/\(batch.runCount)] tasks: \(states.isEmpty ? "none live" : states.joined(separator: ", "))\(merging.isEmpty ? "" : ", merge job waiting"), elapsed \(Int((ContinuousClock.now - started).seconds)) s"
            if line != lastLine { display.show(line: line) }
            lastLine = line
            if live.isEmpty && merging.isEmpty { break }
            Thread.sleep(forTimeInterval: 2)
        }
        display.finish()
        guard let collected = batch.lastCollected(), collected.runs > 0 || batch.runCount == 0 else {
            throw BenchError("the merge job ended without merging: see \(batch.folder)/logs/merge-*.log")
        }
        try finish(collected)
    }

    /// The end of a Slurm batch, as a local batch ends: counts, wrong answers, exit 1 on any.
    func finish(_ collected: SlurmBench.Collected) throws {
        printError("milp bench: \(collected.runs) of \(collected.planned) runs in \(db)\(collected.missing > 0 ? ", \(collected.missing) missing (run the command again)" : ""); \(collected.wrong.count) wrong; report: \(collected.report)")
        for wrong in collected.wrong { printError("  WRONG \(wrong)") }
        if !collected.wrong.isEmpty { throw ExitCode.failure }
    }
}

struct BenchStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Where a Slurm batch stands: each task's state and runs stored / planned.",
        discussion: "Task states come from squeue (pending, running) and, when the cluster keeps accounting, sacct (completed, failed, cancelled, timeout, out of memory); without Slurm, or for tasks Slurm no longer reports, from the shard databases alone: done (every run stored) or incomplete. Interrupted runs were begun by a task that died; the next submission stores them as killed.")

    @Argument(help: "The batch's folder (results-slurm/ beside results.sqlite).") var folder: String
    @Flag(help: "Print one JSON object instead of the table.") var json = false

    func run() throws {
        do {
            let batch = try SlurmBench(folder: folder)
            let client = try? SlurmClient()
            let live = try client.map { try batch.liveTasks($0) } ?? [:]
            let started = batch.taskJobIDs()
            let ended = client?.endedStates(of: Set(started.values)) ?? [:]
            let progress = try batch.progress()
            var rows: [[String: Any]] = []
            for (k, p) in progress.enumerated() {
                let job = batch.submitted.last { $0.tasks.contains(k) }?.arrayJob
                let state = live[k]?.lowercased()
                    ?? started[k].flatMap { ended[$0]?.lowercased() }
                    ?? (p.stored == p.planned ? "done" : (job == nil ? "not submitted" : "incomplete"))
                rows.append(["task": k, "state": state, "stored": p.stored, "planned": p.planned, "interrupted": p.interrupted,
                             "job": job.map { "\($0)_\(k)" } ?? NSNull()])
            }
            let stored = progress.reduce(0) { $0 + $1.stored }
            if json {
                print(jsonText(["folder": batch.folder, "database": batch.database, "runs_stored": stored, "runs_planned": batch.runCount,
                                "slurm": client != nil, "tasks": rows, "merged": batch.lastCollected().map { $0.runs } ?? NSNull()]))
                return
            }
            print("batch:     \(batch.folder) → \(batch.database)")
            print("runs:      \(stored) of \(batch.runCount) stored\(client == nil ? " (no Slurm commands here: states from the shards)" : "")")
            func padded(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
            print("task  job           state          stored/planned  interrupted")
            for row in rows {
                print(padded("\(row["task"]!)", 4) + "  " + padded("\(row["job"] is NSNull ? "-" : row["job"]!)", 12) + "  "
                      + padded(row["state"] as! String, 13) + "  " + padded("\(row["stored"]!)/\(row["planned"]!)", 14) + "  \(row["interrupted"]!)")
            }
            if let collected = batch.lastCollected() {
                print("merged:    \(collected.runs) of \(collected.planned) runs, \(collected.wrong.count) wrong; report \(collected.report)")
            }
        } catch let error as BenchError {
            printError("milp bench status: \(error)")
            throw ExitStatus.badInput.exitCode
        }
    }
}

struct BenchCollect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect", abstract: "Merge a Slurm batch's shards into its database and write its report (the merge job runs this).",
        discussion: "Idempotent: a run merged again replaces itself. Shards holding runs of another batch are refused. Exit 1 when a run is wrong, as milp bench.")

    @Argument(help: "The batch's folder (results-slurm/ beside results.sqlite).") var folder: String

    func run() throws {
        do {
            let batch = try SlurmBench(folder: folder)
            let collected = try batch.collect()
            printError("milp bench collect: \(collected.runs) of \(collected.planned) runs in \(batch.database), \(collected.wrong.count) wrong; report: \(collected.report)")
            for wrong in collected.wrong { printError("  WRONG \(wrong)") }
            if !collected.wrong.isEmpty { throw ExitCode.failure }
        } catch let error as BenchError {
            printError("milp bench collect: \(error)")
            throw ExitStatus.badInput.exitCode
        }
    }
}

struct BenchMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge results databases (e.g. the shards of a batch) into one.")

    @Argument(help: "Databases to merge.") var databases: [String]
    @Option(name: .shortAndLong, help: "The merged database (created or extended).") var output: String

    func run() throws {
        do {
            let store = try ResultStore(path: output)
            let count = try store.merge(from: databases)
            printError("milp bench merge: \(count) runs read, \(try store.runs().count) in \(output)")
        } catch let error as BenchError {
            printError("milp bench merge: \(error)")
            throw ExitStatus.badInput.exitCode
        }
    }
}

/// Specs separated by ';', or by ',' when no spec carries settings.
func parseSolverSpecs(_ text: String) throws -> [SolverSpec] {
    let known = Solvers.all.map(\.name) + BenchRun.lnsSolvers.keys.sorted() + (BenchRun.testSolversEnabled ? BenchRun.testSolvers : [])
    let items: [Substring] = text.contains(";") || !text.contains(":")
        ? text.split(separator: text.contains(";") ? ";" : ",")
        : splitSpecs(text)
    let specs = try items.map { try SolverSpec(parsing: String($0).trimmingCharacters(in: .whitespaces), knownSolvers: known) }
    guard !specs.isEmpty else { throw BenchError("no solver given; e.g. --solvers cbc,glpk") }
    if let lns = specs.first(where: { BenchRun.lnsSolvers[$0.name] != nil && !$0.settings.isEmpty }) {
        throw BenchError("\(lns.name) takes no settings (it runs the LNS with its defaults), found \"\(lns)\"")
    }
    return specs
}

/// Splits `cbc:threads=1,glpk,cbc:gap=0.1,threads=2` at commas that start a new solver name.
private func splitSpecs(_ text: String) -> [Substring] {
    var parts: [Substring] = []
    var start = text.startIndex
    var index = text.startIndex
    while index < text.endIndex {
        if text[index] == "," {
            let rest = text[text.index(after: index)...]
            let head = rest.prefix { $0 != "," && $0 != "=" }
            if !(rest.dropFirst(head.count).first == "=") {  // not key=value: a new spec
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        index = text.index(after: index)
    }
    parts.append(text[start...])
    return parts
}

/// The path of this executable.
func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

/// The progress line: rewritten in place on a terminal, one line per run otherwise.
final class ProgressDisplay: Sendable {
    let interactive: Bool
    init(interactive: Bool) { self.interactive = interactive }

    /// A line of its own state (a Slurm batch's): rewritten in place on a terminal.
    func show(line: String) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8)) } else { printError(line) }
    }

    func show(_ p: BenchProgress) {
        let eta = p.eta.map { String(format: "%.0f s", $0) } ?? "?"
        let head = "[\(p.done)/\(p.total)] running \(p.running), failures \(p.failures), wrong \(p.wrong), elapsed \(String(format: "%.0f", p.elapsed)) s, ETA \(eta)"
        if interactive {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(head)".utf8))
        } else if let run = p.last {
            let objective = run.objective.map(formatNumber) ?? "-"
            printError("\(head) | \(run.instance) \(run.solver) seed \(run.seed): \(run.status)\(run.limit.map { "/\($0)" } ?? "") \(objective) in \(String(format: "%.2f", run.seconds)) s\(run.wrong.map { " WRONG: \($0)" } ?? "")")
        }
    }

    func finish() { if interactive { FileHandle.standardError.write(Data("\n".utf8)) } }
}
