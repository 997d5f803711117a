import MILP

/// Writes models in CPLEX LP format, the dialect CBC, HiGHS, SCIP and GLPK (`--lp`) read.
///
/// Ranged rows are written `lo <= expression <= up`; the objective constant as a constant term;
/// bounds explicitly where they differ from [0, +inf); integer columns under `General`, binaries
/// under `Binary`, semi-continuous under `Semi-continuous`; SOS sets under `SOS`. Lines are
/// wrapped below 255 characters. Names must be valid LP names (letters, digits and
/// `!"#$%&()/,.;?@_`'{}|~`, not starting with a digit or a period, and not `e`/`E` followed by a
/// number); unnamed entities get `x<i>` / `c<i>`.
public struct LPWriter {
    public init() {}

    public func data(for model: Model) throws -> [UInt8] {
        try model.validate()
        let names = try NameTable(model)
        try checkLPNames(model)
        var out = TextBuffer(capacity: 64 + model.nonzeroCount * 16 + model.variableCount * 24)
        out.append("\\ Problem name: \(model.name.isEmpty ? "MILPKIT" : model.name)\n")
        out.append(model.sense == .maximize ? "Maximize\n" : "Minimize\n")
        var line = LineWrapper()
        line.start(" \(names.objective):", &out)
        for j in 0..<model.variableCount where model.objectiveCoefficients[j] != 0 {
            line.term(model.objectiveCoefficients[j], column: j, names, &out)
        }
        if model.objectiveConstant != 0 { line.constant(model.objectiveConstant, &out) }
        if model.objectiveCoefficients.allSatisfy({ $0 == 0 }) && model.objectiveConstant == 0 {
            line.constant(0, &out)
        }
        out.append(byte: 10)

        out.append("Subject To\n")
        for r in 0..<model.constraintCount {
            let lo = model.rowLowerBounds[r], up = model.rowUpperBounds[r]
            var head = TextBuffer(capacity: 32)
            head.append(" ")
            names.appendRow(r, to: &head)
            head.append(":")
            line.start(String(decoding: head.bytes, as: UTF8.self), &out)
            let relation = RowRelation(lower: lo, upper: up)
            if relation == .ranged {
                line.raw(" ", &out)
                line.number(lo, &out)
                line.raw(" <=", &out)
            }
            let range = model.rowStarts[r]..<model.rowStarts[r + 1]
            for k in range { line.term(model.rowCoefficients[k], column: Int(model.rowColumns[k]), names, &out) }
            if range.isEmpty {
                line.raw(" 0 ", &out)
                names.appendColumn(0, to: &out)
            }
            switch relation {
            case .lessOrEqual, .ranged: line.raw(" <= ", &out); line.number(up, &out)
            case .greaterOrEqual: line.raw(" >= ", &out); line.number(lo, &out)
            case .equal: line.raw(" = ", &out); line.number(lo, &out)
            case .free: line.raw(" >= -inf", &out)
            }
            out.append(byte: 10)
        }

        out.append("Bounds\n")
        for j in 0..<model.variableCount {
            let lo = model.lowerBounds[j], up = model.upperBounds[j]
            let kind = model.kinds[j]
            if kind == .binary && lo == 0 && up == 1 { continue }
            if lo == 0 && up == .infinity && kind != .semiContinuous { continue }
            out.append(" ")
            if lo == up {
                names.appendColumn(j, to: &out)
                out.append(" = ")
                out.append(number: lo)
            } else if lo == -.infinity && up == .infinity {
                names.appendColumn(j, to: &out)
                out.append(" free")
            } else {
                if lo == -.infinity { out.append("-inf") } else { out.append(number: lo) }
                out.append(" <= ")
                names.appendColumn(j, to: &out)
                out.append(" <= ")
                if up == .infinity { out.append("+inf") } else { out.append(number: up) }
            }
            out.append(byte: 10)
        }
        section("General", .integer, model, names, &out)
        section("Binary", .binary, model, names, &out)
        section("Semi-continuous", .semiContinuous, model, names, &out)
        if !model.sosConstraints.isEmpty {
            out.append("SOS\n")
            for (index, set) in model.sosConstraints.enumerated() {
                line.start(" s\(index): S\(set.type.rawValue)::", &out)
                for (c, w) in zip(set.columns, set.weights) {
                    var entry = TextBuffer(capacity: 32)
                    entry.append(" ")
                    names.appendColumn(Int(c), to: &entry)
                    entry.append(":")
                    entry.append(number: w)
                    line.raw(String(decoding: entry.bytes, as: UTF8.self), &out)
                }
                out.append(byte: 10)
            }
        }
        out.append("End\n")
        return out.bytes
    }

    public func write(_ model: Model, to path: String) throws {
        try writeFile(try data(for: model), to: path)
    }

    private func section(_ title: String, _ kind: VariableKind, _ model: Model, _ names: NameTable, _ out: inout TextBuffer) {
        guard model.kinds.contains(kind) else { return }
        out.append("\(title)\n")
        var line = LineWrapper()
        line.start("", &out)
        for j in 0..<model.variableCount where model.kinds[j] == kind {
            var entry = TextBuffer(capacity: 16)
            entry.append(" ")
            names.appendColumn(j, to: &entry)
            line.raw(String(decoding: entry.bytes, as: UTF8.self), &out)
        }
        out.append(byte: 10)
    }

    private func checkLPNames(_ model: Model) throws {
        let allowed = Set("!\"#$%&()/,.;?@_`'{}|~".utf8)
        func valid(_ name: String) -> Bool {
            guard let first = name.utf8.first, !(48...57).contains(first), first != UInt8(ascii: ".") else { return false }
            if (first | 0x20) == UInt8(ascii: "e"), name.count > 1, Double(name.dropFirst()) != nil || name.dropFirst().first == "+" || name.dropFirst().first == "-" {
                return false
            }
            return name.utf8.allSatisfy { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || (48...57).contains($0) || allowed.contains($0) || $0 >= 128 }
        }
        for j in 0..<model.variableCount where !model.givenName(ofColumn: j).isEmpty && !valid(model.givenName(ofColumn: j)) {
            throw FormatError("variable \"\(model.givenName(ofColumn: j))\" is not a valid LP-format name; write MPS instead")
        }
        for r in 0..<model.constraintCount where !model.givenName(ofRow: r).isEmpty && !valid(model.givenName(ofRow: r)) {
            throw FormatError("row \"\(model.givenName(ofRow: r))\" is not a valid LP-format name; write MPS instead")
        }
    }
}

/// Breaks long expressions into lines of at most ~250 characters, as LP readers require.
private struct LineWrapper {
    var lineStart = 0

    mutating func start(_ head: String, _ out: inout TextBuffer) {
        lineStart = out.bytes.count
        out.append(head)
    }

    mutating func wrapIfNeeded(_ out: inout TextBuffer) {
        if out.bytes.count - lineStart > 230 {
            out.append("\n ")
            lineStart = out.bytes.count
        }
    }

    mutating func term(_ coefficient: Double, column: Int, _ names: NameTable, _ out: inout TextBuffer) {
        wrapIfNeeded(&out)
        out.append(coefficient < 0 ? " - " : " + ")
        if abs(coefficient) != 1 {
            out.append(number: abs(coefficient))
            out.append(byte: 32)
        }
        names.appendColumn(column, to: &out)
    }

    mutating func constant(_ value: Double, _ out: inout TextBuffer) {
        wrapIfNeeded(&out)
        out.append(value < 0 ? " - " : " + ")
        out.append(number: abs(value))
    }

    mutating func number(_ value: Double, _ out: inout TextBuffer) {
        out.append(number: value)
    }

    mutating func raw(_ text: String, _ out: inout TextBuffer) {
        wrapIfNeeded(&out)
        out.append(text)
    }
}
