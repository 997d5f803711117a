import Foundation
@testable import MILPCbc
import Testing
import MILPKit

/// The bundled instances against their known optima, and write → read round trips.
@Suite("Bundled instances")
struct InstanceTests {
    static let solvable = knownInstances.filter { !hardInstances.contains($0.name) }

    @Test("CBC (MIP) or CLP (LP) matches the known optimum", arguments: solvable)
    func defaultSolverMatchesKnownOptimum(instance: KnownInstance) throws {
        let model = try MPSReader().read(path: instance.path)
        let result = try model.solve(options: SolveOptions(timeLimit: 120))
        try check(result, model, instance)
    }

    @Test("GLPK matches the known optimum where it finishes in 5 s", arguments: solvable)
    func glpkMatchesKnownOptimum(instance: KnownInstance) throws {
        let model = try MPSReader().read(path: instance.path)
        let result = try GlpkSolver().solve(model, options: SolveOptions(timeLimit: 5))
        if result.termination == .limitReached {
            // Not finished: any incumbent must still be feasible and no better than the optimum.
            if let values = result.values, let known = instance.objective {
                #expect(model.checkFeasibility(of: values).isFeasible)
                #expect(try #require(result.objective) >= known - 1e-6 * max(1, abs(known)))
            }
            return
        }
        try check(result, model, instance)
    }

    @Test("GLPK also solves every LP's relaxation like CLP", arguments: solvable.filter { $0.set == "netlib" })
    func glpkAndClpAgreeOnLPs(instance: KnownInstance) throws {
        let model = try MPSReader().read(path: instance.path)
        let clp = try ClpSolver().solve(model)
        let glpk = try GlpkSolver().solve(model)
        #expect(agrees(clp.objective, glpk.objective), "clp \(clp.summary) vs glpk \(glpk.summary)")
    }

    private func check(_ result: SolveResult, _ model: Model, _ instance: KnownInstance) throws {
        if instance.infeasible {
            #expect(result.termination == .infeasible, "\(instance): \(result.summary)")
            return
        }
        #expect(result.termination == .optimal, "\(instance): \(result.summary)")
        let values = try #require(result.values)
        let report = model.checkFeasibility(of: values, tolerance: 1e-5)
        #expect(report.isFeasible, "\(instance): \(report)")
        #expect(agrees(result.objective, instance.objective), "\(instance): \(result.objective ?? .nan) vs known \(instance.objective ?? .nan)")
    }

    @Test("read → write → read gives the identical model", arguments: knownInstances)
    func roundTrip(instance: KnownInstance) throws {
        let original = try MPSReader().read(path: instance.path)
        let written = try MPSWriter().data(for: original)
        let again = try MPSReader().parse(written, name: "\(instance.name) (rewritten)")
        #expect(sameModel(original, again) == nil, "\(instance): \(sameModel(original, again) ?? "")")
        // Through gzip too.
        let path = scratchDirectory.appendingPathComponent("\(instance.name).mps.gz").path
        try MPSWriter().write(original, to: path)
        #expect(sameModel(original, try MPSReader().read(path: path)) == nil)
        // COLUMNS in two parts on two threads, from the original file and from ours.
        let split = MPSReader(columnsSplitSize: 0)
        #expect(sameModel(original, try split.read(path: instance.path)) == nil, "\(instance): original file in two parts")
        #expect(sameModel(original, try split.parse(written, name: "rewritten")) == nil, "\(instance): rewritten in two parts")
    }

    @Test("files we write are read by the cbc and glpsol executables to the same optimum",
          arguments: solvable.filter { ["p0033", "lseu", "p0201", "afiro", "e226", "boeing1", "forplan", "exmip1", "tp3", "galenetbnds"].contains($0.name) })
    func externalSolversReadOurFiles(instance: KnownInstance) throws {
        let original = try MPSReader().read(path: instance.path)
        let path = scratchDirectory.appendingPathComponent("\(instance.name)-ext.mps").path
        try MPSWriter().write(original, to: path)

        let (_, cbcOut, _) = try run("/usr/bin/cbc", [path, "-solve", "-quit"])
        if instance.infeasible {
            #expect(cbcOut.contains("infeasible"), "\(cbcOut.suffix(400))")
        } else {
            // MIPs end with "Objective value: X", LPs with "Optimal objective X - N iterations ...".
            let line = try #require(cbcOut.split(separator: "\n").first { $0.hasPrefix("Objective value:") || $0.hasPrefix("Optimal objective") },
                                    "\(cbcOut.suffix(400))")
            let value = line.hasPrefix("Objective value:") ? line.split(separator: " ").last! : line.split(separator: " ")[2]
            #expect(agrees(Double(value), instance.objective), "cbc: \(line)")
        }

        // GLPK takes the objective row's RHS as the constant itself (constant = +RHS, where CPLEX,
        // CBC and HiGHS take −RHS): its objective is ours − 2·constant. Names with spaces make the
        // writer choose fixed format.
        let glpkOut = scratchDirectory.appendingPathComponent("\(instance.name).glpk").path
        let layout = try String(contentsOfFile: path, encoding: .utf8).prefix(while: { $0 != "\n" }).hasSuffix(" FREE") ? "--freemps" : "--mps"
        let (status, _, _) = try run("/usr/bin/glpsol", [layout, path, "-o", glpkOut])
        #expect(status == 0)
        let report = try String(contentsOfFile: glpkOut, encoding: .utf8)
        if instance.infeasible {
            #expect(report.contains("INFEASIBLE") || report.contains("EMPTY"), "\(report.prefix(400))")
        } else {
            let line = try #require(report.split(separator: "\n").first { $0.hasPrefix("Objective:") })
            let value = Double(line.split(separator: "=")[1].split(separator: " ")[0])!
            #expect(agrees(value + 2 * original.objectiveConstant, instance.objective), "glpsol: \(line)")
        }
    }
}

/// OBJSENSE MAX is ignored by the cbc executable: `--minimize-form` writes a file it reads right.
@Test func minimizeFormIsReadRightByTheCbcExecutable() throws {
    let auction = Generators.combinatorialAuction(items: 12, bids: 40, seed: 2)
    #expect(auction.sense == .maximize)
    let optimum = try #require(try CbcSolver().solve(auction).objective)
    let original = scratchDirectory.appendingPathComponent("auction-\(UUID().uuidString).mps").path
    let converted = original.replacingOccurrences(of: ".mps", with: "-min.mps")
    try MPSWriter().write(auction, to: original)
    let (status, _, note) = try run(milpExecutable, ["convert", original, converted, "--minimize-form"])
    #expect(status == 0)
    #expect(note.contains("optimal values change sign"))
    let (_, out, _) = try run("/usr/bin/cbc", [converted, "-solve", "-quit"])
    let line = try #require(out.split(separator: "\n").first { $0.hasPrefix("Objective value:") }, "\(out.suffix(300))")
    #expect(agrees(Double(line.split(separator: " ").last!), -optimum), "\(line) vs \(optimum)")
}

/// CBC's preprocessed copy of a maximization minimizes the negated objective: its incumbents must
/// still be traced in the model's sense (they once came out negated on this instance).
@Test func cbcIncumbentTraceOfAMaximizationKeepsItsSign() throws {
    let mk5 = try MPSReader().read(path: repositoryRoot.appendingPathComponent("Benchmarks/instances/lns/mk_5.mps.gz").path)
    #expect(mk5.sense == .maximize)
    // A node limit, not a time limit: the same incumbents however loaded the machine is. (CBC's
    // serial search has found one incumbent by node 200, three by node 500, in ≈ 20 s.)
    let r = try CbcSolver().solve(mk5, options: SolveOptions(threads: 1, nodeLimit: 500))
    #expect(r.limit == .nodes)
    let trace = try #require(r.incumbentTrace)
    #expect(trace.count >= 2, "\(trace)")
    #expect(trace.allSatisfy { $0[1] > 3000 }, "\(trace)")  // the best known is 3680
    for (p, q) in zip(trace, trace.dropFirst()) { #expect(q[1] > p[1] && q[0] >= p[0], "\(trace)") }
    #expect(agrees(trace.last?[1], r.objective))
}

/// A time limit that strikes while CBC winds its search down must not cost the incumbent: the LP
/// that maps it back to the unpresolved model runs to its end. (With no grace for the search's
/// last LPs, that LP used to be cut short too and the incumbent was lost.)
@Test func incumbentSurvivesAStopWithoutGrace() throws {
    let model = try MPSReader().read(path: repositoryRoot.appendingPathComponent("Benchmarks/instances/lns/50v-10.mps.gz").path)
    var cbc = CbcSolver()
    cbc.simplexGrace = .zero
    let r = try cbc.solve(model, options: SolveOptions(timeLimit: 4))
    #expect(r.termination == .limitReached && r.limit == .time)
    let values = try #require(r.values, "incumbent lost: \(r.message ?? "")")
    #expect(model.checkFeasibility(of: values).isFeasible)
    #expect(r.incumbentTrace.map { agrees($0.last?[1], r.objective) } == true)
}

/// A large file is mapped, and its pages and those of the arrays the parser fills are populated
/// by a second thread while the parser runs: the result must equal parsing the same bytes in
/// memory, and the model written.
@Test("a large file read from disk reads to the same model as its bytes in memory", arguments: [false, true])
func largeFileFromDisk(names: Bool) throws {
    let model = Generators.facilityLocation(clients: 1200, facilities: 100, seed: 3, names: names)
    let path = scratchDirectory.appendingPathComponent("large-\(names).mps").path
    try MPSWriter().write(model, to: path)
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    #expect(size > 12 << 20, "only \(size) bytes: the file must span several populated chunks")
    let mapped = try MPSReader().read(path: path)
    let inMemory = try MPSReader().parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: path)
    #expect(sameModel(mapped, inMemory) == nil, "\(sameModel(mapped, inMemory) ?? "")")
    #expect(sameModel(mapped, model) == nil, "\(sameModel(mapped, model) ?? "")")
}
