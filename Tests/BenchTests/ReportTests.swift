import Foundation
import Testing
@testable import MILPBench
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A run as the bench runner stores it (minimize, one seed unless given).
private func run(_ instance: String, _ solver: String, _ status: String, objective: Double? = nil, seconds: Double,
                 limit: String? = nil, seed: Int = 0, timeLimit: Double = 100, trace: String? = nil, wrong: String? = nil) -> RunRecord {
    var record = RunRecord(
        instance: instance, path: "/data/\(instance).mps", instanceHash: "hash-\(instance)", solver: solver,
        solverName: solver, solverVersion: "1.0", seed: seed, timeLimit: timeLimit, status: status,
        hasSolution: objective != nil, seconds: seconds, wallSeconds: seconds + 0.05, sense: "minimize",
        timestamp: "2026-11-23T00:00:00Z", host: "test")
    record.limit = limit
    record.objective = objective
    record.trace = trace
    record.wrong = wrong
    return record
}

private func knownOptima(_ csv: String) throws -> KnownOptima {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("known-\(UUID().uuidString).csv")
    try csv.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    return try KnownOptima(path: url.path)
}

private func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(1, abs(b))
}

/// The hand-computed example: 3 instances × 2 solvers (s1, s2), time limit 100 s, minimize.
///
///     instance  known   s1                              s2
///     a         opt 10  optimal 10 in 2 s (traced)      optimal 10 in 8 s
///     b         opt 20  limit (time) 25 in 100 s        optimal 21 in 30 s  ← WRONG against opt 20
///     c         —       optimal 4 in 0.004 s            limit (time), no solution, 100 s
private func example(trace: Bool = false) -> [RunRecord] {
    [
        run("a", "s1", "optimal", objective: 10, seconds: 2, trace: trace ? "[[1, 20], [1.5, 10]]" : nil),
        run("a", "s2", "optimal", objective: 10, seconds: 8),
        run("b", "s1", "limit", objective: 25, seconds: 100, limit: "time"),
        run("b", "s2", "optimal", objective: 21, seconds: 30),
        run("c", "s1", "optimal", objective: 4, seconds: 0.004),
        run("c", "s2", "limit", seconds: 100, limit: "time"),
    ]
}

/// The first tag that is not closed in order, or nil: a stack of open elements; `void` elements
/// need no end tag; the contents of <script> and <style> are skipped.
private func unbalancedTags(_ text: String, void: Set<String> = ["meta", "br", "hr", "img", "input", "link"]) -> String? {
    var stack: [String] = []
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "<") {
        rest = rest[rest.index(after: open)...]
        guard let close = rest.firstIndex(of: ">") else { return "unterminated tag" }
        let tag = rest[..<close]
        rest = rest[rest.index(after: close)...]
        if tag.hasPrefix("!") || tag.hasPrefix("?") { continue }
        let closing = tag.hasPrefix("/")
        let name = String((closing ? tag.dropFirst() : tag).prefix { $0.isLetter || $0.isNumber }).lowercased()
        if closing {
            guard stack.last == name else { return "</\(name)> closes <\(stack.last ?? "nothing")>" }
            stack.removeLast()
        } else if !tag.hasSuffix("/") && !void.contains(name) {
            if name == "script" || name == "style" {
                guard let end = rest.range(of: "</\(name)>") else { return "<\(name)> not closed" }
                rest = rest[end.upperBound...]
            } else {
                stack.append(name)
            }
        }
    }
    return stack.isEmpty ? nil : "<\(stack.last!)> not closed"
}

private let exampleKnown = "name,objective,status\na,10,opt\nb,20,opt\n"

@Suite("milp report: numbers, formats, plots")
struct ReportTests {
    @Test("hand-computed example: solved, wrong, shifted geometric mean, primal gaps, profile")
    func handComputed() throws {
        let report = BenchReport(runs: example(), options: ReportOptions(shift: 10, known: try knownOptima(exampleKnown)))
        #expect(report.solvers == ["s1", "s2"])
        #expect(report.instances == ["a", "b", "c"])
        let s1 = try #require(report.summaries.first { $0.solver == "s1" })
        let s2 = try #require(report.summaries.first { $0.solver == "s2" })

        // b/s2 claims optimum 21 but the known optimum is 20: wrong (recomputed from --optimal-values).
        #expect(report.runs[3].wrong != nil)
        #expect(report.wrongRuns == [3])
        #expect((s1.solved, s1.wrong, s1.optimal, s1.limit) == (2, 0, 2, 1))  // a, c
        #expect((s2.solved, s2.wrong, s2.optimal, s2.limit) == (1, 1, 2, 1))  // a only; b is wrong

        // Shifted geometric mean, shift 10, unsolved (and wrong) at the time limit 100:
        //   s1: times 2, 100, 0.004 → (12 · 110 · 10.004)^(1/3) − 10 = 13205.28^(1/3) − 10 ≈ 13.636466
        //   s2: times 8, 100, 100   → (18 · 110 · 110)^(1/3) − 10   = 217800^(1/3) − 10   ≈ 50.166206
        #expect(close(s1.shiftedGeometricMean, 13.636465697963452))
        #expect(close(s2.shiftedGeometricMean, 50.16620583521556))

        // Primal gaps; references a 10, b 20 (known), c 4 (best found):
        //   s1: a 0, b |25 − 20| / 25 = 0.2, c 0          → mean 0.2 / 3 ≈ 0.0667
        //   s2: a 0, b |21 − 20| / 21 = 1/21, c no sol. 1 → mean (1/21 + 1) / 3 = 22/63 ≈ 0.3492
        #expect(close(report.facts[2].primalGap, 0.2))
        #expect(close(report.facts[3].primalGap, 1.0 / 21))
        #expect(report.facts[5].primalGap == 1)
        #expect(close(s1.meanPrimalGap, 0.2 / 3))
        #expect(close(s2.meanPrimalGap, 22.0 / 63))
        #expect(report.rows.map(\.reference) == [10, 20, 4])
        #expect(!report.hasTraces && s1.meanPrimalIntegral == nil)

        // Performance profile over problems a, b, c (seed 0), times floored at 0.01:
        //   a: s1 2, s2 8 → r = 1, 4;  b: nobody solved (s2 is wrong) → ∞, ∞;  c: s1 0.01 → r = 1, s2 ∞.
        //   ρ_s1 = 2/3 from τ = 1;  ρ_s2 = 0 until τ = 4, then 1/3;  max ratio 4, τ axis to 8.
        let profile = report.profile
        #expect(profile.problems == 3)
        #expect(profile.ratios["s1"] == [1, 1, .infinity])
        #expect(profile.ratios["s2"] == [4, .infinity, .infinity])
        #expect(profile.maxRatio == 4 && profile.tauMax == 8)
        #expect(profile.steps("s1").map(\.tau) == [1] && close(profile.steps("s1")[0].rho, 2.0 / 3))
        #expect(profile.steps("s2").map(\.tau) == [1, 4])
        #expect(profile.steps("s2").map(\.rho) == [0, 1.0 / 3])
        #expect(profile.rho("s2", 3.99) == 0 && profile.rho("s2", 4) == 1.0 / 3)

        // Per-instance table.
        let b = report.rows[1]
        #expect(b.known == .optimal(20))
        #expect(b.cells["s1"]?.status == "limit (time)")
        #expect(b.cells["s2"]?.wrong == 1 && b.cells["s2"]?.solved == 0)
        #expect(report.rows[2].cells["s2"]?.objective == nil)
    }

    @Test("a maximization's reference is its best value even when its first run was killed")
    func killedRunDoesNotDecideTheSense() throws {
        // The killed run keeps the stored default sense (minimize); the other run read the model.
        var found = run("m", "s2", "limit", objective: 3723, seconds: 60, limit: "time")
        found.sense = "maximize"
        let report = BenchReport(runs: [run("m", "s1", "killed", seconds: 71), found],
                                 options: ReportOptions(known: try knownOptima("name,objective,status\nm,3679,best\n")))
        #expect(report.rows[0].reference == 3723)
        #expect(report.facts[1].primalGap == 0 && report.facts[0].primalGap == 1)
    }

    @Test("without known values: stored wrong flags kept, references are the best objectives found")
    func withoutKnownValues() throws {
        let report = BenchReport(runs: example())
        #expect(report.wrongRuns.isEmpty)
        // b: reference min(25, 21) = 21, so s1's gap is 4/25 and b/s2 (30 s) is now solved.
        #expect(close(report.facts[2].primalGap, 4.0 / 25))
        #expect(report.summaries[1].solved == 2)
        #expect(report.profile.ratios["s2"] == [1, 4, .infinity])
        // A flag stored by the runner survives a report without --optimal-values.
        var runs = example()
        runs[0].wrong = "claims optimum 10 but the known optimum is 9"
        let flagged = BenchReport(runs: runs)
        #expect(flagged.wrongRuns == [0] && flagged.summaries[0].solved == 1)
    }

    @Test("primal gap definition")
    func primalGap() {
        #expect(ReportMath.primalGap(0, reference: 0) == 0)
        #expect(ReportMath.primalGap(nil, reference: 5) == 1)
        #expect(ReportMath.primalGap(-1, reference: 2) == 1)
        #expect(ReportMath.primalGap(0, reference: 3) == 1)
        #expect(ReportMath.primalGap(12, reference: 10) == 2.0 / 12)
        #expect(ReportMath.primalGap(-8, reference: -10) == 0.2)
        #expect(ReportMath.primalGap(13.9999999999998, reference: 14) == 0)  // floating-point noise
    }

    @Test("shifted geometric mean: shift 0 is the geometric mean, equal values give the value")
    func shiftedGeometricMean() {
        #expect(close(ReportMath.shiftedGeometricMean([1, 100], shift: 0), 10))
        #expect(close(ReportMath.shiftedGeometricMean([5, 5, 5], shift: 10), 5))
        #expect(ReportMath.shiftedGeometricMean([], shift: 10) == nil)
    }

    @Test("primal integral of a hand-made trace")
    func primalIntegral() {
        // Reference 10, horizon 20; incumbents 15 at 2 s, 12 at 5 s, 10 at 9 s; the run ends at 9.5 s with 10.
        //   [0, 2): gap 1 → 2;  [2, 5): 5/15 = 1/3 → 1;  [5, 9): 2/12 = 1/6 → 2/3;  [9, 20]: 0.  Total 11/3.
        let trace = [(time: 2.0, objective: 15.0), (5, 12), (9, 10)]
        let integral = ReportMath.primalIntegral(trace: trace, final: 10, end: 9.5, reference: 10, horizon: 20)
        #expect(close(integral, 11.0 / 3))
        // No incumbent ever: the whole horizon at gap 1.
        #expect(ReportMath.primalIntegral(trace: [], final: nil, end: 20, reference: 10, horizon: 20) == 20)
        // Points past the horizon are clamped to it.
        #expect(ReportMath.primalIntegral(trace: [(30, 10)], final: nil, end: 30, reference: 10, horizon: 20) == 20)
        #expect(ReportMath.parseTrace("[[1, 20], [1.5, 10]]")?.map(\.objective) == [20, 10])
        #expect(ReportMath.parseTrace("not json") == nil)
    }

    @Test("traces: primal integral per solver and mean gap over time")
    func traces() throws {
        let report = BenchReport(runs: example(trace: true), options: ReportOptions(known: try knownOptima(exampleKnown)))
        #expect(report.hasTraces)
        // s1 records traces; its runs (reference a 10, b 20, c 4; horizon 100):
        //   a: gap 1 on [0, 1), 10/20 = 0.5 on [1, 1.5), then 0            → 1 + 0.25 = 1.25
        //   b: no trace, limit with 25 at 100 s: gap 1 on [0, 100)         → 100
        //   c: no trace, optimal 4 at 0.004 s: gap 1 on [0, 0.004)          → 0.004
        //   mean (1.25 + 100 + 0.004) / 3 = 33.751333…
        #expect(close(report.facts[0].primalIntegral, 1.25))
        #expect(close(report.facts[2].primalIntegral, 100))
        #expect(close(report.facts[4].primalIntegral, 0.004))
        #expect(close(report.summaries[0].meanPrimalIntegral, 101.254 / 3))
        #expect(report.summaries[1].meanPrimalIntegral == nil)  // s2 records no traces
        // Mean gap of s1 over time: 1; 2/3 from 0.004 (c); 0.5 from 1 (a at 0.5); 1/3 from 1.5 (a at 0);
        // 0.2/3 from 100 (b ends with gap 0.2).
        let curve = try #require(report.gapCurves.first)
        #expect(report.gapCurves.count == 1 && curve.solver == "s1" && curve.runs == 3)
        #expect(curve.steps.map(\.time) == [0, 0.004, 1, 1.5, 100])
        let expected = [1, 2.0 / 3, 0.5, 1.0 / 3, 0.2 / 3]
        for (step, value) in zip(curve.steps, expected) { #expect(close(step.gap, value), "\(step)") }
        let html = report.html()
        #expect(html.contains("Primal gap over time"))
        #expect(html.contains("mean primal integral"))
    }

    @Test("a database with synthetic traces round-trips through the store into the report")
    func traceDatabase() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try ResultStore(path: path)
        for record in example(trace: true) { try store.insert(record) }
        let report = BenchReport(runs: try store.runs())
        #expect(report.runs.count == 6 && report.hasTraces)
        #expect(report.gapCurves.map(\.solver) == ["s1"])
    }

    @Test("JSON: a runs array with the required keys, wrong answers flagged")
    func jsonShape() throws {
        let report = BenchReport(runs: example(), options: ReportOptions(known: try knownOptima(exampleKnown)))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.count == 6)
        for run in runs {
            for key in ["instance", "solver", "seed", "status", "objective", "seconds", "wrong"] {
                #expect(run.keys.contains(key), "run lacks \(key)")
            }
        }
        #expect(runs[3]["wrong"] is String)
        #expect(runs[0]["wrong"] is NSNull)
        #expect(runs[5]["objective"] is NSNull)
        #expect(object["wrong_count"] as? Int == 1)
        let solvers = try #require(object["solvers"] as? [[String: Any]])
        #expect(solvers.map { $0["solver"] as? String } == ["s1", "s2"])
        #expect(solvers[1]["wrong"] as? Int == 1)
    }

    @Test("wrong answers are loud in every format")
    func wrongEverywhere() throws {
        let report = BenchReport(runs: example(), options: ReportOptions(known: try knownOptima(exampleKnown)))
        let reason = try #require(report.runs[3].wrong)
        let md = report.markdown()
        let wrongSection = try #require(md.range(of: "WRONG ANSWERS"))
        #expect(wrongSection.lowerBound < md.range(of: "## Summary")!.lowerBound, "the wrong answers come first")
        #expect(md.contains(reason))
        let html = report.html()
        #expect(html.contains("class=\"banner wrong\"") && html.contains("WRONG ANSWER"))
        #expect(html.contains(xmlEscape(reason)))
        let csv = report.csv()
        let header = csv.split(separator: "\n")[0].split(separator: ",")
        let column = try #require(header.firstIndex(of: "wrong"))
        let row = csv.split(separator: "\n")[4].split(separator: ",", omittingEmptySubsequences: false)  // b, s2
        #expect(row.prefix(2) == ["b", "s2"])
        #expect(row[column] == Substring(reason))
        #expect(report.json().contains(reason))
        // Without wrong answers, a quiet note instead.
        let clean = BenchReport(runs: Array(example().prefix(2)))
        #expect(!clean.markdown().contains("WRONG ANSWERS") && !clean.html().contains("banner wrong"))
    }

    @Test("CSV: a header and one row per run")
    func csvRows() throws {
        var runs = example()
        runs[5].message = "stopped, \"time\" limit\nsecond line"
        let report = BenchReport(runs: runs)
        let csv = report.csv()
        let header = csv.prefix { $0 != "\n" }.split(separator: ",").map(String.init)
        for key in ["instance", "solver", "seed", "status", "objective", "seconds", "wrong", "primal_gap"] {
            #expect(header.contains(key))
        }
        // Quoted fields may hold newlines: count records, not lines.
        var records = 0, quoted = false
        for c in csv { if c == "\"" { quoted.toggle() } else if c == "\n" && !quoted { records += 1 } }
        #expect(records == 1 + runs.count)
        #expect(csv.contains("\"stopped, \"\"time\"\" limit\nsecond line\""))
    }

    @Test("HTML: self-contained, well-formed SVG plots, closed tags")
    func htmlWellFormed() throws {
        let report = BenchReport(runs: example(trace: true), options: ReportOptions(known: try knownOptima(exampleKnown), source: "r<&>.sqlite"))
        let html = report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(!html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"))
        #expect(!html.contains("<link") && !html.contains("src="))
        #expect(html.contains("r&lt;&amp;&gt;.sqlite"))
        #expect(unbalancedTags(html) == nil)
        #expect(unbalancedTags("<div><p></div>") != nil && unbalancedTags("<div><br></div>") == nil)
        // Profile, solved over time, outcomes, gap over time, plus the legend swatches.
        #expect(html.contains("Performance profile") && html.contains("Solved over time") && html.contains("Outcomes per solver"))
        let svgs = html.components(separatedBy: "<svg ").dropFirst().map { "<svg " + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
        #expect(svgs.count >= 4)
        for svg in svgs {
            #expect(unbalancedTags(svg, void: []) == nil)
            #if canImport(FoundationXML) || os(macOS)
            // Catches bad entities and attributes (not nesting: that is unbalancedTags' job).
            #expect(XMLParser(data: Data(svg.utf8)).parse(), "not well-formed: \(svg.prefix(200))")
            #endif
        }
    }

    @Test("plots: ticks and axes")
    func ticks() {
        #expect(niceTicks(0...1) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(niceTicks(0...5) == [0, 1, 2, 3, 4, 5])
        #expect(niceTicks(0...28, target: 6) == [0, 5, 10, 15, 20, 25])
        #expect(log2Ticks(1...8) == [1, 2, 4, 8])
        #expect(log2Ticks(1...4096).count <= 9)
        #expect(log10Ticks(0.01...5) == [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5])
        #expect(tickLabel(0.4, step: 0.2) == "0.4" && tickLabel(20, step: 10) == "20" && tickLabel(2.5, step: 2.5) == "2.5")
        let empty = BenchReport(runs: [])
        #expect(empty.markdown().contains("no runs") && empty.html().contains("no runs"))
        #expect(empty.csv().split(separator: "\n").count == 1)
    }

    @Test("formats by name and by file extension")
    func formats() {
        #expect(ReportFormat(name: "markdown") == .md && ReportFormat(name: "HTML") == .html && ReportFormat(name: "pdf") == nil)
        #expect(ReportFormat(path: "out/report.json") == .json && ReportFormat(path: "report") == nil)
        #expect(ReportFormat(path: "r.csv") == .csv && ReportFormat(path: "r.md") == .md)
    }
}
