import Foundation
import MILP

/// What an LLM (or a dataset reader) produces for one word problem: typed decision variables, an
/// objective, and constraints as template instances, each keeping the sentence it came from.
/// Read with `FormulationSpec(json:)`, which validates strictly; compile with `TemplateCompiler`.
/// The JSON schema is in docs/synth.md.
public struct FormulationSpec: Sendable, Equatable {
    /// The problem's name; the compiled model's name is derived from it.
    public var name: String?
    /// The decision variables, in column order.
    public var variables: [SpecVariable]
    /// The objective (template class 0).
    public var objective: SpecObjective
    /// The constraints, in the order of the text.
    public var constraints: [SpecConstraint]

    /// A spec from its parts, unvalidated (the compiler validates it).
    public init(name: String? = nil, variables: [SpecVariable], objective: SpecObjective, constraints: [SpecConstraint]) {
        self.name = name
        self.variables = variables
        self.objective = objective
        self.constraints = constraints
    }
}

/// The declared domain of a spec variable; `nil` in `SpecVariable.kind` leaves it to the reading.
public enum SpecKind: String, Sendable, CaseIterable {
    case continuous, integer, binary
}

/// A decision variable: an identifier, its domain and bounds, and what it means.
public struct SpecVariable: Sendable, Equatable {
    /// The identifier: a letter or `_`, then letters, digits or `_`.
    public var name: String
    /// nil: decided by the compiler's reading (`VariableReading`).
    public var kind: SpecKind?
    /// The lower bound (0 by default).
    public var lower: Double
    /// The upper bound (+∞ by default).
    public var upper: Double
    /// The unit, e.g. "trucks" or "dollars"; informational.
    public var unit: String?
    /// What the variable means, in words; informational.
    public var description: String?
    /// For a binary indicator: the quantity it signals ("bi_trucks" for "trucks").
    public var indicatorOf: String?

    /// A variable ≥ 0 with no upper bound unless given; `kind` nil leaves the domain to the reading.
    public init(name: String, kind: SpecKind? = nil, lower: Double = 0, upper: Double = .infinity,
                unit: String? = nil, description: String? = nil, indicatorOf: String? = nil) {
        self.name = name
        self.kind = kind
        self.lower = lower
        self.upper = upper
        self.unit = unit
        self.description = description
        self.indicatorOf = indicatorOf
    }
}

/// A variable name with its coefficient.
public struct SpecTerm: Sendable, Equatable {
    /// The variable's name.
    public var variable: String
    /// The coefficient.
    public var coefficient: Double
    /// The term `coefficient` · `variable`.
    public init(_ variable: String, _ coefficient: Double) {
        self.variable = variable
        self.coefficient = coefficient
    }
}

/// Template class 0: maximize or minimize Σ a_i x_i (+ constant).
public struct SpecObjective: Sendable, Equatable {
    /// Maximize or minimize.
    public var sense: ObjectiveSense
    /// The terms Σ a_i x_i.
    public var terms: [SpecTerm]
    /// A constant added to the objective.
    public var constant: Double
    /// The sentence the objective came from.
    public var sentence: String?

    /// An objective from its parts.
    public init(sense: ObjectiveSense, terms: [SpecTerm], constant: Double = 0, sentence: String? = nil) {
        self.sense = sense
        self.terms = terms
        self.constant = constant
        self.sentence = sentence
    }
}

/// `<=`, `>=` or `=`.
public enum RowOperator: String, Sendable, CaseIterable {
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
    case equal = "="
}

/// One constraint: a template instance with its source sentence, an optional name, and where it
/// came from (e.g. "line 4") for error messages.
public struct SpecConstraint: Sendable, Equatable {
    /// The template instance.
    public var template: Template
    /// The sentence the constraint came from.
    public var sentence: String?
    /// The name of the constraint's rows in the model; `c1`, `c2`, … when nil.
    public var name: String?
    /// Where the constraint was read from; errors name it. Not part of the JSON.
    public var origin: String?

    /// A constraint from its parts.
    public init(_ template: Template, sentence: String? = nil, name: String? = nil, origin: String? = nil) {
        self.template = template
        self.sentence = sentence
        self.name = name
        self.origin = origin
    }
}

/// The template catalogue (classes 1–13 of docs/synth.md) plus general rows. Logic classes
/// (10–13) name quantities or binaries; a quantity gets an indicator `bi_<name>` with linking rows.
public enum Template: Sendable, Equatable {
    /// 1: x ≤ b
    case upperBound(variable: String, rhs: Double)
    /// 2: Σ x_i ≤ b
    case upperSum(variables: [String], rhs: Double)
    /// 3: Σ a_i x_i ≤ b
    case upperWeighted(terms: [SpecTerm], rhs: Double)
    /// 4: x ≤ c · Σ x_i, c ∈ (0, 1]; `of` nil means every non-indicator variable.
    case upperProportion(variable: String, fraction: Double, of: [String]?)
    /// 5: x ≥ b
    case lowerBound(variable: String, rhs: Double)
    /// 6: Σ x_i ≥ b
    case lowerSum(variables: [String], rhs: Double)
    /// 7: Σ a_i x_i ≥ b
    case lowerWeighted(terms: [SpecTerm], rhs: Double)
    /// 8: x ≥ c · Σ x_i
    case lowerProportion(variable: String, fraction: Double, of: [String]?)
    /// 9: d · x ≤ y
    case comparison(x: String, y: String, factor: Double)
    /// 10: if A is used then B is used (y_A ≤ y_B).
    case implication(ifUsed: String, thenUsed: String, bigM: Double?)
    /// 11: exactly one of the listed is used.
    case exactlyOne(variables: [String], bigM: Double?)
    /// 12: at least one is used.
    case atLeastOne(variables: [String], bigM: Double?)
    /// 13: at most one is used.
    case atMostOne(variables: [String], bigM: Double?)
    /// A general linear row Σ a_i x_i (op) b.
    case linear(terms: [SpecTerm], op: RowOperator, rhs: Double)
    /// indicator = active ⇒ Σ a_i x_i (op) b, with big-M from bounds unless `bigM` is given.
    case indicator(indicator: String, active: Bool, terms: [SpecTerm], op: RowOperator, rhs: Double, bigM: Double?)
    /// Σ a_i x_i ≤ b + M·h (or ≥ b − M·h) with h = Σ k_j y_j + c ≥ 0: the row holds where h = 0
    /// and is relaxed where h > 0 (an algebraic `x <= M*(b1 + b2)`); M is derived from bounds, else
    /// `bigM`, else the compiler's default.
    case relaxed(terms: [SpecTerm], op: RowOperator, rhs: Double, relaxedBy: [SpecTerm], relaxedByConstant: Double, bigM: Double?)

    /// The class number 1–13, or nil for `linear`, `indicator` and `big_m`.
    public var classNumber: Int? {
        switch self {
        case .upperBound: 1
        case .upperSum: 2
        case .upperWeighted: 3
        case .upperProportion: 4
        case .lowerBound: 5
        case .lowerSum: 6
        case .lowerWeighted: 7
        case .lowerProportion: 8
        case .comparison: 9
        case .implication: 10
        case .exactlyOne: 11
        case .atLeastOne: 12
        case .atMostOne: 13
        case .linear, .indicator, .relaxed: nil
        }
    }

    /// "3", "linear", "indicator" or "big_m": the value of the JSON `class` field.
    public var classLabel: String {
        switch self {
        case .linear: "linear"
        case .indicator: "indicator"
        case .relaxed: "big_m"
        default: String(classNumber!)
        }
    }

    /// The quantities (or binaries) a logic class (10–13) refers to; empty otherwise.
    public var logicOperands: [String] {
        switch self {
        case .implication(let a, let b, _): [a, b]
        case .exactlyOne(let vs, _), .atLeastOne(let vs, _), .atMostOne(let vs, _): vs
        default: []
        }
    }

    /// The big-M given on a logic class or indicator.
    public var bigM: Double? {
        switch self {
        case .implication(_, _, let m), .exactlyOne(_, let m), .atLeastOne(_, let m), .atMostOne(_, let m): m
        case .indicator(_, _, _, _, _, let m), .relaxed(_, _, _, _, _, let m): m
        default: nil
        }
    }
}

/// The template catalogue as text: class number, name and form (used in prompts and docs).
package let templateCatalogue: [(number: Int, name: String, form: String)] = [
    (0, "objective", "maximize/minimize Σ a_i x_i"),
    (1, "upper bound, single", "x_i ≤ b"),
    (2, "upper bound, sum", "Σ_i x_i ≤ b"),
    (3, "upper bound, weighted sum", "Σ a_i x_i ≤ b"),
    (4, "upper bound, proportion", "x_j ≤ c · Σ_i x_i, c ∈ (0,1]"),
    (5, "lower bound, single", "x_i ≥ b"),
    (6, "lower bound, sum", "Σ x_i ≥ b"),
    (7, "lower bound, weighted sum", "Σ a_i x_i ≥ b"),
    (8, "lower bound, proportion", "x_j ≥ c · Σ x_i"),
    (9, "comparison", "d · x_i ≤ x_j"),
    (10, "if A then B", "y_A ≤ y_B"),
    (11, "exactly one of A, B", "y_A + y_B = 1"),
    (12, "at least one of A, B", "y_A + y_B ≥ 1"),
    (13, "at most one of A, B", "y_A + y_B ≤ 1"),
]

// MARK: - Errors

/// Everything wrong with a spec, each problem naming the field (a JSON path such as
/// `constraints[2].terms.trucks`) and the constraint's sentence or origin. These messages are
/// fed back to the LLM, so they say what is expected.
public struct SpecError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One message per problem.
    public var problems: [String]
    /// An error with several problems.
    public init(_ problems: [String]) { self.problems = problems }
    /// An error with one problem.
    public init(_ problem: String) { self.problems = [problem] }
    /// The problems, one per line.
    public var description: String { problems.joined(separator: "\n") }
}

/// True for names the algebraic form and solvers accept: a letter or `_`, then letters, digits, `_`.
package func isIdentifier(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first == "_" || isASCIILetter(first) else { return false }
    return name.unicodeScalars.allSatisfy { $0 == "_" || isASCIILetter($0) || ("0"..."9").contains($0) }
}

func isASCIILetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }

/// `text` turned into an identifier: other characters become `_` ("ox carts" → "ox_carts").
package func identifier(from text: String) -> String {
    var out = ""
    for s in text.unicodeScalars {
        if isASCIILetter(s) || ("0"..."9").contains(s) { out.unicodeScalars.append(s) } else if !out.hasSuffix("_") { out += "_" }
    }
    while out.hasSuffix("_") { out.removeLast() }
    while out.hasPrefix("_") { out.removeFirst() }
    if out.isEmpty { return "x" }
    if let f = out.unicodeScalars.first, ("0"..."9").contains(f) { out = "x_" + out }
    return out
}

// MARK: - Validation

extension FormulationSpec {
    /// Checks names, numbers and references. Throws a `SpecError` listing every problem.
    public func validate() throws(SpecError) {
        var problems: [String] = []
        var seen: [String: Int] = [:]
        for (i, v) in variables.enumerated() {
            let path = "variables[\(i)] (\(v.name))"
            if !isIdentifier(v.name) {
                problems.append("variables[\(i)].name: \"\(v.name)\" is not an identifier (letters, digits, _; not starting with a digit)")
            } else if v.name == "M" {
                problems.append("variables[\(i)].name: \"M\" is reserved for big-M")
            }
            if let first = seen[v.name] {
                problems.append("variables[\(i)].name: duplicate name \"\(v.name)\" (also variables[\(first)])")
            } else {
                seen[v.name] = i
            }
            if v.lower.isNaN || v.upper.isNaN || v.lower > v.upper {
                problems.append("\(path): bounds [\(formatCoefficient(v.lower)), \(formatCoefficient(v.upper))] are empty or not numbers")
            }
            if v.lower == -.infinity {
                problems.append("\(path).lower: must be finite (word-problem quantities are ≥ 0 unless stated)")
            }
            if let q = v.indicatorOf {
                if v.kind != .binary { problems.append("\(path).indicator_of: an indicator must have kind \"binary\"") }
                if !variables.contains(where: { $0.name == q }) { problems.append("\(path).indicator_of: unknown variable \"\(q)\"") }
            }
        }
        if variables.isEmpty { problems.append("variables: no decision variables") }
        let known = Set(variables.map(\.name))
        func checkTerms(_ terms: [SpecTerm], _ path: String) {
            var names: Set<String> = []
            for t in terms {
                if !known.contains(t.variable) { problems.append("\(path).\(t.variable): unknown variable \"\(t.variable)\"\(suggestion(t.variable, known))") }
                if !t.coefficient.isFinite { problems.append("\(path).\(t.variable): coefficient is not a finite number") }
                if !names.insert(t.variable).inserted { problems.append("\(path): \"\(t.variable)\" appears twice") }
            }
        }
        checkTerms(objective.terms, "objective.terms")
        if objective.terms.allSatisfy({ $0.coefficient == 0 }) {
            problems.append("objective.terms: empty objective: give at least one variable with a nonzero coefficient")
        }
        var constraintNames: [String: Int] = [:]
        for (i, c) in constraints.enumerated() {
            let label = c.label(index: i)
            if let n = c.name {
                if let first = constraintNames[n] { problems.append("\(label).name: duplicate constraint name \"\(n)\" (also constraints[\(first)])") }
                constraintNames[n] = i
            }
            func ref(_ name: String, _ field: String) {
                if !known.contains(name) { problems.append("\(label).\(field): unknown variable \"\(name)\"\(suggestion(name, known))") }
            }
            func finite(_ x: Double, _ field: String) {
                if !x.isFinite { problems.append("\(label).\(field): not a finite number") }
            }
            func list(_ vs: [String], _ field: String, min: Int) {
                if vs.count < min { problems.append("\(label).\(field): needs at least \(min) variable\(min == 1 ? "" : "s")") }
                for (k, v) in vs.enumerated() { ref(v, "\(field)[\(k)]") }
                if Set(vs).count != vs.count { problems.append("\(label).\(field): a variable is listed twice") }
            }
            switch c.template {
            case .upperBound(let v, let b), .lowerBound(let v, let b):
                ref(v, "var"); finite(b, "rhs")
            case .upperSum(let vs, let b), .lowerSum(let vs, let b):
                list(vs, "vars", min: 1); finite(b, "rhs")
            case .upperWeighted(let t, let b), .lowerWeighted(let t, let b), .linear(let t, _, let b):
                checkTerms(t, "\(label).terms"); finite(b, "rhs")
                if t.isEmpty || t.allSatisfy({ $0.coefficient == 0 }) { problems.append("\(label).terms: no variable with a nonzero coefficient") }
            case .upperProportion(let v, let f, let of), .lowerProportion(let v, let f, let of):
                ref(v, "var")
                if !(f > 0 && f <= 1) { problems.append("\(label).fraction: \(formatCoefficient(f)) is not in (0, 1] (write 40% as 0.4)") }
                if let of { list(of, "of", min: 1) }
            case .comparison(let x, let y, let d):
                ref(x, "x"); ref(y, "y")
                if !(d.isFinite && d >= 0) { problems.append("\(label).factor: must be a finite number ≥ 0") }
                if x == y { problems.append("\(label): x and y are the same variable \"\(x)\"") }
            case .implication(let a, let b, _):
                ref(a, "if"); ref(b, "then")
                if a == b { problems.append("\(label): \"if\" and \"then\" are the same variable") }
            case .exactlyOne(let vs, _), .atLeastOne(let vs, _), .atMostOne(let vs, _):
                list(vs, "vars", min: 2)
            case .indicator(let b, _, let t, _, let rhs, _):
                ref(b, "indicator")
                if let v = variables.first(where: { $0.name == b }), v.kind != .binary {
                    problems.append("\(label).indicator: \"\(b)\" must be a binary variable")
                }
                checkTerms(t, "\(label).terms"); finite(rhs, "rhs")
            case .relaxed(let t, let op, let rhs, let h, let constant, _):
                checkTerms(t, "\(label).terms"); finite(rhs, "rhs")
                checkTerms(h, "\(label).relaxed_by"); finite(constant, "relaxed_by_constant")
                if op == .equal { problems.append("\(label).operator: a big-M row is <= or >= (an equality cannot be relaxed one way)") }
                if h.allSatisfy({ $0.coefficient == 0 }) { problems.append("\(label).relaxed_by: no variable with a nonzero coefficient") }
            }
            if let m = c.template.bigM, !(m.isFinite && m > 0) {
                problems.append("\(label).big_m: must be a finite number > 0")
            }
        }
        if !problems.isEmpty { throw SpecError(problems) }
    }
}

extension SpecConstraint {
    /// `constraints[i]` with its origin and sentence, for messages.
    func label(index: Int) -> String {
        var s = "constraints[\(index)]"
        if let origin { s += " (\(origin))" }
        if let sentence { s += " \"\(sentence.count > 90 ? String(sentence.prefix(87)) + "..." : sentence)\"" }
        return s
    }
}

/// " (did you mean "x"?)" when a known name is close to `name`.
func suggestion(_ name: String, _ known: Set<String>) -> String {
    let lower = name.lowercased()
    // The first in sorted order; min() of the matches instead of sorting every known name per call
    // (a reader reporting many unknown names called this once for each).
    let close = known.filter { k in
        let kl = k.lowercased()
        return kl == lower || kl.hasPrefix(lower) || lower.hasPrefix(kl) || kl == lower + "s" || kl + "s" == lower
    }.min()
    return close.map { "; did you mean \"\($0)\"?" } ?? ""
}
