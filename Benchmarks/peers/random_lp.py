#!/usr/bin/env python3
"""Badly scaled random LPs, solved by `milp solve` (CLP, GLPK) and by HiGHS, status by status.

Usage: Benchmarks/peers/random_lp.py MILP FIRST_SEED LAST_SEED [OUT_DIR]

Each seed gives one small LP (4-14 columns, 2-8 rows) in the style of the LPs that trip solvers'
presolve and scaling: objective coefficients from 1e9 to -2.5e10 next to 0.01, free columns,
columns fixed at 0, row coefficients from 1e-3 to 1e3. HiGHS (highspy, for measuring only) is the
reference. Each (seed, solver) is classified:
  agree  - same status (and objective within 1e-6 relative when both are optimal);
  error  - milp reports status error (a claim it could not confirm: honest, not an answer);
  wrong  - milp reports another status or objective than HiGHS.
Prints each disagreement and a count per solver; keeps the files of disagreements in OUT_DIR.
"""
import json, os, random, subprocess, sys

import highspy


def write_lp(path, seed):
    r = random.Random(seed)
    n, m = random.Random(seed).randint(4, 14), random.Random(seed + 7).randint(2, 8)
    columns = []
    for _ in range(n):
        cost = r.choice([0, 0, 1e9, -2.5e10, -0.01, 1, -1, 1e7, -1e7])
        bounds = r.choice([(0, None), (None, None), (0, 0), (None, 0), (0, r.choice([1, 100, 1e6]))])
        entries = {i: r.choice([1, -1, 2, -0.5, 1000, -1000, 0.001, 1e-3, r.uniform(-5, 5)])
                   for i in r.sample(range(m), r.randint(1, min(3, m)))}
        columns.append((cost, bounds, entries))
    rows = [(r.choice("LGE"), r.choice([0, 0, 1, -1, 100, 1e6, r.uniform(-50, 50)])) for _ in range(m)]
    with open(path, "w") as f:
        f.write("NAME random\nROWS\n N obj\n" + "".join(f" {t} r{i}\n" for i, (t, _) in enumerate(rows)))
        f.write("COLUMNS\n")
        for j, (cost, _, entries) in enumerate(columns):
            f.write(f" x{j} obj {cost!r}\n" + "".join(f" x{j} r{i} {v!r}\n" for i, v in entries.items()))
        f.write("RHS\n" + "".join(f" RHS r{i} {b!r}\n" for i, (_, b) in enumerate(rows) if b))
        f.write("BOUNDS\n")
        for j, (_, (lo, up), _) in enumerate(columns):
            if lo is None and up is None:
                f.write(f" FR BND x{j}\n")
            elif lo is None:
                f.write(f" MI BND x{j}\n UP BND x{j} {up!r}\n")
            elif up is not None:
                f.write(f" UP BND x{j} {up!r}\n")
        f.write("ENDATA\n")


def highs(path):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", 20.0)
    h.readModel(path)
    h.run()
    status = h.modelStatusToString(h.getModelStatus()).lower()
    status = {"primal infeasible or unbounded": "infeasible_or_unbounded"}.get(status, status)
    return status, h.getInfo().objective_function_value


def milp(binary, path, solver):
    out = subprocess.run([binary, "solve", path, "--json", "--solver", solver, "--time-limit", "20"],
                         capture_output=True, text=True).stdout
    report = json.loads(out[out.index("{"):])
    return report["status"], report.get("objective"), report.get("message", "")


def main():
    binary, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    keep = sys.argv[4] if len(sys.argv) > 4 else "/tmp/random-lp"
    os.makedirs(keep, exist_ok=True)
    counts = {}
    for seed in range(first, last):
        path = os.path.join(keep, f"lp{seed}.mps")
        write_lp(path, seed)
        reference, reference_objective = highs(path)
        kept = False
        for solver in ("clp", "glpk"):
            status, objective, message = milp(binary, path, solver)
            if status == "error":
                verdict = "error"
            elif status == "optimal" and reference == "optimal":
                verdict = "agree" if abs(objective - reference_objective) <= 1e-6 * max(1, abs(reference_objective)) else "wrong"
            elif status == reference or (reference == "infeasible_or_unbounded" and status in ("infeasible", "unbounded")):
                verdict = "agree"
            else:
                verdict = "wrong"
            counts[(solver, verdict)] = counts.get((solver, verdict), 0) + 1
            if verdict != "agree":
                kept = True
                print(f"seed {seed} {solver}: {status} {objective} | HiGHS {reference} {reference_objective} | {message[:160]}", flush=True)
        if not kept:
            os.remove(path)
    for solver in ("clp", "glpk"):
        print(solver, {v: counts.get((solver, v), 0) for v in ("agree", "error", "wrong")})


if __name__ == "__main__":
    main()
