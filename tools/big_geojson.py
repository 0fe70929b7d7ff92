#!/usr/bin/env python3
"""Writes a scenario with a real-sized alert-zone set (issue 19): the
built-in default scenario with its 30 inline zones replaced by a GeoJSON
file of COLS x ROWS zones (default 50 x 34 = 1,700) tiling a SIZE_KM square
around the origin, each a jittered grid cell whose four borders have
PER_EDGE segments (default 250: 1,000 vertices a zone). Neighbouring zones
share their borders exactly.

    python3 tools/big_geojson.py OUT_DIR [--cols 50 --rows 34 --size-km 100 --per-edge 250]
    canopy validate OUT_DIR/big_zones.yaml
"""
import argparse
import json
import math
import pathlib
import random

HERE = pathlib.Path(__file__).resolve().parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=pathlib.Path)
    ap.add_argument("--cols", type=int, default=50)
    ap.add_argument("--rows", type=int, default=34)
    ap.add_argument("--size-km", type=float, default=100.0)
    ap.add_argument("--per-edge", type=int, default=250)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    default = (HERE.parent / "scenarios" / "default.yaml").read_text().splitlines()
    origin = next(l for l in default if l.startswith("origin:"))
    lat0 = float(origin.split("lat_deg:")[1].split(",")[0])
    lon0 = float(origin.split("lon_deg:")[1].split(",")[0])
    # Local east/north metres to degrees on a sphere: ample for a test set.
    m_per_deg_lat = math.pi * 6371008.8 / 180
    m_per_deg_lon = m_per_deg_lat * math.cos(math.radians(lat0))

    cols, rows, size = args.cols, args.rows, args.size_km * 1000
    dx, dy = size / cols, size / rows
    rng = random.Random(args.seed)
    nodes = {}
    for i in range(cols + 1):
        for j in range(rows + 1):
            jx = 0 if i in (0, cols) else rng.uniform(-0.15, 0.15) * dx
            jy = 0 if j in (0, rows) else rng.uniform(-0.15, 0.15) * dy
            nodes[i, j] = (i * dx + jx - size / 2, j * dy + jy - size / 2)
    borders = {}

    def border(a, b):
        """Points from node a towards node b (b excluded), wiggling across."""
        key = (min(a, b), max(a, b))
        if key not in borders:
            p, q = nodes[key[0]], nodes[key[1]]
            c = [rng.uniform(-1, 1) for _ in range(6)]
            nx, ny = (p[1] - q[1]) * 0.01, (q[0] - p[0]) * 0.01
            pts = []
            for k in range(args.per_edge + 1):
                t = k / args.per_edge
                w = sum(c[m] * math.sin(math.pi * (m + 1) * t) / (m + 1) for m in range(6))
                e, n = p[0] + t * (q[0] - p[0]) + w * nx, p[1] + t * (q[1] - p[1]) + w * ny
                # 1e-7 degrees (about 1 cm) keeps the file under the 64 MiB input cap.
                pts.append([round(lon0 + e / m_per_deg_lon, 7), round(lat0 + n / m_per_deg_lat, 7)])
            borders[key] = pts
        pts = borders[key]
        return pts[:-1] if key[0] == a else pts[::-1][:-1]

    features = []
    for j in range(rows):
        for i in range(cols):
            ring = (border((i, j), (i + 1, j)) + border((i + 1, j), (i + 1, j + 1)) +
                    border((i + 1, j + 1), (i, j + 1)) + border((i, j + 1), (i, j)))
            ring.append(ring[0])
            features.append({
                "type": "Feature",
                "properties": {"id": f"Z{j:02d}_{i:02d}", "population": rng.randint(0, 5000)},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            })
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "big_zones.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}))

    # The default scenario with its alert_zones block replaced.
    out, skipping = [], False
    for line in default:
        if line.startswith("alert_zones:"):
            out += ["alert_zones:", "  - {geojson: big_zones.geojson}"]
            skipping = True
            continue
        if skipping and (line.startswith("  ") or not line.strip()):
            continue
        skipping = False
        out.append(line.replace("name: default", "name: big-zones", 1))
    (args.out_dir / "big_zones.yaml").write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
