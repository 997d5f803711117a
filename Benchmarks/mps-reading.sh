#!/usr/bin/env bash
# MPS reading benchmark (issue 3): reading a large free-MPS file, whole commands with process
# start, MILPKit (`milp stats`) against CBC, GLPK and HiGHS on the same files in the same run,
# and `cat | wc -l` as the I/O floor. Results: docs/benchmarks.md.
#
#   Benchmarks/mps-reading.sh [DIR]      files are kept in DIR (default /tmp/mps-reading) and
#                                        generated when missing; RUNS=10 by default
#
# Files: the 2000 × 100 capacitated facility location model (200,100 columns, 202,100 rows,
# 800,100 nonzeros) written by `milp generate cfl --clients 2000 --facilities 100` and by python-mip (Benchmarks/peers/
# cfl_python_mip.py: the same model; python-mip's CBC writes `NAME.mps.mps.gz`, unpacked here).
# Needs hyperfine, coinor-cbc and glpk-utils (apt), mip and highspy (pip).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
python3 -c "import mip" 2>/dev/null || pip install -q mip
python3 -c "import highspy" 2>/dev/null || pip install -q highspy
scripts/build-release.sh
milp=.build/release/milp
dir=${1:-/tmp/mps-reading}
runs=${RUNS:-10}
mkdir -p "$dir"

ours=$dir/cfl-milpkit.mps
peer=$dir/cfl-python-mip.mps
[ -s "$ours" ] || $milp generate cfl --clients 2000 --facilities 100 -o "$ours" >/dev/null
if [ ! -s "$peer" ]; then
    python3 Benchmarks/peers/cfl_python_mip.py 2000 100 "$peer"
    gunzip -c "$peer.mps.gz" > "$peer.tmp" && mv "$peer.tmp" "$peer" && rm -f "$peer.mps.gz"
fi

echo "== Files =="
for f in "$ours" "$peer"; do
    echo "$f: $(du -h "$f" | cut -f1), $(wc -l < "$f") lines"
done
echo "== Versions =="
/usr/bin/cbc -quit 2>&1 | grep -m1 Version || true
glpsol --version | head -1
python3 -c "import highspy; print('highspy', highspy.Highs().version())" 2>/dev/null | tail -1
$milp stats "$ours"

# HiGHS through highspy: the Python start and `import highspy` (measured alone below) are part
# of the time, as they are for anyone reading a file with it.
highs='import highspy, sys; h = highspy.Highs(); h.setOptionValue("output_flag", False); h.readModel(sys.argv[1])'
for f in "$ours" "$peer"; do
    echo "== $(basename "$f") (hyperfine, $runs runs + 1 warm-up) =="
    hyperfine --runs "$runs" --warmup 1 --export-markdown "$dir/$(basename "$f" .mps).md" \
      -n "milp stats" "$milp stats $f" \
      -n "cbc -quit" "/usr/bin/cbc $f -quit" \
      -n "glpsol --check" "glpsol --freemps $f --check" \
      -n "highspy readModel" "python3 -c '$highs' $f" \
      -n "python3 + import highspy" "python3 -c 'import highspy; highspy.Highs()'" \
      -n "cat | wc -l" "cat $f | wc -l"
    cat "$dir/$(basename "$f" .mps).md"
done
