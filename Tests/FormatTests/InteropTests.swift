import Foundation
import Testing
import MILPKit

// Issue 20: honest answers on files other tools write — confirmed statuses, repaired points,
// empty rows, semi-integer variables, the MARKER integer convention.

/// Two LPs built by a random generator of badly scaled models (objective coefficients up to
/// 2.5e10, free columns), on which CLP's default path (presolve, scaling, dual simplex) says
/// infeasible. Both are feasible and unbounded.
private let wrongTurnLPs: [String: String] = [
    "c26": """
    NAME c26
    ROWS
     N obj
     G r0
     L r1
     E r2
     L r3
     G r4
     E r5
    COLUMNS
     x0 obj -25000000000.0 r4 0.001
     x0 r5 -4.5826371960214365
     x1 obj 1000000000.0 r5 -0.5
     x2 obj 0 r1 0.001
     x3 obj -1 r0 3.4467152911058303
     x3 r5 1 r2 0.001
     x4 obj -10000000.0 r3 1000
     x4 r5 0.001 r1 3.6691128781484768
     x5 obj 1000000000.0 r1 1
     x6 obj 0 r4 -1000
     x6 r0 1
    RHS
     RHS r0 100 r3 1
     RHS r4 38.044805010303065 r5 1000000.0
    BOUNDS
     FR BND x0
     MI BND x1
     UP BND x1 0
     FR BND x2
     FR BND x3
     UP BND x4 0
     FR BND x6
    ENDATA
    """,
]

/// Two more from the generator, on which GLPK 5.0 (scaled, from the trivial basis) reports an
/// optimum: d82 is unbounded (the free x5 falls along a ray), d347's optimum is −173.765…, not
/// GLPK's −87.134….
private let unprovenOptimumLPs: [String: String] = [
    "d82": """
    NAME d82
    ROWS
     N obj
     E r0
     L r1
    COLUMNS
     x0 obj 1000000000.0
     x0 r0 2
     x0 r1 1
     x1 obj -1
     x1 r0 2
     x2 obj 0
     x2 r1 2
     x2 r0 -0.5
     x3 obj 1
     x3 r1 0.001
     x4 obj -1
     x4 r1 -1
     x4 r0 -0.5
     x5 obj -0.01
     x5 r1 -1
    RHS
     RHS r0 1
     RHS r1 1000000.0
    BOUNDS
     UP BND x0 100
     UP BND x1 100
     UP BND x3 0
     UP BND x4 0
     FR BND x5
    ENDATA
    """,
    "d347": """
    NAME d347
    ROWS
     N obj
     E r0
     G r1
     E r2
    COLUMNS
     x0 obj 1
     x0 r1 -1000
     x0 r2 0.001
     x0 r0 1
     x1 obj -1
     x1 r0 0.001
     x1 r2 0.001
     x2 obj -10000000.0
     x2 r1 -2.0507102103301813
     x2 r2 -0.5
     x2 r0 -1
     x3 obj 0
     x3 r1 1
     x4 obj -25000000000.0
     x4 r1 0.001
     x5 obj 0
     x5 r1 -0.5
     x5 r0 0.001
     x6 obj -0.01
     x6 r0 -0.5
     x6 r2 0.001
     x7 obj -1
     x7 r1 0.001
     x7 r2 -0.34534153795513145
     x7 r0 1
     x8 obj -25000000000.0
     x8 r0 -0.5
    RHS
     RHS r2 -30.091096928499372
    BOUNDS
     MI BND x0
     UP BND x0 0
     UP BND x1 0
     MI BND x2
     UP BND x2 0
     FR BND x3
     MI BND x4
     UP BND x4 0
     MI BND x5
     UP BND x5 0
     UP BND x6 0
     UP BND x7 1000000.0
     MI BND x8
     UP BND x8 0
    ENDATA
    """,
]

/// Checks, in plain arithmetic, that `model` is feasible and unbounded: a feasible point, and a
/// ray along which every bound and row holds and the objective improves.
private func expectUnbounded(_ model: Model, sourceLocation: SourceLocation = #_sourceLocation) throws {
    var feasibility = model
    for v in feasibility.variables { feasibility.setObjectiveCoefficient(of: v, to: 0) }
    let point = try #require(try CbcSolver().solve(feasibility).values, sourceLocation: sourceLocation)
    #expect(model.checkFeasibility(of: point).isFeasible, sourceLocation: sourceLocation)
    let ray = try #require(try GlpkSolver().solve(recessionLP(of: model)).values, sourceLocation: sourceLocation)
    let slope = model.sense.sign * zip(model.objectiveCoefficients, ray).map(*).reduce(0, +)
    #expect(slope < -1e-3, "the objective along the ray: \(slope)", sourceLocation: sourceLocation)
    for j in 0..<model.variableCount {
        if model.lowerBounds[j].isFinite { #expect(ray[j] >= -1e-9, sourceLocation: sourceLocation) }
        if model.upperBounds[j].isFinite { #expect(ray[j] <= 1e-9, sourceLocation: sourceLocation) }
    }
    for r in 0..<model.constraintCount {
        let (columns, values) = model.row(model.constraint(at: r))
        let change = zip(columns, values).map { ray[Int($0.0)] * $0.1 }.reduce(0, +)
        if model.rowLowerBounds[r].isFinite { #expect(change >= -1e-9, sourceLocation: sourceLocation) }
        if model.rowUpperBounds[r].isFinite { #expect(change <= 1e-9, sourceLocation: sourceLocation) }
    }
}

/// The best of the Lagrangian bounds of `duals` and of their negation, for a minimization:
/// min over the box of (c − Aᵀy)ᵀx + Σ min(yᵢlᵢ, yᵢuᵢ), from the model's rows.
private func lagrangianBound(_ model: Model, duals: [Double]) -> Double {
    precondition(model.sense == .minimize)
    return [1.0, -1.0].map { s -> Double in
        var reduced = model.objectiveCoefficients, total = 0.0
        for r in 0..<model.constraintCount {
            let y = s * duals[r], (columns, values) = model.row(model.constraint(at: r))
            for (column, value) in zip(columns, values) { reduced[Int(column)] -= y * value }
            if abs(y) > 1e-7 { total += min(y * model.rowLowerBounds[r], y * model.rowUpperBounds[r]) }
        }
        for j in 0..<model.variableCount where abs(reduced[j]) > 1e-7 {
            total += min(reduced[j] * model.lowerBounds[j], reduced[j] * model.upperBounds[j])
        }
        return total.isNaN ? -.infinity : total
    }.max()!
}

/// The directions r with |r_j| ≤ 1 that keep every bound and row (A r ≥ 0 for a finite lower
/// bound, ≤ 0 for a finite upper one), with the objective's slope to minimize (maximize).
private func recessionLP(of model: Model) -> Model {
    var cone = Model(name: "rays")
    let r = model.variables.map { v in
        cone.addVariable(lowerBound: model.lowerBounds[v.index].isFinite ? 0 : -1,
                         upperBound: model.upperBounds[v.index].isFinite ? 0 : 1, objective: model.objectiveCoefficients[v.index])
    }
    cone.sense = model.sense
    for row in 0..<model.constraintCount {
        let (columns, values) = model.row(model.constraint(at: row))
        var expression = LinearExpression()
        for (column, value) in zip(columns, values) { expression.add(value, r[Int(column)]) }
        cone.add(LinearConstraint(expression, lowerBound: model.rowLowerBounds[row].isFinite ? 0 : -.infinity,
                                  upperBound: model.rowUpperBounds[row].isFinite ? 0 : .infinity))
    }
    return cone
}

@Suite("Confirmed statuses")
struct ConfirmedStatusTests {
    @Test("an LP optimum GLPK's duals do not prove is never reported as GLPK says it")
    func unprovenOptimum() throws {
        let unbounded = try parseMPS(unprovenOptimumLPs["d82"]!)
        let raw = GlpkSolver().solve(try StandardForm(unbounded, nativeSOS: false), options: SolveOptions())
        #expect(raw.termination == .optimal, "GLPK no longer calls d82 optimal: \(raw.termination)")
        try expectUnbounded(unbounded)
        let glpk = try GlpkSolver().solve(unbounded)
        #expect(glpk.termination == .unbounded || glpk.termination == .error, "\(glpk.summary)")
        #expect(try ClpSolver().solve(unbounded).termination == .unbounded)

        let misjudged = try parseMPS(unprovenOptimumLPs["d347"]!)
        let rawObjective = GlpkSolver().solve(try StandardForm(misjudged, nativeSOS: false), options: SolveOptions())
            .values.map { misjudged.objectiveValue(of: Array($0.prefix(misjudged.variableCount))) }
        let clp = try ClpSolver().solve(misjudged)
        let optimum = try #require(clp.objective)
        #expect(rawObjective.map { !agrees($0, optimum) } == true, "GLPK no longer misses d347's optimum")
        // CLP's optimum, proven here: its duals' Lagrangian bound meets it.
        #expect(agrees(lagrangianBound(misjudged, duals: try #require(clp.duals)), optimum))
        let glpk347 = try GlpkSolver().solve(misjudged)
        #expect(glpk347.termination == .optimal && agrees(glpk347.objective, optimum), "\(glpk347.summary) \(glpk347.message ?? "")")
    }

    @Test("an LP CLP's default path calls infeasible is reported unbounded by every solver", arguments: wrongTurnLPs.keys.sorted())
    func wrongTurn(name: String) throws {
        let model = try parseMPS(wrongTurnLPs[name]!)
        // The situation: CLP's own answer, unconfirmed, is "infeasible".
        let raw = ClpSolver().solve(try StandardForm(model, nativeSOS: false), options: SolveOptions())
        #expect(raw.termination == .infeasible, "CLP no longer takes the wrong turn here: \(raw.termination)")
        for solver in [ClpSolver() as any Solver, CbcSolver(), GlpkSolver()] {
            let result = try solver.solve(model)
            #expect(result.termination == .unbounded, "\(solver.name): \(result.summary) \(result.message ?? "")")
        }
        // Independently: a feasible point, and a ray along which the objective falls.
        try expectUnbounded(model)
    }

    @Test("an infeasible claim the second path agrees with is reported as infeasible")
    func confirmedInfeasible() throws {
        // An infeasible model (an empty row 0 >= 1) stays infeasible on every solver: the second
        // path agrees, so the claim is reported as it is.
        let model = try LPReader().parse(Array("min\n obj: x + y\nst\n c1: x + y >= 1\n e: 0 x >= 1\nEnd\n".utf8))
        for solver in [ClpSolver() as any Solver, CbcSolver(), GlpkSolver()] {
            let result = try solver.solve(model)
            #expect(result.termination == .infeasible, "\(solver.name): \(result.summary)")
        }
    }
}

@Suite("Semi-integer variables")
struct SemiIntegerTests {
    /// max 3a + 2b + c − d with a semi-integer in [2.5, 6] (so 0 or 3…6), b integer in [0, 5],
    /// c semi-continuous in [1.5, 4], d continuous ≥ 0: 2a + 3b + c ≤ 13.5, a − b ≤ 4, c − d ≤ 3.
    static let lp = """
    Maximize
     obj: 3 a + 2 b + c - d
    Subject To
     r1: 2 a + 3 b + c <= 13.5
     r2: a - b <= 4
     r3: c - d <= 3
    Bounds
     2.5 <= a <= 6
     b <= 5
     1.5 <= c <= 4
    General
     b
    %SEMI%
    End
    """

    static let variants = [
        "Semi-continuous\n a c\nGeneral\n a",             // semi + general: semi-integer (CPLEX, HiGHS)
        "General\n a\nSemis\n a c",                         // the other order
        "Semi-integer\n a\nSemi-continuous\n c",            // a section of its own
    ]

    /// The optimum by enumeration: a ∈ {0, 3, …, 6}, b ∈ 0…5, c ∈ {0} ∪ [1.5, 4]; for fixed a, b
    /// the best c (the objective rises with c, d only pays for c above 3) is checked at its
    /// candidates 0, 1.5, 3, 4 and the capacity left.
    static func bruteForce() -> Double {
        var best = -Double.infinity
        for a in [0.0, 3, 4, 5, 6] {
            for b in stride(from: 0.0, through: 5, by: 1) where 2 * a + 3 * b <= 13.5 + 1e-9 && a - b <= 4 + 1e-9 {
                let room = 13.5 - 2 * a - 3 * b
                for c in [0, 1.5, 3, 4, room] where c == 0 || (c >= 1.5 && c <= min(4, room) + 1e-9) {
                    best = max(best, 3 * a + 2 * b + c - max(0, c - 3))
                }
            }
        }
        return best
    }

    @Test("LP spellings read a as semi-integer; CBC and GLPK reach the enumerated optimum", arguments: variants)
    func lpFile(semi: String) throws {
        let model = try LPReader().parse(Array(Self.lp.replacingOccurrences(of: "%SEMI%", with: semi).utf8))
        let a = try #require(model.variable(named: "a")).index, c = try #require(model.variable(named: "c")).index
        #expect(model.kinds[a] == .semiInteger)
        #expect(model.kinds[c] == .semiContinuous)
        #expect([model.lowerBounds[a], model.upperBounds[a]] == [2.5, 6])
        let expected = Self.bruteForce()
        for solver in [CbcSolver() as any Solver, GlpkSolver()] {
            let result = try solver.solve(model)
            #expect(result.termination == .optimal && agrees(result.objective, expected), "\(solver.name): \(result.summary)")
            let x = try #require(result.values)[a]
            #expect(x == 0 || (x >= 3 - 1e-6 && abs(x - x.rounded()) < 1e-6), "a = \(x)")
        }
    }

    @Test("the model built in code, written as LP and as MPS (SI bound), reads back semi-integer with the same optimum")
    func roundTrips() throws {
        var m = Model(name: "si")
        let a = m.addVariable(lowerBound: 2.5, upperBound: 6, kind: .semiInteger, objective: 3, name: "a")
        let b = m.addInteger(in: 0...5, objective: 2, name: "b")
        let c = m.addVariable(lowerBound: 1.5, upperBound: 4, kind: .semiContinuous, objective: 1, name: "c")
        let d = m.addVariable(objective: -1, name: "d")
        m.sense = .maximize
        m.add(2 * a + 3 * b + c <= 13.5, name: "r1")
        m.add(a - b <= 4, name: "r2")
        m.add(c - d <= 3, name: "r3")
        let lp = try LPReader().parse(Array(try LPWriter().data(for: m)))
        let mpsText = String(decoding: try MPSWriter(layout: .free).data(for: m), as: UTF8.self)
        #expect(mpsText.contains(" SI BND a 6"))
        let mps = try parseMPS(mpsText)
        for read in [lp, mps] {
            #expect(read.kinds == [.semiInteger, .integer, .semiContinuous, .continuous])
            #expect(read.lowerBounds == m.lowerBounds && read.upperBounds == m.upperBounds)
            #expect(agrees(try CbcSolver().solve(read).objective, Self.bruteForce()))
        }
        // Relaxing integrality keeps a semi (continuous), like CPLEX's relaxation of a semi-integer.
        var relaxed = m
        relaxed.relaxIntegrality()
        #expect(relaxed.kinds == [.semiContinuous, .continuous, .semiContinuous, .continuous])
    }

    @Test("MPS: SI makes a column semi-integer; SC on a MARKER integer column semi-continuous (HiGHS, lp_solve), with a note")
    func mpsConventions() throws {
        let text = """
        NAME t
        ROWS
         N obj
         L c
        COLUMNS
            MARKER 'MARKER' 'INTORG'
         x obj -1 c 1
            MARKER 'MARKER' 'INTEND'
         y obj -1 c 1
         z obj -1 c 1
        RHS
         RHS c 20
        BOUNDS
         LO BND x 2.5
         SC BND x 8
         SI BND y 7
         LO BND z 1
         SC BND z 4
        ENDATA
        """
        let m = try parseMPS(text)
        #expect(m.kinds == [.semiContinuous, .semiInteger, .semiContinuous])
        let notes = try MPSReader().parseWithNotes(Array(text.utf8)).notes
        #expect(notes.markerSemiContinuous == 1 && notes.warnings.first?.contains("CPLEX reads semi-integer") == true)
        #expect(!m.checkFeasibility(of: [2, 0, 0]).isFeasible, "x = 2 is below its lower bound 2.5 and not 0")
        #expect(!m.checkFeasibility(of: [0, 3.5, 0]).isFeasible, "y = 3.5 is not integral")
        #expect(m.checkFeasibility(of: [3.5, 7, 0]).isFeasible)
        // Enumerated: y ∈ {0, 1, …, 7} (SI 7, lower bound 0), x ∈ {0} ∪ [2.5, 8], z ∈ {0} ∪ [1, 4],
        // x + y + z ≤ 20, minimizing −x − y − z: 8 + 7 + 4 = 19 fits, so −19.
        #expect(agrees(try CbcSolver().solve(m).objective, -19))
    }
}

@Suite("Rows without variables")
struct EmptyRowTests {
    @Test("HiGHS's `c: = +0`, `r: 1 <= 2` and `e: >= 1` are kept as empty rows; the infeasible one is noted")
    func emptyRows() throws {
        let text = "min\n obj: x\nst\n c1: x >= 1\n con932: = +0\n r: 1 <= 2\n e: >= 1\n f: 3 x - 3 x >= -1\nEnd\n"
        let (model, notes) = try LPReader().parseWithNotes(Array(text.utf8))
        #expect(model.constraintCount == 5)
        let empty = (0..<5).filter { model.rowStarts[$0] == model.rowStarts[$0 + 1] }
        #expect(empty == [1, 2, 3, 4])
        #expect(model.rowLowerBounds == [1, 0, -.infinity, 1, -1])
        #expect(model.rowUpperBounds == [.infinity, 0, 1, .infinity, .infinity])
        #expect(notes.infeasibleEmptyRows == ["e"])
        #expect(notes.warnings.count == 1 && notes.warnings[0].contains("(e): the model is infeasible"))
        #expect(try ClpSolver().solve(model).termination == .infeasible)
        var feasible = model
        feasible.setBounds(of: model.constraint(at: 3), lower: -.infinity, upper: 1)
        let result = try ClpSolver().solve(feasible)
        #expect(result.termination == .optimal && result.objective == 1)
    }
}

@Suite("MARKER integers without bounds")
struct MarkerIntegerTests {
    /// max 5x + 4y + 3z, 2x + 3y + z ≤ 11, 4x + y + 2z ≤ 12 (x, y from MARKER lines without bounds,
    /// z integer with UP 9).
    static let mps = """
    NAME m
    OBJSENSE
        MAX
    ROWS
     N obj
     L c1
     L c2
    COLUMNS
        MARKER 'MARKER' 'INTORG'
     x obj 5 c1 2
     x c2 4
     y obj 4 c1 3
     y c2 1
     z obj 3 c1 1
     z c2 2
        MARKER 'MARKER' 'INTEND'
    RHS
     RHS c1 11 c2 12
    BOUNDS
     UP BND z 9
    ENDATA
    """

    /// The optimum by enumeration with x, y ≤ `top`.
    static func bruteForce(top: Int) -> Double {
        var best = -Double.infinity
        for x in 0...top { for y in 0...top { for z in 0...9 where 2 * x + 3 * y + z <= 11 && 4 * x + y + 2 * z <= 12 {
            best = max(best, Double(5 * x + 4 * y + 3 * z))
        } } }
        return best
    }

    @Test("both conventions read as asked, counted and warned about; the optima differ and match enumeration")
    func conventions() throws {
        let bytes = Array(Self.mps.utf8)
        let (open, openNotes) = try MPSReader().parseWithNotes(bytes)
        let (binary, binaryNotes) = try MPSReader(markerIntegerBounds: .binary).parseWithNotes(bytes)
        #expect(open.upperBounds == [.infinity, .infinity, 9])
        #expect(binary.upperBounds == [1, 1, 9])
        #expect(openNotes.markerIntegersWithoutBounds == 2 && binaryNotes.markerIntegersWithoutBounds == 2)
        #expect(openNotes.warnings.first?.contains("--marker-integer-bounds binary") == true)
        #expect(binaryNotes.warnings.first?.contains("--marker-integer-bounds nonnegative") == true)
        let (openBest, binaryBest) = (Self.bruteForce(top: 11), Self.bruteForce(top: 1))
        #expect(openBest != binaryBest)
        #expect(agrees(try CbcSolver().solve(open).objective, openBest))
        #expect(agrees(try GlpkSolver().solve(binary).objective, binaryBest))
        // A file whose integers all have bounds says nothing.
        let bounded = try MPSReader().parseWithNotes(Array(Self.mps.replacingOccurrences(of: " UP BND z 9", with: " UP BND z 9\n UP BND x 3\n LO BND y 0").utf8))
        #expect(bounded.notes.warnings.isEmpty)
    }

    @Test("milp solve warns on standard error, lists the warning in JSON and reads binary with --marker-integer-bounds binary")
    func cli() throws {
        let path = scratchDirectory.appendingPathComponent("marker.mps").path
        try Self.mps.write(toFile: path, atomically: true, encoding: .utf8)
        let (status, out, err) = try run(milpExecutable, ["solve", path, "--json"])
        #expect(status == 0 && err.contains("2 integer columns between MARKER lines have no bounds"), "\(err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect((json["warnings"] as? [String])?.count == 1)
        #expect(agrees(json["objective"] as? Double, Self.bruteForce(top: 11)))
        let (_, binaryOut, _) = try run(milpExecutable, ["solve", path, "--json", "--marker-integer-bounds", "binary"])
        let binaryJSON = try #require(try JSONSerialization.jsonObject(with: Data(binaryOut.utf8)) as? [String: Any])
        #expect(agrees(binaryJSON["objective"] as? Double, Self.bruteForce(top: 1)))
        // milp bench: both conventions in one database, as two runs, each stored with its convention.
        let db = scratchDirectory.appendingPathComponent("marker-\(UUID().uuidString).sqlite").path
        for convention in ["nonnegative", "binary"] {
            let (benched, _, benchErr) = try run(milpExecutable, ["bench", path, "--solvers", "cbc", "--time-limit", "20", "--db", db,
                                                                  "--marker-integer-bounds", convention])
            #expect(benched == 0, "\(benchErr)")
        }
        let stored = try ResultStore(path: db).runs()
        #expect(stored.count == 2 && Set(stored.map(\.key)).count == 2)
        let byConvention = Dictionary(uniqueKeysWithValues: stored.map { ($0.markerIntegerBounds ?? "", $0) })
        #expect(agrees(byConvention["nonnegative"]?.objective, Self.bruteForce(top: 11)))
        #expect(agrees(byConvention["binary"]?.objective, Self.bruteForce(top: 1)))
        let (bad, _, badErr) = try run(milpExecutable, ["solve", path, "--marker-integer-bounds", "zero"])
        #expect(bad == 2 && badErr.contains("nonnegative"), "\(bad) \(badErr)")
    }
}

@Suite("LP constructs other writers emit")
struct LPConstructTests {
    @Test("SOS sets among the rows (MathOptInterface), fractional integer bounds rounded inward with a note")
    func mathOptInterfaceStyle() throws {
        let text = """
        Maximize
        obj: -1 V4 + 1 V5 + 2 V6
        Subject To
        CON1: 1 V5 + 1 V6 <= 1.5
        csos1: S1:: V5:1 V6:2
        CON2: 1 V4 >= 0.0
        csos2: S2:: V4:2 V5:1
        Bounds
        5.5 <= V4 <= 9.5
        0 <= V5 <= 1
        0 <= V6 <= 1
        General
        V4
        End
        """
        let (model, notes) = try LPReader().parseWithNotes(Array(text.utf8))
        #expect(model.constraintCount == 2)
        #expect(model.sosConstraints.map(\.type) == [.one, .two])
        #expect(model.sosConstraints[0].columns.map { model.name(of: model.variable(at: Int($0))) } == ["V5", "V6"])
        #expect(model.sosConstraints[1].columns.map { model.name(of: model.variable(at: Int($0))) } == ["V5", "V4"], "sorted by weight")
        #expect([model.lowerBounds[0], model.upperBounds[0]] == [6, 9])
        #expect(notes.roundedIntegerBounds == 1 && notes.warnings == ["1 integer column has fractional bounds, rounded inward (the same integer points)"])
        // Enumerated: V4 = 6 (its smallest value); SOS1 keeps one of V5, V6 and SOS2 lets V5 sit
        // beside V4: V6 = 1 gives 2 − 6 = −4.
        for solver in [CbcSolver() as any Solver, GlpkSolver()] {
            #expect(agrees(try solver.solve(model).objective, -4), "\(solver.name)")
        }
    }

    @Test("LP files glpsol --wlp writes (block comments, ~r_ range columns, Generals) read to the known optimum",
          arguments: ["p0033", "afiro", "exmip1", "lseu", "boeing1", "bell3a"])
    func glpkWrittenFiles(name: String) throws {
        let instance = try #require(knownInstances.first { $0.name == name })
        let path = scratchDirectory.appendingPathComponent("\(name)-glpsol.lp").path
        let (status, out, _) = try run("/usr/bin/glpsol", ["--freemps", instance.path, "--wlp", path, "--check"], timeout: 30)
        #expect(status == 0, "\(out.suffix(300))")
        let model = try LPReader().read(path: path)
        let result = try (model.isMIP ? CbcSolver() as any Solver : ClpSolver()).solve(model)
        #expect(result.termination == .optimal && agrees(result.objective, instance.objective), "\(result.summary)")
    }

    @Test("HiGHS's LP files keep netlib's column and row names: digits and periods first, read as names after HiGHS's header line")
    func highsNames() throws {
        let text = """
        \\ File written by HiGHS .lp file handler
        min
         obj: +3 1 +2 ...100 -1 .B5
        st
         7: +1 1 +1 ...100 >= +2
         8: +1 ...100 +1 .B5 <= +4
        bounds
         -inf <= 1 <= 3
         0 <= ...100 <= 5
         .B5 free
         0 <= 9 <= 2
         4 = 2.5
         1 <= 6
        gen
         9
        end
        """
        let model = try LPReader().parse(Array(text.utf8))
        #expect(model.variables.map { model.name(of: $0) } == ["1", "...100", ".B5", "9", "4", "6"])
        #expect(model.constraints.map { model.name(of: $0) } == ["7", "8"])
        #expect(model.lowerBounds == [-.infinity, 0, -.infinity, 0, 2.5, 1])
        #expect(model.upperBounds == [3, 5, .infinity, 2, 2.5, .infinity])
        #expect(model.kinds == [.continuous, .continuous, .continuous, .integer, .continuous, .continuous])
        // min 3a + 2b − c with a + b ≥ 2, b + c ≤ 4, a ≤ 3, 0 ≤ b ≤ 5, a and c free: at the
        // optimum c = 4 − b and a = 2 − b, so the cost is 3(2 − b) + 2b − (4 − b) = 2 for every b.
        #expect(agrees(try CbcSolver().solve(model).objective, 2))
        // Without the header, the same text is a plain LP file in which `+3 1` is an error.
        let plain = text.replacingOccurrences(of: "\\ File written by HiGHS .lp file handler\n", with: "")
        let error = try #require(throws: ParseError.self) { try LPReader().parse(Array(plain.utf8)) }
        #expect(error.line == 2 && error.message.contains("expected a variable after the coefficient 3"), "\(error)")
    }

    @Test("a rational number (SCIP's exact LP files) is refused with the line and what to write instead")
    func rationals() throws {
        let error = try #require(throws: ParseError.self) { try LPReader().parse(Array("min\n obj: x\nst\n c: 53/1 x >= 2\nEnd\n".utf8)) }
        #expect(error.line == 4 && error.message.contains("rational number \"53/1\""), "\(error)")
    }
}

@Suite("Points outside tolerance")
struct RepairTests {
    /// x semi-continuous in {0} ∪ [15, u]: with c1, x ≤ 3.1, so x = 0 and the optimum is −0.0001
    /// (y = 0.1). Without preprocessing, CBC's scaled LP lets the compiled binary sit at 0.1/u and
    /// returns x = 0.1, which the model forbids.
    static func model(u: Double) throws -> Model {
        try LPReader().parse(Array("""
        Minimize
         obj: - x - 0.001 y + w
        Subject To
         c1: x + y - w <= 0.1
         c2: y <= 5
        Bounds
         15 <= x <= \(u)
         w <= 3
        Semi-continuous
         x
        End
        """.utf8))
    }

    @Test("CBC's point is repaired (integers fixed, LP re-solved) to the enumerated optimum", arguments: [1e7, 1e9])
    func repaired(u: Double) throws {
        let model = try Self.model(u: u)
        var options = SolveOptions()
        options.preprocessing = false
        let raw = CbcSolver().solve(try StandardForm(model, nativeSOS: true), options: options)
        let rawPoint = try #require(raw.values.map { Array($0.prefix(model.variableCount)) })
        #expect(!model.checkFeasibility(of: rawPoint, tolerance: 1e-5, integralityTolerance: 1e-5).isFeasible,
                "CBC no longer returns a point outside the model here: \(rawPoint)")
        let result = try CbcSolver().solve(model, options: options)
        #expect(result.termination == .optimal && result.recovery == .repaired, "\(result.summary) \(result.message ?? "")")
        #expect(agrees(result.objective, -0.0001))
        #expect(model.checkFeasibility(of: try #require(result.values)).isFeasible)
        #expect(result.message?.contains("repaired: integers fixed") == true)
        // Independently: x = 0 is forced (x ≤ 3.1 < 15), and the LP in y, w gives −0.0001; GLPK agrees.
        #expect(agrees(try GlpkSolver().solve(model).objective, -0.0001))
    }
}
