import Foundation
import MILP
import Testing
@testable import MILPSynth

/// Big-M values checked against brute force: over every integer point of the variables' box,
/// the compiled row must accept exactly the points the intended logic accepts (the row where the
/// factor is 0, anything where it is > 0), and M must be the smallest value that does.
@Suite struct BigMTests {
    /// A small deterministic generator (the tests must not change from run to run).
    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// The factors h LLMs write, over binaries b0, b1 and an integer z ∈ [0, 3]: (terms, constant).
    static let factors: [([SpecTerm], Double)] = [
        ([SpecTerm("b0", 1)], 0), ([SpecTerm("b0", -1)], 1), ([SpecTerm("b0", 1), SpecTerm("b1", 1)], 0),
        ([SpecTerm("z", 1)], 0), ([SpecTerm("b0", 2), SpecTerm("b1", 1)], 0), ([SpecTerm("b0", -1), SpecTerm("b1", -1)], 2),
        ([SpecTerm("z", 1), SpecTerm("b0", -1)], 1), ([SpecTerm("b0", 3), SpecTerm("z", 2)], 0),
    ]

    @Test("the derived M is exact: no intended point cut off, and the smallest such M (300 random rows)")
    func derivedMAgainstBruteForce() throws {
        var random = Generator(state: 2026)
        for trial in 0..<300 {
            // Row variables x0, x1, x2 with bounds declared or implied by a row of their own.
            var variables: [SpecVariable] = []
            var constraints: [SpecConstraint] = []
            var box: [String: ClosedRange<Int>] = ["b0": 0...1, "b1": 0...1, "z": 0...3]
            for k in 0..<3 {
                let name = "x\(k)", upper = 1 + random.next(5)
                box[name] = 0...upper
                if random.next(2) == 0 {
                    variables.append(SpecVariable(name: name, kind: .integer, upper: Double(upper)))
                } else {
                    // c·x ≤ c·upper + r with 0 ≤ r < c implies x ≤ upper for an integer x.
                    variables.append(SpecVariable(name: name, kind: .integer))
                    let c = 1 + random.next(4)
                    constraints.append(SpecConstraint(.upperWeighted(terms: [SpecTerm(name, Double(c))], rhs: Double(c * upper + random.next(c)))))
                }
            }
            variables += [SpecVariable(name: "b0", kind: .binary, upper: 1), SpecVariable(name: "b1", kind: .binary, upper: 1),
                          SpecVariable(name: "z", kind: .integer, upper: 3)]
            let terms = (0..<3).compactMap { k -> SpecTerm? in
                let a = random.next(9) - 4
                return a == 0 ? nil : SpecTerm("x\(k)", Double(a))
            }
            guard !terms.isEmpty else { continue }
            let (h, constant) = Self.factors[random.next(Self.factors.count)]
            let op: RowOperator = random.next(2) == 0 ? .lessOrEqual : .greaterOrEqual
            let rhs = Double(random.next(11) - 5)
            constraints.append(SpecConstraint(.relaxed(terms: terms, op: op, rhs: rhs, relaxedBy: h, relaxedByConstant: constant, bigM: nil)))
            let spec = FormulationSpec(variables: variables, objective: SpecObjective(sense: .maximize, terms: [SpecTerm("x0", 1)]), constraints: constraints)
            let compiled = try TemplateCompiler().compile(spec)
            let m = try #require(compiled.bigM.first)
            #expect(m.derived, "trial \(trial): \(m.explanation)")

            // Brute force over the box.
            let names = variables.map(\.name)
            var point = [String: Double]()
            var exact = 0.0  // max over points with h > 0 of violation / h
            var mismatches: [String] = []
            func value(_ ts: [SpecTerm], _ c: Double) -> Double { ts.reduce(c) { $0 + $1.coefficient * point[$1.variable]! } }
            func visit(_ k: Int) {
                if k == names.count {
                    let activity = value(terms, 0), factor = value(h, constant)
                    let violation = op == .lessOrEqual ? activity - rhs : rhs - activity
                    if factor > 0 { exact = max(exact, violation / factor) }
                    let intended = factor > 0 || violation <= 1e-9
                    let holds = violation <= m.value * factor + 1e-9
                    if intended != holds { mismatches.append("\(point)") }
                    return
                }
                for v in box[names[k]]! {
                    point[names[k]] = Double(v)
                    visit(k + 1)
                }
            }
            visit(0)
            #expect(mismatches.isEmpty, "trial \(trial): M = \(m.value) cuts intended points or admits others: \(mismatches.prefix(3))")
            #expect(abs(m.value - exact) <= 1e-9 * max(1, exact), "trial \(trial): M = \(m.value), the smallest exact M is \(exact) (\(m.explanation))")
        }
    }

    @Test("the issue's forms: bi <= M*x is M = 1 for an integer x; each M read off --show-model; optima by brute force")
    func issueForms() throws {
        let text = """
            maximize 4 trucks + 3 trains + y + x - 2 b1 - 2 b2
            3 trucks + 2 trains <= 12
            bi_trucks + bi_trains <= 1
            bi_trucks <= M * trucks
            trucks <= M * bi_trucks
            bi_trains <= M * trains
            trains <= M * bi_trains
            y <= M*(b1 + b2)
            y <= 5
            x >= 10 - M*(1 - b1)
            x <= 2 + M * b2
            x <= 12
            binary b1, b2
            """
        let compiled = try TemplateCompiler().compile(try AlgebraicReader().read(text))
        #expect(compiled.warnings.isEmpty, "\(compiled.warnings)")
        let values = compiled.bigM.map(\.value)
        // trucks ≤ 4 and trains ≤ 6 (row 1); y ≤ 5; x ≥ 10 needs 10 from x ≥ 0; x ≤ 2 needs 12 − 2.
        #expect(values == [1, 4, 1, 6, 5, 10, 10], "\(compiled.bigM.map(\.explanation))")
        #expect(compiled.rendering.contains("bi_trucks - trucks <= 0") && compiled.rendering.contains("M = 1: largest bi_trucks is 1, smallest positive trucks is 1"))
        #expect(compiled.rendering.contains("# bounds the rows imply") && compiled.rendering.contains("trucks <= 4 (c1)"))
        // Brute force over the intended logic (no M at all).
        var best = -Double.infinity
        for trucks in 0...4 { for trains in 0...6 where 3 * trucks + 2 * trains <= 12 && (trucks == 0 || trains == 0) {
            for b1 in 0...1 { for b2 in 0...1 { for y in 0...5 where b1 + b2 > 0 || y == 0 { for x in 0...12 {
                if b1 == 1 && x < 10 { continue }
                if b2 == 0 && x > 2 { continue }
                best = max(best, Double(4 * trucks + 3 * trains + y + x - 2 * b1 - 2 * b2))
            } } } }
        } }
        let solved = try solveBoth(try AlgebraicReader().read(text))
        #expect(close(solved.objective, best), "\(solved.objective) vs brute force \(best)")
    }

    @Test("no finite M: a warning naming the line and the value used (--big-m); a factor that can be negative is an error")
    func fallbacksAndErrors() throws {
        let unbounded = try TemplateCompiler(defaultBigM: 250).compile(try AlgebraicReader().read("maximize x - 3 b\nx <= M * b\ny <= 4"))
        #expect(unbounded.warnings.count == 1 && unbounded.warnings[0].contains("(line 2)") && unbounded.warnings[0].contains("\"x\" has no finite upper bound")
                && unbounded.warnings[0].contains("M = 250 (--big-m)"), "\(unbounded.warnings)")
        #expect(unbounded.rendering.contains("x - 250 b <= 0"))
        let continuous = try TemplateCompiler(reading: .continuous).compile(try AlgebraicReader().read("minimize c + 5 bi_c\nbi_c <= M * c\nbi_c >= 1\nc <= 8"))
        #expect(continuous.warnings.count == 1 && continuous.warnings[0].contains("arbitrarily close to 0"), "\(continuous.warnings)")
        let negative = problems { _ = try TemplateCompiler().compile(try AlgebraicReader().read("maximize x\nx <= 3 + M*(b - z)\nz <= 2\nx <= 9\nbinary b")) }
        #expect(negative.count == 1 && negative[0].contains("line 2") && negative[0].contains("M multiplies b - z, which can be negative (down to -2"), "\(negative)")
    }

    @Test("the template compiler's linking rows use the same derivation as algebraic big-M rows")
    func oneMechanism() throws {
        // At most one of x, y (class 13) and the same logic written with M: the same M values.
        let templates = try TemplateCompiler().compile(try spec(#"{"variables": [{"name": "x"}, {"name": "y"}], "objective": {"sense": "maximize", "terms": {"x": 5, "y": 10}},"# +
            #""constraints": [{"class": 3, "terms": {"x": 12, "y": 20}, "rhs": 890}, {"class": 13, "vars": ["x", "y"]}]}"#))
        let algebraic = try TemplateCompiler().compile(try AlgebraicReader().read("""
            maximize 5x + 10y
            12x + 20y <= 890
            bi_x + bi_y <= 1
            x <= M*bi_x
            y <= M*bi_y
            """))
        #expect(templates.bigM.map(\.value).sorted() == [1, 1, 44, 74] && algebraic.bigM.map(\.value).sorted() == [1, 1, 44, 74],
                "\(templates.bigM.map(\.explanation)) / \(algebraic.bigM.map(\.explanation))")
    }
}
