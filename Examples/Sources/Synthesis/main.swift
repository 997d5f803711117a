// Natural language → MILP without an LLM: an algebraic model as an LLM writes it, and an NL4Opt
// record's gold declarations, compiled to MILPs and solved by CBC and by GLPK.
import ExampleSupport
import MILPKit

let algebraic = """
    maximize 5 trucks + 10 planes
    12 trucks + 20 planes <= 890
    trucks <= 3 * planes
    planes <= 30
    """
let fromText = try TemplateCompiler(reading: .integer).compile(try AlgebraicReader().read(algebraic, name: "transport"))
print(fromText.rendering)

// The first NL4Opt development problem (coconut transport), with its published optimum.
let problems = try NL4OptReader.read(path: bundled("Tests/SynthTests/Fixtures/nl4opt-dev.jsonl"))
let coconuts = try TemplateCompiler(reading: .integer).compile(try problems[0].spec.get())

// Brute force over the integer points of the transport model.
var best = -Double.infinity
for planes in 0...30 {
    for trucks in 0...(3 * planes) where 12 * trucks + 20 * planes <= 890 { best = max(best, Double(5 * trucks + 10 * planes)) }
}

for solver in [CbcSolver(), GlpkSolver()] as [any Solver] {
    let transport = try solver.solve(fromText.model)
    let values = fromText.namedValues(transport.values!).map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
    print("\(solver.name): transport \(transport.objective!) (\(values)); coconuts ", terminator: "")
    check(abs(transport.objective! - best) < 1e-6, "\(solver.name): transport \(transport.objective!), brute force \(best)")
    let result = try solver.solve(coconuts.model)
    print(result.objective!)
    check(abs(result.objective! - 880) < 1e-6, "\(solver.name): coconuts \(result.objective!), published 880")
}
print("CBC and GLPK: brute force's \(best) and NL4Opt's published 880")
