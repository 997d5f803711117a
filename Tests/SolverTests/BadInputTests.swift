import Testing
import MILPKit

@Suite("Bad input reaches no solver")
struct BadInputTests {
    @Test("invalid models throw before any solver call", arguments: ["cbc", "clp", "glpk"])
    func invalidModelsThrow(solverName: String) throws {
        let solver = try #require(Solvers.named(solverName))
        var nan = Model()
        let x = nan.addVariable()
        nan.add(Double.nan * x <= 1)
        #expect(throws: ModelValidationError.self) { try solver.solve(nan) }
        #expect(throws: ModelValidationError.self) { try solver.solve(Model()) }
        var crossed = Model()
        crossed.addVariable(lowerBound: 2, upperBound: 1)
        #expect(throws: ModelValidationError.self) { try solver.solve(crossed) }
    }

    @Test("a GLPK error (matrix index out of range) becomes an error result, not abort()")
    func glpkErrorIsCaught() throws {
        var model = Model()
        let x = model.addVariable(upperBound: 1), y = model.addVariable(upperBound: 1)
        model.add(x + y <= 1)
        model.maximize(x + y)
        var form = try StandardForm(model, nativeSOS: false)
        form.rowIndices[0] = 7  // GLPK calls abort() on this without the shim's error hook
        let output = GlpkSolver().solve(form, options: SolveOptions())
        #expect(output.termination == .error)
        #expect(output.message?.contains("out of range") == true, "\(output.message ?? "no message")")
        // The process and GLPK's environment are still usable afterwards.
        #expect(try GlpkSolver().solve(model).objective == 1)
    }

    @Test("SOS compilation needs finite bounds and says so")
    func sosNeedsBoundsForGlpk() throws {
        var model = Model()
        let x = model.addVariables(2)
        model.addSOS1(x)
        model.maximize(x[0])
        #expect(throws: ModelingError.self) { try GlpkSolver().solve(model) }
        // CBC takes SOS natively and needs no bounds: the problem is then unbounded.
        #expect(try CbcSolver().solve(model).termination == .unbounded)
    }
}
