import Foundation
import MILP

/// The domain given to spec variables that declare no kind. Indicators are always binary.
public enum VariableReading: String, Sendable, CaseIterable {
    case integer, continuous
}

/// A spec compiled to a model, with names and an algebraic rendering.
public struct CompiledFormulation: Sendable {
    /// The spec as compiled.
    public let spec: FormulationSpec
    /// The model: spec variables as its first columns, then the indicators.
    public let model: Model
    /// Every column's name, spec variables first, then indicators added for logic classes.
    public let names: [String]
    /// The model's rows that each spec constraint became (parallel to `spec.constraints`).
    public let constraintRows: [[Constraint]]
    /// The linking rows of indicators, by indicator name.
    public let linkRows: [(indicator: String, rows: [Constraint])]
    /// The model as algebraic text, readable by `AlgebraicReader`, with the sentences as comments.
    public let rendering: String

    /// The column of `name`.
    public func variable(named name: String) -> Variable? {
        names.firstIndex(of: name).map { model.variable(at: $0) }
    }
}

/// Compiles a `FormulationSpec` to a `Model` through the DSL: template rows, indicator variables for
/// the logic classes with their linking rows, and bounds-aware big-M.
///
/// Linking for an indicator y of a quantity x: x ≤ M·y, and y ≤ x when x is integer (a used
/// quantity is ≥ 1), y ≤ M·x otherwise. M is x's upper bound (declared, or implied by the rows:
/// single-variable rows and ≤ rows with nonnegative coefficients over variables ≥ 0); a `big_m`
/// given on the constraint is used only when no finite bound exists, and without either the
/// compiler reports an error naming the constraint.
public struct TemplateCompiler: Sendable {
    /// The domain of spec variables that declare no kind.
    public var reading: VariableReading

    /// A compiler that gives undeclared variables the `reading` domain (integer by default).
    public init(reading: VariableReading = .integer) {
        self.reading = reading
    }

    /// A row before it becomes part of the model.
    struct Row {
        var terms: [SpecTerm]
        var op: RowOperator
        var rhs: Double
    }

    /// Validates `spec` and compiles it; throws a ``SpecError`` listing every problem, e.g. a big-M
    /// that neither bounds nor `big_m` give.
    public func compile(_ spec: FormulationSpec) throws(SpecError) -> CompiledFormulation {
        try spec.validate()
        var variables = spec.variables
        var problems: [String] = []

        // Indicators: declared ones (indicator_of), then one per quantity a logic class names.
        var indicatorOf: [String: String] = [:]  // quantity → indicator
        for v in variables { if let q = v.indicatorOf { indicatorOf[q] = v.name } }
        let declared = Dictionary(variables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, c) in spec.constraints.enumerated() {
            for q in c.template.logicOperands where declared[q]?.kind != .binary && indicatorOf[q] == nil {
                let name = "bi_" + q
                if let existing = declared[name] {
                    if existing.kind != .binary {
                        problems.append("\(c.label(index: i)): the indicator of \"\(q)\" would be \"\(name)\", but that name is a \(existing.kind?.rawValue ?? "non-binary") variable")
                    }
                    indicatorOf[q] = name
                    continue
                }
                indicatorOf[q] = name
                variables.append(SpecVariable(name: name, kind: .binary, upper: 1, description: "1 if \(q) is used", indicatorOf: q))
            }
        }
        let column = Dictionary(variables.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let indicatorNames = Set(indicatorOf.values)
        func kind(_ v: SpecVariable) -> VariableKind {
            switch v.kind ?? (reading == .integer ? .integer : .continuous) {
            case .binary: .binary
            case .integer: .integer
            case .continuous: .continuous
            }
        }
        let kinds = variables.map(kind)
        /// The binary standing for "x is used": x itself when binary, else its indicator.
        func used(_ x: String) -> String { kinds[column[x]!] == .binary ? x : indicatorOf[x]! }
        let plain = variables.filter { !indicatorNames.contains($0.name) && $0.indicatorOf == nil }.map(\.name)

        // Template rows.
        var rows: [[Row]] = []
        for c in spec.constraints {
            let ones = { (vs: [String]) in vs.map { SpecTerm($0, 1) } }
            func proportion(_ x: String, _ f: Double, _ of: [String]?, _ op: RowOperator) -> Row {
                Row(terms: merged([SpecTerm(x, 1)] + (of ?? plain).map { SpecTerm($0, -f) }), op: op, rhs: 0)
            }
            switch c.template {
            case .upperBound(let v, let b): rows.append([Row(terms: [SpecTerm(v, 1)], op: .lessOrEqual, rhs: b)])
            case .lowerBound(let v, let b): rows.append([Row(terms: [SpecTerm(v, 1)], op: .greaterOrEqual, rhs: b)])
            case .upperSum(let vs, let b): rows.append([Row(terms: ones(vs), op: .lessOrEqual, rhs: b)])
            case .lowerSum(let vs, let b): rows.append([Row(terms: ones(vs), op: .greaterOrEqual, rhs: b)])
            case .upperWeighted(let t, let b): rows.append([Row(terms: t, op: .lessOrEqual, rhs: b)])
            case .lowerWeighted(let t, let b): rows.append([Row(terms: t, op: .greaterOrEqual, rhs: b)])
            case .upperProportion(let x, let f, let of): rows.append([proportion(x, f, of, .lessOrEqual)])
            case .lowerProportion(let x, let f, let of): rows.append([proportion(x, f, of, .greaterOrEqual)])
            case .comparison(let x, let y, let d): rows.append([Row(terms: [SpecTerm(x, d), SpecTerm(y, -1)], op: .lessOrEqual, rhs: 0)])
            case .implication(let a, let b, _): rows.append([Row(terms: [SpecTerm(used(a), 1), SpecTerm(used(b), -1)], op: .lessOrEqual, rhs: 0)])
            case .exactlyOne(let vs, _): rows.append([Row(terms: ones(vs.map(used)), op: .equal, rhs: 1)])
            case .atLeastOne(let vs, _): rows.append([Row(terms: ones(vs.map(used)), op: .greaterOrEqual, rhs: 1)])
            case .atMostOne(let vs, _): rows.append([Row(terms: ones(vs.map(used)), op: .lessOrEqual, rhs: 1)])
            case .linear(let t, let op, let b): rows.append([Row(terms: t, op: op, rhs: b)])
            case .indicator: rows.append([])  // needs the implied bounds: below
            }
        }

        let bounds = impliedBounds(variables, kinds, column, rows.flatMap { $0 })
        func upper(_ x: String) -> Double { bounds[column[x]!].upper }

        // Indicator templates: indicator = active ⇒ row, relaxed by M when inactive.
        for (i, c) in spec.constraints.enumerated() {
            guard case .indicator(let y, let active, let terms, let op, let rhs, let bigM) = c.template else { continue }
            var lo = 0.0, hi = 0.0
            for t in terms {
                let (l, u) = bounds[column[t.variable]!]
                if t.coefficient > 0 { lo += t.coefficient * l; hi += t.coefficient * u } else { lo += t.coefficient * u; hi += t.coefficient * l }
            }
            var out: [Row] = []
            for (sign, limit, activity) in [(1.0, rhs, hi), (-1.0, -rhs, -lo)] {
                if (sign > 0 && op == .greaterOrEqual) || (sign < 0 && op == .lessOrEqual) { continue }
                let m = bigM ?? max(activity - limit, 0)
                guard m.isFinite else {
                    let missing = terms.filter { (sign * $0.coefficient > 0 ? upper($0.variable) : -bounds[column[$0.variable]!].lower).isInfinite }.map(\.variable)
                    problems.append("\(c.label(index: i)): cannot derive big-M: \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) \(missing.count == 1 ? "has" : "have") no finite \(sign > 0 ? "upper" : "lower") bound; give a bound (e.g. \(missing.first ?? "x") <= 100) or big_m")
                    continue
                }
                // active: e + m·y ≤ limit + m; inactive (active = 0): e − m·y ≤ limit.
                let scaled = terms.map { SpecTerm($0.variable, sign * $0.coefficient) }
                out.append(Row(terms: scaled + [SpecTerm(y, active ? m : -m)], op: .lessOrEqual, rhs: active ? limit + m : limit))
            }
            rows[i] = out
        }

        // Linking rows, with M from bounds, else the largest big_m given where the quantity is used.
        var links: [(String, [Row])] = []
        for (q, y) in indicatorOf.sorted(by: { column[$0.value]! < column[$1.value]! }) {
            var m = upper(q)
            if !m.isFinite {
                let given = spec.constraints.filter { $0.template.logicOperands.contains(q) }.compactMap(\.template.bigM)
                if let g = given.max() {
                    m = g
                } else {
                    let place = spec.constraints.enumerated().first { $0.element.template.logicOperands.contains(q) }
                    let label = place.map { $0.element.label(index: $0.offset) } ?? "variables[\(column[y]!)] (\(y))"
                    problems.append("\(label): cannot derive big-M for the indicator of \"\(q)\": \"\(q)\" has no finite upper bound; give \"\(q)\" an upper bound (e.g. \(q) <= 100) or big_m")
                    continue
                }
            }
            let back = kinds[column[q]!] == .continuous ? [SpecTerm(y, 1), SpecTerm(q, -m)] : [SpecTerm(y, 1), SpecTerm(q, -1)]
            // x ≤ M·y is left out when the spec states it already (an algebraic `x <= M * bi_x`).
            let stated = spec.constraints.contains { c in
                if case .indicator(y, false, [SpecTerm(q, 1)], .lessOrEqual, 0, _) = c.template { return true }
                return false
            }
            let forward = Row(terms: [SpecTerm(q, 1), SpecTerm(y, -m)], op: .lessOrEqual, rhs: 0)
            links.append((y, (stated ? [] : [forward]) + [Row(terms: back, op: .lessOrEqual, rhs: 0)]))
        }
        if !problems.isEmpty { throw SpecError(problems) }

        // The model.
        var model = Model(name: spec.name.map(identifier(from:)) ?? "synth")
        let columns = variables.enumerated().map { i, v in
            model.addVariable(lowerBound: v.lower, upperBound: v.upper, kind: kinds[i], name: v.name)
        }
        func expression(_ terms: [SpecTerm]) -> LinearExpression {
            var e = LinearExpression()
            for t in terms { e.add(t.coefficient, columns[column[t.variable]!]) }
            return e
        }
        func add(_ row: Row, _ name: String) -> Constraint {
            let e = expression(row.terms)
            let rhs = row.rhs + 0  // no "-0" in names and reports
            switch row.op {
            case .lessOrEqual: return model.add(e <= rhs, name: name)
            case .greaterOrEqual: return model.add(e >= rhs, name: name)
            case .equal: return model.add(e == rhs, name: name)
            }
        }
        var taken: Set<String> = []
        func unique(_ name: String) -> String {
            var n = name, k = 2
            while taken.contains(n) { n = "\(name)_\(k)"; k += 1 }
            taken.insert(n)
            return n
        }
        var rowNames: [[String]] = []
        for (i, c) in spec.constraints.enumerated() {
            let base = c.name.map(identifier(from:)) ?? "c\(i + 1)"
            rowNames.append(rows[i].indices.map { k in unique(rows[i].count > 1 ? "\(base)_\(k + 1)" : base) })
        }
        let linkNames = links.map { y, rs in rs.indices.map { k in unique("link_\(y)_\(k + 1)") } }
        let constraintRows = rows.indices.map { i in rows[i].indices.map { k in add(rows[i][k], rowNames[i][k]) } }
        let linkRows = links.indices.map { j in (links[j].0, links[j].1.indices.map { k in add(links[j].1[k], linkNames[j][k]) }) }
        let objective = expression(spec.objective.terms) + spec.objective.constant
        if spec.objective.sense == .maximize { model.maximize(objective) } else { model.minimize(objective) }

        let rendering = render(spec, variables, kinds, rows, rowNames, links, linkNames)
        return CompiledFormulation(spec: spec, model: model, names: variables.map(\.name), constraintRows: constraintRows,
                                   linkRows: linkRows, rendering: rendering)
    }

    /// Variable bounds tightened by single-variable rows, then by ≤ rows (and ≥ rows, negated) whose
    /// coefficients all have one sign over variables with finite lower bounds. Integers are rounded in.
    func impliedBounds(_ variables: [SpecVariable], _ kinds: [VariableKind], _ column: [String: Int], _ rows: [Row]) -> [(lower: Double, upper: Double)] {
        var b = variables.enumerated().map { i, v in
            kinds[i] == .binary ? (lower: max(v.lower, 0), upper: min(v.upper, 1)) : (lower: v.lower, upper: v.upper)
        }
        func tightenUpper(_ c: Int, _ u: Double) {
            let u = kinds[c] == .continuous ? u : (u + 1e-9).rounded(.down)
            if u < b[c].upper { b[c].upper = u }
        }
        // Each row as one or two "Σ a x ≤ r" forms.
        let forms: [([SpecTerm], Double)] = rows.flatMap { row -> [([SpecTerm], Double)] in
            let negated = row.terms.map { SpecTerm($0.variable, -$0.coefficient) }
            switch row.op {
            case .lessOrEqual: return [(row.terms, row.rhs)]
            case .greaterOrEqual: return [(negated, -row.rhs)]
            case .equal: return [(row.terms, row.rhs), (negated, -row.rhs)]
            }
        }
        for _ in 0..<2 {
            for (terms, r) in forms {
                let nonzero = terms.filter { $0.coefficient != 0 }
                if nonzero.count == 1, let t = nonzero.first {
                    let c = column[t.variable]!
                    if t.coefficient > 0 { tightenUpper(c, r / t.coefficient) } else if r / t.coefficient > b[c].lower {
                        b[c].lower = kinds[c] == .continuous ? r / t.coefficient : (r / t.coefficient - 1e-9).rounded(.up)
                    }
                    continue
                }
                guard nonzero.allSatisfy({ $0.coefficient > 0 && b[column[$0.variable]!].lower.isFinite }) else { continue }
                let minimum = nonzero.reduce(0.0) { $0 + $1.coefficient * b[column[$1.variable]!].lower }
                for t in nonzero {
                    let c = column[t.variable]!
                    tightenUpper(c, (r - minimum + t.coefficient * b[c].lower) / t.coefficient)
                }
            }
        }
        return b
    }

    /// The algebraic text of the compiled model: objective, declarations, rows with their sentences.
    func render(_ spec: FormulationSpec, _ variables: [SpecVariable], _ kinds: [VariableKind], _ rows: [[Row]], _ rowNames: [[String]],
                _ links: [(String, [Row])], _ linkNames: [[String]]) -> String {
        func comment(_ s: String?) -> String {
            guard let s, !s.isEmpty else { return "" }
            return "  # " + s.replacingOccurrences(of: "\n", with: " ")
        }
        var lines: [String] = []
        if let n = spec.name { lines.append("# \(n)") }
        let objective = renderExpression(spec.objective.terms) + (spec.objective.constant != 0 ? " + \(formatCoefficient(spec.objective.constant))" : "")
        lines.append("\(spec.objective.sense.rawValue) \(objective)\(comment(spec.objective.sentence))")
        for k in [VariableKind.integer, .binary, .continuous] {
            let names = variables.indices.filter { kinds[$0] == k }.map { variables[$0].name }
            if !names.isEmpty { lines.append("\(k) \(names.joined(separator: ", "))") }
        }
        for (i, c) in spec.constraints.enumerated() {
            let tag = c.template.classNumber.map { "[\($0)]" } ?? "[\(c.template.classLabel)]"
            for (k, row) in rows[i].enumerated() {
                lines.append("\(rowNames[i][k]): \(renderRow(row))\(comment(k == 0 ? tag + " " + (c.sentence ?? "") : nil))")
            }
        }
        for (j, (_, rs)) in links.enumerated() {
            for (k, row) in rs.enumerated() {
                lines.append("\(linkNames[j][k]): \(renderRow(row))\(k == 0 ? "  # indicator linking" : "")")
            }
        }
        for (i, v) in variables.enumerated() where kinds[i] != .binary {
            if v.lower != 0 { lines.append("\(v.name) >= \(formatCoefficient(v.lower))") }
            if v.upper.isFinite { lines.append("\(v.name) <= \(formatCoefficient(v.upper))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func renderRow(_ row: Row) -> String { "\(renderExpression(row.terms)) \(row.op.rawValue) \(formatCoefficient(row.rhs))" }
}

/// Terms with the same variable added up, in first-appearance order.
func merged(_ terms: [SpecTerm]) -> [SpecTerm] {
    var out: [SpecTerm] = []
    for t in terms {
        if let k = out.firstIndex(where: { $0.variable == t.variable }) { out[k].coefficient += t.coefficient } else { out.append(t) }
    }
    return out
}

/// `5 trucks - planes + 0.2 vans`; `0` when there are no terms.
package func renderExpression(_ terms: [SpecTerm]) -> String {
    var s = ""
    for t in terms where t.coefficient != 0 {
        let magnitude = abs(t.coefficient)
        let body = magnitude == 1 ? t.variable : "\(formatCoefficient(magnitude)) \(t.variable)"
        if s.isEmpty { s = t.coefficient < 0 ? "-" + body : body } else { s += (t.coefficient < 0 ? " - " : " + ") + body }
    }
    return s.isEmpty ? "0" : s
}

/// A number as short as it can be written exactly: `12`, `0.2`, `1e-07`.
package func formatCoefficient(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}
