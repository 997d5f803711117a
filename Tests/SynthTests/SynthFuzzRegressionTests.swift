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
            // Over 2,000 bytes the line is no longer looked at as prose: an error, quickly.
            _ = problems { _ = try AlgebraicReader().read("maximize v0\nv0 <= 1\n\(names) are the amounts we buy in the market") }
        }
        #expect(elapsed < .seconds(2))
    }

    /// Fuzz finding (2026-12-02): two problems found on one line came out in the dictionary's
    /// order, which Swift randomizes per process; now by line, then name.
    @Test func problemsOnOneLineInNameOrder() {
        let errors = problems { _ = try AlgebraicReader().read("maximize y\ny <= 2 b <= 3 a\n") }
        #expect(errors.count == 2 && errors[0].contains("\"a\"") && errors[1].contains("\"b\""), "\(errors)")
    }

    /// Found by reading the code after the fuzz run: a prose pattern matching up to a combining
    /// mark (or from a prepend character) gave a range inside a character, and its forced
    /// conversion trapped.
    @Test func proseNextToCombiningMarksDoesNotTrap() {
        // A colon fused with the mark is not a label: an error naming line 3; the others are prose.
        for (line, refused) in [("x:\u{0301} ab cd", true), ("x\u{0600} is ab", false), ("x is ab\u{0600}, cd ef", false), ("x:\u{0903} ab cd", true)] {
            let errors = problems { _ = try AlgebraicReader().read("maximize x\nx <= 1\n" + line) }
            #expect(refused ? errors.count == 1 && errors[0].hasPrefix("line 3 ") : errors.isEmpty, "\(line.debugDescription): \(errors)")
        }
    }

    /// Found by reading the code after the fuzz run: prose patterns on long runs of blanks,
    /// letters or words took seconds (quadratic); blank runs are shortened and prose is looked for
    /// only in lines of up to 2,000 bytes.
    @Test func longRunsReadQuickly() {
        let lines = ["x + y" + String(repeating: " ", count: 8000) + "<= 4", "maximize x" + String(repeating: " ", count: 8000) + "+ y",
                     "the amount" + String(repeating: " ", count: 8000) + "of steel", "We also need " + String(repeating: "a", count: 8000) + " >= 1",
                     (0..<1400).map { "v\($0)" }.joined(separator: ", ") + " = 5 crates of apples",
                     "x <= 5" + String(repeating: " ab", count: 2700) + " 1", "x <= 5" + String(repeating: " (a b)", count: 1350),
                     String(repeating: "1. ", count: 2700) + "x <= 4", String(repeating: "a-", count: 4000),
                     "We also need " + String(repeating: "a", count: 1980) + " >= 1"]
        for line in lines {
            let elapsed = ContinuousClock().measure { _ = problems { _ = try AlgebraicReader().read("maximize x + y\n" + line) } }
            #expect(elapsed < .seconds(2), "\(line.prefix(40))…: \(elapsed)")
        }
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
