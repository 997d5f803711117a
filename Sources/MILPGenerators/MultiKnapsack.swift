import MILP

extension Generators {
    /// The data of a multi-dimensional knapsack instance.
    public struct KnapsackData: Sendable {
        /// `weights[i][j]`: weight of item j in knapsack (dimension) i, in 1...1000.
        public let weights: [[Int]]
        /// Integer capacities b_i = ⌊tightness · Σ_j w_ij⌋.
        public let capacities: [Int]
        /// Integer profits p_j = ⌊Σ_i w_ij / m + 500 u_j⌋, u_j ~ U[0, 1).
        public let profits: [Int]

        /// The number of items (columns).
        public var items: Int { profits.count }
        /// The number of knapsacks (capacity rows).
        public var knapsacks: Int { capacities.count }
    }

    /// Draws a multi-dimensional knapsack instance with the OR-Library recipe of Chu & Beasley
    /// (1998, "A genetic algorithm for the multidimensional knapsack problem"; the mknapcb sets).
    ///
    /// Recipe: weights w_ij uniform integers in 1...1000 (Chu & Beasley use 0...1000; 0 is left
    /// out so every weight is positive), capacities b_i = ⌊tightness · Σ_j w_ij⌋ (OR-Library uses
    /// tightness 0.25, 0.5 and 0.75), profits correlated with the weights: p_j = ⌊Σ_i w_ij / m +
    /// 500 u_j⌋ with u_j ~ U[0, 1).
    public static func knapsackData(items: Int, knapsacks: Int, tightness: Double, seed: UInt64) -> KnapsackData {
        precondition(items > 0 && knapsacks > 0 && tightness > 0 && tightness <= 1, "bad knapsack parameters")
        var rng = SplitMix64(seed: seed)
        let weights = (0..<knapsacks).map { _ in (0..<items).map { _ in rng.int(in: 1...1000) } }
        let capacities = weights.map { Int((tightness * Double($0.reduce(0, +))).rounded(.down)) }
        let profits = (0..<items).map { j in
            let meanWeight = Double(weights.reduce(0) { $0 + $1[j] }) / Double(knapsacks)
            return Int((meanWeight + 500 * rng.unit()).rounded(.down))
        }
        return KnapsackData(weights: weights, capacities: capacities, profits: profits)
    }

    /// Multi-dimensional 0-1 knapsack:
    ///
    ///     max Σ_j p_j x_j   s.t.  Σ_j w_ij x_j ≤ b_i  ∀ knapsacks i (`capacity[i]`),   x_j ∈ {0, 1}
    ///
    /// Defaults: 100 items, 5 knapsacks, tightness 0.5 (the smallest OR-Library mknapcb class).
    /// Called `knapsack_<items>i_<knapsacks>k_<tightness>t_s<seed>`. See `knapsackData` for the recipe.
    public static func multiKnapsack(items: Int = 100, knapsacks: Int = 5, tightness: Double = 0.5, seed: UInt64 = 1) -> Model {
        let data = knapsackData(items: items, knapsacks: knapsacks, tightness: tightness, seed: seed)
        var m = Model(name: "knapsack_\(items)i_\(knapsacks)k_\(tag(tightness))t_s\(seed)")
        m.reserveCapacity(variables: items, constraints: knapsacks, nonzeros: items * knapsacks)
        let x = m.addVariables(items, kind: .binary, name: "x")
        for i in 0..<knapsacks {
            m.add(sum(0..<items) { Double(data.weights[i][$0]) * x[$0] } <= Double(data.capacities[i]), name: "capacity[\(i)]")
        }
        m.maximize(sum(0..<items) { Double(data.profits[$0]) * x[$0] })
        return m
    }
}
