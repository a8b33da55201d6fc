//! Counts and a briefing page over stories: one incident counts once, however many outlets told
//! it (the inflation that machine-coded event datasets suffer from). Pure: stories in, rows and
//! one self-contained HTML page with SVG charts out (no script, no external resource).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::dedup::Facts;
use crate::detect::RulePack;
use crate::store::StoryRow;

mod chart;
mod lang;
pub mod map;
mod page;

pub use page::kind_colour;

pub use chart::Bin;
pub use lang::Lang;
pub use page::{html, incidents_chart, Briefing, TimeChart};

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

pub(crate) fn monday(ts: i64) -> NaiveDate {
    let d = chrono::DateTime::from_timestamp(ts, 0)
        .unwrap_or_default()
        .date_naive();
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Where a story happened, as precisely as its facts say: its first town, else its first
/// region, else the centre of its first country (approximate).
#[derive(Debug, Clone, PartialEq)]
pub struct StoryPlace {
    /// The gazetteer's id of the place.
    pub id: String,
    pub country: Option<String>,
    pub name_en: String,
    pub name_ar: String,
    /// (latitude, longitude), when the gazetteer has them.
    pub at: Option<(f64, f64)>,
    /// Only the country is known.
    pub approximate: bool,
}

/// See [`StoryPlace`]. A place the rule pack no longer knows keeps its id as its name.
pub fn where_it_happened(rules: &RulePack, f: &Facts) -> Option<StoryPlace> {
    let of = |id: &str, at: Option<(f64, f64)>, approximate: bool| {
        let e = rules.entity(id);
        StoryPlace {
            id: id.to_owned(),
            country: e
                .and_then(|e| e.country.clone())
                .or_else(|| f.countries.first().cloned()),
            name_en: e
                .and_then(|e| e.name_en.clone())
                .unwrap_or_else(|| id.to_owned()),
            name_ar: e.map_or_else(|| id.to_owned(), |e| e.name.clone()),
            at: at.or_else(|| e.and_then(|e| e.lat.zip(e.lon))),
            approximate,
        }
    };
    if let Some(p) = f.cities.iter().chain(&f.regions).next() {
        return Some(of(&p.id, p.at, false));
    }
    f.countries.first().map(|c| of(c, None, true))
}

/// The one country a story counts in: where it happened, else the first it names.
fn country_of(rules: &RulePack, s: &StoryRow) -> Option<String> {
    where_it_happened(rules, &s.facts)
        .and_then(|p| p.country)
        .or_else(|| s.facts.countries.first().cloned())
}

/// Counts by week (of a story's first report) × country × kind. A story counts once, in the
/// country where it happened (an attack in Ouagadougou claimed from Mali is Burkina Faso's);
/// its toll counts under its first kind only, so that a raid reported as an attack and a
/// kidnapping is not counted twice.
pub fn weekly(rules: &RulePack, stories: &[StoryRow]) -> Vec<WeekRow> {
    let mut m: BTreeMap<(NaiveDate, String, String), WeekRow> = BTreeMap::new();
    for s in stories {
        let week = monday(s.first_seen);
        let Some(c) = country_of(rules, s) else {
            continue;
        };
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
    m.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::{Facts, Place};
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
            dismissed: false,
            first_alerted: None,
        }
    }

    fn in_town(mut s: StoryRow, id: &str) -> StoryRow {
        s.facts.cities = vec![Place {
            id: id.into(),
            at: None,
        }];
        s
    }

    #[test]
    fn a_story_counts_once_in_the_country_where_it_happened_and_its_toll_once() {
        let rules = RulePack::bundled();
        // 1970-01-05 was a Monday. The second story, in Ouagadougou, also names Mali and
        // Mauritania (the claimant's home, a neighbour): it counts for Burkina Faso alone.
        let s = vec![
            story(
                1,
                4,
                &["ML"],
                &[EventKind::Attack, EventKind::Kidnapping],
                10,
            ),
            in_town(
                story(2, 6, &["ML", "BF", "MR"], &[EventKind::Attack], 30),
                "bf-ouagadougou",
            ),
        ];
        let rows = weekly(&rules, &s);
        let find = |c: &str, k: &str| rows.iter().find(|r| r.country == c && r.kind == k);
        let ml_attack = find("ML", "attack").unwrap();
        assert_eq!(ml_attack.week.to_string(), "1970-01-05");
        assert_eq!(
            (ml_attack.stories, ml_attack.items, ml_attack.killed),
            (1, 3, 10)
        );
        let ml_kidnap = find("ML", "kidnapping").unwrap();
        assert_eq!(
            (ml_kidnap.stories, ml_kidnap.killed),
            (1, 0),
            "toll under the first kind"
        );
        let bf = find("BF", "attack").unwrap();
        assert_eq!((bf.stories, bf.killed), (1, 30));
        assert!(find("MR", "attack").is_none());
        assert_eq!(rows.iter().map(|r| r.stories).sum::<u32>(), 3);
    }

    #[test]
    fn a_story_is_placed_at_its_town_else_its_country_centre() {
        let rules = RulePack::bundled();
        let s = in_town(
            story(1, 4, &["BF"], &[EventKind::Attack], 1),
            "bf-ouagadougou",
        );
        let p = where_it_happened(&rules, &s.facts).unwrap();
        assert_eq!(
            (p.name_en.as_str(), p.country.as_deref()),
            ("Ouagadougou", Some("BF"))
        );
        let (lat, lon) = p.at.unwrap();
        // Ouagadougou: 12.37 N, 1.52 W.
        assert!(
            (lat - 12.37).abs() < 0.2 && (lon + 1.52).abs() < 0.2,
            "{lat} {lon}"
        );
        assert!(!p.approximate);
        let s = story(2, 4, &["NE"], &[EventKind::Attack], 1);
        let p = where_it_happened(&rules, &s.facts).unwrap();
        assert!(p.approximate && p.at.is_some());
        assert_eq!(p.name_en, "Niger");
    }

    /// A briefing of the first 60 days of 1970 (by week), where the older tests' stories lie.
    fn page(stories: &[StoryRow], lang: Lang) -> String {
        page_of(stories, lang, (0, 60 * 86_400))
    }

    fn page_of(stories: &[StoryRow], lang: Lang, period: (i64, i64)) -> String {
        let rules = RulePack::bundled();
        html(&Briefing {
            stories,
            rules: &rules,
            headlines: &|_| Some(("<b>هجوم</b>".into(), Some("javascript:alert(1)".into()))),
            generated: "now",
            asked: "--since 1970-01-01 --until 1970-03-02",
            period,
            lang,
        })
    }

    #[test]
    fn the_page_is_self_contained_and_escaped() {
        let s = vec![story(1, 4, &["ML"], &[EventKind::Attack], 10)];
        let page = page(&s, Lang::En);
        assert!(page.contains("&lt;b&gt;هجوم&lt;/b&gt;"));
        assert!(!page.contains("javascript:") && !page.contains("<script"));
        assert_eq!(page.matches("<svg").count(), 3, "the map and two charts");
    }

    #[test]
    fn the_header_states_the_days_of_the_first_reports_not_their_weeks() {
        // 1970-01-07 (a Wednesday) and 1970-01-10 (a Saturday), both of the week of 5 January.
        let s = vec![
            story(1, 6, &["ML"], &[EventKind::Attack], 1),
            story(2, 9, &["NE"], &[EventKind::Attack], 1),
        ];
        let page = page(&s, Lang::En);
        assert!(
            page.contains(
                "2 incidents (stories) first reported from <bdi dir=\"ltr\">1970-01-07</bdi> \
                 to <bdi dir=\"ltr\">1970-01-10</bdi>"
            ),
            "{page}"
        );
    }

    #[test]
    fn every_story_is_a_numbered_point_and_a_numbered_row() {
        let s = vec![
            in_town(
                story(7, 4, &["BF"], &[EventKind::Attack], 30),
                "bf-ouagadougou",
            ),
            story(9, 5, &["NE"], &[EventKind::Kidnapping], 0),
        ];
        let page = page(&s, Lang::En);
        assert!(page.contains("class=\"story\" data-number=\"1\""));
        assert!(page.contains("class=\"story\" data-number=\"2\""));
        assert!(page.contains("<tr data-story=\"7\"><td>1</td>"));
        assert!(page.contains("<tr data-story=\"9\"><td>2</td>"));
        assert!(
            page.contains("Ouagadougou <span class=\"ar\" lang=\"ar\">واغادوغو</span> (<bdi dir=\"ltr\">BF</bdi>)"),
            "{page}"
        );
        assert!(page.contains("single source"));
    }

    #[test]
    fn in_arabic_the_page_runs_right_to_left_with_arabic_headings_and_places() {
        let s = vec![in_town(
            story(7, 4, &["BF"], &[EventKind::Attack], 30),
            "bf-ouagadougou",
        )];
        let page = page(&s, Lang::Ar);
        assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
        assert!(page.contains("الحصيلة في كل أسبوع"));
        assert!(
            page.contains(">بوركينا فاسو</text>"),
            "country names on the map"
        );
        assert!(!page.contains("Toll per week"));
    }

    /// Days since 1970-01-01 of a date, for [`story`].
    fn d(date: &str) -> i64 {
        let date: NaiveDate = date.parse().unwrap();
        (date - NaiveDate::default()).num_days()
    }

    /// Midnight (UTC) starting a date, in unix seconds.
    fn midnight(date: &str) -> i64 {
        d(date) * 86_400
    }

    fn in_mali_on(id: i64, date: &str) -> StoryRow {
        story(id, d(date), &["ML"], &[EventKind::Attack], 2)
    }

    fn chart_of(stories: &[StoryRow], since: &str, until: &str) -> TimeChart {
        let rules = RulePack::bundled();
        incidents_chart(&rules, stories, midnight(since), midnight(until))
    }

    #[test]
    fn a_week_is_drawn_day_by_day_one_bar_a_day() {
        // 1 to 7 December 2026, a story each day: seven bins, seven bars.
        let s: Vec<StoryRow> = (1..=7)
            .map(|i| in_mali_on(i, &format!("2026-12-{i:02}")))
            .collect();
        let c = chart_of(&s, "2026-12-01", "2026-12-08");
        assert_eq!(c.bin, Bin::Day);
        assert_eq!(c.svg.matches("<g class=\"bin\"").count(), 7, "{}", c.svg);
        assert_eq!(c.svg.matches("<rect class=\"bar\"").count(), 7);
        assert!(c.svg.contains(">01 Dec</text>") && c.svg.contains(">07 Dec</text>"));
        assert!(
            c.svg.contains(">Mali</text>"),
            "the legend is inside the chart"
        );
    }

    #[test]
    fn days_without_stories_keep_their_place() {
        // The same week with stories on its first and last days only.
        let s = vec![in_mali_on(1, "2026-12-01"), in_mali_on(2, "2026-12-07")];
        let c = chart_of(&s, "2026-12-01", "2026-12-08");
        assert_eq!(c.svg.matches("<g class=\"bin\"").count(), 7);
        assert_eq!(c.svg.matches("<rect class=\"bar\"").count(), 2);
        for empty in ["02", "03", "04", "05", "06"] {
            assert!(
                c.svg.contains(&format!(
                    "<g class=\"bin\" data-start=\"2026-12-{empty}\"></g>"
                )),
                "{empty}: {}",
                c.svg
            );
        }
    }

    #[test]
    fn a_quarter_is_drawn_week_by_week() {
        // 90 days, Tuesday 1 September to Sunday 29 November 2026: the weeks of Monday 31
        // August to Monday 23 November, 13 of them; stories in the first and the last.
        let s = vec![in_mali_on(1, "2026-09-01"), in_mali_on(2, "2026-11-29")];
        let c = chart_of(&s, "2026-09-01", "2026-11-30");
        assert_eq!(c.bin, Bin::Week);
        assert_eq!(c.svg.matches("<g class=\"bin\"").count(), 13, "{}", c.svg);
        assert_eq!(c.svg.matches("<rect class=\"bar\"").count(), 2);
        assert!(c
            .svg
            .contains("<g class=\"bin\" data-start=\"2026-08-31\">"));
        assert!(c
            .svg
            .contains("<g class=\"bin\" data-start=\"2026-11-23\">"));
        assert!(c.svg.contains(">2026-08-31</text>"), "a week by its Monday");
    }

    #[test]
    fn four_hundred_days_are_drawn_month_by_month() {
        // 1 November 2025 to 5 December 2026 (400 days): November 2025 to December 2026, 14
        // months, the story of 10 March 2026 in the fifth.
        let s = vec![in_mali_on(1, "2026-03-10")];
        let c = chart_of(&s, "2025-11-01", "2026-12-06");
        assert_eq!(c.bin, Bin::Month);
        assert_eq!(c.svg.matches("<g class=\"bin\"").count(), 14, "{}", c.svg);
        assert!(c
            .svg
            .contains("<g class=\"bin\" data-start=\"2026-03-01\"><rect class=\"bar\""));
        assert!(c.svg.contains(">Nov 2025</text>") && c.svg.contains(">Dec 2026</text>"));
    }

    #[test]
    fn a_one_week_briefing_is_binned_by_its_period_not_its_stories() {
        // Two stories on one day of a week asked: seven days in each chart, not one bar.
        let s = vec![
            in_mali_on(1, "2026-12-03"),
            story(2, d("2026-12-03"), &["NE"], &[EventKind::Attack], 1),
        ];
        let page = page_of(
            &s,
            Lang::En,
            (midnight("2026-12-01"), midnight("2026-12-08")),
        );
        assert_eq!(
            page.matches("<g class=\"bin\"").count(),
            14,
            "two charts of 7 days"
        );
        assert!(page.contains("<figcaption>Incidents per day, by the country"));
        assert!(page.contains("<figcaption>Toll per day</figcaption>"));
        assert!(page.contains("<h2>Per day and country"));
        assert!(page.contains("<th>Day</th>"));
        assert!(!page.contains("per week"), "{page}");
    }

    #[test]
    fn in_arabic_the_charts_name_their_unit_and_keep_latin_runs_whole() {
        let s = vec![in_mali_on(1, "2026-12-03")];
        let page = page_of(
            &s,
            Lang::Ar,
            (midnight("2026-12-01"), midnight("2026-12-08")),
        );
        assert!(page.contains("الحوادث في كل يوم"), "{page}");
        assert!(page.contains("الحصيلة في كل يوم"));
        assert!(page.contains("<th>اليوم</th>"));
        assert!(!page.contains("في كل أسبوع") && !page.contains("في كل شهر"));
        assert!(page.contains("<td><bdi dir=\"ltr\">2026-12-03</bdi></td>"));
        assert_eq!(
            page.matches("direction=\"ltr\"").count(),
            2,
            "both charts read left to right, «03 Dec» whole"
        );
        let page = page_of(
            &s,
            Lang::Ar,
            (midnight("2025-11-01"), midnight("2026-12-06")),
        );
        assert!(page.contains("الحوادث في كل شهر") && page.contains("الحصيلة في كل شهر"));
        assert!(page.contains("<th>الشهر</th>"));
        assert!(page.contains("<td><bdi dir=\"ltr\">2026-12</bdi></td>"));
    }
}
