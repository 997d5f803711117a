import Foundation
import MILP

/// A destroyed copy of the model, ready for repair.
package struct Neighborhood: Sendable {
    /// The sub-model: the original columns first, then any auxiliary ones.
    public var model: Model
    /// Integer variables left free (not fixed) by the operator.
    public var freeCount: Int
    /// Multiplier of the repair time limit (local branching: 2.5).
    public var timeScale: Double = 1
    /// Values of the auxiliary columns that extend the current solution to a start of the sub-model.
    public var startExtension: [Double] = []
    /// The operator that built it, e.g. "local_branching_0.1 (k=3)".
    public var description: String
}

/// The column structure the operators need, computed once per run.
///
/// An integer column is *dependent* when it has a single row and that row also holds an integer
/// column with other rows (gisp's edge variables: xᵢ + xⱼ − yᵢⱼ ≤ 1 at a cost on yᵢⱼ): once the others
/// are set, its best value follows from that row alone. The operators choose among the other
/// integer columns and leave the dependent ones free, so a neighborhood that frees xᵢ and xⱼ can pay
/// for their edge.
package struct LNSColumns: Sendable {
    /// The integer columns the operators fix and free: every integer column but the dependent ones.
    public let integers: [Int]
    /// Those of `integers` with bounds within [0, 1].
    public let binaries: [Int]
    /// Those of `integers` that are not binary.
    public let generalIntegers: [Int]
    /// Integer columns left free in every neighborhood, each with its one row.
    public let dependents: [(column: Int, row: Int)]
    /// The rows of each column and its coefficients there: `columnRows[columnStarts[c] ..< columnStarts[c + 1]]`.
    let columnStarts: [Int]
    let columnRows: [Int32]
    let columnCoefficients: [Double]
    /// Membership in `integers`, by column.
    let isChosen: [Bool]

    /// The rows column `c` has a coefficient in.
    func rows(of c: Int) -> ArraySlice<Int32> { columnRows[columnStarts[c]..<columnStarts[c + 1]] }

    /// Column `c`'s entries: each row it is in, with its coefficient there.
    func entries(of c: Int) -> some Sequence<(row: Int, a: Double)> {
        let range = columnStarts[c]..<columnStarts[c + 1]
        return zip(columnRows[range], columnCoefficients[range]).lazy.map { (row: Int($0), a: $1) }
    }

    /// Whether two points agree on every integer column the operators choose from (after rounding).
    public func sameIntegerPoint(_ a: [Double], _ b: [Double]) -> Bool {
        integers.allSatisfy { (a[$0] - b[$0]).rounded() == 0 }
    }

    /// Sorts the integer columns of `model` into chosen (binary or general) and dependent ones.
    public init(_ model: Model) {
        // The transposed sparsity pattern, by counting.
        var starts = [Int](repeating: 0, count: model.variableCount + 1)
        for r in 0..<model.constraintCount {
            for c in model.row(model.constraint(at: r)).columns { starts[Int(c) + 1] += 1 }
        }
        for c in 0..<model.variableCount { starts[c + 1] += starts[c] }
        var next = starts, rows = [Int32](repeating: 0, count: starts[model.variableCount])
        var coefficients = [Double](repeating: 0, count: starts[model.variableCount])
        for r in 0..<model.constraintCount {
            let (cs, a) = model.row(model.constraint(at: r))
            for (c, v) in zip(cs, a) {
                rows[next[Int(c)]] = Int32(r)
                coefficients[next[Int(c)]] = v
                next[Int(c)] += 1
            }
        }
        columnStarts = starts
        columnRows = rows
        columnCoefficients = coefficients

        func isSingleton(_ c: Int) -> Bool { starts[c + 1] - starts[c] == 1 }
        func isDependent(_ c: Int) -> Bool {
            isSingleton(c) && model.row(model.constraint(at: Int(rows[starts[c]]))).columns.contains {
                model.kinds[Int($0)].isIntegral && !isSingleton(Int($0))
            }
        }
        var integers: [Int] = [], binaries: [Int] = [], general: [Int] = [], dependents: [(Int, Int)] = []
        var isChosen = [Bool](repeating: false, count: model.variableCount)
        for c in 0..<model.variableCount where model.kinds[c].isIntegral {
            if isDependent(c) {
                dependents.append((c, Int(rows[starts[c]])))
                continue
            }
            integers.append(c)
            isChosen[c] = true
            if model.lowerBounds[c] >= 0 && model.upperBounds[c] <= 1 { binaries.append(c) } else { general.append(c) }
        }
        self.integers = integers
        self.binaries = binaries
        generalIntegers = general
        self.dependents = dependents
        self.isChosen = isChosen
    }

    /// Moves each dependent column of `point` to its best value (by `model`'s objective) that keeps
    /// its row satisfied, given the other columns; a feasible point stays feasible and gets no worse.
    public func settleDependents(_ point: inout [Double], in model: Model) {
        let s = model.sense.sign
        for (c, r) in dependents {
            let (rowColumns, coefficients) = model.row(model.constraint(at: r))
            var others = 0.0, a = 0.0
            for (j, q) in zip(rowColumns, coefficients) {
                if Int(j) == c { a = q } else { others += q * point[Int(j)] }
            }
            guard a != 0 else { continue }
            // L ≤ others + a·v ≤ U, as bounds on v.
            let fromLower = (model.rowLowerBounds[r] - others) / a, fromUpper = (model.rowUpperBounds[r] - others) / a
            let (rowLow, rowHigh) = a > 0 ? (fromLower, fromUpper) : (fromUpper, fromLower)
            let low = (max(rowLow, model.lowerBounds[c]) - 1e-9).rounded(.up)
            let high = (min(rowHigh, model.upperBounds[c]) + 1e-9).rounded(.down)
            guard low <= high else { continue }
            let cost = s * model.objectiveCoefficients[c]
            let best = cost > 0 ? low : cost < 0 ? high : min(max(point[c], low), high)
            if best.isFinite { point[c] = best }
        }
    }

    /// `count` of `integers` (fewer when there are not that many), gathered breadth-first from
    /// `center` through the rows they share; a part of the graph that runs out is followed by
    /// another random one's part.
    public func nearest(_ count: Int, from center: Int, model: Model, rng: inout SplitMix64) -> [Int] {
        var seenColumn = [Bool](repeating: false, count: model.variableCount)
        var seenRow = [Bool](repeating: false, count: model.constraintCount)
        var queue = [center], head = 0, found: [Int] = []
        seenColumn[center] = true
        while found.count < min(count, integers.count) {
            if head == queue.count {  // this part is exhausted: another center
                var pick: Int?
                for _ in 0..<8 where pick == nil {
                    let c = integers[rng.integer(in: 0...(integers.count - 1))]
                    if !seenColumn[c] { pick = c }
                }
                if pick == nil { pick = integers.filter { !seenColumn[$0] }.randomElement(using: &rng) }
                guard let next = pick else { break }
                seenColumn[next] = true
                queue.append(next)
            }
            let c = queue[head]
            head += 1
            if isChosen[c] { found.append(c) }
            for r in columnRows[columnStarts[c]..<columnStarts[c + 1]] where !seenRow[Int(r)] {
                seenRow[Int(r)] = true
                for neighbor in model.row(model.constraint(at: Int(r))).columns where !seenColumn[Int(neighbor)] {
                    seenColumn[Int(neighbor)] = true
                    queue.append(Int(neighbor))
                }
            }
        }
        return found
    }
}

/// The destroy operators of formulations.md §4. Each returns a modified copy of `model` or nil
/// when the operator has nothing to free around this solution.
package enum LNSOperators {
    /// The local-branching radius range's lower end as a fraction of the binaries, for δ ≥ 0.1 (below, δ/2).
    static let localBranchingMinimum = 0.05

    /// Whether `spec` can apply at all to a model with these columns and this root LP.
    public static func applies(_ spec: OperatorSpec, columns: LNSColumns, lp: [Double]?) -> Bool {
        switch spec.kind {
        case .mutation, .randomObjective, .crossover, .graph: return !columns.integers.isEmpty
        case .rins: return lp != nil && !columns.integers.isEmpty
        case .rens: return lp.map { lp in columns.integers.contains { isFractional(lp[$0]) } } ?? false
        case .dins: return lp != nil && !columns.generalIntegers.isEmpty
        case .localBranching, .proximity: return !columns.binaries.isEmpty
        }
    }

    /// Builds the neighborhood of `spec` around `current` (a feasible point of `model`).
    /// `second` is crossover's second solution.
    public static func destroy(
        _ spec: OperatorSpec, model: Model, columns: LNSColumns, current: [Double], lp: [Double]?,
        second: [Double]? = nil, rng: inout SplitMix64
    ) -> Neighborhood? {
        var sub = model
        let δ = spec.rate
        switch spec.kind {
        case .mutation:
            let free = Set(rng.sample(columns.integers, count: fraction(δ, of: columns.integers.count)))
            fix(&sub, columns.integers.filter { !free.contains($0) }, to: current)
            return Neighborhood(model: sub, freeCount: free.count, description: spec.description)

        case .graph:
            guard let center = columns.integers.randomElement(using: &rng) else { return nil }
            let free = Set(columns.nearest(fraction(δ, of: columns.integers.count), from: center, model: model, rng: &rng))
            fix(&sub, columns.integers.filter { !free.contains($0) }, to: current)
            return Neighborhood(model: sub, freeCount: free.count, description: spec.description)

        case .rins:
            guard let lp else { return nil }
            let differing = columns.integers.filter { abs(current[$0] - lp[$0]) > 1e-6 }
            guard !differing.isEmpty else { return nil }
            let free = Set(rng.sample(differing, count: fraction(δ, of: differing.count)))
            fix(&sub, columns.integers.filter { !free.contains($0) }, to: current)
            return Neighborhood(model: sub, freeCount: free.count, description: spec.description)

        case .rens:
            guard let lp else { return nil }
            let fractional = columns.integers.filter { isFractional(lp[$0]) }
            guard !fractional.isEmpty else { return nil }
            let bounded = Set(rng.sample(fractional, count: fraction(δ, of: fractional.count)))
            fix(&sub, columns.integers.filter { !bounded.contains($0) }, to: current)
            for c in bounded.sorted() {
                let v = model.variable(at: c)
                sub.setBounds(of: v, lower: max(lp[c].rounded(.down), model.lowerBounds[c]),
                              upper: min(lp[c].rounded(.up), model.upperBounds[c]))
            }
            return Neighborhood(model: sub, freeCount: bounded.count, description: spec.description)

        case .dins:
            guard let lp else { return nil }
            var free: [Int] = []
            for c in columns.generalIntegers where abs(lp[c] - current[c]) >= 0.5 {
                let d = abs(current[c] - lp[c])
                let lo = max((lp[c] - d - 1e-9).rounded(.up), model.lowerBounds[c])
                let up = min((lp[c] + d + 1e-9).rounded(.down), model.upperBounds[c])
                sub.setBounds(of: model.variable(at: c), lower: lo, upper: up)
                free.append(c)
            }
            guard !free.isEmpty else { return nil }
            let freeSet = Set(free)
            fix(&sub, columns.integers.filter { !freeSet.contains($0) }, to: current)
            return Neighborhood(model: sub, freeCount: free.count, description: spec.description)

        case .localBranching:
            let b = columns.binaries.count
            guard b > 0 else { return nil }
            let (kLow, kHigh) = localBranchingRange(binaries: b, rate: δ)
            let k = rng.integer(in: kLow...kHigh)
            var columnsOut: [Int32] = [], coefficients: [Double] = [], ones = 0
            for c in columns.binaries {
                columnsOut.append(Int32(c))
                if current[c] > 0.5 {
                    coefficients.append(-1)
                    ones += 1
                } else {
                    coefficients.append(1)
                }
            }
            sub.addRow(columns: columnsOut, coefficients: coefficients, lowerBound: -.infinity,
                       upperBound: Double(k - ones), name: "lns_local_branching")
            return Neighborhood(model: sub, freeCount: columns.integers.count, timeScale: 2.5,
                                description: "\(spec.description) (k=\(k))")

        case .proximity:
            let b = columns.binaries.count
            guard b > 0 else { return nil }
            let f = model.objectiveValue(of: current)
            let s = model.sense.sign
            // δ of the gap to the root LP bound (as SCIP's proximity), else of |f̄|: near the optimum a
            // share of |f̄| asks for more than the LP allows (auctions: 2 % of f̄ where 1 % was left),
            // and every such repair runs out of time.
            let scale = lp.map { abs(f - model.objectiveValue(of: $0)) } ?? abs(f)
            let improvement = scale > 0 ? δ * scale : δ
            let bigM = Double(b + 1)
            let z = sub.addVariable(lowerBound: 0, upperBound: .infinity, kind: .continuous, name: "lns_proximity_z")
            // s·cᵀx − z ≤ s·f̄ − s·constant − improvement
            var rowColumns: [Int32] = [], rowCoefficients: [Double] = []
            for c in 0..<model.variableCount where model.objectiveCoefficients[c] != 0 {
                rowColumns.append(Int32(c))
                rowCoefficients.append(s * model.objectiveCoefficients[c])
            }
            rowColumns.append(Int32(z.index))
            rowCoefficients.append(-1)
            sub.addRow(columns: rowColumns, coefficients: rowCoefficients, lowerBound: -.infinity,
                       upperBound: s * f - s * model.objectiveConstant - improvement, name: "lns_proximity_cutoff")
            // Hamming distance to the current solution over the binaries, plus M·z.
            var objective = LinearExpression()
            var constant = 0.0
            for c in columns.binaries {
                if current[c] > 0.5 {
                    objective.add(-1, sub.variable(at: c))
                    constant += 1
                } else {
                    objective.add(1, sub.variable(at: c))
                }
            }
            objective.add(bigM, z)
            objective += constant
            sub.setObjective(objective, sense: .minimize)
            return Neighborhood(model: sub, freeCount: columns.integers.count, startExtension: [improvement],
                                description: spec.description)

        case .randomObjective:
            var objective = LinearExpression()
            for c in columns.integers { objective.add(2 * rng.unit() - 1, sub.variable(at: c)) }
            sub.setObjective(objective, sense: .minimize)
            return Neighborhood(model: sub, freeCount: columns.integers.count, description: spec.description)

        case .crossover:
            guard let second else { return nil }
            let differing = Set(columns.integers.filter { abs(current[$0] - second[$0]) > 0.5 })
            guard !differing.isEmpty else { return nil }
            fix(&sub, columns.integers.filter { !differing.contains($0) }, to: current)
            return Neighborhood(model: sub, freeCount: differing.count, description: spec.description)
        }
    }

    /// The range of the local-branching radius k: [⌈min(0.05, δ/2)·|B|⌉, ⌊δ·|B|⌋], at least 1. The
    /// lower end follows δ below 0.1, so that the adaptive sizes can shrink a radius whose repairs run
    /// out of time (with 0.05·|B| fixed, k stayed at 63–69 on 1,250–1,362 binaries).
    public static func localBranchingRange(binaries: Int, rate: Double) -> (Int, Int) {
        let low = max(1, Int((min(localBranchingMinimum, rate / 2) * Double(binaries)).rounded(.up)))
        let high = max(low, Int((rate * Double(binaries)).rounded(.down)))
        return (low, high)
    }

    /// round(δ·n), at least 1 when n > 0.
    static func fraction(_ rate: Double, of n: Int) -> Int {
        n == 0 ? 0 : min(n, max(1, Int((rate * Double(n)).rounded())))
    }

    static func isFractional(_ x: Double) -> Bool { abs(x - x.rounded()) > 1e-6 }

    /// Fixes each column to its (rounded, clamped) value in `values`.
    static func fix(_ model: inout Model, _ columns: [Int], to values: [Double]) {
        for c in columns {
            let v = min(max(values[c].rounded(), model.lowerBounds[c]), model.upperBounds[c])
            model.setBounds(of: model.variable(at: c), lower: v, upper: v)
        }
    }
}
