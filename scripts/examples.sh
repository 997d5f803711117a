#!/usr/bin/env bash
# Builds the Examples package, which depends on this repository by path as a user's package does,
# and runs every example; each checks its own answers and exits 1 when one is wrong. A public API
# that breaks an example fails here.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --package-path Examples
bin=$(swift build --package-path Examples --show-bin-path)
for example in QuickStart Rematerialization CoreShapes Synthesis LargeNeighborhoodSearch Cancellation InfeasibleModels; do
    echo "== Examples: $example"
    "$bin/$example"
done
