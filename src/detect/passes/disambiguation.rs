//! `disambiguation`: which mentions stand for their entity. Ambiguous aliases («مالي» financial
//! or Malian, «النيجري» Nigerien or Nigerian as outlets spell it) need context; regions named
//! relative to "the country" («شمال شرق البلاد») are resolved against the country the text is
//! about.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::detect::doc::{Doc, Mention};
use crate::detect::matcher::Hit;
use crate::detect::pack::{Ambiguity, EntityKind, Suffix, Target};

pub(super) const NAME: &str = "disambiguation";

pub(super) fn run(doc: &mut Doc<'_>) {
    let evidence = Evidence::of(doc);
    let demonyms = demonyms_by_places(doc);
    let mut places = Vec::with_capacity(doc.mentions.len());
    for mut m in doc.mentions.clone() {
        let by_places = is_demonym(doc, &m.hit)
            .then(|| demonyms.iter().find(|(from, _)| *from == m.entity))
            .flatten();
        if let Some(&(_, to)) = by_places {
            let (from, to_id) = (&doc.pack.entities[m.entity].id, &doc.pack.entities[to].id);
            doc.explain(
                NAME,
                format!("disambiguation:{from}:demonym-of-{to_id}"),
                &m.hit,
            );
            m.entity = to;
            places.push(m);
            continue;
        }
        let Some(rule) = ambiguity(doc, &m.hit) else {
            places.push(m);
            continue;
        };
        let id = doc.pack.entities[m.entity].id.clone();
        match decide(rule, &m, doc, &evidence) {
            Some(reason) => {
                doc.explain(NAME, format!("disambiguation:{id}:{reason}"), &m.hit);
                places.push(m);
            }
            None => doc.explain(NAME, format!("disambiguation:{id}:rejected"), &m.hit),
        }
    }
    doc.places = places;
    resolve_relatives(doc);
}

/// Niger or Nigeria is decided by the whole text, not by one word: outlets write «النيجيري»
/// for Nigerien and «النيجري» for Nigerian, sometimes both in one article. When the text's
/// places (names, towns, regions, capitals) are all on one side of a confusable pair, every
/// demonym of the pair stands for that side: `(demonym's country entity, the one it means)`.
fn demonyms_by_places(doc: &Doc<'_>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for &[a, b] in &doc.pack.confusables {
        let (ca, cb) = (doc.country(a), doc.country(b));
        let placed_in = |c: Option<&str>| {
            doc.mentions.iter().any(|m| {
                !is_demonym(doc, &m.hit)
                    && ambiguity(doc, &m.hit).is_none()
                    && doc.geo(m.entity)
                    && doc.country(m.entity) == c
            })
        };
        match (placed_in(ca), placed_in(cb)) {
            (true, false) => out.extend([(b, a), (a, a)]),
            (false, true) => out.extend([(a, b), (b, b)]),
            _ => {}
        }
    }
    out
}

fn is_demonym(doc: &Doc<'_>, h: &Hit) -> bool {
    doc.pack.patterns[h.pattern].suffix == Suffix::Adjective
}

fn ambiguity<'p>(doc: &Doc<'p>, h: &Hit) -> Option<&'p Ambiguity> {
    doc.pack.patterns[h.pattern]
        .ambiguity
        .map(|i| &doc.pack.ambiguity[i])
}

/// What the text's unambiguous mentions say, against which ambiguous ones are judged.
struct Evidence<'p> {
    countries: HashSet<&'p str>,
    /// A Sahel place or actor of some country is named.
    in_scope: bool,
    /// Token positions of unambiguous country names, with their codes: «ليبيا ومالي» confirms
    /// «مالي».
    country_firsts: HashMap<usize, &'p str>,
    country_lasts: HashMap<usize, &'p str>,
}

impl<'p> Evidence<'p> {
    fn of(doc: &Doc<'p>) -> Evidence<'p> {
        let sure = || {
            doc.mentions
                .iter()
                .filter(|m| ambiguity(doc, &m.hit).is_none())
        };
        let named_countries =
            || sure().filter(|m| doc.pack.entities[m.entity].kind == EntityKind::Country);
        Evidence {
            countries: sure().filter_map(|m| doc.country(m.entity)).collect(),
            in_scope: sure().any(|m| doc.sahel(m.entity) && doc.country(m.entity).is_some()),
            country_firsts: named_countries()
                .filter_map(|m| Some((m.hit.first, doc.country(m.entity)?)))
                .collect(),
            country_lasts: named_countries()
                .filter_map(|m| Some((m.hit.last, doc.country(m.entity)?)))
                .collect(),
        }
    }

    /// Whether a country is named right beside `h`: any country for a country in a list
    /// («ليبيا ومالي»), only its own for a place (`own`): «مورا بأقصى شمال الكاميرون» is
    /// Cameroon's Mora, not Mali's Moura.
    fn beside_a_country(&self, h: &Hit, own: Option<&str>) -> bool {
        let fits = |c: &&str| own.is_none_or(|o| o == *c);
        self.country_firsts.get(&(h.last + 1)).is_some_and(fits)
            || h.first
                .checked_sub(1)
                .and_then(|i| self.country_lasts.get(&i))
                .is_some_and(fits)
    }
}

/// `Some(reason)` when an ambiguous mention stands for its entity.
fn decide(
    rule: &Ambiguity,
    m: &Mention,
    doc: &Doc<'_>,
    evidence: &Evidence<'_>,
) -> Option<&'static str> {
    if rule
        .reject_if_countries
        .iter()
        .any(|c| evidence.countries.contains(c.as_str()))
    {
        return None;
    }
    let h = &m.hit;
    let prev = h.first.checked_sub(1).and_then(|i| doc.word(i));
    let next = doc.word(h.last + 1);
    if rejected(rule, prev, next) {
        return None;
    }
    if any_in(&rule.confirm_before, prev) || any_in(&rule.confirm_after, next) {
        return Some("context");
    }
    if rule.confirm_after_preposition && h.preposition {
        return Some("preposition");
    }
    if rule.confirm_at_start && doc.starts_sentence(h.first) {
        return Some("sentence-start");
    }
    let confirmed_elsewhere = || {
        let own = (doc.pack.entities[m.entity].kind != EntityKind::Country)
            .then(|| doc.country(m.entity))
            .flatten();
        evidence.beside_a_country(h, own)
            || match doc.country(m.entity) {
                Some(c) => evidence.countries.contains(c),
                // An actor with no country («المرابطون») is confirmed by any Sahel place.
                None => evidence.in_scope,
            }
    };
    if rule.confirm_by_entities && confirmed_elsewhere() {
        return Some("confirmed-by-other-mentions");
    }
    rule.accept_unless_rejected.then_some("not-rejected")
}

/// Whether the words around an ambiguous mention (`prev`, `next`) reject it by the rule's
/// `reject_before` and `reject_after` («دوري أبطال» is a league, «دعم مالي» money): the
/// pre-check of pages (`detect::candidate`) asks it too.
pub(crate) fn rejected(rule: &Ambiguity, prev: Option<&str>, next: Option<&str>) -> bool {
    any_in(&rule.reject_before, prev) || any_in(&rule.reject_after, next)
}

/// The context forms of a word: itself, without a leading conjunction, without the article.
fn forms(w: &str) -> [&str; 3] {
    let no_conj = w
        .strip_prefix('و')
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(w);
    let no_article = no_conj
        .strip_prefix("ال")
        .or_else(|| no_conj.strip_prefix("بال"))
        .or_else(|| no_conj.strip_prefix("لل"))
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(no_conj);
    [w, no_conj, no_article]
}

fn any_in(set: &HashSet<String>, w: Option<&str>) -> bool {
    w.is_some_and(|w| forms(w).iter().any(|f| set.contains(*f)))
}

/// The country the text is about, for relative regions: the first country its headline
/// names, else its most named.
fn principal<'p>(doc: &Doc<'p>) -> Option<&'p str> {
    let country_of = |e: usize| {
        (doc.pack.entities[e].kind == EntityKind::Country)
            .then(|| doc.country(e))
            .flatten()
    };
    doc.places
        .iter()
        .filter(|m| doc.in_title(m.hit.first))
        .find_map(|m| country_of(m.entity))
        .or_else(|| {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for m in &doc.places {
                if let Some(c) = country_of(m.entity) {
                    *counts.entry(c).or_default() += 1;
                }
            }
            counts.into_iter().max_by_key(|(_, n)| *n).map(|(c, _)| c)
        })
}

/// «شمال شرق البلاد» in a text about Nigeria is the north-east of Nigeria.
fn resolve_relatives(doc: &mut Doc<'_>) {
    let Some(principal) = principal(doc) else {
        return;
    };
    let relatives: Vec<(Hit, usize)> = doc
        .hits
        .iter()
        .filter_map(|h| match doc.target(h) {
            Target::Relative(r) => Some((*h, r)),
            _ => None,
        })
        .collect();
    for (h, r) in relatives {
        let (country, entity) = &doc.pack.relatives[r];
        if principal == country {
            doc.explain(NAME, format!("relative:{country}"), &h);
            doc.places.push(Mention {
                hit: h,
                entity: *entity,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::{ids, text};

    fn places(title: &str, body: &str) -> Vec<String> {
        let t = text(title, body);
        let doc = t.until(super::NAME);
        ids(&doc, &doc.places)
    }

    #[test]
    fn financial_mali_is_rejected_and_malian_mali_kept() {
        assert!(places("ارتفاع العجز المالي في الربع الثالث", "").is_empty());
        assert_eq!(places("هجوم على معسكر للجيش المالي", ""), ["f-fama"]);
        assert_eq!(places("مالي: مقتل جنود", ""), ["ML"]);
    }

    #[test]
    fn a_country_beside_confirms_an_ambiguous_one() {
        assert_eq!(places("", "وصل الوفد ليبيا ومالي"), ["LY", "ML"]);
    }

    #[test]
    fn a_demonym_of_niger_or_nigeria_follows_the_text_s_places() {
        // Spelled as Nigerian, in a text whose places are all in Niger.
        assert_eq!(
            places("مقتل جنود نيجيريين قرب نيامي", ""),
            ["NE", "ne-niamey"]
        );
        // Spelled as Nigerien, in a text whose places are all in Nigeria.
        assert_eq!(
            places("الجيش النيجري يهاجم معسكرا في بورنو", ""),
            ["NG", "ng-borno"]
        );
        // Places on both sides: each demonym as spelled.
        let p = places("جنود نيجيريون في نيامي", "قرب مايدوغوري");
        assert!(p.contains(&"NG".to_string()), "{p:?}");
    }

    #[test]
    fn relative_regions_follow_the_headline_country() {
        let p = places("هجوم في نيجيريا", "قتل عشرة في شمال شرق البلاد");
        assert!(p.contains(&"ng-northeast".to_string()), "{p:?}");
        let p = places("هجوم في تونس", "قتل عشرة في شمال شرق البلاد");
        assert!(!p.contains(&"ng-northeast".to_string()), "{p:?}");
    }
}
