import Foundation
import Testing
import MILPKit
import GRDB
@testable import MILPBench

/// The parts of `milp bench --slurm` that need no cluster; scripts/slurm-test.sh (run by the
/// test command) runs the whole path on a real single-node Slurm.
@Suite("Slurm batches without a cluster")
struct SlurmBenchTests {
    let instances = ["sample/tp3", "sample/tp4", "miplib3/p0033"].map { repositoryRoot.appendingPathComponent("instances/\($0).mps.gz").path }

    func folder() -> String { scratchDirectory.appendingPathComponent("slurm-\(UUID().uuidString)").path }

    func batch(_ folder: String, solvers: String = "cbc,glpk", timeLimit: Double = 10, tasks: Int = 2) throws -> SlurmBench {
        let specs = try solvers.split(separator: ",").map { try SolverSpec(parsing: String($0), knownSolvers: ["cbc", "glpk"]) }
        return try SlurmBench(folder: folder, instances: try BenchPlan.instances(instances), solvers: specs, seeds: 1, timeLimit: timeLimit,
                              memoryLimit: nil, tasks: tasks, database: folder + ".sqlite", executable: "/bin/true")
    }

    @Test("task lists as --array takes them")
    func arrayRanges() {
        #expect(SlurmBench.ranges([0, 1, 2, 3, 5, 7, 8, 9]) == "0-3,5,7-9")
        #expect(SlurmBench.ranges([4]) == "4")
    }

    @Test("tasks split the runs as --shard does; a folder of another batch, or a foreign shard, is refused")
    func identity() throws {
        let path = folder()
        let first = try batch(path)
        #expect(first.runCount == 6 && first.plannedRuns(task: 0).count == 3 && first.plannedRuns(task: 1).count == 3)
        #expect(Set(first.plannedRuns(task: 1).map(\.key)) == Set(BenchPlan.runs(instances: try BenchPlan.instances(instances),
            solvers: try ["cbc", "glpk"].map { try SolverSpec(parsing: $0, knownSolvers: ["cbc", "glpk"]) }, seeds: 1, timeLimit: 10, shard: (2, 2)).map(\.key)))
        _ = try first.unfinishedTasks()
        try first.save()
        for (solvers, limit, tasks, expected) in [("cbc", 10.0, 2, "solvers cbc,glpk there, cbc here"), ("cbc,glpk", 20, 2, "time limit 10 s there, 20 s here"),
                                                  ("cbc,glpk", 10, 3, "2 tasks there, 3 here")] {
            let refusal = #expect(throws: BenchError.self) { try batch(path, solvers: solvers, timeLimit: limit, tasks: tasks) }
            #expect("\(refusal!)".contains(expected) && "\(refusal!)".contains("holds another batch"), "\(refusal!)")
        }
        // A shard with a run of another batch in it.
        let store = try ResultStore(path: path + "/shard-0.sqlite")
        var stranger = first.plannedRuns(task: 0)[0]
        stranger.timeLimit = 99
        try store.insert(RunRecord(instance: stranger.instance.name, path: stranger.instance.path, instanceHash: stranger.instance.hash,
                                   solver: "cbc", solverName: "cbc", solverVersion: "", seed: 0, timeLimit: 99, status: "optimal",
                                   hasSolution: false, seconds: 0, wallSeconds: 0, sense: "minimize", timestamp: "", host: ""))
        let refusal = #expect(throws: BenchError.self) { try batch(path) }
        #expect("\(refusal!)".contains("refusing to merge it"), "\(refusal!)")
    }

    @Test("a shard its task has just created, without tables yet, counts as no runs (CI caught --wait reading one)")
    func shardBeingCreated() throws {
        let bench = try batch(folder())
        try bench.save()
        FileManager.default.createFile(atPath: bench.shardPath(0), contents: Data())  // as open(2) leaves it
        let tablesLess = try DatabaseQueue(path: bench.shardPath(1))
        try tablesLess.write { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        #expect(try bench.progress().map(\.stored) == [0, 0])
        #expect(try bench.unfinishedTasks() == [0, 1])
        #expect(try bench.collect().runs == 0)
        // A database with tables, none of them runs, is still refused.
        try tablesLess.write { try $0.execute(sql: "CREATE TABLE other (x)") }
        let refusal = #expect(throws: BenchError.self) { try bench.progress() }
        #expect("\(refusal!)".contains("no runs table"), "\(refusal!)")
    }

    @Test("a run begun and not finished is stored as killed by the next start; a finished one clears its mark")
    func journal() throws {
        let store = try ResultStore(path: folder() + ".sqlite")
        func record(_ solver: String) -> RunRecord {
            RunRecord(instance: "tp3", path: "tp3.mps", instanceHash: "h", solver: solver, solverName: solver, solverVersion: "", seed: 0,
                      timeLimit: 5, status: "killed", hasSolution: false, seconds: 0, wallSeconds: 0, sense: "minimize", timestamp: "", host: "")
        }
        try store.markStarted(record("cbc"))
        try store.markStarted(record("glpk"))
        var finished = record("glpk")
        finished.status = "optimal"
        try store.insert(finished)
        #expect(try store.interruptedRuns().map(\.solver) == ["cbc"])
        let stored = try store.recordInterruptedRuns(reason: "the task died")
        #expect(stored.map(\.solver) == ["cbc"] && stored[0].status == "killed")
        #expect(try store.interruptedRuns().isEmpty)
        #expect(try store.runs().map { "\($0.solver) \($0.status) \($0.message ?? "")" }.sorted() == ["cbc killed the task died", "glpk optimal "])
    }

    @Test("--slurm without sbatch exits 2 saying what to install; bench status works without Slurm")
    func withoutSlurm() throws {
        let db = folder() + ".sqlite"
        let (status, _, errors) = try run(milpExecutable, ["bench"] + instances + ["--db", db, "--slurm"], environment: ["PATH": "/nonexistent"])
        #expect(status == 2 && errors.contains("apt-get install slurm-client"), "\(errors)")
        let first = try batch(folder())
        try first.save()
        let (shown, output, _) = try run(milpExecutable, ["bench", "status", first.folder], environment: ["PATH": "/nonexistent"])
        #expect(shown == 0 && output.contains("0 of 6 stored (no Slurm commands here") && output.contains("not submitted"), "\(output)")
        let (json, jsonOutput, _) = try run(milpExecutable, ["bench", "status", first.folder, "--json"], environment: ["PATH": "/nonexistent"])
        #expect(json == 0 && jsonOutput.contains("\"runs_planned\":6"), "\(jsonOutput)")
    }
}
