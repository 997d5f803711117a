#!/usr/bin/env bash
# Badly scaled random LPs: `milp solve` with CLP and with GLPK against HiGHS, status by status
# (Benchmarks/peers/random_lp.py says how the LPs are made and how answers are classified).
#
#   Benchmarks/random-lp.sh [SEEDS] [MILP...]     SEEDS default 1000; each MILP binary (default
#                                                   .build/release/milp) is run on the same LPs
#
# Give an older build as a second binary to see what confirmation changed. Needs python3 with
# highspy (installed with pip when missing; for measuring only). Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-1000}
shift || true
binaries=("$@")
((${#binaries[@]})) || binaries=(.build/release/milp)
python3 -c 'import highspy' 2>/dev/null || python3 -m pip install --quiet highspy
for binary in "${binaries[@]}"; do
    [ -x "$binary" ] || { echo "no milp binary at $binary" >&2; exit 1; }
    copy=$(mktemp /tmp/random-lp-milp.XXXXXX)
    cp "$binary" "$copy"   # builds may replace the binary while this runs
    chmod +x "$copy"
    echo "== $binary"
    python3 Benchmarks/peers/random_lp.py "$copy" 0 "$seeds" "/tmp/random-lp/$(basename "$copy")" | grep -v "^Running HiGHS\|^Includes third-party"
    rm -f "$copy"
done
