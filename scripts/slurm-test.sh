#!/usr/bin/env bash
# `milp bench --slurm` on a real Slurm: a private single-node cluster on localhost
# (scripts/slurm-cluster.sh, stopped by pid on exit, also when a check fails), then
#   1. 12 bundled instances × cbc,glpk run locally and with --slurm --wait over 4 array tasks: the
#      merged database must hold exactly the local run's runs (same keys, statuses, objectives of
#      runs solved to optimality; no duplicates, no wrong answers);
#   2. another batch whose task 0 is cancelled (scancel) mid-run: the command run again submits
#      only what is missing and completes the batch, the interrupted run stored as killed;
#   3. bad input: a shard of another batch in the folder is refused (exit 2), and --slurm without
#      sbatch in PATH exits 2 saying what to install.
# Prints what it does; exits 1 on the first failed check. MILP (default: the debug build) is the
# binary under test.
set -euo pipefail
cd "$(dirname "$0")/.."
milp=${MILP:-$(swift build --show-bin-path)/milp}
[ -x "$milp" ] || { echo "no milp binary at $milp (swift build first, or set MILP)" >&2; exit 1; }
work=$(mktemp -d /tmp/milp-slurm-test.XXXXXX)
cleanup() { scripts/slurm-cluster.sh stop "$work/cluster" || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "slurm-test: FAILED: $*" >&2; exit 1; }

mkdir "$work/cluster"
started=$SECONDS
eval "$(scripts/slurm-cluster.sh start "$work/cluster")"
echo "slurm-test: cluster up in $((SECONDS - started)) s (SLURM_CONF=$SLURM_CONF)"

# Small instances both solvers finish in well under the time limit.
cat > "$work/instances.txt" <<EOF
$PWD/instances/miplib3/p0033.mps.gz
$PWD/instances/miplib3/lseu.mps.gz
$PWD/instances/miplib3/mod010.mps.gz
$PWD/instances/miplib3/vpm1.mps.gz
$PWD/instances/miplib3/gen.mps.gz
$PWD/instances/miplib3/dsbmip.mps.gz
$PWD/instances/netlib/afiro.mps.gz
$PWD/instances/netlib/adlittle.mps.gz
$PWD/instances/netlib/blend.mps.gz
$PWD/instances/netlib/sc50a.mps.gz
$PWD/instances/sample/exmip1.mps.gz
$PWD/instances/infeasible/galenet.mps.gz
EOF
common=("$work/instances.txt" --solvers cbc,glpk --time-limit 30 --optimal-values instances/optimal-values.csv)

echo "slurm-test: 1. local batch, then the same batch with --slurm --wait over 4 tasks"
started=$SECONDS
"$milp" bench "${common[@]}" --jobs 2 --db "$work/local.sqlite" 2> "$work/local.log" || fail "local batch: $(tail -3 "$work/local.log")"
echo "slurm-test:    local: $((SECONDS - started)) s"
started=$SECONDS
"$milp" bench "${common[@]}" --db "$work/slurm.sqlite" --slurm --slurm-tasks 4 --wait 2> "$work/slurm.log" \
    || fail "slurm batch (exit $?): $(tail -5 "$work/slurm.log")"
echo "slurm-test:    slurm: $((SECONDS - started)) s"
python3 - "$work/local.sqlite" "$work/slurm.sqlite" <<'EOF' || fail "the Slurm batch's database differs from the local one's"
import sqlite3, sys
def runs(path):
    rows = sqlite3.connect(path).execute(
        "SELECT instance_hash, solver, seed, time_limit, instance, status, objective, wrong FROM runs").fetchall()
    keys = [r[:4] for r in rows]
    assert len(keys) == len(set(keys)), f"{path}: duplicate runs"
    return {r[:4]: r[4:] for r in rows}
local, slurm = runs(sys.argv[1]), runs(sys.argv[2])
assert len(local) == 24, f"local: {len(local)} runs, expected 24"
assert set(local) == set(slurm), f"keys differ: {set(local) ^ set(slurm)}"
for key, (name, status, objective, wrong) in slurm.items():
    assert wrong is None, f"{name} {key[1]}: wrong: {wrong}"
    l = local[key]
    assert status == l[1], f"{name} {key[1]}: {status} on Slurm, {l[1]} locally"
    if status == "optimal":
        assert abs(objective - l[2]) <= 1e-6 * max(1, abs(l[2])), f"{name} {key[1]}: {objective} vs {l[2]}"
print("slurm-test:    24 runs, same keys, statuses and optima as the local batch; no duplicates, none wrong")
EOF
"$milp" bench status "$work/slurm-slurm" | sed 's/^/slurm-test:    /'

echo "slurm-test: 2. cancel task 0 mid-run, run the command again"
# In path order stein45 comes first, so task 0 begins with stein45 on CBC, which runs to its
# time limit: the task is cancelled in the middle of that run.
for name in miplib3/stein45 miplib3/vpm1 netlib/adlittle netlib/afiro netlib/blend netlib/kb2 netlib/sc105 netlib/sc50a; do
    echo "$PWD/instances/$name.mps.gz"
done > "$work/second.txt"
second=("$work/second.txt" --solvers cbc,glpk --time-limit 8 --optimal-values instances/optimal-values.csv
        --db "$work/second.sqlite" --slurm --slurm-tasks 4)
"$milp" bench "${second[@]}" 2> "$work/second.log" || fail "submitting the second batch: $(tail -3 "$work/second.log")"
array=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["submissions"][0]["arrayJob"])' "$work/second-slurm/batch.json")
for _ in $(seq 120); do  # until task 0 is in its stein45 run
    [ -f "$work/second-slurm/shard-0.sqlite" ] && [ "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(
        "SELECT count(*) FROM started WHERE record LIKE ?", ("%stein45%",)).fetchone()[0])' "$work/second-slurm/shard-0.sqlite" 2>/dev/null)" = 1 ] && break
    sleep 0.5
done
sleep 1
scancel "${array}_0"
echo "slurm-test:    cancelled task ${array}_0"
for _ in $(seq 120); do [ -z "$(squeue --noheader)" ] && break; sleep 1; done
"$milp" bench status "$work/second-slurm" | sed 's/^/slurm-test:    /'
"$milp" bench "${second[@]}" --wait 2> "$work/second-again.log" || fail "the second batch again (exit $?): $(tail -5 "$work/second-again.log")"
grep -q "tasks 0)" "$work/second-again.log" || fail "the rerun did not submit task 0 alone: $(grep submitted "$work/second-again.log")"
grep "submitted" "$work/second-again.log" | sed 's/^/slurm-test:    /'
"$milp" bench status "$work/second-slurm" | sed 's/^/slurm-test:    /'
python3 - "$work/second.sqlite" <<'EOF' || fail "the second batch is not complete"
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT instance, solver, status, message FROM runs").fetchall()
assert len(rows) == 16, f"{len(rows)} runs, expected 16"
killed = [r for r in rows if r[2] == "killed"]
assert len(killed) == 1 and killed[0][:2] == ("stein45", "cbc") and "ended before the run did" in killed[0][3], f"interrupted runs: {killed}"
print(f"slurm-test:    16 runs stored once each; the interrupted one ({killed[0][0]} {killed[0][1]}) as killed")
EOF

echo "slurm-test: 3. bad input"
cp "$work/second-slurm/shard-1.sqlite" "$work/slurm-slurm/shard-1.sqlite"
status=0
"$milp" bench "${common[@]}" --db "$work/slurm.sqlite" --slurm --slurm-tasks 4 2> "$work/refused.log" || status=$?
[ $status -eq 2 ] && grep -q "refusing to merge" "$work/refused.log" || fail "foreign shard: exit $status: $(cat "$work/refused.log")"
echo "slurm-test:    a shard of another batch: $(grep -o 'refusing to merge it' "$work/refused.log") (exit 2)"
status=0
PATH=/nonexistent "$milp" bench "${common[@]}" --db "$work/nosbatch.sqlite" --slurm 2> "$work/nosbatch.log" || status=$?
[ $status -eq 2 ] && grep -q "slurm-client" "$work/nosbatch.log" || fail "no sbatch: exit $status: $(cat "$work/nosbatch.log")"
echo "slurm-test:    no sbatch in PATH: exit 2, \"$(grep -o 'install Slurm.*' "$work/nosbatch.log" | head -c 80)…\""
echo "slurm-test: passed"
