import MILP

/// The alternative polyhedron of a model's rows and bounds (Gleeson and Ryan 1990), kept in an
/// ``LPSession``: one multiplier y ≥ 0 per member, the members' sides summed with them must
/// cancel every column (Σ y·a = 0) and leave a positive margin (Σ y·b = 1). Its vertices are
/// exactly the IISs of the model's LP relaxation, so one simplex solve of "minimize Σ y" gives an
/// IIS directly, and excluding a member (y = 0) gives one without it. Minimizing Σ y favours
/// certificates with few members, which is what a reader wants; the deletion filter still proves
/// irreducibility afterwards.
final class AlternativeLP {
    let members: MemberSet
    private let session: any LPSession
    private(set) var solves = 0

    /// Nil for models with semi-continuous variables or SOS sets (see ``ElasticLP``).
    init?(_ members: MemberSet, solver: any Solver) throws {
        guard members.fixedBounds.isEmpty else { return nil }
        let model = members.model
        var lp = Model(name: "alternative")
        // Entries per multiplier; the rows are the model's columns, then the margin row.
        var entries = [[(row: Int32, value: Double)]]()
        entries.reserveCapacity(members.all.count)
        for member in members.all {
            let sign = member.upper ? -1.0 : 1.0, i = Int(member.index)
            var column: [(row: Int32, value: Double)]
            switch member.kind {
            case .row:
                column = (model.rowStarts[i]..<model.rowStarts[i + 1]).map { (model.rowColumns[$0], sign * model.rowCoefficients[$0]) }
            case .bound:
                column = [(member.index, sign)]
            }
            column.append((Int32(model.variableCount), sign * members.value(of: member)))
            entries.append(column)
            lp.addVariable(lowerBound: 0, upperBound: .infinity, objective: 1)
        }
        // Rows from the columns' entries: transpose.
        var rowColumns = [[Int32]](repeating: [], count: model.variableCount + 1)
        var rowValues = [[Double]](repeating: [], count: model.variableCount + 1)
        for (k, column) in entries.enumerated() {
            for (row, value) in column {
                rowColumns[Int(row)].append(Int32(k))
                rowValues[Int(row)].append(value)
            }
        }
        for r in 0..<model.variableCount {
            lp.addRow(columns: rowColumns[r], coefficients: rowValues[r], lowerBound: 0, upperBound: 0)
        }
        lp.addRow(columns: rowColumns[model.variableCount], coefficients: rowValues[model.variableCount], lowerBound: 1, upperBound: 1)
        self.members = members
        session = solver.makeLPSession(try StandardForm(lp, nativeSOS: false))
    }

    /// Takes a member out of the certificates (its multiplier fixed at 0) or lets it back in.
    func exclude(_ index: Int, _ excluded: Bool) {
        session.setColumnBounds(index, lower: 0, upper: excluded ? 0 : .infinity)
    }

    /// The support of a vertex minimizing Σ y, checked as a Farkas certificate in the model's
    /// numbers; nil when there is none (no IIS without the excluded members), time ran out, or
    /// the check fails.
    func certificate(options: SolveOptions) -> [Member]? {
        solves += 1
        let output = session.solve(options: options)
        guard output.termination == .optimal, let y = output.values, let largest = y.max(), largest > 0 else { return nil }
        let multipliers = members.all.indices.filter { y[$0] > 1e-9 * largest }.map { (members.all[$0], y[$0]) }
        return Certificate.verify(multipliers, active: multipliers.map(\.0), members: members)
    }
}
