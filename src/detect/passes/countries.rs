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
/// A mention as a landmark, in a list or in the background weighs half a lead mention (armed
/// men's nationality nothing): it
/// never makes an event's country, but a text without event that keeps listing the same
/// countries (Boko Haram «في نيجيريا وتشاد والكاميرون والنيجر», twice) is about each of them.
const ROLED_WEIGHT: u32 = 2;

pub(super) fn run(doc: &mut Doc<'_>) {
    let roles = Roles::of(doc);
    for (m, role) in doc.places.clone().iter().zip(&roles.0) {
        if let Some(role) = role {
            doc.explain(NAME, format!("place:{}", role.as_str()), &m.hit);
        }
    }
    let salience = salience(doc, &roles);
    let mut countries: BTreeSet<&str> = salience
        .into_iter()
        .filter(|(_, s)| *s >= COUNTRY_SALIENCE)
        .map(|(c, _)| c)
        .collect();
    if !doc.events.is_empty() {
        let located = located(doc, &roles);
        if !located.is_empty() {
            countries = located;
        } else if countries.is_empty() {
            // An event that no place of its sentences locates («ضربة بونتي قتلت نحو ثلاثين
            // مسلحا», by a force of no one country) is in the one country the text names.
            let named = salience_named(doc, &roles);
            if named.len() == 1 {
                countries = named;
            }
        }
    }
    doc.countries = countries.into_iter().map(str::to_owned).collect();
}

/// The countries of the text's places that count and play no other role (not a landmark, a
/// list or a background).
fn salience_named<'p>(doc: &Doc<'p>, roles: &Roles) -> BTreeSet<&'p str> {
    doc.places
        .iter()
        .zip(&roles.0)
        .filter(|(m, role)| role.is_none() && doc.counts(m.entity) && doc.geo(m.entity))
        .filter_map(|(m, _)| doc.country(m.entity))
        .collect()
}

/// Each country's weight: 4 for a headline mention, 2 in the lead, 1 further on, and 4 more
/// for a mention next to an event trigger that counts.
fn salience<'p>(doc: &Doc<'p>, roles: &Roles) -> BTreeMap<&'p str, u32> {
    let triggers = Positions::new(&doc.triggers);
    let mut salience = BTreeMap::new();
    for (m, role) in doc.places.iter().zip(&roles.0) {
        if !(doc.counts(m.entity) && doc.geo(m.entity)) {
            continue;
        }
        let Some(c) = doc.country(m.entity) else {
            continue;
        };
        let weight = if let Some(role) = role {
            *salience.entry(c).or_default() += role.weight();
            continue;
        } else if doc.in_title(m.hit.first) {
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
fn located<'p>(doc: &Doc<'p>, roles: &Roles) -> BTreeSet<&'p str> {
    let is_closure = |t: &&Hit| {
        matches!(doc.target(t),
            Target::Trigger(r) if doc.pack.events[r].kind == EventKind::BorderClosure)
    };
    let lead = Positions::new(doc.triggers.iter().filter(|t| doc.in_lead(t.first)));
    let closures = Positions::new(doc.triggers.iter().filter(is_closure));
    let window = doc.pack.window;
    doc.places
        .iter()
        .zip(&roles.0)
        .filter(|(m, role)| {
            let h = &m.hit;
            doc.counts(m.entity)
                && doc.geo(m.entity)
                && (closures.near(h, window, doc)
                    || (role.is_none() && (doc.in_title(h.first) || lead.near(h, window, doc))))
        })
        .filter_map(|(m, _)| doc.country(m.entity))
        .collect()
}

/// A role that makes a place something other than where the news happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A border or frontier that locates something else («قرب الحدود مع النيجر»).
    Landmark,
    /// A group's base, the reach of its past attacks, a comparison («التي تنشط في مالي»).
    Background,
    /// One of three or more countries in a row («النيجر وتشاد والكاميرون»).
    List,
    /// Armed men's nationality («المتشددين النيجيريين»): who they are, not where anything is.
    Nationality,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Landmark => "landmark",
            Role::Background => "background",
            Role::List => "list",
            Role::Nationality => "nationality",
        }
    }

    /// What a mention in this role adds to its country's salience in a text without event.
    fn weight(self) -> u32 {
        match self {
            Role::Nationality => 0,
            Role::Landmark | Role::Background | Role::List => ROLED_WEIGHT,
        }
    }
}

/// Words that may stand between a role word and its places: «الحدود الشمالية مع مالي والنيجر».
const ROLE_GLUE: [&str; 17] = [
    "مع",
    "بين",
    "و",
    "أو",
    "من",
    "في",
    "إلى",
    "الى",
    "الشمالية",
    "الجنوبية",
    "الشرقية",
    "الغربية",
    "البرية",
    "مثل",
    "أيضا",
    "ايضا",
    "كذلك",
];
/// Other words that may stand there: the group's name, an adverb.
const ROLE_FREE_WORDS: usize = 2;
/// How far back, in words, a role word may stand from its place.
const ROLE_REACH: usize = 8;

/// The role of each place of `doc.places`, in order.
struct Roles(Vec<Option<Role>>);

impl Roles {
    fn of(doc: &Doc<'_>) -> Roles {
        let role_words: Vec<(usize, Role)> = doc
            .hits
            .iter()
            .filter_map(|h| match doc.target(h) {
                Target::Landmark => Some((h.last, Role::Landmark)),
                Target::Background => Some((h.last, Role::Background)),
                _ => None,
            })
            .collect();
        let covered = |i: usize| {
            doc.places
                .iter()
                .any(|m| (m.hit.first..=m.hit.last).contains(&i))
        };
        let glue = |i: usize| covered(i) || doc.word(i).is_some_and(|w| ROLE_GLUE.contains(&w));
        // Back from the place: over other places and glue words, and at most
        // ROLE_FREE_WORDS others («تنشط الجماعة أيضا في النيجر»), to a role word.
        let role_before = |m: &crate::detect::doc::Mention| {
            let mut i = m.hit.first;
            let mut free = 0;
            for _ in 0..ROLE_REACH {
                i = i.checked_sub(1)?;
                if !doc.same_sentence(i, m.hit.first) {
                    return None;
                }
                if let Some((_, r)) = role_words.iter().find(|(last, _)| *last == i) {
                    return Some(*r);
                }
                if !glue(i) {
                    free += 1;
                    if free > ROLE_FREE_WORDS {
                        return None;
                    }
                }
            }
            None
        };
        // A demonym right after words for armed men is their nationality.
        let armed_men_end: std::collections::BTreeSet<usize> = doc
            .hits
            .iter()
            .filter(|h| doc.target(h) == Target::ArmedMen)
            .map(|h| h.last)
            .collect();
        let nationality = |m: &crate::detect::doc::Mention| {
            doc.pack.patterns[m.hit.pattern].suffix == crate::detect::pack::Suffix::Adjective
                && m.hit
                    .first
                    .checked_sub(1)
                    .is_some_and(|i| armed_men_end.contains(&i))
        };
        let lists = lists(doc);
        Roles(
            doc.places
                .iter()
                .enumerate()
                .map(|(k, m)| {
                    role_before(m)
                        .or(nationality(m).then_some(Role::Nationality))
                        .or(lists[k].then_some(Role::List))
                })
                .collect(),
        )
    }
}

/// Which places of `doc.places` are in a row of places of three or more countries, joined by
/// «و» or a comma («نجامينا بتشاد، وأديس أبابا، ونيروبي وأبوجا»): an itinerary or a list.
fn lists(doc: &Doc<'_>) -> Vec<bool> {
    let mut out = vec![false; doc.places.len()];
    let mut order: Vec<usize> = (0..doc.places.len())
        .filter(|&k| doc.geo(doc.places[k].entity))
        .collect();
    order.sort_by_key(|&k| doc.places[k].hit.first);
    let mut run: Vec<usize> = Vec::new();
    let mut flush = |run: &mut Vec<usize>| {
        let countries: BTreeSet<Option<&str>> = run
            .iter()
            .map(|&k| doc.country(doc.places[k].entity))
            .collect();
        if countries.len() >= 3 {
            for &k in run.iter() {
                out[k] = true;
            }
        }
        run.clear();
    };
    for k in order {
        let at = &doc.places[k].hit;
        let joined = run.last().is_some_and(|&p| {
            let prev = &doc.places[p].hit;
            at.first <= prev.last + 1 && doc.same_sentence(prev.first, at.first)
        });
        if !joined {
            flush(&mut run);
        }
        run.push(k);
    }
    flush(&mut run);
    out
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::text;

    fn countries(title: &str, body: &str) -> Vec<String> {
        text(title, body).until(super::NAME).countries
    }

    #[test]
    fn the_country_of_the_event_not_of_the_background() {
        let body = "قتل مسلحون عشرة أشخاص في قرية بولاية بورنو. \
                    وتنشط الجماعة أيضا في النيجر وتشاد وتشن هجمات هناك.";
        assert_eq!(countries("هجوم لبوكو حرام في نيجيريا", body), ["NG"]);
    }

    #[test]
    fn an_event_no_place_locates_is_in_the_one_country_the_text_names() {
        let body = "قالت الوزارة إن الضربة الجوية التي نفذتها قوة برخان قتلت نحو ثلاثين مسلحا. \
                    من جهتها، أيدت وزارة الدفاع المالية الرواية الفرنسية.";
        assert_eq!(countries("فرنسا: الضربة قتلت ثلاثين مسلحا", body), ["ML"]);
        // Two countries named, neither locating the event: none is guessed.
        let body = "قالت الوزارة إن الضربة الجوية التي نفذتها قوة برخان قتلت نحو ثلاثين مسلحا. \
                    وأيدت وزارة الدفاع المالية والحكومة التشادية الرواية الفرنسية.";
        assert!(countries("فرنسا: الضربة قتلت ثلاثين مسلحا", body).is_empty());
    }

    #[test]
    fn a_border_named_as_a_landmark_is_not_where_it_happened() {
        let t = text(
            "مقتل جنود في كمين بمنطقة ميناكا",
            "نصب مسلحون الكمين قرب الحدود مع النيجر وبوركينا فاسو.",
        );
        assert_eq!(t.until(super::NAME).countries, ["ML"]);
    }

    #[test]
    fn a_closure_concerns_both_sides_even_in_a_list() {
        let t = text(
            "ليبيا تغلق حدودها الجنوبية",
            "قرر المجلس غلق حدودها مع السودان والنيجر والتشاد.",
        );
        assert_eq!(t.until(super::NAME).countries, ["LY", "NE", "TD"]);
    }

    #[test]
    fn an_itinerary_of_three_countries_is_a_list() {
        let t = text(
            "",
            "يزور الوزير تشاد وإثيوبيا وكينيا الأسبوع المقبل في جولة.",
        );
        let doc = t.until(super::NAME);
        let roles = super::Roles::of(&doc);
        assert!(
            roles.0.iter().all(|r| *r == Some(super::Role::List)),
            "{:?}",
            roles.0
        );
    }

    #[test]
    fn a_text_without_event_is_about_the_countries_it_keeps_listing_not_those_listed_once() {
        let body = "تنشط الجماعة في نيجيريا وتشاد والكاميرون والنيجر منذ سنوات. \
                    ويقول خبراء إن التنظيم يجند في نيجيريا وتشاد والنيجر والكاميرون. \
                    وتعاني نيجيريا من الفقر، وقال وزير إن مالي وموريتانيا والسنغال تتابع.";
        assert_eq!(
            countries("مخاوف من تمدد بوكو حرام في نيجيريا", body),
            ["NE", "NG", "TD"]
        );
    }

    #[test]
    fn armed_mens_nationality_says_who_they_are_not_what_the_text_is_about() {
        // A law debated in Chad; the fighters are Nigerian, and Nigeria is in one list.
        let body = "صادق البرلمان التشادي على القانون بعد جدل طويل. \
                    وتشارك تشاد في القوة الإقليمية ضد المسلحين النيجيريين منذ عام 2015. \
                    وتضم القوة جنودا من نيجيريا والنيجر وتشاد والكاميرون.";
        assert_eq!(countries("قانون جديد للأمن في تشاد", body), ["TD"]);
    }

    #[test]
    fn a_text_without_event_is_about_the_countries_it_keeps_naming() {
        assert_eq!(countries("زيارة رئيس النيجر إلى الرياض", ""), ["NE"]);
    }
}
