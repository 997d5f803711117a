#!/usr/bin/env python3
"""Second check for answers that have no published value.

For the small all-integer logic models (nlx_*, most tb_*), the intended
problem is restated here by hand, in plain Python and WITHOUT big-M: the logic
is written as `or` / `if` conditions, and the optimum is found by enumerating
every integer point in a box that the model's own rows imply.  The result is
compared with answers.jsonl.  Standard library only; the three tb_* models that
have continuous variables (facility location, machine sequencing, lot sizing)
are covered by reference.py's M-free case enumeration instead.

    python3 crosscheck_logic.py        # exit status 1 on any disagreement
"""
import itertools
import json
import sys
from pathlib import Path

R = range


def best(points, value, maximize=True):
    vals = [value(*p) for p in points]
    return max(vals) if maximize else min(vals)


def nlx_004():  # either at most 100 desk-lamps or at most 120 night-lamps
    return best(((d, n) for d in R(30, 151) for n in R(50, 181)
                 if d + n >= 100 and (d <= 100 or n <= 120)), lambda d, n: 5 * d + 8 * n)


def nlx_007():  # setup cost 800 if any wireless headphones
    return best(((w, x) for w in R(0, 101) for x in R(0, 171) if w + x <= 150),
                lambda w, x: 50 * w + 20 * x - (800 if x > 0 else 0))


def nlx_012():  # if regular sandwiches are made then at least 4 special
    return best(((r, s) for r in R(0, 21) for s in R(0, 15)
                 if 2 * r + 3 * s <= 40 and 3 * r + 5 * s <= 70 and (r == 0 or s >= 4)),
                lambda r, s: 3 * r + 4 * s)


def nlx_016():  # at most two media; a z-tube campaign needs >= 3 soorchle ads
    def ok(z, s, w):
        return (1000 * z + 200 * s + 100 * w <= 10000 and s <= 15 and 3 * w <= z + s + w
                and 20 * z >= z + s + w and (z > 0) + (s > 0) + (w > 0) <= 2 and (z == 0 or s >= 3))
    return best(((z, s, w) for z in R(0, 11) for s in R(0, 16) for w in R(0, 101) if ok(z, s, w)),
                lambda z, s, w: 400000 * z + 5000 * s + 3000 * w)


def nlx_019():  # thin jars: none or at least 30
    return best(((x, y) for x in R(0, 61) for y in R(0, 101)
                 if 50 * x + 30 * y <= 3000 and 90 * x + 150 * y <= 4000 and (x == 0 or x >= 30)),
                lambda x, y: 5 * x + 9 * y)


def nlx_027():  # at most 10 trains or at most 10 planes
    return best(((t, p) for t in R(0, 41) for p in R(0, 31)
                 if 3 * t + 4 * p <= 120 and 3 * t + 2 * p <= 90 and (t <= 10 or p <= 10)),
                lambda t, p: 8 * t + 10 * p)


def nlx_036():  # Pro only if Max produced; a Max run is 0 or >= 5
    return best(((m, p) for m in R(0, 30) for p in R(0, 40)
                 if 46 * m + 13 * p <= 1345 and 43 * m + 4 * p <= 346 and 56 * m + 45 * p <= 1643
                 and (m == 0 or m >= 5) and (p == 0 or m > 0)), lambda m, p: 10 * m + 15 * p)


def nlx_045():  # fixed costs 500 / 2000 per crop planted
    return best(((b, r) for b in R(0, 301) for r in R(0, 301)
                 if b + r <= 300 and 22 * b + 25 * r <= 10000 and 6 * b + 3 * r <= 575),
                lambda b, r: 56 * b + 75 * r - (500 if b else 0) - (2000 if r else 0))


def nlx_052():  # one type of store only
    return best(((d, f) for d in R(0, 10) for f in R(0, 15)
                 if 100 * d + 50 * f >= 500 and 8 * d + 3 * f <= 35 and (d > 0) + (f > 0) <= 1),
                lambda d, f: d + f, maximize=False)


def nlx_074():  # bonus 20 if the catalyst line runs, then at most 15 other runs
    def value(c, n):
        plain = 15 * c + 18 * n
        return plain + 20 if (c >= 1 and n <= 15) else plain
    return best(((c, n) for c in R(0, 31) for n in R(0, 21)
                 if 10 * c + 15 * n <= 300 and 20 * c + 12 * n <= 300), value)


def nlx_150():  # more than 60 large bottles needs a permit, which needs >= 150 small
    return best(((s, l) for s in R(0, 301) for l in R(50, 101)
                 if s >= 2 * l and s + l <= 200 and (l <= 60 or s >= 150)),
                lambda s, l: 5 * s + 20 * l)


def nlx_190():  # exactly one truck: capacity 60 / 72 / 80, rent 0 / 1000 / 2500
    def value(s, l):
        opts = [200 * s + 500 * l - rent for cap, rent in ((60, 0), (72, 1000), (80, 2500)) if s + l <= cap]
        return max(opts) if opts else float("-inf")
    return best(((s, l) for s in R(0, 101) for l in R(10, 51) if s >= 3 * l), value)


def nlx_262():  # 40 minutes fixed if motorboats are used at all
    return best(((k, m) for k in R(0, 200) for m in R(0, 26)
                 if 4 * k + 5 * m >= 550 and 4 * k >= 3 * (k + m)),
                lambda k, m: 5 * k + 3 * m + (40 if m else 0), maximize=False)


def tb_fixed_charge_crops():
    return best(((o, c, b) for o in R(0, 41) for c in R(0, 41) for b in R(0, 41)
                 if o + c + b <= 40 and 32 * o + 25 * c + 15 * b <= 1000 and 4 * o + 2 * c + 3 * b <= 120),
                lambda o, c, b: 420 * o + 250 * c + 180 * b - 1500 * (o > 0) - 900 * (c > 0) - 400 * (b > 0))


def tb_k_of_n_constraints():
    return best(((x, y) for x in R(0, 11) for y in R(0, 11)
                 if (x + y <= 8) + (2 * x + y <= 12) + (x + 3 * y <= 15) >= 2), lambda x, y: 3 * x + 2 * y)


def tb_trucks_vans():
    return best(((t, v) for t in R(0, 9) for v in R(0, 26) if 12 * t + 5 * v >= 100 and (t == 0 or v <= 4)),
                lambda t, v: 300 * t + 140 * v + 250 * (t > 0), maximize=False)


def tb_capital_budgeting():
    def ok(y):
        return (10 * y[0] + 9 * y[1] + 7 * y[2] + 6 * y[3] + 4 * y[4] <= 25 and y[1] <= y[0]
                and y[2] + y[3] <= 1 and y[4] <= y[2] + y[3] and (y[0] or sum(y) <= 2))
    return best((y for y in itertools.product(R(2), repeat=5) if ok(y)),
                lambda *y: 20 * y[0] + 18 * y[1] + 15 * y[2] + 12 * y[3] + 10 * y[4])


def tb_supplier_exactly_one():
    def ok(q1, q2, q3):
        return (q1 + q2 + q3 == 60 and (q1 > 0) + (q2 > 0) + (q3 > 0) == 1 and (q1 == 0 or q1 >= 30)
                and (q2 == 0 or q2 >= 20) and (q3 == 0 or q3 >= 10))
    return best(((a, b, c) for a in R(0, 81) for b in R(0, 61) for c in R(0, 41) if ok(a, b, c)),
                lambda a, b, c: 200 * (a > 0) + 60 * (b > 0) + 4 * a + 5 * b + 6 * c, maximize=False)


CHECKS = {
    "nlx_004_lamps_either_or": nlx_004, "nlx_007_headphones_fixed_charge": nlx_007,
    "nlx_012_sandwich_if_then": nlx_012, "nlx_016_ads_media_choice": nlx_016,
    "nlx_019_jars_min_batch": nlx_019, "nlx_027_trains_either_or": nlx_027,
    "nlx_036_oils_implication": nlx_036, "nlx_045_berries_fixed_cost": nlx_045,
    "nlx_052_stores_exactly_one": nlx_052, "nlx_074_co2_catalyst_bonus": nlx_074,
    "nlx_150_bottles_permit": nlx_150, "nlx_190_crates_truck_choice": nlx_190,
    "nlx_262_kayak_motorboat_rental": nlx_262, "tb_fixed_charge_crops": tb_fixed_charge_crops,
    "tb_k_of_n_constraints": tb_k_of_n_constraints, "tb_trucks_vans": tb_trucks_vans,
    "tb_capital_budgeting": tb_capital_budgeting, "tb_supplier_exactly_one": tb_supplier_exactly_one,
}


def main():
    answers = {}
    for line in (Path(__file__).resolve().parent / "answers.jsonl").open():
        rec = json.loads(line)
        answers[rec["id"]] = rec
    bad = 0
    for mid, fn in CHECKS.items():
        want = answers.get(mid, {}).get("objective")
        got = fn()
        ok = want is not None and abs(got - want) <= 1e-6 * max(1, abs(got))
        bad += not ok
        print("%-34s enumeration %-10s answers.jsonl %-10s %s" % (mid, got, want, "ok" if ok else "DIFFERENT"))
    print("%d passed, %d failed" % (len(CHECKS) - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
