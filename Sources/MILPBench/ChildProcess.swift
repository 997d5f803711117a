import Foundation
import MILP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
package struct ChildOutcome: Sendable {
    /// Exit code when it exited, nil when a signal ended it.
    public var exitCode: Int32?
    /// The signal that ended it.
    public var signal: Int32?
    /// True when it was killed for running past its deadline.
    public var killedAtDeadline: Bool
    /// Wall time from start to end, in seconds.
    public var wallSeconds: Double
    /// Peak resident memory (MiB) from the kernel's accounting.
    public var peakMemoryMiB: Double
    /// Everything the child wrote to standard output (empty if unreadable).
    public var standardOutput: String
    /// Everything the child wrote to standard error (empty if unreadable).
    public var standardError: String
}

/// Starts `executable` with `arguments`: standard input from /dev/null, standard output and error
/// to the files at those paths (created or truncated), `environment` entries (`KEY=value`) added
/// to this process's environment. No signal is blocked in the child and SIGINT, SIGTERM and SIGPIPE
/// have their default actions: `milp` blocks SIGINT and SIGTERM in every thread and a parent may
/// ignore them, and a child inherits both, so an interrupt would never reach it.
package func spawnWithDefaultSignals(_ executable: String, _ arguments: [String], standardOutput: String, standardError: String,
                                     environment: [String] = []) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t(), noMask = sigset_t()
    sigemptyset(&defaults)
    [SIGINT, SIGTERM, SIGPIPE].forEach { sigaddset(&defaults, $0) }
    sigemptyset(&noMask)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &noMask)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var environmentCopy: [UnsafeMutablePointer<CChar>?] = []
    var entry = environ
    while let variable = entry.pointee {
        environmentCopy.append(strdup(variable))
        entry += 1
    }
    environmentCopy += environment.map { strdup($0) } + [nil]
    defer { environmentCopy.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environmentCopy)
    guard spawned == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))") }
    return pid
}

/// Runs `executable` with `arguments` (no standard input; output captured through files, so a
/// chatty child can never block), killing it with SIGKILL once `deadline` seconds have passed.
/// `environment` entries (`KEY=value`) are added to this process's environment; when `interrupt`
/// is set, the child gets one SIGINT (and still the SIGKILL at the deadline).
package func runChild(_ executable: String, _ arguments: [String], deadline: Double, scratch: String,
                     environment: [String] = [], interrupt: InterruptFlag? = nil) throws -> ChildOutcome {
    let stem = (scratch as NSString).appendingPathComponent(UUID().uuidString)
    let outPath = stem + ".out", errPath = stem + ".err"
    defer {
        unlink(outPath)
        unlink(errPath)
    }
    let started = ContinuousClock.now
    let pid = try spawnWithDefaultSignals(executable, arguments, standardOutput: outPath, standardError: errPath, environment: environment)

    // A thread of its own blocks in wait4; this one wakes only to pass on an interrupt and to
    // enforce the deadline. Polling wait4 every few milliseconds kept this process in the run queue
    // so often that a child LNS sampling the machine's load read it as another busy core.
    let reaped = DispatchSemaphore(value: 0)
    let ending = Mutex<(status: Int32, usage: rusage, at: ContinuousClock.Instant)?>(nil)
    let child = pid
    Thread {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(child, &status, 0, &usage) < 0 && errno == EINTR {}
        ending.withLock { $0 = (status, usage, ContinuousClock.now) }
        reaped.signal()
    }.start()
    var killed = false, interrupted = false
    let limit = started + .seconds(deadline)
    while true {
        let untilDeadline = max(0, (limit - ContinuousClock.now).seconds)
        if reaped.wait(timeout: .now() + min(0.1, untilDeadline)) == .success { break }
        if !interrupted && interrupt?.isSet == true {
            kill(pid, SIGINT)
            interrupted = true
        }
        if ContinuousClock.now >= limit {
            kill(pid, SIGKILL)
            killed = true
            reaped.wait()
            break
        }
    }
    let (status, usage, ended) = ending.withLock { $0! }
    let wall = (ended - started).seconds
    let exited = (status & 0x7f) == 0
    return ChildOutcome(
        exitCode: exited ? (status >> 8) & 0xff : nil,
        signal: exited ? nil : status & 0x7f,
        killedAtDeadline: killed,
        wallSeconds: wall,
        peakMemoryMiB: Double(usage.ru_maxrss) / 1024,
        standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
        standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}
