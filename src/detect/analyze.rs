//! The analysis of one text: which Sahel places and actors it names (after disambiguation), which
//! events it reports, the toll, a relevance score, and every rule that fired.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::doc::{Doc, Explanation, Figures};
use super::matcher;
use super::pack::{EventKind, FollowUp, RulePack, Target};
use super::passes;
use crate::arabic::{normalize, tokens};

/// What the detector concluded about a text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub relevant: bool,
    pub score: f64,
    #[serde(default)]
    pub events: Vec<EventKind>,
    /// ISO 3166 alpha-2 codes of the Sahel countries the text is about.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Gazetteer ids of the places and actors named.
    #[serde(default)]
    pub entities: Vec<String>,
    #[serde(default)]
    pub figures: Figures,
    /// A claim of responsibility is reported.
    #[serde(default)]
    pub claimed: bool,
    /// The report is denied or disputed near its event («نفى الجيش», «لا صحة»).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disputed: bool,
    /// Follow-up news of an incident near its places (hostages freed, funerals, an
    /// investigation, arrests): the item joins the incident's story whenever it comes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<FollowUp>,
    /// Absent from items whose text retention let go (the spans pointed into it).
    #[serde(default)]
    pub explanation: Vec<Explanation>,
}

/// Matches of one term kept at most: more than any article has («غاو» 64 times) add nothing to
/// a verdict (salience, events and focus are decided long before) but work, so a hostile or
/// degenerate text costs no more than a long real one.
const MAX_HITS_PER_PATTERN: usize = 64;

/// Analyses a title and body against a rule pack.
pub fn analyze(pack: &RulePack, title: &str, text: &str) -> Analysis {
    let original = analysed_text(title, text);
    let norm = normalize(&original);
    let toks = tokens(&norm.text);
    analyze_normalized(pack, title, &original, &norm, &toks)
}

/// [`analyze`], and the full-text index terms of the same text from the same normalization
/// (`arabic::index_terms` of «title\ntext»): ingest needs both, and normalizing once is a
/// tenth of its work.
pub fn analyze_and_index(pack: &RulePack, title: &str, text: &str) -> (Analysis, String) {
    let original = analysed_text(title, text);
    analyze_and_index_normalized(pack, title, &original, &normalize(&original))
}

/// [`analyze_and_index`] of an analysed text (`original`, from [`analysed_text`]) already
/// normalized: reading a feed normalizes each entry once, for its content hash
/// (`dedup::content_hash_of`) and then for this.
pub fn analyze_and_index_normalized(
    pack: &RulePack,
    title: &str,
    original: &str,
    norm: &crate::arabic::Normalized,
) -> (Analysis, String) {
    let toks = tokens(&norm.text);
    let terms = crate::arabic::terms_of_tokens(&norm.text, &toks);
    (
        analyze_normalized(pack, title, original, norm, &toks),
        terms,
    )
}

/// The text an analysis is of, which its explanation spans point into: the headline, a line
/// break, the body. The headline is one line: its line breaks become spaces so that the first
/// line break of the normalized text is where the headline ends.
pub fn analysed_text(title: &str, text: &str) -> String {
    format!("{}\n{text}", title.replace(['\n', '\r'], " "))
}

fn analyze_normalized(
    pack: &RulePack,
    title: &str,
    original: &str,
    norm: &crate::arabic::Normalized,
    toks: &[crate::arabic::Token],
) -> Analysis {
    let mut hits = matcher::find(pack, &norm.text, toks);
    if hits.len() > MAX_HITS_PER_PATTERN {
        let mut seen = vec![0usize; pack.patterns.len()];
        hits.retain(|h| {
            seen[h.pattern] += 1;
            seen[h.pattern] <= MAX_HITS_PER_PATTERN
        });
    }
    drop_other_stories(pack, &norm.text, &mut hits);
    let mut doc = Doc::new(pack, title, original, norm, toks, hits);
    passes::run_until(&mut doc, None);
    Analysis::of(doc)
}

/// Drops the matches of lines that name another story: a line of the body that opens with a
/// label of `[other_stories]` («اقرأ أيضا: مقتل 10 جنود في مالي») is a link to that story,
/// which feeds and pages leave inside an article's text; what it names is not this text's.
/// A label alone on its line heads the headlines on the lines after it (short lines without a
/// sentence's end), up to the next sentence.
fn drop_other_stories(pack: &RulePack, text: &str, hits: &mut Vec<matcher::Hit>) {
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |n| at + n);
    let title_end = text.find('\n').unwrap_or(text.len());
    let headline_line = |line: &str| {
        let line = line.trim();
        !line.is_empty()
            && line.split_whitespace().count() <= 16
            && !line.ends_with(['.', '!', '؟', '?', '»', '"', '…'])
    };
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for h in hits.iter() {
        if pack.patterns[h.pattern].target != Target::OtherStory
            || h.start <= title_end
            || text[line_start(h.start)..h.start]
                .chars()
                .any(char::is_alphanumeric)
        {
            continue;
        }
        let mut end = line_end(h.start);
        let alone = !text[h.end..end].chars().any(char::is_alphanumeric);
        while alone && end < text.len() {
            let next = line_end(end + 1);
            if !headline_line(&text[end + 1..next]) {
                break;
            }
            end = next;
        }
        spans.push((h.start, end));
    }
    if !spans.is_empty() {
        hits.retain(|h| !spans.iter().any(|&(s, e)| h.start >= s && h.start < e));
    }
}

impl Analysis {
    /// The analysis a document's layers add up to.
    fn of(doc: Doc<'_>) -> Analysis {
        let entities: BTreeSet<String> = doc
            .places
            .iter()
            .filter(|m| doc.counts(m.entity))
            .map(|m| doc.pack.entities[m.entity].id.clone())
            .collect();
        let relevant = doc.verdict.relevant;
        let mut explanation = doc.explanation;
        explanation.sort_by(|a, b| (a.start, &a.rule).cmp(&(b.start, &b.rule)));
        explanation.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.rule == b.rule);
        Analysis {
            relevant,
            score: doc.verdict.score,
            events: if relevant { doc.events } else { Vec::new() },
            countries: doc.countries,
            entities: entities.into_iter().collect(),
            figures: doc.figures,
            claimed: relevant && doc.signals.claimed,
            disputed: relevant && doc.signals.disputed,
            follow_ups: if relevant {
                doc.signals.follow_ups.clone()
            } else {
                Vec::new()
            },
            explanation,
        }
    }
}
