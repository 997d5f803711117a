"""Peer measurement: the same capacitated facility location model built with python-mip and
written as MPS. Prints build and write seconds. Usage: cfl_python_mip.py CLIENTS FACILITIES OUT.mps"""
import random
import sys
import time

import mip

clients, facilities, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(1)
cxy = [(rng.random(), rng.random()) for _ in range(clients)]
fxy = [(rng.random(), rng.random()) for _ in range(facilities)]
demand = [round(rng.uniform(5, 35)) for _ in range(clients)]
total = sum(demand)
capacity = [round(rng.uniform(1.5, 4.5) * total / facilities) for _ in range(facilities)]
fixed = [round(rng.uniform(200, 600)) for _ in range(facilities)]

start = time.perf_counter()
m = mip.Model(solver_name=mip.CBC)
m.verbose = 0
y = [m.add_var(var_type=mip.BINARY) for _ in range(facilities)]
x = [[m.add_var(ub=1) for _ in range(facilities)] for _ in range(clients)]
for i in range(clients):
    m += mip.xsum(x[i]) == 1
for i in range(clients):
    for j in range(facilities):
        m += x[i][j] <= y[j]
for j in range(facilities):
    m += mip.xsum(demand[i] * x[i][j] for i in range(clients)) <= capacity[j] * y[j]
m.objective = mip.minimize(
    mip.xsum(fixed[j] * y[j] for j in range(facilities))
    + mip.xsum(round(demand[i] * ((cxy[i][0] - fxy[j][0]) ** 2 + (cxy[i][1] - fxy[j][1]) ** 2) ** 0.5, 2) * x[i][j]
               for i in range(clients) for j in range(facilities)))
built = time.perf_counter()
m.write(out)
written = time.perf_counter()
print(f"python-mip build {built - start:.3f} s, write {written - built:.3f} s, total {written - start:.3f} s, "
      f"{m.num_cols} columns, {m.num_rows} rows, {m.num_nz} nonzeros")
