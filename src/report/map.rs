//! The briefing's map: the Sahel and its neighbours as an inline SVG, each story a numbered
//! point where it happened. The borders are Natural Earth's (public domain), cut to the
//! region and simplified by `scripts/build_map.py` into `map/borders.txt`, embedded in the
//! binary so that the page needs no network and no script.

use std::fmt::Write;
use std::sync::LazyLock;

use crate::feed::escape_html as esc;

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
}

/// One closed ring of the embedded borders, in (longitude, latitude).
#[derive(Debug, Clone)]
pub struct Shape {
    pub kind: ShapeKind,
    /// The country's ISO code, or the lake's English name.
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
pub const LAKE: &str = "#9ecae1";

/// The radius of a story's point: its area grows with the toll, within bounds a page can hold.
fn radius(toll: u32) -> f64 {
    (4.0 + 1.6 * f64::from(toll).sqrt()).min(18.0)
}

/// The map as one `<svg>`: countries, lakes, country names, then the stories' points, the
/// biggest first so that small points stay visible on top of them. Points at the same spot are
/// spread around it, so that every number can be read.
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
    for s in SHAPES.iter() {
        let (fill, class) = match s.kind {
            ShapeKind::Lake => (LAKE, "lake"),
            ShapeKind::Country if SAHEL.contains(&s.code.as_str()) => (SAHEL_FILL, "country"),
            ShapeKind::Country => (OTHER_FILL, "country"),
        };
        out.push_str("<path class=\"");
        out.push_str(class);
        let _ = write!(out, "\" data-code=\"{}\" d=\"", esc(&s.code));
        for (i, (lon, lat)) in s.ring.iter().enumerate() {
            let (x, y) = proj.xy(*lon, *lat);
            let _ = write!(out, "{}{x:.1},{y:.1}", if i == 0 { 'M' } else { 'L' });
        }
        let _ = write!(
            out,
            "Z\" fill=\"{fill}\" stroke=\"{BORDER}\" stroke-width=\"0.8\"/>"
        );
    }
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
        let _ = write!(
            out,
            "<g class=\"story\" data-number=\"{n}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"{fill}\" fill-opacity=\"0.75\" stroke=\"{col}\" stroke-width=\"1.5\"{dash}/><text x=\"{tx:.1}\" y=\"{ty:.1}\" font-size=\"11\" font-weight=\"bold\" fill=\"#222\">{n}</text><title>{title}</title></g>",
            n = p.number,
            col = p.colour,
            tx = x + r + 1.5,
            ty = y - r / 2.0,
            title = esc(&p.title),
        );
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
        };
        assert!(!svg("m", "map", 800.0, &[p], &[]).contains("class=\"story\""));
    }
}
