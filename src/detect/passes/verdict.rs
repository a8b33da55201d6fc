//! `verdict`: whether the text is Sahel security news. It must name the Sahel, not be about
//! elsewhere, not be other news in a security frame, and score enough: its events' weights,
//! security words near its Sahel places, a Sahel place in the headline, less off-topic words.

use crate::detect::doc::{Doc, Verdict};
use crate::detect::pack::{EntityKind, Scope, Target};

pub(super) const NAME: &str = "verdict";

pub(super) fn run(doc: &mut Doc<'_>) {
    let score = score(doc);
    let elsewhere = doc.placement.outweighed || doc.placement.placed_elsewhere;
    let in_scope = doc.placement.in_scope;
    if elsewhere && in_scope {
        let p = doc.placement;
        let why = format!(
            "{} Sahel mentions against {}",
            p.sahel_mentions, p.outside_mentions
        );
        doc.conclude(NAME, "focus:elsewhere", why);
    }
    let framed = other_news_frame(doc);
    doc.verdict = Verdict {
        relevant: in_scope && !elsewhere && !framed && score >= doc.pack.threshold,
        score,
    };
    // A text about elsewhere (a Cameroonian, Tunisian story) that names only Sahel neighbours
    // (Nigeria, Libya) in passing is about none of them.
    if elsewhere && !doc.countries.iter().any(|c| core_country(doc, c)) {
        doc.countries.clear();
    }
}

fn score(doc: &Doc<'_>) -> f64 {
    let mut score = doc.event_weight + doc.signals.security;
    score += (doc.signals.offtopic.min(2) as f64) * doc.pack.offtopic_weight;
    if doc
        .places
        .iter()
        .any(|m| doc.counts(m.entity) && doc.in_title(m.hit.first))
    {
        score += 1.0;
    }
    score
}

/// A headline framed as other news (an election, a trial, a crash, migrants, donors) that
/// reports no event of its own is that news, whatever its body recalls of attacks.
fn other_news_frame(doc: &mut Doc<'_>) -> bool {
    let frame = doc
        .hits
        .iter()
        .find(|h| doc.target(h) == Target::Frame && doc.in_title(h.first))
        .copied();
    let Some(frame) = frame else { return false };
    if doc.triggers.iter().any(|t| doc.in_title(t.first)) {
        return false;
    }
    if doc.placement.in_scope {
        doc.explain(NAME, "frame:other-news".into(), &frame);
    }
    true
}

fn core_country(doc: &Doc<'_>, c: &str) -> bool {
    doc.pack.entities.iter().any(|e| {
        e.kind == EntityKind::Country && e.country.as_deref() == Some(c) && e.scope == Scope::Core
    })
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::text;

    #[test]
    fn an_attack_in_the_sahel_is_relevant() {
        let t = text("مقتل عشرة جنود في هجوم مسلح قرب غاو شمال مالي", "");
        assert!(t.until(super::NAME).verdict.relevant);
    }

    #[test]
    fn other_news_in_a_security_frame_is_not() {
        let t = text(
            "انتخابات رئاسية في مالي",
            "وسط مخاوف من هجمات المسلحين في الشمال",
        );
        let doc = t.until(super::NAME);
        assert!(!doc.verdict.relevant, "score {}", doc.verdict.score);
    }
}
