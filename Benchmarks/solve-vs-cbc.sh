#!/usr/bin/env bash
# `milp solve` vs the `cbc` executable on the bundled MIPs (issue goal: ≤ 5% slower in shifted
# geometric mean of wall time, identical objectives).
#
#   Benchmarks/solve-vs-cbc.sh [CSV]          (CSV default: /tmp/solve-vs-cbc.csv)
#
# For every MIP in instances/{miplib3,miplib2017,sample} with a known optimum in
# instances/optimal-values.csv: one run of each tool (objective, node count; cbc must prove
# optimality within SCREEN_LIMIT seconds or the instance is skipped), then WARMUP unrecorded runs
# of each and RUNS rounds of hyperfine with one run of each command, alternating which goes first
# (a single hyperfine call would run all of one command's runs before the other's):
#   ours:  milp solve FILE --solver cbc --json
#   cbc:   /usr/bin/cbc FILE -timeMode elapsed -solve -quit
# Both run CBC 2.10.8 with its default settings, one thread. Objectives must equal the known
# optimum within 1e-6 relative (absolute for |optimum| < 1); a mismatch is printed loudly and
# makes the script exit 1.
#
# CSV columns: mean/stddev/min wall seconds per tool, ratio of means, mean CPU seconds (user+sys,
# less sensitive to other load on the machine), objectives, node counts, load before measuring.
#
# Environment: RUNS (5), WARMUP (1), SCREEN_LIMIT (60 s), MAX_LOAD (1.2: wait until the 1-minute
# load average is below it before each instance, at most LOAD_WAIT = 300 s), ONLY (space-separated
# instance names to run), SKIP (names to skip without measuring), CBC (/usr/bin/cbc).
# Results: docs/benchmarks-solve.md.
set -euo pipefail
cd "$(dirname "$0")/.."
csv=${1:-/tmp/solve-vs-cbc.csv}
runs=${RUNS:-5}
warmup=${WARMUP:-1}
screen_limit=${SCREEN_LIMIT:-60}
max_load=${MAX_LOAD:-1.2}
load_wait=${LOAD_WAIT:-300}
cbc=${CBC:-/usr/bin/cbc}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$cbc" ] || { echo "needs the cbc executable at $cbc (apt-get install coinor-cbc)" >&2; exit 1; }

scripts/build-release.sh
work=$(mktemp -d /tmp/solve-vs-cbc.XXXXXX)
# A private copy: other builds may replace .build/release/milp while this runs.
cp .build/release/milp "$work/milp"
milp=$work/milp
echo "work directory: $work"

wait_for_quiet() {
    local waited=0
    while :; do
        local load
        load=$(cut -d' ' -f1 /proc/loadavg)
        if python3 -c "import sys; sys.exit(0 if $load < $max_load else 1)"; then break; fi
        if ((waited >= load_wait)); then echo "  (load still $load after ${waited}s; measuring anyway)" >&2; break; fi
        sleep 10
        waited=$((waited + 10))
    done
    cut -d' ' -f1 /proc/loadavg
}

echo "instance,ours_mean_s,ours_stddev_s,ours_min_s,cbc_mean_s,cbc_stddev_s,cbc_min_s,ratio,ours_cpu_s,cbc_cpu_s,ours_objective,cbc_objective,known_optimum,ours_nodes,cbc_nodes,load_before,status" > "$csv"
for file in instances/miplib3/*.mps.gz instances/miplib2017/*.mps.gz instances/sample/*.mps.gz; do
    name=$(basename "$file" .mps.gz)
    if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then continue; fi
    known=$(awk -F, -v n="$name" '$1 == n { print $2 "," $3 }' instances/optimal-values.csv)
    optimum=${known%,*}
    status=${known#*,}
    skip() { echo "$name: skipped: $1"; echo "$name,,,,,,,,,,,,$optimum,,,,skipped: $1" >> "$csv"; }
    if [ -z "$known" ]; then skip "no entry in optimal-values.csv"; continue; fi
    if [ "$status" != opt ] || [ -z "$optimum" ]; then skip "no optimum (status $status in optimal-values.csv)"; continue; fi
    if [[ " ${SKIP:-} " == *" $name "* ]]; then skip "listed in SKIP"; continue; fi

    # Screening run of each tool: objective, nodes, and whether cbc finishes in time.
    if ! timeout "$screen_limit" "$cbc" "$file" -timeMode elapsed -solve -quit > "$work/$name.cbc.log" 2>&1 \
        || ! grep -q "^Result - Optimal solution found" "$work/$name.cbc.log"; then
        skip "cbc did not prove optimality within ${screen_limit} s"
        continue
    fi
    cbc_obj=$(awk '/^Objective value:/ { print $3 }' "$work/$name.cbc.log")
    cbc_nodes=$(awk '/^Enumerated nodes:/ { print $3 }' "$work/$name.cbc.log")
    "$milp" solve "$file" --solver cbc --json > "$work/$name.ours.json" || true
    read -r ours_status ours_obj ours_nodes < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["status"], r["objective"], r["nodes"])' "$work/$name.ours.json")
    if [ "$ours_status" != optimal ]; then
        echo "!!! $name: milp solve reported status $ours_status" >&2
        skip "milp solve reported $ours_status"
        continue
    fi

    load=$(wait_for_quiet)
    # hyperfine runs all runs of one command before the other's; to interleave them, each round is
    # one hyperfine call with one run of each command, alternating which goes first.
    ours_cmd="$milp solve $file --solver cbc --json"
    cbc_cmd="$cbc $file -timeMode elapsed -solve -quit"
    for ((w = 0; w < warmup; w++)); do $ours_cmd > /dev/null; $cbc_cmd > /dev/null; done
    for ((round = 1; round <= runs; round++)); do
        if ((round % 2)); then order=(-n ours "$ours_cmd" -n cbc "$cbc_cmd"); else order=(-n cbc "$cbc_cmd" -n ours "$ours_cmd"); fi
        hyperfine -N --runs 1 --style none --export-json "$work/$name.round$round.json" "${order[@]}" > /dev/null
    done
    python3 - "$work" "$runs" "$name" "$ours_obj" "$cbc_obj" "$optimum" "$ours_nodes" "$cbc_nodes" "$load" >> "$csv" <<'EOF'
import json, statistics, sys
work, runs, name, ours_obj, cbc_obj, optimum, ours_nodes, cbc_nodes, load = sys.argv[1:]
wall = {"ours": [], "cbc": []}
cpu = {"ours": [], "cbc": []}
for k in range(1, int(runs) + 1):
    for r in json.load(open(f"{work}/{name}.round{k}.json"))["results"]:
        wall[r["command"]] += r["times"]
        cpu[r["command"]].append(r["user"] + r["system"])
mean = {c: statistics.fmean(t) for c, t in wall.items()}
sd = {c: statistics.stdev(t) if len(t) > 1 else 0.0 for c, t in wall.items()}
opt = float(optimum)
ok = lambda x: abs(float(x) - opt) <= 1e-6 * max(1.0, abs(opt))
status = "ok" if ok(ours_obj) and ok(cbc_obj) else "OBJECTIVE MISMATCH"
print(",".join(str(x) for x in [name, f'{mean["ours"]:.4f}', f'{sd["ours"]:.4f}', f'{min(wall["ours"]):.4f}',
    f'{mean["cbc"]:.4f}', f'{sd["cbc"]:.4f}', f'{min(wall["cbc"]):.4f}', f'{mean["ours"] / mean["cbc"]:.4f}',
    f'{statistics.fmean(cpu["ours"]):.4f}', f'{statistics.fmean(cpu["cbc"]):.4f}', ours_obj, cbc_obj, optimum,
    ours_nodes, cbc_nodes, load, status]))
EOF
    tail -1 "$csv" | awk -F, '{ printf "%-14s ours %8.3f s  cbc %8.3f s  ratio %.3f  (cpu %.3f / %.3f)  obj %s / %s (known %s)  nodes %s / %s  load %s  %s\n", $1, $2, $5, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17 }'
done

echo
echo "== Summary (CSV: $csv) =="
python3 - "$csv" <<'EOF'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
done = [r for r in rows if r["ours_mean_s"]]
def sgm(xs, s):
    return math.exp(sum(math.log(x + s) for x in xs) / len(xs)) - s
def report(label, sel):
    if not sel:
        return
    ours = [float(r["ours_mean_s"]) for r in sel]
    cbc = [float(r["cbc_mean_s"]) for r in sel]
    ours_cpu = [float(r["ours_cpu_s"]) for r in sel]
    cbc_cpu = [float(r["cbc_cpu_s"]) for r in sel]
    print(f"{label} ({len(sel)} instances)")
    for what, x, y in (("wall", ours, cbc), ("cpu (user+sys)", ours_cpu, cbc_cpu)):
        for s in (1, 10):
            a, b = sgm(x, s), sgm(y, s)
            print(f"  {what}, shift {s:>2} s: ours {a:.4f} s, cbc {b:.4f} s, ratio {a / b:.4f} ({(a / b - 1) * 100:+.1f}%)")
report("All measured instances", done)
report("Instances where both explored the same number of nodes", [r for r in done if r["ours_nodes"] == r["cbc_nodes"]])
for r in rows:
    if not r["ours_mean_s"]:
        print(f"skipped {r['instance']}: {r['status'].removeprefix('skipped: ')}")
bad = [r["instance"] for r in done if r["status"] != "ok"]
if bad:
    print("!!! OBJECTIVE MISMATCH on: " + ", ".join(bad))
    sys.exit(1)
print("objectives: all equal the known optimum within 1e-6 relative")
EOF
