#!/usr/bin/env bash
# NL4Opt evaluation (issue 8): compile the NL4Opt test set's gold declarations with `milp synth eval`,
# solve every problem in both readings (integer, continuous) with CBC and with GLPK, and compare with
# the published optima (answers.jsonl). Prints the summary, the reading counts, the 218 cross-checked
# problems, and every problem not reproduced with its reason, grouped by the data set's cross-check.
# Needs ../shared/data/nl4opt (or NL4OPT=dir). MILP=path uses another executable (e.g. a debug build).
# Results: docs/benchmarks.md, "NL4Opt: gold declarations vs published optima".
set -euo pipefail
cd "$(dirname "$0")/.."
data=${NL4OPT:-../shared/data/nl4opt}
[ -d "$data" ] || data=/work/shared/data/nl4opt
if [ -z "${MILP:-}" ]; then
    scripts/setup.sh
    scripts/build-release.sh
fi
milp=${MILP:-.build/release/milp}
out=$(mktemp -d)
for solver in cbc glpk; do
    start=$(date +%s.%N)
    $milp synth eval --nl4opt "$data/test.jsonl" --answers "$data/answers.jsonl" --solver $solver --json > "$out/$solver.json"
    end=$(date +%s.%N)
    echo "$solver $(python3 -c "print(f'{$end - $start:.3f}')")" >> "$out/times.txt"
done

python3 - "$out" <<'PY'
import collections, json, sys
out = sys.argv[1]
times = dict(line.split() for line in open(f"{out}/times.txt"))
runs = {s: json.load(open(f"{out}/{s}.json")) for s in ("cbc", "glpk")}
for s, r in runs.items():
    readings = collections.Counter(p["reading"] for p in r["problems"] if p["matched"])
    print(f"{s}: matched {r['matched']}/{r['total']} (integer {readings['integer']}, continuous {readings['continuous']}); "
          f"cross-checked {r['trusted_matched']}/{r['trusted_total']}; integer alone {r['integer_only_matched']}; "
          f"integer or continuous-if-infeasible {r['integer_or_continuous_if_infeasible_matched']}; "
          f"command {times[s]} s (solves {r['seconds']:.3f} s)")
cbc, glpk = runs["cbc"]["problems"], runs["glpk"]["problems"]
differ = [a["id"] for a, b in zip(cbc, glpk) if a["matched"] != b["matched"] or a["reading"] != b["reading"]]
print(f"cbc and glpk agree on every problem: {not differ} {differ or ''}")
continuous = [p["id"] for p in cbc if p["reading"] == "continuous"]
print(f"reproduced by the continuous reading only ({len(continuous)}): {' '.join(continuous)}")
misses = [p for p in cbc if not p["matched"]]
print(f"\nnot reproduced: {len(misses)}")
for status, group in sorted(collections.Counter(p["crosscheck"] for p in misses).items()):
    print(f"  {status}: {group}")
print("\n| problem | crosscheck | reason |\n|---|---|---|")
for p in misses:
    print(f"| {p['id']} | {p['crosscheck']} | {p['reason']} |")
PY
