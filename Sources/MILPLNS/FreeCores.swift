import Foundation

/// How many threads of other processes want a core, sampled in the background from the kernel's
/// run queue (Linux /proc). Demand, not CPU time, is what tells the free cores: CPU time that other
/// processes got shrinks whenever this run keeps the cores busy itself, so a time-based estimate
/// sees cores free exactly when they are contended.
final class OtherProcessesLoad: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0.0
    private var samples = 0

    /// Samples every `interval` seconds, on a thread of its own, until released; nil where /proc
    /// cannot be read.
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

    /// Runnable threads of the processes outside this one's tree (itself, its workers and their
    /// children: this run's own load), counted task by task in /proc. Not the kernel's
    /// `procs_running` less this tree's runnable threads: that count is an instant, while walking
    /// a process of many threads takes long enough for more of them to become runnable, so the
    /// difference came out low whenever this process was busy (the test suite's threads beside
    /// two busy processes read as a free core), and high by one when the sampler was woken by a
    /// dispatch timer (its wake-up thread runnable at the instant, asleep by the walk: an idle
    /// 2-core machine read as one busy core, and the LNS ran one repair at a time).
    static func runnableOfOthers() -> Double? {
        let fileManager = FileManager.default
        guard let entries = try? fileManager.contentsOfDirectory(atPath: "/proc") else { return nil }
        func tasks(_ pid: Int32) -> [String] { (try? fileManager.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? [] }
        // This run's tree, through each thread's children list.
        var pending = [getpid()]
        var own = Set<Int32>()
        while let pid = pending.popLast() {
            guard own.insert(pid).inserted else { continue }
            for task in tasks(pid) {
                let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
                pending += children.split(separator: " ").compactMap { Int32($0) }
            }
        }
        var runnable = 0
        for pid in entries.compactMap({ Int32($0) }) where !own.contains(pid) {
            runnable += tasks(pid).count { statState("/proc/\(pid)/task/\($0)/stat") == "R" }
        }
        return Double(runnable)
    }

    /// The state letter of a /proc stat file (after "pid (comm)").
    private static func statState(_ path: String) -> Character? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].first { $0 != " " }
    }
}

/// How many repairs to run at once: as many as the cores other processes leave free (rounded),
/// at least one and at most `maximum`. Re-read before repairs start.
struct RepairCount {
    let maximum: Int
    /// Cores this run keeps busy besides the repairs (a full-model solve beside the LNS).
    let reserved: Int
    private let cores = ProcessInfo.processInfo.activeProcessorCount
    private let load: OtherProcessesLoad?
    /// The repairs to run at once from now on.
    private(set) var current: Int
    /// The least free-core estimate seen, for the run's notes.
    private(set) var leastFree: Double?

    /// Adapting to `load` when it is given and more than one repair may run; otherwise always
    /// `maximum`. `load` samples from the run's start, so that the first repairs have a reading to go by.
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
