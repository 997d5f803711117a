import Foundation
import MILP

/// One model row at a solution: which spec constraint (and sentence) it came from, its activity,
/// and whether it is binding.
public struct RowReport: Sendable {
    /// The row's name in the model.
    public var name: String
    /// "3", "linear", "indicator", or "link" for an indicator's linking row.
    public var classLabel: String
    /// The spec constraint's sentence, or "indicator NAME" for a linking row; nil when it has none.
    public var sentence: String?
    /// The row's left-hand side at the solution.
    public var activity: Double
    /// The row's lower bound (−∞ for a ≤ row).
    public var lower: Double
    /// The row's upper bound (+∞ for a ≥ row).
    public var upper: Double

    /// Distance to the nearest finite bound (0 when binding).
    public var slack: Double {
        min(upper.isFinite ? upper - activity : .infinity, lower.isFinite ? activity - lower : .infinity)
    }
    /// True when the activity is at a bound, within a relative 1e-7.
    public var isBinding: Bool { abs(slack) <= 1e-7 * max(1, abs(activity)) }
}

extension CompiledFormulation {
    /// Every row with its activity at `values` (one value per model column), in spec order, then
    /// the linking rows.
    public func rowReports(at values: [Double]) -> [RowReport] {
        func report(_ row: Constraint, _ label: String, _ sentence: String?) -> RowReport {
            RowReport(name: model.name(of: row), classLabel: label, sentence: sentence,
                      activity: model.expression(of: row).value(at: values),
                      lower: model.lowerBound(of: row), upper: model.upperBound(of: row))
        }
        var out: [RowReport] = []
        for (c, rows) in zip(spec.constraints, constraintRows) {
            out += rows.map { report($0, c.template.classLabel, c.sentence) }
        }
        for (y, rows) in linkRows { out += rows.map { report($0, "link", "indicator \(y)") } }
        return out
    }

    /// The value of every named variable at `values`, in column order.
    public func namedValues(_ values: [Double]) -> [(name: String, value: Double)] {
        names.enumerated().map { ($1, values[$0]) }
    }
}
