"""Per-family mean primal gap and primal integral for the LNS generalization benchmark (issue 23).

    python3 lns_fresh_report.py DB PEERS.jsonl BEST_KNOWN.csv LIMIT

DB: the `milp bench` results (solvers cbc:threads=1 and lns); PEERS.jsonl: lines of
lns_peer_run.py (scip, balans). One reference per instance: the known optimum from BEST_KNOWN.csv,
else (and when a run found better) the best value any tool found in these runs. Primal gap and
primal integral as `milp report` defines them (its docs: gap 1 without a solution or across signs,
else |f - f*| / max(|f|, |f*|); integral of the incumbent's gap over [0, LIMIT], 1 before the
first). Prints Markdown tables: per family, then per instance.
"""
import csv, json, sqlite3, sys
from collections import defaultdict

db, peers_path, known_path, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
TOOLS = ["cbc", "scip", "balans", "lns"]


def gap(f, ref):
    if f is None:
        return 1.0
    if f == 0 and ref == 0:
        return 0.0
    if f * ref < 0:
        return 1.0
    g = abs(f - ref) / max(abs(f), abs(ref))
    return 0.0 if g < 1e-9 else min(g, 1.0)


def integral(trace, final, end, ref):
    events = sorted((min(max(t, 0), limit), gap(v, ref)) for t, v in trace)
    if final is not None:
        events.append((min(max(end, 0), limit), gap(final, ref)))
    steps = [(0.0, 1.0)]
    for t, g in sorted(events, key=lambda e: e[0]):
        if steps[-1][0] == t:
            steps[-1] = (t, g)
        else:
            steps.append((t, g))
    total = 0.0
    for i, (t, g) in enumerate(steps):
        nxt = steps[i + 1][0] if i + 1 < len(steps) else limit
        total += g * max(min(nxt, limit) - t, 0)
    return total


runs = {}  # (tool, instance) -> (objective, trace, end, note)
sense = {}
with sqlite3.connect(db) as connection:
    for instance, solver, objective, has_solution, seconds, trace, status, message, run_sense in connection.execute(
            "select instance, solver, objective, has_solution, wall_seconds, trace, status, message, sense from runs"):
        tool = "lns" if solver == "lns" else "cbc"
        runs[(tool, instance)] = (objective if has_solution else None, json.loads(trace) if trace else [],
                                  seconds, None if status in ("optimal", "limit") else f"{status}: {message}")
        sense[instance] = run_sense
        if tool == "cbc" and status == "optimal":
            runs[("cbc-proved", instance)] = True
for line in open(peers_path):
    r = json.loads(line)
    runs[(r["tool"], r["instance"])] = (r["objective"], r["trace"], r["wall_seconds"], r.get("error"))
    sense.setdefault(r["instance"], r["sense"])

instances = sorted({i for (t, i) in runs if t in TOOLS})
reference = {r["name"]: float(r["objective"]) for r in csv.DictReader(open(known_path))}
for instance in instances:
    values = [runs[(t, instance)][0] for t in TOOLS if (t, instance) in runs and runs[(t, instance)][0] is not None]
    pick = max if sense.get(instance) == "maximize" else min
    if values:
        reference[instance] = pick(values + ([reference[instance]] if instance in reference else []))


def family(instance):
    for prefix in ("setcover", "cauction", "cfl", "indset", "knapsack"):
        if instance.startswith(prefix):
            return prefix
    return "miplib2017"


rows = defaultdict(lambda: defaultdict(list))
per_instance = []
for instance in instances:
    ref = reference.get(instance)
    if ref is None:
        continue
    line = [instance, f"{ref:g}"]
    for tool in TOOLS:
        objective, trace, end, note = runs.get((tool, instance), (None, [], limit, "not run"))
        g, pi = gap(objective, ref), integral(trace, objective, end, ref)
        rows[family(instance)][tool].append((g, pi))
        rows["all"][tool].append((g, pi))
        line.append(("—" if objective is None else f"{objective:g}") + f" ({g:.3f})" + (" †" if note else ""))
    line.append("yes" if runs.get(("cbc-proved", instance)) else "no")
    per_instance.append(line)

print(f"Mean primal gap / mean primal integral (s), {limit:g} s per run\n")
print("| family | n | " + " | ".join(TOOLS) + " |")
print("|---|---:|" + "---:|" * len(TOOLS))
for name in ["setcover", "cauction", "cfl", "indset", "knapsack", "miplib2017", "all"]:
    if name not in rows:
        continue
    cells = []
    for tool in TOOLS:
        pairs = rows[name][tool]
        cells.append(f"{sum(g for g, _ in pairs) / len(pairs):.3f} / {sum(p for _, p in pairs) / len(pairs):.1f}")
    print(f"| {name} | {len(rows[name]['cbc'])} | " + " | ".join(cells) + " |")
print("\nPer instance: objective (primal gap); † the run ended in an error or returned nothing\n")
print("| instance | reference | " + " | ".join(TOOLS) + " | CBC proved optimal |")
print("|---|---:|" + "---:|" * len(TOOLS) + "---|")
for line in per_instance:
    print("| " + " | ".join(line) + " |")
notes = [(t, i, runs[(t, i)][3]) for (t, i) in runs if t in TOOLS and runs[(t, i)][3]]
for tool, instance, note in notes:
    print(f"- {tool} on {instance}: {note}")
