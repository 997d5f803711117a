import Foundation
import MILPKit
import Testing
@testable import MILPLNS

/// The LNS's fast starts on the five generator families: every point they return is feasible (by
/// the model's own check), and never worse than the all-zero point when that one is feasible.
@Suite struct StartHeuristicTests {
    static let families: [(String, Model)] = [
        ("setcover", Generators.setCover(rows: 120, columns: 250, density: 0.05, seed: 11)),
        ("cauction", Generators.combinatorialAuction(items: 40, bids: 160, seed: 12)),
        ("cfl", Generators.capacitatedFacilityLocation(customers: 30, facilities: 12, ratio: 5, seed: 13)),
        ("indset", Generators.independentSet(nodes: 300, affinity: 4, seed: 14)),
        ("mknapsack", Generators.multiKnapsack(items: 60, knapsacks: 4, tightness: 0.5, seed: 15)),
    ]

    func feasible(_ model: Model, _ x: [Double]) -> Bool {
        model.checkFeasibility(of: x, tolerance: FeasibilityReport.acceptedViolation, integralityTolerance: FeasibilityReport.acceptedViolation).isFeasible
    }

    @Test("every start is feasible and never worse than all-zero; the structure's greedy applies where it should", arguments: families.indices)
    func startsAreFeasible(_ k: Int) throws {
        let (family, model) = Self.families[k]
        let lp = try #require(try GlpkSolver().solve({ var r = model; r.relaxIntegrality(); return r }()).values)
        let lns = LNS(solver: CbcSolver(), lpSolver: ClpSolver())
        let starts = lns.initialStarts(model, columns: LNSColumns(model), lp: lp, feasible: { feasible(model, $0) }, remaining: { 10 })
        let zero = [Double](repeating: 0, count: model.variableCount)
        let s = model.sense.sign
        for (heuristic, point) in starts {
            #expect(feasible(model, point), "\(family): \(heuristic.rawValue) point infeasible")
            if feasible(model, zero) {
                #expect(s * model.objectiveValue(of: point) <= s * model.objectiveValue(of: zero) + 1e-9, "\(family): \(heuristic.rawValue) worse than all-zero")
            }
        }
        // The heuristics' own points, before the LNS's feasibility filter.
        let heuristics = StartHeuristics(model: model, columns: LNSColumns(model))
        for point in [heuristics.packingGreedy(), heuristics.coveringGreedy()].compactMap({ $0 }) {
            #expect(feasible(model, point), "\(family): a greedy returned an infeasible point")
        }
        let found = Set(starts.map(\.heuristic))
        switch family {
        case "indset", "cauction", "mknapsack": #expect(found.contains(.packingGreedy), "\(family): \(found)")
        case "setcover": #expect(found.contains(.coveringGreedy), "\(family): \(found)")
        default: #expect(!found.contains(.packingGreedy) && !found.contains(.coveringGreedy), "\(family): \(found)")
        }
        #expect(found.contains(.fixAndPropagate), "\(family): fix-and-propagate found nothing (\(found))")
        // The greedy on packing rows is strictly better than all-zero where any column pays.
        if let packing = starts.first(where: { $0.heuristic == .packingGreedy }) {
            #expect(s * model.objectiveValue(of: packing.values) < 0, "\(family): packing greedy \(model.objectiveValue(of: packing.values))")
        }
    }

    @Test("propagation: a fixing that empties a row's room is taken back, bounds restored")
    func propagationUndoesAConflict() {
        var m = Model(name: "conflict")
        let x = m.addBinary(), y = m.addBinary(), z = m.addBinary()
        m.add(x + y <= 1)
        m.add(y + z >= 1)
        m.add(x + z <= 1)
        var p = Propagation(model: m, columns: LNSColumns(m))
        let consistent = p.propagateAll()
        #expect(consistent)
        let conflicting = p.fix(x.index, 1)  // x = 1 ⇒ y = 0 ⇒ z = 1, but x + z ≤ 1: a conflict
        #expect(!conflicting)
        #expect(p.lower == [0, 0, 0] && p.upper == [1, 1, 1], "\(p.lower) \(p.upper)")
        let fixed = p.fix(y.index, 1)  // y = 1 ⇒ x = 0; z free
        #expect(fixed)
        #expect(p.upper[x.index] == 0 && p.lower[z.index] == 0 && p.upper[z.index] == 1)
    }

    @Test("the LNS on an independent-set instance starts from the packing greedy, not from all-zero")
    func lnsStartsFromTheGreedy() throws {
        let model = Generators.independentSet(nodes: 1500, affinity: 4, seed: 21)
        var config = LNSConfig()
        config.timeLimit = 4
        config.seed = 1
        let result = try LNS(config: config, solver: CbcSolver(), lpSolver: ClpSolver()).run(model)
        let initial = try #require(result.initialObjective)
        #expect(initial > 0 && [StartHeuristic.packingGreedy, .solver, .fixAndPropagate].contains(result.initialHeuristic), "\(result.notes)")
        #expect(result.notes.contains { $0.hasPrefix("fast starts (") && $0.contains("packing_greedy") }, "\(result.notes)")
        #expect(feasible(model, try #require(result.values)))
    }
}

/// The neighborhood sizes follow the repairs: smaller after a sub-MIP that ran out of time, larger
/// after one solved quickly without improving, within a tenth to four times the configured rate
/// and [0.02, 1].
@Suite struct NeighborhoodSizeTests {
    let rins = OperatorSpec(.rins, rate: 0.25)
    func report(_ t: TerminationReason?, _ seconds: Double) -> RepairReport { RepairReport(termination: t, seconds: seconds, limit: 5) }

    @Test func followsTheRepairs() {
        var sizes = NeighborhoodSizes(arms: 2, enabled: true)
        sizes.update(arm: 0, spec: rins, repair: report(.limitReached, 5), improved: false)
        #expect(abs(sizes.spec(rins, arm: 0).rate - 0.2) < 1e-12)
        sizes.update(arm: 0, spec: rins, repair: report(.optimal, 1), improved: false)
        #expect(abs(sizes.spec(rins, arm: 0).rate - 0.25) < 1e-12)
        // Unchanged: an improving repair, a slow optimal one, no sub-MIP; the other arm untouched.
        sizes.update(arm: 0, spec: rins, repair: report(.optimal, 1), improved: true)
        sizes.update(arm: 0, spec: rins, repair: report(.optimal, 3), improved: false)
        sizes.update(arm: 0, spec: rins, repair: report(nil, 0), improved: false)
        #expect(abs(sizes.spec(rins, arm: 0).rate - 0.25) < 1e-12 && sizes.spec(rins, arm: 1).rate == 0.25)
        // Bounded: many shrinks stop at a tenth of the rate (0.025), many grows at 1; and come back
        // from there at once.
        for _ in 0..<50 { sizes.update(arm: 0, spec: rins, repair: report(.limitReached, 5), improved: false) }
        #expect(abs(sizes.spec(rins, arm: 0).rate - 0.025) < 1e-12)
        sizes.update(arm: 0, spec: rins, repair: report(.infeasible, 0.1), improved: false)
        #expect(abs(sizes.spec(rins, arm: 0).rate - 0.03125) < 1e-12)
        for _ in 0..<50 { sizes.update(arm: 0, spec: rins, repair: report(.optimal, 0.1), improved: false) }
        #expect(sizes.spec(rins, arm: 0).rate == 1)
        sizes.update(arm: 0, spec: rins, repair: report(.limitReached, 5), improved: false)
        #expect(abs(sizes.spec(rins, arm: 0).rate - 0.8) < 1e-12)
    }

    @Test func operatorsWithoutARateAndDisabledSizesStay() throws {
        var sizes = NeighborhoodSizes(arms: 1, enabled: true)
        let dins = OperatorSpec(.dins)
        sizes.update(arm: 0, spec: dins, repair: report(.limitReached, 5), improved: false)
        #expect(sizes.scales == [1])
        var off = NeighborhoodSizes(arms: 1, enabled: false)
        off.update(arm: 0, spec: rins, repair: report(.limitReached, 5), improved: false)
        #expect(off.spec(rins, arm: 0).rate == 0.25)
        let config = try JSONDecoder().decode(LNSConfig.self, from: Data(#"{"adaptive_sizes": false}"#.utf8))
        #expect(!config.adaptiveSizes && LNSConfig().adaptiveSizes)
    }
}
