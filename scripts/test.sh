#!/usr/bin/env bash
# The test suite: set up, then build and run every test against the real CBC, CLP and GLPK.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec swift test "$@"
