/// A rectangular family of variables `x[i, j]`, stored as one contiguous block of columns.
public struct VariableMatrix: Sendable {
    /// Number of rows: `i` ranges over `0..<rows`.
    public let rows: Int
    /// Number of columns: `j` ranges over `0..<columns`.
    public let columns: Int
    let firstColumn: Int
    let modelID: UInt32

    /// The variable `x[i, j]`; traps when an index is out of range.
    public subscript(i: Int, j: Int) -> Variable {
        precondition(i >= 0 && i < rows && j >= 0 && j < columns, "index [\(i), \(j)] outside \(rows)×\(columns)")
        return Variable(column: firstColumn + i * columns + j, modelID: modelID)
    }

    /// The variables `x[i, 0..<columns]`.
    public func row(_ i: Int) -> [Variable] { (0..<columns).map { self[i, $0] } }
    /// The variables `x[0..<rows, j]`.
    public func column(_ j: Int) -> [Variable] { (0..<rows).map { self[$0, j] } }
    /// All variables in row-major order.
    public var all: [Variable] { (0..<rows * columns).map { Variable(column: firstColumn + $0, modelID: modelID) } }
}

/// A family of variables keyed by any `Hashable` value, e.g. `x["Paris", 3]` via a tuple-free key
/// type, or `x[city]`. Keys keep their insertion order.
public struct VariableFamily<Key: Hashable & Sendable>: Sendable {
    /// The distinct keys, in insertion order.
    public let keys: [Key]
    let positions: [Key: Int]
    let firstColumn: Int
    let modelID: UInt32

    /// The variable of `key`; traps on an unknown key (use `variable(for:)` to test).
    public subscript(key: Key) -> Variable {
        guard let p = positions[key] else { preconditionFailure("no variable for key \(key)") }
        return Variable(column: firstColumn + p, modelID: modelID)
    }

    /// The variable of `key`, or nil.
    public func variable(for key: Key) -> Variable? {
        positions[key].map { Variable(column: firstColumn + $0, modelID: modelID) }
    }

    /// All variables in key order.
    public var all: [Variable] { keys.indices.map { Variable(column: firstColumn + $0, modelID: modelID) } }
    /// Number of keys (and variables).
    public var count: Int { keys.count }
}

extension Model {
    /// Adds `count` variables. With a `name`, they are called `name[0]`, `name[1]`, …
    public mutating func addVariables(
        _ count: Int, lowerBound: Double = 0, upperBound: Double = .infinity,
        kind: VariableKind = .continuous, objective: Double = 0, name: String? = nil
    ) -> [Variable] {
        reserveCapacity(variables: count)
        return (0..<count).map { i in
            addVariable(lowerBound: lowerBound, upperBound: upperBound, kind: kind, objective: objective,
                        name: name.map { "\($0)[\(i)]" })
        }
    }

    /// Adds a `rows × columns` block of variables `x[i, j]`. With a `name`, they are called `name[i,j]`.
    public mutating func addVariables(
        _ rows: Int, _ columns: Int, lowerBound: Double = 0, upperBound: Double = .infinity,
        kind: VariableKind = .continuous, objective: Double = 0, name: String? = nil
    ) -> VariableMatrix {
        let first = variableCount
        reserveCapacity(variables: rows * columns)
        for i in 0..<rows {
            for j in 0..<columns {
                addVariable(lowerBound: lowerBound, upperBound: upperBound, kind: kind, objective: objective,
                            name: name.map { "\($0)[\(i),\(j)]" })
            }
        }
        return VariableMatrix(rows: rows, columns: columns, firstColumn: first, modelID: id)
    }

    /// Adds one variable per key (duplicates ignored). With a `name`, they are called `name[key]`.
    public mutating func addVariables<S: Sequence>(
        keys: S, lowerBound: Double = 0, upperBound: Double = .infinity,
        kind: VariableKind = .continuous, objective: Double = 0, name: String? = nil
    ) -> VariableFamily<S.Element> where S.Element: Hashable & Sendable {
        let first = variableCount
        var ordered: [S.Element] = []
        var positions: [S.Element: Int] = [:]
        for key in keys where positions[key] == nil {
            positions[key] = ordered.count
            ordered.append(key)
            addVariable(lowerBound: lowerBound, upperBound: upperBound, kind: kind, objective: objective,
                        name: name.map { "\($0)[\(key)]" })
        }
        return VariableFamily(keys: ordered, positions: positions, firstColumn: first, modelID: id)
    }
}
