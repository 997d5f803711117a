import Foundation
import MILPKit
import Synchronization

/// Ctrl-C and SIGTERM for the whole process. From the start of `main` both are blocked in every
/// thread (threads inherit the mask) and one thread takes them with `sigwait`, so no handler
/// runs: CBC installs its own SIGINT handler for the length of a solve, which dropped a signal
/// that came before its search started, and a libdispatch signal source, registered
/// asynchronously, dropped one that came before it listened. While a solve has routed them to
/// its flag, the first signal sets the flag and a second ends the process at once (exit 130);
/// at any other time a signal has its default action.
final class InterruptSignals {
    private static let routedTo = Mutex<InterruptFlag?>(nil)
    private static let signals: sigset_t = {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }()

    /// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts, and starts the
    /// thread that takes them. Call first thing in `main`, before any other thread exists.
    static func takeOver() {
        var set = signals
        pthread_sigmask(SIG_BLOCK, &set, nil)
        Thread {
            var set = signals
            var signal: Int32 = 0
            while true {
                guard sigwait(&set, &signal) == 0 else { continue }
                let routed = routedTo.withLock { flag -> Bool in
                    guard let flag else { return false }
                    if flag.isSet { _exit(130) }
                    flag.set()
                    return true
                }
                if !routed { takeDefaultAction(signal) }
            }
        }.start()
    }

    /// Ends the process as the signal's default action would have.
    private static func takeDefaultAction(_ number: Int32) {
        Foundation.signal(number, SIG_DFL)
        var one = sigset_t()
        sigemptyset(&one)
        sigaddset(&one, number)
        pthread_sigmask(SIG_UNBLOCK, &one, nil)
        raise(number)
    }

    /// Routes the signals to `flag` until `restore()`.
    init(flag: InterruptFlag) {
        Self.routedTo.withLock { $0 = flag }
    }

    func restore() {
        Self.routedTo.withLock { $0 = nil }
    }
}
