import ArgumentParser
import CProcessShim
import Foundation
import MILPKit

@main
struct Milp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "milp",
        abstract: "Build and solve mixed-integer linear programs with CBC, CLP and GLPK.",
        discussion: """
        Examples:
          milp demo                                   solve the bundled instances with CBC and GLPK, verify
          milp solve model.mps --time-limit 60 --json solve one file (CBC for MIPs, CLP for LPs)
          milp bench instances/ --solvers cbc,glpk    batch runs into a resumable results database
          milp report results.sqlite -o report.html   tables and plots from a results database
          milp generate setcover --count 20 -o sets/  generated instance distributions
          milp generate cfl --clients 2000 --facilities 100 -o cfl.mps
          milp generate queens --n 1000               build n-Queens and report build time

        Exit codes (all subcommands):
        \(ExitStatus.table)
        """,
        subcommands: [Solve.self, IIS.self, Stats.self, Convert.self, Bench.self, Report.self, Generate.self, Demo.self, BenchRun.self, Worker.self, CoreShape.self, Remat.self, Synth.self]
    )

    /// As ArgumentParser's entry point, but usage errors exit with `ExitStatus.badInput` (2), as
    /// documented, instead of 64.
    static func main() {
        InterruptSignals.takeOver()
        // A child of another milp process (e.g. an LNS repair) dies with it.
        if ProcessInfo.processInfo.environment["MILP_DIE_WITH_PARENT"] == "1" { milpkit_die_with_parent() }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(ExitStatus.badInput.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes scripts can rely on.
enum ExitStatus: Int32, CaseIterable {
    case optimal = 0
    case error = 1
    case badInput = 2
    case infeasible = 3
    case unbounded = 4
    case infeasibleOrUnbounded = 5
    case limitWithSolution = 10
    case limitWithoutSolution = 11

    var meaning: String {
        switch self {
        case .optimal: "success (optimal, or the command's work done)"
        case .error: "solver or internal error"
        case .badInput: "bad input: usage, unreadable file, invalid model"
        case .infeasible: "infeasible"
        case .unbounded: "unbounded"
        case .infeasibleOrUnbounded: "infeasible or unbounded"
        case .limitWithSolution: "a limit stopped the solve; a feasible solution was found"
        case .limitWithoutSolution: "a limit stopped the solve; no feasible solution"
        }
    }

    static var table: String {
        allCases.map { "  \(String($0.rawValue).padding(toLength: 3, withPad: " ", startingAt: 0)) \($0.meaning)" }
            .joined(separator: "\n")
    }

    /// The exit status that describes a solve result.
    init(_ result: SolveResult) {
        switch result.termination {
        case .optimal: self = .optimal
        case .infeasible: self = .infeasible
        case .unbounded: self = .unbounded
        case .infeasibleOrUnbounded: self = .infeasibleOrUnbounded
        case .limitReached: self = result.hasSolution ? .limitWithSolution : .limitWithoutSolution
        case .error: self = .error
        }
    }

    var exitCode: ExitCode { ExitCode(rawValue) }
}
