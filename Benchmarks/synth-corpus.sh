#!/usr/bin/env bash
# LLM-style algebraic models (issue 22): `milp synth eval --algebraic-dir` on the development corpus
# (Benchmarks/synth-corpus, which the reader was built against) and the held-out one
# (Benchmarks/synth-corpus-heldout, written without looking at the reader), with CBC and with GLPK,
# against answers from an independent reader + HiGHS (each corpus's reference.py). Prints the
# counts per corpus and solver and every model not matched, with the reader's reason.
# BASELINE=path runs another milp (e.g. a build of an older commit, which lacks `eval
# --algebraic-dir`) file by file with `milp synth --algebraic --json` for comparison.
# MILP=path uses another executable (e.g. a debug build). Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MILP:-}" ]; then
    scripts/setup.sh
    scripts/build-release.sh
fi
milp=${MILP:-.build/release/milp}
for corpus in Benchmarks/synth-corpus Benchmarks/synth-corpus-heldout; do
    [ -d "$corpus" ] || continue
    for solver in cbc glpk; do
        echo "== $corpus, $solver"
        $milp synth eval --algebraic-dir "$corpus/models" --answers "$corpus/answers.jsonl" --solver $solver
        echo
    done
    if [ -n "${BASELINE:-}" ]; then
        echo "== $corpus, baseline $BASELINE"
        python3 - "$BASELINE" "$corpus" <<'PY'
import collections, json, subprocess, sys
milp, corpus = sys.argv[1], sys.argv[2]
counts, reasons = collections.Counter(), collections.Counter()
for a in (json.loads(l) for l in open(f"{corpus}/answers.jsonl") if l.strip()):
    p = subprocess.run([milp, "synth", "--algebraic", f"{corpus}/models/{a['id']}.txt", "--json"], capture_output=True, text=True)
    if p.returncode == 2:
        counts["refused_as_expected" if a["status"] == "refused" else "refused"] += 1
        if a["status"] != "refused":
            lines = p.stderr.strip().splitlines()
            reasons[(lines[1] if len(lines) > 1 else p.stderr).split(": ")[-1].split('"')[0].strip()[:50]] += 1
        continue
    try:
        o = json.loads(p.stdout)
    except ValueError:
        o = {"status": "error", "objective": None}
    if a["status"] == "refused":
        counts["accepted_invalid"] += 1
    elif o["status"] == a["status"] and o["objective"] is not None and abs(o["objective"] - a["objective"]) <= 1e-6 * max(1, abs(a["objective"])):
        counts["matched"] += 1
    else:
        counts["mismatched"] += 1
print(dict(counts))
print("first refusal reason per file:", dict(reasons.most_common()))
PY
        echo
    fi
done
