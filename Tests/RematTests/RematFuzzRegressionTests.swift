import Foundation
import Testing
@testable import MILPRemat

/// Inputs found by fuzzing the graph reader (`scripts/fuzz.sh remat-graph`; docs/fuzzing.md).
@Suite("Graph reader fuzz regressions")
struct RematFuzzRegressionTests {
    private func parse(_ json: String) throws -> RematGraph { try GraphReader.parse(Data(json.utf8), source: "test.json") }

    /// Finding 1: costs or sizes each below 2^63 but adding up to more were accepted, and the
    /// forward cost, no-remat peak and memory bound every remat run computes then trapped.
    @Test("costs or sizes whose totals overflow 64 bits are an input error", arguments: [
        (#"{"nodes": [{"id": 1, "cost": 9000000000000000000, "size": 1}, {"id": 2, "cost": 9000000000000000000, "size": 1}], "edges": []}"#, "costs"),
        (#"{"nodes": [{"id": 0, "cost_cpu": 1, "cost_ram": 5000000000000000000}, {"id": 1, "cost_cpu": 1, "cost_ram": 5000000000000000000}], "links": [{"source": 0, "target": 1}]}"#, "sizes"),
    ])
    func totalsOverflow(json: String, what: String) {
        #expect {
            _ = try parse(json)
        } throws: { error in
            "\(error)" == "test.json: the node \(what) add up to more than 9223372036854775807"
        }
    }

    /// Totals up to 2^63 − 1 are still read, and the figures computed from them are exact.
    @Test func largestTotalsStillRead() throws {
        // (Each value must stay below 9.2e18, the reader's limit for one value.)
        let g = try parse(#"{"nodes": [{"id": 1, "cost": 9000000000000000000, "size": 4611686018427387904}, {"id": 2, "cost": 223372036854775807, "size": 4611686018427387903}], "edges": [[1, 2]]}"#)
        #expect(g.forwardCost == Int64.max)
        #expect(g.noRematPeak == Int64.max)
        #expect(g.memoryLowerBound.bytes == Int64.max)
    }
}
