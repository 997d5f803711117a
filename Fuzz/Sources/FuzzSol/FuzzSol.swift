import FuzzSupport
import MILP
import MILPFormats

// libFuzzer entry point for the .sol reader (`scripts/fuzz.sh sol` builds and runs it).
//
// Every input is read as .sol text with SolutionFile.parse for a fixed model (below), which must
// return the contents or throw a ParseError; a crash, a trap, any other error type or an input
// taking over a second is a finding. Then:
// - CRLF: when the input has line feeds and no carriage return, the same text with CRLF line ends
//   must read the same (values, stated objective, infeasibility claim; or an error on the same
//   line), or the harness traps.
// - Round trip of what was read: SolutionFile.text of the values and stated objective must read
//   back to the same values and objective.
// - Round trip of what is written: values taken from the input bytes (8 per variable, as Double
//   bit patterns; non-finite ones become 0) are written with SolutionFile.text and read back;
//   they must come back equal, or the harness traps.

/// A model whose names are those .sol readers and writers meet: plain, indexed, non-ASCII, with a
/// period, with `#`, like the SCIP header words, unnamed (`x9`).
let model: Model = {
    var m = Model(name: "fuzz")
    for name in ["x", "y", "z_1", "x[2,3]", "α", "t.5", "a#1", "solution_rate", "objective"] {
        m.addVariable(lowerBound: -10, upperBound: 10, kind: name == "y" ? .integer : .continuous, objective: 1, name: name)
    }
    m.addVariable(objective: 2)
    return m
}()

enum Outcome: Equatable {
    case values([Double], Double?, Bool)
    case failure(line: Int, message: String)
}

func read(_ text: String, name: String = "fuzz.sol") -> Outcome {
    do {
        let c = try SolutionFile.parse(text, for: model, name: name)
        return .values(c.values, c.statedObjective, c.claimsInfeasible)
    } catch let error as ParseError {
        return .failure(line: error.line, message: error.message)
    } catch {
        fatalError("SolutionFile.parse threw an unexpected error type: \(type(of: error)): \(error)")
    }
}

/// NaN-tolerant comparison of stated objectives (`=obj= nan` reads as NaN).
func same(_ a: Outcome, _ b: Outcome) -> Bool {
    switch (a, b) {
    case (.values(let va, let oa, let ia), .values(let vb, let ob, let ib)):
        return va == vb && ia == ib && (oa == ob || (oa.map { $0.isNaN } == true && ob.map { $0.isNaN } == true))
    case (.failure(let la, _), .failure(let lb, _)):
        return la == lb
    default:
        return false
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSolutionReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let outcome = read(String(decoding: bytes, as: UTF8.self))
    if let crlf = crlfVariant(bytes) {
        let other = read(String(decoding: crlf, as: UTF8.self))
        if !same(outcome, other) { fatalError("CRLF line ends read differently: \(outcome) vs \(other)") }
    }
    if case .values(let values, let objective, _) = outcome, let objective {
        let text = SolutionFile.text(for: model, values: values, objective: objective)
        let again = read(text, name: "rewritten.sol")
        if !same(again, .values(values, objective, false)) { fatalError("write → read changed the solution: \(outcome) vs \(again)\n\(text)") }
    }
    // Values from the bytes, written and read back.
    var values = [Double](repeating: 0, count: model.variableCount)
    for j in 0..<model.variableCount {
        var bits: UInt64 = 0
        for k in 0..<8 where 8 * j + k < size { bits |= UInt64(bytes[8 * j + k]) << (8 * k) }
        let x = Double(bitPattern: bits)
        values[j] = x.isFinite ? x : 0
    }
    let text = SolutionFile.text(for: model, values: values)
    let again = read(text, name: "written.sol")
    if !same(again, .values(values, model.objectiveValue(of: values), false)) {
        fatalError("the writer's output reads back differently: \(values) vs \(again)\n\(text)")
    }
    return 0
}
