import Testing
import MILPKit

/// A hand-written corpus of MPS dialect cases, each with the model it must produce.
@Suite("MPS dialects")
struct MPSDialectTests {
    @Test func objsenseOnNextLineAndSameLine() throws {
        let nextLine = try parseMPS("""
        NAME test
        OBJSENSE
            MAX
        ROWS
         N obj
        COLUMNS
            x obj 1
        BOUNDS
         UP BND x 4
        ENDATA
        """)
        #expect(nextLine.sense == .maximize)
        let sameLine = try parseMPS("NAME t\nOBJSENSE MAXIMIZE\nROWS\n N obj\nCOLUMNS\n x obj 1\nENDATA\n")
        #expect(sameLine.sense == .maximize)
        let minimize = try parseMPS("NAME t\nOBJSENSE\n    MIN\nROWS\n N obj\nCOLUMNS\n x obj 1\nENDATA\n")
        #expect(minimize.sense == .minimize)
    }

    @Test func severalNRowsFirstIsObjective() throws {
        let m = try parseMPS("""
        NAME multi
        ROWS
         N cost
         N other
         L c1
        COLUMNS
            x cost 2 other 7
            x c1 1
            y other 5 c1 1
        RHS
            RHS c1 4 other 100
        ENDATA
        """)
        #expect(m.constraintCount == 1)
        #expect(m.objectiveCoefficients == [2, 0])
        #expect(m.objectiveConstant == 0)
        #expect(m.name(of: m.constraint(at: 0)) == "c1")
    }

    @Test func objnamePicksTheObjective() throws {
        let m = try parseMPS("NAME t\nOBJNAME\n    second\nROWS\n N first\n N second\nCOLUMNS\n x first 1 second 3\nENDATA\n")
        #expect(m.objectiveCoefficients == [3])
    }

    @Test func rhsOnObjectiveIsNegatedConstant() throws {
        let m = try parseMPS("NAME t\nROWS\n N obj\n G c\nCOLUMNS\n x obj 1 c 1\nRHS\n RHS obj -7.113 c 2\nENDATA\n")
        #expect(m.objectiveConstant == 7.113)
        #expect(m.rowLowerBounds == [2])
    }

    @Test func rangesFollowTheSignRules() throws {
        let m = try parseMPS("""
        NAME ranges
        ROWS
         N obj
         E eplus
         E eminus
         L less
         G greater
        COLUMNS
            x obj 1 eplus 1
            x eminus 1 less 1
            x greater 1
        RHS
            RHS eplus 10 eminus 10
            RHS less 10 greater 10
        RANGES
            RNG eplus 4 eminus -4
            RNG less -3 greater 3
        ENDATA
        """)
        #expect(m.rowLowerBounds == [10, 6, 7, 10])
        #expect(m.rowUpperBounds == [14, 10, 10, 13])
    }

    @Test func everyBoundType() throws {
        let m = try parseMPS("""
        NAME bounds
        ROWS
         N obj
         L c
        COLUMNS
            MARKER                 'MARKER'                 'INTORG'
            negint c 1
            plainint c 1
            MARKER                 'MARKER'                 'INTEND'
            up c 1
            lo c 1
            fx c 1
            fr c 1
            mi c 1
            pl c 1
            bv c 1
            li c 1
            ui c 1
            sc c 1
            upneg c 1
            uplo c 1
        RHS
            RHS c 100
        BOUNDS
         UP BND negint -3
         UP BND up 5
         LO BND lo -2
         FX BND fx 3.5
         FR BND fr
         MI BND mi
         UP BND mi 8
         LO BND pl 1
         PL BND pl
         BV BND bv
         LI BND li -4
         UI BND ui 9
         SC BND sc 12
         LO BND sc 2
         UP BND upneg -1
         LO BND uplo 0
         UP BND uplo -1
        ENDATA
        """)
        func bounds(_ name: String) -> (Double, Double, VariableKind) {
            let v = m.variable(named: name)!
            return (m.lowerBound(of: v), m.upperBound(of: v), m.kind(of: v))
        }
        #expect(bounds("negint") == (-.infinity, -3, .integer))   // negative UP on an integer: lower −inf
        #expect(bounds("plainint") == (0, .infinity, .integer))  // MARKER without bounds: [0, +inf)
        #expect(bounds("up") == (0, 5, .continuous))
        #expect(bounds("lo") == (-2, .infinity, .continuous))
        #expect(bounds("fx") == (3.5, 3.5, .continuous))
        #expect(bounds("fr") == (-.infinity, .infinity, .continuous))
        #expect(bounds("mi") == (-.infinity, 8, .continuous))
        #expect(bounds("pl") == (1, .infinity, .continuous))
        #expect(bounds("bv") == (0, 1, .binary))
        #expect(bounds("li") == (-4, .infinity, .integer))
        #expect(bounds("ui") == (0, 9, .integer))
        #expect(bounds("sc") == (2, 12, .semiContinuous))
        #expect(bounds("upneg") == (-.infinity, -1, .continuous))
        // An explicit LO 0 before a negative UP keeps the (then empty) bounds as written: validation reports it.
        #expect(bounds("uplo") == (0, -1, .continuous))
        #expect(throws: ModelValidationError.self) { try m.validate() }
    }

    @Test func markerWithoutIntendRunsToTheEnd() throws {
        let m = try parseMPS("NAME t\nROWS\n N obj\nCOLUMNS\n    MARKER 'MARKER' 'INTORG'\n x obj 1\n y obj 1\nENDATA\n")
        #expect(m.kinds == [.integer, .integer])
    }

    @Test func commentsBlankLinesTabsAndCRLF() throws {
        let text = "* a comment\r\nNAME\tt\r\n\r\nROWS\r\n N\tobj\r\n L\tc\r\n* another\r\nCOLUMNS\r\n\tx\tobj\t1\tc\t2\r\nRHS\r\n\tRHS\tc\t4 $ trailing comment\r\nENDATA\r\n"
        let m = try parseMPS(text)
        #expect(m.variableCount == 1)
        #expect(m.rowUpperBounds == [4])
        #expect(Array(m.row(m.constraint(at: 0)).coefficients) == [2])
    }

    @Test func rhsWithoutSetName() throws {
        let m = try parseMPS("NAME t\nROWS\n N obj\n L c\n G d\nCOLUMNS\n x obj 1 c 1\n x d 1\nRHS\n    c 4 d 1\nENDATA\n")
        #expect(m.rowUpperBounds[0] == 4)
        #expect(m.rowLowerBounds[1] == 1)
    }

    @Test func onlyTheFirstRHSSetIsUsed() throws {
        let m = try parseMPS("NAME t\nROWS\n N obj\n L c\nCOLUMNS\n x obj 1 c 1\nRHS\n    A c 4\n    B c 9\nENDATA\n")
        #expect(m.rowUpperBounds == [4])
    }

    @Test func fixedFormatNamesWithSpaces() throws {
        // Columns 5-12 and 15-22 hold names, 25-36 values: "DEDO3 11" is one name.
        let text = [
            "NAME          FIXED", "ROWS",
            fixedLine("N", "COST"), fixedLine("L", "LIM 1"),
            "COLUMNS",
            fixedLine("", "DEDO3 11", "COST", "2.", "LIM 1", "1."),
            fixedLine("", "DEDO3 12", "LIM 1", "3."),
            "RHS",
            fixedLine("", "", "LIM 1", "9."),
            "BOUNDS",
            fixedLine("UP", "BND", "DEDO3 11", "4."),
            "ENDATA",
        ].joined(separator: "\n")
        let m = try parseMPS(text)
        #expect(m.variableCount == 2)
        #expect(m.name(of: m.variable(at: 0)) == "DEDO3 11")
        #expect(m.name(of: m.constraint(at: 0)) == "LIM 1")
        #expect(m.upperBounds == [4, .infinity])
        #expect(m.rowUpperBounds == [9])
        #expect(Array(m.row(m.constraint(at: 0)).coefficients) == [1, 3])
    }

    @Test func unusualNamesAndNumbers() throws {
        let m = try parseMPS("NAME t\nROWS\n N obj\n E row[1,2]#a\nCOLUMNS\n x(1)/y.z obj 1.5e+2 row[1,2]#a -.5\n é obj 1D-2 row[1,2]#a +3\nRHS\n RHS row[1,2]#a 1E3\nENDATA\n")
        #expect(m.name(of: m.variable(at: 0)) == "x(1)/y.z")
        #expect(m.name(of: m.variable(at: 1)) == "é")
        #expect(m.objectiveCoefficients == [150, 0.01])
        #expect(Array(m.row(m.constraint(at: 0)).coefficients) == [-0.5, 3])
        #expect(m.rowLowerBounds == [1000])
    }

    @Test func sosSection() throws {
        let m = try parseMPS("NAME t\nROWS\n N obj\nCOLUMNS\n x obj 1\n y obj 2\n z obj 3\nSOS\n S2 SOS s1\n    s1 z 3\n    s1 x 1\n    s1 y 2\nENDATA\n")
        #expect(m.sosConstraints.count == 1)
        #expect(m.sosConstraints[0].type == .two)
        #expect(m.sosConstraints[0].columns == [0, 1, 2])
    }

    @Test func infiniteValues() throws {
        let m = try parseMPS("NAME t\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n UP BND x 1e30\n LO BND x -1e31\nENDATA\n")
        #expect(m.upperBounds == [.infinity])
        #expect(m.lowerBounds == [-.infinity])
    }
}

/// COLUMNS read in two parts on two threads (`MPSReader.columnsSplitSize`): the second part must
/// give what one pass gives — integer markers, objective entries, a column named again after
/// others, and errors with the same line — wherever the split falls.
@Suite("MPS COLUMNS in two parts")
struct MPSSplitColumnsTests {
    /// `count` columns c0, c1, … in rows r0…r2 and the objective, the middle third integer; column
    /// `repeated` is named again at the end with an entry in r2 (nil: none); `badLine` replaces
    /// one COLUMNS line (nil: none).
    static func text(columns count: Int, repeated: Int? = nil, bad: (line: Int, text: String)? = nil) -> String {
        var lines = ["NAME split", "ROWS", " N obj", " L r0", " G r1", " E r2", "COLUMNS"]
        for j in 0..<count {
            if j == count / 3 { lines.append("    MARKER 'MARKER' 'INTORG'") }
            if j == 2 * count / 3 { lines.append("    MARKER 'MARKER' 'INTEND'") }
            lines.append("    c\(j) obj \(j % 7 + 1) r0 \(j % 5 + 1)")
            if j != repeated { lines.append("    c\(j) r\(1 + j % 2) \(Double(j) / 4)") }
        }
        if let repeated { lines.append("    c\(repeated) r2 -3") }
        if let bad { lines[bad.line - 1] = bad.text }
        lines += ["RHS", "    RHS r0 100 r1 1", "    RHS r2 7", "BOUNDS", " UP BND c1 9", "ENDATA"]
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("same model as one pass", arguments: [4, 9, 40, 301])
    func sameModel(columns: Int) throws {
        let m = try parseMPS(Self.text(columns: columns))  // compares both ways
        #expect(m.variableCount == columns)
        #expect(m.kinds.filter { $0 == .integer }.count == 2 * columns / 3 - columns / 3)
        #expect(m.objectiveCoefficients[columns - 1] == Double((columns - 1) % 7 + 1))
        #expect(m.upperBounds[1] == 9)
    }

    @Test("a column named again after others continues it", arguments: [1, 30, 290])
    func repeatedColumn(index: Int) throws {
        let m = try parseMPS(Self.text(columns: 301, repeated: index))
        #expect(m.variableCount == 301)
        #expect(m.name(of: m.constraint(at: 2)) == "r2")
        let row = m.row(m.constraint(at: 2))
        #expect(zip(row.columns, row.coefficients).contains { $0.0 == Int32(index) && $0.1 == -3 })
    }

    /// Found by the fuzz target: a column named again after another, with a second entry in a row
    /// it already has, is reported at that line in one pass; the two-part read must say the same.
    @Test func repeatedColumnWithASecondEntryInARow() throws {
        var lines = ["NAME t", "ROWS", " N obj", " L z", " L a", " L b", " L c", "COLUMNS"]
        for j in 0..<40 { lines.append("    f\(j) z 1") }
        lines += ["    x a 1 b 1", "    y c 1", "    x a 2", "RHS", "    RHS z 1", "ENDATA"]
        do {
            _ = try parseMPS(lines.joined(separator: "\n"))  // compares both ways
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("inline.mps:51: column x has a second entry in row a"), "\(error)")
        }
    }

    /// Found by the fuzz target (2026-12-02): the same column again after a blank, comment or
    /// MARKER line continues it. The two-part read split the section there (the column's first
    /// field differed from the line before), so the repeat went unseen and another error was
    /// reported.
    @Test(arguments: ["", "* a comment", "  N  'MARKER' 'INTORG'"])
    func columnContinuedAfter(gap: String) throws {
        // The trailing blanks put the split search's starting point inside the column's first line.
        let first = "  COL03  ROW02  1" + String(repeating: " ", count: 60)
        let text = ["ROWS", " L ROW02", "COLUMNS", first, gap, " COL03 ROW02  1"].joined(separator: "\n")
        do {
            _ = try parseMPS(text)  // compares both ways
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("inline.mps:6: column COL03 has a second entry in row ROW02"), "\(error)")
        }
    }

    @Test("an error in either part has the same line and message", arguments: [40, 350, 600])
    func errorLine(line: Int) throws {
        let text = Self.text(columns: 301, bad: (line, "    c5 nosuchrow 1"))
        #expect(throws: ParseError.self) { try parseMPS(text) }  // parseMPS compares the messages
        do {
            _ = try parseMPS(text)
        } catch {
            #expect("\(error)".contains("inline.mps:\(line): unknown row \"nosuchrow\""), "\(error)")
        }
    }
}

/// Malformed input: an error naming file, line and what was expected — never a crash or a
/// silently different model.
@Suite("MPS bad input")
struct MPSBadInputTests {
    private func error(_ text: String) -> String {
        do {
            _ = try parseMPS(text, name: "bad.mps")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func unknownSection() {
        #expect(error("NAME t\nROWS\n N obj\nFOO\nENDATA\n") .contains("bad.mps:4: unknown section \"FOO\""))
    }

    @Test func missingFields() {
        #expect(error("NAME t\nROWS\n N\nENDATA\n").contains("bad.mps:3: ROWS line needs a type"))
        #expect(error("NAME t\nROWS\n N obj\nCOLUMNS\n x obj\nENDATA\n").contains("bad.mps:5:"))
    }

    @Test func badNumbers() {
        let text = error("NAME t\nROWS\n N obj\nCOLUMNS\n x obj 1.2.3\nENDATA\n")
        #expect(text.contains("bad.mps:5: expected a number for column x in row obj, found \"1.2.3\""))
        #expect(error("NAME t\nROWS\n N obj\n L c\nCOLUMNS\n x obj 1\nRHS\n RHS c abc\nENDATA\n").contains("bad.mps:8: expected a number"))
        #expect(error("NAME t\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n UP BND x\nENDATA\n").contains("needs a value"))
    }

    @Test func unknownNames() {
        #expect(error("NAME t\nROWS\n N obj\nCOLUMNS\n x nope 1\nENDATA\n").contains("bad.mps:5: unknown row \"nope\" in COLUMNS"))
        #expect(error("NAME t\nROWS\n N obj\n L c\nCOLUMNS\n x obj 1\nRHS\n RHS d 1\nENDATA\n").contains("unknown row \"d\" in RHS"))
        #expect(error("NAME t\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n UP BND y 1\nENDATA\n").contains("unknown column \"y\" in BOUNDS"))
        #expect(error("NAME t\nROWS\n N obj\n L c\nCOLUMNS\n x obj 1\nRANGES\n R d 1\nENDATA\n").contains("unknown row \"d\" in RANGES"))
    }

    @Test func duplicates() {
        #expect(error("NAME t\nROWS\n N obj\n L c\n G c\nENDATA\n").contains("bad.mps:5: row \"c\" is declared twice"))
        #expect(error("NAME t\nROWS\n N obj\n L c\nCOLUMNS\n x c 1\n x c 2\nENDATA\n").contains("bad.mps:7: column x has a second entry in row c"))
    }

    @Test func badTypes() {
        #expect(error("NAME t\nROWS\n Q c\nENDATA\n").contains("row type must be N, L, G or E"))
        #expect(error("NAME t\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n XX BND x 1\nENDATA\n").contains("unknown bound type \"XX\""))
        #expect(error("NAME t\nROWS\n N obj\nCOLUMNS\n    MARKER 'MARKER' 'INTFOO'\nENDATA\n").contains("MARKER must be 'INTORG' or 'INTEND'"))
        #expect(error("NAME t\nOBJSENSE\n    UP\nROWS\n N obj\nENDATA\n").contains("OBJSENSE must be MAX or MIN"))
    }

    @Test func emptyTruncatedAndGarbage() throws {
        #expect(error("").contains("empty file"))
        #expect(error("NAME t\nROWS\n N obj\nCOLUMNS\n x obj 1\n").contains("without ENDATA"))
        #expect(error("just some text\n").contains("unknown section"))
        var rng = SplitMix64(seed: 99)
        for _ in 0..<200 {
            let garbage = (0..<Int(rng.next() % 400)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Must throw (or, for the rare valid text, parse) — never crash.
            _ = try? MPSReader().parse(garbage, name: "garbage")
        }
        // Truncated gzip.
        let model = Generators.facilityLocation(clients: 20, facilities: 5)
        let path = scratchDirectory.appendingPathComponent("trunc.mps.gz").path
        try MPSWriter().write(model, to: path)
        let whole = try readFile(path)
        #expect(throws: (any Error).self) { try MPSReader().parse(Array(whole.prefix(whole.count / 2)), name: "trunc.mps.gz") }
        do {
            _ = try MPSReader().parse(Array(whole.prefix(whole.count / 2)), name: "trunc.mps.gz")
        } catch {
            #expect("\(error)".contains("trunc.mps.gz: truncated gzip data"))
        }
    }

    @Test func missingFile() {
        do {
            _ = try MPSReader().read(path: "/nonexistent/x.mps")
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "/nonexistent/x.mps: no such file")
        }
    }
}

/// A fixed-format MPS line: fields at columns 2-3, 5-12, 15-22, 25-36 (numbers right-aligned),
/// 40-47 and 50-61.
func fixedLine(_ fields: String...) -> String {
    let starts = [2, 5, 15, 25, 40, 50], widths = [2, 8, 8, 12, 8, 12]
    var line = ""
    for (k, field) in fields.enumerated() {
        line = line.padding(toLength: starts[k] - 1, withPad: " ", startingAt: 0)
        let numeric = k == 3 || k == 5
        line += numeric ? String(repeating: " ", count: max(0, widths[k] - field.count)) + field : field
    }
    return line
}

func readFile(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

import Foundation
