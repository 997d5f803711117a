/// Checking what a solver says before the user hears it: infeasible and unbounded claims are
/// confirmed on a second path (`SolveOptions.presolve` off), points that fail the feasibility
/// check are repaired or the solve retried. See `Solver.solve(_ model:options:)`.
extension Solver {
    /// `output` when its status needs no confirmation or the second path agrees; otherwise what
    /// the second path proves, an `.error` naming both claims, or `.limitReached` when the time
    /// limit or an interrupt cuts the confirmation short.
    func confirmClaim(_ output: SolverOutput, form: StandardForm, model: Model, options: SolveOptions,
                      started: ContinuousClock.Instant) -> SolverOutput {
        let claim = output.termination
        if claim == .optimal { return confirmOptimum(output, form: form, model: model, options: options, started: started) }
        guard claim == .infeasible || claim == .unbounded || claim == .infeasibleOrUnbounded else { return output }
        let said = "\(name) says \(claim.rawValue.replacingOccurrences(of: "_", with: " "))"
            + (output.message.map { " (\($0))" } ?? "")
        let unknownBound = -form.sense.sign * Double.infinity
        func ended(_ termination: TerminationReason, limit: SolveLimit? = nil, values: [Double]? = nil, note: String?) -> SolverOutput {
            var ended = SolverOutput(termination: termination, limit: limit, values: values, bestBound: unknownBound)
            ended.nodes = output.nodes
            ended.iterations = output.iterations
            ended.message = note
            ended.queuedSeconds = output.queuedSeconds
            return ended
        }
        /// What a second-path solve that did not decide anything means for the claim.
        func undecided(_ second: SolverOutput, _ what: String) -> SolverOutput {
            if second.termination == .limitReached {
                let limit = second.limit == .interrupted ? SolveLimit.interrupted : .time
                return ended(.limitReached, limit: limit, note: "\(said); not confirmed: \(what) without presolve was stopped (\(limit.rawValue))")
            }
            return ended(.error, note: "\(said); not confirmed: \(what) without presolve ended with \(second.termination.rawValue)"
                + (second.message.map { " (\($0))" } ?? ""))
        }
        /// Time is up or the solve was interrupted: the claim stands unconfirmed.
        func noSecondPath() -> SolverOutput {
            let interrupted = options.interrupt?.isSet == true
            return ended(.limitReached, limit: interrupted ? .interrupted : .time,
                         note: "\(said); not confirmed: \(interrupted ? "interrupted" : "no time left") before a second path")
        }
        let infeasibleClaims: Set<TerminationReason> = [.infeasible, .infeasibleOrUnbounded]
        /// A search for any feasible point of `problem` (zero objective) on the second path; when
        /// that finds none, also on the solver's own path: a checked point from either proves
        /// feasibility (on badly scaled LPs each path misses points the other finds).
        func searchPoint(_ problem: StandardForm, options second: SolveOptions) -> SolverOutput {
            let search = solve(problem.withZeroObjective, options: second)
            guard infeasibleClaims.contains(search.termination) else { return search }
            var own = second
            own.presolve = options.presolve
            own.preprocessing = options.preprocessing
            let other = solve(problem.withZeroObjective, options: own)
            let found = other.values.map { isFeasible($0, of: model, form: form) || problem.isMIP != form.isMIP } ?? false
            return other.termination == .optimal && found ? other : search
        }

        // Is there any feasible point? For a MIP, its LP relaxation first: infeasible, so is the MIP.
        if form.isMIP {
            guard let second = secondPath(options, started: started) else { return noSecondPath() }
            let relaxed = searchPoint(form.relaxed, options: second)
            if infeasibleClaims.contains(relaxed.termination) {
                return claim == .unbounded
                    ? ended(.error, note: "\(said), but without presolve its LP relaxation has no feasible point") : output
            }
            guard relaxed.termination == .optimal else { return undecided(relaxed, "the search for a point of the LP relaxation") }
        }
        guard let second = secondPath(options, started: started) else { return noSecondPath() }
        let feasibility = searchPoint(form, options: second)
        if infeasibleClaims.contains(feasibility.termination) {
            // With a zero objective nothing is unbounded: either claim means infeasible.
            return claim == .unbounded
                ? ended(.error, note: "\(said), but a search for any feasible point without presolve finds none")
                : (claim == .infeasible ? output : ended(.infeasible, note: output.message))
        }
        guard let point = feasibility.values, isFeasible(point, of: model, form: form) else {
            return undecided(feasibility, "the search for a feasible point")
        }
        // Feasible. An unbounded claim stands if the objective (of the LP relaxation, for a MIP:
        // with rational data a feasible MIP with an unbounded relaxation is unbounded) has no
        // finite optimum on the second path either; an infeasible claim is wrong: solve again.
        guard let again = secondPath(options, started: started) else { return noSecondPath() }
        if claim != .infeasible {
            let relaxation = solve(form.isMIP ? form.relaxed : form, options: again)
            switch relaxation.termination {
            case .unbounded, .infeasibleOrUnbounded: return ended(.unbounded, note: output.message)
            case .optimal:
                return ended(.error, note: "\(said), but without presolve \(form.isMIP ? "its LP relaxation has" : "it has") "
                    + "a feasible point and an optimum of \(formatNumber(relaxation.bestBound + form.objectiveConstant))")
            default: return undecided(relaxation, form.isMIP ? "the LP relaxation" : "the solve")
            }
        }
        var withPoint = form
        withPoint.start = point.indices.map { (column: Int32($0), value: point[$0]) }
        var seeded = again
        seeded.useStart = true
        var resolved = solve(withPoint, options: seeded)
        let found = "\(said), but a solve without presolve finds a feasible point"
        switch resolved.termination {
        case .optimal where resolved.values.map({ isFeasible($0, of: model, form: form) }) == true:
            resolved.message = "\(found) and this optimum"
            resolved.queuedSeconds = output.queuedSeconds
            return resolved
        case .unbounded, .infeasibleOrUnbounded:
            return ended(.unbounded, note: "\(found) and no finite optimum")
        case .limitReached:
            let values = resolved.values.flatMap { isFeasible($0, of: model, form: form) ? $0 : nil } ?? point
            return ended(.limitReached, limit: resolved.limit ?? .time, values: values, note: "\(found); its search was stopped")
        default:
            return ended(.error, note: "\(found), then ended with \(resolved.termination.rawValue)"
                + (resolved.message.map { " (\($0))" } ?? ""))
        }
    }

    /// An LP optimum whose duals prove it (``StandardForm/dualBound(_:)`` meets the objective)
    /// stands; one they do not prove is solved again on the second path and stands when that
    /// agrees (or is replaced by what the second path proves, confirmed in turn). MIP optima and
    /// LPs without duals (CBC) are taken as they are: their points are checked later.
    private func confirmOptimum(_ output: SolverOutput, form: StandardForm, model: Model, options: SolveOptions,
                                started: ContinuousClock.Instant) -> SolverOutput {
        guard !form.isMIP, let values = output.values, let duals = output.duals else { return output }
        let objective = zip(form.objective, values).map(*).reduce(0, +)
        let tolerance = 1e-6 * max(1, abs(objective))
        let bound = form.dualBound(duals)
        if form.sense.sign * (objective - bound) <= tolerance { return output }
        guard let second = secondPath(options, started: started) else { return output }
        let again = solve(form, options: second)
        let said = "\(name) says optimal with objective \(formatNumber(objective + form.objectiveConstant)), which its duals do not prove"
        switch again.termination {
        case .optimal:
            let other = again.values.map { zip(form.objective, $0).map(*).reduce(0, +) } ?? .nan
            let otherBound = again.duals.map(form.dualBound)
            let proven = otherBound.map { form.sense.sign * (other - $0) <= tolerance } ?? true
            if abs(other - objective) <= tolerance && proven { return output }
            if proven, let point = again.values, isFeasible(point, of: model, form: form) {
                var replaced = again
                replaced.message = "\(said); without presolve: optimum \(formatNumber(other + form.objectiveConstant)), proven by its duals"
                replaced.queuedSeconds = output.queuedSeconds
                return replaced
            }
            // Neither optimum is proven: report the better checked point with the better of the
            // two (valid) dual bounds, as an error.
            let candidates = [(values, objective), (again.values, other)].compactMap { v, o in
                v.flatMap { isFeasible($0, of: model, form: form) ? ($0, o) : nil }
            }
            let best = candidates.min { form.sense.sign * $0.1 < form.sense.sign * $1.1 }
            let bounds = [bound, otherBound ?? -form.sense.sign * .infinity]
            var unproven = SolverOutput(termination: .error, values: best?.0,
                                        bestBound: form.sense == .minimize ? bounds.max()! : bounds.min()!)
            unproven.message = "\(said); without presolve it finds \(formatNumber(other + form.objectiveConstant))"
                + (proven ? "" : ", which its duals do not prove either")
            unproven.queuedSeconds = output.queuedSeconds
            return unproven
        case .infeasible, .unbounded, .infeasibleOrUnbounded:
            var confirmed = confirmClaim(again, form: form, model: model, options: options, started: started)
            if confirmed.termination == again.termination || confirmed.termination == .unbounded || confirmed.termination == .infeasible {
                confirmed.message = "\(said); without presolve: \(confirmed.termination.rawValue)" + (confirmed.message.map { " (\($0))" } ?? "")
            }
            return confirmed
        default:
            return output
        }
    }

    /// Options for a solve on the second path (presolve and preprocessing off, no callbacks,
    /// no start), with what is left of the time limit; nil when the time is up or the solve was
    /// interrupted. The second path gets at least half a second: a claim made at the deadline
    /// may still be confirmed.
    func secondPath(_ options: SolveOptions, started: ContinuousClock.Instant) -> SolveOptions? {
        if options.interrupt?.isSet == true { return nil }
        var second = options
        second.presolve = false
        second.preprocessing = false
        second.progress = nil
        second.onIncumbent = nil
        second.useStart = false
        second.confirmsClaims = false
        if let limit = options.timeLimit {
            let left = limit - (ContinuousClock.now - started).seconds
            guard left > -1 else { return nil }
            second.timeLimit = max(left, 0.5)
        }
        return second
    }

    /// True when the form's point, cut to the model's columns, passes the model's feasibility check.
    private func isFeasible(_ values: [Double], of model: Model, form: StandardForm) -> Bool {
        values.count >= form.originalColumnCount && model.accepts(Array(values.prefix(form.originalColumnCount)))
    }

    /// Before a point that fails the feasibility check is dropped: for a MIP, the integers are
    /// fixed at their rounded values (semi-continuous variables at 0 or within their range) and
    /// the LP re-solved on the second path; a feasible repaired point no worse than the solver's
    /// (1e-6 relative, for an optimal result) replaces it. Otherwise the solve is retried once on
    /// the second path with another seed (the repaired point, if feasible, as its start); a
    /// feasible point of the retry replaces the result. Failing both, a feasible
    /// repaired point is kept with status `.error` (its optimality unproven); else the point is
    /// left to be dropped. `result.recovery` and the message say what happened.
    func recoverInfeasiblePoint(_ result: inout SolveResult, form: StandardForm, model: Model, options: SolveOptions,
                                started: ContinuousClock.Instant) {
        guard let values = result.values, !model.accepts(values) else { return }
        let report = model.checkFeasibility(of: values, tolerance: FeasibilityReport.acceptedViolation,
                                            integralityTolerance: FeasibilityReport.acceptedViolation)
        let violation = "\(name)'s point is not feasible at tolerance \(formatNumber(FeasibilityReport.acceptedViolation)) "
            + "(\(report.worst.prefix(2).joined(separator: "; ")))"
        var tried: [String] = []
        var repairedPoint: [Double]?
        if model.isMIP, let second = secondPath(options, started: started) {
            tried.append("integers fixed and the LP re-solved without presolve")
            if let repaired = try? solve(model.fixingIntegrality(at: values), options: second),
               let point = repaired.values, model.accepts(point) {
                repairedPoint = point
                if notWorse(point, than: result, in: model) {
                    result.replacePoint(with: point, in: model)
                    result.recovery = .repaired
                    result.note("\(violation); repaired: integers fixed, LP re-solved without presolve")
                    return
                }
            }
        }
        if var retry = secondPath(options, started: started) {
            retry.seed = (options.seed ?? 0) + 1
            var startModel = model
            if let repairedPoint {
                startModel.setStart(values: repairedPoint)
                retry.useStart = true
            }
            tried.append("a retry without presolve and with seed \(retry.seed!)")
            if let again = try? solve(startModel, options: retry), let point = again.values, model.accepts(point) {
                result = again
                result.recovery = .retried
                result.note("\(violation); retried without presolve and with seed \(retry.seed!)")
                return
            }
        }
        if let repairedPoint {
            result.replacePoint(with: repairedPoint, in: model)
            result.termination = .error
            result.limit = nil
            result.recovery = .repaired
            result.note("\(violation); repaired (integers fixed, LP re-solved), but the repaired point is worse than "
                + "\(name)'s claimed optimum and a retry found nothing better: optimality not proven")
            return
        }
        if !tried.isEmpty { result.note("tried: " + tried.joined(separator: ", then ")) }
    }

    /// True unless `result` claims optimality and `point` is worse than its objective by more
    /// than 1e-6 relative (a repair must not turn an optimum into a worse point) and than its
    /// bound (a point that meets the solver's bound is optimal whatever the solver's own point).
    private func notWorse(_ point: [Double], than result: SolveResult, in model: Model) -> Bool {
        guard result.termination == .optimal, let claimed = result.objective else { return true }
        let objective = model.objectiveValue(of: point)
        let tolerance = 1e-6 * max(1, abs(objective))
        return model.sense.sign * (objective - claimed) <= tolerance || model.sense.sign * (objective - result.bestBound) <= tolerance
    }
}

/// How a solver's point that failed the feasibility check was replaced.
public enum PointRecovery: String, Sendable, Codable {
    /// Integers fixed at the point's rounded values, the LP re-solved.
    case repaired
    /// The solve retried on the second path (presolve off, another seed).
    case retried
}

extension SolveResult {
    /// Appends a note to ``message``.
    mutating func note(_ text: String) {
        message = message.map { "\($0); \(text)" } ?? text
    }

    /// Takes `point` as the solution: objective, gap and the incumbent trace's end follow it.
    mutating func replacePoint(with point: [Double], in model: Model) {
        values = point
        objective = model.objectiveValue(of: point)
        gap = objective.map { relativeGap(objective: $0, bound: bestBound) }
        incumbentTrace = incumbentTrace.flatMap { trace in objective.map { closedIncumbentTrace(trace, at: seconds, with: $0) } }
    }
}

extension Model {
    /// True when `values` pass the feasibility check at `FeasibilityReport.acceptedViolation`.
    func accepts(_ values: [Double]) -> Bool {
        checkFeasibility(of: values, tolerance: FeasibilityReport.acceptedViolation,
                         integralityTolerance: FeasibilityReport.acceptedViolation).isFeasible
    }
}

extension StandardForm {
    /// The Lagrangian bound of `duals` (one multiplier per row, in either sign convention: the
    /// better of y and −y is taken, both being valid): min over the bounds of (c − Aᵀy)ᵀx plus
    /// min over the row bounds of yᵀ(Ax), for a minimization (max for a maximization); ∓inf when
    /// a reduced cost or multiplier points toward an infinite bound (an improving direction the
    /// solver missed). Reduced costs and multipliers within 1e-7 of 0, relative to their scale
    /// (|cⱼ| and Σ|aᵢⱼyᵢ|; the largest |yᵢ|), count as 0, as solvers' dual tolerances do.
    func dualBound(_ duals: [Double]) -> Double {
        let sign = sense.sign
        func bound(_ y: [Double]) -> Double {
            var reduced = objective.map { sign * $0 }, scale = objective.map { max(1, abs($0)) }
            for j in 0..<columnCount {
                var through = 0.0
                for k in Int(columnStarts[j])..<Int(columnStarts[j + 1]) {
                    let term = values[k] * y[Int(rowIndices[k])]
                    reduced[j] -= term
                    through += abs(term)
                }
                scale[j] = max(scale[j], through)
            }
            let multiplierScale = max(1, y.lazy.map(abs).max() ?? 0)
            var total = 0.0
            for j in 0..<columnCount where abs(reduced[j]) > 1e-7 * scale[j] {
                total += reduced[j] > 0 ? reduced[j] * columnLower[j] : reduced[j] * columnUpper[j]
            }
            for i in 0..<rowCount where abs(y[i]) > 1e-7 * multiplierScale {
                total += y[i] > 0 ? y[i] * rowLower[i] : y[i] * rowUpper[i]
            }
            return total.isNaN ? -.infinity : total
        }
        guard duals.count >= rowCount else { return -sign * .infinity }
        let y = Array(duals.prefix(rowCount))
        return sign * max(bound(y), bound(y.map { -$0 }))
    }

    /// The same constraints with a zero objective: any feasible point is optimal.
    var withZeroObjective: StandardForm {
        var form = self
        form.objective = Array(repeating: 0, count: columnCount)
        form.start = []
        return form
    }

    /// The LP relaxation: no integrality, no SOS sets.
    var relaxed: StandardForm {
        var form = self
        form.isInteger = Array(repeating: false, count: columnCount)
        form.sos = []
        form.start = []
        return form
    }
}

extension Model {
    /// The model with its integer and binary variables fixed at `values` rounded (within their
    /// bounds), semi-continuous and semi-integer ones fixed at 0 when they are nearer 0 than
    /// their lower bound and kept in their range otherwise, SOS members at 0 fixed; all
    /// continuous, no SOS sets.
    func fixingIntegrality(at values: [Double]) -> Model {
        var fixed = self
        let zero = FeasibilityReport.acceptedViolation
        var atZero = Set<Int>()
        for c in 0..<variableCount {
            let x = values[c], lo = lowerBounds[c], up = upperBounds[c]
            if kinds[c].isSemi && x < lo / 2 {
                (fixed.lowerBounds[c], fixed.upperBounds[c]) = (0, 0)
                atZero.insert(c)
            } else if kinds[c].isIntegral {
                let v = min(max(x.rounded(), lo.rounded(.up)), up.rounded(.down))
                (fixed.lowerBounds[c], fixed.upperBounds[c]) = (v, v)
            }
            fixed.kinds[c] = .continuous
        }
        for set in sosConstraints {
            for c in set.columns.map(Int.init) where abs(values[c]) <= zero && !atZero.contains(c) {
                (fixed.lowerBounds[c], fixed.upperBounds[c]) = (0, 0)
            }
        }
        fixed.sosConstraints = []
        return fixed
    }
}
