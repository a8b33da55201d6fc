//! Bar charts of stacked series over time, as inline SVG, binned by what suits the period shown:
//! a one-week briefing drawn by week is a single bar, and a year drawn by day is 365 slivers,
//! so the bin follows the period (see [`Bin::for_period`]).

use std::fmt::Write;

use chrono::{Datelike, Months, NaiveDate};

use crate::text::escape_html as esc;

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
pub const KILLED: &str = "#b2182b";
pub const KIDNAPPED: &str = "#2166ac";

pub fn colour(country: &str) -> &'static str {
    PALETTE
        .iter()
        .find(|(c, _)| *c == country)
        .map_or(OTHER, |(_, col)| col)
}

const DAY: i64 = 86_400;

/// The longest period, in days, drawn one bar per day: a week or two, where a day's bar still
/// shows (at most 15 bars, counting a partial first day) and the rhythm of a week is the point.
pub const DAYS_UP_TO: i64 = 14;
/// The longest period, in days, drawn one bar per week: a quarter (13 weeks, 92 days at most,
/// with a few days' slack so that «the last 90 or 100 days» stays weekly) — up to 16 bars.
pub const WEEKS_UP_TO: i64 = 100;
/// A period asked longer than this (ten years) means «everything» (the console's «all» is
/// 36,500 days, and so are the tests' `--since 36500d`): its charts start with the first story
/// instead of drawing decades of empty months before the archive began.
pub const OPEN_ENDED_DAYS: i64 = 3_653;

/// What one bar of a time chart counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bin {
    Day,
    Week,
    /// A calendar month: months differ in length, but «March» reads better than «4 weeks».
    Month,
}

impl Bin {
    /// The bin for a period of `days` days: days up to [`DAYS_UP_TO`], weeks up to
    /// [`WEEKS_UP_TO`], months beyond: a week gives 7 or 8 bars, a quarter 13 or 14, a year 12
    /// or 13 — enough to show a trend, few enough to read each bar (just past a threshold,
    /// as few as 3 or 4).
    pub fn for_period(days: i64) -> Bin {
        if days <= DAYS_UP_TO {
            Bin::Day
        } else if days <= WEEKS_UP_TO {
            Bin::Week
        } else {
            Bin::Month
        }
    }

    /// The first day of the bin that holds `day`: the day itself, its week's Monday (ISO weeks,
    /// as `stats` counts them), or the first of its month.
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Bin::Day => day,
            Bin::Week => {
                day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
            }
            Bin::Month => day.with_day(1).unwrap_or(day),
        }
    }

    fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Bin::Day => start.succ_opt(),
            Bin::Week => start.checked_add_days(chrono::Days::new(7)),
            Bin::Month => start.checked_add_months(Months::new(1)),
        }
    }

    /// Every bin's first day from the bin of `first` to the bin of `last`, bins without any
    /// story included: a quiet week is information, and an axis with gaps left out would lie
    /// about time.
    pub fn starts(self, first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut at = Some(self.start(first));
        while let Some(b) = at.filter(|b| *b <= last) {
            out.push(b);
            at = self.next(b);
        }
        out
    }

    /// A bin on the time axis, short because a few of them share a line: `07 Dec` (the year is
    /// in the period stated above the charts), a week by its Monday `2026-12-07`, `Dec 2026`.
    pub fn label(self, start: NaiveDate) -> String {
        let format = match self {
            Bin::Day => "%d %b",
            Bin::Week => "%Y-%m-%d",
            Bin::Month => "%b %Y",
        };
        start.format(format).to_string()
    }

    /// A bin in full, for a table's row or a bar's tooltip: the day, the Monday, `2026-12`.
    pub fn name(self, start: NaiveDate) -> String {
        match self {
            Bin::Day | Bin::Week => start.format("%Y-%m-%d").to_string(),
            Bin::Month => start.format("%Y-%m").to_string(),
        }
    }
}

/// The days a time chart covers, first and last included, and its bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub bin: Bin,
}

/// The day (UTC) of a unix time, as the briefing states days.
pub fn day_of(ts: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap_or_default()
        .date_naive()
}

impl Span {
    /// The period asked, `since` to `until` (unix seconds, `until` excluded), as the charts
    /// cover it: the bin follows its length (a «7d» briefing is drawn by day however few days
    /// had stories); an open-ended period (longer than [`OPEN_ENDED_DAYS`]) starts at the first
    /// story; and it is widened to hold every story given, so none falls off the axis.
    pub fn new(since: i64, until: i64, first_seen: impl Iterator<Item = i64> + Clone) -> Span {
        let (earliest, latest) = (first_seen.clone().min(), first_seen.max());
        let mut since = since;
        let until = until.max(since.saturating_add(1));
        if until.saturating_sub(since) > OPEN_ENDED_DAYS * DAY {
            since = since.max(earliest.unwrap_or(until - 1).min(until - 1));
        }
        let since = earliest.map_or(since, |e| since.min(e));
        let until = latest.map_or(until, |l| until.max(l.saturating_add(1)));
        let days = (until.saturating_sub(since)).saturating_add(DAY - 1) / DAY;
        Span {
            first: day_of(since),
            last: day_of(until - 1),
            bin: Bin::for_period(days),
        }
    }

    /// See [`Bin::starts`].
    pub fn starts(&self) -> Vec<NaiveDate> {
        self.bin.starts(self.first, self.last)
    }
}

const W: f64 = 880.0;
const H: f64 = 260.0;
const PAD: f64 = 40.0;

/// A time chart's frame: what it is and what it spans.
pub struct Chart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub span: &'a Span,
    /// Drawn inside the chart, above the bars, for pages that cannot colour HTML (the console's
    /// Content-Security-Policy forbids style attributes); empty where the page draws its own.
    pub legend: &'a [(String, &'static str)],
}

/// One stacked bar per bin: `series(bin start) -> [(label, colour, value)]`. Each bin is a
/// `<g class="bin">` (empty when nothing happened), each non-zero part a `<rect class="bar">`.
/// The chart reads left to right in both languages (`direction="ltr"`: time runs left to
/// right, and its labels, Latin and digits, stay whole on an Arabic page); it scales to its
/// container's width.
pub fn chart(
    c: &Chart<'_>,
    series: &dyn Fn(NaiveDate) -> Vec<(String, &'static str, u32)>,
) -> String {
    let starts = c.span.starts();
    let bars: Vec<Vec<(String, &'static str, u32)>> = starts.iter().map(|b| series(*b)).collect();
    let max = bars
        .iter()
        .map(|s| s.iter().map(|x| x.2).sum::<u32>())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg id=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 {W} {H}\" direction=\"ltr\" role=\"img\" aria-label=\"{}\">",
        esc(c.id),
        esc(c.title)
    );
    axes(&mut svg, max);
    legend(&mut svg, c.legend);
    let slot = (W - 2.0 * PAD) / starts.len().max(1) as f64;
    let bar = (slot * 0.8).max(1.0);
    let scale = (H - 2.0 * PAD) / f64::from(max);
    for (i, (b, parts)) in starts.iter().zip(&bars).enumerate() {
        let x = PAD + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = H - PAD;
        let _ = write!(svg, "<g class=\"bin\" data-start=\"{b}\">");
        for (label, col, v) in parts.iter().filter(|p| p.2 > 0) {
            let h = f64::from(*v) * scale;
            y -= h;
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{col}\"><title>{} {}: {v}</title></rect>",
                c.span.bin.name(*b),
                esc(label)
            );
        }
        svg.push_str("</g>");
    }
    labels(&mut svg, c.span.bin, &starts, slot);
    svg.push_str("</svg>");
    svg
}

/// The axes, the top value and zero.
fn axes(svg: &mut String, max: u32) {
    let _ = write!(
        svg,
        "<line x1=\"{PAD}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#333\"/><line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{y}\" stroke=\"#333\"/><text x=\"{tx}\" y=\"{PAD}\" font-size=\"11\" text-anchor=\"end\">{max}</text><text x=\"{tx}\" y=\"{y}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        y = H - PAD,
        x2 = W - PAD,
        tx = PAD - 4.0,
    );
}

/// Swatches and names in a row above the bars (names about 6.5 px a character at 11 px).
fn legend(svg: &mut String, entries: &[(String, &'static str)]) {
    let mut x = PAD;
    for (name, col) in entries {
        let _ = write!(
            svg,
            "<g class=\"legend\"><rect x=\"{x:.1}\" y=\"8\" width=\"10\" height=\"10\" fill=\"{col}\"/><text x=\"{:.1}\" y=\"17\" font-size=\"11\">{}</text></g>",
            x + 14.0,
            esc(name)
        );
        x += 14.0 + 6.5 * name.chars().count() as f64 + 14.0;
    }
}

/// Bin labels under the axis: the first, the last, and a few between.
fn labels(svg: &mut String, bin: Bin, starts: &[NaiveDate], slot: f64) {
    let step = (starts.len() / 6).max(1);
    for (i, b) in starts.iter().enumerate() {
        let last = i + 1 == starts.len() && i % step >= step.div_ceil(2);
        if i % step == 0 || last {
            let x = PAD + slot * i as f64 + slot / 2.0;
            let _ = write!(
                svg,
                "<text class=\"tick\" x=\"{x:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                H - PAD + 14.0,
                bin.label(*b)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ts(s: &str) -> i64 {
        d(s).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
    }

    #[test]
    fn the_bin_is_days_up_to_two_weeks_weeks_up_to_a_quarter_months_beyond() {
        assert_eq!(Bin::for_period(1), Bin::Day);
        assert_eq!(Bin::for_period(7), Bin::Day);
        assert_eq!(Bin::for_period(14), Bin::Day);
        assert_eq!(Bin::for_period(15), Bin::Week);
        assert_eq!(Bin::for_period(90), Bin::Week);
        assert_eq!(Bin::for_period(100), Bin::Week);
        assert_eq!(Bin::for_period(101), Bin::Month);
        assert_eq!(Bin::for_period(365), Bin::Month);
    }

    #[test]
    fn a_day_falls_in_its_day_its_monday_and_its_month() {
        // 2026-12-10 is a Thursday; its week began on Monday 7 December.
        assert_eq!(Bin::Day.start(d("2026-12-10")), d("2026-12-10"));
        assert_eq!(Bin::Week.start(d("2026-12-10")), d("2026-12-07"));
        assert_eq!(Bin::Week.start(d("2026-12-07")), d("2026-12-07"));
        assert_eq!(Bin::Month.start(d("2026-12-10")), d("2026-12-01"));
        assert_eq!(Bin::Day.label(d("2026-12-07")), "07 Dec");
        assert_eq!(Bin::Week.label(d("2026-12-07")), "2026-12-07");
        assert_eq!(Bin::Month.label(d("2026-12-01")), "Dec 2026");
    }

    #[test]
    fn every_bin_of_the_period_is_listed_empty_or_not() {
        // Tuesday 1 December to Sunday 13 December: the weeks of 30 November and 7 December.
        assert_eq!(
            Bin::Week.starts(d("2026-12-01"), d("2026-12-13")),
            [d("2026-11-30"), d("2026-12-07")]
        );
        // 31 January to 1 April crosses February: four months, however short.
        assert_eq!(
            Bin::Month.starts(d("2026-01-31"), d("2026-04-01")),
            [
                d("2026-01-01"),
                d("2026-02-01"),
                d("2026-03-01"),
                d("2026-04-01")
            ]
        );
        assert_eq!(Bin::Day.starts(d("2026-12-01"), d("2026-12-03")).len(), 3);
    }

    #[test]
    fn the_span_is_the_period_asked_not_the_stories_spread() {
        // Seven days asked, one story on the fourth: still seven days, by day.
        let s = Span::new(
            ts("2026-12-01"),
            ts("2026-12-08"),
            [ts("2026-12-04")].into_iter(),
        );
        assert_eq!(
            (s.first, s.last, s.bin),
            (d("2026-12-01"), d("2026-12-07"), Bin::Day)
        );
        // «7d» back from 20:15 touches eight calendar days, still by day.
        let now = ts("2026-12-07") + 20 * 3600;
        let s = Span::new(now - 7 * DAY, now, std::iter::empty());
        assert_eq!(
            (s.first, s.last, s.bin),
            (d("2026-11-30"), d("2026-12-07"), Bin::Day)
        );
        // Everything (100 years) starts with the first story: a quarter of it, by week.
        let s = Span::new(now - 36_500 * DAY, now, [ts("2026-10-01")].into_iter());
        assert_eq!((s.first, s.bin), (d("2026-10-01"), Bin::Week));
        // A story outside the period widens it.
        let s = Span::new(
            ts("2026-12-01"),
            ts("2026-12-08"),
            [ts("2026-11-20")].into_iter(),
        );
        assert_eq!((s.first, s.bin), (d("2026-11-20"), Bin::Week));
    }
}
