#!/usr/bin/env bash
# Interoperability check: solve other projects' public LP/MPS test files with `milp solve` and with
# HiGHS (highspy) in the same run, and classify each file.
#
#   Benchmarks/interop.sh CORPUS_DIR [TIME_LIMIT]      (TIME_LIMIT default 20 s)
#
# Every *.mps, *.mps.gz, *.lp, *.lp.gz under CORPUS_DIR (recursively) is solved
#   - by `milp solve FILE --json --time-limit T` (exit code, status, objective, bound, stderr message);
#   - by HiGHS through Benchmarks/peers/interop_highs.py (readModel, run, model status, objective;
#     time_limit T, output_flag off, one thread).
# Each file gets one class (Benchmarks/peers/interop_classify.py says exactly how):
#   agree, disagree, milp-refused, highs-refused, both-refused, limit.
# Files that disagree, or that milp ends with status error while HiGHS reads them, get a
# third opinion: `milp solve --solver glpk`, and `--solver cbc` for LPs (default there is CLP).
# Set TIEBREAK=0 to skip that.
#
# Output: CSV (default /tmp/interop/results.csv, or env OUT) with one row per file, the raw JSON
# records beside it (RESULTS.raw.jsonl, RESULTS.extra.jsonl), and a table of counts on stdout.
#
# Needs: a milp binary, .build/release/milp by default (build it first, e.g. scripts/build-release.sh),
# overridable with env MILP=path (a debug build is fine: the solvers are the same C libraries);
# python3 with highspy (installed with pip when missing; for measuring only, not a MILPKit
# dependency); jq; coreutils timeout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus=${1:?usage: Benchmarks/interop.sh CORPUS_DIR [TIME_LIMIT]}
limit=${2:-20}
milp=${MILP:-$root/.build/release/milp}
out=${OUT:-/tmp/interop/results.csv}
tiebreak=${TIEBREAK:-1}
# Outer guard in case a process overruns its own time limit (milp has its own watchdog too).
guard=$(( ${limit%.*} * 2 + 60 ))

[ -x "$milp" ] || { echo "no milp binary at $milp (build it, or set MILP=path)" >&2; exit 1; }
command -v jq >/dev/null || { echo "needs jq (apt-get install jq)" >&2; exit 1; }
python3 -c 'import highspy' 2>/dev/null || python3 -m pip install --quiet highspy
highs_helper=$here/peers/interop_highs.py
classify=$here/peers/interop_classify.py

mkdir -p "$(dirname "$out")"
raw=${out%.csv}.raw.jsonl
extra=${out%.csv}.extra.jsonl
: > "$raw"
: > "$extra"
work=$(mktemp -d /tmp/interop.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A private copy: builds may replace the binary while this runs.
cp "$milp" "$work/milp"

# Run `milp solve FILE --json --time-limit T [ARGS...]`; print one JSON record with keys
# rc, milp (parsed object or null) and stderr.
run_milp() {
    local file=$1; shift
    local rc=0
    timeout -k 5 "$guard" "$work/milp" solve "$file" --json --time-limit "$limit" "$@" \
        >"$work/out" 2>"$work/err" </dev/null || rc=$?
    local obj
    obj=$(jq -c 'select(type == "object")' "$work/out" 2>/dev/null | tail -n 1) || obj=
    [ -n "$obj" ] || obj=null
    jq -nc --argjson rc "$rc" --argjson milp "$obj" --rawfile err "$work/err" \
        '{rc: $rc, milp: $milp, stderr: ($err | .[0:2000])}'
}

mapfile -t files < <(find "$corpus" -type f \( -name '*.mps' -o -name '*.mps.gz' -o -name '*.lp' -o -name '*.lp.gz' \
    -o -name '*.MPS' -o -name '*.LP' \) | LC_ALL=C sort)
echo "interop: ${#files[@]} files under $corpus, time limit $limit s, milp $milp" >&2
n=0
for f in "${files[@]}"; do
    n=$((n + 1))
    rel=${f#"$corpus"/}
    m=$(run_milp "$f")
    h=$(timeout -k 5 "$guard" python3 "$highs_helper" "$f" "$limit" 2>/dev/null | tail -n 1 |
        jq -c 'select(type == "object")' 2>/dev/null) || h=
    [ -n "$h" ] || h='{"read":"crash"}'
    jq -nc --arg file "$rel" --argjson m "$m" --argjson h "$h" \
        '{file: $file, milp_rc: $m.rc, milp: $m.milp, milp_stderr: $m.stderr, highs: $h}' >>"$raw"
    printf '[%d/%d] %-70s milp %-10s highs %s\n' "$n" "${#files[@]}" "$rel" \
        "$(jq -r '.milp.status // ("rc " + (.rc | tostring))' <<<"$m")" "$(jq -r '.status // .read' <<<"$h")" >&2
done

if [ "$tiebreak" = 1 ]; then
    while IFS=$'\t' read -r rel kind; do
        solvers=(glpk)
        [ "$kind" = lp ] && solvers+=(cbc)
        for s in "${solvers[@]}"; do
            e=$(run_milp "$corpus/$rel" --solver "$s")
            jq -nc --arg file "$rel" --arg s "$s" --argjson e "$e" \
                '{file: $file, solver: $s, rc: $e.rc, milp: $e.milp, stderr: $e.stderr}' >>"$extra"
            echo "tiebreak: $rel --solver $s: $(jq -r '.milp.status // ("rc " + (.rc | tostring))' <<<"$e")" >&2
        done
    done < <(python3 "$classify" tiebreak "$raw")
fi

python3 "$classify" report "$raw" "$extra" "$out"
echo "CSV: $out" >&2
