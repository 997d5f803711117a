#!/usr/bin/env bash
# LNS benchmark (issue 5): plain CBC (one thread) against the LNS over CBC repairs (two repairs at
# a time, one per core) on the Balans test instances, at one time limit, in one run; then the
# report (mean primal gap, primal integral, per instance) and the peers' 60 s figures.
#
#   Benchmarks/lns.sh [LIMIT] [DB]       LIMIT seconds per run (60); DB the results database
#                                        (default /tmp/lns-LIMIT.sqlite; rerunning resumes it)
#
# Runs one at a time (--jobs 1): the LNS uses both cores. Primal gaps are against
# Benchmarks/instances/lns/best-known.csv (MIPLIB optima, else the best of the peers' values; a
# run that finds better becomes the reference). Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-release.sh
limit=${1:-60}
db=${2:-/tmp/lns-$limit.sqlite}
work=$(mktemp -d /tmp/lns-bench.XXXXXX)
# A private copy: other builds may replace .build/release/milp while this runs.
cp .build/release/milp "$work/milp"
set=Benchmarks/instances/lns
echo "== $(date -u +%Y-%m-%dT%H:%MZ), limit $limit s, load $(cut -d' ' -f1-3 /proc/loadavg) =="
"$work/milp" bench "$set" --solvers "cbc:threads=1,lns" --time-limit "$limit" --jobs 1 \
    --optimal-values "$set/best-known.csv" --db "$db" || true
"$work/milp" report "$db" --optimal-values "$set/best-known.csv" > "$work/report.md"
"$work/milp" report "$db" --optimal-values "$set/best-known.csv" --format json > "$work/report.json"
sed -n '/## Summary per solver/,/^Performance profile/p' "$work/report.md" | sed '$d'
sed -n '/## Per instance/,/## Definitions/p' "$work/report.md" | sed '$d'
echo "== Peers at 60 s ($set/peers-60s.csv): mean primal gap against the same references =="
python3 - "$set/peers-60s.csv" "$set/best-known.csv" "$work/report.json" <<'PY'
import csv, json, sys
peers, known, report = sys.argv[1:]
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
    print(f"{tool:8s} mean primal gap {sum(gaps) / len(gaps):.3f}  ({', '.join(f'{g:.3f}' for g in gaps)})")
PY
echo "report: $work/report.md"
