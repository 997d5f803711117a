import ArgumentParser
import Foundation
import MILPKit

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run sets of instances against solvers, with a resumable results database.",
        discussion: """
        Every (instance, solver, seed) run executes in its own child process with a hard kill at the time limit + 10% + 5 s, its peak memory recorded; a crash, an abort or a hang is recorded as that run's status and the batch goes on. Each finished run is stored at once (SQLite, WAL): rerunning the same command skips the runs already stored, so a killed batch resumes where it stopped. Returned solutions are re-checked against the model, and results are compared with --optimal-values: a wrong answer is flagged in every report.

        Solvers: cbc, glpk, clp (LPs), and lns / lns-glpk: the adaptive large neighborhood search with its default settings over CBC or GLPK repairs (two repairs at a time, so give it a job of its own: --jobs 1). LNS runs record their incumbent trace, from which `milp report` plots the primal gap over time and computes primal integrals.

        Examples:
          milp bench instances/miplib3 --solvers cbc,glpk --time-limit 30 --jobs 2 --db results.sqlite \\
              --optimal-values instances/optimal-values.csv
          milp bench list.txt --solvers cbc:threads=1,cbc:threads=2 --seeds 3 --shard 2/4 --db part2.sqlite
          milp bench instances/lns --solvers cbc,lns --time-limit 60 --jobs 1 --db lns.sqlite
          milp bench merge part1.sqlite part2.sqlite -o all.sqlite
          milp report results.sqlite --format html -o report.html
        """,
        subcommands: [BenchBatch.self, BenchMerge.self],
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

    func validate() throws {
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be positive") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        if let memoryLimit, memoryLimit < 16 { throw ValidationError("--memory-limit is in MiB and must be at least 16") }
    }

    func run() throws {
        do {
            let specs = try parseSolverSpecs(solvers)
            let known = try optimalValues.map(KnownOptima.init(path:)) ?? KnownOptima()
            let split = try shard.map(BenchPlan.shard)
            let found = try BenchPlan.instances(instances, markerIntegerBounds: markerIntegerBounds)
            guard !found.isEmpty else { throw BenchError("no instance files (.mps, .mps.gz, .lp, .lp.gz) in \(instances.joined(separator: ", "))") }
            let store = try ResultStore(path: db)
            let planned = BenchPlan.runs(instances: found, solvers: specs, seeds: seeds, timeLimit: timeLimit, shard: split)
            let finished = try store.finishedKeys()
            let todo = planned.filter { !finished.contains($0.key) }
            printError("milp bench: \(planned.count) runs (\(found.count) instances × \(specs.count) solvers × \(seeds) seeds\(shard.map { ", shard \($0)" } ?? "")), \(planned.count - todo.count) already in \(db), \(todo.count) to run, \(jobs) at a time")
            let runner = BenchRunner(executable: currentExecutable(), childCommand: ["bench-run"], jobs: jobs,
                                     memoryLimitMiB: memoryLimit, known: known)
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
