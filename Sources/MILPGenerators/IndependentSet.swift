import MILP

extension Generators {
    /// An undirected simple graph on nodes `0..<nodeCount`.
    public struct Graph: Sendable {
        /// The number of nodes; nodes are `0..<nodeCount`.
        public let nodeCount: Int
        /// Edges (u, v) with u < v, in order of creation.
        public private(set) var edges: [(u: Int, v: Int)] = []
        /// `neighbors[u]`, ascending.
        public private(set) var neighbors: [[Int]]

        /// A graph with `nodeCount` nodes and no edges.
        public init(nodeCount: Int) {
            self.nodeCount = nodeCount
            neighbors = Array(repeating: [], count: nodeCount)
        }

        /// `degrees[u]`: the number of neighbours of node u.
        public var degrees: [Int] { neighbors.map(\.count) }

        /// Whether edge {a, b} exists (binary search in `neighbors[a]`).
        public func adjacent(_ a: Int, _ b: Int) -> Bool {
            let list = neighbors[a]
            var lo = 0, hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list[mid] < b { lo = mid + 1 } else { hi = mid }
            }
            return lo < list.count && list[lo] == b
        }

        /// Adds edge {a, b}; self-loops and duplicates are ignored.
        public mutating func addEdge(_ a: Int, _ b: Int) {
            guard a != b, !adjacent(a, b) else { return }
            edges.append((min(a, b), max(a, b)))
            insert(b, into: a)
            insert(a, into: b)
        }

        private mutating func insert(_ node: Int, into owner: Int) {
            var lo = 0, hi = neighbors[owner].count
            while lo < hi {
                let mid = (lo + hi) / 2
                if neighbors[owner][mid] < node { lo = mid + 1 } else { hi = mid }
            }
            neighbors[owner].insert(node, at: lo)
        }
    }

    /// A Barabási–Albert preferential-attachment graph (as in learn2branch and Ecole).
    ///
    /// Recipe: nodes `0..<affinity` start unconnected; node `affinity` is joined to all of them;
    /// each later node is joined to `affinity` distinct earlier nodes, each drawn with probability
    /// proportional to its current degree (drawn one at a time without replacement). The graph has
    /// `affinity · (nodes − affinity)` edges and every node has degree ≥ 1.
    public static func barabasiAlbert(nodes: Int, affinity: Int, seed: UInt64) -> Graph {
        precondition(affinity >= 1 && affinity < nodes, "Barabási–Albert needs 1 ≤ affinity < nodes")
        var rng = SplitMix64(seed: seed)
        var graph = Graph(nodeCount: nodes)
        // Every edge end, once per end: a uniform draw from it is a draw ∝ degree.
        var ends: [Int] = []
        ends.reserveCapacity(2 * affinity * (nodes - affinity))
        for u in 0..<affinity {
            graph.addEdge(u, affinity)
            ends += [u, affinity]
        }
        var chosen: [Int] = []
        for node in (affinity + 1)..<nodes {
            chosen.removeAll(keepingCapacity: true)
            // Rejecting repeats draws from the degree distribution renormalized over the rest.
            while chosen.count < affinity {
                let u = ends[rng.int(below: ends.count)]
                if !chosen.contains(u) { chosen.append(u) }
            }
            for u in chosen {
                graph.addEdge(u, node)
                ends += [u, node]
            }
        }
        return graph
    }

    /// Greedy clique partition (learn2branch): repeatedly take the unassigned node of highest
    /// degree as a centre, then try its unassigned neighbours by decreasing degree, adding each
    /// that is adjacent to every node already in the clique. Ties go to the lower node number.
    /// Returns cliques (ascending node lists) that partition the nodes; many are single nodes.
    public static func greedyCliquePartition(_ graph: Graph) -> [[Int]] {
        let degrees = graph.degrees
        let byDegree = { (a: Int, b: Int) in degrees[a] != degrees[b] ? degrees[a] > degrees[b] : a < b }
        var assigned = [Bool](repeating: false, count: graph.nodeCount)
        var cliques: [[Int]] = []
        for centre in (0..<graph.nodeCount).sorted(by: byDegree) where !assigned[centre] {
            var clique = [centre]
            assigned[centre] = true
            for v in graph.neighbors[centre].filter({ !assigned[$0] }).sorted(by: byDegree)
            where clique.allSatisfy({ graph.adjacent($0, v) }) {
                clique.append(v)
                assigned[v] = true
            }
            cliques.append(clique.sorted())
        }
        return cliques
    }

    /// Maximum independent set with learn2branch's clique formulation:
    ///
    ///     max Σ x_v   s.t.  Σ_{v ∈ K} x_v ≤ 1  for each clique K of the greedy partition with ≥ 2 nodes (`clique[k]`),
    ///                       x_u + x_v ≤ 1      for each edge not inside one of those cliques (`edge[u,v]`),
    ///                       x_v ∈ {0, 1}
    ///
    /// Every edge lies in some row, so the feasible sets are exactly the independent sets.
    public static func independentSet(graph: Graph, name: String) -> Model {
        let cliques = greedyCliquePartition(graph).filter { $0.count > 1 }
        var cliqueOf = [Int](repeating: -1, count: graph.nodeCount)
        for (k, clique) in cliques.enumerated() {
            for v in clique { cliqueOf[v] = k }
        }
        let loose = graph.edges.filter { cliqueOf[$0.u] < 0 || cliqueOf[$0.u] != cliqueOf[$0.v] }
            .sorted { $0.u != $1.u ? $0.u < $1.u : $0.v < $1.v }
        var m = Model(name: name)
        m.reserveCapacity(variables: graph.nodeCount, constraints: cliques.count + loose.count,
                          nonzeros: cliques.reduce(0) { $0 + $1.count } + 2 * loose.count)
        let x = m.addVariables(graph.nodeCount, kind: .binary, name: "x")
        for (k, clique) in cliques.enumerated() {
            m.add(sum(clique) { x[$0] } <= 1, name: "clique[\(k)]")
        }
        for edge in loose {
            m.add(x[edge.u] + x[edge.v] <= 1, name: "edge[\(edge.u),\(edge.v)]")
        }
        m.maximize(x.sum())
        return m
    }

    /// Maximum independent set on a Barabási–Albert graph (learn2branch "indset", Ecole
    /// `IndependentSetGenerator` with `graph_type="barabasi_albert"`): defaults 500 nodes,
    /// affinity 4 (1,984 edges). Called `indset_<nodes>n_<affinity>a_s<seed>`; the graph is
    /// `barabasiAlbert(nodes:affinity:seed:)` with the same seed.
    public static func independentSet(nodes: Int = 500, affinity: Int = 4, seed: UInt64 = 1) -> Model {
        independentSet(graph: barabasiAlbert(nodes: nodes, affinity: affinity, seed: seed),
                       name: "indset_\(nodes)n_\(affinity)a_s\(seed)")
    }
}
