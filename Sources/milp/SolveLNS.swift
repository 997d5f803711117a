import ArgumentParser
import Foundation
import MILPKit

/// `milp solve --lns`: adaptive large neighborhood search over the chosen solver.
extension Solve {
    var useLNS: Bool { lns || lnsConfig != nil }

    func runLNS(_ model: Model, readSeconds: Double, warnings: [String], commandStart: ContinuousClock.Instant, interrupt: InterruptFlag,
                chatter: SolverChatterToStderr?) throws {
        var config = LNSConfig()
        if let lnsConfig {
            do { config = try LNSConfig.read(path: lnsConfig) } catch {
                printError("milp: \(error)")
                throw ExitStatus.badInput.exitCode
            }
        }
        // --time-limit is the budget of the whole command; without it the config's (default 60 s).
        let budget = timeLimit ?? config.timeLimit
        config.timeLimit = max(0.01, budget - (ContinuousClock.now - commandStart).seconds)
        if let seed { config.seed = UInt64(bitPattern: Int64(seed)) }
        // Repairs run in worker processes: a solver crash costs one repair, and two run at once.
        guard let repairSolver = WorkerPoolSolver(solver ?? "cbc", executable: milpExecutablePath()) else {
            throw ValidationError("unknown solver \"\(solver ?? "")\"")
        }
        var start: [Double]?
        if model.startValues.count == model.variableCount {
            start = (0..<model.variableCount).map { model.startValues[Int32($0)]! }
        }
        let result: LNSResult
        do {
            result = try LNS(config: config, solver: repairSolver, lpSolver: ClpSolver()).run(model, start: start, interrupt: interrupt)
        } catch {
            printError("milp: \(file): \(error)")
            throw ExitStatus.badInput.exitCode
        }
        chatter?.restore()
        if let solution, let values = result.values {
            try SolutionFile.write(model, values: values, to: solution)
        }
        if let lnsTrace {
            do { try result.jsonData().write(to: URL(fileURLWithPath: lnsTrace)) } catch {
                printError("milp: cannot write the LNS trace to \(lnsTrace): \(error)")
            }
        }
        let (status, limit, exit) = lnsOutcome(result)
        let seconds = (ContinuousClock.now - commandStart).seconds - readSeconds
        if json {
            var operators: [String: Any] = [:]
            for op in result.operators {
                operators[op.name] = ["tries": op.tries, "new_bests": op.newBests, "betters": op.betters,
                                      "accepts": op.accepts, "rejects": op.rejects, "mean_reward": op.meanReward,
                                      "final_rate": jsonNumber(op.finalRate)]
            }
            let optimal = status == .optimal
            var object = reportFields(status: status, limit: limit, hasSolution: result.hasSolution, objective: result.objective,
                                      bound: optimal ? result.objective : nil, gap: optimal ? 0 : nil, seconds: seconds, nodes: nil,
                                      solverName: repairSolver.name, solverVersion: repairSolver.version,
                                      model: model, readSeconds: readSeconds, warnings: warnings)
            object["lns"] = [
                "status": result.status.rawValue, "iterations": result.iterations,
                "initial_objective": jsonNumber(result.initialObjective), "initial_heuristic": result.initialHeuristic?.rawValue ?? NSNull(),
                "initial_solve_seconds": jsonNumber(result.initialSolveSeconds),
                "operators": operators,
                "dropped_operators": result.droppedOperators, "notes": result.notes,
                "incumbent_trace": finitePoints(result.incumbentTrace),
            ] as [String: Any]
            if !result.notes.isEmpty { object["message"] = result.notes.joined(separator: "; ") }
            print(jsonText(object))
        } else if !quiet {
            var lines = summaryHead(solver: "lns over \(repairSolver.name) \(repairSolver.version)", status: status, limit: limit,
                                    model: model, readSeconds: readSeconds)
            if let objective = result.objective {
                lines.append("objective: \(formatNumber(objective))")
                if let initial = result.initialObjective {
                    lines.append("initial:   \(formatNumber(initial))\(result.initialHeuristic.map { " (\($0.rawValue))" } ?? "")")
                }
            } else {
                lines.append("solution:  none")
            }
            lines.append("lns:       \(result.status.rawValue), \(result.iterations) iterations")
            for op in result.operators where op.tries > 0 {
                lines.append("  \(op.name.padding(toLength: 24, withPad: " ", startingAt: 0)) tries \(op.tries), new best \(op.newBests), better \(op.betters), accepted \(op.accepts), rejected \(op.rejects), mean reward \(String(format: "%.2f", op.meanReward))\(op.finalRate.map { ", rate now \(formatNumber($0))" } ?? "")")
            }
            if !result.droppedOperators.isEmpty { lines.append("dropped:   \(result.droppedOperators.joined(separator: ", "))") }
            lines.append("time:      \(String(format: "%.3f", seconds)) s")
            for note in result.notes { lines.append("note:      \(note)") }
            if let solution, result.hasSolution { lines.append("solution written to \(solution)") }
            if let lnsTrace { lines.append("trace written to \(lnsTrace)") }
            print(lines.joined(separator: "\n"))
        }
        if exit != .optimal { throw exit.exitCode }
    }
}

/// The status, limit and exit code that describe an LNS run as a solve.
func lnsOutcome(_ r: LNSResult) -> (TerminationReason, SolveLimit?, ExitStatus) {
    switch r.status {
    case .initialOptimal:
        return (.optimal, nil, .optimal)
    case .solvedDirectly where r.directTermination == .optimal:
        return (.optimal, nil, .optimal)
    case .noSolution where r.directTermination == .infeasible:
        return (.infeasible, nil, .infeasible)
    case .noSolution where r.directTermination == .unbounded:
        return (.unbounded, nil, .unbounded)
    case .noSolution where r.directTermination == .infeasibleOrUnbounded:
        return (.infeasibleOrUnbounded, nil, .infeasibleOrUnbounded)
    default:
        // LNS proves nothing: a run that ends has hit a limit.
        let limit: SolveLimit = r.interrupted ? .interrupted : (r.timeLimitReached || r.iterations == 0 ? .time : .iterations)
        return (.limitReached, limit, r.hasSolution ? .limitWithSolution : .limitWithoutSolution)
    }
}
