#!/usr/bin/env bash
# Builds the release `milp` executable the way every script and benchmark uses it: with the Swift
# runtime and Foundation linked statically, which cuts process start from ~22 ms to ~14 ms
# (docs/benchmarks.md). Prints the last build line; the executable is .build/release/milp.
# Retries once: SwiftPM may fail when files change during the build.
set -euo pipefail
cd "$(dirname "$0")/.."
for attempt in 1 2; do
    if out=$(swift build -c release --static-swift-stdlib --product milp 2>&1); then
        echo "$out" | tail -1
        exit 0
    fi
    [ "$attempt" = 2 ] && { echo "$out" | grep -E "error" | head -20 >&2; exit 1; }
    sleep 5
done
