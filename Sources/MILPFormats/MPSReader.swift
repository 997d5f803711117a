import Foundation
import MILP

/// Reads MPS files: free and fixed format (detected: free first, fixed columns when free parsing
/// fails), gzip-compressed or not.
///
/// Dialect handled: `NAME`; `OBJSENSE` (`MAX`/`MIN` on the same or the next line) and `OBJSENSE
/// MAXIMIZE`; `OBJNAME`; several `N` rows (the first, or the `OBJNAME` one, is the objective; the
/// others and their entries are dropped); `MARKER` `INTORG`/`INTEND`; `RHS` with or without a set
/// name, an RHS on the objective row meaning objective constant = −value (CBC, CLP, HiGHS); `RANGES`
/// on L, G and E rows (sign rules of the MPS standard); `BOUNDS` `UP LO FX FR MI PL BV LI UI SC SI`,
/// where `UP` < 0 on a column whose lower bound is 0 makes the lower bound −inf, `SC` makes a
/// column semi-continuous (also a MARKER integer one, as HiGHS reads lp_solve's files; CPLEX
/// would make it semi-integer: ``ReadNotes`` counts them) and `SI` semi-integer; values with
/// |x| ≥ 1e30 are infinite; `SOS` sections (`S1`/`S2`); `*` comment lines, blank lines, tabs, CRLF.
/// Integer columns from `MARKER` lines with no bound in `BOUNDS` get [0, +inf) by default, or
/// [0, 1] as the cbc and glpsol executables, HiGHS and MIPLIB 2017 read them: see
/// ``markerIntegerBounds``; ``readWithNotes(path:)`` counts them.
/// Only the first RHS, RANGES and BOUNDS set is used; lines naming another set are skipped.
public struct MPSReader {
    /// Files with at least this many bytes after the COLUMNS header have that section read in two
    /// parts on two threads (free format; the model is the same either way). 0: every file;
    /// `Int.max`: none.
    public var columnsSplitSize: Int
    /// The bounds of integer columns declared between `MARKER` lines that get no bound in `BOUNDS`.
    public var markerIntegerBounds: MarkerIntegerBounds

    /// A reader with the given ``columnsSplitSize`` (default 4 MiB) and ``markerIntegerBounds``.
    public init(columnsSplitSize: Int = 4 << 20, markerIntegerBounds: MarkerIntegerBounds = .nonnegative) {
        self.columnsSplitSize = columnsSplitSize
        self.markerIntegerBounds = markerIntegerBounds
    }

    /// Reads a model from a file (`.gz` or gzip magic → decompressed). A plain file is mapped
    /// into memory rather than copied, and its pages, like those of the arrays the parser fills,
    /// are faulted in by a second thread while the parser works (`PagePopulator`).
    public func read(path: String) throws -> Model { try readWithNotes(path: path).model }

    /// Parses MPS text (plain or gzip) named `name` in error messages.
    public func parse(_ input: [UInt8], name: String = "<input>") throws -> Model {
        try parseWithNotes(input, name: name).model
    }

    /// ``read(path:)``, with what the file left to a convention (``ReadNotes``).
    public func readWithNotes(path: String) throws -> (model: Model, notes: ReadNotes) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ParseError(file: path, line: 0, message: errno == ENOENT || errno == ENOTDIR ? "no such file" : "cannot be read")
        }
        defer { close(fd) }
        var info = stat()
        var magic: (UInt8, UInt8) = (0, 0)
        guard fstat(fd, &info) == 0, info.st_mode & mode_t(S_IFMT) == mode_t(S_IFREG), info.st_size > 0,
              pread(fd, &magic, 2, 0) == 2, magic != (0x1f, 0x8b),
              let mapped = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            // Directories, gzip, pipes, /proc files, unmappable files: read whole (with
            // readFileBytes' errors).
            return try parseWithNotes(try readFileBytes(path), name: path)
        }
        let size = Int(info.st_size)
        defer { munmap(mapped, size) }
        let populator = PagePopulator()
        defer { populator.stop() }
        populator.populate([(UnsafeRawPointer(mapped), size)], forWriting: false)
        let bytes = UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: size)
        return try parseDetectingLayout { fixed in
            try MPSParser.parse(bytes, file: path, fixed: fixed, populator: populator, splitSize: columnsSplitSize,
                                markerIntegerBounds: markerIntegerBounds)
        }
    }

    /// ``parse(_:name:)``, with what the text left to a convention (``ReadNotes``).
    public func parseWithNotes(_ input: [UInt8], name: String = "<input>") throws -> (model: Model, notes: ReadNotes) {
        let bytes = Gzip.isCompressed(input) ? try Gzip.decompress(input, name: name) : input
        guard !bytes.isEmpty else { throw ParseError(file: name, line: 0, message: "empty file; expected an MPS model") }
        let populator = PagePopulator()
        defer { populator.stop() }
        return try bytes.withUnsafeBufferPointer { buffer in
            try parseDetectingLayout { fixed in
                try MPSParser.parse(buffer, file: name, fixed: fixed, populator: populator, splitSize: columnsSplitSize,
                                    markerIntegerBounds: markerIntegerBounds)
            }
        }
    }

    /// Free format first; fixed columns when that fails (names with spaces or blank fields need
    /// them). Of two errors, the one that got further.
    private func parseDetectingLayout<T>(_ parse: (_ fixed: Bool) throws -> T) throws -> T {
        do {
            return try parse(false)
        } catch let free as ParseError {
            do {
                return try parse(true)
            } catch let fixed as ParseError {
                throw fixed.line > free.line ? fixed : free
            }
        }
    }
}

/// Reads a whole file, with an error naming the file when it cannot be read.
func readFileBytes(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
        throw ParseError(file: path, line: 0, message: errno == ENOENT || errno == ENOTDIR ? "no such file" : "cannot be read")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw ParseError(file: path, line: 0, message: "cannot be read") }
    if info.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR) {
        throw ParseError(file: path, line: 0, message: "is a directory, expected a file")
    }
    // Straight into the array, no intermediate Data. The size is a hint (a file may grow; pipes
    // and /proc files have none): whatever follows is read in chunks.
    var failed = false
    func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        while count < buffer.count {
            let n = read(fd, buffer.baseAddress! + count, buffer.count - count)
            if n > 0 { count += n } else if n == 0 || errno != EINTR { failed = n < 0; break }
        }
        return count
    }
    let size = Int(info.st_size)
    var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in count = fill(buffer) }
    if bytes.count == size && !failed {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while !failed {
            let n = chunk.withUnsafeMutableBufferPointer { fill($0) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }
    if failed { throw ParseError(file: path, line: 0, message: "cannot be read") }
    return bytes
}

private enum Section { case none, name, objsense, objname, rows, columns, rhs, ranges, bounds, sos, end }

private enum BoundType: String {
    case up = "UP", lo = "LO", fx = "FX", fr = "FR", mi = "MI", pl = "PL", bv = "BV", li = "LI", ui = "UI", sc = "SC", si = "SI"

    /// The type a two-letter field names (any letter case), or nil.
    init?(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) {
        guard token.count == 2 else { return nil }
        switch (asciiUpper(bytes[token.start]), asciiUpper(bytes[token.start + 1])) {
        case (UInt8(ascii: "U"), UInt8(ascii: "P")): self = .up
        case (UInt8(ascii: "L"), UInt8(ascii: "O")): self = .lo
        case (UInt8(ascii: "F"), UInt8(ascii: "X")): self = .fx
        case (UInt8(ascii: "F"), UInt8(ascii: "R")): self = .fr
        case (UInt8(ascii: "M"), UInt8(ascii: "I")): self = .mi
        case (UInt8(ascii: "P"), UInt8(ascii: "L")): self = .pl
        case (UInt8(ascii: "B"), UInt8(ascii: "V")): self = .bv
        case (UInt8(ascii: "L"), UInt8(ascii: "I")): self = .li
        case (UInt8(ascii: "U"), UInt8(ascii: "I")): self = .ui
        case (UInt8(ascii: "S"), UInt8(ascii: "C")): self = .sc
        case (UInt8(ascii: "S"), UInt8(ascii: "I")): self = .si
        default: return nil
        }
    }

    var needsValue: Bool {
        switch self {
        case .up, .lo, .fx, .li, .ui: true
        case .fr, .mi, .pl, .bv, .sc, .si: false
        }
    }
}

private let infinityThreshold = 1e30

/// Fixed-format field positions (0-based, end exclusive): columns 2-3, 5-12, 15-22, 25-36, 40-47,
/// 50-61; the last field may run past column 61.
private let fixedFields: [(from: Int, to: Int)] = [(1, 3), (4, 12), (14, 22), (24, 36), (39, 47), (49, Int.max)]

/// The fields of the current data line: the first `capacity` are kept, all are counted.
struct LineFields {
    static let capacity = 8
    private var tokens = [Token](repeating: Token(start: 0, end: 0), count: capacity)
    private(set) var count = 0
    /// End of the last field (free-format row names run to it).
    private(set) var lastEnd = 0

    subscript(_ i: Int) -> Token { tokens[i] }

    mutating func removeAll() { count = 0 }

    mutating func append(_ token: Token) {
        if count < Self.capacity { tokens[count] = token }
        count += 1
        lastEnd = token.end
    }

    mutating func removeFirst() {
        for k in 1..<min(count, Self.capacity) { tokens[k - 1] = tokens[k] }
        count -= 1
    }

    mutating func removeTrailingEmpty() {
        while count > 0 && tokens[count - 1].count == 0 { count -= 1 }
        if count > 0 { lastEnd = tokens[count - 1].end }
    }

    /// Takes the fields of line `i` of `batch`.
    mutating func load(_ batch: LineBatch, line i: Int) {
        let line = batch.lines[i]
        count = line.fieldCount
        lastEnd = line.lastEnd
        let kept = min(count, Self.capacity), base = i * Self.capacity
        tokens.withUnsafeMutableBufferPointer { tokens in
            for k in 0..<kept { tokens[k] = batch.fields[base + k] }
        }
    }
}

/// The next lines of the file, each split into whitespace-separated fields (free format: a field
/// starting with `$` after the first starts a comment) in one pass over the bytes. A line ends at
/// LF; a CR just before the LF or the end of the file is not part of it.
struct LineBatch {
    struct Line {
        var start: Int, end: Int
        var fieldCount: Int     // all fields; the first `LineFields.capacity` are in `fields`
        var lastEnd: Int        // end of the last field
    }

    static let capacity = 64
    /// `lines[0..<count]` are the batch.
    private(set) var lines = [Line](repeating: Line(start: 0, end: 0, fieldCount: 0, lastEnd: 0), count: capacity)
    private(set) var count = 0
    private(set) var fields = [Token](repeating: Token(start: 0, end: 0), count: capacity * LineFields.capacity)

    /// Splits up to `capacity` lines from `start` on, ending the batch after a section header (a
    /// batch lies in one section). Returns where the next batch starts.
    mutating func fill(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let (next, count) = lines.withUnsafeMutableBufferPointer { lines in
            fields.withUnsafeMutableBufferPointer { fields in
                Self.split(bytes, from: start, into: lines, fields)
            }
        }
        self.count = count
        return next
    }

    /// `fill` on unsafe buffers (no uniqueness check per store): the next position and the number
    /// of lines.
    private static func split(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int,
        into lines: UnsafeMutableBufferPointer<Line>, _ fields: UnsafeMutableBufferPointer<Token>
    ) -> (Int, Int) {
        let n = bytes.count
        // Fields end at a blank, a tab, a LF, or a CR before a LF or the end. (Bit masks rather
        // than comparisons with each: those compile to an indirect jump per byte.)
        let blanks: UInt64 = 1 << 32 | 1 << 9, ends: UInt64 = blanks | 1 << 10
        func endsLine(_ i: Int) -> Bool {
            bytes[i] == 10 || (bytes[i] == 13 && (i &+ 1 == n || bytes[i &+ 1] == 10))
        }
        var i = start, count = 0
        while i < n && count < capacity {
            let lineStart = i, base = count * LineFields.capacity
            var fieldCount = 0, lastEnd = i
            while i < n {
                let b = bytes[i]
                if b <= 32 && (UInt64(1) << b) & blanks != 0 {
                    i &+= 1
                    continue
                }
                if b <= 32 && endsLine(i) { break }
                if b == UInt8(ascii: "$") && fieldCount > 0 { break }  // a comment
                let fieldStart = i
                i &+= 1
                while i < n {
                    let c = bytes[i]
                    if c <= 32 && ((UInt64(1) << c) & ends != 0 || (c == 13 && endsLine(i))) { break }
                    i &+= 1
                }
                if fieldCount < LineFields.capacity { fields[base + fieldCount] = Token(start: fieldStart, end: i) }
                fieldCount += 1
                lastEnd = i
            }
            while i < n && bytes[i] != 10 { i += 1 }
            var end = i
            if end > lineStart && bytes[end - 1] == 13 { end -= 1 }
            lines[count] = Line(start: lineStart, end: end, fieldCount: fieldCount, lastEnd: lastEnd)
            count += 1
            i += 1
            let first = bytes[lineStart]
            if end > lineStart && first != 32 && first != 9 && first != UInt8(ascii: "*") { break }
        }
        return (i, count)
    }
}

/// A matrix entry as read from COLUMNS.
struct MatrixEntry {
    var row: Int32      // row of the model
    var column: Int32
    var value: Double
}

/// What reading COLUMNS needs to know per declared row (N rows included).
private struct RowEntry {
    var modelRow: Int32     // row of the model; -1 for N rows (dropped)
    var lastColumn: Int32   // last column with an entry in this row, to catch duplicates
}

/// Row lookups in COLUMNS: the k-th entry of a column is looked for first in the row of the k-th
/// entry of the previous column (see `NameIndex.find(_:_:guess:)`).
struct ColumnRowGuesses {
    private var rows: [Int32] = []   // by entry ordinal: the row of that entry in the previous column
    private var ordinal = 0          // position of the next entry within its column

    /// A new column starts.
    mutating func newColumn() { ordinal = 0 }

    /// The row named `token`, or nil; remembered as the guess for the same entry of the next column.
    mutating func find(_ index: NameIndex, _ bytes: UnsafeBufferPointer<UInt8>, _ token: Token) -> Int? {
        let guess = ordinal < rows.count ? Int(rows[ordinal]) : -1
        guard let row = index.find(bytes, token, guess: guess) else { return nil }
        if ordinal < rows.count { rows[ordinal] = Int32(row) } else { rows.append(Int32(row)) }
        ordinal += 1
        return row
    }
}

/// A column named again after other columns (see `MPSParser.indexesColumnsAtOnce`).
private struct RepeatedColumnName: Error {}

private struct MPSParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    let fixed: Bool
    let populator: PagePopulator

    var line = 0
    var section = Section.none
    var data = SparseModelData()

    // Rows
    var rowIndex = NameIndex(expected: 1 << 12, copiesNames: true)
    var rowKind: [UInt8] = []           // "L", "G", "E", or "N"
    var rows: [RowEntry] = []
    var rowRHS: [Double] = []
    var rowRange: [Int: Double] = [:]   // ranged rows are rare
    var objectiveRow = -1               // index in rowIndex of the objective
    var objectiveName: [UInt8]?         // from OBJNAME

    // Columns and entries (triplets)
    var columnIndex = NameIndex(expected: 1 << 12, copiesNames: true)
    var lastColumnIndex = -1            // the column of the previous COLUMNS line,
    var lastColumnToken = Token(start: 0, end: 0)  // and its name
    var integerBlock = false
    var entries: [MatrixEntry] = []
    var rowGuesses = ColumnRowGuesses()
    var boundSeen: [UInt8] = []         // bit 1: lower set, bit 2: upper set
    var markerSemiContinuous = 0        // MARKER integer columns an SC bound made semi-continuous

    // Storage for what `assemble` makes, reserved (and populated) early
    var rowColumns: [Int32] = [], rowCoefficients: [Double] = []
    var variableNames: [String] = [], constraintNames: [String] = []

    // Set names (only the first of each is used)
    var rhsSet: [UInt8]?, rangeSet: [UInt8]?, boundSet: [UInt8]?
    var rowGuess = -1, columnGuess = -1 // RHS/RANGES and BOUNDS: the last row/column found
    var sosSets: [(type: Int, columns: [Int32], weights: [Double])] = []

    var tokens = LineFields()
    var rowSlots: [Int] = [], columnSlots: [Int] = [], warmSink: UInt64 = 0  // lookahead
    var lineStart = 0, lineEnd = 0
    var sawRows = false, sawColumns = false, sawEnd = false
    /// The second half of a large COLUMNS section, read on another thread (free format).
    var tail: MPSColumnsTail?
    /// Whether each new column name goes into the name table at once. By default the names are
    /// added in one pass when COLUMNS ends, which is faster; a file that names a column again after
    /// other columns (allowed: its entries continue the column) is then read again with this set,
    /// in one part (a second part would not see the repeat).
    let indexesColumnsAtOnce: Bool
    /// Files with at least this many bytes after the COLUMNS header have it read in two parts.
    let splitSize: Int
    let markerIntegerBounds: MarkerIntegerBounds

    init(_ bytes: UnsafeBufferPointer<UInt8>, file: String, fixed: Bool, populator: PagePopulator, splitSize: Int,
         markerIntegerBounds: MarkerIntegerBounds, indexesColumnsAtOnce: Bool) {
        self.bytes = bytes
        self.splitSize = splitSize
        self.markerIntegerBounds = markerIntegerBounds
        self.file = file
        self.fixed = fixed
        self.populator = populator
        self.indexesColumnsAtOnce = indexesColumnsAtOnce
    }

    /// Parses `bytes` (see `indexesColumnsAtOnce`).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String, fixed: Bool, populator: PagePopulator, splitSize: Int,
                      markerIntegerBounds: MarkerIntegerBounds) throws -> (model: Model, notes: ReadNotes) {
        do {
            var parser = MPSParser(bytes, file: file, fixed: fixed, populator: populator, splitSize: splitSize,
                                   markerIntegerBounds: markerIntegerBounds, indexesColumnsAtOnce: false)
            return try parser.parse()
        } catch is RepeatedColumnName {
            var parser = MPSParser(bytes, file: file, fixed: fixed, populator: populator, splitSize: splitSize,
                                   markerIntegerBounds: markerIntegerBounds, indexesColumnsAtOnce: true)
            return try parser.parse()
        }
    }

    func fail(_ message: String) -> ParseError { ParseError(file: file, line: line, message: message) }

    func text(_ token: Token) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
    }

    /// The token's bytes (names of sets and of the objective).
    func copy(_ token: Token) -> [UInt8] { Array(bytes[token.start..<token.end]) }

    /// True when `token` has the bytes `text`.
    func isText(_ text: [UInt8], _ token: Token) -> Bool {
        text.count == token.count && text.elementsEqual(bytes[token.start..<token.end])
    }

    /// The token's text with ASCII letters in upper case (for keywords in messages).
    func upperText(_ token: Token) -> String {
        String(decoding: bytes[token.start..<token.end].lazy.map(asciiUpper), as: UTF8.self)
    }

    mutating func parse() throws -> (model: Model, notes: ReadNotes) {
        defer { tail?.cancel() }
        var batch = LineBatch()
        var position = 0
        while !sawEnd {
            if let tail, position >= tail.start {
                position = mergeTail(tail)
                continue
            }
            position = batch.fill(UnsafeBufferPointer(rebasing: bytes[..<(tail?.start ?? bytes.count)]), from: position)
            if batch.count == 0 { break }
            if !fixed { warmNames(batch) }
            for i in 0..<batch.count where !sawEnd {
                line += 1
                try parseLine(batch, i)
            }
        }
        guard sawRows else { throw ParseError(file: file, line: line, message: "no ROWS section; is this an MPS file?") }
        guard sawEnd else { throw ParseError(file: file, line: line, message: "file ends without ENDATA (truncated?)") }
        try indexColumns()
        return try assemble()
    }

    /// Warms the cache for the names that the lines of `batch` add to the name tables.
    ///
    /// Adding a name to a large table costs a cache miss (~100 ns, more than everything else in a
    /// line). So the names a batch declares (ROWS, and the columns COLUMNS starts) are hashed first
    /// and their table slots loaded back to back, letting the misses overlap. Only a hint: the lines
    /// are then parsed as usual. (Lookups mostly avoid the table: see `NameIndex.find(_:_:guess:)`.)
    mutating func warmNames(_ batch: LineBatch) {
        guard section == .rows || (section == .columns && indexesColumnsAtOnce) else { return }
        rowSlots.removeAll(keepingCapacity: true)
        columnSlots.removeAll(keepingCapacity: true)
        var previousColumn = Token(start: 0, end: 0)
        for (i, line) in batch.lines.prefix(batch.count).enumerated() where line.fieldCount >= 2 && (bytes[line.start] == 32 || bytes[line.start] == 9) {
            let first = batch.fields[i * LineFields.capacity], second = batch.fields[i * LineFields.capacity + 1]
            if section == .rows {
                rowSlots.append(rowIndex.startSlot(bytes, second))
            } else if !NameIndex.equal(bytes, first, previousColumn) {
                columnSlots.append(columnIndex.startSlot(bytes, first))
                previousColumn = first
            }
        }
        warmSink &+= rowIndex.warm(rowSlots[...]) &+ columnIndex.warm(columnSlots[...])
    }

    mutating func parseLine(_ batch: LineBatch, _ i: Int) throws {
        let start = batch.lines[i].start, end = batch.lines[i].end
        guard start < end else { return }
        let first = bytes[start]
        if first == UInt8(ascii: "*") { return }
        if first != 32 && first != 9 {
            try sectionHeader(start, end)
            return
        }
        lineStart = start
        lineEnd = end
        if fixed {
            splitFixed(start, end)
            if tokens.count == 0 { return }
            alignFixedFields()
        } else {
            tokens.load(batch, line: i)
            if tokens.count == 0 { return }
        }
        switch section {
        case .rows: try rowLine()
        case .columns: try columnLine()
        case .rhs: try rhsLine()
        case .ranges: try rangeLine()
        case .bounds: try boundLine()
        case .objsense: try objsenseValue(tokens[0])
        case .objname: objectiveName = copy(tokens[0])
        case .sos: try sosLine()
        case .name: break
        case .none, .end: throw fail("data line outside any section; expected a section name such as ROWS")
        }
    }

    /// In fixed mode, drops the type field where a section has none (COLUMNS, RHS, RANGES) and
    /// re-splits lines that do not follow the columns (MARKER lines, OBJSENSE values) freely.
    mutating func alignFixedFields() {
        let start = lineStart, end = lineEnd
        switch section {
        case .columns, .rhs, .ranges:
            if lineContainsMarker(start, end) {
                splitFree(start, end)
                return
            }
            if tokens[0].count == 0 { tokens.removeFirst() }
        case .objsense, .objname, .sos, .name, .none, .end:
            splitFree(start, end)
        case .rows, .bounds:
            break
        }
    }

    /// True when the line contains `'MARKER'` (any letter case).
    func lineContainsMarker(_ start: Int, _ end: Int) -> Bool {
        let length = "'MARKER'".utf8.count
        guard end - start >= length else { return false }
        return (start...(end - length)).contains { equalsIgnoringCase(bytes, Token(start: $0, end: $0 + length), "'MARKER'") }
    }

    /// Splits a fixed-format data line: columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61.
    mutating func splitFixed(_ start: Int, _ end: Int) {
        tokens.removeAll()
        for field in fixedFields {
            var a = start + field.from, b = end - start > field.to ? start + field.to : end
            guard a < b else {
                tokens.append(Token(start: end, end: end))
                continue
            }
            while a < b && (bytes[a] == 32 || bytes[a] == 9) { a += 1 }
            while b > a && (bytes[b - 1] == 32 || bytes[b - 1] == 9) { b -= 1 }
            tokens.append(Token(start: a, end: b))
        }
        tokens.removeTrailingEmpty()
    }

    /// Splits a line at blanks, as in free format (a `$` field after the first starts a comment).
    mutating func splitFree(_ start: Int, _ end: Int) {
        tokens.removeAll()
        var i = start
        while i < end {
            while i < end && (bytes[i] == 32 || bytes[i] == 9) { i += 1 }
            guard i < end else { break }
            if bytes[i] == UInt8(ascii: "$") && tokens.count > 0 { break }
            let a = i
            while i < end && bytes[i] != 32 && bytes[i] != 9 { i += 1 }
            tokens.append(Token(start: a, end: i))
        }
    }

    func keyword(_ start: Int, _ end: Int) -> (String, Token?) {
        var i = start
        while i < end && bytes[i] != 32 && bytes[i] != 9 { i += 1 }
        let word = String(decoding: bytes[start..<i], as: UTF8.self).uppercased()
        while i < end && (bytes[i] == 32 || bytes[i] == 9) { i += 1 }
        var j = end
        while j > i && (bytes[j - 1] == 32 || bytes[j - 1] == 9) { j -= 1 }
        return (word, i < j ? Token(start: i, end: j) : nil)
    }

    mutating func sectionHeader(_ start: Int, _ end: Int) throws {
        if let tail {  // COLUMNS ends before the second half begins: that half is no COLUMNS
            tail.cancel()
            self.tail = nil
        }
        if section == .columns { try indexColumns() }
        let (word, rest) = keyword(start, end)
        switch word {
        case "NAME":
            var name = rest.map(text) ?? ""
            if name.uppercased().hasSuffix(" FREE") { name = String(name.dropLast(5)).trimmingCharacters(in: .whitespaces) }
            data.name = name
            section = .name
        case "OBJSENSE", "OBJSENSE:":
            section = .objsense
            if let rest { try objsenseValue(rest) }
        case "OBJNAME":
            section = .objname
            if let rest { objectiveName = copy(rest) }
        case "ROWS":
            section = .rows
            sawRows = true
            reserveRows(rowLinesAhead(from: end))
        case "COLUMNS":
            guard sawRows else { throw fail("COLUMNS before ROWS") }
            section = .columns
            sawColumns = true
            reserveColumns(remainingBytes: bytes.count - end)
            if !fixed && !indexesColumnsAtOnce && bytes.count - end >= splitSize, let split = MPSColumnsTail.splitPoint(bytes, from: end) {
                tail = MPSColumnsTail(bytes, from: split, rows: .init(index: rowIndex, modelRows: rows.map(\.modelRow), objective: objectiveRow))
            }
        case "RHS": section = .rhs
        case "RANGES": section = .ranges
        case "BOUNDS": section = .bounds
        case "SOS": section = .sos
        case "ENDATA": sawEnd = true; section = .end
        default:
            throw fail("unknown section \"\(word.prefix(40))\"; expected NAME, OBJSENSE, ROWS, COLUMNS, RHS, RANGES, BOUNDS, SOS or ENDATA")
        }
    }

    mutating func objsenseValue(_ token: Token) throws {
        switch text(token).uppercased() {
        case "MAX", "MAXIMIZE", "MAXIMISE": data.sense = .maximize
        case "MIN", "MINIMIZE", "MINIMISE": data.sense = .minimize
        default: throw fail("OBJSENSE must be MAX or MIN, found \"\(text(token).prefix(40))\"")
        }
    }

    // MARK: ROWS

    /// The number of lines from `start` to the next section header that look like row
    /// declarations (a type letter, then a blank): what to reserve room for.
    func rowLinesAhead(from start: Int) -> Int {
        var count = 0, i = start
        while i < bytes.count && bytes[i] != 10 { i += 1 }
        while i + 1 < bytes.count {
            i += 1  // at a line start
            let first = bytes[i]
            if first != 32 && first != 9 && first != 10 && first != 13 && first != UInt8(ascii: "*") { break }
            var j = i
            while j < bytes.count && (bytes[j] == 32 || bytes[j] == 9) { j += 1 }
            if j + 1 < bytes.count && (bytes[j + 1] == 32 || bytes[j + 1] == 9) {
                switch asciiUpper(bytes[j]) {
                case UInt8(ascii: "N"), UInt8(ascii: "L"), UInt8(ascii: "G"), UInt8(ascii: "E"): count += 1
                default: break
                }
            }
            i = j
            while i < bytes.count && bytes[i] != 10 { i += 1 }
        }
        return count
    }

    /// Room for the entries and columns that the rest of the file can hold in practice (an
    /// entry takes 16 bytes of text or more, a column 64 or more), so that the arrays do not
    /// regrow, and for the compressed rows `assemble` makes of the entries. Half of that, what a
    /// typical file needs, is populated in the background; capacity that stays unused beyond it is
    /// never touched and costs no memory.
    mutating func reserveColumns(remainingBytes: Int) {
        let entryCount = remainingBytes / 16, columnCount = remainingBytes / 64
        entries.reserveCapacityInHugePages(entries.count + entryCount)
        rowColumns.reserveCapacityInHugePages(entries.count + entryCount)
        rowCoefficients.reserveCapacityInHugePages(entries.count + entryCount)
        let columns = data.lowerBounds.count + columnCount
        columnIndex.reserveEntries(columns)
        data.lowerBounds.reserveCapacityInHugePages(columns)
        data.upperBounds.reserveCapacityInHugePages(columns)
        data.kinds.reserveCapacityInHugePages(columns)
        data.objective.reserveCapacityInHugePages(columns)
        boundSeen.reserveCapacityInHugePages(columns)
        variableNames.reserveCapacityInHugePages(columns)
        let entriesAhead = entryCount / 2, columnsAhead = columnCount / 2
        populator.populate([
            entries.spareCapacity(for: entriesAhead), columnIndex.spareCapacity(for: columnsAhead),
            data.lowerBounds.spareCapacity(for: columnsAhead), data.upperBounds.spareCapacity(for: columnsAhead),
            data.kinds.spareCapacity(for: columnsAhead), data.objective.spareCapacity(for: columnsAhead),
            boundSeen.spareCapacity(for: columnsAhead),
        ], forWriting: true)
        populator.populate([
            rowColumns.spareCapacity(for: entriesAhead), rowCoefficients.spareCapacity(for: entriesAhead),
            variableNames.spareCapacity(for: columnsAhead),
        ], forWriting: true)
    }

    mutating func reserveRows(_ count: Int) {
        rowIndex.reserveCapacity(rowIndex.count + count)
        rowKind.reserveCapacityInHugePages(rowKind.count + count)
        rows.reserveCapacityInHugePages(rows.count + count)
        rowRHS.reserveCapacityInHugePages(rowRHS.count + count)
        data.rowLowerBounds.reserveCapacityInHugePages(data.rowLowerBounds.count + count)
        data.rowUpperBounds.reserveCapacityInHugePages(data.rowUpperBounds.count + count)
        constraintNames.reserveCapacityInHugePages(constraintNames.count + count)
        populator.populate([
            rowIndex.spareCapacity(for: count), rowKind.spareCapacity(for: count), rows.spareCapacity(for: count),
            rowRHS.spareCapacity(for: count), data.rowLowerBounds.spareCapacity(for: count),
            data.rowUpperBounds.spareCapacity(for: count), constraintNames.spareCapacity(for: count),
        ], forWriting: true)
    }

    mutating func rowLine() throws {
        guard tokens.count >= 2 else { throw fail("ROWS line needs a type (N, L, G, E) and a row name") }
        guard tokens[0].count == 1 else { throw fail("row type must be N, L, G or E, found \"\(text(tokens[0]).prefix(20))\"") }
        var kind = bytes[tokens[0].start]
        if kind >= 97 { kind -= 32 }
        switch kind {
        case UInt8(ascii: "N"), UInt8(ascii: "L"), UInt8(ascii: "G"), UInt8(ascii: "E"): break
        default: throw fail("row type must be N, L, G or E, found \"\(text(tokens[0]))\"")
        }
        // A free-format name runs to the last field (names with spaces).
        let nameToken = fixed ? tokens[1] : Token(start: tokens[1].start, end: tokens.lastEnd)
        let (index, inserted) = rowIndex.insert(bytes, nameToken)
        guard inserted else { throw fail("row \"\(text(nameToken))\" is declared twice") }
        rowKind.append(kind)
        rowRHS.append(0)
        if kind == UInt8(ascii: "N") {
            if objectiveRow < 0 && (objectiveName == nil || isText(objectiveName!, nameToken)) {
                objectiveRow = index
            }
            rows.append(RowEntry(modelRow: -1, lastColumn: -1))
        } else {
            rows.append(RowEntry(modelRow: Int32(data.rowLowerBounds.count), lastColumn: -1))
            data.rowLowerBounds.append(0)
            data.rowUpperBounds.append(0)
        }
    }

    func isDropped(_ row: Int) -> Bool { rows[row].modelRow < 0 }

    // MARK: COLUMNS

    mutating func columnLine() throws {
        if tokens.count >= 3, equalsIgnoringCase(bytes, tokens[1], "'MARKER'") { return try markerLine() }
        guard tokens.count == 3 || tokens.count == 5 else {
            throw fail("COLUMNS line needs a column name and one or two (row, value) pairs, found \(tokens.count) fields")
        }
        let column = try columnFor(tokens[0])
        for pair in stride(from: 1, to: tokens.count, by: 2) {
            guard let row = rowGuesses.find(rowIndex, bytes, tokens[pair]) else {
                throw fail("unknown row \"\(text(tokens[pair]).prefix(60))\" in COLUMNS (not declared in ROWS)")
            }
            guard let value = parseNumber(bytes, tokens[pair + 1]) else {
                throw fail("expected a number for column \(text(tokens[0]).prefix(60)) in row \(text(tokens[pair]).prefix(60)), found \"\(text(tokens[pair + 1]).prefix(40))\"")
            }
            if row == objectiveRow {
                data.objective[column] = value
            } else if !isDropped(row) {
                if rows[row].lastColumn == Int32(column) {
                    throw fail("column \(text(tokens[0]).prefix(60)) has a second entry in row \(text(tokens[pair]).prefix(60))")
                }
                rows[row].lastColumn = Int32(column)
                entries.append(MatrixEntry(row: rows[row].modelRow, column: Int32(column), value: value))
            }
        }
    }

    mutating func markerLine() throws {
        if equalsIgnoringCase(bytes, tokens[2], "'INTORG'") {
            integerBlock = true
        } else if equalsIgnoringCase(bytes, tokens[2], "'INTEND'") {
            integerBlock = false
        } else {
            throw fail("MARKER must be 'INTORG' or 'INTEND', found \(text(tokens[2]).prefix(40))")
        }
    }

    mutating func columnFor(_ token: Token) throws -> Int {
        if lastColumnIndex >= 0 && NameIndex.equal(bytes, lastColumnToken, token) { return lastColumnIndex }
        rowGuesses.newColumn()
        let index = addColumn(token, integer: integerBlock)
        lastColumnIndex = index
        lastColumnToken = token
        return index
    }

    /// The index of the column named `token`: a new column (of the given kind), or with
    /// `indexesColumnsAtOnce` the earlier column of that name.
    mutating func addColumn(_ token: Token, integer: Bool) -> Int {
        let index: Int
        if indexesColumnsAtOnce {
            let (found, inserted) = columnIndex.insert(bytes, token)
            if !inserted { return found }
            index = found
        } else {
            index = columnIndex.appendUnindexed(bytes, token)
        }
        data.lowerBounds.append(0)
        data.upperBounds.append(.infinity)
        data.kinds.append(integer ? .integer : .continuous)
        data.objective.append(0)
        boundSeen.append(0)
        return index
    }

    /// Enters the columns' names into the name table once COLUMNS ends (see `indexesColumnsAtOnce`).
    mutating func indexColumns() throws {
        if columnIndex.indexPending(bytes) != nil { throw RepeatedColumnName() }
    }

    /// Takes in the columns and entries of the second half of COLUMNS, read by `tail` (the parser
    /// has just read the first half); returns where the parser goes on.
    mutating func mergeTail(_ tail: MPSColumnsTail) -> Int {
        tail.wait()
        self.tail = nil
        let names = tail.names
        var columns = [Int32](repeating: 0, count: names.count)
        for k in names.indices {
            let integer = switch tail.kinds[k] {
            case .asBefore: integerBlock
            case .integer: true
            case .continuous: false
            }
            let index = addColumn(names[k], integer: integer)
            if !tail.objective[k].isNaN { data.objective[index] = tail.objective[k] }
            columns[k] = Int32(index)
        }
        for entry in tail.entries {
            entries.append(MatrixEntry(row: entry.row, column: columns[Int(entry.column)], value: entry.value))
        }
        if let integer = tail.finalInteger { integerBlock = integer }
        if let last = names.last {
            lastColumnIndex = Int(columns[names.count - 1])
            lastColumnToken = last
            rowGuesses.newColumn()
        }
        line += tail.lines
        return tail.stop
    }

    // MARK: RHS and RANGES

    /// Splits a set-name-optional line into (set name, pairs): an odd count means a set name leads.
    func pairs(_ what: String, set: inout [UInt8]?) throws -> Range<Int>? {
        let hasSetName = tokens.count % 2 == 1
        guard tokens.count >= 2, tokens.count <= 5 else { throw fail("\(what) line needs (row, value) pairs, found \(tokens.count) fields") }
        if hasSetName {
            if let chosen = set {
                if !isText(chosen, tokens[0]) { return nil }
            } else {
                set = copy(tokens[0])
            }
            return 1..<tokens.count
        }
        return 0..<tokens.count
    }

    mutating func rhsLine() throws {
        var chosen = rhsSet
        defer { rhsSet = chosen }
        guard let range = try pairs("RHS", set: &chosen) else { return }
        for pair in stride(from: range.lowerBound, to: range.upperBound, by: 2) {
            guard let row = rowIndex.find(bytes, tokens[pair], guess: rowGuess + 1) else {
                throw fail("unknown row \"\(text(tokens[pair]).prefix(60))\" in RHS")
            }
            rowGuess = row
            guard let value = parseNumber(bytes, tokens[pair + 1]) else {
                throw fail("expected a number for the RHS of \(text(tokens[pair]).prefix(60)), found \"\(text(tokens[pair + 1]).prefix(40))\"")
            }
            if row == objectiveRow { data.objectiveConstant = -value } else { rowRHS[row] = value }
        }
    }

    mutating func rangeLine() throws {
        var chosen = rangeSet
        defer { rangeSet = chosen }
        guard let range = try pairs("RANGES", set: &chosen) else { return }
        for pair in stride(from: range.lowerBound, to: range.upperBound, by: 2) {
            guard let row = rowIndex.find(bytes, tokens[pair], guess: rowGuess + 1) else {
                throw fail("unknown row \"\(text(tokens[pair]).prefix(60))\" in RANGES")
            }
            rowGuess = row
            guard let value = parseNumber(bytes, tokens[pair + 1]) else {
                throw fail("expected a number for the range of \(text(tokens[pair]).prefix(60)), found \"\(text(tokens[pair + 1]).prefix(40))\"")
            }
            if !isDropped(row) { rowRange[row] = value }
        }
    }

    // MARK: BOUNDS

    mutating func boundLine() throws {
        guard let type = BoundType(bytes, tokens[0]) else {
            throw fail("unknown bound type \"\(upperText(tokens[0]).prefix(20))\"; expected UP, LO, FX, FR, MI, PL, BV, LI, UI or SC")
        }
        // [type, set?, column, value?]: a trailing number is the value; what precedes the column is
        // the set. Except after a type that needs no value, for a column named like a number
        // ("FR BND 5"): set and column when the first field is no column and the second is one.
        var first = 1, fieldCount = tokens.count - 1
        var hasValue = fieldCount == 3 || (fieldCount == 2 && parseNumber(bytes, tokens[2]) != nil)
        if fieldCount == 2 && hasValue && !type.needsValue
            && columnIndex.find(bytes, tokens[1]) == nil && columnIndex.find(bytes, tokens[2]) != nil {
            hasValue = false
        }
        if fieldCount == 3 || (fieldCount == 2 && !hasValue) {
            if let chosen = boundSet {
                if !isText(chosen, tokens[1]) { return }
            } else {
                boundSet = copy(tokens[1])
            }
            first = 2
            fieldCount -= 1
        }
        guard fieldCount >= 1, fieldCount <= 2 else { throw fail("\(type.rawValue) bound line has \(tokens.count) fields; expected type, set name, column and value") }
        let columnToken = tokens[first]
        guard let column = columnIndex.find(bytes, columnToken, guess: columnGuess + 1) else {
            throw fail("unknown column \"\(text(columnToken).prefix(60))\" in BOUNDS (not in COLUMNS)")
        }
        columnGuess = column
        var value: Double?
        if fieldCount == 2 {
            guard let v = parseNumber(bytes, tokens[first + 1]) else {
                throw fail("expected a number for the \(type.rawValue) bound of \(text(columnToken).prefix(60)), found \"\(text(tokens[first + 1]).prefix(40))\"")
            }
            value = v >= infinityThreshold ? .infinity : (v <= -infinityThreshold ? -.infinity : v)
        } else if type.needsValue {
            throw fail("\(type.rawValue) bound of \(text(columnToken).prefix(60)) needs a value")
        }
        applyBound(type, column, value)
    }

    mutating func applyBound(_ type: BoundType, _ j: Int, _ value: Double?) {
        switch type {
        case .up, .ui:
            let v = value!
            if v < 0 && data.lowerBounds[j] == 0 && boundSeen[j] & 1 == 0 { data.lowerBounds[j] = -.infinity }
            data.upperBounds[j] = v
            boundSeen[j] |= 2
            if type == .ui { makeInteger(j) }
        case .lo, .li:
            data.lowerBounds[j] = value!
            boundSeen[j] |= 1
            if type == .li { makeInteger(j) }
        case .fx:
            data.lowerBounds[j] = value!
            data.upperBounds[j] = value!
            boundSeen[j] |= 3
        case .fr:
            data.lowerBounds[j] = -.infinity
            data.upperBounds[j] = .infinity
            boundSeen[j] |= 3
        case .mi:
            data.lowerBounds[j] = -.infinity
            boundSeen[j] |= 1
        case .pl:
            data.upperBounds[j] = .infinity
            boundSeen[j] |= 2
        case .bv:
            data.kinds[j] = .binary
            data.lowerBounds[j] = 0
            data.upperBounds[j] = 1
            boundSeen[j] |= 3
        case .sc, .si:
            // SC on a MARKER integer column makes it semi-continuous, as HiGHS reads lp_solve's
            // files (CPLEX would read semi-integer; counted for a warning); SI, semi-integer.
            if type == .sc && data.kinds[j] == .integer { markerSemiContinuous += 1 }
            data.kinds[j] = type == .si ? .semiInteger : .semiContinuous
            if let value { data.upperBounds[j] = value }
            boundSeen[j] |= 2
        }
    }

    /// LI/UI make a column integer; a semi-continuous one semi-integer.
    mutating func makeInteger(_ j: Int) {
        data.kinds[j] = data.kinds[j].isSemi ? .semiInteger : .integer
    }

    // MARK: SOS

    mutating func sosLine() throws {
        let isHeader = equalsIgnoringCase(bytes, tokens[0], "S1") || equalsIgnoringCase(bytes, tokens[0], "S2")
        if isHeader && tokens.count >= 2 && equalsIgnoringCase(bytes, tokens[1], "SOS") {
            sosSets.append((type: equalsIgnoringCase(bytes, tokens[0], "S1") ? 1 : 2, columns: [], weights: []))
            return
        }
        guard !sosSets.isEmpty else { throw fail("SOS entry before an S1/S2 header line") }
        // [set name] column weight   or   column:weight
        let first = tokens.count == 3 ? 1 : 0
        guard tokens.count - first == 2 else { throw fail("SOS entry needs a column and a weight") }
        guard let column = columnIndex.find(bytes, tokens[first]) else {
            throw fail("unknown column \"\(text(tokens[first]).prefix(60))\" in SOS")
        }
        guard let weight = parseNumber(bytes, tokens[first + 1]) else { throw fail("expected a number for the SOS weight, found \"\(text(tokens[first + 1]).prefix(40))\"") }
        sosSets[sosSets.count - 1].columns.append(Int32(column))
        sosSets[sosSets.count - 1].weights.append(weight)
    }

    // MARK: Assembly

    mutating func assemble() throws -> (model: Model, notes: ReadNotes) {
        // Row bounds from type, RHS and RANGES.
        for r in 0..<rowKind.count where !isDropped(r) {
            let m = Int(rows[r].modelRow), rhs = rowRHS[r]
            var lo: Double, up: Double
            switch rowKind[r] {
            case UInt8(ascii: "L"): (lo, up) = (-.infinity, rhs)
            case UInt8(ascii: "G"): (lo, up) = (rhs, .infinity)
            default: (lo, up) = (rhs, rhs)
            }
            if let range = rowRange[r] {
                switch rowKind[r] {
                case UInt8(ascii: "L"): lo = rhs - abs(range)
                case UInt8(ascii: "G"): up = rhs + abs(range)
                default: if range >= 0 { up = rhs + range } else { lo = rhs + range }
                }
            }
            data.rowLowerBounds[m] = lo
            data.rowUpperBounds[m] = up
        }
        // Triplets → compressed rows, rejecting duplicate entries. starts[r] counts up to the end
        // of row r, then down to its start as the row's entries are placed (last first).
        let rowCount = data.rowLowerBounds.count
        var starts = [Int](repeating: 0, count: rowCount + 1)
        for entry in entries { starts[Int(entry.row)] += 1 }
        for r in 1..<max(rowCount, 1) { starts[r] += starts[r - 1] }
        starts[rowCount] = entries.count
        var columns: [Int32] = [], values: [Double] = []  // the reserved storage, moved out
        swap(&columns, &rowColumns)
        swap(&values, &rowCoefficients)
        columns.append(contentsOf: repeatElement(0, count: entries.count))
        values.append(contentsOf: repeatElement(0, count: entries.count))
        for entry in entries.reversed() {
            let r = Int(entry.row)
            starts[r] -= 1
            columns[starts[r]] = entry.column
            values[starts[r]] = entry.value
        }
        var mark = [Int32](repeating: -1, count: data.lowerBounds.count)
        for r in 0..<rowCount {
            for k in starts[r]..<starts[r + 1] {
                let c = Int(columns[k])
                if mark[c] == Int32(r) {
                    throw fail("column \(columnIndex.text(c)) appears twice in row \(rowIndex.text(rowOfModelRow(r)))")
                }
                mark[c] = Int32(r)
            }
        }
        data.rowStarts = starts
        data.rowColumns = columns
        data.rowCoefficients = values
        var variableNames: [String] = [], constraintNames: [String] = []
        swap(&variableNames, &self.variableNames)
        swap(&constraintNames, &self.constraintNames)
        for c in 0..<columnIndex.count { variableNames.append(columnIndex.text(c)) }
        data.variableNames = variableNames
        for r in 0..<rowIndex.count where !isDropped(r) { constraintNames.append(rowIndex.text(r)) }
        data.constraintNames = constraintNames
        data.sos = sosSets.map { set in
            let order = set.columns.indices.sorted { set.weights[$0] < set.weights[$1] }
            return SOSConstraint(type: set.type == 1 ? .one : .two, columns: order.map { set.columns[$0] }, weights: order.map { set.weights[$0] })
        }
        // Integer columns with no bound line can only have come from MARKER lines (LI, UI set one).
        var notes = ReadNotes(markerIntegerBounds: markerIntegerBounds)
        notes.markerSemiContinuous = markerSemiContinuous
        for j in data.kinds.indices where data.kinds[j] == .integer && boundSeen[j] == 0 {
            notes.markerIntegersWithoutBounds += 1
            if markerIntegerBounds == .binary { data.upperBounds[j] = 1 }
        }
        notes.roundIntegerBounds(&data)
        let model = Model(data)
        notes.noteInfeasibleEmptyRows(of: model)
        return (model, notes)
    }

    func rowOfModelRow(_ r: Int) -> Int { rows.firstIndex { $0.modelRow == Int32(r) } ?? 0 }
}
