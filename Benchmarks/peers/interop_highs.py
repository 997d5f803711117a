#!/usr/bin/env python3
"""HiGHS side of Benchmarks/interop.sh: read one model file with highspy, solve it, print one JSON line.

    python3 Benchmarks/peers/interop_highs.py FILE [TIME_LIMIT]

Output (stdout, one line): {"read": "ok"|"warning"|"error", "message": first error/warning lines of
HiGHS's reader log, "status": HiGHS model status string (e.g. "Optimal", "Infeasible", "Time limit
reached"), "objective": objective value or null, "mip": whether the model has integer columns,
"has_solution": primal solution status is feasible, "bound": MIP dual bound or null, "seconds": wall
seconds of run()}.

For measuring only: highspy (pip install highspy) is not a dependency of MILPKit. The solve runs with
output_flag off, one thread and HiGHS's own time_limit; the reader's log goes to a temporary file so
that its error message can be reported.
"""
import json
import math
import os
import sys
import tempfile
import time


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    limit = float(sys.argv[2]) if len(sys.argv) > 2 else math.inf

    # HiGHS prints a banner on stdout when the first instance is made, and C-level output cannot be
    # caught by sys.stdout: send fd 1 to /dev/null and keep a private copy for the JSON line.
    out = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)

    import highspy

    log = tempfile.NamedTemporaryFile(prefix="interop_highs", suffix=".log", delete=False)
    log.close()
    h = highspy.Highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", log.name)
    h.setOptionValue("output_flag", True)
    st = h.readModel(path)
    h.setOptionValue("output_flag", False)
    with open(log.name, errors="replace") as f:
        lines = [l.strip() for l in f if l.strip()]
    os.unlink(log.name)
    notes = [l for l in lines if "ERROR" in l.upper() or "WARNING" in l.upper()]
    result = {"read": "ok", "message": " | ".join(notes[:3])[:400], "status": None,
              "objective": None, "mip": False, "has_solution": False, "bound": None, "seconds": 0.0}
    if st == highspy.HighsStatus.kError:
        result["read"] = "error"
        if not result["message"]:
            result["message"] = " | ".join(lines[-3:])[:400]
    else:
        if st == highspy.HighsStatus.kWarning:
            result["read"] = "warning"
        lp = h.getLp()
        integrality = list(lp.integrality_)
        result["mip"] = any(int(i) != 0 for i in integrality)
        if math.isfinite(limit):
            h.setOptionValue("time_limit", limit)
        t0 = time.monotonic()
        h.run()
        result["seconds"] = time.monotonic() - t0
        ms = h.getModelStatus()
        result["status"] = h.modelStatusToString(ms)
        info = h.getInfo()
        result["has_solution"] = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if result["has_solution"] or ms == highspy.HighsModelStatus.kOptimal:
            result["objective"] = info.objective_function_value
        if result["mip"]:
            b = info.mip_dual_bound
            result["bound"] = b if math.isfinite(b) else None
    for k in ("objective", "bound"):
        if isinstance(result[k], float) and not math.isfinite(result[k]):
            result[k] = repr(result[k])  # nan/inf: not JSON numbers
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
