import MILP

extension Generators {
    /// The data of a capacitated facility location instance.
    public struct FacilityLocationData: Sendable {
        /// Integer demands d_i in 5...35.
        public let demands: [Int]
        /// Integer capacities C_j, scaled so that Σ C_j ≈ ratio · Σ d_i (truncation makes it slightly less).
        public let capacities: [Int]
        /// Integer fixed opening costs f_j.
        public let fixedCosts: [Int]
        /// Cost of serving all of customer i's demand from facility j: 10 · d_i · distance(i, j).
        public let transportCosts: [[Double]]

        /// The number of customers.
        public var customers: Int { demands.count }
        /// The number of candidate facilities.
        public var facilities: Int { capacities.count }
    }

    /// Draws a capacitated facility location instance (Cornuéjols, Sridharan & Thizy 1991, as in
    /// learn2branch and Ecole).
    ///
    /// Recipe: customers and facilities are uniform points in the unit square; demands
    /// d_i ∈ U{5…35}; raw capacities s_j ∈ U{10…160}; fixed costs f_j = ⌊U{100…110} · √s_j + U{0…90}⌋;
    /// capacities are rescaled to C_j = ⌊s_j · ratio · Σ d / Σ s⌋ so that total capacity is `ratio`
    /// times total demand; serving customer i from j costs 10 · d_i · ‖i − j‖.
    public static func facilityLocationData(customers: Int, facilities: Int, ratio: Double, seed: UInt64) -> FacilityLocationData {
        precondition(customers > 0 && facilities > 0 && ratio > 0, "bad facility-location parameters")
        var rng = SplitMix64(seed: seed)
        let cx = (0..<customers).map { _ in rng.unit() }
        let cy = (0..<customers).map { _ in rng.unit() }
        let fx = (0..<facilities).map { _ in rng.unit() }
        let fy = (0..<facilities).map { _ in rng.unit() }
        let demands = (0..<customers).map { _ in rng.int(in: 5...35) }
        let raw = (0..<facilities).map { _ in rng.int(in: 10...160) }
        let scale = (0..<facilities).map { _ in rng.int(in: 100...110) }
        let offset = (0..<facilities).map { _ in rng.int(in: 0...90) }
        let fixedCosts = (0..<facilities).map { j in
            Int((Double(scale[j]) * Double(raw[j]).squareRoot() + Double(offset[j])).rounded(.down))
        }
        let totalDemand = Double(demands.reduce(0, +)), totalRaw = Double(raw.reduce(0, +))
        let capacities = raw.map { Int((Double($0) * ratio * totalDemand / totalRaw).rounded(.down)) }
        let transport = (0..<customers).map { i in
            (0..<facilities).map { j in
                let dx = cx[i] - fx[j], dy = cy[i] - fy[j]
                return (dx * dx + dy * dy).squareRoot() * 10 * Double(demands[i])
            }
        }
        return FacilityLocationData(demands: demands, capacities: capacities, fixedCosts: fixedCosts, transportCosts: transport)
    }

    /// Capacitated facility location with the learn2branch formulation (Ecole
    /// `CapacitatedFacilityLocationGenerator` with continuous assignment):
    ///
    ///     min Σ_ij t_ij x_ij + Σ_j f_j y_j
    ///     demand[i]:        Σ_j x_ij ≥ 1                 ∀ customers i
    ///     capacity[j]:      Σ_i d_i x_ij − C_j y_j ≤ 0    ∀ facilities j
    ///     total_capacity:   Σ_j C_j y_j ≥ Σ_i d_i         (redundant, tightens the LP)
    ///     affectation[i,j]: x_ij − y_j ≤ 0                (redundant, tightens the LP)
    ///     0 ≤ x_ij ≤ 1,  y_j ∈ {0, 1}
    ///
    /// Defaults: 100 customers, 100 facilities, ratio 5 — 10,100 columns, 10,201 rows, 40,200
    /// nonzeros. Called `cfl_<customers>c_<facilities>f_<ratio>r_s<seed>`. This is a different
    /// distribution from `facilityLocation(clients:facilities:)`, the model-building benchmark.
    public static func capacitatedFacilityLocation(customers: Int = 100, facilities: Int = 100, ratio: Double = 5, seed: UInt64 = 1) -> Model {
        let data = facilityLocationData(customers: customers, facilities: facilities, ratio: ratio, seed: seed)
        var m = Model(name: "cfl_\(customers)c_\(facilities)f_\(tag(ratio))r_s\(seed)")
        m.reserveCapacity(variables: customers * facilities + facilities, constraints: customers * facilities + customers + facilities + 1,
                          nonzeros: 4 * customers * facilities + 2 * facilities)
        let x = m.addVariables(customers, facilities, upperBound: 1, name: "x")
        let y = m.addVariables(facilities, kind: .binary, name: "y")
        for i in 0..<customers {
            m.add(x.row(i).sum() >= 1, name: "demand[\(i)]")
        }
        for j in 0..<facilities {
            m.add(sum(0..<customers) { Double(data.demands[$0]) * x[$0, j] } - Double(data.capacities[j]) * y[j] <= 0,
                  name: "capacity[\(j)]")
        }
        let totalDemand = Double(data.demands.reduce(0, +))
        m.add(sum(0..<facilities) { Double(data.capacities[$0]) * y[$0] } >= totalDemand, name: "total_capacity")
        for i in 0..<customers {
            for j in 0..<facilities {
                m.add(x[i, j] - y[j] <= 0, name: "affectation[\(i),\(j)]")
            }
        }
        var cost = LinearExpression(reservingCapacity: customers * facilities + facilities)
        for i in 0..<customers {
            for j in 0..<facilities { cost += data.transportCosts[i][j] * x[i, j] }
        }
        for j in 0..<facilities { cost += Double(data.fixedCosts[j]) * y[j] }
        m.minimize(cost)
        return m
    }
}
