import MILP
import Foundation

/// The outcome of one LNS iteration, best first; its index picks the reward.
public enum LNSOutcome: String, Codable, Sendable, CaseIterable {
    case newBest = "new_best"
    case better
    case accepted
    case rejected

    /// Index into the rewards list (`LNSConfig.rewards`): 0 for a new best … 3 for a rejection.
    package var rewardIndex: Int {
        switch self {
        case .newBest: 0
        case .better: 1
        case .accepted: 2
        case .rejected: 3
        }
    }
}

/// A multi-armed bandit over the destroy operators.
public struct LNSBandit: Sendable {
    /// The selection rule.
    public let spec: BanditSpec
    /// Rewards for [new best, better than current, accepted, rejected].
    public let rewards: [Double]
    /// `tries[arm]`: how often each arm was played.
    public private(set) var tries: [Int]
    /// `rewardSums[arm]`: the rewards each arm earned in total.
    public private(set) var rewardSums: [Double]
    /// Thompson sampling: Beta(α, β) per arm, starting at (1, 1); a success is a new best or better.
    public private(set) var alpha: [Double]
    /// Thompson sampling: β per arm, counting failures (accepted or rejected) from 1.
    public private(set) var beta: [Double]

    /// A bandit over `arms` arms (at least one; traps otherwise), none tried yet. `rewards` must have
    /// four entries, indexed by `LNSOutcome.rewardIndex`.
    public init(arms: Int, spec: BanditSpec, rewards: [Double] = [8, 4, 2, 1]) {
        precondition(arms > 0, "a bandit needs at least one arm")
        self.spec = spec
        self.rewards = rewards
        tries = Array(repeating: 0, count: arms)
        rewardSums = Array(repeating: 0, count: arms)
        alpha = Array(repeating: 1, count: arms)
        beta = Array(repeating: 1, count: arms)
    }

    /// The number of arms.
    public var armCount: Int { tries.count }

    /// Mean reward per arm (0 for an arm never tried).
    public var means: [Double] { tries.indices.map { tries[$0] == 0 ? 0 : rewardSums[$0] / Double(tries[$0]) } }

    /// Softmax probabilities exp(mean/τ) normalized (uniform for other bandits).
    public var softmaxProbabilities: [Double] {
        guard case .softmax(let t) = spec else { return Array(repeating: 1 / Double(armCount), count: armCount) }
        let m = means
        let top = m.max() ?? 0
        let weights = m.map { exp(($0 - top) / t) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// Picks the next arm. `pending` lists arms already chosen but not yet updated (the repairs still
    /// running): they count as tried. Softmax, ε-greedy and UCB1 play every arm once, in random
    /// order, before they compare means — an untried arm's mean reads 0, below any reward, so a
    /// single lucky first repair would otherwise decide the whole run.
    public func choose(using rng: inout SplitMix64, pending: [Int] = []) -> Int {
        if spec != .thompson {
            let untried = tries.indices.filter { tries[$0] == 0 && !pending.contains($0) }
            if !untried.isEmpty { return untried[rng.integer(in: 0...(untried.count - 1))] }
        }
        switch spec {
        case .epsilonGreedy(let epsilon):
            if rng.unit() < epsilon { return rng.integer(in: 0...(armCount - 1)) }
            return argmax(means)
        case .softmax:
            let p = softmaxProbabilities
            var u = rng.unit(), arm = 0
            while arm < armCount - 1 && u >= p[arm] {
                u -= p[arm]
                arm += 1
            }
            return arm
        case .thompson:
            return argmax(tries.indices.map { rng.beta(alpha[$0], beta[$0]) })
        case .ucb1(let c):
            // Only when every untried arm is pending: UCB1's bonus needs one try per arm.
            if let untried = tries.firstIndex(of: 0) { return untried }
            let total = Double(tries.reduce(0, +))
            let m = means
            return argmax(tries.indices.map { m[$0] + c * (2 * log(total) / Double(tries[$0])).squareRoot() })
        }
    }

    /// Records the outcome of playing `arm`.
    public mutating func update(arm: Int, outcome: LNSOutcome) {
        tries[arm] += 1
        rewardSums[arm] += rewards[outcome.rewardIndex]
        if outcome == .newBest || outcome == .better { alpha[arm] += 1 } else { beta[arm] += 1 }
    }

    private func argmax(_ values: [Double]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}

/// Decides whether a repaired solution replaces the current one. Objectives are in the
/// minimization sense (multiply by the sense's sign before).
public struct LNSAcceptance: Sendable {
    /// The acceptance rule.
    public let spec: AcceptanceSpec

    /// Wraps `spec`; does not validate it (see ``LNSConfig/validate()``).
    public init(_ spec: AcceptanceSpec) { self.spec = spec }

    /// Temperature of simulated annealing at `fraction` ∈ [0, 1] of the time budget, for objectives of size `scale`.
    public func temperature(at fraction: Double, scale: Double) -> Double {
        guard case .simulatedAnnealing(let start, let end, let cooling) = spec else { return 0 }
        let f = min(max(fraction, 0), 1), s = max(abs(scale), 1e-9)
        switch cooling {
        case .linear: return s * (start + (end - start) * f)
        case .exponential: return s * start * pow(end / start, f)
        }
    }

    /// Record-to-record: the largest allowed excess over the best at `fraction` of the budget.
    public func threshold(at fraction: Double, best: Double) -> Double {
        guard case .recordToRecord(let t) = spec else { return 0 }
        return t * (1 - min(max(fraction, 0), 1)) * abs(best)
    }

    /// Probability of accepting `candidate` (≥ 1 when not worse).
    public func probability(candidate: Double, current: Double, best: Double, fraction: Double) -> Double {
        let tolerance = 1e-9 * max(1, abs(current))
        switch spec {
        case .hillClimbing:
            return candidate <= current + tolerance ? 1 : 0
        case .simulatedAnnealing:
            if candidate <= current + tolerance { return 1 }
            let t = temperature(at: fraction, scale: best)
            return t > 0 ? exp(-(candidate - current) / t) : 0
        case .recordToRecord:
            return candidate <= best + threshold(at: fraction, best: best) + tolerance ? 1 : 0
        }
    }

    /// Draws the decision: true with ``probability(candidate:current:best:fraction:)``, using `rng`
    /// only when that probability is strictly between 0 and 1.
    public func accepts(candidate: Double, current: Double, best: Double, fraction: Double, rng: inout SplitMix64) -> Bool {
        let p = probability(candidate: candidate, current: current, best: best, fraction: fraction)
        if p >= 1 { return true }
        if p <= 0 { return false }
        return rng.unit() < p
    }
}
