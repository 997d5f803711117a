import FuzzSupport
import MILPSynth

// libFuzzer entry point for the algebraic text reader (`scripts/fuzz.sh algebraic` builds and
// runs it).
//
// Every input goes through AlgebraicReader().read (as UTF-8 text, invalid bytes replaced), which
// must return a validated spec or throw a SpecError (its typed throws guarantee the type); a
// crash, a trap or an input taking over a second is a finding. When the input has line feeds and
// no carriage return, the same text with CRLF line ends must give the same spec or the same
// problems, or the harness traps.

func read(_ bytes: [UInt8]) -> Result<FormulationSpec, SpecError> {
    do {
        return .success(try AlgebraicReader().read(String(decoding: bytes, as: UTF8.self), name: "fuzz"))
    } catch {
        return .failure(error)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAlgebraicReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let outcome = read(bytes)
    if let crlf = crlfVariant(bytes) {
        let other = read(crlf)
        if other != outcome { fatalError("CRLF line ends read differently:\n\(outcome)\nvs\n\(other)") }
    }
    return 0
}
