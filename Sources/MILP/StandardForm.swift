/// The model as solver adapters consume it: a column-major (CSC) matrix, bounds, integrality, and
/// only the features the target solver supports natively. Semi-continuous and semi-integer
/// variables — and SOS sets when the solver has no native SOS — are compiled to extra binaries and
/// rows; those extra columns come after the model's own, so the first `originalColumnCount` values
/// map back one to one.
public struct StandardForm: Sendable {
    /// Number of columns, compiled extras included.
    public var columnCount: Int
    /// Number of rows, compiled extras included.
    public var rowCount: Int
    /// `columnStarts[j]..<columnStarts[j+1]` indexes column j's entries; count = columnCount + 1.
    public var columnStarts: [Int32]
    /// Row index of each matrix entry, column by column.
    public var rowIndices: [Int32]
    /// Coefficient of each matrix entry, parallel to `rowIndices`.
    public var values: [Double]
    /// Lower bound per column (−inf when none).
    public var columnLower: [Double]
    /// Upper bound per column (+inf when none).
    public var columnUpper: [Double]
    /// Per column: true when it must take integer values (integer and binary variables).
    public var isInteger: [Bool]
    /// Objective coefficient per column.
    public var objective: [Double]
    /// The model's objective constant; adapters leave it out of their objective and bound.
    public var objectiveConstant: Double
    /// Whether the objective is minimized or maximized.
    public var sense: ObjectiveSense
    /// Lower bound per row (−inf when none).
    public var rowLower: [Double]
    /// Upper bound per row (+inf when none).
    public var rowUpper: [Double]
    /// SOS sets left for the solver (empty unless it handles them natively).
    public var sos: [SOSConstraint]
    /// MIP start as (column, value) pairs sorted by column, extra columns included.
    public var start: [(column: Int32, value: Double)]
    /// Columns of the user's model; later columns were added by the compilation.
    public var originalColumnCount: Int
    /// Rows of the user's model; later rows were added by the compilation.
    public var originalRowCount: Int

    /// True when some column is integral or SOS sets remain.
    public var isMIP: Bool { !sos.isEmpty || isInteger.contains(true) }

    /// Lowers a validated model. Throws when a feature needs finite bounds that are missing.
    public init(_ model: Model, nativeSOS: Bool) throws {
        var lowered = model
        lowered.journal = []
        var start = model.startValues
        for c in 0..<model.variableCount where model.kinds[c].isSemi {
            Self.compileSemiContinuous(column: c, in: &lowered, start: &start)
        }
        if !nativeSOS {
            for set in model.sosConstraints { try Self.compileSOS(set, in: &lowered, start: &start) }
            lowered.sosConstraints = []
        }
        self.init(csrOf: lowered, originalColumnCount: model.variableCount, originalRowCount: model.constraintCount)
        self.start = start.sorted { $0.key < $1.key }.map { (column: $0.key, value: $0.value) }
    }

    private init(csrOf m: Model, originalColumnCount: Int, originalRowCount: Int) {
        let n = m.variableCount
        var counts = [Int32](repeating: 0, count: n + 1)
        for c in m.rowColumns { counts[Int(c) + 1] += 1 }
        for j in 0..<n { counts[j + 1] += counts[j] }
        var next = counts
        var rows = [Int32](repeating: 0, count: m.nonzeroCount)
        var vals = [Double](repeating: 0, count: m.nonzeroCount)
        m.rowColumns.withUnsafeBufferPointer { cols in
            m.rowCoefficients.withUnsafeBufferPointer { coefs in
                rows.withUnsafeMutableBufferPointer { outRows in
                    vals.withUnsafeMutableBufferPointer { outVals in
                        for r in 0..<m.constraintCount {
                            for k in m.rowStarts[r]..<m.rowStarts[r + 1] {
                                let c = Int(cols[k])
                                let slot = Int(next[c])
                                next[c] += 1
                                outRows[slot] = Int32(r)
                                outVals[slot] = coefs[k]
                            }
                        }
                    }
                }
            }
        }
        columnCount = n
        rowCount = m.constraintCount
        columnStarts = counts
        rowIndices = rows
        values = vals
        columnLower = m.lowerBounds
        columnUpper = m.upperBounds
        isInteger = m.kinds.map(\.isIntegral)
        objective = m.objectiveCoefficients
        objectiveConstant = m.objectiveConstant
        sense = m.sense
        rowLower = m.rowLowerBounds
        rowUpper = m.rowUpperBounds
        sos = m.sosConstraints
        start = []
        self.originalColumnCount = originalColumnCount
        self.originalRowCount = originalRowCount
    }

    /// x ∈ {0} ∪ [l, u]  →  x ∈ [0, u] continuous (integer for a semi-integer x), z binary,
    /// l·z ≤ x ≤ u·z.
    private static func compileSemiContinuous(column c: Int, in m: inout Model, start: inout [Int32: Double]) {
        let x = Variable(column: c, modelID: m.id)
        let l = m.lowerBounds[c], u = m.upperBounds[c]
        m.kinds[c] = m.kinds[c] == .semiInteger ? .integer : .continuous
        m.lowerBounds[c] = 0
        let z = m.addBinary()
        m.add(x - u * z <= 0.0)
        if l > 0 { m.add(x - l * z >= 0.0) }
        if let v = start[x.column] { start[z.column] = v != 0 ? 1 : 0 }
    }

    /// SOS1: one binary per member, Σ w ≤ 1, min(l,0)·w_i ≤ x_i ≤ max(u,0)·w_i.
    /// SOS2: one binary per segment, Σ z ≤ 1, x_i bounded by its two adjacent segments.
    private static func compileSOS(_ set: SOSConstraint, in m: inout Model, start: inout [Int32: Double]) throws {
        let members = set.columns.map { Variable(column: Int($0), modelID: m.id) }
        for v in members where !(m.lowerBounds[v.index].isFinite && m.upperBounds[v.index].isFinite) {
            throw ModelingError("SOS\(set.type.rawValue) member \(m.name(of: v)) needs finite bounds to be compiled for a solver without native SOS")
        }
        let selectors: [Variable]
        let covering: (Int) -> [Variable]
        switch set.type {
        case .one:
            selectors = members.map { _ in m.addBinary() }
            covering = { [selectors] i in [selectors[i]] }
            for (i, x) in members.enumerated() {
                if let v = start[x.column] { start[selectors[i].column] = v != 0 ? 1 : 0 }
            }
        case .two:
            let segments = max(members.count - 1, 1)
            selectors = (0..<segments).map { _ in m.addBinary() }
            covering = { [selectors] i in
                members.count == 1 ? [selectors[0]] : [i - 1, i].filter { $0 >= 0 && $0 < segments }.map { selectors[$0] }
            }
            if members.contains(where: { start[$0.column] != nil }) {
                let first = members.firstIndex { (start[$0.column] ?? 0) != 0 } ?? 0
                let chosen = min(first, segments - 1)
                for (s, z) in selectors.enumerated() { start[z.column] = s == chosen ? 1 : 0 }
            }
        }
        m.add(sum(selectors) <= 1.0)
        for (i, x) in members.enumerated() {
            let lo = min(m.lowerBounds[x.index], 0), up = max(m.upperBounds[x.index], 0)
            let cover = sum(covering(i))
            if up > 0 { m.add(x - up * cover <= 0.0) }
            if lo < 0 { m.add(x - lo * cover >= 0.0) }
        }
    }
}
