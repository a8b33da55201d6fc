//! `places`: where the text is. Whether it names the Sahel at all (a core place or actor, or a
//! Sahel-facing region of a neighbour), and how its mentions weigh against places outside the
//! Sahel, which the verdict uses when no event places the text.

use crate::detect::doc::{Doc, Placement};
use crate::detect::pack::{EntityKind, Scope, Target};

pub(super) const NAME: &str = "places";

pub(super) fn run(doc: &mut Doc<'_>) {
    for m in doc.places.clone() {
        let id = &doc.pack.entities[m.entity].id;
        doc.explain(NAME, format!("entity:{id}"), &m.hit);
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
