import ArgumentParser
import Dispatch
import Foundation
import MILPKit
import Synchronization

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve a model file (.mps, .mps.gz) and report status, objective, bound and gap.",
        discussion: """
        The solver defaults to CBC for models with integer variables and CLP for pure LPs. --time-limit is the wall-clock budget of the whole command (reading included); it is enforced even where a solver would overrun it. Ctrl-C (or SIGTERM) stops the solve and reports the best solution found so far; a second Ctrl-C ends the process at once.

        On a terminal, a progress line on standard error shows the elapsed time, the incumbent, the bound, the gap and the nodes, redrawn up to four times a second and cleared at the end; --progress also shows it (a line every 5 s) in logs, beside --json and with --quiet.

        Examples:
          milp solve instances/miplib3/p0033.mps.gz
          milp solve model.mps --solver glpk --time-limit 60 --gap 0.01 --solution best.sol
          milp solve model.mps --json | jq .objective
          milp solve model.mps --mip-start previous.sol --node-limit 1000

        Exit codes:
        \(ExitStatus.table)
        """
    )

    @Argument(help: "The model file: .mps, .mps.gz (free or fixed MPS), .lp or .lp.gz (CPLEX LP).")
    var file: String

    @Option(help: "cbc, glpk or clp (LPs only). Default: cbc for MIPs, clp for LPs.")
    var solver: String?

    @Option(help: "Wall-clock time limit in seconds.")
    var timeLimit: Double?

    @Option(help: "Relative gap |objective − bound| / |objective| at which to stop (e.g. 0.01).")
    var gap: Double?

    @Option(help: "Absolute gap |objective − bound| at which to stop.")
    var absoluteGap: Double?

    @Option(help: "Threads for the solver (CBC).")
    var threads: Int?

    @Option(help: "Stop after this many branch-and-bound nodes.")
    var nodeLimit: Int?

    @Option(help: "Stop after this many improving solutions.")
    var solutionLimit: Int?

    @Option(help: "Random seed, where the solver accepts one (CBC; 0 makes CBC seed its heuristics from the clock).")
    var seed: Int?

    @Option(help: "A MIPLIB .sol file used as the MIP start.")
    var mipStart: String?

    @Option(help: "The bounds of MPS integer columns between MARKER lines that get no bound in BOUNDS: nonnegative ([0, +inf), the default) or binary ([0, 1], as the cbc and glpsol executables and HiGHS read them and MIPLIB 2017 states). A warning says when a file has such columns.")
    var markerIntegerBounds: MarkerIntegerBounds = .nonnegative

    @Flag(help: "Turn CBC's MIP preprocessing (CglPreProcess) off.")
    var noPreprocessing = false

    @Option(help: "Write the best solution as a MIPLIB .sol file.")
    var solution: String?

    @Flag(help: "Run adaptive large neighborhood search over the solver (default cbc; time limit default 60 s).")
    var lns = false

    @Option(help: "LNS settings as JSON (operators, bandit, acceptance, seed, ...); implies --lns.")
    var lnsConfig: String?

    @Option(help: "Write the LNS result with its per-iteration trace as JSON to this file.")
    var lnsTrace: String?

    @Flag(help: "Print one JSON object on stdout instead of the summary.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors; the exit code tells the outcome.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Pass the solver's log through.")
    var verbose = false

    @Flag(help: "Show the search's progress on standard error even where it is not shown by default: when standard error is not a terminal (a line every 5 s), and with --json, --quiet or --verbose. On a terminal it is shown anyway: one line, redrawn.")
    var progress = false

    func validate() throws {
        if let timeLimit, !(timeLimit >= 0) { throw ValidationError("--time-limit must be a non-negative number of seconds") }
        if let gap, !(gap >= 0) { throw ValidationError("--gap must be ≥ 0") }
        if let absoluteGap, !(absoluteGap >= 0) { throw ValidationError("--absolute-gap must be ≥ 0") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let nodeLimit, nodeLimit < 0 { throw ValidationError("--node-limit must be ≥ 0") }
        if let solutionLimit, solutionLimit < 1 { throw ValidationError("--solution-limit must be at least 1") }
        if useLNS, gap != nil || absoluteGap != nil || nodeLimit != nil || solutionLimit != nil || threads != nil || noPreprocessing {
            throw ValidationError("--gap, --absolute-gap, --node-limit, --solution-limit, --threads and --no-preprocessing apply to one solve, not to --lns; set the LNS up with --lns-config (repair_time_limit, repair_preprocessing, parallel_repairs, ...)")
        }
        if let solver, Solvers.named(solver) == nil { throw ValidationError("unknown solver \"\(solver)\"; use cbc, glpk or clp") }
        if useLNS, solver?.lowercased() == "clp" { throw ValidationError("--lns needs a MIP solver: cbc or glpk") }
    }

    func run() throws {
        let commandStart = ContinuousClock.now
        let (loaded, readSeconds) = timed { () -> (model: Model, notes: ReadNotes)? in
            do { return try ModelFile.readWithNotes(file, markerIntegerBounds: markerIntegerBounds) } catch {
                printError("milp: \(error)")
                return nil
            }
        }
        guard let loaded else { throw ExitStatus.badInput.exitCode }
        var model = loaded.model
        let warnings = loaded.notes.warnings
        if !quiet { for warning in warnings { printError("milp: warning: \(file): \(warning)") } }
        if let mipStart {
            do {
                let start = try SolutionFile.read(path: mipStart, for: model)
                model.setStart(values: start.values)
            } catch {
                printError("milp: \(error)")
                throw ExitStatus.badInput.exitCode
            }
        }
        let chosen = solver.flatMap(Solvers.named) ?? Solvers.automatic(for: model)
        let interrupt = InterruptFlag()
        let signals = InterruptSignals(flag: interrupt)
        defer { signals.restore() }
        // CBC prints some messages on stdout whatever its log level: keep stdout for the JSON.
        let chatter = json ? SolverChatterToStderr() : nil
        defer { chatter?.restore() }
        if useLNS {
            try runLNS(model, readSeconds: readSeconds, warnings: warnings, commandStart: commandStart, interrupt: interrupt, chatter: chatter)
            return
        }
        let remaining = timeLimit.map { max(0, $0 - (ContinuousClock.now - commandStart).seconds) }
        var options = SolveOptions(
            timeLimit: remaining, relativeGap: gap, absoluteGap: absoluteGap, threads: threads,
            nodeLimit: nodeLimit, solutionLimit: solutionLimit, logLevel: verbose ? 1 : 0, seed: seed, interrupt: interrupt)
        if noPreprocessing { options.preprocessing = false }
        // Progress goes to stderr: on a terminal by default, elsewhere when asked for.
        let display = progress || (isatty(2) != 0 && !json && !quiet && !verbose)
            ? SolveProgressDisplay(style: SolveProgressDisplay.styleForStandardError, started: commandStart) : nil
        defer { display?.finish() }
        if let display { options.progress = { display.update($0) } }
        let report = ReportOnce()
        if let timeLimit {
            // The adapters stop at the deadline; should a solver still not return, report and exit.
            let grace = 0.04 * timeLimit + 0.6
            DispatchQueue.global().asyncAfter(deadline: .now() + (remaining ?? 0) + grace) { [self] in
                guard report.claim() else { return }
                display?.finish()
                chatter?.restore()
                let message = "\(chosen.name) did not return within \(formatNumber(grace)) s of the time limit; stopped"
                if json {
                    print(jsonText([
                        "file": file, "status": "limit", "limit": "time", "has_solution": false, "objective": NSNull(),
                        "bound": NSNull(), "gap": NSNull(), "seconds": (ContinuousClock.now - commandStart).seconds,
                        "nodes": NSNull(), "solver": chosen.name, "solver_version": chosen.version, "message": message,
                        "warnings": warnings,
                    ]))
                } else if !quiet {
                    print("status:    limit (time limit)\nsolution:  none\nmessage:   \(message)")
                }
                fflush(nil)
                _exit(ExitStatus.limitWithoutSolution.rawValue)
            }
        }
        let result: SolveResult
        do {
            result = try chosen.solve(model, options: options)
        } catch {
            printError("milp: \(file): \(error)")
            throw ExitStatus.badInput.exitCode
        }
        guard report.claim() else { while true { pause() } }  // the watchdog is reporting
        display?.finish()
        chatter?.restore()
        if let solution, let values = result.values {
            try SolutionFile.write(model, values: values, to: solution)
        }
        if json {
            print(jsonReport(result, model: model, readSeconds: readSeconds, warnings: warnings))
        } else if !quiet {
            print(humanReport(result, model: model, readSeconds: readSeconds))
        }
        let exit = ExitStatus(result)
        if exit != .optimal { throw exit.exitCode }
    }

    /// The first lines of the human summary: the file and its size, the solver, the outcome.
    func summaryHead(solver: String, status: TerminationReason, limit: SolveLimit?, model: Model, readSeconds: Double) -> [String] {
        [
            "file:      \(file) (\(model.constraintCount) rows, \(model.variableCount) columns, \(model.nonzeroCount) nonzeros; read in \(String(format: "%.3f", readSeconds)) s)",
            "solver:    \(solver)",
            "status:    \(status.rawValue)\(limit.map { " (\($0.rawValue) limit)" } ?? "")",
        ]
    }

    /// The keys every `--json` report has (docs/cli.md); nil numbers become null.
    func reportFields(status: TerminationReason, limit: SolveLimit?, hasSolution: Bool, objective: Double?, bound: Double?,
                      gap: Double?, seconds: Double, nodes: Int?, solverName: String, solverVersion: String,
                      model: Model, readSeconds: Double, warnings: [String]) -> [String: Any] {
        [
            "file": file, "status": status.rawValue, "limit": limit?.rawValue ?? NSNull(),
            "has_solution": hasSolution, "objective": jsonNumber(objective), "bound": jsonNumber(bound),
            "gap": jsonNumber(gap), "seconds": seconds, "read_seconds": readSeconds, "nodes": nodes ?? NSNull(),
            "solver": solverName, "solver_version": solverVersion,
            "rows": model.constraintCount, "columns": model.variableCount, "nonzeros": model.nonzeroCount,
            "warnings": warnings,
        ]
    }

    private func humanReport(_ r: SolveResult, model: Model, readSeconds: Double) -> String {
        var lines = summaryHead(solver: "\(r.solverName) \(r.solverVersion)", status: r.termination, limit: r.limit,
                                model: model, readSeconds: readSeconds)
        if let objective = r.objective {
            lines.append("objective: \(formatNumber(objective))")
            lines.append("bound:     \(formatNumber(r.bestBound))")
            if let gap = r.gap { lines.append("gap:       \(String(format: "%.4f", gap * 100))%") }
        } else {
            lines.append("solution:  none")
        }
        lines.append("nodes:     \(r.nodes)")
        lines.append("time:      \(String(format: "%.3f", r.seconds)) s")
        if let message = r.message { lines.append("message:   \(message)") }
        if let solution, r.hasSolution { lines.append("solution written to \(solution)") }
        return lines.joined(separator: "\n")
    }

    private func jsonReport(_ r: SolveResult, model: Model, readSeconds: Double, warnings: [String]) -> String {
        var object = reportFields(status: r.termination, limit: r.limit, hasSolution: r.hasSolution, objective: r.objective,
                                  bound: r.bestBound, gap: r.gap, seconds: r.seconds, nodes: r.nodes,
                                  solverName: r.solverName, solverVersion: r.solverVersion, model: model, readSeconds: readSeconds,
                                  warnings: warnings)
        if let message = r.message { object["message"] = message }
        if let recovery = r.recovery { object["recovery"] = recovery.rawValue }
        if let trace = r.incumbentTrace { object["incumbent_trace"] = finitePoints(trace) }
        return jsonText(object)
    }
}

/// Sends what is written on standard output to standard error until `restore()` (idempotent).
final class SolverChatterToStderr: Sendable {
    private let saved: Int32
    private let restored = Atomic<Bool>(false)

    init() {
        fflush(nil)
        saved = dup(1)
        dup2(2, 1)
    }

    func restore() {
        guard !restored.exchange(true, ordering: .acquiringAndReleasing) else { return }
        fflush(nil)
        dup2(saved, 1)
        close(saved)
    }
}

/// Lets exactly one of the solve and the deadline watchdog report the outcome.
final class ReportOnce: Sendable {
    private let claimed = Atomic<Bool>(false)
    /// True for the first caller only.
    func claim() -> Bool { !claimed.exchange(true, ordering: .acquiringAndReleasing) }
}

/// One JSON object as text, keys sorted.
func jsonText(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}

/// A JSON value for a number that may be missing or infinite (JSON has no infinity: null).
func jsonNumber(_ x: Double?) -> Any {
    guard let x, x.isFinite else { return NSNull() }
    return x
}
