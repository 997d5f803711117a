import Foundation

/// Reads computation graphs from JSON in three dialects:
///
/// - networkx node-link JSON of Checkmate graphs: nodes `{"id", "name", "cost_cpu", "cost_ram",
///   "backward"}`, links `{"source", "target"}`;
/// - networkx node-link JSON of random layered graphs: nodes `{"name", "duration", "out_cost"}`
///   (the id is `name`), links `{"0", "1"}`, a topological order in `graph.order`;
/// - the native schema: `{"name": "g", "nodes": [{"id": "a", "cost": 5, "size": 1024}, …],
///   "edges": [["a", "b"], …]}` (ids are strings or integers; optional `"backward": true`).
///
/// Costs and sizes are integers ≥ 0 whose totals fit in 64 bits (remat runs add them up).
/// Nodes are put in topological order: `graph.order` when the file has one (checked), else
/// Kahn's algorithm taking the earliest node of the file first (for Checkmate graphs, whose ids
/// are a topological order, this keeps the id order).
public enum GraphReader {
    /// Reads the file at `path`; errors name the file and the node or edge at fault.
    public static func read(path: String) throws -> RematGraph {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw RematInputError("\(path): cannot read the file (\(error.localizedDescription))")
        }
        let fallbackName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(data, source: path, defaultName: fallbackName)
    }

    /// Parses JSON text; `source` prefixes error messages.
    public static func parse(_ data: Data, source: String, defaultName: String = "graph") throws -> RematGraph {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw RematInputError("\(source): not valid JSON (\(error.localizedDescription))")
        }
        guard let top = object as? [String: Any] else { throw RematInputError("\(source): the top level must be a JSON object") }
        guard let nodes = top["nodes"] as? [Any] else { throw RematInputError("\(source): no \"nodes\" array") }
        if top["edges"] != nil { return try parseNative(top, nodes: nodes, source: source, defaultName: defaultName) }
        guard top["links"] != nil else { throw RematInputError("\(source): no \"links\" (node-link JSON) or \"edges\" (native schema) array") }
        return try parseNodeLink(top, nodes: nodes, source: source, defaultName: defaultName)
    }

    // MARK: Dialects

    private static func parseNodeLink(_ top: [String: Any], nodes: [Any], source: String, defaultName: String) throws -> RematGraph {
        guard let links = top["links"] as? [Any] else { throw RematInputError("\(source): \"links\" must be an array") }
        let graphInfo = top["graph"] as? [String: Any] ?? [:]
        var raw: [RawNode] = []
        for (position, item) in nodes.enumerated() {
            guard let node = item as? [String: Any] else { throw RematInputError("\(source): nodes[\(position)] is not an object") }
            let idKey = node["id"] != nil ? "id" : "name"
            guard let label = try label(node[idKey], source: source, context: "nodes[\(position)].\(idKey)") else {
                throw RematInputError("\(source): nodes[\(position)] has no \"id\" or \"name\"")
            }
            let where_ = "node \(label)"
            let cost = try integer(node, keys: ["cost_cpu", "duration"], source: source, context: where_)
            let size = try integer(node, keys: ["cost_ram", "out_cost"], source: source, context: where_)
            let name = (node["name"] as? String) ?? label.description
            raw.append(RawNode(label: label, name: name, cost: cost, size: size, backward: node["backward"] as? Bool ?? false))
        }
        var edges: [(NodeLabel, NodeLabel)] = []
        for (position, item) in links.enumerated() {
            guard let link = item as? [String: Any] else { throw RematInputError("\(source): links[\(position)] is not an object") }
            let (sKey, tKey) = link["source"] != nil ? ("source", "target") : ("0", "1")
            guard let s = try label(link[sKey], source: source, context: "links[\(position)].\(sKey)"),
                  let t = try label(link[tKey], source: source, context: "links[\(position)].\(tKey)") else {
                throw RematInputError("\(source): links[\(position)] needs \"source\"/\"target\" (or \"0\"/\"1\") node ids")
            }
            edges.append((s, t))
        }
        var order: [NodeLabel]?
        if let given = graphInfo["order"] as? [Any] {
            order = try given.enumerated().map { k, v in
                guard let l = try label(v, source: source, context: "graph.order[\(k)]") else { throw RematInputError("\(source): graph.order[\(k)] is null") }
                return l
            }
        }
        let name = graphInfo["name"] as? String ?? defaultName
        return try assemble(name: name, raw: raw, edges: edges, order: order, source: source)
    }

    private static func parseNative(_ top: [String: Any], nodes: [Any], source: String, defaultName: String) throws -> RematGraph {
        guard let edgeList = top["edges"] as? [Any] else { throw RematInputError("\(source): \"edges\" must be an array") }
        var raw: [RawNode] = []
        for (position, item) in nodes.enumerated() {
            guard let node = item as? [String: Any] else { throw RematInputError("\(source): nodes[\(position)] is not an object") }
            guard let label = try label(node["id"], source: source, context: "nodes[\(position)].id") else {
                throw RematInputError("\(source): nodes[\(position)] has no \"id\"")
            }
            let cost = try integer(node, keys: ["cost"], source: source, context: "node \(label)")
            let size = try integer(node, keys: ["size"], source: source, context: "node \(label)")
            raw.append(RawNode(label: label, name: node["name"] as? String ?? label.description, cost: cost, size: size,
                               backward: node["backward"] as? Bool ?? false))
        }
        var edges: [(NodeLabel, NodeLabel)] = []
        for (position, item) in edgeList.enumerated() {
            guard let pair = item as? [Any], pair.count == 2,
                  let s = try label(pair[0], source: source, context: "edges[\(position)][0]"),
                  let t = try label(pair[1], source: source, context: "edges[\(position)][1]") else {
                throw RematInputError("\(source): edges[\(position)] must be a pair [from, to] of node ids")
            }
            edges.append((s, t))
        }
        return try assemble(name: top["name"] as? String ?? defaultName, raw: raw, edges: edges, order: nil, source: source)
    }

    // MARK: Assembly

    private struct RawNode {
        let label: NodeLabel, name: String, cost: Int64, size: Int64, backward: Bool
    }

    /// Resolves labels, checks edges, orders the nodes topologically and builds the graph.
    private static func assemble(name: String, raw: [RawNode], edges labelEdges: [(NodeLabel, NodeLabel)],
                                 order: [NodeLabel]?, source: String) throws -> RematGraph {
        var index: [NodeLabel: Int] = [:]
        for (i, node) in raw.enumerated() {
            guard index.updateValue(i, forKey: node.label) == nil else { throw RematInputError("\(source): duplicate node id \(node.label)") }
        }
        var edges: [(Int, Int)] = []
        var seen = Set<[Int]>()
        for (s, t) in labelEdges {
            guard let u = index[s] else { throw RematInputError("\(source): edge \(s) -> \(t) names an unknown node \(s)") }
            guard let v = index[t] else { throw RematInputError("\(source): edge \(s) -> \(t) names an unknown node \(t)") }
            guard u != v else { throw RematInputError("\(source): edge \(s) -> \(t) is a self-loop (the graph must be acyclic)") }
            guard seen.insert([u, v]).inserted else { throw RematInputError("\(source): duplicate edge \(s) -> \(t)") }
            edges.append((u, v))
        }
        let n = raw.count
        let position: [Int]   // file index -> topological position
        if let order {
            guard order.count == n else { throw RematInputError("\(source): graph.order has \(order.count) ids for \(n) nodes") }
            var pos = Array(repeating: -1, count: n)
            for (k, l) in order.enumerated() {
                guard let i = index[l] else { throw RematInputError("\(source): graph.order names an unknown node \(l)") }
                guard pos[i] < 0 else { throw RematInputError("\(source): graph.order lists node \(l) twice") }
                pos[i] = k
            }
            for (u, v) in edges where pos[u] > pos[v] {
                throw RematInputError("\(source): graph.order is not a topological order: edge \(raw[u].label) -> \(raw[v].label) goes backwards")
            }
            position = pos
        } else {
            position = try topologicalPositions(n: n, edges: edges, labels: raw.map(\.label), source: source)
        }
        var byPosition = Array(repeating: 0, count: n)
        for i in 0..<n { byPosition[position[i]] = i }
        let nodes = byPosition.map { raw[$0] }
        let graph = try RematGraph(
            name: name, labels: nodes.map(\.label), names: nodes.map(\.name), costs: nodes.map(\.cost), sizes: nodes.map(\.size),
            isBackward: nodes.map(\.backward), edges: edges.map { (position[$0.0], position[$0.1]) }, source: source)
        // Every remat run sums costs (the forward cost) and sizes (peaks, bounds) in 64-bit
        // integers: totals that do not fit would trap there. (Costs and sizes are ≥ 0 by now.)
        for (what, values) in [("costs", graph.costs), ("sizes", graph.sizes)] {
            var total: Int64 = 0
            for x in values {
                let (sum, overflow) = total.addingReportingOverflow(x)
                guard !overflow else { throw RematInputError("\(source): the node \(what) add up to more than \(Int64.max)") }
                total = sum
            }
        }
        return graph
    }

    /// Kahn's algorithm, smallest file index first; on a cycle, throws naming one.
    private static func topologicalPositions(n: Int, edges: [(Int, Int)], labels: [NodeLabel], source: String) throws -> [Int] {
        var indegree = Array(repeating: 0, count: n)
        var succ = Array(repeating: [Int](), count: n)
        for (u, v) in edges { indegree[v] += 1; succ[u].append(v) }
        var ready = Heap()
        for i in 0..<n where indegree[i] == 0 { ready.push(i) }
        var position = Array(repeating: -1, count: n)
        var next = 0
        while let u = ready.pop() {
            position[u] = next
            next += 1
            for v in succ[u] {
                indegree[v] -= 1
                if indegree[v] == 0 { ready.push(v) }
            }
        }
        guard next == n else {
            // Walk backwards through unplaced predecessors until a node repeats: that is a cycle.
            var pred = Array(repeating: [Int](), count: n)
            for (u, v) in edges where position[u] < 0 && position[v] < 0 { pred[v].append(u) }
            var walk = [position.firstIndex(of: -1)!]
            var onWalk = [walk[0]: 0]
            while true {
                let u = pred[walk.last!].first!
                if let k = onWalk[u] {
                    let cycle = Array(walk[k...].reversed()) + [walk.last!]
                    throw RematInputError("\(source): the graph has a cycle: \(cycle.map { labels[$0].description }.joined(separator: " -> "))")
                }
                onWalk[u] = walk.count
                walk.append(u)
            }
        }
        return position
    }

    // MARK: Values

    private static func label(_ value: Any?, source: String, context: String) throws -> NodeLabel? {
        switch value {
        case nil, is NSNull: return nil
        case let s as String: return .string(s)
        case let n as NSNumber:
            guard !isBoolean(n), n.doubleValue.rounded() == n.doubleValue else {
                throw RematInputError("\(source): \(context) must be an integer or a string, not \(n)")
            }
            return .int(n.int64Value)
        default: throw RematInputError("\(source): \(context) must be an integer or a string")
        }
    }

    /// JSON true/false arrive as NSNumber too (and 0/1 cast to Bool): tell them apart by class.
    private static func isBoolean(_ n: NSNumber) -> Bool { String(describing: type(of: n)).contains("Boolean") }

    /// The first of `keys` present in `node`, as a 64-bit integer.
    private static func integer(_ node: [String: Any], keys: [String], source: String, context: String) throws -> Int64 {
        guard let key = keys.first(where: { node[$0] != nil && !(node[$0] is NSNull) }) else {
            throw RematInputError("\(source): \(context) has no \(keys.map { "\"\($0)\"" }.joined(separator: " or ")) value")
        }
        guard let n = node[key] as? NSNumber, !isBoolean(n) else {
            throw RematInputError("\(source): \(context): \"\(key)\" must be a number")
        }
        let d = n.doubleValue
        guard d.isFinite, d.rounded() == d, abs(d) < 9.2e18 else {
            throw RematInputError("\(source): \(context): \"\(key)\" must be an integer, not \(n)")
        }
        // Integers above 2^53 keep their exact value through int64Value.
        return n.int64Value
    }
}

/// A binary min-heap of node indices.
private struct Heap {
    private var items: [Int] = []
    mutating func push(_ x: Int) {
        items.append(x)
        var i = items.count - 1
        while i > 0, items[(i - 1) / 2] > items[i] { items.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
    }
    mutating func pop() -> Int? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count, items[l] < items[m] { m = l }
                if r < items.count, items[r] < items[m] { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
