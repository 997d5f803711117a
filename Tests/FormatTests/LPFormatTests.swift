import Foundation
import Testing
import MILPKit

private let inf = Double.infinity

/// Parses LP text given inline.
private func parseLP(_ text: String, name: String = "inline.lp") throws -> Model {
    try LPReader().parse(Array(text.utf8), name: name)
}

/// The `ParseError` reading `text` throws (fails the test when it reads fine or throws something else).
private func lpError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ParseError? {
    lpError(bytes: Array(text.utf8), sourceLocation: sourceLocation)
}

private func lpError(bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> ParseError? {
    do {
        let model = try LPReader().parse(bytes, name: "bad.lp")
        Issue.record("expected a ParseError, read a model with \(model.variableCount) columns", sourceLocation: sourceLocation)
    } catch let error as ParseError {
        return error
    } catch {
        Issue.record("expected a ParseError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Column `name`'s index (the test fails when there is none).
private func column(_ model: Model, _ name: String) throws -> Int {
    try #require(model.variable(named: name), "no column \(name)").index
}

private func entries(_ model: Model, row: Int) -> [String: Double] {
    let (columns, values) = model.row(model.constraint(at: row))
    return Dictionary(uniqueKeysWithValues: zip(columns, values).map { (model.name(of: model.variable(at: Int($0.0))), $0.1) })
}

/// MPS → LPWriter → LPReader round trips of the bundled instances.
@Suite("LP round trips")
struct LPRoundTripTests {
    /// Names that are not valid in LP files come back as the writer renamed them.
    @Test("MPS read → LP write → LP read gives the identical model (names as LPWriter renames them)", arguments: knownInstances)
    func roundTrip(instance: KnownInstance) throws {
        let original = try MPSReader().read(path: instance.path)
        let text = try LPWriter().data(for: original)
        let again = try LPReader().parse(text, name: "\(instance.name).lp")
        let expected = LPWriter.renamedForLP(original)
        #expect(sameModel(expected, again) == nil, "\(instance): \(sameModel(expected, again) ?? "")")
        #expect(again.name == (original.name.isEmpty ? "MILPKIT" : original.name))
        // Renaming only touches invalid names.
        for j in 0..<original.variableCount where LPWriter.isValidLPName(original.givenName(ofColumn: j)) {
            #expect(again.givenName(ofColumn: j) == original.givenName(ofColumn: j))
        }
    }

    @Test("invalid LP names are renamed predictably and without collisions")
    func renaming() throws {
        var m = Model()
        let given = ["1X", ".A", "E11", "e", "eels", "end", "Bounds", "INF", "free", "FLAV*1", "a b", "x:y", "a<=b", "_1X", "ok.1", "x[1]", "FLAV_1", "énergie", "eta"]
        for name in given { m.addVariable(name: name) }
        m.addRow(columns: [0, 1], coefficients: [1, 1], lowerBound: 1, upperBound: .infinity, name: "2nd row")
        m.addRow(columns: [1], coefficients: [1], lowerBound: 0, upperBound: 5, name: "st")
        m.minimize(m.variables.reduce(LinearExpression()) { $0 + $1 })
        let renamed = LPWriter.renamedForLP(m)
        #expect(renamed.variables.map { renamed.name(of: $0) } == [
            "_1X_2", "_.A", "_E11", "_e", "_eels", "_end", "_Bounds", "_INF", "_free", "FLAV_1_2", "a_b", "x_y", "a__b", "_1X", "ok.1", "x_1_", "FLAV_1", "énergie", "eta",
        ])
        #expect(renamed.constraints.map { renamed.name(of: $0) } == ["_2nd_row", "_st"])
        let again = try LPReader().parse(try LPWriter().data(for: m), name: "renamed.lp")
        #expect(sameModel(renamed, again) == nil, "\(sameModel(renamed, again) ?? "")")
    }

    @Test("ModelFile writes and reads .lp and .lp.gz; LP → MPS → LP keeps the model")
    func throughFiles() throws {
        let instance = try #require(knownInstances.first { $0.name == "exmip1" })
        let original = try MPSReader().read(path: instance.path)
        for suffix in [".lp", ".lp.gz"] {
            let path = scratchDirectory.appendingPathComponent("exmip1-files\(suffix)").path
            try ModelFile.write(original, to: path)
            let bytes = try #require(FileManager.default.contents(atPath: path))
            #expect((bytes.prefix(2) == Data([0x1f, 0x8b])) == suffix.hasSuffix(".gz"))
            let again = try ModelFile.read(path)
            #expect(sameModel(original, again) == nil, "\(suffix): \(sameModel(original, again) ?? "")")
            let mps = scratchDirectory.appendingPathComponent("exmip1-files\(suffix).mps").path
            try ModelFile.write(again, to: mps)
            #expect(sameModel(original, try ModelFile.read(mps)) == nil)
        }
    }

    @Test("models built in code round-trip: unnamed, ranged, free and empty rows, SOS, semi-continuous, column order")
    func builtModels() throws {
        var m = Model(name: "built")
        let x = m.addVariable(lowerBound: -inf, upperBound: 5)
        let y = m.addInteger(in: -3...7)
        let z = m.addBinary()
        let s = m.addVariable(lowerBound: 2, upperBound: 9, kind: .semiContinuous)
        m.addVariable()  // in no row and not in the objective
        let fixed = m.addBinary()
        m.setBounds(of: fixed, lower: 1, upper: 1)
        let free = m.addFreeVariable()
        m.add(2 * s + 1.5 * x - y <= 4)
        m.add(y + z + 0.25 * free, in: -1...8)
        m.addRow(columns: [], coefficients: [], lowerBound: -inf, upperBound: 3)
        m.addRow(columns: [Int32(z.index)], coefficients: [1], lowerBound: -inf, upperBound: inf)
        m.add(x + 1e-7 * y == -2.5e12)
        m.addSOS1([x, y, s], weights: [1, 2.5, 4])
        m.addSOS2([z, s, free])
        m.maximize(3 * z - 0.5 * s + 17)
        let again = try LPReader().parse(try LPWriter().data(for: m), name: "built.lp")
        #expect(sameModel(m, again) == nil, "\(sameModel(m, again) ?? "")")
        #expect(again.name == "built")
        #expect(again.kinds[fixed.index] == .binary && again.lowerBounds[fixed.index] == 1)
    }
}

@Suite("milp convert and solve with LP files")
struct LPCommandLineTests {
    @Test("milp convert mps → lp → mps keeps the model; milp solve reads .lp and .lp.gz")
    func convertAndSolve() throws {
        let instance = try #require(knownInstances.first { $0.name == "lseu" })
        let lp = scratchDirectory.appendingPathComponent("cli-lseu.lp").path
        let back = scratchDirectory.appendingPathComponent("cli-lseu.mps").path
        let gz = scratchDirectory.appendingPathComponent("cli-lseu.lp.gz").path
        for (from, to) in [(instance.path, lp), (lp, back), (back, gz)] {
            let (status, _, err) = try run(milpExecutable, ["convert", from, to], timeout: 30)
            #expect(status == 0, "convert \(from) \(to): \(err)")
        }
        let original = try MPSReader().read(path: instance.path)
        #expect(sameModel(original, try MPSReader().read(path: back)) == nil)
        #expect(sameModel(original, try ModelFile.read(gz)) == nil)
        for path in [lp, gz] {
            let (status, json, _) = try milpJSON(["solve", path, "--json"], timeout: 60)
            #expect(status == 0)
            #expect(agrees(json["objective"] as? Double, instance.objective), "\(json)")
        }
    }

    /// Found when a session's `milp iis … -o /dev/null` turned /dev/null into a regular file: the
    /// writers went through FileManager.createFile, which writes a temporary file and renames it.
    @Test("writing through a symbolic link keeps the link (and /dev/null a device)")
    func writeInPlace() throws {
        let target = scratchDirectory.appendingPathComponent("target-\(UUID().uuidString).lp").path
        let link = scratchDirectory.appendingPathComponent("link-\(UUID().uuidString).lp").path
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        var model = Model()
        let x = model.addVariable(name: "x")
        model.add(x >= 1, name: "c")
        try ModelFile.write(model, to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try ModelFile.read(target).constraintCount == 1)
    }

    @Test("milp solve and convert report a bad LP file with its line and exit non-zero")
    func badFile() throws {
        let path = scratchDirectory.appendingPathComponent("cli-bad.lp").path
        try Data("Minimize\n obj: x\nSubject To\n c: x * y >= 1\nEnd\n".utf8).write(to: URL(fileURLWithPath: path))
        for arguments in [["solve", path], ["convert", path, path + ".mps"]] {
            let (status, _, err) = try run(milpExecutable, arguments, timeout: 30)
            #expect(status != 0)
            #expect(err.contains("\(path):4: quadratic terms are not supported"), "\(err)")
        }
    }
}

/// Hand-written LP files, each with the model it must produce.
@Suite("LP dialects")
struct LPDialectTests {
    @Test("sense keywords in any case, with the objective on the same line or the next")
    func senseKeywords() throws {
        for (keyword, sense) in [("Minimize", ObjectiveSense.minimize), ("MINIMISE", .minimize), ("minimum", .minimize), ("min", .minimize),
                                 ("Maximize", .maximize), ("maximise", .maximize), ("MAXIMUM", .maximize), ("Max", .maximize)] {
            let nextLine = try parseLP("\(keyword)\n obj: x + 2 y\nSubject To\n c: x + y <= 1\nEnd\n")
            #expect(nextLine.sense == sense, "\(keyword)")
            #expect(nextLine.objectiveCoefficients == [1, 2], "\(keyword)")
            let sameLine = try parseLP("\(keyword) 3 x - y\nst\n x + y >= 1\nend")
            #expect(sameLine.sense == sense, "\(keyword)")
            #expect(sameLine.objectiveCoefficients == [3, -1], "\(keyword)")
        }
    }

    /// Found by the fuzz target (2026-12-02): a bound computed from constants on both sides
    /// reached 1e30 and stayed finite, was written as 1e+30 and read back as infinite.
    @Test("bounds computed from constants follow the 1e30 convention and survive a round trip")
    func computedBoundsAtInfinity() throws {
        let m = try parseLP("Minimize\n x\nSubject To\n c: x - 5e29 <= 5e29\n d: x + 5e29 >= -5e29\n r: -5e29 <= x + 5e29 <= 3\nEnd\n")
        #expect(m.rowUpperBounds == [inf, inf, 3 - 5e29])
        #expect(m.rowLowerBounds == [-inf, -inf, -inf])
        let again = try LPReader().parse(try LPWriter().data(for: m), name: "again.lp")
        #expect(again.rowLowerBounds == m.rowLowerBounds && again.rowUpperBounds == m.rowUpperBounds)
    }

    /// Found by the fuzz target (2026-12-02): a free row named with a combining mark (U+065C)
    /// was written as `ٜ: + O - ~r_ٜ = 0`, and the reader, comparing Characters, did not see the
    /// `~r_` prefix (the mark joins the `_`): the model came back with an extra column.
    @Test("a free or ranged row whose name starts with a combining mark survives a round trip")
    func combiningMarkRowName() throws {
        let m = try LPReader().parse(Array("Subject To\n \u{065C}: O <= inf\n r\u{0301}: 1 <= O + P <= 2\nEnd\n".utf8), name: "mark.lp")
        let again = try LPReader().parse(try LPWriter().data(for: m), name: "again.lp")
        #expect(again.variableCount == 2 && again.rowUpperBounds == [inf, 2] && again.rowLowerBounds == [-inf, 1])
    }

    /// Found by the fuzz target (2026-12-02): a variable named `semiinteger` (a section keyword
    /// since semi-integer support) was written as it is, and `semiinteger free` in Bounds read
    /// back as the Semi-integer section.
    @Test("variables named like section keywords are renamed when written", arguments: ["semiinteger", "SemiIntegers", "semis", "end"])
    func keywordNames(name: String) throws {
        var model = Model()
        let x = model.addFreeVariable(name: name)
        model.add(x <= 3, name: "c")
        let again = try LPReader().parse(try LPWriter().data(for: model), name: "again.lp")
        #expect(again.variableCount == 1 && again.lowerBounds == [-inf] && again.constraintCount == 1)
    }

    @Test("objective name, constant terms anywhere, repeated variables summed")
    func objective() throws {
        let m = try parseLP("""
        \\ a comment
        Maximize
          profit: 4 + 2 x - 3 y
            + 1.5 x + 2 - y \\ continues over lines
        Subject To
          c1: x + y <= 10
        End
        """)
        #expect(m.sense == .maximize)
        #expect(m.objectiveConstant == 6)
        #expect(m.objectiveCoefficients == [3.5, -4])
        #expect(m.variables.map { m.name(of: $0) } == ["x", "y"])
        #expect(m.constraintCount == 1)
    }

    @Test("a file without an objective section minimizes 0; an empty objective is allowed")
    func noObjective() throws {
        let m = try parseLP("Subject To\n c: x + y >= 2\nEnd\n")
        #expect(m.sense == .minimize)
        #expect(m.objectiveCoefficients == [0, 0])
        let empty = try parseLP("Minimize\n obj:\nSubject To\n c: x >= 1\nEnd\n")
        #expect(empty.objectiveCoefficients == [0])
        #expect(empty.objectiveConstant == 0)
    }

    @Test("all spellings of Subject To")
    func subjectTo() throws {
        for keyword in ["Subject To", "SUBJECT  TO", "such that", "Such That", "st", "ST", "s.t.", "S.T.", "st."] {
            let m = try parseLP("min\n x\n\(keyword)\n c: x >= 1\nEnd\n")
            #expect(m.constraintCount == 1, "\(keyword)")
            #expect(m.rowLowerBounds == [1], "\(keyword)")
        }
        // The first constraint may follow on the keyword's line.
        let sameLine = try parseLP("min x\nsubject to c: x >= 2\nend\n")
        #expect(sameLine.rowLowerBounds == [2])
        #expect(sameLine.name(of: sameLine.constraint(at: 0)) == "c")
    }

    @Test("every relation spelling; named and unnamed rows; rows over several lines")
    func relations() throws {
        let m = try parseLP("""
        Minimize
         obj: x
        Subject To
         a: x + y <= 1
         b: x + y =< 2
         x + y < 3
         d: x + y >= 4
         e1: x + y => 5
         x + y > 6
         g: x + y = 7
         h: x
            + y
            >=
            8
        End
        """)
        #expect(m.rowLowerBounds == [-inf, -inf, -inf, 4, 5, 6, 7, 8])
        #expect(m.rowUpperBounds == [1, 2, 3, inf, inf, inf, 7, inf])
        #expect((0..<8).map { m.givenName(ofRow: $0) } == ["a", "b", "", "d", "e1", "", "g", "h"])
        #expect((0..<8).map { m.name(of: m.constraint(at: $0)) } == ["a", "b", "c2", "d", "e1", "c5", "g", "h"])
        for r in 0..<8 { #expect(entries(m, row: r) == ["x": 1, "y": 1]) }
    }

    @Test("terms: implicit coefficients, signs, 3x, exponents, constants moved to the right")
    func terms() throws {
        let m = try parseLP("""
        min
         obj: - x + y
        st
         c1: 3 x - y + - 2 z - -4 w >= 1
         c2: 3x + 2.5e1y - .5z + 1E-2 w <= 10
         c3: 2 + x + 3 - y <= 9
         c4: x + x - 2 x + y = 0
         c5: 0 x + y >= -1
        End
        """)
        let x = try column(m, "x"), y = try column(m, "y"), z = try column(m, "z"), w = try column(m, "w")
        #expect([x, y, z, w] == [Int](0..<4))
        #expect(m.objectiveCoefficients == [-1, 1, 0, 0])
        #expect(entries(m, row: 0) == ["x": 3, "y": -1, "z": -2, "w": 4])
        #expect(entries(m, row: 1) == ["x": 3, "y": 25, "z": -0.5, "w": 0.01])
        #expect(entries(m, row: 2) == ["x": 1, "y": -1])
        #expect(m.rowUpperBounds[2] == 4)
        #expect(entries(m, row: 3) == ["y": 1], "x cancels and is dropped")
        #expect(entries(m, row: 4) == ["y": 1], "zero coefficients are dropped")
        #expect(m.rowLowerBounds[4] == -1)
    }

    @Test("ranged rows, reversed rows, infinite right-hand sides")
    func rangedRows() throws {
        let m = try parseLP("""
        min
         x
        st
         r1: 2 <= x + y <= 8
         r2: 8 >= x + y >= 2
         r3: -3 <= x - y + 1 <= 4
         r4: 5 >= x
         r5: -1 = y
         r6: x + y >= -inf
         r7: x + y <= +Infinity
         r8: x >= -1e30
         r9: -inf <= x + y <= 3
        End
        """)
        #expect(m.rowLowerBounds == [2, 2, -4, -inf, -1, -inf, -inf, -inf, -inf])
        #expect(m.rowUpperBounds == [8, 8, 3, 5, -1, inf, inf, inf, 3])
        #expect(entries(m, row: 2) == ["x": 1, "y": -1])
    }

    @Test("bounds in every form; the last bound given wins")
    func bounds() throws {
        let m = try parseLP("""
        Minimize
         obj: a + b + c + d + e1 + f + g + h + i + j + k + l
        Subject To
         c1: a + b >= 0
        Bounds
         a >= 1
         b <= 4
         -inf <= c <= inf
         d free
         e1 = 3
         1 <= f <= 4
         g >= -infinity
         4 >= h
         -2 <= i
         10 >= j >= -10
         k FREE
         k <= 7
         -5 <= l <= 5
         l >= -1
         m >= 2
         -INF <= n <= +INF
         p <= 1e30
        End
        """)
        func b(_ name: String) throws -> [Double] {
            let j = try column(m, name)
            return [m.lowerBounds[j], m.upperBounds[j]]
        }
        #expect(try b("a") == [1, inf])
        #expect(try b("b") == [0, 4])
        #expect(try b("c") == [-inf, inf])
        #expect(try b("d") == [-inf, inf])
        #expect(try b("e1") == [3, 3])
        #expect(try b("f") == [1, 4])
        #expect(try b("g") == [-inf, inf])
        #expect(try b("h") == [0, 4])
        #expect(try b("i") == [-2, inf])
        #expect(try b("j") == [-10, 10])
        #expect(try b("k") == [-inf, 7])
        #expect(try b("l") == [-1, 5])
        // Variables only in Bounds are added after the others, in order.
        #expect(try b("m") == [2, inf])
        #expect(try b("n") == [-inf, inf])
        #expect(try b("p") == [0, inf])
        #expect(m.variables.map { m.name(of: $0) } == ["a", "b", "c", "d", "e1", "f", "g", "h", "i", "j", "k", "l", "m", "n", "p"])
        #expect(m.kinds.allSatisfy { $0 == .continuous })
    }

    @Test("a negative upper bound keeps the default lower bound 0 (CPLEX rule), so validation reports it")
    func negativeUpperBound() throws {
        let m = try parseLP("min\n x\nst\n c: x + y >= -5\nbounds\n x <= -1\n -inf <= y <= -2\nend\n")
        #expect(m.lowerBounds == [0, -inf])
        #expect(m.upperBounds == [-1, -2])
        #expect(throws: ModelValidationError.self) { try m.validate() }
    }

    @Test("General, Integers, Binary, Semi-continuous sections in all spellings; binaries get [0, 1] within their bounds")
    func typeSections() throws {
        for (general, binary, semi) in [("General", "Binary", "Semi-continuous"), ("Generals", "Binaries", "Semis"),
                                        ("GEN", "BIN", "SEMI"), ("Integers", "binary", "semi-continuous"), ("integer", "Binaries", "Semicontinuous")] {
            let m = try parseLP("""
            Maximize
             obj: x + y + z + s + u
            Subject To
             c: x + y + z + s + u <= 10
            Bounds
             x <= 8
             -3 <= u <= 5
             s <= 6
             2 <= s
            \(general)
             x
             y
            \(binary)
             z u
             w
            \(semi)
             s
            End
            """)
            let x = try column(m, "x"), y = try column(m, "y"), z = try column(m, "z")
            let s = try column(m, "s"), u = try column(m, "u"), w = try column(m, "w")
            #expect(m.kinds[x] == .integer && m.kinds[y] == .integer, "\(general)")
            #expect(m.kinds[z] == .binary && m.kinds[u] == .binary && m.kinds[w] == .binary, "\(binary)")
            #expect(m.kinds[s] == .semiContinuous, "\(semi)")
            #expect([m.lowerBounds[x], m.upperBounds[x]] == [0, 8])
            #expect([m.lowerBounds[y], m.upperBounds[y]] == [0, inf])
            #expect([m.lowerBounds[z], m.upperBounds[z]] == [0, 1])
            #expect([m.lowerBounds[u], m.upperBounds[u]] == [0, 1], "bounds [-3, 5] clamped into [0, 1]")
            #expect([m.lowerBounds[w], m.upperBounds[w]] == [0, 1], "a variable only in Binary is added")
            #expect([m.lowerBounds[s], m.upperBounds[s]] == [2, 6])
            #expect(m.variableCount == 6)
            try m.validate()
        }
    }

    @Test("a later General or Binary declaration wins; a binary fixed in Bounds keeps its value")
    func laterDeclarationWins() throws {
        let m = try parseLP("min\n x + y\nst\n c: x + y >= 1\nbounds\n y = 1\nbinary\n x y\ngeneral\n x\nend\n")
        #expect(m.kinds == [.integer, .binary])
        #expect(m.lowerBounds == [0, 1])
        #expect(m.upperBounds == [inf, 1])
    }

    @Test("SOS sets: named and unnamed headers, members over several lines, sorted by weight")
    func sos() throws {
        let m = try parseLP("""
        Minimize
         obj: x + y + z + w
        Subject To
         c: x + y + z + w >= 1
        Bounds
         x <= 1
         y <= 1
         z <= 1
        SOS
         s1: S1:: x:1 y:2
           z:3
         S2:: z:5 y:4.5 x:-1
         set3 : s1 :: w : 2 x : 1
        End
        """)
        let x = Int32(try column(m, "x")), y = Int32(try column(m, "y")), z = Int32(try column(m, "z")), w = Int32(try column(m, "w"))
        #expect(m.sosConstraints == [
            SOSConstraint(type: .one, columns: [x, y, z], weights: [1, 2, 3]),
            SOSConstraint(type: .two, columns: [x, y, z], weights: [-1, 4.5, 5]),
            SOSConstraint(type: .one, columns: [x, w], weights: [1, 2]),
        ])
    }

    @Test("comments, blank lines, tabs, CRLF, a byte-order mark, keywords in any case, text after End ignored")
    func layout() throws {
        let text = "\u{FEFF}\\Problem name: sample\r\n\r\nMAXIMIZE\r\n\tobj:\tx\t+\ty \\ two\r\n\\ comment line\r\nSUBJECT TO\r\n c1: x + y <= 4 \\ trailing\r\n\r\nBOUNDS\r\n x <= 3\r\nGENERAL\r\n x\r\nEND\r\nthis is ignored ][*\r\n"
        let m = try parseLP(text)
        #expect(m.name == "sample")
        #expect(m.sense == .maximize)
        #expect(m.objectiveCoefficients == [1, 1])
        #expect(m.rowUpperBounds == [4])
        #expect(m.upperBounds == [3, inf])
        #expect(m.kinds == [.integer, .continuous])
    }

    @Test("names with LP symbols; keywords are names where they do not start a line or are followed by ':'")
    func names() throws {
        let m = try parseLP("""
        Minimize
         cost: x.1 + y_{2,3} + z#!"$%&()/,;?@`'|~ + éte + bounds + free
        Subject To
         st: x.1 + end >= 1
         min: bounds + free <= 3
        Bounds
         2 >= bounds
         free free
        End
        """)
        #expect(m.variables.map { m.name(of: $0) } == ["x.1", "y_{2,3}", "z#!\"$%&()/,;?@`'|~", "éte", "bounds", "free", "end"])
        #expect(m.givenName(ofRow: 0) == "st")
        #expect(m.givenName(ofRow: 1) == "min")
        let bounds = try column(m, "bounds"), free = try column(m, "free")
        #expect(m.upperBounds[bounds] == 2)
        #expect(m.lowerBounds[free] == -inf)
    }

    @Test("a constraint on the line of the objective's continuation is still found by its name")
    func constraintsWithoutBlankLines() throws {
        let m = try parseLP("min\nobj: x\n+ y\nst\nc1: x\n+ y >= 1\nc2: - x - y >= -4\nEnd")
        #expect(m.objectiveCoefficients == [1, 1])
        #expect(m.rowLowerBounds == [1, -4])
        #expect(entries(m, row: 1) == ["x": -1, "y": -1])
    }
}

extension LPDialectTests {
    @Test("LPWriter's ~constant and ~r_<row> columns fold back only when they match exactly")
    func writerColumnsFoldBack() throws {
        let m = try parseLP("""
        Minimize
         obj: x + y - 2.5 ~constant
        Subject To
         a: x + y - ~r_a = 0
         b: x - y - ~r_b = 0
         c: x - ~r_c = 1
         d: x - 2 ~r_d = 0
         e1: x + ~r_a2 >= 0
        Bounds
         1 <= ~r_a <= 4
         ~r_b free
         ~constant = 1
        End
        """)
        #expect(m.objectiveConstant == -2.5)
        #expect(m.variables.map { m.name(of: $0) } == ["x", "y", "~r_c", "~r_d", "~r_a2"])
        #expect(m.rowLowerBounds == [1, -inf, 1, 0, 0])
        #expect(m.rowUpperBounds == [4, inf, 1, 0, inf])
        #expect(entries(m, row: 0) == ["x": 1, "y": 1])
        #expect(entries(m, row: 2) == ["x": 1, "~r_c": -1], "row c is not '= 0': the column stays")
        #expect(entries(m, row: 3) == ["x": 1, "~r_d": -2], "coefficient -2: the column stays")
        // Not fixed at 1, or in a row: the column stays.
        let kept = try parseLP("min\n obj: x + 3 ~constant\nst\n c: x + ~constant >= 1\nbounds\n ~constant = 1\nend\n")
        #expect(kept.variableCount == 2 && kept.objectiveConstant == 0)
    }

    @Test("an LP file in GLPK's style (range columns ~r_<number>, block comments) reads as written")
    func glpkStyle() throws {
        let m = try parseLP("""
        \\* Problem: EXAMPLE *\\

        Minimize
         OBJ: + COL01 + 2 COL05
        \\* constant term = -7.5 *\\

        Subject To
         ROW04: + 2.8 COL04 - 1.2 COL05 - ~r_4 = 1.8

        Bounds
         0 <= ~r_4 <= 3.2
         COL01 >= 2.5

        Generals
         COL04

        End
        """)
        #expect(m.name == "")
        #expect(m.objectiveConstant == 0)
        #expect(m.variables.map { m.name(of: $0) } == ["COL01", "COL05", "COL04", "~r_4"])
        #expect(m.rowLowerBounds == [1.8] && m.rowUpperBounds == [1.8])
        #expect(m.kinds == [.continuous, .continuous, .integer, .continuous])
    }
}

/// Bad LP input: each case must throw a `ParseError` with the right line and a useful message.
@Suite("LP bad input")
struct LPBadInputTests {
    struct Case: CustomStringConvertible, Sendable {
        let label: String
        let text: String
        let line: Int
        let message: String
        var description: String { label }
    }

    static let cases: [Case] = [
        Case(label: "empty file", text: "", line: 0, message: "empty file"),
        Case(label: "only comments", text: "\\ nothing\n\n", line: 3, message: "no LP sections"),
        Case(label: "MPS file", text: "NAME test\nROWS\n N obj\n", line: 1, message: "is this an MPS file?"),
        Case(label: "unknown section keyword", text: "min\n x\nst\n c: x >= 1\nConstraints\n x <= 3\nEnd\n", line: 5, message: "unknown section keyword \"Constraints\""),
        Case(label: "two-word unknown section", text: "min\n x\nst\n c: x >= 1\nLazy Constraints\n l: x <= 3\nEnd\n", line: 5, message: "unknown section keyword \"Lazy Constraints\""),
        Case(label: "misspelt Subject To", text: "max\n x + y\nSubjectTo\n c: x <= 1\nEnd\n", line: 3, message: "unknown section keyword \"SubjectTo\""),
        Case(label: "indicator constraint", text: "min\n x\nst\n c: b = 1 -> x >= 1\nEnd\n", line: 4, message: "expected a number or a variable after '-'"),
        Case(label: "text before the objective", text: "hello\nmin\n x\nend\n", line: 1, message: "expected Minimize or Maximize, found \"hello\""),
        Case(label: "unknown keyword after bounds", text: "min\n x\nst\n c: x >= 1\nbounds\n x <= 3\nIndicators\n y = 1 -> x >= 1\nEnd\n", line: 7, message: "unknown section keyword \"Indicators\""),
        Case(label: "term without a variable", text: "min\n x\nst\n c: x + 3 4 >= 1\nEnd\n", line: 4, message: "expected a variable after the coefficient 3"),
        Case(label: "sign without a term", text: "min\n x\nst\n c: x + >= 1\nEnd\n", line: 4, message: "expected a number or a variable after '+'"),
        Case(label: "two names without an operator", text: "min\n x\nst\n c: x y >= 1\nEnd\n", line: 4, message: "expected + or - between terms"),
        Case(label: "two names in an unnamed row", text: "min\n x\nst\n x y >= 1\nEnd\n", line: 4, message: "expected + or - between terms in the constraint on line 4, found \"y\""),
        Case(label: "missing relation", text: "min\n x\nst\n c: x + y\n d: x >= 1\nEnd\n", line: 5, message: "expected <=, >= or = in constraint c"),
        Case(label: "variable on the right-hand side", text: "min\n x\nst\n c: x >= y\nEnd\n", line: 4, message: "variables must be on the left-hand side"),
        Case(label: "missing right-hand side", text: "min\n x\nst\n c: x >=\nEnd\n", line: 5, message: "expected a number after '>=' in constraint c"),
        Case(label: "bad number", text: "min\n x\nst\n c: x >= 1.2.3\nEnd\n", line: 4, message: "bad number \"1.2.3\""),
        Case(label: "bad exponent", text: "min\n x\nst\n c: 2e+ x >= 1\nEnd\n", line: 4, message: "bad number \"2e+\""),
        Case(label: "lone period", text: "min\n x\nst\n c: . x >= 1\nEnd\n", line: 4, message: "bad number"),
        Case(label: "product of variables", text: "min\n x\nst\n c: x * y >= 1\nEnd\n", line: 4, message: "quadratic terms are not supported"),
        Case(label: "square", text: "min\n x\nst\n c: x ^ 2 >= 1\nEnd\n", line: 4, message: "quadratic terms are not supported"),
        Case(label: "quadratic objective block", text: "min\n obj: x + [ x ^ 2 ] / 2\nst\n c: x >= 1\nEnd\n", line: 2, message: "quadratic terms are not supported"),
        Case(label: "duplicate row names", text: "min\n x\nst\n c: x >= 1\n d: x <= 4\n c: x <= 3\nEnd\n", line: 6, message: "constraint \"c\" is defined twice (first on line 4)"),
        Case(label: "mixed ranged relations", text: "min\n x\nst\n r: 1 <= x >= 4\nEnd\n", line: 4, message: "a ranged constraint needs two '<=' or two '>='"),
        Case(label: "ranged equality", text: "min\n x\nst\n r: 1 = x = 1\nEnd\n", line: 4, message: "a ranged constraint needs two"),
        Case(label: "second relation", text: "min\n x\nst\n r: x <= 1 <= 2\nEnd\n", line: 4, message: "unexpected second relation"),
        Case(label: "second objective", text: "min\n x\nmax\n y\nst\n c: x >= 1\nEnd\n", line: 3, message: "a second objective section"),
        Case(label: "constraint without Subject To", text: "min\n obj: x\n c: x >= 1\nEnd\n", line: 3, message: "constraints need a Subject To line first"),
        Case(label: "infinite objective constant", text: "min\n obj: x + inf\nst\n c: x >= 1\nEnd\n", line: 1, message: "the objective constant must be finite"),
        Case(label: "bad bound", text: "min\n x\nst\n c: x >= 1\nbounds\n x => => 3\nEnd\n", line: 6, message: "expected a number after '=>' in the bounds of x"),
        Case(label: "bound without relation", text: "min\n x\nst\n c: x >= 1\nbounds\n x 3\nEnd\n", line: 6, message: "expected <=, >=, = or free after x in Bounds, found \"3\""),
        Case(label: "bound with a coefficient", text: "min\n x\nst\n c: x >= 1\nbounds\n 2 x <= 3\nEnd\n", line: 6, message: "expected <=, >= or = after 2 in Bounds"),
        Case(label: "two-sided bound written twice", text: "min\n x\nst\n c: x >= 1\nbounds\n x >= 1 <= 3\nEnd\n", line: 6, message: "a two-sided bound is written 'l <= x <= u'"),
        Case(label: "number in General", text: "min\n x\nst\n c: x >= 1\ngeneral\n x 3\nEnd\n", line: 6, message: "expected a variable name in General, found \"3\""),
        Case(label: "SOS member before a header", text: "min\n x\nst\n c: x >= 1\nsos\n x:1\nEnd\n", line: 6, message: "expected an SOS header"),
        Case(label: "unknown SOS type", text: "min\n x\nst\n c: x >= 1\nsos\n s: S3:: x:1\nEnd\n", line: 6, message: "unknown SOS type \"S3\""),
        Case(label: "SOS weight missing", text: "min\n x\nst\n c: x >= 1\nsos\n s: S1:: x: y:2\nEnd\n", line: 6, message: "expected a number after x: in SOS"),
        Case(label: "missing End", text: "min\n x\nst\n c: x >= 1\n", line: 5, message: "file ends without End (truncated?)"),
        Case(label: "truncated constraint", text: "min\n x\nst\n c: x + y >", line: 4, message: "expected a number after '>' in constraint c, found the end of the file"),
        Case(label: "control byte", text: "min\n x\nst\n c: x \u{01} >= 1\nEnd\n", line: 4, message: "unexpected byte 0x01"),
    ]

    @Test("each bad file is rejected with its line and a message", arguments: cases)
    func rejected(_ bad: Case) throws {
        let error = try #require(lpError(bad.text))
        #expect(error.file == "bad.lp")
        #expect(error.line == bad.line, "\(error)")
        #expect(error.message.contains(bad.message), "\(error)")
    }

    @Test("binary garbage, truncated and corrupt gzip are ParseErrors, never crashes")
    func garbage() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 17, 1000, 65_536] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = lpError(bytes: bytes)
        }
        let model = try MPSReader().read(path: try #require(knownInstances.first { $0.name == "p0033" }).path)
        let text = try LPWriter().data(for: model)
        let gzPath = scratchDirectory.appendingPathComponent("p0033-garbage.lp.gz").path
        try ModelFile.write(model, to: gzPath)
        let compressed = [UInt8](try #require(FileManager.default.contents(atPath: gzPath)))
        let truncated = try #require(lpError(bytes: Array(compressed.prefix(compressed.count / 2))))
        #expect(truncated.message.contains("truncated gzip data"), "\(truncated)")
        #expect(!truncated.message.hasPrefix("bad.lp"), "the file name is not repeated: \(truncated)")
        var corrupt = compressed
        for k in 20..<60 { corrupt[k] ^= 0x5A }
        let error = try #require(lpError(bytes: corrupt))
        #expect(error.message.contains("gzip"), "\(error)")
        // Every prefix of a real file either reads or throws a ParseError.
        for cut in stride(from: 0, to: text.count, by: max(1, text.count / 97)) {
            do { _ = try LPReader().parse(Array(text.prefix(cut)), name: "cut.lp") } catch is ParseError {}
        }
    }

    @Test("a missing file and a directory are ParseErrors naming the path")
    func missingFile() throws {
        let missing = #expect(throws: ParseError.self) { try LPReader().read(path: "/nonexistent/model.lp") }
        #expect(missing?.file == "/nonexistent/model.lp" && missing?.message == "no such file")
        let folder = scratchDirectory.appendingPathComponent("folder.lp").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let directory = #expect(throws: ParseError.self) { try ModelFile.read(folder) }
        #expect(directory?.message.contains("directory") == true, "\(String(describing: directory))")
    }
}

/// LP files we write, read by the cbc and glpsol executables.
@Suite("LP files in other solvers")
struct LPExternalTests {
    static let instances = knownInstances.filter { ["p0033", "afiro", "exmip1", "e226"].contains($0.name) }

    @Test("cbc and glpsol --lp read our LP files to the known optimum", arguments: instances)
    func externalSolversReadOurLPFiles(instance: KnownInstance) throws {
        let original = try MPSReader().read(path: instance.path)
        let path = scratchDirectory.appendingPathComponent("\(instance.name)-ext.lp").path
        try LPWriter().write(original, to: path)
        let known = try #require(instance.objective)
        // exmip1 has ranged rows and e226 an objective constant: both are written as extra columns
        // (`~r_<row>`, `~constant`), since cbc misreads `lo <= expression <= up` and ignores an
        // objective constant, and glpsol rejects both.
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.contains(" - ~r_ROW04 = 0") == (instance.name == "exmip1"))
        #expect(written.contains(" ~constant = 1") == (instance.name == "e226"))

        let (_, cbcOut, cbcErr) = try run("/usr/bin/cbc", [path, "-solve", "-quit"], timeout: 30)
        // MIPs end with "Objective value: X", LPs with "Optimal objective X - N iterations ...".
        let line = try #require(cbcOut.split(separator: "\n").first { $0.hasPrefix("Objective value:") || $0.hasPrefix("Optimal objective") },
                                "\(cbcOut.suffix(600)) \(cbcErr.suffix(300))")
        let value = line.hasPrefix("Objective value:") ? line.split(separator: " ").last! : line.split(separator: " ")[2]
        #expect(agrees(Double(value), known), "cbc: \(line)")

        let report = scratchDirectory.appendingPathComponent("\(instance.name)-lp.glpk").path
        let (status, glpkOut, _) = try run("/usr/bin/glpsol", ["--lp", path, "-o", report], timeout: 30)
        #expect(status == 0, "\(glpkOut.suffix(600))")
        let text = try String(contentsOfFile: report, encoding: .utf8)
        let objective = try #require(text.split(separator: "\n").first { $0.hasPrefix("Objective:") })
        let glpk = Double(objective.split(separator: "=")[1].split(separator: " ")[0])
        // The constant is a column here, so glpsol's objective includes it (see InstanceTests for
        // its MPS convention).
        #expect(agrees(glpk, known), "glpsol: \(objective)")
    }
}
