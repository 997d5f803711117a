import MILP

// The model comparison the round-trip checks of FuzzMPS and FuzzLP share.

/// The first difference between a model and its rewritten copy, or nil. With `freeRowsDropped`,
/// free rows of `a` (both bounds infinite) are left out: the MPS writer writes them as extra N rows,
/// which readers drop. With `rangesRounded`, a ranged row's bounds may differ by 2 ulps: MPS states
/// a range as RHS and RANGES, and readers compute the other bound as RHS ± |R| in floating point,
/// which for some bounds (−0.0328 and 1) no RHS and R give exactly (MPSWriter writes the nearest).
/// Model names are not compared (writers may fill in or normalize them).
public func difference(_ a: Model, _ b: Model, freeRowsDropped: Bool = true, rangesRounded: Bool = false) -> String? {
    if a.sense != b.sense { return "sense \(a.sense) vs \(b.sense)" }
    if differs(a.objectiveConstant, b.objectiveConstant) { return "objective constant \(a.objectiveConstant) vs \(b.objectiveConstant)" }
    if a.variableCount != b.variableCount { return "columns \(a.variableCount) vs \(b.variableCount)" }
    for j in 0..<a.variableCount {
        let name = a.name(of: a.variable(at: j))
        if name != b.name(of: b.variable(at: j)) { return "column \(j) name \(name) vs \(b.name(of: b.variable(at: j)))" }
        if differs(a.lowerBounds[j], b.lowerBounds[j]) || differs(a.upperBounds[j], b.upperBounds[j]) {
            return "column \(name) bounds [\(a.lowerBounds[j]), \(a.upperBounds[j])] vs [\(b.lowerBounds[j]), \(b.upperBounds[j])]"
        }
        if a.kinds[j].isIntegral != b.kinds[j].isIntegral || (a.kinds[j] == .semiContinuous) != (b.kinds[j] == .semiContinuous) {
            return "column \(name) kind \(a.kinds[j]) vs \(b.kinds[j])"
        }
        if differs(a.objectiveCoefficients[j], b.objectiveCoefficients[j]) {
            return "column \(name) objective \(a.objectiveCoefficients[j]) vs \(b.objectiveCoefficients[j])"
        }
    }
    let kept = (0..<a.constraintCount).filter { !freeRowsDropped || a.rowLowerBounds[$0] != -.infinity || a.rowUpperBounds[$0] != .infinity }
    if kept.count != b.constraintCount { return "rows \(kept.count)\(freeRowsDropped ? " (without free rows)" : "") vs \(b.constraintCount)" }
    for (r2, r) in kept.enumerated() {
        let ca = a.constraint(at: r), cb = b.constraint(at: r2)
        let name = a.name(of: ca)
        if name != b.name(of: cb) { return "row \(r) name \(name) vs \(b.name(of: cb))" }
        let (lo, up) = (a.rowLowerBounds[r], a.rowUpperBounds[r])
        let slack = rangesRounded && lo.isFinite && up.isFinite && lo != up ? 2 * max(abs(lo), abs(up)).ulp : 0
        if differs(lo, b.rowLowerBounds[r2], within: slack) || differs(up, b.rowUpperBounds[r2], within: slack) {
            return "row \(name) bounds [\(a.rowLowerBounds[r]), \(a.rowUpperBounds[r])] vs [\(b.rowLowerBounds[r2]), \(b.rowUpperBounds[r2])]"
        }
        let ra = a.row(ca), rb = b.row(cb)
        let ma = Dictionary(zip(ra.columns, ra.coefficients), uniquingKeysWith: { _, _ in .nan })
        let mb = Dictionary(zip(rb.columns, rb.coefficients), uniquingKeysWith: { _, _ in .nan })
        if ma.count != mb.count || ma.contains(where: { entry in mb[entry.key].map { differs(entry.value, $0) } ?? true }) {
            return "row \(name) entries \(ma) vs \(mb)"
        }
    }
    if a.sosConstraints != b.sosConstraints { return "SOS sets \(a.sosConstraints) vs \(b.sosConstraints)" }
    return nil
}

/// Whether two values read from a file differ by more than `slack` (NaN, which the readers
/// accept, equals NaN here).
public func differs(_ x: Double, _ y: Double, within slack: Double = 0) -> Bool { !(x == y || (x.isNaN && y.isNaN) || abs(x - y) <= slack) }

/// The first `limit` bytes as text, for trap messages.
public func excerpt(_ bytes: [UInt8], limit: Int = 2000) -> String { String(decoding: bytes.prefix(limit), as: UTF8.self) }

/// `bytes` with every line feed preceded by a carriage return (CRLF line ends), or nil when `bytes`
/// has no line feed or already contains a carriage return (the variant would not be equivalent).
public func crlfVariant(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.contains(10), !bytes.contains(13) else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + bytes.count / 8)
    for b in bytes {
        if b == 10 { out.append(13) }
        out.append(b)
    }
    return out
}
