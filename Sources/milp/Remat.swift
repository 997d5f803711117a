// Tensor rematerialization (issue 6): computation graphs, the Checkmate MILP, schedules.
import ArgumentParser
import Foundation
import MILPKit

struct Remat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remat",
        abstract: "Memory-budgeted training schedules (tensor rematerialization) as MILPs.",
        discussion: """
        Finds the cheapest order of (re)computations of a training graph whose memory never exceeds the budget: Checkmate's MILP (Jain et al., MLSys 2020) on CBC or GLPK (--solver), LP rounding, or LNS over windows of stages for large graphs. milp and lns first solve Moccasin's retention-interval restriction (Bartan et al., ICML 2023: at most one recomputation per stage and per node) as a smaller MILP when its size fits the time limit; on the random layered n100 graph and MobileNet it reaches CP-SAT's optima. The schedule is printed beside the checkpoint-all, Chen √n and revolve baselines, and every schedule is first replayed by an independent simulator (inputs present, memory within the budget at every event).

        Graphs: networkx node-link JSON (Checkmate graphs: id/cost_cpu/cost_ram, links source/target; random layered graphs: name/duration/out_cost, links "0"/"1", graph.order) or {"nodes": [{"id", "cost", "size"}], "edges": [[from, to]]}. See docs/remat.md.

        Budget: a fraction of the no-remat peak (0.8 or 80%; the peak of computing every node once in topological order, freeing each output after its last consumer, sinks kept) or bytes (a number above 1). Methods: auto (milp up to 120 nodes, else lns), milp, lp-round, lns.

        Order: the stages of a schedule follow a topological order of the nodes. auto (default) takes a memory-aware order (list scheduling for a low no-remat peak) when its peak is lower than the input order's, else the input order; given keeps the input order (Checkmate's setting); memory forces the memory-aware order. On the random layered graphs the memory-aware order lowers the peak (n250: to 0.78 × the input order's), on the MLSys training graphs it does not. Lower bounds: every run solves a small retention bound (each value between two uses is either held, taking memory at every stage in between, or recomputed; on ResNet50 and MobileNet at 0.8 it meets the best schedule, which makes the run optimal and ends it); with --lp-bound also Checkmate's LP relaxation. These hold for schedules in the order used; Σ C (every node once) for all. --write-model writes the input order's MILP unless --order memory.

        Examples:
          milp remat vgg16_train.json --budget 0.9 --time-limit 60 -o schedule.json
          milp remat vgg16_train.json --budget 0.9 --verify schedule.json
          milp remat resnet50_train.json --budget 0.8 --method lns --lp-bound --json
          milp remat random_layered_n250.json --budget 0.8 --order given --time-limit 120

        Exit codes: 0 optimal schedule (or a verified schedule file), 10 a schedule without proof of optimality, 11 none found in time, 3 no schedule in the order used fits (proven), 2 bad input (unreadable or invalid graph, budget below the least feasible budget (reported), rejected schedule).
        """
    )

    @Argument(help: "The graph (JSON).") var graph: String
    @Option(help: "Memory budget: a fraction of the no-remat peak (0.8, 80%) or bytes.") var budget: String
    @Option(help: "auto, milp, lp-round or lns.") var method: String = "auto"
    @Option(help: "Node order of the stages: auto, given or memory.") var order: String = "auto"
    @Option(help: "Wall-clock limit of the search, seconds.") var timeLimit: Double = 600
    @Option(name: .shortAndLong, help: "Write the schedule JSON here.") var output: String?
    @Option(help: "Write Checkmate's MILP for the budget (.mps, .lp, .gz) and exit.") var writeModel: String?
    @Option(help: "Replay this schedule JSON against the graph and budget, and exit.") var verify: String?
    @Flag(help: "Also solve the LP relaxation at the budget for a lower bound (with CLP when the solver is CBC: faster on these LPs).") var lpBound = false
    @Option(help: "LNS: stages per window at the start.") var window: Int = 30
    @Option(help: "LNS: time limit of one window's sub-MIP, seconds.") var subTimeLimit: Double = 20
    @Option(help: "Seed of LP rounding and LNS.") var seed: UInt64 = 1
    @OptionGroup var mipSolver: MIPSolverOption
    @Flag(help: "Print progress to standard error.") var verbose = false
    @Flag(help: "Print one JSON object instead of the summary.") var json = false

    func run() throws {
        let method = try namedCase(method, of: RematMethod.self, option: "method")
        let order = try namedCase(order, of: ExecutionOrder.self, option: "order")
        guard timeLimit > 0, subTimeLimit > 0, window >= 2 else {
            printError("milp: --time-limit and --sub-time-limit must be positive and --window at least 2")
            throw ExitStatus.badInput.exitCode
        }
        let g: RematGraph, bytes: Int64
        do {
            g = try GraphReader.read(path: graph)
            bytes = try Budget(parsing: budget).bytes(for: g)
        } catch {
            printError("milp: \(error)")
            throw ExitStatus.badInput.exitCode
        }
        if let verify { return try replay(verify, on: g, budget: bytes) }
        if let writeModel {
            let staged = order == .memory ? try g.reordered(g.memoryAwareOrder()) : g
            try ModelFile.write(CheckmateModel(graph: staged, budget: bytes, names: true).model, to: writeModel)
            if !json { print("wrote Checkmate's MILP for \(g.name) at budget \(bytes)\(order == .memory ? " (memory-aware order)" : "") to \(writeModel)") }
            return
        }
        let rematerializer: Rematerializer
        do { rematerializer = try Rematerializer(graph: g, budget: bytes, order: order) } catch {
            printError("milp: \(graph): \(error)")
            throw ExitStatus.badInput.exitCode
        }
        var options = RematOptions()
        options.method = method
        options.timeLimit = timeLimit
        options.lpBound = lpBound
        options.windowStages = window
        options.subSolveLimit = subTimeLimit
        options.seed = seed
        // CBC solves LPs with CLP, slower than CLP on its own (MobileNet's LP bound at 0.8: 33 s against 7 s).
        if mipSolver.chosen is CbcSolver { options.relaxationSolver = ClpSolver() }
        if verbose { options.log = { printError($0) } }
        let result = try rematerializer.solve(options, solver: mipSolver.chosen)

        if let output, let schedule = result.schedule, let replay = result.replay {
            let data = try JSONSerialization.data(withJSONObject: schedule.jsonObject(graph: g, budget: bytes, replay: replay), options: [.sortedKeys])
            try data.write(to: URL(fileURLWithPath: output))
        }
        if json { print(jsonText(summaryObject(result, graph: g))) } else { printSummary(result, graph: g) }
        switch result.status {
        case .optimal: return
        case .feasible: throw ExitStatus.limitWithSolution.exitCode
        case .infeasible: throw ExitStatus.infeasible.exitCode
        case .noSchedule: throw ExitStatus.limitWithoutSolution.exitCode
        }
    }

    /// `--verify`: the simulator's verdict on a schedule file.
    private func replay(_ path: String, on g: RematGraph, budget bytes: Int64) throws {
        do {
            let schedule = try Schedule.parse(Data(contentsOf: URL(fileURLWithPath: path)), graph: g, source: path)
            let r = try Simulator.replay(schedule, on: g, budget: bytes)
            if json {
                print(jsonText(["valid": true, "total_cost": r.totalCost, "peak_memory": r.peakMemory, "budget": bytes, "computations": r.computations]))
            } else {
                print("\(path): valid: total cost \(r.totalCost), peak memory \(r.peakMemory) ≤ budget \(bytes), \(r.computations) computations")
            }
        } catch {
            if json { print(jsonText(["valid": false, "error": "\(error)", "budget": bytes])) }
            printError("milp: \(path): schedule rejected: \(error)")
            throw ExitStatus.badInput.exitCode
        }
    }

    private func overhead(_ cost: Int64, _ g: RematGraph) -> Double {
        g.forwardCost == 0 ? 0 : Double(cost - g.forwardCost) / Double(g.forwardCost)
    }

    private func summaryObject(_ r: RematResult, graph g: RematGraph) -> [String: Any] {
        var o: [String: Any] = [
            "graph": g.name, "nodes": g.count, "edges": g.edgeCount, "budget": r.budget, "no_remat_peak": g.noRematPeak,
            "forward_cost": g.forwardCost, "method": r.method.rawValue, "solver": mipSolver.chosen.name, "status": r.status.rawValue,
            "order": r.executionOrder == nil ? "given" : "memory",
            "order_no_remat_peak": r.executionOrder.map { g.noRematPeak(order: $0) } ?? g.noRematPeak,
            "seconds": r.seconds, "seconds_to_best": jsonNumber(r.secondsToBest),
            "lower_bound": jsonNumber(r.lowerBound), "lp_bound": jsonNumber(r.lpBound), "notes": r.notes,
            "baselines": r.baselines.map { b -> [String: Any] in
                ["name": b.baseline.rawValue, "total_cost": b.cost.map { $0 as Any } ?? NSNull(),
                 "peak_memory": b.peakMemory.map { $0 as Any } ?? NSNull(), "fits_budget": b.fitsBudget]
            },
        ]
        if let replay = r.replay {
            o["total_cost"] = replay.totalCost
            o["peak_memory"] = replay.peakMemory
            o["overhead"] = overhead(replay.totalCost, g)
            o["computations"] = replay.computations
            o["gap"] = jsonNumber(r.lowerBound.map { (Double(replay.totalCost) - $0) / Double(replay.totalCost) })
        }
        if let output { o["schedule_file"] = output }
        return o
    }

    private func printSummary(_ r: RematResult, graph g: RematGraph) {
        func pct(_ x: Double) -> String { String(format: "%+.2f%%", x * 100) }
        print("graph \(g.name): \(g.count) nodes, \(g.edgeCount) edges, forward cost \(g.forwardCost), no-remat peak \(g.noRematPeak)")
        print("budget \(r.budget) (\(String(format: "%.3f", Double(r.budget) / Double(g.noRematPeak))) × peak), method \(r.method.rawValue) on \(mipSolver.chosen.name): \(r.status.rawValue) in \(String(format: "%.1f", r.seconds)) s")
        if let order = r.executionOrder {
            let peak = g.noRematPeak(order: order)
            print("stages in a memory-aware node order: no-remat peak \(peak) (\(String(format: "%.3f", Double(peak) / Double(g.noRematPeak))) × the input order's)")
        }
        if let replay = r.replay {
            var line = "schedule: total cost \(replay.totalCost) (\(pct(overhead(replay.totalCost, g))) over no-remat), peak memory \(replay.peakMemory), \(replay.computations) computations"
            if let t = r.secondsToBest { line += ", found at \(String(format: "%.1f", t)) s" }
            print(line)
        }
        if let lb = r.lowerBound {
            let gap = r.replay.map { String(format: ", gap %.2f%%", (Double($0.totalCost) - lb) / Double($0.totalCost) * 100) } ?? ""
            print("lower bound \(String(format: "%.0f", lb))\(r.lpBound == nil ? "" : " (LP relaxation \(String(format: "%.0f", r.lpBound!)))")\(gap)")
        }
        let rows = r.baselines.map { b -> [String] in
            guard let cost = b.cost, let peak = b.peakMemory else { return [b.baseline.rawValue, "n/a", "", "", "no"] }
            return [b.baseline.rawValue, String(cost), pct(overhead(cost, g)), String(peak), b.fitsBudget ? "yes" : "no"]
        }
        print(formatTable(["baseline", "total cost", "overhead", "peak memory", "fits"], rows))
        for note in r.notes { print("note: \(note)") }
        if let output, r.schedule != nil { print("schedule written to \(output)") }
    }
}
