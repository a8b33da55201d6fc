//! `places`: where the text is. Whether it names the Sahel at all (a core place or actor, or a
//! Sahel-facing region of a neighbour), and how its mentions weigh against places outside the
//! Sahel, which the verdict uses when no event places the text. A town named as an area
//! («بمنطقة ميناكا») is marked so: the incident is somewhere round it.

use crate::detect::doc::{Doc, Placement};
use crate::detect::pack::{EntityKind, Scope, Target};

pub(super) const NAME: &str = "places";

/// The rule of a town named as the area round it («بمنطقة موبتي», «ولاية بورنو»).
pub(crate) const AREA: &str = "place:area";
/// The rule of a town named for those who hold it («متحالفتان مع باماكو»).
pub(crate) const GOVERNMENT: &str = "place:government";

pub(super) fn run(doc: &mut Doc<'_>) {
    let words_ending = |target: Target| -> std::collections::BTreeSet<usize> {
        doc.hits_where(|t| t == target).map(|h| h.last).collect()
    };
    let (area_words, government_words) =
        (words_ending(Target::Area), words_ending(Target::Government));
    for m in doc.places.clone() {
        let id = &doc.pack.entities[m.entity].id;
        doc.explain(NAME, format!("entity:{id}"), &m.hit);
        if doc.pack.entities[m.entity].kind != EntityKind::City {
            continue;
        }
        let right_after = |words: &std::collections::BTreeSet<usize>| {
            m.hit
                .first
                .checked_sub(1)
                .is_some_and(|i| words.contains(&i) && doc.same_sentence(i, m.hit.first))
        };
        if right_after(&area_words) {
            doc.explain(NAME, AREA.into(), &m.hit);
        } else if right_after(&government_words) {
            doc.explain(NAME, GOVERNMENT.into(), &m.hit);
        }
    }
    let in_scope = doc
        .places
        .iter()
        .any(|m| doc.geo(m.entity) && doc.sahel(m.entity));
    let sahel_mentions = mentions_in(doc, Scope::Core) + mentions_in(doc, Scope::Border);
    let outside_mentions = mentions_in(doc, Scope::Outside);
    doc.placement = Placement {
        in_scope,
        outweighed: outside_mentions > sahel_mentions,
        placed_elsewhere: placed_elsewhere(doc),
        sahel_mentions,
        outside_mentions,
    };
}

/// Mentions of places of one scope, a headline mention counting thrice.
fn mentions_in(doc: &Doc<'_>, scope: Scope) -> usize {
    doc.places
        .iter()
        .filter(|m| doc.geo(m.entity) && doc.pack.entities[m.entity].scope == scope)
        .map(|m| if doc.in_title(m.hit.first) { 3 } else { 1 })
        .sum()
}

/// A headline that reports an event at a neighbour as a whole («غارة في ليبيا») is placed by
/// the first town or region its lead names: when that is outside the Sahel (Bani Walid, not
/// Sebha), the story is elsewhere, whatever later paragraphs recall of the south.
fn placed_elsewhere(doc: &Doc<'_>) -> bool {
    let headline_event = doc
        .hits
        .iter()
        .any(|h| matches!(doc.target(h), Target::Trigger(_)) && doc.in_title(h.first));
    let headline_sahel_place = doc
        .places
        .iter()
        .any(|m| doc.in_title(m.hit.first) && doc.geo(m.entity) && doc.sahel(m.entity));
    let lead_place_outside = doc
        .places
        .iter()
        .filter(|m| {
            !doc.in_title(m.hit.first)
                && doc.in_lead(m.hit.first)
                && matches!(
                    doc.pack.entities[m.entity].kind,
                    EntityKind::City | EntityKind::Region
                )
        })
        .min_by_key(|m| m.hit.first)
        .is_some_and(|m| doc.pack.entities[m.entity].scope == Scope::Outside);
    headline_event && !headline_sahel_place && lead_place_outside
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::text;

    #[test]
    fn a_sahel_town_puts_a_text_in_scope_a_neighbour_alone_does_not() {
        let t = text("زيارة إلى الجزائر", "");
        assert!(!t.until(super::NAME).placement.in_scope);
        let t = text("هجوم في تمنراست", "");
        assert!(t.until(super::NAME).placement.in_scope);
    }

    #[test]
    fn a_town_named_as_its_area_is_marked() {
        let areas = |title: &str| {
            let t = text(title, "");
            let doc = t.until(super::NAME);
            doc.explanation
                .iter()
                .filter(|e| e.rule == super::AREA)
                .map(|e| e.term.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(areas("قصف جوي بمنطقة موبتي وسط مالي"), ["موبتي"]);
        assert_eq!(
            areas("هجوم في ولاية بورنو"),
            Vec::<String>::new(),
            "a region already"
        );
        assert!(areas("هجوم على بلدة أندرامبوكان قرب ميناكا").is_empty());
        let t = text(
            "",
            "أعلنت حركتان متحالفتان مع باماكو مقتل عشرين مسلحا قرب ميناكا",
        );
        let doc = t.until(super::NAME);
        let governments: Vec<&str> = doc
            .explanation
            .iter()
            .filter(|e| e.rule == super::GOVERNMENT)
            .map(|e| e.term.as_str())
            .collect();
        assert_eq!(governments, ["باماكو"]);
    }

    #[test]
    fn mentions_outside_the_sahel_can_outweigh_it() {
        let t = text(
            "هجوم في تونس",
            "قتل جنود في القصرين وسيدي بوزيد. ونقلت وكالة عن مصدر في مالي",
        );
        let p = t.until(super::NAME).placement;
        assert!(
            p.outweighed,
            "{} against {}",
            p.sahel_mentions, p.outside_mentions
        );
    }
}
