import Foundation

/// One step of an execution: compute a node's output, or free it.
public enum ScheduleEvent: Equatable, Sendable {
    case compute(Int)
    case free(Int)
}

/// An explicit execution of a training step: events in order, node indices of the graph.
public struct Schedule: Sendable {
    /// The events in execution order.
    public var events: [ScheduleEvent]
    /// A schedule of `events`, unchecked: replay it with ``Simulator/replay(_:on:budget:)`` to validate it.
    public init(events: [ScheduleEvent]) { self.events = events }

    /// `{"graph", "budget", "events": [{"op": "compute", "node": ID}, …], "total_cost", "peak_memory"}`
    /// with the node ids of the input file; cost and peak come from a replay.
    public func jsonObject(graph: RematGraph, budget: Int64, replay: SimulationReport) -> [String: Any] {
        [
            "graph": graph.name, "budget": budget, "total_cost": replay.totalCost, "peak_memory": replay.peakMemory,
            "events": events.map { event -> [String: Any] in
                switch event {
                case .compute(let v): ["op": "compute", "node": graph.labels[v].jsonValue]
                case .free(let v): ["op": "free", "node": graph.labels[v].jsonValue]
                }
            },
        ]
    }

    /// Reads the events of a schedule JSON file written by `jsonObject` (other keys are ignored);
    /// node ids are matched against `graph`'s labels.
    public static func parse(_ data: Data, graph: RematGraph, source: String) throws -> Schedule {
        guard let top = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let items = top["events"] as? [Any] else {
            throw RematInputError("\(source): not a schedule (a JSON object with an \"events\" array)")
        }
        var index: [String: Int] = [:]
        for (i, l) in graph.labels.enumerated() { index[l.description] = i }
        var events: [ScheduleEvent] = []
        for (k, item) in items.enumerated() {
            guard let e = item as? [String: Any], let op = e["op"] as? String, let raw = e["node"] else {
                throw RematInputError("\(source): events[\(k)] needs \"op\" and \"node\"")
            }
            let key = (raw as? NSNumber).map { $0.int64Value.description } ?? (raw as? String) ?? ""
            guard let v = index[key] else { throw RematInputError("\(source): events[\(k)] names an unknown node \(raw)") }
            switch op {
            case "compute": events.append(.compute(v))
            case "free": events.append(.free(v))
            default: throw RematInputError("\(source): events[\(k)]: unknown op \"\(op)\" (compute or free)")
            }
        }
        return Schedule(events: events)
    }
}

/// What a replay measured.
public struct SimulationReport: Sendable, Equatable {
    /// Σ cost over compute events.
    public var totalCost: Int64
    /// The largest total size of resident outputs at any moment, in the graph's size units.
    public var peakMemory: Int64
    /// Number of compute events.
    public var computations: Int
}

/// Why a replay rejected a schedule.
public struct SimulationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Index of the offending event (the event count for end-of-schedule problems).
    public let event: Int
    /// What is wrong, starting with the event's index.
    public let description: String
}

/// An independent check of a schedule: replays the events on the graph alone, knowing nothing of
/// the MILP. It tracks the resident outputs and memory to the byte and rejects a schedule when a
/// compute finds an input missing or its output already resident, a free targets a value not in
/// memory, memory exceeds the budget at any moment, a node index is unknown, a node is never
/// computed, or a sink's output is not resident at the end.
public enum Simulator {
    /// Replays `schedule` on `graph` and returns its total cost and peak memory; throws a
    /// ``SimulationError`` at the first event that breaks a rule, or when memory exceeds `budget`.
    public static func replay(_ schedule: Schedule, on graph: RematGraph, budget: Int64) throws(SimulationError) -> SimulationReport {
        let n = graph.count
        var resident = Array(repeating: false, count: n)
        var computed = Array(repeating: false, count: n)
        var memory: Int64 = 0, peak: Int64 = 0, cost: Int64 = 0, computations = 0
        for (k, event) in schedule.events.enumerated() {
            switch event {
            case .compute(let v):
                guard (0..<n).contains(v) else { throw SimulationError(event: k, description: "event \(k): compute of unknown node index \(v)") }
                guard !resident[v] else { throw SimulationError(event: k, description: "event \(k): compute \(graph.describe(v)): its output is already resident") }
                if let u = graph.predecessors[v].first(where: { !resident[$0] }) {
                    throw SimulationError(event: k, description: "event \(k): compute \(graph.describe(v)): input \(graph.describe(u)) is not resident")
                }
                resident[v] = true
                computed[v] = true
                memory += graph.sizes[v]
                cost += graph.costs[v]
                computations += 1
                peak = max(peak, memory)
                guard memory <= budget else {
                    throw SimulationError(event: k, description: "event \(k): compute \(graph.describe(v)): memory \(memory) exceeds the budget \(budget)")
                }
            case .free(let v):
                guard (0..<n).contains(v) else { throw SimulationError(event: k, description: "event \(k): free of unknown node index \(v)") }
                guard resident[v] else { throw SimulationError(event: k, description: "event \(k): free \(graph.describe(v)): not resident") }
                resident[v] = false
                memory -= graph.sizes[v]
            }
        }
        let end = schedule.events.count
        if let v = computed.firstIndex(of: false) { throw SimulationError(event: end, description: "\(graph.describe(v)) is never computed") }
        if let v = (0..<n).first(where: { graph.successors[$0].isEmpty && !resident[$0] }) {
            throw SimulationError(event: end, description: "sink \(graph.describe(v)) is not resident at the end")
        }
        return SimulationReport(totalCost: cost, peakMemory: peak, computations: computations)
    }
}
