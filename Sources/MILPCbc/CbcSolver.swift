import CCbc
import CCoinStop
import MILP
import Synchronization

/// COIN-OR CBC through its C interface (`Cbc_C_Interface.h`): branch and cut for MILPs,
/// with native SOS1/SOS2 and MIP starts.
///
/// The whole matrix goes over in one `Cbc_loadProblem` call. Each `solve` creates and frees its own
/// `Cbc_Model`. CBC is not thread-safe: concurrent calls in one process are serialized
/// (`coinOrSolveLock`, shared with CLP).
///
/// CBC 2.10 installs its own SIGINT handler for the length of each solve (and restores the previous
/// one after): a program that stops solves on Ctrl-C should block SIGINT in its threads and take it
/// with `sigwait`, then set the solve's `SolveOptions.interrupt`, as `milp` does — a handler of its
/// own would not run during the solve, and CBC's drops a signal that comes before its search starts.
public struct CbcSolver: Solver {
    /// Creates the CBC adapter; it holds no state, so one instance serves any number of solves.
    public init() {}

    /// How long after a stop request (deadline, interrupt) LPs are still left to finish; tests
    /// shorten it to provoke stops inside the search's last LPs.
    var simplexGrace = Duration.milliseconds(500)

    /// "cbc".
    public var name: String { "cbc" }
    /// The linked CBC library's version string, from `Cbc_getVersion()`.
    public var version: String { String(cString: Cbc_getVersion()) }
    /// Integer variables and native SOS1/SOS2 sets; no LP duals.
    public var capabilities: SolverCapabilities { [.integers, .nativeSOS] }

    /// Solves `form` with CBC on a thread with a 64 MiB stack, serialized with other CBC and CLP solves
    /// in this process; `options.timeLimit` is wall-clock seconds. Returns `.error` if that thread cannot
    /// be started.
    public func solve(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        withSolveLock(coinOrSolveLock, interrupt: options.interrupt, sense: form.sense) {
            runWithLargeStack { solveLocked(form, options: options) } ?? {
                var output = SolverOutput(termination: .error, bestBound: -form.sense.sign * .infinity)
                output.message = "cannot start a thread with the 64 MiB stack CBC needs (address-space limit?)"
                return output
            }()
        }
    }

    /// What CBC holds after a hand-off, for checking and timing the transfer alone.
    public struct LoadSummary: Sendable {
        /// Column, row, nonzero and integer-column counts as reported by CBC after loading.
        public let columns: Int, rows: Int, nonzeros: Int, integers: Int
    }

    /// Validates and lowers `model` and loads it into a CBC model without solving — the hand-off
    /// that `solve` performs — and reports what CBC received.
    public func load(_ model: Model) throws -> LoadSummary {
        try model.validate()
        let form = try StandardForm(model, nativeSOS: true)
        let summary = coinOrSolveLock.withLock { _ in
            runWithLargeStack {
                let cbc = Cbc_newModel()!
                defer { Cbc_deleteModel(cbc) }
                load(form, into: cbc)
                return LoadSummary(columns: Int(Cbc_getNumCols(cbc)), rows: Int(Cbc_getNumRows(cbc)),
                                   nonzeros: Int(Cbc_getNumElements(cbc)), integers: Int(Cbc_getNumIntegers(cbc)))
            }
        }
        guard let summary else { throw SolverError("cannot start a thread with the 64 MiB stack CBC needs (address-space limit?)") }
        return summary
    }

    private func solveLocked(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        var form = form
        if !form.sos.isEmpty && !form.isInteger.contains(true) {
            // CBC's C interface skips branching ("No integer variables - nothing to do") and so
            // ignores SOS sets when no column is integral: add an integer column fixed at 0.
            form.columnCount += 1
            form.columnStarts.append(form.columnStarts.last!)
            form.columnLower.append(0)
            form.columnUpper.append(0)
            form.objective.append(0)
            form.isInteger.append(true)
        }
        let model = Cbc_newModel()!
        defer { Cbc_deleteModel(model) }
        load(form, into: model)
        let preprocessing = Self.preprocesses(form, options)
        apply(options, form: form, preprocessing: preprocessing, to: model)
        if options.interrupt?.isSet == true {
            return SolverOutput(termination: .limitReached, limit: .interrupted, bestBound: -form.sense.sign * .infinity)
        }
        // CBC checks its own time limit only between phases; this check also runs inside them.
        let check = StopCheck(interrupt: options.interrupt, timeLimit: options.timeLimit, simplexGrace: simplexGrace,
                              progress: ProgressRelay(options, form: form), sense: form.sense)
        var stop = milpkit_coin_stop(should_stop: { context, phase in
            Unmanaged<StopCheck>.fromOpaque(context!).takeUnretainedValue().shouldStop(simplex: phase == Int32(MILPKIT_COIN_SIMPLEX)) ? 1 : 0
        }, on_incumbent: { context, objective in
            Unmanaged<StopCheck>.fromOpaque(context!).takeUnretainedValue().record(objective)
        }, on_progress: check.progress == nil ? nil : { context, hasIncumbent, incumbent, bound, nodes in
            Unmanaged<StopCheck>.fromOpaque(context!).takeUnretainedValue()
                .report(incumbent: hasIncumbent != 0 ? incumbent : nil, bound: bound, nodes: Int(nodes))
        }, on_iteration: nil, seconds_left: { context in
            Unmanaged<StopCheck>.fromOpaque(context!).takeUnretainedValue().secondsLeft()
        }, context: Unmanaged.passUnretained(check).toOpaque(), fired: 0, search_ended: 0,
           incumbent: nil, incumbent_columns: Int32(form.columnCount), incumbent_kept: 0)
        // Without preprocessing the search has the model's columns: the handler keeps its incumbent,
        // and CBC's re-solves after a stopped search (4.7 s past a window's limit on n500) are cut short.
        var kept = [Double](repeating: 0, count: preprocessing || !form.isMIP ? 0 : form.columnCount)
        let status = withExtendedLifetime(check) {
            kept.withUnsafeMutableBufferPointer { kept in
                withUnsafeMutablePointer(to: &stop) { stop -> Int32 in
                    stop.pointee.incumbent = kept.isEmpty ? nil : kept.baseAddress
                    milpkit_cbc_attach_stop(model, stop)
                    return Cbc_solve(model)
                }
            }
        }
        var output = read(model, form: form, status: status)
        output.incumbentTrace = check.incumbents.map { [$0[0], form.sense.sign * $0[1]] }
        // Stopped by us, through the handler or through CBC's own limit kept at our deadline:
        // whatever CBC concluded from an interrupted LP proves nothing.
        if stop.fired != 0 || (Cbc_isSecondsLimitReached(model) != 0 && check.secondsLeft() == 0) {
            let incumbent = stop.incumbent_kept != 0 ? kept
                : form.isMIP ? Cbc_bestSolution(model).map { Array(UnsafeBufferPointer(start: $0, count: form.columnCount)) } : nil
            var stopped = SolverOutput(termination: .limitReached, limit: check.interrupted ? .interrupted : .time,
                                       values: incumbent, bestBound: output.bestBound)
            stopped.nodes = output.nodes
            stopped.iterations = output.iterations
            stopped.incumbentTrace = output.incumbentTrace
            output = stopped
        }
        return output
    }

    private func load(_ form: StandardForm, into model: UnsafeMutableRawPointer?) {
        let toCoin = { (x: Double) in x == .infinity ? Double.greatestFiniteMagnitude : (x == -.infinity ? -Double.greatestFiniteMagnitude : x) }
        let colLower = form.columnLower.map(toCoin), colUpper = form.columnUpper.map(toCoin)
        let rowLower = form.rowLower.map(toCoin), rowUpper = form.rowUpper.map(toCoin)
        Cbc_loadProblem(model, Int32(form.columnCount), Int32(form.rowCount), form.columnStarts, form.rowIndices,
                        form.values, colLower, colUpper, form.objective, rowLower, rowUpper)
        for j in 0..<form.columnCount where form.isInteger[j] { Cbc_setInteger(model, Int32(j)) }
        Cbc_setObjSense(model, form.sense.sign)
        for type in [SOSConstraint.SOSType.one, .two] {
            let sets = form.sos.filter { $0.type == type }
            guard !sets.isEmpty else { continue }
            var starts: [Int32] = [0]
            for s in sets { starts.append(starts.last! + Int32(s.columns.count)) }
            let columns = sets.flatMap(\.columns).map { Int32($0) }
            let weights = sets.flatMap(\.weights)
            Cbc_addSOS(model, Int32(sets.count), starts, columns, weights, Int32(type.rawValue))
        }
    }

    /// Whether CBC's MIP preprocessing runs (off on request, and with SOS sets).
    private static func preprocesses(_ form: StandardForm, _ options: SolveOptions) -> Bool {
        form.sos.isEmpty && options.preprocessing != false && options.presolve != false
    }

    private func apply(_ options: SolveOptions, form: StandardForm, preprocessing: Bool, to model: UnsafeMutableRawPointer?) {
        Cbc_setLogLevel(model, Int32(clamping: options.logLevel))
        // Wall-clock time, not CPU time (CBC's default), for its own limit checks.
        Cbc_setParameter(model, "timeMode", "elapsed")
        // With preprocessing, CBC 2.10's own limit ends the search early: CbcMain1 takes the
        // preprocessing time off the limit without restarting the search's clock, so it counts
        // twice (mis_2: "time limit" at 44 s of 60; fixed upstream in coin-or/Cbc#774). Then it is
        // a backstop at twice the limit until the stop check sets it right at the first search event.
        if let t = options.timeLimit { Cbc_setMaximumSeconds(model, (preprocessing ? 2 : 1) * max(t, 0)) }
        if let g = options.relativeGap { Cbc_setAllowableFractionGap(model, g) }
        if let g = options.absoluteGap { Cbc_setAllowableGap(model, g) }
        if let n = options.nodeLimit { Cbc_setMaximumNodes(model, Int32(clamping: n)) }
        if let n = options.solutionLimit { Cbc_setMaximumSolutions(model, Int32(clamping: n)) }
        // CBC's "threads 1" is its threaded search with one thread, which clones the model first
        // (1 s per window sub-MIP of n500): one thread is CBC's serial search, its default.
        if let n = options.threads, n > 1 { Cbc_setParameter(model, "threads", "\(n)") }
        if let s = options.seed {
            Cbc_setParameter(model, "randomCbcSeed", "\(s)")
            Cbc_setParameter(model, "randomSeed", "\(s)")
        }
        if !preprocessing {
            // (With SOS sets, CglPreProcess asserts and aborts the process on some models.)
            Cbc_setParameter(model, "preprocess", "off")
        }
        if options.presolve == false {
            // The second path: no presolve and no scaling (scaled, a big-M row x ≤ 1e7·z lets
            // z = 0 carry x = 0.1 within CLP's primal tolerance).
            Cbc_setParameter(model, "presolve", "off")
            Cbc_setParameter(model, "scaling", "off")
        }
        if options.useStart, !form.start.isEmpty, form.isMIP {
            Cbc_setMIPStartI(model, Int32(form.start.count), form.start.map(\.column), form.start.map(\.value))
        }
    }

    private func read(_ model: UnsafeMutableRawPointer?, form: StandardForm, status: Int32) -> SolverOutput {
        let n = form.columnCount
        let secondary = Cbc_secondaryStatus(model)
        let unknownBound = -form.sense.sign * Double.infinity
        var values: [Double]?
        if form.isMIP {
            if let best = Cbc_bestSolution(model) { values = Array(UnsafeBufferPointer(start: best, count: n)) }
        } else if Cbc_isProvenOptimal(model) != 0, let x = Cbc_getColSolution(model) {
            values = Array(UnsafeBufferPointer(start: x, count: n))
        }
        var bound = Cbc_getBestPossibleObjValue(model)
        if !bound.isFinite || abs(bound) >= 1e50 { bound = unknownBound }

        var output: SolverOutput
        if Cbc_isProvenOptimal(model) != 0 && values != nil {
            // CBC reports "optimal" also when it stopped on a user gap: say which.
            if secondary == 2 { output = SolverOutput(termination: .limitReached, limit: .gap, values: values, bestBound: bound) }
            else { output = SolverOutput(termination: .optimal, values: values, bestBound: bound) }
        } else if Cbc_isProvenInfeasible(model) != 0 {
            // On pure LPs CBC also says "infeasible" for a dual-infeasible (unbounded) problem:
            // let the caller decide with a feasibility solve.
            output = SolverOutput(termination: form.isMIP ? .infeasible : .infeasibleOrUnbounded, bestBound: unknownBound)
        } else if Cbc_isContinuousUnbounded(model) != 0 || secondary == 7 {
            output = SolverOutput(termination: .infeasibleOrUnbounded, values: nil, bestBound: unknownBound)
        } else if status == 1 || Cbc_isSecondsLimitReached(model) != 0 || Cbc_isNodeLimitReached(model) != 0
                    || Cbc_isSolutionLimitReached(model) != 0 {
            let limit: SolveLimit
            switch secondary {
            case 2: limit = .gap
            case 3: limit = .nodes
            case 5: limit = .interrupted
            case 6: limit = .solutions
            case 8: limit = .iterations
            default: limit = Cbc_isNodeLimitReached(model) != 0 ? .nodes : (Cbc_isSolutionLimitReached(model) != 0 ? .solutions : .time)
            }
            output = SolverOutput(termination: .limitReached, limit: limit, values: values, bestBound: bound)
        } else if status == 5 {
            output = SolverOutput(termination: .limitReached, limit: .interrupted, values: values, bestBound: bound)
        } else {
            output = SolverOutput(termination: .error, values: values, bestBound: bound)
            output.message = "CBC stopped with status \(status), secondary status \(secondary)"
                + (Cbc_isAbandoned(model) != 0 ? " (abandoned: numerical difficulties)" : "")
        }
        output.nodes = Int(Cbc_getNodeCount(model))
        output.iterations = Int(Cbc_getIterationCount(model))
        return output
    }
}

/// What CBC polls during a solve: an interrupt request or the wall-clock deadline; it also relays
/// the search's progress.
///
/// The search is asked to stop first; LPs are cut short only `simplexGrace` later, so that a
/// search that stops in time can still re-solve its last LPs (and CBC can take a MIP start: the
/// start's LP runs before the search). Once the main search has ended, no LP is cut short (the
/// shim's `search_ended`) when CBC preprocessed the model: the LP that maps the incumbent back to
/// the unpresolved model must finish, or the incumbent is lost (50v-10 lost it at a 150 s limit).
/// Without preprocessing the shim keeps the incumbent itself, and those LPs are cut short too.
/// CBC's own time limit is kept at the deadline (`secondsLeft`) for the parts that poll no event.
private final class StopCheck: Sendable {
    let simplexGrace: Duration
    let interrupt: InterruptFlag?
    let deadline: ContinuousClock.Instant?
    /// When a stop was first requested (the deadline, or when the interrupt was first seen).
    private let requested = Mutex<ContinuousClock.Instant?>(nil)

    let progress: ProgressRelay?
    /// +1 for minimization, −1 for maximization: CBC reports in minimization form.
    private let sign: Double

    init(interrupt: InterruptFlag?, timeLimit: Double?, simplexGrace: Duration, progress: ProgressRelay?, sense: ObjectiveSense) {
        self.interrupt = interrupt
        self.simplexGrace = simplexGrace
        self.progress = progress
        sign = sense.sign
        deadline = timeLimit.flatMap { $0 < 1e12 ? ContinuousClock.now + .seconds(max($0, 0)) : nil }  // inf, NaN: none
    }

    /// The search's state in minimization form, from its node events.
    func report(incumbent: Double?, bound: Double, nodes: Int) {
        let bound = abs(bound) >= 1e50 || !bound.isFinite ? -Double.infinity : bound
        progress?.update(incumbent: incumbent.flatMap { abs($0) >= 1e50 ? nil : sign * $0 }, bound: sign * bound, nodes: nodes)
    }

    var interrupted: Bool { interrupt?.isSet == true }

    private let started = ContinuousClock.now
    private let trace = Mutex<[[Double]]>([])
    /// [seconds since the solve started, objective in minimization form] per incumbent of the main search.
    var incumbents: [[Double]] { trace.withLock { $0 } }

    /// Records a new incumbent (the copies of the model that CBC searches may report the same one).
    func record(_ objective: Double) {
        let point = [(ContinuousClock.now - started).seconds, objective]
        trace.withLock { if $0.last?[1] != objective { $0.append(point) } }
    }

    /// Seconds until the search should end: 0 once a stop was requested, infinity without a deadline.
    func secondsLeft() -> Double {
        if interrupted || requested.withLock({ $0 != nil }) { return 0 }
        guard let deadline else { return .infinity }
        return max(0, (deadline - ContinuousClock.now).seconds)
    }

    func shouldStop(simplex: Bool) -> Bool {
        let now = ContinuousClock.now
        let since = requested.withLock { requested -> ContinuousClock.Instant? in
            if requested == nil {
                if interrupted { requested = now } else if let deadline, now >= deadline { requested = deadline }
            }
            return requested
        }
        guard let since else { return false }
        return !simplex || now >= since + simplexGrace
    }
}
