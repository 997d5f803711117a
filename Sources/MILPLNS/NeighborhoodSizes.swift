import MILP

/// How a repair's sub-MIP ended: what the neighborhood sizes learn from.
struct RepairReport: Sendable {
    /// The sub-MIP's termination; nil when no sub-MIP was solved (no neighborhood, no time).
    var termination: TerminationReason?
    /// Seconds the repair took.
    var seconds: Double
    /// Its time limit.
    var limit: Double
}

/// Each operator's neighborhood size follows its repairs (as Balans adapts its destroy rates): a
/// sub-MIP that runs out of time makes the next neighborhood of that operator smaller; one solved
/// to the end in under half its limit without improving makes it larger (a small neighborhood
/// solved at once holds nothing better). Operators without a rate (dins, random_objective,
/// crossover) keep theirs.
struct NeighborhoodSizes {
    /// The factor on each arm's configured rate.
    private(set) var scales: [Double]
    let enabled: Bool
    static let shrink = 0.8, grow = 1.25
    static let scales = 0.1...4.0, rates = 0.02...1.0

    init(arms: Int, enabled: Bool) {
        scales = Array(repeating: 1, count: arms)
        self.enabled = enabled
    }

    /// `spec` at arm's current size.
    func spec(_ spec: OperatorSpec, arm: Int) -> OperatorSpec {
        guard enabled else { return spec }
        var s = spec
        s.rate = min(max(spec.rate * scales[arm], Self.rates.lowerBound), Self.rates.upperBound)
        return s
    }

    /// Learns from a repair of arm's operator; `improved` when it found a better solution.
    mutating func update(arm: Int, spec: OperatorSpec, repair: RepairReport, improved: Bool) {
        guard enabled, [.mutation, .rins, .rens, .localBranching, .proximity, .graph].contains(spec.kind),
              let termination = repair.termination else { return }
        var scale = scales[arm]
        if termination == .limitReached {
            scale *= Self.shrink
        } else if [.optimal, .infeasible].contains(termination), repair.seconds < 0.5 * repair.limit, !improved {
            scale *= Self.grow
        }
        // The scale stays where it still changes the rate.
        let lowest = max(Self.scales.lowerBound, Self.rates.lowerBound / spec.rate)
        let highest = min(Self.scales.upperBound, Self.rates.upperBound / spec.rate)
        scales[arm] = min(max(scale, lowest), max(highest, lowest))
    }
}
