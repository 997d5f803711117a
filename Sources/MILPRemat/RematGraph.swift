// Tensor rematerialization (issue 6): the computation graph, its no-remat peak and memory bounds.
import Foundation

/// A node identifier exactly as the input file spelled it (an integer or a string).
public enum NodeLabel: Hashable, Sendable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    /// The label as the input file spelled it.
    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .string(let s): s
        }
    }

    /// The label as a JSON value (number or string).
    public var jsonValue: Any {
        switch self {
        case .int(let v): v
        case .string(let s): s
        }
    }
}

/// A bad graph, budget or schedule file: the message names the file, node or edge.
public struct RematInputError: Error, CustomStringConvertible, Sendable {
    /// The message, naming the file, node or edge at fault.
    public let description: String
    /// Creates an error with the given message.
    public init(_ description: String) { self.description = description }
}

/// A computation graph in topological order: node `i` has compute cost `costs[i]` and output
/// size `sizes[i]` (bytes or abstract units), and edge `u → v` means v reads u's output.
///
/// Indices are positions in the topological order the graph was read with; `labels` map them
/// back to the ids of the input file.
public struct RematGraph: Sendable {
    /// The graph's name (used in messages, model names and schedule files).
    public let name: String
    /// `labels[i]`: node i's id in the input file.
    public let labels: [NodeLabel]
    /// Human-readable node names (the layer name when the file has one, else the label).
    public let names: [String]
    /// `costs[i]`: the cost of computing node i once (≥ 0, graph cost units).
    public let costs: [Int64]
    /// `sizes[i]`: the size of node i's output (≥ 0, bytes or abstract units, like the budget).
    public let sizes: [Int64]
    /// Backward-pass nodes (`Loss` and `*_backward` in Checkmate graphs); all false when unknown.
    public let isBackward: [Bool]
    /// Predecessors and successors of each node, ascending.
    public let predecessors: [[Int]]
    /// `successors[i]`: the nodes that read node i's output, ascending; empty for a sink.
    public let successors: [[Int]]
    /// `keepHorizon[i]`: the last stage in which node i's output can still be read, or nil for a
    /// sink. Past its last consumer's first computation a value is read only by a later
    /// recomputation of a consumer, which that consumer's own consumers can need up to their
    /// horizons: h(i) = max over consumers j of max(j, h(j)), a sink consumer counting j (sinks are
    /// never recomputed). Keeping a small, costly value until then can spare recomputing it when a
    /// large, cheap consumer is recomputed late; no schedule keeps it longer to any purpose.
    public let keepHorizon: [Int?]

    /// The number of nodes.
    public var count: Int { costs.count }
    /// The number of edges.
    public var edgeCount: Int { predecessors.reduce(0) { $0 + $1.count } }
    /// Σ C_i: the cost of computing every node once.
    public var forwardCost: Int64 { costs.reduce(0, +) }

    /// Builds a graph from nodes already in topological order and edges between their indices.
    /// Throws on negative costs or sizes, bad indices, self-loops, duplicate or backward edges;
    /// messages start with `source` (the file), else the graph's name.
    public init(name: String, labels: [NodeLabel], names: [String]? = nil, costs: [Int64], sizes: [Int64],
                isBackward: [Bool]? = nil, edges: [(Int, Int)], source: String? = nil) throws {
        let n = labels.count
        let origin = source ?? name
        guard n > 0 else { throw RematInputError("\(origin): the graph has no nodes") }
        guard costs.count == n, sizes.count == n else { throw RematInputError("\(origin): \(n) nodes but \(costs.count) costs and \(sizes.count) sizes") }
        for i in 0..<n {
            if costs[i] < 0 { throw RematInputError("\(origin): node \(labels[i]) has a negative cost (\(costs[i]))") }
            if sizes[i] < 0 { throw RematInputError("\(origin): node \(labels[i]) has a negative size (\(sizes[i]))") }
        }
        var preds = Array(repeating: [Int](), count: n), succs = preds
        var seen = Set<[Int]>()
        for (u, v) in edges {
            guard (0..<n).contains(u), (0..<n).contains(v) else { throw RematInputError("\(origin): edge \(u) -> \(v) refers to a node index outside 0..<\(n)") }
            guard u < v else {
                throw RematInputError("\(origin): edge \(labels[u]) -> \(labels[v]) goes against the topological order")
            }
            guard seen.insert([u, v]).inserted else { throw RematInputError("\(origin): duplicate edge \(labels[u]) -> \(labels[v])") }
            preds[v].append(u)
            succs[u].append(v)
        }
        self.name = name
        self.labels = labels
        self.names = names ?? labels.map(\.description)
        self.costs = costs
        self.sizes = sizes
        self.isBackward = isBackward ?? Array(repeating: false, count: n)
        self.predecessors = preds.map { $0.sorted() }
        self.successors = succs.map { $0.sorted() }
        var horizon = [Int?](repeating: nil, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) where !succs[i].isEmpty {
            horizon[i] = succs[i].map { j in max(j, horizon[j] ?? j) }.max()
        }
        keepHorizon = horizon
    }

    /// Σ C over the nodes marked in `computed` (a stage's recomputation set).
    func cost(of computed: [Bool]) -> Int64 { zip(computed, costs).reduce(0) { $0 + ($1.0 ? $1.1 : 0) } }

    /// Whether a stage that computes the nodes marked in `computed` (its recomputation set, R[t][k]
    /// for k ≤ t) reads node i's output: some consumer of i is among them.
    func reads(_ i: Int, computing computed: [Bool]) -> Bool { successors[i].contains { $0 < computed.count && computed[$0] } }

    /// The last consumer of each node's output (its largest successor), or nil for sinks.
    public var lastUse: [Int?] { successors.map(\.last) }

    /// Peak memory of computing every node once in topological order, freeing each output right
    /// after its last consumer ran; sinks stay resident (Moccasin's definition of the budget base).
    public var noRematPeak: Int64 { noRematPeak(order: Array(0..<count)) }

    /// The memory stage v holds in every schedule in this node order: computing v needs v's inputs
    /// and output resident, and every sink computed before v (sinks stay).
    var stageNeeds: [Int64] {
        var needs: [Int64] = [], sinksBefore: Int64 = 0
        for v in 0..<count {
            needs.append(sizes[v] + predecessors[v].reduce(0) { $0 + sizes[$1] } + sinksBefore)
            if successors[v].isEmpty { sinksBefore += sizes[v] }
        }
        return needs
    }

    /// A lower bound on the peak of any schedule in this node order (the largest of `stageNeeds`).
    /// Returns the bound and the node that attains it (the first, on ties).
    public var memoryLowerBound: (bytes: Int64, node: Int) {
        var best: (Int64, Int) = (0, 0)
        for (v, need) in stageNeeds.enumerated() where need > best.0 { best = (need, v) }
        return best
    }

    /// "node 12 (block1_conv1)" or "node 12" when the name is the label.
    public func describe(_ i: Int) -> String {
        names[i] == labels[i].description ? "node \(labels[i])" : "node \(labels[i]) (\(names[i]))"
    }
}

/// A memory budget: absolute, or a fraction of the graph's no-remat peak.
public enum Budget: Sendable, Equatable {
    case bytes(Int64)
    case fraction(Double)

    /// Parses "0.8" or "80%" (fractions of the no-remat peak) and "14242598093" (bytes; any
    /// number above 1).
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%"), let p = Double(t.dropLast()), p > 0, p.isFinite {
            self = .fraction(p / 100)
        } else if let b = Int64(t), b > 1 {
            self = .bytes(b)
        } else if let f = Double(t), f > 0, f <= 1 {
            self = .fraction(f)
        } else {
            throw RematInputError("bad budget '\(text)': give a fraction of the no-remat peak (0.8 or 80%) or a number of bytes (> 1)")
        }
    }

    /// The budget in bytes for `graph`: ⌈peak × fraction⌉ as Moccasin computes it.
    public func bytes(for graph: RematGraph) -> Int64 {
        switch self {
        case .bytes(let b): b
        case .fraction(let f): Int64((Double(graph.noRematPeak) * f).rounded(.up))
        }
    }
}
