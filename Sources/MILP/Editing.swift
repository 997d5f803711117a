/// One undoable edit in the model's journal.
enum Change: Sendable {
    case bounds(Int32, Double, Double)
    case kind(Int32, VariableKind)
    case objectiveCoefficient(Int32, Double)
    case objective([Double], Double, ObjectiveSense)
    case rowBounds(Int32, Double, Double)
}

/// A point in a model's edit history that `Model.restore(_:)` returns to.
public struct ModelCheckpoint: Sendable {
    let modelID: UInt32
    let variableCount: Int
    let constraintCount: Int
    let sosCount: Int
    let journalCount: Int
    let startValues: [Int32: Double]
    let boundsBeforeFix: [Int32: (Double, Double)]
    let issueCount: Int
}

extension Model {
    /// Marks the current state. Every later edit — bounds, kinds, objective, row bounds, added
    /// variables, rows and SOS sets, fixings, MIP start — is undone by `restore(_:)`.
    public func checkpoint() -> ModelCheckpoint {
        ModelCheckpoint(
            modelID: id, variableCount: variableCount, constraintCount: constraintCount,
            sosCount: sosConstraints.count, journalCount: journal.count, startValues: startValues,
            boundsBeforeFix: boundsBeforeFix, issueCount: buildIssues.count)
    }

    /// Returns the model exactly to the state of `checkpoint`.
    public mutating func restore(_ checkpoint: ModelCheckpoint) {
        precondition(checkpoint.modelID == id, "checkpoint belongs to another model")
        precondition(checkpoint.journalCount <= journal.count, "checkpoint is newer than the model's history")
        while journal.count > checkpoint.journalCount {
            switch journal.removeLast() {
            case let .bounds(c, lo, up):
                lowerBounds[Int(c)] = lo
                upperBounds[Int(c)] = up
            case let .kind(c, kind):
                kinds[Int(c)] = kind
            case let .objectiveCoefficient(c, value):
                objectiveCoefficients[Int(c)] = value
            case let .objective(coefficients, constant, sense):
                objectiveCoefficients = coefficients
                objectiveConstant = constant
                self.sense = sense
            case let .rowBounds(r, lo, up):
                rowLowerBounds[Int(r)] = lo
                rowUpperBounds[Int(r)] = up
            }
        }
        truncateRows(to: checkpoint.constraintCount)
        truncateVariables(to: checkpoint.variableCount)
        sosConstraints.removeLast(sosConstraints.count - checkpoint.sosCount)
        startValues = checkpoint.startValues
        boundsBeforeFix = checkpoint.boundsBeforeFix
        buildIssues.removeLast(buildIssues.count - checkpoint.issueCount)
    }

    private mutating func truncateRows(to count: Int) {
        guard constraintCount > count else { return }
        let nonzeros = rowStarts[count]
        rowColumns.removeLast(rowColumns.count - nonzeros)
        rowCoefficients.removeLast(rowCoefficients.count - nonzeros)
        rowStarts.removeLast(rowStarts.count - count - 1)
        rowLowerBounds.removeLast(rowLowerBounds.count - count)
        rowUpperBounds.removeLast(rowUpperBounds.count - count)
        if constraintNames != nil { constraintNames!.removeLast(constraintNames!.count - count) }
    }

    /// Cuts every column array to `count` entries (an objective snapshot restored from the journal
    /// may be longer than the arrays beside it).
    private mutating func truncateVariables(to count: Int) {
        lowerBounds.removeLast(lowerBounds.count - count)
        upperBounds.removeLast(upperBounds.count - count)
        kinds.removeLast(kinds.count - count)
        objectiveCoefficients.removeLast(objectiveCoefficients.count - count)
        mergeMarks.removeLast(mergeMarks.count - count)
        if variableNames != nil { variableNames!.removeLast(variableNames!.count - count) }
    }

    // MARK: Fixing and relaxing

    /// Fixes a variable to `value` (both bounds). `unfix` brings back the bounds it had before.
    public mutating func fix(_ variable: Variable, to value: Double) {
        guard owns(variable, context: "fix") else { return }
        if boundsBeforeFix[variable.column] == nil {
            boundsBeforeFix[variable.column] = (lowerBounds[variable.index], upperBounds[variable.index])
        }
        setBounds(of: variable, lower: value, upper: value)
    }

    /// Restores the bounds a variable had before the first `fix` since its last `unfix`.
    public mutating func unfix(_ variable: Variable) {
        guard owns(variable, context: "unfix"), let (lo, up) = boundsBeforeFix.removeValue(forKey: variable.column) else { return }
        setBounds(of: variable, lower: lo, upper: up)
    }

    /// True when the variable was fixed with `fix(_:to:)` and not unfixed since.
    public func isFixed(_ variable: Variable) -> Bool { boundsBeforeFix[variable.column] != nil }

    /// Drops integrality from the given variables (all of them when `variables` is nil): integer
    /// and binary variables become continuous, semi-integer ones semi-continuous. Undo with
    /// `restore` to a checkpoint taken before.
    public mutating func relaxIntegrality(_ variables: [Variable]? = nil) {
        let targets = variables ?? self.variables
        for v in targets where owns(v, context: "relaxIntegrality") && kinds[v.index].isIntegral {
            journal.append(.kind(v.column, kinds[v.index]))
            kinds[v.index] = kinds[v.index] == .semiInteger ? .semiContinuous : .continuous
        }
    }

    /// Runs `body` on the model and undoes every edit it made afterwards, returning its result.
    public mutating func withTemporaryChanges<T>(_ body: (inout Model) throws -> T) rethrows -> T {
        let mark = checkpoint()
        defer { restore(mark) }
        return try body(&self)
    }
}
