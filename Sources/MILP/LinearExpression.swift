/// A single `coefficient * variable` term. Building one allocates nothing.
public struct Term: Sendable {
    /// The multiplier of `variable`.
    public var coefficient: Double
    /// The variable being scaled.
    public var variable: Variable

    /// The term `coefficient * variable`.
    public init(_ coefficient: Double, _ variable: Variable) {
        self.coefficient = coefficient
        self.variable = variable
    }
}

/// A sparse affine expression `Σ coefficient·variable + constant`, stored as two flat arrays.
///
/// Duplicate variables are allowed while building and are merged when the expression is added
/// to a model. An expression that mixes variables of two models is marked and rejected there.
public struct LinearExpression: Sendable {
    /// Column indices of the terms.
    public internal(set) var columns: [Int32] = []
    /// Coefficients of the terms, parallel to `columns`.
    public internal(set) var coefficients: [Double] = []
    /// The constant part.
    public var constant: Double = 0
    /// The model the variables belong to (0 while the expression has no variable).
    public internal(set) var modelID: UInt32 = 0
    /// Set when variables of two different models were combined.
    public internal(set) var mixesModels = false

    /// The zero expression: no terms, constant 0.
    public init() {}

    /// A constant expression with no terms.
    public init(constant: Double) { self.constant = constant }

    /// An empty expression with room for `capacity` terms.
    public init(reservingCapacity capacity: Int) {
        columns.reserveCapacity(capacity)
        coefficients.reserveCapacity(capacity)
    }

    /// The number of stored terms (duplicates not merged).
    public var termCount: Int { columns.count }

    /// The terms as handles.
    public var terms: [Term] {
        (0..<columns.count).map { Term(coefficients[$0], Variable(column: Int(columns[$0]), modelID: modelID)) }
    }

    /// Appends `coefficient * variable`.
    public mutating func add(_ coefficient: Double, _ variable: Variable) {
        noteModel(variable.modelID)
        columns.append(variable.column)
        coefficients.append(coefficient)
    }

    /// Appends `scale * other` (terms and constant).
    public mutating func add(_ other: LinearExpression, scale: Double = 1) {
        if other.mixesModels { mixesModels = true }
        if other.modelID != 0 { noteModel(other.modelID) }
        columns.append(contentsOf: other.columns)
        if scale == 1 {
            coefficients.append(contentsOf: other.coefficients)
        } else {
            coefficients.append(contentsOf: other.coefficients.lazy.map { $0 * scale })
        }
        constant += scale * other.constant
    }

    mutating func noteModel(_ id: UInt32) {
        if modelID == 0 { modelID = id } else if modelID != id { mixesModels = true }
    }

    mutating func scale(by factor: Double) {
        for i in coefficients.indices { coefficients[i] *= factor }
        constant *= factor
    }

    /// Evaluates the expression at a point given as one value per model column.
    public func value(at values: [Double]) -> Double {
        var total = constant
        for i in columns.indices { total += coefficients[i] * values[Int(columns[i])] }
        return total
    }
}

/// Anything that can be written as a linear expression: `Variable`, `Term`, `LinearExpression`.
public protocol LinearExpressionConvertible {
    /// Appends `scale * self` to `expression`.
    func append(to expression: inout LinearExpression, scale: Double)
}

extension LinearExpressionConvertible {
    /// The value as a standalone expression.
    public var linearExpression: LinearExpression {
        var e = LinearExpression()
        append(to: &e, scale: 1)
        return e
    }
}

extension Variable: LinearExpressionConvertible {
    /// Appends the term `scale * self`.
    public func append(to expression: inout LinearExpression, scale: Double) {
        expression.add(scale, self)
    }
}

extension Term: LinearExpressionConvertible {
    /// Appends the term `(scale * coefficient) * variable`.
    public func append(to expression: inout LinearExpression, scale: Double) {
        expression.add(scale * coefficient, variable)
    }
}

extension LinearExpression: LinearExpressionConvertible {
    /// Appends every term and the constant, each multiplied by `scale`.
    public func append(to expression: inout LinearExpression, scale: Double) {
        expression.add(self, scale: scale)
    }
}

// MARK: - Arithmetic

/// The term `lhs * rhs`.
public func * (lhs: Double, rhs: Variable) -> Term { Term(lhs, rhs) }
/// The term `rhs * lhs`.
public func * (lhs: Variable, rhs: Double) -> Term { Term(rhs, lhs) }
/// The term with its coefficient multiplied by `lhs`.
public func * (lhs: Double, rhs: Term) -> Term { Term(lhs * rhs.coefficient, rhs.variable) }
/// The term with its coefficient multiplied by `rhs`.
public func * (lhs: Term, rhs: Double) -> Term { Term(rhs * lhs.coefficient, lhs.variable) }
/// The expression with every coefficient and the constant multiplied by `lhs`.
public func * (lhs: Double, rhs: LinearExpression) -> LinearExpression {
    var e = rhs
    e.scale(by: lhs)
    return e
}
/// The expression with every coefficient and the constant multiplied by `rhs`.
public func * (lhs: LinearExpression, rhs: Double) -> LinearExpression { rhs * lhs }
/// `lhs` with every coefficient and the constant divided by `rhs` (0 is not checked: it gives inf/NaN).
public func / <E: LinearExpressionConvertible>(lhs: E, rhs: Double) -> LinearExpression {
    var e = LinearExpression()
    lhs.append(to: &e, scale: 1 / rhs)
    return e
}

/// The term `-1 * operand`.
public prefix func - (operand: Variable) -> Term { Term(-1, operand) }
/// The term with its coefficient negated.
public prefix func - (operand: Term) -> Term { Term(-operand.coefficient, operand.variable) }
/// The expression with every coefficient and the constant negated.
public prefix func - (operand: LinearExpression) -> LinearExpression { -1 * operand }

/// `lhs + rhs`: the terms of both, constants added (duplicates are merged when a row is added).
public func + <L: LinearExpressionConvertible, R: LinearExpressionConvertible>(lhs: L, rhs: R) -> LinearExpression {
    combine(lhs, rhs, scale: 1)
}
/// `lhs − rhs`: the terms of `lhs` and the negated terms of `rhs`, constants subtracted.
public func - <L: LinearExpressionConvertible, R: LinearExpressionConvertible>(lhs: L, rhs: R) -> LinearExpression {
    combine(lhs, rhs, scale: -1)
}
/// `lhs` with `rhs` added to its constant.
public func + <L: LinearExpressionConvertible>(lhs: L, rhs: Double) -> LinearExpression {
    var e = lhs.linearExpression
    e.constant += rhs
    return e
}
/// `rhs` with `lhs` added to its constant.
public func + <R: LinearExpressionConvertible>(lhs: Double, rhs: R) -> LinearExpression { rhs + lhs }
/// `lhs` with `rhs` subtracted from its constant.
public func - <L: LinearExpressionConvertible>(lhs: L, rhs: Double) -> LinearExpression { lhs + (-rhs) }
/// `lhs − rhs`: `rhs` negated, plus the constant `lhs`.
public func - <R: LinearExpressionConvertible>(lhs: Double, rhs: R) -> LinearExpression {
    var e = LinearExpression(constant: lhs)
    rhs.append(to: &e, scale: -1)
    return e
}

/// Appends the terms and constant of `rhs` to `lhs`.
public func += <R: LinearExpressionConvertible>(lhs: inout LinearExpression, rhs: R) {
    rhs.append(to: &lhs, scale: 1)
}
/// Appends the negated terms and constant of `rhs` to `lhs`.
public func -= <R: LinearExpressionConvertible>(lhs: inout LinearExpression, rhs: R) {
    rhs.append(to: &lhs, scale: -1)
}
/// Adds `rhs` to the constant of `lhs`.
public func += (lhs: inout LinearExpression, rhs: Double) { lhs.constant += rhs }
/// Subtracts `rhs` from the constant of `lhs`.
public func -= (lhs: inout LinearExpression, rhs: Double) { lhs.constant -= rhs }

private func combine<L: LinearExpressionConvertible, R: LinearExpressionConvertible>(
    _ lhs: L, _ rhs: R, scale: Double
) -> LinearExpression {
    var e = LinearExpression()
    lhs.append(to: &e, scale: 1)
    rhs.append(to: &e, scale: scale)
    return e
}

// MARK: - Sums

/// `Σ` of variables, terms or expressions.
public func sum<S: Sequence>(_ items: S) -> LinearExpression where S.Element: LinearExpressionConvertible {
    var e = LinearExpression(reservingCapacity: items.underestimatedCount)
    for item in items { item.append(to: &e, scale: 1) }
    return e
}

/// `Σ f(element)` over a sequence, e.g. `sum(0..<n) { i in cost[i] * x[i] }`.
public func sum<S: Sequence, E: LinearExpressionConvertible>(
    _ items: S, _ body: (S.Element) throws -> E
) rethrows -> LinearExpression {
    var e = LinearExpression(reservingCapacity: items.underestimatedCount)
    for item in items { try body(item).append(to: &e, scale: 1) }
    return e
}

extension Sequence where Element: LinearExpressionConvertible {
    /// `Σ` of the elements.
    public func sum() -> LinearExpression { MILP.sum(self) }
}
