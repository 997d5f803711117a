#!/usr/bin/env bash
# The cost of handing an LNS repair to CBC (issue 23): the same sub-MIPs (80 % of the integers
# fixed at a feasible point) solved in process, in a fresh `milp solve` child per repair (MPS and
# .sol files), and in a persistent `milp worker` (binary frames over a socket), in turn per
# sub-MIP. Prints the mean wall time per repair and each way's excess over the in-process solve.
# Usage: Benchmarks/repair-overhead.sh [REPAIRS]   (default 15; release builds of milp and the tool)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-release.sh
milp=$PWD/.build/release/milp
repairs=${1:-15}
swift build -c release --package-path Benchmarks/RepairOverhead 2>&1 | tail -1
tool=Benchmarks/RepairOverhead/.build/release/repair-overhead
for instance in gisp_102 mis_2 mvc_8 b1c1s1; do
    "$tool" "$milp" "Benchmarks/instances/lns/$instance.mps.gz" "$repairs"
done
