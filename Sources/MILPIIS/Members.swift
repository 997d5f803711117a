import MILP

/// One side of a row, or one bound of a column: the pieces an IIS is made of.
struct Member: Hashable, Comparable {
    enum Kind: UInt8 { case row, bound }
    var kind: Kind
    /// The row or column.
    var index: Int32
    /// The upper side (a ≤ U, x ≤ u) rather than the lower one.
    var upper: Bool

    static func < (a: Member, b: Member) -> Bool {
        (a.kind.rawValue, a.index, a.upper ? 1 : 0) < (b.kind.rawValue, b.index, b.upper ? 1 : 0)
    }
}

/// The members of a model, and what tests of its subsystems need to know about it.
struct MemberSet {
    let model: Model
    /// Every finite row side and every finite bound of a column whose bounds are not part of its
    /// definition, in model order (rows first).
    let all: [Member]
    /// Columns whose bounds are kept in every subsystem: semi-continuous and semi-integer
    /// variables (the bounds define their domain) and SOS members (compiled with their bounds).
    let fixedBounds: Set<Int32>

    init(_ model: Model) {
        self.model = model
        var fixed = Set(model.sosConstraints.flatMap(\.columns))
        for c in 0..<model.variableCount where model.kinds[c].isSemi { fixed.insert(Int32(c)) }
        fixedBounds = fixed
        var all: [Member] = []
        for r in 0..<model.constraintCount {
            if model.rowLowerBounds[r].isFinite { all.append(Member(kind: .row, index: Int32(r), upper: false)) }
            if model.rowUpperBounds[r].isFinite { all.append(Member(kind: .row, index: Int32(r), upper: true)) }
        }
        for c in 0..<model.variableCount where !fixed.contains(Int32(c)) {
            if model.lowerBounds[c].isFinite { all.append(Member(kind: .bound, index: Int32(c), upper: false)) }
            if model.upperBounds[c].isFinite { all.append(Member(kind: .bound, index: Int32(c), upper: true)) }
        }
        self.all = all
    }

    /// The member's bound value (L or U of a row, l or u of a column).
    func value(of member: Member) -> Double {
        let i = Int(member.index)
        switch member.kind {
        case .row: return member.upper ? model.rowUpperBounds[i] : model.rowLowerBounds[i]
        case .bound: return member.upper ? model.upperBounds[i] : model.lowerBounds[i]
        }
    }

    /// How far `x` (one value per column) violates `member`: for a row, relative to the row's
    /// scale as `Model.checkFeasibility` measures it; for a bound, absolute.
    func violation(of member: Member, at x: [Double]) -> Double {
        let i = Int(member.index), bound = value(of: member)
        switch member.kind {
        case .bound:
            return max(member.upper ? x[i] - bound : bound - x[i], 0)
        case .row:
            var activity = 0.0, largestTerm = 0.0
            for k in model.rowStarts[i]..<model.rowStarts[i + 1] {
                let term = model.rowCoefficients[k] * x[Int(model.rowColumns[k])]
                activity += term
                largestTerm = max(largestTerm, abs(term))
            }
            let violation = max(member.upper ? activity - bound : bound - activity, 0)
            return violation / max(1, abs(bound), largestTerm)
        }
    }

    /// The model restricted to `members`: rows and bounds keep only the sides in `members`
    /// (the others become ±inf), the objective is zero, and integrality, semi-continuity and SOS
    /// sets stay. With `compact`, rows without a member side and columns in no kept row, bound or
    /// SOS set are left out and the rest keep their names (generated `x<index>`, `c<index>` ones
    /// included), as the subsystem is shown to users; otherwise the model keeps every row and
    /// column, unnamed, at the same indices, as tests need.
    func subsystem(_ members: some Sequence<Member>, compact: Bool = false) -> Model {
        let n = model.variableCount, m = model.constraintCount
        var data = SparseModelData()
        data.name = model.name.isEmpty ? "iis" : "\(model.name)_iis"
        data.rowLowerBounds = Array(repeating: -.infinity, count: m)
        data.rowUpperBounds = Array(repeating: .infinity, count: m)
        data.lowerBounds = Array(repeating: -.infinity, count: n)
        data.upperBounds = Array(repeating: .infinity, count: n)
        for c in fixedBounds {
            data.lowerBounds[Int(c)] = model.lowerBounds[Int(c)]
            data.upperBounds[Int(c)] = model.upperBounds[Int(c)]
        }
        var keptRow = [Bool](repeating: !compact, count: m)
        var keptColumn = [Bool](repeating: !compact, count: n)
        for c in fixedBounds { keptColumn[Int(c)] = true }
        for member in members {
            let i = Int(member.index), bound = value(of: member)
            switch member.kind {
            case .row:
                keptRow[i] = true
                if member.upper { data.rowUpperBounds[i] = bound } else { data.rowLowerBounds[i] = bound }
            case .bound:
                keptColumn[i] = true
                if member.upper { data.upperBounds[i] = bound } else { data.lowerBounds[i] = bound }
            }
        }
        for r in 0..<m where keptRow[r] {
            for k in model.rowStarts[r]..<model.rowStarts[r + 1] { keptColumn[Int(model.rowColumns[k])] = true }
        }
        // Old index → new index (−1: left out).
        var newColumn = [Int32](repeating: -1, count: n)
        var next: Int32 = 0
        for c in 0..<n where keptColumn[c] {
            newColumn[c] = next
            next += 1
        }
        let columns = (0..<n).filter { keptColumn[$0] }
        data.lowerBounds = columns.map { data.lowerBounds[$0] }
        data.upperBounds = columns.map { data.upperBounds[$0] }
        // A binary's bounds are members like any other: without them it is a general integer.
        data.kinds = columns.map { model.kinds[$0] == .binary ? .integer : model.kinds[$0] }
        data.objective = Array(repeating: 0, count: columns.count)
        if compact { data.variableNames = columns.map { model.name(of: model.variable(at: $0)) } }
        let rows = (0..<m).filter { keptRow[$0] }
        data.rowLowerBounds = rows.map { data.rowLowerBounds[$0] }
        data.rowUpperBounds = rows.map { data.rowUpperBounds[$0] }
        data.rowStarts = [0]
        data.rowStarts.reserveCapacity(rows.count + 1)
        for r in rows {
            for k in model.rowStarts[r]..<model.rowStarts[r + 1] {
                data.rowColumns.append(newColumn[Int(model.rowColumns[k])])
                data.rowCoefficients.append(model.rowCoefficients[k])
            }
            data.rowStarts.append(data.rowColumns.count)
        }
        if compact { data.constraintNames = rows.map { model.name(of: model.constraint(at: $0)) } }
        data.sos = model.sosConstraints.map { set in
            var set = set
            set.columns = set.columns.map { newColumn[Int($0)] }
            return set
        }
        return Model(data)
    }
}
