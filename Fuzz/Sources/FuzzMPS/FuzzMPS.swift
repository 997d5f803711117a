import MILP
import MILPFormats

// libFuzzer entry point for the MPS reader (scripts/fuzz-mps.sh builds and runs it).
//
// Every input goes through MPSReader.parse, which must either throw a ParseError/FormatError or
// return a model (free or fixed layout is detected from the bytes; gzip magic takes the
// decompression path). A crash, a trap or an input taking over a second is a finding.
//
// Every input is also read with COLUMNS split between two threads (`columnsSplitSize: 0`): that
// must give the same model, or the same error message, or the harness traps.
//
// When a model comes back and the writer accepts it (valid model, names fit free format), it is
// written and read again: the second model must equal the first, or the harness traps.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMPSReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let onePass = read(bytes, MPSReader(columnsSplitSize: .max))
    let twoParts = read(bytes, MPSReader(columnsSplitSize: 0))
    switch (onePass, twoParts) {
    case (.success(let a), .success(let b)):
        if let difference = difference(a, b, freeRowsDropped: false) { fatalError("COLUMNS in two parts read another model: \(difference)") }
        checkRoundTrip(a)
    case (.failure(let a), .failure(let b)):
        if "\(a)" != "\(b)" { fatalError("COLUMNS in two parts gave another error: \(a) vs \(b)") }
    default:
        fatalError("COLUMNS in two parts: \(onePass) vs \(twoParts)")
    }
    return 0
}

/// The model, or the error (a `ParseError`, or a `FormatError` for gzip problems; any other
/// error type traps).
func read(_ bytes: [UInt8], _ reader: MPSReader) -> Result<Model, Error> {
    do {
        return .success(try reader.parse(bytes, name: "fuzz.mps"))
    } catch let error as ParseError {
        return .failure(error)
    } catch let error as FormatError {
        return .failure(error)
    } catch {
        fatalError("MPSReader threw an unexpected error type: \(error)")
    }
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
func difference(_ a: Model, _ b: Model, freeRowsDropped: Bool = true) -> String? {
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
    if kept.count != b.constraintCount { return "rows \(kept.count) (without free rows) vs \(b.constraintCount)" }
    for (r2, r) in kept.enumerated() {
        let ca = a.constraint(at: r), cb = b.constraint(at: r2)
        let name = a.name(of: ca)
        if name != b.name(of: cb) { return "row \(r) name \(name) vs \(b.name(of: cb))" }
        if differs(a.rowLowerBounds[r], b.rowLowerBounds[r2]) || differs(a.rowUpperBounds[r], b.rowUpperBounds[r2]) {
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

/// Whether two values read from a file differ (NaN, which the reader accepts, equals NaN here).
func differs(_ x: Double, _ y: Double) -> Bool { !(x == y || (x.isNaN && y.isNaN)) }
