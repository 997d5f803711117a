import MILP

/// Model generators used by the CLI, the benchmarks and the tests.
public enum Generators {
    /// Capacitated facility location: open facilities (y_j binary, fixed cost f_j) and assign each
    /// client's demand (x_ij ∈ [0, 1], fraction served by j) at minimum cost:
    ///
    ///     min Σ f_j y_j + Σ c_ij x_ij
    ///     Σ_j x_ij = 1 ∀i,   x_ij ≤ y_j ∀i,j,   Σ_i d_i x_ij ≤ C_j y_j ∀j
    ///
    /// Clients and facilities are random points in the unit square; c_ij is demand × distance.
    /// 2000 × 100 gives 200,100 columns, 202,100 rows and 800,100 nonzeros.
    public static func facilityLocation(clients: Int, facilities: Int, seed: UInt64 = 1, names: Bool = false) -> Model {
        var rng = SplitMix64(seed: seed)
        let clientXY = (0..<clients).map { _ in (rng.unit(), rng.unit()) }
        let siteXY = (0..<facilities).map { _ in (rng.unit(), rng.unit()) }
        let demand = (0..<clients).map { _ in rng.uniform(5...35).rounded() }
        let totalDemand = demand.reduce(0, +)
        // Capacities add up to about 3× the demand, so several facilities must open.
        let capacity = (0..<facilities).map { _ in (rng.uniform(1.5...4.5) * totalDemand / Double(facilities)).rounded() }
        let fixedCost = (0..<facilities).map { _ in rng.uniform(200...600).rounded() }

        var m = Model(name: "cfl_\(clients)_\(facilities)")
        m.reserveCapacity(variables: facilities + clients * facilities, constraints: clients + clients * facilities + facilities,
                          nonzeros: 4 * clients * facilities + facilities)
        let open = m.addVariables(facilities, kind: .binary, name: names ? "y" : nil)
        let serve = m.addVariables(clients, facilities, upperBound: 1, name: names ? "x" : nil)
        for i in 0..<clients {
            m.add(serve.row(i).sum() == 1, name: names ? "assign[\(i)]" : nil)
        }
        for i in 0..<clients {
            for j in 0..<facilities {
                m.add(serve[i, j] <= open[j], name: names ? "link[\(i),\(j)]" : nil)
            }
        }
        for j in 0..<facilities {
            m.add(sum(0..<clients) { demand[$0] * serve[$0, j] } <= capacity[j] * open[j], name: names ? "capacity[\(j)]" : nil)
        }
        var cost = LinearExpression(reservingCapacity: facilities + clients * facilities)
        for j in 0..<facilities { cost += fixedCost[j] * open[j] }
        for i in 0..<clients {
            for j in 0..<facilities {
                let dx = clientXY[i].0 - siteXY[j].0, dy = clientXY[i].1 - siteXY[j].1
                cost += (demand[i] * (dx * dx + dy * dy).squareRoot() * 100).rounded() / 100 * serve[i, j]
            }
        }
        m.minimize(cost)
        return m
    }

    /// n-Queens as a MILP: place as many queens as possible on an n × n board with at most one per
    /// row, column and diagonal (optimum n for n ≥ 4). n = 1000: 1M binaries, 5,994 rows, 4M nonzeros.
    public static func queens(_ n: Int) -> Model {
        var m = Model(name: "queens_\(n)")
        m.reserveCapacity(variables: n * n, constraints: 6 * n, nonzeros: 4 * n * n)
        let x = m.addVariables(n, n, kind: .binary)
        for i in 0..<n { m.add(x.row(i).sum() <= 1) }
        for j in 0..<n { m.add(x.column(j).sum() <= 1) }
        // Diagonals i − j = k and anti-diagonals i + j = k with at least two cells.
        for k in -(n - 2)...(n - 2) {
            m.add(sum(max(0, k)..<min(n, n + k)) { i in x[i, i - k] } <= 1)
        }
        for k in 1...(2 * n - 3) {
            m.add(sum(max(0, k - n + 1)...min(n - 1, k)) { i in x[i, k - i] } <= 1)
        }
        m.maximize(x.all.sum())
        return m
    }
}
