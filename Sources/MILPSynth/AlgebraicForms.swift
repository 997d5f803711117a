import Foundation

// The surface forms LLMs wrap algebraic models in — Markdown, section headers, list numbering,
// variable descriptions, postfix domains — reduced to the statements `AlgebraicReader` parses.
// Pure functions on one line of text (comments already removed).

/// The part of a model a header opens.
enum ModelSection: Equatable {
    case objective, constraints, variables
}

/// Section headers, longest first so that "decision variables" wins over "variables".
private let headers: [(words: String, section: ModelSection?)] = [
    ("objective function", .objective), ("objective", .objective), ("goal", .objective),
    ("decision variables", .variables), ("variables", .variables), ("variable", .variables), ("declarations", .variables),
    ("domains", .variables), ("domain", .variables), ("variable domains", .variables), ("integrality", .variables),
    ("non-negativity", .variables), ("nonnegativity", .variables), ("sign restrictions", .variables),
    ("subject to", .constraints), ("such that", .constraints), ("constraints", .constraints), ("constraint", .constraints),
    ("s.t.", .constraints), ("s.t", .constraints), ("st", .constraints), ("where", nil), ("with", nil), ("bounds", .constraints),
    ("end", nil),
].sorted { $0.words.count > $1.words.count }

/// Headers that may run into a statement without a colon ("subject to x + y <= 4", "where x >= 0").
private let runOnHeaders: Set<String> = ["subject to", "such that", "s.t.", "s.t", "where", "with"]

/// A header at the start of `text`: its section (nil: none changes) and the rest of the line.
/// "Constraints:", "Subject to", "s.t. x + y <= 4", "Objective: maximize 3x".
func splitHeader(_ text: String) -> (section: ModelSection?, rest: String)? {
    let lower = text.lowercased()
    for (words, section) in headers where lower.hasPrefix(words) {
        let after = text.dropFirst(words.count)
        if after.isEmpty { return (section, "") }
        let rest = after.drop { $0 == " " || $0 == "\t" }
        if rest.first == ":" { return (section, String(rest.dropFirst()).trimmingCharacters(in: .whitespaces)) }
        // "st" and "s.t" only as whole words; a header runs on only after a space.
        if runOnHeaders.contains(words), rest.count < after.count { return (section, String(rest)) }
    }
    return nil
}

/// `text` without Markdown emphasis around a leading phrase (`**Objective:**`) and list markers:
/// `1.`/`1)` numbering, `*`/`•` bullets, and `- ` bullets on lines without a relation or when
/// `dashBullets` (a file whose rows are a dashed list; in one row alone, `- 2x` could be a minus).
func withoutMarkup(_ text: String, dashBullets: Bool) -> String {
    var s = Substring(text)
    while s.hasPrefix("**"), let close = s.dropFirst(2).range(of: "**") {
        s = s[s.index(s.startIndex, offsetBy: 2)..<close.lowerBound] + s[close.upperBound...]
    }
    s = s.drop { $0 == " " }
    if let first = s.first, first == "*" || first == "•" || (first == "-" && (dashBullets || !s.contains(where: { "<>=≤≥".contains($0) }))), s.dropFirst().first == " " {
        s = s.dropFirst(2)
    } else {
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        let after = s.dropFirst(digits.count)
        if !digits.isEmpty, digits.count <= 3, let mark = after.first, mark == "." || mark == ")", after.dropFirst().first == " " {
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
        return t.hasPrefix("- ") && t.contains(where: { "<>=≤≥".contains($0) })
    }.count
}

/// A variable description, as LLMs list them before the model: `x: number of trucks`,
/// `Let x = number of trucks (integer)`, `b1 – 1 if plant 1 opens, 0 otherwise`. The name and the
/// domain the words give (binary, integer, continuous), if any. Nil when the line is a statement.
func variableDescription(_ text: String) -> (name: String, kind: SpecKind?)? {
    var s = Substring(text)
    if s.lowercased().hasPrefix("let ") { s = s.dropFirst(4) }
    let name = s.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    guard let first = name.first, first.isLetter || first == "_", name != "M" else { return nil }
    var rest = s.dropFirst(name.count).drop { $0 == " " }
    var words = ""
    if rest.first == "(", let close = rest.firstIndex(of: ")") {
        words = String(rest[rest.index(after: rest.startIndex)..<close])
        rest = rest[rest.index(after: close)...].drop { $0 == " " }
    }
    guard let separator = rest.first, ":=-–—".contains(separator) else { return nil }
    let prose = rest.dropFirst().trimmingCharacters(in: .whitespaces)
    // Prose: two words in a row and no comparison (a labelled row `c1: x + y <= 4` is a statement).
    guard !prose.contains(where: { "<>≤≥=".contains($0) }),
          prose.range(of: #"[A-Za-z]{2,}\s+[A-Za-z]{2,}"#, options: .regularExpression) != nil else { return nil }
    return (String(name), domain(in: (words + " " + prose).lowercased()))
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
        let parts = list.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        return !parts.isEmpty && parts.allSatisfy({ isIdentifier($0) && $0 != "M" }) ? parts : nil
    }
    if let member = text.firstIndex(where: { $0 == "∈" }) {
        guard let list = names(text[..<member]) else { return nil }
        let set = text[text.index(after: member)...].filter { $0 != " " }.lowercased()
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
            // "x, y >= 0 and integer": the names are the left side of the bound.
            if let relation = head.firstIndex(where: { "<>=≤≥".contains($0) }), let list = names(head[..<relation]) { return (list, kind, head) }
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
