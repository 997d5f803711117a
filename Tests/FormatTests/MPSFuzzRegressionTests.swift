import Testing
import MILPKit

/// Inputs found by fuzzing the MPS reader (`scripts/fuzz.sh mps`; docs/fuzzing.md), minimized.
@Suite("MPS fuzz regressions")
struct MPSFuzzRegressionTests {
    /// Found by the LP fuzz target's LP → MPS check (2026-12-02): a column named `$` + U+073C (a
    /// combining mark) passed the free-format name check, which compared the first Character
    /// (`$̼` is one), and its BOUNDS line read back with the name taken as a `$` comment.
    @Test func dollarWithACombiningMarkIsRefused() throws {
        var model = Model()
        model.addVariable(upperBound: 3, kind: .integer, name: "$\u{073C}")
        #expect(throws: FormatError.self) { try MPSWriter(layout: .free).data(for: model) }
        model = Model()
        model.addVariable(name: "*\u{0301}")
        #expect(throws: FormatError.self) { try MPSWriter(layout: .free).data(for: model) }
    }

    /// Finding 1 (round trip): an integer column named "5" is written with `LO BND 5 0` and
    /// `PL BND 5`; the second line used to be read as column "BND" with value 5 ("unknown column").
    @Test func valuelessBoundOnAColumnNamedLikeANumber() throws {
        let model = try parseMPS("ROWS\n L knap\nCOLUMNS\n S 'MARKER' 'INTORG'\n 5 knap 6\nENDATA")
        let again = try MPSReader().parse(try MPSWriter().data(for: model), name: "rewritten.mps")
        #expect(sameModel(model, again) == nil)
    }

    /// After a type that takes no value, "SET 5" is set and column when only "5" is a column.
    @Test func setAndNumberLikeColumnAfterATypeWithoutValue() throws {
        let m = try parseMPS("NAME t\nROWS\n N obj\nCOLUMNS\n 5 obj 1\n x obj 1\nBOUNDS\n FR BND 5\n UP x 3\nENDATA\n")
        #expect(m.lowerBounds == [-.infinity, 0])
        #expect(m.upperBounds == [.infinity, 3])
    }

    /// Otherwise a trailing number is still the value, and an unknown first field is reported.
    @Test func trailingNumberIsStillTheValue() {
        let message = errorMessage("NAME t\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n FR BND 5\nENDATA\n")
        #expect(message.contains("fuzz.mps:7: unknown column \"BND\" in BOUNDS (not in COLUMNS)"))
        let m = try? parseMPS("NAME t\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n UP x 5\nENDATA\n")
        #expect(m?.upperBounds == [5])
    }

    private func errorMessage(_ text: String) -> String {
        do {
            _ = try parseMPS(text, name: "fuzz.mps")
            return "no error"
        } catch {
            return "\(error)"
        }
    }
}
