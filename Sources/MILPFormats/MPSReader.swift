import Foundation
import MILP

/// A problem in an input file, with its position.
public struct ParseError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let message: String

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Reads MPS files: free and fixed format (detected: free first, fixed columns when free parsing
/// fails), gzip-compressed or not.
///
/// Dialect handled: `NAME`; `OBJSENSE` (`MAX`/`MIN` on the same or the next line) and `OBJSENSE
/// MAXIMIZE`; `OBJNAME`; several `N` rows (the first, or the `OBJNAME` one, is the objective; the
/// others and their entries are dropped); `MARKER` `INTORG`/`INTEND`; `RHS` with or without a set
/// name, an RHS on the objective row meaning objective constant = −value (CBC, CLP, HiGHS); `RANGES`
/// on L, G and E rows (sign rules of the MPS standard); `BOUNDS` `UP LO FX FR MI PL BV LI UI SC`,
/// where `UP` < 0 on a column whose lower bound is 0 makes the lower bound −inf; values with
/// |x| ≥ 1e30 are infinite; `SOS` sections (`S1`/`S2`); `*` comment lines, blank lines, tabs, CRLF.
/// Integer columns from `MARKER` lines without bounds get [0, +inf).
/// Only the first RHS, RANGES and BOUNDS set is used; lines naming another set are skipped.
public struct MPSReader {
    public init() {}

    /// Reads a model from a file (`.gz` or gzip magic → decompressed).
    public func read(path: String) throws -> Model {
        let bytes = try readFileBytes(path)
        return try parse(bytes, name: path)
    }

    /// Parses MPS text (plain or gzip) named `name` in error messages.
    public func parse(_ input: [UInt8], name: String = "<input>") throws -> Model {
        let bytes = Gzip.isCompressed(input) ? try Gzip.decompress(input, name: name) : input
        guard !bytes.isEmpty else { throw ParseError(file: name, line: 0, message: "empty file; expected an MPS model") }
        return try bytes.withUnsafeBufferPointer { buffer in
            do {
                var free = MPSParser(bytes: buffer, file: name, fixed: false)
                return try free.parse()
            } catch let free as ParseError {
                // Names with spaces or blank fields need fixed columns; keep the error that got further.
                do {
                    var fixed = MPSParser(bytes: buffer, file: name, fixed: true)
                    return try fixed.parse()
                } catch let fixed as ParseError {
                    throw fixed.line > free.line ? fixed : free
                }
            }
        }
    }
}

/// Reads a whole file, with an error naming the file when it cannot be read.
func readFileBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        throw ParseError(file: path, line: 0, message: !exists ? "no such file" : (isDirectory.boolValue ? "is a directory, expected a file" : "cannot be read"))
    }
    return [UInt8](data)
}

private enum Section { case none, name, objsense, objname, rows, columns, rhs, ranges, bounds, sos, end }

private let infinityThreshold = 1e30

private struct MPSParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    let fixed: Bool

    var line = 0
    var section = Section.none
    var data = SparseModelData()

    // Rows
    var rowIndex = NameIndex(expected: 1 << 12)
    var rowKind: [UInt8] = []           // "L", "G", "E", or "N"
    var rowRHS: [Double] = []
    var rowRange: [Double?] = []
    var objectiveRow = -1               // index in rowIndex of the objective
    var objectiveName: Token?
    var droppedRows: [Bool] = []        // free N rows other than the objective
    var modelRowOf: [Int32] = []        // rowIndex index → model row (-1 for N rows)
    var lastColumnInRow: [Int32] = []   // catches duplicate entries while reading COLUMNS

    // Columns and entries (triplets)
    var columnIndex = NameIndex(expected: 1 << 12)
    var lastColumn: Token?
    var lastColumnIndex = -1
    var integerBlock = false
    var entryRow: [Int32] = []
    var entryColumn: [Int32] = []
    var entryValue: [Double] = []
    var boundSeen: [UInt8] = []         // bit 1: lower set, bit 2: upper set

    // Set names (only the first of each is used)
    var rhsSet: Token?, rangeSet: Token?, boundSet: Token?
    var sosSets: [(type: Int, columns: [Int32], weights: [Double])] = []

    var tokens: [Token] = []
    var lineStart = 0, lineEnd = 0
    var sawRows = false, sawColumns = false, sawEnd = false

    init(bytes: UnsafeBufferPointer<UInt8>, file: String, fixed: Bool) {
        self.bytes = bytes
        self.file = file
        self.fixed = fixed
        tokens.reserveCapacity(8)
    }

    func fail(_ message: String) -> ParseError { ParseError(file: file, line: line, message: message) }

    func text(_ token: Token) -> String { String(decoding: bytes[token.start..<token.end], as: UTF8.self) }

    mutating func parse() throws -> Model {
        var position = 0
        let count = bytes.count
        while position < count && !sawEnd {
            var end = position
            while end < count && bytes[end] != 10 { end += 1 }
            line += 1
            var lineEnd = end
            if lineEnd > position && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            try parseLine(position, lineEnd)
            position = end + 1
        }
        guard sawRows else { throw ParseError(file: file, line: line, message: "no ROWS section; is this an MPS file?") }
        guard sawEnd else { throw ParseError(file: file, line: line, message: "file ends without ENDATA (truncated?)") }
        return try assemble()
    }

    mutating func parseLine(_ start: Int, _ end: Int) throws {
        guard start < end else { return }
        let first = bytes[start]
        if first == UInt8(ascii: "*") { return }
        if first != 32 && first != 9 {
            try sectionHeader(start, end)
            return
        }
        split(start, end)
        if tokens.isEmpty { return }
        if fixed { alignFixedFields() }
        switch section {
        case .rows: try rowLine()
        case .columns: try columnLine()
        case .rhs: try rhsLine()
        case .ranges: try rangeLine()
        case .bounds: try boundLine()
        case .objsense: try objsenseValue(tokens[0])
        case .objname: objectiveName = tokens[0]
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
            if String(decoding: bytes[start..<end], as: UTF8.self).uppercased().contains("'MARKER'") {
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

    /// Splits a data line: whitespace-separated in free mode (a `$` token starts a comment),
    /// fixed columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61 in fixed mode.
    mutating func split(_ start: Int, _ end: Int) {
        lineStart = start
        lineEnd = end
        tokens.removeAll(keepingCapacity: true)
        if fixed {
            for (from, to) in [(1, 3), (4, 12), (14, 22), (24, 36), (39, 47), (49, 61)] {
                var a = start + from, b = min(start + to, end)
                if from == 49 { b = end }  // last field may run past column 61
                guard a < b else {
                    tokens.append(Token(start: end, end: end))
                    continue
                }
                while a < b && (bytes[a] == 32 || bytes[a] == 9) { a += 1 }
                while b > a && (bytes[b - 1] == 32 || bytes[b - 1] == 9) { b -= 1 }
                tokens.append(Token(start: a, end: b))
            }
            while let last = tokens.last, last.count == 0 { tokens.removeLast() }
            return
        }
        splitFree(start, end)
    }

    mutating func splitFree(_ start: Int, _ end: Int) {
        tokens.removeAll(keepingCapacity: true)
        var i = start
        while i < end {
            while i < end && (bytes[i] == 32 || bytes[i] == 9) { i += 1 }
            guard i < end else { break }
            if bytes[i] == UInt8(ascii: "$") && !tokens.isEmpty { break }
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
            if let rest { objectiveName = rest }
        case "ROWS": section = .rows; sawRows = true
        case "COLUMNS":
            guard sawRows else { throw fail("COLUMNS before ROWS") }
            section = .columns
            sawColumns = true
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

    mutating func rowLine() throws {
        guard tokens.count >= 2 else { throw fail("ROWS line needs a type (N, L, G, E) and a row name") }
        guard tokens[0].count == 1 else { throw fail("row type must be N, L, G or E, found \"\(text(tokens[0]).prefix(20))\"") }
        var kind = bytes[tokens[0].start]
        if kind >= 97 { kind -= 32 }
        guard [UInt8(ascii: "N"), UInt8(ascii: "L"), UInt8(ascii: "G"), UInt8(ascii: "E")].contains(kind) else {
            throw fail("row type must be N, L, G or E, found \"\(text(tokens[0]))\"")
        }
        let nameToken = fixed ? tokens[1] : Token(start: tokens[1].start, end: tokens[tokens.count - 1].end)
        let (index, inserted) = rowIndex.insert(bytes, nameToken)
        guard inserted else { throw fail("row \"\(text(nameToken))\" is declared twice") }
        rowKind.append(kind)
        lastColumnInRow.append(-1)
        rowRHS.append(0)
        rowRange.append(nil)
        var dropped = false
        if kind == UInt8(ascii: "N") {
            if objectiveRow < 0 && (objectiveName == nil || NameIndex.equal(bytes, objectiveName!, nameToken)) {
                objectiveRow = index
            }
            dropped = true
        }
        droppedRows.append(dropped)
        modelRowOf.append(dropped ? -1 : Int32(data.rowLowerBounds.count))
        if !dropped {
            data.rowLowerBounds.append(0)
            data.rowUpperBounds.append(0)
        }
    }

    // MARK: COLUMNS

    mutating func columnLine() throws {
        if tokens.count >= 3, isMarker() { return try markerLine() }
        guard tokens.count == 3 || tokens.count == 5 else {
            throw fail("COLUMNS line needs a column name and one or two (row, value) pairs, found \(tokens.count) fields")
        }
        let column = try columnFor(tokens[0])
        for pair in stride(from: 1, to: tokens.count, by: 2) {
            guard let row = rowIndex.find(bytes, tokens[pair]) else {
                throw fail("unknown row \"\(text(tokens[pair]).prefix(60))\" in COLUMNS (not declared in ROWS)")
            }
            guard let value = parseNumber(bytes, tokens[pair + 1]) else {
                throw fail("expected a number for column \(text(tokens[0]).prefix(60)) in row \(text(tokens[pair]).prefix(60)), found \"\(text(tokens[pair + 1]).prefix(40))\"")
            }
            if row == objectiveRow {
                data.objective[column] = value
            } else if !droppedRows[row] {
                if lastColumnInRow[row] == Int32(column) {
                    throw fail("column \(text(tokens[0]).prefix(60)) has a second entry in row \(text(tokens[pair]).prefix(60))")
                }
                lastColumnInRow[row] = Int32(column)
                entryRow.append(modelRowOf[row])
                entryColumn.append(Int32(column))
                entryValue.append(value)
            }
        }
    }

    func isMarker() -> Bool {
        text(tokens[1]).uppercased() == "'MARKER'"
    }

    mutating func markerLine() throws {
        switch text(tokens[2]).uppercased() {
        case "'INTORG'": integerBlock = true
        case "'INTEND'": integerBlock = false
        default: throw fail("MARKER must be 'INTORG' or 'INTEND', found \(text(tokens[2]).prefix(40))")
        }
    }

    mutating func columnFor(_ token: Token) throws -> Int {
        if let last = lastColumn, NameIndex.equal(bytes, last, token) { return lastColumnIndex }
        let (index, inserted) = columnIndex.insert(bytes, token)
        if inserted {
            data.lowerBounds.append(0)
            data.upperBounds.append(.infinity)
            data.kinds.append(integerBlock ? .integer : .continuous)
            data.objective.append(0)
            boundSeen.append(0)
        }
        lastColumn = token
        lastColumnIndex = index
        return index
    }

    // MARK: RHS and RANGES

    /// Splits a set-name-optional line into (set name, pairs): an odd count means a set name leads.
    func pairs(_ what: String, set: inout Token?) throws -> Range<Int>? {
        let hasSetName = tokens.count % 2 == 1
        guard tokens.count >= 2, tokens.count <= 5 else { throw fail("\(what) line needs (row, value) pairs, found \(tokens.count) fields") }
        if hasSetName {
            if let chosen = set {
                if !NameIndex.equal(bytes, chosen, tokens[0]) { return nil }
            } else {
                set = tokens[0]
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
            guard let row = rowIndex.find(bytes, tokens[pair]) else {
                throw fail("unknown row \"\(text(tokens[pair]).prefix(60))\" in RHS")
            }
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
            guard let row = rowIndex.find(bytes, tokens[pair]) else {
                throw fail("unknown row \"\(text(tokens[pair]).prefix(60))\" in RANGES")
            }
            guard let value = parseNumber(bytes, tokens[pair + 1]) else {
                throw fail("expected a number for the range of \(text(tokens[pair]).prefix(60)), found \"\(text(tokens[pair + 1]).prefix(40))\"")
            }
            if !droppedRows[row] { rowRange[row] = value }
        }
    }

    // MARK: BOUNDS

    mutating func boundLine() throws {
        let type = text(tokens[0]).uppercased()
        let needsValue: Bool
        switch type {
        case "UP", "LO", "FX", "LI", "UI": needsValue = true
        case "FR", "MI", "PL", "BV", "SC": needsValue = false
        default: throw fail("unknown bound type \"\(type.prefix(20))\"; expected UP, LO, FX, FR, MI, PL, BV, LI, UI or SC")
        }
        // [type, set?, column, value?]: a trailing number is the value; what precedes the column is the set.
        var fields = Array(tokens.dropFirst())
        let hasValue = fields.count == 3 || (fields.count == 2 && parseNumber(bytes, fields[1]) != nil)
        if fields.count == 3 || (fields.count == 2 && !hasValue) {
            if let chosen = boundSet {
                if !NameIndex.equal(bytes, chosen, fields[0]) { return }
            } else {
                boundSet = fields[0]
            }
            fields.removeFirst()
        }
        guard fields.count >= 1, fields.count <= 2 else { throw fail("\(type) bound line has \(tokens.count) fields; expected type, set name, column and value") }
        guard let column = columnIndex.find(bytes, fields[0]) else {
            throw fail("unknown column \"\(text(fields[0]).prefix(60))\" in BOUNDS (not in COLUMNS)")
        }
        var value: Double?
        if fields.count == 2 {
            guard let v = parseNumber(bytes, fields[1]) else {
                throw fail("expected a number for the \(type) bound of \(text(fields[0]).prefix(60)), found \"\(text(fields[1]).prefix(40))\"")
            }
            value = v >= infinityThreshold ? .infinity : (v <= -infinityThreshold ? -.infinity : v)
        } else if needsValue {
            throw fail("\(type) bound of \(text(fields[0]).prefix(60)) needs a value")
        }
        try applyBound(type, column, value)
    }

    mutating func applyBound(_ type: String, _ j: Int, _ value: Double?) throws {
        switch type {
        case "UP", "UI":
            let v = value!
            if v < 0 && data.lowerBounds[j] == 0 && boundSeen[j] & 1 == 0 { data.lowerBounds[j] = -.infinity }
            data.upperBounds[j] = v
            boundSeen[j] |= 2
            if type == "UI" { data.kinds[j] = .integer }
        case "LO", "LI":
            data.lowerBounds[j] = value!
            boundSeen[j] |= 1
            if type == "LI" { data.kinds[j] = .integer }
        case "FX":
            data.lowerBounds[j] = value!
            data.upperBounds[j] = value!
            boundSeen[j] |= 3
        case "FR":
            data.lowerBounds[j] = -.infinity
            data.upperBounds[j] = .infinity
            boundSeen[j] |= 3
        case "MI":
            data.lowerBounds[j] = -.infinity
            boundSeen[j] |= 1
        case "PL":
            data.upperBounds[j] = .infinity
            boundSeen[j] |= 2
        case "BV":
            data.kinds[j] = .binary
            data.lowerBounds[j] = 0
            data.upperBounds[j] = 1
            boundSeen[j] |= 3
        case "SC":
            data.kinds[j] = .semiContinuous
            if let value { data.upperBounds[j] = value }
            boundSeen[j] |= 2
        default:
            break
        }
    }

    // MARK: SOS

    mutating func sosLine() throws {
        let head = text(tokens[0]).uppercased()
        if (head == "S1" || head == "S2") && tokens.count >= 2 && text(tokens[1]).uppercased() == "SOS" {
            sosSets.append((type: head == "S1" ? 1 : 2, columns: [], weights: []))
            return
        }
        guard !sosSets.isEmpty else { throw fail("SOS entry before an S1/S2 header line") }
        // [set name] column weight   or   column:weight
        let fields = tokens.count == 3 ? Array(tokens.dropFirst()) : Array(tokens)
        guard fields.count == 2 else { throw fail("SOS entry needs a column and a weight") }
        guard let column = columnIndex.find(bytes, fields[0]) else {
            throw fail("unknown column \"\(text(fields[0]).prefix(60))\" in SOS")
        }
        guard let weight = parseNumber(bytes, fields[1]) else { throw fail("expected a number for the SOS weight, found \"\(text(fields[1]).prefix(40))\"") }
        sosSets[sosSets.count - 1].columns.append(Int32(column))
        sosSets[sosSets.count - 1].weights.append(weight)
    }

    // MARK: Assembly

    mutating func assemble() throws -> Model {
        // Row bounds from type, RHS and RANGES.
        for r in 0..<rowKind.count where !droppedRows[r] {
            let m = Int(modelRowOf[r]), rhs = rowRHS[r]
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
        // Triplets → compressed rows, rejecting duplicate entries.
        let rows = data.rowLowerBounds.count
        var starts = [Int](repeating: 0, count: rows + 1)
        for r in entryRow { starts[Int(r) + 1] += 1 }
        for r in 0..<rows { starts[r + 1] += starts[r] }
        var next = starts
        var columns = [Int32](repeating: 0, count: entryRow.count)
        var values = [Double](repeating: 0, count: entryRow.count)
        for k in entryRow.indices {
            let r = Int(entryRow[k])
            columns[next[r]] = entryColumn[k]
            values[next[r]] = entryValue[k]
            next[r] += 1
        }
        var mark = [Int32](repeating: -1, count: data.lowerBounds.count)
        for r in 0..<rows {
            for k in starts[r]..<starts[r + 1] {
                let c = Int(columns[k])
                if mark[c] == Int32(r) {
                    throw fail("column \(text(columnIndex.names[c])) appears twice in row \(text(rowIndex.names[rowOfModelRow(r)]))")
                }
                mark[c] = Int32(r)
            }
        }
        data.rowStarts = starts
        data.rowColumns = columns
        data.rowCoefficients = values
        data.variableNames = columnIndex.names.map(text)
        data.constraintNames = rowIndex.names.indices.filter { !droppedRows[$0] }.map { text(rowIndex.names[$0]) }
        data.sos = sosSets.map { set in
            let order = set.columns.indices.sorted { set.weights[$0] < set.weights[$1] }
            return SOSConstraint(type: set.type == 1 ? .one : .two, columns: order.map { set.columns[$0] }, weights: order.map { set.weights[$0] })
        }
        return Model(data)
    }

    func rowOfModelRow(_ r: Int) -> Int { modelRowOf.firstIndex(of: Int32(r)) ?? 0 }
}
