/// A special ordered set: at most one (type 1) or at most two adjacent (type 2, in weight order)
/// of its variables may be nonzero.
public struct SOSConstraint: Sendable, Equatable {
    /// Type 1 (at most one member nonzero) or type 2 (at most two adjacent members nonzero).
    public enum SOSType: Int, Sendable { case one = 1, two = 2 }
    /// Whether this is an SOS1 or an SOS2 set.
    public var type: SOSType
    /// Member columns, sorted by weight.
    public var columns: [Int32]
    /// Strictly increasing weights, parallel to `columns`.
    public var weights: [Double]

    /// A set over `columns` with parallel `weights`, given in increasing weight order;
    /// `Model.validate()` reports empty sets, repeated members and weights not strictly increasing.
    public init(type: SOSType, columns: [Int32], weights: [Double]) {
        self.type = type
        self.columns = columns
        self.weights = weights
    }
}

/// Errors raised by modeling helpers that need information the model cannot supply.
public struct ModelingError: Error, CustomStringConvertible, Sendable {
    /// What the helper needed and how to supply it.
    public let description: String
    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}

extension Model {
    // MARK: SOS

    /// Adds an SOS1 set: at most one of `variables` is nonzero. Weights default to 1, 2, 3, …
    @discardableResult
    public mutating func addSOS1(_ variables: [Variable], weights: [Double]? = nil) -> Int {
        addSOS(.one, variables, weights)
    }

    /// Adds an SOS2 set: at most two of `variables`, adjacent in weight order, are nonzero.
    @discardableResult
    public mutating func addSOS2(_ variables: [Variable], weights: [Double]? = nil) -> Int {
        addSOS(.two, variables, weights)
    }

    private mutating func addSOS(_ type: SOSConstraint.SOSType, _ variables: [Variable], _ weights: [Double]?) -> Int {
        let w = weights ?? variables.indices.map { Double($0 + 1) }
        if w.count != variables.count {
            record(.invalidSOS(index: sosConstraints.count, reason: "\(variables.count) variables but \(w.count) weights"))
        }
        for v in variables { _ = owns(v, context: "SOS set \(sosConstraints.count)") }
        let order = variables.indices.sorted { w[min($0, w.count - 1)] < w[min($1, w.count - 1)] }
        sosConstraints.append(SOSConstraint(
            type: type, columns: order.map { variables[$0].column }, weights: order.map { w[min($0, w.count - 1)] }))
        return sosConstraints.count - 1
    }

    // MARK: Indicators

    /// Adds `indicator = active ⇒ constraint`, compiled to big-M rows whose M comes from the
    /// variables' bounds. Throws when a needed bound is infinite (give finite bounds, or `bigM`).
    ///
    /// - Parameters:
    ///   - indicator: a binary variable.
    ///   - active: the value of `indicator` that enforces the constraint (default `true`, i.e. 1).
    ///   - constraint: the row that holds while `indicator == active`.
    ///   - bigM: an explicit M to use instead of the one derived from bounds.
    ///   - name: the rows' names, with `_ub` and `_lb` appended (nil: unnamed rows).
    /// - Returns: the rows added (one, or two for an equality or range).
    @discardableResult
    public mutating func addIndicator(
        _ indicator: Variable, equals active: Bool = true, then constraint: LinearConstraint,
        bigM: Double? = nil, name: String? = nil
    ) throws -> [Constraint] {
        guard indicator.modelID == id, indicator.index < variableCount else {
            throw ModelingError("indicator variable does not belong to this model")
        }
        guard kinds[indicator.index] == .binary
            || (kinds[indicator.index] == .integer && lowerBounds[indicator.index] >= 0 && upperBounds[indicator.index] <= 1)
        else {
            throw ModelingError("indicator \(self.name(of: indicator)) must be binary, is \(kinds[indicator.index])")
        }
        let e = constraint.expression
        guard !e.mixesModels, e.modelID == 0 || e.modelID == id else {
            throw ModelingError("indicator constraint uses a variable of another model")
        }
        let (minActivity, maxActivity) = activityRange(of: e)
        // "switch" is 1 when the constraint must be relaxed: (1 - b) for active = true, b otherwise.
        var rows: [Constraint] = []
        let label = name ?? "indicator on \(self.name(of: indicator))"
        if constraint.upperBound.isFinite {
            // e ≤ u + M·switch with M = max(e) - u
            let m = try bigM ?? requireFinite(maxActivity - constraint.upperBound, label, "an upper bound on every variable with a positive coefficient (and a lower bound where negative)")
            rows.append(addSwitchedRow(e, indicator, active, m: max(m, 0), upper: constraint.upperBound, name: name.map { $0 + "_ub" }))
        }
        if constraint.lowerBound.isFinite {
            // e ≥ l - M·switch with M = l - min(e)
            let m = try bigM ?? requireFinite(constraint.lowerBound - minActivity, label, "a lower bound on every variable with a positive coefficient (and an upper bound where negative)")
            rows.append(addSwitchedRow(-1 * e, indicator, active, m: max(m, 0), upper: -constraint.lowerBound, name: name.map { $0 + "_lb" }))
        }
        return rows
    }

    private func requireFinite(_ m: Double, _ label: String, _ need: String) throws -> Double {
        guard m.isFinite else {
            throw ModelingError("\(label): cannot derive big-M because the constraint's activity is unbounded; it needs \(need), or pass bigM:")
        }
        return m
    }

    /// Adds `e ≤ upper + m·switch`, where switch = 1 - b (active = true) or b (active = false).
    private mutating func addSwitchedRow(_ e: LinearExpression, _ b: Variable, _ active: Bool, m: Double, upper: Double, name: String?) -> Constraint {
        var row = e
        if active {
            row.add(m, b)  // e + m·b ≤ upper + m
            return add(LinearConstraint(row, upperBound: upper + m), name: name)
        }
        row.add(-m, b)  // e - m·b ≤ upper
        return add(LinearConstraint(row, upperBound: upper), name: name)
    }

    /// The smallest and largest value `expression` can take within the variable bounds.
    public func activityRange(of expression: LinearExpression) -> (min: Double, max: Double) {
        var lo = expression.constant, hi = expression.constant
        for k in expression.columns.indices {
            let a = expression.coefficients[k], c = Int(expression.columns[k])
            guard a != 0 else { continue }
            let (l, u) = kinds[c].isSemi ? (min(lowerBounds[c], 0), max(upperBounds[c], 0)) : (lowerBounds[c], upperBounds[c])
            if a > 0 { lo += a * l; hi += a * u } else { lo += a * u; hi += a * l }
        }
        return (lo.isNaN ? -.infinity : lo, hi.isNaN ? .infinity : hi)
    }
}
