import Foundation
import MILP
import Testing
@testable import MILPSynth

/// The spec's JSON form: strict reading, errors by field, writing and reading back.
@Suite struct SpecTests {
    static let valid = """
    {"name": "coconuts",
     "variables": [{"name": "rickshaws", "kind": "integer", "unit": "rickshaws", "description": "rickshaw trips"},
                   {"name": "ox_carts", "description": "ox cart trips"}],
     "objective": {"sense": "maximize", "terms": {"rickshaws": 50, "ox_carts": 30}, "sentence": "maximize the number of coconuts"},
     "constraints": [
       {"class": 3, "terms": {"rickshaws": 10, "ox_carts": 8}, "rhs": 200, "sentence": "at most $200 to spend"},
       {"class": 9, "x": "rickshaws", "y": "ox_carts", "sentence": "rickshaws must not exceed ox carts"}]}
    """

    @Test func readsSolvesAndRoundTrips() throws {
        let s = try spec(Self.valid)
        #expect(s.variables.map(\.name) == ["rickshaws", "ox_carts"] && s.variables[0].kind == .integer && s.variables[1].kind == nil)
        // Integer: 10r + 8o ≤ 200, r ≤ o: r = o = 11 → 880 (checked by enumeration); continuous: r = o = 100/9 → 8000/9.
        var best = 0
        for r in 0...20 { for o in 0...25 where 10 * r + 8 * o <= 200 && r <= o { best = max(best, 50 * r + 30 * o) } }
        let integer = try solveBoth(s, .integer).objective
        #expect(best == 880 && close(integer, 880))
        // rickshaws declares integer, so only ox_carts is continuous: r = 11, o = 11.25 → 887.5.
        let mixed = try solveBoth(s, .continuous).objective
        #expect(close(mixed, 887.5))
        let again = try FormulationSpec(json: s.jsonData())
        #expect(again == s)
    }

    static let bad: [(String, String)] = [
        (#"{"variables": [{"name": "x"}], "objective": {"sense": "maximize", "terms": {"y": 1}}}"#,
         #"objective.terms.y: unknown variable "y""#),
        (#"{"variables": [{"name": "x"}, {"name": "x"}], "objective": {"sense": "maximize", "terms": {"x": 1}}}"#,
         #"variables[1].name: duplicate name "x" (also variables[0])"#),
        (#"{"variables": [{"name": "ox carts"}], "objective": {"sense": "maximize", "terms": {"ox carts": 1}}}"#,
         #"variables[0].name: "ox carts" is not an identifier"#),
        (#"{"variables": [{"name": "x"}], "objective": {"sense": "maximize", "terms": {}}}"#, "objective.terms: empty objective"),
        (#"{"variables": [{"name": "x"}], "objective": {"sense": "upward", "terms": {"x": 1}}}"#, #"objective.sense: "upward" is neither"#),
        (#"{"variables": [{"name": "x"}], "objective": {"sense": "max", "terms": {"x": 1}}, "constraints": [{"class": 1, "var": "x", "rhs": "$1,000"}]}"#,
         #"constraints[0].rhs: "$1,000" is not a number"#),
        (#"{"variables": [{"name": "x"}], "objective": {"sense": "max", "terms": {"x": 1}}, "constraints": [{"class": 3, "terms": {"x": 1}, "limit": 5}]}"#,
         "constraints[0].limit: unknown field (expected one of: class, sentence, name, terms, rhs)"),
        (#"{"variables": [{"name": "x"}], "objective": {"sense": "max", "terms": {"x": 1}}, "constraints": [{"var": "x", "rhs": 5}]}"#,
         "constraints[0].class: missing"),
        (#"{"variables": [{"name": "x"}], "objective": {"sense": "max", "terms": {"x": 1}}, "constraints": [{"class": 14, "var": "x"}]}"#,
         #"constraints[0].class: "14" is not a class number"#),
        (#"{"variables": [{"name": "x"}, {"name": "y"}], "objective": {"sense": "max", "terms": {"x": 1}}, "constraints": [{"class": 4, "var": "x", "fraction": 40, "sentence": "at most 40% are x"}]}"#,
         #"constraints[0] "at most 40% are x".fraction: 40 is not in (0, 1] (write 40% as 0.4)"#),
        (#"{"variables": [{"name": "trucks"}], "objective": {"sense": "max", "terms": {"trucks": 1}}, "constraints": [{"class": 1, "var": "truck", "rhs": 5, "sentence": "at most 5 trucks"}]}"#,
         #"constraints[0] "at most 5 trucks".var: unknown variable "truck"; did you mean "trucks"?"#),
        (#"{"variables": [{"name": "x", "kind": "whole"}], "objective": {"sense": "max", "terms": {"x": 1}}}"#,
         #"variables[0].kind: "whole" is not one of continuous, integer, binary"#),
        (#"{"variables": [{"name": "x"}, {"name": "y"}], "objective": {"sense": "max", "terms": {"x": 1}}, "constraints": [{"class": 9, "x": "x", "y": "x"}]}"#,
         #"x and y are the same variable "x""#),
        (#"{"variables": [{"name": "x"}], "objective": {"sense": "max", "terms": {"x": 1}}, "constraints": [{"class": 0}]}"#,
         "class 0 is the objective"),
        (#"{"variables": [{"name": "x"}, {"name": "y"}], "objective": {"sense": "max", "terms": {"x": 1}}, "constraints": [{"class": 11, "vars": ["x"]}]}"#,
         "constraints[0].vars: needs at least 2 variables"),
        (#"{"variables": [{"name": "M"}], "objective": {"sense": "max", "terms": {"M": 1}}}"#, #""M" is reserved for big-M"#),
        ("[1, 2]", "the spec must be a JSON object"),
        ("{\"variables\": [", "the spec is not valid JSON"),
    ]

    @Test(arguments: bad.indices)
    func reportsTheField(_ k: Int) {
        let (json, expected) = Self.bad[k]
        let errors = problems { _ = try spec(json) }
        #expect(errors.contains { $0.contains(expected) }, "\(json) gave \(errors)")
    }
}
