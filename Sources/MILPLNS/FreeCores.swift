import Foundation

/// How many threads of other processes want a core, sampled in the background from the kernel's
/// run queue (Linux /proc). Demand, not CPU time, is what tells the free cores: CPU time that other
/// processes got shrinks whenever this run keeps the cores busy itself, so a time-based estimate
/// sees cores free exactly when they are contended.
final class OtherProcessesLoad: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0.0
    private var samples = 0

    /// Samples every `interval` seconds until released; nil where /proc cannot be read.
    ///
    /// The sampler is a thread of its own that sleeps between samples. A dispatch timer woke its
    /// handler through a second thread that was still in the run queue when /proc/stat was read
    /// and gone from it when this process's threads were: every sample saw one busy core too many,
    /// and on an idle 2-core machine the LNS ran one repair at a time.
    init?(interval: Double = 0.1) {
        guard Self.runnableOfOthers() != nil else { return nil }
        Thread { [weak self] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                guard let load = self else { return }
                load.sample()
            }
        }.start()
    }

    private func sample() {
        guard let runnable = Self.runnableOfOthers() else { return }
        lock.withLock {
            total += runnable
            samples += 1
        }
    }

    /// The mean number of other processes' runnable threads since the last call (an instant
    /// reading when no sample was taken since).
    func meanSinceLastRead() -> Double? {
        let mean: Double? = lock.withLock {
            defer { total = 0; samples = 0 }
            return samples > 0 ? total / Double(samples) : nil
        }
        return mean ?? Self.runnableOfOthers()
    }

    /// Runnable threads on the machine (`procs_running`) less this process's and its descendants'
    /// (workers, their children), which are this run's own load.
    static func runnableOfOthers() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("procs_running ") }),
              let running = Double(line.split(separator: " ")[1]) else { return nil }
        // The process tree below this one, through each thread's children list (only this run's
        // processes are read, however many the machine runs).
        var ownRunnable = 0
        var pending = [getpid()]
        var seen = Set<Int32>()
        while let pid = pending.popLast() {
            guard seen.insert(pid).inserted else { continue }
            for task in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? [] {
                if statState("/proc/\(pid)/task/\(task)/stat") == "R" { ownRunnable += 1 }
                let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
                pending += children.split(separator: " ").compactMap { Int32($0) }
            }
        }
        return max(0, running - Double(ownRunnable))
    }

    /// The state letter of a /proc stat file (after "pid (comm)").
    private static func statState(_ path: String) -> Character? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].first { $0 != " " }
    }
}

/// How many repairs to run at once: as many as the cores other processes leave free (rounded),
/// at least one and at most `maximum`. Re-read before each round of repairs.
struct RepairCount {
    let maximum: Int
    /// Cores this run keeps busy besides the repairs (a full-model solve beside the LNS).
    let reserved: Int
    private let cores = ProcessInfo.processInfo.activeProcessorCount
    private let load: OtherProcessesLoad?
    /// The count for the coming round.
    private(set) var current: Int
    /// The least free-core estimate seen, for the run's notes.
    private(set) var leastFree: Double?

    /// Adapting to `load` when it is given and more than one repair may run; otherwise always
    /// `maximum`. `load` samples from the run's start, so that the first round has a reading to go by.
    init(maximum: Int, reserved: Int, load: OtherProcessesLoad?) {
        self.maximum = maximum
        self.reserved = reserved
        current = maximum
        self.load = maximum > 1 ? load : nil
    }

    /// Reads the load since the last update and sets `current`.
    mutating func update() {
        guard let others = load?.meanSinceLastRead() else { return }
        let free = max(0, Double(cores) - others)
        leastFree = min(leastFree ?? free, free)
        current = min(maximum, max(1, Int((free - Double(reserved)).rounded())))
    }
}
