import MILP

// Distributional instance generators: seeded families of MILPs that follow the recipes of the
// learn2branch benchmark (Gasse et al., "Exact Combinatorial Optimization with Graph
// Convolutional Neural Networks", NeurIPS 2019) and Ecole, so that many instances can be drawn
// from the same distribution:
//
//   setCover                     Balas & Ho (1980) set covering, 500 rows × 1000 columns, density 0.05
//   combinatorialAuction         Leyton-Brown, Pearson & Shoham (2000) "arbitrary" bids, 100 items, 500 bids
//   capacitatedFacilityLocation  Cornuéjols, Sridharan & Thizy (1991), 100 customers × 100 facilities, ratio 5
//   independentSet               maximum independent set on a Barabási–Albert graph, 500 nodes, affinity 4
//   multiKnapsack                Chu & Beasley (1998) OR-Library-style multi-dimensional knapsack, 100 items × 5
//
// Every generator is a pure function of its parameters and seed: it draws from `SplitMix64` with
// the integer and sampling helpers below (not the standard library's, whose algorithms are not
// promised to stay the same), and uses only IEEE-exact arithmetic (+, −, ×, ÷, √ and the
// `DeterministicMath` power below, never the platform's libm), so the same seed writes a
// byte-identical MPS file on every platform. Variables and rows are named, and the model name
// encodes the distribution and the seed, e.g. `setcover_500r_1000c_0.05d_s7`.

extension SplitMix64 {
    /// A uniform integer in `0..<bound` (rejection sampling: no modulo bias).
    mutating func int(below bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        let n = UInt64(bound)
        let threshold = (0 &- n) % n  // 2^64 mod n: draws below it would favour small values
        while true {
            let r = next()
            if r >= threshold { return Int(r % n) }
        }
    }

    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(below: range.upperBound - range.lowerBound + 1)
    }

    /// Fisher–Yates: a uniformly random order of `values`.
    mutating func shuffle(_ values: inout [Int]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, int(below: i + 1))
        }
    }

    /// `count` distinct elements of `pool` chosen uniformly (a partial Fisher–Yates shuffle of the
    /// pool's front, which is left reordered; any arrangement of the pool is a valid start).
    mutating func sample(_ count: Int, from pool: inout [Int]) -> ArraySlice<Int> {
        precondition(count <= pool.count, "cannot draw \(count) of \(pool.count)")
        for i in 0..<count { pool.swapAt(i, i + int(below: pool.count - i)) }
        return pool[0..<count]
    }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    mutating func index(weightedBy weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        precondition(total > 0, "all weights are zero")
        let target = unit() * total
        var cumulative = 0.0
        var last = 0
        for (i, w) in weights.enumerated() where w > 0 {
            cumulative += w
            if target < cumulative { return i }
            last = i
        }
        return last  // rounding put the target at the very end
    }
}

/// `x^y` for x > 0 from +, −, ×, ÷ only, so results do not depend on the platform's libm.
/// Accurate to a few ulps, which is all the generators need (bundle-size premiums in auctions).
enum DeterministicMath {
    static let ln2 = 0.693_147_180_559_945_3

    static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "log of \(x)")
        var e = Int(x.exponent)
        var m = x.significand  // x = m · 2^e, m ∈ [1, 2)
        if m > 1.414_213_562_373_095_1 { m /= 2; e += 1 }  // m ∈ [0.707, 1.414]
        // ln m = 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172: the odd series converges fast.
        let s = (m - 1) / (m + 1), s2 = s * s
        var power = s, series = 0.0
        for k in 0..<24 {
            series += power / Double(2 * k + 1)
            power *= s2
        }
        return 2 * series + Double(e) * ln2
    }

    static func exp(_ y: Double) -> Double {
        precondition(y.isFinite && abs(y) < 700, "exp of \(y)")
        let n = (y / ln2).rounded()
        let r = y - n * ln2  // |r| ≤ 0.35
        var term = 1.0, series = 1.0
        for k in 1...24 {
            term *= r / Double(k)
            series += term
        }
        return Double(sign: .plus, exponent: Int(n), significand: series)
    }

    static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 || x == 1 { return 1 }
        if y == 1 { return x }
        return exp(y * log(x))
    }
}

extension Generators {
    /// A parameter as it appears in a model name: `5`, `0.05`, `2.5`.
    static func tag(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
