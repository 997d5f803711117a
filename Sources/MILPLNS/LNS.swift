import Foundation
import MILP
import Synchronization

/// One iteration of an LNS run.
public struct LNSIteration: Codable, Sendable, Equatable {
    /// Seconds since the start of the run when the iteration's repair started.
    public var started: Double
    /// Seconds since the start of the run when the iteration ended (its repair judged).
    public var seconds: Double
    /// The operator, e.g. "mutation_0.25" or "local_branching_0.1 (k=3)".
    public var operatorName: String
    /// Index of the arm in `LNSResult.operators`.
    public var arm: Int
    /// Integer variables the operator left free (0 when it built no neighborhood).
    public var neighborhoodSize: Int
    /// How the repair compared with the best and current solutions.
    public var outcome: LNSOutcome
    /// Objective (on the original model) of the repaired solution, nil when the repair found none.
    public var objective: Double?
    /// Best objective after the iteration.
    public var best: Double
    /// Repairs the run allowed at once when this iteration's repair started (see `LNSConfig.adaptiveRepairCount`).
    public var concurrentRepairs: Int

    enum CodingKeys: String, CodingKey {
        case started, seconds, operatorName = "operator", arm, neighborhoodSize = "neighborhood_size", outcome, objective, best
        case concurrentRepairs = "concurrent_repairs"
    }
}

/// How each operator fared.
public struct LNSOperatorStats: Codable, Sendable, Equatable {
    /// The operator's name, e.g. "rins_0.25".
    public var name: String
    /// Iterations that played this operator.
    public var tries = 0
    /// Iterations that found a new best solution.
    public var newBests = 0
    /// Iterations that improved on the current solution but not the best.
    public var betters = 0
    /// Iterations whose solution the acceptance rule took without an improvement.
    public var accepts = 0
    /// Iterations whose repair was rejected, found no solution or gave back the current integer point.
    public var rejects = 0
    /// The rewards earned in total.
    public var rewardSum = 0.0
    /// The operator's rate at the end of the run, after the adaptive sizes moved it (nil for
    /// operators without a rate, untried ones, or without `LNSConfig.adaptiveSizes`).
    public var finalRate: Double?
    /// The reward per try (0 before the first try).
    public var meanReward: Double { tries == 0 ? 0 : rewardSum / Double(tries) }

    /// An operator not tried yet.
    public init(name: String) { self.name = name }

    enum CodingKeys: String, CodingKey {
        case name, tries, newBests = "new_bests", betters, accepts, rejects, rewardSum = "reward_sum", meanReward = "mean_reward"
        case finalRate = "final_rate"
    }

    /// Decodes the JSON that ``encode(to:)`` writes (`mean_reward` is ignored: it is recomputed).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        tries = try c.decode(Int.self, forKey: .tries)
        newBests = try c.decode(Int.self, forKey: .newBests)
        betters = try c.decode(Int.self, forKey: .betters)
        accepts = try c.decode(Int.self, forKey: .accepts)
        rejects = try c.decode(Int.self, forKey: .rejects)
        rewardSum = try c.decode(Double.self, forKey: .rewardSum)
        finalRate = try c.decodeIfPresent(Double.self, forKey: .finalRate)
    }

    /// Encodes with snake-case keys, `mean_reward` included.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(tries, forKey: .tries)
        try c.encode(newBests, forKey: .newBests)
        try c.encode(betters, forKey: .betters)
        try c.encode(accepts, forKey: .accepts)
        try c.encode(rejects, forKey: .rejects)
        try c.encode(rewardSum, forKey: .rewardSum)
        try c.encode(meanReward, forKey: .meanReward)
        try c.encodeIfPresent(finalRate, forKey: .finalRate)
    }
}

/// The result of an LNS run.
public struct LNSResult: Codable, Sendable {
    /// How a run ended.
    public enum Status: String, Codable, Sendable {
        /// The LNS loop found a better solution than the initial one.
        case improved
        /// The LNS loop ran but kept the initial solution.
        case notImproved = "not_improved"
        /// The initial solve proved optimality: no LNS loop.
        case initialOptimal = "initial_optimal"
        /// The model has no integer variables, or no initial solution was found: the full model was solved directly.
        case solvedDirectly = "solved_directly"
        /// No feasible solution found.
        case noSolution = "no_solution"
    }

    /// How the run ended.
    public var status: Status
    /// Best solution found (one value per variable of the original model).
    public var values: [Double]?
    /// The objective of `values` on the original model (constant included); nil without a solution.
    public var objective: Double?
    /// The objective of the initial solution the LNS loop started from; nil without one.
    public var initialObjective: Double?
    /// Where that initial solution came from; nil without one (or when the model was solved directly).
    public var initialHeuristic: StartHeuristic?
    /// Seconds the initial solve of the full model ran (nil when none ran: a feasible start was
    /// given, or the model was solved directly).
    public var initialSolveSeconds: Double?
    /// The objective of the full-model solve beside the LNS (`LNSConfig.fullSolveWorker`), when it found a solution.
    public var fullSolveObjective: Double?
    /// Termination of the direct solve (statuses solvedDirectly / initialOptimal), else nil.
    public var directTermination: TerminationReason?
    /// True when the time limit ended the run (rather than the iteration limit or optimality).
    public var timeLimitReached = false
    /// True when the interrupt was set (or the calling Task cancelled) by the end of the run.
    public var interrupted = false
    /// LNS iterations run (repairs evaluated).
    public var iterations = 0
    /// Wall-clock seconds of the whole run.
    public var seconds = 0.0
    /// Statistics per operator, in the order of the bandit's arms.
    public var operators: [LNSOperatorStats] = []
    /// Operators dropped at the start because they cannot apply to the model.
    public var droppedOperators: [String] = []
    /// Every iteration in order.
    public var trace: [LNSIteration] = []
    /// [seconds, objective] each time the best solution improved (initial solution included).
    public var incumbentTrace: [[Double]] = []
    /// Human-readable remarks on the run (initial solution, dropped operators, why it stopped).
    public var notes: [String] = []

    /// Whether a feasible solution was found.
    public var hasSolution: Bool { values != nil }

    enum CodingKeys: String, CodingKey {
        case status, values, objective, initialObjective = "initial_objective", initialHeuristic = "initial_heuristic"
        case initialSolveSeconds = "initial_solve_seconds"
        case directTermination = "direct_termination"
        case fullSolveObjective = "full_solve_objective"
        case timeLimitReached = "time_limit_reached", interrupted, iterations, seconds, operators
        case droppedOperators = "dropped_operators", trace, incumbentTrace = "incumbent_trace", notes
    }

    /// The result as pretty-printed JSON.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}

/// Adaptive large neighborhood search (Balans-style) over any MIP solver.
public struct LNS: Sendable {
    /// Runs LNS as ``run(_:start:interrupt:)`` does, on a thread of its own; cancelling the
    /// calling Task stops it as the interrupt does (the best solution found so far is returned).
    public func run(_ model: Model, start: [Double]? = nil, interrupt: InterruptFlag? = nil) async throws -> LNSResult {
        let cancellation = InterruptFlag(following: interrupt)
        return try await withTaskCancellationHandler {
            try await onOwnThread { try self.run(model, start: start, interrupt: cancellation) }
        } onCancel: {
            cancellation.set()
        }
    }

    /// The run's settings.
    public var config: LNSConfig
    /// The repair solver (and the initial solve).
    public var solver: any Solver
    /// The solver of the root LP; nil uses `solver` on the relaxed model.
    public var lpSolver: (any Solver)?

    /// An LNS whose repairs and initial solve use `solver` (it must handle integers) and whose root LP
    /// uses `lpSolver`, or `solver` when nil.
    public init(config: LNSConfig = .init(), solver: any Solver, lpSolver: (any Solver)? = nil) {
        self.config = config
        self.solver = solver
        self.lpSolver = lpSolver
    }

    /// Runs LNS on a copy of `model` (never mutated). `start` is an optional feasible point.
    /// Throws when the configuration or the model is invalid, or when `solver` cannot branch.
    public func run(_ model: Model, start: [Double]? = nil, interrupt: InterruptFlag? = nil) throws -> LNSResult {
        try config.validate()
        try model.validate()
        if model.isMIP { try solver.requireIntegers(for: "LNS") }
        let clock = ContinuousClock.now
        // Sampled only where repairs can run side by side: the sampler reads /proc ten times a second.
        let otherLoad = config.adaptiveRepairCount && solver.allowsConcurrentSolves && config.parallelRepairs > 1
            ? OtherProcessesLoad() : nil
        func elapsed() -> Double { (ContinuousClock.now - clock).seconds }
        func remaining() -> Double { max(0, config.timeLimit - elapsed()) }
        func stopped() -> Bool { interrupt?.isSet ?? false }
        var rng = SplitMix64(seed: config.seed)
        var result = LNSResult(status: .noSolution)
        let base = model  // a value: edits below go to copies
        let s = base.sense.sign
        let columns = LNSColumns(base)
        @Sendable func feasible(_ values: [Double]) -> Bool {
            base.checkFeasibility(of: values, tolerance: FeasibilityReport.acceptedViolation,
                                  integralityTolerance: FeasibilityReport.acceptedViolation).isFeasible
        }
        func finish(_ r: inout LNSResult) {
            r.seconds = elapsed()
            r.interrupted = stopped()
        }

        // No integers: no neighborhoods to search.
        if columns.integers.isEmpty {
            let directSolver = base.isMIP ? solver : (lpSolver ?? solver)  // SOS sets need the MIP solver
            let direct = try directSolver.solve(base, options: SolveOptions(timeLimit: remaining(), useStart: false, interrupt: interrupt))
            result.status = direct.hasSolution ? .solvedDirectly : .noSolution
            result.directTermination = direct.termination
            result.values = direct.values
            result.objective = direct.objective
            result.initialObjective = direct.objective
            result.timeLimitReached = direct.limit == .time
            result.notes.append("the model has no integer variables: solved directly by \(directSolver.name), no LNS loop")
            if let o = direct.objective { result.incumbentTrace = [[elapsed(), o]] }
            finish(&result)
            return result
        }

        if !columns.dependents.isEmpty {
            result.notes.append("\(columns.dependents.count) dependent integer columns (one row each, shared with other integers) are left free in every neighborhood")
        }

        // The full model solved beside the LNS for the whole time, on one of the parallel slots.
        let workerStop = InterruptFlag()
        var worker: BackgroundSolve?
        if config.fullSolveWorker && solver.allowsConcurrentSolves && config.parallelRepairs >= 2 {
            let (solver, limit) = (self.solver, remaining())
            let workerStart = elapsed()
            var full = base
            full.clearStart()
            // The run's seed, as a plain solve with that seed gets (for CBC, 0 seeds its heuristics
            // from the clock; on gisp_102 that decided between −878 and −1800 at 240 s).
            let seed = Int(truncatingIfNeeded: config.seed)
            worker = BackgroundSolve(startedAt: workerStart) { [full] in
                try? solver.solve(full, options: SolveOptions(timeLimit: limit, threads: 1, seed: seed, useStart: false, interrupt: workerStop))
            }
        }
        defer {
            // Every return: the worker stops (at once when the run ends early).
            workerStop.set()
            _ = worker?.wait()
        }

        // The repairs at once (and the initial solve's threads): the slots not taken by the worker,
        // as far as other processes leave cores free.
        let reserved = worker == nil ? 0 : 1
        var repairCount = RepairCount(maximum: solver.allowsConcurrentSolves ? config.parallelRepairs - reserved : 1,
                                      reserved: reserved, load: otherLoad)

        // Root LP, once: the operators and the fix-and-propagate start use it.
        var lp: [Double]?
        func solveRootLP() {
            guard remaining() > 0 && !stopped() else { return }
            var relaxed = base
            relaxed.relaxIntegrality()
            relaxed.clearStart()
            if let r = try? (lpSolver ?? solver).solve(relaxed, options: SolveOptions(
                timeLimit: min(config.repairTimeLimit, remaining()), useStart: false, interrupt: interrupt)),
                r.termination == .optimal, let values = r.values {
                lp = values
            } else {
                result.notes.append("root LP not solved: operators that need it are dropped")
            }
        }

        // Initial solution: the user's start when feasible; else the best of the fast starts and a
        // short solve of the full model that starts from that best one (CBC's root heuristics and
        // feasibility pump then work from it instead of from nothing).
        var current: [Double]?
        var initialTrace: [[Double]] = []
        if let start {
            if start.count == base.variableCount && feasible(start) {
                current = start
                result.initialHeuristic = .given
                result.notes.append("initial solution: the given start")
            } else {
                result.notes.append("the given start is not feasible; ignored")
            }
        }
        solveRootLP()
        if current == nil {
            let startsBegan = elapsed()
            let starts = initialStarts(base, columns: columns, lp: lp, feasible: feasible, remaining: remaining)
            var best = starts.min { s * base.objectiveValue(of: $0.values) < s * base.objectiveValue(of: $1.values) }
            if !starts.isEmpty {
                result.notes.append("fast starts (\(String(format: "%.2f", elapsed() - startsBegan)) s): " + starts.map { "\($0.heuristic.rawValue) \(formatNumber(base.objectiveValue(of: $0.values)))" }.joined(separator: ", "))
            }
            var initialModel = base
            initialModel.clearStart()
            if let best { initialModel.setStart(values: best.values) }
            let initialStart = elapsed()
            let watch = InitialSolveWatch(
                stop: InterruptFlag(following: interrupt), minimum: config.initialFraction * config.timeLimit, maximumGap: config.initialGap)
            // Every slot the repairs will use: nothing else runs yet.
            repairCount.update()
            var initialOptions = SolveOptions(
                timeLimit: min(max(config.initialFraction, config.initialMaxFraction) * config.timeLimit, remaining()),
                threads: repairCount.current, useStart: best != nil, interrupt: watch.stop)
            initialOptions.progress = { watch.observe($0) }
            let initial = try solver.solve(initialModel, options: initialOptions)
            watch.finish()
            result.initialSolveSeconds = elapsed() - initialStart
            if repairCount.current > 1 { result.notes.append("the initial solve on \(repairCount.current) threads") }
            if let gap = watch.continuedWithGap {
                let percent = { (x: Double) in String(format: "%.2g %%", 100 * x) }
                result.notes.append("the initial solve went on past \(String(format: "%.1f", watch.minimum)) s, within \(percent(config.initialGap)) of its bound (\(percent(gap))); it ran \(String(format: "%.1f", result.initialSolveSeconds!)) s")
            }
            if let values = initial.values, feasible(values),
               best.map({ s * base.objectiveValue(of: values) <= s * base.objectiveValue(of: $0.values) + 1e-9 * max(1, abs(base.objectiveValue(of: $0.values))) }) ?? true {
                best = (.solver, values)
                // The initial solve's own incumbents, when its solver reports them (CBC does).
                initialTrace = (initial.incumbentTrace ?? []).map { [initialStart + $0[0], $0[1]] }
                if initial.termination == .optimal {
                    result.status = .initialOptimal
                    result.initialHeuristic = .solver
                    result.directTermination = .optimal
                    result.values = values
                    result.objective = base.objectiveValue(of: values)
                    result.initialObjective = result.objective
                    result.incumbentTrace = closedIncumbentTrace(initialTrace, at: elapsed(), with: result.objective!)
                    result.notes.append("the initial solve proved optimality: no LNS loop")
                    finish(&result)
                    return result
                }
            } else if best == nil, [.infeasible, .unbounded, .infeasibleOrUnbounded].contains(initial.termination) {
                result.directTermination = initial.termination
                result.notes.append("the initial solve ended \(initial.termination.rawValue)")
                finish(&result)
                return result
            }
            if let best {
                current = best.values
                result.initialHeuristic = best.heuristic
                result.notes.append("initial solution: \(best.heuristic.rawValue)")
            }
        }
        if current == nil {
            // No initial solution: keep solving the full model until its first solution, then search
            // around it with the time left.
            result.notes.append("no initial solution in \(formatNumber(elapsed())) s: solving the full model until a first solution")
            let direct = try solver.solve(base, options: SolveOptions(
                timeLimit: remaining(), solutionLimit: 1, useStart: false, interrupt: interrupt))
            result.directTermination = direct.termination
            guard let values = direct.values, feasible(values), direct.termination != .optimal, remaining() >= 0.01, !stopped() else {
                result.timeLimitReached = direct.limit == .time || remaining() < 0.01
                if let values = direct.values, feasible(values) {
                    result.status = .solvedDirectly
                    result.values = values
                    result.objective = base.objectiveValue(of: values)
                    result.initialObjective = result.objective
                    result.incumbentTrace = [[elapsed(), result.objective!]]
                }
                finish(&result)
                return result
            }
            result.directTermination = nil
            result.initialHeuristic = .solver
            current = values
        }
        var currentValues = current!
        // Dependent columns at their best values, as after every repair (never worse, still feasible).
        columns.settleDependents(&currentValues, in: base)
        var currentObjective = base.objectiveValue(of: currentValues)
        var bestValues = currentValues, bestObjective = currentObjective
        result.initialObjective = currentObjective
        result.incumbentTrace = closedIncumbentTrace(initialTrace, at: elapsed(), with: currentObjective)

        // Operators that cannot apply are dropped.
        var specs = config.operators.filter { LNSOperators.applies($0, columns: columns, lp: lp) }
        result.droppedOperators = config.operators.filter { !LNSOperators.applies($0, columns: columns, lp: lp) }.map(\.description)
        if specs.isEmpty {
            specs = [OperatorSpec(.mutation, rate: 0.25)]
            result.notes.append("no configured operator applies: using mutation_0.25")
        }
        result.operators = specs.map { LNSOperatorStats(name: $0.description) }
        var bandit = LNSBandit(arms: specs.count, spec: config.bandit, rewards: config.rewards)
        var sizes = NeighborhoodSizes(arms: specs.count, enabled: config.adaptiveSizes)
        let acceptance = LNSAcceptance(config.acceptance)
        let improvementTolerance = { (x: Double) in 1e-9 * max(1, abs(x)) }
        // Operators can find nothing to free around a solution (RINS when it equals the LP): give up
        // after this many iterations in a row without a neighborhood rather than spin.
        let emptyLimit = 50
        var emptyInARow = 0

        // A repair starts whenever a slot is free (up to `repairCount.current` at once, when the solver
        // allows concurrent solves) from the current solution of that moment, and is judged when it
        // ends: a long repair does not hold the others back.
        if worker != nil { result.notes.append("the full model solved beside the LNS on one slot") }
        let repairs = RepairsInFlight<RepairJob.Outcome>(inline: repairCount.maximum == 1)
        var inFlight: [Int: RepairJob] = [:]
        var launched = 0
        var stopLaunching = false
        // Seconds of the loop with k repairs running, for the notes.
        var secondsWith = [Int: Double]()
        var lastEvent = elapsed()
        func tally() {
            let now = elapsed()
            secondsWith[inFlight.count, default: 0] += now - lastEvent
            lastEvent = now
        }
        let rootLP = lp
        while true {
            if !stopLaunching {
                if stopped() || config.maxIterations.map({ launched >= $0 }) ?? false {
                    stopLaunching = true
                } else if remaining() < 0.01 {
                    result.timeLimitReached = true
                    stopLaunching = true
                }
            }
            if !stopLaunching {
                repairCount.update()
                while inFlight.count < repairCount.current, config.maxIterations.map({ launched < $0 }) ?? true {
                    let arm = bandit.choose(using: &rng, pending: inFlight.values.map(\.arm))
                    let job = RepairJob(arm: arm, spec: sizes.spec(specs[arm], arm: arm), current: currentValues,
                                        seed: rng.next(), started: elapsed(), timeLeft: remaining(), slots: repairCount.current)
                    tally()
                    inFlight[launched] = job
                    repairs.start(launched) {
                        job.run(lns: self, base: base, columns: columns, lp: rootLP, interrupt: interrupt, feasible: feasible)
                    }
                    launched += 1
                }
            }
            if inFlight.isEmpty { break }
            let (id, ended) = repairs.next()
            tally()
            let job = inFlight.removeValue(forKey: id)!
            let arm = job.arm
            let (candidate, size, name, report) = ended
            emptyInARow = size == 0 ? emptyInARow + 1 : 0
            var outcome = LNSOutcome.rejected
            var candidateObjective: Double?
            if let candidate {
                let f = base.objectiveValue(of: candidate)
                candidateObjective = f
                if s * f < s * bestObjective - improvementTolerance(bestObjective) {
                    outcome = .newBest
                } else if s * f < s * currentObjective - improvementTolerance(currentObjective) {
                    outcome = .better
                } else if columns.sameIntegerPoint(candidate, job.current) || columns.sameIntegerPoint(candidate, currentValues) {
                    // The repair gave back its start (or the current point) on the integers: no move, so
                    // rejected — rewarding it would keep the bandit on an operator that cannot leave it.
                } else if acceptance.accepts(candidate: s * f, current: s * currentObjective, best: s * bestObjective,
                                             fraction: elapsed() / config.timeLimit, rng: &rng) {
                    outcome = .accepted
                }
                if outcome != .rejected {
                    currentValues = candidate
                    currentObjective = f
                }
                if outcome == .newBest {
                    bestValues = candidate
                    bestObjective = f
                    result.incumbentTrace.append([elapsed(), f])
                }
            }
            bandit.update(arm: arm, outcome: outcome)
            sizes.update(arm: arm, spec: specs[arm], repair: report, improved: outcome == .newBest || outcome == .better)
            var stats = result.operators[arm]
            stats.tries += 1
            stats.rewardSum += config.rewards[outcome.rewardIndex]
            switch outcome {
            case .newBest: stats.newBests += 1
            case .better: stats.betters += 1
            case .accepted: stats.accepts += 1
            case .rejected: stats.rejects += 1
            }
            result.operators[arm] = stats
            result.iterations += 1
            result.trace.append(LNSIteration(started: job.started, seconds: elapsed(), operatorName: name, arm: arm, neighborhoodSize: size,
                                             outcome: outcome, objective: candidateObjective, best: bestObjective,
                                             concurrentRepairs: job.slots))
            if emptyInARow >= emptyLimit && !stopLaunching {
                result.notes.append("stopped: no operator found a neighborhood in \(emptyLimit) iterations in a row")
                stopLaunching = true
            }
        }

        if repairCount.maximum > 1 {
            let loop = secondsWith.values.reduce(0, +)
            let shares = secondsWith.map { (count: $0.key, percent: 100 * $0.value / max(loop, 1e-9)) }
                .filter { $0.count > 0 && $0.percent >= 0.5 }.sorted { $0.count > $1.count }
                .map { "\($0.count) for \(String(format: "%.0f", $0.percent)) %" }.joined(separator: ", ")
            result.notes.append("repairs at a time: \(shares) of the loop" + (repairCount.leastFree.map {
                " (following the free cores; fewest free: \(String(format: "%.1f", $0)))" } ?? ""))
        }

        // On Ctrl-C the worker stops at once and its incumbent still counts.
        if stopped() { workerStop.set() }
        if let worker, let full = worker.wait(), let values = full.values, feasible(values) {
            // The better of the two; the trace of the best solution over time takes both in.
            let f = base.objectiveValue(of: values)
            result.fullSolveObjective = f
            if s * f < s * bestObjective - improvementTolerance(bestObjective) {
                bestValues = values
                bestObjective = f
                result.notes.append("the full-model solve found the best solution (\(formatNumber(f)))")
            }
            let points = (full.incumbentTrace ?? []).map { [worker.startedAt + $0[0], $0[1]] }
            result.incumbentTrace = bestOverTime(result.incumbentTrace + closedIncumbentTrace(points, at: elapsed(), with: f), sense: s)
        }
        for arm in specs.indices where sizes.enabled && result.operators[arm].tries > 0 && specs[arm].description.contains("_") {
            result.operators[arm].finalRate = sizes.spec(specs[arm], arm: arm).rate
        }
        result.values = bestValues
        result.objective = bestObjective
        result.status = s * bestObjective < s * result.initialObjective! - improvementTolerance(bestObjective) ? .improved : .notImproved
        finish(&result)
        return result
    }

    /// The fast starts that are feasible: packing and covering greedies, the root LP fixed and
    /// propagated (its continuous columns then solved as an LP), and the trivial point.
    func initialStarts(_ base: Model, columns: LNSColumns, lp: [Double]?, feasible: ([Double]) -> Bool,
                       remaining: () -> Double) -> [(heuristic: StartHeuristic, values: [Double])] {
        // A start is worth a tenth of the run at most.
        let heuristics = StartHeuristics(model: base, columns: columns, deadline: .now + .milliseconds(Int64(100 * min(config.timeLimit, remaining()))))
        var points: [(StartHeuristic, [Double]?)] = [(.packingGreedy, heuristics.packingGreedy()), (.coveringGreedy, heuristics.coveringGreedy())]
        if let lp {
            points.append((.fixAndPropagate, heuristics.fixAndPropagate(lp: lp) { lower, upper in
                // The integers fixed, the rest an LP.
                var fixed = base
                for c in 0..<base.variableCount where base.kinds[c].isIntegral {
                    fixed.setBounds(of: fixed.variable(at: c), lower: lower[c], upper: upper[c])
                }
                fixed.relaxIntegrality()
                fixed.clearStart()
                let r = try? (lpSolver ?? solver).solve(fixed, options: SolveOptions(timeLimit: min(config.repairTimeLimit, remaining()), useStart: false))
                return r?.termination == .optimal ? r?.values : nil
            }))
        }
        points.append((.trivial, LNS.trivialSolution(of: base, feasible: feasible)))
        return points.compactMap { h, p in p.flatMap { feasible($0) ? (h, $0) : nil } }
    }

    /// The best feasible point among "every variable at its lower bound", "at its upper bound" and
    /// "at 0 (clamped)"; nil when none is feasible.
    public static func trivialSolution(of model: Model) -> [Double]? {
        trivialSolution(of: model) {
            model.checkFeasibility(of: $0, tolerance: FeasibilityReport.acceptedViolation,
                                   integralityTolerance: FeasibilityReport.acceptedViolation).isFeasible
        }
    }

    static func trivialSolution(of model: Model, feasible: ([Double]) -> Bool) -> [Double]? {
        var best: [Double]?
        var bestValue = Double.infinity
        for mode in 0..<3 {
            let point = (0..<model.variableCount).map { c -> Double in
                let lo = model.lowerBounds[c], up = model.upperBounds[c]
                let zero = min(max(0, lo), up)
                switch mode {
                case 0: return lo.isFinite ? lo : zero
                case 1: return up.isFinite ? up : zero
                default: return zero
                }
            }
            guard point.allSatisfy(\.isFinite), feasible(point) else { continue }
            let value = model.sense.sign * model.objectiveValue(of: point)
            if value < bestValue {
                best = point
                bestValue = value
            }
        }
        return best
    }

    /// Solves a neighborhood; returns the point on the original columns when it is feasible for the original model.
    fileprivate func repair(
        _ n: Neighborhood, current: [Double], limit: Double, base: Model, interrupt: InterruptFlag?,
        feasible: ([Double]) -> Bool
    ) -> (point: [Double]?, report: RepairReport) {
        var sub = n.model
        sub.clearStart()
        let start = current + n.startExtension
        var useStart = false
        if start.count == sub.variableCount,
           sub.checkFeasibility(of: start, tolerance: FeasibilityReport.acceptedViolation,
                                integralityTolerance: FeasibilityReport.acceptedViolation).isFeasible {
            sub.setStart(values: start)
            useStart = true
        }
        let clock = ContinuousClock.now
        var options = SolveOptions(timeLimit: limit, useStart: useStart, interrupt: interrupt)
        options.preprocessing = config.repairPreprocessing
        var r = try? solver.solve(sub, options: options)
        // CBC 2.10 sometimes fails at once on a MIP start ("ClpModel::getColumnName, Illegal index"
        // after preprocessing): when a solve with a start ends early without a solution, retry without it.
        let spent = (ContinuousClock.now - clock).seconds
        if useStart, r?.values == nil, spent < 0.5 * limit, !(interrupt?.isSet ?? false),
           r.map({ ![.infeasible, .optimal].contains($0.termination) }) ?? true {
            options.timeLimit = limit - spent
            options.useStart = false
            r = try? solver.solve(sub, options: options)
        }
        let report = RepairReport(termination: r?.termination, seconds: (ContinuousClock.now - clock).seconds, limit: limit)
        guard let r, let values = r.values, values.count >= base.variableCount else { return (nil, report) }
        let point = Array(values.prefix(base.variableCount))
        return (feasible(point) ? point : nil, report)
    }
}

/// One iteration's search: destroy around `current` with `spec`, repair. Runs on any thread: it
/// reads shared values only and draws from its own generator (seeded by the run's).
private struct RepairJob: Sendable {
    typealias Outcome = (candidate: [Double]?, size: Int, name: String, report: RepairReport)
    /// The bandit's arm that chose `spec`.
    let arm: Int
    let spec: OperatorSpec
    let current: [Double]
    let seed: UInt64
    /// Seconds since the start of the run when the repair started.
    let started: Double
    /// Seconds left in the run when the repair started.
    let timeLeft: Double
    /// Repairs the run allowed at once when this one started.
    let slots: Int

    /// The repaired point (nil when there was no neighborhood or no solution), the number of free
    /// integer variables, and the neighborhood's name.
    func run(lns: LNS, base: Model, columns: LNSColumns, lp: [Double]?, interrupt: InterruptFlag?,
             feasible: ([Double]) -> Bool) -> Outcome {
        var rng = SplitMix64(seed: seed)
        let clock = ContinuousClock.now
        func left() -> Double { timeLeft - (ContinuousClock.now - clock).seconds }
        var second: [Double]?
        if spec.kind == .crossover {
            // A second solution from a random objective over the full model.
            if let n = LNSOperators.destroy(OperatorSpec(.randomObjective), model: base, columns: columns,
                                            current: current, lp: lp, rng: &rng) {
                second = lns.repair(n, current: current, limit: min(lns.config.repairTimeLimit, left()),
                                    base: base, interrupt: interrupt, feasible: feasible).point
            }
        }
        guard let n = LNSOperators.destroy(spec, model: base, columns: columns, current: current, lp: lp,
                                           second: second, rng: &rng) else {
            return (nil, 0, spec.description, RepairReport(termination: nil, seconds: 0, limit: 0))
        }
        let limit = min(lns.config.repairTimeLimit * n.timeScale, left())
        guard limit > 0.01 else { return (nil, n.freeCount, n.description, RepairReport(termination: nil, seconds: 0, limit: limit)) }
        var (candidate, report) = lns.repair(n, current: current, limit: limit, base: base, interrupt: interrupt, feasible: feasible)
        if candidate != nil { columns.settleDependents(&candidate!, in: base) }
        return (candidate, n.freeCount, n.description, report)
    }
}

/// The points of `trace` ([seconds, objective]) that improve on every earlier one, in time order
/// (`sense`: 1 minimizes, −1 maximizes).
private func bestOverTime(_ trace: [[Double]], sense: Double) -> [[Double]] {
    var best: [[Double]] = []
    for point in trace.sorted(by: { $0[0] < $1[0] }) where best.last.map({ sense * point[1] < sense * $0[1] }) ?? true {
        best.append(point)
    }
    return best
}

/// Stops the initial solve once it has run `minimum` seconds, unless its relative gap is at most
/// `maximumGap` then; while it goes on, at the first report with a larger gap.
private final class InitialSolveWatch: Sendable {
    let stop: InterruptFlag
    let minimum: Double
    let maximumGap: Double
    /// The gap of the last report, and the gap at which the solve went past `minimum` (nil if it did not).
    private let state = Mutex<(lastGap: Double?, continuedWith: Double?, finished: Bool)>((nil, nil, false))

    init(stop: InterruptFlag, minimum: Double, maximumGap: Double) {
        self.stop = stop
        self.minimum = minimum
        self.maximumGap = maximumGap
        // Progress may not come at `minimum` (a long root node): then the last report decides.
        DispatchQueue.global().asyncAfter(deadline: .now() + minimum) { [self] in decide(at: nil) }
    }

    /// A progress report of the solve.
    func observe(_ progress: SolveProgress) {
        state.withLock { $0.lastGap = progress.gap }
        if progress.seconds >= minimum { decide(at: progress.gap) }
    }

    func finish() { state.withLock { $0.finished = true } }

    var continuedWithGap: Double? { state.withLock { $0.continuedWith } }

    private func decide(at reported: Double?) {
        let goOn = state.withLock { state -> Bool in
            guard !state.finished else { return true }
            let gap = reported ?? state.lastGap
            guard let gap, gap <= maximumGap else { return false }
            if state.continuedWith == nil { state.continuedWith = gap }
            return true
        }
        if !goOn { stop.set() }
    }
}

/// A solve on a thread of its own; `wait()` returns its result (at once after the first time).
private final class BackgroundSolve: Sendable {
    let startedAt: Double
    private let result = Mutex<SolveResult?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    init(startedAt: Double, _ body: @escaping @Sendable () -> SolveResult?) {
        self.startedAt = startedAt
        Thread { [self] in
            let r = body()
            result.withLock { $0 = r }
            finished.signal()
        }.start()
    }

    func wait() -> SolveResult? {
        finished.wait()
        finished.signal()
        return result.withLock { $0 }
    }
}

/// Repairs running on threads of their own (or on the caller's, one at a time, when `inline`);
/// `next()` hands their outcomes back in the order they end.
private final class RepairsInFlight<T: Sendable>: Sendable {
    private let inline: Bool
    private let ended = Mutex<[(id: Int, value: T)]>([])
    private let endedCount = DispatchSemaphore(value: 0)

    init(inline: Bool) { self.inline = inline }

    func start(_ id: Int, _ body: @escaping @Sendable () -> T) {
        let finish: @Sendable () -> Void = { [self] in
            let value = body()
            ended.withLock { $0.append((id, value)) }
            endedCount.signal()
        }
        if inline { finish() } else { Thread(block: finish).start() }
    }

    /// The next repair to end (blocks until one does).
    func next() -> (id: Int, value: T) {
        endedCount.wait()
        return ended.withLock { $0.removeFirst() }
    }
}
