import Foundation
import MILP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs each solve in a long-lived worker process (`milp worker`), reused from solve to solve: a
/// crash of the solver library costs that one solve, not the caller; several solves run at once,
/// one per worker; and unlike ``ChildProcessSolver`` a solve pays neither a process start nor a
/// model file, because the lowered model travels as a binary frame over a Unix socket. Used by
/// `milp solve --lns` for its repairs.
///
/// Workers are started on demand (one per solve in flight) and end when the last copy of the
/// solver is released. An interrupt is a message to the worker, which stops its solve and
/// replies with the incumbent; a worker that crashes or runs past the deadline is replaced. The
/// worker's `progress` and `onIncumbent` reports reach the caller's callbacks as they happen.
public struct WorkerPoolSolver: Solver {
    /// The solver the workers run ("cbc", "glpk" or "clp").
    public let solverName: String
    /// The `milp` executable.
    public let executable: String
    private let inner: any Solver
    private let pool: WorkerPool

    /// Workers running `solverName` from `executable` (a `milp` binary). Nil when the solver is unknown.
    public init?(_ solverName: String, executable: String) {
        guard let inner = Solvers.named(solverName) else { return nil }
        self.solverName = inner.name
        self.executable = executable
        self.inner = inner
        pool = WorkerPool(executable: executable, solverName: inner.name)
    }

    /// The inner solver's name ("cbc", "glpk" or "clp").
    public var name: String { inner.name }
    /// The inner solver's version, as linked into this process (the workers run the same binary's).
    public var version: String { inner.version }
    /// The inner solver's capabilities without `.duals`: replies carry no duals.
    public var capabilities: SolverCapabilities { inner.capabilities.subtracting(.duals) }
    /// Always true: each solve in flight has a worker of its own.
    public var allowsConcurrentSolves: Bool { true }
    /// Always true: the worker's solve confirms its statuses and checks its points.
    public var reportsConfirmedOutputs: Bool { true }

    /// The process ids of the workers alive now (idle or solving).
    public var workerProcessIDs: [Int32] { pool.processIDs }

    /// Sends `form` to an idle worker (starting one when none is idle) and waits for its reply; a
    /// crash, a hang past the deadline or an unreadable reply becomes an `.error` or
    /// `.limitReached` output instead of a throw.
    public func solve(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        let unbounded = -form.sense.sign * Double.infinity
        func failed(_ message: String, termination: TerminationReason = .error, limit: SolveLimit? = nil) -> SolverOutput {
            var output = SolverOutput(termination: termination, limit: limit, bestBound: unbounded)
            output.message = message
            return output
        }
        if options.interrupt?.isSet == true { return failed("interrupted before the solve", termination: .limitReached, limit: .interrupted) }
        let request = WorkerFrames.request(form, options: options)
        let worker: WorkerProcess
        do { worker = try pool.sendToIdleWorker(request) } catch { return failed("\(error)") }
        // The worker keeps the time limit; this deadline only catches one that hangs.
        let deadline = ContinuousClock.now + .seconds((options.timeLimit ?? 86_400) * 1.1 + 5)
        var stopSent = false
        var descriptor = pollfd(fd: worker.socket, events: Int16(POLLIN), revents: 0)
        while true {
            while poll(&descriptor, 1, 10) == 0 || (descriptor.revents & Int16(POLLIN | POLLHUP | POLLERR)) == 0 {
                if !stopSent && options.interrupt?.isSet == true {
                    stopSent = sendFrame([], on: worker.socket)
                }
                if ContinuousClock.now >= deadline {
                    pool.retire(worker, kill: true)
                    return failed("the \(solverName) worker process ran past its deadline and was killed", termination: .limitReached, limit: .time)
                }
            }
            switch try? receiveFrame(on: worker.socket).map(WorkerFrames.readMessage) {
            case .progress(let state, let improved):
                (improved ? options.onIncumbent : options.progress)?(state)
            case .reply(let output):
                pool.checkIn(worker)
                return output
            case nil:
                return failed("the \(solverName) worker process \(pool.retire(worker))")
            }
        }
    }
}

/// One `milp worker` process and the parent's end of its socket.
private struct WorkerProcess: Sendable {
    let pid: pid_t
    let socket: Int32
    /// The file its standard error goes to (solver messages before a crash).
    let errorPath: String
}

/// The workers of a ``WorkerPoolSolver`` (shared by its copies): idle ones wait in `idle`.
private final class WorkerPool: Sendable {
    let executable: String
    let solverName: String
    private let idle = Mutex<[WorkerProcess]>([])
    private let alive = Mutex<Set<pid_t>>([])

    init(executable: String, solverName: String) {
        self.executable = executable
        self.solverName = solverName
    }

    deinit {
        // Closing the socket ends an idle worker (end of stream); then it is reaped.
        for worker in idle.withLock({ $0 }) { retire(worker) }
    }

    var processIDs: [Int32] { alive.withLock { Array($0).sorted() } }

    func checkOut() throws -> WorkerProcess {
        if let worker = idle.withLock({ $0.popLast() }) { return worker }
        let worker = try start()
        alive.withLock { _ = $0.insert(worker.pid) }
        return worker
    }

    /// Sends `request` to an idle worker, starting one when none is idle. An idle worker may have
    /// died since its last solve (e.g. killed by the OOM killer): then once more with a new one.
    func sendToIdleWorker(_ request: [UInt8]) throws -> WorkerProcess {
        let worker = try checkOut()
        if sendFrame(request, on: worker.socket) { return worker }
        retire(worker)
        let fresh = try checkOut()
        guard sendFrame(request, on: fresh.socket) else {
            retire(fresh)
            throw SolverError("the \(solverName) worker process did not take the model")
        }
        return fresh
    }

    func checkIn(_ worker: WorkerProcess) {
        idle.withLock { $0.append(worker) }
    }

    /// Closes the worker's socket and reaps it (killing it first when `kill`, or when it does
    /// not end within a second); returns how it ended, for messages.
    @discardableResult
    func retire(_ worker: WorkerProcess, kill killFirst: Bool = false) -> String {
        close(worker.socket)
        if killFirst { kill(worker.pid, SIGKILL) }
        var status: Int32 = 0
        var ended = false
        for _ in 0..<500 {
            if waitpid(worker.pid, &status, WNOHANG) == worker.pid {
                ended = true
                break
            }
            usleep(2_000)
        }
        if !ended {
            kill(worker.pid, SIGKILL)
            waitpid(worker.pid, &status, 0)
        }
        alive.withLock { _ = $0.remove(worker.pid) }
        let errors = ((try? String(contentsOfFile: worker.errorPath, encoding: .utf8)) ?? "").suffix(300)
        unlink(worker.errorPath)
        let signal = status & 0x7f
        let how = signal == 0 ? "exited with code \((status >> 8) & 0xff)" : "crashed (signal \(signal))"
        return how + (errors.isEmpty ? "" : ": " + errors.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func start() throws -> WorkerProcess {
        ChildProcessSolver.staleScratchRemoved
        var sockets: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else {
            throw SolverError("cannot create a socket for a worker process: \(String(cString: strerror(errno)))")
        }
        let errorPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(ChildProcessSolver.scratchPrefix)\(getpid())-\(UUID().uuidString).err").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Solver chatter on standard output goes nowhere: the frames have a socket of their own.
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, sockets[1], 3)
        let argv = ([executable, "worker", "--solver", solverName] as [String]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(sockets[1])
        guard spawned == 0 else {
            close(sockets[0])
            throw SolverError("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        return WorkerProcess(pid: pid, socket: sockets[0], errorPath: errorPath)
    }
}
