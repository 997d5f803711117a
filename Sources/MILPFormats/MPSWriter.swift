import Foundation
import MILP

/// A problem writing or reading a model file.
public struct FormatError: Error, CustomStringConvertible, Sendable {
    /// The message, naming the file or the offending name where there is one.
    public let description: String
    /// An error with the given message.
    public init(_ description: String) { self.description = description }
}

/// Writes models as MPS: free format by default (the dialect CBC, GLPK `--freemps`, HiGHS and SCIP
/// read), fixed format on request or when names contain spaces.
///
/// Conventions: the NAME line of a free-format file ends in `FREE` (CoinMpsIO's marker, which
/// CBC needs to tell free from fixed); unnamed variables and rows are called `x<index>` and `c<index>`; integer and binary
/// columns sit between `MARKER INTORG/INTEND` lines and always carry explicit bounds (readers
/// disagree on the default bounds of integer columns; binaries get `BV`); the objective constant
/// is written as the negated RHS of the objective row (CPLEX, CBC, HiGHS convention); a
/// maximization writes `OBJSENSE MAX` (note: CBC 2.10 ignores it and GLPK 5.0 rejects it; for them,
/// write the minimization of the negated objective: `milp convert --minimize-form`); free
/// rows become extra `N` rows (readers drop them); ranged rows use `RANGES`, with the row type
/// chosen so that the bounds read back exactly; semi-continuous columns use `SC` bounds,
/// semi-integer ones `SI`; SOS sets go to an `SOS` section.
///
/// Fixed format puts fields in columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61: names are limited to
/// 8 characters, and numbers to 12 (numbers whose shortest exact form is longer are rounded to fit).
public struct MPSWriter {
    /// MPS layout: `free` (whitespace-separated fields) or `fixed` (fields in fixed columns, names of at most 8 characters).
    public enum Layout: Sendable { case free, fixed }

    /// nil: free, unless a name contains whitespace (then fixed).
    public var layout: Layout?

    /// A writer with the given layout; nil chooses free unless a name contains whitespace.
    public init(layout: Layout? = nil) { self.layout = layout }

    /// The MPS text of `model` as bytes.
    public func data(for model: Model) throws -> [UInt8] {
        try model.validate()
        let fixed = layout == .fixed || (layout == nil && hasWhitespaceNames(model))
        let names = try NameTable(model, fixedWidth: fixed ? 8 : nil)
        var out = MPSLines(fixed: fixed, names: names, capacity: 64 + model.nonzeroCount * 24 + model.variableCount * 40)
        // "FREE" on the NAME line is how CBC's reader (CoinMpsIO) knows the layout; others ignore it.
        out.text("NAME          \(model.name.isEmpty ? "MILPKIT" : model.name.filter { !$0.isWhitespace })\(fixed ? "" : " FREE")\n")
        if model.sense == .maximize { out.text("OBJSENSE\n    MAX\n") }

        out.text("ROWS\n")
        out.line(type: "N", .text(names.objective))
        for r in 0..<model.constraintCount {
            let type: String
            switch RowRelation(lower: model.rowLowerBounds[r], upper: model.rowUpperBounds[r]) {
            case .lessOrEqual: type = "L"
            case .greaterOrEqual: type = "G"
            case .equal: type = "E"
            case .ranged: type = rangedRowForm(model.rowLowerBounds[r], model.rowUpperBounds[r]).type
            case .free: type = "N"
            }
            out.line(type: type, .row(r))
        }
        writeColumns(model, &out)
        writeRHS(model, &out)
        writeRanges(model, &out)
        writeBounds(model, &out)
        writeSOS(model, &out)
        out.text("ENDATA\n")
        return out.buffer.bytes
    }

    /// Writes `model` to `path` (gzip-compressed when the path ends in `.gz`).
    public func write(_ model: Model, to path: String) throws {
        try writeFile(try data(for: model), to: path)
    }

    private func hasWhitespaceNames(_ model: Model) -> Bool {
        (0..<model.variableCount).contains { model.givenName(ofColumn: $0).contains(where: \.isWhitespace) }
            || (0..<model.constraintCount).contains { model.givenName(ofRow: $0).contains(where: \.isWhitespace) }
    }

    private func writeColumns(_ model: Model, _ out: inout MPSLines) {
        // Transpose the row-major matrix into columns.
        let n = model.variableCount
        var starts = [Int](repeating: 0, count: n + 1)
        for c in model.rowColumns { starts[Int(c) + 1] += 1 }
        for j in 0..<n { starts[j + 1] += starts[j] }
        var next = starts
        var rows = [Int32](repeating: 0, count: model.nonzeroCount)
        var values = [Double](repeating: 0, count: model.nonzeroCount)
        for r in 0..<model.constraintCount {
            for k in model.rowStarts[r]..<model.rowStarts[r + 1] {
                let c = Int(model.rowColumns[k])
                rows[next[c]] = Int32(r)
                values[next[c]] = model.rowCoefficients[k]
                next[c] += 1
            }
        }
        out.text("COLUMNS\n")
        var inIntegerBlock = false
        for j in 0..<n {
            let integral = model.kinds[j].isIntegral
            if integral != inIntegerBlock {
                // Compact spacing: CBC's reader takes the column-aligned form for fixed format.
                out.text("    MARKER 'MARKER' \(integral ? "'INTORG'" : "'INTEND'")\n")
                inIntegerBlock = integral
            }
            let objective = model.objectiveCoefficients[j]
            if objective != 0 || starts[j] == starts[j + 1] {
                // Every column appears at least once, on the objective row if nowhere else.
                out.line(.column(j), .text(out.names.objective), objective)
            }
            for k in starts[j]..<starts[j + 1] {
                out.line(.column(j), .row(Int(rows[k])), values[k])
            }
        }
        if inIntegerBlock { out.text("    MARKER 'MARKER' 'INTEND'\n") }
    }

    private func writeRHS(_ model: Model, _ out: inout MPSLines) {
        out.text("RHS\n")
        if model.objectiveConstant != 0 {
            out.line(.text("RHS"), .text(out.names.objective), -model.objectiveConstant)
        }
        for r in 0..<model.constraintCount {
            let lo = model.rowLowerBounds[r], up = model.rowUpperBounds[r]
            let rhs: Double
            switch RowRelation(lower: lo, upper: up) {
            case .lessOrEqual: rhs = up
            case .greaterOrEqual, .equal: rhs = lo
            case .ranged: rhs = rangedRowForm(lo, up).rhs
            case .free: continue
            }
            if rhs != 0 { out.line(.text("RHS"), .row(r), rhs) }
        }
    }

    private func writeRanges(_ model: Model, _ out: inout MPSLines) {
        var wroteHeader = false
        for r in 0..<model.constraintCount {
            let lo = model.rowLowerBounds[r], up = model.rowUpperBounds[r]
            guard RowRelation(lower: lo, upper: up) == .ranged else { continue }
            if !wroteHeader { out.text("RANGES\n"); wroteHeader = true }
            out.line(.text("RNG"), .row(r), rangedRowForm(lo, up).range)
        }
    }

    private func writeBounds(_ model: Model, _ out: inout MPSLines) {
        var wroteHeader = false
        func bound(_ type: String, _ j: Int, _ value: Double?) {
            if !wroteHeader { out.text("BOUNDS\n"); wroteHeader = true }
            out.line(type: type, .text("BND"), .column(j), value)
        }
        for j in 0..<model.variableCount {
            let lo = model.lowerBounds[j], up = model.upperBounds[j]
            switch model.kinds[j] {
            case .semiContinuous, .semiInteger:
                if lo != 0 { bound("LO", j, lo) }
                bound(model.kinds[j] == .semiInteger ? "SI" : "SC", j, up)
            case .binary where lo == 0 && up == 1:
                bound("BV", j, nil)
            case .integer, .binary:
                if lo == up { bound("FX", j, lo); continue }
                if lo.isFinite { bound("LO", j, lo) } else { bound("MI", j, nil) }
                if up.isFinite { bound("UP", j, up) } else { bound("PL", j, nil) }
            case .continuous:
                if lo == up { bound("FX", j, lo); continue }
                if !lo.isFinite && !up.isFinite { bound("FR", j, nil); continue }
                if !lo.isFinite { bound("MI", j, nil) } else if lo != 0 || up < 0 { bound("LO", j, lo) }
                if up.isFinite { bound("UP", j, up) }
            }
        }
    }

    private func writeSOS(_ model: Model, _ out: inout MPSLines) {
        guard !model.sosConstraints.isEmpty else { return }
        out.text("SOS\n")
        for (index, set) in model.sosConstraints.enumerated() {
            out.text(" S\(set.type.rawValue) SOS s\(index)\n")
            for (column, weight) in zip(set.columns, set.weights) {
                out.line(.text("s\(index)"), .column(Int(column)), weight)
            }
        }
    }
}

/// How a ranged row lo ≤ a·x ≤ up is written so that a reader recomputes both bounds exactly:
/// `L` with RHS up and range R when up − R == lo, else `G` with RHS lo when lo + R == up (R within
/// two ulps of up − lo). For some bounds no R works (lo = −0.0328, up = 1: every lo + R rounds
/// past 1): then `L` with R = up − lo, and a reader gets the lower bound within an ulp or two —
/// the nearest MPS can state (LPWriter states such rows exactly, with a bounded column).
func rangedRowForm(_ lo: Double, _ up: Double) -> (type: String, rhs: Double, range: Double) {
    let r = up - lo
    for candidate in [r, r.nextUp, r.nextDown, r.nextUp.nextUp, r.nextDown.nextDown] {
        if up - candidate == lo { return ("L", up, candidate) }
        if lo + candidate == up { return ("G", lo, candidate) }
    }
    return ("L", up, r)
}

/// Writes MPS data lines in free or fixed layout.
struct MPSLines {
    enum Field {
        case text(String)
        case column(Int)
        case row(Int)
    }

    let fixed: Bool
    let names: NameTable
    var buffer: TextBuffer

    init(fixed: Bool, names: NameTable, capacity: Int) {
        self.fixed = fixed
        self.names = names
        buffer = TextBuffer(capacity: capacity)
    }

    mutating func text(_ s: String) { buffer.append(s) }

    /// A line without a type field (COLUMNS, RHS, RANGES, SOS entries): name, name, value.
    mutating func line(_ first: Field, _ second: Field, _ value: Double) {
        let start = buffer.bytes.count
        if fixed {
            pad(start, 4)
            emit(first)
            pad(start, 14)
            emit(second)
            number(value, start: start, endColumn: 36)
        } else {
            buffer.append("    ")
            emit(first)
            buffer.append(byte: 32)
            emit(second)
            buffer.append(byte: 32)
            buffer.append(number: value)
        }
        buffer.append(byte: 10)
    }

    /// A line with a type field (ROWS, BOUNDS): type, name[, name[, value]].
    mutating func line(type: String, _ first: Field, _ second: Field? = nil, _ value: Double? = nil) {
        let start = buffer.bytes.count
        buffer.append(byte: 32)
        buffer.append(type)
        if fixed {
            pad(start, 4)
            emit(first)
            if let second {
                pad(start, 14)
                emit(second)
            }
            if let value { number(value, start: start, endColumn: 36) }
        } else {
            buffer.append(byte: 32)
            emit(first)
            if let second {
                buffer.append(byte: 32)
                emit(second)
            }
            if let value {
                buffer.append(byte: 32)
                buffer.append(number: value)
            }
        }
        buffer.append(byte: 10)
    }

    private mutating func emit(_ field: Field) {
        switch field {
        case let .text(s): buffer.append(s)
        case let .column(j): names.appendColumn(j, to: &buffer)
        case let .row(r): names.appendRow(r, to: &buffer)
        }
    }

    private mutating func pad(_ start: Int, _ column: Int) {
        while buffer.bytes.count - start < column { buffer.append(byte: 32) }
    }

    /// Right-aligns a number so it ends at `endColumn` (field 25-36).
    private mutating func number(_ value: Double, start: Int, endColumn: Int) {
        let text = fixedWidthNumber(value)
        pad(start, endColumn - text.count)
        buffer.append(text)
    }
}

/// The shortest exact text of `value` if it fits in 12 characters, else the closest that does.
func fixedWidthNumber(_ value: Double) -> String {
    var exact = TextBuffer(capacity: 24)
    exact.append(number: value)
    let text = String(decoding: exact.bytes, as: UTF8.self)
    if text.count <= 12 { return text }
    for precision in stride(from: 12, through: 1, by: -1) {
        var candidate = String(format: "%.\(precision)g", value)
        if candidate.hasPrefix("0.") { candidate.removeFirst() } else if candidate.hasPrefix("-0.") { candidate.remove(at: candidate.index(after: candidate.startIndex)) }
        if candidate.count <= 12 { return candidate }
    }
    return String(format: "%.5e", value)
}

/// Final names of columns and rows: given names, or `x<i>` / `c<i>` generated without allocation.
/// Columns and rows are separate namespaces, as in MPS.
struct NameTable {
    let model: Model
    let objective: String

    init(_ model: Model, fixedWidth: Int? = nil) throws {
        self.model = model
        var rowNames = Set<String>()
        if model.hasVariableNames || model.hasConstraintNames || fixedWidth != nil {
            var columnNames = Set<String>()
            for j in 0..<model.variableCount {
                let name = model.name(of: model.variable(at: j))
                try Self.check(name, "variable", j, fixedWidth)
                guard columnNames.insert(name).inserted else { throw FormatError("two columns are called \"\(name)\"") }
            }
            for r in 0..<model.constraintCount {
                let name = model.name(of: model.constraint(at: r))
                try Self.check(name, "row", r, fixedWidth)
                guard rowNames.insert(name).inserted else { throw FormatError("two rows are called \"\(name)\"") }
            }
        }
        var objective = "OBJ"
        while rowNames.contains(objective) { objective += "_" }
        self.objective = objective
    }

    /// Compares the first byte, not the first Character: `$` followed by a combining mark is one
    /// Character, but readers see a `$`.
    private static func check(_ name: String, _ what: String, _ index: Int, _ fixedWidth: Int?) throws {
        let first = name.utf8.first
        if let width = fixedWidth {
            if name.isEmpty || name.utf8.count > width || first == UInt8(ascii: " ") {
                throw FormatError("\(what) \(index) is called \"\(name)\": fixed-format MPS names must have 1 to \(width) characters and not start with a space")
            }
        } else if name.isEmpty || name.contains(where: { $0.isWhitespace }) || first == UInt8(ascii: "$") || first == UInt8(ascii: "*") {
            throw FormatError("\(what) \(index) is called \"\(name)\": free-format MPS names must be non-empty, without spaces, and not start with $ or *")
        }
    }

    func appendColumn(_ j: Int, to out: inout TextBuffer) {
        let given = model.givenName(ofColumn: j)
        if given.isEmpty {
            out.append(byte: UInt8(ascii: "x"))
            out.append(integer: Int64(j))
        } else {
            out.append(given)
        }
    }

    func appendRow(_ r: Int, to out: inout TextBuffer) {
        let given = model.givenName(ofRow: r)
        if given.isEmpty {
            out.append(byte: UInt8(ascii: "c"))
            out.append(integer: Int64(r))
        } else {
            out.append(given)
        }
    }
}

/// Writes bytes to a file, gzip-compressed when the path ends in `.gz`. In place, not through a
/// temporary file and a rename (`FileManager.createFile` does that): a rename would replace
/// `/dev/null`, `/dev/stdout` or a symbolic link with a regular file.
func writeFile(_ bytes: [UInt8], to path: String) throws {
    let data = path.hasSuffix(".gz") ? try Gzip.compress(bytes) : bytes
    do { try Data(data).write(to: URL(fileURLWithPath: path)) } catch {
        throw FormatError("cannot write \(path): \(error.localizedDescription)")
    }
}
