import ArgumentParser
import CProcessShim
import Foundation
import MILPKit

/// The child side of `milp bench`: one solve, one JSON report on standard output.
struct BenchRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-run", abstract: "Run one benchmark solve and print a JSON report (used by milp bench).",
        shouldDisplay: false)

    /// Solvers that misbehave on purpose, for testing the runner: accepted only when the
    /// environment variable MILP_BENCH_TEST_SOLVERS is 1.
    static let testSolvers = ["test-crash", "test-hang"]
    static var testSolversEnabled: Bool { ProcessInfo.processInfo.environment["MILP_BENCH_TEST_SOLVERS"] == "1" }

    @Argument var file: String
    @Option var solver: String
    @Option var seed = 0
    @Option var timeLimit: Double
    @Option var memoryLimit: Int?

    func run() throws {
        // Die with the batch: a killed runner leaves no orphan solves behind.
        milpkit_die_with_parent()
        if let memoryLimit {
            var limit = rlimit(rlim_cur: rlim_t(memoryLimit) << 20, rlim_max: rlim_t(memoryLimit) << 20)
            setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
        }
        let spec: SolverSpec
        do { spec = try parseSolverSpecs(solver).first! } catch {
            emit(ChildReport(status: "error", solverName: solver, message: "\(error)"))
            throw ExitStatus.badInput.exitCode
        }
        switch spec.name {
        case "test-crash": abort()
        case "test-hang": while true { sleep(1000) }
        default: break
        }
        let chosen = Solvers.named(spec.name)!
        let model: Model
        do { model = try ModelFile.read(file) } catch {
            emit(ChildReport(status: "bad_input", solverName: chosen.name, solverVersion: chosen.version, message: "\(error)"))
            throw ExitStatus.badInput.exitCode
        }
        let result: SolveResult
        do { result = try chosen.solve(model, options: spec.options(timeLimit: timeLimit, seed: seed)) } catch {
            emit(ChildReport(status: "error", solverName: chosen.name, solverVersion: chosen.version,
                             sense: model.sense.rawValue, message: "\(error)"))
            return
        }
        // The solver's point: the returned solution, or the infeasible point the adapter dropped.
        let tolerance = FeasibilityReport.acceptedViolation
        let report = result.values.map { model.checkFeasibility(of: $0, tolerance: tolerance, integralityTolerance: tolerance) }
            ?? result.discardedPoint
        emit(ChildReport(
            status: result.termination.rawValue, limit: result.limit?.rawValue, hasSolution: result.hasSolution,
            objective: result.objective, bound: result.bestBound, gap: result.gap, seconds: result.seconds,
            nodes: result.nodes, solverName: result.solverName, solverVersion: result.solverVersion,
            sense: model.sense.rawValue, maxViolation: report?.maxViolation,
            infeasibleSolution: report.flatMap { $0.isFeasible ? nil : $0.description }, message: result.message))
    }

    private func emit(_ report: ChildReport) {
        let data = (try? ChildReport.encoder.encode(report)) ?? Data("{}".utf8)
        print(String(decoding: data, as: UTF8.self))
    }
}
