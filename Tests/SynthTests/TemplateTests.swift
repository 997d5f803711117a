import Foundation
import MILP
import Testing
@testable import MILPSynth

/// Each template class on a small problem whose optimum was worked out by hand.
@Suite struct TemplateTests {
    static let twoVars = #"[{"name": "x"}, {"name": "y"}]"#

    @Test func class1UpperBound() throws {
        // max x + y, x ≤ 3, y ≤ 2 → x = 3, y = 2.
        let r = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "maximize", "terms": {"x": 1, "y": 1}},"# +
            #""constraints": [{"class": 1, "var": "x", "rhs": 3}, {"class": 1, "var": "y", "rhs": 2}]}"#))
        #expect(close(r.objective, 5) && close(r.values["x"], 3) && close(r.values["y"], 2))
    }

    @Test func class2UpperSum() throws {
        // max 2x + 3y, x + y ≤ 4 → y = 4.
        let r = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "max", "terms": {"x": 2, "y": 3}},"# +
            #""constraints": [{"class": 2, "vars": ["x", "y"], "rhs": 4}]}"#))
        #expect(close(r.objective, 12) && close(r.values["y"], 4) && close(r.values["x"], 0))
    }

    @Test func class3WeightedSum() throws {
        // max 3x + 2y, 2x + y ≤ 10, x + 3y ≤ 15: both rows bind at (3, 4).
        let r = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "maximize", "terms": {"x": 3, "y": 2}},"# +
            #""constraints": [{"class": 3, "terms": {"x": 2, "y": 1}, "rhs": 10}, {"class": 3, "terms": {"x": 1, "y": 3}, "rhs": 15}]}"#))
        #expect(close(r.objective, 17) && close(r.values["x"], 3) && close(r.values["y"], 4))
    }

    @Test func class4UpperProportion() throws {
        // max 3x + y, x + y ≤ 8, x ≤ 25% of (x + y) ⇔ y ≥ 3x → (2, 6).
        let r = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "maximize", "terms": {"x": 3, "y": 1}},"# +
            #""constraints": [{"class": 2, "vars": ["x", "y"], "rhs": 8}, {"class": 4, "var": "x", "fraction": 0.25}]}"#))
        #expect(close(r.objective, 12) && close(r.values["x"], 2) && close(r.values["y"], 6))
    }

    @Test func class5LowerBound() throws {
        let r = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "minimize", "terms": {"x": 1, "y": 1}},"# +
            #""constraints": [{"class": 5, "var": "x", "rhs": 2}, {"class": 5, "var": "y", "rhs": 3}]}"#))
        #expect(close(r.objective, 5) && close(r.values["x"], 2) && close(r.values["y"], 3))
    }

    @Test func class6LowerSum() throws {
        let r = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "minimize", "terms": {"x": 2, "y": 3}},"# +
            #""constraints": [{"class": 6, "vars": ["x", "y"], "rhs": 5}]}"#))
        #expect(close(r.objective, 10) && close(r.values["x"], 5))
    }

    @Test func class7WeightedSumInBothReadings() throws {
        // min 4x + 5y, 2x + 3y ≥ 13. Integer: (2, 3) → 23 (enumerated below). Continuous: y = 13/3 → 65/3.
        let s = try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "minimize", "terms": {"x": 4, "y": 5}},"# +
            #""constraints": [{"class": 7, "terms": {"x": 2, "y": 3}, "rhs": 13}]}"#)
        let integer = try solveBoth(s, .integer)
        var best = Double.infinity
        for x in 0...7 { for y in 0...5 where 2 * x + 3 * y >= 13 { best = min(best, Double(4 * x + 5 * y)) } }
        #expect(best == 23 && close(integer.objective, best))
        #expect(close(try solveBoth(s, .continuous).objective, 65.0 / 3))
    }

    @Test func class8LowerProportion() throws {
        // min 3x + 2y, x + y ≥ 10, x ≥ 60% of (x + y) ⇔ y ≤ 2x/3 → (6, 4).
        let r = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "minimize", "terms": {"x": 3, "y": 2}},"# +
            #""constraints": [{"class": 6, "vars": ["x", "y"], "rhs": 10}, {"class": 8, "var": "x", "fraction": 0.6, "of": ["x", "y"]}]}"#))
        #expect(close(r.objective, 26) && close(r.values["x"], 6) && close(r.values["y"], 4))
    }

    @Test func class9Comparison() throws {
        // max 5x + y, x + y ≤ 9, 2x ≤ y → (3, 6).
        let r = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "maximize", "terms": {"x": 5, "y": 1}},"# +
            #""constraints": [{"class": 2, "vars": ["x", "y"], "rhs": 9}, {"class": 9, "x": "x", "y": "y", "factor": 2}]}"#))
        #expect(close(r.objective, 21) && close(r.values["x"], 3) && close(r.values["y"], 6))
    }

    static let bounded = #"[{"name": "a", "upper": 5}, {"name": "b", "upper": 4}]"#

    @Test func class10Implication() throws {
        // max 10a − 2b, a ≤ 5, b ≤ 4; a used ⇒ b used (b ≥ 1 as an integer) → a = 5, b = 1: 48 (50 without it).
        let r = try solveBoth(try spec(#"{"variables": \#(Self.bounded), "objective": {"sense": "maximize", "terms": {"a": 10, "b": -2}},"# +
            #""constraints": [{"class": 10, "if": "a", "then": "b", "sentence": "If a is made, b must be made."}]}"#))
        #expect(close(r.objective, 48) && close(r.values["a"], 5) && close(r.values["b"], 1))
        #expect(close(r.values["bi_a"], 1) && close(r.values["bi_b"], 1))
        // Linking: a ≤ 5·bi_a and bi_a ≤ a (integer), M taken from the declared bound.
        #expect(r.compiled.rendering.contains("a - 5 bi_a <= 0") && r.compiled.rendering.contains("bi_a - a <= 0"))
    }

    @Test func class11ExactlyOne() throws {
        // max 3a + 2b, a ≤ 5, b ≤ 4, exactly one used → b alone gives 8 < a alone 15 → a = 5.
        let r = try solveBoth(try spec(#"{"variables": \#(Self.bounded), "objective": {"sense": "maximize", "terms": {"a": 3, "b": 2}},"# +
            #""constraints": [{"class": 11, "vars": ["a", "b"]}]}"#))
        #expect(close(r.objective, 15) && close(r.values["a"], 5) && close(r.values["b"], 0))
        // Minimizing, "exactly one" forces one of them to be ≥ 1.
        let m = try solveBoth(try spec(#"{"variables": \#(Self.bounded), "objective": {"sense": "minimize", "terms": {"a": 3, "b": 2}},"# +
            #""constraints": [{"class": 11, "vars": ["a", "b"]}]}"#))
        #expect(close(m.objective, 2) && close(m.values["b"], 1))
    }

    @Test func class12AtLeastOneInBothReadings() throws {
        // min 3a + 2b, at least one used. Integer: b = 1 → 2. Continuous: "used" is b > 0, which no
        // finite M states exactly: bi_b ≤ M·b with the default M = 10⁴ → b ≥ 10⁻⁴ → 2·10⁻⁴, with a warning.
        let s = try spec(#"{"variables": \#(Self.bounded), "objective": {"sense": "minimize", "terms": {"a": 3, "b": 2}},"# +
            #""constraints": [{"class": 12, "vars": ["a", "b"]}]}"#)
        #expect(close(try solveBoth(s, .integer).objective, 2))
        let continuous = try solveBoth(s, .continuous)
        #expect(close(continuous.objective, 2e-4))
        #expect(continuous.compiled.warnings.count == 2 && continuous.compiled.warnings.allSatisfy { $0.contains("arbitrarily close to 0") && $0.contains("M = 10000") },
                "\(continuous.compiled.warnings)")
    }

    @Test func class13AtMostOne() throws {
        // max a + b, a ≤ 5, b ≤ 4, at most one used → a = 5.
        let r = try solveBoth(try spec(#"{"variables": \#(Self.bounded), "objective": {"sense": "maximize", "terms": {"a": 1, "b": 1}},"# +
            #""constraints": [{"class": 13, "vars": ["a", "b"]}]}"#))
        #expect(close(r.objective, 5) && close(r.values["a"], 5) && close(r.values["b"], 0))
    }

    @Test func linearAndIndicatorRows() throws {
        // max 5y − x, x ≤ 10, y binary, y = 1 ⇒ x ≥ 3 → y = 1, x = 3: 2.
        let r = try solveBoth(try spec(#"{"variables": [{"name": "x", "upper": 10}, {"name": "y", "kind": "binary"}],"# +
            #""objective": {"sense": "maximize", "terms": {"x": -1, "y": 5}},"# +
            #""constraints": [{"class": "indicator", "indicator": "y", "terms": {"x": 1}, "operator": ">=", "rhs": 3}]}"#))
        #expect(close(r.objective, 2) && close(r.values["x"], 3) && close(r.values["y"], 1))
        let e = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "maximize", "terms": {"x": 1, "y": -1}},"# +
            #""constraints": [{"class": "linear", "terms": {"x": 1, "y": 1}, "operator": "=", "rhs": 5}, {"class": "linear", "terms": {"x": 1, "y": -2}, "operator": "<=", "rhs": -1}]}"#))
        // x + y = 5, x ≤ 2y − 1 → x = 3, y = 2.
        #expect(close(e.objective, 1) && close(e.values["x"], 3))
    }

    @Test func bigMFromImpliedBounds() throws {
        // No declared bound: 12x + 20y ≤ 890 implies x ≤ 74, y ≤ 44 (integers), used as M.
        let r = try solveBoth(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "maximize", "terms": {"x": 5, "y": 10}},"# +
            #""constraints": [{"class": 3, "terms": {"x": 12, "y": 20}, "rhs": 890}, {"class": 13, "vars": ["x", "y"]}]}"#))
        #expect(r.compiled.rendering.contains("x - 74 bi_x <= 0") && r.compiled.rendering.contains("y - 44 bi_y <= 0"))
        #expect(close(r.objective, 440))
    }

    @Test func bigMWithoutBoundWarns() throws {
        let s = try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "minimize", "terms": {"x": 1, "y": 1}},"# +
            #""constraints": [{"class": 12, "vars": ["x", "y"], "sentence": "Use trucks or planes."}]}"#)
        let compiled = try TemplateCompiler(defaultBigM: 500).compile(s)
        #expect(compiled.warnings.count == 2 && compiled.warnings.allSatisfy { $0.contains("has no finite upper bound") && $0.contains("M = 500 (--big-m)") },
                "\(compiled.warnings)")
        #expect(compiled.rendering.contains("x - 500 bi_x <= 0"))
        #expect(close(try solveBoth(s).objective, 1))
        // A big_m given on the constraint is used instead of the default.
        let withM = try TemplateCompiler().compile(try spec(#"{"variables": \#(Self.twoVars), "objective": {"sense": "minimize", "terms": {"x": 1, "y": 1}},"# +
            #""constraints": [{"class": 12, "vars": ["x", "y"], "big_m": 1000}]}"#))
        #expect(withM.rendering.contains("x - 1000 bi_x <= 0") && withM.warnings.allSatisfy { $0.contains("its big_m") })
    }

    @Test func indicatorWithoutBoundWarns() throws {
        let s = try spec(#"{"variables": [{"name": "x"}, {"name": "y", "kind": "binary"}], "objective": {"sense": "maximize", "terms": {"y": 1}},"# +
            #""constraints": [{"class": "indicator", "indicator": "y", "active": 0, "terms": {"x": 1}, "operator": "<=", "rhs": 0}]}"#)
        let warnings = try TemplateCompiler().compile(s).warnings
        #expect(warnings.count == 1 && warnings[0].contains("\"x\" has no finite upper bound") && warnings[0].contains("constraints[0]"), "\(warnings)")
    }

    @Test func renderingReadsBackToTheSameOptimum() throws {
        for reading in VariableReading.allCases {
            let s = try spec(#"{"variables": [{"name": "a", "upper": 5}, {"name": "b", "upper": 4}, {"name": "c", "lower": 1}],"# +
                #""objective": {"sense": "maximize", "terms": {"a": 3, "b": 2, "c": 1.5}},"# +
                #""constraints": [{"class": 3, "terms": {"a": 2, "b": 1, "c": 1}, "rhs": 11.5}, {"class": 8, "var": "c", "fraction": 0.2},"# +
                #"{"class": 10, "if": "a", "then": "b"}]}"#)
            let first = try solveBoth(s, reading)
            let again = try solveBoth(try AlgebraicReader().read(first.compiled.rendering), reading)
            #expect(close(first.objective, again.objective), "\(reading): \(first.compiled.rendering)")
        }
    }
}
