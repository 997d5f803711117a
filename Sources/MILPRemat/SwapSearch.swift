// Recompute-set swaps: change *which* values are recomputed, however far apart. A value that the
// incumbent recomputes is kept instead over the gap before that recomputation (its cost saved, its
// size held over the gap); where that overflows the budget, values kept over the overflowing
// stages are dropped until their next use (and recomputed there) to make room. ResNet50 at 0.9
// went from the incumbent 406,150 to its optimum by one such swap 300 stages long (keep node 27
// from the forward pass to stage 325, recompute node 4 at stage 348), which neither stage windows
// nor the annealing's random walk find reliably.
extension RematSearch {
    /// The swaps' two kinds of moves in `state`, from the gaps of each node's uses (for consecutive
    /// stages a < b that compute or read the node, the stages a + 1…b):
    /// - keeps: a gap ending in a recomputation of the node kept over instead — the recomputation
    ///   saved (and what it read, when nothing else needs that), the value's size held over the gap;
    ///   costliest recomputation first;
    /// - drops: a gap the node is kept over no longer kept, so that it is recomputed at the gap's
    ///   end — memory freed over the gap, a recomputation paid.
    private func swapMoves(_ state: TrackedPlan, of nodes: some Sequence<Int>) -> (keeps: [TrackedPlan.Change], drops: [TrackedPlan.Change]) {
        var keeps: [TrackedPlan.Change] = [], drops: [TrackedPlan.Change] = []
        for i in nodes {
            guard let horizon = graph.keepHorizon[i], horizon > i else { continue }
            var last = i
            for t in (i + 1)...horizon where state.recomputed[t][i] || graph.reads(i, computing: state.recomputed[t]) {
                let stages = (last + 1)...t
                if state.recomputed[t][i] {
                    keeps.append(.init(node: i, keep: true, stages: stages))
                } else if stages.allSatisfy({ state.plan.keeps($0, i) }) {
                    drops.append(.init(node: i, keep: false, stages: stages))
                }
                last = t
            }
        }
        return (keeps.sorted { graph.costs[$0.node] > graph.costs[$1.node] }, drops)
    }

    /// A keep's recomputation cost saved per byte-stage it holds.
    private func heldWorth(_ keep: TrackedPlan.Change) -> Double {
        Double(graph.costs[keep.node]) / (Double(max(1, graph.sizes[keep.node])) * Double(keep.stages.count))
    }

    /// Takes each of `keeps` in turn (but those of node `except`) that leaves the plan within the budget.
    private func fill(_ state: inout TrackedPlan, _ keeps: [TrackedPlan.Change], except: Int) -> [TrackedPlan.Undo] {
        var undos: [TrackedPlan.Undo] = []
        for keep in keeps where keep.node != except && state.mayFit(keeping: keep) {
            let undo = state.apply([keep])
            if state.overflow > 0 { state.undo(undo) } else { undos.append(undo) }
        }
        return undos
    }

    /// Descends from the incumbent by swaps of what is recomputed, in passes over the moves of the
    /// pass's plan, until a pass makes no swap or `deadline` (seconds on the search's clock)
    /// comes. Two kinds of swap, each offered when the plan fits and costs less, and undone otherwise:
    /// - **keep, then drops**: a keep; while the plan then overflows, the drop through an
    ///   overflowing stage that makes it fit at the least cost is taken, or else the one that frees
    ///   the most memory per unit of cost, at most `maxDrops` times;
    /// - **drop, then keeps**: a drop, and then every keep that fits, in the better of two orders:
    ///   costliest recomputation first, and most cost saved per byte-stage held (ResNet50 at 0.8:
    ///   after dropping node 14, cost 170, keeping node 15, 160 over 321 stages, fills the room
    ///   that nodes 48 and 79 share for 300).
    /// After each drop, the keeps it opens are taken where they fit: a value the drop's
    /// recomputation reads, now recomputed there, kept from there to its next recomputation
    /// (ResNet50 at 0.9: keeping node 36 and recomputing node 4 at stage 348 recomputes node 3
    /// there too, which is then kept into stage 349 instead of being recomputed again).
    mutating func improveBySwaps(until deadline: Double, maxDrops: Int = 3) {
        guard let start = best else { return }
        var state = TrackedPlan(start.plan, graph: graph, budget: budget)
        var swaps = 0, tried = 0
        let began = elapsed()
        // The chain's plan when it fits and is cheaper and the simulator agrees; else every change undone.
        func conclude(_ undos: [TrackedPlan.Undo]) -> Bool {
            if state.overflow == 0, state.cost < best!.cost {
                assert(state.isCurrent, "the stage costs and peaks tracked swap by swap differ from the plan's")
                offer(state.plan, from: "swap")
                if best?.cost == state.cost {
                    swaps += 1
                    return true
                }
            }
            for undo in undos.reversed() { state.undo(undo) }
            return false
        }
        // A drop, and the keeps it opens that fit.
        func drop(_ change: TrackedPlan.Change, except: Int) -> [TrackedPlan.Undo] {
            let dropped = state.apply([change])
            return [dropped] + fill(&state, swapMoves(state, of: state.recomputationsChanged(by: dropped)).keeps, except: except)
        }
        var swapped = true
        search: while swapped {
            swapped = false
            // Moves of the pass's plan: later in the pass some no longer change what they did (a
            // node no longer kept, a gap moved), which the exact evaluation of each move absorbs.
            let (keeps, drops) = swapMoves(state, of: 0..<graph.count)
            for keep in keeps {
                guard elapsed() < deadline, !meetsLowerBound else { break search }
                tried += 1
                var undos = [state.apply([keep])]
                for _ in 0..<maxDrops where state.overflow > 0 && state.cost < best!.cost {
                    // overflowing[t]: how many stages before t overflow.
                    let overflowing = state.stagePeak.reduce(into: [0]) { $0.append($0.last! + ($1 > budget ? 1 : 0)) }
                    var fitting: (change: TrackedPlan.Change, cost: Int64)?
                    var freeing: (change: TrackedPlan.Change, costPerByte: Double)?
                    let (cost, overflow) = (state.cost, state.overflow)
                    // A drop recomputes its value at least (mostly): none that costs the saving left.
                    for change in drops where change.node != keep.node && cost + graph.costs[change.node] < best!.cost
                        && overflowing[change.stages.upperBound + 1] > overflowing[change.stages.lowerBound] {
                        let undos = drop(change, except: keep.node)
                        if state.cost < best!.cost {
                            if state.overflow == 0 {
                                if state.cost < fitting?.cost ?? .max { fitting = (change, state.cost) }
                            } else if state.overflow < overflow {
                                let costPerByte = Double(state.cost - cost) / Double(overflow - state.overflow)
                                if costPerByte < freeing?.costPerByte ?? .infinity { freeing = (change, costPerByte) }
                            }
                        }
                        for undo in undos.reversed() { state.undo(undo) }
                    }
                    guard let change = fitting?.change ?? freeing?.change else { break }
                    undos += drop(change, except: keep.node)
                }
                if conclude(undos) { swapped = true }
            }
            let orders = [keeps, keeps.sorted { heldWorth($0) > heldWorth($1) }]
            for change in drops {
                guard elapsed() < deadline, !meetsLowerBound else { break search }
                tried += 1
                let dropped = drop(change, except: change.node)
                var filled = fill(&state, orders[0], except: change.node)
                let first = state.overflow == 0 ? state.cost : .max
                for undo in filled.reversed() { state.undo(undo) }
                filled = fill(&state, orders[1], except: change.node)
                if state.overflow > 0 || state.cost > first {
                    for undo in filled.reversed() { state.undo(undo) }
                    filled = fill(&state, orders[0], except: change.node)
                }
                if conclude(dropped + filled) { swapped = true }
            }
        }
        log("swaps: \(swaps) made, \(tried) tried in \(String(format: "%.1f", elapsed() - began)) s, ending at cost \(best?.cost ?? 0)")
    }
}
