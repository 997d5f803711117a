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
    @Option var markerIntegerBounds: MarkerIntegerBounds = .nonnegative

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
        let repairSolver = Self.lnsSolvers[spec.name]
        let chosen = Solvers.named(repairSolver ?? spec.name)!
        let solverName = repairSolver == nil ? chosen.name : spec.name
        let model: Model
        do { model = try ModelFile.readWithNotes(file, markerIntegerBounds: markerIntegerBounds).model } catch {
            emit(ChildReport(status: "bad_input", solverName: solverName, solverVersion: chosen.version, message: "\(error)"))
            throw ExitStatus.badInput.exitCode
        }
        if let repairSolver {
            try runLNS(model, repairSolver: repairSolver)
            return
        }
        let result: SolveResult
        do { result = try chosen.solve(model, options: spec.options(timeLimit: timeLimit, seed: seed)) } catch {
            emit(ChildReport(status: "error", solverName: chosen.name, solverVersion: chosen.version,
                             sense: model.sense.rawValue, message: "\(error)"))
            return
        }
        // The solver's point: the returned solution, or the infeasible point the adapter dropped.
        let report = result.values.map { check(model, $0) } ?? result.discardedPoint
        emit(ChildReport(
            status: result.termination.rawValue, limit: result.limit?.rawValue, hasSolution: result.hasSolution,
            objective: result.objective, bound: result.bestBound, gap: result.gap, seconds: result.seconds,
            nodes: result.nodes, solverName: result.solverName, solverVersion: result.solverVersion,
            sense: model.sense.rawValue, maxViolation: report?.maxViolation,
            infeasibleSolution: report.flatMap { $0.isFeasible ? nil : $0.description }, message: result.message,
            trace: result.incumbentTrace.map(finitePoints)))
    }

    /// Bench solver names that run the LNS, and the solver of their repairs.
    static let lnsSolvers = ["lns": "cbc", "lns-glpk": "glpk"]

    /// One LNS run with its default settings, the time limit and seed of the batch; the report
    /// carries the incumbent trace (for primal integrals).
    private func runLNS(_ model: Model, repairSolver: String) throws {
        var config = LNSConfig()
        config.timeLimit = max(timeLimit, 0.01)
        config.seed = UInt64(bitPattern: Int64(seed))
        let clock = ContinuousClock.now
        let repairs = WorkerPoolSolver(repairSolver, executable: milpExecutablePath())!
        let name = "lns over \(repairs.name)"
        let result: LNSResult
        do { result = try LNS(config: config, solver: repairs, lpSolver: ClpSolver()).run(model) } catch {
            emit(ChildReport(status: "error", solverName: name, solverVersion: repairs.version,
                             sense: model.sense.rawValue, message: "\(error)"))
            return
        }
        let (status, limit, _) = lnsOutcome(result)
        let report = result.values.map { check(model, $0) }
        emit(ChildReport(
            status: status.rawValue, limit: limit?.rawValue, hasSolution: result.hasSolution, objective: result.objective,
            bound: status == .optimal ? result.objective : nil, gap: status == .optimal ? 0 : nil,
            seconds: (ContinuousClock.now - clock).seconds, nodes: nil, solverName: name, solverVersion: repairs.version,
            sense: model.sense.rawValue, maxViolation: report?.maxViolation,
            infeasibleSolution: report.flatMap { $0.isFeasible ? nil : $0.description },
            message: result.notes.isEmpty ? nil : result.notes.joined(separator: "; "),
            trace: finitePoints(result.incumbentTrace)))
    }

    private func check(_ model: Model, _ values: [Double]) -> FeasibilityReport {
        let tolerance = FeasibilityReport.acceptedViolation
        return model.checkFeasibility(of: values, tolerance: tolerance, integralityTolerance: tolerance)
    }

    private func emit(_ report: ChildReport) {
        let data = (try? ChildReport.encoder.encode(report)) ?? Data("{}".utf8)
        print(String(decoding: data, as: UTF8.self))
    }
}
