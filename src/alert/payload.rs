//! What a webhook receives (a versioned JSON document, described in docs/webhook.md) and the
//! HTML a Matrix room shows. Both are made from the same view the email templates get, so every
//! channel says the same thing, cleaned the same way.

use serde::Serialize;

use super::view::{AlertView, DigestView, Outlet};
use crate::dedup::Corroboration;
use crate::detect::{EntityKind, RulePack};
use crate::store::{AlertRow, DigestRow};
use crate::text::escape_html as escape;

/// The version of the webhook document. A change that removes or renames a field makes a new
/// version; new fields may be added to a version.
const PAYLOAD_VERSION: u32 = 2;

#[derive(Debug, Serialize)]
struct Document<'a> {
    version: u32,
    /// "alert", "digest" or "test".
    r#type: &'a str,
    /// The Message-ID: the same for every attempt, and the `Idempotency-Key` header.
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<Alert<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alerts: Option<Vec<Alert<'a>>>,
}

#[derive(Debug, Serialize)]
struct Place {
    id: String,
    name_ar: String,
    name_en: Option<String>,
    country: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Group {
    id: String,
    name_ar: String,
    name_en: Option<String>,
}

#[derive(Debug, Serialize)]
struct Toll {
    killed: Option<u32>,
    wounded: Option<u32>,
    kidnapped: Option<u32>,
}

#[derive(Debug, Serialize)]
struct Summary<'a> {
    what: &'a str,
    r#where: &'a str,
    when: &'a str,
    toll: &'a str,
    groups: &'a str,
}

#[derive(Debug, Serialize)]
struct Alert<'a> {
    /// "new" for the first alert about a story, "update" for a later one, "surge" for a place
    /// suddenly named by many outlets (not an incident), "test".
    kind: &'a str,
    update_note: Option<&'a str>,
    outbox_id: i64,
    item_id: i64,
    story_id: Option<i64>,
    subject: &'a str,
    events: Vec<&'static str>,
    /// ISO 3166 alpha-2.
    countries: &'a [String],
    places: Vec<Place>,
    groups: Vec<Group>,
    toll: Toll,
    /// The day the story's event happened (UTC), when known.
    event_date: Option<String>,
    /// RFC 3339.
    published_at: Option<String>,
    /// When sahel-watch first saw the article (RFC 3339).
    seen_at: Option<String>,
    /// When the story was first reported (its earliest article) and first alerted, for an
    /// alert about a story (RFC 3339).
    story_first_published_at: Option<String>,
    story_first_alerted_at: Option<String>,
    corroboration: &'a Corroboration,
    outlets: &'a [Outlet],
    link: Option<&'a str>,
    /// The Arabic headline and the start of the article, as received.
    headline_ar: String,
    excerpt_ar: String,
    summary_en: Summary<'a>,
    score: f64,
}

fn rfc3339(ts: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(ts, 0).map(|t| t.to_rfc3339())
}

fn joined(segments: &[super::Segment]) -> String {
    segments.iter().map(|s| s.text.as_str()).collect()
}

fn alert<'a>(rules: &RulePack, row: &'a AlertRow, view: &'a AlertView) -> Alert<'a> {
    let a = &row.analysis;
    let entities = a.entities.iter().filter_map(|id| rules.entity(id));
    let places = entities
        .clone()
        .filter(|e| matches!(e.kind, EntityKind::City | EntityKind::Region))
        .map(|e| Place {
            id: e.id.clone(),
            name_ar: e.name.clone(),
            name_en: e.name_en.clone(),
            country: e.country.clone(),
            lat: e.lat,
            lon: e.lon,
        })
        .collect();
    let groups = entities
        .filter(|e| e.kind == EntityKind::Group)
        .map(|e| Group {
            id: e.id.clone(),
            name_ar: e.name.clone(),
            name_en: e.name_en.clone(),
        })
        .collect();
    Alert {
        kind: &view.kind,
        update_note: view.note.as_deref(),
        outbox_id: row.id,
        item_id: row.item_id,
        story_id: row.story_id,
        subject: &view.subject,
        events: a.events.iter().map(|e| e.as_str()).collect(),
        countries: &a.countries,
        places,
        groups,
        toll: Toll {
            killed: a.figures.killed,
            wounded: a.figures.wounded,
            kidnapped: a.figures.kidnapped,
        },
        event_date: row.story.as_ref().and_then(|f| {
            chrono::DateTime::from_timestamp(f.event_first, 0).map(|t| t.date_naive().to_string())
        }),
        published_at: row.published_at.and_then(rfc3339),
        seen_at: rfc3339(row.fetched_at),
        story_first_published_at: row
            .story_id
            .and_then(|_| row.articles.iter().filter_map(|a| a.published_at).min())
            .and_then(rfc3339),
        story_first_alerted_at: row.story_first_alerted.and_then(rfc3339),
        corroboration: &view.corroboration,
        outlets: &view.outlets,
        link: view.link.as_deref(),
        headline_ar: joined(&view.title),
        excerpt_ar: view
            .paragraphs
            .iter()
            .map(|p| joined(p))
            .collect::<Vec<_>>()
            .join("\n"),
        summary_en: Summary {
            what: &view.what,
            r#where: &view.r#where,
            when: &view.when,
            toll: &view.toll,
            groups: &view.groups,
        },
        score: a.score,
    }
}

/// The webhook body of one alert (`type` "test" for `send-test-alert`).
pub fn alert_payload(rules: &RulePack, row: &AlertRow, view: &AlertView) -> Vec<u8> {
    let r#type = if row.kind == "test" { "test" } else { "alert" };
    let doc = Document {
        version: PAYLOAD_VERSION,
        r#type,
        id: &row.message_id,
        alert: Some(alert(rules, row, view)),
        alerts: None,
    };
    serde_json::to_vec(&doc).expect("the document serializes")
}

/// The webhook body of a digest: its alerts in one document.
pub fn digest_payload(rules: &RulePack, d: &DigestRow, view: &DigestView) -> Vec<u8> {
    let doc = Document {
        version: PAYLOAD_VERSION,
        r#type: "digest",
        id: &d.message_id,
        alert: None,
        alerts: Some(
            d.alerts
                .iter()
                .zip(&view.alerts)
                .map(|(row, v)| alert(rules, row, v))
                .collect(),
        ),
    };
    serde_json::to_vec(&doc).expect("the document serializes")
}

/// One alert in the HTML subset Matrix clients show: the subject and the English facts, then
/// the Arabic headline and excerpt in a right-to-left block, then the outlets.
fn matrix_block(v: &AlertView) -> String {
    let mut h = format!("<p><strong>{}</strong></p>", escape(&v.subject));
    if let Some(note) = &v.note {
        let label = if v.kind == "surge" { "Surge" } else { "Update" };
        h.push_str(&format!(
            "<p><strong>{label}:</strong> {}</p>",
            escape(note)
        ));
    }
    h.push_str(&format!(
        "<p>{} · {} · {} · {} ({}) · toll: {} · groups: {}</p>",
        escape(&v.sources),
        escape(&v.what),
        escape(&v.r#where),
        escape(&v.when),
        escape(&v.seen),
        escape(&v.toll),
        escape(&v.groups)
    ));
    if !v.story.is_empty() {
        h.push_str(&format!("<p>story: {}</p>", escape(&v.story)));
    }
    h.push_str("<div dir=\"rtl\" lang=\"ar\">");
    h.push_str(&format!(
        "<p><strong>{}</strong></p>",
        escape(&joined(&v.title))
    ));
    for p in &v.paragraphs {
        h.push_str(&format!("<p>{}</p>", escape(&joined(p))));
    }
    h.push_str("</div>");
    let outlets: Vec<String> = v
        .outlets
        .iter()
        .map(|o| {
            let articles: Vec<String> = o
                .articles
                .iter()
                .map(|a| match &a.url {
                    Some(u) => format!("<a href=\"{}\">{}</a>", escape(u), escape(&a.title)),
                    None => escape(&a.title),
                })
                .collect();
            format!("{}: {}", escape(&o.name), articles.join(" · "))
        })
        .collect();
    if !outlets.is_empty() {
        h.push_str(&format!("<p>{}</p>", outlets.join("<br>")));
    }
    h
}

/// The Matrix HTML of an alert, or of a digest's alerts one after the other.
pub fn matrix_html(views: &[&AlertView]) -> String {
    views
        .iter()
        .map(|v| matrix_block(v))
        .collect::<Vec<_>>()
        .join("<hr>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{alert_view, sample_row};

    #[test]
    fn the_document_carries_the_facts_and_the_arabic_as_received() {
        let rules = RulePack::bundled();
        let mut row = sample_row(&rules, "webhook:ops");
        row.kind = "new".into();
        let view = alert_view(&rules, &row);
        let v: serde_json::Value =
            serde_json::from_slice(&alert_payload(&rules, &row, &view)).unwrap();
        assert_eq!(v["version"], PAYLOAD_VERSION);
        assert_eq!(v["type"], "alert");
        assert_eq!(v["id"], row.message_id.as_str());
        let a = &v["alert"];
        assert!(a["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "border_closure"));
        assert!(a["countries"].as_array().unwrap().iter().any(|c| c == "DZ"));
        assert_eq!(
            a["headline_ar"],
            "الجزائر تغلق حدودها البرية مع مالي وليبيا بعد هجوم باماكو"
        );
        assert!(a["excerpt_ar"].as_str().unwrap().contains("راديسون بلو"));
        assert_eq!(a["corroboration"]["level"], "single source");
        let bamako = a["places"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name_en"] == "Bamako")
            .expect("Bamako is a place of the alert");
        assert!(bamako["lat"]
            .as_f64()
            .is_some_and(|l| (12.0..13.0).contains(&l)));
    }

    #[test]
    fn matrix_html_escapes_and_puts_the_arabic_right_to_left() {
        let rules = RulePack::bundled();
        let mut row = sample_row(&rules, "matrix:room");
        row.title = "هجوم <script>alert(1)</script> في باماكو".into();
        let view = alert_view(&rules, &row);
        let html = matrix_html(&[&view]);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<div dir=\"rtl\" lang=\"ar\">"), "{html}");
    }
}
