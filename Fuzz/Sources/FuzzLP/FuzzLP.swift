import Foundation
import FuzzSupport
import MILP
import MILPFormats

// libFuzzer entry point for the LP reader (`scripts/fuzz.sh lp` builds and runs it).
//
// Every input goes through LPReader.parse, which must either throw a ParseError (gzip problems
// included) or return a model. A crash, a trap, any other error type or an input taking over a
// second is a finding.
//
// When a model comes back:
// - LP round trip: when LPWriter accepts it (a valid model), write and read again; the result must
//   equal the model with the names the writer writes (`LPWriter.renamedForLP`), or the harness traps.
// - Cross-format: when MPSWriter (free layout) accepts it, write MPS and read it with MPSReader; the
//   result must equal the model (free rows aside, which MPS drops), or the harness traps.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLPReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let model: Model
    do {
        model = try LPReader().parse(bytes, name: "fuzz.lp")
    } catch is ParseError {
        return 0
    } catch {
        fatalError("LPReader threw an unexpected error type: \(type(of: error)): \(error)")
    }
    checkLPRoundTrip(model)
    checkMPSRoundTrip(model)
    return 0
}

/// LP write → LP read gives the model back, with the writer's names.
func checkLPRoundTrip(_ model: Model) {
    guard let written = try? LPWriter().data(for: model) else { return }
    let again: Model
    do {
        again = try LPReader().parse(written, name: "rewritten.lp")
    } catch {
        fatalError("the LP writer's output does not read back: \(error)\n\(excerpt(written))")
    }
    if let difference = difference(LPWriter.renamedForLP(model), again, freeRowsDropped: false) {
        fatalError("LP write → read changed the model: \(difference)\n\(excerpt(written))")
    }
}

/// MPS (free layout) write → MPS read gives the model back.
func checkMPSRoundTrip(_ model: Model) {
    guard let written = try? MPSWriter(layout: .free).data(for: model) else { return }
    let again: Model
    do {
        again = try MPSReader().parse(written, name: "rewritten.mps")
    } catch {
        fatalError("the MPS writer's output does not read back: \(error)\n\(excerpt(written))")
    }
    if let difference = difference(model, again, rangesRounded: true) {
        fatalError("LP read → MPS write → read changed the model: \(difference)\n\(excerpt(written))")
    }
}

/// Seed making, outside fuzzing: with `FUZZ_LP_SEEDS_FROM=DIR` and `FUZZ_LP_SEEDS_TO=DIR` set, each
/// `*.mps`/`*.mps.gz` file of the first directory is written as LP into the second, then the
/// process exits (scripts/fuzz.sh uses it to turn the bundled instances into LP seeds).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzLPInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    guard let from = environment["FUZZ_LP_SEEDS_FROM"], let to = environment["FUZZ_LP_SEEDS_TO"] else { return 0 }
    var written = 0
    for file in (try? FileManager.default.contentsOfDirectory(atPath: from))?.sorted() ?? [] where file.hasSuffix(".mps") || file.hasSuffix(".mps.gz") {
        do {
            let model = try MPSReader().read(path: "\(from)/\(file)")
            let base = file.hasSuffix(".gz") ? String(file.dropLast(7)) : String(file.dropLast(4))
            try LPWriter().write(model, to: "\(to)/\(base).lp")
            written += 1
        } catch {
            print("\(file): \(error)")
        }
    }
    print("wrote \(written) LP seeds to \(to)")
    exit(0)
}
