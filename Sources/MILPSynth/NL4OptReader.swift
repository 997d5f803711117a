import Foundation
import MILP

/// One NL4Opt problem: its hash, text and gold declarations read as a spec (kinds left to the
/// reading), or the problems that kept them from being read.
public struct NL4OptProblem: Sendable {
    /// The problem's NL4Opt hash (the record's key).
    public let hash: String
    /// 1-based line in its file.
    public let line: Int
    /// The problem's text.
    public let document: String
    /// The spec read from the gold declarations, or every problem that kept it from being read.
    public let spec: Result<FormulationSpec, SpecError>
    /// Annotation defects the reader worked around (see `NL4OptReader`).
    public let warnings: [String]
}

/// Reads the NL4Opt competition's typed declarations (`dev.jsonl`, `test.jsonl`: one JSON object per
/// line with one key, the problem hash) into specs.
///
/// Semantics: variables are the columns of `order_mapping` (every mention resolved through it),
/// all ≥ 0; `objvar` is the plain sum of the listed variables; `linear` Σ coef·x (op) limit → class
/// 3/7; `sum` → 2/6 over all variables; `upperbound`/`lowerbound` → 1/5; `xy` x (op) y and `xby`
/// x (op) param·y → class 9; `ratio` x (op) limit·Σ all variables → 4/8. Numbers are strings such
/// as "1,000", "$50", "35%", "twice", "a third", "fifteen percent" (see `parseNumberPhrase`); a
/// ratio's plain number above 1 is a percentage ("60" → 0.6).
///
/// Annotation defects, reported as warnings: an `objvar` that lists no variables is the sum of all
/// variables (the total the text names); a `linear` constraint with no terms is left out. An
/// `objective` with no terms cannot be recovered and is an error.
public enum NL4OptReader {
    /// Every record of a JSONL file; a record that cannot be read keeps its errors (named by line
    /// and field) in `spec`. Throws only when the file cannot be read or a line is not a record.
    public static func read(path: String) throws(SpecError) -> [NL4OptProblem] {
        var problems: [NL4OptProblem] = []
        for (n, outer) in try jsonLines(path) {
            guard let outer, outer.count == 1, let (hash, value) = outer.first, let record = value as? [String: Any]
            else { throw SpecError("\(path):\(n): not an NL4Opt record (a JSON object with one key, the problem hash)") }
            var warnings: [String] = []
            let spec = Result { () throws(SpecError) in try Self.spec(record: record, hash: hash, warnings: &warnings) }
                .mapError { SpecError($0.problems.map { "\(path):\(n): \($0)" }) }
            problems.append(NL4OptProblem(hash: hash, line: n, document: record["document"] as? String ?? "", spec: spec,
                                          warnings: warnings.map { "\(path):\(n): \($0)" }))
        }
        return problems
    }

    /// The spec of one record (the value under the hash key); defects worked around go to `warnings`.
    public static func spec(record: [String: Any], hash: String, warnings: inout [String]) throws(SpecError) -> FormulationSpec {
        var problems: [String] = []
        let document = record["document"] as? String ?? ""
        let sentences = splitSentences(document)
        guard let mapping = record["order_mapping"] as? [String: Any], !mapping.isEmpty else {
            throw SpecError("record \(hash): order_mapping is missing or empty")
        }
        var columnOf: [String: Int] = [:]
        for (mention, index) in mapping {
            guard let i = jsonDouble(index).map(Int.init), i >= 0 else {
                problems.append("record \(hash): order_mapping.\(mention): not a column index"); continue
            }
            columnOf[mention] = i
        }
        let count = (columnOf.values.max() ?? -1) + 1
        // Names: the first mention (`vars`) of each column, as identifiers, made unique.
        let firstMentions = record["vars"] as? [String] ?? []
        var names: [String] = []
        var descriptions: [String] = []
        for c in 0..<count {
            let mention = firstMentions.first { columnOf[$0] == c } ?? columnOf.filter { $0.value == c }.map(\.key).sorted().first ?? "x\(c)"
            var name = identifier(from: mention)
            if name == "M" { name = "M_" }
            var unique = name, k = 2
            while names.contains(unique) { unique = "\(name)_\(k)"; k += 1 }
            names.append(unique)
            descriptions.append(mention)
        }
        func column(_ mention: Any?, _ field: String) -> String? {
            guard let m = mention as? String else { problems.append("record \(hash): \(field): missing variable"); return nil }
            if let c = columnOf[m] { return names[c] }
            if let c = columnOf.first(where: { $0.key.lowercased() == m.lowercased() })?.value { return names[c] }
            problems.append("record \(hash): \(field): \"\(m)\" is not in order_mapping")
            return nil
        }
        func number(_ text: Any?, _ field: String, ratio: Bool = false) -> Double? {
            guard let s = text as? String ?? (text.flatMap(jsonDouble).map { "\($0)" }) else {
                problems.append("record \(hash): \(field): missing number"); return nil
            }
            guard let (value, percent) = parseNumberPhrase(s) else {
                problems.append("record \(hash): \(field): cannot read \"\(s)\" as a number"); return nil
            }
            return ratio && !percent && value > 1 ? value / 100 : value
        }
        func terms(_ object: Any?, _ field: String) -> [SpecTerm] {
            guard let o = object as? [String: Any] else { problems.append("record \(hash): \(field): missing terms"); return [] }
            var out: [SpecTerm] = []
            for (mention, coefficient) in o.sorted(by: { $0.key < $1.key }) {
                if let v = column(mention, "\(field).\(mention)"), let a = number(coefficient, "\(field).\(mention)") { out.append(SpecTerm(v, a)) }
            }
            return merged(out).sorted { names.firstIndex(of: $0.variable)! < names.firstIndex(of: $1.variable)! }
        }

        // Objective.
        var objective = SpecObjective(sense: .maximize, terms: [])
        if let o = record["obj_declaration"] as? [String: Any] {
            let direction = o["direction"] as? String ?? ""
            if let sense = objectiveSense(direction) ?? direction.split(separator: " ").lazy.compactMap({ objectiveSense(String($0)) }).first {
                objective.sense = sense
            } else {
                problems.append("record \(hash): obj_declaration.direction: \"\(direction)\" says neither maximize nor minimize")
            }
            switch o["type"] as? String {
            case "objective":
                objective.terms = terms(o["terms"], "obj_declaration.terms")
                if (o["terms"] as? [String: Any])?.isEmpty == true {
                    problems.append("record \(hash): obj_declaration.terms: the annotation gives no objective coefficients")
                }
            case "objvar":
                let listed = (o["vars"] as? [Any] ?? []).enumerated().compactMap { column($1, "obj_declaration.vars[\($0)]") }
                if listed.isEmpty { warnings.append("record \(hash): obj_declaration.vars is empty: the objective is the sum of all variables") }
                objective.terms = names.filter { listed.isEmpty || listed.contains($0) }.map { SpecTerm($0, 1) }
            default: problems.append("record \(hash): obj_declaration.type: \"\(o["type"] ?? "")\" is neither objective nor objvar")
            }
            let name = o["name"] as? String
            objective.sentence = bestSentence(sentences, [name, direction].compactMap { $0 })
        } else {
            problems.append("record \(hash): obj_declaration is missing")
        }

        // Constraints.
        var constraints: [SpecConstraint] = []
        for (i, item) in (record["const_declarations"] as? [Any] ?? []).enumerated() {
            let field = "const_declarations[\(i)]"
            guard let c = item as? [String: Any] else { problems.append("record \(hash): \(field): not an object"); continue }
            let op = c["operator"] as? String
            let upper: Bool
            switch op {
            case "LESS_OR_EQUAL": upper = true
            case "GREATER_OR_EQUAL": upper = false
            default: problems.append("record \(hash): \(field).operator: \"\(op ?? "")\" is neither LESS_OR_EQUAL nor GREATER_OR_EQUAL"); continue
            }
            let template: Template?
            switch c["type"] as? String {
            case "linear":
                if (c["terms"] as? [String: Any])?.isEmpty == true {
                    warnings.append("record \(hash): \(field): a linear constraint with no terms is left out")
                    continue
                }
                let t = terms(c["terms"], "\(field).terms"), b = number(c["limit"], "\(field).limit")
                template = b.map { upper ? .upperWeighted(terms: t, rhs: $0) : .lowerWeighted(terms: t, rhs: $0) }
            case "sum":
                template = number(c["limit"], "\(field).limit").map { upper ? .upperSum(variables: names, rhs: $0) : .lowerSum(variables: names, rhs: $0) }
            case "upperbound", "lowerbound":
                let v = column(c["var"], "\(field).var"), b = number(c["limit"], "\(field).limit")
                template = v.flatMap { v in b.map { upper ? .upperBound(variable: v, rhs: $0) : .lowerBound(variable: v, rhs: $0) } }
            case "xy":
                let x = column(c["x_var"], "\(field).x_var"), y = column(c["y_var"], "\(field).y_var")
                template = x.flatMap { x in y.map { upper ? .comparison(x: x, y: $0, factor: 1) : .comparison(x: $0, y: x, factor: 1) } }
            case "xby":
                // x ≤ p·y is (1/p)·x ≤ y; x ≥ p·y is p·y ≤ x.
                let x = column(c["x_var"], "\(field).x_var"), y = column(c["y_var"], "\(field).y_var"), p = number(c["param"], "\(field).param")
                if let x, let y, let p, x == y {
                    // A variable compared with itself (the gold data has this): (1 − p)·x (op) 0.
                    template = .linear(terms: [SpecTerm(x, 1 - p)], op: upper ? .lessOrEqual : .greaterOrEqual, rhs: 0)
                } else if let x, let y, let p, p > 0 {
                    template = upper ? .comparison(x: x, y: y, factor: 1 / p) : .comparison(x: y, y: x, factor: p)
                } else {
                    if let p, p <= 0 { problems.append("record \(hash): \(field).param: \(p) is not positive") }
                    template = nil
                }
            case "ratio":
                let v = column(c["var"], "\(field).var"), f = number(c["limit"], "\(field).limit", ratio: true)
                template = v.flatMap { v in f.map { upper ? .upperProportion(variable: v, fraction: $0, of: nil) : .lowerProportion(variable: v, fraction: $0, of: nil) } }
            default:
                problems.append("record \(hash): \(field).type: \"\(c["type"] ?? "")\" is not one of linear, sum, upperbound, lowerbound, xy, xby, ratio")
                template = nil
            }
            guard let template else { continue }
            let cues = [c["limit"], c["param"], c["direction"]].compactMap { $0 as? String }
            constraints.append(SpecConstraint(template, sentence: bestSentence(sentences, cues), origin: "record \(hash) \(field) (\(c["type"] as? String ?? ""))"))
        }
        if !problems.isEmpty { throw SpecError(problems) }
        let variables = names.indices.map { SpecVariable(name: names[$0], description: descriptions[$0]) }
        let spec = FormulationSpec(name: "nl4opt \(hash)", variables: variables, objective: objective, constraints: constraints)
        try spec.validate()
        return spec
    }
}

/// The sentences of a text, split after `.`, `?` and `!` followed by a space.
func splitSentences(_ text: String) -> [String] {
    var out: [String] = []
    var current = ""
    let chars = Array(text)
    for (i, ch) in chars.enumerated() {
        current.append(ch)
        if ".?!".contains(ch), i + 1 == chars.count || chars[i + 1] == " " {
            // "e.g." and decimals ("3.5") are not sentence ends: a decimal has no space after it.
            out.append(current.trimmingCharacters(in: .whitespaces))
            current = ""
        }
    }
    if !current.trimmingCharacters(in: .whitespaces).isEmpty { out.append(current.trimmingCharacters(in: .whitespaces)) }
    return out
}

/// The first sentence containing the most cues (case-insensitive), earlier cues weighing more.
func bestSentence(_ sentences: [String], _ cues: [String]) -> String? {
    var best: (score: Int, sentence: String)?
    for s in sentences {
        let lower = s.lowercased()
        let score = cues.enumerated().reduce(0) { $0 + (!$1.element.isEmpty && lower.contains($1.element.lowercased()) ? cues.count - $1.offset + 1 : 0) }
        if score > 0, score > (best?.score ?? 0) { best = (score, s) }
    }
    return best?.sentence
}

/// A number as datasets and word problems write it: "1,000", "$50", "8000 minutes", "35%",
/// "35 percent", "fifteen percent", "twice", "thrice", "3 times", "half", "a third",
/// "one hundred thousand". Returns the value (percentages divided by 100) and whether it was a
/// percentage; nil when the text is not a number.
package func parseNumberPhrase(_ text: String) -> (value: Double, percent: Bool)? {
    var s = text.lowercased().replacingOccurrences(of: "$", with: "").trimmingCharacters(in: .whitespaces)
    var percent = false
    if s.hasSuffix("%") { percent = true; s.removeLast() }
    var words = s.split(whereSeparator: { $0 == " " || $0 == "-" }).map(String.init)
    if words.last == "percent" { percent = true; words.removeLast() }
    if words.last == "times" { words.removeLast() }
    guard let first = words.first else { return nil }
    let scale = percent ? 0.01 : 1
    // A leading number, possibly with thousands separators, and a unit after it ("8000 minutes").
    let digits = first.replacingOccurrences(of: ",", with: "")
    if let x = Double(digits), digits.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) {
        guard words.count == 1 || words.dropFirst().allSatisfy({ $0.allSatisfy(\.isLetter) && wordValues[$0] == nil && fractions[$0] == nil }) else { return nil }
        return (x * scale, percent)
    }
    guard let x = wordNumber(words) else { return nil }
    return (x * scale, percent)
}

private let wordValues: [String: Double] = [
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1,
    "twice": 2, "double": 2, "thrice": 3, "triple": 3,
]
private let fractions: [String: Double] = [
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
    "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10,
]

/// "one hundred thousand" → 100000, "a third" → 1/3, "two thirds" → 2/3, "twice" → 2.
private func wordNumber(_ words: [String]) -> Double? {
    var total = 0.0, group = 0.0
    var sawNumber = false
    for w in words where w != "and" && w != "of" {
        if let v = wordValues[w] { group += v; sawNumber = true } else if w == "hundred" {
            group = max(group, 1) * 100; sawNumber = true
        } else if w == "thousand" || w == "million" {
            total += max(group, 1) * (w == "thousand" ? 1_000 : 1_000_000); group = 0; sawNumber = true
        } else if let d = fractions[w] {
            return (total + (sawNumber ? group : 1)) / d
        } else {
            return nil
        }
    }
    return sawNumber ? total + group : nil
}
