#!/usr/bin/env python3
"""LP files as HiGHS writes them, read by `milp solve`: every model file under a folder that
HiGHS reads and solves to optimality is written by HiGHS as .lp, then solved by milp from that
file; the two optima must agree (1e-6 relative; for a MIP, milp's optimum within HiGHS's
[bound, incumbent], as HiGHS stops at its 1e-4 gap).

Usage: Benchmarks/peers/highs_written_lp.py MILP CORPUS_DIR [TIME_LIMIT]
(highspy from PyPI, for measuring only). Prints one line per file that does not agree and the counts.
"""
import json, os, subprocess, sys, tempfile

import highspy


def main():
    milp, corpus = sys.argv[1], sys.argv[2]
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    counts = {}
    with tempfile.TemporaryDirectory() as work:
        for folder, _, names in sorted(os.walk(corpus)):
            for name in sorted(names):
                if not name.endswith((".mps", ".mps.gz", ".lp", ".lp.gz")):
                    continue
                path = os.path.join(folder, name)
                h = highspy.Highs()
                h.setOptionValue("output_flag", False)
                h.setOptionValue("time_limit", limit)
                h.setOptionValue("threads", 1)
                if h.readModel(path) != highspy.HighsStatus.kOk:
                    continue
                h.run()
                if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                    continue
                reference = h.getInfo().objective_function_value
                # A MIP is optimal within HiGHS's gap (1e-4): any objective between its bound and
                # its incumbent agrees.
                bound = h.getInfo().mip_dual_bound if h.getInfo().mip_node_count >= 0 else reference
                low, high = min(reference, bound), max(reference, bound)
                written = os.path.join(work, "written.lp")
                h.writeModel(written)
                out = subprocess.run([milp, "solve", written, "--json", "--time-limit", str(limit)],
                                     capture_output=True, text=True)
                try:
                    report = json.loads(out.stdout[out.stdout.index("{"):])
                except ValueError:
                    verdict, detail = "refused", out.stderr.strip()[:200]
                else:
                    objective = report.get("objective")
                    tolerance = 1e-6 * max(1, abs(reference))
                    if report["status"] == "optimal" and low - tolerance <= objective <= high + tolerance:
                        verdict, detail = "agree", ""
                    elif report["status"] == "limit":
                        verdict, detail = "limit", f"milp stopped at {objective}"
                    else:
                        verdict, detail = "disagree", f"milp {report['status']} {objective}"
                counts[verdict] = counts.get(verdict, 0) + 1
                if verdict != "agree":
                    print(f"{os.path.relpath(path, corpus)}: {verdict}: HiGHS {reference}; {detail}", flush=True)
    print("counts:", counts)


if __name__ == "__main__":
    main()
