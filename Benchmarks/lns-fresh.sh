#!/usr/bin/env bash
# LNS generalization benchmark (issue 23), run as `Benchmarks/lns.sh fresh`: instances the LNS
# was never tuned on, plain CBC, SCIP, Balans over SCIP and the LNS, one process at a time.
#
#   Benchmarks/lns.sh fresh [LIMIT] [DB]   LIMIT seconds per run (60); DB the milp bench results
#                                          (default /tmp/lns-fresh-LIMIT.sqlite; the peers' runs go to
#                                          DB.peers.jsonl). Rerunning resumes: finished runs are kept.
#   BUSY=1 Benchmarks/lns.sh fresh ...     one core kept busy by another process (`yes`, started here
#                                          and stopped by pid) while plain CBC and the LNS run
#   SOLVERS="cbc:threads=1" PEERS=scip ... only these of `milp bench`'s solvers (default: plain CBC
#                                          and the LNS) and of the peers (default: scip balans; empty
#                                          for none), e.g. to run the one-core parts of a long run
#                                          beside another benchmark pinned to the other core
#
# Instances (25): 15 generated with `milp generate`, three per family at sizes beyond the
# learn2branch defaults, and the ten MIPLIB 2017 instances of Benchmarks/instances/lns-fresh.
# Seeds 1-100 are the development seeds (tests and tuning use seeds below 30); this benchmark uses
# the evaluation seeds 1001-1003 only, which nothing was tuned on.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-release.sh
limit=${1:-60}
db=${2:-/tmp/lns-fresh-$limit${BUSY:+-busy}.sqlite}
peers=$db.peers.jsonl
work=$(mktemp -d /tmp/lns-fresh.XXXXXX)
# A private copy: other builds may replace .build/release/milp while this runs.
cp .build/release/milp "$work/milp"
milp=$work/milp
set=$work/instances
mkdir -p "$set"
cp Benchmarks/instances/lns-fresh/*.mps.gz "$set/"
evaluation_seed=1001
"$milp" generate setcover --rows 2000 --cols 1000 --seed $evaluation_seed --count 3 -o "$set/" > /dev/null
"$milp" generate cauction --items 300 --bids 1500 --seed $evaluation_seed --count 3 -o "$set/" > /dev/null
"$milp" generate cfl --customers 400 --facilities 100 --seed $evaluation_seed --count 3 -o "$set/" > /dev/null
"$milp" generate indset --nodes 1500 --affinity 4 --seed $evaluation_seed --count 3 -o "$set/" > /dev/null
"$milp" generate knapsack --items 250 --knapsacks 10 --seed $evaluation_seed --count 3 -o "$set/" > /dev/null
known=Benchmarks/instances/lns-fresh/best-known.csv
busy=
if [ -n "${BUSY:-}" ]; then
    yes > /dev/null &
    busy=$!
fi
trap '[ -n "$busy" ] && kill "$busy" 2> /dev/null; rm -rf "$work"' EXIT
echo "== $(date -u +%Y-%m-%dT%H:%MZ), limit $limit s, $(ls "$set" | wc -l) instances, load $(cut -d' ' -f1-3 /proc/loadavg)${busy:+, one core busy (pid $busy)} =="
for solver in ${SOLVERS-cbc:threads=1 lns}; do
    # Exit 1 flags a wrong answer; the report below shows it.
    "$milp" bench "$set" --solvers "$solver" --time-limit "$limit" --jobs 1 --optimal-values "$known" --db "$db" || true
done
touch "$peers"
if [ -z "$busy" ]; then
    python3 -c "import balans, pyscipopt" 2> /dev/null || pip install -q balans
    for tool in ${PEERS-scip balans}; do
        for f in "$set"/*.mps.gz; do
            name=$(basename "$f" .mps.gz)
            grep -q "\"instance\": \"$name\", \"tool\": \"$tool\"" "$peers" && continue
            echo "$tool $name" >&2
            python3 Benchmarks/peers/lns_peer_run.py "$tool" "$f" "$limit" >> "$peers" ||
                echo "{\"instance\": \"$name\", \"tool\": \"$tool\", \"objective\": null, \"sense\": \"minimize\", \"wall_seconds\": $limit, \"trace\": [], \"error\": \"the peer process failed\"}" >> "$peers"
        done
    done
fi
python3 Benchmarks/peers/lns_fresh_report.py "$db" "$peers" "$known" "$limit"
