#!/usr/bin/env python3
"""Classification step of Benchmarks/interop.sh (not meant to be run on its own).

    interop_classify.py tiebreak RAW.jsonl            files that get a third opinion (GLPK, CBC on LPs)
    interop_classify.py report RAW.jsonl EXTRA.jsonl CSV   CSV of every file and a summary on stdout

RAW.jsonl has one object per file: {"file", "milp_rc", "milp" (parsed --json object or null),
"milp_stderr", "highs" (interop_highs.py's object)}. EXTRA.jsonl: {"file", "solver", "rc", "milp",
"stderr"} per extra `milp solve --solver S` run.

Classes (one per file):
  agree         same status; optimal objectives within 1e-6 relative (max(1, |a|, |b|)), or, for MIPs,
                overlapping [bound, objective] intervals, i.e. neither incumbent beats the other's
                bound (the solvers' gap tolerances: HiGHS stops at 1e-4 relative gap by default;
                detail "within gap"); or both stopped by a limit
                with no contradiction; "infeasible_or_unbounded" matches either infeasible or
                unbounded on the other side.
  disagree      different proven statuses, different optimal objectives, a solver error status on
                one side only, or a limit-stopped side whose incumbent beats the other's proven
                optimum (or whose bound cuts it off).
  milp-refused  milp exits 2 (bad input: read error or unsupported model); HiGHS read it.
  highs-refused HiGHS's reader returned an error; milp read it.
  both-refused  both.
  limit         one side stopped at a time/iteration limit without a proof, the other proved
                something, and nothing contradicts.
"""
import csv
import json
import math
import sys

TOL = 1e-6

HIGHS_STATUS = {
    "Optimal": "optimal",
    "Infeasible": "infeasible",
    "Unbounded": "unbounded",
    "Primal infeasible or unbounded": "infeasible_or_unbounded",
    "Time limit reached": "limit",
    "Iteration limit reached": "limit",
    "Interrupted by user": "limit",
    "Solution limit reached": "limit",
    "Empty": "optimal",  # kModelEmpty: nothing to solve, the objective is the offset
}


def num(x):
    if isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x):
        return float(x)
    return None


def close(a, b):
    return a is not None and b is not None and abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def load(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def milp_side(rec):
    """(status, objective, bound, has_solution, message) of a milp record; status "refused" for exit 2."""
    m = rec.get("milp")
    msg = (rec.get("milp_stderr") or rec.get("stderr") or "").strip()
    rc = rec.get("milp_rc", rec.get("rc"))
    if not isinstance(m, dict):
        if rc == 2:
            return "refused", None, None, False, msg
        if rc == 124 or rc == 137:
            return "limit", None, None, False, msg or "killed by the outer timeout"
        return "error", None, None, False, msg or f"exit {rc}, no JSON"
    if m.get("message"):
        msg = (m["message"] + (" | " + msg if msg else "")).strip()
    return m.get("status"), num(m.get("objective")), num(m.get("bound")), bool(m.get("has_solution")), msg


def highs_side(h):
    if not isinstance(h, dict) or h.get("read") in (None, "crash"):
        return "error", None, None, False, "helper crashed or timed out"
    if h.get("read") == "error":
        return "refused", None, None, False, h.get("message", "")
    st = HIGHS_STATUS.get(h.get("status"), "error")
    return st, num(h.get("objective")), num(h.get("bound")), bool(h.get("has_solution")), h.get("message", "")


def better(a, b, sense):
    """a strictly better than b (beyond tolerance) for the objective sense (+1 min, -1 max)."""
    return a is not None and b is not None and not close(a, b) and (a - b) * sense < 0


def classify(rec):
    ms, mo, mb, msol, _ = milp_side(rec)
    hs, ho, hb, hsol, _ = highs_side(rec.get("highs"))
    mip = bool((rec.get("highs") or {}).get("mip")) or ((rec.get("milp") or {}).get("solver") in ("cbc",))
    if ms == "refused" and hs == "refused":
        return "both-refused", ""
    if ms == "refused":
        return "milp-refused", ""
    if hs == "refused":
        return "highs-refused", ""
    if ms == "error" or hs == "error":
        if ms == hs:
            return "agree", "both error"
        return "disagree", f"status {ms} vs {hs}"
    # Objective sense from a bound/objective pair when known: min if bound <= objective.
    def sense_of(o, b):
        if o is None or b is None or close(o, b):
            return None
        return 1 if b < o else -1
    sense = sense_of(mo, mb) or sense_of(ho, hb)
    if ms == "limit" or hs == "limit":
        # Contradictions: an incumbent better than a proven optimum, or a bound that cuts it off.
        if ms == "limit" and hs == "optimal":
            if sense and (better(mo, ho, sense) or better(ho, mb, sense)):
                return "disagree", f"milp limit (obj {mo}, bound {mb}) vs HiGHS optimum {ho}"
        if hs == "limit" and ms == "optimal":
            if sense and (better(ho, mo, sense) or better(mo, hb, sense)):
                return "disagree", f"HiGHS limit (obj {ho}, bound {hb}) vs milp optimum {mo}"
        if ms == "limit" and hs == "infeasible" and msol:
            return "disagree", "milp found a solution, HiGHS says infeasible"
        if hs == "limit" and ms == "infeasible" and hsol:
            return "disagree", "HiGHS found a solution, milp says infeasible"
        if ms == "limit" and hs == "limit":
            return "agree", "both limit"
        return "limit", f"{'milp' if ms == 'limit' else 'HiGHS'} limit"
    compatible = {ms, hs} in ({"infeasible", "infeasible_or_unbounded"}, {"unbounded", "infeasible_or_unbounded"})
    if ms != hs and not compatible:
        return "disagree", f"status {ms} vs {hs}"
    if compatible:
        return "agree", f"{ms} ~ {hs}"
    if ms == "optimal":
        if close(mo, ho):
            return "agree", ""
        if mip and mo is not None and ho is not None and mb is not None and hb is not None:
            # Consistent when the [bound, objective] intervals overlap: neither incumbent beats the
            # other's proven bound, so the difference is the solvers' gap tolerances.
            m_lo, m_hi = min(mo, mb), max(mo, mb)
            h_lo, h_hi = min(ho, hb), max(ho, hb)
            slack = TOL * max(1.0, abs(mo), abs(ho))
            if m_lo <= h_hi + slack and h_lo <= m_hi + slack:
                return "agree", f"within gap ({mo} vs {ho})"
        return "disagree", f"objective {mo} vs {ho}"
    return "agree", ""


def main():
    mode = sys.argv[1]
    raw = load(sys.argv[2])
    if mode == "tiebreak":
        for r in raw:
            c, _ = classify(r)
            ms = milp_side(r)[0]
            hs = highs_side(r.get("highs"))[0]
            if c == "disagree" or (ms == "error" and hs != "refused"):
                lp = (r.get("milp") or {}).get("solver") == "clp" or not (r.get("highs") or {}).get("mip")
                print(r["file"] + "\t" + ("lp" if lp else "mip"))
        return
    extra = {}
    if len(sys.argv) > 3:
        try:
            for e in load(sys.argv[3]):
                extra.setdefault(e["file"], {})[e["solver"]] = e
        except FileNotFoundError:
            pass
    out = sys.argv[4] if len(sys.argv) > 4 else "/dev/stdout"
    cols = ["file", "class", "detail", "kind", "milp_rc", "milp_solver", "milp_status", "milp_limit", "milp_objective",
            "milp_bound", "milp_seconds", "milp_message", "highs_read", "highs_status", "highs_objective", "highs_bound",
            "highs_seconds", "highs_message", "glpk_status", "glpk_objective", "glpk_message", "cbc_status",
            "cbc_objective", "cbc_message"]
    counts = {}
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in raw:
            c, detail = classify(r)
            counts[c] = counts.get(c, 0) + 1
            m = r.get("milp") or {}
            h = r.get("highs") or {}
            ms, mo, mb, _, mmsg = milp_side(r)
            row = {"file": r["file"], "class": c, "detail": detail,
                   "kind": "mip" if h.get("mip") or m.get("solver") == "cbc" else "lp",
                   "milp_rc": r.get("milp_rc"), "milp_solver": m.get("solver", ""), "milp_status": ms,
                   "milp_limit": m.get("limit") or "", "milp_objective": "" if mo is None else repr(mo),
                   "milp_bound": "" if mb is None else repr(mb), "milp_seconds": m.get("seconds", ""),
                   "milp_message": mmsg.replace("\n", " | ")[:300],
                   "highs_read": h.get("read", ""), "highs_status": h.get("status") or "",
                   "highs_objective": h.get("objective") if h.get("objective") is not None else "",
                   "highs_bound": h.get("bound") if h.get("bound") is not None else "",
                   "highs_seconds": h.get("seconds", ""), "highs_message": (h.get("message") or "")[:300]}
            for s in ("glpk", "cbc"):
                e = extra.get(r["file"], {}).get(s)
                if e:
                    es, eo, _, _, emsg = milp_side(e)
                    row[f"{s}_status"], row[f"{s}_objective"] = es, "" if eo is None else repr(eo)
                    row[f"{s}_message"] = emsg.replace("\n", " | ")[:300]
            w.writerow([row.get(k, "") for k in cols])
    order = ["agree", "disagree", "milp-refused", "highs-refused", "both-refused", "limit"]
    total = sum(counts.values())
    print(f"{'class':<15}{'files':>7}")
    for k in order:
        print(f"{k:<15}{counts.get(k, 0):>7}")
    print(f"{'total':<15}{total:>7}")


if __name__ == "__main__":
    main()
