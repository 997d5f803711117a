import Foundation
import MILP

/// The draws an LNS run needs, on the project's seeded generator: every random choice of a run
/// comes from one `SplitMix64`.
extension SplitMix64 {
    /// Standard normal (Box–Muller).
    package mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted).
    package mutating func gamma(shape: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1) * pow(max(unit(), 1e-300), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = unit()
            if u < 1 - 0.0331 * x * x * x * x || log(max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Beta(α, β).
    package mutating func beta(_ alpha: Double, _ beta: Double) -> Double {
        let x = gamma(shape: alpha), y = gamma(shape: beta)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// `count` distinct elements of `items`, in random order.
    package mutating func sample<T>(_ items: [T], count: Int) -> [T] {
        var pool = items
        let k = min(max(count, 0), pool.count)
        for i in 0..<k {
            let j = i + Int(next() % UInt64(pool.count - i))
            pool.swapAt(i, j)
        }
        return Array(pool.prefix(k))
    }

    /// A uniform integer in `range`.
    package mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
