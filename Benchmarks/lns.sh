#!/usr/bin/env bash
# LNS benchmark (issue 5): plain CBC (one thread) against the LNS over CBC repairs (two repairs at
# a time, one per core) on the Balans test instances, at one time limit, in one run; then the
# report (mean primal gap, primal integral, per instance) and the peers' figures.
#
#   Benchmarks/lns.sh [LIMIT] [DB]       LIMIT seconds per run (60); DB the results database
#                                        (default /tmp/lns-LIMIT.sqlite; rerunning resumes it)
#   BALANS=0 Benchmarks/lns.sh ...       skip re-running Balans (pip balans) beside CBC
#   BALANS=FILE Benchmarks/lns.sh ...    take Balans's values from an earlier run's CSV (resuming)
#
# Phase 1: plain CBC and Balans over SCIP (Benchmarks/peers/balans_run.py), one core each, at the
# same time. Phase 2: the LNS alone (it uses both cores). Primal gaps are against
# Benchmarks/instances/lns/best-known.csv (MIPLIB optima, else the best of the peers' values; a
# run that finds better becomes the reference). Results: docs/benchmarks.md.
#
#   Benchmarks/lns.sh fresh [LIMIT] [DB] the generalization benchmark: instances never tuned on,
#                                        SCIP and Balans in the same run (Benchmarks/lns-fresh.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = fresh ]; then
    shift
    exec Benchmarks/lns-fresh.sh "$@"
fi
scripts/setup.sh
scripts/build-release.sh
limit=${1:-60}
db=${2:-/tmp/lns-$limit.sqlite}
work=$(mktemp -d /tmp/lns-bench.XXXXXX)
# A private copy: other builds may replace .build/release/milp while this runs.
cp .build/release/milp "$work/milp"
set=Benchmarks/instances/lns
echo "== $(date -u +%Y-%m-%dT%H:%MZ), limit $limit s, load $(cut -d' ' -f1-3 /proc/loadavg) =="
balans=$work/balans-$limit.csv
echo "instance,objective,wall_seconds" > "$balans"
if [ -f "${BALANS:-1}" ]; then
    tail -n +2 "$BALANS" >> "$balans"
elif [ "${BALANS:-1}" = 1 ]; then
    python3 -c "import balans" 2>/dev/null || pip install -q balans
    (for f in "$set"/*.mps.gz; do
        python3 Benchmarks/peers/balans_run.py "$f" "$limit" 2>/dev/null || echo "$(basename "$f" .mps.gz),,"
    done >> "$balans") &
fi
"$work/milp" bench "$set" --solvers "cbc:threads=1" --time-limit "$limit" --jobs 1 \
    --optimal-values "$set/best-known.csv" --db "$db" || true
wait
# Kept beside the database so an interrupted run can resume with BALANS=$db.balans.csv.
cp "$balans" "$db.balans.csv"
"$work/milp" bench "$set" --solvers "lns" --time-limit "$limit" --jobs 1 \
    --optimal-values "$set/best-known.csv" --db "$db" || true
# Exit 1 means some run is wrong: the report says which, and the script goes on to show it.
"$work/milp" report "$db" --optimal-values "$set/best-known.csv" > "$work/report.md" || [ $? = 1 ]
"$work/milp" report "$db" --optimal-values "$set/best-known.csv" --format json > "$work/report.json" || [ $? = 1 ]
sed -n '/## Summary per solver/,/^Performance profile/p' "$work/report.md" | sed '$d'
sed -n '/## Per instance/,/## Definitions/p' "$work/report.md" | sed '$d'
echo "== Peers: mean primal gap against the same references =="
echo "   (peers-60s.csv: measured at 60 s earlier; balans-$limit: Balans re-run beside CBC above)"
cat "$balans"
python3 - "$set/peers-60s.csv" "$set/best-known.csv" "$work/report.json" "$balans" <<'PY'
import csv, json, sys
peers, known, report, balans = sys.argv[1:]
# The report's references: best-known, or better when a run found better.
ref = {r["name"]: float(r["objective"]) for r in csv.DictReader(open(known))}
for run in json.load(open(report)).get("runs", []):
    if run.get("reference") is not None:
        ref[run["instance"]] = run["reference"]
def gap(f, g):
    if f is None: return 1.0
    if f == g == 0: return 0.0
    if f * g < 0: return 1.0
    return abs(f - g) / max(abs(f), abs(g))
for tool in ["cbc", "scip", "balans"]:
    gaps = []
    for r in csv.DictReader(open(peers)):
        v = r[f"{tool}_obj"]
        gaps.append(gap(None if v in ("", "None") else float(v), ref[r["instance"]]))
    print(f"{tool + '-60s':12s} mean primal gap {sum(gaps) / len(gaps):.3f}  ({', '.join(f'{g:.3f}' for g in gaps)})")
rerun = {r["instance"]: r["objective"] for r in csv.DictReader(open(balans))}
if rerun:
    # Everything against one reference: the best of best-known, this run's and Balans's values.
    runs = json.load(open(report)).get("runs", [])
    maximize = {r["instance"] for r in runs if r.get("sense") == "maximize"}
    best = dict(ref)
    values = {}
    for r in runs:
        values[(r["solver"], r["instance"])] = r["objective"] if r.get("has_solution") else None
    for n, v in rerun.items():
        values[("balans-now", n)] = float(v) if v else None
    for (tool, n), v in values.items():
        if v is not None and n in best:
            best[n] = max(best[n], v) if n in maximize else min(best[n], v)
    print("== Mean primal gap, all against the best value anyone found (incl. Balans now) ==")
    for tool in sorted({t for t, _ in values}):
        gaps = [gap(values.get((tool, n)), best[n]) for n in sorted(best)]
        print(f"{tool:16s} {sum(gaps) / len(gaps):.3f}  ({', '.join(f'{n} {g:.3f}' for n, g in zip(sorted(best), gaps))})")
PY
echo "report: $work/report.md"
