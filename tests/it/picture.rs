//! The alert as a reader sees it: headless Chromium (Debian's `chromium`, installed by
//! scripts/test.sh) renders a real alert's HTML part to PNG, and the picture is measured: the
//! English summary starts at the left edge of the page, the Arabic block ends at the right edge.
//! The briefing page of `report` is rendered the same way and its bars are counted.
//! With `SAHEL_WATCH_UPDATE_DOCS=1` the pictures are also written to docs/.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::http::HttpServer;
use crate::support::{fixture, mail, stderr, Env};

fn chromium() -> String {
    let bin = std::env::var("SAHEL_WATCH_TEST_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let ok = Command::new(&bin)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "{bin} does not run: ./scripts/test.sh installs Debian's chromium, or set SAHEL_WATCH_TEST_CHROMIUM"
    );
    bin
}

/// Renders `html` to a PNG `width` pixels wide and 1100 high.
fn screenshot(html: &Path, png: &Path, width: u32) {
    screenshot_sized(html, png, width, 1100);
}

/// Renders `html` to a PNG of `width` by `height` pixels in headless Chromium.
pub(crate) fn screenshot_sized(html: &Path, png: &Path, width: u32, height: u32) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// How many pixels of the picture have exactly this colour.
fn pixels_of(png: &Path, rgb: [u8; 3]) -> usize {
    let p = decode(png);
    p.data.chunks(p.channels).filter(|x| x[..3] == rgb).count()
}

/// A decoded picture: rows of `width` pixels of `channels` bytes.
pub(crate) struct Picture {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub channels: usize,
}

pub(crate) fn decode(png: &Path) -> Picture {
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

/// The pixels of exactly this colour: how many, and their bounding box (left, top, right,
/// bottom).
fn extent_of(p: &Picture, rgb: [u8; 3]) -> (usize, Option<(u32, u32, u32, u32)>) {
    extent_where(p, |px| px == rgb)
}

/// [`extent_of`] the pixels that `keep` keeps.
pub(crate) fn extent_where(
    p: &Picture,
    keep: impl Fn([u8; 3]) -> bool,
) -> (usize, Option<(u32, u32, u32, u32)>) {
    let mut n = 0;
    let mut bbox: Option<(u32, u32, u32, u32)> = None;
    for (i, px) in p.data.chunks(p.channels).enumerate() {
        if !keep([px[0], px[1], px[2]]) {
            continue;
        }
        n += 1;
        let (x, y) = (i as u32 % p.width, i as u32 / p.width);
        bbox = Some(match bbox {
            None => (x, y, x, y),
            Some((l, t, r, b)) => (l.min(x), t.min(y), r.max(x), b.max(y)),
        });
    }
    (n, bbox)
}

fn briefing(lang: &str) -> (std::path::PathBuf, String, Env) {
    let articles: Vec<_> = fixture("articles.jsonl")
        .into_iter()
        .chain(fixture("stream-sample.jsonl"))
        .collect();
    let server = HttpServer::start();
    let url = server.feed("/all.xml", &articles);
    let env = Env::new();
    env.write_config(&format!("[[feeds]]\nurl = {url:?}\n"));
    assert!(env.run(&["run", "--once"]).status.success());
    let html = env.dir.path().join(format!("report-{lang}.html"));
    let out = env.run(&[
        "report",
        "--since",
        "36500d",
        "--lang",
        lang,
        "--out",
        html.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(&html).unwrap();
    (html, page, env)
}

#[test]
fn the_briefing_page_draws_its_map_and_charts() {
    let (html, page, env) = briefing("en");
    // Self-contained: nothing to fetch, nothing to run.
    for banned in ["<script", " src=", "<link", "@import", "url("] {
        assert!(!page.contains(banned), "{banned} in the report");
    }
    assert_eq!(page.matches("<svg").count(), 3, "the map and two charts");
    assert!(page.matches("class=\"bar\"").count() >= 5);
    let points = page.matches("class=\"story\"").count();
    assert!(points >= 3, "{points} stories on the map");

    let png = env.dir.path().join("report.png");
    screenshot_sized(&html, &png, 960, 2200);
    let _ = std::fs::copy(
        &png,
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png"),
    );
    if std::env::var_os("SAHEL_WATCH_UPDATE_DOCS").is_some() {
        std::fs::copy(
            &png,
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.png"),
        )
        .unwrap();
    }
    let picture = decode(&png);
    // The map is drawn: the Sahel's countries in their fill over a wide area, their borders,
    // Lake Chad; the stories' points (the attack colour of their rims) inside the Sahel's box
    // on it.
    let (sahel, sahel_box) = extent_of(&picture, [0xec, 0xe3, 0xcf]);
    let (l, t, r, b) = sahel_box.expect("the Sahel's countries are drawn");
    assert!(sahel > 100_000, "Sahel fill: {sahel} pixels");
    assert!(
        r - l > 600 && b - t > 250,
        "the Sahel spans the map: {sahel_box:?}"
    );
    // Borders are thin grey lines, drawn smooth: any neutral grey between the border's colour
    // and the fills.
    let (borders, _) = extent_where(&picture, |[r, g, b]| {
        r.abs_diff(g) < 8 && g.abs_diff(b) < 8 && (0x84..0xd8).contains(&r)
    });
    assert!(borders > 3000, "borders: {borders} pixels");
    let (lake, _) = extent_of(&picture, [0x9e, 0xca, 0xe1]);
    assert!(lake > 20, "lakes: {lake} pixels");
    let on_map = |x: u32, y: u32| (l..=r).contains(&x) && (t..=b).contains(&y);
    let rims = (0..picture.height)
        .flat_map(|y| (0..picture.width).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let i = ((y * picture.width + x) as usize) * picture.channels;
            on_map(x, y) && picture.data[i..i + 3] == [0xc0, 0x39, 0x2b]
        })
        .count();
    assert!(
        rims > 10,
        "attack points inside the Sahel's box: {rims} pixels"
    );
    // The charts: Nigeria's colour in the incidents chart, the killed colour in the toll
    // chart, each over more than a few pixels.
    let nigeria = pixels_of(&png, [0x8c, 0x56, 0x4b]);
    let killed = pixels_of(&png, [0xb2, 0x18, 0x2b]);
    assert!(nigeria > 300, "Nigeria's bars: {nigeria} pixels");
    assert!(killed > 300, "killed bars: {killed} pixels");
}

#[test]
fn the_arabic_briefing_runs_right_to_left() {
    let (html, page, env) = briefing("ar");
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
    let png = env.dir.path().join("report-ar.png");
    screenshot(&html, &png, 960);
    let _ = std::fs::copy(
        &png,
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-ar.png"),
    );
    let (bands, width) = bands(&png);
    // The title is the first band: it ends at the right edge and leaves the left half empty.
    let title = bands[0];
    let page_right = bands.iter().map(|b| b.right).max().unwrap();
    assert!(
        title.right + 3 >= page_right && title.left > width / 2,
        "the Arabic title sits at the right: {title:?} in {bands:?}"
    );
}

/// A line of text in the picture, top to bottom: its leftmost and rightmost inked columns.
#[derive(Debug, Clone, Copy)]
struct Band {
    left: u32,
    right: u32,
}

/// The text lines of an RGB(A) picture: runs of rows holding any pixel darker or more colourful
/// than the white page.
fn bands(png: &Path) -> (Vec<Band>, u32) {
    let p = decode(png);
    let (w, h, channels, buf) = (p.width, p.height, p.channels, &p.data);
    let ink = |x: u32, y: u32| {
        let i = ((y * w + x) as usize) * channels;
        buf[i..i + 3].iter().any(|&c| c < 235)
    };
    let mut out = Vec::new();
    let mut current: Option<Band> = None;
    for y in 0..h {
        let inked: Vec<u32> = (0..w).filter(|&x| ink(x, y)).collect();
        match (inked.first(), inked.last(), current.as_mut()) {
            (Some(&l), Some(&r), Some(b)) => {
                b.left = b.left.min(l);
                b.right = b.right.max(r);
            }
            (Some(&l), Some(&r), None) => current = Some(Band { left: l, right: r }),
            _ => out.extend(current.take()),
        }
    }
    out.extend(current);
    (out, w)
}

#[test]
fn the_arabic_block_of_an_alert_is_right_aligned() {
    let seed: Vec<_> = fixture("articles.jsonl")
        .into_iter()
        .filter(|a| a.id == "seed-0001")
        .collect();
    assert_eq!(seed.len(), 1);
    let server = HttpServer::start();
    let url = server.feed("/seed.xml", &seed);
    let env = Env::new();
    env.write_config(&format!("[[feeds]]\nurl = {url:?}\n"));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = env.maildir_files();
    assert_eq!(files.len(), 1);
    let m = mail::read(&files[0]);

    let html = env.dir.path().join("alert.html");
    std::fs::write(&html, &m.html).unwrap();
    let png = env.dir.path().join("alert.png");
    screenshot(&html, &png, 800);
    let _ = std::fs::copy(
        &png,
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("alert.png"),
    );
    if std::env::var_os("SAHEL_WATCH_UPDATE_DOCS").is_some() {
        std::fs::copy(
            &png,
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/alert.png"),
        )
        .unwrap();
    }

    let (bands, width) = bands(&png);
    assert!(bands.len() >= 8, "the page has text: {bands:?}");
    // The content box: from the leftmost to the rightmost ink on the page (the footer's rule
    // spans it).
    let page_left = bands.iter().map(|b| b.left).min().unwrap();
    let page_right = bands.iter().map(|b| b.right).max().unwrap();
    assert!(
        page_right - page_left > width / 2,
        "{page_left}..{page_right}"
    );
    let near = |a: u32, b: u32| a.abs_diff(b) <= 3;
    // From the top: the English summary (What, Where, When, Toll, Groups, Outlets), each row
    // starting at the left edge; then the Arabic headline and paragraphs; then the footer's rule
    // and its English line.
    let table = bands.iter().take_while(|b| near(b.left, page_left)).count();
    assert!(
        table >= 6,
        "the summary rows start at the left edge: {bands:?}"
    );
    let (rule, footer) = (&bands[bands.len() - 2], &bands[bands.len() - 1]);
    assert!(
        near(rule.left, page_left) && near(rule.right, page_right),
        "the footer's rule spans the page: {rule:?}"
    );
    assert!(
        near(footer.left, page_left),
        "the footer is English: {footer:?}"
    );
    let arabic = &bands[table..bands.len() - 2];
    assert!(arabic.len() >= 3, "headline and paragraphs: {bands:?}");
    for b in arabic {
        assert!(
            near(b.right, page_right),
            "every Arabic line ends at the right edge: {b:?} in {bands:?}"
        );
    }
    let short = arabic.iter().filter(|b| b.left > page_left + 100).count();
    assert!(
        short >= 2,
        "short Arabic lines (paragraph ends) sit at the right, not the left: {bands:?}"
    );
}
