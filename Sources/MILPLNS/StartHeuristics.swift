import Foundation
import MILP

/// Where the LNS's first incumbent came from.
public enum StartHeuristic: String, Codable, Sendable, CaseIterable {
    /// The point the caller gave.
    case given
    /// The repair solver's short solve of the full model (CBC: root heuristics, feasibility pump).
    case solver
    /// The LP relaxation rounded one integer at a time, each fixing propagated through the rows.
    case fixAndPropagate = "fix_and_propagate"
    /// Greedy on packing rows (Σ a x ≤ b, a ≥ 0, binaries): the best objective per unit of the
    /// rows' room first, while everything fits.
    case packingGreedy = "packing_greedy"
    /// Greedy on covering rows (Σ a x ≥ b, a ≥ 0, binaries): the cheapest per unit of need
    /// covered first, until every row is covered; then columns no row needs are dropped.
    case coveringGreedy = "covering_greedy"
    /// Every variable at a bound or 0.
    case trivial
}

/// Fast starting points built from the model's rows, each checked by the caller; nil where a
/// heuristic does not apply or ends in a conflict.
struct StartHeuristics {
    let model: Model
    let columns: LNSColumns
    /// When the heuristics give up (a start is worth only a little of the run's time).
    var deadline: ContinuousClock.Instant = .now + .seconds(3600)

    /// Rows as (columns, coefficients, lower, upper).
    private func row(_ r: Int) -> (columns: ArraySlice<Int32>, coefficients: ArraySlice<Double>, lower: Double, upper: Double) {
        let (c, a) = model.row(model.constraint(at: r))
        return (c, a, model.rowLowerBounds[r], model.rowUpperBounds[r])
    }

    /// Whether every column is binary and every row's coefficients are ≥ 0 with a finite side of
    /// the kind asked (`upper` for packing, `lower` for covering) and no other finite side.
    private func isBinaryRows(packing: Bool) -> Bool {
        guard model.sosConstraints.isEmpty, model.kinds.indices.allSatisfy({ model.kinds[$0].isIntegral && model.lowerBounds[$0] >= 0 && model.upperBounds[$0] <= 1 })
        else { return false }
        return (0..<model.constraintCount).allSatisfy { r in
            let (_, a, lo, up) = row(r)
            guard a.allSatisfy({ $0 >= 0 }) else { return false }
            return packing ? up.isFinite && !(lo > 0) : lo.isFinite && up.isInfinite
        }
    }

    /// The packing greedy, when the model is one (maximize Σ c x, c ≥ 0 at the columns it sets).
    func packingGreedy() -> [Double]? {
        guard isBinaryRows(packing: true) else { return nil }
        let s = model.sense.sign  // minimize: +1
        var x = model.lowerBounds
        var room = (0..<model.constraintCount).map { r in row(r).upper - activity(of: r, at: x) }
        guard room.allSatisfy({ $0 >= -1e-9 }) else { return nil }
        // Gain per unit of room used, over the rows each column is in (scaled by each row's room).
        let candidates = (0..<model.variableCount).filter { -s * model.objectiveCoefficients[$0] > 0 && x[$0] == 0 && model.upperBounds[$0] >= 1 }
        let score = candidates.map { c -> Double in
            let use = columns.entries(of: c).reduce(0.0) { $0 + $1.a / max(room[$1.row], 1e-9) }
            return -s * model.objectiveCoefficients[c] / max(use, 1e-9)
        }
        for k in candidates.indices.sorted(by: { score[$0] > score[$1] }) {
            let c = candidates[k]
            guard columns.entries(of: c).allSatisfy({ $0.a <= room[$0.row] + 1e-9 }) else { continue }
            x[c] = 1
            for e in columns.entries(of: c) { room[e.row] -= e.a }
        }
        return x
    }

    /// The covering greedy, when the model is one (minimize Σ c x, c ≥ 0).
    func coveringGreedy() -> [Double]? {
        guard isBinaryRows(packing: false), model.objectiveCoefficients.allSatisfy({ model.sense.sign * $0 >= 0 }) else { return nil }
        var x = model.lowerBounds
        var need = (0..<model.constraintCount).map { r in row(r).lower - activity(of: r, at: x) }
        let free = (0..<model.variableCount).filter { x[$0] == 0 && model.upperBounds[$0] >= 1 }
        // Repeatedly the column with the least cost per unit of need it meets (lazily re-scored).
        func value(_ c: Int) -> Double { columns.entries(of: c).reduce(0.0) { $0 + min($1.a, max(need[$1.row], 0)) } }
        func cost(_ c: Int) -> Double { model.sense.sign * model.objectiveCoefficients[c] }
        // Lazy greedy: a column's value only falls as rows get covered, so a ratio popped from the
        // heap and still no worse than the next one's (stale, hence optimistic) is the best.
        var chosen: Set<Int> = []
        var uncovered = need.filter { $0 > 1e-9 }.count
        var heap = MinHeap(free.compactMap { c in value(c) > 1e-9 ? (cost(c) / value(c), c) : nil })
        var picks = 0
        while uncovered > 0 {
            picks += 1
            if picks % 256 == 0, ContinuousClock.now > deadline { return nil }
            guard let (_, c) = heap.pop() else { return nil }  // a row no column can cover
            let v = value(c)
            guard v > 1e-9 else { continue }
            let ratio = cost(c) / v
            if let next = heap.peek, ratio > next.key {
                heap.push((ratio, c))
                continue
            }
            chosen.insert(c)
            x[c] = 1
            for e in columns.entries(of: c) {
                let before = need[e.row]
                need[e.row] -= e.a
                if before > 1e-9 && need[e.row] <= 1e-9 { uncovered -= 1 }
            }
        }
        // Drop chosen columns every row can do without, the most expensive first.
        for c in chosen.sorted(by: { cost($0) > cost($1) }) where columns.entries(of: c).allSatisfy({ need[$0.row] + $0.a <= 1e-9 }) {
            x[c] = 0
            for e in columns.entries(of: c) { need[e.row] += e.a }
        }
        return x
    }

    /// The LP point rounded one integer at a time (the most nearly integral first; a fractional
    /// value in the direction fewer rows resist), each fixing propagated through the rows; a
    /// conflict tries the other rounding once, then gives up. With continuous columns the caller
    /// solves the LP over them (`completing`).
    func fixAndPropagate(lp: [Double], completing: ([Double], [Double]) -> [Double]?) -> [Double]? {
        var bounds = Propagation(model: model, columns: columns)
        guard bounds.propagateAll() else { return nil }
        let integers = (0..<model.variableCount).filter { model.kinds[$0].isIntegral }
        let order = integers.sorted { abs(lp[$0] - lp[$0].rounded()) < abs(lp[$1] - lp[$1].rounded()) }
        for (k, c) in order.enumerated() where bounds.lower[c] < bounds.upper[c] {
            if k % 64 == 0, ContinuousClock.now > deadline { return nil }
            let v = min(max(lp[c], bounds.lower[c]), bounds.upper[c])
            let down = v.rounded(.down), up = v.rounded(.up)
            let first = v - down < 0.5 - 1e-9 || (abs(v - down - 0.5) <= 1e-9 && locks(c, up: true) > locks(c, up: false)) ? down : up
            var fixed = false
            for value in first == down ? [down, up] : [up, down] where value >= bounds.lower[c] && value <= bounds.upper[c] {
                if bounds.fix(c, value) { fixed = true; break }
            }
            guard fixed else { return nil }
        }
        let point = (0..<model.variableCount).map { c in
            model.kinds[c].isIntegral ? bounds.lower[c] : min(max(lp[c], bounds.lower[c]), bounds.upper[c])
        }
        if model.kinds.allSatisfy(\.isIntegral) { return point }
        return completing(bounds.lower, bounds.upper)
    }

    /// Rows that would resist moving column `c` up (a ≤ row with a > 0, a ≥ row with a < 0), or down.
    private func locks(_ c: Int, up: Bool) -> Int {
        columns.entries(of: c).filter { e in
            let (lo, hi) = (model.rowLowerBounds[e.row], model.rowUpperBounds[e.row])
            return up ? (e.a > 0 && hi.isFinite) || (e.a < 0 && lo.isFinite) : (e.a > 0 && lo.isFinite) || (e.a < 0 && hi.isFinite)
        }.count
    }

    private func activity(of r: Int, at x: [Double]) -> Double {
        let (cs, a, _, _) = row(r)
        return zip(cs, a).reduce(0.0) { $0 + $1.1 * x[Int($1.0)] }
    }
}

/// Column bounds tightened through the rows (activity-based propagation), with an undo trail so a
/// fixing that ends in a conflict can be taken back.
struct Propagation {
    let model: Model
    let columns: LNSColumns
    private(set) var lower: [Double]
    private(set) var upper: [Double]
    private var trail: [(column: Int, lower: Double, upper: Double)] = []
    /// Row visits allowed per fixing: a long chain of small tightenings stops there (sound: the
    /// bounds stay valid, only less tight).
    static let budget = 20_000

    init(model: Model, columns: LNSColumns) {
        self.model = model
        self.columns = columns
        lower = model.lowerBounds
        upper = model.upperBounds
    }

    /// Propagates every row once; false on a conflict.
    mutating func propagateAll() -> Bool { propagate(Array(0..<model.constraintCount)) }

    /// Fixes `c` at `value` and propagates; on a conflict undoes it all and returns false.
    mutating func fix(_ c: Int, _ value: Double) -> Bool {
        trail.removeAll(keepingCapacity: true)
        set(c, value, value)
        if propagate(columns.rows(of: c).map(Int.init)) { return true }
        for change in trail.reversed() {
            lower[change.column] = change.lower
            upper[change.column] = change.upper
        }
        trail.removeAll()
        return false
    }

    private mutating func set(_ c: Int, _ lo: Double, _ up: Double) {
        trail.append((c, lower[c], upper[c]))
        lower[c] = lo
        upper[c] = up
    }

    private mutating func propagate(_ start: [Int]) -> Bool {
        var queue = start, queued = Set(start), visits = 0
        while let r = queue.popLast() {
            queued.remove(r)
            visits += 1
            if visits > Self.budget { return true }
            let (cs, a) = model.row(model.constraint(at: r))
            let lo = model.rowLowerBounds[r], up = model.rowUpperBounds[r]
            // Least and largest activity, with the columns that make them infinite counted apart.
            var least = 0.0, most = 0.0, leastInfinite = 0, mostInfinite = 0
            for (c, v) in zip(cs, a) {
                let (l, u) = (lower[Int(c)], upper[Int(c)])
                let (small, large) = v > 0 ? (v * l, v * u) : (v * u, v * l)
                if small.isFinite { least += small } else { leastInfinite += 1 }
                if large.isFinite { most += large } else { mostInfinite += 1 }
            }
            let tolerance = 1e-9 * max(1, abs(lo.isFinite ? lo : 0), abs(up.isFinite ? up : 0))
            if leastInfinite == 0 && least > up + tolerance { return false }
            if mostInfinite == 0 && most < lo - tolerance { return false }
            for (c32, v) in zip(cs, a) {
                let c = Int(c32)
                guard lower[c] < upper[c] else { continue }
                let (small, large) = v > 0 ? (v * lower[c], v * upper[c]) : (v * upper[c], v * lower[c])
                var newLower = lower[c], newUpper = upper[c]
                // v·x ≤ up − (least of the others); v·x ≥ lo − (most of the others).
                if up.isFinite, leastInfinite == 0 || (leastInfinite == 1 && !small.isFinite) {
                    let others = small.isFinite ? least - small : least
                    let bound = (up - others) / v
                    if v > 0 { newUpper = min(newUpper, bound) } else { newLower = max(newLower, bound) }
                }
                if lo.isFinite, mostInfinite == 0 || (mostInfinite == 1 && !large.isFinite) {
                    let others = large.isFinite ? most - large : most
                    let bound = (lo - others) / v
                    if v > 0 { newLower = max(newLower, bound) } else { newUpper = min(newUpper, bound) }
                }
                if model.kinds[c].isIntegral {
                    newLower = (newLower - 1e-6).rounded(.up)
                    newUpper = (newUpper + 1e-6).rounded(.down)
                }
                guard newLower > lower[c] + 1e-9 || newUpper < upper[c] - 1e-9 else { continue }
                if newLower > newUpper + 1e-9 { return false }
                set(c, max(lower[c], newLower), min(upper[c], max(newUpper, newLower)))
                for other in columns.rows(of: c) where !queued.contains(Int(other)) && Int(other) != r {
                    queue.append(Int(other))
                    queued.insert(Int(other))
                }
            }
        }
        return true
    }
}

/// A binary min-heap of (key, column).
private struct MinHeap {
    private var items: [(key: Double, column: Int)]

    init(_ items: [(Double, Int)]) {
        self.items = items.map { (key: $0.0, column: $0.1) }
        for i in stride(from: self.items.count / 2 - 1, through: 0, by: -1) { down(i) }
    }

    var peek: (key: Double, column: Int)? { items.first }

    mutating func push(_ item: (Double, Int)) {
        items.append((key: item.0, column: item.1))
        var i = items.count - 1
        while i > 0, items[(i - 1) / 2].key > items[i].key {
            items.swapAt(i, (i - 1) / 2)
            i = (i - 1) / 2
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let top = items.first else { return nil }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        if !items.isEmpty { down(0) }
        return (top.key, top.column)
    }

    private mutating func down(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, items[l].key < items[m].key { m = l }
            if r < items.count, items[r].key < items[m].key { m = r }
            if m == i { return }
            items.swapAt(i, m)
            i = m
        }
    }
}
