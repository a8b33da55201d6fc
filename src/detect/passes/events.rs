//! `events`: which events the text reports. A trigger counts when a Sahel place or actor is
//! near it in its sentence, nearer than any place outside the Sahel, and no exclusion or
//! negation applies; an event is reported when a trigger fires in the headline or lead, or in
//! two sentences (one passing mention deep in a text is background, not news).

use std::collections::BTreeSet;

use crate::detect::doc::{Doc, Positions};
use crate::detect::matcher::Hit;
use crate::detect::pack::{EventKind, EventRule, Target};

pub(super) const NAME: &str = "events";

pub(super) fn run(doc: &mut Doc<'_>) {
    // Events happen somewhere in the Sahel: at a core place or actor, or a Sahel-facing region
    // of a neighbour, never at a neighbour as a whole («a shooting in Algeria» in a digest that
    // also mentions Sebha).
    let anchors: Vec<Hit> = doc
        .places
        .iter()
        .filter(|m| doc.sahel(m.entity))
        .map(|m| m.hit)
        .collect();
    let outside: Vec<Hit> = doc
        .places
        .iter()
        .filter(|m| doc.geo(m.entity) && !doc.counts(m.entity))
        .map(|m| m.hit)
        .collect();
    let anchors = Positions::new(&anchors);
    let outside = Positions::new(&outside);
    // «بعد أيام من هجمات واغادوغو»: where a recall ends, the next word's event is recalled.
    let recall_ends: BTreeSet<usize> = doc
        .hits_where(|t| t == Target::Recall)
        .map(|h| h.last)
        .collect();
    let mut fired: Vec<(usize, Hit)> = Vec::new();
    for r in 0..doc.pack.events.len() {
        let triggers = triggers_of(doc, r, &anchors, &outside, &recall_ends);
        let rule = &doc.pack.events[r];
        let sentences: BTreeSet<u32> = triggers.iter().map(|t| doc.sentence[t.first]).collect();
        let strong = triggers.iter().any(|t| doc.in_lead(t.first));
        if (sentences.len() >= 2 || strong) && !doc.events.contains(&rule.kind) {
            doc.events.push(rule.kind);
            doc.event_weight += rule.weight;
        }
        fired.extend(triggers.into_iter().map(|t| (r, t)));
    }
    for (r, t) in &fired {
        let kind = doc.pack.events[*r].kind;
        doc.explain(NAME, format!("event:{kind}"), t);
    }
    doc.triggers = fired.into_iter().map(|(_, t)| t).collect();
    drop_context_frame(doc);
}

/// The triggers of rule `r` that fire.
fn triggers_of(
    doc: &Doc<'_>,
    r: usize,
    anchors: &Positions,
    outside: &Positions,
    recall_ends: &BTreeSet<usize>,
) -> Vec<Hit> {
    let rule: &EventRule = &doc.pack.events[r];
    let of = |want: fn(Target) -> Option<usize>| doc.hits_where(move |t| want(t) == Some(r));
    let title_negated = of(|t| match t {
        Target::TitleNegation(r) => Some(r),
        _ => None,
    })
    .any(|h| doc.in_title(h.first));
    if title_negated {
        return Vec::new();
    }
    let exclusions = Positions::new(of(|t| match t {
        Target::Exclusion(r) => Some(r),
        _ => None,
    }));
    let negations = Positions::new(of(|t| match t {
        Target::Negation(r) => Some(r),
        _ => None,
    }));
    let requirements = Positions::new(of(|t| match t {
        Target::Requirement(r) => Some(r),
        _ => None,
    }));
    of(|t| match t {
        Target::Trigger(r) => Some(r),
        _ => None,
    })
    .filter(|th| {
        !th.first
            .checked_sub(1)
            .is_some_and(|p| recall_ends.contains(&p))
            && !exclusions.near(th, 1, doc)
            && !negations.near(th, 8, doc)
            && (!rule.has_requirements || requirements.near(th, 3, doc))
    })
    .filter(|th| {
        let Some(d_in) = anchors.nearest(th, doc) else {
            return false;
        };
        // A closure concerns both sides of the border: a Sahel state's act at its border with
        // Sudan is ours, however near Sudan is named.
        let both_sides = rule.kind == EventKind::BorderClosure;
        (d_in <= doc.pack.window || doc.in_title(th.first))
            && (both_sides || outside.nearest(th, doc).is_none_or(|d_out| d_out >= d_in))
    })
    .copied()
    .collect()
}

/// A headline about an agreement, a bill, arrests or a report, with no incident of its own, is
/// context: the attacks its lead recalls are not news of the day.
fn drop_context_frame(doc: &mut Doc<'_>) {
    let frame = doc
        .hits
        .iter()
        .find(|h| doc.target(h) == Target::ContextFrame && doc.in_title(h.first))
        .copied();
    let Some(frame) = frame else { return };
    if doc.triggers.iter().any(|t| doc.in_title(t.first)) {
        return;
    }
    if !doc.events.is_empty() {
        doc.explain(NAME, "frame:context".into(), &frame);
    }
    doc.events.clear();
    doc.triggers.clear();
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::text;
    use crate::detect::EventKind;

    fn events(title: &str, body: &str) -> Vec<EventKind> {
        text(title, body).until(super::NAME).events
    }

    #[test]
    fn a_trigger_near_a_sahel_place_is_an_event() {
        assert_eq!(
            events("مقتل عشرة جنود في هجوم قرب غاو", ""),
            [EventKind::Attack]
        );
    }

    #[test]
    fn a_trigger_nearer_to_a_place_outside_is_not() {
        assert!(events("", "زار الوفد مالي أمس. وقتل عشرة في هجوم في القصرين").is_empty());
    }

    #[test]
    fn one_mention_deep_in_the_text_is_background() {
        let filler = "وتحدث المسؤول عن التنمية والتعليم. ".repeat(5);
        assert!(events("زيارة وزير", &format!("{filler}وكان هجوم قد وقع في غاو")).is_empty());
    }

    #[test]
    fn an_event_recalled_days_after_is_not_reported() {
        assert!(events(
            "قادة الساحل يجتمعون في نيامي",
            "يجتمع القادة في نيامي بعد أيام من هجمات واغادوغو التي أودت بحياة ثمانية عسكريين."
        )
        .is_empty());
        // After the trigger, the same words date something else: the attack is reported.
        assert_eq!(
            events(
                "",
                "قتل عشرة جنود في هجوم قرب غاو بعد أيام من توقيع اتفاق السلام."
            ),
            [EventKind::Attack]
        );
    }

    #[test]
    fn a_context_headline_reports_no_event() {
        assert!(events(
            "البرلمان يقر قانونا لمكافحة الإرهاب",
            "بعد هجوم في غاو قتل فيه جنود"
        )
        .is_empty());
    }
}
