/// `lowerBound ≤ expression ≤ upperBound`, not yet added to a model.
/// Build one with `<=`, `>=`, `==` or `expression.in(range)`; the expression's constant is moved
/// to the bounds when the row is added.
public struct LinearConstraint: Sendable {
    /// The row's left-hand side; its constant is moved to the bounds when the row is added.
    public var expression: LinearExpression
    /// Lower bound on `expression`; `-.infinity` when there is none.
    public var lowerBound: Double
    /// Upper bound on `expression`; `.infinity` when there is none.
    public var upperBound: Double

    /// `lowerBound ≤ expression ≤ upperBound`; an omitted bound is infinite (no bound on that side).
    public init(_ expression: LinearExpression, lowerBound: Double = -.infinity, upperBound: Double = .infinity) {
        self.expression = expression
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// The relation this row expresses.
    public var relation: RowRelation {
        RowRelation(lower: lowerBound, upper: upperBound)
    }
}

/// The classic row types of MPS and solver APIs, derived from a row's two bounds.
public enum RowRelation: Sendable, Equatable {
    case lessOrEqual, greaterOrEqual, equal, ranged, free

    /// The relation of a row with these bounds: infinite bounds are absent, equal finite bounds make `.equal`.
    public init(lower: Double, upper: Double) {
        switch (lower.isFinite, upper.isFinite) {
        case (true, true): self = lower == upper ? .equal : .ranged
        case (false, true): self = .lessOrEqual
        case (true, false): self = .greaterOrEqual
        case (false, false): self = .free
        }
    }
}

extension LinearExpressionConvertible {
    /// `range.lowerBound ≤ self ≤ range.upperBound`.
    public func `in`(_ range: ClosedRange<Double>) -> LinearConstraint {
        LinearConstraint(linearExpression, lowerBound: range.lowerBound, upperBound: range.upperBound)
    }
}

// MARK: - Comparison operators

private func difference<L: LinearExpressionConvertible, R: LinearExpressionConvertible>(_ l: L, _ r: R) -> LinearExpression {
    var e = LinearExpression()
    l.append(to: &e, scale: 1)
    r.append(to: &e, scale: -1)
    return e
}

/// `lhs ≤ rhs`, stored as `lhs − rhs ≤ 0`.
public func <= <L: LinearExpressionConvertible, R: LinearExpressionConvertible>(lhs: L, rhs: R) -> LinearConstraint {
    LinearConstraint(difference(lhs, rhs), upperBound: 0)
}
/// `lhs ≥ rhs`, stored as `lhs − rhs ≥ 0`.
public func >= <L: LinearExpressionConvertible, R: LinearExpressionConvertible>(lhs: L, rhs: R) -> LinearConstraint {
    LinearConstraint(difference(lhs, rhs), lowerBound: 0)
}
/// `lhs = rhs`, stored as `lhs − rhs = 0`.
public func == <L: LinearExpressionConvertible, R: LinearExpressionConvertible>(lhs: L, rhs: R) -> LinearConstraint {
    LinearConstraint(difference(lhs, rhs), lowerBound: 0, upperBound: 0)
}

/// `lhs ≤ rhs`: upper bound `rhs` on `lhs`.
public func <= <L: LinearExpressionConvertible>(lhs: L, rhs: Double) -> LinearConstraint {
    LinearConstraint(lhs.linearExpression, upperBound: rhs)
}
/// `lhs ≥ rhs`: lower bound `rhs` on `lhs`.
public func >= <L: LinearExpressionConvertible>(lhs: L, rhs: Double) -> LinearConstraint {
    LinearConstraint(lhs.linearExpression, lowerBound: rhs)
}
/// `lhs = rhs`: both bounds of `lhs` set to `rhs`.
public func == <L: LinearExpressionConvertible>(lhs: L, rhs: Double) -> LinearConstraint {
    LinearConstraint(lhs.linearExpression, lowerBound: rhs, upperBound: rhs)
}
/// `lhs ≤ rhs`: lower bound `lhs` on `rhs`.
public func <= <R: LinearExpressionConvertible>(lhs: Double, rhs: R) -> LinearConstraint {
    LinearConstraint(rhs.linearExpression, lowerBound: lhs)
}
/// `lhs ≥ rhs`: upper bound `lhs` on `rhs`.
public func >= <R: LinearExpressionConvertible>(lhs: Double, rhs: R) -> LinearConstraint {
    LinearConstraint(rhs.linearExpression, upperBound: lhs)
}
/// `lhs = rhs`: both bounds of `rhs` set to `lhs`.
public func == <R: LinearExpressionConvertible>(lhs: Double, rhs: R) -> LinearConstraint {
    LinearConstraint(rhs.linearExpression, lowerBound: lhs, upperBound: lhs)
}

/// Closes a one-sided constraint into a range: `(2 <= x + y) <= 5`.
public func <= (lhs: LinearConstraint, rhs: Double) -> LinearConstraint {
    var c = lhs
    c.upperBound = Swift.min(c.upperBound, rhs)
    return c
}
/// Closes a one-sided constraint into a range: `(x + y <= 5) >= 2`.
public func >= (lhs: LinearConstraint, rhs: Double) -> LinearConstraint {
    var c = lhs
    c.lowerBound = Swift.max(c.lowerBound, rhs)
    return c
}
