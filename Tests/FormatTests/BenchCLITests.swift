import Foundation
import Testing
import MILPKit

/// `milp bench` as a user runs it: real child processes, a real SQLite store, real solvers.
@Suite("milp bench: isolation, resume, verification, shards")
struct BenchCLITests {
    /// Small instances with known answers (sample/ and two easy MIPLIB 3 files).
    static let quick = ["sample/tp3", "sample/tp4", "sample/tp5", "sample/pack1", "sample/scOneInt",
                        "sample/exmip1", "sample/galenetbnds", "miplib3/p0033"].map { repositoryRoot.appendingPathComponent("instances/\($0).mps.gz").path }
    static let optimalValues = repositoryRoot.appendingPathComponent("instances/optimal-values.csv").path

    func database(_ name: String) -> String {
        let path = scratchDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).sqlite").path
        return path
    }

    func runs(in db: String) throws -> [RunRecord] { try ResultStore(path: db).runs() }

    @Test("every run is stored once, checked against the known answers; a rerun skips them all")
    func batchAndResume() throws {
        let db = database("batch")
        let arguments = ["bench"] + Self.quick + ["--solvers", "cbc,glpk", "--time-limit", "20", "--jobs", "2",
                                                   "--db", db, "--optimal-values", Self.optimalValues]
        let (status, _, err) = try run(milpExecutable, arguments)
        #expect(status == 0, "\(err)")
        let stored = try runs(in: db)
        #expect(stored.count == Self.quick.count * 2)
        #expect(Set(stored.map(\.key)).count == stored.count)
        #expect(stored.allSatisfy { $0.wrong == nil }, "\(stored.filter { $0.wrong != nil }.map { $0.wrong! })")
        let p0033 = try #require(stored.first { $0.instance == "p0033" && $0.solverName == "cbc" })
        #expect(p0033.status == "optimal")
        #expect(agrees(p0033.objective, 3089))
        #expect(p0033.peakMemoryMiB ?? 0 > 1)
        #expect(p0033.solverVersion.hasPrefix("2.10"))
        #expect(stored.first { $0.instance == "galenetbnds" }?.status == "infeasible")
        // Rerun: nothing to do, nothing added.
        let (again, _, againErr) = try run(milpExecutable, arguments)
        #expect(again == 0)
        #expect(againErr.contains("0 to run"), "\(againErr)")
        #expect(try runs(in: db).count == stored.count)
    }

    @Test("kill -9 of the batch loses no finished run, and the rerun completes it")
    func killAndResume() throws {
        let db = database("killed")
        // A slow run first, so the batch is surely in flight when killed.
        let slow = repositoryRoot.appendingPathComponent("instances/miplib3/markshare1.mps.gz").path
        let arguments = ["bench"] + Self.quick + [slow, "--solvers", "cbc", "--time-limit", "3", "--jobs", "1", "--db", db]
        let batch = try start(milpExecutable, arguments)
        // Wait until at least two runs are stored, then kill the whole batch hard.
        let deadline = Date().addingTimeInterval(60)
        var seen = 0
        while Date() < deadline {
            seen = (try? runs(in: db).count) ?? 0
            if seen >= 2 { break }
            usleep(20_000)
        }
        kill(batch.process.processIdentifier, SIGKILL)
        batch.process.waitUntilExit()
        let survived = try runs(in: db)
        #expect(seen >= 2)
        #expect(survived.count >= seen, "stored \(seen) before the kill, \(survived.count) after")
        #expect(survived.count < Self.quick.count + 1, "the batch finished before it was killed: the test proves nothing")
        let (status, _, err) = try run(milpExecutable, arguments)
        #expect(status == 0, "\(err)")
        let all = try runs(in: db)
        #expect(all.count == Self.quick.count + 1)
        #expect(Set(all.map(\.key)).count == all.count)
    }

    @Test("a crashing run and a hanging run are recorded; the rest completes")
    func crashAndHang() throws {
        let db = database("planted")
        let (status, _, err) = try run(milpExecutable, ["bench", Self.quick[0], Self.quick[3], "--solvers", "cbc,test-crash,test-hang",
                                                        "--time-limit", "0.5", "--jobs", "2", "--db", db],
                                       environment: ["MILP_BENCH_TEST_SOLVERS": "1"])
        #expect(status == 0, "\(err)")
        let stored = try runs(in: db)
        #expect(stored.count == 6)
        let bySolver = Dictionary(grouping: stored, by: \.solver)
        #expect(bySolver["test-crash"]?.allSatisfy { $0.status == "crash" && $0.signal == Int(SIGABRT) } == true)
        #expect(bySolver["test-hang"]?.allSatisfy { $0.status == "killed" && $0.wallSeconds < 0.5 * 1.1 + 5 + 2 } == true)
        #expect(bySolver["cbc"]?.allSatisfy { $0.status == "optimal" } == true)
        // Without the environment switch the test solvers do not exist.
        let (refused, _, refusedErr) = try run(milpExecutable, ["bench", Self.quick[0], "--solvers", "test-crash", "--db", database("refused")])
        #expect(refused == 2)
        #expect(refusedErr.contains("unknown solver"))
    }

    @Test("a run over its memory cap is recorded as such, with its peak memory")
    func memoryCap() throws {
        let db = database("memory")
        // 48 MiB of address space is less than the process itself maps: the first large allocation fails.
        let (status, _, err) = try run(milpExecutable, ["bench", Self.quick[7], "--solvers", "cbc", "--time-limit", "10",
                                                        "--memory-limit", "48", "--db", db])
        #expect(status == 0, "\(err)")
        let stored = try #require(try runs(in: db).first)
        #expect(stored.status == "memory", "\(stored.status): \(stored.message ?? "")")
        #expect(stored.peakMemoryMiB ?? 0 > 0)
    }

    @Test("a deliberately wrong optimal value makes the run WRONG and the exit code 1")
    func wrongAnswerDetected() throws {
        let known = scratchDirectory.appendingPathComponent("wrong-optima-\(UUID().uuidString).csv").path
        try "name,objective,status\np0033,3000,opt\ntp3,155,opt\n".write(toFile: known, atomically: true, encoding: .utf8)
        let db = database("wrong")
        let (status, _, err) = try run(milpExecutable, ["bench", Self.quick[7], Self.quick[0], "--solvers", "cbc", "--time-limit", "20",
                                                        "--db", db, "--optimal-values", known])
        #expect(status == 1)
        #expect(err.contains("WRONG p0033"), "\(err)")
        let stored = try runs(in: db)
        #expect(stored.first { $0.instance == "p0033" }?.wrong?.contains("3000") == true)
        #expect(stored.first { $0.instance == "tp3" }?.wrong == nil)
        // milp report: the report is written, the wrong run listed, exit 1; against the true
        // optima the same database reports nothing wrong and exits 0.
        let (reportStatus, report, _) = try run(milpExecutable, ["report", db])
        #expect(reportStatus == 1 && report.contains("p0033"))
        #expect(try run(milpExecutable, ["report", db, "--optimal-values", Self.optimalValues]).0 == 0)
    }

    @Test("shards cover every run exactly once and merge loses nothing")
    func shardsAndMerge() throws {
        let common = Self.quick + ["--solvers", "cbc,glpk", "--seeds", "2", "--time-limit", "20", "--jobs", "2"]
        let parts = try (1...3).map { i -> String in
            let db = database("shard\(i)")
            let (status, _, err) = try run(milpExecutable, ["bench"] + common + ["--shard", "\(i)/3", "--db", db])
            #expect(status == 0, "\(err)")
            return db
        }
        let counts = try parts.map { try runs(in: $0).count }
        let keys = try parts.map { Set(try runs(in: $0).map(\.key)) }
        #expect(counts.reduce(0, +) == Self.quick.count * 2 * 2)
        #expect(keys[0].isDisjoint(with: keys[1]) && keys[0].isDisjoint(with: keys[2]) && keys[1].isDisjoint(with: keys[2]))
        let merged = database("merged")
        let (status, _, err) = try run(milpExecutable, ["bench", "merge"] + parts + ["-o", merged])
        #expect(status == 0, "\(err)")
        let all = try runs(in: merged)
        #expect(all.count == Self.quick.count * 2 * 2)
        #expect(Set(all.map(\.key)) == keys[0].union(keys[1]).union(keys[2]))
    }

    @Test("bad input: unknown solver, bad settings, corrupt database → exit 2; a broken instance is an error row")
    func badInput() throws {
        for (solvers, expected) in [("cplex", "unknown solver"), ("cbc:threads", "expected key=value"),
                                    ("cbc:speed=3", "unknown setting"), ("cbc:threads=many", "needs a number")] {
            let (status, _, err) = try run(milpExecutable, ["bench", Self.quick[0], "--solvers", solvers, "--db", database("bad")])
            #expect(status == 2, "\(solvers)")
            #expect(err.contains(expected), "\(solvers): \(err)")
        }
        let corrupt = scratchDirectory.appendingPathComponent("corrupt-\(UUID().uuidString).sqlite").path
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: corrupt))
        let (corruptStatus, _, corruptErr) = try run(milpExecutable, ["bench", Self.quick[0], "--db", corrupt])
        #expect(corruptStatus == 2)
        #expect(corruptErr.contains("not a usable results database"), "\(corruptErr)")

        let broken = scratchDirectory.appendingPathComponent("broken-\(UUID().uuidString).mps").path
        try "NAME b\nROWS\n N obj\nCOLUMNS\n    x obj one\nENDATA\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let db = database("brokeninstance")
        let (status, _, err) = try run(milpExecutable, ["bench", broken, Self.quick[0], "--solvers", "cbc", "--time-limit", "10", "--db", db])
        #expect(status == 0, "\(err)")
        let stored = try runs(in: db)
        #expect(stored.count == 2)
        let bad = try #require(stored.first { $0.path == broken })
        #expect(bad.status == "bad_input")
        #expect(bad.message?.contains(":5") == true, "\(bad.message ?? "")")
        #expect(stored.first { $0.path != broken }?.status == "optimal")
    }
}
