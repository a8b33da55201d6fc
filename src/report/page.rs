//! The briefing page: where (a map), how many (per day, week or month as suits the period, and
//! per country, each story once), and the stories themselves, numbered as on the map. One
//! self-contained HTML file: inline SVG and CSS, no script, no external resource; it prints on
//! A4.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;

use super::chart::{chart, colour, day_of, Bin, Chart, Span, KIDNAPPED, KILLED};
use super::lang::{Lang, Words};
use super::map::{self, Label, Point};
use super::{where_it_happened, StoryPlace};
use crate::dedup::Corroboration;
use crate::detect::{EntityKind, EventKind, RulePack};
use crate::store::StoryRow;
use crate::text::escape_html as esc;

/// At most this many stories are drawn and listed (the latest): a page stays readable and
/// printable whatever period is asked.
pub const MAX_LISTED: usize = 300;

/// What the page is made of.
pub struct Briefing<'a> {
    pub stories: &'a [StoryRow],
    pub rules: &'a RulePack,
    /// A story's first article: (headline, link).
    pub headlines: &'a dyn Fn(i64) -> Option<(String, Option<String>)>,
    pub generated: &'a str,
    /// The period asked for, as the user wrote it («since 2018-02-26 until 2018-03-05»).
    pub asked: &'a str,
    /// The same period in unix seconds, `since..until` (`until` excluded, now when not asked):
    /// the time charts cover it and bin by its length, not by the stories' spread (a one-week
    /// briefing is drawn by day even when its stories fell on two days).
    pub period: (i64, i64),
    pub lang: Lang,
}

const MAP_WIDTH: f64 = 880.0;

/// The colour of a story's first kind on the map.
pub fn kind_colour(k: Option<EventKind>) -> &'static str {
    match k {
        Some(EventKind::Attack) => "#c0392b",
        Some(EventKind::Kidnapping) => "#2166ac",
        Some(EventKind::BorderClosure) => "#e08214",
        None => "#666666",
    }
}

/// Text that reads left to right (dates, options) kept whole inside a right-to-left line.
fn ltr(s: &str) -> String {
    format!("<bdi dir=\"ltr\">{}</bdi>", esc(s))
}

fn day(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The stories the page shows, oldest first and numbered from 1: the latest [`MAX_LISTED`].
fn listed(stories: &[StoryRow]) -> Vec<&StoryRow> {
    let mut v: Vec<&StoryRow> = stories.iter().collect();
    v.sort_by_key(|s| (s.first_seen, s.id));
    let skip = v.len().saturating_sub(MAX_LISTED);
    v.split_off(skip)
}

pub fn html(b: &Briefing<'_>) -> String {
    let w = b.lang.words();
    let listed = listed(b.stories);
    let places: Vec<Option<StoryPlace>> = listed
        .iter()
        .map(|s| where_it_happened(b.rules, &s.facts))
        .collect();
    let mut out = String::with_capacity(64 * 1024);
    head(&mut out, w);
    period(&mut out, b, w);
    if listed.is_empty() {
        out.push_str("</body></html>\n");
        return out;
    }
    map_figure(&mut out, b, &listed, &places);
    per_bin(&mut out, b, w);
    stories_table(&mut out, b, &listed, &places);
    out.push_str("</body></html>\n");
    out
}

fn head(out: &mut String, w: &Words) {
    let align = if w.dir == "rtl" { "right" } else { "left" };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>body{{font-family:'Noto Sans','Noto Naskh Arabic',Arial,sans-serif;max-width:920px;margin:1em auto;padding:0 1em;color:#222}}figure{{margin:1em 0}}figcaption{{font-weight:bold;margin-bottom:.3em}}svg{{max-width:100%;height:auto}}table{{border-collapse:collapse;width:100%;font-size:.85em}}th,td{{border-bottom:1px solid #ddd;padding:.3em .4em;text-align:{align};vertical-align:top}}td.ar,span.ar{{direction:rtl;text-align:right;unicode-bidi:isolate}}td.n{{text-align:right}}bdi{{white-space:nowrap}}.legend span{{display:inline-block;margin-inline-end:1em}}.legend i{{display:inline-block;width:.9em;height:.9em;margin-inline-end:.3em;vertical-align:middle}}@media print{{body{{max-width:none;margin:0}}figure,tr{{break-inside:avoid}}}}@page{{size:A4;margin:12mm}}</style></head><body>\n<h1>{title}</h1>\n",
        lang = w.code,
        dir = w.dir,
        title = w.title,
    );
}

/// The real period: from the first to the last first report of the stories shown.
fn period(out: &mut String, b: &Briefing<'_>, w: &Words) {
    let first = b.stories.iter().map(|s| s.first_seen).min();
    let last = b.stories.iter().map(|s| s.first_seen).max();
    let line = match (first, last) {
        (Some(f), Some(l)) => esc(w.period)
            .replace("{n}", &b.stories.len().to_string())
            .replace("{from}", &ltr(&day(f)))
            .replace("{to}", &ltr(&day(l))),
        _ => String::new(),
    };
    let truncated = if b.stories.len() > MAX_LISTED {
        format!(" ({} {MAX_LISTED})", w.truncated)
    } else {
        String::new()
    };
    let line = if line.is_empty() {
        w.none.trim_end_matches('.').to_owned()
    } else {
        line
    };
    let _ = writeln!(
        out,
        "<p class=\"period\">{line}{truncated}. {}: {}; {} {}.</p>",
        w.asked,
        ltr(b.asked),
        w.generated,
        ltr(b.generated)
    );
}

fn map_figure(
    out: &mut String,
    b: &Briefing<'_>,
    listed: &[&StoryRow],
    places: &[Option<StoryPlace>],
) {
    let w = b.lang.words();
    let mut points = Vec::new();
    let mut off_map = 0;
    for (i, (s, p)) in listed.iter().zip(places).enumerate() {
        let Some((p, (lat, lon))) = p.as_ref().and_then(|p| p.at.map(|at| (p, at))) else {
            off_map += 1;
            continue;
        };
        if !map::Projection::contains(lon, lat) {
            off_map += 1;
            continue;
        }
        let kind = s.facts.kinds.first().copied();
        points.push(Point {
            number: i + 1,
            lon,
            lat,
            toll: s.facts.killed.unwrap_or(0) + s.facts.kidnapped.unwrap_or(0),
            colour: kind_colour(kind),
            approximate: p.approximate,
            title: format!(
                "{} {} {}",
                i + 1,
                place_name(b.lang, p),
                kind.map(|k| b.lang.kind(k)).unwrap_or_default()
            ),
            href: None,
        });
    }
    let labels: Vec<Label> = b
        .rules
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Country)
        .filter_map(|e| {
            let (lat, lon) = e.lat.zip(e.lon)?;
            let text = match b.lang {
                Lang::En => e.name_en.clone()?,
                Lang::Ar => e.name.clone(),
            };
            Some(Label { text, lon, lat })
        })
        .collect();
    let _ = write!(out, "<figure><figcaption>{}</figcaption>", w.map);
    out.push_str(&map::svg("map", w.map, MAP_WIDTH, &points, &labels));
    out.push_str("<p class=\"legend\">");
    for k in EventKind::ALL {
        let _ = write!(
            out,
            "<span><i style=\"background:{}\"></i>{}</span>",
            kind_colour(Some(k)),
            b.lang.kind(k)
        );
    }
    let _ = write!(
        out,
        "<span><i style=\"background:{}\"></i>{}</span><span>○ {}</span>",
        kind_colour(None),
        w.other,
        w.approximate
    );
    if off_map > 0 {
        let _ = write!(out, "<span>{off_map} {}</span>", w.off_map);
    }
    out.push_str("</p></figure>\n");
}

fn place_name(lang: Lang, p: &StoryPlace) -> &str {
    match lang {
        Lang::En => &p.name_en,
        Lang::Ar => &p.name_ar,
    }
}

/// Stories, killed and kidnapped of one bin and country.
#[derive(Default)]
struct Cell {
    stories: u32,
    killed: u32,
    kidnapped: u32,
}

/// Counts per bin and country, each story once, in the country where it happened («—» when
/// none is known, so that the charts' totals are the number of stories).
fn cells<'a>(
    rules: &RulePack,
    stories: impl IntoIterator<Item = &'a StoryRow>,
    bin: Bin,
) -> BTreeMap<(NaiveDate, String), Cell> {
    let mut cells: BTreeMap<(NaiveDate, String), Cell> = BTreeMap::new();
    for s in stories {
        let country = super::country_of(rules, s).unwrap_or_else(|| "—".to_owned());
        let c = cells
            .entry((bin.start(day_of(s.first_seen)), country))
            .or_default();
        c.stories += 1;
        c.killed += s.facts.killed.unwrap_or(0);
        c.kidnapped += s.facts.kidnapped.unwrap_or(0);
    }
    cells
}

fn countries_of(cells: &BTreeMap<(NaiveDate, String), Cell>) -> Vec<&str> {
    let mut countries: Vec<&str> = cells.keys().map(|(_, c)| c.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    countries
}

/// The incidents chart's bars: a bin's stories stacked by country.
fn incidents_svg(
    cells: &BTreeMap<(NaiveDate, String), Cell>,
    countries: &[&str],
    frame: &Chart<'_>,
) -> String {
    let per_country = |bin: NaiveDate| -> Vec<(String, &'static str, u32)> {
        countries
            .iter()
            .map(|c| {
                let n = cells.get(&(bin, (*c).to_owned())).map_or(0, |x| x.stories);
                ((*c).to_owned(), colour(c), n)
            })
            .collect()
    };
    chart(frame, &per_country)
}

/// A time chart and what its bars count, for a page that names the bin in its own words.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TimeChart {
    pub bin: Bin,
    /// One `<svg>`, its legend inside.
    pub svg: String,
}

/// The briefing's incidents chart for another page (the console's list of incidents): `stories`
/// of the period `since..until` (unix seconds), each once per bin in the country where it
/// happened, binned by the period's length (see [`Span::new`]). Its legend (English country
/// names) is drawn inside the chart, as the console's policy forbids colouring HTML.
pub fn incidents_chart<'a>(
    rules: &RulePack,
    stories: impl IntoIterator<Item = &'a StoryRow>,
    since: i64,
    until: i64,
) -> TimeChart {
    let stories: Vec<&StoryRow> = stories.into_iter().collect();
    let span = Span::new(since, until, stories.iter().map(|s| s.first_seen));
    let cells = cells(rules, stories.iter().copied(), span.bin);
    let countries = countries_of(&cells);
    let legend: Vec<(String, &'static str)> = countries
        .iter()
        .map(|c| (country_name(rules, Lang::En, c), colour(c)))
        .collect();
    let title = Lang::En.words().per(span.bin).chart;
    let frame = Chart {
        id: "incidents",
        title,
        span: &span,
        legend: &legend,
    };
    TimeChart {
        bin: span.bin,
        svg: incidents_svg(&cells, &countries, &frame),
    }
}

/// Per bin (day, week or month, as suits the period asked) and country: a bar chart of stories,
/// a chart of tolls, and the table of both. Each story counts once, in the country where it
/// happened.
fn per_bin(out: &mut String, b: &Briefing<'_>, w: &Words) {
    let span = Span::new(
        b.period.0,
        b.period.1,
        b.stories.iter().map(|s| s.first_seen),
    );
    let per = w.per(span.bin);
    let cells = cells(b.rules, b.stories, span.bin);
    let countries = countries_of(&cells);
    out.push_str("<p class=\"legend\">");
    for c in &countries {
        let _ = write!(
            out,
            "<span><i style=\"background:{}\"></i>{}</span>",
            colour(c),
            esc(&country_name(b.rules, b.lang, c))
        );
    }
    out.push_str("</p>\n");
    let frame = |id, title| Chart {
        id,
        title,
        span: &span,
        legend: &[],
    };
    figure(
        out,
        per.chart,
        &incidents_svg(&cells, &countries, &frame("incidents", per.chart)),
    );
    let toll = |bin: NaiveDate| -> Vec<(String, &'static str, u32)> {
        let of_bin = cells
            .range((bin, String::new())..)
            .take_while(|((x, _), _)| *x == bin);
        let (k, n) = of_bin.fold((0, 0), |(k, n), (_, c)| (k + c.killed, n + c.kidnapped));
        vec![
            (w.killed.to_owned(), KILLED, k),
            (w.kidnapped.to_owned(), KIDNAPPED, n),
        ]
    };
    let _ = writeln!(
        out,
        "<p class=\"legend\"><span><i style=\"background:{KILLED}\"></i>{}</span><span><i style=\"background:{KIDNAPPED}\"></i>{}</span></p>",
        w.killed, w.kidnapped
    );
    figure(out, per.toll, &chart(&frame("toll", per.toll), &toll));
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<table class=\"per-bin\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        per.table, per.column, w.country, w.stories, w.killed, w.kidnapped
    );
    for ((bin, country), c) in &cells {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            ltr(&span.bin.name(*bin)),
            esc(&country_name(b.rules, b.lang, country)),
            c.stories,
            c.killed,
            c.kidnapped
        );
    }
    out.push_str("</table>\n");
}

/// A chart under its caption.
fn figure(out: &mut String, caption: &str, svg: &str) {
    let _ = writeln!(
        out,
        "<figure><figcaption>{}</figcaption>{svg}</figure>",
        esc(caption)
    );
}

/// A country code's name in `lang` (the code itself when the pack has no name).
fn country_name(rules: &RulePack, lang: Lang, code: &str) -> String {
    match (lang, rules.country_entity(code)) {
        (Lang::En, Some(e)) => e.name_en.clone().unwrap_or_else(|| code.to_owned()),
        (Lang::Ar, Some(e)) => e.name.clone(),
        (_, None) => code.to_owned(),
    }
}

fn stories_table(
    out: &mut String,
    b: &Briefing<'_>,
    listed: &[&StoryRow],
    places: &[Option<StoryPlace>],
) {
    let w = b.lang.words();
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<table class=\"stories\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        w.stories, w.number, w.first_report, w.kinds, w.place, w.killed, w.kidnapped, w.outlets, w.corroboration, w.headline
    );
    for (i, (s, p)) in listed.iter().zip(places).enumerate() {
        let kinds: Vec<&str> = s.facts.kinds.iter().map(|k| b.lang.kind(*k)).collect();
        let place = match p {
            Some(p) => {
                let ar = format!("<span class=\"ar\" lang=\"ar\">{}</span>", esc(&p.name_ar));
                let (first, second) = match b.lang {
                    Lang::En => (esc(&p.name_en), ar),
                    Lang::Ar => (ar, ltr(&p.name_en)),
                };
                let country = p.country.as_deref().map(|c| format!(" ({})", ltr(c)));
                format!("{first} {second}{}", country.unwrap_or_default())
            }
            None => String::new(),
        };
        let c = Corroboration::of(b.rules, &s.facts);
        let mut level = b.lang.level(c.level).to_owned();
        if c.outlets >= 2 {
            let _ = write!(level, " ({})", c.outlets);
        }
        if c.claimed {
            let _ = write!(level, "; {}", w.claimed);
        }
        if c.disputed {
            let _ = write!(level, "; {}", w.disputed);
        }
        let head = match (b.headlines)(s.id).map(|(t, u)| (t, crate::text::safe_link(u.as_deref())))
        {
            Some((t, Some(u))) => format!(
                "<a href=\"{}\">{}</a>",
                esc(&u),
                esc(&crate::text::sanitize_line(&t, 200))
            ),
            Some((t, None)) => esc(&crate::text::sanitize_line(&t, 200)),
            None => String::new(),
        };
        let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr data-story=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{place}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"ar\" lang=\"ar\" dir=\"rtl\">{head}</td></tr>",
            s.id,
            i + 1,
            ltr(&day(s.first_seen)),
            esc(&kinds.join(w.comma)),
            n(s.facts.killed),
            n(s.facts.kidnapped),
            s.outlets.len(),
            esc(&level),
        );
    }
    out.push_str("</table>\n");
}
