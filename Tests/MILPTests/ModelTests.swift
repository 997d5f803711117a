import Testing
@testable import MILP

@Suite("Model storage and DSL")
struct ModelTests {
    @Test func operatorsBuildMergedSparseRows() {
        var m = Model()
        let x = m.addVariable(name: "x"), y = m.addVariable(name: "y"), z = m.addVariable(name: "z")
        let row = m.add(3 * x + 2 * y - x + 0 * z + 4 <= 10, name: "r")
        // x merged (3 − 1), z dropped (0), constant moved to the bound (10 − 4).
        let (columns, coefficients) = m.row(row)
        #expect(Array(columns) == [0, 1])
        #expect(Array(coefficients) == [2, 2])
        #expect(m.upperBound(of: row) == 6)
        #expect(m.lowerBound(of: row) == -.infinity)
        #expect(m.name(of: row) == "r")
        #expect(m.nonzeroCount == 2)
    }

    @Test func bothSidesAndRanges() {
        var m = Model()
        let x = m.addVariable(), y = m.addVariable()
        let ge = m.add(2 * x >= y + 1)
        #expect(Array(m.row(ge).coefficients) == [2, -1])
        #expect(m.lowerBound(of: ge) == 1)
        let eq = m.add(5 == x + y)
        #expect(m.lowerBound(of: eq) == 5 && m.upperBound(of: eq) == 5)
        let range = m.add(x + y, in: 1...4)
        #expect(m.lowerBound(of: range) == 1 && m.upperBound(of: range) == 4)
        let sugar = m.add((1 <= x - y) <= 3)
        #expect(m.lowerBound(of: sugar) == 1 && m.upperBound(of: sugar) == 3)
        let viaIn = m.add((x + 2 * y).in(-1...1))
        #expect(RowRelation(lower: m.lowerBound(of: viaIn), upper: m.upperBound(of: viaIn)) == .ranged)
    }

    @Test func sumsAndObjective() {
        var m = Model()
        let x = m.addVariables(4, upperBound: 1)
        let costs: [Double] = [1, 2, 3, 4]
        m.minimize(sum(0..<4) { costs[$0] * x[$0] } + 7)
        #expect(m.objectiveCoefficients == costs)
        #expect(m.objectiveConstant == 7)
        #expect(m.sense == .minimize)
        #expect(m.objectiveValue(of: [1, 0, 1, 0]) == 11)
        let total = x.sum()
        #expect(total.termCount == 4)
        var e = LinearExpression()
        e += x[0]
        e -= 2 * x[1]
        e += 3
        #expect(e.value(at: [1, 1, 0, 0]) == 2)
        #expect((e / 2).value(at: [1, 1, 0, 0]) == 1)
    }

    @Test func familiesAreContiguousAndNamed() {
        var m = Model()
        let grid = m.addVariables(3, 4, kind: .binary, name: "x")
        #expect(grid[2, 3].index == 11)
        #expect(m.name(of: grid[1, 2]) == "x[1,2]")
        #expect(grid.row(1).map(\.index) == [4, 5, 6, 7])
        #expect(grid.column(2).map(\.index) == [2, 6, 10])
        let cities = m.addVariables(keys: ["Paris", "Oslo", "Paris"], upperBound: 5, name: "ship")
        #expect(cities.count == 2)
        #expect(m.name(of: cities["Oslo"]) == "ship[Oslo]")
        #expect(cities.variable(for: "Rome") == nil)
        #expect(m.upperBound(of: cities["Paris"]) == 5)
        let plain = m.addVariables(2)
        #expect(m.name(of: plain[1]) == "x\(plain[1].index)")
        #expect(m.variable(named: "ship[Paris]") == cities["Paris"])
    }

    @Test func checkpointRestoresEverything() {
        var m = Model()
        let x = m.addVariable(upperBound: 10, kind: .integer), y = m.addVariable(upperBound: 5)
        m.add(x + y <= 8, name: "cap")
        m.maximize(x + y)
        m.setStart(x, 3)
        let before = m
        let mark = m.checkpoint()
        m.fix(x, to: 2)
        m.relaxIntegrality()
        m.setObjectiveCoefficient(of: y, to: 9)
        m.minimize(3 * y)
        let z = m.addBinary(name: "z")
        m.add(x + z <= 1, name: "extra")
        m.addSOS1([x, y])
        m.setBounds(of: m.constraint(at: 0), lower: 1, upper: 2)
        m.setStart(z, 1)
        m.restore(mark)
        #expect(m.variableCount == before.variableCount)
        #expect(m.constraintCount == before.constraintCount)
        #expect(m.nonzeroCount == before.nonzeroCount)
        #expect(m.lowerBounds == before.lowerBounds && m.upperBounds == before.upperBounds)
        #expect(m.kinds == before.kinds)
        #expect(m.objectiveCoefficients == before.objectiveCoefficients && m.sense == .maximize)
        #expect(m.rowUpperBounds == before.rowUpperBounds && m.rowLowerBounds == before.rowLowerBounds)
        #expect(m.sosConstraints.isEmpty)
        #expect(m.startValues == before.startValues)
        #expect(!m.isFixed(x))
        #expect(m.constraint(named: "extra") == nil)
    }

    @Test func fixAndUnfix() {
        var m = Model()
        let x = m.addVariable(lowerBound: -2, upperBound: 7)
        m.fix(x, to: 3)
        m.fix(x, to: 4)
        #expect(m.lowerBound(of: x) == 4 && m.upperBound(of: x) == 4)
        m.unfix(x)
        #expect(m.lowerBound(of: x) == -2 && m.upperBound(of: x) == 7)
        let result = m.withTemporaryChanges { model in
            model.fix(x, to: 1)
            return model.upperBound(of: x)
        }
        #expect(result == 1 && m.upperBound(of: x) == 7)
    }

    @Test func indicatorBigMFromBounds() throws {
        var m = Model()
        let b = m.addBinary(), x = m.addVariable(upperBound: 8), y = m.addVariable(lowerBound: -1, upperBound: 3)
        let rows = try m.addIndicator(b, then: x + 2 * y <= 4)
        #expect(rows.count == 1)
        // max(x + 2y) = 14, so M = 10: x + 2y + 10b ≤ 14
        let (columns, coefficients) = m.row(rows[0])
        #expect(Array(columns) == [1, 2, 0] && Array(coefficients) == [1, 2, 10])
        #expect(m.upperBound(of: rows[0]) == 14)
        // Equality gives two rows.
        #expect(try m.addIndicator(b, equals: false, then: x - y == 1).count == 2)
    }

    @Test func indicatorErrors() {
        var m = Model()
        let b = m.addBinary(), free = m.addVariable(), c = m.addVariable(upperBound: 2)
        #expect(throws: ModelingError.self) { try m.addIndicator(b, then: free <= 1) }
        do {
            try m.addIndicator(b, then: free <= 1)
        } catch {
            #expect("\(error)".contains("cannot derive big-M"))
        }
        #expect(throws: ModelingError.self) { try m.addIndicator(c, then: b <= 0) }
        #expect(throws: Never.self) { try m.addIndicator(b, then: free <= 1, bigM: 100) }
        var other = Model()
        let foreign = other.addBinary()
        #expect(throws: ModelingError.self) { try m.addIndicator(foreign, then: c <= 1) }
    }

    @Test func activityRange() {
        var m = Model()
        let x = m.addVariable(lowerBound: -1, upperBound: 2), y = m.addVariable(upperBound: 3)
        let range = m.activityRange(of: 2 * x - y + 1)
        #expect(range.min == -4 && range.max == 5)
        let free = m.addFreeVariable()
        #expect(m.activityRange(of: x + free).max == .infinity)
    }

    @Test func feasibilityReportCatchesEachKind() {
        var m = Model()
        let x = m.addInteger(in: 0...5), y = m.addVariable(lowerBound: 2, upperBound: 4, kind: .semiContinuous)
        let s = m.addVariables(3, upperBound: 1)
        m.add(x + y <= 6)
        m.addSOS2(s)
        #expect(m.checkFeasibility(of: [1, 0, 0, 0.5, 0.5]).isFeasible)
        #expect(m.checkFeasibility(of: [1.5, 0, 0, 0, 0]).maxIntegralityViolation == 0.5)
        #expect(m.checkFeasibility(of: [1, 1, 0, 0, 0]).maxStructureViolation == 1)
        #expect(m.checkFeasibility(of: [5, 3, 0, 0, 0]).maxRowViolation > 0.3)
        #expect(!m.checkFeasibility(of: [0, 0, 1, 0, 1]).isFeasible)
        #expect(m.checkFeasibility(of: [6, 0, 0, 0, 0]).maxBoundViolation == 1)
        #expect(!m.checkFeasibility(of: [1]).isFeasible)
    }

    @Test("a continuous variable's bound violation is relative to the bound, an integer's is absolute")
    func boundViolationsScaleForContinuousVariables() {
        var m = Model()
        _ = m.addVariable(lowerBound: 0, upperBound: 124_649_276)
        _ = m.addInteger(in: 0...124_649_276)
        // CBC's end of segnet's LP relaxation: 3.4e-5 above the bound, 2.7e-13 of it.
        #expect(m.checkFeasibility(of: [124_649_276.000034, 0]).isFeasible)
        #expect(!m.checkFeasibility(of: [124_649_276 * (1 + 1e-5), 0]).isFeasible)
        #expect(!m.checkFeasibility(of: [0, 124_649_277]).isFeasible)
        #expect(m.checkFeasibility(of: [-0.5, 0]).maxBoundViolation == 0.5)
    }
}
