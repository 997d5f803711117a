import Foundation
import MILPKit
@testable import MILPLNS
import Synchronization
import Testing

/// Solves in persistent worker processes (`milp worker`), as the LNS runs its repairs, and the
/// LNS's repair count on a busy machine.
@Suite("Solves in worker processes; repairs at a time follow the free cores")
struct WorkerPoolSolverTests {
    @Test("the known optimum in a worker, for CBC and GLPK", arguments: ["cbc", "glpk"])
    func sameOptimumAsInProcess(solver: String) throws {
        let model = try ModelFile.read(instancePath("miplib3", "p0201"))
        let workers = try #require(WorkerPoolSolver(solver, executable: milpExecutable))
        let r = try workers.solve(model, options: SolveOptions(timeLimit: 60))
        #expect(r.termination == .optimal, "\(r.summary)")
        #expect(agrees(r.objective, 7615))  // instances/optimal-values.csv
        #expect(model.checkFeasibility(of: try #require(r.values)).isFeasible)
        #expect(r.solverName == solver)
    }

    @Test("sense, objective constant, bounds, SOS sets and the MIP start cross the socket exactly")
    func modelCrossesExactly() throws {
        var m = Model(name: "small")
        let x = m.addInteger(in: 0...10, name: "x")
        let y = m.addVariable(upperBound: 4, name: "y")
        let z = m.addVariables(3, upperBound: 1, name: "z")
        m.add(2 * x + 3 * y <= 17.5)
        m.add(z[0] + z[1] + z[2] >= 0.1 * y)
        _ = m.addSOS1(z, weights: [1, 2, 3])
        m.maximize(3 * x + 2 * y + 0.1 * z[2] + 5)
        m.setStart(values: [1, 0, 0, 0, 0])
        let workers = try #require(WorkerPoolSolver("cbc", executable: milpExecutable))
        let r = try workers.solve(m, options: SolveOptions(timeLimit: 20))
        let inProcess = try CbcSolver().solve(m)
        #expect(r.termination == .optimal)
        #expect(agrees(r.objective, inProcess.objective))
        #expect(agrees(r.objective, 30.1))  // x = 8, y = 0.5, z = (0, 0, 1): 24 + 1 + 0.1 + 5
        #expect(agrees(r.bestBound, r.objective))
        #expect(m.checkFeasibility(of: try #require(r.values)).isFeasible)
    }

    @Test("one worker serves solve after solve; four at once get four workers, each answer the known optimum")
    func workersAreReused() async throws {
        let workers = try #require(WorkerPoolSolver("cbc", executable: milpExecutable))
        let p0201 = try ModelFile.read(instancePath("miplib3", "p0201"))
        for _ in 0..<3 { #expect(agrees(try await workers.solve(p0201, options: SolveOptions(timeLimit: 60)).objective, 7615)) }
        #expect(workers.workerProcessIDs.count == 1)
        try await ChildProcessSolverTests.expectKnownOptimaSolvedAtOnce(by: workers)
        #expect((2...4).contains(workers.workerProcessIDs.count), "\(workers.workerProcessIDs)")
    }

    @Test("an interrupt stops the worker's solve with its incumbent, and the worker serves the next solve")
    func interruptKeepsTheWorker() throws {
        let markshare = try ModelFile.read(instancePath("miplib3", "markshare1"))   // not solved in minutes
        let workers = try #require(WorkerPoolSolver("cbc", executable: milpExecutable))
        let flag = InterruptFlag()
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 2)
            flag.set()
        }
        let started = ContinuousClock.now
        let r = try workers.solve(markshare, options: SolveOptions(timeLimit: 60, interrupt: flag))
        #expect((ContinuousClock.now - started).seconds < 4)
        #expect(r.termination == .limitReached && r.limit == .interrupted, "\(r.summary)")
        #expect(markshare.checkFeasibility(of: try #require(r.values)).isFeasible)
        let pids = workers.workerProcessIDs
        #expect(pids.count == 1)
        let p0201 = try ModelFile.read(instancePath("miplib3", "p0201"))
        #expect(agrees(try workers.solve(p0201, options: SolveOptions(timeLimit: 60)).objective, 7615))
        #expect(workers.workerProcessIDs == pids)
    }

    @Test("the worker's progress reports and new incumbents reach the caller during the solve")
    func progressCrossesTheSocket() throws {
        let markshare = try ModelFile.read(instancePath("miplib3", "markshare1"))   // not solved in minutes
        let workers = try #require(WorkerPoolSolver("cbc", executable: milpExecutable))
        let reports = Mutex<[SolveProgress]>([]), incumbents = Mutex<[SolveProgress]>([])
        var options = SolveOptions(timeLimit: 3, progress: { p in reports.withLock { $0.append(p) } })
        options.progressInterval = 0.2
        options.onIncumbent = { p in incumbents.withLock { $0.append(p) } }
        let r = try workers.solve(markshare, options: options)
        let seen = reports.withLock { $0 }, found = incumbents.withLock { $0 }
        #expect(seen.count >= 5, "\(seen.count) progress reports in 3 s at one per 0.2 s")
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.seconds < $1.seconds && $0.nodes <= $1.nodes })
        #expect(seen.last.map { $0.nodes > 0 && $0.bestBound.isFinite } == true)
        // A minimization: each new incumbent better than the last, the last one the answer's.
        #expect(!found.isEmpty && zip(found, found.dropFirst()).allSatisfy { $0.incumbent! > $1.incumbent! })
        #expect(agrees(found.last?.incumbent, r.objective), "last reported \(String(describing: found.last?.incumbent)), answer \(r.summary)")
    }

    @Test("a worker killed mid-solve is an error result naming the signal, and the next solve gets a new worker")
    func aKilledWorkerIsReplaced() throws {
        let markshare = try ModelFile.read(instancePath("miplib3", "markshare1"))
        let workers = try #require(WorkerPoolSolver("cbc", executable: milpExecutable))
        let p0201 = try ModelFile.read(instancePath("miplib3", "p0201"))
        #expect(agrees(try workers.solve(p0201, options: SolveOptions(timeLimit: 60)).objective, 7615))
        let first = try #require(workers.workerProcessIDs.first)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 1)
            kill(first, SIGKILL)
        }
        let r = try workers.solve(markshare, options: SolveOptions(timeLimit: 60))
        #expect(r.termination == .error && !r.hasSolution)
        #expect(r.message?.contains("crashed (signal 9)") == true, "\(r.message ?? "")")
        #expect(workers.workerProcessIDs.isEmpty)
        #expect(agrees(try workers.solve(p0201, options: SolveOptions(timeLimit: 60)).objective, 7615))
        #expect(workers.workerProcessIDs.count == 1 && workers.workerProcessIDs != [first])
    }

    @Test("the workers end when the solver is released")
    func workersEndWithTheSolver() throws {
        var pids: [Int32] = []
        do {
            let workers = try #require(WorkerPoolSolver("glpk", executable: milpExecutable))
            _ = try workers.solve(try ModelFile.read(instancePath("miplib3", "p0201")), options: SolveOptions(timeLimit: 60))
            pids = workers.workerProcessIDs
        }
        #expect(pids.count == 1)
        for pid in pids { #expect(kill(pid, 0) != 0 && errno == ESRCH, "worker \(pid) still alive") }
    }

    @Test("malformed frames are errors, not crashes")
    func malformedFrames() throws {
        var m = Model()
        let x = m.addVariables(3, upperBound: 2, kind: .integer)
        m.add(x[0] + 2 * x[1] - x[2] <= 3)
        m.maximize(sum(x))
        let frame = WorkerFrames.request(try StandardForm(m, nativeSOS: true), options: SolveOptions(timeLimit: 5))
        let (decoded, options, _) = try WorkerFrames.readRequest(frame)
        #expect(decoded.variableCount == 3 && decoded.constraintCount == 1 && decoded.nonzeroCount == 3)
        #expect(options.timeLimit == 5 && options.seed == nil)
        for cut in [0, 7, frame.count / 2, frame.count - 1] {
            #expect(throws: FrameError.self) { try WorkerFrames.readRequest(Array(frame.prefix(cut))) }
        }
        var bad = frame
        bad[0] = 0xff   // the column count, now huge
        #expect(throws: FrameError.self) { try WorkerFrames.readRequest(bad) }
    }
}

/// The LNS's repairs at a time on a machine whose cores other processes keep busy.
@Suite("LNS repairs at a time under load", .serialized)
struct RepairCountTests {
    /// `count` CPU-bound processes that are not this process's children (their shell exits at
    /// once), so that /proc counts them as other processes' load. Spawned directly: Foundation's
    /// Process would hand the shell a descriptor that the background process keeps open, and
    /// wait for it to close.
    static func startBusyProcesses(_ count: Int) throws -> [Int32] {
        try (0..<count).map { _ in
            let pidFile = scratchDirectory.appendingPathComponent("\(UUID().uuidString).pid").path
            let script = "yes > /dev/null 2>&1 < /dev/null & echo $! > '\(pidFile)'"
            let argv = (["/bin/sh", "-c", script] as [String]).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var shell: pid_t = 0
            guard posix_spawn(&shell, "/bin/sh", nil, nil, argv, environ) == 0 else { throw SolverError("cannot start /bin/sh") }
            var status: Int32 = 0
            waitpid(shell, &status, 0)
            guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                  let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw SolverError("cannot start a busy process")
            }
            return pid
        }
    }

    /// Threads that keep cores busy until stopped.
    final class SpinningThreads: @unchecked Sendable {
        private let lock = NSLock()
        private var running = true
        init(count: Int) {
            for _ in 0..<count {
                Thread.detachNewThread { [self] in
                    var x = 0.0
                    while lock.withLock({ running }) { for i in 0..<100_000 { x += Double(i).squareRoot() } }
                    _ = x
                }
            }
        }
        func stop() { lock.withLock { running = false } }
    }

    /// An LNS run of 8 s on a set cover CBC does not prove optimal in 30 s (its 500-row sibling
    /// it proves in 0.6 s, so an initial solve allowed to go on could end the run before any repair).
    static func runLNS() throws -> LNSResult {
        let m = Generators.setCover(rows: 1000, columns: 1000, density: 0.05, seed: 5)
        var config = LNSConfig()
        config.seed = 3
        config.timeLimit = 8
        config.repairTimeLimit = 1
        config.initialFraction = 0.05
        let workers = try #require(WorkerPoolSolver("cbc", executable: milpExecutable))
        let r = try LNS(config: config, solver: workers, lpSolver: ClpSolver()).run(m)
        #expect(m.checkFeasibility(of: try #require(r.values)).isFeasible)
        return r
    }

    /// Returns once other processes' runnable threads average below half a core over half a
    /// second; fails after 60 s.
    static func waitForOtherProcessesToSettle() throws {
        let load = try #require(OtherProcessesLoad(interval: 0.05))
        let start = Date()
        var others = Double.infinity
        while Date().timeIntervalSince(start) < 60 {
            _ = load.meanSinceLastRead()
            Thread.sleep(forTimeInterval: 0.5)
            others = try #require(load.meanSinceLastRead())
            if others < 0.5 { return }
        }
        Issue.record("other processes still want \(others) cores after 60 s")
    }

    /// The background sampler and direct readings over the same second agree, whatever else the
    /// machine runs: a dispatch timer's wake-up thread was counted as another process's busy
    /// thread in every sample (0.95 more than direct readings), so an idle 2-core machine ran one
    /// repair at a time.
    @Test("the background sampler reads what direct readings read: it does not count its own wake-ups")
    func samplerDoesNotCountItself() throws {
        let load = try #require(OtherProcessesLoad(interval: 0.05))
        _ = load.meanSinceLastRead()
        var direct: [Double] = []
        for _ in 0..<20 {
            Thread.sleep(forTimeInterval: 0.05)
            direct.append(try #require(OtherProcessesLoad.runnableOfOthers()))
        }
        let sampled = try #require(load.meanSinceLastRead())
        let read = direct.reduce(0, +) / Double(direct.count)
        #expect(abs(sampled - read) < 0.5, "sampled \(sampled), read directly \(read) runnable threads of other processes on average")
    }

    @Test("every core busy with other processes: one repair at a time; the busy processes gone: two again")
    func busyMachineRunsOneRepairAtATime() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        try #require(cores >= 2, "needs two cores")
        let busy = try Self.startBusyProcesses(cores)
        var stopped = false
        defer { if !stopped { for pid in busy { kill(pid, SIGKILL) } } }
        // Busy threads of this process besides (as other tests running in parallel): they are the
        // run's own load, and they squeeze the busy processes' CPU time, which must not read as free cores.
        let spinning = SpinningThreads(count: 4 * cores)
        defer { spinning.stop() }
        let loaded = try Self.runLNS()
        spinning.stop()
        for pid in busy { kill(pid, SIGKILL) }
        stopped = true
        // The load is measured from the run's start, so even the first round knows it.
        #expect(!loaded.trace.isEmpty && loaded.trace.allSatisfy { $0.concurrentRepairs == 1 }, "\(loaded.trace.map(\.concurrentRepairs))")
        #expect(loaded.notes.contains { $0.contains("following the free cores") }, "\(loaded.notes)")
        #expect(!loaded.notes.contains { $0.contains("the initial solve on") }, "\(loaded.notes)")

        // Processes other tests leave behind (a killed run's workers, reparented away from this
        // process) must not be read as the busy ones still running: the idle run starts once
        // other processes want less than half a core.
        try Self.waitForOtherProcessesToSettle()
        let idle = try Self.runLNS()
        #expect(idle.trace.filter { $0.seconds > 2 }.contains { $0.concurrentRepairs == 2 }, "\(idle.trace.map(\.concurrentRepairs)); \(idle.notes)")
        // Nothing else runs during the initial solve: it takes both slots.
        #expect(idle.notes.contains("the initial solve on 2 threads"), "\(idle.notes)")
    }
}

/// The LNS's initial solve in a worker process, which reports its gap over the socket.
@Suite("LNS initial solve in worker processes", .serialized)
struct InitialSolveTests {
    /// A 250-item, 10-knapsack instance: CBC gets within 1 % of its bound in a second and does not
    /// close the gap in a minute.
    @Test("the initial solve goes on past its share while within initial_gap of its bound, and not otherwise",
          arguments: [(0.02, true), (0.0001, false)])
    func initialSolveGoesOnWhileTheGapIsSmall(gap: Double, goesOn: Bool) throws {
        let m = Generators.multiKnapsack(items: 250, knapsacks: 10, tightness: 0.5, seed: 31)
        var config = LNSConfig()
        config.timeLimit = 30
        config.initialFraction = 0.1
        config.initialMaxFraction = 0.2
        config.initialGap = gap
        config.maxIterations = 0
        let workers = try #require(WorkerPoolSolver("cbc", executable: milpExecutable))
        let r = try LNS(config: config, solver: workers, lpSolver: ClpSolver()).run(m)
        #expect(m.checkFeasibility(of: try #require(r.values)).isFeasible)
        #expect(r.notes.contains { $0.hasPrefix("the initial solve went on past 3.0 s") } == goesOn, "\(r.notes)")
        let seconds = try #require(r.initialSolveSeconds)
        if goesOn {
            #expect(seconds >= 5.5 && seconds < 7, "\(seconds) s; the initial solve may run 6 s")
        } else {
            #expect(seconds < 4, "\(seconds) s; the initial solve's share is 3 s")
        }
    }
}
