"""Peer measurement: n-Queens built with python-mip (the model of python-mip's own benchmark).
Prints build seconds. Usage: queens_python_mip.py N"""
import sys
import time

import mip

n = int(sys.argv[1])
start = time.perf_counter()
m = mip.Model(solver_name=mip.CBC)
x = [[m.add_var(var_type=mip.BINARY) for _ in range(n)] for _ in range(n)]
for i in range(n):
    m += mip.xsum(x[i][j] for j in range(n)) <= 1
for j in range(n):
    m += mip.xsum(x[i][j] for i in range(n)) <= 1
for k in range(2 - n, n - 1):
    m += mip.xsum(x[i][i - k] for i in range(max(0, k), min(n, n + k))) <= 1
for k in range(1, 2 * n - 2):
    m += mip.xsum(x[i][k - i] for i in range(max(0, k - n + 1), min(n - 1, k) + 1)) <= 1
m.objective = mip.maximize(mip.xsum(x[i][j] for i in range(n) for j in range(n)))
built = time.perf_counter()
print(f"python-mip queens n={n}: build {built - start:.3f} s, {m.num_cols} columns, {m.num_rows} rows, {m.num_nz} nonzeros")
