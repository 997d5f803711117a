import Foundation

/// The CPU time the machine spent busy and the part of it that was this process's own (its
/// threads and its descendants', alive or reaped), from the kernel's accounting in /proc (Linux).
/// Two readings give the cores other processes left free between them, which is how many repairs
/// can run at once without slowing each other.
struct CPUReading: Sendable {
    let at: ContinuousClock.Instant
    /// Busy seconds of all cores since boot (steal included: a hypervisor's other guests use it).
    let machineBusy: Double
    /// CPU seconds of this process and its descendants.
    let own: Double

    /// Now; nil where /proc cannot be read.
    static func now() -> CPUReading? {
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard tick > 0, let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return nil }
        let busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]
        let me = getpid()
        guard let mine = processTimes(pid: me) else { return nil }
        var processes = [Int32: (own: Double, parent: Int32)]()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != me, let times = processTimes(pid: pid) else { continue }
            processes[pid] = (times.own, times.parent)
        }
        // Descendants at any depth (a worker's own children, a test's grandchildren) are this run's load.
        func descends(_ pid: Int32) -> Bool {
            var current = pid
            for _ in 0..<64 {
                guard let parent = processes[current]?.parent, parent > 1 else { return false }
                if parent == me { return true }
                current = parent
            }
            return false
        }
        let own = mine.own + mine.reapedChildren + processes.filter { descends($0.key) }.values.reduce(0) { $0 + $1.own }
        return CPUReading(at: .now, machineBusy: busy / tick, own: own / tick)
    }

    /// Cores not used by other processes between `earlier` and this reading, out of `cores`; nil
    /// when less than `minimumInterval` seconds passed.
    func freeCores(since earlier: CPUReading, cores: Int, minimumInterval: Double = 0.5) -> Double? {
        let wall = (at - earlier.at).seconds
        guard wall >= minimumInterval else { return nil }
        let others = max(0, (machineBusy - earlier.machineBusy) - (own - earlier.own)) / wall
        return max(0, Double(cores) - others)
    }

    /// utime + stime, cutime + cstime (ticks) and the parent of `pid`, from /proc/PID/stat.
    private static func processTimes(pid: Int32) -> (own: Double, reapedChildren: Double, parent: Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": state ppid ... utime (14th field of the line) stime cutime cstime.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 14, let parent = Int32(fields[1]),
              let utime = Double(fields[11]), let stime = Double(fields[12]),
              let cutime = Double(fields[13]), let cstime = Double(fields[14]) else { return nil }
        return (utime + stime, cutime + cstime, parent)
    }
}

/// How many repairs to run at once: as many as the cores other processes leave free (rounded),
/// at least one and at most `maximum`. Re-read before each round of repairs.
struct RepairCount {
    let maximum: Int
    /// Cores this run keeps busy besides the repairs (a full-model solve beside the LNS).
    let reserved: Int
    private let cores = ProcessInfo.processInfo.activeProcessorCount
    private var last: CPUReading?
    /// The count for the coming round.
    private(set) var current: Int
    /// The least free-core estimate seen, for the run's notes.
    private(set) var leastFree: Double?

    /// Adapting when `adaptive` and more than one repair may run; otherwise always `maximum`. The
    /// load is measured from `since` (the run's start, so the first round has a reading to go by).
    init(maximum: Int, reserved: Int, adaptive: Bool, since: CPUReading?) {
        self.maximum = maximum
        self.reserved = reserved
        current = maximum
        last = adaptive && maximum > 1 ? since ?? CPUReading.now() : nil
    }

    /// Reads the load since the last update (when long enough ago) and sets `current`.
    mutating func update() {
        guard let last, let now = CPUReading.now() else { return }
        guard let free = now.freeCores(since: last, cores: cores) else { return }
        self.last = now
        leastFree = min(leastFree ?? free, free)
        current = min(maximum, max(1, Int((free - Double(reserved)).rounded())))
    }
}
