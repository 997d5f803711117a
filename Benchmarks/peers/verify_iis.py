#!/usr/bin/env python3
"""Independent check, with HiGHS, that a model file is an irreducible infeasible subsystem (IIS).

    python3 Benchmarks/peers/verify_iis.py SUBSYSTEM.(mps|lp)[.gz] [--time-limit S]

Convention: every finite row side (an equality row has two) and every finite column bound in the
file is a member of the subsystem; integrality is background and always kept. Verified means the
model as written is infeasible and removing any one member (setting that side to -inf/+inf) makes it
feasible. Every solve has a zero objective, so for a MIP the first feasible solution settles it.

Output (stdout, one line): {"file", "infeasible", "members", "members_needed": deletions that gave a
feasible model, "irreducible", "not_needed": members whose deletion left the model infeasible,
"inconclusive": members where HiGHS hit a limit or gave no verdict, with its model status,
"seconds": wall seconds of the whole check}; "error" is added when the file cannot be read.
--time-limit bounds each solve.
Exit code 0 when infeasible and irreducible, 1 otherwise.

For measuring only: highspy (pip install highspy, 1.16) is not a dependency of MILPKit.
"""
import argparse
import json
import math
import os
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("subsystem")
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args()

    # HiGHS prints a banner on stdout when the first instance is made, and C-level output cannot be
    # caught by sys.stdout: send fd 1 to /dev/null and keep a private copy for the JSON line.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)

    import highspy

    ms = highspy.HighsModelStatus
    start = time.perf_counter()
    result = {"file": args.subsystem, "infeasible": False, "members": 0, "members_needed": 0,
              "irreducible": False, "not_needed": [], "inconclusive": [], "seconds": None}
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if h.readModel(args.subsystem) == highspy.HighsStatus.kError:
        result["error"] = "HiGHS could not read the file"
        result["seconds"] = time.perf_counter() - start
        out.write(json.dumps(result) + "\n")
        out.flush()
        return 1
    # Only feasibility matters: drop the objective (and any Hessian: passModel(lp) leaves it out).
    lp = h.getLp()
    lp.col_cost_ = [0.0] * lp.num_col_
    lp.offset_ = 0.0
    h.passModel(lp)
    if args.time_limit is not None:
        h.setOptionValue("time_limit", args.time_limit)

    def solve(**options) -> "highspy.HighsModelStatus":
        """Model status of a cold-start run with the given options, which are then restored."""
        saved = {k: h.getOptionValue(k)[1] for k in options}  # getOptionValue gives (status, value)
        for k, v in options.items():
            h.setOptionValue(k, v)
        # clearSolver drops basis, solution and model status, so no deletion inherits the last.
        h.clearSolver()
        h.run()
        for k, v in saved.items():
            h.setOptionValue(k, v)
        return h.getModelStatus()

    def verdict() -> str:
        """'feasible', 'infeasible', or HiGHS's model status text when it shows neither."""
        status = solve()
        if status == ms.kUnboundedOrInfeasible:
            # Presolve's verdict; with a zero objective "unbounded" is impossible, but settle it.
            status = solve(presolve="off")
        if status in (ms.kUnknown, ms.kSolveError):
            # Dual simplex can give up on ill-conditioned subsystems (netlib klein1's), where
            # primal simplex still reaches a verdict.
            status = solve(presolve="off", simplex_strategy=4)
        if status == ms.kInfeasible:
            return "infeasible"
        # A MIP stopped by a limit with an incumbent has still shown a feasible point
        # (primal_solution_status 2 is kSolutionStatusFeasible).
        if status == ms.kOptimal or h.getInfo().primal_solution_status == 2:
            return "feasible"
        return h.modelStatusToString(status)

    def name(names, i: int) -> str:
        return names[i] if i < len(names) and names[i] else str(i)

    # (description, setter, index, lower, upper, side): the member's row or column, its bounds as
    # written and the side its deletion sets infinite.
    members = []
    for kind, n, lower, upper, names, setter in (
            ("row", lp.num_row_, lp.row_lower_, lp.row_upper_, lp.row_names_, h.changeRowBounds),
            ("col", lp.num_col_, lp.col_lower_, lp.col_upper_, lp.col_names_, h.changeColBounds)):
        for i in range(n):
            for side, value in (("lower", lower[i]), ("upper", upper[i])):
                if math.isfinite(value):
                    members.append((f"{kind} {name(names, i)} {side}", setter, i, lower[i],
                                    upper[i], side))
    result["members"] = len(members)

    base = verdict()
    result["infeasible"] = base == "infeasible"
    if base not in ("feasible", "infeasible"):
        result["inconclusive"].append(f"model as written ({base})")
    if result["infeasible"]:
        for desc, setter, i, lo, up, side in members:
            setter(i, -math.inf if side == "lower" else lo, math.inf if side == "upper" else up)
            outcome = verdict()
            setter(i, lo, up)
            if outcome == "feasible":
                result["members_needed"] += 1
            elif outcome == "infeasible":
                result["not_needed"].append(desc)
            else:
                result["inconclusive"].append(f"{desc} ({outcome})")
        result["irreducible"] = result["members_needed"] == len(members)
    result["seconds"] = time.perf_counter() - start
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0 if result["infeasible"] and result["irreducible"] else 1


if __name__ == "__main__":
    sys.exit(main())
