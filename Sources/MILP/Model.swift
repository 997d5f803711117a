import Synchronization

private let modelCounter = Atomic<UInt32>(0)

/// A mixed-integer linear program stored as flat arrays.
///
/// Columns are kept as parallel arrays (bounds, kind, objective); rows are kept in compressed
/// sparse row form (`rowStarts`, `rowColumns`, `rowCoefficients`) with a lower and an upper bound
/// each. Variables and constraints are 8-byte handles. `Model` is a value type with copy-on-write
/// storage: a copy shares the handles of the original, which is what sub-models (LNS) need.
///
/// Adding never throws; problems (NaN coefficients, a variable of another model, …) are recorded
/// and reported by `validate()`, which every solver and writer calls first.
public struct Model: Sendable {
    /// Identity shared by the handles this model hands out.
    public let id: UInt32
    /// The model's name ("" for none), used in validation errors and written to files.
    public var name: String
    /// Whether the objective is minimized (the default) or maximized.
    public var sense: ObjectiveSense = .minimize
    /// Constant added to the objective.
    public var objectiveConstant: Double = 0

    // Columns
    /// Lower bound per column (−inf when none).
    public internal(set) var lowerBounds: [Double] = []
    /// Upper bound per column (+inf when none).
    public internal(set) var upperBounds: [Double] = []
    /// Kind per column.
    public internal(set) var kinds: [VariableKind] = []
    /// Objective coefficient per column.
    public internal(set) var objectiveCoefficients: [Double] = []
    var variableNames: [String]?

    // Rows (compressed sparse row)
    /// Row r's entries are `rowStarts[r]..<rowStarts[r+1]` in `rowColumns` and `rowCoefficients`;
    /// count = `constraintCount + 1`.
    public internal(set) var rowStarts: [Int] = [0]
    /// Column index of each matrix entry, row by row.
    public internal(set) var rowColumns: [Int32] = []
    /// Coefficient of each matrix entry, parallel to `rowColumns`.
    public internal(set) var rowCoefficients: [Double] = []
    /// Lower bound per row (−inf when none), with the added expression's constant already moved here.
    public internal(set) var rowLowerBounds: [Double] = []
    /// Upper bound per row (+inf when none), with the added expression's constant already moved here.
    public internal(set) var rowUpperBounds: [Double] = []
    var constraintNames: [String]?

    /// Special ordered sets.
    public internal(set) var sosConstraints: [SOSConstraint] = []
    /// MIP start: column → value.
    public internal(set) var startValues: [Int32: Double] = [:]

    /// Problems found while building, reported by `validate()`.
    var buildIssues: [ModelIssue] = []
    /// Undo log for `checkpoint()` / `restore(_:)`.
    var journal: [Change] = []
    /// Original bounds of variables fixed with `fix(_:to:)`.
    var boundsBeforeFix: [Int32: (Double, Double)] = [:]
    /// Scratch marks (one per column, -1 when clear) used to merge duplicate terms in O(terms).
    var mergeMarks: [Int32] = []

    /// An empty model with a fresh ``Model/id``: no variables, no rows, objective 0 minimized.
    public init(name: String = "") {
        self.id = modelCounter.wrappingAdd(1, ordering: .relaxed).newValue
        self.name = name
    }

    // MARK: Sizes

    /// Number of variables (columns).
    public var variableCount: Int { lowerBounds.count }
    /// Number of constraints (rows).
    public var constraintCount: Int { rowLowerBounds.count }
    /// Number of stored matrix entries, over all rows.
    public var nonzeroCount: Int { rowColumns.count }
    /// Number of integer, binary and semi-integer columns.
    public var integerCount: Int { kinds.lazy.filter(\.isIntegral).count }
    /// True when the model needs branching (integers, semi-continuous variables or SOS).
    public var isMIP: Bool {
        !sosConstraints.isEmpty || kinds.contains { $0 != .continuous }
    }

    /// True when every feasible point's objective is the constant plus an integer: only integer
    /// and binary variables have objective coefficients, and those are whole numbers.
    public var objectiveTakesIntegerSteps: Bool {
        zip(objectiveCoefficients, kinds).allSatisfy { c, kind in c == 0 || (kind.isIntegral && c == c.rounded()) }
    }

    /// Every variable, in column order.
    public var variables: [Variable] { (0..<variableCount).map { Variable(column: $0, modelID: id) } }
    /// Every constraint, in row order.
    public var constraints: [Constraint] { (0..<constraintCount).map { Constraint(row: $0, modelID: id) } }

    /// The handle of column `index`.
    public func variable(at index: Int) -> Variable {
        precondition(index >= 0 && index < variableCount, "column \(index) out of range 0..<\(variableCount)")
        return Variable(column: index, modelID: id)
    }

    /// The handle of row `index`.
    public func constraint(at index: Int) -> Constraint {
        precondition(index >= 0 && index < constraintCount, "row \(index) out of range 0..<\(constraintCount)")
        return Constraint(row: index, modelID: id)
    }

    // MARK: Variables

    /// Adds one variable. Binary variables get bounds [0, 1] unless tighter ones are given.
    @discardableResult
    public mutating func addVariable(
        lowerBound: Double = 0,
        upperBound: Double = .infinity,
        kind: VariableKind = .continuous,
        objective: Double = 0,
        name: String? = nil
    ) -> Variable {
        let column = variableCount
        lowerBounds.append(kind == .binary ? max(lowerBound, 0) : lowerBound)
        upperBounds.append(kind == .binary ? min(upperBound, 1) : upperBound)
        kinds.append(kind)
        objectiveCoefficients.append(objective)
        mergeMarks.append(-1)
        if let name { setName(name, ofColumn: column) } else if variableNames != nil { variableNames!.append("") }
        return Variable(column: column, modelID: id)
    }

    /// A binary variable.
    @discardableResult
    public mutating func addBinary(objective: Double = 0, name: String? = nil) -> Variable {
        addVariable(lowerBound: 0, upperBound: 1, kind: .binary, objective: objective, name: name)
    }

    /// An integer variable in `range`.
    @discardableResult
    public mutating func addInteger(in range: ClosedRange<Double>, objective: Double = 0, name: String? = nil) -> Variable {
        addVariable(lowerBound: range.lowerBound, upperBound: range.upperBound, kind: .integer, objective: objective, name: name)
    }

    /// A continuous variable with no bounds.
    @discardableResult
    public mutating func addFreeVariable(objective: Double = 0, name: String? = nil) -> Variable {
        addVariable(lowerBound: -.infinity, upperBound: .infinity, objective: objective, name: name)
    }

    /// Reserves storage for `variables` more columns, `constraints` more rows and `nonzeros` more entries.
    public mutating func reserveCapacity(variables: Int = 0, constraints: Int = 0, nonzeros: Int = 0) {
        lowerBounds.reserveCapacity(variableCount + variables)
        upperBounds.reserveCapacity(variableCount + variables)
        kinds.reserveCapacity(variableCount + variables)
        objectiveCoefficients.reserveCapacity(variableCount + variables)
        mergeMarks.reserveCapacity(variableCount + variables)
        rowStarts.reserveCapacity(constraintCount + constraints + 1)
        rowLowerBounds.reserveCapacity(constraintCount + constraints)
        rowUpperBounds.reserveCapacity(constraintCount + constraints)
        rowColumns.reserveCapacity(nonzeroCount + nonzeros)
        rowCoefficients.reserveCapacity(nonzeroCount + nonzeros)
    }

    // MARK: Names

    private mutating func setName(_ name: String, ofColumn column: Int) {
        if variableNames == nil { variableNames = Array(repeating: "", count: variableCount - 1) }
        if variableNames!.count == column { variableNames!.append(name) } else { variableNames![column] = name }
    }

    private mutating func setName(_ name: String, ofRow row: Int) {
        if constraintNames == nil { constraintNames = Array(repeating: "", count: constraintCount - 1) }
        if constraintNames!.count == row { constraintNames!.append(name) } else { constraintNames![row] = name }
    }

    /// The name given to a variable, or "" when it has none.
    public func givenName(ofColumn column: Int) -> String {
        guard let names = variableNames, column < names.count else { return "" }
        return names[column]
    }

    /// The name given to a row, or "" when it has none.
    public func givenName(ofRow row: Int) -> String {
        guard let names = constraintNames, row < names.count else { return "" }
        return names[row]
    }

    /// The variable's name, or a generated `x<index>` when it has none.
    public func name(of variable: Variable) -> String {
        let given = givenName(ofColumn: variable.index)
        return given.isEmpty ? "x\(variable.index)" : given
    }

    /// The constraint's name, or a generated `c<index>` when it has none.
    public func name(of constraint: Constraint) -> String {
        let given = givenName(ofRow: constraint.index)
        return given.isEmpty ? "c\(constraint.index)" : given
    }

    /// True when at least one variable has a name.
    public var hasVariableNames: Bool { variableNames != nil }
    /// True when at least one row has a name.
    public var hasConstraintNames: Bool { constraintNames != nil }

    /// Renames a variable.
    public mutating func setName(_ name: String, of variable: Variable) {
        guard owns(variable, context: "setName") else { return }
        setName(name, ofColumn: variable.index)
    }

    /// Renames a constraint.
    public mutating func setName(_ name: String, of constraint: Constraint) {
        guard owns(constraint, context: "setName") else { return }
        setName(name, ofRow: constraint.index)
    }

    /// The variable called `name`, if any (linear scan; for occasional lookups).
    public func variable(named name: String) -> Variable? {
        variableNames?.firstIndex(of: name).map { Variable(column: $0, modelID: id) }
    }

    /// The constraint called `name`, if any (linear scan; for occasional lookups).
    public func constraint(named name: String) -> Constraint? {
        constraintNames?.firstIndex(of: name).map { Constraint(row: $0, modelID: id) }
    }

    // MARK: Constraints

    /// Adds `constraint` as a row; the expression's constant moves to the bounds and duplicate
    /// variables are merged. Zero coefficients are dropped.
    @discardableResult
    public mutating func add(_ constraint: LinearConstraint, name: String? = nil) -> Constraint {
        let expression = constraint.expression
        let row = constraintCount
        if expression.mixesModels || (expression.modelID != 0 && expression.modelID != id) {
            record(.foreignVariable(context: "constraint \(name ?? "c\(row)")"))
            appendRow(columns: [], coefficients: [], lower: constraint.lowerBound, upper: constraint.upperBound, name: name)
        } else {
            appendRow(
                columns: expression.columns, coefficients: expression.coefficients,
                lower: constraint.lowerBound - expression.constant,
                upper: constraint.upperBound - expression.constant, name: name)
        }
        return Constraint(row: row, modelID: id)
    }

    /// Adds `lower ≤ expression ≤ upper`.
    @discardableResult
    public mutating func add<E: LinearExpressionConvertible>(
        _ expression: E, in range: ClosedRange<Double>, name: String? = nil
    ) -> Constraint {
        add(LinearConstraint(expression.linearExpression, lowerBound: range.lowerBound, upperBound: range.upperBound), name: name)
    }

    /// Adds a row from raw column indices, the fastest path (used by file readers).
    @discardableResult
    public mutating func addRow(
        columns: [Int32], coefficients: [Double], lowerBound: Double, upperBound: Double, name: String? = nil
    ) -> Constraint {
        let row = constraintCount
        appendRow(columns: columns, coefficients: coefficients, lower: lowerBound, upper: upperBound, name: name)
        return Constraint(row: row, modelID: id)
    }

    private mutating func appendRow(columns: [Int32], coefficients: [Double], lower: Double, upper: Double, name: String?) {
        let row = constraintCount
        let first = rowColumns.count
        for k in columns.indices {
            let column = columns[k]
            guard column >= 0, Int(column) < variableCount else {
                record(.foreignVariable(context: "constraint \(name ?? "c\(row)") refers to column \(column) of \(variableCount)"))
                continue
            }
            let mark = mergeMarks[Int(column)]
            if mark >= 0 {
                rowCoefficients[Int(mark)] += coefficients[k]
            } else {
                mergeMarks[Int(column)] = Int32(rowColumns.count)
                rowColumns.append(column)
                rowCoefficients.append(coefficients[k])
            }
        }
        // Clear marks and drop entries that are (or cancelled to) zero.
        var write = first
        for read in first..<rowColumns.count {
            mergeMarks[Int(rowColumns[read])] = -1
            if rowCoefficients[read] != 0 {
                rowColumns[write] = rowColumns[read]
                rowCoefficients[write] = rowCoefficients[read]
                write += 1
            }
        }
        rowColumns.removeLast(rowColumns.count - write)
        rowCoefficients.removeLast(rowCoefficients.count - write)
        rowStarts.append(write)
        rowLowerBounds.append(lower)
        rowUpperBounds.append(upper)
        if let name { setName(name, ofRow: row) } else if constraintNames != nil { constraintNames!.append("") }
    }

    /// The row's entries as (columns, coefficients) slices.
    public func row(_ constraint: Constraint) -> (columns: ArraySlice<Int32>, coefficients: ArraySlice<Double>) {
        let range = rowStarts[constraint.index]..<rowStarts[constraint.index + 1]
        return (rowColumns[range], rowCoefficients[range])
    }

    /// The row as an expression (without constant).
    public func expression(of constraint: Constraint) -> LinearExpression {
        let (columns, coefficients) = row(constraint)
        var e = LinearExpression(reservingCapacity: columns.count)
        for (c, a) in zip(columns, coefficients) { e.add(a, Variable(column: Int(c), modelID: id)) }
        return e
    }

    // MARK: Objective

    /// Replaces the objective with `expression` and sets the sense.
    public mutating func setObjective<E: LinearExpressionConvertible>(_ expression: E, sense: ObjectiveSense) {
        let e = expression.linearExpression
        journal.append(.objective(objectiveCoefficients, objectiveConstant, self.sense))
        if e.mixesModels || (e.modelID != 0 && e.modelID != id) {
            record(.foreignVariable(context: "objective"))
            return
        }
        for i in objectiveCoefficients.indices { objectiveCoefficients[i] = 0 }
        for k in e.columns.indices where Int(e.columns[k]) < variableCount {
            objectiveCoefficients[Int(e.columns[k])] += e.coefficients[k]
        }
        objectiveConstant = e.constant
        self.sense = sense
    }

    /// Minimizes `expression`.
    public mutating func minimize<E: LinearExpressionConvertible>(_ expression: E) { setObjective(expression, sense: .minimize) }
    /// Maximizes `expression`.
    public mutating func maximize<E: LinearExpressionConvertible>(_ expression: E) { setObjective(expression, sense: .maximize) }

    /// The objective as an expression (including its constant).
    public var objective: LinearExpression {
        var e = LinearExpression(constant: objectiveConstant)
        for (i, c) in objectiveCoefficients.enumerated() where c != 0 { e.add(c, Variable(column: i, modelID: id)) }
        return e
    }

    /// The objective value of a point (one value per column), constant included.
    public func objectiveValue(of values: [Double]) -> Double {
        var total = objectiveConstant
        for i in 0..<min(values.count, variableCount) where objectiveCoefficients[i] != 0 {
            total += objectiveCoefficients[i] * values[i]
        }
        return total
    }

    // MARK: Bounds and kinds

    /// Sets both bounds of a variable (journaled for `restore`).
    public mutating func setBounds(of variable: Variable, lower: Double, upper: Double) {
        guard owns(variable, context: "setBounds") else { return }
        let c = variable.index
        journal.append(.bounds(variable.column, lowerBounds[c], upperBounds[c]))
        lowerBounds[c] = lower
        upperBounds[c] = upper
    }

    /// Changes a variable's kind (journaled for `restore`). Making a variable binary clamps its bounds to [0, 1].
    public mutating func setKind(of variable: Variable, to kind: VariableKind) {
        guard owns(variable, context: "setKind") else { return }
        let c = variable.index
        journal.append(.kind(variable.column, kinds[c]))
        kinds[c] = kind
        if kind == .binary {
            setBounds(of: variable, lower: max(lowerBounds[c], 0), upper: min(upperBounds[c], 1))
        }
    }

    /// Sets the objective coefficient of a single variable (journaled).
    public mutating func setObjectiveCoefficient(of variable: Variable, to value: Double) {
        guard owns(variable, context: "setObjectiveCoefficient") else { return }
        journal.append(.objectiveCoefficient(variable.column, objectiveCoefficients[variable.index]))
        objectiveCoefficients[variable.index] = value
    }

    /// Sets a row's bounds (journaled).
    public mutating func setBounds(of constraint: Constraint, lower: Double, upper: Double) {
        guard owns(constraint, context: "setBounds") else { return }
        let r = constraint.index
        journal.append(.rowBounds(constraint.row, rowLowerBounds[r], rowUpperBounds[r]))
        rowLowerBounds[r] = lower
        rowUpperBounds[r] = upper
    }

    /// The variable's lower bound (−inf when none). The handle must belong to this model (not checked).
    public func lowerBound(of variable: Variable) -> Double { lowerBounds[variable.index] }
    /// The variable's upper bound (+inf when none). The handle must belong to this model (not checked).
    public func upperBound(of variable: Variable) -> Double { upperBounds[variable.index] }
    /// The variable's domain. The handle must belong to this model (not checked).
    public func kind(of variable: Variable) -> VariableKind { kinds[variable.index] }
    /// The variable's coefficient in the objective. The handle must belong to this model (not checked).
    public func objectiveCoefficient(of variable: Variable) -> Double { objectiveCoefficients[variable.index] }
    /// The row's lower bound (−inf when none), constant moved in. The handle must belong to this model (not checked).
    public func lowerBound(of constraint: Constraint) -> Double { rowLowerBounds[constraint.index] }
    /// The row's upper bound (+inf when none), constant moved in. The handle must belong to this model (not checked).
    public func upperBound(of constraint: Constraint) -> Double { rowUpperBounds[constraint.index] }

    // MARK: MIP start

    /// Sets the MIP start value of a variable.
    public mutating func setStart(_ variable: Variable, _ value: Double) {
        guard owns(variable, context: "setStart") else { return }
        startValues[variable.column] = value
    }

    /// Sets a MIP start from one value per column.
    public mutating func setStart(values: [Double]) {
        startValues = [:]
        for (i, v) in values.prefix(variableCount).enumerated() { startValues[Int32(i)] = v }
    }

    /// Removes the MIP start.
    public mutating func clearStart() { startValues = [:] }

    // MARK: Ownership

    /// True when `variable` is a column of this model; records an issue otherwise.
    mutating func owns(_ variable: Variable, context: String) -> Bool {
        if variable.modelID == id && variable.index < variableCount { return true }
        record(.foreignVariable(context: context))
        return false
    }

    mutating func owns(_ constraint: Constraint, context: String) -> Bool {
        if constraint.modelID == id && constraint.index < constraintCount { return true }
        record(.foreignConstraint(context: context))
        return false
    }

    mutating func record(_ issue: ModelIssue) {
        if buildIssues.count < 100 { buildIssues.append(issue) }
    }
}

/// Columns and rows in bulk, for file readers: the arrays are adopted as they are.
public struct SparseModelData: Sendable {
    /// The model's name ("" for none).
    public var name = ""
    /// Whether the objective is minimized (the default) or maximized.
    public var sense = ObjectiveSense.minimize
    /// Constant added to the objective.
    public var objectiveConstant = 0.0
    /// Lower bound per column (−inf when none).
    public var lowerBounds: [Double] = []
    /// Upper bound per column (+inf when none).
    public var upperBounds: [Double] = []
    /// Kind per column; binary bounds are adopted as given (`validate()` checks them).
    public var kinds: [VariableKind] = []
    /// Objective coefficient per column.
    public var objective: [Double] = []
    /// One name per column, or nil.
    public var variableNames: [String]?
    /// Compressed sparse rows: row r's entries are `rowStarts[r]..<rowStarts[r+1]`.
    public var rowStarts: [Int] = [0]
    /// Column index of each entry, row by row: distinct within a row, in `0..<lowerBounds.count`.
    public var rowColumns: [Int32] = []
    /// Coefficient of each entry, parallel to `rowColumns`.
    public var rowCoefficients: [Double] = []
    /// Lower bound per row (−inf when none).
    public var rowLowerBounds: [Double] = []
    /// Upper bound per row (+inf when none).
    public var rowUpperBounds: [Double] = []
    /// One name per row, or nil.
    public var constraintNames: [String]?
    /// Special ordered sets, adopted as given.
    public var sos: [SOSConstraint] = []

    /// Empty data: no columns, no rows, minimization.
    public init() {}
}

extension Model {
    /// A model adopting `data`'s arrays. Entries must have distinct columns within a row and
    /// column indices in range; other problems are reported by `validate()`.
    public init(_ data: SparseModelData) {
        self.init(name: data.name)
        sense = data.sense
        objectiveConstant = data.objectiveConstant
        lowerBounds = data.lowerBounds
        upperBounds = data.upperBounds
        kinds = data.kinds
        objectiveCoefficients = data.objective
        variableNames = data.variableNames
        rowStarts = data.rowStarts
        rowColumns = data.rowColumns
        rowCoefficients = data.rowCoefficients
        rowLowerBounds = data.rowLowerBounds
        rowUpperBounds = data.rowUpperBounds
        constraintNames = data.constraintNames
        sosConstraints = data.sos
        mergeMarks = Array(repeating: -1, count: lowerBounds.count)
        let n = lowerBounds.count
        precondition(upperBounds.count == n && kinds.count == n && objectiveCoefficients.count == n, "column arrays differ in length")
        precondition(rowStarts.count == rowLowerBounds.count + 1 && rowUpperBounds.count == rowLowerBounds.count, "row arrays differ in length")
        if rowColumns.contains(where: { $0 < 0 || Int($0) >= n }) { record(.foreignVariable(context: "matrix entry")) }
    }
}
