//! Bar charts of stacked series per week, as inline SVG.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::feed::escape_html as esc;

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

/// Every Monday from the first of `mondays` to the last, weeks without stories included.
pub fn weeks(mondays: impl Iterator<Item = NaiveDate> + Clone) -> Vec<NaiveDate> {
    let (Some(first), Some(last)) = (mondays.clone().min(), mondays.max()) else {
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
pub fn chart(
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
