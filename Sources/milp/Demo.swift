import ArgumentParser
import Foundation
import MILPKit
import Synchronization

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Solve the bundled instances with CBC and GLPK (CLP for LPs), verify every answer, print a summary.",
        discussion: """
        Every model file under the instances folder is solved by CBC and GLPK (CLP and GLPK when it is an LP), the two solvers side by side on two cores. Each returned solution is re-checked against the model (bounds, rows, integrality) and each claim against the known answer in optimal-values.csv: a claimed optimum that differs, an objective that beats a proven optimum, or a wrong "infeasible" is WRONG. A run stopped by the time limit is not wrong, only unfinished. Exits 1 if anything is wrong.

        Examples:
          milp demo
          milp demo --time-limit 10 --json > demo.json
        """
    )

    @Option(help: "The instances folder (with optimal-values.csv).") var instances = "instances"
    @Option(help: "Time limit per solve, in seconds.") var timeLimit: Double = 5
    @Flag(help: "Print one JSON object per solve (JSON lines) instead of the table.") var json = false

    func run() throws {
        let known = try KnownOptima(path: "\(instances)/optimal-values.csv")
        let files = try modelFiles(in: instances)
        guard !files.isEmpty else {
            printError("milp: no .mps/.mps.gz files under \(instances)")
            throw ExitStatus.badInput.exitCode
        }
        let models = try files.map { try ModelFile.read($0) }
        // Two lanes on two cores: CBC/CLP in one (CBC solves one model at a time per process), GLPK in the other.
        let lanes: [[any Solver]] = [[CbcSolver(), ClpSolver()], [GlpkSolver()]]
        let outcomes = Mutex<[Int: (SolveResult, Verification)]>([:])
        let started = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: lanes.count) { lane in
            for (index, model) in models.enumerated() {
                guard let solver = lanes[lane].first(where: { model.isMIP ? $0.capabilities.contains(.integers) : true }) else { continue }
                let name = ModelFile.instanceName(files[index])
                let result: SolveResult
                do { result = try solver.solve(model, options: SolveOptions(timeLimit: timeLimit)) } catch {
                    printError("milp: \(files[index]): \(error)")
                    continue
                }
                let verdict = Verification(result, model: model, known: known[name])
                if !json { printError("[\(index + 1)/\(files.count)] \(name) \(solver.name): \(result.termination.rawValue)") }
                outcomes.withLock { $0[index * lanes.count + lane] = (result, verdict) }
            }
        }
        var rows: [[String]] = []
        var solved = 0, runs = 0, wrong = 0
        for key in outcomes.withLock({ $0.keys.sorted() }) {
            let (result, verdict) = outcomes.withLock { $0[key]! }
            let name = ModelFile.instanceName(files[key / lanes.count])
            runs += 1
            if result.termination == .optimal || result.termination == .infeasible { solved += 1 }
            if verdict.isWrong { wrong += 1 }
            let reference = known[name].map(describe) ?? "-"
            if json {
                let object: [String: Any] = [
                    "instance": name, "solver": result.solverName, "status": result.termination.rawValue,
                    "limit": result.limit?.rawValue ?? NSNull(), "objective": jsonNumber(result.objective),
                    "known": reference, "seconds": result.seconds, "wrong": verdict.wrong ?? NSNull(),
                    "message": result.message ?? NSNull(),
                ]
                print(jsonText(object))
            }
            rows.append([name, result.solverName, result.termination.rawValue + (result.limit.map { " (\($0.rawValue))" } ?? ""),
                         result.objective.map(formatNumber) ?? "-", reference,
                         String(format: "%.3f", result.seconds), verdict.wrong.map { "WRONG: \($0)" } ?? "ok"])
        }
        let total = (ContinuousClock.now - started).seconds
        if !json {
            print(formatTable(["instance", "solver", "status", "objective", "known", "seconds", "check"], rows))
            print("""

            \(files.count) instances, \(runs) solves in \(String(format: "%.1f", total)) s: \(solved) finished (optimal or \
            infeasible proven), \(runs - solved) stopped at the \(formatNumber(timeLimit)) s limit, \(wrong) wrong.
            """)
            print(wrong == 0 ? "Every solution re-checked against its model; every claim agrees with the known answer."
                             : "\(wrong) WRONG answer(s): see the check column.")
        }
        if wrong > 0 { throw ExitCode.failure }
    }

    private func describe(_ answer: KnownAnswer) -> String {
        switch answer {
        case .optimal(let v): formatNumber(v)
        case .bestKnown(let v): "≤ \(formatNumber(v))"
        case .infeasible: "infeasible"
        }
    }
}

/// Model files (.mps, .mps.gz, .lp, .lp.gz) under `folder`, recursively, sorted.
func modelFiles(in folder: String) throws -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: folder) else {
        throw ValidationError("cannot read the folder \(folder)")
    }
    let suffixes = [".mps", ".mps.gz", ".lp", ".lp.gz"]
    return walker.compactMap { $0 as? String }
        .filter { path in suffixes.contains { path.lowercased().hasSuffix($0) } }
        .sorted()
        .map { "\(folder)/\($0)" }
}
