import Foundation
import FuzzSupport
import MILPRemat

// libFuzzer entry point for the remat graph reader (`scripts/fuzz.sh remat-graph` builds and runs it).
//
// Every input goes through GraphReader.parse (the three JSON dialects), which must return a graph
// or throw a RematInputError; a crash, a trap, any other error type or an input taking over a
// second is a finding. On a graph, the figures every `milp remat` run computes right after reading
// are computed too (forward cost, no-remat peak, memory lower bound): they must not trap either.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGraphReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let graph: RematGraph
    do {
        graph = try GraphReader.parse(bytes, source: "fuzz.json")
    } catch is RematInputError {
        return 0
    } catch {
        fatalError("GraphReader threw an unexpected error type: \(type(of: error)): \(error)")
    }
    let n = graph.count
    if graph.labels.count != n || graph.names.count != n || graph.sizes.count != n || graph.isBackward.count != n {
        fatalError("a graph with \(n) nodes has \(graph.labels.count) labels, \(graph.names.count) names, \(graph.sizes.count) sizes")
    }
    for v in 0..<n where graph.predecessors[v].contains(where: { $0 >= v }) {
        fatalError("node \(v) has a predecessor not before it: \(graph.predecessors[v])")
    }
    _ = graph.forwardCost
    _ = graph.noRematPeak
    _ = graph.memoryLowerBound
    return 0
}
