#!/usr/bin/env python3
"""Checks that HiGHS reads the MPS files MILPKit writes to the known optima.

Usage: scripts/highs-readback.py [INSTANCE …]   (default: a mix of bundled MIPs and LPs, including
fixed-format output for names with spaces and an objective constant). Needs `pip install highspy`
and a release build of milp. Exits 1 on any mismatch.
"""
import csv, os, subprocess, sys, tempfile

import highspy

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
milp = os.path.join(root, ".build", "release", "milp")
known = {row[0]: row for row in csv.reader(open(os.path.join(root, "instances", "optimal-values.csv")))}
instances = sys.argv[1:] or ["miplib3/p0033", "miplib3/lseu", "miplib3/bell3a", "netlib/afiro",
                             "netlib/e226", "netlib/boeing1", "netlib/forplan", "sample/exmip1"]
failures = 0
with tempfile.TemporaryDirectory() as work:
    for instance in instances:
        name = instance.split("/")[-1]
        written = os.path.join(work, name + ".mps")
        subprocess.run([milp, "convert", os.path.join(root, "instances", instance + ".mps.gz"), written], check=True)
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("time_limit", 60.0)
        read = highs.readModel(written)
        highs.run()
        objective = highs.getInfo().objective_function_value
        expected = float(known[name][1])
        ok = read == highspy.HighsStatus.kOk and abs(objective - expected) <= 1e-6 * max(1, abs(expected))
        failures += not ok
        print(f"{name:10s} {highs.modelStatusToString(highs.getModelStatus()):8s} {objective:.10g} (known {expected:.10g}) {'ok' if ok else 'MISMATCH'}")
sys.exit(1 if failures else 0)
