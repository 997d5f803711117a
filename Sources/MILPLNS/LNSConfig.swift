import Foundation
import MILP

/// A destroy operator and its rate δ (the fraction of the problem it frees or its size parameter).
public struct OperatorSpec: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The destroy operators (Balans' set, plus `graph`); the raw values are the JSON names.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case mutation, rins, rens, dins
        case localBranching = "local_branching"
        case proximity
        case randomObjective = "random_objective"
        case crossover
        /// Not in Balans: the integer variables nearest a random one in the graph of variables
        /// and the rows they share (breadth-first), as SCIP's graph-induced neighborhood search.
        case graph
    }

    /// The operator.
    public var kind: Kind
    /// δ in (0, 1]; ignored by dins, random_objective and crossover.
    public var rate: Double

    /// An operator with rate δ (not validated here: see ``LNSConfig/validate()``).
    public init(_ kind: Kind, rate: Double = 0.25) {
        self.kind = kind
        self.rate = rate
    }

    enum CodingKeys: String, CodingKey { case kind = "name", rate }

    /// Reads `{"name": ..., "rate": ...}`; a missing rate is 0.25, an unknown name throws an ``LNSConfigError``.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: name) else {
            throw LNSConfigError("unknown operator \"\(name)\"; known: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.kind = kind
        rate = try container.decodeIfPresent(Double.self, forKey: .rate) ?? 0.25
    }

    /// The operator's name as in traces and statistics, e.g. "rins_0.25" or "dins".
    public var description: String {
        switch kind {
        case .dins, .randomObjective, .crossover: kind.rawValue
        default: "\(kind.rawValue)_\(formatNumber(rate))"
        }
    }
}

/// How the next operator is chosen. In JSON: a name (`"thompson"`, `"softmax"`, `"epsilon_greedy"`,
/// `"ucb1"`, parameters at their defaults) or an object such as `{"name": "softmax", "temperature": 1.36}`.
public enum BanditSpec: Codable, Sendable, Equatable {
    case epsilonGreedy(epsilon: Double)
    case softmax(temperature: Double)
    /// Beta-Bernoulli Thompson sampling; a success is a new best or a better solution.
    case thompson
    case ucb1(exploration: Double)
}

/// Whether a repaired solution replaces the current one. In JSON: a name (`"hill_climbing"`,
/// `"simulated_annealing"`, `"record_to_record"`) or an object such as
/// `{"name": "simulated_annealing", "start": 0.05, "end": 0.005, "cooling": "linear"}`.
public enum AcceptanceSpec: Codable, Sendable, Equatable {
    /// How the annealing temperature falls over the time budget.
    public enum Cooling: String, Codable, Sendable { case linear, exponential }
    /// Accept when not worse than the current solution.
    case hillClimbing
    /// Accept a worse solution with probability exp(−Δ/T); T falls from `start` to `end` (as
    /// fractions of |incumbent objective|) over the time budget.
    case simulatedAnnealing(start: Double, end: Double, cooling: Cooling)
    /// Accept when within `threshold` · |best| of the best, the threshold shrinking to 0 over time.
    case recordToRecord(threshold: Double)
}

/// Settings of an LNS run. The defaults work out of the box.
public struct LNSConfig: Codable, Sendable, Equatable {
    /// Seed of every random choice (operators, neighborhoods, objectives).
    public var seed: UInt64 = 1
    /// Wall-clock budget of the whole run, initial solve included.
    public var timeLimit: Double = 60
    /// Budget of the initial solve, as a fraction of `timeLimit`.
    public var initialFraction: Double = 0.2
    /// How long the initial solve may go on past `initialFraction` (a fraction of `timeLimit`; one
    /// below `initialFraction` means not at all) while its relative gap stays at most `initialGap`:
    /// a branch and bound that close to its bound usually finds more than repairs of fixed
    /// neighborhoods (multiple knapsacks: within 0.3 % of the LP bound at thousands of nodes a
    /// second, where every repair but local branching was rejected).
    public var initialMaxFraction: Double = 0.5
    /// The relative gap (|incumbent − bound| / |incumbent|) below which the initial solve goes on.
    public var initialGap: Double = 0.005
    /// Time limit of one repair (sub-MIP); local branching gets 2.5 times as much.
    public var repairTimeLimit: Double = 5
    /// CBC's MIP preprocessing in the repairs (`SolveOptions.preprocessing`).
    public var repairPreprocessing = true
    /// Stop after this many iterations (nil: only the time limit).
    public var maxIterations: Int?
    /// The destroy operators, one bandit arm each.
    public var operators: [OperatorSpec] = LNSConfig.defaultOperators
    /// How the next operator is chosen.
    public var bandit: BanditSpec = .softmax(temperature: 1.36)
    /// Whether a repaired solution replaces the current one.
    public var acceptance: AcceptanceSpec = .hillClimbing
    /// Rewards for [new best, better than current, accepted, rejected].
    public var rewards: [Double] = [8, 4, 2, 1]
    /// Repairs solved at once (each with its own operator) when the solver allows concurrent
    /// solves (`Solver.allowsConcurrentSolves`, e.g. one process per solve); otherwise 1. With
    /// `adaptiveRepairCount`, the most at once.
    public var parallelRepairs: Int = 2
    /// Whether the repairs at once follow the cores other processes leave free (their runnable
    /// threads, sampled from /proc during the run and read before each round, rounded, between 1
    /// and `parallelRepairs`): on a busy machine, repairs that would share a core run one after the
    /// other instead.
    public var adaptiveRepairCount = true
    /// Whether one of the `parallelRepairs` slots goes to a plain solve of the full model for the
    /// whole time limit, beside the LNS (a portfolio: where branch and bound beats every
    /// neighborhood, its solution is returned). Needs a solver that allows concurrent solves and 2
    /// slots or more. Off by default: it halves the repairs (docs/lns.md has the measurements).
    public var fullSolveWorker = false
    /// Whether each operator's rate follows its repairs: smaller after a sub-MIP that ran out of
    /// time, larger after one solved in under half its limit without improving.
    public var adaptiveSizes = true

    /// Balans' ten default arms and two graph neighborhoods (on beasleyC3 at 300 s, the graph arms
    /// found 11 of the 26 new bests and the run ended at 755 instead of 776; docs/lns.md).
    public static let defaultOperators: [OperatorSpec] = [
        .init(.mutation, rate: 0.25), .init(.mutation, rate: 0.5), .init(.rins, rate: 0.25), .init(.rins, rate: 0.5),
        .init(.rens, rate: 0.5), .init(.dins), .init(.localBranching, rate: 0.1), .init(.localBranching, rate: 0.25),
        .init(.proximity, rate: 0.05), .init(.crossover), .init(.graph, rate: 0.1), .init(.graph, rate: 0.25),
    ]

    /// The default settings.
    public init() {}

    /// Reads a JSON config; missing keys keep their defaults.
    public static func read(path: String) throws -> LNSConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw LNSConfigError("\(path): cannot read the LNS config") }
        do {
            let config = try JSONDecoder().decode(LNSConfig.self, from: data)
            try config.validate()
            return config
        } catch let error as LNSConfigError {
            throw LNSConfigError("\(path): \(error.description)")
        } catch {
            throw LNSConfigError("\(path): not a valid LNS config: \(error)")
        }
    }

    /// Throws a descriptive error for a setting out of range.
    public func validate() throws {
        guard timeLimit > 0, timeLimit.isFinite else { throw LNSConfigError("time_limit must be a positive number of seconds") }
        guard repairTimeLimit > 0 else { throw LNSConfigError("repair_time_limit must be positive") }
        guard initialFraction > 0, initialFraction < 1 else { throw LNSConfigError("initial_fraction must be in (0, 1)") }
        guard initialMaxFraction > 0, initialMaxFraction < 1 else { throw LNSConfigError("initial_max_fraction must be in (0, 1)") }
        guard initialGap >= 0 else { throw LNSConfigError("initial_gap must be ≥ 0") }
        guard !operators.isEmpty else { throw LNSConfigError("operators must not be empty") }
        for op in operators where !(op.rate > 0 && op.rate <= 1) {
            throw LNSConfigError("operator \(op.kind.rawValue): rate \(op.rate) is outside (0, 1]")
        }
        guard rewards.count == 4, rewards.allSatisfy({ $0 >= 0 }) else { throw LNSConfigError("rewards must be 4 non-negative numbers") }
        if let maxIterations, maxIterations < 0 { throw LNSConfigError("max_iterations must be ≥ 0") }
        guard (1...64).contains(parallelRepairs) else { throw LNSConfigError("parallel_repairs must be between 1 and 64") }
        switch bandit {
        case .epsilonGreedy(let e) where !(0...1).contains(e): throw LNSConfigError("epsilon must be in [0, 1]")
        case .softmax(let t) where !(t > 0): throw LNSConfigError("softmax temperature must be positive")
        case .ucb1(let c) where !(c >= 0): throw LNSConfigError("ucb1 exploration must be ≥ 0")
        default: break
        }
        switch acceptance {
        case .simulatedAnnealing(let start, let end, _) where !(start > 0 && end > 0 && end <= start):
            throw LNSConfigError("simulated annealing needs 0 < end ≤ start")
        case .recordToRecord(let threshold) where !(threshold >= 0):
            throw LNSConfigError("record-to-record threshold must be ≥ 0")
        default: break
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seed, timeLimit = "time_limit", initialFraction = "initial_fraction", initialMaxFraction = "initial_max_fraction"
        case initialGap = "initial_gap", repairTimeLimit = "repair_time_limit"
        case repairPreprocessing = "repair_preprocessing"
        case maxIterations = "max_iterations", operators, bandit, acceptance, rewards, parallelRepairs = "parallel_repairs"
        case fullSolveWorker = "full_solve_worker", adaptiveSizes = "adaptive_sizes", adaptiveRepairCount = "adaptive_repair_count"
    }

    /// Reads snake-case keys; missing keys keep their defaults, unknown keys throw an ``LNSConfigError``.
    /// Does not validate ranges: call ``validate()``.
    public init(from decoder: Decoder) throws {
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        if let unknown = try decoder.container(keyedBy: SpecKeys.self).allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw LNSConfigError("unknown setting \"\(unknown.stringValue)\"; known: \(known.sorted().joined(separator: ", "))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LNSConfig()
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        timeLimit = try c.decodeIfPresent(Double.self, forKey: .timeLimit) ?? defaults.timeLimit
        initialFraction = try c.decodeIfPresent(Double.self, forKey: .initialFraction) ?? defaults.initialFraction
        initialMaxFraction = try c.decodeIfPresent(Double.self, forKey: .initialMaxFraction) ?? defaults.initialMaxFraction
        initialGap = try c.decodeIfPresent(Double.self, forKey: .initialGap) ?? defaults.initialGap
        repairTimeLimit = try c.decodeIfPresent(Double.self, forKey: .repairTimeLimit) ?? defaults.repairTimeLimit
        repairPreprocessing = try c.decodeIfPresent(Bool.self, forKey: .repairPreprocessing) ?? defaults.repairPreprocessing
        maxIterations = try c.decodeIfPresent(Int.self, forKey: .maxIterations)
        operators = try c.decodeIfPresent([OperatorSpec].self, forKey: .operators) ?? defaults.operators
        bandit = try c.decodeIfPresent(BanditSpec.self, forKey: .bandit) ?? defaults.bandit
        acceptance = try c.decodeIfPresent(AcceptanceSpec.self, forKey: .acceptance) ?? defaults.acceptance
        rewards = try c.decodeIfPresent([Double].self, forKey: .rewards) ?? defaults.rewards
        parallelRepairs = try c.decodeIfPresent(Int.self, forKey: .parallelRepairs) ?? defaults.parallelRepairs
        fullSolveWorker = try c.decodeIfPresent(Bool.self, forKey: .fullSolveWorker) ?? defaults.fullSolveWorker
        adaptiveSizes = try c.decodeIfPresent(Bool.self, forKey: .adaptiveSizes) ?? defaults.adaptiveSizes
        adaptiveRepairCount = try c.decodeIfPresent(Bool.self, forKey: .adaptiveRepairCount) ?? defaults.adaptiveRepairCount
    }
}

/// A problem with an LNS configuration.
public struct LNSConfigError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public let description: String
    /// Creates an error with the given message.
    public init(_ description: String) { self.description = description }
}

/// Keys of the bandit and acceptance objects in JSON.
private struct SpecKeys: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    static let name = SpecKeys(stringValue: "name")
}

/// Reads `"name"` or `{"name": ..., parameters}`; returns the name and the object's container (nil for a bare name).
private func decodeNamed(_ decoder: Decoder) throws -> (String, KeyedDecodingContainer<SpecKeys>?) {
    if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) { return (name, nil) }
    let c = try decoder.container(keyedBy: SpecKeys.self)
    return (try c.decode(String.self, forKey: .name), c)
}

private func parameter(_ c: KeyedDecodingContainer<SpecKeys>?, _ key: String, default value: Double) throws -> Double {
    try c?.decodeIfPresent(Double.self, forKey: SpecKeys(stringValue: key)) ?? value
}

extension BanditSpec {
    /// The JSON names of the bandits.
    public static let names = ["epsilon_greedy", "softmax", "thompson", "ucb1"]

    /// Reads a bare name or `{"name": ..., parameters}`; missing parameters take their defaults.
    public init(from decoder: Decoder) throws {
        let (name, c) = try decodeNamed(decoder)
        switch name {
        case "epsilon_greedy": self = .epsilonGreedy(epsilon: try parameter(c, "epsilon", default: 0.1))
        case "softmax": self = .softmax(temperature: try parameter(c, "temperature", default: 1.36))
        case "thompson": self = .thompson
        case "ucb1": self = .ucb1(exploration: try parameter(c, "exploration", default: 1))
        default: throw LNSConfigError("unknown bandit \"\(name)\"; known: \(Self.names.joined(separator: ", "))")
        }
    }

    /// Writes `{"name": ..., parameters}` with every parameter.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: SpecKeys.self)
        switch self {
        case .epsilonGreedy(let e):
            try c.encode("epsilon_greedy", forKey: .name)
            try c.encode(e, forKey: SpecKeys(stringValue: "epsilon"))
        case .softmax(let t):
            try c.encode("softmax", forKey: .name)
            try c.encode(t, forKey: SpecKeys(stringValue: "temperature"))
        case .thompson:
            try c.encode("thompson", forKey: .name)
        case .ucb1(let x):
            try c.encode("ucb1", forKey: .name)
            try c.encode(x, forKey: SpecKeys(stringValue: "exploration"))
        }
    }
}

extension AcceptanceSpec {
    /// The JSON names of the acceptance rules.
    public static let names = ["hill_climbing", "simulated_annealing", "record_to_record"]

    /// Reads a bare name or `{"name": ..., parameters}`; missing parameters take their defaults.
    public init(from decoder: Decoder) throws {
        let (name, c) = try decodeNamed(decoder)
        switch name {
        case "hill_climbing": self = .hillClimbing
        case "simulated_annealing":
            let coolingName = try c?.decodeIfPresent(String.self, forKey: SpecKeys(stringValue: "cooling")) ?? "exponential"
            guard let cooling = Cooling(rawValue: coolingName) else {
                throw LNSConfigError("unknown cooling \"\(coolingName)\"; known: linear, exponential")
            }
            self = .simulatedAnnealing(start: try parameter(c, "start", default: 0.05), end: try parameter(c, "end", default: 0.005),
                                       cooling: cooling)
        case "record_to_record": self = .recordToRecord(threshold: try parameter(c, "threshold", default: 0.05))
        default: throw LNSConfigError("unknown acceptance \"\(name)\"; known: \(Self.names.joined(separator: ", "))")
        }
    }

    /// Writes `{"name": ..., parameters}` with every parameter.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: SpecKeys.self)
        switch self {
        case .hillClimbing:
            try c.encode("hill_climbing", forKey: .name)
        case .simulatedAnnealing(let start, let end, let cooling):
            try c.encode("simulated_annealing", forKey: .name)
            try c.encode(start, forKey: SpecKeys(stringValue: "start"))
            try c.encode(end, forKey: SpecKeys(stringValue: "end"))
            try c.encode(cooling.rawValue, forKey: SpecKeys(stringValue: "cooling"))
        case .recordToRecord(let t):
            try c.encode("record_to_record", forKey: .name)
            try c.encode(t, forKey: SpecKeys(stringValue: "threshold"))
        }
    }
}
