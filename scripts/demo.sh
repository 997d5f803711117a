#!/usr/bin/env bash
# The main job: set up, build in release mode, solve the bundled models with every solver.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-release.sh
exec .build/release/milp demo "$@"
