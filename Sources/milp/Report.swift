import ArgumentParser
import Foundation
import MILPKit

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarize a results database: solved counts, times, primal gaps, wrong answers, plots.",
        discussion: """
        Per solver spec: runs solved (status optimal or infeasible, and not wrong), wrong answers, the shifted geometric mean time (unsolved runs count at the time limit), the mean primal gap, and the mean primal integral when runs recorded incumbent traces; then a per-instance table. The HTML page adds a performance profile (Dolan–Moré), runs solved over time, an outcome chart and, with traces, the primal gap over time. Wrong answers come first in every format, and the report states its definitions.

        With --optimal-values the wrong flags are recomputed against that list (to check a report against corrected values) and its values become the primal-gap references; otherwise the references are the best objectives any run found.

        Examples:
          milp report results.sqlite                  Markdown on standard output
          milp report results.sqlite -o report.html   HTML (format from the extension)
          milp report results.sqlite --format json --optimal-values known.csv

        Exit codes: 0 the report was written and no run is wrong, 1 the report was written and some runs are wrong (as milp bench), 2 bad input (database, value list, format).
        """
    )

    @Argument(help: "The results database written by milp bench.") var db: String
    @Option(help: "Output format: md, csv, json or html (default: from the -o extension, else md).") var format: String?
    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.") var output: String?
    @Option(help: "Known optima (CSV name,objective,status or MIPLIB .solu): recheck wrong answers and use them as primal-gap references.")
    var optimalValues: String?
    @Option(help: "Shift of the shifted geometric mean time, in seconds.") var shift: Double = 10

    func run() throws {
        do {
            let chosen: ReportFormat
            if let format {
                guard let parsed = ReportFormat(name: format) else {
                    throw BenchError("unknown format \"\(format)\"; use md, csv, json or html")
                }
                chosen = parsed
            } else if let output {
                guard let inferred = ReportFormat(path: output) else {
                    throw BenchError("cannot tell the format from \"\(output)\"; give --format md, csv, json or html, or an -o file ending in .md, .csv, .json or .html")
                }
                chosen = inferred
            } else {
                chosen = .md
            }
            guard shift >= 0, shift.isFinite else { throw BenchError("--shift must be a number ≥ 0 (seconds)") }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: db, isDirectory: &isDirectory) else {
                throw BenchError("\(db): no such results database")
            }
            guard !isDirectory.boolValue else { throw BenchError("\(db): is a folder, not a results database") }
            let known: KnownOptima?
            do { known = try optimalValues.map(KnownOptima.init(path:)) } catch { throw BenchError("\(error)") }
            let runs = try ResultStore(path: db, readOnly: true).runs()
            let report = BenchReport(runs: runs, options: ReportOptions(shift: shift, known: known, source: db))
            let text = report.render(chosen)
            if let output {
                // In place: a rename would replace /dev/stdout or a symbolic link with a file.
                do { try text.write(toFile: output, atomically: false, encoding: .utf8) } catch {
                    throw BenchError("cannot write \(output): \(error.localizedDescription)")
                }
                printError("milp report: \(chosen.rawValue) report of \(runs.count) runs written to \(output)\(report.wrongRuns.isEmpty ? "" : "; \(report.wrongRuns.count) WRONG")")
            } else {
                print(text, terminator: "")
                if !report.wrongRuns.isEmpty { printError("milp report: \(report.wrongRuns.count) WRONG answers") }
            }
            if !report.wrongRuns.isEmpty { throw ExitCode.failure }
        } catch let error as BenchError {
            printError("milp report: \(error)")
            throw ExitStatus.badInput.exitCode
        }
    }
}
