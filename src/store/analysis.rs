//! Analyses at rest. Every item keeps the analysis it was judged on, so that `show` can say why
//! and the query filters can read its entities and toll; it was a third of the archive. The
//! stored form leaves out what the item itself holds: the matched words are the item's text at
//! each rule's span, and empty lists and a false claim are simply absent. Readers that have the
//! text put the matched words back.

use serde::Serialize;

use crate::detect::{analysed_text, Analysis, EventKind, Figures};

#[derive(Serialize)]
struct Stored<'a> {
    relevant: bool,
    score: f64,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    events: &'a [EventKind],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    countries: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    entities: &'a [String],
    #[serde(skip_serializing_if = "Figures::is_empty")]
    figures: &'a Figures,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    claimed: bool,
    explanation: Vec<StoredExplanation<'a>>,
}

#[derive(Serialize)]
struct StoredExplanation<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    pass: &'a str,
    rule: &'a str,
    term: &'a str,
    start: usize,
    end: usize,
}

/// The JSON an analysis is stored as (computed by the caller, outside the store's lock).
pub fn stored_analysis(a: &Analysis) -> String {
    let stored = Stored {
        relevant: a.relevant,
        score: a.score,
        events: &a.events,
        countries: &a.countries,
        entities: &a.entities,
        figures: &a.figures,
        claimed: a.claimed,
        explanation: a
            .explanation
            .iter()
            .map(|e| StoredExplanation {
                pass: &e.pass,
                rule: &e.rule,
                term: &e.term,
                start: e.start,
                end: e.end,
            })
            .collect(),
    };
    serde_json::to_string(&stored).expect("an analysis always serializes")
}

/// Reads a stored analysis of the item with this title and text, with its matched words put
/// back (analyses stored before they were left out carry their own).
pub(super) fn read_analysis(
    json: &str,
    title: &str,
    text: &str,
) -> Result<Analysis, serde_json::Error> {
    let mut a: Analysis = serde_json::from_str(json)?;
    if a.explanation.iter().any(|e| e.matched.is_empty()) {
        let original = analysed_text(title, text);
        for e in a.explanation.iter_mut().filter(|e| e.matched.is_empty()) {
            if let Some(m) = original.get(e.start..e.end) {
                e.matched = m.to_owned();
            }
        }
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{analyze, RulePack};

    #[test]
    fn the_stored_form_reads_back_whole() {
        let pack = RulePack::bundled();
        let (title, text) = (
            "مقتل 12 جنديا في هجوم على ثكنة شمال مالي",
            "هاجم مسلحون من جماعة نصرة الإسلام والمسلمين ثكنة قرب تمبكتو وأعلنت الجماعة مسؤوليتها.",
        );
        let a = analyze(&pack, title, text);
        assert!(!a.explanation.is_empty());
        let json = stored_analysis(&a);
        assert!(!json.contains("matched"), "{json}");
        assert_eq!(read_analysis(&json, title, text).unwrap(), a);
    }

    #[test]
    fn empty_fields_are_left_out_and_read_as_empty() {
        let a = Analysis::default();
        let json = stored_analysis(&a);
        assert_eq!(json, r#"{"relevant":false,"score":0.0,"explanation":[]}"#);
        assert_eq!(read_analysis(&json, "", "").unwrap(), a);
    }

    #[test]
    fn analyses_stored_whole_still_read() {
        let json = r#"{"relevant":false,"score":0.0,"events":[],"countries":[],"entities":[],"figures":{},"claimed":false,"explanation":[{"rule":"entity:ML","term":"مالي","matched":"بمالي","start":0,"end":10}]}"#;
        let a = read_analysis(json, "other title", "").unwrap();
        assert_eq!(a.explanation[0].matched, "بمالي");
    }
}
