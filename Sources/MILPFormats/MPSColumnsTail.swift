import Foundation
import Synchronization

/// The second part of a large free-format COLUMNS section, parsed on another thread while the
/// parser reads the first part.
///
/// The parser picks a line `firstShare` (55 %) into the rest of the file where a new column
/// starts and hands everything from there on to this task. The task reads COLUMNS lines until it meets a line
/// it cannot take: a section header, a line it would reject, or the end of the file. Its columns
/// are numbered locally and its entries refer to them; the parser merges them in when it reaches
/// the task's first line still inside COLUMNS, then goes on from the line where the task stopped
/// (so an error there is reported by the parser itself, with its usual message and line number;
/// the task drops the column it was in when it rejects a line, so the parser reads that column
/// whole).
/// When the parser leaves COLUMNS before that line, the task's work is dropped.
///
/// The task only reads shared state: the file, the row names, and a copy of the rows' model
/// indices.
final class MPSColumnsTail: @unchecked Sendable {
    /// Kind of a column as declared by the MARKER lines the task saw.
    enum Kind: UInt8 {
        case asBefore   // no MARKER line before it in the task's part: the parser's state decides
        case integer, continuous
    }

    /// Where the task starts: the first line of a column.
    let start: Int
    /// Where it stopped: the start of the first line it did not take (or the end of the file).
    private(set) var stop = 0
    /// Lines from `start` to `stop`.
    private(set) var lines = 0
    /// Its columns' names, in order of first appearance.
    private(set) var names: [Token] = []
    private(set) var kinds: [Kind] = []
    /// Objective coefficient of each column; NaN when the column has none in this part.
    private(set) var objective: [Double] = []
    /// Matrix entries: model rows, local column numbers.
    private(set) var entries: [MatrixEntry] = []
    /// The integer state after the task's last MARKER line (nil: it saw none).
    private(set) var finalInteger: Bool?

    private let finished = DispatchSemaphore(value: 0)
    private let cancelled = Atomic<Bool>(false)

    /// What the task needs of the ROWS section.
    struct Rows: Sendable {
        let index: NameIndex
        /// Model row of each declared row; −1 for N rows.
        let modelRows: [Int32]
        /// Declared index of the objective row (−1: none).
        let objective: Int
    }

    /// Starts parsing `bytes` from `start` on a background thread.
    init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, rows: Rows) {
        self.start = start
        let address = UInt(bitPattern: bytes.baseAddress), count = bytes.count
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let bytes = UnsafeBufferPointer(start: UnsafePointer<UInt8>(bitPattern: address), count: count)
            parse(bytes, rows)
            finished.signal()
        }
    }

    /// Waits for the task to stop; its results are complete afterwards.
    func wait() { finished.wait() }

    /// Asks the task to stop early and waits for it (its results are then to be dropped).
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        finished.wait()
    }

    /// The share of the bytes after the COLUMNS header that the parser keeps (the task shares its
    /// core with `PagePopulator`; balanced by profiles of 26 and 42 MB files).
    static let firstShare = 0.55

    /// A line `firstShare` into `bytes[from...]` where a column starts (its first field differs
    /// from that of the column line before; comment, blank and MARKER lines between them do not
    /// count, as a column named again after them continues), or nil when none is found within a
    /// few thousand lines.
    static func splitPoint(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from + Int(Double(bytes.count - from) * firstShare)
        func nextLine() { while i < bytes.count && bytes[i] != 10 { i += 1 }; i += 1 }
        func field(from start: Int) -> Token {
            var a = start
            while a < bytes.count && (bytes[a] == 32 || bytes[a] == 9) { a += 1 }
            var b = a
            while b < bytes.count && bytes[b] > 32 { b += 1 }
            return Token(start: a, end: b)
        }
        var previous: Token?
        for _ in 0..<4096 {
            nextLine()
            guard i < bytes.count else { return nil }
            let first = field(from: i)
            if first.count == 0 || bytes[i] == UInt8(ascii: "*") || equalsIgnoringCase(bytes, field(from: first.end), "'MARKER'") {
                continue
            }
            if let previous, !NameIndex.equal(bytes, first, previous) { return i }
            previous = first
        }
        return nil
    }

    /// Parses into local variables (stored properties of a class would be checked for exclusive
    /// access on every use) and stores them at the end.
    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ rows: Rows) {
        var names: [Token] = [], kinds: [Kind] = [], objective: [Double] = [], entries: [MatrixEntry] = []
        var stop = 0, lines = 0, finalInteger: Bool?
        defer {
            (self.names, self.kinds, self.objective, self.entries) = (names, kinds, objective, entries)
            (self.stop, self.lines, self.finalInteger) = (stop, lines, finalInteger)
        }
        var batch = LineBatch()
        var lastRow = [Int32](repeating: -1, count: rows.modelRows.count)  // last local column per row
        var rowGuesses = ColumnRowGuesses()
        var marker: Kind = .asBefore
        var position = start
        var lastName = Token(start: 0, end: 0)
        // Where the current column began, to drop it when one of its lines is rejected: the parser
        // then reads the whole column itself and reports the error as it always does.
        var columnStart = (position: start, lines: 0, entries: 0, finalInteger: finalInteger)
        func reject() {
            if !names.isEmpty {  // the current column is dropped
                names.removeLast()
                kinds.removeLast()
                objective.removeLast()
            }
            (stop, lines, finalInteger) = (columnStart.position, columnStart.lines, columnStart.finalInteger)
            entries.removeSubrange(columnStart.entries...)
        }
        entries.reserveCapacity((bytes.count - start) / 24)
        while position < bytes.count && !cancelled.load(ordering: .relaxed) {
            let next = batch.fill(bytes, from: position)
            let fields = batch.fields
            for i in 0..<batch.count {
                let line = batch.lines[i]
                let first = line.end > line.start ? bytes[line.start] : 32
                if first != 32 && first != 9 && first != UInt8(ascii: "*") {  // a section header
                    stop = line.start
                    return
                }
                let base = i * LineFields.capacity, count = line.fieldCount
                if count > 0 && first != UInt8(ascii: "*") {
                    if count >= 3 && equalsIgnoringCase(bytes, fields[base + 1], "'MARKER'") {
                        if equalsIgnoringCase(bytes, fields[base + 2], "'INTORG'") {
                            marker = .integer
                        } else if equalsIgnoringCase(bytes, fields[base + 2], "'INTEND'") {
                            marker = .continuous
                        } else {
                            return reject()
                        }
                        finalInteger = marker == .integer
                    } else {
                        guard count == 3 || count == 5 else { return reject() }
                        let name = fields[base]
                        if names.isEmpty || !NameIndex.equal(bytes, name, lastName) {
                            columnStart = (line.start, lines, entries.count, finalInteger)
                            names.append(name)
                            kinds.append(marker)
                            objective.append(.nan)
                            lastName = name
                            rowGuesses.newColumn()
                        }
                        let column = Int32(names.count - 1)
                        for pair in stride(from: 1, to: count, by: 2) {
                            guard let row = rowGuesses.find(rows.index, bytes, fields[base + pair]),
                                  let value = parseNumber(bytes, fields[base + pair + 1]) else { return reject() }
                            if row == rows.objective {
                                objective[Int(column)] = value
                            } else if rows.modelRows[row] >= 0 {
                                guard lastRow[row] != column else { return reject() }  // a second entry
                                lastRow[row] = column
                                entries.append(MatrixEntry(row: rows.modelRows[row], column: column, value: value))
                            }
                        }
                    }
                }
                lines += 1
            }
            position = next
        }
        stop = min(position, bytes.count)
    }
}
