#!/usr/bin/env python3
"""Builds `src/report/map/borders.txt`, the country borders of the briefing's map, from Natural
Earth (public domain) as the npm package `world-atlas` carries it (TopoJSON), and the lakes from
Natural Earth's own 1:50m lakes GeoJSON (`scripts/map/ne_50m_lakes-sahel.geojson`: the features
of nvkelso/natural-earth-vector's geojson/ne_50m_lakes.geojson, commit 84c0399, whose box meets
the map's: Lake Chad, Kainji, Volta; coordinates copied as they are).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 scripts/build_map.py package/countries-50m.json \
        scripts/map/ne_50m_lakes-sahel.geojson > src/report/map/borders.txt

The scope's administrative regions (Gao, Tillabéri, Borno...) are not drawn: Natural Earth has
them only in its 1:10m admin-1 layer (tens of megabytes, not reachable from this workplace's
registries), and an outline guessed by hand would mislead. A later change can add them here the
same way, as `region <id>` lines.

Each country is cut to the map's box, simplified (Douglas-Peucker, SIMPLIFY degrees) and written as
one line per ring: `<kind> <code> <lon>,<lat> <lon>,<lat> ...` with kind `country` or `lake` and
coordinates rounded to 0.01 degree. The Rust side projects them (`report::map`), so that the
borders and the stories' points share one projection.
"""
import json
import sys

# lon_min, lat_min, lon_max, lat_max: Mauritania's coast to Chad's east, Nigeria's south to the
# Saharan north of Algeria and Libya.
BOX = (-18.0, 4.0, 25.0, 28.0)
SIMPLIFY = 0.04

# ISO 3166 numeric (world-atlas ids) to alpha-2 (the rule pack's country codes).
ISO = {
    "466": "ML", "562": "NE", "854": "BF", "148": "TD", "478": "MR", "566": "NG", "012": "DZ",
    "434": "LY", "686": "SN", "270": "GM", "624": "GW", "324": "GN", "694": "SL", "430": "LR",
    "384": "CI", "288": "GH", "768": "TG", "204": "BJ", "120": "CM", "140": "CF", "729": "SD",
    "728": "SS", "818": "EG", "504": "MA", "732": "EH", "788": "TN", "226": "GQ", "266": "GA",
    "178": "CG", "180": "CD", "231": "ET", "232": "ER",
}


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs, indexes):
    out = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(pts if not out else pts[1:])
    return out


def clip(poly, box):
    """Sutherland-Hodgman against the four sides of the box."""
    x0, y0, x1, y1 = box
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: inter_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: inter_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: inter_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: inter_y(a, b, y1)),
    ]
    for inside, cut in edges:
        if not poly:
            break
        out = []
        prev = poly[-1]
        for cur in poly:
            if inside(cur):
                if not inside(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cut(prev, cur))
            prev = cur
        poly = out
    return poly


def inter_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def inter_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(pts, eps):
    if len(pts) < 3:
        return pts
    (ax, ay), (bx, by) = pts[0], pts[-1]
    dx, dy = bx - ax, by - ay
    norm = (dx * dx + dy * dy) ** 0.5
    best, at = 0.0, 0
    for i in range(1, len(pts) - 1):
        px, py = pts[i]
        d = abs(dy * px - dx * py + bx * ay - by * ax) / norm if norm else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
        if d > best:
            best, at = d, i
    if best <= eps:
        return [pts[0], pts[-1]]
    return simplify(pts[: at + 1], eps)[:-1] + simplify(pts[at:], eps)


def emit(kind, code, poly):
    poly = clip(poly, BOX)
    if len(poly) < 3:
        return
    # Simplify the closed ring as two halves, so that its start is kept.
    half = len(poly) // 2
    poly = simplify(poly[: half + 1], SIMPLIFY)[:-1] + simplify(poly[half:] + [poly[0]], SIMPLIFY)[:-1]
    if len(poly) < 3:
        return
    print(kind, code, " ".join(f"{x:.2f},{y:.2f}" for x, y in poly))


def main():
    topo = json.load(open(sys.argv[1]))
    arcs = decode_arcs(topo)
    print("# Country borders and lakes of the briefing's map: Natural Earth (public domain),")
    print("# countries from the npm package world-atlas 2.0.2 (countries-50m.json), lakes from")
    print("# Natural Earth's ne_50m_lakes.geojson; made by scripts/build_map.py, which says how.")
    for g in topo["objects"]["countries"]["geometries"]:
        code = ISO.get(g.get("id"))
        if code is None:
            continue
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        for poly in polys:
            # The outer ring only: the region's countries have no enclaves worth drawing.
            emit("country", code, ring(arcs, poly[0]))
    if len(sys.argv) > 2:
        for f in json.load(open(sys.argv[2]))["features"]:
            geom = f["geometry"]
            polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
            name = f["properties"].get("name_en") or f["properties"]["name"]
            for poly in polys:
                emit("lake", name.replace(" ", "_"), [tuple(p) for p in poly[0]])


if __name__ == "__main__":
    main()
