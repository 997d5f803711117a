#!/usr/bin/env bash
# Tensor rematerialization (issues 6 and 24): `milp remat` (method auto, CBC, one thread) beside
# Moccasin's retention-interval model on OR-Tools CP-SAT with one worker (Benchmarks/peers/
# moccasin_cpsat.py, PyPI, for measuring only), one run at a time, on the seven MLSys training
# graphs and the random layered graphs n100…n1000 at 0.9 and 0.8 × the no-remat peak. Both get
# the same budget in bytes and the same limit; both schedules are replayed by `milp remat --verify`.
# Each milp run first solves the LP relaxation at the budget (--lp-bound, at most a third of the limit).
#
# Usage: Benchmarks/remat.sh [TIME_LIMIT_SECONDS=120] [OUT.jsonl=remat-results.jsonl]
# Env:   REMAT_DATA (default ../shared/data/remat), MILP (a prebuilt binary; default: build
#        release), GRAPHS (default: all eleven), MOCCASIN=0 to skip the peer, RESUME=1 to keep
#        OUT's rows and run only the graph/budget pairs it lacks (the 600 s run takes ≈ 5 h: it
#        can be run in parts, each pair's two tools still side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-120}
out=${2:-remat-results.jsonl}
data=${REMAT_DATA:-../shared/data/remat}
if [ -z "${MILP:-}" ]; then
  scripts/build-release.sh
  MILP=.build/release/milp
fi
if [ "${MOCCASIN:-1}" = 1 ]; then python3 -c "import ortools" 2> /dev/null || pip install -q ortools; fi
graphs=${GRAPHS:-"vgg16_train vgg19_train mobilenet_train resnet50_train vgg_unet_train fcn_8_vgg_train segnet_train random_layered_n100 random_layered_n250 random_layered_n500 random_layered_n1000"}
commit=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)   # recorded per row: parts of a resumed run may differ
work=$(mktemp -d /tmp/remat-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "== $(date -u +%Y-%m-%dT%H:%MZ), limit $limit s, load $(cut -d' ' -f1-3 /proc/loadavg) =="
if [ "${RESUME:-0}" = 1 ]; then touch "$out"; else : > "$out"; fi
for g in $graphs; do
  for b in 0.9 0.8; do
    if grep -q "^{\"graph\": \"$g\", \"fraction\": $b," "$out"; then echo "$g $b: in $out already"; continue; fi
    # milp remat; exit 2 is bad input (a budget below what any schedule needs), reported as such.
    set +e
    line=$("$MILP" remat "$data/$g.json" --budget "$b" --time-limit "$limit" --lp-bound --json -o "$work/milp.json" 2> "$work/err")
    set -e
    milp=$(python3 - "$line" "$work/err" <<'EOF'
import json, sys
line, err = sys.argv[1], open(sys.argv[2]).read().strip()
try:
    r = json.loads(line)
    print(json.dumps({k: r.get(k) for k in ("budget", "status", "total_cost", "lower_bound", "seconds_to_best", "seconds", "order", "method")}))
except ValueError:
    print(json.dumps({"error": err.splitlines()[-1] if err else "no output"}))
EOF
)
    bytes=$(echo "$milp" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("budget") or "")')
    milp_check=null
    if [ -s "$work/milp.json" ] && [ -n "$bytes" ]; then
      milp_check=$("$MILP" remat "$data/$g.json" --budget "$bytes" --verify "$work/milp.json" --json 2> /dev/null || echo '{"valid": false}')
    fi
    peer=null; peer_check=null
    if [ "${MOCCASIN:-1}" = 1 ] && [ -n "$bytes" ]; then
      rm -f "$work/moccasin.json"
      peer=$(timeout $((limit * 3 + 60)) python3 Benchmarks/peers/moccasin_cpsat.py "$data/$g.json" "$bytes" "$limit" 1 "$work/moccasin.json" 2> /dev/null ||
             echo '{"status": "failed"}')
      if [ -s "$work/moccasin.json" ]; then
        peer_check=$("$MILP" remat "$data/$g.json" --budget "$bytes" --verify "$work/moccasin.json" --json 2> /dev/null || echo '{"valid": false}')
      fi
    fi
    echo "{\"graph\": \"$g\", \"fraction\": $b, \"commit\": \"$commit\", \"date\": \"$(date -u +%Y-%m-%dT%H:%MZ)\", \"milp\": $milp, \"milp_replay\": $milp_check, \"moccasin\": $peer, \"moccasin_replay\": $peer_check}" >> "$out"
    python3 - "$(tail -n 1 "$out")" <<'EOF'
import json, sys
r = json.loads(sys.argv[1]); m = r["milp"]; p = r["moccasin"] or {}
print(f'{r["graph"]} {r["fraction"]}: milp {m.get("status", m.get("error"))} {m.get("total_cost")} (bound {m.get("lower_bound")}), '
      f'moccasin {p.get("status")} {p.get("cost")} in {p.get("seconds")} s', flush=True)
EOF
  done
done
python3 - "$out" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def num(x, digits=0):
    return "—" if x is None else (f"{x:.{digits}f}" if isinstance(x, float) else str(x))
print()
print("| graph | B | milp cost | lower bound | gap | to best (s) | time (s) | Moccasin cost | Moccasin bound | status | to best (s) | time (s) | replays |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|")
for r in rows:
    m, p = r["milp"], r["moccasin"] or {}
    if "error" in m:
        print(f'| {r["graph"]} | {r["fraction"]} | bad input: {m["error"]} | | | | | | | | | | |')
        continue
    cost, bound = m.get("total_cost"), m.get("lower_bound")
    gap = f'{(cost - bound) / cost * 100:.2f}%' if cost and bound is not None else "—"
    ok = lambda c: "—" if c is None else ("ok" if c.get("valid") else "REJECTED")
    print(f'| {r["graph"]} | {r["fraction"]} | {num(cost)} | {num(bound)} | {gap} | {num(m.get("seconds_to_best"), 1)} | {num(m.get("seconds"), 1)} '
          f'| {num(p.get("cost"))} | {num(p.get("bound"))} | {p.get("status", "—")} | {num(p.get("seconds_to_best"), 1)} | {num(p.get("seconds"), 1)} '
          f'| milp {ok(r["milp_replay"])}, Moccasin {ok(r["moccasin_replay"])} |')
EOF
