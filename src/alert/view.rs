//! What an alert says, as plain data for the templates: every string that came from a feed is
//! stripped of control and bidi-override characters here (so a hostile title can neither inject
//! headers nor reorder what the reader sees), and HTML escaping is left to the templates'
//! autoescaping.

use std::fmt::Write;

use serde::Serialize;

use crate::arabic::{counted, KIDNAPPED, KILLED};
use crate::dedup::{Corroboration, Facts};
use crate::detect::{Entity, EntityKind, EventKind, RulePack};
use crate::store::{AlertRow, DigestRow};
use crate::text::{safe_link, sanitize_line, sanitize_piece};
use crate::time::format_time;

/// The longest headline shown, in characters.
const MAX_TITLE_CHARS: usize = 300;
/// The longest excerpt of the article shown, in characters.
const MAX_EXCERPT_CHARS: usize = 1_200;
/// The longest subject, in characters.
const MAX_SUBJECT_CHARS: usize = 200;

/// A run of text, marked when a rule matched it: "event", "entity", "figure", or "".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    pub text: String,
    pub hit: &'static str,
}

/// One outlet and its articles about the event: an outlet that told it four times is named
/// once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlet {
    pub name: String,
    pub articles: Vec<OutletArticle>,
}

/// One article of an outlet about the event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutletArticle {
    pub title: String,
    /// Only http(s) links; anything else (javascript:, data:) is not a link.
    pub url: Option<String>,
}

/// The story's articles by outlet, the outlets in the order of their first article, each
/// article once.
fn by_outlet(articles: &[crate::store::StoryArticle]) -> Vec<Outlet> {
    let mut out: Vec<Outlet> = Vec::new();
    for a in articles {
        let name = sanitize_line(&a.feed_name, 120);
        let article = OutletArticle {
            title: sanitize_line(&a.title, MAX_TITLE_CHARS),
            url: safe_link(a.url.as_deref()),
        };
        match out.iter_mut().find(|o| o.name == name) {
            Some(o) if o.articles.contains(&article) => {}
            Some(o) => o.articles.push(article),
            None => out.push(Outlet {
                name,
                articles: vec![article],
            }),
        }
    }
    out
}

/// One alert, ready for the templates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertView {
    /// The outbox row, and the item it is about.
    pub id: i64,
    pub item_id: i64,
    /// "new" for the first alert about a story, "update" for a later one.
    pub kind: String,
    /// For an update: what changed ("killed 10 → 27; responsibility claimed").
    pub note: Option<String>,
    pub subject: String,
    /// How solid the story is: «single source», «corroborated by 3 independent outlets;
    /// claimed by JNIM», with the parts apart in `corroboration`.
    pub sources: String,
    pub corroboration: Corroboration,
    /// The English summary block.
    pub what: String,
    pub r#where: String,
    pub when: String,
    /// When sahel-watch first saw the report, and how long after its publication: what the
    /// reader waited, besides delivery («seen 10:53 UTC, 1 min after publication»).
    pub seen: String,
    /// For an update, or a first alert whose story an earlier report opened: when and by whom
    /// the story was first reported, and when it was first alerted (empty otherwise).
    pub story: String,
    pub toll: String,
    pub groups: String,
    pub score: String,
    /// Every outlet's article about the story, oldest first.
    pub outlets: Vec<Outlet>,
    /// This item's article.
    pub link: Option<String>,
    /// The Arabic headline and excerpt, cut into segments with the matched terms marked.
    pub title: Vec<Segment>,
    pub paragraphs: Vec<Vec<Segment>>,
    /// The distinct terms that matched, for the plain-text part.
    pub matched: Vec<String>,
}

/// A digest: several alerts for one recipient in one email.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestView {
    pub id: i64,
    pub subject: String,
    pub count: usize,
    pub alerts: Vec<AlertView>,
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

fn country<'a>(rules: &'a RulePack, code: &str) -> Option<&'a Entity> {
    rules.country_entity(code)
}

fn country_ar(rules: &RulePack, code: &str) -> String {
    country(rules, code).map_or_else(|| code.to_owned(), |e| e.name.clone())
}

fn country_en(rules: &RulePack, code: &str) -> String {
    country(rules, code)
        .and_then(|e| e.name_en.clone())
        .unwrap_or_else(|| code.to_owned())
}

/// The places named (cities and regions), in the order the detector listed them.
fn places<'a>(rules: &'a RulePack, ids: &[String]) -> Vec<&'a Entity> {
    ids.iter()
        .filter_map(|id| rules.entity(id))
        .filter(|e| matches!(e.kind, EntityKind::City | EntityKind::Region) && e.country.is_some())
        .collect()
}

/// When the report was first seen, and how long after its publication.
fn seen(published: Option<i64>, fetched: i64) -> String {
    let at = chrono::DateTime::from_timestamp(fetched, 0)
        .map(|t| t.format("%H:%M UTC").to_string())
        .unwrap_or_default();
    match published {
        Some(p) if fetched >= p => {
            let min = (fetched - p) / 60;
            let after = if min < 120 {
                format!("{min} min")
            } else if min < 2 * 24 * 60 {
                format!("{} h", min / 60)
            } else {
                format!("{} days", min / (24 * 60))
            };
            format!("seen {at}, {after} after publication")
        }
        _ => format!("seen {at}"),
    }
}

/// When and by whom the story was first reported, and when it was first alerted: what an
/// update's reader needs to place it, and what a first alert says when other outlets had told
/// the story before (the alert waited for corroboration, say). Empty when it adds nothing.
fn story_line(row: &AlertRow) -> String {
    if row.story_id.is_none() || row.kind == "surge" {
        return String::new();
    }
    let first = row
        .articles
        .iter()
        .filter_map(|a| a.published_at.map(|t| (t, a)))
        .min_by_key(|(t, _)| *t)
        .filter(|(_, a)| row.kind == "update" || a.item_id != row.item_id);
    let alerted = row
        .story_first_alerted
        .filter(|_| row.kind == "update")
        .map(|at| format!("first alerted {}", format_time(at)));
    // The outlet's name comes last: an Arabic name between two times would pull the second
    // into its right-to-left run.
    match (first, alerted) {
        (Some((at, a)), alerted) => {
            let mut line = format!("first reported {}", format_time(at));
            if let Some(alerted) = alerted {
                line.push_str(&format!(", {alerted}"));
            }
            format!("{line}, by {}", sanitize_line(&a.feed_name, 120))
        }
        (None, Some(alerted)) => alerted,
        (None, None) => String::new(),
    }
}

/// The highlighted spans of the analysed text (title, a line break, the body), sorted and
/// without overlaps.
fn highlights(row: &AlertRow, original_len: usize) -> Vec<(usize, usize, &'static str)> {
    let mut spans: Vec<(usize, usize, &'static str)> = row
        .analysis
        .explanation
        .iter()
        .filter(|e| e.start < e.end && e.end <= original_len)
        .filter_map(|e| {
            let hit = match e.rule.split(':').next() {
                Some("event") => "event",
                Some("entity") => "entity",
                Some("figure") => "figure",
                _ => return None,
            };
            Some((e.start, e.end, hit))
        })
        .collect();
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out: Vec<(usize, usize, &'static str)> = Vec::with_capacity(spans.len());
    for s in spans {
        if out.last().is_none_or(|l| s.0 >= l.1) {
            out.push(s);
        }
    }
    out
}

/// Cuts `text[range]` into segments at the highlighted spans; at most `budget` characters are
/// kept (the rest is cut with an ellipsis).
fn segments(
    text: &str,
    range: std::ops::Range<usize>,
    spans: &[(usize, usize, &'static str)],
    budget: &mut usize,
) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut push = |piece: &str, hit: &'static str, out: &mut Vec<Segment>| {
        if *budget == 0 {
            return;
        }
        let clean = sanitize_piece(piece);
        let n = clean.chars().count();
        let clean = if n > *budget {
            let cut: String = clean.chars().take(*budget).collect();
            *budget = 0;
            format!("{cut}…")
        } else {
            *budget -= n;
            clean
        };
        if !clean.is_empty() {
            out.push(Segment { text: clean, hit });
        }
    };
    let mut at = range.start;
    for &(s, e, hit) in spans {
        if e <= range.start || s >= range.end {
            continue;
        }
        let (s, e) = (s.max(range.start), e.min(range.end));
        if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        if s > at {
            push(&text[at..s], "", &mut out);
        }
        push(&text[s..e], hit, &mut out);
        at = e;
    }
    if at < range.end {
        push(&text[at..range.end], "", &mut out);
    }
    // A line's outer spaces are not content.
    if let Some(f) = out.first_mut() {
        f.text = f.text.trim_start().to_owned();
    }
    if let Some(l) = out.last_mut() {
        l.text = l.text.trim_end().to_owned();
    }
    out.retain(|s| !s.text.is_empty());
    out
}

/// How solid the alert's story is now; an item without a story is its one source.
pub fn corroboration(rules: &RulePack, row: &AlertRow) -> Corroboration {
    match &row.story {
        Some(f) => Corroboration::of(rules, f),
        None => Corroboration::of(
            rules,
            &Facts {
                claimed: row.analysis.claimed,
                disputed: row.analysis.disputed,
                groups: row
                    .analysis
                    .entities
                    .iter()
                    .filter(|id| {
                        rules
                            .entity(id)
                            .is_some_and(|e| e.kind == EntityKind::Group)
                    })
                    .cloned()
                    .collect(),
                ..Facts::default()
            },
        ),
    }
}

/// The subject: «[sahel-watch] هجوم — مالي: 27 قتيلا (باماكو) [مصدر واحد]», free of
/// control characters.
fn subject(rules: &RulePack, row: &AlertRow, c: &Corroboration) -> String {
    let a = &row.analysis;
    let mut subject = String::from("[sahel-watch] ");
    if row.kind == "surge" {
        // «Ouagadougou: 5 outlets in 40 min, usual < 1 a day»: the note says it all.
        let _ = write!(
            subject,
            "{SURGE_WHAT}: {}",
            row.note.as_deref().unwrap_or_default()
        );
        return sanitize_line(&subject, MAX_SUBJECT_CHARS);
    }
    if row.kind == "update" {
        subject.push_str("تحديث: ");
    }
    let events: Vec<&str> = a.events.iter().map(|e| event_ar(*e)).collect();
    subject.push_str(&events.join(" / "));
    let countries: Vec<String> = a.countries.iter().map(|c| country_ar(rules, c)).collect();
    if !countries.is_empty() {
        subject.push_str(" — ");
        subject.push_str(&countries.join("، "));
    }
    let (killed, _, kidnapped) = tolls(row);
    if let Some(k) = killed {
        let _ = write!(subject, ": {}", counted(k, KILLED));
    } else if let Some(k) = kidnapped {
        let _ = write!(subject, ": {}", counted(k, KIDNAPPED));
    }
    if let Some(p) = places(rules, &a.entities).first() {
        let _ = write!(subject, " ({})", p.name);
    }
    let _ = write!(subject, " [{}]", c.arabic());
    sanitize_line(&subject, MAX_SUBJECT_CHARS)
}

/// The tolls an alert states (killed, wounded, kidnapped): the story's, as its reports stand
/// when the alert is written, like its claim and its articles; the item's own for an item with
/// no story. A first alert does not say «not reported» beside a claim that a later report
/// brought.
fn tolls(row: &AlertRow) -> (Option<u32>, Option<u32>, Option<u32>) {
    match &row.story {
        Some(f) => (f.killed, f.wounded, f.kidnapped),
        None => {
            let f = &row.analysis.figures;
            (f.killed, f.wounded, f.kidnapped)
        }
    }
}

/// What a surge notice is, where an alert says the kinds of event.
const SURGE_WHAT: &str = "surge (a place suddenly in many outlets; not an incident)";

/// The view of one outbox row.
pub fn alert_view(rules: &RulePack, row: &AlertRow) -> AlertView {
    let a = &row.analysis;
    let title_line = row.title.replace(['\n', '\r'], " ");
    let original = format!("{title_line}\n{}", row.text);
    let spans = highlights(row, original.len());
    let mut title_budget = MAX_TITLE_CHARS;
    let title = segments(&original, 0..title_line.len(), &spans, &mut title_budget);
    let mut budget = MAX_EXCERPT_CHARS;
    let mut paragraphs = Vec::new();
    let mut at = title_line.len() + 1;
    for line in row.text.split('\n') {
        let range = at..at + line.len();
        at = range.end + 1;
        let p = segments(&original, range, &spans, &mut budget);
        if !p.is_empty() {
            paragraphs.push(p);
        }
        if budget == 0 {
            break;
        }
    }
    let mut matched: Vec<String> = title
        .iter()
        .chain(paragraphs.iter().flatten())
        .filter(|s| !s.hit.is_empty())
        .map(|s| s.text.trim().to_owned())
        .collect();
    matched.sort();
    matched.dedup();

    let places = places(rules, &a.entities);
    let mut r#where: Vec<String> = places
        .iter()
        .map(|p| p.name_en.clone().unwrap_or_else(|| p.name.clone()))
        .collect();
    r#where.extend(a.countries.iter().map(|c| country_en(rules, c)));
    r#where.dedup();
    let mut toll = Vec::new();
    let (killed, wounded, kidnapped) = tolls(row);
    if let Some(n) = killed {
        toll.push(format!("{n} killed"));
    }
    if let Some(n) = wounded {
        toll.push(format!("{n} wounded"));
    }
    if let Some(n) = kidnapped {
        toll.push(format!("{n} kidnapped"));
    }
    let groups: Vec<String> = a
        .entities
        .iter()
        .filter_map(|id| rules.entity(id))
        .filter(|e| e.kind == EntityKind::Group)
        .map(|e| e.name_en.clone().unwrap_or_else(|| e.name.clone()))
        .collect();
    let corroboration = corroboration(rules, row);
    AlertView {
        id: row.id,
        item_id: row.item_id,
        kind: sanitize_line(&row.kind, 20),
        note: row.note.as_deref().map(|n| sanitize_line(n, 300)),
        subject: subject(rules, row, &corroboration),
        sources: corroboration.summary(),
        corroboration,
        what: if row.kind == "surge" {
            SURGE_WHAT.to_owned()
        } else {
            a.events
                .iter()
                .map(|e| event_en(*e))
                .collect::<Vec<_>>()
                .join(", ")
        },
        r#where: r#where.join(", "),
        when: format_time(row.published_at.unwrap_or(row.fetched_at)),
        seen: seen(row.published_at, row.fetched_at),
        story: story_line(row),
        toll: if toll.is_empty() {
            "not reported".into()
        } else {
            toll.join(", ")
        },
        groups: if groups.is_empty() {
            "none named".into()
        } else {
            groups.join(", ")
        },
        score: format!("{:.1}", a.score),
        outlets: by_outlet(&row.articles),
        link: safe_link(row.url.as_deref()),
        title,
        paragraphs,
        matched,
    }
}

/// The view of a digest.
pub fn digest_view(rules: &RulePack, d: &DigestRow) -> DigestView {
    let alerts: Vec<AlertView> = d.alerts.iter().map(|r| alert_view(rules, r)).collect();
    let mut countries: Vec<String> = Vec::new();
    for r in &d.alerts {
        for c in &r.analysis.countries {
            let name = country_ar(rules, c);
            if !countries.contains(&name) {
                countries.push(name);
            }
        }
    }
    let mut subject = format!("[sahel-watch] ملخص: {} تنبيهات", alerts.len());
    if !countries.is_empty() {
        subject.push_str(" — ");
        subject.push_str(&countries.join("، "));
    }
    DigestView {
        id: d.id,
        subject: sanitize_line(&subject, MAX_SUBJECT_CHARS),
        count: alerts.len(),
        alerts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_says_when_its_report_was_seen_after_publication() {
        // 2018-03-02 10:52 UTC published, seen a minute later; then seen days later.
        assert_eq!(
            seen(Some(1_519_987_920), 1_519_987_980),
            "seen 10:53 UTC, 1 min after publication"
        );
        assert_eq!(
            seen(Some(1_519_987_920), 1_519_987_920 + 3 * 86_400),
            "seen 10:52 UTC, 3 days after publication"
        );
        assert_eq!(seen(None, 1_519_987_980), "seen 10:53 UTC");
    }
    use crate::detect::analyze;

    pub(crate) fn row(title: &str, text: &str, url: &str) -> AlertRow {
        let rules = RulePack::bundled();
        AlertRow {
            id: 1,
            item_id: 2,
            recipient: "a@b.c".into(),
            kind: "new".into(),
            message_id: "<x@y>".into(),
            attempts: 0,
            title: title.into(),
            text: text.into(),
            url: Some(url.into()),
            feed_name: "<b>Feed</b>".into(),
            published_at: Some(0),
            fetched_at: 0,
            analysis: analyze(&rules, title, text),
            in_reply_to: None,
            note: None,
            articles: vec![crate::store::StoryArticle {
                item_id: 2,
                feed_name: "<b>Feed</b>".into(),
                title: title.into(),
                url: Some(url.into()),
                published_at: Some(0),
                reason: None,
            }],
            story_id: None,
            story: None,
            thread_root: None,
            story_first_alerted: None,
        }
    }

    const TEXT: &str =
        "مقتل 27 شخصا في هجوم مسلح على قرية قرب باماكو في مالي.\nوقال مسؤول إن المهاجمين فروا.";

    /// A story of two outlets: Sky News published at 08:00 (2025-12-01), this item (Al
    /// Jazeera's) at 08:30.
    fn story_row(kind: &str, first_alerted: Option<i64>) -> AlertRow {
        let mut r = row("هجوم مسلح في باماكو", TEXT, "https://a.example/1");
        r.kind = kind.into();
        r.story_id = Some(7);
        r.published_at = Some(1_764_577_800);
        r.story_first_alerted = first_alerted;
        r.articles = vec![
            crate::store::StoryArticle {
                item_id: 1,
                feed_name: "سكاي نيوز عربية".into(),
                title: "t".into(),
                url: None,
                published_at: Some(1_764_576_000),
                reason: None,
            },
            crate::store::StoryArticle {
                item_id: 2,
                feed_name: "الجزيرة".into(),
                title: "t".into(),
                url: None,
                published_at: Some(1_764_577_800),
                reason: None,
            },
        ];
        r
    }

    #[test]
    fn an_update_says_when_its_story_was_first_reported_and_alerted() {
        let v = alert_view(
            &RulePack::bundled(),
            &story_row("update", Some(1_764_576_120)),
        );
        assert_eq!(
            v.story,
            "first reported 2025-12-01 08:00 UTC, first alerted 2025-12-01 08:02 UTC, by سكاي نيوز عربية"
        );
        // A first alert that waited for a second outlet names the first one.
        let v = alert_view(&RulePack::bundled(), &story_row("new", None));
        assert_eq!(
            v.story,
            "first reported 2025-12-01 08:00 UTC, by سكاي نيوز عربية"
        );
        // A first alert on the story's first report has nothing to add.
        let mut only = story_row("new", None);
        only.articles.remove(0);
        assert_eq!(alert_view(&RulePack::bundled(), &only).story, "");
    }

    #[test]
    fn subject_names_event_country_toll_and_place() {
        let rules = RulePack::bundled();
        let v = alert_view(
            &rules,
            &row("هجوم مسلح في باماكو", TEXT, "https://a.example/1"),
        );
        assert!(
            v.subject.starts_with("[sahel-watch] هجوم — مالي: 27 قتيلا"),
            "{}",
            v.subject
        );
        assert_eq!(v.what, "attack");
        assert_eq!(v.toll, "27 killed");
    }

    #[test]
    fn matched_terms_are_marked_and_text_is_kept_whole() {
        let rules = RulePack::bundled();
        let v = alert_view(
            &rules,
            &row("هجوم مسلح في باماكو", TEXT, "https://a.example/1"),
        );
        let joined: Vec<String> = v
            .paragraphs
            .iter()
            .map(|p| p.iter().map(|s| s.text.as_str()).collect())
            .collect();
        assert_eq!(joined, TEXT.lines().collect::<Vec<_>>());
        assert!(v.title.iter().any(|s| s.hit == "event"), "{:?}", v.title);
        assert!(
            v.matched.iter().any(|m| m.contains("باماكو")),
            "{:?}",
            v.matched
        );
    }

    #[test]
    fn hostile_strings_are_neutralised() {
        let rules = RulePack::bundled();
        let v = alert_view(
            &rules,
            &row(
                "هجوم في باماكو\r\nBcc: x@evil\u{202E}<script>",
                "نص\u{202E}معكوس\u{2067} في مالي\u{0007}",
                "javascript:alert(1)",
            ),
        );
        assert!(!v.subject.contains(['\r', '\n', '\u{202E}']));
        let all: String = v
            .title
            .iter()
            .chain(v.paragraphs.iter().flatten())
            .map(|s| s.text.as_str())
            .collect();
        assert!(
            !all.contains(['\u{202E}', '\u{2067}', '\u{0007}', '\r']),
            "{all:?}"
        );
        assert_eq!(v.outlets[0].articles[0].url, None);
        assert_eq!(v.link, None);
    }

    #[test]
    fn each_outlet_is_named_once_with_its_articles() {
        let article = |feed: &str, title: &str, url: &str| crate::store::StoryArticle {
            item_id: 0,
            feed_name: feed.into(),
            title: title.into(),
            url: Some(url.into()),
            published_at: None,
            reason: None,
        };
        let outlets = by_outlet(&[
            article("outlet 44", "هجوم على السفارة", "https://a.example/1"),
            article("outlet 45", "انفجار قرب مقر الأركان", "https://b.example/1"),
            article("outlet 44", "ارتفاع الحصيلة", "https://a.example/2"),
            article("outlet 44", "هجوم على السفارة", "https://a.example/1"),
            article("outlet 48", "تبني الهجوم", "https://c.example/1"),
        ]);
        let names: Vec<(&str, usize)> = outlets
            .iter()
            .map(|o| (o.name.as_str(), o.articles.len()))
            .collect();
        assert_eq!(
            names,
            [("outlet 44", 2), ("outlet 45", 1), ("outlet 48", 1)]
        );
    }

    #[test]
    fn long_text_is_cut() {
        let rules = RulePack::bundled();
        let long = "كلمة ".repeat(100_000);
        let v = alert_view(&rules, &row(&long, &long, "https://a.example/1"));
        let chars = |s: &[Segment]| s.iter().map(|s| s.text.chars().count()).sum::<usize>();
        assert!(chars(&v.title) <= MAX_TITLE_CHARS + 1);
        assert!(v.paragraphs.iter().map(|p| chars(p)).sum::<usize>() <= MAX_EXCERPT_CHARS + 1);
        assert!(v.subject.chars().count() <= MAX_SUBJECT_CHARS + 1);
    }
}
