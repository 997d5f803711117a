import Foundation
import MILP

// Markdown, CSV and JSON renderings of a `BenchReport`.

extension BenchReport {
    // MARK: Markdown

    /// Markdown: WRONG ANSWERS first (when any), then the per-solver summary, the per-instance
    /// table and the definitions.
    public func markdown() -> String {
        var out = "# \(options.title)\n\n"
        if let source = options.source { out += "Source: `\(source)`. " }
        out += scope + ".\n\n"
        if runs.isEmpty { return out + "The database holds no runs.\n" }

        let wrong = wrongRuns
        if wrong.isEmpty {
            out += "No wrong answers flagged" + (options.known == nil ? "" : " (rechecked against the given known values)") + ".\n\n"
        } else {
            out += "## ⚠ WRONG ANSWERS: \(wrong.count)\n\n"
            out += "These runs claimed something that contradicts a known optimum or infeasibility; they count as unsolved.\n\n"
            out += markdownTable(["instance", "solver", "seed", "status", "objective", "why"], wrong.map { i in
                let run = runs[i]
                return [run.instance, run.solver, "\(run.seed)", run.status, run.objective.map(formatNumber) ?? "—", run.wrong ?? ""]
            }, numeric: [2, 4])
            out += "\n"
        }

        out += "## Summary per solver\n\n"
        let showOther = summaries.contains { $0.other > 0 }
        var header = ["solver", "version", "solved", "optimal", "infeasible", "limit", "failed"]
        if showOther { header.append("other") }
        header += ["wrong", "SGM time (s, shift \(formatNumber(options.shift)))", "mean primal gap"]
        if hasTraces { header.append("mean primal integral (s)") }
        let summaryRows = summaries.map { s -> [String] in
            var row = [s.solver, s.solverVersion.isEmpty ? s.solverName : "\(s.solverName) \(s.solverVersion)",
                       "\(s.solved)/\(s.runs)", "\(s.optimal)", "\(s.infeasible)", "\(s.limit)", "\(s.failed)"]
            if showOther { row.append("\(s.other)") }
            row += [s.wrong > 0 ? "**\(s.wrong)**" : "0", fixed(s.shiftedGeometricMean, 2), s.meanPrimalGap.map { fixed($0, 4) } ?? "—"]
            if hasTraces { row.append(s.meanPrimalIntegral.map { fixed($0, 2) } ?? "—") }
            return row
        }
        out += markdownTable(header, summaryRows, numeric: Set(2..<header.count))
        out += "\nPerformance profile (fraction of \(profile.problems) problems solved within τ × the best time):\n\n"
        let taus = profileTaus()
        out += markdownTable(["solver"] + taus.map { "τ = \(String(format: "%.4g", $0))" },
                             solvers.map { s in [s] + taus.map { fixed(profile.rho(s, $0), 2) } },
                             numeric: Set(1...taus.count))

        out += "\n## Per instance\n\n"
        out += "Per solver: status (`limit (time)`: stopped by the time limit; with several seeds, the status when all agree, else the number solved), best objective, primal gap and seconds (means over seeds). **WRONG** marks a wrong answer.\n\n"
        let showKnown = options.known != nil
        var instanceHeader = showKnown ? ["instance", "known"] : ["instance"]
        for solver in solvers { instanceHeader += ["\(solver) status", "objective", "primal gap", "s"] }
        let instanceRows = rows.map { row -> [String] in
            var cells = showKnown ? [row.instance, knownText(row.known)] : [row.instance]
            for solver in solvers {
                guard let cell = row.cells[solver] else { cells += ["—", "", "", ""]; continue }
                let status: String = (cell.wrong > 0 ? "**WRONG** " : "") + cell.status
                let objective: String = cell.objective.map(formatNumber) ?? "—"
                let gap: String = cell.primalGap.map { fixed($0, 4) } ?? "—"
                cells += [status, objective, gap, fixed(cell.seconds, 2)]
            }
            return cells
        }
        var numericColumns: Set<Int> = showKnown ? [1] : []
        for index in solvers.indices {
            let first: Int = instanceHeader.count - 4 * solvers.count + 4 * index
            numericColumns.formUnion([first + 1, first + 2, first + 3])
        }
        out += markdownTable(instanceHeader, instanceRows, numeric: numericColumns)

        out += "\n## Definitions\n\n"
        for (term, text) in definitions { out += "- **\(term)**: \(text)\n" }
        return out
    }

    /// τ values for the profile table: 1, 2, 4, … up to τmax, at most 6.
    func profileTaus() -> [Double] {
        var taus: [Double] = [1]
        while taus.last! * 2 < profile.tauMax && taus.count < 6 { taus.append(taus.last! * 2) }
        if profile.tauMax > taus.last! * 1.0001 && taus.count < 7 { taus.append(profile.tauMax) }
        return taus
    }

    func knownText(_ known: KnownAnswer?) -> String {
        switch known {
        case .optimal(let v): formatNumber(v)
        case .bestKnown(let v): "\(formatNumber(v)) (best known)"
        case .infeasible: "infeasible"
        case nil: "—"
        }
    }

    // MARK: CSV

    /// CSV: a header, then one row per run (`wrong` holds the reason, empty when not wrong).
    public func csv() -> String {
        let header = ["instance", "solver", "seed", "status", "limit", "solved", "wrong", "has_solution", "objective",
                      "bound", "gap", "reference", "primal_gap", "primal_integral", "seconds", "time_limit",
                      "wall_seconds", "nodes", "peak_memory_mib", "solver_name", "solver_version", "sense", "host", "message"]
        var lines = [header.joined(separator: ",")]
        for (run, fact) in zip(runs, facts) {
            let fields: [String] = [
                run.instance, run.solver, "\(run.seed)", run.status, run.limit ?? "", "\(fact.solved)", run.wrong ?? "",
                "\(run.hasSolution)", number(run.objective), number(run.bound), number(run.gap), number(fact.reference),
                number(fact.primalGap), number(fact.primalIntegral), number(run.seconds), number(run.timeLimit),
                number(run.wallSeconds), run.nodes.map(String.init) ?? "", number(run.peakMemoryMiB), run.solverName,
                run.solverVersion, run.sense, run.host, run.message ?? "",
            ]
            lines.append(fields.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    /// JSON: an object with the definitions, `solvers` (the summary), `performance_profile`,
    /// `gap_curves`, `instances` and `runs` (one object per run; `wrong` is the reason or null).
    public func json() -> String {
        var root: [(String, JSONValue)] = [
            ("title", .string(options.title)),
            ("source", options.source.map(JSONValue.string) ?? .null),
            ("shift", .number(options.shift)),
            ("time_floor", .number(options.timeFloor)),
            ("rechecked_against_known_values", .bool(options.known != nil)),
            ("wrong_count", .int(wrongRuns.count)),
            ("definitions", .object(definitions.map { ($0.term, .string($0.text)) })),
        ]
        root.append(("solvers", .array(summaries.map { s in
            .object([
                ("solver", .string(s.solver)), ("solver_name", .string(s.solverName)), ("solver_version", .string(s.solverVersion)),
                ("runs", .int(s.runs)), ("solved", .int(s.solved)), ("optimal", .int(s.optimal)),
                ("infeasible", .int(s.infeasible)), ("limit", .int(s.limit)), ("with_solution", .int(s.withSolution)),
                ("failed", .int(s.failed)), ("other", .int(s.other)), ("wrong", .int(s.wrong)),
                ("shifted_geometric_mean_seconds", .number(s.shiftedGeometricMean)),
                ("mean_primal_gap", .optional(s.meanPrimalGap)), ("primal_gap_runs", .int(s.primalGapRuns)),
                ("mean_primal_integral", .optional(s.meanPrimalIntegral)), ("primal_integral_runs", .int(s.primalIntegralRuns)),
            ])
        })))
        root.append(("performance_profile", .object([
            ("problems", .int(profile.problems)),
            ("max_ratio", .number(profile.maxRatio)),
            ("tau_max", .number(profile.tauMax)),
            ("steps", .object(solvers.map { s in (s, .array(profile.steps(s).map { .array([.number($0.tau), .number($0.rho)]) })) })),
        ])))
        root.append(("gap_curves", .array(gapCurves.map { curve in
            .object([("solver", .string(curve.solver)), ("runs", .int(curve.runs)), ("horizon", .number(curve.horizon)),
                     ("steps", .array(curve.steps.map { .array([.number($0.time), .number($0.gap)]) }))])
        })))
        root.append(("instances", .array(rows.map { row in
            var known: JSONValue = .null
            switch row.known {
            case .optimal(let v): known = .object([("status", .string("optimal")), ("value", .number(v))])
            case .bestKnown(let v): known = .object([("status", .string("best_known")), ("value", .number(v))])
            case .infeasible: known = .object([("status", .string("infeasible")), ("value", .null)])
            case nil: break
            }
            return .object([
                ("instance", .string(row.instance)), ("known", known), ("reference", .optional(row.reference)),
                ("solvers", .object(solvers.compactMap { s in
                    row.cells[s].map { c in
                        (s, .object([("status", .string(c.status)), ("runs", .int(c.runs)), ("solved", .int(c.solved)),
                                     ("wrong", .int(c.wrong)), ("objective", .optional(c.objective)),
                                     ("primal_gap", .optional(c.primalGap)), ("seconds", .number(c.seconds))]))
                    }
                })),
            ])
        })))
        root.append(("runs", .array(zip(runs, facts).map { run, fact in
            .object([
                ("instance", .string(run.instance)), ("solver", .string(run.solver)), ("seed", .int(run.seed)),
                ("status", .string(run.status)), ("limit", run.limit.map(JSONValue.string) ?? .null),
                ("solved", .bool(fact.solved)), ("wrong", run.wrong.map(JSONValue.string) ?? .null),
                ("has_solution", .bool(run.hasSolution)), ("objective", .optional(run.objective)),
                ("bound", .optional(run.bound)), ("gap", .optional(run.gap)), ("reference", .optional(fact.reference)),
                ("primal_gap", .optional(fact.primalGap)), ("primal_integral", .optional(fact.primalIntegral)),
                ("seconds", .number(run.seconds)), ("time_limit", .number(run.timeLimit)),
                ("wall_seconds", .number(run.wallSeconds)), ("nodes", run.nodes.map(JSONValue.int) ?? .null),
                ("peak_memory_mib", .optional(run.peakMemoryMiB)), ("solver_name", .string(run.solverName)),
                ("solver_version", .string(run.solverVersion)), ("sense", .string(run.sense)),
                ("host", .string(run.host)), ("timestamp", .string(run.timestamp)),
                ("message", run.message.map(JSONValue.string) ?? .null),
            ])
        })))
        var out = ""
        JSONValue.object(root).write(to: &out, indent: 0)
        return out + "\n"
    }
}

// MARK: Helpers

/// `x` with `digits` decimals.
func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

/// A number for CSV: full precision, empty when absent.
private func number(_ x: Double?) -> String {
    guard let x else { return "" }
    return x.isFinite ? "\(x)" : formatNumber(x)
}

/// RFC 4180 quoting when needed.
private func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// A GitHub-flavoured Markdown table; `numeric` columns are right-aligned.
private func markdownTable(_ header: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
    func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
    var out = "| " + header.map(escape).joined(separator: " | ") + " |\n"
    out += "|" + header.indices.map { numeric.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
    for row in rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
    return out
}

/// A JSON value with ordered keys (readable output; no dependence on the platform's serializer).
enum JSONValue {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func optional(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }

    func write(to out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += "\(i)"
        case .number(let x): out += x.isFinite ? "\(x)" : "null"
        case .string(let s): out += Self.quote(s)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            // Arrays of scalars (trace points, profile steps) stay on one line.
            if items.allSatisfy(\.isScalar) {
                out += "["
                for (i, item) in items.enumerated() { if i > 0 { out += ", " }; item.write(to: &out, indent: indent) }
                out += "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(to: &out, indent: indent + 1)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += close + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (key, value)) in members.enumerated() {
                out += pad + Self.quote(key) + ": "
                value.write(to: &out, indent: indent + 1)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += close + "}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
