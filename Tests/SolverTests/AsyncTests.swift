import Foundation
import MILPKit
import Synchronization
import Testing

/// |a − b| ≤ 1e-6 · max(1, |b|)
func agrees(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return false }
    return abs(a - b) <= 1e-6 * max(1, abs(b))
}

/// `try await solver.solve(model)`: off the cooperative pool, stopped by Task cancellation; and the
/// progress and incumbent callbacks.
@Suite("Async solves, cancellation and progress", .serialized)
struct AsyncTests {
    /// Cancels the solving task `delay` seconds after the search found its first incumbent (or,
    /// with `afterIncumbent` false, after its first progress report); returns the result and the
    /// seconds from the cancellation to the solver's return.
    ///
    /// Both instants are taken off Swift's cooperative pool — the cancellation on a thread of its
    /// own, the return on the solving thread (``ReturnClock``) — since other suites' synchronous
    /// tests occupy the pool's threads for seconds at a time; and the clock starts when this solve
    /// runs, not while it waits for another suite's solve to release the solver library.
    static func solveCancelled(_ model: Model, with solver: any Solver, after delay: Double,
                               afterIncumbent: Bool = true) async throws -> (SolveResult, Double) {
        let canceller = Canceller(delay: delay)
        var options = SolveOptions(timeLimit: 120)
        if afterIncumbent {
            options.onIncumbent = { _ in canceller.arm() }
        } else {
            options.progress = { _ in canceller.arm() }
        }
        let clock = ReturnClock(solver)
        let task = Task { [options] in try await clock.solve(model, options: options) }
        canceller.task.withLock { $0 = task }
        let result = try await task.value
        let cancelled = try #require(canceller.cancelledAt.withLock { $0 }, "never cancelled: \(result.summary)")
        return (result, (try #require(clock.returned.withLock { $0 }) - cancelled).seconds)
    }

    /// Cancels a task `delay` seconds after the first `arm()` (or once the task is handed over, if
    /// later), from a thread of its own.
    final class Canceller: Sendable {
        let delay: Double
        let task = Mutex<Task<SolveResult, any Error>?>(nil)
        let cancelledAt = Mutex<ContinuousClock.Instant?>(nil)
        private let armed = Mutex(false)
        init(delay: Double) { self.delay = delay }

        func arm() {
            guard !armed.withLock({ let was = $0; $0 = true; return was }) else { return }
            Thread {
                Thread.sleep(forTimeInterval: self.delay)
                // The task is handed over by the test's Task, which a busy pool may run late.
                while self.task.withLock({ $0 }) == nil { Thread.sleep(forTimeInterval: 0.01) }
                self.cancelledAt.withLock { $0 = .now }
                self.task.withLock { $0 }?.cancel()
            }.start()
        }
    }

    /// A solver that notes when its inner solver returned, on the solving thread, and calls
    /// `entered` there when a solve begins.
    final class ReturnClock: Solver {
        let inner: any Solver
        let entered: (@Sendable () -> Void)?
        let returned = Mutex<ContinuousClock.Instant?>(nil)
        init(_ inner: any Solver, entered: (@Sendable () -> Void)? = nil) {
            self.inner = inner
            self.entered = entered
        }
        var name: String { inner.name }
        var version: String { inner.version }
        var capabilities: SolverCapabilities { inner.capabilities }
        func solve(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
            entered?()
            let output = inner.solve(form, options: options)
            returned.withLock { $0 = .now }
            return output
        }
    }

    @Test("cancelling the awaiting task stops a long MIP within 1 s and keeps the incumbent", arguments: ["cbc", "glpk"])
    func cancellationStopsAMIP(solverName: String) async throws {
        let solver = try #require(Solvers.named(solverName))
        let model = markshare(rows: 5, columns: 40, seed: 7)   // not proven optimal in minutes
        let (result, latency) = try await Self.solveCancelled(model, with: solver, after: 1)
        #expect(result.termination == .limitReached && result.limit == .interrupted, "\(result.summary)")
        #expect(latency < 1, "returned \(latency) s after the cancellation")
        let values = try #require(result.values, "no incumbent")
        #expect(model.checkFeasibility(of: values).isFeasible)
        let objective = try #require(result.objective)
        #expect(result.bestBound <= objective + 1e-9)
    }

    @Test("cancelling stops a long LP within 1 s, mid-simplex", arguments: ["clp", "glpk"])
    func cancellationStopsAnLP(solverName: String) async throws {
        let solver = try #require(Solvers.named(solverName))
        var model = Generators.facilityLocation(clients: 1500, facilities: 150, seed: 3)   // CLP: ~15 s
        model.relaxIntegrality()
        // Armed by the first progress report, which only a running simplex sends.
        let (result, latency) = try await Self.solveCancelled(model, with: solver, after: 1, afterIncumbent: false)
        #expect(result.termination == .limitReached && result.limit == .interrupted, "\(result.summary)")
        #expect(latency < 1, "returned \(latency) s after the cancellation")
    }

    @Test("a task cancelled before it starts returns interrupted at once")
    func cancelledBeforeStart() async throws {
        let model = markshare(rows: 5, columns: 40, seed: 7)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await CbcSolver().solve(model)
        }
        let result = try await task.value
        #expect(result.termination == .limitReached && result.limit == .interrupted)
        #expect(result.seconds < 1)
    }

    @Test("a cancelled solve waiting for the solver library does not wait for the solve before it")
    func cancelledWhileQueued() async throws {
        // The second solve is queued only once the first holds the library: only a running search
        // reports progress (on a busy machine the first Task may start after the second).
        let searching = Mutex(false)
        var first = SolveOptions(timeLimit: 6)
        first.progressInterval = 0.05
        first.progress = { _ in searching.withLock { $0 = true } }
        let long = Task { [first] in try await CbcSolver().solve(markshare(rows: 5, columns: 40, seed: 7), options: first) }
        while !searching.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        // Cancelled 0.5 s after the queued solve began waiting, from a thread of its own: other
        // suites' synchronous solves can hold the cooperative pool for longer than the first solve
        // runs, so a Task.sleep here could wake only after the queued solve had its turn.
        let canceller = Canceller(delay: 0.5)
        let clock = ReturnClock(CbcSolver(), entered: { canceller.arm() })
        // A time limit bounds the damage should the cancellation be missed.
        let queued = Task { try await clock.solve(markshare(rows: 5, columns: 40, seed: 8), options: SolveOptions(timeLimit: 30)) }
        canceller.task.withLock { $0 = queued }
        let result = try await queued.value
        let cancelled = try #require(canceller.cancelledAt.withLock { $0 }, "never cancelled: \(result.summary)")
        #expect((try #require(clock.returned.withLock { $0 }) - cancelled).seconds < 1)
        #expect(result.termination == .limitReached && result.limit == .interrupted, "\(result.summary)")
        let firstResult = try await long.value
        #expect(firstResult.termination == .limitReached && firstResult.limit == .time, "\(firstResult.summary)")
    }

    @Test("four models in a task group, each answer checked against brute force")
    func taskGroup() async throws {
        let models = (0..<4).map { i -> Model in
            var m = Model(name: "knapsack\(i)")
            let x = m.addVariables(8, upperBound: 2, kind: .integer, name: "x")
            var rng = SplitMix64(seed: UInt64(100 + i))
            let w = (0..<8).map { _ in Double(rng.integer(in: 3...17)) }, v = (0..<8).map { _ in Double(rng.integer(in: 1...30)) }
            m.add(sum(0..<8) { w[$0] * x[$0] } <= 40)
            m.add(x[0] + x[1] + x[2] >= 1)
            m.maximize(sum(0..<8) { v[$0] * x[$0] })
            return m
        }
        let solvers: [any Solver] = [CbcSolver(), GlpkSolver(), CbcSolver(), GlpkSolver()]
        let results = try await withThrowingTaskGroup(of: (Int, SolveResult).self) { group in
            for (i, model) in models.enumerated() {
                group.addTask { (i, try await solvers[i].solve(model)) }
            }
            var results = [SolveResult?](repeating: nil, count: models.count)
            for try await (i, result) in group { results[i] = result }
            return results
        }
        for (model, result) in zip(models, results) {
            let result: SolveResult = try #require(result)
            #expect(result.termination == .optimal, "\(model.name): \(result.summary)")
            #expect(agrees(result.objective, bruteForceOptimum(model)), "\(model.name) with \(result.solverName)")
            #expect(model.checkFeasibility(of: try #require(result.values)).isFeasible)
        }
    }

    @Test("async model.solve picks CBC for a MIP and CLP for an LP")
    func modelSolveAsync() async throws {
        var model = Model()
        let x = model.addVariable(upperBound: 4, kind: .integer, name: "x"), y = model.addVariable(name: "y")
        model.add(x + 2 * y <= 14)
        model.add(3 * x - y >= 0)
        model.maximize(3 * x + 4 * y)
        let mip = try await model.solve()
        #expect(mip.solverName == "cbc" && agrees(mip.objective, 32))    // x = 4, y = 5
        model.relaxIntegrality()
        let lp = try await model.solve()
        #expect(lp.solverName == "clp" && agrees(lp.objective, 32))
    }

    final class Flag: Sendable {
        let value: Atomic<Bool>
        init(_ value: Bool) { self.value = Atomic(value) }
    }

    /// Records what the callbacks receive.
    final class Recorder: Sendable {
        let progress = Mutex<[SolveProgress]>([])
        let incumbents = Mutex<[SolveProgress]>([])
    }

    @Test("progress reports at most every interval with valid bounds; incumbent reports improve to the final objective",
          arguments: ["cbc", "glpk"])
    func progressAndIncumbents(solverName: String) throws {
        let solver = try #require(Solvers.named(solverName))
        let model = markshare(rows: 4, columns: 30, seed: 5)
        let recorder = Recorder()
        var options = SolveOptions(timeLimit: 3)
        options.progressInterval = 0.2
        options.progress = { p in recorder.progress.withLock { $0.append(p) } }
        options.onIncumbent = { p in recorder.incumbents.withLock { $0.append(p) } }
        let result = try solver.solve(model, options: options)
        let progress = recorder.progress.withLock { $0 }, incumbents = recorder.incumbents.withLock { $0 }
        let objective = try #require(result.objective)

        #expect(progress.count >= 5, "\(progress.count) progress reports in a 3 s solve")
        #expect(progress.count <= Int(3 / 0.2) + 3)
        for (a, b) in zip(progress, progress.dropFirst()) {
            #expect(b.seconds - a.seconds >= 0.2 - 0.01)
            #expect(b.nodes >= a.nodes)
        }
        // The objective is a sum of slacks: 0 bounds it, every bound is at most the optimum ≤ objective.
        for p in progress {
            #expect(p.bestBound <= objective + 1e-6 && (p.incumbent ?? .infinity) >= objective - 1e-6)
        }
        #expect(progress.last!.nodes > 0)
        #expect(!incumbents.isEmpty)
        for (a, b) in zip(incumbents, incumbents.dropFirst()) { #expect(try #require(b.incumbent) < (a.incumbent ?? .infinity)) }
        #expect(agrees(incumbents.last?.incumbent, objective), "last incumbent report \(incumbents.last?.incumbent ?? .nan), result \(objective)")
    }

    @Test("progress values are in the model's terms: maximization with an objective constant", arguments: ["cbc", "glpk"])
    func progressOfAMaximization(solverName: String) throws {
        let solver = try #require(Solvers.named(solverName))
        var model = markshare(rows: 4, columns: 30, seed: 5)
        model.maximize(-1 * model.objective + 1000)   // the optimum of the original, negated, plus 1000
        let recorder = Recorder()
        var options = SolveOptions(timeLimit: 2)
        options.onIncumbent = { p in recorder.incumbents.withLock { $0.append(p) } }
        let result = try solver.solve(model, options: options)
        let incumbents = recorder.incumbents.withLock { $0 }
        #expect(agrees(incumbents.last?.incumbent, result.objective), "\(incumbents.map(\.incumbent)) vs \(result.summary)")
        for p in incumbents { #expect(p.bestBound >= (p.incumbent ?? 0) - 1e-6 && p.incumbent! <= 1000 + 1e-9) }
    }
}
