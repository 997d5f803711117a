import Foundation
import MILP
import MILPCbc
import MILPGlpk
import Testing
@testable import MILPSynth

@Suite struct NL4OptTests {
    @Test func numberPhrases() {
        let cases: [(String, Double, Bool)] = [
            ("1,000", 1000, false), ("$50", 50, false), ("35%", 0.35, true), ("35 percent", 0.35, true),
            ("fifteen percent", 0.15, true), ("thirty percent", 0.3, true), ("twice", 2, false), ("thrice", 3, false),
            ("3 times", 3, false), ("1.5 times", 1.5, false), ("three times", 3, false), ("half", 0.5, false),
            ("a third", 1.0 / 3, false), ("third", 1.0 / 3, false), ("two thirds", 2.0 / 3, false),
            ("one hundred thousand", 100_000, false), ("Two", 2, false), ("fifteen", 15, false), ("8000 minutes", 8000, false),
            ("7.5%", 0.075, true), ("twenty", 20, false), ("250,000", 250_000, false),
        ]
        for (text, value, percent) in cases {
            let parsed = parseNumberPhrase(text)
            #expect(parsed.map { close($0.value, value, tolerance: 1e-12) && $0.percent == percent } == true, "\(text) → \(String(describing: parsed))")
        }
        for text in ["", "many", "a lot", "5 6", "x3"] { #expect(parseNumberPhrase(text) == nil, "\(text)") }
    }

    /// Every dev-set record compiles but one, whose annotation has no objective coefficients;
    /// both readings solve to the same optimum with CBC and GLPK.
    @Test func devSetCompilesAndSolversAgree() throws {
        let problems = try NL4OptReader.read(path: try fixture("nl4opt-dev.jsonl"))
        #expect(problems.count == 99)
        #expect(problems.filter { !$0.warnings.isEmpty }.map(\.line) == [44, 86, 93])
        var optimal = 0
        for p in problems {
            let spec: FormulationSpec
            switch p.spec {
            case .success(let s): spec = s
            case .failure(let e):
                let path = try fixture("nl4opt-dev.jsonl")
                #expect(p.line == 65 && e.problems == ["\(path):65: record -641246185: obj_declaration.terms: the annotation gives no objective coefficients"], "\(e)")
                continue
            }
            for reading in VariableReading.allCases {
                let compiled = try TemplateCompiler(reading: reading).compile(spec)
                let cbc = try CbcSolver().solve(compiled.model), glpk = try GlpkSolver().solve(compiled.model)
                #expect(cbc.termination == glpk.termination, "line \(p.line) \(reading): cbc \(cbc.termination), glpk \(glpk.termination)")
                if cbc.termination == .optimal {
                    optimal += 1
                    #expect(close(cbc.objective, glpk.objective ?? .nan), "line \(p.line) \(reading): cbc \(cbc.objective ?? .nan), glpk \(glpk.objective ?? .nan)")
                    #expect(compiled.model.checkFeasibility(of: cbc.values!).isFeasible)
                }
            }
        }
        #expect(optimal >= 180)  // 184 of 196: the rest are infeasible or unbounded as annotated
    }

    /// The first dev record (coconuts), read field by field, and its integer optimum by enumeration.
    @Test func coconutRecord() throws {
        let problems = try NL4OptReader.read(path: try fixture("nl4opt-dev.jsonl"))
        let spec = try problems[0].spec.get()
        #expect(spec.variables.map(\.name) == ["rickshaws", "ox_carts"] && spec.variables[1].description == "ox carts")
        #expect(spec.objective.sense == .maximize && spec.objective.terms == [SpecTerm("rickshaws", 50), SpecTerm("ox_carts", 30)])
        #expect(spec.constraints[0].template == .upperWeighted(terms: [SpecTerm("rickshaws", 10), SpecTerm("ox_carts", 8)], rhs: 200))
        #expect(spec.constraints[0].sentence == "The seller has at most $200 to spend on transporting the coconuts.")
        #expect(spec.constraints[1].template == .comparison(x: "rickshaws", y: "ox_carts", factor: 1))
        #expect(close(try solveBoth(spec, .integer).objective, 880))
        #expect(close(try solveBoth(spec, .continuous).objective, 8000.0 / 9))
    }

    /// Integer optima of the dev set's two-variable problems against brute-force enumeration over
    /// the bounds the rows imply (a check independent of both solvers).
    @Test func twoVariableProblemsMatchEnumeration() throws {
        let problems = try NL4OptReader.read(path: try fixture("nl4opt-dev.jsonl"))
        var checked = 0
        for p in problems {
            guard let spec = try? p.spec.get(), spec.variables.count == 2 else { continue }
            let compiled = try TemplateCompiler(reading: .integer).compile(spec)
            let m = compiled.model
            let result = try CbcSolver().solve(m)
            guard result.termination == .optimal else { continue }
            // Enumerate x, y in 0...limit where the limit keeps the search small.
            let ub = (0..<2).map { m.upperBound(of: m.variable(at: $0)) }
            let limit = 400.0
            guard let x = result.values, x[0] <= limit, x[1] <= limit else { continue }
            // Rows as dense (a0, a1, lower, upper) for speed.
            let rows = m.constraints.map { c -> (Double, Double, Double, Double) in
                let (columns, coefficients) = m.row(c)
                var a = [0.0, 0.0]
                for (j, v) in zip(columns, coefficients) { a[Int(j)] += v }
                return (a[0], a[1], m.lowerBound(of: c), m.upperBound(of: c))
            }
            let cost = m.objectiveCoefficients
            var best: Double?
            for a in 0...Int(min(ub[0], limit)) {
                for b in 0...Int(min(ub[1], limit)) {
                    let (x, y) = (Double(a), Double(b))
                    guard rows.allSatisfy({ r in let v = r.0 * x + r.1 * y; return v >= r.2 - 1e-9 && v <= r.3 + 1e-9 }) else { continue }
                    let v = cost[0] * x + cost[1] * y + m.objectiveConstant
                    if best == nil || (m.sense == .maximize ? v > best! : v < best!) { best = v }
                }
            }
            // Only conclusive when the enumeration box cannot hide a better point: for a bounded
            // maximization or a minimization with non-negative costs, points beyond the box are worse.
            let costs = m.objectiveCoefficients
            if m.sense == .minimize && costs.allSatisfy({ $0 >= 0 }) || ub.allSatisfy({ $0 <= limit }) {
                #expect(close(best, result.objective!), "line \(p.line): enumeration \(best ?? .nan), cbc \(result.objective!)")
                checked += 1
            }
        }
        #expect(checked >= 40)
    }

    /// The evaluation on dev records with hand-computed published values (Fixtures/nl4opt-answers.jsonl).
    @Test func evaluation() throws {
        let problems = try NL4OptReader.read(path: try fixture("nl4opt-dev.jsonl"))
        let answers = try PublishedAnswer.read(path: try fixture("nl4opt-answers.jsonl"))
        let report = NL4OptEvaluation(problems: problems, answers: answers, solver: CbcSolver())
        #expect(report.total == 4 && report.matched == 2)
        #expect(report.outcomes[0].reading == .integer && report.outcomes[1].reading == .continuous)
        #expect(!report.outcomes[2].matched && report.outcomes[2].reason.contains("differs from both readings (continuous 888.889, integer 880)"))
        #expect(report.outcomes[3].reason.contains("no problem with hash"))
        #expect(report.trusted == (matched: 2, total: 2))
        #expect(report.integerOnly == 1)
    }

    @Test func publishedPrecision() {
        #expect(reproduces(125.49295774647887, published: 125.4929565))
        #expect(reproduces(16666.666666666668, published: 16666.667))
        #expect(reproduces(7.499999999, published: 7.5))
        #expect(!reproduces(4347.0, published: 4347.82612))
        #expect(!reproduces(881, published: 880))
        #expect(reproduces(1e-9, published: 0))
        #expect(publishedDecimals(5050) == 0 && publishedDecimals(125.4929565) == 7 && publishedDecimals(1e-05) == 5)
    }

    @Test func badRecordsNameTheField() throws {
        let line = #"{"h1": {"document": "x", "vars": ["a"], "order_mapping": {"a": 0}, "obj_declaration": {"type": "objective", "direction": "maximize", "terms": {"a": "lots"}}, "const_declarations": [{"type": "upperbound", "var": "b", "limit": "5", "operator": "LESS_OR_EQUAL"}]}}"#
        let path = NSTemporaryDirectory() + "synth-bad-\(getpid()).jsonl"
        try line.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let errors = problems { _ = try NL4OptReader.read(path: path)[0].spec.get() }
        #expect(errors.contains { $0.hasSuffix(#":1: record h1: obj_declaration.terms.a: cannot read "lots" as a number"#) }, "\(errors)")
        #expect(errors.contains { $0.contains(#"record h1: const_declarations[0].var: "b" is not in order_mapping"#) }, "\(errors)")
    }
}
