import Foundation
import MILPKit
import Synchronization

/// The progress of `milp solve` (and `milp iis`) on standard error: the elapsed time and the
/// latest state, on a terminal one line redrawn at most four times a second and cleared at the
/// end; elsewhere a plain line every five seconds.
final class SolveProgressDisplay: Sendable {
    enum Style: Sendable {
        /// One line, redrawn in place (`\r`, erase to the end of the line).
        case redrawn
        /// A line of its own every few seconds, for logs.
        case lines
    }

    private let style: Style
    private let started: ContinuousClock.Instant
    /// The latest state as text; whether a redrawn line is on the screen; whether drawing ended.
    private let state = Mutex<(latest: String?, drawn: Bool, finished: Bool)>((nil, false, false))

    /// Starts drawing on a thread of its own; `started` is when the command started (the elapsed
    /// time shown).
    init(style: Style, started: ContinuousClock.Instant) {
        self.style = style
        self.started = started
        let interval = style == .redrawn ? 0.25 : 5.0
        Thread { [weak self] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                guard let display = self, display.draw() else { return }
            }
        }.start()
    }

    /// The style for standard error as it is: redrawn on a terminal, lines elsewhere.
    static var styleForStandardError: Style { isatty(2) != 0 ? .redrawn : .lines }

    /// Records the solver's report (called on the solving thread); the timer draws it.
    func update(_ progress: SolveProgress) { update(line: Self.describe(progress)) }

    /// Records the latest state, as the text to show after the elapsed time.
    func update(line: String) {
        state.withLock { $0.latest = line }
    }

    /// Stops drawing and clears the redrawn line. Idempotent; returns once no draw is under way.
    func finish() {
        state.withLock { state in
            if state.drawn { write("\r\u{1B}[K") }
            state.drawn = false
            state.finished = true
        }
    }

    /// Draws the latest state; false once finished.
    private func draw() -> Bool {
        state.withLock { state in
            guard !state.finished else { return false }
            var line = String(format: "%7.1f s  ", (ContinuousClock.now - started).seconds) + (state.latest ?? "solving")
            if style == .redrawn {
                // A line longer than the terminal wraps, and "\r" would then redraw only its tail.
                line = "\r" + String(line.prefix(max(20, terminalColumns() - 1))) + "\u{1B}[K"
                state.drawn = true
            } else {
                line += "\n"
            }
            write(line)
            return true
        }
    }

    /// `incumbent 3089  bound 3050  gap 1.26%  nodes 5123`, or for an LP
    /// `no solution yet  iterations 4096`
    static func describe(_ progress: SolveProgress) -> String {
        var parts = [progress.incumbent.map { "incumbent \(formatNumber($0))" } ?? "no solution yet"]
        if progress.bestBound.isFinite { parts.append("bound \(formatNumber(progress.bestBound))") }
        if let gap = progress.gap, gap.isFinite { parts.append(String(format: "gap %.2f%%", gap * 100)) }
        if let iterations = progress.iterations {
            parts.append("iterations \(iterations)")
        } else {
            parts.append("nodes \(progress.nodes)")
        }
        return parts.joined(separator: "  ")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    private func terminalColumns() -> Int {
        var size = winsize()
        return ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }
}
