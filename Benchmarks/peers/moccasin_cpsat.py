#!/usr/bin/env python3
"""Moccasin's retention-interval model (Bartan et al., ICML 2023) on OR-Tools CP-SAT, for measuring
`milp remat` against it (issue 24). Built from the paper and ../shared/docs/formulations.md §1:

  node v has up to C copies; copy c is an optional interval [s, e): computed at step s, resident
  until e (freed after step e-1). Copy 0 is present; copy c present => copy c-1 present and
  e[c-1] <= s[c]. For every edge (u, v) and present copy of v, some present copy of u has
  s_u < s_v < e_u. One computation per step; the cumulative size of the intervals never exceeds B.
  First copies follow the given topological order (the graph's order, as Moccasin runs it). The
  sink stays resident to the end. Objective: sum of C_v over present copies.

Usage: moccasin_cpsat.py GRAPH.json BUDGET LIMIT WORKERS SCHEDULE_OUT.json [COPIES=2]
Prints one JSON line: status, cost, bound, seconds, seconds_to_best, trace [[s, cost], ...]. The
schedule (when found) goes to SCHEDULE_OUT.json in `milp remat --verify`'s format, so the caller
replays it with milp's simulator rather than trusting the model.
"""
import json
import sys
import time

from ortools.sat.python import cp_model


def read_graph(path):
    """Nodes (label, cost, size), edges as index pairs, and the given topological order."""
    with open(path) as f:
        d = json.load(f)
    nodes = d["nodes"]
    if "cost_cpu" in nodes[0]:  # Checkmate graphs: ids are list indices, id order is topological
        labels = [n["id"] for n in nodes]
        costs = [int(n["cost_cpu"]) for n in nodes]
        sizes = [int(n["cost_ram"]) for n in nodes]
        edges = [(l["source"], l["target"]) for l in d["links"]]
        order = list(range(len(nodes)))
    else:  # random layered graphs: "name" is the index, links use keys "0"/"1", order in graph.order
        labels = [n["name"] for n in nodes]
        costs = [int(n["duration"]) for n in nodes]
        sizes = [int(n["out_cost"]) for n in nodes]
        index = {l: i for i, l in enumerate(labels)}
        edges = [(index[l["0"]], index[l["1"]]) for l in d["links"]]
        order = [index[v] for v in d["graph"]["order"]]
    return labels, costs, sizes, edges, order


class Trace(cp_model.CpSolverSolutionCallback):
    def __init__(self, objective, started):
        super().__init__()
        self.objective, self.started, self.points = objective, started, []

    def on_solution_callback(self):
        self.points.append([round(time.time() - self.started, 3), int(self.Value(self.objective))])


def main():
    path, budget, limit, workers, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    copies = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    started = time.time()
    labels, costs, sizes, edges, order = read_graph(path)
    n = len(labels)
    preds = [[] for _ in range(n)]
    succs = [[] for _ in range(n)]
    for u, v in edges:
        preds[v].append(u)
        succs[u].append(v)
    horizon = copies * n
    m = cp_model.CpModel()
    present, start, end, compute_steps, memory = {}, {}, {}, [], []
    for v in range(n):
        for c in range(copies):
            p = m.NewConstant(1) if c == 0 else m.NewBoolVar(f"p{v}_{c}")
            s = m.NewIntVar(0, horizon - 1, f"s{v}_{c}")
            e = m.NewIntVar(1, horizon, f"e{v}_{c}")
            m.Add(e >= s + 1)
            present[v, c], start[v, c], end[v, c] = p, s, e
            compute_steps.append(m.NewOptionalFixedSizeIntervalVar(s, 1, p, f"op{v}_{c}"))
            size = m.NewIntVar(1, horizon, f"len{v}_{c}")
            memory.append(m.NewOptionalIntervalVar(s, size, e, p, f"keep{v}_{c}"))
            if c > 0:
                m.AddImplication(p, present[v, c - 1])
                m.Add(end[v, c - 1] <= s).OnlyEnforceIf(p)
    # A sink stays resident to the end: its last present copy (copies are in time order) ends at the horizon.
    for v in range(n):
        if succs[v]:
            continue
        for c in range(copies):
            nxt = present[v, c + 1] if c + 1 < copies else None
            if nxt is None:
                m.Add(end[v, c] == horizon).OnlyEnforceIf(present[v, c])
            else:
                m.Add(end[v, c] == horizon).OnlyEnforceIf([present[v, c], nxt.Not()])
    m.AddNoOverlap(compute_steps)
    m.AddCumulative(memory, [sizes[v] for v in range(n) for _ in range(copies)], budget)
    # The time axis: C slots per node of the given order, its first computation in the last slot
    # of its block, recomputations in the free slots. (With the first computations only ordered,
    # not placed, CP-SAT with one worker found no schedule for n100 at 0.8 in 60 s; placed, it
    # proves 48,866 in 2 s, the figure issue 24 quotes.)
    for k, v in enumerate(order):
        m.Add(start[v, 0] == copies * k + copies - 1)
    for u, v in edges:
        for c in range(copies):
            options = []
            for d in range(copies):
                z = m.NewBoolVar(f"z{u}_{v}_{c}_{d}")
                m.AddImplication(z, present[u, d])
                m.Add(start[u, d] + 1 <= start[v, c]).OnlyEnforceIf(z)
                m.Add(start[v, c] + 1 <= end[u, d]).OnlyEnforceIf(z)
                options.append(z)
            m.AddBoolOr(options).OnlyEnforceIf(present[v, c])
    objective = sum(costs[v] * present[v, c] for v in range(n) for c in range(copies))
    m.Minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(1.0, limit - (time.time() - started))
    solver.parameters.num_workers = workers
    trace = Trace(objective, started)
    status = solver.Solve(m, trace)
    result = {"graph": path, "budget": budget, "copies": copies, "workers": workers,
              "status": solver.StatusName(status).lower(), "seconds": round(time.time() - started, 3),
              "trace": trace.points, "cost": None, "bound": None, "seconds_to_best": None}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result["cost"] = int(solver.ObjectiveValue())
        result["bound"] = int(round(solver.BestObjectiveBound()))
        result["seconds_to_best"] = trace.points[-1][0] if trace.points else None
        events = []
        for step in range(horizon):
            for v in range(n):
                for c in range(copies):
                    if solver.Value(present[v, c]) and solver.Value(start[v, c]) == step:
                        events.append({"op": "compute", "node": labels[v]})
            for v in range(n):
                for c in range(copies):
                    if solver.Value(present[v, c]) and solver.Value(end[v, c]) == step + 1 and step + 1 < horizon:
                        events.append({"op": "free", "node": labels[v]})
        with open(out, "w") as f:
            json.dump({"graph": path, "budget": budget, "events": events}, f)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
