#!/usr/bin/env bash
# Tensor rematerialization (issue 6): `milp remat` (method auto, CBC, one thread) on the seven MLSys
# training graphs and the random layered graphs n100/n250 at 0.9 and 0.8 × the no-remat peak.
# Each run first solves the LP relaxation at the budget (--lp-bound, at most a third of the limit).
#
# Usage: Benchmarks/remat.sh [TIME_LIMIT_SECONDS=120] [OUT.jsonl=remat-results.jsonl]
# Env:   REMAT_DATA (default ../shared/data/remat), MILP (a prebuilt binary; default: build release)
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-120}
out=${2:-remat-results.jsonl}
data=${REMAT_DATA:-../shared/data/remat}
if [ -z "${MILP:-}" ]; then
  scripts/build-release.sh
  MILP=.build/release/milp
fi
graphs="vgg16_train vgg19_train mobilenet_train resnet50_train vgg_unet_train fcn_8_vgg_train segnet_train random_layered_n100 random_layered_n250"
: > "$out"
for g in $graphs; do
  for b in 0.9 0.8; do
    err=$(mktemp)
    set +e
    line=$("$MILP" remat "$data/$g.json" --budget "$b" --time-limit "$limit" --lp-bound --json 2> "$err")
    status=$?
    set -e
    if [ -n "$line" ]; then
      echo "$line" | jq -c --arg f "$g" --argjson b "$b" --argjson rc "$status" '. + {file: $f, fraction: $b, exit: $rc}' >> "$out"
    else
      jq -nc --arg f "$g" --argjson b "$b" --argjson rc "$status" --arg e "$(cat "$err")" '{file: $f, fraction: $b, exit: $rc, error: $e}' >> "$out"
    fi
    rm -f "$err"
    tail -n 1 "$out" | jq -r '"\(.file) \(.fraction): \(.status // "error") cost \(.total_cost // "-") in \(.seconds // 0 | floor) s"'
  done
done
echo
echo "| graph | budget | method | status | total cost | overhead | LP bound | best bound | gap to bound | to best (s) | time (s) | Chen √n cost (fits) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
jq -r '
  def pct: if . == null then "-" else (. * 10000 | round / 100 | tostring) + "%" end;
  def chen: (.baselines // [] | map(select(.name == "chen-sqrt-n"))[0] // {}) | "\(.total_cost // "-") (\(if .fits_budget then "fits" else "over" end))";
  if .error then "| \(.file) | \(.fraction) | | bad input | | | | | | | | \(.error | gsub("\n"; " ")) |"
  else "| \(.file) | \(.fraction) | \(.method) | \(.status) | \(.total_cost // "-") | \(.overhead | pct) | \(.lp_bound // "-" | if type == "number" then round else . end) | \(.lower_bound // "-" | if type == "number" then round else . end) | \(.gap | pct) | \(.seconds_to_best // "-" | if type == "number" then (. * 10 | round / 10) else . end) | \(.seconds * 10 | round / 10) | \(chen) |"
  end' "$out"
