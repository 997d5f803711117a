import ArgumentParser
import Foundation
import MILPKit

struct IIS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iis",
        abstract: "Explain why a model is infeasible: find an irreducible infeasible subsystem (IIS).",
        discussion: """
        An IIS is a set of row sides and variable bounds that cannot all hold, while dropping any one of them leaves a system that can: the smallest story of the conflict, to read instead of the whole model. Integrality, and the bounds of semi-continuous variables and of SOS members, belong to every subsystem of a MIP; the rows and bounds are the members.

        LPs are analysed on CLP (default) or GLPK: the elastic LP establishes infeasibility, the alternative polyhedron (whose vertices are exactly the IISs) gives a small IIS and a local search smaller ones, then a deletion filter drops each member in turn, re-solving from the last basis. MIPs are analysed on CBC (default) or GLPK: the LP relaxation's IIS first when the relaxation is already infeasible (CLP solves the LPs when the solver is CBC), otherwise a bisection over all members (QuickXplain), then a deletion filter with MIP solves, so that the subsystem is infeasible with integrality and every proper subset is feasible with it; each MIP solve runs in a child process, so that a solver crash costs one test. Every infeasible claim is proven (a certificate checked in the model's numbers, or a solver's claim confirmed on a second path) and every feasible one by a checked point; when a test settles nothing, its member stays and the subsystem is reported as not proven irreducible.

        The report lists the rows with their IIS sides (a row `= 4` of which only `>= 4` takes part reads `>= 4`) and the variable bounds, then the counts and the time. -o writes the subsystem as a model (.lp or .mps by the extension) that any solver reads and finds infeasible: its rows with their IIS sides only, its variables with their IIS bounds only (other sides free), a zero objective.

        A feasible model ends with status feasible (exit 0) and a note; an unbounded model is feasible. --time-limit bounds the whole search; when it runs out, the smallest infeasible subsystem found so far is reported with status limit. Ctrl-C stops the search the same way.

        Examples:
          milp iis instances/infeasible/itest6.mps.gz
          milp iis model.lp --json | jq '.rows[].name'
          milp iis model.mps --solver glpk --time-limit 60 -o conflict.lp

        Exit codes: 0 an IIS was found (or the model is feasible); 10 the time limit or Ctrl-C stopped the search after infeasibility was established (the subsystem reported is infeasible, maybe not irreducible); 11 it stopped before; 1 a solver failed so that not even the model's feasibility could be decided; 2 bad input (unreadable file, invalid model, CLP for a MIP).
        """
    )

    @Argument(help: "The model file: .mps, .mps.gz (free or fixed MPS), .lp or .lp.gz (CPLEX LP).")
    var file: String

    @Option(help: "cbc, glpk or clp (LPs only). Default: clp for LPs, cbc for MIPs (with clp for the LP relaxation).")
    var solver: String?

    @Option(help: "Wall-clock time limit in seconds for the whole search.")
    var timeLimit: Double?

    @Option(help: "Wall-clock limit in seconds for one MIP feasibility test; a test that reaches it settles nothing, and its member stays (the subsystem is then not proven irreducible).")
    var testTimeLimit: Double = 10

    @Option(help: "The bounds of MPS integer columns between MARKER lines that get no bound in BOUNDS: nonnegative (the default) or binary (see milp solve --help).")
    var markerIntegerBounds: MarkerIntegerBounds = .nonnegative

    @Option(name: .shortAndLong, help: "Write the subsystem as a model file: CPLEX LP for .lp or .lp.gz, MPS otherwise.")
    var output: String?

    @Flag(help: "Print one JSON object on stdout instead of the report.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors; the exit code tells the outcome.")
    var quiet = false

    @Flag(help: "Show the search's progress on standard error even where it is not shown by default (when standard error is not a terminal, and with --json or --quiet).")
    var progress = false

    func validate() throws {
        if let timeLimit, !(timeLimit >= 0) { throw ValidationError("--time-limit must be a non-negative number of seconds") }
        if !(testTimeLimit > 0) { throw ValidationError("--test-time-limit must be a positive number of seconds") }
        if let solver, Solvers.named(solver) == nil { throw ValidationError("unknown solver \"\(solver)\"; use cbc, glpk or clp") }
    }

    func run() throws {
        let started = ContinuousClock.now
        let model: Model, warnings: [String]
        do {
            let loaded = try ModelFile.readWithNotes(file, markerIntegerBounds: markerIntegerBounds)
            (model, warnings) = (loaded.model, loaded.notes.warnings)
        } catch {
            printError("milp: \(error)")
            throw ExitStatus.badInput.exitCode
        }
        if !quiet { for warning in warnings { printError("milp: warning: \(file): \(warning)") } }
        let chosen = solver.flatMap(Solvers.named) ?? Solvers.automatic(for: model)
        let interrupt = InterruptFlag()
        let signals = InterruptSignals(flag: interrupt)
        defer { signals.restore() }
        let chatter = json ? SolverChatterToStderr() : nil
        defer { chatter?.restore() }
        var options = IISOptions(timeLimit: timeLimit.map { max(0, $0 - (ContinuousClock.now - started).seconds) },
                                 interrupt: interrupt)
        options.testTimeLimit = testTimeLimit
        // LPs are solved here (CLP, GLPK: stable, and warm-started); MIP subsystems, whose dropped
        // bounds leave free integers that have crashed CBC (an assertion in its dive heuristic),
        // each in a worker process, so that a crash costs one test, not the search.
        options.relaxationSolver = chosen.capabilities.contains(.duals) ? chosen : ClpSolver()
        let tester: any Solver = model.isMIP ? WorkerPoolSolver(chosen.name, executable: currentExecutable()) ?? chosen : chosen
        let display = progress || (isatty(2) != 0 && !json && !quiet)
            ? SolveProgressDisplay(style: SolveProgressDisplay.styleForStandardError, started: started) : nil
        defer { display?.finish() }
        if let display {
            options.progress = { state in
                display.update(line: "solves \(state.solves)  "
                    + (state.candidates == 0 ? "testing feasibility" : "infeasible subsystem of \(state.candidates), \(state.needed) needed"))
            }
        }
        let result: IISResult
        do {
            result = try model.computeIIS(solver: tester, options: options)
        } catch let error as IISError {
            printError("milp: \(file): \(error)")
            throw ExitStatus.error.exitCode
        } catch {
            printError("milp: \(file): \(error)")
            throw ExitStatus.badInput.exitCode
        }
        display?.finish()
        chatter?.restore()
        if let output, result.status != .feasible, result.size > 0 {
            do {
                try ModelFile.write(result.subsystem(of: model), to: output)
            } catch {
                printError("milp: \(output): \(error)")
                throw ExitStatus.error.exitCode
            }
        }
        if json {
            print(jsonReport(result, solver: chosen, warnings: warnings))
        } else if !quiet {
            print(report(result, model: model, solver: chosen))
        }
        switch result.status {
        case .iis, .feasible: return
        case .limit: throw (result.size > 0 ? ExitStatus.limitWithSolution : .limitWithoutSolution).exitCode
        }
    }

    private func report(_ result: IISResult, model: Model, solver: any Solver) -> String {
        var lines = [
            "file:      \(file) (\(model.constraintCount) rows, \(model.variableCount) columns, \(model.nonzeroCount) nonzeros)",
            "solver:    \(solver.name) \(solver.version)",
            "status:    \(result.status.rawValue)\(result.status == .feasible ? "" : result.isIrreducible ? " (irreducible)" : " (not proven irreducible)")",
        ]
        if !result.rows.isEmpty {
            lines.append("rows (\(result.rows.count)):")
            for row in result.rows { lines.append("  " + Self.describe(row, in: model)) }
        }
        if !result.bounds.isEmpty {
            lines.append("bounds (\(result.bounds.count)):")
            for bound in result.bounds {
                lines.append("  \(bound.name) \(bound.side == .upper ? "<=" : ">=") \(formatNumber(bound.value))")
            }
        }
        if result.status != .feasible {
            lines.append("size:      \(result.size) (\(result.size - result.bounds.count) row sides, \(result.bounds.count) bounds)")
        }
        lines.append("solves:    \(result.solves)")
        lines.append("time:      \(String(format: "%.3f", result.seconds)) s")
        if let message = result.message { lines.append("message:   \(message)") }
        if let output, result.status != .feasible, result.size > 0 { lines.append("subsystem written to \(output)") }
        return lines.joined(separator: "\n")
    }

    /// `name: 2 x + y - z >= 4`, with the row's other side noted when it is not part of the IIS
    /// (`(row: = 4)`); long rows show their first terms.
    static func describe(_ row: IISRow, in model: Model) -> String {
        let constraint = model.constraint(at: row.index)
        let (columns, coefficients) = model.row(constraint)
        let shown = 12
        var text = ""
        for (k, (column, coefficient)) in zip(columns, coefficients).prefix(shown).enumerated() {
            let name = model.name(of: model.variable(at: Int(column)))
            let magnitude = abs(coefficient) == 1 ? "" : "\(formatNumber(abs(coefficient))) "
            text += k == 0 ? (coefficient < 0 ? "-" : "") + magnitude + name : (coefficient < 0 ? " - " : " + ") + magnitude + name
        }
        if columns.count > shown { text += " + … (\(columns.count - shown) more terms)" }
        if columns.isEmpty { text = "0" }
        let lower = model.lowerBound(of: constraint), upper = model.upperBound(of: constraint)
        let relation = switch row.side {
        case .lower: "\(text) >= \(formatNumber(lower))"
        case .upper: "\(text) <= \(formatNumber(upper))"
        case .both: "\(formatNumber(lower)) <= \(text) <= \(formatNumber(upper))"
        }
        let otherSide = row.side != .both && lower.isFinite && upper.isFinite
        let whole = lower == upper ? "= \(formatNumber(lower))" : "in [\(formatNumber(lower)), \(formatNumber(upper))]"
        return "\(row.name): \(relation)\(otherSide ? "   (row: \(whole))" : "")"
    }

    private func jsonReport(_ result: IISResult, solver: any Solver, warnings: [String]) -> String {
        var object: [String: Any] = [
            "file": file, "status": result.status.rawValue, "irreducible": result.isIrreducible,
            "rows": result.rows.map { ["name": $0.name, "index": $0.index, "side": $0.side.rawValue] },
            "bounds": result.bounds.map { ["column": $0.name, "index": $0.column, "side": $0.side.rawValue, "value": $0.value] },
            "size": result.size, "solves": result.solves, "seconds": result.seconds,
            "solver": solver.name, "solver_version": solver.version, "warnings": warnings,
        ]
        if let message = result.message { object["message"] = message }
        if let output, result.status != .feasible, result.size > 0 { object["output"] = output }
        return jsonText(object)
    }
}
