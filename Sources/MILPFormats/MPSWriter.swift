import Foundation
import MILP

/// A problem writing or reading a model file.
public struct FormatError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Writes models as free-format MPS, the dialect CBC, GLPK (`--freemps`), HiGHS and SCIP read.
///
/// Conventions: unnamed variables and rows are called `x<index>` and `c<index>`; integer and binary
/// columns sit between `MARKER INTORG/INTEND` lines and always carry explicit bounds (readers
/// disagree on the default bounds of integer columns); the objective constant is written as the
/// negated RHS of the objective row (CPLEX, CBC, HiGHS convention); a maximization writes
/// `OBJSENSE MAX`; free rows become extra `N` rows; ranged rows use `RANGES`; semi-continuous
/// columns use `SC` bounds; SOS sets go to an `SOS` section.
public struct MPSWriter {
    public init() {}

    /// The MPS text of `model` as bytes.
    public func data(for model: Model) throws -> [UInt8] {
        try model.validate()
        let names = try NameTable(model)
        var out = TextBuffer(capacity: 64 + model.nonzeroCount * 24 + model.variableCount * 40)
        out.append("NAME \(model.name.isEmpty ? "MILPKIT" : model.name.filter { !$0.isWhitespace })\n")
        if model.sense == .maximize { out.append("OBJSENSE\n    MAX\n") }

        out.append("ROWS\n N  \(names.objective)\n")
        for r in 0..<model.constraintCount {
            let type: String
            switch RowRelation(lower: model.rowLowerBounds[r], upper: model.rowUpperBounds[r]) {
            case .lessOrEqual, .ranged: type = " L  "
            case .greaterOrEqual: type = " G  "
            case .equal: type = " E  "
            case .free: type = " N  "
            }
            out.append(type)
            names.appendRow(r, to: &out)
            out.append(byte: 10)
        }

        writeColumns(model, names, &out)
        writeRHS(model, names, &out)
        writeRanges(model, names, &out)
        writeBounds(model, names, &out)
        writeSOS(model, names, &out)
        out.append("ENDATA\n")
        return out.bytes
    }

    /// Writes `model` to `path` (gzip-compressed when the path ends in `.gz`).
    public func write(_ model: Model, to path: String) throws {
        try writeFile(try data(for: model), to: path)
    }

    private func writeColumns(_ model: Model, _ names: NameTable, _ out: inout TextBuffer) {
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
        out.append("COLUMNS\n")
        var inIntegerBlock = false, markers = 0
        for j in 0..<n {
            let integral = model.kinds[j].isIntegral
            if integral != inIntegerBlock {
                out.append("    MARKER                 'MARKER'                 \(integral ? "'INTORG'" : "'INTEND'")\n")
                if integral { markers += 1 }
                inIntegerBlock = integral
            }
            let objective = model.objectiveCoefficients[j]
            if objective != 0 || starts[j] == starts[j + 1] {
                // Every column appears at least once, on the objective row if nowhere else.
                entry(j, names.objective, objective, names, &out)
            }
            for k in starts[j]..<starts[j + 1] {
                out.append("    ")
                names.appendColumn(j, to: &out)
                out.append(byte: 32)
                names.appendRow(Int(rows[k]), to: &out)
                out.append(byte: 32)
                out.append(number: values[k])
                out.append(byte: 10)
            }
        }
        if inIntegerBlock { out.append("    MARKER                 'MARKER'                 'INTEND'\n") }
    }

    private func entry(_ column: Int, _ row: String, _ value: Double, _ names: NameTable, _ out: inout TextBuffer) {
        out.append("    ")
        names.appendColumn(column, to: &out)
        out.append(" \(row) ")
        out.append(number: value)
        out.append(byte: 10)
    }

    private func writeRHS(_ model: Model, _ names: NameTable, _ out: inout TextBuffer) {
        out.append("RHS\n")
        if model.objectiveConstant != 0 {
            out.append("    RHS \(names.objective) ")
            out.append(number: -model.objectiveConstant)
            out.append(byte: 10)
        }
        for r in 0..<model.constraintCount {
            let lo = model.rowLowerBounds[r], up = model.rowUpperBounds[r]
            let rhs: Double
            switch RowRelation(lower: lo, upper: up) {
            case .lessOrEqual, .ranged: rhs = up
            case .greaterOrEqual, .equal: rhs = lo
            case .free: continue
            }
            guard rhs != 0 else { continue }
            out.append("    RHS ")
            names.appendRow(r, to: &out)
            out.append(byte: 32)
            out.append(number: rhs)
            out.append(byte: 10)
        }
    }

    private func writeRanges(_ model: Model, _ names: NameTable, _ out: inout TextBuffer) {
        var wroteHeader = false
        for r in 0..<model.constraintCount {
            let lo = model.rowLowerBounds[r], up = model.rowUpperBounds[r]
            guard RowRelation(lower: lo, upper: up) == .ranged else { continue }
            if !wroteHeader { out.append("RANGES\n"); wroteHeader = true }
            out.append("    RNG ")
            names.appendRow(r, to: &out)
            out.append(byte: 32)
            out.append(number: up - lo)
            out.append(byte: 10)
        }
    }

    private func writeBounds(_ model: Model, _ names: NameTable, _ out: inout TextBuffer) {
        var lines = TextBuffer(capacity: 1024)
        func bound(_ type: String, _ j: Int, _ value: Double?) {
            lines.append(" \(type) BND ")
            names.appendColumn(j, to: &lines)
            if let value {
                lines.append(byte: 32)
                lines.append(number: value)
            }
            lines.append(byte: 10)
        }
        for j in 0..<model.variableCount {
            let lo = model.lowerBounds[j], up = model.upperBounds[j]
            switch model.kinds[j] {
            case .semiContinuous:
                if lo != 0 { bound("LO", j, lo) }
                bound("SC", j, up)
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
        if !lines.bytes.isEmpty {
            out.append("BOUNDS\n")
            out.append(bytes: lines.bytes)
        }
    }

    private func writeSOS(_ model: Model, _ names: NameTable, _ out: inout TextBuffer) {
        guard !model.sosConstraints.isEmpty else { return }
        out.append("SOS\n")
        for (index, set) in model.sosConstraints.enumerated() {
            out.append(" S\(set.type.rawValue) SOS s\(index)\n")
            for (column, weight) in zip(set.columns, set.weights) {
                out.append("    s\(index) ")
                names.appendColumn(Int(column), to: &out)
                out.append(byte: 32)
                out.append(number: weight)
                out.append(byte: 10)
            }
        }
    }
}

/// Final names of columns and rows: given names, or `x<i>` / `c<i>` generated without allocation.
struct NameTable {
    let model: Model
    let objective: String

    init(_ model: Model) throws {
        self.model = model
        var used = Set<String>()
        if model.hasVariableNames || model.hasConstraintNames {
            // Given names must be usable in free MPS and must not collide with generated ones.
            for j in 0..<model.variableCount {
                let name = model.name(of: model.variable(at: j))
                try Self.check(name, "variable", j)
                guard used.insert(name).inserted else { throw FormatError("two columns are called \"\(name)\"") }
            }
            for r in 0..<model.constraintCount {
                let name = model.name(of: model.constraint(at: r))
                try Self.check(name, "row", r)
                guard used.insert(name).inserted else { throw FormatError("the name \"\(name)\" is used twice") }
            }
        }
        var objective = "OBJ"
        while used.contains(objective) { objective += "_" }
        self.objective = objective
    }

    private static func check(_ name: String, _ what: String, _ index: Int) throws {
        if name.isEmpty || name.contains(where: { $0.isWhitespace }) || name.first == "$" || name.first == "*" {
            throw FormatError("\(what) \(index) is called \"\(name)\": MPS names must be non-empty, without spaces, and not start with $ or *")
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

/// Writes bytes to a file, gzip-compressed when the path ends in `.gz`.
func writeFile(_ bytes: [UInt8], to path: String) throws {
    let data = path.hasSuffix(".gz") ? try Gzip.compress(bytes) : bytes
    guard FileManager.default.createFile(atPath: path, contents: Data(data)) else {
        throw FormatError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
}
