import Foundation
import Testing
@testable import MILPSynth

/// Inputs found by fuzzing the spec JSON and algebraic readers (`scripts/fuzz.sh spec`,
/// `scripts/fuzz.sh algebraic`; docs/fuzzing.md), minimized.
@Suite struct SynthFuzzRegressionTests {
    /// Spec finding 1: a class number too large for an Int trapped converting it (`Int(1e300)`).
    @Test func hugeClassNumberIsAnError() {
        for value in ["1e300", "-1e300", "9223372036854775808"] {
            let json = #"{"variables": [{"name": "x"}], "objective": {"sense": "max", "terms": {"x": 1}}, "constraints": [{"class": \#(value), "var": "x", "rhs": 1}]}"#
            let errors = problems { _ = try spec(json) }
            #expect(errors.contains { $0.contains("constraints[0].class: must be a class number 1–13") }, "\(value): \(errors)")
        }
    }

    /// Algebraic finding 1 (CRLF): "\r\n" is one Character in Swift, so splitting at "\n" read CRLF
    /// text as one statement ("a second objective" became "more than two relations", and so on).
    @Test func algebraicCRLFLineEnds() throws {
        let lf = "maximize 5 trucks + 10 planes\n12 trucks + 20 planes <= 890\ninteger trucks, planes\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try AlgebraicReader().read(crlf) == AlgebraicReader().read(lf))
        let errors = problems { _ = try AlgebraicReader().read("maximize x\r\nminimize x\r\n") }
        #expect(errors == [#"line 2 "minimize x": a second objective (the first is on line 1)"#])
    }

    /// Algebraic finding 2: every `(` and every sign after `*` recursed, so a line of a few
    /// thousand of them overflowed the stack; nesting is now limited.
    @Test func deepNestingIsAnError() {
        for body in [String(repeating: "(", count: 100_000) + "1", "2*" + String(repeating: "-", count: 100_000) + "1"] {
            let errors = problems { _ = try AlgebraicReader().read("maximize x\nx <= \(body)") }
            #expect(errors.count == 1 && errors[0].contains("nest more than 100 levels deep"), "\(errors.first?.suffix(80) ?? "no error")")
        }
        let nested = String(repeating: "(", count: 99) + "x" + String(repeating: ")", count: 99)
        #expect(throws: Never.self) { try AlgebraicReader().read("maximize \(nested)") }
    }

    /// Algebraic finding 3 (timeout): a sum of n distinct names took O(n³) (each `+` merged the
    /// whole sum by linear search), and the check for plurals O(n²) string allocations.
    @Test func longSumReadsInLinearTime() throws {
        let names = (0..<2000).map { "v\($0)" }
        let elapsed = try ContinuousClock().measure {
            let s = try AlgebraicReader().read("maximize " + names.joined(separator: " + ") + "\n" + names.joined(separator: " - ") + " <= 10")
            #expect(s.variables.count == 2000 && s.objective.terms.count == 2000 && s.constraints.count == 1)
        }
        #expect(elapsed < .seconds(5))
    }

    /// Algebraic finding 4 (timeout): a product of n factors rendered its text at every factor, O(n²).
    @Test func longProductReadsInLinearTime() throws {
        let elapsed = try ContinuousClock().measure {
            let s = try AlgebraicReader().read("maximize y\ny <= " + String(repeating: "1 * ", count: 12_000) + "2 * x")
            #expect(s.constraints.count == 1)
        }
        #expect(elapsed < .seconds(5))
    }

    /// Domain sentences are scanned backwards from their verb: a regex starting with a name list
    /// tried every position of a long list (3,000 names took 7.6 s).
    @Test func longNameListInASentenceReadsQuickly() {
        let names = (0..<3000).map { "v\($0)" }.joined(separator: ", ")
        let elapsed = ContinuousClock().measure {
            #expect(throws: Never.self) { _ = try AlgebraicReader().read("maximize v0\nv0 <= 1\n\(names) are the amounts we buy in the market") }
        }
        #expect(elapsed < .seconds(2))
    }

    /// Algebraic finding 5 (timeout): the suggestion for each undeclared name sorted every declared name.
    @Test func manyUndeclaredNamesReportedQuickly() {
        let declared = (0..<1500).map { "v\($0)" }.joined(separator: ", ")
        let used = (0..<1500).map { "u\($0)" }.joined(separator: " + ")
        let elapsed = ContinuousClock().measure {
            let errors = problems { _ = try AlgebraicReader().read("maximize x\nvar x, \(declared)\nx <= \(used)") }
            #expect(errors.count == 1500)
        }
        #expect(elapsed < .seconds(5))
    }
}
