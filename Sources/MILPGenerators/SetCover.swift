import MILP

extension Generators {
    /// A set-cover instance as data: which rows each column covers, and the column costs.
    public struct SetCoverData: Sendable {
        /// The number of rows (elements to cover).
        public let rows: Int
        /// `columnRows[j]`: the rows column j covers, ascending.
        public let columnRows: [[Int]]
        /// Integer costs in 1...maxCost.
        public let costs: [Int]

        /// The number of columns (candidate sets).
        public var columns: Int { columnRows.count }
        /// The number of ones in the matrix (computed on each access).
        public var nonzeros: Int { columnRows.reduce(0) { $0 + $1.count } }
    }

    /// Draws the data of a set-cover instance (Balas & Ho 1980, as in learn2branch and Ecole).
    ///
    /// Recipe: the matrix has `nnz = ⌊rows · columns · density⌋` ones (raised if needed to
    /// `max(rows, 2 · columns)`, at most `rows · columns`). Every column first gets 2 entries
    /// (1 when there is a single row); each remaining entry goes to a uniformly chosen column.
    /// Columns are then filled in order, reading positions `0..<nnz` of a column-major layout:
    /// positions `0..<rows` are a random permutation of the rows (so every row is covered by at
    /// least one column), the column straddling position `rows` is completed with distinct rows
    /// it does not already have, and later columns get uniformly chosen distinct rows. Costs are
    /// uniform integers in `1...maxCost`.
    public static func setCoverData(rows: Int, columns: Int, density: Double, maxCost: Int = 100, seed: UInt64) -> SetCoverData {
        precondition(rows > 0 && columns > 0 && density > 0 && density <= 1 && maxCost >= 1, "bad set-cover parameters")
        var rng = SplitMix64(seed: seed)
        let perColumn = min(2, rows)
        let target = Int(Double(rows) * Double(columns) * density)
        let nnz = min(rows * columns, max(target, rows, perColumn * columns))

        var counts = [Int](repeating: perColumn, count: columns)
        for _ in 0..<(nnz - perColumn * columns) {
            var j = rng.int(below: columns)
            while counts[j] == rows { j = rng.int(below: columns) }
            counts[j] += 1
        }

        var permutation = Array(0..<rows)
        rng.shuffle(&permutation)
        var pool = Array(0..<rows)
        var columnRows: [[Int]] = []
        columnRows.reserveCapacity(columns)
        var position = 0
        for j in 0..<columns {
            let n = counts[j]
            var chosen: [Int]
            if position >= rows {
                chosen = Array(rng.sample(n, from: &pool))
            } else if position + n <= rows {
                chosen = Array(permutation[position..<(position + n)])
            } else {
                chosen = Array(permutation[position..<rows])
                let taken = Set(chosen)
                var remaining = (0..<rows).filter { !taken.contains($0) }
                chosen += rng.sample(position + n - rows, from: &remaining)
            }
            chosen.sort()
            columnRows.append(chosen)
            position += n
        }
        let costs = (0..<columns).map { _ in rng.int(in: 1...maxCost) }
        return SetCoverData(rows: rows, columnRows: columnRows, costs: costs)
    }

    /// Minimum-cost set cover (learn2branch "setcover", Ecole `SetCoverGenerator`):
    ///
    ///     min Σ c_j x_j   s.t.  Σ_{j covers i} x_j ≥ 1  ∀ rows i,   x_j ∈ {0, 1}
    ///
    /// Defaults are the learn2branch training distribution: 500 rows, 1000 columns, density 0.05,
    /// costs 1...100 (25,000 nonzeros). Variables `x[j]`, rows `cover[i]`; the model is called
    /// `setcover_<rows>r_<columns>c_<density>d_s<seed>`. See `setCoverData` for the recipe.
    public static func setCover(rows: Int = 500, columns: Int = 1000, density: Double = 0.05, maxCost: Int = 100, seed: UInt64 = 1) -> Model {
        let data = setCoverData(rows: rows, columns: columns, density: density, maxCost: maxCost, seed: seed)
        var rowColumns = [[Int]](repeating: [], count: rows)
        for (j, covered) in data.columnRows.enumerated() {
            for i in covered { rowColumns[i].append(j) }
        }
        var m = Model(name: "setcover_\(rows)r_\(columns)c_\(tag(density))d_s\(seed)")
        m.reserveCapacity(variables: columns, constraints: rows, nonzeros: data.nonzeros)
        let x = m.addVariables(columns, kind: .binary, name: "x")
        for i in 0..<rows {
            m.add(sum(rowColumns[i]) { x[$0] } >= 1, name: "cover[\(i)]")
        }
        m.minimize(sum(0..<columns) { Double(data.costs[$0]) * x[$0] })
        return m
    }
}
