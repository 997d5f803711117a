#!/usr/bin/env bash
# Irreducible infeasible subsystems: `milp iis` against HiGHS 1.16's getIis in the same run.
#
#   Benchmarks/iis.sh [FILE...]          (default: instances/infeasible/*.mps.gz)
#
# Per file, REPEATS times each (default 5), alternating:
#   - `milp iis FILE --json -o SUB.mps` (CLP): size (row sides + bounds), irreducible, solves, and
#     the search's own seconds (the library's `IISResult.seconds`: reading the file excluded);
#   - Benchmarks/peers/highs_iis.py FILE: HiGHS's getIis with iis_strategy 6 (from the LP, made
#     irreducible), its size counted the same way and the seconds of the getIis call alone.
# Then our subsystem file is checked by HiGHS (Benchmarks/peers/verify_iis.py): infeasible, and
# feasible after dropping any one member. Medians of the seconds; sizes must not vary.
#
# Output: a Markdown table on stdout, raw JSON lines in $OUT (default /tmp/iis-bench).
# Needs: .build/release/milp (scripts/build-release.sh; env MILP overrides), python3 with highspy
# (installed with pip when missing; for measuring only, not a MILPKit dependency), jq.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
milp=${MILP:-$root/.build/release/milp}
out=${OUT:-/tmp/iis-bench}
repeats=${REPEATS:-5}
[ -x "$milp" ] || { echo "no milp binary at $milp (scripts/build-release.sh, or set MILP=path)" >&2; exit 1; }
command -v jq >/dev/null || { echo "needs jq (apt-get install jq)" >&2; exit 1; }
python3 -c 'import highspy' 2>/dev/null || python3 -m pip install --quiet highspy
mkdir -p "$out"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$root"/instances/infeasible/*.mps.gz)

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

echo "| instance | milp size (rows + bounds) | irreducible | solves | milp s | HiGHS size (rows + bounds) | HiGHS irreducible | HiGHS s | ours verified by HiGHS |"
echo "|---|---|---|---|---|---|---|---|---|"
total_ours=0 total_highs=0 time_ours=0 time_highs=0 verified=0
for file in "${files[@]}"; do
    name=$(basename "$file"); name=${name%.gz}; name=${name%.mps}; name=${name%.lp}
    : > "$out/$name.milp.jsonl"; : > "$out/$name.highs.jsonl"
    for _ in $(seq "$repeats"); do
        "$milp" iis "$file" --json -o "$out/$name.iis.mps" >> "$out/$name.milp.jsonl" 2> /dev/null || true
        python3 "$here/peers/highs_iis.py" "$file" >> "$out/$name.highs.jsonl" || true
        echo >> "$out/$name.highs.jsonl"
    done
    sed -i '/^$/d' "$out/$name.highs.jsonl"
    ours=$(jq -s 'map(.size) | unique | join("/")' -r "$out/$name.milp.jsonl")
    ours_rows=$(jq -s '.[0] | "\(.size - (.bounds | length)) + \(.bounds | length)"' -r "$out/$name.milp.jsonl")
    ours_irreducible=$(jq -s '.[0].irreducible' "$out/$name.milp.jsonl")
    solves=$(jq -s '.[0].solves' "$out/$name.milp.jsonl")
    ours_s=$(jq '.seconds' "$out/$name.milp.jsonl" | median)
    highs=$(jq -s 'map(.size) | unique | join("/")' -r "$out/$name.highs.jsonl")
    highs_rows=$(jq -s '.[0] | "\(.row_sides) + \(.bound_sides)"' -r "$out/$name.highs.jsonl")
    highs_irreducible=$(jq -s '.[0].irreducible' "$out/$name.highs.jsonl")
    highs_s=$(jq '.seconds' "$out/$name.highs.jsonl" | median)
    check=$(python3 "$here/peers/verify_iis.py" "$out/$name.iis.mps" | tee "$out/$name.verify.json" | jq -r 'if .irreducible then "yes" else "NO: \(.not_needed + .inconclusive | join(", "))" end')
    [ "$check" = yes ] && verified=$((verified + 1))
    total_ours=$((total_ours + ${ours%%/*})); total_highs=$((total_highs + ${highs%%/*}))
    time_ours=$(echo "$time_ours + $ours_s" | bc -l); time_highs=$(echo "$time_highs + $highs_s" | bc -l)
    printf "| %s | %s (%s) | %s | %s | %.4f | %s (%s) | %s | %.4f | %s |\n" "$name" "$ours" "$ours_rows" "$ours_irreducible" "$solves" \
        "$ours_s" "$highs" "$highs_rows" "$highs_irreducible" "$highs_s" "$check"
done
printf "| **total** | **%s** | | | **%.3f** | **%s** | | **%.3f** | %s of %s |\n" "$total_ours" "$time_ours" "$total_highs" "$time_highs" "$verified" "${#files[@]}"
