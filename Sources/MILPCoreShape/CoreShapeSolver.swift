import Foundation
import MILP

/// One chosen core shape and what it costs and keeps.
public struct CoreShapeChoice: Sendable, Equatable {
    /// The core rank r_n of every mode.
    public let shape: [Int]
    /// ∏ r_n + Σ I_n r_n.
    public let params: Int
    /// Σ_n Σ_{j ≤ r_n} σ²_{n,j}: the surrogate objective (the paper's "hosvd prefix sum").
    public let retainedEnergy: Double
}

/// Statistics of one solve.
public struct CoreShapeStats: Sendable {
    /// Integer programs solved (`ip` and `paper-ip` methods).
    public var integerPrograms = 0
    /// Shapes visited by exhaustive enumeration (`brute`, and the seed of `ip`).
    public var shapesEnumerated = 0
    /// The paper's (1+ε) loop result (paper-ip method).
    public var paperChoice: CoreShapeChoice?
}

/// How ``CoreShapeProblem/solve(budget:method:epsilon:exactMethod:solver:)`` picks a core shape;
/// the raw values are the CLI's method names.
public enum CoreShapeMethod: String, Sendable, CaseIterable {
    /// The paper's IP (one-hot ranks, log-linearized core-size row, factor-size row) solved over
    /// (1+ε)-geometric core-size buckets that are split until every bucket is proven: the exact
    /// optimum. Seeded with the paper's small-rank enumeration and the greedy baselines.
    case ip
    /// The paper's (1+ε) loop only (an approximation).
    case paperIP = "paper-ip"
    /// Greedy on σ²: grow the mode whose next σ² is largest while the shape fits.
    case greedy
    /// Greedy on σ² gained per added parameter.
    case greedyParam = "greedy-param"
    /// Exhaustive enumeration of every feasible shape.
    case brute
}

/// The Tucker core-shape packing problem: maximize Σ_n P_{n,r_n} subject to ∏ r_n + Σ I_n r_n ≤ budget.
public struct CoreShapeProblem: Sendable {
    /// The tensor's mode sizes I_n.
    public let dims: [Int]
    /// prefix[n][r] = Σ_{j<r} σ²_{n,j}, r = 0...I_n (spectra zero-padded to length I_n).
    public let prefix: [[Double]]
    let sigma2: [[Double]]

    /// Builds the problem from a tensor's mode spectra (padded with zeros to each mode's size).
    public init(spectra: ModeSpectra) {
        dims = spectra.shape
        var p: [[Double]] = []
        var s: [[Double]] = []
        for (n, values) in spectra.sigma2.enumerated() {
            let padded = values + [Double](repeating: 0, count: max(0, dims[n] - values.count))
            s.append(padded)
            var acc = [0.0]
            acc.reserveCapacity(dims[n] + 1)
            for v in padded { acc.append(acc.last! + v) }
            p.append(acc)
        }
        prefix = p
        sigma2 = s
    }

    /// The parameter count of a Tucker decomposition with core `shape`: ∏ r_n + Σ I_n r_n.
    public func params(_ shape: [Int]) -> Int {
        shape.reduce(1, *) + zip(shape, dims).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// The energy `shape` retains: Σ_n Σ_{j ≤ r_n} σ²_{n,j}. Every r_n must be in 0...I_n.
    public func energy(_ shape: [Int]) -> Double {
        var e = 0.0
        for (n, r) in shape.enumerated() { e += prefix[n][r] }
        return e
    }

    /// `shape` with its parameter count and retained energy.
    public func choice(_ shape: [Int]) -> CoreShapeChoice {
        CoreShapeChoice(shape: shape, params: params(shape), retainedEnergy: energy(shape))
    }

    /// The smallest budget any shape fits: the all-ones shape, 1 + Σ I_n.
    public var minimumBudget: Int { 1 + dims.reduce(0, +) }

    func checkBudget(_ budget: Int) throws {
        guard budget >= minimumBudget else {
            throw CoreShapeError("budget \(budget) is below the smallest core shape \(Array(repeating: 1, count: dims.count)), which needs \(minimumBudget) parameters (1 + Σ I_n)")
        }
    }

    /// Whether `a` is better than `b`: more energy, ties towards the lexicographically smaller shape.
    static func better(_ a: CoreShapeChoice, than b: CoreShapeChoice?) -> Bool {
        guard let b else { return true }
        if a.retainedEnergy != b.retainedEnergy { return a.retainedEnergy > b.retainedEnergy }
        return a.shape.lexicographicallyPrecedes(b.shape)
    }

    /// How the ip method proves optimality.
    public enum ExactMethod: Sendable { case outerApproximation, buckets }

    /// The best shape within `budget` by `method`; the integer programs of `ip` and `paper-ip` go
    /// to `solver` (CBC or GLPK). Throws when the budget admits no shape, or when `solver` cannot
    /// branch and the method needs it.
    public func solve(budget: Int, method: CoreShapeMethod, epsilon: Double = 0.5, exactMethod: ExactMethod = .outerApproximation,
                      solver: any Solver) throws -> (CoreShapeChoice, CoreShapeStats) {
        try checkBudget(budget)
        guard epsilon > 0, epsilon.isFinite else { throw CoreShapeError("epsilon must be positive, got \(epsilon)") }
        if method == .ip || method == .paperIP { try solver.requireIntegers(for: "core-shape selection (\(method.rawValue))") }
        var stats = CoreShapeStats()
        switch method {
        case .brute:
            let best = bruteForce(budget: budget, maxRank: nil, stats: &stats)!
            return (best, stats)
        case .greedy: return (greedy(budget: budget, perParameter: false), stats)
        case .greedyParam: return (greedy(budget: budget, perParameter: true), stats)
        case .paperIP:
            let best = try paperLoop(budget: budget, epsilon: epsilon, solver: solver, stats: &stats)
            stats.paperChoice = best
            return (best, stats)
        case .ip:
            // Seed: the paper's small-rank enumeration and both greedy baselines (cheap), then the exact buckets.
            var seed = bruteForce(budget: budget, maxRank: Int((1 / epsilon).rounded(.up)), stats: &stats)!
            for g in [greedy(budget: budget, perParameter: false), greedy(budget: budget, perParameter: true)] where Self.better(g, than: seed) { seed = g }
            let best = try exactMethod == .buckets
                ? exactRefinement(budget: budget, epsilon: epsilon, incumbent: seed, solver: solver, stats: &stats)
                : outerApproximation(budget: budget, epsilon: epsilon, incumbent: seed, solver: solver, stats: &stats)
            return (best, stats)
        }
    }

    // MARK: Brute force

    /// Every feasible shape (optionally with every r_n ≤ maxRank), best kept.
    public func bruteForce(budget: Int, maxRank: Int?, stats: inout CoreShapeStats) -> CoreShapeChoice? {
        let n = dims.count
        var suffixDims = [Int](repeating: 0, count: n + 1)
        for k in stride(from: n - 1, through: 0, by: -1) { suffixDims[k] = suffixDims[k + 1] + dims[k] }
        var best: CoreShapeChoice?
        var bestEnergy = -Double.infinity
        var shape = [Int](repeating: 1, count: n)
        var count = 0
        func visit(_ k: Int, _ prod: Int, _ sum: Int, _ energy: Double) {
            if k == n {
                count += 1
                if energy > bestEnergy {   // lexicographic order of the visit breaks ties to the smallest shape
                    bestEnergy = energy
                    best = CoreShapeChoice(shape: shape, params: prod + sum, retainedEnergy: energy)
                }
                return
            }
            let limit = min(dims[k], maxRank ?? Int.max)
            var r = 1
            while r <= limit {
                // The rest at rank 1 must still fit.
                if prod * r + sum + dims[k] * r + suffixDims[k + 1] > budget { break }
                shape[k] = r
                visit(k + 1, prod * r, sum + dims[k] * r, energy + prefix[k][r])
                r += 1
            }
            shape[k] = 1
        }
        visit(0, 1, 0, 0)
        stats.shapesEnumerated += count
        return best
    }

    // MARK: Greedy baselines

    /// Starting from all ranks 1, repeatedly grows the mode with the largest next σ² (per added
    /// parameter when `perParameter`) while the shape stays within `budget`. Returns the all-ones shape
    /// even when it exceeds `budget`.
    public func greedy(budget: Int, perParameter: Bool) -> CoreShapeChoice {
        var shape = [Int](repeating: 1, count: dims.count)
        while true {
            var bestMode = -1
            var bestScore = -Double.infinity
            let p = params(shape)
            for n in 0..<dims.count where shape[n] < dims[n] {
                var next = shape
                next[n] += 1
                let q = params(next)
                guard q <= budget else { continue }
                let gain = sigma2[n][shape[n]]
                let score = perParameter ? gain / Double(q - p) : gain
                if score > bestScore { bestScore = score; bestMode = n }
            }
            if bestMode < 0 { break }
            shape[bestMode] += 1
        }
        return choice(shape)
    }

    // MARK: The integer program

    /// The IP's common part: a binary x[n][j−1] per mode n and rank j ≤ maxRank[n], one rank per
    /// mode, and the expressions Σ ln(j)·x (log core size), Σ I_n·j·x (factor size) and the
    /// retained energy Σ prefix[n][j]·x.
    func oneHotModel(name: String, maxRank: [Int]) -> (Model, [[Variable]], LinearExpression, LinearExpression, LinearExpression) {
        var model = Model(name: name)
        var x: [[Variable]] = []
        var logRow = LinearExpression(), sumRow = LinearExpression(), objective = LinearExpression()
        for k in dims.indices {
            var one = LinearExpression()
            var row: [Variable] = []
            for j in 1...maxRank[k] {
                let v = model.addBinary()
                row.append(v)
                one.add(1, v)
                if j > 1 { logRow.add(Foundation.log(Double(j)), v) }
                sumRow.add(Double(dims[k] * j), v)
                objective.add(prefix[k][j], v)
            }
            model.add(one, in: 1...1)
            x.append(row)
        }
        return (model, x, logRow, sumRow, objective)
    }

    /// max Σ P_{n,j} x_{n,j}  s.t.  Σ_j x_{n,j} = 1,  ln(productLow) ≤ Σ ln(j) x_{n,j} ≤ ln(productHigh),
    /// Σ I_n j x_{n,j} ≤ sumBudget. Returns nil when infeasible; the IP optimum bounds every shape
    /// with product in [productLow, productHigh] and factor size ≤ sumBudget.
    func solveIP(productLow: Double, productHigh: Double, sumBudget: Int, solver: any Solver, stats: inout CoreShapeStats) throws -> (choice: CoreShapeChoice, bound: Double)? {
        let n = dims.count
        guard productHigh >= 1, productHigh >= productLow else { return nil }
        // Ranks each mode can take: j ≤ productHigh and I_n j + Σ_{m≠n} I_m ≤ sumBudget.
        let total = dims.reduce(0, +)
        var maxRank = [Int](repeating: 0, count: n)
        for k in 0..<n {
            let room = sumBudget - (total - dims[k])
            let r = min(dims[k], room / dims[k], Int(productHigh.rounded(.down)))
            guard r >= 1 else { return nil }
            maxRank[k] = r
        }
        stats.integerPrograms += 1
        var (model, x, logRow, sumRow, objective) = oneHotModel(name: "core-shape", maxRank: maxRank)
        // Products are integers, so a tolerance well below ln(p+1) − ln(p) ≈ 1/p keeps the rows exact.
        let tol = 1e-9
        let low = productLow <= 1 ? -Double.infinity : Foundation.log(productLow) - tol
        model.add(logRow, in: low...(Foundation.log(productHigh) + tol))
        model.add(sumRow, in: -Double.infinity...Double(sumBudget))
        model.maximize(objective)
        let result = try solver.solve(model, options: SolveOptions(relativeGap: 0, absoluteGap: 0, threads: 1))
        switch result.termination {
        case .optimal: break
        case .infeasible, .infeasibleOrUnbounded: return nil
        default: throw CoreShapeError("\(solver.name) did not solve the core-shape IP: \(result.termination.rawValue) \(result.message ?? "")")
        }
        var shape = [Int](repeating: 1, count: n)
        for k in 0..<n {
            if let j = x[k].indices.max(by: { result[x[k][$0]] < result[x[k][$1]] }) { shape[k] = j + 1 }
        }
        return (choice(shape), result.objective ?? choice(shape).retainedEnergy)
    }

    /// The paper's outer loop: brute force over r_n ≤ ⌈1/ε⌉, then the IP at every budget split
    /// ((1+ε)^k, c − (1+ε)^k) and swapped, k = 0..⌊log_{1+ε} c⌋ − 1; the best truly feasible shape.
    func paperLoop(budget: Int, epsilon: Double, solver: any Solver, stats: inout CoreShapeStats) throws -> CoreShapeChoice {
        guard epsilon > 0, epsilon.isFinite else { throw CoreShapeError("epsilon must be positive, got \(epsilon)") }
        var best = bruteForce(budget: budget, maxRank: Int((1 / epsilon).rounded(.up)), stats: &stats)
        let c = Double(budget)
        let kMax = Int((Foundation.log(c) / Foundation.log(1 + epsilon)).rounded(.down))
        for k in 0..<max(kMax, 0) {
            let p = Foundation.pow(1 + epsilon, Double(k))
            for (cp, cs) in [(p, c - p), (c - p, p)] {
                guard cs >= 1 else { continue }
                if let (cand, _) = try solveIP(productLow: 1, productHigh: cp, sumBudget: Int(cs.rounded(.down)), solver: solver, stats: &stats),
                   cand.params <= budget, Self.better(cand, than: best) {
                    best = cand
                }
            }
        }
        return best!
    }

    /// Exact optimum by outer approximation. With t = Σ_n ln r_n (the paper's log-linearized core size),
    /// the true constraint is Σ_n I_n r_n + e^t ≤ c, and e^t is convex, so every tangent
    /// e^{t0}(1 + t − t0) ≤ e^t gives a valid linear row Σ_n I_n r_n + e^{t0}(1 + t − t0) ≤ c.
    /// Start from tangents on a (1+ε)-geometric grid of core sizes, solve the IP (one-hot ranks,
    /// energy objective, the paper's core-size and factor-size rows), and while its shape exceeds the
    /// budget add the tangent at that shape (which cuts it off). The first truly feasible IP optimum
    /// is the exact optimum.
    func outerApproximation(budget: Int, epsilon: Double, incumbent: CoreShapeChoice, solver: any Solver,
                            stats: inout CoreShapeStats) throws -> CoreShapeChoice {
        let n = dims.count
        let total = dims.reduce(0, +)
        let maxProduct = budget - total
        guard maxProduct >= 1 else { return incumbent }
        var maxRank = [Int](repeating: 0, count: n)
        for k in 0..<n { maxRank[k] = max(1, min(dims[k], (budget - (total - dims[k]) - 1) / dims[k], maxProduct)) }
        var (model, x, logRow, sumRow, objective) = oneHotModel(name: "core-shape-oa", maxRank: maxRank)
        // The paper's rows at the loosest split: core size ≤ c − Σ I_n, factor size ≤ c − 1.
        model.add(logRow, in: -Double.infinity...(Foundation.log(Double(maxProduct)) + 1e-9))
        model.add(sumRow, in: -Double.infinity...Double(budget - 1))
        model.maximize(objective)
        func addTangent(at product: Double) {
            let t0 = Foundation.log(product)
            // sumRow + product * logRow ≤ c − product (1 − t0)
            var row = sumRow
            row.add(logRow, scale: product)
            model.add(row, in: -Double.infinity...(Double(budget) - product * (1 - t0)))
        }
        var p = 1.0
        while p <= Double(maxProduct) {
            addTangent(at: p)
            p *= 1 + epsilon
        }
        addTangent(at: Double(maxProduct))
        var best = incumbent
        for _ in 0..<10_000 {
            stats.integerPrograms += 1
            let result = try solver.solve(model, options: SolveOptions(relativeGap: 0, absoluteGap: 0, threads: 1))
            guard result.termination == .optimal else {
                if result.termination == .infeasible { return best }
                throw CoreShapeError("\(solver.name) did not solve the core-shape IP: \(result.termination.rawValue) \(result.message ?? "")")
            }
            var shape = [Int](repeating: 1, count: n)
            for k in 0..<n {
                if let j = x[k].indices.max(by: { result[x[k][$0]] < result[x[k][$1]] }) { shape[k] = j + 1 }
            }
            let cand = choice(shape)
            if cand.params <= budget {
                if Self.better(cand, than: best) { best = cand }
                return best
            }
            // The IP optimum bounds every feasible shape: nothing better than the incumbent remains.
            if cand.retainedEnergy <= best.retainedEnergy { return best }
            addTangent(at: Double(shape.reduce(1, *)))
        }
        throw CoreShapeError("the outer approximation did not converge")
    }

    /// Exact optimum: partition the possible core sizes ∏ r_n ∈ [1, P] into (1+ε)-geometric
    /// buckets [L, U]; in each the IP with L ≤ ∏ r_n ≤ U (log rows) and Σ I_n r_n ≤ c − L relaxes the
    /// true constraint, so its optimum bounds the bucket. A bucket is closed when the bound is no
    /// better than the incumbent or the IP's shape is truly feasible; otherwise it is split in two.
    /// A bucket with L = U is exact, so this ends with the proven optimum.
    func exactRefinement(budget: Int, epsilon: Double, incumbent: CoreShapeChoice, solver: any Solver,
                         stats: inout CoreShapeStats) throws -> CoreShapeChoice {
        var best = incumbent
        let maxProduct = min(budget - dims.reduce(0, +), dims.reduce(1) { $0 > Int.max / $1 ? Int.max : $0 * $1 })
        guard maxProduct >= 1 else { return best }
        var buckets: [(Int, Int)] = []
        var low = 1
        while low <= maxProduct {
            let high = min(maxProduct, max(low, Int((Double(low) * (1 + epsilon)).rounded(.down))))
            buckets.append((low, high))
            low = high + 1
        }
        let total = dims.reduce(0, +)
        while let (l, u) = buckets.popLast() {
            // Quick bound without an IP: every mode at its largest rank allowed by the bucket's rows.
            var quick = 0.0
            for k in dims.indices {
                let r = min(dims[k], (budget - l - (total - dims[k])) / dims[k], u)
                quick += r >= 1 ? prefix[k][r] : -Double.infinity
            }
            if quick <= best.retainedEnergy { continue }
            // The IP is solved to a zero gap, so its shape's energy (recomputed exactly) is the bucket's bound.
            guard let (cand, _) = try solveIP(productLow: Double(l), productHigh: Double(u), sumBudget: budget - l, solver: solver, stats: &stats) else { continue }
            if cand.params <= budget {
                if Self.better(cand, than: best) { best = cand }
                continue
            }
            if cand.retainedEnergy <= best.retainedEnergy { continue }
            if l < u {
                let mid = min(u - 1, max(l, Int((Double(l) * Double(u)).squareRoot().rounded(.down))))
                buckets.append((l, mid))
                buckets.append((mid + 1, u))
            }
        }
        return best
    }
}
