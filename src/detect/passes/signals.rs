//! `signals`: security vocabulary near the text's Sahel places and actors, off-topic words, and
//! claims of responsibility and denials near them («نفى» about something else is not a dispute
//! of this event), each unless a particle negates it («لم تعلن أي جهة مسؤوليتها»).

use std::collections::BTreeSet;

use crate::detect::doc::{Doc, Positions, Signals};
use crate::detect::matcher::Hit;
use crate::detect::pack::Target;

pub(super) const NAME: &str = "signals";

/// The most that security vocabulary can add to a score: context alone must not outweigh an
/// off-topic text's other signals.
const MAX_SECURITY_SCORE: f64 = 4.0;

/// How far (in words) before a claim, denial or follow-up word a negating particle still
/// negates it: «لم تعلن أي جهة مسؤوليتها» puts three words between them.
const NEGATION_REACH: usize = 4;

pub(super) fn run(doc: &mut Doc<'_>) {
    let anchors: Vec<Hit> = doc
        .places
        .iter()
        .filter(|m| doc.counts(m.entity))
        .map(|m| m.hit)
        .collect();
    let anchors = Positions::new(&anchors);
    let near = |h: &Hit| anchors.near(h, doc.pack.window, doc);
    // Follow-up news is told round the incident, not always beside its place: «وبدأ اليوم
    // حداد وطني لمدة ثلاثة أيام ... فيما عبر سكان في نيامي».
    let near_follow_up = |h: &Hit| anchors.near(h, 2 * doc.pack.window, doc);
    let negators: BTreeSet<usize> = doc
        .hits_where(|t| t == Target::Negator)
        .map(|h| h.last)
        .collect();
    // Said, not negated: the particle is in the same sentence, a few words before.
    let said = |h: &Hit| {
        !(1..=NEGATION_REACH).any(|d| {
            h.first
                .checked_sub(d)
                .is_some_and(|p| negators.contains(&p) && doc.same_sentence(p, h.first))
        })
    };
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
            // Where another incident's telling begins, for `dedup::incidents`.
            Target::Separate => found.push(("separate", *h)),
            Target::Offtopic if !words.contains(&(h.start, h.end)) && offtopic.insert(term) => {
                words.insert((h.start, h.end));
                found.push(("offtopic", *h));
            }
            Target::Claim if !signals.claimed && near(h) && said(h) => {
                signals.claimed = true;
                found.push(("claim", *h));
            }
            Target::Denial if !signals.disputed && near(h) && said(h) => {
                signals.disputed = true;
                found.push(("denial", *h));
            }
            Target::FollowUp(kind)
                if !signals.follow_ups.contains(&kind) && near_follow_up(h) && said(h) =>
            {
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

    #[test]
    fn a_negated_claim_or_follow_up_is_none() {
        let t = text(
            "مقتل خمسة جنود في هجوم على موقع للجيش في ميناكا",
            "ولم تعلن أي جهة مسؤوليتها عن الهجوم في ميناكا. ولم يتم الإفراج عن الرهائن في غاو.",
        );
        let s = t.until(super::NAME).signals;
        assert!(!s.claimed);
        assert!(s.follow_ups.is_empty(), "{:?}", s.follow_ups);
        // A particle further back, or in another sentence, negates something else.
        let t = text(
            "",
            "لم يكن الجيش مستعدا حين تبنت جماعة نصرة الإسلام والمسلمين الهجوم في غاو. لم يحدث ذلك. \
             وتبنى تنظيم الدولة الهجوم في ميناكا",
        );
        assert!(t.until(super::NAME).signals.claimed);
        // «لا يزال التحقيق» goes on: «لا» is no negator of what follows the verb it negates.
        let t = text("", "لا يزال التحقيق في هجوم ميناكا جاريا");
        assert!(!t.until(super::NAME).signals.follow_ups.is_empty());
    }
}
