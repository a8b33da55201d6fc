//! `countries`: where the reported events happened, or for a text with no event, the countries
//! it is about: named in the headline, in the lead and once more, or again and again in the
//! body; a passing mention in a list or a background paragraph is not.

use std::collections::{BTreeMap, BTreeSet};

use crate::detect::doc::{Doc, Positions};
use crate::detect::matcher::Hit;
use crate::detect::pack::{EventKind, Target};

pub(super) const NAME: &str = "countries";

/// How much mention a country needs to be one the text is about: a headline mention alone, a
/// mention in the lead and one more, or four in the body.
const COUNTRY_SALIENCE: u32 = 4;

pub(super) fn run(doc: &mut Doc<'_>) {
    let salience = salience(doc);
    let mut countries: BTreeSet<&str> = salience
        .into_iter()
        .filter(|(_, s)| *s >= COUNTRY_SALIENCE)
        .map(|(c, _)| c)
        .collect();
    if !doc.events.is_empty() {
        let located = located(doc);
        if countries.iter().any(|c| located.contains(c)) {
            countries.retain(|c| located.contains(c));
        }
    }
    doc.countries = countries.into_iter().map(str::to_owned).collect();
}

/// Each country's weight: 4 for a headline mention, 2 in the lead, 1 further on, and 4 more
/// for a mention next to an event trigger that counts.
fn salience<'p>(doc: &Doc<'p>) -> BTreeMap<&'p str, u32> {
    let triggers = Positions::new(&doc.triggers);
    let mut salience = BTreeMap::new();
    for m in &doc.places {
        if !(doc.counts(m.entity) && doc.geo(m.entity)) {
            continue;
        }
        let Some(c) = doc.country(m.entity) else {
            continue;
        };
        let weight = if doc.in_title(m.hit.first) {
            COUNTRY_SALIENCE
        } else if doc.in_lead(m.hit.first) {
            2
        } else {
            1
        };
        let near_event = triggers.near(&m.hit, doc.pack.window, doc);
        *salience.entry(c).or_default() += weight + if near_event { COUNTRY_SALIENCE } else { 0 };
    }
    salience
}

/// A text that reports an event is about where the event happened: the countries of the
/// places in its headline or next to the triggers of its lead, not every country it names in
/// passing or in background paragraphs (a Boko Haram attack in Nigeria «which also strikes
/// Niger and Chad»). A border closure concerns the countries on both sides, wherever the text
/// says it.
fn located<'p>(doc: &Doc<'p>) -> BTreeSet<&'p str> {
    let is_closure = |t: &Hit| {
        matches!(doc.target(t),
            Target::Trigger(r) if doc.pack.events[r].kind == EventKind::BorderClosure)
    };
    let triggers: Vec<Hit> = doc
        .triggers
        .iter()
        .filter(|t| doc.in_lead(t.first) || is_closure(t))
        .copied()
        .collect();
    let triggers = Positions::new(&triggers);
    doc.places
        .iter()
        .filter(|m| {
            doc.counts(m.entity)
                && doc.geo(m.entity)
                && (doc.in_title(m.hit.first) || triggers.near(&m.hit, doc.pack.window, doc))
        })
        .filter_map(|m| doc.country(m.entity))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::text;

    fn countries(title: &str, body: &str) -> Vec<String> {
        text(title, body).until(super::NAME).countries
    }

    #[test]
    fn the_country_of_the_event_not_of_the_background() {
        let body = "قتل مسلحون عشرة أشخاص في قرية بولاية بورنو. وكانت الحكومة قد أعلنت خطة. \
                    وقال مسؤول إن الوضع هادئ. وتنشط الجماعة أيضا في النيجر وتشاد وتشن هجمات هناك.";
        assert_eq!(countries("هجوم لبوكو حرام في نيجيريا", body), ["NG"]);
    }

    #[test]
    fn a_text_without_event_is_about_the_countries_it_keeps_naming() {
        assert_eq!(countries("زيارة رئيس النيجر إلى الرياض", ""), ["NE"]);
    }
}
