import MILP

/// One IIS search: feasibility tests of subsystems and the filters that combine them.
struct IISSearch {
    let members: MemberSet
    let solver: any Solver
    let options: IISOptions
    /// The elastic LP of the model (nil when no LP solver with duals is at hand, or for models
    /// with semi-continuous variables or SOS sets).
    let elastic: ElasticLP?
    /// The alternative polyhedron on the same LP solver, whose vertices are IISs.
    let alternative: AlternativeLP?
    let started = ContinuousClock.now
    private var solves = 0
    /// The smallest subsystem proven infeasible so far.
    private var smallest: [Member]?
    /// Members known to be needed in `smallest`.
    private var needed = 0
    /// Why some test settled nothing (the first such reason).
    private var inconclusive: String?

    /// Stops the search: time ran out or the run was interrupted.
    struct Stop: Error {}

    init(model: Model, solver: any Solver, options: IISOptions) throws {
        members = MemberSet(model)
        self.solver = solver
        self.options = options
        elastic = try ElasticLP(members, solver: options.relaxationSolver ?? solver)
        alternative = elastic == nil ? nil : try AlternativeLP(members, solver: options.relaxationSolver ?? solver)
    }

    var model: Model { members.model }

    mutating func run() throws -> IISResult {
        do {
            var start: [Member]
            var relaxationInfeasible = false
            switch try test(members.all, integrality: false) {
            case .feasible:
                if !model.isMIP { return feasible() }
                switch try test(members.all) {
                case .feasible: return feasible()
                case .infeasible(let support): start = support
                case .unknown(let why, _): throw IISError(description: "cannot decide whether the model is feasible: \(why)")
                }
            case .infeasible(let support):
                start = support
                relaxationInfeasible = true
            case .unknown(let why, _):
                throw IISError(description: "cannot decide whether the model\(model.isMIP ? "'s LP relaxation" : "") is feasible: \(why)")
            }
            if relaxationInfeasible {
                // For a MIP, the LP relaxation's IIS is the start; the deletion filter's MIP
                // tests then find integrality's share.
                start = try fewestMembers(start)
            }
            if start.count == members.all.count && start.count > 8 {
                // No certificate narrowed the candidates (MIP solves, or an LP solver without
                // duals): bisection needs far fewer tests than dropping members one by one.
                start = try quickXplain(start)
            }
            let iis = try deletionFilter(start, integrality: model.isMIP)
            return result(iis, stopped: false)
        } catch is Stop {
            return result(smallest ?? [], stopped: true)
        }
    }

    // MARK: Tests

    /// Tests whether `set` is feasible: on the elastic LP when there is one (with integrality,
    /// only an infeasible LP settles it), then — for a MIP, or without an elastic LP — by solving
    /// the subsystem on `solver`, whose claims `Solver.solve` confirms and whose points it checks.
    /// An LP model's test is never settled by `solver`'s claim where the elastic LP's certificate
    /// failed.
    mutating func test(_ set: [Member], integrality: Bool = true) throws -> TestOutcome {
        guard let remaining = remainingSeconds(), remaining > 0 else { throw Stop() }
        var outcome: TestOutcome?
        if let elastic {
            elastic.select(set)
            var lpOptions = SolveOptions(timeLimit: remaining.isFinite ? remaining : nil, interrupt: options.interrupt)
            lpOptions.confirmsClaims = false
            outcome = elastic.test(options: lpOptions)
            // With integrality, an LP that is feasible settles nothing. For an LP model, an
            // inconclusive elastic LP stays inconclusive: the solver's own claim on the same LP is
            // no better (on netlib's vol1, CLP called a subsystem infeasible that GLPK, HiGHS and
            // exact arithmetic find feasible); a MIP's subsystem is solved as a MIP instead.
            if case .feasible = outcome, integrality && model.isMIP { outcome = nil }
            if case .unknown(_, stop: false) = outcome, model.isMIP { outcome = nil }
        }
        if outcome == nil { outcome = solveSubsystem(set, timeLimit: remaining) }
        solves += 1
        switch outcome! {
        case .infeasible(let support):
            if support.count < smallest?.count ?? .max { smallest = support }
        case .unknown(let why, let stop):
            if stop { throw Stop() }
            if inconclusive == nil { inconclusive = why }
        case .feasible: break
        }
        options.progress?(IISProgress(seconds: elapsed, solves: solves, candidates: smallest?.count ?? 0, needed: needed))
        return outcome!
    }

    /// The subsystem of `set` solved with a zero objective on `solver` (integrality kept), for
    /// at most `options.testTimeLimit` seconds.
    func solveSubsystem(_ set: [Member], timeLimit remaining: Double) -> TestOutcome {
        let timeLimit = min(remaining, options.testTimeLimit)
        var solveOptions = SolveOptions(timeLimit: timeLimit.isFinite ? timeLimit : nil, interrupt: options.interrupt)
        solveOptions.useStart = false
        let result: SolveResult
        do {
            result = try solver.solve(members.subsystem(set), options: solveOptions)
        } catch {
            return .unknown("\(solver.name) could not take a subsystem: \(error)", stop: false)
        }
        if result.values != nil { return .feasible }  // a point Solver.solve checked
        switch result.termination {
        case .infeasible: return .infeasible(support: set)
        case .limitReached:
            let stop = result.limit == .interrupted || (result.limit == .time && remaining <= options.testTimeLimit)
            return .unknown("\(solver.name) reached the \(formatNumber(options.testTimeLimit)) s limit of a test", stop: stop)
        default: return .unknown("\(solver.name) ended \(result.termination.rawValue)\(result.message.map { ": \($0)" } ?? "")", stop: false)
        }
    }

    // MARK: Filters

    /// Chinneck's deletion filter: drops each member of the infeasible `set` in turn; a member
    /// whose removal leaves a feasible system is needed and goes back, one whose removal leaves
    /// it infeasible stays out, and the set shrinks to the test's certificate when it names a
    /// smaller one. A test that settles nothing keeps its member (the set stays infeasible, maybe
    /// not irreducible).
    mutating func deletionFilter(_ set: [Member], integrality: Bool) throws -> [Member] {
        var current = Set(set)
        var kept = Set<Member>()
        for member in set where current.contains(member) {
            current.remove(member)
            switch try test(current.sorted(), integrality: integrality) {
            case .infeasible(let support):
                current = Set(support).intersection(current).union(kept)
            case .feasible, .unknown:
                current.insert(member)
                kept.insert(member)
                needed = kept.count
            }
        }
        return current.sorted()
    }

    /// The infeasible subsystem with the fewest members among `first` and the alternative
    /// polyhedron's vertices found by a local search: the vertex minimizing Σ y, then, for each
    /// member of the best so far, the vertex without that member; a smaller one becomes the best.
    /// At most twice as many solves as `first` has members.
    mutating func fewestMembers(_ first: [Member]) throws -> [Member] {
        guard let alternative else { return first }
        var best = first, tried = Set<Member>()
        let index = Dictionary(uniqueKeysWithValues: members.all.enumerated().map { ($1, $0) })
        var budget = 2 * first.count + 1
        func vertex(without excluded: Member?) throws -> [Member]? {
            guard let remaining = remainingSeconds(), remaining > 0 else { throw Stop() }
            budget -= 1
            solves += 1
            var lpOptions = SolveOptions(timeLimit: remaining.isFinite ? remaining : nil, interrupt: options.interrupt)
            lpOptions.confirmsClaims = false
            if let excluded { alternative.exclude(index[excluded]!, true) }
            defer { if let excluded { alternative.exclude(index[excluded]!, false) } }
            return alternative.certificate(options: lpOptions)
        }
        func consider(_ candidate: [Member]?) -> Bool {
            guard let candidate, candidate.count < best.count else { return false }
            best = candidate
            if candidate.count < smallest?.count ?? .max { smallest = candidate }
            return true
        }
        _ = consider(try vertex(without: nil))
        search: while budget > 0 {
            for member in best where !tried.contains(member) {
                guard budget > 0 else { break search }
                tried.insert(member)
                if consider(try vertex(without: member)) { continue search }
            }
            break
        }
        return best
    }

    /// QuickXplain (Junker 2004): a minimal infeasible subset of the infeasible `set` in
    /// O(k log(n/k)) tests for a subset of size k, by bisection; every member is a candidate,
    /// integrality the background.
    mutating func quickXplain(_ set: [Member]) throws -> [Member] {
        try explain(background: [], backgroundChanged: false, candidates: set)
    }

    private mutating func explain(background: [Member], backgroundChanged: Bool, candidates: [Member]) throws -> [Member] {
        if backgroundChanged, case .infeasible = try test(background) { return [] }
        if candidates.count <= 1 { return candidates }
        let first = Array(candidates[..<(candidates.count / 2)]), second = Array(candidates[(candidates.count / 2)...])
        let fromSecond = try explain(background: background + first, backgroundChanged: !first.isEmpty, candidates: second)
        let fromFirst = try explain(background: background + fromSecond, backgroundChanged: !fromSecond.isEmpty, candidates: first)
        return fromFirst + fromSecond
    }

    // MARK: Results

    var elapsed: Double { (ContinuousClock.now - started).seconds }

    func remainingSeconds() -> Double? {
        if options.interrupt?.isSet == true { return nil }
        guard let limit = options.timeLimit else { return .infinity }
        return limit - elapsed
    }

    func feasible() -> IISResult {
        IISResult(status: .feasible, rows: [], bounds: [], isIrreducible: false, solves: solves, seconds: elapsed,
                  message: "the model is feasible: a point satisfying every row and bound\(model.isMIP ? " and integrality" : "") was found and checked")
    }

    func result(_ set: [Member], stopped: Bool) -> IISResult {
        var rows: [IISRow] = [], bounds: [IISBound] = []
        for member in set.sorted() {
            let i = Int(member.index)
            switch member.kind {
            case .row:
                if let last = rows.last, last.index == i {
                    rows[rows.count - 1].side = .both
                } else {
                    rows.append(IISRow(index: i, name: model.name(of: model.constraint(at: i)), side: member.upper ? .upper : .lower))
                }
            case .bound:
                bounds.append(IISBound(column: i, name: model.name(of: model.variable(at: i)), side: member.upper ? .upper : .lower,
                                       value: members.value(of: member)))
            }
        }
        var message = inconclusive.map { "not every deletion test was conclusive: \($0)" }
        if set.isEmpty && !stopped {
            message = "no row or bound takes part: the variables' own definitions (integrality, semi-continuity, SOS sets and the bounds that define them) conflict"
        }
        if stopped {
            let why = options.interrupt?.isSet == true ? "interrupted" : "time limit reached"
            message = set.isEmpty ? "\(why) before infeasibility was established" : "\(why); the smallest infeasible subsystem found so far"
        }
        return IISResult(status: stopped ? .limit : .iis, rows: rows, bounds: bounds, isIrreducible: !stopped && inconclusive == nil,
                         solves: solves, seconds: elapsed, message: message)
    }
}
