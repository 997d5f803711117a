import MILP

/// A lower bound on the cost of every plan in the graph's node order, from what each value costs
/// between two of its uses: node u is read at its consumers' stages, and between two consecutive
/// ones (or its own stage and its first consumer's) it is either resident throughout — then at
/// each stage strictly between, when that stage's node is computed, it takes its size beside the
/// node, the node's inputs and the sinks computed before — or recomputed somewhere in the gap, at
/// least its own cost. A binary per gap says "resident throughout"; each stage's row says that
/// those resident across it fit in the budget left by what the stage must hold anyway. Every plan
/// gives a feasible point whose cost is at most the plan's, so the model's optimum (or any bound
/// on it) bounds every plan. It is small — one column per gap, one row per stage: n1000 has
/// 3,571 gaps, where Checkmate's LP has millions of nonzeros — and on the MLSys graphs tight
/// (ResNet50 at 0.8: 406,800, Moccasin's best; MobileNet at 0.8: 162,680, HiGHS's proven optimum).
struct RetentionBound {
    private(set) var model: Model
    /// One objective unit in cost units of the graph.
    let costUnit: Int64

    init(graph: RematGraph, budget: Int64) {
        costUnit = CheckmateModel.gcd(graph.costs)
        let sizeUnit = CheckmateModel.gcd(graph.sizes)
        model = Model(name: "retention_bound_\(graph.name)")
        let need = graph.stageNeeds
        var across = [[(column: Int32, size: Double)]](repeating: [], count: graph.count)
        var constant = graph.forwardCost / costUnit
        for u in 0..<graph.count {
            let cost = graph.costs[u] / costUnit
            for (a, b) in zip([u] + graph.successors[u], graph.successors[u]) where b > a + 1 {
                // Resident throughout saves the gap's recomputation: cost − cost · x.
                constant += cost
                let x = Int32(model.addVariable(upperBound: 1, kind: .binary, objective: -Double(cost)).index)
                for t in (a + 1)..<b { across[t].append((x, Double(graph.sizes[u] / sizeUnit))) }
            }
        }
        model.objectiveConstant = Double(constant)
        for t in 0..<graph.count where !across[t].isEmpty {
            model.addRow(columns: across[t].map(\.column), coefficients: across[t].map(\.size), lowerBound: -.infinity,
                         upperBound: Double((budget - need[t]) / sizeUnit))
        }
    }

    /// The bound in the graph's cost units from a bound on the model's objective: costs are whole
    /// multiples of `costUnit`, so it rounds up (past a relative 10⁻⁹ of solver tolerance).
    func cost(objectiveBound: Double) -> Double {
        Double(costUnit) * (objectiveBound - 1e-9 * max(1, abs(objectiveBound))).rounded(.up)
    }
}
