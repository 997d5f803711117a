#!/usr/bin/env python3
"""Second check of the 15 logic answers of the held-out corpus (standard library only).

Each model's intended logic is written here in plain Python, WITHOUT the big-M
symbol: integer models are solved by brute-force enumeration of a box that
provably contains the optimum; the two continuous models (nlx_030, nlx_041)
are solved per case by enumerating the vertices of the 2-D feasible polygon
with exact fractions.  The values are compared with answers.jsonl.
"""
import itertools
import json
import sys
from fractions import Fraction as F
from pathlib import Path

HERE = Path(__file__).resolve().parent


def brute(ranges, feasible, value, sense):
    best = None
    for pt in itertools.product(*[range(a, b + 1) for a, b in ranges]):
        if feasible(*pt):
            v = value(*pt)
            if best is None or (v > best if sense == "max" else v < best):
                best = v
    return best


def lp2(rows, obj, sense):
    """2-D LP by vertex enumeration. rows: (a, b, op, c) meaning a*x + b*y op c."""
    lines = [(F(a), F(b), F(c)) for a, b, _, c in rows]
    def ok(x, y):
        for a, b, op, c in rows:
            lhs = F(a) * x + F(b) * y
            if (op == "<=" and lhs > c) or (op == ">=" and lhs < c) or (op == "=" and lhs != c):
                return False
        return True
    best = None
    for (a1, b1, c1), (a2, b2, c2) in itertools.combinations(lines, 2):
        det = a1 * b2 - a2 * b1
        if det == 0:
            continue
        x = (c1 * b2 - c2 * b1) / det
        y = (a1 * c2 - a2 * c1) / det
        if ok(x, y):
            v = obj[0] * x + obj[1] * y
            if best is None or (v > best if sense == "max" else v < best):
                best = v
    return best


def best_of(vals, sense):
    vals = [v for v in vals if v is not None]
    return (max if sense == "max" else min)(vals) if vals else None


CHECKS = {}

# setup costs $100 / $50, paid only for a product that is made
CHECKS["nlx_023_souvenir_setup_costs"] = lambda: brute(
    [(0, 100), (0, 125)],
    lambda e, t: 50 * e + 40 * t <= 5000 and 20 * e + 30 * t <= 4000,
    lambda e, t: 5 * e + 4 * t - 100 * (e > 0) - 50 * (t > 0), "max")

# laptops (l > 0) only if phones get at least 20 sq ft; p, l continuous
_base030 = [(1, 1, "<=", 100), (12, 15, "<=", 5000), (2, 3, "<=", 2000), (1, 0, ">=", 0), (0, 1, ">=", 0)]
CHECKS["nlx_030_layout_if_then"] = lambda: best_of([
    lp2(_base030 + [(0, 1, "=", 0)], (50, 70), "max"),            # no laptops
    lp2(_base030 + [(1, 0, ">=", 20)], (50, 70), "max"),          # laptops allowed, p >= 20
], "max")

# fixed cost $8000 if any premium desktops
CHECKS["nlx_031_desktops_fixed_charge"] = lambda: brute(
    [(0, 150), (0, 200)],
    lambda p, r: p + r <= 200 and 2000 * p + 1000 * r <= 300000,
    lambda p, r: 500 * p + 300 * r - 8000 * (p > 0), "max")

# either h <= 40000 or v <= 20000; continuous
_base041 = [(1, 0, ">=", 20000), (0, 1, ">=", 10000), (1, 1, ">=", 60000), (1, 0, "<=", 50000), (0, 1, "<=", 30000)]
CHECKS["nlx_041_flooring_either_or"] = lambda: best_of([
    lp2(_base041 + [(1, 0, "<=", 40000)], (F(5, 2), 3), "max"),
    lp2(_base041 + [(0, 1, "<=", 20000)], (F(5, 2), 3), "max"),
], "max")

# either t >= 250 or p <= 320
CHECKS["nlx_049_crops_either_or"] = lambda: brute(
    [(0, 500), (0, 500)],
    lambda t, p: t + p <= 500 and 50 * t + 90 * p <= 40000 and 80 * t + 50 * p <= 34000 and (t >= 250 or p <= 320),
    lambda t, p: 300 * t + 450 * p, "max")

# exactly one machine is rented (a rented machine may process 0 acres)
CHECKS["nlx_055_hay_exactly_one"] = lambda: brute(
    [(0, 200), (0, 200)],
    lambda w, h: w + h <= 200 and 2 * w + h <= 300 and 5 * w + 3 * h <= 800 and (w == 0 or h == 0),
    lambda w, h: 10 * w + 8 * h, "max")

# if f > 50 then t >= 10
CHECKS["nlx_071_laundromat_if_then"] = lambda: brute(
    [(0, 90), (0, 70)],
    lambda t, f: 50 * t + 75 * f >= 5000 and 85 * t + 100 * f <= 7000 and 10 * t <= 4 * (t + f) and f >= 10
    and (f <= 50 or t >= 10),
    lambda t, f: t + f, "min")

# either l >= 2 or c >= 18 (any solution better than c = 18, l = 0 has c < 18 and l < 12)
CHECKS["nlx_111_sailor_either_or"] = lambda: brute(
    [(0, 40), (0, 40)],
    lambda c, l: 5 * c + 8 * l >= 80 and 7 * c + 4 * l >= 100 and 10 * l <= 4 * (c + l) and (l >= 2 or c >= 18),
    lambda c, l: 4 * c + 6 * l, "min")

# old vans: 0 or at least 30 (cost 2250 is reached, so x <= 45 in any better solution)
CHECKS["nlx_153_vans_min_fleet"] = lambda: brute(
    [(0, 60), (0, 30)],
    lambda x, y: 100 * x + 80 * y >= 5000 and (x == 0 or x >= 30),
    lambda x, y: 50 * x + 30 * y, "min")

# if s > 60 then l >= 8
CHECKS["nlx_164_sand_if_then"] = lambda: brute(
    [(0, 100), (0, 34)],
    lambda s, l: s >= 3 * l and s >= 5 and l >= 3 and s + 3 * l <= 100 and (s <= 60 or l >= 8),
    lambda s, l: 20 * s + 50 * l, "max")

# if s > 12 then a coordinator costs 20 points
CHECKS["nlx_175_volunteers_coordinator"] = lambda: brute(
    [(0, 100), (0, 40)],
    lambda s, f: 2 * s + 5 * f + (20 if s > 12 else 0) <= 200 and 10 * s <= 3 * (s + f) and f >= 10,
    lambda s, f: 5 * s + 8 * f, "max")

# setup $300 desks / $500 drawers; drawer line only with the desk line (then the desk setup is paid too)
CHECKS["nlx_202_desks_setup_chain"] = lambda: brute(
    [(0, 100), (0, 134)],
    lambda d, r: 40 * d + 30 * r <= 4000 and 20 * d + 10 * r <= 3500,
    lambda d, r: 100 * d + 90 * r - (300 if (d > 0 or r > 0) else 0) - (500 if r > 0 else 0), "max")

# $20000 audit if any commercial licenses, and then at least 50
CHECKS["nlx_221_licenses_audit"] = lambda: brute(
    [(0, 300), (0, 200)],
    lambda p, c: p + c <= 300 and 550 * p + 2000 * c <= 400000 and (c == 0 or c >= 50),
    lambda p, c: 450 * p + 1200 * c - (20000 if c > 0 else 0), "max")

# either b <= 240 or f <= 55
CHECKS["nlx_267_sports_either_or"] = lambda: brute(
    [(0, 300), (0, 400)],
    lambda b, f: 5 * b + 3 * f <= 1500 and b + 2 * f <= 750 and b >= 3 * f and f >= 50 and (b <= 240 or f <= 55),
    lambda b, f: b + f, "max")

# only one staff type
CHECKS["nlx_283_staff_one_type"] = lambda: brute(
    [(0, 30), (0, 80)],
    lambda f, p: 40 * f + 15 * p >= 1000 and 1280 * f + 450 * p <= 31500 and (f == 0 or p == 0),
    lambda f, p: f + p, "min")


def main():
    answers = {}
    for line in (HERE / "answers.jsonl").open():
        r = json.loads(line)
        answers[r["id"]] = r.get("objective")
    bad = 0
    for mid, fn in CHECKS.items():
        v = fn()
        v = float(v) if v is not None else None
        ref = answers.get(mid)
        ok = v is not None and ref is not None and abs(v - ref) <= 1e-6 * max(1, abs(v))
        bad += not ok
        print("%-32s brute force %-10s answers.jsonl %-10s %s" % (mid, v, ref, "agree" if ok else "DISAGREE"))
    print("%d of %d agree" % (len(CHECKS) - bad, len(CHECKS)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
