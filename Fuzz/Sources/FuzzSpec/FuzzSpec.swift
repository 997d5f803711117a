import Foundation
import FuzzSupport
import MILPSynth

// libFuzzer entry point for the formulation-spec JSON reader (`scripts/fuzz.sh spec` builds and
// runs it).
//
// Every input goes through FormulationSpec(json:), which must return a validated spec or throw a
// SpecError (its typed throws guarantee the type); a crash, a trap or an input taking over a
// second is a finding. A spec that comes back is written with jsonData() and read again: the
// result must be the same spec (as its JSON object, numbers to within 4 ulps: see `agree`), or the
// harness traps.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpecReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let spec: FormulationSpec
    do {
        spec = try FormulationSpec(json: bytes)
    } catch {
        return 0  // SpecError: the only type FormulationSpec(json:) can throw
    }
    let written = spec.jsonData()
    do {
        let again = try FormulationSpec(json: written)
        if !agree(spec.jsonObject, again.jsonObject) {
            fatalError("write → read changed the spec:\n\(spec)\nvs\n\(again)\n\(excerpt([UInt8](written)))")
        }
    } catch {
        fatalError("the spec's JSON does not read back: \(error)\n\(excerpt([UInt8](written)))")
    }
    return 0
}

/// Whether two JSON trees (as `jsonObject` builds them) agree, numbers to within 4 ulps.
/// JSONSerialization (swift-corelibs-foundation, Swift 6.3.1) parses some numbers 1 ulp off:
/// `1.2222222222222219` reads as 1.222222222222222, which `jsonData()` then writes as such. The
/// reader inherits this, so an exact round trip cannot hold; everything else must be equal.
func agree(_ a: Any, _ b: Any) -> Bool {
    if let x = number(a), let y = number(b) { return x == y || abs(x - y) <= 4 * max(x.ulp, y.ulp) }
    switch (a, b) {
    case let (x as String, y as String): return x == y
    case let (x as [String: Any], y as [String: Any]):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { agree(value, $0) } ?? false }
    case let (x as [Any], y as [Any]):
        return x.count == y.count && zip(x, y).allSatisfy { agree($0, $1) }
    default:
        return false
    }
}

func number(_ value: Any) -> Double? {
    switch value {
    case let x as Double: x
    case let x as Int: Double(x)
    default: nil
    }
}
