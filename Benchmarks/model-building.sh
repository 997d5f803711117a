#!/usr/bin/env bash
# Model-building benchmark (issue 2): MILPKit vs python-mip on the same machine, same run.
#   CFL 2000 × 100 (800,100 nonzeros): build; build + hand-off to CBC; build + write MPS.
#   n-Queens 1000 (4M nonzeros): build; build + hand-off.
# Needs hyperfine (apt) and python-mip (pip install mip). Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
python3 -c "import mip" 2>/dev/null || pip install -q mip
scripts/build-release.sh
milp=.build/release/milp
out=$(mktemp -d)
runs=${RUNS:-10}

echo "== In-process figures (the tool's own clock, 3 runs) =="
for i in 1 2 3; do $milp generate cfl --clients 2000 --facilities 100 --hand-off -o "$out/cfl.mps" --json; done
for i in 1 2 3; do $milp generate queens --n 1000 --hand-off --json; done

echo "== Whole commands, process start included (hyperfine) =="
hyperfine --runs "$runs" --warmup 1 --export-markdown "$out/hyperfine.md" \
  -n "milpkit cfl build" "$milp generate cfl --clients 2000 --facilities 100" \
  -n "milpkit cfl build+handoff" "$milp generate cfl --clients 2000 --facilities 100 --hand-off" \
  -n "milpkit cfl build+write" "$milp generate cfl --clients 2000 --facilities 100 -o $out/cfl.mps" \
  -n "python-mip cfl build+write" "python3 Benchmarks/peers/cfl_python_mip.py 2000 100 $out/cfl_mip.mps" \
  -n "milpkit queens-1000 build" "$milp generate queens --n 1000" \
  -n "milpkit queens-1000 build+handoff" "$milp generate queens --n 1000 --hand-off"
cat "$out/hyperfine.md"

echo "== python-mip in-process figures =="
python3 Benchmarks/peers/cfl_python_mip.py 2000 100 "$out/cfl_mip.mps"
python3 Benchmarks/peers/queens_python_mip.py "${QUEENS_PEER_N:-1000}"
rm -rf "$out"
