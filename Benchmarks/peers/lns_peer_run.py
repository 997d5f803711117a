"""SCIP or Balans over SCIP on one instance, with the incumbent trace, for the LNS generalization
benchmark (issue 23; Benchmarks/lns.sh fresh).

    python3 lns_peer_run.py scip|balans INSTANCE.mps[.gz] LIMIT

scip: PySCIPOpt defaults, one thread, time limit LIMIT; the trace records every new best solution
(BESTSOLFOUND event) at SCIP's solving time. balans: Balans 2.2 defaults (as balans_run.py) with a
global deadline of LIMIT seconds; its trace is the best of the first solution and the ALNS
iterations' objectives at their wall times (the first at the end of the first solve). Prints one
JSON line: instance, tool, objective (null when nothing was found), sense, wall_seconds, trace
[[seconds, objective], ...], error (why Balans returned nothing, else null).
"""
import contextlib, gzip, io, json, os, shutil, sys, tempfile, time

tool, path, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
name = os.path.basename(path).removesuffix(".gz").removesuffix(".mps")  # names may hold dots: 0.05d


def scip(plain):
    from pyscipopt import Eventhdlr, Model, SCIP_EVENTTYPE

    trace = []

    class Incumbents(Eventhdlr):
        def eventinit(self):
            self.model.catchEvent(SCIP_EVENTTYPE.BESTSOLFOUND, self)

        def eventexec(self, event):
            trace.append([self.model.getSolvingTime(), self.model.getSolObjVal(self.model.getBestSol())])

    model = Model()
    model.hideOutput()
    model.readProblem(plain)
    model.setParam("limits/time", limit)
    model.setParam("parallel/maxnthreads", 1)
    model.includeEventhdlr(Incumbents(), "incumbents", "records new best solutions")
    model.optimize()
    sense = model.getObjectiveSense()
    objective = model.getObjVal() if model.getNSols() > 0 else None
    return objective, sense, trace, None


def balans(plain):
    from alns.stop import MaxRuntime
    from balans.solver import Balans

    start = time.perf_counter()
    solver = Balans(stop=MaxRuntime(limit), timelimit_first_solution=min(20.0, limit / 6))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            result = solver.solve(plain)
    except Exception as error:  # Balans itself failed: no solution, and say why
        return None, "minimize", [], f"{type(error).__name__}: {error}"
    if result is None:
        return None, "minimize", [], "no result"
    maximize = solver.instance.mip.is_obj_sense_changed
    # The ALNS statistics: the objective after each iteration (the first is the initial
    # solution's) and the perf_counter reading when it was taken.
    stamps = result.statistics._runtimes
    trace, best = [], None
    for at, value in zip(stamps, result.statistics.objectives):
        if best is None or (value > best if maximize else value < best):
            best = value
            trace.append([at - start, value])
    return result.best_state.objective(), "maximize" if maximize else "minimize", trace, None


with tempfile.TemporaryDirectory() as tmp:
    plain = path
    if path.endswith(".gz"):
        plain = os.path.join(tmp, name + ".mps")
        with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)
    start = time.time()
    objective, sense, trace, error = {"scip": scip, "balans": balans}[tool](plain)
    print(json.dumps({"instance": name, "tool": tool, "objective": objective, "sense": sense,
                      "wall_seconds": round(time.time() - start, 2), "trace": trace, "error": error}), flush=True)
