//! `signals`: security vocabulary near the text's Sahel places and actors, off-topic words, and
//! claims of responsibility and denials near them («نفى» about something else is not a dispute
//! of this event).

use std::collections::BTreeSet;

use crate::detect::doc::{Doc, Positions, Signals};
use crate::detect::matcher::Hit;
use crate::detect::pack::Target;

pub(super) const NAME: &str = "signals";

/// The most that security vocabulary can add to a score: context alone must not outweigh an
/// off-topic text's other signals.
const MAX_SECURITY_SCORE: f64 = 4.0;

pub(super) fn run(doc: &mut Doc<'_>) {
    let anchors: Vec<Hit> = doc
        .places
        .iter()
        .filter(|m| doc.counts(m.entity))
        .map(|m| m.hit)
        .collect();
    let anchors = Positions::new(&anchors);
    let near = |h: &Hit| anchors.near(h, doc.pack.window, doc);
    // Distinct terms, each word once: «الانتخابات» matches both «انتخابات» and «الانتخابات».
    let mut security = BTreeSet::new();
    let mut offtopic = BTreeSet::new();
    let mut words = BTreeSet::new();
    let mut signals = Signals::default();
    let mut found: Vec<(&'static str, Hit)> = Vec::new();
    for h in &doc.hits {
        let term = doc.term(h);
        match doc.target(h) {
            Target::Security(strong) => {
                let placed = near(h) || (doc.in_title(h.first) && doc.placement.in_scope);
                if placed && !words.contains(&(h.start, h.end)) && security.insert(term) {
                    words.insert((h.start, h.end));
                    signals.security += if strong {
                        doc.pack.security_weight
                    } else {
                        doc.pack.weak_security_weight
                    };
                    found.push((if strong { "security" } else { "security:weak" }, *h));
                }
            }
            Target::Offtopic if !words.contains(&(h.start, h.end)) && offtopic.insert(term) => {
                words.insert((h.start, h.end));
                found.push(("offtopic", *h));
            }
            Target::Claim if !signals.claimed && near(h) => {
                signals.claimed = true;
                found.push(("claim", *h));
            }
            Target::Denial if !signals.disputed && near(h) => {
                signals.disputed = true;
                found.push(("denial", *h));
            }
            Target::FollowUp(kind) if !signals.follow_ups.contains(&kind) && near(h) => {
                signals.follow_ups.push(kind);
                found.push(("follow-up", *h));
            }
            _ => {}
        }
    }
    signals.security = signals.security.min(MAX_SECURITY_SCORE);
    signals.offtopic = offtopic.len();
    doc.signals = signals;
    for (rule, h) in found {
        doc.explain(NAME, rule.into(), &h);
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::text;

    #[test]
    fn security_words_count_near_a_sahel_place_only() {
        let t = text(
            "",
            "مسلحون في غاو. وفي مكان آخر بعيد جدا تحدث الناس عن الإرهاب والتطرف",
        );
        let s = t.until(super::NAME).signals;
        assert!(s.security > 0.0 && s.security <= 2.0, "{}", s.security);
    }

    #[test]
    fn follow_up_news_near_a_sahel_place_is_recorded() {
        use crate::detect::FollowUp;
        let t = text(
            "الإفراج عن الرهائن المختطفين في غاو",
            "وشيع السكان ضحايا هجوم ميناكا.",
        );
        let found = t.until(super::NAME).signals.follow_ups;
        assert!(found.contains(&FollowUp::Release), "{found:?}");
        assert!(found.contains(&FollowUp::Funeral), "{found:?}");
        let t = text("الإفراج عن معتقلين في تونس", "");
        assert!(t.until(super::NAME).signals.follow_ups.is_empty());
    }

    #[test]
    fn a_claim_near_a_sahel_actor_is_a_claim() {
        let t = text("", "تبنت جماعة نصرة الإسلام والمسلمين الهجوم في غاو");
        assert!(t.until(super::NAME).signals.claimed);
        let t = text("", "تبنى الحزب موقفا جديدا من الانتخابات");
        assert!(!t.until(super::NAME).signals.claimed);
    }
}
