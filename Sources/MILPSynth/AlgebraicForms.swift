import Foundation

// The surface forms LLMs wrap algebraic models in — Markdown, section headers, list numbering,
// variable descriptions, postfix domains — reduced to the statements `AlgebraicReader` parses.
// Pure functions on one line of text (comments already removed).

/// Section headers, longest first so that "decision variables" wins over "variables"; `opens`
/// when the header starts a section (a domain it names then holds until the next one), not for
/// "where", "with" and "end".
private let headers: [(words: String, opens: Bool)] = ([
    "objective function", "objective", "goal", "decision variables", "variables", "variable", "declarations", "domains", "domain",
    "variable domains", "integrality", "non-negativity", "nonnegativity", "sign restrictions", "subject to", "such that",
    "constraints", "constraint", "s.t.", "s.t", "st", "bounds",
].map { ($0, true) } + [("where", false), ("with", false), ("end", false)]).sorted { $0.words.count > $1.words.count }

/// Headers that may run into a statement without a colon ("subject to x + y <= 4", "where x >= 0").
private let runOnHeaders: Set<String> = ["subject to", "such that", "s.t.", "s.t", "where", "with"]

/// A header at the start of `text`: whether it opens a section, the domain a parenthesis
/// after it names ("Variables (integers):"), and the rest of the line. "Constraints:",
/// "Subject to", "s.t. x + y <= 4", "Objective: maximize 3x".
func splitHeader(_ text: String) -> (opens: Bool, kind: SpecKind?, rest: String)? {
    let lower = text.lowercased()
    for (words, opens) in headers where lower.hasPrefix(words) {
        let after = text.dropFirst(words.count)
        if after.isEmpty { return (opens, nil, "") }
        var rest = after.drop { $0 == " " || $0 == "\t" }
        var kind: SpecKind?
        if rest.first == "(", let close = rest.firstIndex(of: ")"), rest[rest.index(after: close)...].drop(while: { $0 == " " }).first == ":" {
            kind = domain(in: rest[..<close].lowercased())
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        if let mark = rest.first, ":-–—".contains(mark), mark == ":" || rest.dropFirst().first == " " {
            return (opens, kind, String(rest.dropFirst()).trimmingCharacters(in: .whitespaces))
        }
        // "st" and "s.t" only as whole words; a header runs on only after a space.
        if runOnHeaders.contains(words), rest.count < after.count { return (opens, nil, String(rest)) }
    }
    return nil
}

/// The formula of a sentence that restates a row: "Constraint 3 can also be written as 0.3x ≥ 0.7y".
func restatedFormula(_ text: String) -> String? {
    guard let match = text.range(of: #"(?i)\b(?:can (?:also )?be (?:re)?written as|which (?:gives|simplifies to|becomes)|or equivalently|i\.e\.|that is,)\s+"#,
                                 options: .regularExpression), text[..<match.lowerBound].contains(where: \.isLetter) else { return nil }
    let formula = text[match.upperBound...].trimmingCharacters(in: .whitespaces)
    return formula.contains(where: { "<>=≤≥".contains($0) }) ? formula : nil
}

/// A line holding several statements separated by ";" outside parentheses, split; nil otherwise.
func splitStatements(_ text: String) -> [String]? {
    var parts: [String] = [], current = "", depth = 0
    // ";" outside parentheses, and a comma before a wide gap ("x, y ≥ 0,   x, y integer").
    for c in text.replacingOccurrences(of: #",\s{3,}"#, with: ";", options: .regularExpression) {
        if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
        if c == ";" && depth == 0 { parts.append(current); current = "" } else { current.append(c) }
    }
    parts.append(current)
    let statements = parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return statements.count > 1 ? statements : nil
}

/// The lines of a text with continuations joined: a line starting with `+` continues the one
/// before, and so does every line after one ending in an operator or `=` (a sum written over
/// several lines). Joined lines become empty, so line numbers stay.
func joinedContinuations(_ lines: [String]) -> [String] {
    var out = lines
    var open: Int?  // the line being continued
    for k in out.indices {
        let t = out[k].trimmingCharacters(in: .whitespaces)
        let previous = open.map { out[$0].trimmingCharacters(in: .whitespaces) } ?? ""
        if let o = open, !t.isEmpty, t.hasPrefix("+") || (previous.last.map({ "+-*/=(≤≥<>".contains($0) }) == true && !previous.hasSuffix("**")) {
            out[o] += " " + t
            out[k] = ""
            continue
        }
        if !t.isEmpty { open = k }
    }
    return out
}

/// `text` without Markdown emphasis around a leading phrase (`**Objective:**`) and list markers:
/// `1.`/`1)` numbering, `*`/`•` bullets, and `- ` bullets on lines without a relation or when
/// `dashBullets` (a file whose rows are a dashed list; in one row alone, `- 2x` could be a minus).
func withoutMarkup(_ text: String, dashBullets: Bool) -> String {
    var s = Substring(text)
    // A few layers at most ("1. **Budget**:"); a line of thousands of markers is not a model's.
    for _ in 0..<8 {
        let before = s
        s = Substring(markupStep(s, dashBullets: dashBullets))
        if s == before { break }
    }
    return String(s)
}

/// One layer of `withoutMarkup`: emphasis, then a list marker.
private func markupStep(_ text: Substring, dashBullets: Bool) -> String {
    var s = text
    while s.hasPrefix("**"), let close = s.dropFirst(2).range(of: "**") {
        s = s[s.index(s.startIndex, offsetBy: 2)..<close.lowerBound] + s[close.upperBound...]
    }
    s = s.drop { $0 == " " }
    if let first = s.first, first == "*" || first == "•" || (first == "-" && (dashBullets || !s.contains(where: { "<>=≤≥".contains($0) }) || commentary(String(s.dropFirst(2))) != nil)), s.dropFirst().first == " " {
        s = s.dropFirst(2)
    } else {
        let open = s.first == "(" ? 1 : 0
        let digits = s.dropFirst(open).prefix { $0.isASCII && $0.isNumber }
        let after = s.dropFirst(open + digits.count)
        if !digits.isEmpty, digits.count <= 3, let mark = after.first, (open == 0 && mark == ".") || mark == ")", after.dropFirst().first == " " {
            s = after.dropFirst(2)
        }
    }
    return s.trimmingCharacters(in: .whitespaces)
}

/// The lines of a reply that hold the model: those inside ``` (or ~~~) fences when there are any
/// (the prose around them is not the model), else all; the others become empty, so line numbers
/// stay those of the reply.
func modelLines(_ lines: [String]) -> [String] {
    let fences = lines.indices.filter { let t = lines[$0].trimmingCharacters(in: .whitespaces); return t.hasPrefix("```") || t.hasPrefix("~~~") }
    guard fences.count >= 2 else { return lines }
    var inside = false
    return lines.indices.map { k in
        if fences.contains(k) { inside.toggle(); return "" }
        return inside ? lines[k] : ""
    }
}

/// How many lines with a relation start with "- ": two or more make the rows a dashed Markdown
/// list (one such line is ambiguous; the reader reports it).
func dashedRowCount(_ lines: [String]) -> Int {
    lines.filter { line in
        let t = line.trimmingCharacters(in: .whitespaces)
        return t.hasPrefix("- ") && t.contains(where: { "<>=≤≥".contains($0) }) && commentary(String(t.dropFirst(2))) == nil
    }.count
}

/// The domain named in a description or declaration, if any.
private func domain(in words: String) -> SpecKind? {
    if ["binary", "0-1", "0/1", "0 or 1", "1 if", "whether"].contains(where: words.contains) { return .binary }
    if ["integer", "whole number", "int)"].contains(where: words.contains) { return .integer }
    if ["continuous", "real", "fractional"].contains(where: words.contains) { return .continuous }
    return nil
}

/// A declaration written after the names: `x, y integer`, `x, y >= 0 and integer`,
/// `b1, b2 ∈ {0, 1}`, `x ∈ Z+`. The names, their domain, and what is left to read as a statement
/// (`x, y >= 0`), if anything. Nil when the line is not one; throws for a domain it cannot model.
func postfixDeclaration(_ text: String) throws(SpecError) -> (names: [String], kind: SpecKind, rest: String?)? {
    func names(_ list: Substring) -> [String]? {
        let parts = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return !parts.isEmpty && parts.allSatisfy({ isIdentifier($0) && $0 != "M" }) ? parts : nil
    }
    let member = text.range(of: "∈") ?? text.range(of: #"\s+in\s+(?=[{ℤℝℕZRN])"#, options: .regularExpression)
    if let member {
        guard let list = names(text[..<member.lowerBound]) else { return nil }
        let set = text[member.upperBound...].filter { $0 != " " }.lowercased()
        if ["{0,1}", "{0;1}", "𝔹", "b", "{0,1}^n"].contains(set) { return (list, .binary, nil) }
        if let f = set.first, "zℤnℕ".contains(f) || set.hasPrefix("integer") { return (list, .integer, nil) }
        if let f = set.first, "rℝ".contains(f) {
            if set.contains("+") || set.contains("≥0") || set.contains(">=0") || set.contains("₊") { return (list, .continuous, nil) }
            throw SpecError("\"\(text)\": free variables (∈ ℝ) are not supported; variables are ≥ 0 unless a row gives a lower bound, e.g. \(list[0]) >= -1000")
        }
        throw SpecError("\"\(text)\": unknown domain after ∈; write {0,1}, ℤ+ or ℝ+ (or integer, binary, continuous)")
    }
    let lower = text.lowercased()
    for (suffix, kind) in [("integers", SpecKind.integer), ("integer", .integer), ("binaries", .binary), ("binary", .binary), ("continuous", .continuous)] {
        for joint in [" and ", ", ", " ", "(", " ("] {
            var ending = joint + suffix
            if joint.hasSuffix("(") { ending += ")" }
            guard lower.hasSuffix(ending) else { continue }
            let head = text.dropLast(ending.count).trimmingCharacters(in: .whitespaces)
            if let list = names(Substring(head)) { return (list, kind, nil) }
            // "x, y >= 0 and integer": the names are the left side of a bound.
            if let relation = head.firstIndex(where: { ">≥".contains($0) }), let list = names(head[..<relation]),
               Double(head[relation...].drop { ">=≥ ".contains($0) }) != nil {
                return (list, kind, head)
            }
        }
    }
    return nil
}

/// A line holding several rows joined by `,`, `;` or `and` (`x >= 0, y >= 0`, `a <= 5 and b <= 8`),
/// split into them; nil when it is one statement (a name list such as `x, y >= 0` stays whole).
func splitRows(_ text: String) -> [String]? {
    var parts: [String] = []
    var current = ""
    var depth = 0
    let chars = Array(text)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
        let andHere = depth == 0 && String(chars[i..<min(i + 5, chars.count)]).lowercased() == " and "
        // A comma between digits is a thousands separator (1,000).
        let commaHere = depth == 0 && c == "," && !(i > 0 && chars[i - 1].isNumber && i + 1 < chars.count && chars[i + 1].isNumber)
        if andHere || commaHere || (depth == 0 && c == ";") {
            parts.append(current)
            current = ""
            i += andHere ? 5 : 1
            continue
        }
        current.append(c)
        i += 1
    }
    parts.append(current)
    let rows = parts.map { $0.trimmingCharacters(in: .whitespaces) }
    guard rows.count > 1, rows.allSatisfy({ $0.contains(where: { "<>=≤≥".contains($0) }) }) else { return nil }
    return rows
}

/// The longest line the prose forms (descriptions, sentences, remarks) are looked for in: their
/// patterns cost more than linear time, and an LLM's prose lines are far shorter. Longer lines
/// are read as plain statements.
let proseLimit = 2_000

/// Whether `text` holds two words in a row (letters only): prose, not an expression.
func hasProse(_ text: String) -> Bool {
    text.utf8.count <= proseLimit && text.range(of: #"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z'\-]+\s+[A-Za-z][A-Za-z'\-]+(?![A-Za-z0-9_])"#, options: .regularExpression) != nil
}

/// LaTeX an LLM may put in a model (`$x_{1} \leq 4$`, `\cdot`, `\in \{0,1\}`) as plain text.
func withoutLaTeX(_ text: String) -> String {
    guard text.contains("$") || text.contains("\\") || text.contains("&") || text.contains("{,}") else { return text }
    var s = text
    s = s.replacingOccurrences(of: #"\\(begin|end)\{[a-z*]*\}"#, with: "", options: .regularExpression)
    s = s.replacingOccurrences(of: #"\\frac\{([^{}]*)\}\{([^{}]*)\}"#, with: "($1)/($2)", options: .regularExpression)
    for (command, plain) in [("\\\\", ";"), ("\\[", ""), ("\\]", ""), ("\\(", ""), ("\\)", ""), ("\\left", ""), ("\\right", ""), ("&", ""),
                             ("{,}", ","), ("\\qquad", ";"), ("\\quad", ";"), ("\\text{ and integer}", " and integer"),
                             ("\\leq", "≤"), ("\\le", "≤"), ("\\geq", "≥"), ("\\ge", "≥"), ("\\neq", "≠"), ("\\cdot", "*"), ("\\times", "*"),
                             ("\\in", "∈"), ("\\{", "{"), ("\\}", "}"), ("\\sum", "∑"), ("\\min", "min"), ("\\max", "max"), ("\\forall", "∀"), ("\\mathbb{Z}", "ℤ"), ("\\mathbb{R}", "ℝ"),
                             ("\\mathbb{N}", "ℕ"), ("\\,", " "), ("\\;", " "), ("\\!", ""), ("$", "")] {
        s = s.replacingOccurrences(of: command, with: plain)
    }
    s = s.replacingOccurrences(of: #"\\text\{([^}]*)\}"#, with: "$1", options: .regularExpression)
    return s.replacingOccurrences(of: #"_\{([A-Za-z0-9_,]*)\}"#, with: "_$1", options: .regularExpression)
}

/// What a line of prose says about the variables.
enum Commentary: Equatable {
    /// Names with the domain their description gives (nil: none).
    case declarations([String], SpecKind?)
    /// "All variables are integers": the domain of every variable that declares none.
    case defaultKind(SpecKind)
    /// Prose that says nothing the model needs ("Stock constraints", "Choose one supplier").
    case note
}

/// A comma- or "and"-separated list of names.
private let nameList = #"[A-Za-z_][A-Za-z0-9_]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_]*|\s*,?\s+and\s+[A-Za-z_][A-Za-z0-9_]*)*"#

/// What sentences say about domains, clause by clause: "x and y are integers", "y is binary",
/// "we treat t and n as continuous", "a binary variable z", "z = 1 if …" (binary).
private func domainClauses(_ text: String) -> [Commentary] {
    var said: [Commentary] = []
    func each(_ regex: NSRegularExpression, _ body: (NSTextCheckingResult) -> Void) {
        regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).forEach(body)
    }
    // A match may start or end inside a character (a combining mark after it): then it is skipped.
    func group(_ m: NSTextCheckingResult, _ k: Int) -> String? { Range(m.range(at: k), in: text).map { String(text[$0]) } }
    func add(_ m: NSTextCheckingResult, _ names: (String.Index) -> [String], _ words: String?) {
        guard let start = Range(m.range, in: text)?.lowerBound, let words, let kind = domain(in: words.lowercased()) else { return }
        let list = names(start)
        if !list.isEmpty { said.append(.declarations(list, kind)) }
    }
    // The names before a verb or a membership (scanned backwards: a regex that starts with a
    // name list would try every position of a long list).
    each(ProseRegex.verb) { m in add(m, { namesBefore(text, $0) }, group(m, 1)) }
    each(ProseRegex.binaryValue) { m in add(m, { namesBefore(text, $0) }, "binary") }
    each(ProseRegex.membership) { m in add(m, { namesBefore(text, $0) }, group(m, 1).map { $0.hasPrefix("{") ? "binary" : "integer" }) }
    each(ProseRegex.treatAs) { m in add(m, { _ in group(m, 1).map { names(in: Substring($0)) } ?? [] }, group(m, 2)) }
    each(ProseRegex.kindVariables) { m in add(m, { _ in group(m, 2).map { names(in: Substring($0)) } ?? [] }, group(m, 1)) }
    return said
}

/// The prose patterns, compiled once.
private enum ProseRegex {
    static let verb = try! NSRegularExpression(pattern: #"\s+(?:are|is|must be|should be|can be|will be|are all)\s+((?:(?!\s+and\s+[A-Za-z_][A-Za-z0-9_]*\s+(?:are|is)\b)[^,;.:])*)"#)
    static let binaryValue = try! NSRegularExpression(pattern: #"\s*=\s*[01]\s*(?:if\b|when\b|→|means\b)"#)
    static let membership = try! NSRegularExpression(pattern: #"\s*(?:∈|\bin\b)\s*(\{\s*0\s*,\s*1\s*\}|[ℤℕZN]\+?)"#)
    static let treatAs = try! NSRegularExpression(pattern: #"(?i:treat|consider|declare|take)\s+("# + nameList + #")\s+as\s+([^,;.:]*)"#)
    static let kindVariables = try! NSRegularExpression(pattern: #"(?i:(binary|integer|continuous)\s+variables?)\s+("# + nameList + ")")
}

/// The names listed right before `end` ("x, y and z" in "x, y and z are integers"), read backwards.
private func namesBefore(_ text: String, _ end: String.Index) -> [String] {
    var names: [String] = []
    var i = end
    func skipSpaces() { while i > text.startIndex, text[text.index(before: i)] == " " { i = text.index(before: i) } }
    while true {
        skipSpaces()
        var start = i
        while start > text.startIndex, let c = Optional(text[text.index(before: start)]), c.isASCII, c.isLetter || c.isNumber || c == "_" {
            start = text.index(before: start)
        }
        let word = String(text[start..<i])
        guard isIdentifier(word), word != "M", word != "and" else { break }
        names.insert(word, at: 0)
        i = start
        skipSpaces()
        if i > text.startIndex, text[text.index(before: i)] == "," { i = text.index(before: i); continue }
        if text[..<i].hasSuffix(" and") { i = text.index(i, offsetBy: -4); continue }
        break
    }
    return names
}

/// A line of prose around the model — variable descriptions (`x = number of chairs`,
/// `Let d = desk lamps, z = 1 if the night line runs (binary)`, `buses (number of buses)`),
/// domain sentences (`H, L are non-negative integers`, `all variables are continuous`), headings
/// and remarks — or nil when the line is a statement. A line with <, >, ≤ or ≥ is prose only when
/// its comparisons say nothing the model lacks (`We also need x ≥ 0 and y ≥ 0, …`).
func commentary(_ text: String) -> [Commentary]? {
    guard text.utf8.count <= proseLimit else { return nil }
    let lower = text.lowercased()
    // A heading: "Supply:", "Earliness / lateness:", "If y = 1, at least 20 must go to phones:".
    if text.hasSuffix(":"), text.contains(where: \.isLetter), !text.contains(where: { "<>≤≥".contains($0) }) || hasProse(text),
       !text.dropLast().contains(where: { "=+*".contains($0) }) || hasProse(text) {
        return [.note]
    }
    // A remark in parentheses alone on its line.
    if text.hasPrefix("("), text.hasSuffix(")"), hasProse(text) { return [.note] }
    // A sentence (it starts with two words) whose comparisons say nothing the model lacks:
    // nonnegativity (implied), a binary's values (`when z = 0 the limit holds`), M's size.
    if text.range(of: #"^[A-Za-z][A-Za-z']*\s+[A-Za-z][a-z']*\s"#, options: .regularExpression) != nil, hasProse(text),
       text.contains(where: { "<>≤≥=".contains($0) }) {
        var rest = text.replacingOccurrences(of: "(" + nameList + #")\s*(≥|>=)\s*0\b"#, with: "", options: .regularExpression)
        rest = rest.replacingOccurrences(of: #"\b([A-Za-z_][A-Za-z0-9_]*\s*=\s*[01]|M\s*=\s*[0-9][0-9,.]*)(?![0-9.])"#, with: "", options: .regularExpression)
        if !rest.contains(where: { "<>≤≥=".contains($0) }), hasProse(rest) { return domainClauses(text) + [.note] }
    }
    if text.contains(where: { "<>≤≥".contains($0) }) { return nil }
    guard hasProse(text) else { return nil }
    if lower.range(of: #"^(all|the|every|each|both)( the)?( decision)? variables? (are|is|must be|should be|can be)\b"#, options: .regularExpression) != nil {
        return [domain(in: lower).map { .defaultKind($0) } ?? .note]
    }
    let clauses = domainClauses(text)
    // Descriptions: items "NAMES = prose", "NAME: prose", "NAME (prose)", "NAME be prose" from the start.
    var body = Substring(text)
    for prefix in ["let ", "where ", "with ", "and "] where body.lowercased().hasPrefix(prefix) { body = body.dropFirst(prefix.count) }
    // "z = 1 if …" is a description whatever surrounds it; every other "=" must follow a name list
    // and precede words ("x1 - I1 = 40 (period 1)" is a row).
    let string = String(body).replacingOccurrences(of: #"\b([A-Za-z_][A-Za-z0-9_]*)\s*=\s*[01]\s*(if\b|when\b|→|means\b|otherwise\b)"#, with: "$1 is $2",
                                                   options: .regularExpression)
    let separators = string.contains("=") ? #"\s*(?::\s*|=\s*(?=[A-Za-z])|\s+is\s+)"# : #"\s*(?::|–|—|\s-\s|\(|\s+be\s+|\s+is\s+|\s+are\s+)"#
    let item = try! NSRegularExpression(pattern: #"(?:^|[,;]\s*|\s+and\s+)("# + nameList + ")" + separators)
    let found = item.matches(in: string, range: NSRange(string.startIndex..., in: string))
    // As String ranges: a match inside a character (a combining mark after it) makes the line a statement.
    let matches = found.compactMap { m in Range(m.range, in: string).flatMap { whole in Range(m.range(at: 1), in: string).map { (whole, $0) } } }
    guard matches.count == found.count else { return nil }
    let equalsUsed = matches.filter { string[$0.0].contains("=") }.count
    guard let first = matches.first, first.0.lowerBound == string.startIndex, equalsUsed == string.filter({ $0 == "=" }).count else {
        return string.contains("=") ? nil : clauses + [.note]
    }
    return clauses + matches.enumerated().map { k, m in
        let end = k + 1 < matches.count ? matches[k + 1].0.lowerBound : string.endIndex
        return .declarations(names(in: string[m.1]), domain(in: string[m.0.upperBound..<end].lowercased()))
    }
}

/// The identifiers of a comma or space separated list.
private func names(in list: Substring) -> [String] {
    list.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init).filter { isIdentifier($0) && $0 != "M" && $0 != "and" }
}

/// A row's text without the note an LLM writes after it, and the note if it was words after the
/// right-hand side. Notes: a parenthesised remark after a space (`<= 120 (wood)`,
/// `p1 >= 4   (orders for width 2)`), unless it holds arithmetic; words after the right-hand side
/// (`4k + 5m ≥ 550   people moved`): after two or more spaces any remark, after one space two or
/// more words. The reader checks that no dropped word is a variable's name.
func withoutTrailingNote(_ text: String) -> (row: String, words: String?) {
    var s = text.trimmingCharacters(in: .whitespaces)
    guard s.utf8.count <= proseLimit else { return (s, nil) }
    // A remark after an arrow, a dash or a colon: "<= 50   → only 50 acres", "-- must wash", "integer : staff".
    if let mark = s.range(of: #"\s+(→|⇒|--|—|–|:)\s+(?=[A-Za-z(])"#, options: .regularExpression),
       s[..<mark.lowerBound].contains(where: { "<>=≤≥∈{".contains($0) })
        || ["integer", "integers", "binary", "continuous"].contains(where: s[..<mark.lowerBound].lowercased().hasSuffix),
       hasProse(String(s[mark.upperBound...])) {
        return (withoutTrailingNote(String(s[..<mark.lowerBound])).row, nil)
    }
    for _ in 0..<8 where s.hasSuffix(")") {
        var depth = 0
        guard let open = s.indices.reversed().first(where: { i in
            if s[i] == ")" { depth += 1 } else if s[i] == "(" { depth -= 1 }
            return depth == 0
        }), open > s.startIndex, s[s.index(before: open)] == " " else { break }
        let content = String(s[s.index(after: open)..<s.index(before: s.endIndex)])
        let before = s[..<open].trimmingCharacters(in: .whitespaces)
        let arithmetic = content.range(of: #"[+*/=<>≤≥]|\s-\s|^-|^\s*[0-9.]+\s*$"#, options: .regularExpression) != nil
        guard content.contains(where: \.isLetter), !arithmetic || hasProse(content) || content.contains("..."),
              let last = before.last, !"<>=≤≥+-*/(".contains(last) else { break }
        s = before
    }
    guard let relation = s.lastIndex(where: { "<>=≤≥".contains($0) }) else { return (s, nil) }
    let tail = String(s[s.index(after: relation)...])
    let wide = tail.range(of: #"(?<=[0-9A-Za-z_)\]%])\s{2,}[A-Za-z][^<>=≤≥]*$"#, options: .regularExpression)
    let narrow = tail.range(of: #"(?<=[0-9A-Za-z_)\]])\s[A-Za-z][A-Za-z'\-]*(\s+[A-Za-z][A-Za-z'\-,./]*)+\s*$"#, options: .regularExpression)
    guard let note = wide ?? narrow, wide != nil || hasProse(String(tail[note])), !tail[note].split(separator: " ").contains("M") else { return (s, nil) }
    return (String(s[...relation]) + tail[..<note.lowerBound], tail[note].trimmingCharacters(in: .whitespaces))
}
