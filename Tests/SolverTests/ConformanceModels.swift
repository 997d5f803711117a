import MILPKit

/// One model of the conformance suite with its hand-verified answer.
struct ConformanceCase: CustomStringConvertible, Sendable {
    let name: String
    let isMIP: Bool
    let expected: TerminationReason
    let objective: Double?
    let build: @Sendable () -> Model
    var description: String { name }
}

/// The conformance suite, in the spirit of MathOptInterface's solver tests: every adapter runs every
/// case it supports and must return the same status and optimum. Optima were worked out by hand
/// (comments) and, for the integer cases, are re-checked by brute force in the tests.
let conformanceCases: [ConformanceCase] = [
    ConformanceCase(name: "lp-max-two-vars", isMIP: false, expected: .optimal, objective: 11.5) {
        // max 3x + 2y, x + y ≤ 4, x + 3y ≤ 6, x ≤ 3.5 → (3.5, 0.5), 11.5 (non-degenerate vertex)
        var m = Model(name: "lp-max")
        let x = m.addVariable(upperBound: 3.5, name: "x"), y = m.addVariable(name: "y")
        m.add(x + y <= 4, name: "sum")
        m.add(x + 3 * y <= 6, name: "mix")
        m.maximize(3 * x + 2 * y)
        return m
    },
    ConformanceCase(name: "lp-range-free-negative", isMIP: false, expected: .optimal, objective: -4) {
        // min x + y, 2 ≤ x − y ≤ 5, x free, y ∈ [−3, −1] → y = −3, x = −1, −4
        var m = Model()
        let x = m.addFreeVariable(name: "x"), y = m.addVariable(lowerBound: -3, upperBound: -1, name: "y")
        m.add(x - y, in: 2...5)
        m.minimize(x + y)
        return m
    },
    ConformanceCase(name: "lp-equality-constant", isMIP: false, expected: .optimal, objective: 22) {
        // min 2x + 3y + 10, x + y = 5, x ≤ 3 → (3, 2), 22
        var m = Model()
        let x = m.addVariable(upperBound: 3), y = m.addVariable()
        m.add(x + y == 5)
        m.minimize(2 * x + 3 * y + 10)
        return m
    },
    ConformanceCase(name: "lp-greater-equal-range-sugar", isMIP: false, expected: .optimal, objective: 2) {
        // min x + y, (2 ≤ x + y) ≤ 6, x ≥ 0.5 → 2
        var m = Model()
        let x = m.addVariable(lowerBound: 0.5), y = m.addVariable()
        m.add((2 <= x + y) <= 6)
        m.minimize(x + y)
        return m
    },
    ConformanceCase(name: "lp-infeasible", isMIP: false, expected: .infeasible, objective: nil) {
        var m = Model()
        let x = m.addVariable(), y = m.addVariable()
        m.add(x + y <= 1)
        m.add(x + y >= 2)
        m.minimize(x)
        return m
    },
    ConformanceCase(name: "lp-unbounded", isMIP: false, expected: .unbounded, objective: nil) {
        var m = Model()
        let x = m.addVariable(), y = m.addVariable()
        m.add(x - y <= 1)
        m.maximize(x + y)
        return m
    },
    ConformanceCase(name: "mip-chvatal-integer", isMIP: true, expected: .optimal, objective: 13) {
        // max 5a + 4b + 3c, 2a + 3b + c ≤ 5, 4a + b + 2c ≤ 11, 3a + 4b + 2c ≤ 8, integers in [0, 10]
        var m = Model()
        let v = m.addVariables(3, upperBound: 10, kind: .integer, name: "v")
        m.add(2 * v[0] + 3 * v[1] + v[2] <= 5)
        m.add(4 * v[0] + v[1] + 2 * v[2] <= 11)
        m.add(3 * v[0] + 4 * v[1] + 2 * v[2] <= 8)
        m.maximize(5 * v[0] + 4 * v[1] + 3 * v[2])
        return m
    },
    ConformanceCase(name: "mip-binary-knapsack", isMIP: true, expected: .optimal, objective: 309) {
        // Rosetta-style 10-item 0/1 knapsack, capacity 165; optimum 309 (items 0, 1, 2, 3, 5).
        var m = Model()
        let weight: [Double] = [23, 31, 29, 44, 53, 38, 63, 85, 89, 82]
        let value: [Double] = [92, 57, 49, 68, 60, 43, 67, 84, 87, 72]
        let take = m.addVariables(10, kind: .binary, name: "take")
        m.add(sum(0..<10) { weight[$0] * take[$0] } <= 165)
        m.maximize(sum(0..<10) { value[$0] * take[$0] })
        return m
    },
    ConformanceCase(name: "mip-negative-integer-max", isMIP: true, expected: .optimal, objective: -2) {
        // max x, x integer in [−5, −2], x ≤ −1.5 → −2
        var m = Model()
        let x = m.addInteger(in: -5 ... -2)
        m.add(x <= -1.5)
        m.maximize(x)
        return m
    },
    ConformanceCase(name: "mip-semicontinuous", isMIP: true, expected: .optimal, objective: 6) {
        // x ∈ {0} ∪ [2, 5], y ≥ 0, x + y ≥ 3, min 2x + 3y → x = 3 (6) beats y = 3 (9)
        var m = Model()
        let x = m.addVariable(lowerBound: 2, upperBound: 5, kind: .semiContinuous, name: "x")
        let y = m.addVariable(name: "y")
        m.add(x + y >= 3)
        m.minimize(2 * x + 3 * y)
        return m
    },
    ConformanceCase(name: "mip-semicontinuous-off", isMIP: true, expected: .optimal, objective: 0) {
        // x ∈ {0} ∪ [2, 5], x ≤ 1.5, max x → 0 (1.5 is not allowed)
        var m = Model()
        let x = m.addVariable(lowerBound: 2, upperBound: 5, kind: .semiContinuous)
        m.add(x <= 1.5)
        m.maximize(x)
        return m
    },
    ConformanceCase(name: "mip-indicator", isMIP: true, expected: .optimal, objective: 13) {
        // open (b = 1) costs 10; b = 0 ⇒ x ≤ 0; x ∈ [0, 8], x ≥ 3, min 10b + x → 13
        var m = Model()
        let b = m.addBinary(name: "open"), x = m.addVariable(upperBound: 8, name: "x")
        _ = try! m.addIndicator(b, equals: false, then: x <= 0)
        m.add(x >= 3)
        m.minimize(10 * b + x)
        return m
    },
    ConformanceCase(name: "mip-indicator-equality", isMIP: true, expected: .optimal, objective: 7) {
        // b = 1 ⇒ x + y = 4; x, y ∈ [0, 6]; b = 1 forced; min x + 2y + 3b → x = 4, y = 0 → 7
        var m = Model()
        let b = m.addBinary(), x = m.addVariable(upperBound: 6), y = m.addVariable(upperBound: 6)
        _ = try! m.addIndicator(b, then: x + y == 4)
        m.add(b >= 1)
        m.minimize(x + 2 * y + 3 * b)
        return m
    },
    ConformanceCase(name: "mip-sos1", isMIP: true, expected: .optimal, objective: 3) {
        // max x1 + 2x2 + 3x3, xi ∈ [0, 1], Σx ≤ 2, SOS1 → only x3 = 1 → 3 (5 without SOS)
        var m = Model()
        let x = m.addVariables(3, upperBound: 1)
        m.add(x.sum() <= 2)
        m.addSOS1(x)
        m.maximize(x[0] + 2 * x[1] + 3 * x[2])
        return m
    },
    ConformanceCase(name: "mip-sos2-piecewise", isMIP: true, expected: .optimal, objective: 1.5) {
        // Points (0,4), (1,1), (2,2), (3,0); x = 1.5 → y on segment [1,2] = 1.5 (2 without SOS2)
        var m = Model()
        let px: [Double] = [0, 1, 2, 3], py: [Double] = [4, 1, 2, 0]
        let l = m.addVariables(4, upperBound: 1, name: "lambda")
        m.add(l.sum() == 1)
        m.add(sum(0..<4) { px[$0] * l[$0] } == 1.5)
        m.addSOS2(l, weights: px)
        m.maximize(sum(0..<4) { py[$0] * l[$0] })
        return m
    },
    ConformanceCase(name: "mip-infeasible-parity", isMIP: true, expected: .infeasible, objective: nil) {
        // 2x = 1 has an LP solution but no integer one
        var m = Model()
        let x = m.addInteger(in: 0...10)
        m.add(2 * x == 1)
        m.minimize(x)
        return m
    },
    ConformanceCase(name: "mip-unbounded", isMIP: true, expected: .unbounded, objective: nil) {
        var m = Model()
        let x = m.addVariable(kind: .integer), y = m.addVariable(kind: .integer)
        m.add(x - y <= 1)
        m.maximize(x + y)
        return m
    },
]

/// A markshare-style model (Cornuéjols–Dawande): m equality rows with random weights over binaries,
/// slack pairs in the objective. Tiny, but branch and bound cannot prove optimality quickly.
func markshare(rows: Int, columns: Int, seed: UInt64) -> Model {
    var rng = SplitMix64(seed: seed)
    var m = Model(name: "markshare_\(rows)_\(columns)")
    let x = m.addVariables(columns, kind: .binary, name: "x")
    let plus = m.addVariables(rows, name: "s_plus"), minus = m.addVariables(rows, name: "s_minus")
    for i in 0..<rows {
        let weights = (0..<columns).map { _ in Double(rng.next() % 100) }
        let rhs = (weights.reduce(0, +) / 2).rounded(.down)
        m.add(sum(0..<columns) { weights[$0] * x[$0] } + plus[i] - minus[i] == rhs)
    }
    m.minimize(plus.sum() + minus.sum())
    return m
}

/// Brute force for small pure-integer models: enumerates every integer point within the bounds.
/// Returns the best objective, or nil when no point is feasible.
func bruteForceOptimum(_ model: Model) -> Double? {
    let n = model.variableCount
    precondition(model.kinds.allSatisfy(\.isIntegral) && model.sosConstraints.isEmpty)
    let lo = model.lowerBounds.map { Int($0) }, hi = model.upperBounds.map { Int($0) }
    var point = lo.map(Double.init)
    var best: Double?
    func visit(_ j: Int) {
        if j == n {
            guard model.checkFeasibility(of: point).isFeasible else { return }
            let value = model.objectiveValue(of: point)
            if best == nil || model.sense.sign * value < model.sense.sign * best! { best = value }
            return
        }
        for v in lo[j]...hi[j] {
            point[j] = Double(v)
            visit(j + 1)
        }
        point[j] = Double(lo[j])
    }
    visit(0)
    return best
}
