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
    /// The model as algebraic text, readable by `AlgebraicReader`, with the sentences, the big-M
    /// derivations and the implied bounds as comments.
    public let rendering: String
    /// Every big-M put in the model, in row order, with how it was found.
    public let bigM: [BigMValue]
    /// The variable bounds the rows imply (those tighter than declared), from which big-M derives.
    public let impliedBounds: [ImpliedBound]

    /// Warnings for the user: each big-M that no bound gives, naming its row and the value used.
    public var warnings: [String] { bigM.filter { !$0.derived }.map(\.explanation) }

    /// The column of `name`.
    public func variable(named name: String) -> Variable? {
        names.firstIndex(of: name).map { model.variable(at: $0) }
    }
}

/// Compiles a `FormulationSpec` to a `Model` through the DSL: template rows, indicator variables for
/// the logic classes with their linking rows, and bounds-aware big-M.
///
/// One mechanism gives every big-M: a row relaxed by M·h (h ≥ 0: a binary, 1 − b, a sum of
/// binaries, any integer or continuous expression) gets the smallest M that relaxes it wherever
/// h > 0 within the variables' bounds — declared, or implied by the plain rows (bound propagation,
/// done once): M = largest violation / smallest positive h. Indicator linking for a quantity x and
/// its indicator y is the pair x ≤ M·y (M = x's largest value) and y ≤ M·x (M = 1 for integer x: a
/// used quantity is ≥ 1). Where no finite M keeps the meaning (an unbounded variable, a continuous
/// h), a `big_m` given on the constraint is used, else ``defaultBigM``, with a warning naming the row.
public struct TemplateCompiler: Sendable {
    /// The domain of spec variables that declare no kind.
    public var reading: VariableReading
    /// The big-M used, with a warning, where none can be derived (`milp synth --big-m`). Moderate
    /// on purpose: at the solvers' integrality tolerance (1e-6) a binary at 1e-6 lets M·1e-6 leak
    /// through, 0.01 at this default.
    public var defaultBigM: Double

    /// A compiler that gives undeclared variables the `reading` domain (integer by default) and
    /// uses `defaultBigM` where no big-M can be derived.
    public init(reading: VariableReading = .integer, defaultBigM: Double = TemplateCompiler.standardBigM) {
        self.reading = reading
        self.defaultBigM = defaultBigM
    }

    /// The default of ``defaultBigM``: 10⁴.
    public static let standardBigM = 10_000.0

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
            case .indicator, .relaxed: rows.append([])  // needs the implied bounds: below
            }
        }

        // Bounds the plain rows imply (done once), then every big-M from them: rows relaxed by M
        // (indicator and big_m constraints) and the indicators' linking rows.
        let rowSources = spec.constraints.enumerated().map { i, c in c.name.map(identifier(from:)) ?? "c\(i + 1)" }
        let bounds = ImpliedBounds(lower: variables.indices.map { kinds[$0] == .binary ? max(variables[$0].lower, 0) : variables[$0].lower },
                                   upper: variables.indices.map { kinds[$0] == .binary ? min(variables[$0].upper, 1) : variables[$0].upper }, kinds: kinds,
                                   rows: rows.indices.flatMap { i in rows[i].map { row in
                                       ImpliedBounds.Row(terms: row.terms.map { (column[$0.variable]!, $0.coefficient) }, op: row.op, rhs: row.rhs, source: rowSources[i])
                                   } })
        var bigMValues: [BigMValue] = []
        var rowNotes = rows.map { $0.map { _ in String?.none } }
        func substitute(_ relaxed: RelaxedRow) -> (Row, String)? {
            do {
                let m = try relaxed.deriveM(bounds, kinds, column, fallback: defaultBigM)
                bigMValues.append(m)
                return (relaxed.row(m.value), m.derived ? m.explanation : "M = \(formatCoefficient(m.value)) (no finite M derives from the bounds)")
            } catch {
                problems += error.problems
                return nil
            }
        }
        for (i, c) in spec.constraints.enumerated() {
            let relaxed = c.template.relaxedRows(label: c.label(index: i))
            guard !relaxed.isEmpty else { continue }
            let substituted = relaxed.compactMap(substitute)
            rows[i] = substituted.map(\.0)
            rowNotes[i] = substituted.map(\.1)
        }

        // Linking rows: x ≤ M·y and y ≤ M·x (M = 1 for an integer x: a used quantity is ≥ 1); a
        // big_m given where the quantity is used serves when its bounds give no M.
        var links: [(String, [Row], [String?])] = []
        for (q, y) in indicatorOf.sorted(by: { column[$0.value]! < column[$1.value]! }) {
            let given = spec.constraints.filter { $0.template.logicOperands.contains(q) }.compactMap(\.template.bigM).max()
            let label = "the indicator \"\(y)\" of \"\(q)\""
            // A linking row the spec states already (an algebraic `x <= M * bi_x`, `bi_x <= M * x`) is left out.
            let statesForward = spec.constraints.contains { c in
                if case .indicator(y, false, [SpecTerm(q, 1)], .lessOrEqual, 0, _) = c.template { return true }
                return false
            }
            let statesBack = spec.constraints.contains { c in
                if case .relaxed([SpecTerm(y, 1)], .lessOrEqual, 0, [SpecTerm(q, 1)], 0, _) = c.template { return true }
                return false
            }
            let forward = RelaxedRow(terms: [SpecTerm(q, 1)], op: .lessOrEqual, rhs: 0, relaxedBy: [SpecTerm(y, 1)], relaxedByConstant: 0,
                                     given: given, label: "\(label) (\(q) <= M * \(y))")
            let back = RelaxedRow(terms: [SpecTerm(y, 1)], op: .lessOrEqual, rhs: 0, relaxedBy: [SpecTerm(q, 1)], relaxedByConstant: 0,
                                  given: nil, label: "\(label) (\(y) <= M * \(q))")
            let substituted = ((statesForward ? [] : [forward]) + (statesBack ? [] : [back])).compactMap(substitute)
            links.append((y, substituted.map(\.0), substituted.map(\.1)))
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
        let linkNames = links.map { y, rs, _ in rs.indices.map { k in unique("link_\(y)_\(k + 1)") } }
        let constraintRows = rows.indices.map { i in rows[i].indices.map { k in add(rows[i][k], rowNames[i][k]) } }
        let linkRows = links.indices.map { j in (links[j].0, links[j].1.indices.map { k in add(links[j].1[k], linkNames[j][k]) }) }
        let objective = expression(spec.objective.terms) + spec.objective.constant
        if spec.objective.sense == .maximize { model.maximize(objective) } else { model.minimize(objective) }

        let implied = variables.indices.compactMap { c -> ImpliedBound? in
            guard bounds.lowerSource[c] != nil || bounds.upperSource[c] != nil else { return nil }
            return ImpliedBound(variable: variables[c].name, lower: bounds.lower[c], upper: bounds.upper[c],
                                lowerSource: bounds.lowerSource[c], upperSource: bounds.upperSource[c])
        }
        let rendering = render(spec, variables, kinds, rows, rowNames, rowNotes, links, linkNames, implied)
        return CompiledFormulation(spec: spec, model: model, names: variables.map(\.name), constraintRows: constraintRows,
                                   linkRows: linkRows, rendering: rendering, bigM: bigMValues, impliedBounds: implied)
    }

    /// The algebraic text of the compiled model: objective, declarations, rows with their sentences.
    func render(_ spec: FormulationSpec, _ variables: [SpecVariable], _ kinds: [VariableKind], _ rows: [[Row]], _ rowNames: [[String]],
                _ rowNotes: [[String?]], _ links: [(String, [Row], [String?])], _ linkNames: [[String]], _ implied: [ImpliedBound]) -> String {
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
                let note = [k == 0 ? tag + " " + (c.sentence ?? "") : nil, rowNotes[i][k]].compactMap { $0 }.joined(separator: "; ")
                lines.append("\(rowNames[i][k]): \(renderRow(row))\(comment(note))")
            }
        }
        for (j, (_, rs, notes)) in links.enumerated() {
            for (k, row) in rs.enumerated() {
                lines.append("\(linkNames[j][k]): \(renderRow(row))\(comment(["indicator linking", notes[k]].compactMap { $0 }.joined(separator: "; ")))")
            }
        }
        for (i, v) in variables.enumerated() where kinds[i] != .binary {
            if v.lower != 0 { lines.append("\(v.name) >= \(formatCoefficient(v.lower))") }
            if v.upper.isFinite { lines.append("\(v.name) <= \(formatCoefficient(v.upper))") }
        }
        if !implied.isEmpty {
            lines.append("# bounds the rows imply (big-M values derive from them):")
            for b in implied {
                let parts = [b.lowerSource.map { "\(b.variable) >= \(formatCoefficient(b.lower)) (\($0))" }, b.upperSource.map { "\(b.variable) <= \(formatCoefficient(b.upper)) (\($0))" }]
                lines.append("#   " + parts.compactMap { $0 }.joined(separator: ", "))
            }
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
