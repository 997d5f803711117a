import Foundation
import MILP
import Testing
@testable import MILPSynth

/// The algebraic reader on hand-written models, nasty ones included, each solved and its optimum
/// compared with a value worked out by hand.
@Suite struct AlgebraicTests {
    /// (model, reading, optimum, a few expected values).
    static let corpus: [(String, VariableReading, Double, [String: Double])] = [
        // The issue's example; trucks ≤ 74 and planes ≤ 44 are implied by the first row.
        ("""
         Maximize 5*trucks + 10*planes
         12*trucks + 20*planes <= 890
         bi_trucks + bi_planes <= 1
         trucks <= M * bi_trucks
         planes <= M * bi_planes
         """, .integer, 440, ["planes": 44, "trucks": 0]),
        // Implicit coefficients, parentheses with a scalar factor, a percentage.
        ("""
         maximize 2cars + 3 vans + 4buses
         cars + vans + buses <= 10
         buses <= 20% (cars + vans + buses)
         vans <= 0.5(cars + buses)
         """, .integer, 27, ["cars": 5, "vans": 3, "buses": 2]),
        // Unary minus, a negative right-hand side, a label, comments, "subject to", ≥ written as =>.
        ("""
         // a comment line
         min: 3x + 2y   # objective
         subject to
         cover: -x - y <= -4
         x - 2 y => -(3 - 1)
         """, .continuous, 10, ["x": 2, "y": 2]),
        // Decimals, thousands separators, a constant on both sides, division by a number, ≤ and ·.
        ("""
         maximize profit = 1.5 a + 2.25b
         2a + 4b + 10 ≤ 1,010 + 0.5·a
         a/2 <= 100
         """, .continuous, 693.75, ["a": 200, "b": 175]),
        // A chain a ≤ e ≤ b, a comma list, a declaration, an equality with ==.
        ("""
         minimize x + 2 y + z
         3 <= x + y <= 5
         x, z >= 0
         z == 1
         integer x, y, z
         """, .integer, 4, ["x": 3, "z": 1]),
        // M*(1 - b): enforced when b = 1; a big-M row written with >= and -M.
        ("""
         max 10 big + small - 4 bi_big
         big + small <= 8
         big >= 2 - M * (1 - bi_big)
         small >= 3 - M*bi_big
         big <= M * bi_big
         """, .integer, 76, ["big": 8, "small": 0, "bi_big": 1]),
        // Nested parentheses with factors on both sides, a double negative.
        ("""
         maximize -(-x) + 2*(y - (0 - z))
         2*(x + 3*(y + z)) <= 24
         x <= 3
         """, .continuous, 9, ["x": 3]),
        // A negative lower bound written as a row.
        ("""
         minimize t
         t >= -5
         """, .continuous, -5, ["t": -5]),
    ]

    @Test(arguments: corpus.indices)
    func readsAndSolves(_ k: Int) throws {
        let (text, reading, optimum, expected) = Self.corpus[k]
        let r = try solveBoth(try AlgebraicReader().read(text), reading)
        #expect(close(r.objective, optimum), "model \(k): \(r.objective) ≠ \(optimum)\n\(r.compiled.rendering)")
        for (name, value) in expected {
            #expect(close(r.values[name], value), "model \(k): \(name) = \(r.values[name] ?? .nan), expected \(value)")
        }
    }

    @Test func termsAndKinds() throws {
        let s = try AlgebraicReader().read("""
            maximize 5 trucks + 10 planes
            buses <= 0.2*(cars + vans + buses)
            bi_trucks + bi_trains <= 1
            trains <= 5
            """)
        #expect(s.variables.map(\.name) == ["trucks", "planes", "buses", "cars", "vans", "bi_trucks", "bi_trains", "trains"])
        #expect(s.variables.first { $0.name == "bi_trucks" }?.kind == .binary)
        #expect(s.variables.first { $0.name == "bi_trucks" }?.indicatorOf == "trucks")
        #expect(s.variables.first { $0.name == "bi_trains" }?.indicatorOf == "trains")
        guard case .linear(let terms, .lessOrEqual, 0) = s.constraints[0].template else { Issue.record("not a ≤ row"); return }
        #expect(terms == [SpecTerm("buses", 0.8), SpecTerm("cars", -0.2), SpecTerm("vans", -0.2)])
        #expect(s.constraints[0].sentence == "buses <= 0.2*(cars + vans + buses)" && s.constraints[0].origin == "line 2")
    }

    /// Bad input: each error names the line and says what is wrong.
    static let badInput: [(String, String)] = [
        ("maximize x * y\nx <= 1", "line 1 \"maximize x * y\": non-linear term x * y"),
        ("maximize x\nx * (y + 1) <= 4", "line 2 \"x * (y + 1) <= 4\": non-linear term"),
        ("maximize x\nx / y <= 4", "line 2 \"x / y <= 4\": non-linear: division by an expression with variables"),
        ("maximize x\nx / 0 <= 4", "division by zero"),
        ("maximize\nx <= 4", "line 1 \"maximize\": empty objective"),
        ("maximize 0 x\nx <= 4", "empty objective"),
        ("x <= 4", "no objective"),
        ("maximize x\nminimize x", "line 2 \"minimize x\": a second objective (the first is on line 1)"),
        ("maximize x\nc1: x <= 4\nc1: x <= 5", "line 3 \"c1: x <= 5\": duplicate label \"c1\" (also line 2)"),
        ("maximize x\nx <= 4.5.1", "line 2 \"x <= 4.5.1\": \"4.5.1\" is not a number"),
        ("maximize x\nx <= 4 @", "unexpected character '@'"),
        ("maximize x\nx < 4", "strict inequality '<' cannot be modeled"),
        ("maximize x + y\nvar x\nx + y <= 4", "line 1: unknown variable \"y\" (not declared)"),
        ("maximize truck\ntrucks <= 4\ntruck <= trucks", "\"truck\" and \"trucks\" (line 2) are both used"),
        ("maximize x\nx <= 3 + M * (y - 2)\ny <= 5", "M multiplies y - 2, which can be negative (down to -2"),
        ("maximize x\nx = M * bi_x", "M (big-M) cannot appear in an equality"),
        ("maximize x\nx >= M * bi_x", "M multiplies -bi_x, which can be negative (down to -1"),
        ("maximize x\nox carts <= 1", "\"ox carts\": two names in a row; a variable name has no spaces (write ox_carts)"),
        ("maximize x\nx <= (4", "a '(' is not closed"),
        ("maximize x\n3 <= 4", "no variables: the statement compares constants"),
        ("maximize x\nx + 3 y", "not a statement"),
        ("maximize x\nx 5 <= 4", "a number follows x without an operator"),
    ]

    @Test(arguments: badInput.indices)
    func reportsBadInput(_ k: Int) {
        let (text, expected) = Self.badInput[k]
        let errors = problems { _ = try TemplateCompiler().compile(try AlgebraicReader().read(text)) }
        #expect(errors.contains { $0.contains(expected) }, "\(text.debugDescription) gave \(errors)")
    }
}

/// The forms LLMs wrap models in: each text below must compile to exactly the rows, kinds and
/// objective of its plain version (labels aside) — never to a silently different model.
@Suite struct LLMFormTests {
    static let plain = "maximize 3 x + 2 y\nx + y <= 4\nx + 3 y <= 6\nx <= 3"
    static let variants: [(form: String, text: String)] = [
        ("s.t. header, and s.t. running into a row", "maximize 3x + 2y\ns.t.\nx + y <= 4\ns.t. x + 3y <= 6\nx <= 3"),
        ("Subject to: and Constraints: headers", "Maximize 3x + 2y\nSubject to:\nx + y <= 4\nConstraints:\nx + 3y <= 6\nx <= 3"),
        ("Objective: header, maximize alone with Z = on the next line", "Objective:\nMaximize:\nZ = 3x + 2y\nx + y <= 4\nx + 3y <= 6\nx <= 3"),
        ("Variables: declarations", "Variables:\ninteger x, y\nx, y >= 0\nmaximize 3x + 2y\nx + y <= 4\nx + 3y <= 6\nx <= 3"),
        ("Markdown code fence and prose around it", "Here is the model:\n```text\nmaximize 3x + 2y\nx + y <= 4\nx + 3y <= 6\nx <= 3\n```\nThe optimum is x = 3, y = 1."),
        ("Markdown emphasis, numbering, dashed bullets", "**Objective:** maximize 3x + 2y\n**Constraints:**\n- x + y <= 4\n- x + 3y <= 6\n- x <= 3"),
        ("numbered rows", "maximize 3x + 2y\n1. x + y <= 4\n2. x + 3y <= 6\n3) x <= 3"),
        ("Unicode comparison signs and minus", "maximize 3x + 2y\nx + y ≤ 4\nx + 3y − 6 ⩽ 0\nx ≤ 3"),
        ("× and · for multiplication", "maximize 3 × x + 2·y\nx + y <= 4\nx + 3⋅y <= 6\nx <= 3"),
        ("comments and trailing periods", "maximize 3x + 2y  # profit\nx + y <= 4.  // hours\nx + 3y <= 6.\nx <= 3."),
        ("labels with spaces", "maximize 3x + 2y\nLabour hours: x + y <= 4\nConstraint 2: x + 3y <= 6\n(3): x <= 3"),
        ("several rows on one line", "maximize 3x + 2y\nx + y <= 4, x + 3y <= 6 and x <= 3\nx >= 0, y >= 0"),
        ("variable descriptions and postfix domains", "Let x = number of chairs\ny: number of tables (integer)\nmaximize 3x + 2y\nx + y <= 4\nx + 3y <= 6\nx <= 3\nx, y >= 0 and integer\nx ∈ ℤ+"),
        ("LaTeX-free Markdown headings", "### Objective\nmaximize 3x + 2y\n### Constraints\nx + y <= 4\nx + 3y <= 6\nx <= 3"),
        ("remarks after rows: a word in parentheses is not a factor", "maximize 3x + 2y\nx + y <= 4 (wood)\nx + 3y <= 6      labour hours per day\nx <= 3   (market, units)"),
        ("prose lines, headings, objective name on its own line", "Production plan for two products.\nObjective function:\nMaximize total profit\nZ = 3x + 2y   (euros)\nResources:\nx + y <= 4\nx + 3y <= 6\nx <= 3"),
        ("a sum over several lines", "maximize 3x\n  + 2y\nx + y <=\n  4\nx + 3y <= 6\nx <= 3"),
        ("LaTeX", "$\\max 3x + 2y$\n$x + y \\leq 4$\n$x + 3 \\cdot y \\le 6$\n$x \\leq 3$"),
        ("numbering in parentheses, Subject to -", "maximize 3x + 2y\nSubject to - (1) x + y <= 4\n(2) x + 3y <= 6\n(3) x <= 3"),
        ("LaTeX display math, \\text, \\quad, aligned rows",
         "\\[\n\\text{Maximize } Z = 3x + 2y\n\\]\n\\[\n\\begin{aligned}\nx + y &\\leq 4 \\\\\nx + 3y &\\leq 6\n\\end{aligned}\n\\]\n\\( x \\leq 3 \\), \\quad x, y \\geq 0"),
        ("remarks after arrows and dashes; a sentence with nonnegativity; a restated row",
         "Minimize the cost:\nMaximize 3x + 2y   -- profit in euros\nx + y <= 4        → only four hours of labour\nx + 3y <= 6\nWe also need x ≥ 0 and y ≥ 0, since nothing is made twice.\nThe third condition can also be written as x <= 3"),
    ]

    /// The compiled model without labels and comments: objective, kinds, rows.
    func shape(_ text: String) throws -> [String] {
        try TemplateCompiler().compile(try AlgebraicReader().read(text)).rendering.split(separator: "\n").compactMap { line in
            var l = String(line)
            if let hash = l.range(of: "  #") { l = String(l[..<hash.lowerBound]) }
            if l.hasPrefix("#") { return nil }
            if let colon = l.range(of: ": "), !l.hasPrefix("maximize") { l = String(l[colon.upperBound...]) }
            return l
        }
    }

    @Test(arguments: variants.indices)
    func sameModelAsPlain(_ k: Int) throws {
        let (form, text) = Self.variants[k]
        #expect(try shape(text) == shape(Self.plain), "\(form)")
        // And the optimum brute force gives: x = 3, y = 1.
        #expect(close(try solveBoth(try AlgebraicReader().read(text)).objective, 11), "\(form)")
    }

    @Test("implicit multiplication: 3x, 3.2okra, 2(x + y)")
    func implicitMultiplication() throws {
        #expect(try shape("maximize 3.2okra + 2beans\n2(okra + beans) <= 20") == shape("maximize 3.2*okra + 2*beans\n2*okra + 2*beans <= 20"))
        #expect(try shape("binary b1, b2\nmaximize 5b1 + 4b2\nb1 + b2 <= 1") == shape("binary b1, b2\nmaximize 5*b1 + 4*b2\nb1 + b2 <= 1"))
    }

    @Test("domains from prose: descriptions, domain sentences, Binary: lists, ∈ and in {0,1}")
    func domainsFromProse() throws {
        func kinds(_ text: String) throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try AlgebraicReader().read(text).variables.map { ($0.name, $0.kind?.rawValue ?? "-") })
        }
        #expect(try kinds("Let d = desk lamps per day, z = 1 if the night line runs long (binary)\nmaximize d - z\nd <= 5 + M*z\nd <= 9")
                == ["d": "-", "z": "binary"])
        #expect(try kinds("maximize r + s\nr + s <= 4.5\nLet r and s be the kg of regular and sour mix (continuous variables)") == ["r": "continuous", "s": "continuous"])
        #expect(try kinds("maximize h + l\nh + l <= 9\nwhere h = high drills, l = low drills; h, l are non-negative integers") == ["h": "integer", "l": "integer"])
        #expect(try kinds("maximize a + b\na + b <= 9\nAll variables are continuous") == ["a": "continuous", "b": "continuous"])
        #expect(try kinds("Binary: u, v = 1 if the medium is used\nmaximize u + v + w\nu + v + w <= 2\nw in {0,1}") == ["u": "binary", "v": "binary", "w": "binary"])
        #expect(try kinds("Variables (integers): z, s = ads on two channels\nmaximize z + s\nz + s <= 3") == ["z": "integer", "s": "integer"])
        #expect(try kinds("minimize c + l + z\nc + l + z >= 1\nHere c and l are integers and z is binary. When z = 0, the first row binds.")
                == ["c": "integer", "l": "integer", "z": "binary"])
        #expect(try kinds("maximize y\ny <= 3\ny in {0,1}        : y = 1 → the big plan, y = 0 → the small one") == ["y": "binary"])
        // Names in prose that the model does not use are not variables.
        #expect(try kinds("maximize x\nx <= 3\nWe introduce a binary variable z, where it helps.") == ["x": "-"])
        // A row that looks like a description is a row: "x1 - I1 = 40 (period 1)" must not be read as "x1 — I1 = …".
        let rows = try AlgebraicReader().read("minimize x1 + I1\nx1 - I1 = 40      (period 1 demand, no starting inventory)").constraints
        #expect(rows.count == 1)
    }

    /// Malformed input: the line and what was expected, as the LLM pipeline feeds back.
    static let malformed: [(String, String)] = [
        ("maximize x\n(x + y <= 4", "line 2 \"(x + y <= 4\": a '(' is not closed"),
        ("maximize x\nx + y) <= 4", "line 2 \"x + y) <= 4\": a ')' has no matching '('"),
        ("maximize x\nx * y <= 4", "line 2 \"x * y <= 4\": non-linear term x * y: a product of variables"),
        ("maximize x\nabs(x - y) <= 1", "line 2 \"abs(x - y) <= 1\": unknown function \"abs\""),
        ("maximize max(x, y)", "line 1 \"maximize max(x, y)\": unknown function \"max\""),
        ("maximize x\nx^2 <= 9", "line 2 \"x^2 <= 9\": a power (^) is not linear"),
        ("maximize x\nx**2 <= 9", "a power (**) is not linear"),
        ("maximize x\nx ≠ 3", "'≠' cannot be modeled as one linear row"),
        ("maximize x\n∑ x_i <= 3", "a summation sign: write the sum out"),
        ("maximize x\nx_i <= 3 ∀ i", "an indexed row (∀)"),
        ("maximize x\n- x <= 3", "line 2 \"- x <= 3\": a leading \"- \" is ambiguous"),
        ("maximize x\nx ∈ ℝ", "free variables (∈ ℝ) are not supported"),
        ("maximize:\nx <= 4", "line 1 \"maximize:\": empty objective"),
        ("maximize x\nx < 4", "strict inequality '<' cannot be modeled"),
        ("maximize x + y\nx + y <= 40 hours", "line 2: \"hours\" follows a number and appears nowhere else: if it is a unit, drop it"),
        ("maximize overtime + x\nx <= 100 + 20 overtime hours", "the words after the row, \"overtime hours\", name the variable \"overtime\""),
        ("Maximize total profit\nx + y <= 4", "line 1 \"Maximize total profit\": empty objective"),
        ("maximize x + y\nWe also need x + y ≤ 4 here.", "line 2"),
    ]

    @Test(arguments: malformed.indices)
    func malformedNamesTheLine(_ k: Int) {
        let (text, expected) = Self.malformed[k]
        let errors = problems { _ = try AlgebraicReader().read(text) }
        #expect(errors.contains { $0.contains(expected) }, "\(text.debugDescription) gave \(errors)")
    }
}
