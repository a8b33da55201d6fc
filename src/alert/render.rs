//! The alert message. Every string that came from a feed is escaped for HTML and stripped of
//! control and bidi-override characters, so that a hostile title can neither inject headers
//! nor reorder what the reader sees.

use std::fmt::Write;

use crate::detect::{EntityKind, EventKind, RulePack};
use crate::store::AlertRow;

/// A rendered alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Removes control characters (CR and LF included) and bidi embeddings/overrides/isolates,
/// collapses white space, and cuts to `max` characters.
pub fn sanitize_line(s: &str, max: usize) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| {
            !c.is_control()
                && !matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let joined = words.join(" ");
    match joined.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &joined[..i]),
        None => joined,
    }
}

/// Like [`sanitize_line`] but keeps line breaks (for the body text).
fn sanitize_text(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut left = max;
    for line in s.lines() {
        if left == 0 {
            break;
        }
        let l = sanitize_line(line, left);
        if l.is_empty() {
            continue;
        }
        left = left.saturating_sub(l.chars().count());
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&l);
    }
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Only http(s) links are rendered as links; anything else (javascript:, data:) is not a link.
fn safe_link(url: Option<&str>) -> Option<String> {
    let u = url::Url::parse(url?).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

fn event_ar(k: EventKind) -> &'static str {
    match k {
        EventKind::Attack => "هجوم",
        EventKind::Kidnapping => "اختطاف",
        EventKind::BorderClosure => "إغلاق حدود",
    }
}

fn event_en(k: EventKind) -> &'static str {
    match k {
        EventKind::Attack => "attack",
        EventKind::Kidnapping => "kidnapping",
        EventKind::BorderClosure => "border closure",
    }
}

fn country_name(rules: &RulePack, code: &str, english: bool) -> String {
    let e = rules
        .entities
        .iter()
        .find(|e| e.kind == EntityKind::Country && e.country.as_deref() == Some(code));
    match e {
        Some(e) if english => e.name_en.clone().unwrap_or_else(|| code.to_owned()),
        Some(e) => e.name.clone(),
        None => code.to_owned(),
    }
}

/// The places named (cities and regions), most specific first.
fn places<'a>(rules: &'a RulePack, ids: &[String]) -> Vec<&'a crate::detect::Entity> {
    ids.iter()
        .filter_map(|id| rules.entity(id))
        .filter(|e| matches!(e.kind, EntityKind::City | EntityKind::Region) && e.country.is_some())
        .collect()
}

fn format_time(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// Renders the alert for one outbox row.
pub fn render(rules: &RulePack, row: &AlertRow) -> Rendered {
    let a = &row.analysis;
    let title = sanitize_line(&row.title, 300);
    let excerpt = sanitize_text(&row.text, 1_200);
    let feed = sanitize_line(&row.feed_name, 120);
    let link = safe_link(row.url.as_deref());
    let places = places(rules, &a.entities);
    let groups: Vec<String> = a
        .entities
        .iter()
        .filter_map(|id| rules.entity(id))
        .filter(|e| e.kind == EntityKind::Group)
        .map(|e| e.name_en.clone().unwrap_or_else(|| e.name.clone()))
        .collect();

    // Subject: [sahel-watch] هجوم — مالي: 27 قتيلا (باماكو)
    let mut subject = String::from("[sahel-watch] ");
    subject.push_str(
        &a.events
            .iter()
            .map(|e| event_ar(*e))
            .collect::<Vec<_>>()
            .join(" / "),
    );
    let countries_ar: Vec<String> = a
        .countries
        .iter()
        .map(|c| country_name(rules, c, false))
        .collect();
    if !countries_ar.is_empty() {
        subject.push_str(" — ");
        subject.push_str(&countries_ar.join("، "));
    }
    if let Some(k) = a.figures.killed {
        let _ = write!(subject, ": {k} قتيلا");
    } else if let Some(k) = a.figures.kidnapped {
        let _ = write!(subject, ": {k} مختطفا");
    }
    if let Some(p) = places.first() {
        let _ = write!(subject, " ({})", p.name);
    }
    let subject = sanitize_line(&subject, 200);

    let what = a
        .events
        .iter()
        .map(|e| event_en(*e))
        .collect::<Vec<_>>()
        .join(", ");
    let where_en = {
        let mut w: Vec<String> = places
            .iter()
            .map(|p| p.name_en.clone().unwrap_or_else(|| p.name.clone()))
            .collect();
        w.extend(a.countries.iter().map(|c| country_name(rules, c, true)));
        w.dedup();
        w.join(", ")
    };
    let when = format_time(row.published_at.unwrap_or(row.fetched_at));
    let toll = {
        let mut t = Vec::new();
        if let Some(n) = a.figures.killed {
            t.push(format!("{n} killed"));
        }
        if let Some(n) = a.figures.wounded {
            t.push(format!("{n} wounded"));
        }
        if let Some(n) = a.figures.kidnapped {
            t.push(format!("{n} kidnapped"));
        }
        if t.is_empty() {
            "not reported".to_owned()
        } else {
            t.join(", ")
        }
    };
    let groups_en = if groups.is_empty() {
        "none named".to_owned()
    } else {
        groups.join(", ")
    };

    let mut text = String::new();
    let _ = writeln!(text, "What:    {what}");
    let _ = writeln!(text, "Where:   {where_en}");
    let _ = writeln!(text, "When:    {when}");
    let _ = writeln!(text, "Toll:    {toll}");
    let _ = writeln!(text, "Groups:  {groups_en}");
    let _ = writeln!(text, "Outlet:  {feed}");
    let _ = writeln!(text, "Score:   {:.1}", a.score);
    text.push('\n');
    // U+202B/U+202C would help plain-text readers but are exactly what we strip from feeds;
    // mail clients lay out Arabic lines right-to-left by themselves.
    let _ = writeln!(text, "{title}");
    text.push('\n');
    let _ = writeln!(text, "{excerpt}");
    if let Some(l) = &link {
        let _ = writeln!(text, "\n{l}");
    }
    let _ = writeln!(
        text,
        "\n-- \nsahel-watch alert #{} (item {})",
        row.id, row.item_id
    );

    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    html.push_str(&escape(&subject));
    html.push_str(
        "</title></head>\n<body style=\"font-family:sans-serif;max-width:720px;margin:auto\">\n",
    );
    html.push_str(
        "<table dir=\"ltr\" lang=\"en\" style=\"border-collapse:collapse;margin-bottom:1em\">\n",
    );
    for (k, v) in [
        ("What", what.as_str()),
        ("Where", where_en.as_str()),
        ("When", when.as_str()),
        ("Toll", toll.as_str()),
        ("Groups", groups_en.as_str()),
        ("Outlet", feed.as_str()),
    ] {
        let _ = writeln!(
            html,
            "<tr><th style=\"text-align:left;padding-right:1em\">{k}</th><td>{}</td></tr>",
            escape(v)
        );
    }
    html.push_str("</table>\n");
    html.push_str("<div dir=\"rtl\" lang=\"ar\" style=\"text-align:right;font-size:1.1em;line-height:1.7\">\n<h2>");
    match &link {
        Some(l) => {
            let _ = write!(html, "<a href=\"{}\">{}</a>", escape(l), escape(&title));
        }
        None => html.push_str(&escape(&title)),
    }
    html.push_str("</h2>\n");
    for para in excerpt.lines() {
        let _ = writeln!(html, "<p>{}</p>", escape(para));
    }
    html.push_str("</div>\n");
    let _ = writeln!(
        html,
        "<p dir=\"ltr\" lang=\"en\" style=\"color:#666;font-size:0.8em\">sahel-watch alert #{} (item {})</p>\n</body></html>",
        row.id, row.item_id
    );
    Rendered {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{analyze, RulePack};

    fn row(title: &str, url: &str) -> AlertRow {
        let rules = RulePack::bundled();
        AlertRow {
            id: 1,
            item_id: 2,
            recipient: "a@b.c".into(),
            kind: "new".into(),
            message_id: "<x@y>".into(),
            attempts: 0,
            title: title.into(),
            text: "مقتل 27 شخصا في هجوم مسلح على قرية قرب باماكو في مالي.".into(),
            url: Some(url.into()),
            feed_name: "<b>Feed</b>".into(),
            published_at: Some(0),
            fetched_at: 0,
            analysis: analyze(
                &rules,
                title,
                "مقتل 27 شخصا في هجوم مسلح على قرية قرب باماكو في مالي.",
            ),
        }
    }

    #[test]
    fn subject_and_rtl_body() {
        let rules = RulePack::bundled();
        let r = render(&rules, &row("هجوم مسلح في باماكو", "https://a.example/1"));
        assert!(
            r.subject.starts_with("[sahel-watch] هجوم — مالي: 27 قتيلا"),
            "{}",
            r.subject
        );
        assert!(r.html.contains("dir=\"rtl\" lang=\"ar\""));
        assert!(r.html.contains("&lt;b&gt;Feed&lt;/b&gt;"));
    }

    #[test]
    fn hostile_strings_are_neutralised() {
        let rules = RulePack::bundled();
        let r = render(
            &rules,
            &row(
                "هجوم في باماكو\r\nBcc: x@evil\u{202E}<script>",
                "javascript:alert(1)",
            ),
        );
        assert!(!r.subject.contains(['\r', '\n', '\u{202E}']));
        assert!(!r.html.contains("<script>") && !r.html.contains("javascript:"));
    }
}
