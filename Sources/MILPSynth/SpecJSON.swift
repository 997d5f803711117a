import Foundation
import MILP

// The spec's JSON form (schema in docs/synth.md): strict reading with errors that name the field,
// and writing.

extension FormulationSpec {
    /// Reads and validates a spec. Every problem found is reported at once, by JSON path.
    public init(json data: Data) throws(SpecError) {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw SpecError("the spec is not valid JSON: \(error.localizedDescription)")
        }
        guard let object = root as? [String: Any] else { throw SpecError("the spec must be a JSON object with variables, objective and constraints") }
        var reader = JSONFields(path: "", object: object, problems: [])
        reader.allow(["name", "variables", "objective", "constraints"])
        let name = reader.string("name")

        var variables: [SpecVariable] = []
        for (i, item) in reader.array("variables", required: true).enumerated() {
            guard var v = reader.nested(item, "variables[\(i)]") else { continue }
            v.allow(["name", "kind", "lower", "upper", "unit", "description", "indicator_of"])
            let kindText = v.string("kind")
            var kind: SpecKind?
            if let kindText {
                kind = SpecKind(rawValue: kindText.lowercased())
                if kind == nil { v.fail("kind", "\"\(kindText)\" is not one of continuous, integer, binary") }
            }
            variables.append(SpecVariable(
                name: v.string("name", required: true) ?? "", kind: kind, lower: v.number("lower") ?? 0,
                upper: v.number("upper") ?? .infinity, unit: v.string("unit"), description: v.string("description"),
                indicatorOf: v.string("indicator_of")))
            reader.problems += v.problems
        }
        let order = Dictionary(variables.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })

        var objective = SpecObjective(sense: .minimize, terms: [])
        if let o = reader.object("objective", required: true) {
            var r = JSONFields(path: "objective", object: o, problems: [])
            r.allow(["sense", "terms", "constant", "sentence"])
            if let s = r.string("sense", required: true) {
                if let sense = objectiveSense(s) { objective.sense = sense } else { r.fail("sense", "\"\(s)\" is neither maximize nor minimize") }
            }
            objective.terms = r.terms("terms", order: order)
            objective.constant = r.number("constant") ?? 0
            objective.sentence = r.string("sentence")
            reader.problems += r.problems
        }

        var constraints: [SpecConstraint] = []
        for (i, item) in reader.array("constraints", required: false).enumerated() {
            guard var r = reader.nested(item, "constraints[\(i)]") else { continue }
            if let c = r.constraint(order: order) { constraints.append(c) }
            reader.problems += r.problems
        }
        self.init(name: name, variables: variables, objective: objective, constraints: constraints)
        guard reader.problems.isEmpty else {
            // Report what validation finds in the rest too, so one reply fixes everything; fields
            // that could not be read are left out (they would show up as empty names).
            var later: [String] = []
            do { try validate() } catch { later = error.problems.filter { !$0.contains("\"\"") } }
            throw SpecError(reader.problems + later)
        }
        try validate()
    }

    /// The spec as a JSON object (the form `init(json:)` reads).
    public var jsonObject: [String: Any] {
        var root: [String: Any] = [
            "variables": variables.map { v -> [String: Any] in
                var o: [String: Any] = ["name": v.name, "lower": v.lower]
                if let k = v.kind { o["kind"] = k.rawValue }
                if v.upper.isFinite { o["upper"] = v.upper }
                if let u = v.unit { o["unit"] = u }
                if let d = v.description { o["description"] = d }
                if let q = v.indicatorOf { o["indicator_of"] = q }
                return o
            },
            "constraints": constraints.map(\.jsonObject),
        ]
        var objective: [String: Any] = ["sense": self.objective.sense.rawValue, "terms": termsObject(self.objective.terms)]
        if self.objective.constant != 0 { objective["constant"] = self.objective.constant }
        if let s = self.objective.sentence { objective["sentence"] = s }
        root["objective"] = objective
        if let name { root["name"] = name }
        return root
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() -> Data {
        (try? JSONSerialization.data(withJSONObject: jsonObject, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }
}

extension SpecConstraint {
    var jsonObject: [String: Any] {
        var o: [String: Any] = [:]
        switch template {
        case .upperBound(let v, let b), .lowerBound(let v, let b): o = ["var": v, "rhs": b]
        case .upperSum(let vs, let b), .lowerSum(let vs, let b): o = ["vars": vs, "rhs": b]
        case .upperWeighted(let t, let b), .lowerWeighted(let t, let b): o = ["terms": termsObject(t), "rhs": b]
        case .upperProportion(let v, let f, let of), .lowerProportion(let v, let f, let of):
            o = ["var": v, "fraction": f]
            if let of { o["of"] = of }
        case .comparison(let x, let y, let d): o = ["x": x, "y": y, "factor": d]
        case .implication(let a, let b, _): o = ["if": a, "then": b]
        case .exactlyOne(let vs, _), .atLeastOne(let vs, _), .atMostOne(let vs, _): o = ["vars": vs]
        case .linear(let t, let op, let b): o = ["terms": termsObject(t), "operator": op.rawValue, "rhs": b]
        case .indicator(let y, let active, let t, let op, let b, _):
            o = ["indicator": y, "active": active ? 1 : 0, "terms": termsObject(t), "operator": op.rawValue, "rhs": b]
        case .relaxed(let t, let op, let b, let h, let constant, _):
            o = ["terms": termsObject(t), "operator": op.rawValue, "rhs": b, "relaxed_by": termsObject(h)]
            if constant != 0 { o["relaxed_by_constant"] = constant }
        }
        if let m = template.bigM { o["big_m"] = m }
        o["class"] = template.classNumber.map { $0 as Any } ?? template.classLabel
        if let sentence { o["sentence"] = sentence }
        if let name { o["name"] = name }
        return o
    }
}

func termsObject(_ terms: [SpecTerm]) -> [String: Double] {
    Dictionary(terms.map { ($0.variable, $0.coefficient) }, uniquingKeysWith: +)
}

/// maximize/minimize and the words datasets and LLMs use for them; nil otherwise.
package func objectiveSense(_ word: String) -> ObjectiveSense? {
    let w = word.lowercased().trimmingCharacters(in: .whitespaces)
    let maxWords = ["max", "maximize", "maximise", "maximum", "maximizing", "maximized", "highest", "most", "largest", "greatest", "increase", "more"]
    let minWords = ["min", "minimize", "minimise", "minimum", "minimizing", "minimized", "lowest", "least", "smallest", "fewest", "reduce", "decrease", "lower", "less"]
    if maxWords.contains(w) { return .maximize }
    if minWords.contains(w) { return .minimize }
    return nil
}

/// Field access on one JSON object that records problems by path instead of throwing.
struct JSONFields {
    let path: String
    let object: [String: Any]
    var problems: [String]

    private func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func fail(_ key: String, _ message: String) { problems.append("\(at(key)): \(message)") }

    /// Reports fields outside `keys` (a misspelled field is a silent error otherwise).
    mutating func allow(_ keys: [String]) {
        for k in object.keys.sorted() where !keys.contains(k) {
            problems.append("\(at(k)): unknown field (expected one of: \(keys.joined(separator: ", ")))")
        }
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let value = object[key], !(value is NSNull) else {
            if required { fail(key, "missing") }
            return nil
        }
        if let s = value as? String { return s }
        fail(key, "must be a string")
        return nil
    }

    mutating func number(_ key: String, required: Bool = false) -> Double? {
        guard let value = object[key], !(value is NSNull) else {
            if required { fail(key, "missing") }
            return nil
        }
        return number(value, at: key)
    }

    mutating func number(_ value: Any, at key: String) -> Double? {
        if let x = jsonDouble(value) { return x }
        if let s = value as? String {
            if let x = Double(s.trimmingCharacters(in: .whitespaces)) { return x }
            fail(key, "\"\(s)\" is not a number (write a plain JSON number, e.g. 1000 or 0.4)")
            return nil
        }
        fail(key, "must be a number")
        return nil
    }

    mutating func object(_ key: String, required: Bool) -> [String: Any]? {
        guard let value = object[key], !(value is NSNull) else {
            if required { fail(key, "missing") }
            return nil
        }
        if let o = value as? [String: Any] { return o }
        fail(key, "must be an object")
        return nil
    }

    mutating func array(_ key: String, required: Bool) -> [Any] {
        guard let value = object[key], !(value is NSNull) else {
            if required { fail(key, "missing") }
            return []
        }
        if let a = value as? [Any] { return a }
        fail(key, "must be an array")
        return []
    }

    mutating func nested(_ value: Any, _ path: String) -> JSONFields? {
        guard let o = value as? [String: Any] else {
            problems.append("\(path): must be an object")
            return nil
        }
        return JSONFields(path: path, object: o, problems: [])
    }

    mutating func names(_ key: String) -> [String] {
        var out: [String] = []
        for (i, item) in array(key, required: true).enumerated() {
            if let s = item as? String { out.append(s) } else { problems.append("\(at(key))[\(i)]: must be a variable name (string)") }
        }
        return out
    }

    /// `{"name": coefficient, …}`, ordered by variable declaration order.
    mutating func terms(_ key: String, order: [String: Int]) -> [SpecTerm] {
        guard let o = object(key, required: true) else { return [] }
        var terms: [SpecTerm] = []
        for (name, value) in o {
            if let x = number(value, at: "\(key).\(name)") { terms.append(SpecTerm(name, x)) }
        }
        return terms.sorted { (order[$0.variable] ?? .max, $0.variable) < (order[$1.variable] ?? .max, $1.variable) }
    }

    mutating func rowOperator(_ key: String) -> RowOperator {
        guard let s = string(key, required: true) else { return .lessOrEqual }
        switch s.trimmingCharacters(in: .whitespaces) {
        case "<=", "≤": return .lessOrEqual
        case ">=", "≥": return .greaterOrEqual
        case "=", "==": return .equal
        default:
            fail(key, "\"\(s)\" is not one of <=, >=, =")
            return .lessOrEqual
        }
    }

    /// One constraint object, by its `class`.
    mutating func constraint(order: [String: Int]) -> SpecConstraint? {
        let classValue = object["class"]
        var label: String?
        if let n = classValue.flatMap(jsonDouble), n == n.rounded(), abs(n) < 1e15 { label = String(Int(n)) } else if let s = classValue as? String { label = s.lowercased() }
        guard let label else {
            fail("class", classValue == nil ? "missing (1–13, \"linear\", \"indicator\" or \"big_m\")" : "must be a class number 1–13, \"linear\", \"indicator\" or \"big_m\"")
            return nil
        }
        let common = ["class", "sentence", "name"]
        let template: Template
        switch label {
        case "1", "5":
            allow(common + ["var", "rhs"])
            let v = string("var", required: true) ?? "", b = number("rhs", required: true) ?? 0
            template = label == "1" ? .upperBound(variable: v, rhs: b) : .lowerBound(variable: v, rhs: b)
        case "2", "6":
            allow(common + ["vars", "rhs"])
            let vs = names("vars"), b = number("rhs", required: true) ?? 0
            template = label == "2" ? .upperSum(variables: vs, rhs: b) : .lowerSum(variables: vs, rhs: b)
        case "3", "7":
            allow(common + ["terms", "rhs"])
            let t = terms("terms", order: order), b = number("rhs", required: true) ?? 0
            template = label == "3" ? .upperWeighted(terms: t, rhs: b) : .lowerWeighted(terms: t, rhs: b)
        case "4", "8":
            allow(common + ["var", "fraction", "of"])
            let v = string("var", required: true) ?? "", f = number("fraction", required: true) ?? 1
            let of = object["of"] == nil || object["of"] is NSNull ? nil : names("of")
            template = label == "4" ? .upperProportion(variable: v, fraction: f, of: of) : .lowerProportion(variable: v, fraction: f, of: of)
        case "9":
            allow(common + ["x", "y", "factor"])
            template = .comparison(x: string("x", required: true) ?? "", y: string("y", required: true) ?? "", factor: number("factor") ?? 1)
        case "10":
            allow(common + ["if", "then", "big_m"])
            template = .implication(ifUsed: string("if", required: true) ?? "", thenUsed: string("then", required: true) ?? "", bigM: number("big_m"))
        case "11", "12", "13":
            allow(common + ["vars", "big_m"])
            let vs = names("vars"), m = number("big_m")
            template = label == "11" ? .exactlyOne(variables: vs, bigM: m) : label == "12" ? .atLeastOne(variables: vs, bigM: m) : .atMostOne(variables: vs, bigM: m)
        case "linear":
            allow(common + ["terms", "operator", "rhs"])
            template = .linear(terms: terms("terms", order: order), op: rowOperator("operator"), rhs: number("rhs", required: true) ?? 0)
        case "indicator":
            allow(common + ["indicator", "active", "terms", "operator", "rhs", "big_m"])
            var active = true
            if let a = object["active"], !(a is NSNull) {
                if let b = a as? Bool { active = b } else if let x = jsonDouble(a), x == 0 || x == 1 { active = x == 1 } else { fail("active", "must be 0 or 1") }
            }
            template = .indicator(indicator: string("indicator", required: true) ?? "", active: active, terms: terms("terms", order: order),
                                  op: rowOperator("operator"), rhs: number("rhs", required: true) ?? 0, bigM: number("big_m"))
        case "big_m":
            allow(common + ["terms", "operator", "rhs", "relaxed_by", "relaxed_by_constant", "big_m"])
            template = .relaxed(terms: terms("terms", order: order), op: rowOperator("operator"), rhs: number("rhs", required: true) ?? 0,
                                relaxedBy: terms("relaxed_by", order: order), relaxedByConstant: number("relaxed_by_constant") ?? 0, bigM: number("big_m"))
        case "0":
            fail("class", "class 0 is the objective: put it in \"objective\", not in constraints")
            return nil
        default:
            fail("class", "\"\(label)\" is not a class number 1–13, \"linear\", \"indicator\" or \"big_m\"")
            return nil
        }
        return SpecConstraint(template, sentence: string("sentence"), name: string("name"))
    }
}

/// A JSON number as a Double (JSONSerialization yields NSNumber; true and false read as 1 and 0).
func jsonDouble(_ value: Any) -> Double? {
    if let n = value as? NSNumber { return n.doubleValue }
    if let x = value as? Double { return x }
    if let x = value as? Int { return Double(x) }
    return nil
}
