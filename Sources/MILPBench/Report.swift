import Foundation
import MILP

// The numbers of `milp report`: pure functions from stored runs (and optionally known optima) to
// per-solver summaries, a per-instance table, a performance profile and primal-gap curves. The
// text formats are in ReportText.swift, the HTML page in ReportHTML.swift, the plots in SVGPlot.swift.

/// The formats `BenchReport` can render.
public enum ReportFormat: String, CaseIterable, Sendable {
    case md, csv, json, html

    /// A format by name (`md`/`markdown`, `csv`, `json`, `html`/`htm`), case-insensitive.
    public init?(name: String) {
        switch name.lowercased() {
        case "md", "markdown": self = .md
        case "csv": self = .csv
        case "json": self = .json
        case "html", "htm": self = .html
        default: return nil
        }
    }

    /// The format a file name's extension implies (`report.html` → html), or nil.
    public init?(path: String) {
        let ext = (path as NSString).pathExtension
        guard !ext.isEmpty else { return nil }
        self.init(name: ext)
    }
}

/// Settings of a report.
public struct ReportOptions: Sendable {
    /// The shift `s` of the shifted geometric mean of times, in seconds.
    public var shift: Double
    /// Times below this count as this in the performance profile (a solve in 0 s has no ratio).
    public var timeFloor: Double
    /// When given, the wrong flags are recomputed against these values (`Verification.judge`) and
    /// they are the primal-gap references.
    public var known: KnownOptima?
    /// Where the runs came from (the database path), shown in the report.
    public var source: String?
    /// The report's title (heading of every format).
    public var title: String

    /// Options with a 10 s shift, a 0.01 s time floor and no known optima by default.
    public init(shift: Double = 10, timeFloor: Double = 0.01, known: KnownOptima? = nil, source: String? = nil,
                title: String = "MILP benchmark report") {
        self.shift = shift
        self.timeFloor = timeFloor
        self.known = known
        self.source = source
        self.title = title
    }
}

/// The formulas of the report, each usable on its own.
public enum ReportMath {
    /// Statuses that count as solved (unless the answer is wrong): a proven optimum or a proof of
    /// infeasibility.
    public static let solvedStatuses: Set<String> = ["optimal", "infeasible"]
    /// Statuses of runs that did not end normally.
    public static let failureStatuses: Set<String> = ["error", "crash", "killed", "memory", "bad_input"]
    /// Primal gaps below this count as 0 (floating-point noise such as 13.9999999999998 vs 14).
    public static let gapNoise = 1e-9

    /// Solved: status `optimal` or `infeasible`, and not flagged wrong.
    public static func isSolved(_ run: RunRecord) -> Bool {
        solvedStatuses.contains(run.status) && run.wrong == nil
    }

    /// The objective of the solution a run returned, or nil.
    public static func solutionValue(_ run: RunRecord) -> Double? {
        guard run.hasSolution, let objective = run.objective, objective.isFinite else { return nil }
        return objective
    }

    /// The time a run counts with in the shifted geometric mean: its `seconds` when solved, its
    /// time limit otherwise.
    public static func countedTime(_ run: RunRecord) -> Double {
        isSolved(run) ? run.seconds : run.timeLimit
    }

    /// Shifted geometric mean exp(mean(log(t + s))) − s; nil for no values.
    public static func shiftedGeometricMean(_ values: [Double], shift: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let meanLog = values.map { log(max($0, 0) + shift) }.reduce(0, +) / Double(values.count)
        return exp(meanLog) - shift
    }

    /// The primal gap of objective `f` against the reference `fStar`: 0 when both are 0; 1 without
    /// a solution or when the signs differ; otherwise |f − f*| / max(|f|, |f*|). In [0, 1].
    public static func primalGap(_ f: Double?, reference fStar: Double) -> Double {
        guard let f else { return 1 }
        if f == 0 && fStar == 0 { return 0 }
        if f * fStar < 0 { return 1 }
        let gap = abs(f - fStar) / max(abs(f), abs(fStar))
        return gap < gapNoise ? 0 : min(gap, 1)
    }

    /// Parses a stored trace (`[[seconds, objective], …]`); nil when absent or unreadable.
    public static func parseTrace(_ text: String?) -> [(time: Double, objective: Double)]? {
        guard let text, let data = text.data(using: .utf8),
              let pairs = try? JSONDecoder().decode([[Double]].self, from: data) else { return nil }
        return pairs.compactMap { $0.count >= 2 && $0[0].isFinite && $0[1].isFinite ? ($0[0], $0[1]) : nil }
    }

    /// A run's primal gap over time as a step function on [0, horizon]: (time, gap from then on),
    /// times increasing, the first at 0. The gap is 1 until the first incumbent of `trace`; each
    /// trace point sets the gap of its objective; at `end` (the run's end, when it returned a
    /// solution `final`) the gap becomes that of `final`. Times are clamped to [0, horizon].
    public static func gapSteps(trace: [(time: Double, objective: Double)], final: Double?, end: Double,
                                reference: Double, horizon: Double) -> [(time: Double, gap: Double)] {
        var events: [(time: Double, gap: Double)] = trace.sorted { $0.time < $1.time }
            .map { (min(max($0.time, 0), horizon), primalGap($0.objective, reference: reference)) }
        if let final { events.append((min(max(end, 0), horizon), primalGap(final, reference: reference))) }
        var steps: [(time: Double, gap: Double)] = [(0, 1)]
        for event in events.sorted(by: { $0.time < $1.time }) {  // stable: at equal times the later wins
            if steps[steps.count - 1].time == event.time { steps[steps.count - 1].gap = event.gap } else { steps.append(event) }
        }
        return steps
    }

    /// ∫₀^horizon of a step function given as (time, value from then on).
    public static func integral(of steps: [(time: Double, gap: Double)], horizon: Double) -> Double {
        var total = 0.0
        for (index, step) in steps.enumerated() where step.time < horizon {
            let next = index + 1 < steps.count ? min(steps[index + 1].time, horizon) : horizon
            total += step.gap * max(next - step.time, 0)
        }
        return total
    }

    /// The primal integral ∫₀^T gap(t) dt of a run (see `gapSteps`), T = `horizon`.
    public static func primalIntegral(trace: [(time: Double, objective: Double)], final: Double?, end: Double,
                                      reference: Double, horizon: Double) -> Double {
        integral(of: gapSteps(trace: trace, final: final, end: end, reference: reference, horizon: horizon), horizon: horizon)
    }
}

/// One solver spec's line of the summary.
public struct SolverSummary: Sendable, Equatable {
    /// The solver spec as written (`cbc:threads=1`).
    public var solver: String
    /// The solver's own name, from its first run.
    public var solverName: String
    /// The distinct non-empty versions reported by its runs, comma-separated.
    public var solverVersion: String
    /// All its runs (instances × seeds).
    public var runs: Int
    /// Optimal or infeasible, and not wrong.
    public var solved: Int
    /// Runs with status `optimal` (wrong ones included).
    public var optimal: Int
    /// Runs with status `infeasible` (wrong ones included).
    public var infeasible: Int
    /// Stopped by a limit (time, nodes, …).
    public var limit: Int
    /// Runs that returned a solution.
    public var withSolution: Int
    /// error, crash, killed, memory, bad_input.
    public var failed: Int
    /// unbounded, infeasible_or_unbounded and any other status.
    public var other: Int
    /// Runs flagged wrong (see ``RunRecord/wrong``).
    public var wrong: Int
    /// Shifted geometric mean of the counted times (see `ReportMath.countedTime`).
    public var shiftedGeometricMean: Double
    /// Mean primal gap at the end of the runs, over the `primalGapRuns` runs with a reference.
    public var meanPrimalGap: Double?
    /// Runs that have a primal gap (their instance has a reference).
    public var primalGapRuns: Int
    /// Mean primal integral over the `primalIntegralRuns` runs with a reference, when this solver
    /// records traces.
    public var meanPrimalIntegral: Double?
    /// Runs that have a primal integral.
    public var primalIntegralRuns: Int
}

/// Derived numbers of one run.
public struct RunFacts: Sendable {
    /// Whether the run counts as solved (see ``ReportMath/isSolved(_:)``).
    public var solved: Bool
    /// The primal-gap reference of the run's instance.
    public var reference: Double?
    /// Primal gap at the end of the run, when its instance has a reference.
    public var primalGap: Double?
    /// Primal integral, when its instance has a reference and its solver records traces.
    public var primalIntegral: Double?
    /// The run's primal gap over time (see `ReportMath.gapSteps`), with `primalIntegral`.
    public var gapSteps: [(time: Double, gap: Double)]?
}

/// The runs of one solver spec on one instance (several with several seeds).
public struct InstanceCell: Sendable {
    /// The runs (one per seed).
    public var runs: Int
    /// Runs that count as solved (see ``ReportMath/isSolved(_:)``).
    public var solved: Int
    /// Runs flagged wrong.
    public var wrong: Int
    /// The status (`optimal`, `limit (time)`, …) when every seed agrees, else `k/n solved`.
    public var status: String
    /// The best objective over the seeds.
    public var objective: Double?
    /// Mean over seeds of the primal gap, when the instance has a reference.
    public var primalGap: Double?
    /// Mean over seeds of `seconds`.
    public var seconds: Double
    /// True when a seed failed (error, crash, killed, memory, bad_input).
    public var failed: Bool
}

/// One line of the per-instance table.
public struct InstanceRow: Sendable {
    /// The instance name.
    public var instance: String
    /// The known answer, when known optima were given and list the instance.
    public var known: KnownAnswer?
    /// The primal-gap reference f*; nil when there is none (infeasible, or no solution anywhere).
    public var reference: Double?
    /// By solver spec; missing when the solver has no run on the instance.
    public var cells: [String: InstanceCell]
}

/// A Dolan–Moré performance profile over problems = (instance, seed) pairs.
public struct PerformanceProfile: Sendable {
    /// Number of problems.
    public var problems: Int
    /// Per solver spec, its ratio on every problem (`.infinity` when unsolved or not run), sorted.
    public var ratios: [String: [Double]]
    /// The largest finite ratio (1 when none).
    public var maxRatio: Double
    /// The right end of the τ axis: 2 × `maxRatio`.
    public var tauMax: Double { maxRatio * 2 }

    /// `times[problem][solver]`: the solve time of a solved run (nil or absent when unsolved).
    /// r(p, s) = t(p, s) / min over solvers of t(p, ·), times floored at `floor`.
    public init(times: [String: [String: Double?]], solvers: [String], floor: Double) {
        problems = times.count
        var ratios = Dictionary(uniqueKeysWithValues: solvers.map { ($0, [Double]()) })
        var maxRatio = 1.0
        for (_, byProblem) in times {
            let floored = byProblem.compactMapValues { $0.map { max($0, floor) } }
            let best = floored.values.min()
            for solver in solvers {
                if let best, let t = floored[solver] {
                    let r = t / best
                    ratios[solver, default: []].append(r)
                    maxRatio = max(maxRatio, r)
                } else {
                    ratios[solver, default: []].append(.infinity)
                }
            }
        }
        self.ratios = ratios.mapValues { $0.sorted() }
        self.maxRatio = maxRatio
    }

    /// ρ_s(τ): the fraction of problems solver `solver` solves within τ × the best time.
    public func rho(_ solver: String, _ tau: Double) -> Double {
        guard problems > 0, let r = ratios[solver] else { return 0 }
        return Double(r.filter { $0 <= tau }.count) / Double(problems)
    }

    /// The profile as a step function on [1, τmax]: (τ, ρ from then on), τ increasing.
    public func steps(_ solver: String) -> [(tau: Double, rho: Double)] {
        guard problems > 0, let r = ratios[solver] else { return [(1, 0)] }
        var steps: [(tau: Double, rho: Double)] = [(1, rho(solver, 1))]
        var count = r.filter { $0 <= 1 }.count
        for ratio in r where ratio > 1 && ratio.isFinite {
            count += 1
            let value = Double(count) / Double(problems)
            if steps[steps.count - 1].tau == ratio { steps[steps.count - 1].rho = value } else { steps.append((ratio, value)) }
        }
        return steps
    }
}

/// A solver's mean primal gap over time.
public struct GapCurve: Sendable {
    /// The solver spec as written.
    public var solver: String
    /// Runs averaged (runs with a reference).
    public var runs: Int
    /// (time, mean gap from then on), the first at 0.
    public var steps: [(time: Double, gap: Double)]
    /// The right end of the time axis: the largest time limit of the runs, in seconds.
    public var horizon: Double
}

/// Everything `milp report` shows, computed once from the runs.
///
/// Definitions (also printed in every format):
/// - **solved**: status `optimal` or `infeasible`, and not wrong. Wrong answers are counted apart.
/// - **shifted geometric mean time**: exp(mean(log(t + s))) − s over all runs of a solver spec
///   (instances × seeds), t = the run's `seconds`, or its time limit when unsolved; s = `shift`.
/// - **primal gap** of f against the reference f*: 0 if f = f* = 0; 1 without a solution or when
///   f·f* < 0; else |f − f*| / max(|f|, |f*|). f* is the known optimum (or the better of the best
///   known value and every run's objective), else the best objective any non-wrong run found;
///   instances without one (infeasible, or no solution anywhere) are left out of gap statistics.
/// - **primal integral**: ∫₀^T gap(t) dt, gap(t) the primal gap of the incumbent at t (1 before the
///   first one), T the time limit. Only for solvers that record traces; a run of such a solver
///   without a trace has its final incumbent from its end on.
/// - **performance profile** (Dolan–Moré): for each (instance, seed) problem p and solver s,
///   r = t(p, s) / min over solvers of t(p, ·), times floored at 0.01 s, r = ∞ when unsolved;
///   ρ_s(τ) = fraction of problems with r ≤ τ, τ from 1 to 2 × the largest finite ratio.
public struct BenchReport: Sendable {
    /// The options the report was computed with.
    public let options: ReportOptions
    /// The runs, their wrong flags recomputed when `options.known` is given.
    public let runs: [RunRecord]
    /// Derived numbers, parallel to `runs`.
    public let facts: [RunFacts]
    /// Solver specs in order of first appearance.
    public let solvers: [String]
    /// Instance names, sorted.
    public let instances: [String]
    /// The distinct seeds of the runs, ascending.
    public let seeds: [Int]
    /// The distinct time limits of the runs (seconds), ascending.
    public let timeLimits: [Double]
    /// One summary per solver spec, in the order of ``solvers``.
    public let summaries: [SolverSummary]
    /// One row per instance, in the order of ``instances``.
    public let rows: [InstanceRow]
    /// The performance profile over (instance, seed) problems.
    public let profile: PerformanceProfile
    /// One per solver that records traces; empty when no run has a trace.
    public let gapCurves: [GapCurve]
    /// Whether any run has an incumbent trace.
    public let hasTraces: Bool

    /// Indices of the runs flagged wrong.
    public var wrongRuns: [Int] { runs.indices.filter { runs[$0].wrong != nil } }

    /// Computes the report from stored runs (in any order).
    public init(runs input: [RunRecord], options: ReportOptions = ReportOptions()) {
        self.options = options
        var runs = input
        if let known = options.known {
            for index in runs.indices {
                let run = runs[index]
                runs[index].wrong = Verification.judge(
                    termination: run.status, objective: run.objective,
                    sense: run.sense == ObjectiveSense.maximize.rawValue ? .maximize : .minimize,
                    known: known[run.instance])
            }
        }
        self.runs = runs

        var solvers: [String] = []
        for run in runs where !solvers.contains(run.solver) { solvers.append(run.solver) }
        self.solvers = solvers
        let instances = Array(Set(runs.map(\.instance))).sorted { $0.localizedStandardCompare($1) == .orderedAscending }
        self.instances = instances
        seeds = Array(Set(runs.map(\.seed))).sorted()
        timeLimits = Array(Set(runs.map(\.timeLimit))).sorted()

        let byInstance = Dictionary(grouping: runs.indices, by: { runs[$0].instance })
        // An instance's sense, from any run that read its model: a killed or crashed run reports
        // none and keeps the stored default, minimize.
        let maximized = Set(runs.filter { $0.sense == ObjectiveSense.maximize.rawValue }.map(\.instance))

        // Primal-gap references.
        var references: [String: Double] = [:]
        for instance in instances {
            let mine = byInstance[instance, default: []].map { runs[$0] }
            let maximize = maximized.contains(instance)
            let found = mine.filter { $0.wrong == nil }.compactMap(ReportMath.solutionValue)
            func best(_ values: [Double]) -> Double? { maximize ? values.max() : values.min() }
            switch options.known?[instance] {
            case .optimal(let value): references[instance] = value
            case .bestKnown(let value): references[instance] = best(found + [value])
            case .infeasible: break
            case nil: references[instance] = best(found)
            }
        }

        // Per-run facts.
        let tracing = Set(runs.filter { $0.trace != nil }.map(\.solver))
        hasTraces = !tracing.isEmpty
        let facts: [RunFacts] = runs.map { run in
            var fact = RunFacts(solved: ReportMath.isSolved(run), reference: references[run.instance])
            if let reference = fact.reference {
                fact.primalGap = ReportMath.primalGap(ReportMath.solutionValue(run), reference: reference)
                if tracing.contains(run.solver) {
                    let steps = ReportMath.gapSteps(
                        trace: ReportMath.parseTrace(run.trace) ?? [], final: ReportMath.solutionValue(run),
                        end: run.seconds, reference: reference, horizon: run.timeLimit)
                    fact.gapSteps = steps
                    fact.primalIntegral = ReportMath.integral(of: steps, horizon: run.timeLimit)
                }
            }
            return fact
        }
        self.facts = facts

        // Per-solver summaries.
        summaries = solvers.map { solver in
            let indices = runs.indices.filter { runs[$0].solver == solver }
            let mine = indices.map { runs[$0] }
            let gaps = indices.compactMap { facts[$0].primalGap }
            let integrals = indices.compactMap { facts[$0].primalIntegral }
            func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
            let counted = Set(["optimal", "infeasible", "limit"]).union(ReportMath.failureStatuses)
            return SolverSummary(
                solver: solver, solverName: mine.first?.solverName ?? "",
                solverVersion: Array(Set(mine.map(\.solverVersion).filter { !$0.isEmpty })).sorted().joined(separator: ", "),
                runs: mine.count,
                solved: mine.filter(ReportMath.isSolved).count,
                optimal: mine.filter { $0.status == "optimal" }.count,
                infeasible: mine.filter { $0.status == "infeasible" }.count,
                limit: mine.filter { $0.status == "limit" }.count,
                withSolution: mine.filter { ReportMath.solutionValue($0) != nil }.count,
                failed: mine.filter { ReportMath.failureStatuses.contains($0.status) }.count,
                other: mine.filter { !counted.contains($0.status) }.count,
                wrong: mine.filter { $0.wrong != nil }.count,
                shiftedGeometricMean: ReportMath.shiftedGeometricMean(mine.map(ReportMath.countedTime), shift: options.shift) ?? 0,
                meanPrimalGap: mean(gaps), primalGapRuns: gaps.count,
                meanPrimalIntegral: mean(integrals), primalIntegralRuns: integrals.count)
        }

        // Per-instance rows.
        rows = instances.map { instance in
            var cells: [String: InstanceCell] = [:]
            for solver in solvers {
                let indices = byInstance[instance, default: []].filter { runs[$0].solver == solver }
                guard !indices.isEmpty else { continue }
                let mine = indices.map { runs[$0] }
                let labels = Set(mine.map { $0.status + ($0.limit.map { " (\($0))" } ?? "") })
                let solved = mine.filter(ReportMath.isSolved).count
                let values = mine.compactMap(ReportMath.solutionValue)
                let maximize = maximized.contains(instance)
                let gaps = indices.compactMap { facts[$0].primalGap }
                cells[solver] = InstanceCell(
                    runs: mine.count, solved: solved, wrong: mine.filter { $0.wrong != nil }.count,
                    status: labels.count == 1 ? labels.first! : "\(solved)/\(mine.count) solved",
                    objective: maximize ? values.max() : values.min(),
                    primalGap: gaps.isEmpty ? nil : gaps.reduce(0, +) / Double(gaps.count),
                    seconds: mine.map(\.seconds).reduce(0, +) / Double(mine.count),
                    failed: mine.contains { ReportMath.failureStatuses.contains($0.status) })
            }
            return InstanceRow(instance: instance, known: options.known?[instance], reference: references[instance], cells: cells)
        }

        // Performance profile over (instance, seed) problems.
        var times: [String: [String: Double?]] = [:]
        for run in runs {
            let problem = "\(run.instance)\u{1F}\(run.seed)"
            times[problem, default: [:]][run.solver] = ReportMath.isSolved(run) ? .some(run.seconds) : .some(nil)
        }
        profile = PerformanceProfile(times: times, solvers: solvers, floor: options.timeFloor)

        // Mean primal gap over time, per tracing solver: a sweep over every run's steps.
        gapCurves = solvers.filter(tracing.contains).compactMap { solver in
            let indices = runs.indices.filter { runs[$0].solver == solver && facts[$0].gapSteps != nil }
            guard !indices.isEmpty else { return nil }
            let n = Double(indices.count)
            var deltas: [(time: Double, delta: Double)] = []
            var start = 0.0
            for index in indices {
                let steps = facts[index].gapSteps!
                start += steps[0].gap
                for i in steps.indices.dropFirst() where steps[i].gap != steps[i - 1].gap {
                    deltas.append((steps[i].time, steps[i].gap - steps[i - 1].gap))
                }
            }
            var curve: [(time: Double, gap: Double)] = [(0, start / n)]
            var sum = start
            for delta in deltas.sorted(by: { $0.time < $1.time }) {
                sum += delta.delta
                let value = max(sum / n, 0)
                if curve[curve.count - 1].time == delta.time { curve[curve.count - 1].gap = value } else { curve.append((delta.time, value)) }
            }
            let horizon = indices.map { runs[$0].timeLimit }.max() ?? 1
            return GapCurve(solver: solver, runs: indices.count, steps: curve, horizon: horizon)
        }
    }

    /// The report in `format`.
    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .md: markdown()
        case .csv: csv()
        case .json: json()
        case .html: html()
        }
    }

    /// The definitions, as sentences, for every format.
    public var definitions: [(term: String, text: String)] {
        let shift = formatNumber(options.shift)
        return [
            ("solved", "status optimal or infeasible, and not wrong. A wrong answer (a claim that contradicts a known optimum or infeasibility) is never solved and is counted separately."),
            ("SGM time", "shifted geometric mean of the times, exp(mean(log(t + \(shift)))) − \(shift), shift \(shift) s, over all runs of a solver (instances × seeds); t = the run's solve seconds, or its time limit when unsolved."),
            ("primal gap", "of an objective f against the reference f*: 0 if f = f* = 0; 1 without a solution or when f·f* < 0; else |f − f*| / max(|f|, |f*|). f* is the known optimum (or the better of the best known value and every run's objective) when known values are given, else the best objective any run found. Instances without a reference (infeasible, or no solution anywhere) are left out. The mean is over the runs at their end."),
            ("primal integral", "∫₀^T gap(t) dt in seconds, gap(t) the primal gap of the incumbent at time t (1 before the first incumbent), T the time limit; from the solvers' incumbent traces, for solvers that record them (a run without a trace gets its final incumbent at its end)."),
            ("performance profile", "Dolan–Moré: for each problem p (an instance and seed) and solver s, r(p, s) = t(p, s) / min over solvers of t(p, ·), times floored at \(formatNumber(options.timeFloor)) s, r = ∞ when unsolved; ρ_s(τ) is the fraction of problems with r ≤ τ, plotted on a log₂ τ axis from 1 to 2 × the largest finite ratio. ρ_s(1) is the fraction of problems on which s was fastest, ρ_s at the right end the fraction it solved."),
        ]
    }

    /// One-line description of the batch: counts of runs, instances, solvers, seeds, time limits.
    public var scope: String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let limits = timeLimits.map { formatNumber($0) + " s" }.joined(separator: ", ")
        return "\(plural(runs.count, "run")): \(plural(instances.count, "instance")) × \(plural(solvers.count, "solver")) × \(plural(seeds.count, "seed"))"
            + (timeLimits.isEmpty ? "" : "; time limit \(limits)")
    }
}
