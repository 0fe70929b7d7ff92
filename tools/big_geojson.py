#!/usr/bin/env python3
"""Writes a large GeoJSON scenario for measuring the loader (issue 19).

    python3 tools/big_geojson.py OUT_DIR [--cells 1700] [--vertices 1000]

OUT_DIR gets big.geojson (a FeatureCollection of defended areas: a jittered
grid of cells over 100 km x 100 km around the origin, each a simple
star-shaped polygon with a detailed border) and s.yaml, a valid scenario
that takes its defended areas from it. 1,700 cells of 1,000 vertices make
about 50 MB. Deterministic (seeded).
"""
import argparse
import math
import os
import random

LAT0, LON0 = 32.0, 34.8
KM_PER_DEG_LAT = 111.32

SCENARIO = """canopy: 1
name: big geojson
origin: {{lat_deg: {lat}, lon_deg: {lon}}}
run: {{duration_s: 300, step_s: 0.01, seed: 3}}
defended_areas:
  - {{geojson: big.geojson}}
rocket_types:
  - {{name: medium, launch_mass_kg: 66, propellant_mass_kg: 20, burn_time_s: 1.9, thrust_n: 21000,
     diameter_m: 0.122, cd_mach: [[0.0, 0.30], [0.8, 0.32], [1.0, 0.45], [1.2, 0.42], [2.0, 0.35], [3.0, 0.30]]}}
launch_sites:
  - {{name: west, center_km: [-16, 0], radius_km: 1}}
raids:
  - {{at_s: 5, site: west, type: medium, count: 6, interval_s: 0.5, aim: {{area: {target}}}, aim_sigma_m: 200}}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--cells", type=int, default=1700)
    ap.add_argument("--vertices", type=int, default=1000)
    args = ap.parse_args()
    rng = random.Random(19)
    side = math.ceil(math.sqrt(args.cells))
    cell_km = 100.0 / side
    km_per_deg_lon = KM_PER_DEG_LAT * math.cos(math.radians(LAT0))
    os.makedirs(args.out_dir, exist_ok=True)
    target, nearest = None, float("inf")
    with open(os.path.join(args.out_dir, "big.geojson"), "w") as out:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for c in range(args.cells):
            # Jittered cell centre; the polygon stays inside its cell.
            cx = -50 + (c % side + 0.5 + rng.uniform(-0.1, 0.1)) * cell_km
            cy = -50 + (c // side + 0.5 + rng.uniform(-0.1, 0.1)) * cell_km
            name = f"cell{c}"
            if math.hypot(cx, cy) < nearest:
                target, nearest = name, math.hypot(cx, cy)
            # Star-shaped about the centre (angles increase, radius > 0), so
            # simple; the radius wanders for a detailed border.
            waves = [(rng.randint(3, 12), rng.uniform(0, 2 * math.pi)) for _ in range(3)]
            ring = []
            for k in range(args.vertices):
                a = 2 * math.pi * k / args.vertices
                r = 0.25 + 0.05 * sum(math.sin(n * a + p) for n, p in waves) / 3
                r = cell_km * (r + rng.uniform(-0.01, 0.01))
                lon = LON0 + (cx + r * math.cos(a)) / km_per_deg_lon
                lat = LAT0 + (cy + r * math.sin(a)) / KM_PER_DEG_LAT
                ring.append(f"[{lon:.8f}, {lat:.8f}]")
            ring.append(ring[0])
            sep = "," if c + 1 < args.cells else ""
            out.write(f'{{"type": "Feature", "properties": {{"name": "{name}", "value": {c % 97 + 1}}}, '
                      f'"geometry": {{"type": "Polygon", "coordinates": [[{", ".join(ring)}]]}}}}{sep}\n')
        out.write("]}\n")
    with open(os.path.join(args.out_dir, "s.yaml"), "w") as out:
        out.write(SCENARIO.format(lat=LAT0, lon=LON0, target=target))


if __name__ == "__main__":
    main()
