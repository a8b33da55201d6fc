//! The briefing's map: the Sahel and its neighbours as an inline SVG, each story a numbered
//! point where it happened. The borders, lakes and the scope's administrative regions are
//! Natural Earth's (public domain), cut to the map's box and simplified by
//! `scripts/build_map.py` into `map/borders.txt`, embedded in the binary so that the page needs
//! no network and no script.

use std::fmt::Write;
use std::sync::LazyLock;

use crate::text::escape_html as esc;

/// The map's box, in degrees: west, south, east, north. It must be the box
/// `scripts/build_map.py` cut the borders to.
pub const BOX: (f64, f64, f64, f64) = (-18.0, 4.0, 25.0, 28.0);

/// The countries the scope is about: drawn darker than their neighbours.
const SAHEL: [&str; 5] = ["ML", "NE", "BF", "TD", "MR"];

/// What a ring of `borders.txt` outlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeKind {
    Country,
    Lake,
    /// An administrative region (admin-1) of the scope: Gao, Tillabéri, Borno, Sahel (BF)...
    Region,
}

/// One closed ring of the embedded borders, in (longitude, latitude).
#[derive(Debug, Clone)]
pub struct Shape {
    pub kind: ShapeKind,
    /// The country's ISO code, the region's ISO 3166-2 code, or the lake's English name.
    pub code: String,
    pub ring: Vec<(f64, f64)>,
}

/// The embedded borders, parsed once. The file is the project's own: a line that does not
/// parse is a build mistake, which the unit tests catch.
pub static SHAPES: LazyLock<Vec<Shape>> =
    LazyLock::new(|| parse(include_str!("map/borders.txt")).unwrap_or_default());

fn parse(src: &str) -> Option<Vec<Shape>> {
    let mut out = Vec::new();
    for line in src
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut words = line.split_whitespace();
        let kind = match words.next()? {
            "country" => ShapeKind::Country,
            "lake" => ShapeKind::Lake,
            "region" => ShapeKind::Region,
            _ => return None,
        };
        let code = words.next()?.replace('_', " ");
        let ring = words
            .map(|p| {
                let (lon, lat) = p.split_once(',')?;
                Some((lon.parse().ok()?, lat.parse().ok()?))
            })
            .collect::<Option<Vec<(f64, f64)>>>()?;
        if ring.len() < 3 {
            return None;
        }
        out.push(Shape { kind, code, ring });
    }
    Some(out)
}

/// The regions' English names, by code (`map/regions.txt`, the project's own: a line that
/// does not parse is a build mistake, which the unit tests catch).
pub static REGION_NAMES: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    include_str!("map/regions.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(' '))
        .map(|(code, name)| (code.to_owned(), name.trim().to_owned()))
        .collect()
});

/// The English name of the region with this code (the code itself when it has none).
pub fn region_name(code: &str) -> &str {
    REGION_NAMES
        .iter()
        .find(|(c, _)| c == code)
        .map_or(code, |(_, n)| n.as_str())
}

/// A region's ring with what finding a point in it needs, computed once.
struct RegionRing {
    code: &'static str,
    ring: &'static [(f64, f64)],
    /// West, south, east, north: most rings are passed over on this alone.
    bbox: (f64, f64, f64, f64),
    area: f64,
}

static REGION_RINGS: LazyLock<Vec<RegionRing>> = LazyLock::new(|| {
    SHAPES
        .iter()
        .filter(|s| s.kind == ShapeKind::Region)
        .map(|s| {
            let bbox = s.ring.iter().fold(
                (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
                |(w, so, e, n), &(x, y)| (w.min(x), so.min(y), e.max(x), n.max(y)),
            );
            RegionRing {
                code: s.code.as_str(),
                ring: &s.ring,
                bbox,
                area: area(&s.ring),
            }
        })
        .collect()
});

/// The administrative region a point lies in, by its code: the smallest region ring that
/// holds it, since the rings are outer rings only and a capital district (Niamey, Bamako,
/// N'Djamena) lies inside its surrounding region's. Rings are simplified to about a
/// kilometre, so a point on a border may fall either way.
pub fn region_at(lon: f64, lat: f64) -> Option<&'static str> {
    REGION_RINGS
        .iter()
        .filter(|r| {
            let (w, s, e, n) = r.bbox;
            (w..=e).contains(&lon) && (s..=n).contains(&lat) && ring_holds(r.ring, lon, lat)
        })
        .min_by(|a, b| a.area.total_cmp(&b.area))
        .map(|r| r.code)
}

/// A ring's area in square degrees (the shoelace formula), to compare rings.
fn area(ring: &[(f64, f64)]) -> f64 {
    let twice: f64 = ring
        .iter()
        .zip(ring.iter().cycle().skip(1))
        .map(|(&(x1, y1), &(x2, y2))| x1 * y2 - x2 * y1)
        .sum();
    twice.abs() / 2.0
}

/// Whether a closed ring holds a point (the even-odd rule).
fn ring_holds(ring: &[(f64, f64)], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let ((xi, yi), (xj, yj)) = (ring[i], ring[j]);
        if (yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// An equirectangular projection of [`BOX`] at its middle latitude, `width` pixels wide: at
/// these latitudes it bends shapes less than the eye notices, and a point is two lines of code.
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    pub width: f64,
    pub height: f64,
    scale: f64,
    squeeze: f64,
}

impl Projection {
    pub fn new(width: f64) -> Projection {
        let (w, s, e, n) = BOX;
        let squeeze = ((s + n) / 2.0).to_radians().cos();
        let scale = width / ((e - w) * squeeze);
        Projection {
            width,
            height: (n - s) * scale,
            scale,
            squeeze,
        }
    }

    pub fn contains(lon: f64, lat: f64) -> bool {
        let (w, s, e, n) = BOX;
        (w..=e).contains(&lon) && (s..=n).contains(&lat)
    }

    /// Pixels from the top left corner.
    pub fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - BOX.0) * self.squeeze * self.scale,
            (BOX.3 - lat) * self.scale,
        )
    }
}

/// A story on the map.
#[derive(Debug, Clone)]
pub struct Point {
    /// The story's number in the page's table.
    pub number: usize,
    pub lon: f64,
    pub lat: f64,
    /// Killed and kidnapped: the point's area grows with them.
    pub toll: u32,
    pub colour: &'static str,
    /// Only the country is known: the point stands at its centre, drawn hollow.
    pub approximate: bool,
    /// The point's tooltip: number, place, kind.
    pub title: String,
    /// Where the point leads (the console's incident page); `None` in a briefing.
    pub href: Option<String>,
}

/// A country's name, written at its centre.
#[derive(Debug, Clone)]
pub struct Label {
    pub text: String,
    pub lon: f64,
    pub lat: f64,
}

const SEA_OR_BEYOND: &str = "#f4f6f8";
const SAHEL_FILL: &str = "#ece3cf";
const OTHER_FILL: &str = "#fbfaf7";
const BORDER: &str = "#8a8a8a";
/// Regions' outlines: thin, and lighter than the borders, so that they place a story without
/// being taken for a border.
const REGION_LINE: &str = "#b48fb4";
pub const LAKE: &str = "#9ecae1";

/// The radius of a story's point: its area grows with the toll, within bounds a page can hold.
fn radius(toll: u32) -> f64 {
    (4.0 + 1.6 * f64::from(toll).sqrt()).min(18.0)
}

/// A closed ring as path data, projected.
fn path(out: &mut String, proj: &Projection, ring: &[(f64, f64)]) {
    for (i, (lon, lat)) in ring.iter().enumerate() {
        let (x, y) = proj.xy(*lon, *lat);
        let _ = write!(out, "{}{x:.1},{y:.1}", if i == 0 { 'M' } else { 'L' });
    }
    out.push('Z');
}

/// The map as one `<svg>`: countries, the scope's regions (thin light lines under the
/// borders), lakes, country names, then the stories' points, the biggest first so that small
/// points stay visible on top of them. Points at the same spot are spread around it, so that
/// every number can be read.
pub fn svg(id: &str, caption: &str, width: f64, points: &[Point], labels: &[Label]) -> String {
    let proj = Projection::new(width);
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"{cap}\"><rect width=\"{w:.0}\" height=\"{h:.0}\" fill=\"{SEA_OR_BEYOND}\"/>",
        w = proj.width,
        h = proj.height,
        cap = esc(caption),
    );
    // Countries' fills, then the regions' outlines, then the countries' borders over them (the
    // same paths again, by reference), then the lakes: a region's edge along a border, drawn
    // from a finer source, hides under the border instead of doubling it.
    let countries: Vec<(usize, &Shape)> = SHAPES
        .iter()
        .filter(|s| s.kind == ShapeKind::Country)
        .enumerate()
        .collect();
    for (sahel, fill) in [(false, OTHER_FILL), (true, SAHEL_FILL)] {
        let _ = write!(out, "<g fill=\"{fill}\" stroke=\"none\">");
        for (n, s) in countries
            .iter()
            .filter(|(_, s)| SAHEL.contains(&s.code.as_str()) == sahel)
        {
            let _ = write!(
                out,
                "<path id=\"{id}-c{n}\" class=\"country\" data-code=\"{}\" d=\"",
                esc(&s.code)
            );
            path(&mut out, &proj, &s.ring);
            out.push_str("\"/>");
        }
        out.push_str("</g>");
    }
    let _ = write!(
        out,
        "<g class=\"regions\" fill=\"none\" stroke=\"{REGION_LINE}\" stroke-width=\"0.6\" stroke-linejoin=\"round\">"
    );
    for s in SHAPES.iter().filter(|s| s.kind == ShapeKind::Region) {
        let _ = write!(out, "<path data-code=\"{}\" d=\"", esc(&s.code));
        path(&mut out, &proj, &s.ring);
        out.push_str("\"/>");
    }
    let _ = write!(
        out,
        "</g><g class=\"borders\" fill=\"none\" stroke=\"{BORDER}\" stroke-width=\"0.8\">"
    );
    for (n, _) in &countries {
        let _ = write!(out, "<use href=\"#{id}-c{n}\"/>");
    }
    let _ = write!(
        out,
        "</g><g fill=\"{LAKE}\" stroke=\"{BORDER}\" stroke-width=\"0.8\">"
    );
    for s in SHAPES.iter().filter(|s| s.kind == ShapeKind::Lake) {
        let _ = write!(
            out,
            "<path class=\"lake\" data-code=\"{}\" d=\"",
            esc(&s.code)
        );
        path(&mut out, &proj, &s.ring);
        out.push_str("\"/>");
    }
    out.push_str("</g>");
    for l in labels.iter().filter(|l| Projection::contains(l.lon, l.lat)) {
        // Below the centre, where a story known only by its country stands.
        let (x, y) = proj.xy(l.lon, l.lat);
        let y = y + 16.0;
        let _ = write!(
            out,
            "<text class=\"country-name\" x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"12\" fill=\"#777\" text-anchor=\"middle\">{}</text>",
            esc(&l.text)
        );
    }
    let mut placed: Vec<(f64, f64)> = Vec::new();
    let mut order: Vec<&Point> = points
        .iter()
        .filter(|p| Projection::contains(p.lon, p.lat))
        .collect();
    order.sort_by_key(|p| std::cmp::Reverse(p.toll));
    for p in order {
        let (x0, y0) = proj.xy(p.lon, p.lat);
        // The k-th point at one spot goes round it on a sunflower spiral.
        let k = placed
            .iter()
            .filter(|(x, y)| (x - x0).abs() < 1.0 && (y - y0).abs() < 1.0)
            .count();
        placed.push((x0, y0));
        let angle = k as f64 * 2.399_963;
        let reach = 7.0 * (k as f64).sqrt();
        let (x, y) = (x0 + reach * angle.cos(), y0 + reach * angle.sin());
        let r = radius(p.toll);
        let (fill, dash) = if p.approximate {
            ("none", " stroke-dasharray=\"2 2\"")
        } else {
            (p.colour, "")
        };
        if let Some(href) = &p.href {
            let _ = write!(out, "<a href=\"{}\">", esc(href));
        }
        let _ = write!(
            out,
            "<g class=\"story\" data-number=\"{n}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"{fill}\" fill-opacity=\"0.75\" stroke=\"{col}\" stroke-width=\"1.5\"{dash}/><text x=\"{tx:.1}\" y=\"{ty:.1}\" font-size=\"11\" font-weight=\"bold\" fill=\"#222\">{n}</text><title>{title}</title></g>",
            n = p.number,
            col = p.colour,
            tx = x + r + 1.5,
            ty = y - r / 2.0,
            title = esc(&p.title),
        );
        if p.href.is_some() {
            out.push_str("</a>");
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_borders_parse_and_hold_the_sahel_and_lake_chad() {
        let shapes = parse(include_str!("map/borders.txt")).expect("borders.txt parses");
        for code in ["ML", "NE", "BF", "TD", "MR", "NG", "DZ", "LY"] {
            assert!(
                shapes
                    .iter()
                    .any(|s| s.kind == ShapeKind::Country && s.code == code),
                "{code}"
            );
        }
        assert!(shapes
            .iter()
            .any(|s| s.kind == ShapeKind::Lake && s.code == "Lake Chad"));
        let inside = |s: &Shape| {
            s.ring
                .iter()
                .all(|(lon, lat)| Projection::contains(*lon, *lat))
        };
        assert!(shapes.iter().all(inside), "every ring is cut to the box");
    }

    /// Whether a ring holds a point (even-odd ray casting).
    fn holds(ring: &[(f64, f64)], (x, y): (f64, f64)) -> bool {
        let mut inside = false;
        for (i, &(x2, y2)) in ring.iter().enumerate() {
            let (x1, y1) = ring[(i + ring.len() - 1) % ring.len()];
            if (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) {
                inside = !inside;
            }
        }
        inside
    }

    #[test]
    fn the_embedded_regions_are_the_scope_s_with_their_codes_and_places() {
        let shapes = parse(include_str!("map/borders.txt")).expect("borders.txt parses");
        let regions: Vec<&Shape> = shapes
            .iter()
            .filter(|s| s.kind == ShapeKind::Region)
            .collect();
        // Natural Earth's admin-1 layer: Mali's nine regions of before 2016 (Bamako among
        // them), Niger's eight, Burkina Faso's thirteen (dissolved from its 45 provinces),
        // Chad's 22 of 2008-2012 (N'Djamena among them), Mauritania's thirteen (Nouakchott
        // as one).
        for (country, n) in [("ML", 9), ("NE", 8), ("BF", 13), ("TD", 22), ("MR", 13)] {
            let codes: std::collections::BTreeSet<&str> = regions
                .iter()
                .filter(|s| s.code.starts_with(&format!("{country}-")))
                .map(|s| s.code.as_str())
                .collect();
            assert_eq!(codes.len(), n, "{country}: {codes:?}");
        }
        // The towns analysts place events by, each in its region (ISO 3166-2).
        let towns = [
            ("ML-7", "Gao", -0.04, 16.27),
            (
                "ML-7",
                "Ménaka (still in Gao in Natural Earth)",
                2.40,
                15.92,
            ),
            ("ML-8", "Kidal", 1.41, 18.44),
            ("ML-6", "Tombouctou", -3.01, 16.77),
            ("ML-5", "Mopti", -4.18, 14.49),
            ("ML-BKO", "Bamako", -8.0, 12.64),
            ("NE-1", "Agadez", 7.99, 16.97),
            ("NE-6", "Tillabéri", 1.45, 14.21),
            ("NE-5", "Tahoua", 5.26, 14.89),
            ("NE-2", "Diffa", 12.61, 13.31),
            ("NE-8", "Niamey", 2.11, 13.51),
            ("BF-12", "Djibo (Sahel region)", -1.63, 14.10),
            ("BF-12", "Dori (Sahel region)", -0.03, 14.03),
            ("BF-03", "Ouagadougou (Centre)", -1.52, 12.37),
            ("BF-08", "Fada N'Gourma (Est)", 0.36, 12.06),
            ("TD-LC", "Bol (Lac)", 14.71, 13.47),
            ("TD-ND", "N'Djamena", 15.06, 12.13),
            ("TD-OD", "Abéché (Ouaddaï)", 20.83, 13.83),
            ("MR-01", "Bassikounou (Hodh ech Chargui)", -5.9, 15.86),
            ("MR-NKC", "Nouakchott", -15.98, 18.08),
            ("NG-BO", "Maiduguri (Borno)", 13.16, 11.85),
            ("NG-YO", "Damaturu (Yobe)", 11.96, 11.75),
            ("NG-AD", "Yola (Adamawa)", 12.48, 9.2),
            ("NG-SO", "Sokoto", 5.24, 13.06),
            ("NG-KN", "Kano", 8.52, 12.0),
            ("DZ-11", "Tamanrasset", 5.52, 22.79),
            ("DZ-33", "Illizi", 8.47, 26.48),
            ("LY-SB", "Sebha", 14.43, 27.03),
            ("LY-MQ", "Murzuq", 13.92, 25.92),
            ("LY-GT", "Ghat", 10.17, 24.96),
            ("LY-KF", "Kufra", 23.3, 24.18),
        ];
        for (code, town, lon, lat) in towns {
            assert!(
                regions
                    .iter()
                    .any(|s| s.code == code && holds(&s.ring, (lon, lat))),
                "{town} is not inside {code}"
            );
        }
        // Gao is Mali's east, nowhere near Niger's Agadez.
        assert!(!regions
            .iter()
            .any(|s| s.code == "ML-7" && holds(&s.ring, (7.99, 16.97))));
        // Nigeria's south (Lagos, Rivers) is no Sahel region.
        assert!(!regions
            .iter()
            .any(|s| s.code == "NG-LA" || s.code == "NG-RI"));
        // Each region lies inside its country's box (countries from another scale: a tenth
        // of a degree of slack).
        let bbox = |ring: &[(f64, f64)]| {
            ring.iter().fold(
                (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
                |(w, s, e, n), &(x, y)| (w.min(x), s.min(y), e.max(x), n.max(y)),
            )
        };
        for r in &regions {
            let country = &r.code[..2];
            let (w, s, e, n) = shapes
                .iter()
                .filter(|c| c.kind == ShapeKind::Country && c.code == country)
                .map(|c| bbox(&c.ring))
                .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))
                .unwrap_or_else(|| panic!("{}: no country {country}", r.code));
            let (rw, rs, re, rn) = bbox(&r.ring);
            assert!(
                rw >= w - 0.1 && rs >= s - 0.1 && re <= e + 0.1 && rn <= n + 0.1,
                "{} ({rw}, {rs}, {re}, {rn}) outside {country}'s box ({w}, {s}, {e}, {n})",
                r.code
            );
        }
    }

    #[test]
    fn regions_are_thin_lines_under_the_borders_and_the_points() {
        let p = Point {
            number: 1,
            lon: -0.04,
            lat: 16.27,
            toll: 3,
            colour: "#c00",
            approximate: false,
            title: String::new(),
            href: None,
        };
        let svg = svg("m", "map", 800.0, &[p], &[]);
        let at = |what: &str| svg.find(what).unwrap_or_else(|| panic!("{what}"));
        let (fills, regions, borders, lakes, story) = (
            at("class=\"country\""),
            at("<g class=\"regions\" fill=\"none\""),
            at("<g class=\"borders\" fill=\"none\""),
            at("class=\"lake\""),
            at("class=\"story\""),
        );
        assert!(fills < regions && regions < borders && borders < lakes && lakes < story);
        assert!(svg.contains("<path data-code=\"ML-7\" d=\"M"));
        // Every country's fill is outlined once by reference, and each reference names a path.
        let ids = svg.matches("<path id=\"m-c").count();
        assert_eq!(svg.matches("<use href=\"#m-c").count(), ids);
        assert_eq!(
            ids,
            SHAPES
                .iter()
                .filter(|s| s.kind == ShapeKind::Country)
                .count()
        );
    }

    #[test]
    fn bamako_is_west_and_south_of_agadez_on_the_map() {
        let p = Projection::new(800.0);
        // Bamako 12.64 N 8.00 W; Agadez 16.97 N 7.99 E.
        let (bx, by) = p.xy(-8.0, 12.64);
        let (ax, ay) = p.xy(7.99, 16.97);
        assert!(bx < ax && by > ay);
        assert!(p.height > 300.0 && p.height < 600.0, "{}", p.height);
        let (x, y) = p.xy(BOX.0, BOX.3);
        assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
    }

    #[test]
    fn points_at_one_spot_are_spread_so_each_number_shows() {
        let point = |n| Point {
            number: n,
            lon: 13.15,
            lat: 11.85,
            toll: 0,
            colour: "#c00",
            approximate: false,
            title: String::new(),
            href: None,
        };
        let svg = svg("m", "map", 800.0, &[point(1), point(2), point(3)], &[]);
        let centres: std::collections::BTreeSet<&str> = svg
            .split("<circle cx=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        assert_eq!(centres.len(), 3, "{svg}");
    }

    #[test]
    fn a_story_outside_the_box_is_left_off_the_map() {
        let p = Point {
            number: 1,
            lon: 2.35,
            lat: 48.85,
            toll: 3,
            colour: "#c00",
            approximate: false,
            title: String::new(),
            href: None,
        };
        assert!(!svg("m", "map", 800.0, &[p], &[]).contains("class=\"story\""));
    }

    /// Towns whose regions the world knows (Mali's regions of before 2016, as drawn).
    #[test]
    fn towns_lie_in_their_regions() {
        let at = |lon, lat| region_at(lon, lat).map(region_name);
        assert_eq!(at(-0.04, 16.27), Some("Gao"), "Gao");
        assert_eq!(at(2.40, 15.92), Some("Gao"), "Ménaka, in Gao's region then");
        assert_eq!(at(1.41, 18.44), Some("Kidal"), "Kidal");
        assert_eq!(at(-3.00, 16.77), Some("Timbuktu"), "Timbuktu");
        assert_eq!(at(2.11, 13.51), Some("Niamey"), "Niamey");
        assert_eq!(at(1.45, 14.21), Some("Tillabéri"), "Tillabéri");
        assert_eq!(at(13.15, 11.83), Some("Borno"), "Maiduguri");
        assert_eq!(at(-1.63, 14.10), Some("Sahel"), "Djibo");
        assert_eq!(at(15.05, 12.11), Some("N'Djamena"), "N'Djamena");
        assert_eq!(at(-15.98, 18.09), Some("Nouakchott"), "Nouakchott");
        assert_eq!(at(-10.0, 5.0), None, "the sea off Liberia");
    }

    #[test]
    fn every_region_drawn_has_a_name() {
        for s in SHAPES.iter().filter(|s| s.kind == ShapeKind::Region) {
            assert_ne!(region_name(&s.code), s.code, "{} has no name", s.code);
        }
        assert_eq!(REGION_NAMES.len(), 97);
    }
}
