import Foundation
import MILP
import MILPCbc
import MILPGlpk
import Testing
@testable import MILPSynth

/// Compiles `spec` in `reading`, solves with CBC, checks GLPK agrees, and returns values by name.
func solveBoth(_ spec: FormulationSpec, _ reading: VariableReading = .integer) throws -> (objective: Double, values: [String: Double], compiled: CompiledFormulation) {
    let compiled = try TemplateCompiler(reading: reading).compile(spec)
    let cbc = try CbcSolver().solve(compiled.model)
    let glpk = try GlpkSolver().solve(compiled.model)
    #expect(cbc.termination == .optimal, "cbc: \(cbc.termination)")
    #expect(glpk.termination == .optimal, "glpk: \(glpk.termination)")
    let a = try #require(cbc.objective), b = try #require(glpk.objective)
    #expect(abs(a - b) <= 1e-6 * max(1, abs(a)), "cbc \(a) vs glpk \(b)")
    let values = Dictionary(compiled.namedValues(try #require(cbc.values)).map { ($0.name, $0.value) }, uniquingKeysWith: { x, _ in x })
    return (a, values, compiled)
}

/// A spec from JSON text.
func spec(_ json: String) throws -> FormulationSpec {
    try FormulationSpec(json: Data(json.utf8))
}

/// The problems of a failing call, or [] when it succeeds.
func problems(_ body: () throws -> Void) -> [String] {
    do { try body(); return [] } catch let e as SpecError { return e.problems } catch { return ["\(error)"] }
}

func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-6) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(1, abs(b))
}

/// The bundled fixture file `name`.
func fixture(_ name: String) throws -> String {
    try #require(Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures"))
}
