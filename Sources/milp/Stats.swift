import ArgumentParser
import Foundation
import MILPKit

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what a model contains before solving it: sizes, variable kinds, row types, ranges.",
        discussion: "Example: milp stats instances/miplib3/p0201.mps.gz --json"
    )

    @Argument(help: "The model file (.mps, .mps.gz).") var file: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let model: Model
        do { model = try ModelFile.read(file) } catch {
            printError("milp: \(error)")
            throw ExitStatus.badInput.exitCode
        }
        let s = ModelStatistics(model)
        if json {
            var object = s.dictionary
            object["rows"] = model.constraintCount
            object["columns"] = model.variableCount
            object["nonzeros"] = model.nonzeroCount
            object["sos"] = model.sosConstraints.count
            object["sense"] = model.sense.rawValue
            object["name"] = model.name
            print(jsonText(object.mapValues { value -> Any in
                if let d = value as? Double { return jsonNumber(d) }
                return value
            }))
            return
        }
        func range(_ r: (Double, Double)?) -> String { r.map { "[\(formatNumber($0.0)), \(formatNumber($0.1))]" } ?? "none" }
        print("""
        model:          \(model.name.isEmpty ? ModelFile.instanceName(file) : model.name) (\(model.sense.rawValue))
        rows:           \(model.constraintCount)  (≤ \(s.rowTypes[0]), ≥ \(s.rowTypes[1]), = \(s.rowTypes[2]), ranged \(s.rowTypes[3]), free \(s.rowTypes[4]); empty \(s.emptyRows))
        columns:        \(model.variableCount)  (binary \(s.binaries), general integer \(s.generalIntegers), continuous \(s.continuous), semi-continuous \(s.semiContinuous), semi-integer \(s.semiIntegers); empty \(s.emptyColumns))
        nonzeros:       \(model.nonzeroCount)  (density \(String(format: "%.3g", s.density)))
        SOS sets:       \(model.sosConstraints.count)
        free columns:   \(s.freeColumns), fixed columns: \(s.fixedColumns)
        |matrix|:       \(range(s.matrixRange))
        |objective|:    \(range(s.objectiveRange))  constant \(formatNumber(model.objectiveConstant))
        |bounds|:       \(range(s.boundRange))
        |row bounds|:   \(range(s.rhsRange))
        """)
    }
}

/// Counts and magnitude ranges of a model (ranges over nonzero finite absolute values).
struct ModelStatistics {
    var rowTypes = [0, 0, 0, 0, 0]  // ≤, ≥, =, ranged, free
    var binaries = 0, generalIntegers = 0, continuous = 0, semiContinuous = 0, semiIntegers = 0
    var emptyRows = 0, emptyColumns = 0, freeColumns = 0, fixedColumns = 0
    var matrixRange: (Double, Double)?, objectiveRange: (Double, Double)?
    var boundRange: (Double, Double)?, rhsRange: (Double, Double)?
    var density = 0.0

    init(_ m: Model) {
        for r in 0..<m.constraintCount {
            switch RowRelation(lower: m.rowLowerBounds[r], upper: m.rowUpperBounds[r]) {
            case .lessOrEqual: rowTypes[0] += 1
            case .greaterOrEqual: rowTypes[1] += 1
            case .equal: rowTypes[2] += 1
            case .ranged: rowTypes[3] += 1
            case .free: rowTypes[4] += 1
            }
            if m.rowStarts[r] == m.rowStarts[r + 1] { emptyRows += 1 }
            Self.extend(&rhsRange, m.rowLowerBounds[r])
            Self.extend(&rhsRange, m.rowUpperBounds[r])
        }
        var used = [Bool](repeating: false, count: m.variableCount)
        for c in m.rowColumns { used[Int(c)] = true }
        for v in m.rowCoefficients { Self.extend(&matrixRange, v) }
        for j in 0..<m.variableCount {
            let lo = m.lowerBounds[j], up = m.upperBounds[j]
            switch m.kinds[j] {
            case .binary: binaries += 1
            case .integer: if lo >= 0 && up <= 1 { binaries += 1 } else { generalIntegers += 1 }
            case .continuous: continuous += 1
            case .semiContinuous: semiContinuous += 1
            case .semiInteger: semiIntegers += 1
            }
            if !used[j] { emptyColumns += 1 }
            if lo == -.infinity && up == .infinity { freeColumns += 1 }
            if lo == up { fixedColumns += 1 }
            Self.extend(&objectiveRange, m.objectiveCoefficients[j])
            Self.extend(&boundRange, lo)
            Self.extend(&boundRange, up)
        }
        let cells = Double(m.variableCount) * Double(max(m.constraintCount, 1))
        density = cells > 0 ? Double(m.nonzeroCount) / cells : 0
    }

    private static func extend(_ range: inout (Double, Double)?, _ value: Double) {
        let a = abs(value)
        guard a.isFinite, a > 0 else { return }
        range = range.map { (min($0.0, a), max($0.1, a)) } ?? (a, a)
    }

    var dictionary: [String: Any] {
        [
            "rows_le": rowTypes[0], "rows_ge": rowTypes[1], "rows_eq": rowTypes[2], "rows_ranged": rowTypes[3],
            "rows_free": rowTypes[4], "binaries": binaries, "general_integers": generalIntegers,
            "continuous": continuous, "semi_continuous": semiContinuous, "semi_integer": semiIntegers, "empty_rows": emptyRows,
            "empty_columns": emptyColumns, "free_columns": freeColumns, "fixed_columns": fixedColumns,
            "matrix_min": matrixRange?.0 ?? Double.nan, "matrix_max": matrixRange?.1 ?? Double.nan,
            "objective_min": objectiveRange?.0 ?? Double.nan, "objective_max": objectiveRange?.1 ?? Double.nan,
            "bound_min": boundRange?.0 ?? Double.nan, "bound_max": boundRange?.1 ?? Double.nan,
            "rhs_min": rhsRange?.0 ?? Double.nan, "rhs_max": rhsRange?.1 ?? Double.nan, "density": density,
        ]
    }
}

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert between model formats: .mps, .mps.gz, .lp, .lp.gz (by extension).",
        discussion: """
        Both formats are read and written; LP files are CPLEX LP format (the dialect CPLEX, CBC, HiGHS, SCIP and glpsol --lp read). Quadratic LP files are rejected.

        Examples:
          milp convert model.mps.gz model.lp
          milp convert model.lp model.mps
          milp convert model.mps model.mps.gz
          milp convert auction.mps auction-min.mps --minimize-form   for cbc 2.10 and glpsol
        """
    )

    @Argument(help: "Input model file.") var input: String
    @Argument(help: "Output model file; the extension picks the format.") var output: String
    @Flag(help: "Write a maximization as the minimization of the negated objective, for readers that ignore OBJSENSE (the CBC 2.10 executable) or reject it (glpsol). Optimal values change sign.")
    var minimizeForm = false

    func run() throws {
        do {
            var model = try ModelFile.read(input)
            if minimizeForm && model.sense == .maximize {
                model.minimize(-model.objective)
                printError("milp: note: the maximization is written as a minimization of the negated objective: optimal values change sign")
            }
            try ModelFile.write(model, to: output)
        } catch {
            printError("milp: \(error)")
            throw ExitStatus.badInput.exitCode
        }
    }
}
