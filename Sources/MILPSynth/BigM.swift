import Foundation
import MILP

/// The bounds a model's linear rows imply for its variables (feasibility-based bound tightening:
/// each row's smallest activity over the other variables bounds each variable), with the row
/// that implied each bound. Integer bounds are rounded in. Used to derive big-M values; the model
/// itself keeps the declared bounds.
struct ImpliedBounds {
    var lower: [Double]
    var upper: [Double]
    /// The row that gave each bound; nil where the declared bound stands.
    var lowerSource: [String?]
    var upperSource: [String?]

    /// A row `Σ a·x (op) rhs` over columns, named for reports.
    struct Row {
        var terms: [(column: Int, coefficient: Double)]
        var op: RowOperator
        var rhs: Double
        var source: String
    }

    /// Passes over the rows before giving up on a fixed point: chains such as x ≤ y, y ≤ z need
    /// one pass per link, and rows that tighten each other forever (x ≤ y + 1, y ≤ x) would never end.
    static let passes = 20

    init(lower: [Double], upper: [Double], kinds: [VariableKind], rows: [Row]) {
        self.lower = lower
        self.upper = upper
        lowerSource = Array(repeating: nil, count: lower.count)
        upperSource = lowerSource
        // Each row as one or two "Σ a x ≤ r" forms.
        let forms = rows.flatMap { row -> [(terms: [(column: Int, coefficient: Double)], rhs: Double, source: String)] in
            let terms = row.terms.filter { $0.coefficient != 0 }
            let negated = terms.map { (column: $0.column, coefficient: -$0.coefficient) }
            switch row.op {
            case .lessOrEqual: return [(terms, row.rhs, row.source)]
            case .greaterOrEqual: return [(negated, -row.rhs, row.source)]
            case .equal: return [(terms, row.rhs, row.source), (negated, -row.rhs, row.source)]
            }
        }
        for _ in 0..<Self.passes {
            var changed = false
            for form in forms where tighten(form.terms, form.rhs, form.source, kinds) { changed = true }
            if !changed { break }
        }
    }

    /// Tightens every variable of `Σ a x ≤ r`; returns whether a bound moved.
    private mutating func tighten(_ terms: [(column: Int, coefficient: Double)], _ r: Double, _ source: String, _ kinds: [VariableKind]) -> Bool {
        // The smallest activity, its finite part and the terms that make it -∞.
        func least(_ t: (column: Int, coefficient: Double)) -> Double { t.coefficient > 0 ? t.coefficient * lower[t.column] : t.coefficient * upper[t.column] }
        var finite = 0.0
        var infinite: [Int] = []
        for (k, t) in terms.enumerated() {
            let a = least(t)
            if a.isFinite { finite += a } else { infinite.append(k) }
        }
        guard infinite.count <= 1 else { return false }
        var changed = false
        for (k, t) in terms.enumerated() where infinite.isEmpty || infinite == [k] {
            let rest = infinite.isEmpty ? finite - least(t) : finite
            let limit = (r - rest) / t.coefficient
            let c = t.column
            let integral = kinds[c] != .continuous
            if t.coefficient > 0 {
                let u = integral ? (limit + 1e-9).rounded(.down) : limit
                if u < upper[c] - 1e-9 * max(1, abs(u)), u >= lower[c] - 1e-9 {
                    upper[c] = u
                    upperSource[c] = source
                    changed = true
                }
            } else {
                let l = integral ? (limit - 1e-9).rounded(.up) : limit
                if l > lower[c] + 1e-9 * max(1, abs(l)), l <= upper[c] + 1e-9 {
                    lower[c] = l
                    lowerSource[c] = source
                    changed = true
                }
            }
        }
        return changed
    }
}

/// A row relaxed by big-M: `Σ a·x ≤ rhs + M·h` (or `Σ a·x ≥ rhs − M·h`) with h = Σ k·y + c ≥ 0.
/// It holds as written where h = 0 and is relaxed where h > 0; M is the smallest value that
/// relaxes it at every point within the bounds where h > 0.
struct RelaxedRow {
    var terms: [SpecTerm]
    var op: RowOperator  // .lessOrEqual or .greaterOrEqual
    var rhs: Double
    var relaxedBy: [SpecTerm]
    var relaxedByConstant: Double
    /// The value to use when none can be derived (a spec's `big_m`), before the compiler's default.
    var given: Double?
    /// Where the row comes from, for messages.
    var label: String

    /// The row with M substituted, in its own direction.
    func row(_ m: Double) -> TemplateCompiler.Row {
        let sign: Double = op == .lessOrEqual ? -1 : 1
        return TemplateCompiler.Row(terms: merged(terms + relaxedBy.map { SpecTerm($0.variable, sign * m * $0.coefficient) }), op: op,
                                    rhs: rhs - sign * m * relaxedByConstant)
    }
}

/// A variable bound implied by the model's rows, tighter than the declared one.
public struct ImpliedBound: Sendable, Equatable {
    /// The variable's name.
    public var variable: String
    /// The lower bound (the declared one where `lowerSource` is nil).
    public var lower: Double
    /// The upper bound (the declared one where `upperSource` is nil).
    public var upper: Double
    /// The row that implied the lower bound, nil where the declared one stands.
    public var lowerSource: String?
    /// The row that implied the upper bound, nil where the declared one stands.
    public var upperSource: String?
}

/// How a big-M value was found.
public struct BigMValue: Sendable, Equatable {
    /// The constraint the value serves (its label, line and text).
    public var row: String
    /// The value put in the model.
    public var value: Double
    /// True when derived from bounds; false when no finite value keeps the row's meaning and the
    /// given or default value was used (then `explanation` is the warning).
    public var derived: Bool
    /// Why this value: the largest violation it has to absorb and the smallest positive factor.
    public var explanation: String
}

extension RelaxedRow {
    /// The smallest M for this row within `bounds`, or the fallback with a warning, or an error
    /// when h can be negative (then no M makes the row mean "relaxed where h > 0").
    func deriveM(_ bounds: ImpliedBounds, _ kinds: [VariableKind], _ column: [String: Int], fallback: Double) throws(SpecError) -> BigMValue {
        func range(_ t: SpecTerm) -> (low: Double, high: Double) {
            let c = column[t.variable]!
            let a = t.coefficient * bounds.lower[c], b = t.coefficient * bounds.upper[c]
            return (t.coefficient == 0 ? 0 : min(a, b), t.coefficient == 0 ? 0 : max(a, b))
        }
        let h = renderAffine(relaxedBy, relaxedByConstant)
        let hLow = relaxedBy.reduce(relaxedByConstant) { $0 + range($1).low }
        if hLow < -1e-9 {
            throw SpecError("\(label): M multiplies \(h), which can be negative (down to \(formatCoefficient(hLow)) within the variables' bounds); big-M relaxes a row where its factor is > 0 and enforces it where the factor is 0, so the factor must be ≥ 0: write e.g. M*b or M*(1 - b) with b binary")
        }
        // The violation to absorb: the largest (lhs − rhs) for ≤, (rhs − lhs) for ≥.
        let sign: Double = op == .lessOrEqual ? 1 : -1
        let excess = terms.map { SpecTerm($0.variable, sign * $0.coefficient) }
        let unbounded = excess.filter { range($0).high.isInfinite }.map(\.variable)
        let largest = excess.reduce(-sign * rhs) { $0 + range($1).high }
        if largest <= 1e-9 {
            return BigMValue(row: label, value: 0, derived: true, explanation: "M = 0: the row holds at every point within the bounds")
        }
        guard let smallest = smallestPositive(bounds, kinds, column) else {
            return BigMValue(row: label, value: 0, derived: true, explanation: "M = 0: \(h) is 0 at every point within the bounds, so the row always holds as written")
        }
        let side = renderAffine(excess, -sign * rhs)
        guard unbounded.isEmpty, smallest > 0 else {
            let why = !unbounded.isEmpty
                ? "\(unbounded.map { "\"\($0)\"" }.joined(separator: ", ")) \(unbounded.count == 1 ? "has" : "have") no finite \(sign > 0 ? "upper" : "lower") bound (declared or implied by the rows)"
                : "\(h) can be positive and arbitrarily close to 0 (a continuous variable)"
            let value = given ?? fallback
            let effect = !unbounded.isEmpty
                ? "where \(h) > 0 the row still requires \(side) <= \(formatCoefficient(value)) × (\(h))"
                : "\(h) > 0 needs \(h) >= \(formatCoefficient(largest / value)) wherever the row is violated"
            return BigMValue(row: label, value: value, derived: false,
                             explanation: "\(label): no finite big-M keeps this row's meaning: \(why); using M = \(formatCoefficient(value)) (\(given == nil ? "--big-m" : "its big_m")): \(effect); give a bound to derive an exact M")
        }
        var m = largest / smallest
        if abs(m - m.rounded()) < 1e-9 * max(1, m) { m = m.rounded() }
        return BigMValue(row: label, value: m, derived: true,
                         explanation: "M = \(formatCoefficient(m)): largest \(side) is \(formatCoefficient(largest)), smallest positive \(h) is \(formatCoefficient(smallest))")
    }

    /// The smallest positive value h takes at integer points within the bounds: nil when h is
    /// never positive, 0 when it has a continuous variable (it can be arbitrarily small).
    /// Exact by enumerating h's values when they are few; otherwise the smallest positive value
    /// of the lattice h lives on (a lower bound: M is then never too small, possibly not least).
    func smallestPositive(_ bounds: ImpliedBounds, _ kinds: [VariableKind], _ column: [String: Int]) -> Double? {
        let terms = relaxedBy.filter { $0.coefficient != 0 }
        let highest = terms.reduce(relaxedByConstant) { h, t in
            let c = column[t.variable]!
            return h + max(t.coefficient * bounds.lower[c], t.coefficient * bounds.upper[c])
        }
        if highest <= 1e-9 { return nil }
        if terms.contains(where: { kinds[column[$0.variable]!] == .continuous }) { return 0 }
        // Integer coefficients: h scaled by the first of these that makes every number integral.
        guard let scale = [1.0, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 50, 100, 1000, 10_000, 100_000, 1_000_000].first(where: { s in
            (terms.map(\.coefficient) + [relaxedByConstant]).allSatisfy { abs(s * $0 - (s * $0).rounded()) < 1e-9 * max(1, abs(s * $0)) }
        }) else { return 0 }
        let k = terms.map { Int((scale * $0.coefficient).rounded()) }
        let constant = Int((scale * relaxedByConstant).rounded())
        let domains = terms.map { t -> (Double, Double) in let c = column[t.variable]!; return (bounds.lower[c], bounds.upper[c]) }
        let spans = domains.map { $0.1 - $0.0 }
        let values = zip(k, domains).map { k, d in (Double(k) * d.0, Double(k) * d.1) }
        let low = values.reduce(Double(constant)) { $0 + min($1.0, $1.1) }, high = values.reduce(Double(constant)) { $0 + max($1.0, $1.1) }
        let work = (high - low + 1) * spans.reduce(0, +)
        if spans.allSatisfy(\.isFinite), work.isFinite, work <= 2_000_000 {
            // The set of values h takes: a reachability array over [low, high].
            let base = Int(low)
            var reachable = [Bool](repeating: false, count: Int(high - low) + 1)
            reachable[zip(k, domains).reduce(constant) { $0 + $1.0 * Int($1.1.0) } - base] = true  // every variable at its lower bound
            for (j, kj) in k.enumerated() {
                var next = reachable
                for step in stride(from: 1, through: Int(spans[j]), by: 1) {
                    let shift = kj * step
                    for v in reachable.indices where reachable[v] {
                        let w = v + shift
                        if w >= 0, w < next.count { next[w] = true }
                    }
                }
                reachable = next
            }
            guard let first = reachable.indices.first(where: { $0 + base > 0 && reachable[$0] }) else { return nil }
            return Double(first + base) / scale
        }
        let g = k.reduce(0) { gcd($0, abs($1)) }
        let r = ((constant % g) + g) % g
        return Double(r == 0 ? g : r) / scale
    }
}

/// `x - 3`, `1 - b`: terms and a constant, the constant first when it is positive and the first
/// term negative.
func renderAffine(_ terms: [SpecTerm], _ constant: Double) -> String {
    let body = renderExpression(terms)
    guard constant != 0 else { return body }
    if constant > 0, body.hasPrefix("-") { return "\(formatCoefficient(constant)) - \(body.dropFirst())" }
    return body + (constant > 0 ? " + " : " - ") + formatCoefficient(abs(constant))
}

private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

extension Template {
    /// The rows of an indicator or big_m constraint as rows relaxed by M (an equality under an
    /// indicator is two); empty for other templates.
    func relaxedRows(label: String) -> [RelaxedRow] {
        switch self {
        case .indicator(let y, let active, let terms, let op, let rhs, let m):
            // y = active ⇒ row: relaxed where y differs from active.
            let h = active ? [SpecTerm(y, -1)] : [SpecTerm(y, 1)], constant: Double = active ? 1 : 0
            let ops: [RowOperator] = op == .equal ? [.lessOrEqual, .greaterOrEqual] : [op]
            return ops.map { RelaxedRow(terms: terms, op: $0, rhs: rhs, relaxedBy: h, relaxedByConstant: constant, given: m, label: label) }
        case .relaxed(let terms, let op, let rhs, let h, let constant, let m):
            return [RelaxedRow(terms: terms, op: op, rhs: rhs, relaxedBy: h, relaxedByConstant: constant, given: m, label: label)]
        default:
            return []
        }
    }
}
