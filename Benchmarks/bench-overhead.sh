#!/usr/bin/env bash
# Runner overhead of `milp bench`: 100 trivial instances × 2 solvers (CBC, GLPK) on 2 jobs.
# Reports the batch's wall time, the sum of the solves' own times, and the per-run overhead
# (child process wall time minus the solve's own time: spawn, load, read, record).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-release.sh
milp=.build/release/milp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$milp" generate knapsack --items 8 --knapsacks 2 --seed 1 --count 100 -o "$work/trivial" > /dev/null
start=$(date +%s.%N)
"$milp" bench "$work/trivial" --solvers cbc,glpk --time-limit 10 --jobs 2 --db "$work/r.sqlite" 2> /dev/null
end=$(date +%s.%N)
echo "batch wall time: $(echo "$end - $start" | bc) s for 200 runs on 2 jobs"
sqlite3 "$work/r.sqlite" "select 'runs: ' || count(*),
  'sum of solve times: ' || round(sum(seconds), 3) || ' s',
  'overhead per run (child wall - solve), mean: ' || round(avg(wall_seconds - seconds) * 1000, 1) || ' ms',
  'max: ' || round(max(wall_seconds - seconds) * 1000, 1) || ' ms'
  from runs" | tr '|' '\n'
sqlite3 "$work/r.sqlite" "select wall_seconds - seconds from runs order by 1" |
  awk '{a[NR]=$1} END {printf "overhead per run, median: %.1f ms, p90: %.1f ms\n", a[int(NR/2)]*1000, a[int(NR*0.9)]*1000}'
