#!/usr/bin/env python3
"""HiGHS's IIS finder on one model, for the IIS benchmark: print one JSON line.

    python3 Benchmarks/peers/highs_iis.py MODEL.mps[.gz] [--time-limit S]

Output (stdout, one line): {"file", "status": "iis" (HiGHS proved its subsystem irreducible) |
"reducible" (an infeasible subsystem HiGHS could not reduce to an IIS) | "unknown" (no verdict,
e.g. HiGHS's own re-check of its subsystem failed) | "time_limit" | "feasible" | "error", "rows",
"bounds": entries of HiGHS's row and column lists, "members": rows + bounds, "free_cols": column
entries with no bound in the IIS (listed because they occur in IIS rows; counted in "bounds"),
"row_sides", "bound_sides": constraint sides in the IIS (a boxed entry counts 2, a free column 0),
"size": row_sides + bound_sides, "seconds": wall seconds of the getIis call alone, "irreducible":
HiGHS's own verdict (true/false, null when it gives none), "strategy": the iis_strategy used}.

For measuring only: highspy (pip install highspy, 1.16) is not a dependency of MILPKit. The model is
not solved beforehand, so "seconds" includes the solve in which getIis establishes infeasibility.
--time-limit sets HiGHS's iis_time_limit, which bounds that solve too. HiGHS's IIS search is built
for LPs (its deletion filter keeps at most one side of a row), so on a MIP expect "unknown".
"""
import argparse
import json
import os
import sys
import time

# kIisStrategyFromLp (2) + kIisStrategyIrreducible (4), row priority: the elasticity filter finds an
# infeasible set of rows, then the deletion filter reduces it to an IIS. Without the 4 bit getIis
# stops at the (reducible) elastic-filter set; 0 (the default, "light") only finds trivial IISs.
# The C API names this value kHighsIisStrategyFromLpRowPriority.
IIS_STRATEGY = 6

# HighsIis::status_ (IisModelStatus in lp_data/HighsIis.h)
IIS_STATUS = {-1: "feasible", 0: "unknown", 1: "time_limit", 2: "reducible", 3: "iis"}
# Sides a HighsIis bound entry stands for (IisBoundStatus: 1 free, 2 lower, 3 upper, 4 boxed)
SIDES = {1: 0, 2: 1, 3: 1, 4: 2}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args()

    # HiGHS prints a banner on stdout when the first instance is made, and C-level output cannot be
    # caught by sys.stdout: send fd 1 to /dev/null and keep a private copy for the JSON line.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)

    import highspy

    result = {"file": args.model, "status": "error", "rows": 0, "bounds": 0, "members": 0,
              "free_cols": 0, "row_sides": 0, "bound_sides": 0, "size": 0, "seconds": None,
              "irreducible": None, "strategy": IIS_STRATEGY}
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if h.readModel(args.model) != highspy.HighsStatus.kError:
        h.setOptionValue("iis_strategy", IIS_STRATEGY)
        if args.time_limit is not None:
            h.setOptionValue("iis_time_limit", args.time_limit)
        start = time.perf_counter()
        call_status, iis = h.getIis()
        result["seconds"] = time.perf_counter() - start
        if call_status != highspy.HighsStatus.kError:
            # When HiGHS's own re-check of its subsystem fails it clears valid_ and sets the status
            # to unknown, but the lists remain: report their sizes all the same.
            result["status"] = IIS_STATUS.get(iis.status_, "error")
            if iis.status_ in (2, 3):
                result["irreducible"] = iis.status_ == 3
            rows, cols = list(iis.row_bound_), list(iis.col_bound_)
            result.update(rows=len(rows), bounds=len(cols), members=len(rows) + len(cols),
                          free_cols=cols.count(1),
                          row_sides=sum(SIDES.get(b, 0) for b in rows),
                          bound_sides=sum(SIDES.get(b, 0) for b in cols))
            result["size"] = result["row_sides"] + result["bound_sides"]
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0 if result["status"] != "error" else 1


if __name__ == "__main__":
    sys.exit(main())
