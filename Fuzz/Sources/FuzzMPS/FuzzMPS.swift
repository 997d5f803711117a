import MILP
import MILPFormats

// libFuzzer entry point for the MPS reader (scripts/fuzz-mps.sh builds and runs it).
//
// Every input goes through MPSReader.parse, which must either throw a ParseError/FormatError or
// return a model (free or fixed layout is detected from the bytes; gzip magic takes the
// decompression path). A crash, a trap or an input taking over a second is a finding.
//
// When a model comes back and the writer accepts it (valid model, names fit free format), it is
// written and read again: the second model must equal the first, or the harness traps.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMPSReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let model: Model
    do {
        model = try MPSReader().parse(bytes, name: "fuzz.mps")
    } catch is ParseError {
        return 0
    } catch is FormatError {
        return 0  // gzip problems
    } catch {
        fatalError("MPSReader threw an unexpected error type: \(error)")
    }
    checkRoundTrip(model)
    return 0
}

/// Write → read must give the model back (free layout: fixed format rounds long numbers).
func checkRoundTrip(_ model: Model) {
    guard let written = try? MPSWriter(layout: .free).data(for: model) else { return }
    let again: Model
    do {
        again = try MPSReader().parse(written, name: "rewritten.mps")
    } catch {
        fatalError("the writer's output does not read back: \(error)\n\(String(decoding: written.prefix(2000), as: UTF8.self))")
    }
    if let difference = difference(model, again) {
        fatalError("write → read changed the model: \(difference)\n\(String(decoding: written.prefix(2000), as: UTF8.self))")
    }
}

/// The first difference between a model and its rewritten copy, or nil. Free rows (both bounds
/// infinite) are written as extra N rows, which readers drop: they are left out of the comparison.
func difference(_ a: Model, _ b: Model) -> String? {
    if a.sense != b.sense { return "sense \(a.sense) vs \(b.sense)" }
    if a.objectiveConstant != b.objectiveConstant { return "objective constant \(a.objectiveConstant) vs \(b.objectiveConstant)" }
    if a.variableCount != b.variableCount { return "columns \(a.variableCount) vs \(b.variableCount)" }
    for j in 0..<a.variableCount {
        let name = a.name(of: a.variable(at: j))
        if name != b.name(of: b.variable(at: j)) { return "column \(j) name \(name) vs \(b.name(of: b.variable(at: j)))" }
        if a.lowerBounds[j] != b.lowerBounds[j] || a.upperBounds[j] != b.upperBounds[j] {
            return "column \(name) bounds [\(a.lowerBounds[j]), \(a.upperBounds[j])] vs [\(b.lowerBounds[j]), \(b.upperBounds[j])]"
        }
        if a.kinds[j].isIntegral != b.kinds[j].isIntegral || (a.kinds[j] == .semiContinuous) != (b.kinds[j] == .semiContinuous) {
            return "column \(name) kind \(a.kinds[j]) vs \(b.kinds[j])"
        }
        if a.objectiveCoefficients[j] != b.objectiveCoefficients[j] {
            return "column \(name) objective \(a.objectiveCoefficients[j]) vs \(b.objectiveCoefficients[j])"
        }
    }
    let kept = (0..<a.constraintCount).filter { a.rowLowerBounds[$0] != -.infinity || a.rowUpperBounds[$0] != .infinity }
    if kept.count != b.constraintCount { return "rows \(kept.count) (without free rows) vs \(b.constraintCount)" }
    for (r2, r) in kept.enumerated() {
        let ca = a.constraint(at: r), cb = b.constraint(at: r2)
        let name = a.name(of: ca)
        if name != b.name(of: cb) { return "row \(r) name \(name) vs \(b.name(of: cb))" }
        if a.rowLowerBounds[r] != b.rowLowerBounds[r2] || a.rowUpperBounds[r] != b.rowUpperBounds[r2] {
            return "row \(name) bounds [\(a.rowLowerBounds[r]), \(a.rowUpperBounds[r])] vs [\(b.rowLowerBounds[r2]), \(b.rowUpperBounds[r2])]"
        }
        let ra = a.row(ca), rb = b.row(cb)
        let ma = Dictionary(zip(ra.columns, ra.coefficients), uniquingKeysWith: { _, _ in .nan })
        let mb = Dictionary(zip(rb.columns, rb.coefficients), uniquingKeysWith: { _, _ in .nan })
        if ma != mb { return "row \(name) entries \(ma) vs \(mb)" }
    }
    if a.sosConstraints != b.sosConstraints { return "SOS sets \(a.sosConstraints) vs \(b.sosConstraints)" }
    return nil
}
