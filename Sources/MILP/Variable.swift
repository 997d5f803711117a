/// The domain of a decision variable.
public enum VariableKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Any real value within the bounds.
    case continuous
    /// Any integer value within the bounds.
    case integer
    /// 0 or 1 (bounds are kept within [0, 1]).
    case binary
    /// 0, or any real value in [lowerBound, upperBound] (lowerBound ≥ 0, upperBound finite).
    case semiContinuous
    /// 0, or any integer in [lowerBound, upperBound] (lowerBound ≥ 0, upperBound finite; the
    /// bounds may be fractional, the values may not).
    case semiInteger

    /// True for the kinds whose values must be integers (integer, binary, semi-integer).
    public var isIntegral: Bool { self == .integer || self == .binary || self == .semiInteger }

    /// True for the kinds that may also be 0 outside their bounds (semi-continuous, semi-integer).
    public var isSemi: Bool { self == .semiContinuous || self == .semiInteger }

    /// The kind in lowercase words, e.g. "semi-continuous".
    public var description: String {
        switch self {
        case .continuous: "continuous"
        case .integer: "integer"
        case .binary: "binary"
        case .semiContinuous: "semi-continuous"
        case .semiInteger: "semi-integer"
        }
    }
}

/// A handle to a column of a `Model`: the model's identity and the column index. 8 bytes, no references.
public struct Variable: Hashable, Sendable {
    let column: Int32
    let modelID: UInt32

    init(column: Int, modelID: UInt32) {
        self.column = Int32(truncatingIfNeeded: column)
        self.modelID = modelID
    }

    /// The column index of the variable in its model (0-based).
    public var index: Int { Int(column) }
}

/// A handle to a row of a `Model`.
public struct Constraint: Hashable, Sendable {
    let row: Int32
    let modelID: UInt32

    init(row: Int, modelID: UInt32) {
        self.row = Int32(truncatingIfNeeded: row)
        self.modelID = modelID
    }

    /// The row index of the constraint in its model (0-based).
    public var index: Int { Int(row) }
}

/// Whether the objective is minimized or maximized.
public enum ObjectiveSense: String, Sendable, Codable {
    /// Find the smallest objective value.
    case minimize
    /// Find the largest objective value.
    case maximize

    /// +1 for minimization, -1 for maximization.
    public var sign: Double { self == .minimize ? 1 : -1 }
}
