#!/usr/bin/env bash
# Builds the DocC reference of the library products into .build/docs (one archive per module,
# MILPKit's with the articles of Sources/MILPKit/MILPKit.docc). Warnings are errors.
# Usage: scripts/docs.sh [--static-hosting]   (the latter writes browsable HTML instead)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p .build/docs
for target in MILPKit MILP MILPCbc MILPClp MILPGlpk MILPFormats MILPGenerators MILPLNS MILPIIS MILPBench MILPRemat MILPCoreShape MILPSynth; do
    echo "== $target"
    extra=()
    if [[ "${1:-}" == "--static-hosting" ]]; then extra=(--transform-for-static-hosting --hosting-base-path "$target"); fi
    swift package --allow-writing-to-directory .build/docs generate-documentation --target "$target" \
        --warnings-as-errors --output-path ".build/docs/$target.doccarchive" "${extra[@]}"
done
echo "DocC archives in .build/docs"
