import Foundation
import MILP

/// Reads the algebraic text an LLM writes when asked for a model, one statement per line:
///
///     Maximize 5*trucks + 10 planes
///     12 trucks + 20*planes <= 890          # `*` optional
///     buses <= 20% (cars + vans + buses)    # percentages, a scalar factor on parentheses
///     bi_trucks + bi_trains <= 1            # `bi_` names are binary indicators
///     trucks <= M * bi_trucks               # bare M: big-M, derived from bounds
///     cap: -x + 2.5 y >= -(3 - 1)           # a label; unary minus; decimals
///     integer trucks, planes                # optional declarations: integer, continuous, binary, var
///
/// Comments start with `#` or `//`; "subject to" lines are skipped; `a <= e <= b` chains are two
/// rows; `x, y >= 0` is a list. Variables are ≥ 0 (a single-variable row `x >= -5` lowers that
/// bound). When any declaration is present, every name must be declared. `M` is reserved: a row
/// `e <= M*b` (or `e <= M*(1 - b)`) means b = 0 (b = 1) ⇒ e ≤ 0, with M derived by the compiler.
/// A `bi_x` variable is the indicator of `x` when `x` exists: the compiler adds its linking rows.
/// Errors name the line; products of variables and division by a variable are reported as non-linear.
public struct AlgebraicReader: Sendable {
    /// A reader; it holds no state.
    public init() {}

    /// Reads `text` into a validated spec named `name`; throws a ``SpecError`` listing every problem,
    /// each naming its line.
    public func read(_ text: String, name: String? = nil) throws(SpecError) -> FormulationSpec {
        // "\r\n" is one Character in Swift: splitting at "\n" alone would read CRLF text as one line.
        let lines = joinedContinuations(modelLines(text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            // Runs of blanks shortened (a wide gap still reads as one); arrows as one character.
            withoutLaTeX(withoutComment(String(line))).replacingOccurrences(of: "->", with: "→")
                .replacingOccurrences(of: #"[ \t]{5,}"#, with: "    ", options: .regularExpression)
        }))
        var state = ReaderState(dashedRows: dashedRowCount(lines))
        var problems: [String] = []
        for (n, line) in lines.enumerated() {
            do { try state.statement(line, line: n + 1) } catch { problems += error.problems }
        }
        if problems.isEmpty { problems += state.finish() }
        if !problems.isEmpty { throw SpecError(problems) }
        let spec = FormulationSpec(name: name, variables: state.variables(), objective: state.objective!, constraints: state.constraints)
        try spec.validate()
        return spec
    }
}

/// A linear expression in which `M` may appear: Σ a x + c + M·(Σ k y + m).
struct Affine {
    var terms: [SpecTerm] = []
    var constant = 0.0
    var mTerms: [SpecTerm] = []
    var mConstant = 0.0

    var isConstant: Bool { terms.isEmpty && mTerms.isEmpty && mConstant == 0 }
    var hasM: Bool { !mTerms.isEmpty || mConstant != 0 }

    func scaled(_ k: Double) -> Affine {
        Affine(terms: terms.map { SpecTerm($0.variable, k * $0.coefficient) }, constant: k * constant,
               mTerms: mTerms.map { SpecTerm($0.variable, k * $0.coefficient) }, mConstant: k * mConstant)
    }

    static func + (a: Affine, b: Affine) -> Affine {
        var sum = AffineSum()
        sum.add(a)
        sum.add(b)
        return sum.affine
    }
}

/// A running sum of affine expressions: the terms of one variable add up, in the order variables
/// first appear (what `merged` gives, but each added term costs O(1), not a search of the sum).
struct AffineSum {
    private var terms: [SpecTerm] = [], mTerms: [SpecTerm] = []
    private var index: [String: Int] = [:], mIndex: [String: Int] = [:]
    private var constant = 0.0, mConstant = 0.0

    mutating func add(_ e: Affine) {
        for t in e.terms { Self.add(t, &terms, &index) }
        for t in e.mTerms { Self.add(t, &mTerms, &mIndex) }
        constant += e.constant
        mConstant += e.mConstant
    }

    private static func add(_ t: SpecTerm, _ terms: inout [SpecTerm], _ index: inout [String: Int]) {
        if let k = index[t.variable] { terms[k].coefficient += t.coefficient } else { index[t.variable] = terms.count; terms.append(t) }
    }

    var affine: Affine { Affine(terms: terms, constant: constant, mTerms: mTerms, mConstant: mConstant) }
}

/// `line` without its comment (`#` or `//` to the end).
func withoutComment(_ line: String) -> String {
    var text = line
    for marker in ["#", "//"] { if let r = text.range(of: marker) { text = String(text[..<r.lowerBound]) } }
    return text
}

private enum Token: Equatable {
    case number(Double)
    case name(String)
    case op(Character)  // + - * / ( ) ,
    case relation(String)  // <= >= = < >
}

private struct ReaderState {
    var objective: SpecObjective?
    var objectiveLine = 0
    var constraints: [SpecConstraint] = []
    var used: [String] = []  // in first-appearance order
    var usedLine: [String: Int] = [:]
    var declared: [String: SpecKind?] = [:]
    var lowerBounds: [String: Double] = [:]
    var labels: [String: Int] = [:]

    /// Lines with a relation that start with "- ": two or more are a Markdown list.
    let dashedRows: Int
    /// The domain a header gives the names listed under it ("Variables (integers):").
    var sectionKind: SpecKind?
    /// "All variables are integers": the domain of every variable that declares none.
    var defaultKind: SpecKind?
    /// `maximize` alone on a line (or with a name only): the objective's expression is on the next one.
    var pendingObjective: (sense: ObjectiveSense, line: Int, text: String)?
    /// A `var` list was read: every name must be declared.
    var namesListed = false
    /// Words dropped as a remark after a row, by line: an error if one turns out to be a variable.
    var droppedNotes: [(line: Int, note: String)] = []
    /// Names that follow a number at the end of a row ("<= 40 hours"), by line: a unit, or a variable?
    var unitCandidates: [String: Int] = [:]
    /// The lines each name appears on.
    var lines: [String: Set<Int>] = [:]
    /// Names prose declared ("x and y are integers"): columns only when the model uses them.
    var proseNames: Set<String> = []

    init(dashedRows: Int) {
        self.dashedRows = dashedRows
    }

    mutating func statement(_ raw: String, line: Int) throws(SpecError) {
        // Markdown emphasis and list markers (code fences are gone: `modelLines`), LaTeX.
        var text = raw.trimmingCharacters(in: .whitespaces)
        if dashedRows == 1, text.hasPrefix("- "), text.contains(where: { "<>=≤≥".contains($0) }), commentary(String(text.dropFirst(2))) == nil {
            throw SpecError("line \(line) \"\(text)\": a leading \"- \" is ambiguous (a list bullet, or a minus sign?); write -2x without the space, or drop the bullet")
        }
        text = withoutMarkup(text, dashBullets: dashedRows >= 2)
        while let last = text.last, last == ";" || last == "," || last == "." { text.removeLast() }
        text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return }
        // Statements separated by ";".
        if let parts = splitStatements(text) {
            for part in parts { try statement(part, line: line) }
            return
        }
        let place = "line \(line) \"\(text)\""
        func fail(_ message: String) -> SpecError { SpecError("\(place): \(message)") }
        if let (opened, kind, rest) = splitHeader(text) {
            if opened { sectionKind = kind }
            guard !rest.isEmpty else { return }
            text = withoutMarkup(rest, dashBullets: dashedRows >= 2)
        }

        // The expression of an objective whose `maximize` stood alone on its line.
        // ("Minimize the total cost:" then "Minimize 3x + 5y": the second line is the objective.)
        let opensObjective = ["maximize", "maximise", "max", "minimize", "minimise", "min"].contains(String(text.prefix { $0.isLetter }).lowercased())
        if let pending = pendingObjective, !opensObjective {
            pendingObjective = nil
            guard !text.contains(where: { "<>≤≥".contains($0) }) else {
                throw SpecError("line \(pending.line) \"\(pending.text)\": empty objective: write the expression after \(pending.text) (on the same line or the next), e.g. maximize 5 trucks + 10 planes")
            }
            try objective(pending.sense, body: text, text: "\(pending.text) \(text)", line: pending.line, fail)
            return
        }

        // Objective.
        let firstWord = String(text.prefix { $0.isLetter }).lowercased()
        let wordEnds = [nil, " ", ":", "("].contains(text.dropFirst(firstWord.count).first)
        let rest = text.dropFirst(firstWord.count).drop { $0 == " " || $0 == ":" }
        if wordEnds, let sense = ["maximize": ObjectiveSense.maximize, "maximise": .maximize, "max": .maximize,
                                  "minimize": .minimize, "minimise": .minimize, "min": .minimize][firstWord] {
            if objective != nil { throw fail("a second objective (the first is on line \(objectiveLine))") }
            pendingObjective = nil
            try objective(sense, body: String(rest), text: text, line: line, fail)
            return
        }

        // Declarations: integer a, b / continuous … / binary … / var …; "Binary: b1, b2 = 1 if …".
        let kinds: [String: SpecKind?] = ["integer": .integer, "integers": .integer, "int": .integer, "general": .integer, "generals": .integer,
                                          "continuous": .continuous, "binary": .binary, "binaries": .binary, "bin": .binary, "var": nil, "vars": nil]
        if let kind = kinds[firstWord] ?? nil, text.dropFirst(firstWord.count).first == ":" {
            sectionKind = kind
            text = String(rest)
            if text.isEmpty { return }
            if let said = commentary(text) {
                for case .declarations(let names, let k) in said { try declare(names, k ?? kind, fail) }
                return
            }
        }
        if wordEnds, let kind = kinds[firstWord], !rest.contains(where: { "<>=≤≥".contains($0) }), !hasProse(String(rest)) {
            let names = rest.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            if names.isEmpty { throw fail("a declaration lists no variables") }
            try declare(names, kind ?? sectionKind, fail)
            if kind == nil { namesListed = true }
            return
        }
        // Domains written after the names; "all variables >= 0" (implied).
        if text.lowercased().range(of: #"^(all|the)( decision)? variables (are )?(>=|≥|=>)\s*0$"#, options: .regularExpression) != nil { return }
        // As written ("x, y >= 0 (continuous)"), else without a remark ("y in {0,1}  : y = 1 → …").
        var postfix: (names: [String], kind: SpecKind, rest: String?)?
        do { postfix = try postfixDeclaration(text) } catch {
            guard let bare = try? postfixDeclaration(withoutTrailingNote(text).row) else { throw fail(error.problems.joined(separator: "; ")) }
            postfix = bare
        }
        if postfix == nil { postfix = try? postfixDeclaration(withoutTrailingNote(text).row) }
        if let postfix {
            try declare(postfix.names, postfix.kind, fail)
            guard let rest = postfix.rest else { return }
            text = rest
        }
        // A sentence restating a row: its formula.
        if let formula = restatedFormula(text) { text = formula }
        // Prose: variable descriptions, domain sentences, headings and remarks.
        if let said = commentary(text) {
            for s in said {
                switch s {
                case .declarations(let names, let kind):
                    try declare(names, kind ?? sectionKind, fail)
                    proseNames.formUnion(names)
                case .defaultKind(let kind): defaultKind = kind
                case .note: break
                }
            }
            return
        }
        // A name list under a header that gives a domain: "Variables (integers):" then "z, s, w".
        if let kind = sectionKind, text.split(whereSeparator: { $0 == "," || $0 == " " }).allSatisfy({ isIdentifier(String($0)) }) {
            try declare(text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init), kind, fail)
            return
        }
        // Several rows on one line.
        if let rows = splitRows(text) {
            for row in rows { try statement(row, line: line) }
            return
        }
        // A remark after the row.
        let (bare, words) = withoutTrailingNote(text)
        if let words { droppedNotes.append((line, words)) }
        text = bare

        // A constraint, with an optional label.
        var body = text
        var label: String?
        if let colon = text.firstIndex(of: ":") {
            // "c1:", and the labels LLMs write: "Budget constraint:", "Constraint 2:", "(1):".
            var candidate = text[..<colon].trimmingCharacters(in: .whitespaces)
            if candidate.hasPrefix("("), candidate.hasSuffix(")") { candidate = "c" + candidate.dropFirst().dropLast() }
            guard candidate.range(of: #"^[A-Za-z_][A-Za-z0-9_ '\-]*$"#, options: .regularExpression) != nil else {
                throw fail("\"\(candidate)\" is not a constraint label (letters, digits, _, spaces)")
            }
            candidate = identifier(from: candidate)
            if let first = labels[candidate] { throw fail("duplicate label \"\(candidate)\" (also line \(first))") }
            labels[candidate] = line
            label = candidate
            body = String(text[text.index(after: colon)...])
        }
        let tokens = try tokenize(body, fail)
        var sides: [[Token]] = [[]]
        var relations: [String] = []
        for t in tokens {
            if case .relation(let r) = t { relations.append(r); sides.append([]) } else { sides[sides.count - 1].append(t) }
        }
        guard !relations.isEmpty else {
            throw fail("not a statement: expected an objective (maximize/minimize …), a declaration, or a constraint with <=, >= or =")
        }
        if let strict = relations.first(where: { $0 == "<" || $0 == ">" }) {
            throw fail("strict inequality '\(strict)' cannot be modeled; write \(strict)= (or add the margin yourself, e.g. x >= y + 1 for integers)")
        }
        guard relations.count <= 2 else { throw fail("more than two relations in one statement") }
        if relations.count == 2, relations[0] != relations[1] || relations[0] == "=" {
            throw fail("a chain must read a <= e <= b or a >= e >= b")
        }
        // "x, y, z >= 0": the same relation for every listed variable.
        if relations.count == 1, sides[0].contains(.op(",")) {
            let names = sides[0].split(separator: .op(","))
            guard names.allSatisfy({ $0.count == 1 && { if case .name(let n) = $0.first!, n != "M" { true } else { false } }($0) }) else {
                throw fail("a comma may only separate variable names, as in x, y >= 0")
            }
            for n in names {
                try constraint([n.first!], relations[0], sides[1], label: nil, source: text, line: line, fail)
            }
            return
        }
        for k in 0..<relations.count {
            try constraint(sides[k], relations[k], sides[k + 1], label: relations.count == 2 && label != nil ? "\(label!)_\(k + 1)" : label, source: text, line: line, fail)
        }
    }

    /// lhs (relation) rhs as a spec constraint (a linear row, an indicator row, or a bound).
    mutating func constraint(_ lhs: [Token], _ relation: String, _ rhs: [Token], label: String?, source: String, line: Int,
                             _ fail: (String) -> SpecError) throws(SpecError) {
        guard !lhs.isEmpty, !rhs.isEmpty else { throw fail("a side of '\(relation)' is empty") }
        // "<= 40 hours": a unit after the number, or a variable? Decided once every line is read.
        if rhs.count >= 2, case .number = rhs[rhs.count - 2], case .name(let n) = rhs[rhs.count - 1], n != "M",
           rhs.count == 2 || [Token.op("+"), .op("-")].contains(rhs[rhs.count - 3]) {
            unitCandidates[n] = unitCandidates[n] ?? line
        }
        var l = lhs, r = rhs
        let difference = try parse(&l, fail) + parse(&r, fail).scaled(-1)
        var op: RowOperator = relation == "<=" ? .lessOrEqual : relation == ">=" ? .greaterOrEqual : .equal
        var e = difference
        let terms = e.terms.filter { $0.coefficient != 0 }
        note(terms.map(\.variable) + e.mTerms.map(\.variable), line)
        let sentence = source
        let origin = "line \(line)"
        guard e.hasM else {
            if terms.isEmpty { throw fail("no variables: the statement compares constants") }
            // Nonnegativity is implied; a negative lower bound on one variable widens its domain.
            if terms.count == 1, op == .greaterOrEqual, terms[0].coefficient > 0 {
                let bound = -e.constant / terms[0].coefficient
                if bound <= 0 {
                    if bound < 0 { lowerBounds[terms[0].variable] = min(lowerBounds[terms[0].variable] ?? 0, bound) }
                    return
                }
            }
            constraints.append(SpecConstraint(.linear(terms: terms, op: op, rhs: -e.constant), sentence: sentence, name: label, origin: origin))
            return
        }
        // Big-M: e + M·g (op) 0, i.e. (as ≤) e ≤ M·h with h = −g: enforced where h = 0, relaxed where h > 0.
        if op == .equal { throw fail("M (big-M) cannot appear in an equality: an equality cannot be relaxed one way; write two rows, <= and >=") }
        if op == .greaterOrEqual { e = e.scaled(-1); op = .lessOrEqual }
        let h = e.mTerms.filter { $0.coefficient != 0 }.map { SpecTerm($0.variable, -$0.coefficient) }, hConstant = -e.mConstant
        if h.isEmpty { throw fail("M multiplies no variable here, so the row would always hold; M (big-M) must multiply a variable or an expression with variables, as in x <= M*b") }
        let rowTerms = e.terms.filter { $0.coefficient != 0 }
        if rowTerms.isEmpty { throw fail("the big-M row has no variable besides those M multiplies") }
        // Keep the row in the user's direction: for >=, -e ≥ e's constant - M·h.
        let userTerms = relation == ">=" ? rowTerms.map { SpecTerm($0.variable, -$0.coefficient) } : rowTerms
        let rowOp: RowOperator = relation == ">=" ? .greaterOrEqual : .lessOrEqual, rhs = relation == ">=" ? e.constant : -e.constant
        let template: Template
        if h.count == 1, isBinary(h[0].variable), h[0].coefficient == 1 && hConstant == 0 || h[0].coefficient == -1 && hConstant == 1 {
            // M·b or M·(1 − b): an indicator row (b = 0, resp. b = 1, enforces it).
            template = .indicator(indicator: h[0].variable, active: hConstant == 1, terms: userTerms, op: rowOp, rhs: rhs, bigM: nil)
        } else {
            template = .relaxed(terms: userTerms, op: rowOp, rhs: rhs, relaxedBy: h, relaxedByConstant: hConstant, bigM: nil)
        }
        constraints.append(SpecConstraint(template, sentence: sentence, name: label, origin: origin))
    }

    /// The objective from the expression after `maximize`/`minimize` (`z = 3x + 2y`, `profit: …`).
    mutating func objective(_ sense: ObjectiveSense, body text: String, text sentence: String, line: Int, _ fail: (String) -> SpecError) throws(SpecError) {
        var body = text
        // "3x + 2y   -- profit in euros", "→ total vitamin D"
        if let mark = body.range(of: #"\s+(→|⇒|--)\s+"#, options: .regularExpression), hasProse(String(body[mark.upperBound...])) {
            body = String(body[..<mark.lowerBound])
        }
        body = withoutTrailingNote(body).row
        // The objective's name: "z = 3x + 2y", "profit: …", "revenue R = …", "(vitamin D): …", "total covered population:".
        if let eq = body.firstIndex(where: { $0 == "=" || $0 == ":" }),
           body[..<eq].range(of: #"^[A-Za-z0-9_ ()'\-]*$"#, options: .regularExpression) != nil {
            body = String(body[body.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        } else if hasProse(body), body.range(of: #"^[A-Za-z '\-]+$"#, options: .regularExpression) != nil {
            body = ""  // "Maximize net profit": the expression follows
        }
        if body.isEmpty, pendingObjective == nil, objective == nil {
            pendingObjective = (sense, line, sentence)
            return
        }
        var tokens = try tokenize(body, fail)
        if tokens.contains(where: { if case .relation = $0 { true } else { false } }) { throw fail("an objective has no <=, >= or =") }
        if tokens.isEmpty { throw fail("empty objective: write e.g. maximize 5 trucks + 10 planes") }
        let e = try parse(&tokens, fail)
        if e.hasM { throw fail("M (big-M) cannot appear in the objective") }
        if e.terms.allSatisfy({ $0.coefficient == 0 }) { throw fail("empty objective: it has no variable with a nonzero coefficient") }
        note(e.terms.map(\.variable), line)
        objective = SpecObjective(sense: sense, terms: e.terms, constant: e.constant, sentence: sentence)
        objectiveLine = line
    }

    /// Declares `names` with `kind` (nil: no domain given).
    mutating func declare(_ names: [String], _ kind: SpecKind?, _ fail: (String) -> SpecError) throws(SpecError) {
        for n in names {
            guard isIdentifier(n), n != "M" else { throw fail("\"\(n)\" is not a variable name (letters, digits, _)") }
            if let previous = declared[n], let previous, let kind, previous != kind { throw fail("\"\(n)\" is declared twice with different kinds") }
            if declared[n] == nil || kind != nil { declared[n] = kind }
        }
    }

    func isBinary(_ name: String) -> Bool {
        if let kind = declared[name] { return kind == .binary }
        return name.hasPrefix("bi_")
    }

    mutating func note(_ names: [String], _ line: Int) {
        for n in names {
            lines[n, default: []].insert(line)
            if usedLine[n] == nil {
                used.append(n)
                usedLine[n] = line
            }
        }
    }

    /// Checks run once every line is read: an objective, declared names, likely typos.
    func finish() -> [String] {
        var problems: [String] = []
        if let pending = pendingObjective {
            problems.append("line \(pending.line) \"\(pending.text)\": empty objective: write the expression after it (on the same line or the next), e.g. maximize 5 trucks + 10 planes")
        } else if objective == nil {
            problems.append("no objective: add a line such as `maximize 5 trucks + 10 planes` or `minimize cost`")
        }
        for (n, line) in unitCandidates.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }) where lines[n] == [line] && declared[n] == nil {
            problems.append("line \(line): \"\(n)\" follows a number and appears nowhere else: if it is a unit, drop it; if it is a variable, write the product with * or declare \(n)")
        }
        for (line, note) in droppedNotes {
            let words = Set(note.split(whereSeparator: { " ,.;()".contains($0) }).map(String.init))
            if let variable = used.first(where: words.contains) {
                problems.append("line \(line): the words after the row, \"\(note)\", name the variable \"\(variable)\" (line \(usedLine[variable]!)); write the row with operators, or put the remark in a comment (#)")
            }
        }
        if namesListed {
            let declaredNames = Set(declared.keys)
            for n in used where declared[n] == nil {
                problems.append("line \(usedLine[n]!): unknown variable \"\(n)\" (not declared)\(suggestion(n, declaredNames))")
            }
        } else {
            // The first other name that is n's plural or differs from n in case only (by lookup:
            // searching `used` for every name was quadratic).
            var position: [String: Int] = [:], byLowercase: [String: [Int]] = [:]
            for (k, n) in used.enumerated() {
                position[n] = k
                byLowercase[n.lowercased(), default: []].append(k)
            }
            for (k, n) in used.enumerated() {
                let candidates = [position[n + "s"], byLowercase[n.lowercased()]?.first { $0 != k }]
                if let first = candidates.compactMap({ $0 }).min() {
                    let other = used[first]
                    problems.append("line \(usedLine[n]!): \"\(n)\" and \"\(other)\" (line \(usedLine[other]!)) are both used; if they are the same quantity, use one name")
                }
            }
        }
        for (n, k) in declared.sorted(by: { $0.key < $1.key }) where k == .binary && lowerBounds[n] != nil {
            problems.append("line \(usedLine[n] ?? 0): binary \"\(n)\" cannot have a negative lower bound")
        }
        return problems
    }

    func variables() -> [SpecVariable] {
        let names = used + declared.keys.filter { usedLine[$0] == nil && !proseNames.contains($0) }.sorted()
        let known = Set(names)
        return names.map { n in
            let kind: SpecKind? = declared[n] ?? (n.hasPrefix("bi_") ? .binary : defaultKind)
            let quantity = String(n.dropFirst(3))
            let indicatorOf = kind == .binary && n.hasPrefix("bi_") && known.contains(quantity) ? quantity : nil
            return SpecVariable(name: n, kind: kind, lower: lowerBounds[n] ?? 0, upper: kind == .binary ? 1 : .infinity, indicatorOf: indicatorOf)
        }
    }

    // MARK: Tokens and expressions

    private func tokenize(_ text: String, _ fail: (String) -> SpecError) throws(SpecError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                var s = ""
                while j < chars.count {
                    let d = chars[j]
                    if d.isNumber || d == "." {
                        s.append(d)
                    } else if d == ",", !s.contains("."), j + 3 < chars.count, chars[(j + 1)...(j + 3)].allSatisfy(\.isNumber),
                              j + 4 == chars.count || !chars[j + 4].isNumber {
                        // a thousands separator: 1,000
                    } else if (d == "e" || d == "E"), j + 1 < chars.count,
                              chars[j + 1].isNumber || ("+-".contains(chars[j + 1]) && j + 2 < chars.count && chars[j + 2].isNumber) {
                        s.append("e")
                        if "+-".contains(chars[j + 1]) { s.append(chars[j + 1]); j += 1 }
                    } else {
                        break
                    }
                    j += 1
                }
                guard var x = Double(s) else { throw fail("\"\(String(chars[i..<j]))\" is not a number") }
                if j < chars.count, chars[j] == "%" { x /= 100; j += 1 }
                tokens.append(.number(x))
                i = j
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                let name = String(chars[i..<j])
                if j < chars.count, chars[j] == "(", Self.functions.contains(name.lowercased()) {
                    throw fail("unknown function \"\(name)\": the model must be linear (sums written out term by term; no abs, min, max, powers or logs)")
                }
                tokens.append(.name(name))
                i = j
                continue
            }
            if c == "^" || (c == "*" && i + 1 < chars.count && chars[i + 1] == "*") {
                throw fail("a power (\(c == "^" ? "^" : "**")) is not linear; the model must be linear")
            }
            let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
            if ["<=", ">=", "==", "=<", "=>"].contains(two) {
                tokens.append(.relation(two == "==" ? "=" : two.contains("<") ? "<=" : ">="))
                i += 2
                continue
            }
            switch c {
            case "≤", "⩽", "≦": tokens.append(.relation("<="))
            case "≥", "⩾", "≧": tokens.append(.relation(">="))
            case "≠": throw fail("'≠' cannot be modeled as one linear row; write the two cases with a binary (x <= a - 1 + M*b, x >= a + 1 - M*(1 - b))")
            case "∑", "Σ": throw fail("a summation sign: write the sum out term by term (one row per line, numbers instead of indices)")
            case "∀": throw fail("an indexed row (∀): write one row per index, with the numbers filled in")
            case "=", "<", ">": tokens.append(.relation(String(c)))
            case "+", "-", "*", "/", "(", ")", ",": tokens.append(.op(c))
            case "−", "–": tokens.append(.op("-"))
            case "·", "×", "⋅", "∙", "∗": tokens.append(.op("*"))
            case "[": tokens.append(.op("("))
            case "]": tokens.append(.op(")"))
            default: throw fail("unexpected character '\(c)'")
            }
            i += 1
        }
        return tokens
    }

    /// A whole side: the tokens must be used up.
    private func parse(_ tokens: inout [Token], _ fail: (String) -> SpecError) throws(SpecError) -> Affine {
        var position = 0
        let e = try expression(tokens, &position, depth: 0, fail)
        if position < tokens.count {
            if tokens[position] == .op(")") { throw fail("a ')' has no matching '(' (after \(render(Array(tokens[..<position]))))") }
            throw fail("unexpected \(describe(tokens[position])) after \(render(Array(tokens[..<position])))")
        }
        return e
    }

    /// Function names LLMs write that a linear model cannot hold.
    static let functions: Set<String> = ["abs", "max", "min", "sum", "exp", "log", "ln", "sqrt", "sin", "cos", "tan", "floor", "ceil", "round",
                                         "pow", "if", "mod", "prod", "avg", "mean", "sign", "sumproduct", "norm"]

    /// How deeply parentheses and unary signs after `*` or `/` may nest: each level is a few stack
    /// frames, and a few thousand of them (a line of `(((…`) would overflow the stack.
    static let maximumNesting = 100

    private func expression(_ t: [Token], _ p: inout Int, depth: Int, _ fail: (String) -> SpecError) throws(SpecError) -> Affine {
        var sum = AffineSum()
        var sign = 1.0
        var first = true
        while true {
            while p < t.count, t[p] == .op("+") || t[p] == .op("-") {
                if t[p] == .op("-") { sign = -sign }
                p += 1
            }
            if !first && p >= t.count { throw fail("an expression ends with an operator") }
            sum.add(try product(t, &p, depth: depth, fail).scaled(sign))
            first = false
            sign = 1
            guard p < t.count, t[p] == .op("+") || t[p] == .op("-") else { return sum.affine }
        }
    }

    private func product(_ t: [Token], _ p: inout Int, depth: Int, _ fail: (String) -> SpecError) throws(SpecError) -> Affine {
        let start = p
        var value = try factor(t, &p, depth: depth, fail)
        while p < t.count {
            var divide = false
            if t[p] == .op("*") || t[p] == .op("/") {
                divide = t[p] == .op("/")
                p += 1
            } else if case .number = t[p] {
                // "x 5": a number after a factor is a typo more often than a product.
                throw fail("a number follows \(render(Array(t[start..<p]))) without an operator")
            } else if t[p] == .op("(") || { if case .name = t[p] { true } else { false } }() {
                if case .name(let a) = t[p - 1], case .name(let b) = t[p], a != "M", b != "M" {
                    throw fail("\"\(a) \(b)\": two names in a row; a variable name has no spaces (write \(a)_\(b))")
                }
            } else {
                return value
            }
            let rhs = try factor(t, &p, depth: depth, fail)
            // Rendered for errors only: rendering on every factor made long products quadratic.
            var shown: String { render(Array(t[start..<p])) }
            if divide {
                guard rhs.isConstant else { throw fail("non-linear: division by an expression with variables (\(shown))") }
                guard rhs.constant != 0 else { throw fail("division by zero (\(shown))") }
                value = value.scaled(1 / rhs.constant)
            } else if rhs.isConstant {
                value = value.scaled(rhs.constant)
            } else if value.isConstant {
                value = rhs.scaled(value.constant)
            } else if let m = pureM(value), !rhs.hasM {
                value = Affine(constant: 0, mTerms: rhs.terms.map { SpecTerm($0.variable, m * $0.coefficient) }, mConstant: m * rhs.constant)
            } else if let m = pureM(rhs), !value.hasM {
                value = Affine(constant: 0, mTerms: value.terms.map { SpecTerm($0.variable, m * $0.coefficient) }, mConstant: m * value.constant)
            } else {
                throw fail("non-linear term \(shown): a product of variables; the model must be linear")
            }
        }
        return value
    }

    /// k when `a` is k·M and nothing else.
    private func pureM(_ a: Affine) -> Double? {
        a.terms.isEmpty && a.constant == 0 && a.mTerms.isEmpty && a.mConstant != 0 ? a.mConstant : nil
    }

    private func factor(_ t: [Token], _ p: inout Int, depth: Int, _ fail: (String) -> SpecError) throws(SpecError) -> Affine {
        guard p < t.count else { throw fail("an expression ends too early") }
        guard depth < Self.maximumNesting else {
            throw fail("parentheses and signs nest more than \(Self.maximumNesting) levels deep")
        }
        let token = t[p]
        p += 1
        switch token {
        case .number(let x): return Affine(constant: x)
        case .name("M"): return Affine(mConstant: 1)
        case .name(let n): return Affine(terms: [SpecTerm(n, 1)])
        case .op("-"): return try factor(t, &p, depth: depth + 1, fail).scaled(-1)
        case .op("+"): return try factor(t, &p, depth: depth + 1, fail)
        case .op("("):
            let inner = try expression(t, &p, depth: depth + 1, fail)
            guard p < t.count, t[p] == .op(")") else { throw fail("a '(' is not closed") }
            p += 1
            return inner
        default: throw fail("unexpected \(describe(token))")
        }
    }

    private func describe(_ t: Token) -> String {
        switch t {
        case .number(let x): "number \(formatCoefficient(x))"
        case .name(let n): "name \"\(n)\""
        case .op(let c): "'\(c)'"
        case .relation(let r): "'\(r)'"
        }
    }

    private func render(_ tokens: [Token]) -> String {
        tokens.map { t in
            switch t {
            case .number(let x): formatCoefficient(x)
            case .name(let n): n
            case .op(let c): String(c)
            case .relation(let r): r
            }
        }.joined(separator: " ")
    }
}
