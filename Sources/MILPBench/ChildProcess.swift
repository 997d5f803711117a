import Foundation
import MILP
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
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let started = ContinuousClock.now
    var environmentCopy: [UnsafeMutablePointer<CChar>?] = []
    var entry = environ
    while let variable = entry.pointee {
        environmentCopy.append(strdup(variable))
        entry += 1
    }
    environmentCopy += environment.map { strdup($0) } + [nil]
    defer { environmentCopy.forEach { free($0) } }
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environmentCopy)
    guard spawned == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))") }

    var status: Int32 = 0
    var usage = rusage()
    var killed = false, interrupted = false
    let limit = started + .seconds(deadline)
    while true {
        let done = wait4(pid, &status, WNOHANG, &usage)
        if done == pid { break }
        if done < 0 && errno != EINTR { break }
        if !interrupted && interrupt?.isSet == true {
            kill(pid, SIGINT)
            interrupted = true
        }
        if !killed && ContinuousClock.now >= limit {
            kill(pid, SIGKILL)
            killed = true
            _ = wait4(pid, &status, 0, &usage)
            break
        }
        usleep(2_000)
    }
    let wall = (ContinuousClock.now - started).seconds
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
