//! Counts and a briefing page over stories: one incident counts once, however many outlets told
//! it (the inflation that machine-coded event datasets suffer from). Pure: stories in, rows and
//! one self-contained HTML page with SVG charts out (no script, no external resource).

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{Datelike, NaiveDate};

use crate::feed::escape_html as esc;
use crate::store::StoryRow;

/// Stories and tolls of one week, country and kind of event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WeekRow {
    /// The Monday that starts the week.
    pub week: NaiveDate,
    pub country: String,
    pub kind: String,
    pub stories: u32,
    /// Reports (items) of those stories.
    pub items: u32,
    pub killed: u32,
    pub kidnapped: u32,
}

fn monday(ts: i64) -> NaiveDate {
    let d = chrono::DateTime::from_timestamp(ts, 0)
        .unwrap_or_default()
        .date_naive();
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Counts by week (of a story's first report) × country × kind. A story about two countries
/// counts in each; its toll counts under its first kind only, so that a raid reported as an
/// attack and a kidnapping is not counted twice.
pub fn weekly(stories: &[StoryRow]) -> Vec<WeekRow> {
    let mut m: BTreeMap<(NaiveDate, String, String), WeekRow> = BTreeMap::new();
    for s in stories {
        let week = monday(s.first_seen);
        for c in &s.facts.countries {
            for (i, k) in s.facts.kinds.iter().enumerate() {
                let key = (week, c.clone(), k.as_str().to_owned());
                let row = m.entry(key).or_insert_with(|| WeekRow {
                    week,
                    country: c.clone(),
                    kind: k.as_str().to_owned(),
                    stories: 0,
                    items: 0,
                    killed: 0,
                    kidnapped: 0,
                });
                row.stories += 1;
                row.items += s.items.max(0) as u32;
                if i == 0 {
                    row.killed += s.facts.killed.unwrap_or(0);
                    row.kidnapped += s.facts.kidnapped.unwrap_or(0);
                }
            }
        }
    }
    m.into_values().collect()
}

/// Colours of the countries in charts, in a stable order (others share the last).
const PALETTE: &[(&str, &str)] = &[
    ("ML", "#1f77b4"),
    ("NE", "#ff7f0e"),
    ("BF", "#2ca02c"),
    ("TD", "#d62728"),
    ("MR", "#9467bd"),
    ("NG", "#8c564b"),
    ("DZ", "#e377c2"),
    ("LY", "#17becf"),
];
const OTHER: &str = "#7f7f7f";
const KILLED: &str = "#b2182b";
const KIDNAPPED: &str = "#2166ac";

fn colour(country: &str) -> &'static str {
    PALETTE
        .iter()
        .find(|(c, _)| *c == country)
        .map_or(OTHER, |(_, col)| col)
}

/// Every Monday from the first week to the last.
fn weeks(rows: &[WeekRow]) -> Vec<NaiveDate> {
    let (Some(first), Some(last)) = (
        rows.iter().map(|r| r.week).min(),
        rows.iter().map(|r| r.week).max(),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut w = first;
    while w <= last {
        out.push(w);
        w += chrono::Duration::days(7);
    }
    out
}

const W: f64 = 880.0;
const H: f64 = 260.0;
const PAD: f64 = 40.0;

/// A bar chart of stacked series per week. `series(week) -> [(label, colour, value)]`.
fn chart(
    id: &str,
    title: &str,
    weeks: &[NaiveDate],
    series: &dyn Fn(NaiveDate) -> Vec<(String, &'static str, u32)>,
) -> String {
    let totals: Vec<u32> = weeks
        .iter()
        .map(|w| series(*w).iter().map(|s| s.2).sum())
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let slot = (W - 2.0 * PAD) / weeks.len().max(1) as f64;
    let bar = (slot * 0.8).max(1.0);
    let scale = (H - 2.0 * PAD) / f64::from(max);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure><figcaption>{}</figcaption><svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        esc(title)
    );
    // Axes and the top value.
    let _ = write!(
        svg,
        "<line x1=\"{PAD}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#333\"/><line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{y}\" stroke=\"#333\"/><text x=\"{tx}\" y=\"{PAD}\" font-size=\"11\" text-anchor=\"end\">{max}</text><text x=\"{tx}\" y=\"{y}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        y = H - PAD,
        x2 = W - PAD,
        tx = PAD - 4.0,
    );
    for (i, w) in weeks.iter().enumerate() {
        let x = PAD + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = H - PAD;
        for (label, col, v) in series(*w) {
            if v == 0 {
                continue;
            }
            let h = f64::from(v) * scale;
            y -= h;
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{col}\"><title>{} {}: {v}</title></rect>",
                w,
                esc(&label)
            );
        }
    }
    // Week labels: the first, the last, and a few between.
    let step = (weeks.len() / 6).max(1);
    for (i, w) in weeks.iter().enumerate() {
        let last = i + 1 == weeks.len() && i % step >= step.div_ceil(2);
        if i % step == 0 || last {
            let x = PAD + slot * i as f64 + slot / 2.0;
            let _ = write!(
                svg,
                "<text x=\"{x:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                H - PAD + 14.0,
                w.format("%Y-%m-%d")
            );
        }
    }
    svg.push_str("</svg></figure>\n");
    svg
}

fn day(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The briefing page: incidents per week per country, toll per week, and the latest stories
/// with their first headline and link. `headlines` gives a story's first article (title, url).
pub fn html(
    stories: &[StoryRow],
    headlines: &dyn Fn(i64) -> Option<(String, Option<String>)>,
    generated: &str,
) -> String {
    let rows = weekly(stories);
    let weeks = weeks(&rows);
    let mut countries: Vec<&str> = rows.iter().map(|r| r.country.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    let per_country = |w: NaiveDate| -> Vec<(String, &'static str, u32)> {
        countries
            .iter()
            .map(|c| {
                // Stories, once each, whatever their kinds.
                let n = stories
                    .iter()
                    .filter(|s| {
                        monday(s.first_seen) == w && s.facts.countries.iter().any(|x| x == c)
                    })
                    .count() as u32;
                ((*c).to_owned(), colour(c), n)
            })
            .collect()
    };
    let toll = |w: NaiveDate| -> Vec<(String, &'static str, u32)> {
        let of_week = stories.iter().filter(|s| monday(s.first_seen) == w);
        let killed = of_week.clone().map(|s| s.facts.killed.unwrap_or(0)).sum();
        let kidnapped = of_week.map(|s| s.facts.kidnapped.unwrap_or(0)).sum();
        vec![
            ("killed".to_owned(), KILLED, killed),
            ("kidnapped".to_owned(), KIDNAPPED, kidnapped),
        ]
    };
    let mut out = String::with_capacity(32 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>sahel-watch briefing</title>\n<style>body{font-family:'Noto Sans','Noto Naskh Arabic',Arial,sans-serif;max-width:920px;margin:1em auto;padding:0 1em;color:#222}figure{margin:1em 0}figcaption{font-weight:bold;margin-bottom:.3em}table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border-bottom:1px solid #ddd;padding:.3em .4em;text-align:left;vertical-align:top}td.ar{direction:rtl;text-align:right}.legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}</style></head><body>\n");
    let _ = writeln!(
        out,
        "<h1>sahel-watch briefing</h1><p>{} incidents (stories) from {} to {}; generated {}.</p>",
        stories.len(),
        weeks.first().map(|w| w.to_string()).unwrap_or_default(),
        weeks.last().map(|w| w.to_string()).unwrap_or_default(),
        esc(generated)
    );
    out.push_str("<p class=\"legend\">");
    for c in &countries {
        let _ = write!(
            out,
            "<span><i style=\"background:{}\"></i>{}</span>",
            colour(c),
            esc(c)
        );
    }
    out.push_str("</p>\n");
    out.push_str(&chart(
        "incidents",
        "Incidents per week, by country",
        &weeks,
        &per_country,
    ));
    let _ = writeln!(
        out,
        "<p class=\"legend\"><span><i style=\"background:{KILLED}\"></i>killed</span><span><i style=\"background:{KIDNAPPED}\"></i>kidnapped</span></p>"
    );
    out.push_str(&chart("toll", "Toll per week", &weeks, &toll));
    out.push_str("<h2>Latest stories</h2>\n<table><tr><th>Story</th><th>First report</th><th>Kinds</th><th>Countries</th><th>Killed</th><th>Kidnapped</th><th>Outlets</th><th>Headline</th></tr>\n");
    let mut latest: Vec<&StoryRow> = stories.iter().collect();
    latest.sort_by_key(|s| std::cmp::Reverse((s.last_seen, s.id)));
    for s in latest.into_iter().take(30) {
        let kinds: Vec<&str> = s.facts.kinds.iter().map(|k| k.as_str()).collect();
        let head = match headlines(s.id).map(|(t, u)| (t, crate::alert::safe_link(u.as_deref()))) {
            Some((t, Some(u))) => format!(
                "<a href=\"{}\">{}</a>",
                esc(&u),
                esc(&crate::alert::sanitize_line(&t, 200))
            ),
            Some((t, None)) => esc(&crate::alert::sanitize_line(&t, 200)),
            None => String::new(),
        };
        let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"ar\" lang=\"ar\">{head}</td></tr>",
            s.id,
            day(s.first_seen),
            esc(&kinds.join(", ")),
            esc(&s.facts.countries.join(", ")),
            n(s.facts.killed),
            n(s.facts.kidnapped),
            s.outlets.len(),
        );
    }
    out.push_str("</table>\n</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::Facts;
    use crate::detect::EventKind;

    fn story(id: i64, day: i64, countries: &[&str], kinds: &[EventKind], killed: u32) -> StoryRow {
        StoryRow {
            id,
            kind: kinds[0].as_str().into(),
            facts: Facts {
                kinds: kinds.to_vec(),
                countries: countries.iter().map(|c| (*c).into()).collect(),
                killed: Some(killed),
                ..Facts::default()
            },
            first_seen: day * 86_400,
            last_seen: day * 86_400,
            items: 3,
            updates: 0,
            outlets: vec!["a".into()],
        }
    }

    #[test]
    fn a_story_counts_once_per_country_and_its_toll_once() {
        // 1970-01-05 was a Monday.
        let s = vec![
            story(
                1,
                4,
                &["ML"],
                &[EventKind::Attack, EventKind::Kidnapping],
                10,
            ),
            story(2, 6, &["ML", "NE"], &[EventKind::Attack], 5),
        ];
        let rows = weekly(&s);
        let ml_attack = rows
            .iter()
            .find(|r| r.country == "ML" && r.kind == "attack")
            .unwrap();
        assert_eq!(ml_attack.week.to_string(), "1970-01-05");
        assert_eq!(
            (ml_attack.stories, ml_attack.items, ml_attack.killed),
            (2, 6, 15)
        );
        let ml_kidnap = rows
            .iter()
            .find(|r| r.country == "ML" && r.kind == "kidnapping")
            .unwrap();
        assert_eq!(
            (ml_kidnap.stories, ml_kidnap.killed),
            (1, 0),
            "toll under the first kind"
        );
    }

    #[test]
    fn the_page_is_self_contained_and_escaped() {
        let s = vec![story(1, 4, &["ML"], &[EventKind::Attack], 10)];
        let page = html(
            &s,
            &|_| Some(("<b>هجوم</b>".into(), Some("javascript:alert(1)".into()))),
            "now",
        );
        assert!(page.contains("&lt;b&gt;هجوم&lt;/b&gt;"));
        assert!(!page.contains("javascript:") && !page.contains("<script"));
        assert_eq!(page.matches("<svg").count(), 2);
    }
}
