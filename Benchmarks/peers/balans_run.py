"""Balans (adaptive LNS over SCIP) on one instance, for the LNS benchmark's peer figures (issue 5).

    python3 balans_run.py INSTANCE.mps[.gz] LIMIT

Balans 2.2 defaults (its default operators, softmax bandit, hill climbing, SCIP, one MIP job,
20 s first solve) with a global deadline of LIMIT seconds from the start of the solve.
Prints one CSV line: instance,objective,wall_seconds (objective empty when nothing was found).
"""
import contextlib, gzip, io, os, shutil, sys, tempfile, time

from alns.stop import MaxRuntime
from balans.solver import Balans

path, limit = sys.argv[1], float(sys.argv[2])
name = os.path.basename(path).split(".")[0]
with tempfile.TemporaryDirectory() as tmp:
    if path.endswith(".gz"):
        plain = os.path.join(tmp, name + ".mps")
        with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)
        path = plain
    start = time.time()
    objective = ""
    with contextlib.redirect_stdout(io.StringIO()):
        result = Balans(stop=MaxRuntime(limit),
                        timelimit_first_solution=min(20.0, limit / 6)).solve(path)
    if result is not None:
        objective = repr(result.best_state.objective())
    print(f"{name},{objective},{time.time() - start:.1f}", flush=True)
