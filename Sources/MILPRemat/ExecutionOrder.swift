import MILP

/// The topological order whose stages a schedule follows (Checkmate's stage t computes the t-th
/// node of the order for the first time).
public enum ExecutionOrder: String, CaseIterable, Sendable {
    /// The memory-aware order when its no-remat peak is lower than the input order's, else the
    /// input order.
    case auto
    /// The input's topological order (Checkmate's and Moccasin's setting).
    case given
    /// A topological order chosen for a low no-remat peak (`RematGraph.memoryAwareOrder`).
    case memory
}

extension RematGraph {
    /// Peak memory of computing every node once in `order` (a topological order of the node
    /// indices), freeing each output right after its last consumer ran; sinks stay resident.
    public func noRematPeak(order: [Int]) -> Int64 {
        var consumersLeft = successors.map(\.count)
        var memory: Int64 = 0, peak: Int64 = 0
        for v in order {
            memory += sizes[v]
            peak = max(peak, memory)
            for u in predecessors[v] {
                consumersLeft[u] -= 1
                if consumersLeft[u] == 0 { memory -= sizes[u] }
            }
        }
        return peak
    }

    /// A topological order with a low no-remat peak: list scheduling that runs next the ready node
    /// adding the least memory (its output minus the inputs it is the last consumer of), once
    /// deterministically and then `restarts` times with random tie-breaking (up to half the
    /// node's size); the order with the lowest peak wins, the input order on ties.
    public func memoryAwareOrder(seed: UInt64 = 1, restarts: Int = 128) -> [Int] {
        var best = Array(0..<count)
        var bestPeak = noRematPeak(order: best)
        var random = SplitMix64(seed: seed)
        for attempt in 0...restarts {
            let noise = attempt == 0 ? 0.0 : 0.5
            var consumersLeft = successors.map(\.count)
            var inputsLeft = predecessors.map(\.count)
            var placed = Array(repeating: false, count: count)
            // freed[v]: the inputs of v it would be the last consumer of.
            var freed = Array(repeating: Int64(0), count: count)
            for u in 0..<count where successors[u].count == 1 { freed[successors[u][0]] += sizes[u] }
            var ready = (0..<count).filter { inputsLeft[$0] == 0 }
            var order: [Int] = []
            order.reserveCapacity(count)
            var memory: Int64 = 0, peak: Int64 = 0
            while !ready.isEmpty, peak < bestPeak {
                var pick = 0, pickScore = Double.infinity
                for (k, v) in ready.enumerated() {
                    let score = Double(sizes[v] - freed[v]) + (noise > 0 ? random.unit() * noise * Double(sizes[v]) : 0)
                    if score < pickScore { (pick, pickScore) = (k, score) }
                }
                let v = ready.remove(at: pick)
                placed[v] = true
                order.append(v)
                memory += sizes[v]
                peak = max(peak, memory)
                for u in predecessors[v] {
                    consumersLeft[u] -= 1
                    if consumersLeft[u] == 0 { memory -= sizes[u] }
                    if consumersLeft[u] == 1, let last = successors[u].first(where: { !placed[$0] }) { freed[last] += sizes[u] }
                }
                for w in successors[v] {
                    inputsLeft[w] -= 1
                    if inputsLeft[w] == 0 { ready.append(w) }
                }
            }
            if order.count == count, peak < bestPeak { (best, bestPeak) = (order, peak) }
        }
        return best
    }

    /// The same graph with its nodes renumbered so that index k is `order[k]` (a topological
    /// order of this graph's indices); labels, names, costs and sizes travel with the nodes.
    public func reordered(_ order: [Int]) throws -> RematGraph {
        var position = Array(repeating: -1, count: count)
        for (k, v) in order.enumerated() where (0..<count).contains(v) { position[v] = k }
        guard order.count == count, !position.contains(-1) else {
            throw RematInputError("\(name): an execution order must list each of the \(count) nodes once")
        }
        var edges: [(Int, Int)] = []
        for (v, inputs) in predecessors.enumerated() { for u in inputs { edges.append((position[u], position[v])) } }
        return try RematGraph(name: name, labels: order.map { labels[$0] }, names: order.map { names[$0] },
                              costs: order.map { costs[$0] }, sizes: order.map { sizes[$0] },
                              isBackward: order.map { isBackward[$0] }, edges: edges)
    }
}

extension Schedule {
    /// The schedule with node index k replaced by `order[k]`: from a reordered graph's indices
    /// back to the original graph's.
    func renumbered(_ order: [Int]) -> Schedule {
        Schedule(events: events.map {
            switch $0 {
            case .compute(let v): .compute(order[v])
            case .free(let v): .free(order[v])
            }
        })
    }
}
