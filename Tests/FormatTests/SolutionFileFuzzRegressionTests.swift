import Testing
import MILPKit

/// Inputs found by fuzzing the .sol reader (`scripts/fuzz.sh sol`; docs/fuzzing.md), minimized.
@Suite("Solution file fuzz regressions")
struct SolutionFileFuzzRegressionTests {
    /// Columns x, a#1 (`#` is a name character in LP files) and solution_rate.
    private static let model: Model = {
        var m = Model()
        for name in ["x", "a#1", "solution_rate"] { m.addVariable(lowerBound: -10, upperBound: 10, objective: 1, name: name) }
        return m
    }()

    /// Finding 1 (CRLF): "\r\n" is one Character in Swift, so splitting the text at "\n" read a
    /// CRLF file as one line ("=infeas=\r\n" failed with `expected "name value"`).
    @Test func crlfLineEnds() throws {
        let c = try SolutionFile.parse("=obj= 3\r\nx 1\r\n\r\nsolution_rate 2\r\n=infeas=\r\n", for: Self.model)
        #expect(c.values == [1, 0, 2])
        #expect(c.statedObjective == 3)
        #expect(c.claimsInfeasible)
    }

    /// Finding 2 (write → read): `a#1 2` was cut at the `#` and read as an unknown variable "a".
    /// A `#` starts a comment at the start of a line or after the name, not inside the name.
    @Test func hashInsideAName() throws {
        let c = try SolutionFile.parse("# a comment line\n  # another\na#1 2 # a comment\nx 1#comment\n", for: Self.model)
        #expect(c.values == [1, 2, 0])
        let written = SolutionFile.text(for: Self.model, values: [0, -3.5, 0])
        #expect(try SolutionFile.parse(written, for: Self.model).values == [0, -3.5, 0])
    }

    /// Finding 3 (write → read): lines starting with "solution" were skipped as SCIP's
    /// `solution status:` header, so `solution_rate 3` was silently dropped.
    /// Same class as the LP and MPS combining-mark findings (2026-12-02): `#` followed by a
    /// combining mark is one Character, and the comment was not seen.
    @Test func hashFollowedByACombiningMark() throws {
        let c = try SolutionFile.parse("#\u{0301} a comment line\nx 1 #\u{0301} trailing\n", for: Self.model)
        #expect(c.values == [1, 0, 0])
    }

    @Test func variableNamedLikeTheSolutionHeader() throws {
        let c = try SolutionFile.parse("solution status: optimal solution found\nsolution_rate 3\nSolution 4\n", for: Self.model)
        #expect(c.values == [0, 0, 3])
        let written = SolutionFile.text(for: Self.model, values: [1, 0, 7])
        #expect(try SolutionFile.parse(written, for: Self.model).values == [1, 0, 7])
    }
}
