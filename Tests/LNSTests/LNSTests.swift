import Foundation
import MILPKit
import Testing

// MARK: Models

/// n binaries x, one row Σ x ≤ n, maximize Σ x.
private func binaries(_ n: Int) -> (Model, [Variable]) {
    var m = Model(name: "binaries")
    let x = (0..<n).map { m.addBinary(objective: Double($0 + 1), name: "x\($0)") }
    m.add(sum(x) <= Double(n))
    m.maximize(sum(x.enumerated().map { Double($0.offset + 1) * $0.element }))
    return (m, x)
}

/// A seeded 0-1 multi-knapsack with two capacity rows (maximize).
private func knapsack(items: Int, seed: UInt64) -> Model {
    var rng = SplitMix64(seed: seed)
    var m = Model(name: "knapsack")
    let x = (0..<items).map { _ in m.addBinary() }
    for _ in 0..<2 {
        let w = x.map { _ in Double(rng.integer(in: 5...40)) }
        m.add(sum(zip(w, x).map { $0 * $1 }) <= w.reduce(0, +) * 0.35)
    }
    m.maximize(sum(x.map { Double(rng.integer(in: 10...60)) * $0 }))
    return m
}

/// A seeded set cover: minimize the cost of sets covering every element.
private func setCover(elements: Int, sets: Int, seed: UInt64) -> Model {
    var rng = SplitMix64(seed: seed)
    var m = Model(name: "setcover")
    let y = (0..<sets).map { _ in m.addBinary(objective: Double(rng.integer(in: 1...20))) }
    var covers = Array(repeating: [Variable](), count: elements)
    for s in 0..<sets {
        for e in rng.sample(Array(0..<elements), count: rng.integer(in: 2...6)) { covers[e].append(y[s]) }
    }
    for e in 0..<elements {
        if covers[e].isEmpty { covers[e].append(y[e % sets]) }
        m.add(sum(covers[e]) >= 1)
    }
    m.minimize(m.objective)
    return m
}

/// A seeded generalized independent set problem (minimize): node binaries x (revenue), edge rows
/// xᵢ + xⱼ ≤ 1 (permanent) or xᵢ + xⱼ − yᵢⱼ ≤ 1 with a cost on yᵢⱼ (removable). Also returns
/// its optimum by enumerating the node sets.
private func gisp(nodes: Int, seed: UInt64) -> (model: Model, optimum: Double) {
    var rng = SplitMix64(seed: seed)
    var m = Model(name: "gisp")
    let revenue = (0..<nodes).map { _ in Double(rng.integer(in: 4...9)) }
    let x = revenue.map { m.addBinary(objective: -$0) }
    var permanent: [(Int, Int)] = [], removable: [(Int, Int, Double)] = []
    for i in 0..<nodes {
        for j in (i + 1)..<nodes where rng.unit() < 0.6 {
            if rng.unit() < 0.75 {
                let cost = Double(rng.integer(in: 1...3))
                m.add(x[i] + x[j] - m.addBinary(objective: cost) <= 1)
                removable.append((i, j, cost))
            } else {
                m.add(x[i] + x[j] <= 1)
                permanent.append((i, j))
            }
        }
    }
    m.minimize(m.objective)
    var optimum = 0.0
    for set in 0..<(1 << nodes) {
        func has(_ i: Int) -> Bool { set & (1 << i) != 0 }
        guard !permanent.contains(where: { has($0.0) && has($0.1) }) else { continue }
        let gain: Double = (0..<nodes).filter(has).map { revenue[$0] }.reduce(0, +)
        let cost: Double = removable.filter { has($0.0) && has($0.1) }.map(\.2).reduce(0, +)
        optimum = min(optimum, cost - gain)
    }
    return (m, optimum)
}

private func fixedColumns(_ m: Model, _ cols: [Int]) -> [Int] { cols.filter { m.lowerBounds[$0] == m.upperBounds[$0] } }

// MARK: Operators

@Suite struct LNSOperatorTests {
    @Test func mutationFreesTheRateAndFixesTheRest() {
        let (m, _) = binaries(10)
        let current = (0..<10).map { Double($0 % 2) }
        var rng = SplitMix64(seed: 7)
        let n = LNSOperators.destroy(OperatorSpec(.mutation, rate: 0.5), model: m, columns: LNSColumns(m), current: current, lp: nil, rng: &rng)!
        #expect(n.freeCount == 5)
        let fixed = fixedColumns(n.model, Array(0..<10))
        #expect(fixed.count == 5)
        for c in fixed { #expect(n.model.lowerBounds[c] == current[c]) }
        for c in 0..<10 where !fixed.contains(c) { #expect(n.model.lowerBounds[c] == 0 && n.model.upperBounds[c] == 1) }
        #expect(n.model.constraintCount == m.constraintCount)
    }

    @Test func rinsFreesOnlyWhereIncumbentDiffersFromLP() {
        let (m, _) = binaries(10)
        let current = Array(repeating: 1.0, count: 10)
        var lp = current
        lp[2] = 0.5; lp[5] = 0; lp[7] = 0.25
        var rng = SplitMix64(seed: 3)
        let all = LNSOperators.destroy(OperatorSpec(.rins, rate: 1), model: m, columns: LNSColumns(m), current: current, lp: lp, rng: &rng)!
        #expect(all.freeCount == 3)
        #expect(Set(0..<10).subtracting(fixedColumns(all.model, Array(0..<10))) == [2, 5, 7])
        for _ in 0..<20 {
            let part = LNSOperators.destroy(OperatorSpec(.rins, rate: 0.5), model: m, columns: LNSColumns(m), current: current, lp: lp, rng: &rng)!
            let free = Set(0..<10).subtracting(fixedColumns(part.model, Array(0..<10)))
            #expect(free.count == 2 && free.isSubset(of: [2, 5, 7]))
        }
        // No difference: no neighborhood.
        #expect(LNSOperators.destroy(OperatorSpec(.rins, rate: 1), model: m, columns: LNSColumns(m), current: current, lp: current, rng: &rng) == nil)
    }

    @Test func rensBoundsFractionalVariablesToTheirRounding() {
        var m = Model()
        let x = (0..<4).map { _ in m.addInteger(in: 0...10) }
        m.add(sum(x) <= 30)
        m.maximize(sum(x))
        let current: [Double] = [3, 4, 5, 6]
        let lp: [Double] = [2.5, 4, 7.2, 6]
        var rng = SplitMix64(seed: 1)
        let n = LNSOperators.destroy(OperatorSpec(.rens, rate: 1), model: m, columns: LNSColumns(m), current: current, lp: lp, rng: &rng)!
        #expect(n.freeCount == 2)
        #expect(n.model.lowerBounds == [2, 4, 7, 6])
        #expect(n.model.upperBounds == [3, 4, 8, 6])
    }

    @Test func dinsBoundsGeneralIntegersAroundTheLP() {
        var m = Model()
        let a = m.addInteger(in: 0...10), b = m.addInteger(in: 0...10), z = m.addBinary(), w = m.addVariable(upperBound: 5)
        m.add(a + b + z + w <= 20)
        m.maximize(a + b + z + w)
        let current: [Double] = [5, 5, 1, 2.5]
        let lp: [Double] = [2.3, 4.8, 0.4, 5]
        var rng = SplitMix64(seed: 1)
        let n = LNSOperators.destroy(OperatorSpec(.dins), model: m, columns: LNSColumns(m), current: current, lp: lp, rng: &rng)!
        #expect(n.freeCount == 1)
        // |a − 2.3| ≤ 2.7 → a ∈ [0, 5]; b (|5 − 4.8| < 0.5) and the binary are fixed; the continuous w untouched.
        #expect(n.model.lowerBounds == [0, 5, 1, 0])
        #expect(n.model.upperBounds == [5, 5, 1, 5])
        _ = (a, b, z, w)
    }

    @Test func localBranchingAddsOneRowWithTheRightCoefficients() {
        let (m, _) = binaries(20)
        let current = (0..<20).map { $0 < 6 ? 1.0 : 0.0 }
        var rng = SplitMix64(seed: 11)
        let (low, high) = LNSOperators.localBranchingRange(binaries: 20, rate: 0.25)
        #expect(low == 1 && high == 5)
        // Below δ = 0.1 the lower end follows δ: [⌈0.01·1000⌉, ⌊0.02·1000⌋], not [50, 50].
        #expect(LNSOperators.localBranchingRange(binaries: 1000, rate: 0.02) == (10, 20))
        #expect(LNSOperators.localBranchingRange(binaries: 1000, rate: 0.25) == (50, 250))
        var seen = Set<Int>()
        for _ in 0..<50 {
            let n = LNSOperators.destroy(OperatorSpec(.localBranching, rate: 0.25), model: m, columns: LNSColumns(m), current: current, lp: nil, rng: &rng)!
            #expect(n.model.constraintCount == m.constraintCount + 1)
            #expect(n.timeScale == 2.5)
            #expect(fixedColumns(n.model, Array(0..<20)).isEmpty)
            let row = n.model.row(n.model.constraint(at: m.constraintCount))
            #expect(Array(row.columns) == (0..<20).map { Int32($0) })
            #expect(Array(row.coefficients) == current.map { $0 > 0.5 ? -1 : 1 })
            let k = Int(n.model.upperBound(of: n.model.constraint(at: m.constraintCount))) + 6
            #expect((low...high).contains(k))
            seen.insert(k)
            // The current solution is at distance 0, inside the neighborhood.
            #expect(n.model.checkFeasibility(of: current).isFeasible)
        }
        #expect(seen.count > 1)
    }

    @Test func proximityObjectiveAndCutoffRow() {
        let (m, _) = binaries(4)  // maximize x0 + 2x1 + 3x2 + 4x3
        let current: [Double] = [1, 0, 1, 0]  // objective 4
        var rng = SplitMix64(seed: 1)
        let n = LNSOperators.destroy(OperatorSpec(.proximity, rate: 0.25), model: m, columns: LNSColumns(m), current: current, lp: nil, rng: &rng)!
        let sub = n.model
        #expect(sub.variableCount == 5)
        #expect(sub.sense == .minimize)
        // Hamming distance: −x0 + x1 − x2 + x3 + 2 (constant), plus M·z with M = |B| + 1.
        #expect(sub.objectiveCoefficients == [-1, 1, -1, 1, 5])
        #expect(sub.objectiveConstant == 2)
        // Minimization sense: −cᵀx − z ≤ −4 − 0.25·4.
        let row = sub.row(sub.constraint(at: m.constraintCount))
        #expect(Array(row.columns) == [0, 1, 2, 3, 4])
        #expect(Array(row.coefficients) == [-1, -2, -3, -4, -1])
        #expect(sub.upperBound(of: sub.constraint(at: m.constraintCount)) == -5)
        #expect(sub.lowerBounds[4] == 0)
        #expect(n.startExtension == [1])
        #expect(sub.checkFeasibility(of: current + n.startExtension).isFeasible)

        // With the root LP (here all ones, objective 10), δ of the gap 10 − 4 instead: −cᵀx − z ≤ −4 − 0.25·6.
        let gapped = LNSOperators.destroy(OperatorSpec(.proximity, rate: 0.25), model: m, columns: LNSColumns(m), current: current,
                                          lp: [1, 1, 1, 1], rng: &rng)!
        #expect(gapped.model.upperBound(of: gapped.model.constraint(at: m.constraintCount)) == -5.5)
        #expect(gapped.startExtension == [1.5])
    }

    @Test func crossoverFreesWhereTheTwoSolutionsDiffer() {
        let (m, _) = binaries(6)
        var rng = SplitMix64(seed: 1)
        let n = LNSOperators.destroy(OperatorSpec(.crossover), model: m, columns: LNSColumns(m), current: [1, 1, 0, 0, 1, 0],
                                     lp: nil, second: [1, 0, 0, 1, 1, 0], rng: &rng)!
        #expect(n.freeCount == 2)
        #expect(Set(0..<6).subtracting(fixedColumns(n.model, Array(0..<6))) == [1, 3])
        let r = LNSOperators.destroy(OperatorSpec(.randomObjective), model: m, columns: LNSColumns(m), current: [1, 1, 0, 0, 1, 0], lp: nil, rng: &rng)!
        #expect(r.model.sense == .minimize && fixedColumns(r.model, Array(0..<6)).isEmpty)
    }

    @Test func graphFreesAConnectedPartAroundARandomCenter() {
        // A cycle x0 – x1 – … – x9 – x0 (rows x_i + x_{i+1} ≤ 1): the free columns are consecutive.
        var m = Model()
        let x = (0..<10).map { m.addBinary(objective: 1, name: "x\($0)") }
        for i in 0..<10 { m.add(x[i] + x[(i + 1) % 10] <= 1) }
        m.maximize(sum(x))
        let current = (0..<10).map { Double($0 % 2) }
        for seed in 0..<20 as Range<UInt64> {
            var rng = SplitMix64(seed: seed)
            let n = LNSOperators.destroy(OperatorSpec(.graph, rate: 0.3), model: m, columns: LNSColumns(m), current: current, lp: nil, rng: &rng)!
            let free = Set(0..<10).subtracting(fixedColumns(n.model, Array(0..<10))).sorted()
            #expect(n.freeCount == 3 && free.count == 3)
            #expect((0..<10).contains { c in free == [c, (c + 1) % 10, (c + 2) % 10].sorted() }, "not consecutive: \(free)")
            for c in fixedColumns(n.model, Array(0..<10)) { #expect(n.model.lowerBounds[c] == current[c]) }
        }
        // Continuous columns link the graph but are never counted or fixed; a part that runs out
        // is followed by another: two triangles a–y–b (y continuous) and c–d, rate 1 frees all four.
        var g = Model()
        let (a, b, c, d) = (g.addBinary(), g.addBinary(), g.addBinary(), g.addBinary())
        let y = g.addVariable(lowerBound: 0, upperBound: 1, kind: .continuous)
        g.add(a + y <= 1)
        g.add(y + b <= 1)
        g.add(c + d <= 1)
        g.maximize(a + b + c + d)
        var rng = SplitMix64(seed: 3)
        let columns = LNSColumns(g)
        #expect(Set(columns.nearest(2, from: a.index, model: g, rng: &rng)) == [a.index, b.index])
        #expect(Set(columns.nearest(4, from: c.index, model: g, rng: &rng)) == [a.index, b.index, c.index, d.index])
    }

    @Test func dependentColumnsAreLeftFreeAndSettled() throws {
        let (m, optimum) = gisp(nodes: 12, seed: 3)
        let columns = LNSColumns(m)
        #expect(columns.integers == Array(0..<12))  // the nodes; every edge variable is dependent
        #expect(columns.dependents.count == m.variableCount - 12)
        #expect(columns.dependents.allSatisfy { m.row(m.constraint(at: $0.row)).columns.contains(Int32($0.column)) })
        // A column alone in a row with continuous columns only is not dependent (a fixed-charge arc).
        var arc = Model()
        let flow = arc.addVariable(upperBound: 10), open = arc.addBinary(objective: 5)
        arc.add(flow - 10 * open <= 0)
        #expect(LNSColumns(arc).integers == [open.index] && LNSColumns(arc).dependents.isEmpty)
        // Nor are columns whose row holds singletons only.
        let (single, _) = binaries(3)
        #expect(LNSColumns(single).dependents.isEmpty)

        // Mutation frees nodes only and never fixes an edge: freeing every node from the empty set
        // reaches the enumerated optimum (with the edges fixed at 0 it could only reach the best
        // independent set of the whole graph).
        let zero = Array(repeating: 0.0, count: m.variableCount)
        var rng = SplitMix64(seed: 1)
        let n = try #require(LNSOperators.destroy(OperatorSpec(.mutation, rate: 1), model: m, columns: columns,
                                                  current: zero, lp: nil, rng: &rng))
        #expect(n.freeCount == 12 && fixedColumns(n.model, Array(0..<m.variableCount)).isEmpty)
        let solved = try CbcSolver().solve(n.model)
        #expect(abs(solved.objective! - optimum) < 1e-6)
        var edgesFixed = m
        for (c, _) in columns.dependents { edgesFixed.setBounds(of: m.variable(at: c), lower: 0, upper: 0) }
        #expect(try CbcSolver().solve(edgesFixed).objective! > optimum + 0.5)

        // Settling pays only for the edges inside the chosen set.
        var point = try #require(solved.values)
        for (c, _) in columns.dependents { point[c] = 1 }
        #expect(m.checkFeasibility(of: point).isFeasible && m.objectiveValue(of: point) > optimum + 0.5)
        columns.settleDependents(&point, in: m)
        #expect(m.checkFeasibility(of: point).isFeasible)
        #expect(abs(m.objectiveValue(of: point) - optimum) < 1e-6)
    }

    @Test func operatorsThatCannotApplyAreDropped() {
        var m = Model()
        let a = m.addInteger(in: 0...5)
        m.add(a <= 4)
        m.maximize(a)
        let columns = LNSColumns(m)
        #expect(!LNSOperators.applies(OperatorSpec(.localBranching), columns: columns, lp: [4]))
        #expect(!LNSOperators.applies(OperatorSpec(.proximity), columns: columns, lp: [4]))
        #expect(!LNSOperators.applies(OperatorSpec(.rins), columns: columns, lp: nil))
        #expect(!LNSOperators.applies(OperatorSpec(.rens), columns: columns, lp: [4]))
        #expect(LNSOperators.applies(OperatorSpec(.dins), columns: columns, lp: [4]))
        let (b, _) = binaries(3)
        #expect(!LNSOperators.applies(OperatorSpec(.dins), columns: LNSColumns(b), lp: [1, 1, 1]))
    }
}

// MARK: Bandits and acceptance

@Suite struct LNSBanditTests {
    @Test func ucb1TriesEveryArmFirst() {
        var bandit = LNSBandit(arms: 5, spec: .ucb1(exploration: 1))
        var rng = SplitMix64(seed: 1)
        var order: [Int] = []
        for _ in 0..<5 {
            let arm = bandit.choose(using: &rng)
            order.append(arm)
            bandit.update(arm: arm, outcome: .rejected)
        }
        #expect(order.sorted() == [0, 1, 2, 3, 4])
        #expect(bandit.tries == [1, 1, 1, 1, 1])
    }

    /// One lucky first repair used to decide a run: an untried arm's mean (0) sat below a rejected
    /// arm's (1), so softmax kept replaying the first arms it drew (local branching, on auctions and
    /// knapsacks, every iteration of a 60 s run).
    @Test(arguments: [BanditSpec.softmax(temperature: 1.36), .epsilonGreedy(epsilon: 0.1), .ucb1(exploration: 1)])
    func everyArmIsPlayedOnceBeforeMeansCount(spec: BanditSpec) {
        var bandit = LNSBandit(arms: 9, spec: spec)
        var rng = SplitMix64(seed: 1)
        bandit.update(arm: 5, outcome: .newBest)
        var seen: Set<Int> = [5]
        // Rounds of two repairs: the second pick of a round avoids the first.
        for _ in 0..<4 {
            let first = bandit.choose(using: &rng)
            let second = bandit.choose(using: &rng, pending: [first])
            #expect(first != second)
            #expect(!seen.contains(first) && !seen.contains(second))
            seen.formUnion([first, second])
            bandit.update(arm: first, outcome: .rejected)
            bandit.update(arm: second, outcome: .rejected)
        }
        #expect(bandit.tries.allSatisfy { $0 == 1 })
        // Then the means decide: the arm with the new best is softmax's favourite.
        if case .softmax = spec { #expect(bandit.softmaxProbabilities.firstIndex(of: bandit.softmaxProbabilities.max()!) == 5) }
    }

    @Test func greedyWithZeroEpsilonPicksTheBestMean() {
        var bandit = LNSBandit(arms: 3, spec: .epsilonGreedy(epsilon: 0))
        bandit.update(arm: 0, outcome: .rejected)
        bandit.update(arm: 1, outcome: .newBest)
        bandit.update(arm: 1, outcome: .accepted)  // mean 5
        bandit.update(arm: 2, outcome: .better)  // mean 4
        #expect(bandit.means == [1, 5, 4])
        var rng = SplitMix64(seed: 9)
        for _ in 0..<20 { #expect(bandit.choose(using: &rng) == 1) }
    }

    @Test func thompsonCountsSuccessesAndFailures() {
        var bandit = LNSBandit(arms: 2, spec: .thompson)
        for outcome in [LNSOutcome.newBest, .better, .accepted, .rejected, .rejected] { bandit.update(arm: 0, outcome: outcome) }
        #expect(bandit.alpha == [3, 1])
        #expect(bandit.beta == [4, 1])
        // An arm with many successes is chosen far more often.
        for _ in 0..<40 { bandit.update(arm: 1, outcome: .newBest) }
        var rng = SplitMix64(seed: 5)
        let picks = (0..<200).map { _ in bandit.choose(using: &rng) }
        #expect(picks.filter { $0 == 1 }.count > 180)
        // Beta sampling has the right mean.
        let mean = (0..<4000).map { _ in rng.beta(3, 7) }.reduce(0, +) / 4000
        #expect(abs(mean - 0.3) < 0.02)
    }

    @Test func softmaxProbabilitiesSumToOneAndFavourHigherMeans() {
        var bandit = LNSBandit(arms: 3, spec: .softmax(temperature: 1.36))
        bandit.update(arm: 0, outcome: .rejected)
        bandit.update(arm: 1, outcome: .newBest)
        bandit.update(arm: 2, outcome: .accepted)
        let p = bandit.softmaxProbabilities
        #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        #expect(p[1] > p[2] && p[2] > p[0])
        var rng = SplitMix64(seed: 2)
        var counts = [0, 0, 0]
        for _ in 0..<5000 { counts[bandit.choose(using: &rng)] += 1 }
        for i in 0..<3 { #expect(abs(Double(counts[i]) / 5000 - p[i]) < 0.03) }
    }

    @Test func hillClimbingRejectsWorse() {
        let hc = LNSAcceptance(.hillClimbing)
        var rng = SplitMix64(seed: 1)
        #expect(!hc.accepts(candidate: 10.5, current: 10, best: 10, fraction: 0.1, rng: &rng))
        #expect(hc.accepts(candidate: 10, current: 10, best: 10, fraction: 0.1, rng: &rng))
        #expect(hc.accepts(candidate: 9, current: 10, best: 10, fraction: 0.1, rng: &rng))
    }

    @Test func simulatedAnnealingAcceptsWorseWithTheExpectedFrequency() {
        let sa = LNSAcceptance(.simulatedAnnealing(start: 0.1, end: 0.01, cooling: .exponential))
        // Temperature at half time: 100 · 0.1 · 0.1^0.5.
        #expect(abs(sa.temperature(at: 0.5, scale: 100) - 100 * 0.1 * 0.1.squareRoot()) < 1e-9)
        let p = sa.probability(candidate: 103, current: 100, best: 100, fraction: 0.5)
        #expect(abs(p - exp(-3 / sa.temperature(at: 0.5, scale: 100))) < 1e-12)
        var rng = SplitMix64(seed: 4)
        let trials = 20_000
        let accepted = (0..<trials).filter { _ in sa.accepts(candidate: 103, current: 100, best: 100, fraction: 0.5, rng: &rng) }.count
        #expect(abs(Double(accepted) / Double(trials) - p) < 0.015)
        let linear = LNSAcceptance(.simulatedAnnealing(start: 0.1, end: 0.02, cooling: .linear))
        #expect(abs(linear.temperature(at: 0.5, scale: 10) - 0.6) < 1e-12)
        #expect(linear.temperature(at: 1, scale: 10) < linear.temperature(at: 0, scale: 10))
    }

    @Test func recordToRecordThresholdShrinks() {
        let rrt = LNSAcceptance(.recordToRecord(threshold: 0.1))
        #expect(rrt.threshold(at: 0, best: 100) == 10)
        #expect(rrt.threshold(at: 0.5, best: 100) == 5)
        #expect(rrt.threshold(at: 1, best: 100) == 0)
        var rng = SplitMix64(seed: 1)
        #expect(rrt.accepts(candidate: 107, current: 100, best: 100, fraction: 0.1, rng: &rng))
        #expect(!rrt.accepts(candidate: 107, current: 100, best: 100, fraction: 0.5, rng: &rng))
    }
}

// MARK: Runs

@Suite struct LNSRunTests {
    @Test func seededRunIsReproducible() throws {
        let m = knapsack(items: 30, seed: 21)
        var config = LNSConfig()
        config.seed = 42
        config.timeLimit = 60
        config.repairTimeLimit = 20
        config.maxIterations = 12
        let lns = LNS(config: config, solver: CbcSolver(), lpSolver: ClpSolver())
        let start = Array(repeating: 0.0, count: m.variableCount)
        let a = try lns.run(m, start: start)
        let b = try lns.run(m, start: start)
        #expect(a.iterations == 12)
        #expect(a.trace.map(\.arm) == b.trace.map(\.arm))
        #expect(a.trace.map(\.operatorName) == b.trace.map(\.operatorName))
        #expect(a.trace.map(\.outcome) == b.trace.map(\.outcome))
        #expect(a.objective == b.objective)
        #expect(a.initialObjective == 0)
        #expect(a.status == .improved)
        #expect(m.checkFeasibility(of: a.values!).isFeasible)
        var other = config
        other.seed = 43
        let c = try LNS(config: other, solver: CbcSolver(), lpSolver: ClpSolver()).run(m, start: start)
        #expect(c.trace.map(\.operatorName) != a.trace.map(\.operatorName))
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func endToEndSetCoverIsFeasibleAndNeverWorse(seed: UInt64) throws {
        let m = setCover(elements: 150, sets: 200, seed: seed)
        let before = (m.lowerBounds, m.upperBounds, m.objectiveCoefficients, m.constraintCount, m.variableCount)
        var config = LNSConfig()
        config.seed = seed
        config.timeLimit = 6
        config.repairTimeLimit = 1
        config.maxIterations = 25
        config.bandit = [.ucb1(exploration: 1), .thompson, .epsilonGreedy(epsilon: 0.2)][Int(seed - 1)]
        config.acceptance = [.hillClimbing, .simulatedAnnealing(start: 0.05, end: 0.005, cooling: .linear), .recordToRecord(threshold: 0.05)][Int(seed - 1)]
        config.operators = OperatorSpec.Kind.allCases.map { OperatorSpec($0, rate: 0.3) }
        let start = Array(repeating: 1.0, count: m.variableCount)  // every set: feasible and poor
        let r = try LNS(config: config, solver: CbcSolver(), lpSolver: ClpSolver()).run(m, start: start)
        #expect(m.lowerBounds == before.0 && m.upperBounds == before.1 && m.objectiveCoefficients == before.2)
        #expect(m.constraintCount == before.3 && m.variableCount == before.4)
        let values = try #require(r.values)
        #expect(m.checkFeasibility(of: values).isFeasible)
        #expect(r.objective! <= r.initialObjective! + 1e-9)
        #expect(abs(m.objectiveValue(of: values) - r.objective!) < 1e-9)
        #expect(r.initialObjective == m.objectiveValue(of: start))
        #expect(r.status == .improved)
        #expect(r.droppedOperators.contains("dins"))  // no general integers
        #expect(r.trace.count == r.iterations)
        #expect(r.operators.map(\.tries).reduce(0, +) == r.iterations)
        // The best never gets worse along the trace, and the incumbent trace is monotone.
        for (p, q) in zip(r.trace, r.trace.dropFirst()) { #expect(q.best <= p.best + 1e-9) }
        for (p, q) in zip(r.incumbentTrace, r.incumbentTrace.dropFirst()) { #expect(q[1] < p[1] && q[0] >= p[0]) }
        let json = try JSONSerialization.jsonObject(with: r.jsonData()) as? [String: Any]
        #expect((json?["trace"] as? [Any])?.count == r.iterations)
    }

    @Test func glpkRepairsToo() throws {
        let m = knapsack(items: 20, seed: 5)
        var config = LNSConfig()
        config.timeLimit = 10
        config.repairTimeLimit = 2
        config.maxIterations = 8
        let r = try LNS(config: config, solver: GlpkSolver()).run(m, start: Array(repeating: 0, count: 20))
        #expect(r.iterations == 8)
        #expect(m.checkFeasibility(of: r.values!).isFeasible)
        #expect(r.objective! >= r.initialObjective!)
    }

    @Test func initialSolveWithoutStart() throws {
        let m = knapsack(items: 15, seed: 9)
        var config = LNSConfig()
        config.timeLimit = 10
        config.maxIterations = 3
        let r = try LNS(config: config, solver: CbcSolver()).run(m)
        // A tiny knapsack is solved to optimality by the initial solve.
        #expect(r.status == .initialOptimal)
        #expect(r.iterations == 0)
        #expect(m.checkFeasibility(of: r.values!).isFeasible)
    }

    @Test func modelWithoutIntegersIsSolvedDirectly() throws {
        var m = Model()
        let x = m.addVariable(upperBound: 4), y = m.addVariable(upperBound: 3)
        m.add(x + y <= 5)
        m.maximize(2 * x + y)
        let r = try LNS(solver: CbcSolver()).run(m)
        #expect(r.status == .solvedDirectly)
        #expect(r.iterations == 0)
        #expect(abs(r.objective! - 9) < 1e-6)
        #expect(r.notes.contains { $0.contains("no integer variables") })
    }

    @Test func runStopsWhenNoOperatorFindsANeighborhood() throws {
        let (m, _) = binaries(5)  // LP optimum all ones, integral
        var config = LNSConfig()
        config.timeLimit = 20
        config.operators = [OperatorSpec(.rins, rate: 1)]
        let r = try LNS(config: config, solver: CbcSolver(), lpSolver: ClpSolver()).run(m, start: Array(repeating: 1, count: 5))
        #expect(r.iterations == 50)
        #expect(r.trace.allSatisfy { $0.neighborhoodSize == 0 && $0.outcome == .rejected })
        #expect(r.notes.contains { $0.contains("no operator found a neighborhood") })
        #expect(r.status == .notImproved && r.objective == 15)
    }

    @Test func repairsThatGiveBackTheirStartAreRejected() throws {
        let (m, _) = binaries(6)  // the start, all ones, is the unique optimum: every repair returns it
        var config = LNSConfig()
        config.timeLimit = 20
        config.maxIterations = 6
        config.acceptance = .hillClimbing  // would accept an equal objective
        config.operators = [OperatorSpec(.mutation, rate: 0.5), OperatorSpec(.localBranching, rate: 0.5)]
        let r = try LNS(config: config, solver: CbcSolver()).run(m, start: Array(repeating: 1, count: 6))
        #expect(r.iterations == 6)
        #expect(r.trace.allSatisfy { $0.objective == 21 && $0.outcome == .rejected })
        #expect(r.operators.allSatisfy { $0.accepts == 0 && $0.rewardSum == Double($0.tries) * config.rewards[3] })
        #expect(r.status == .notImproved)
        // An equal objective elsewhere is a move; the continuous columns do not count.
        var mixed = Model()
        _ = (mixed.addBinary(), mixed.addBinary(), mixed.addVariable(upperBound: 1))
        let columns = LNSColumns(mixed)
        #expect(columns.sameIntegerPoint([1, 0, 0], [1, 0, 0.5]))
        #expect(columns.sameIntegerPoint([1e-10, 1, 0], [0, 1, 0]))
        #expect(!columns.sameIntegerPoint([1, 0, 0], [0, 1, 0]))
    }

    @Test func aStartsDependentColumnsAreSettledFirst() throws {
        let (m, _) = gisp(nodes: 12, seed: 3)
        var start = Array(repeating: 0.0, count: m.variableCount)  // no node, every edge paid for
        for (c, _) in LNSColumns(m).dependents { start[c] = 1 }
        #expect(m.objectiveValue(of: start) > 0.5)
        var config = LNSConfig()
        config.timeLimit = 10
        config.maxIterations = 1
        let r = try LNS(config: config, solver: CbcSolver()).run(m, start: start)
        #expect(r.notes.contains("initial solution: the given start"))
        #expect(r.initialObjective == 0)
        #expect(m.checkFeasibility(of: try #require(r.values)).isFeasible && r.objective! <= 0)
    }

    @Test func trivialSolutionsOfCoveringAndPackingModels() {
        let cover = setCover(elements: 30, sets: 20, seed: 4)
        #expect(LNS.trivialSolution(of: cover) == Array(repeating: 1, count: 20))
        let pack = knapsack(items: 10, seed: 4)
        #expect(LNS.trivialSolution(of: pack) == Array(repeating: 0, count: 10))
        var none = Model()
        let x = none.addBinary(), y = none.addBinary()
        none.add(x + y == 1)
        #expect(LNS.trivialSolution(of: none) == nil)
    }

    @Test func infeasibleStartIsIgnored() throws {
        let (m, _) = binaries(5)
        var config = LNSConfig()
        config.timeLimit = 5
        let r = try LNS(config: config, solver: CbcSolver()).run(m, start: [2, 0, 0, 0, 0])
        #expect(r.notes.contains { $0.contains("not feasible") })
        #expect(r.objective == 15)
    }
}

// MARK: Configuration

@Suite struct LNSConfigTests {
    private func read(_ json: String) throws -> LNSConfig {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lns-\(UUID().uuidString).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try LNSConfig.read(path: path)
    }

    @Test func unknownOperatorIsAClearError() {
        #expect {
            _ = try read(#"{"operators": [{"name": "mutation", "rate": 0.3}, {"name": "ruin"}]}"#)
        } throws: { error in
            "\(error)".contains("unknown operator \"ruin\"")
        }
    }

    @Test(arguments: [0.0, 1.5, -0.2])
    func rateOutsideTheUnitIntervalIsRejected(rate: Double) {
        var config = LNSConfig()
        config.operators = [OperatorSpec(.mutation, rate: rate)]
        #expect { try config.validate() } throws: { "\($0)".contains("outside (0, 1]") }
        #expect(throws: LNSConfigError.self) { _ = try read(#"{"operators": [{"name": "rins", "rate": \#(rate)}]}"#) }
    }

    @Test func negativeTimesAreRejected() {
        var config = LNSConfig()
        config.timeLimit = -1
        #expect { try config.validate() } throws: { "\($0)".contains("time_limit") }
        config = LNSConfig()
        config.repairTimeLimit = -3
        #expect { try config.validate() } throws: { "\($0)".contains("repair_time_limit") }
        #expect(throws: LNSConfigError.self) { _ = try read(#"{"time_limit": -5}"#) }
    }

    @Test func jsonConfigRoundTrips() throws {
        let config = try read(#"{"seed": 9, "time_limit": 30, "max_iterations": 4, "repair_preprocessing": false, "operators": [{"name": "local_branching", "rate": 0.1}, {"name": "dins"}, {"name": "graph", "rate": 0.3}]}"#)
        #expect(config.seed == 9 && config.timeLimit == 30 && config.maxIterations == 4 && !config.repairPreprocessing)
        #expect(LNSConfig().repairPreprocessing)
        #expect(try read(#"{"full_solve_worker": true}"#).fullSolveWorker)
        #expect(!LNSConfig().fullSolveWorker)
        #expect(throws: LNSConfigError.self) { _ = try read(#"{"full_solve_worker": "auto"}"#) }
        #expect(config.operators.map(\.description) == ["local_branching_0.1", "dins", "graph_0.3"])
        #expect(config.bandit == LNSConfig().bandit)
        let again = try JSONDecoder().decode(LNSConfig.self, from: JSONEncoder().encode(config))
        #expect(again == config)
    }

    @Test func banditAndAcceptanceByNameOrObject() throws {
        let a = try read(#"{"bandit": "thompson", "acceptance": {"name": "simulated_annealing", "start": 0.1, "end": 0.01, "cooling": "linear"}}"#)
        #expect(a.bandit == .thompson)
        #expect(a.acceptance == .simulatedAnnealing(start: 0.1, end: 0.01, cooling: .linear))
        let b = try read(#"{"bandit": {"name": "epsilon_greedy", "epsilon": 0.3}, "acceptance": "record_to_record"}"#)
        #expect(b.bandit == .epsilonGreedy(epsilon: 0.3))
        #expect(b.acceptance == .recordToRecord(threshold: 0.05))
        #expect { _ = try read(#"{"bandit": "greedy"}"#) } throws: { "\($0)".contains("unknown bandit \"greedy\"") }
        #expect { _ = try read(#"{"acceptance": "great_deluge"}"#) } throws: { "\($0)".contains("unknown acceptance") }
        #expect { _ = try read(#"{"bandit": {"name": "softmax", "temperature": 0}}"#) } throws: { "\($0)".contains("temperature") }
    }

    @Test func unknownSettingsAndParallelRepairsOutOfRangeAreClearErrors() {
        #expect { _ = try read(#"{"time_limt": 30}"#) } throws: { "\($0)".contains("unknown setting \"time_limt\"") }
        #expect { _ = try read(#"{"parallel_repairs": 0}"#) } throws: { "\($0)".contains("parallel_repairs") }
        #expect((try? read(#"{"parallel_repairs": 1}"#))?.parallelRepairs == 1)
    }

    @Test func runValidatesItsConfig() {
        var config = LNSConfig()
        config.initialFraction = 1.5
        let (m, _) = binaries(3)
        #expect(throws: LNSConfigError.self) { _ = try LNS(config: config, solver: CbcSolver()).run(m) }
    }
}
