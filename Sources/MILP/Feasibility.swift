/// How far a point is from satisfying a model, recomputed from the model alone.
public struct FeasibilityReport: Sendable, CustomStringConvertible {
    /// Largest violation of a variable bound.
    public var maxBoundViolation = 0.0
    /// Largest violation of a row bound, recomputing each row's activity.
    public var maxRowViolation = 0.0
    /// Largest distance of an integer variable from the nearest integer.
    public var maxIntegralityViolation = 0.0
    /// Largest violation of a semi-continuous or SOS condition.
    public var maxStructureViolation = 0.0
    /// Objective recomputed from the model (constant included).
    public var objective = 0.0
    /// The worst violations found, described.
    public var worst: [String] = []
    /// The tolerances the report was judged with.
    public var tolerance: Double
    /// The tolerance integrality violations were judged with (`tolerance` applies to the rest).
    public var integralityTolerance: Double

    /// The tolerance (bounds, rows, integrality) at which a solver's point is accepted as a solution:
    /// looser than a solver's own feasibility tolerances, which apply to its scaled model.
    public static let acceptedViolation = 1e-5

    /// The largest of the bound, row, integrality and structure violations.
    public var maxViolation: Double {
        max(maxBoundViolation, maxRowViolation, maxIntegralityViolation, maxStructureViolation)
    }

    /// True when every violation is within tolerance.
    public var isFeasible: Bool {
        maxBoundViolation <= tolerance && maxRowViolation <= tolerance
            && maxIntegralityViolation <= integralityTolerance && maxStructureViolation <= tolerance
    }

    /// "feasible (objective …)", or "infeasible: " followed by up to five of the worst violations.
    public var description: String {
        isFeasible ? "feasible (objective \(formatNumber(objective)))"
            : "infeasible: " + worst.prefix(5).joined(separator: "; ")
    }
}

extension Model {
    /// Checks `values` (one per variable) against every bound, row, integrality, semi-continuity and
    /// SOS condition. Integer variables' bound violations and integrality violations are absolute;
    /// a continuous variable's bound violation is divided by `max(1, |the bound|)`, and a row's by
    /// `max(1, |row bounds|, largest |aᵢⱼxⱼ|)`.
    public func checkFeasibility(
        of values: [Double], tolerance: Double = 1e-6, integralityTolerance: Double = 1e-5
    ) -> FeasibilityReport {
        var report = FeasibilityReport(tolerance: tolerance, integralityTolerance: integralityTolerance)
        guard values.count == variableCount else {
            report.maxBoundViolation = .infinity
            report.worst.append("expected \(variableCount) values, got \(values.count)")
            return report
        }
        func note(_ violation: Double, _ limit: Double, _ keyPath: WritableKeyPath<FeasibilityReport, Double>, _ what: @autoclosure () -> String) {
            guard violation > limit || violation.isNaN else { return }
            let v = violation.isNaN ? .infinity : violation
            if v > report[keyPath: keyPath] { report[keyPath: keyPath] = v }
            if report.worst.count < 20 { report.worst.append(what()) }
        }
        for c in 0..<variableCount {
            let x = values[c], lo = lowerBounds[c], up = upperBounds[c]
            let v = Variable(column: c, modelID: id)
            if kinds[c].isSemi {
                let off = abs(x) <= tolerance
                let violation = off ? 0 : max(lo - x, x - up, 0)
                note(violation, tolerance, \.maxStructureViolation, "\(name(of: v)) = \(x) is neither 0 nor in [\(lo), \(up)]")
            } else {
                // A continuous value's rounding error grows with its magnitude, as a row's does (CBC
                // ends segnet's LP relaxation at 124,649,276.00003 against a bound of 124,649,276);
                // an integer's does not: one unit past its bound is another solution.
                let violation = max(lo - x, x - up, 0)
                let scale = kinds[c].isIntegral ? 1 : max(1, abs(x < lo ? lo : up))
                note(violation / scale, tolerance, \.maxBoundViolation, "\(name(of: v)) = \(x) outside [\(lo), \(up)]")
            }
            if kinds[c].isIntegral {
                note(abs(x - x.rounded()), integralityTolerance, \.maxIntegralityViolation, "\(name(of: v)) = \(x) is not integral")
            }
        }
        for r in 0..<constraintCount {
            var activity = 0.0, largestTerm = 0.0
            for k in rowStarts[r]..<rowStarts[r + 1] {
                let term = rowCoefficients[k] * values[Int(rowColumns[k])]
                activity += term
                largestTerm = max(largestTerm, abs(term))
            }
            let lo = rowLowerBounds[r], up = rowUpperBounds[r]
            let violation = max(lo - activity, activity - up, 0)
            // Relative to the row's scale: its bounds and its largest term (cancellation error grows with it).
            let scale = max(1, lo.isFinite ? abs(lo) : 0, up.isFinite ? abs(up) : 0, largestTerm)
            note(violation / scale, tolerance, \.maxRowViolation,
                 "row \(name(of: Constraint(row: r, modelID: id))): activity \(activity) outside [\(lo), \(up)]")
        }
        for (index, set) in sosConstraints.enumerated() {
            // Violation: the magnitude outside the best allowed support (one member for SOS1,
            // two adjacent members for SOS2).
            let magnitudes = set.columns.map { abs(values[Int($0)]) }
            let width = set.type.rawValue
            let bestWindow = (0..<max(magnitudes.count - width + 1, 1))
                .map { magnitudes[$0..<min($0 + width, magnitudes.count)].reduce(0, +) }.max() ?? 0
            let violation = magnitudes.reduce(0, +) - bestWindow
            note(violation, tolerance, \.maxStructureViolation,
                 "SOS\(set.type.rawValue) set \(index) has nonzeros outside \(width) adjacent members")
        }
        report.objective = objectiveValue(of: values)
        return report
    }
}
