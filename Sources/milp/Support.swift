import ArgumentParser
import Foundation
import MILPKit

/// Peak resident memory of this process so far, in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Seconds taken by `body`, and its result.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try body()
    return (value, (ContinuousClock.now - start).seconds)
}

/// Prints to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Left-aligned columns for human-readable tables.
func formatTable(_ header: [String], _ rows: [[String]]) -> String {
    let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
        .joined(separator: "\n")
}

/// The path of this `milp` executable (for child processes that run it again).
func milpExecutablePath() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

/// The case of `T` named `text`; otherwise prints "unknown NAME 'text': use a, b, c" and exits
/// with the bad-input status.
func namedCase<T: RawRepresentable & CaseIterable>(_ text: String, of _: T.Type, option name: String) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: text) else {
        printError("milp: unknown \(name) '\(text)': use \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        throw ExitStatus.badInput.exitCode
    }
    return value
}

/// The points of a trace whose numbers are all finite (JSON has no infinity).
func finitePoints(_ trace: [[Double]]) -> [[Double]] { trace.filter { $0.allSatisfy(\.isFinite) } }

/// `--solver` of the commands whose models need branching (remat, coreshape, synth).
struct MIPSolverOption: ParsableArguments {
    @Option(help: "The MIP solver: cbc or glpk.") var solver: String = "cbc"

    func validate() throws {
        guard let named = Solvers.named(solver) else { throw ValidationError("unknown solver '\(solver)': use cbc or glpk") }
        do { try named.requireIntegers(for: "this command") } catch { throw ValidationError("\(error)") }
    }

    /// The chosen solver (valid after `validate()`).
    var chosen: any Solver { Solvers.named(solver)! }
}

extension MarkerIntegerBounds: ExpressibleByArgument {}
