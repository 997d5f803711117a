import ArgumentParser
import Foundation
import MILPKit

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a generated model with the DSL, report build time, and write or solve it.",
        subcommands: [FacilityLocation.self, Queens.self]
    )
}

/// Options shared by the generators: where to write, whether to solve, what to report.
struct GeneratedModelOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: "Write the model as MPS (.mps or .mps.gz).")
    var output: String?

    @Flag(help: "Hand the model to CBC (validate, lower, Cbc_loadProblem) without solving, and time it.")
    var handOff = false

    @Flag(help: "Hand the model to the solver and solve it.")
    var solve = false

    @Option(help: "Solver for --solve: cbc, glpk or clp (LP relaxation).")
    var solver = "cbc"

    @Option(help: "Time limit in seconds for --solve.")
    var timeLimit: Double?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    /// Writes and/or solves `model`, printing build/write/solve figures.
    func run(_ model: Model, buildSeconds: Double) throws {
        var report: [(String, String)] = [
            ("model", model.name), ("columns", "\(model.variableCount)"), ("rows", "\(model.constraintCount)"),
            ("nonzeros", "\(model.nonzeroCount)"), ("build_seconds", formatNumber(buildSeconds)),
        ]
        var exit = ExitStatus.optimal
        if let output {
            let (_, seconds) = try timed { try MPSWriter().write(model, to: output) }
            report += [("write_seconds", formatNumber(seconds)), ("file", output)]
        }
        if handOff {
            let (loaded, seconds) = try timed { try CbcSolver().load(model) }
            guard loaded.nonzeros == model.nonzeroCount, loaded.columns == model.variableCount else {
                throw ValidationError("CBC received \(loaded.columns) columns and \(loaded.nonzeros) nonzeros, expected \(model.variableCount) and \(model.nonzeroCount)")
            }
            report += [("handoff_seconds", formatNumber(seconds)), ("build_plus_handoff_seconds", formatNumber(buildSeconds + seconds))]
        }
        if solve {
            guard let solver = Solvers.named(self.solver) else {
                throw ValidationError("unknown solver \(self.solver); use cbc, glpk or clp")
            }
            var target = model
            if !solver.capabilities.contains(.integers) { target.relaxIntegrality() }
            let result = try solver.solve(target, options: SolveOptions(timeLimit: timeLimit))
            exit = ExitStatus(result)
            report += [("solver", solver.name), ("status", result.termination.rawValue),
                       ("objective", result.objective.map(formatNumber) ?? "none"),
                       ("solve_seconds", formatNumber(result.seconds))]
        }
        report.append(("peak_memory_mib", formatNumber(peakMemoryMiB())))
        if json {
            let body = report.map { key, value in
                let numeric = Double(value) != nil && key != "model" && key != "file"
                return "\"\(key)\": " + (numeric ? value : "\"\(value)\"")
            }
            print("{" + body.joined(separator: ", ") + "}")
        } else {
            for (key, value) in report { print("\(key.replacingOccurrences(of: "_", with: " ")): \(value)") }
        }
        if exit != .optimal { throw exit.exitCode }
    }
}

struct FacilityLocation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cfl",
        abstract: "Capacitated facility location (binary y_j open, x_ij ∈ [0,1] served).",
        discussion: """
        min Σ f_j y_j + Σ c_ij x_ij  s.t.  Σ_j x_ij = 1,  x_ij ≤ y_j,  Σ_i d_i x_ij ≤ C_j y_j.
        2000 clients × 100 facilities: 200,100 columns, 202,100 rows, 800,100 nonzeros.

        Example: milp generate cfl --clients 2000 --facilities 100 --seed 1 -o cfl.mps
        """
    )

    @Option(help: "Number of clients.") var clients = 2000
    @Option(help: "Number of candidate facilities.") var facilities = 100
    @Option(help: "Random seed (same seed, same instance).") var seed: UInt64 = 1
    @Flag(help: "Give every variable and row a readable name (x[i,j], assign[i], …).") var names = false
    @OptionGroup var common: GeneratedModelOptions

    func validate() throws {
        guard clients > 0, facilities > 0 else { throw ValidationError("--clients and --facilities must be positive") }
    }

    func run() throws {
        let (model, seconds) = timed { Generators.facilityLocation(clients: clients, facilities: facilities, seed: seed, names: names) }
        try common.run(model, buildSeconds: seconds)
    }
}

struct Queens: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "n-Queens as a MILP: at most one queen per row, column and diagonal; maximize queens.",
        discussion: "n = 1000: 1,000,000 binaries, 5,994 rows, 4M nonzeros.\n\nExample: milp generate queens --n 1000"
    )

    @Option(help: "Board size.") var n = 8
    @OptionGroup var common: GeneratedModelOptions

    func validate() throws {
        guard n >= 2 else { throw ValidationError("--n must be at least 2") }
    }

    func run() throws {
        let (model, seconds) = timed { Generators.queens(n) }
        try common.run(model, buildSeconds: seconds)
    }
}
