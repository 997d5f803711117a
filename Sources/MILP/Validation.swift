/// One problem that makes a model unsolvable as stated.
public enum ModelIssue: Sendable, Equatable, CustomStringConvertible {
    /// The model has no variables.
    case emptyModel
    /// A variable of another model, or a column index out of range, was used; `context` says where.
    case foreignVariable(context: String)
    /// A constraint of another model was used; `context` says where.
    case foreignConstraint(context: String)
    /// A row coefficient is NaN or infinite.
    case nonFiniteCoefficient(row: String, variable: String, value: Double)
    /// An objective coefficient is NaN or infinite.
    case nonFiniteObjective(variable: String, value: Double)
    /// The objective constant is NaN or infinite.
    case nonFiniteObjectiveConstant(Double)
    /// A variable's bounds are NaN, crossed (lower > upper), lower = +inf or upper = −inf.
    case invalidBounds(variable: String, lower: Double, upper: Double)
    /// A row's bounds are NaN, crossed (lower > upper), lower = +inf or upper = −inf.
    case invalidRowBounds(row: String, lower: Double, upper: Double)
    /// An integer variable has a finite bound that is not a whole number.
    case fractionalIntegerBounds(variable: String, lower: Double, upper: Double)
    /// A binary variable's bounds are not whole numbers within [0, 1].
    case binaryOutsideUnitInterval(variable: String, lower: Double, upper: Double)
    /// A semi-continuous variable has a negative lower bound or an infinite upper bound.
    case invalidSemiContinuous(variable: String, reason: String)
    /// SOS set `index` is malformed: no members, a repeated member, weights not finite and strictly
    /// increasing, or as many weights as variables missing.
    case invalidSOS(index: Int, reason: String)
    /// Two columns, `first` and `second`, share a non-empty name.
    case duplicateVariableName(String, first: Int, second: Int)
    /// Two rows, `first` and `second`, share a non-empty name.
    case duplicateConstraintName(String, first: Int, second: Int)
    /// A MIP start value is NaN or infinite.
    case invalidStartValue(variable: String, value: Double)

    /// A one-line explanation naming the variable or row involved.
    public var description: String {
        switch self {
        case .emptyModel:
            "the model has no variables"
        case let .foreignVariable(context):
            "\(context): uses a variable that does not belong to this model"
        case let .foreignConstraint(context):
            "\(context): uses a constraint that does not belong to this model"
        case let .nonFiniteCoefficient(row, variable, value):
            "row \(row): coefficient of \(variable) is \(value); coefficients must be finite"
        case let .nonFiniteObjective(variable, value):
            "objective: coefficient of \(variable) is \(value); coefficients must be finite"
        case let .nonFiniteObjectiveConstant(value):
            "objective constant is \(value); it must be finite"
        case let .invalidBounds(variable, lower, upper):
            "variable \(variable): bounds [\(lower), \(upper)] are empty or not numbers (need lower ≤ upper, lower < +inf, upper > -inf)"
        case let .invalidRowBounds(row, lower, upper):
            "row \(row): bounds [\(lower), \(upper)] are empty or not numbers (need lower ≤ upper)"
        case let .fractionalIntegerBounds(variable, lower, upper):
            "integer variable \(variable): bounds [\(lower), \(upper)] are fractional; integer bounds must be whole numbers"
        case let .binaryOutsideUnitInterval(variable, lower, upper):
            "binary variable \(variable): bounds [\(lower), \(upper)] must lie within [0, 1]"
        case let .invalidSemiContinuous(variable, reason):
            "semi-continuous or semi-integer variable \(variable): \(reason)"
        case let .invalidSOS(index, reason):
            "SOS set \(index): \(reason)"
        case let .duplicateVariableName(name, first, second):
            "variable name \"\(name)\" is used by columns \(first) and \(second)"
        case let .duplicateConstraintName(name, first, second):
            "constraint name \"\(name)\" is used by rows \(first) and \(second)"
        case let .invalidStartValue(variable, value):
            "MIP start value of \(variable) is \(value); it must be finite"
        }
    }
}

/// Thrown by `Model.validate()`: every issue found (up to a limit), each on its own line.
public struct ModelValidationError: Error, CustomStringConvertible, Sendable {
    /// The name of the invalid model ("" when it has none).
    public let modelName: String
    /// The problems found, at most `maximumIssues` of them.
    public let issues: [ModelIssue]

    /// A header line, then one indented line per issue.
    public var description: String {
        let head = "invalid model\(modelName.isEmpty ? "" : " \(modelName)") (\(issues.count) problem\(issues.count == 1 ? "" : "s")):"
        return ([head] + issues.map { "  - \($0)" }).joined(separator: "\n")
    }
}

extension Model {
    /// Checks everything a solver relies on and throws a `ModelValidationError` listing the problems.
    /// O(nonzeros); solvers and writers call it before doing anything else.
    public func validate(maximumIssues: Int = 20) throws {
        let issues = validationIssues(maximum: maximumIssues)
        if !issues.isEmpty { throw ModelValidationError(modelName: name, issues: issues) }
    }

    /// The problems `validate()` would report.
    public func validationIssues(maximum: Int = 20) -> [ModelIssue] {
        var issues = Array(buildIssues.prefix(maximum))
        func note(_ issue: ModelIssue) -> Bool {
            issues.append(issue)
            return issues.count < maximum
        }
        if variableCount == 0 { issues.append(.emptyModel) }
        if !objectiveConstant.isFinite, !note(.nonFiniteObjectiveConstant(objectiveConstant)) { return issues }
        for c in 0..<variableCount {
            let lo = lowerBounds[c], up = upperBounds[c]
            let vname = { self.name(of: Variable(column: c, modelID: self.id)) }
            if lo.isNaN || up.isNaN || lo > up || lo == .infinity || up == -.infinity {
                if !note(.invalidBounds(variable: vname(), lower: lo, upper: up)) { return issues }
                continue
            }
            switch kinds[c] {
            case .integer:
                if (lo.isFinite && lo != lo.rounded()) || (up.isFinite && up != up.rounded()) {
                    if !note(.fractionalIntegerBounds(variable: vname(), lower: lo, upper: up)) { return issues }
                }
            case .binary:
                if lo < 0 || up > 1 || lo != lo.rounded() || up != up.rounded() {
                    if !note(.binaryOutsideUnitInterval(variable: vname(), lower: lo, upper: up)) { return issues }
                }
            case .semiContinuous, .semiInteger:
                if lo < 0 {
                    if !note(.invalidSemiContinuous(variable: vname(), reason: "lower bound \(lo) must be ≥ 0")) { return issues }
                } else if !up.isFinite {
                    if !note(.invalidSemiContinuous(variable: vname(), reason: "upper bound must be finite")) { return issues }
                }
            case .continuous:
                break
            }
            if !objectiveCoefficients[c].isFinite {
                if !note(.nonFiniteObjective(variable: vname(), value: objectiveCoefficients[c])) { return issues }
            }
        }
        for r in 0..<constraintCount {
            let lo = rowLowerBounds[r], up = rowUpperBounds[r]
            if lo.isNaN || up.isNaN || lo > up || lo == .infinity || up == -.infinity {
                if !note(.invalidRowBounds(row: name(of: Constraint(row: r, modelID: id)), lower: lo, upper: up)) { return issues }
            }
            for k in rowStarts[r]..<rowStarts[r + 1] where !rowCoefficients[k].isFinite {
                let issue = ModelIssue.nonFiniteCoefficient(
                    row: name(of: Constraint(row: r, modelID: id)),
                    variable: name(of: Variable(column: Int(rowColumns[k]), modelID: id)), value: rowCoefficients[k])
                if !note(issue) { return issues }
            }
        }
        for (index, set) in sosConstraints.enumerated() {
            if set.columns.isEmpty, !note(.invalidSOS(index: index, reason: "has no variables")) { return issues }
            if Set(set.columns).count != set.columns.count, !note(.invalidSOS(index: index, reason: "lists a variable twice")) { return issues }
            if zip(set.weights, set.weights.dropFirst()).contains(where: { $0 >= $1 }) || set.weights.contains(where: { !$0.isFinite }) {
                if !note(.invalidSOS(index: index, reason: "weights must be finite and distinct")) { return issues }
            }
        }
        for (column, value) in startValues where !value.isFinite {
            if !note(.invalidStartValue(variable: name(of: Variable(column: Int(column), modelID: id)), value: value)) { return issues }
        }
        if let names = variableNames, !appendDuplicates(names, into: &issues, maximum: maximum, make: ModelIssue.duplicateVariableName) {
            return issues
        }
        if let names = constraintNames {
            _ = appendDuplicates(names, into: &issues, maximum: maximum, make: ModelIssue.duplicateConstraintName)
        }
        return issues
    }

    /// Appends one issue per repeated non-empty name; false once `maximum` is reached.
    private func appendDuplicates(
        _ names: [String], into issues: inout [ModelIssue], maximum: Int,
        make: (String, Int, Int) -> ModelIssue
    ) -> Bool {
        var seen: [String: Int] = [:]
        seen.reserveCapacity(names.count)
        for (i, n) in names.enumerated() where !n.isEmpty {
            if let first = seen.updateValue(i, forKey: n) {
                issues.append(make(n, first, i))
                if issues.count >= maximum { return false }
            }
        }
        return true
    }
}
