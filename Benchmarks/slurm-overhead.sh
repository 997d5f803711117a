#!/usr/bin/env bash
# What the Slurm path of `milp bench` costs against a local batch of the same runs: 12 small
# bundled instances × cbc,glpk, time limit 30 s, on a private single-node Slurm on localhost
# (scripts/slurm-cluster.sh; stopped on exit). Both use the machine's two cores: the local batch
# with --jobs 2, the Slurm batch as 4 tasks of --jobs 1 on a 2-CPU node. Timed with hyperfine
# (RUNS runs each, default 3, alternating), each run from an empty database and folder.
#
#   Benchmarks/slurm-overhead.sh        (MILP=path overrides .build/release/milp)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get install -y -q hyperfine >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q hyperfine >/dev/null; }; }
milp=${MILP:-.build/release/milp}
[ -x "$milp" ] || scripts/build-release.sh
runs=${RUNS:-3}
work=$(mktemp -d /tmp/milp-slurm-overhead.XXXXXX)
trap 'scripts/slurm-cluster.sh stop "$work/cluster" || true; rm -rf "$work"' EXIT
mkdir "$work/cluster"
eval "$(scripts/slurm-cluster.sh start "$work/cluster")"
for name in miplib3/p0033 miplib3/lseu miplib3/mod010 miplib3/vpm1 miplib3/gen miplib3/dsbmip netlib/afiro \
            netlib/adlittle netlib/blend netlib/sc50a sample/exmip1 infeasible/galenet; do
    echo "$PWD/instances/$name.mps.gz"
done > "$work/instances.txt"
bench="$milp bench $work/instances.txt --solvers cbc,glpk --time-limit 30 --optimal-values instances/optimal-values.csv"
hyperfine --runs "$runs" --export-markdown "$work/table.md" \
    --prepare "rm -rf $work/local.sqlite* $work/slurm.sqlite* $work/slurm-slurm" \
    -n "local (--jobs 2)" "$bench --jobs 2 --db $work/local.sqlite 2> /dev/null" \
    -n "slurm (4 tasks, --wait)" "$bench --db $work/slurm.sqlite --slurm --slurm-tasks 4 --wait 2> /dev/null"
cat "$work/table.md"
