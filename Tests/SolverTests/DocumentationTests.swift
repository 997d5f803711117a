import Testing
import MILPKit

/// The example of docs/modeling.md, run as written.
@Test func productionPlanningExample() throws {
    let products = ["chairs", "tables", "desks"]
    let profit: [String: Double] = ["chairs": 45, "tables": 80, "desks": 110]
    let setup: [String: Double] = ["chairs": 100, "tables": 150, "desks": 400]
    let hours: [String: [Double]] = ["chairs": [1, 2], "tables": [3, 1], "desks": [4, 3]]
    let capacity: [Double] = [120, 90]

    var model = Model(name: "production")
    let make = model.addVariables(keys: products, upperBound: 40, kind: .integer, name: "make")
    let run = model.addVariables(keys: products, kind: .binary, name: "run")
    for m in 0..<2 {
        model.add(sum(products) { hours[$0]![m] * make[$0] } <= capacity[m], name: "machine\(m)")
    }
    for p in products {
        try model.addIndicator(run[p], equals: false, then: make[p] <= 0)
    }
    model.add(make["tables"] + make["desks"], in: 10...30, name: "mix")
    model.maximize(sum(products) { profit[$0]! * make[$0] - setup[$0]! * run[$0] })

    let result = try CbcSolver().solve(model, options: SolveOptions(timeLimit: 10))
    #expect(result.termination == .optimal)
    let report = model.checkFeasibility(of: try #require(result.values))
    #expect(report.isFeasible)
    let glpk = try GlpkSolver().solve(model)
    #expect(abs(try #require(glpk.objective) - (try #require(result.objective))) < 1e-6)

    // Independent optimum: enumerate every integer production plan (41³ points).
    var best = -Double.infinity
    for c in 0...40 {
        for t in 0...40 {
            for d in 0...40 {
                let (cd, td, dd) = (Double(c), Double(t), Double(d))
                guard cd + 3 * td + 4 * dd <= 120, 2 * cd + td + 3 * dd <= 90, (10...30).contains(td + dd) else { continue }
                let value = 45 * cd + 80 * td + 110 * dd - (c > 0 ? 100 : 0) - (t > 0 ? 150 : 0) - (d > 0 ? 400 : 0)
                best = max(best, value)
            }
        }
    }
    #expect(abs(try #require(result.objective) - best) < 1e-6)
}

/// The example at the top of README.md. Optimum by hand: x = 4 (its bound), then y ≤ 5 from
/// x + 2y ≤ 14 → 3·4 + 4·5 = 32; x = 3 allows y = 5.5 → 31.
@Test func readmeExample() throws {
    var model = Model()
    let x = model.addVariable(upperBound: 4, kind: .integer, name: "x")
    let y = model.addVariable(name: "y")
    model.add(x + 2 * y <= 14)
    model.add(3 * x - y >= 0)
    model.maximize(3 * x + 4 * y)
    let result = try model.solve()
    #expect(result.solverName == "cbc")
    #expect(result.termination == .optimal)
    #expect(abs(try #require(result.objective) - 32) < 1e-9)
    #expect(result[x] == 4 && abs(result[y] - 5) < 1e-9)
}
