import MILP

/// Writes models in CPLEX LP format, the dialect CPLEX, CBC, HiGHS, SCIP and GLPK (`--lp`) read.
///
/// Bounds are written explicitly where they differ from [0, +inf); integer columns under
/// `General`, binaries under `Binary`, semi-continuous under `Semi-continuous`; SOS sets under
/// `SOS`. Lines are wrapped below 255 characters. Unnamed entities get `x<i>` / `c<i>`.
///
/// Two things have no form that every reader takes (CBC 2.10 silently misreads
/// `lo <= expression <= up`, GLPK 5 rejects it and rejects constants in the objective and `-inf`
/// right-hand sides), so they are written as extra columns, exactly:
/// - a ranged or free row `r` as `r: expression - ~r_r = 0`, with the row's bounds on `~r_r`
///   (`lo <= ~r_r <= up`, or `~r_r free`);
/// - an objective constant `c` as the term `+ c ~constant`, with `~constant = 1` in `Bounds`.
/// `LPReader` folds both back, so reading a file we wrote gives the model that was written; other
/// readers see an equivalent model with these extra columns. An empty objective is written as
/// `0 x0` (GLPK rejects an empty one).
///
/// Names: LP names consist of letters, digits and the characters `!"#$%&()/,.;?@_'{}|~` and the backquote (and non-ASCII
/// characters), do not start with a digit or a period, do not start with `e`/`E` alone or followed
/// by a digit, a sign or another `e` (exponent notation), and are not a word the format reserves
/// (section keywords such as `end`, `bounds`, `st`, `min`, and `inf`, `infinity`, `free`; for
/// columns also `~constant` and `~r_…`). Other names are written changed, as `renamedForLP(_:)`
/// shows: each other character becomes `_`, a `_` is put in front when the name would still be
/// invalid (`1X` → `_1X`, `.A` → `_.A`, `E11` → `_E11`, `end` → `_end`, `x[1]` → `x_1_`), and
/// `_2`, `_3`, … is appended when the result is already taken (columns and rows separately).
///
/// Column order: LP readers (ours, CBC's, GLPK's) number columns in the order they first
/// appear. So that a file reads back with the same column order, the objective lists the shortest
/// prefix of columns (zero coefficients included) after which all other columns first appear in
/// order in the rows, bounds, type sections and SOS sets; that prefix also takes in columns that
/// appear nowhere else. Explicit zero matrix coefficients are written but `LPReader` drops them.
public struct LPWriter {
    /// Creates an LP writer (it has no options).
    public init() {}

    /// The LP text of `model` as bytes, with names changed as ``renamedForLP(_:)`` does. Throws if the model fails `validate()`.
    public func data(for model: Model) throws -> [UInt8] {
        try model.validate()
        let model = Self.renamedForLP(model)
        let names = try NameTable(model)
        var out = TextBuffer(capacity: 64 + model.nonzeroCount * 16 + model.variableCount * 24)
        let title = model.name.isEmpty ? "MILPKIT" : String(model.name.map { $0.isNewline ? " " : $0 })
        out.append("\\ Problem name: \(title)\n")
        out.append(model.sense == .maximize ? "Maximize\n" : "Minimize\n")
        var line = LineWrapper()
        line.start(" \(names.objective):", &out)
        for j in 0..<objectivePrefix(model) {
            line.term(model.objectiveCoefficients[j], column: j, names, &out)
        }
        if model.objectiveConstant != 0 {
            line.raw(model.objectiveConstant < 0 ? " - " : " + ", &out)
            line.number(abs(model.objectiveConstant), &out)
            line.raw(" \(lpConstantColumn)", &out)
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
            let range = model.rowStarts[r]..<model.rowStarts[r + 1]
            for k in range { line.term(model.rowCoefficients[k], column: Int(model.rowColumns[k]), names, &out) }
            if range.isEmpty && relation != .ranged && relation != .free {
                line.raw(" 0 ", &out)
                names.appendColumn(0, to: &out)
            }
            switch relation {
            case .lessOrEqual: line.raw(" <= ", &out); line.number(up, &out)
            case .greaterOrEqual: line.raw(" >= ", &out); line.number(lo, &out)
            case .equal: line.raw(" = ", &out); line.number(lo, &out)
            case .ranged, .free:
                // `expression - ~r_<row> = 0` with the row's bounds on the new column.
                var slack = TextBuffer(capacity: 32)
                slack.append(" - \(lpRangeColumnPrefix)")
                names.appendRow(r, to: &slack)
                slack.append(" = 0")
                line.raw(String(decoding: slack.bytes, as: UTF8.self), &out)
            }
            out.append(byte: 10)
        }

        out.append("Bounds\n")
        for j in 0..<model.variableCount {
            let lo = model.lowerBounds[j], up = model.upperBounds[j]
            let kind = model.kinds[j]
            if kind == .binary && lo == 0 && up == 1 { continue }
            if lo == 0 && up == .infinity && !kind.isSemi { continue }
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
        for r in 0..<model.constraintCount {
            let lo = model.rowLowerBounds[r], up = model.rowUpperBounds[r]
            switch RowRelation(lower: lo, upper: up) {
            case .ranged:
                out.append(" ")
                out.append(number: lo)
                out.append(" <= \(lpRangeColumnPrefix)")
                names.appendRow(r, to: &out)
                out.append(" <= ")
                out.append(number: up)
                out.append(byte: 10)
            case .free:
                out.append(" \(lpRangeColumnPrefix)")
                names.appendRow(r, to: &out)
                out.append(" free\n")
            case .lessOrEqual, .greaterOrEqual, .equal:
                break
            }
        }
        if model.objectiveConstant != 0 { out.append(" \(lpConstantColumn) = 1\n") }
        // A semi-integer variable is listed as general and as semi-continuous (CPLEX, Gurobi, HiGHS).
        section("General", [.integer, .semiInteger], model, names, &out)
        section("Binary", [.binary], model, names, &out)
        section("Semi-continuous", [.semiContinuous, .semiInteger], model, names, &out)
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

    /// Writes the LP text of `model` to `path`, gzip-compressed when `path` ends in `.gz`. Throws what ``data(for:)`` throws, or ``FormatError`` when the file cannot be written.
    public func write(_ model: Model, to path: String) throws {
        try writeFile(try data(for: model), to: path)
    }

    private func section(_ title: String, _ kinds: Set<VariableKind>, _ model: Model, _ names: NameTable, _ out: inout TextBuffer) {
        guard model.kinds.contains(where: kinds.contains) else { return }
        out.append("\(title)\n")
        var line = LineWrapper()
        line.start("", &out)
        for j in 0..<model.variableCount where kinds.contains(model.kinds[j]) {
            var entry = TextBuffer(capacity: 16)
            entry.append(" ")
            names.appendColumn(j, to: &entry)
            line.raw(String(decoding: entry.bytes, as: UTF8.self), &out)
        }
        out.append(byte: 10)
    }

    /// The number of leading columns the objective lists so that columns first appear in column
    /// order: at least up to the last nonzero objective coefficient, and far enough that every
    /// later column first appears, in increasing order, after the objective.
    private func objectivePrefix(_ model: Model) -> Int {
        let n = model.variableCount
        var position = [Int](repeating: .max, count: n)
        var next = 0
        func see(_ j: Int) {
            if position[j] == .max { position[j] = next; next += 1 }
        }
        for r in 0..<model.constraintCount {
            let range = model.rowStarts[r]..<model.rowStarts[r + 1]
            if range.isEmpty { see(0) }
            for k in range { see(Int(model.rowColumns[k])) }
        }
        for j in 0..<n {
            let lo = model.lowerBounds[j], up = model.upperBounds[j], kind = model.kinds[j]
            if kind == .binary && lo == 0 && up == 1 { continue }
            if lo == 0 && up == .infinity && !kind.isSemi { continue }
            see(j)
        }
        for kinds: Set<VariableKind> in [[.integer, .semiInteger], [.binary], [.semiContinuous]] {
            for j in 0..<n where kinds.contains(model.kinds[j]) { see(j) }
        }
        for set in model.sosConstraints { for c in set.columns { see(Int(c)) } }
        var prefix = n, earliest = Int.max
        while prefix > 0 && position[prefix - 1] < earliest {
            earliest = position[prefix - 1]
            prefix -= 1
        }
        let lastObjective = model.objectiveCoefficients.lastIndex { $0 != 0 } ?? -1
        // At least one term: GLPK rejects an empty objective.
        return max(prefix, lastObjective + 1, 1)
    }

    /// `model` with the names `data(for:)` writes: names that are not valid in LP files are
    /// changed as the type's documentation describes; valid names and unnamed entities are kept.
    public static func renamedForLP(_ model: Model) -> Model {
        var renamed = model
        func fix(_ count: Int, columns: Bool, _ given: (Int) -> String, _ generated: (Int) -> String, _ set: (inout Model, Int, String) -> Void) {
            func acceptable(_ name: String) -> Bool {
                isValidLPName(name) && !(columns && (name == lpConstantColumn || name.utf8.starts(with: lpRangeColumnPrefix.utf8)))
            }
            var taken = Set<String>()
            var invalid: [Int] = []
            for i in 0..<count {
                let name = given(i)
                if name.isEmpty { taken.insert(generated(i)) } else if acceptable(name) { taken.insert(name) } else { invalid.append(i) }
            }
            for i in invalid {
                var base = String(decoding: given(i).utf8.map { isLPNameByte($0) ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
                if !acceptable(base) { base = "_" + base }
                var candidate = base, suffix = 1
                while taken.contains(candidate) {
                    suffix += 1
                    candidate = "\(base)_\(suffix)"
                }
                taken.insert(candidate)
                set(&renamed, i, candidate)
            }
        }
        if model.hasVariableNames {
            fix(model.variableCount, columns: true, { model.givenName(ofColumn: $0) }, { "x\($0)" }) { m, j, name in m.setName(name, of: m.variable(at: j)) }
        }
        if model.hasConstraintNames {
            fix(model.constraintCount, columns: false, { model.givenName(ofRow: $0) }, { "c\($0)" }) { m, r, name in m.setName(name, of: m.constraint(at: r)) }
        }
        return renamed
    }

    /// True when `name` can be written as it is in an LP file.
    public static func isValidLPName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(48...57).contains(first), first != UInt8(ascii: ".") else { return false }
        guard name.utf8.allSatisfy(isLPNameByte) else { return false }
        if (first | 0x20) == UInt8(ascii: "e") {
            let rest = name.utf8.dropFirst()
            // `e` alone, or followed by a digit, a sign or another `e`, reads as exponent notation.
            if rest.isEmpty || rest.first.map({ (48...57).contains($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || ($0 | 0x20) == UInt8(ascii: "e") }) == true {
                return false
            }
        }
        return !reservedLPWords.contains(name.lowercased())
    }
}

/// The column that carries the objective constant, fixed at 1: CBC ignores a constant term in an
/// LP objective and GLPK rejects it. `LPReader` turns it back into the constant.
let lpConstantColumn = "~constant"

/// `~r_<row>` carries the bounds of a ranged or free row (`row: expression - ~r_<row> = 0`): CBC
/// misreads `lower <= expression <= upper` and GLPK rejects it, and GLPK rejects `>= -inf`.
/// `LPReader` turns it back into the row's bounds.
/// Compared byte by byte: a row name that starts with a combining mark would merge with the `_`
/// into one Character, and `hasPrefix` would miss it.
let lpRangeColumnPrefix = "~r_"

/// Words LP readers take as keywords at the start of a line, or as values.
private let reservedLPWords: Set<String> = [
    "minimize", "minimise", "minimum", "min", "maximize", "maximise", "maximum", "max",
    "subject", "such", "st", "s.t.", "st.", "bound", "bounds", "general", "generals", "gen",
    "integer", "integers", "binary", "binaries", "bin", "semi", "semis", "semicontinuous",
    "semiinteger", "semiintegers", "sos", "end", "free", "inf", "infinity",
]  // every word LPReader takes as a section keyword at a line's start (`sectionKeyword`), and more

private let lpNameSymbols = Set("!\"#$%&()/,.;?@_`'{}|~".utf8)

private func isLPNameByte(_ b: UInt8) -> Bool {
    (b | 0x20) >= 97 && (b | 0x20) <= 122 || (48...57).contains(b) || lpNameSymbols.contains(b) || b >= 128
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

    mutating func number(_ value: Double, _ out: inout TextBuffer) {
        out.append(number: value)
    }

    mutating func raw(_ text: String, _ out: inout TextBuffer) {
        wrapIfNeeded(&out)
        out.append(text)
    }
}
