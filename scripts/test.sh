#!/usr/bin/env bash
# The test suite: set up, then build and run every test against the real CBC, CLP and GLPK, then
# build and run the Examples package, then `milp bench --slurm` on a real single-node Slurm that
# scripts/slurm-test.sh starts (installing slurm-wlm and munge when missing) and stops, then the
# LLM client against LiteLLM's proxy that scripts/litellm-test.sh installs (PyPI, into a cached
# venv), starts and stops. With arguments (e.g. --filter NAME) only `swift test` runs, with them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test "$@"
if (($# == 0)); then
    scripts/examples.sh
    scripts/slurm-test.sh
    scripts/litellm-test.sh
fi
