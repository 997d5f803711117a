#!/usr/bin/env bash
# Tucker core-shape benchmark (issue 7): `milp coreshape` on the shipped tensors (digits, lfw, china,
# flower) at every budget of their *.core_shapes.json, per method, checked against the exact shapes.
# Reference figures (the paper's Python code, timed on this machine): ../shared/docs/anchors.md.
# Needs ../shared/data/tensors (or TENSORS=dir). Results: docs/benchmarks.md, "Tucker core-shape selection".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
data=${TENSORS:-../shared/data/tensors}
[ -d "$data" ] || data=/work/shared/data/tensors
scripts/build-release.sh
milp=.build/release/milp
out=$(mktemp -d)
methods=${METHODS:-ip paper-ip greedy greedy-param brute}

for t in digits lfw china flower; do
    budgets=$(python3 -c "import json,sys; print(','.join(str(r['budget']) for r in json.load(open('$data/$t.core_shapes.json'))['results']))")
    for m in $methods; do
        # Whole command, process start, .npy read, spectra and (for ip) every budget, HOSVD RRE skipped.
        start=$(date +%s.%N)
        $milp coreshape "$data/$t.npy" --budget "$budgets" --method "$m" --no-rre --json > "$out/$t.$m.jsonl"
        end=$(date +%s.%N)
        echo "$t $m total $(python3 -c "print(f'{$end - $start:.3f}')") s" >> "$out/totals.txt"
    done
    # The RRE of the exact shapes (HOSVD evaluation, timed apart).
    $milp coreshape "$data/$t.npy" --budget "$budgets" --method ip --json > "$out/$t.ip-rre.jsonl"
done

python3 - "$data" "$out" <<'PY'
import json, sys
data, out = sys.argv[1], sys.argv[2]
methods = "ip paper-ip greedy greedy-param brute".split()
print("| tensor | budget | exact shape | ip shape | ip s/budget | ip IPs | paper-ip shape | paper-ip s | greedy | greedy-param | brute s | RRE (ip) |")
print("|---|---:|---|---|---:|---:|---|---:|---|---|---:|---:|")
summary = {m: [0, 0] for m in methods}
for t in "digits lfw china flower".split():
    ref = {r["budget"]: r for r in json.load(open(f"{data}/{t}.core_shapes.json"))["results"]}
    res = {}
    for m in methods:
        try:
            res[m] = {o["budget"]: o for o in map(json.loads, open(f"{out}/{t}.{m}.jsonl"))}
        except FileNotFoundError:
            res[m] = {}
    rre = {o["budget"]: o for o in map(json.loads, open(f"{out}/{t}.ip-rre.jsonl"))}
    for b, r in ref.items():
        def exact(m):
            o = res[m].get(b)
            if o is None: return None
            ok = abs(o["retained_energy"] - r["hosvd_prefix_sum"]) <= 1e-9 * r["hosvd_prefix_sum"]
            summary[m][0] += ok; summary[m][1] += 1
            return ok
        cell = lambda m: ("x".join(map(str, res[m][b]["shape"])) + ("" if exact(m) else " (sub-opt)")) if b in res[m] else "-"
        exact("brute")
        ip = res["ip"].get(b, {})
        print(f"| {t} | {b} | {'x'.join(map(str, r['core_shape']))} | {cell('ip')} | {ip.get('solve_seconds', float('nan')):.3f} | {ip.get('integer_programs', '-')} | "
              f"{cell('paper-ip')} | {res['paper-ip'].get(b, {}).get('solve_seconds', float('nan')):.3f} | {cell('greedy')} | {cell('greedy-param')} | "
              f"{res['brute'].get(b, {}).get('solve_seconds', float('nan')):.3f} | {rre[b]['rre']:.4g} |")
    sp = next(iter(res["ip"].values()))["spectra_seconds"]
    print(f"\n{t}: spectra {sp:.3f} s\n")
print("\nExact optimum found (surrogate objective within 1e-9):")
for m, (ok, n) in summary.items():
    print(f"- {m}: {ok} of {n}")
PY
echo
cat "$out/totals.txt"
