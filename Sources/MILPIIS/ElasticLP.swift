import MILP

/// What a feasibility test of a subsystem found.
enum TestOutcome {
    /// A point satisfies every member of the tested set (checked against the members).
    case feasible
    /// The tested set is infeasible; `support` is an infeasible subset of it (the whole set when
    /// the test gives no certificate).
    case infeasible(support: [Member])
    /// The test settled nothing (a limit, a solver failure, numbers too close to call); `stop`
    /// when time ran out or the run was interrupted.
    case unknown(String, stop: Bool)
}

/// The elastic LP of a model's rows and bounds (Chinneck's phase-1 form), kept in an
/// ``LPSession`` so that each test re-solves from the last basis.
///
/// The model's columns become free; each row with a finite side, and each column with a finite
/// bound (as a row `x + v − w`), gets a violation column per member: +1 for its lower side, −1
/// for its upper one, [0, ∞). A member in the tested set has violation cost 1, a member left out
/// cost 0, so the minimum total violation is 0 exactly when the tested set is feasible. When it is
/// not, the optimal duals are a Farkas certificate: their nonzeros name an infeasible subset of
/// the tested set (Chinneck's sensitivity filter), which is checked here in the model's own
/// numbers before it is believed. Integrality is ignored: this is the LP relaxation.
final class ElasticLP {
    let members: MemberSet
    /// Violation column of each member of `members.all`: `elasticColumn[k]` in the form.
    private let elasticColumn: [Int]
    /// Form row of each member.
    private let formRow: [Int]
    private let session: any LPSession
    private let memberIndex: [Member: Int]
    /// Whether each member is in the tested set.
    private(set) var active: [Bool]
    private(set) var solves = 0

    /// The elastic LP of `members.model` on `solver`, every member active. Nil when `solver`
    /// gives no duals (no certificates), or when the model has semi-continuous variables or
    /// SOS sets (their relaxation is not the model's rows and bounds).
    init?(_ members: MemberSet, solver: any Solver) throws {
        let model = members.model
        guard solver.capabilities.contains(.duals), members.fixedBounds.isEmpty else { return nil }
        self.members = members
        var lp = Model(name: "elastic")
        let n = model.variableCount
        for _ in 0..<n { lp.addVariable(lowerBound: -.infinity, upperBound: .infinity) }
        var elasticColumn = [Int](repeating: 0, count: members.all.count), formRow = elasticColumn
        var next = 0  // next member to place; members.all lists rows, then bounds, in order
        func addRow(columns: [Int32], coefficients: [Double], lower: Double, upper: Double, isMember: (Member) -> Bool) {
            var columns = columns, coefficients = coefficients
            while next < members.all.count && isMember(members.all[next]) {
                let member = members.all[next]
                elasticColumn[next] = lp.variableCount
                formRow[next] = lp.constraintCount
                columns.append(Int32(lp.variableCount))
                coefficients.append(member.upper ? -1 : 1)
                lp.addVariable(lowerBound: 0, upperBound: .infinity, objective: 1)
                next += 1
            }
            lp.addRow(columns: columns, coefficients: coefficients, lowerBound: lower, upperBound: upper)
        }
        for r in 0..<model.constraintCount where model.rowLowerBounds[r].isFinite || model.rowUpperBounds[r].isFinite {
            let entries = model.rowStarts[r]..<model.rowStarts[r + 1]
            addRow(columns: Array(model.rowColumns[entries]), coefficients: Array(model.rowCoefficients[entries]),
                   lower: model.rowLowerBounds[r], upper: model.rowUpperBounds[r]) { $0.kind == .row && $0.index == r }
        }
        for c in 0..<n where model.lowerBounds[c].isFinite || model.upperBounds[c].isFinite {
            addRow(columns: [Int32(c)], coefficients: [1], lower: model.lowerBounds[c], upper: model.upperBounds[c]) {
                $0.kind == .bound && $0.index == c
            }
        }
        self.elasticColumn = elasticColumn
        self.formRow = formRow
        session = solver.makeLPSession(try StandardForm(lp, nativeSOS: false))
        memberIndex = Dictionary(uniqueKeysWithValues: members.all.enumerated().map { ($1, $0) })
        active = Array(repeating: true, count: members.all.count)
    }

    /// Makes the tested set `set` (every other member inactive).
    func select(_ set: some Sequence<Member>) {
        var wanted = [Bool](repeating: false, count: active.count)
        for member in set { wanted[memberIndex[member]!] = true }
        for k in active.indices where wanted[k] != active[k] { setActive(k, wanted[k]) }
    }

    /// Puts `member` in the tested set or takes it out.
    func setActive(_ member: Member, _ on: Bool) { setActive(memberIndex[member]!, on) }

    private func setActive(_ k: Int, _ on: Bool) {
        guard active[k] != on else { return }
        active[k] = on
        session.setObjectiveCoefficient(elasticColumn[k], to: on ? 1 : 0)
    }

    /// Solves the elastic LP for the tested set.
    func test(options: SolveOptions) -> TestOutcome {
        solves += 1
        let output = session.solve(options: options)
        guard output.termination == .optimal, let values = output.values else {
            let stop = output.termination == .limitReached && (output.limit == .time || output.limit == .interrupted)
            return .unknown("the elastic LP ended \(output.termination.rawValue)\(output.message.map { ": \($0)" } ?? "")", stop: stop)
        }
        let x = Array(values[0..<members.model.variableCount])
        let tested = members.all.indices.filter { active[$0] }
        let worst = tested.lazy.map { self.members.violation(of: self.members.all[$0], at: x) }.max() ?? 0
        if worst <= Self.feasibilityTolerance { return .feasible }
        guard let duals = output.duals else { return .unknown("the LP solver gave no duals", stop: false) }
        // A row's dual is positive when its lower side binds and negative for its upper side
        // (∂objective/∂bound, minimization); multipliers below the threshold are noise.
        var multipliers: [(Member, Double)] = []
        for k in tested {
            let y = duals[formRow[k]], member = members.all[k]
            if member.upper ? y < -Self.dualThreshold : y > Self.dualThreshold { multipliers.append((member, abs(y))) }
        }
        guard let support = Certificate.verify(multipliers, active: tested.map { members.all[$0] }, members: members) else {
            return .unknown("the elastic LP's duals do not prove infeasibility (largest violation \(worst))", stop: false)
        }
        return .infeasible(support: support)
    }

    /// A member counts as satisfied up to this violation (relative for rows, as
    /// `Model.checkFeasibility` measures; CLP's and GLPK's own tolerance is 1e-7).
    static let feasibilityTolerance = 1e-6
    /// Duals of smaller magnitude are taken as zero (they are at most 1: the violation costs).
    static let dualThreshold = 1e-9
}

/// Farkas certificates checked in the model's own numbers.
enum Certificate {
    /// Checks that the rows among `multipliers` (member, multiplier > 0), summed with their
    /// multipliers as `g·x ≥ β` (lower sides as they are, upper sides negated), cannot hold
    /// for any `x` within the bounds among `active`: max g·x over that box falls short of β by a
    /// margin larger than rounding. Returns the support: the rows with multipliers and the
    /// bounds the box maximum uses; nil when the certificate fails.
    static func verify(_ multipliers: [(Member, Double)], active: [Member], members: MemberSet) -> [Member]? {
        let model = members.model
        var coefficient = [Int32: Double](), magnitude = [Int32: Double]()
        var beta = 0.0, scale = 0.0
        var support: [Member] = []
        for (member, y) in multipliers where member.kind == .row {
            let r = Int(member.index), sign = member.upper ? -1.0 : 1.0, bound = members.value(of: member)
            beta += sign * y * bound
            scale += abs(y * bound)
            for k in model.rowStarts[r]..<model.rowStarts[r + 1] {
                let c = model.rowColumns[k], term = sign * y * model.rowCoefficients[k]
                coefficient[c, default: 0] += term
                magnitude[c, default: 0] += abs(term)
            }
            support.append(member)
        }
        var lower = [Int32: Double](), upper = [Int32: Double]()
        for member in active where member.kind == .bound {
            if member.upper { upper[member.index] = members.value(of: member) } else { lower[member.index] = members.value(of: member) }
        }
        var maximum = 0.0
        for (c, gc) in coefficient {
            // Cancellation leaves rounding noise where the rows' terms should sum to zero.
            if abs(gc) <= 1e-9 * magnitude[c]! { continue }
            let side = gc > 0
            guard let bound = side ? upper[c] : lower[c] else { return nil }
            maximum += gc * bound
            scale += abs(gc * bound)
            support.append(Member(kind: .bound, index: c, upper: side))
        }
        guard beta - maximum > 1e-9 * (1 + scale), !support.isEmpty else { return nil }
        return support.sorted()
    }
}
