//! The briefing's map outlines the scope's administrative regions (Gao, Tillabéri, Borno...):
//! headless Chromium (Debian's `chromium`, installed by scripts/test.sh) renders a real briefing,
//! in English and in Arabic, and the picture is measured where the regions' borders are known to
//! run, away from any country border; a briefing of a quarter with hundreds of stories stays
//! under a megabyte; and the Arabic briefing's header keeps its dates whole, in reading order, at
//! phones' widths.

use std::path::Path;

use crate::picture::screenshot_sized;
use crate::support::http::HttpServer;
use crate::support::{fixture, stderr, Article, Env};

/// What the map shows: 18°W–25°E × 4°N–28°N, equirectangular at its middle latitude (16°N),
/// as the README says.
const WEST: f64 = -18.0;
const EAST: f64 = 25.0;
const SOUTH: f64 = 4.0;
const NORTH: f64 = 28.0;
/// The sea and what lies beyond the countries drawn; the Sahel's fill, the neighbours' fill.
const SEA: [u8; 3] = [0xf4, 0xf6, 0xf8];
const SAHEL_FILL: [u8; 3] = [0xec, 0xe3, 0xcf];
const OTHER_FILL: [u8; 3] = [0xfb, 0xfa, 0xf7];
/// The regions' outlines: a light mauve, told apart from the fills, the grey of the borders and
/// names, and the points' colours.
const REGION_LINE: [u8; 3] = [0xb4, 0x8f, 0xb4];
/// The rims of attacks' points.
const ATTACK: [u8; 3] = [0xc0, 0x39, 0x2b];

/// A decoded picture: rows of `width` pixels of `channels` bytes.
struct Picture {
    data: Vec<u8>,
    width: u32,
    height: u32,
    channels: usize,
}

impl Picture {
    fn decode(png: &Path) -> Picture {
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut data = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut data).unwrap();
        data.truncate(info.buffer_size());
        let channels = info.color_type.samples();
        assert!(channels >= 3, "an RGB picture");
        Picture {
            data,
            width: info.width,
            height: info.height,
            channels,
        }
    }

    fn at(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y * self.width + x) as usize * self.channels;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// The bounding box (left, top, right, bottom) of the pixels of exactly this colour.
    fn extent_of(&self, rgb: [u8; 3]) -> Option<(u32, u32, u32, u32)> {
        let mut bbox: Option<(u32, u32, u32, u32)> = None;
        for y in 0..self.height {
            for x in 0..self.width {
                if self.at(x, y) == rgb {
                    bbox = Some(match bbox {
                        None => (x, y, x, y),
                        Some((l, t, r, b)) => (l.min(x), t.min(y), r.max(x), b.max(y)),
                    });
                }
            }
        }
        bbox
    }
}

/// The map's place in the picture: its top left corner and pixels per degree of longitude and
/// latitude. The sea reaches the map's left edge from top to bottom (the Atlantic west of 18°W
/// between 4°N and 28°N), so the sea's pixels give its left, top and bottom; its width follows
/// from the box.
struct OnScreen {
    left: f64,
    top: f64,
    per_lon: f64,
    per_lat: f64,
}

impl OnScreen {
    fn find(p: &Picture) -> OnScreen {
        let (left, top, _, bottom) = p.extent_of(SEA).expect("the map's sea is drawn");
        let per_lat = f64::from(bottom - top + 1) / (NORTH - SOUTH);
        let per_lon = per_lat * ((SOUTH + NORTH) / 2.0).to_radians().cos();
        assert!(
            (EAST - WEST) * per_lon > 700.0,
            "the map is drawn wide: {} px",
            (EAST - WEST) * per_lon
        );
        OnScreen {
            left: f64::from(left),
            top: f64::from(top),
            per_lon,
            per_lat,
        }
    }

    fn xy(&self, lon: f64, lat: f64) -> (u32, u32) {
        (
            (self.left + (lon - WEST) * self.per_lon).round() as u32,
            (self.top + (NORTH - lat) * self.per_lat).round() as u32,
        )
    }
}

/// A pixel of a region's outline: the line's colour, or a blend of it with a country's fill
/// (a line thinner than a pixel, smoothed) that is at least a fifth of the way to the line.
fn region_line(px: [u8; 3]) -> bool {
    [SAHEL_FILL, OTHER_FILL].iter().any(|fill| {
        let (f, c) = (fill.map(f64::from), REGION_LINE.map(f64::from));
        let p = px.map(f64::from);
        // How far towards the line, measured on the channel that moves most.
        let k = (0..3)
            .max_by(|&a, &b| (c[a] - f[a]).abs().total_cmp(&(c[b] - f[b]).abs()))
            .unwrap();
        let t = (p[k] - f[k]) / (c[k] - f[k]);
        (0.2..=1.05).contains(&t)
            && (0..3).all(|i| (p[i] - (f[i] + t * (c[i] - f[i]))).abs() <= 6.0)
    })
}

/// Pixels of regions' outlines inside the box (west, south, east, north) of the map.
fn region_pixels(
    p: &Picture,
    map: &OnScreen,
    (w, s, e, n): (f64, f64, f64, f64),
) -> (usize, usize) {
    let (x0, y0) = map.xy(w, n);
    let (x1, y1) = map.xy(e, s);
    let mut lines = 0;
    for y in y0..=y1 {
        for x in x0..=x1 {
            lines += usize::from(region_line(p.at(x, y)));
        }
    }
    (lines, ((x1 - x0 + 1) * (y1 - y0 + 1)) as usize)
}

fn briefing(env: &Env, lang: &str, since: &str) -> (std::path::PathBuf, String) {
    let html = env.dir.path().join(format!("briefing-{lang}.html"));
    let out = env.run(&[
        "report",
        "--since",
        since,
        "--lang",
        lang,
        "--out",
        html.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(&html).unwrap();
    (html, page)
}

fn env_with(articles: &[Article]) -> (HttpServer, Env) {
    let server = HttpServer::start();
    let url = server.feed("/all.xml", articles);
    let env = Env::new();
    env.write_config(&format!("[[feeds]]\nurl = {url:?}\n"));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (server, env)
}

#[test]
fn the_briefing_map_outlines_the_regions_under_the_borders_and_points() {
    let articles: Vec<_> = fixture("articles.jsonl")
        .into_iter()
        .chain(fixture("stream-sample.jsonl"))
        .collect();
    let (_server, env) = env_with(&articles);
    for lang in ["en", "ar"] {
        let (html, page) = briefing(&env, lang, "36500d");
        assert_eq!(page.matches("<svg").count(), 3, "the map and two charts");
        let png = env.dir.path().join(format!("briefing-{lang}.png"));
        screenshot_sized(&html, &png, 960, 1100);
        let _ = std::fs::copy(
            &png,
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("briefing-map-{lang}.png")),
        );
        let p = Picture::decode(&png);
        let map = OnScreen::find(&p);
        // Inside Mali, at least a fifth of a degree from any of its borders (Mauritania's at
        // 5.5°W, Algeria's north of 20.7°N, Burkina Faso's and Niger's south of 15.3°N): the
        // borders of Tombouctou, Gao and Kidal cross it, and nothing else is drawn in mauve.
        let mali = (-4.5, 15.5, 1.5, 20.0);
        let (lines, area) = region_pixels(&p, &map, mali);
        assert!(
            lines > 120,
            "{lang}: regions' outlines inside Mali: {lines} pixels"
        );
        assert!(
            lines * 20 < area,
            "{lang}: outlines are thin lines, not fills: {lines} of {area} pixels"
        );
        // North-east Nigeria, south of its border with Niger (13°N there) and west of Lake
        // Chad: the borders of Borno, Yobe, Jigawa, Bauchi and Gombe.
        let (lines, _) = region_pixels(&p, &map, (9.5, 10.5, 13.0, 12.6));
        assert!(
            lines > 80,
            "{lang}: regions' outlines in north-east Nigeria: {lines} pixels"
        );
        // Niger, between Mali's border and Agadez (Tillabéri, Tahoua, Agadez).
        let (lines, _) = region_pixels(&p, &map, (4.5, 14.5, 8.0, 17.5));
        assert!(
            lines > 80,
            "{lang}: regions' outlines in Niger: {lines} pixels"
        );
        // The sea has none.
        let (lines, _) = region_pixels(&p, &map, (-17.8, 5.0, -14.0, 10.0));
        assert_eq!(lines, 0, "{lang}: no outline at sea");
        // The stories' points are drawn over them, where they happened: attacks' rims inside
        // the Sahel's box.
        let (x0, y0) = map.xy(-12.0, 24.0);
        let (x1, y1) = map.xy(16.0, 9.0);
        let rims = (y0..=y1)
            .flat_map(|y| (x0..=x1).map(move |x| (x, y)))
            .filter(|&(x, y)| p.at(x, y) == ATTACK)
            .count();
        assert!(
            rims > 10,
            "{lang}: attacks' points on the map: {rims} pixels"
        );
    }
}

/// Towns of the scope, in Arabic as the press writes them, with a country each; an attack in
/// each, again and again, makes stories that stay apart.
const TOWNS: [&str; 48] = [
    "غاو",
    "كيدال",
    "موبتي",
    "تمبكتو",
    "ميناكا",
    "سيغو",
    "باماكو",
    "تيساليت",
    "بوريم",
    "غوندام",
    "دوينتزا",
    "أنسونغو",
    "هومبوري",
    "نيونو",
    "باندياغارا",
    "بانكاس",
    "نيامي",
    "أغاديز",
    "تيلابيري",
    "تاهوا",
    "ديفا",
    "زيندر",
    "مارادي",
    "أرليت",
    "بوسو",
    "نغيغمي",
    "والام",
    "تيرا",
    "واغادوغو",
    "جيبو",
    "دوري",
    "كايا",
    "واهيغويا",
    "أربيندا",
    "فادا نغورما",
    "بوبو ديولاسو",
    "نجامينا",
    "أبشي",
    "باغا سولا",
    "مايدوغوري",
    "داماتورو",
    "مونغونو",
    "باغا",
    "شيبوك",
    "غوزا",
    "باما",
    "يولا",
    "موبي",
];

/// `n` attacks over twelve weeks, six hours apart: each town comes again every twelve days,
/// with another toll.
fn attacks(n: usize) -> Vec<Article> {
    let start = chrono::DateTime::parse_from_rfc3339("2018-01-01T00:00:00Z").unwrap();
    (0..n)
        .map(|i| {
            let town = TOWNS[i % TOWNS.len()];
            let killed = 2 + i % 17;
            let at = start + chrono::Duration::hours(6 * i as i64);
            Article {
                id: format!("attack-{i:04}"),
                title: format!("مقتل {killed} جنود في هجوم مسلح على موقع للجيش في {town}"),
                text: format!(
                    "قتل {killed} جنود في هجوم شنه مسلحون مجهولون على موقع عسكري في مدينة {town}، بحسب مصادر أمنية. وقالت المصادر إن المهاجمين وصلوا على متن دراجات نارية وانسحبوا بعد اشتباك استمر ساعتين، وإن الجيش أرسل تعزيزات إلى المنطقة."
                ),
                published: at.to_rfc3339(),
                incident: None,
            }
        })
        .collect()
}

#[test]
fn a_briefing_of_hundreds_of_stories_stays_under_a_megabyte() {
    // 360 attacks in twelve weeks, more than the 300 stories a briefing lists.
    let (_server, env) = env_with(&attacks(360));
    for lang in ["en", "ar"] {
        let (_, page) = briefing(&env, lang, "2017-12-31");
        let points = page.matches("class=\"story\"").count();
        assert!(points >= 250, "{lang}: {points} stories on the map");
        assert!(
            page.matches("<path data-code=\"ML-7\"").count() >= 1,
            "{lang}: Gao's outline"
        );
        assert!(
            page.len() < 1_000_000,
            "{lang}: the briefing is {} bytes",
            page.len()
        );
    }
}

/// The Arabic briefing's header on a phone-wide page (the issue: it read «2018-04-20 until--
/// 2018-02-01 since--» and broke a date across two lines): each date is drawn on one line,
/// and the first day stands to the right of the last, as a right-to-left line reads them.
#[test]
fn the_arabic_briefing_header_keeps_each_date_whole_and_in_reading_order() {
    let (_server, env) = env_with(&attacks(24));
    let (html, page) = briefing(&env, "ar", "2017-12-31");
    assert!(page.contains("<p class=\"period\">"), "{page}");
    let b = crate::support::browser::Browser::start(420);
    b.go(&format!("file://{}", html.display()));
    // Phones' widths and a little more: wherever the line wraps, no date is cut.
    for width in (300..=560).step_by(10) {
        b.resize(width);
        let first = b.rect("p.period bdi:nth-of-type(1)");
        let last = b.rect("p.period bdi:nth-of-type(2)");
        // The body's text is 16 px: one line is under 30 px high, two over 36.
        for (name, (_, _, w, h)) in [("first day", first), ("last day", last)] {
            assert!(
                h < 30.0 && w > 40.0,
                "{width} px wide: the {name} drawn {w}×{h} px, broken across lines"
            );
        }
        if (first.1 - last.1).abs() < 1.0 {
            assert!(
                first.0 > last.0,
                "{width} px wide: on one line, the first day is right of the last"
            );
        } else {
            assert!(first.1 < last.1, "{width} px wide: or on an earlier line");
        }
    }
}
