"""Benchmark of the Lambert-93 → WGS84 conversion the SIRENE import runs on every located
establishment (not a test): ``ptce_kg.geo.lambert`` (IGN's exact formulas, pure Python) against
PROJ through pyproj, on a grid of points covering metropolitan France.

Prints one table: microseconds per point (one call per point, as the importer converts row by
row; and pyproj on the whole array at once, for reference), their ratio, and the largest
difference between the two in millimetres on the ground, with the anchors and whether they are
met.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/coordinates.py [--side 200]
"""

from __future__ import annotations

import argparse
import math
import time

from pyproj import Transformer

from ptce_kg.geo.lambert import lambert93_to_wgs84

# Anchors: per point, the formulas cost at most 1.5 times what PROJ costs called the same way
# (absolute times swing with the machine's load: a few µs per establishment either way, i.e.
# minutes for the national stock's ~40 M rows, seconds for its ESS part), and agree with PROJ
# to within a millimetre. Both met, the import needs no native dependency for this.
ANCHOR_RATIO = 1.5
ANCHOR_MM = 1.0
METRES_PER_DEGREE = 111_320.0


def grid(side: int) -> list[tuple[float, float]]:
    """side × side Lambert-93 points over metropolitan France and Corsica (metres)."""
    xs = [100_000 + i * (1_150_000 / (side - 1)) for i in range(side)]
    ys = [6_050_000 + j * (1_050_000 / (side - 1)) for j in range(side)]
    return [(x, y) for x in xs for y in ys]


def per_point(points: list[tuple[float, float]], convert) -> tuple[float, list]:
    started = time.perf_counter()
    out = [convert(x, y) for x, y in points]
    return (time.perf_counter() - started) / len(points) * 1e6, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=200, help="grid side (side² points)")
    args = parser.parse_args()
    points = grid(args.side)
    proj = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)

    ours_us, ours = per_point(points, lambert93_to_wgs84)
    proj_us, theirs = per_point(points, proj.transform)
    started = time.perf_counter()
    proj.transform([p[0] for p in points], [p[1] for p in points])
    array_us = (time.perf_counter() - started) / len(points) * 1e6

    worst = 0.0
    compared = 0
    for mine, reference in zip(ours, theirs, strict=True):
        if mine is None:  # outside EPSG:2154's area of use (the grid's sea corners)
            continue
        compared += 1
        dlon = (mine[0] - reference[0]) * METRES_PER_DEGREE * math.cos(math.radians(mine[1]))
        dlat = (mine[1] - reference[1]) * METRES_PER_DEGREE
        worst = max(worst, math.hypot(dlon, dlat) * 1000)

    print(f"{len(points)} points ({compared} inside EPSG:2154's area of use)")
    print(f"{'measure':<44} {'value':>10} {'anchor':>10}  met")
    rows = [
        ("ptce_kg.geo.lambert, µs per point", ours_us, None),
        ("pyproj Transformer, µs per point", proj_us, None),
        ("ratio ptce_kg.geo.lambert / pyproj per point", ours_us / proj_us, ANCHOR_RATIO),
        ("pyproj Transformer, µs per point (array)", array_us, None),
        ("largest difference from PROJ, mm", worst, ANCHOR_MM),
    ]
    for name, value, anchor in rows:
        met = "" if anchor is None else ("yes" if value <= anchor else "NO")
        shown = "" if anchor is None else f"{anchor:.3f}"
        print(f"{name:<44} {value:>10.3f} {shown:>10}  {met}")


if __name__ == "__main__":
    main()
