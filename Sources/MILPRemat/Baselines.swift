/// The schedules users compare an optimized one against.
public enum Baseline: String, CaseIterable, Sendable {
    /// No recomputation: every output stays until its last consumer ran (peak = no-remat peak).
    case checkpointAll = "checkpoint-all"
    /// Chen et al. (2016) √n segment checkpointing over the forward nodes.
    case chenSqrtN = "chen-sqrt-n"
    /// Griewank's binomial checkpointing (revolve) with the fewest checkpoint slots that fit;
    /// linear training chains only.
    case revolve

    /// The baseline's plan, or nil when it does not apply (revolve on a non-chain graph, or no
    /// slot count fits `budget`).
    public func plan(for graph: RematGraph, budget: Int64) -> StagePlan? {
        switch self {
        case .checkpointAll: StagePlan.checkpointAll(graph: graph)
        case .chenSqrtN: Self.chen(graph)
        case .revolve: Revolve.plan(for: graph, budget: budget)
        }
    }

    /// Chen's scheme on a general graph: the forward nodes (all nodes when the graph marks no
    /// backward pass) are cut in ⌈√n⌉ consecutive segments; the last node of each segment is a
    /// checkpoint and stays, as do backward values. Other forward values stay only while the
    /// next stage reads from their segment (the segment the next node lies in or reads from);
    /// once dropped they are recomputed from the segment's checkpoint when needed again.
    static func chen(_ graph: RematGraph) -> StagePlan {
        let forward = (0..<graph.count).filter { !graph.isBackward[$0] }
        let length = max(1, Int(Double(forward.count).squareRoot().rounded(.up)))
        var segment = Array(repeating: -1, count: graph.count)
        var checkpoint = Array(repeating: false, count: graph.count)
        for (k, v) in forward.enumerated() {
            segment[v] = k / length
            checkpoint[v] = k % length == length - 1
        }
        return StagePlan.greedy(graph: graph) { t, i in
            if checkpoint[i] || segment[i] < 0 { return true }
            return segment[t] == segment[i] || graph.predecessors[t].contains { segment[$0] == segment[i] }
        }
    }
}
