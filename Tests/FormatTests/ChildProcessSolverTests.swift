import Foundation
import MILPKit
import Testing

/// Solves in child processes (`milp solve`), as the LNS runs its repairs, and the `lns` bench solver.
@Suite("Solves in child processes; LNS repairs two at a time")
struct ChildProcessSolverTests {
    /// A seeded set cover: minimize the cost of sets covering every element.
    static func setCover(elements: Int, sets: Int, seed: UInt64) -> Model {
        var rng = SplitMix64(seed: seed)
        var m = Model(name: "setcover")
        let y = (0..<sets).map { _ in m.addBinary(objective: Double(rng.integer(in: 1...20))) }
        for e in 0..<elements {
            var cover = rng.sample(Array(0..<sets), count: rng.integer(in: 2...6)).map { y[$0] }
            if cover.isEmpty { cover = [y[e % sets]] }
            m.add(sum(cover) >= 1)
        }
        m.minimize(m.objective)
        return m
    }

    @Test(arguments: ["cbc", "glpk"])
    func sameOptimumAsInProcess(solver: String) throws {
        let model = try ModelFile.read(repositoryRoot.appendingPathComponent("instances/miplib3/p0201.mps.gz").path)
        let child = try #require(ChildProcessSolver(solver, executable: milpExecutable))
        let r = try child.solve(model, options: SolveOptions(timeLimit: 60))
        #expect(r.termination == .optimal, "\(r.message ?? "")")
        #expect(agrees(r.objective, 7615))  // instances/optimal-values.csv
        #expect(model.checkFeasibility(of: try #require(r.values)).isFeasible)
        #expect(r.solverName == solver)
    }

    @Test("four models solved at once in a task group, each in its own process, each answer the known optimum")
    func taskGroup() async throws {
        let solver = try #require(ChildProcessSolver("cbc", executable: milpExecutable))
        try await Self.expectKnownOptimaSolvedAtOnce(by: solver)
    }

    /// Four MIPLIB 3 models solved at once in a task group by `solver`: each the known optimum
    /// (optimal-values.csv) with a point the model's own check finds feasible.
    static func expectKnownOptimaSolvedAtOnce(by solver: any Solver) async throws {
        let known: [(String, Double)] = [("p0201", 7615), ("lseu", 1120), ("misc03", 3360), ("mod010", 6548)]
        let results = try await withThrowingTaskGroup(of: (String, Model, SolveResult).self) { group in
            for (name, _) in known {
                group.addTask {
                    let model = try ModelFile.read(instancePath("miplib3", name))
                    return (name, model, try await solver.solve(model, options: SolveOptions(timeLimit: 120)))
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = ($1.1, $1.2) }
        }
        for (name, optimum) in known {
            let (model, result) = try #require(results[name])
            #expect(result.termination == .optimal && agrees(result.objective, optimum), "\(name): \(result.summary)")
            #expect(model.checkFeasibility(of: try #require(result.values)).isFeasible, "\(name)")
        }
    }

    @Test func startLimitsAndMaximizationCrossTheProcessBoundary() throws {
        // Maximize with a constant and a general integer: the child's sense, constant and bound come back right.
        var m = Model(name: "small")
        let x = m.addInteger(in: 0...10, name: "x")
        let y = m.addVariable(upperBound: 4, name: "y")
        m.add(2 * x + 3 * y <= 17.5)
        m.maximize(3 * x + 2 * y + 5)
        m.setStart(values: [1, 0])
        let child = try #require(ChildProcessSolver("cbc", executable: milpExecutable))
        let r = try child.solve(m, options: SolveOptions(timeLimit: 20))
        let inProcess = try CbcSolver().solve(m)
        #expect(r.termination == .optimal)
        #expect(agrees(r.objective, inProcess.objective))
        #expect(agrees(r.objective, 30))  // x = 8, y = 0.5: 24 + 1 + 5
        #expect(agrees(r.bestBound, r.objective))
    }

    @Test func aCrashingChildIsAnErrorResultNotACrash() throws {
        let script = scratchDirectory.appendingPathComponent("segfault-\(UUID().uuidString).sh").path
        try "#!/bin/sh\nkill -SEGV $$\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let child = try #require(ChildProcessSolver("cbc", executable: script))
        let r = try child.solve(Self.setCover(elements: 20, sets: 15, seed: 1), options: SolveOptions(timeLimit: 5))
        #expect(r.termination == .error)
        #expect(r.message?.contains("crashed (signal 11)") == true, "\(r.message ?? "")")
        #expect(!r.hasSolution)
    }

    @Test func scratchFoldersOfDeadProcessesAreRemoved() throws {
        let folder = scratchDirectory.appendingPathComponent("sweep-\(UUID().uuidString)").path
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = "\(ChildProcessSolver.scratchPrefix)\(finished.processIdentifier)-A"
        let alive = "\(ChildProcessSolver.scratchPrefix)\(getpid())-B"
        for name in [dead, alive, "other-folder"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
            try "x".write(toFile: folder + "/" + name + "/model.mps", atomically: true, encoding: .utf8)
        }
        #expect(ChildProcessSolver.removeStaleScratch(in: folder) == [dead])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [alive, "other-folder"].sorted())
    }

    @Test func lnsWithTwoRepairsAtATimeIsFeasibleAndNeverWorse() throws {
        let m = Self.setCover(elements: 150, sets: 200, seed: 7)
        var config = LNSConfig()
        config.seed = 3
        config.timeLimit = 30
        config.repairTimeLimit = 2
        config.maxIterations = 10
        config.fullSolveWorker = false
        config.adaptiveRepairCount = false
        let start = Array(repeating: 1.0, count: m.variableCount)
        let repairs = try #require(ChildProcessSolver("cbc", executable: milpExecutable))
        let r = try LNS(config: config, solver: repairs, lpSolver: ClpSolver()).run(m, start: start)
        #expect(r.notes.contains { $0.hasPrefix("repairs at a time: 2 for ") }, "\(r.notes)")
        #expect(r.trace.allSatisfy { $0.concurrentRepairs == 2 })
        // A repair starts as soon as a slot frees, not when the slowest of a round ends: some repair
        // starts while one started earlier still runs (in rounds, repairs start together).
        let staggered = r.trace.filter { j in
            r.trace.contains { i in i.started + 0.005 < j.started && j.started < i.seconds - 0.005 }
        }
        #expect(staggered.count >= 3, "\(r.trace.map { ($0.started, $0.seconds) })")
        #expect(r.trace.allSatisfy { $0.started < $0.seconds })
        #expect(r.iterations == 10)
        #expect(r.trace.count == 10)
        let values = try #require(r.values)
        #expect(m.checkFeasibility(of: values).isFeasible)
        #expect(r.objective! < m.objectiveValue(of: start))
        #expect(abs(m.objectiveValue(of: values) - r.objective!) < 1e-9)
        for (p, q) in zip(r.trace, r.trace.dropFirst()) { #expect(q.best <= p.best + 1e-9) }
    }

    @Test func aFullSolveBesideTheLNSReturnsTheBetterOfTheTwo() throws {
        // An LNS that can barely move (one repair, 5% of the sets freed) from a poor start, beside a
        // full-model solve that reaches the optimum: the result is that optimum.
        let m = Self.setCover(elements: 60, sets: 80, seed: 11)
        let optimum = try #require(try CbcSolver().solve(m, options: SolveOptions(timeLimit: 60)).objective)
        var config = LNSConfig()
        config.timeLimit = 60
        config.maxIterations = 1
        config.operators = [OperatorSpec(.mutation, rate: 0.05)]
        config.fullSolveWorker = true
        let start = Array(repeating: 1.0, count: m.variableCount)
        let repairs = try #require(ChildProcessSolver("cbc", executable: milpExecutable))
        let r = try LNS(config: config, solver: repairs, lpSolver: ClpSolver()).run(m, start: start)
        #expect(r.notes.contains("the full model solved beside the LNS on one slot"), "\(r.notes)")
        #expect(agrees(r.fullSolveObjective, optimum))
        #expect(agrees(r.objective, optimum))
        #expect(r.trace.count == 1 && r.trace[0].best > optimum + 0.5, "the LNS alone stays above the optimum")
        #expect(m.checkFeasibility(of: try #require(r.values)).isFeasible)
        #expect(agrees(r.incumbentTrace.last?[1], optimum))
        for (p, q) in zip(r.incumbentTrace, r.incumbentTrace.dropFirst()) { #expect(q[0] >= p[0] && q[1] < p[1], "\(r.incumbentTrace)") }
    }

    @Test func anInterruptedRunKeepsTheFullSolvesIncumbent() throws {
        // markshare1 is far from solved in seconds, and CBC has incumbents at once.
        let m = try ModelFile.read(repositoryRoot.appendingPathComponent("instances/miplib3/markshare1.mps.gz").path)
        var config = LNSConfig()
        config.timeLimit = 60
        config.fullSolveWorker = true
        let flag = InterruptFlag()
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 8)
            flag.set()
        }
        let started = ContinuousClock.now
        let repairs = try #require(ChildProcessSolver("cbc", executable: milpExecutable))
        let r = try LNS(config: config, solver: repairs, lpSolver: ClpSolver()).run(m, interrupt: flag)
        #expect((ContinuousClock.now - started).seconds < 20)
        let full = try #require(r.fullSolveObjective, "\(r.notes)")
        #expect(r.objective! <= full + 1e-9)
        #expect(m.checkFeasibility(of: try #require(r.values)).isFeasible)
    }

    @Test("milp bench --solvers lns stores an incumbent trace; settings on lns are refused")
    func lnsInTheBench() throws {
        let db = scratchDirectory.appendingPathComponent("lns-\(UUID().uuidString).sqlite").path
        let instance = repositoryRoot.appendingPathComponent("instances/miplib3/p0201.mps.gz").path
        let (status, _, err) = try run(milpExecutable, ["bench", instance, "--solvers", "lns", "--time-limit", "4", "--db", db,
                                                        "--optimal-values", repositoryRoot.appendingPathComponent("instances/optimal-values.csv").path])
        #expect(status == 0, "\(err)")
        let runs = try ResultStore(path: db).runs()
        let lns = try #require(runs.first)
        #expect(lns.solverName == "lns over cbc")
        #expect(lns.wrong == nil)
        let trace = try #require(lns.trace.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [[Double]] })
        #expect(!trace.isEmpty)
        #expect(agrees(trace.last?[1], lns.objective))
        let (refused, _, message) = try run(milpExecutable, ["bench", instance, "--solvers", "lns:threads=2", "--db", db])
        #expect(refused == 2)
        #expect(message.contains("lns takes no settings"), "\(message)")
    }
}
