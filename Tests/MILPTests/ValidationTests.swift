import Testing
import MILP

/// Bad input must produce a thrown, descriptive error — never a crash.
@Suite("Validation of bad models")
struct ValidationTests {
    private func issues(_ build: (inout Model) -> Void) -> String {
        var m = Model(name: "bad")
        build(&m)
        do {
            try m.validate()
            return ""
        } catch let error as ModelValidationError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func emptyModel() {
        #expect(issues { _ in }.contains("has no variables"))
    }

    @Test func nanAndInfiniteCoefficients() {
        let text = issues { m in
            let x = m.addVariable(name: "x"), y = m.addVariable(name: "y")
            m.add(Double.nan * x + y <= 1, name: "row1")
            m.add(Double.infinity * y <= 1, name: "row2")
        }
        #expect(text.contains("row row1: coefficient of x is nan"))
        #expect(text.contains("row row2: coefficient of y is inf"))
    }

    @Test func nanObjectiveAndConstant() {
        let text = issues { m in
            let x = m.addVariable(name: "x")
            m.minimize(Double.nan * x + .infinity)
        }
        #expect(text.contains("objective: coefficient of x is nan"))
        #expect(text.contains("objective constant is inf"))
    }

    @Test func emptyBounds() {
        let text = issues { m in
            m.addVariable(lowerBound: 3, upperBound: 1, name: "x")
            m.addVariable(lowerBound: .nan, name: "y")
            m.addVariable(lowerBound: .infinity, upperBound: .infinity, name: "z")
            let w = m.addVariable(name: "w")
            m.add(w.in(5...5) >= 6, name: "r")
        }
        #expect(text.contains("variable x: bounds [3.0, 1.0]"))
        #expect(text.contains("variable y: bounds [nan"))
        #expect(text.contains("variable z: bounds [inf, inf]"))
        #expect(text.contains("row r: bounds [6.0, 5.0]"))
    }

    @Test func integerBoundsMustBeWhole() {
        let text = issues { m in
            m.addVariable(lowerBound: 0.5, upperBound: 3, kind: .integer, name: "n")
            let b = m.addBinary(name: "b")
            m.setBounds(of: b, lower: 0, upper: 2)
        }
        #expect(text.contains("integer variable n: bounds [0.5, 3.0] are fractional"))
        #expect(text.contains("binary variable b: bounds [0.0, 2.0] must lie within [0, 1]"))
    }

    @Test func semiContinuousNeedsFiniteUpperBound() {
        let text = issues { m in
            m.addVariable(lowerBound: 1, kind: .semiContinuous, name: "s")
            m.addVariable(lowerBound: -1, upperBound: 2, kind: .semiContinuous, name: "t")
        }
        #expect(text.contains("semi-continuous or semi-integer variable s: upper bound must be finite"))
        #expect(text.contains("semi-continuous or semi-integer variable t: lower bound -1.0 must be ≥ 0"))
    }

    @Test func duplicateNames() {
        let text = issues { m in
            let x = m.addVariable(name: "x")
            m.addVariable(name: "x")
            m.add(x <= 1, name: "c")
            m.add(x >= 0, name: "c")
        }
        #expect(text.contains("variable name \"x\" is used by columns 0 and 1"))
        #expect(text.contains("constraint name \"c\" is used by rows 0 and 1"))
    }

    @Test func variableFromAnotherModel() {
        var other = Model()
        let foreign = other.addVariable()
        let text = issues { m in
            let x = m.addVariable()
            m.add(x + foreign <= 1, name: "mixed")
            m.add(foreign <= 1, name: "alien")
            m.minimize(foreign)
            m.fix(foreign, to: 1)
        }
        #expect(text.contains("constraint mixed: uses a variable that does not belong to this model"))
        #expect(text.contains("constraint alien: uses a variable that does not belong to this model"))
        #expect(text.contains("objective: uses a variable"))
        #expect(text.contains("fix: uses a variable"))
    }

    @Test func badSOSAndStart() {
        let text = issues { m in
            let x = m.addVariables(2, upperBound: 1)
            m.addSOS1([x[0], x[0]])
            m.addSOS2(x, weights: [1, 1])
            m.setStart(x[1], .nan)
        }
        #expect(text.contains("SOS set 0: lists a variable twice"))
        #expect(text.contains("SOS set 1: weights must be finite and distinct"))
        #expect(text.contains("MIP start value of x1 is nan"))
    }

    @Test func aValidModelPasses() throws {
        var m = Model()
        let x = m.addVariable(lowerBound: -.infinity, name: "x")
        m.add(x <= 3, name: "c")
        m.maximize(x)
        try m.validate()
    }
}
