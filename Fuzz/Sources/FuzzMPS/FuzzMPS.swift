import FuzzSupport
import MILP
import MILPFormats

// libFuzzer entry point for the MPS reader (`scripts/fuzz.sh mps` builds and runs it).
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
        fatalError("the writer's output does not read back: \(error)\n\(excerpt(written))")
    }
    if let difference = difference(model, again) {
        fatalError("write → read changed the model: \(difference)\n\(excerpt(written))")
    }
}
