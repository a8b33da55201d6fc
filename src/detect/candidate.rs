//! The cheap pre-check that decides whether an item that arrived as a headline and a summary
//! is worth fetching its article page for. It must let every Sahel security report through
//! (a miss here is a miss of the whole detector) while costing no request for the bulk of the
//! news: one automaton scan of the headline and summary, no disambiguation, no scoring.

use super::matcher;
use super::pack::{RulePack, Scope, Target};
use crate::arabic::{normalize, tokens};

/// Why an item is a candidate for its article page, or `None` when it is not.
///
/// A candidate names a Sahel place or actor (core or border scope; an ambiguous name such as
/// «مالي» only where it reads as a place — opening the headline, with a preposition attached
/// or after a place word («في مالي», «شمال مالي») — or with security words beside it, since
/// «دعم مالي» is everywhere), or carries
/// security words (an event trigger, strong security vocabulary or a border word) together with a neighbour
/// country, a region named relative to one, or an African context word of `[candidates]`.
pub fn candidate(pack: &RulePack, title: &str, summary: &str) -> Option<String> {
    let text = format!("{}\n{summary}", title.replace(['\n', '\r'], " "));
    let norm = normalize(&text);
    let toks = tokens(&norm.text);
    let hits = matcher::find(pack, &norm.text, &toks);
    let mut security: Option<&str> = None;
    let mut context: Option<&str> = None;
    let mut ambiguous_sahel: Option<&str> = None;
    for h in &hits {
        let p = &pack.patterns[h.pattern];
        match p.target {
            Target::Entity(e) => {
                let ent = &pack.entities[e];
                match ent.scope {
                    Scope::Core | Scope::Border if p.ambiguity.is_none() => {
                        return Some(format!("names {}", ent.id));
                    }
                    // What the rule pack rejects as the place («دوري أبطال», «دعم مالي») is
                    // not the place here either.
                    Scope::Core | Scope::Border if rejected_here(pack, p, h, &toks, &norm.text) => {
                    }
                    Scope::Core | Scope::Border if reads_as_place(h, &toks, &norm.text) => {
                        return Some(format!("names {}", ent.id));
                    }
                    Scope::Core | Scope::Border => ambiguous_sahel = Some(&ent.id),
                    Scope::Neighbour => context = Some(&ent.id),
                    Scope::Outside | Scope::Foreign => {}
                }
            }
            Target::Relative(_) | Target::AfricanContext => context = Some(&p.term),
            // Border words (`requires_near` of the closure rule) count too: what a neighbour
            // does at its borders with the Sahel is news of the Sahel.
            Target::Trigger(_) | Target::Security(true) | Target::Requirement(_) => {
                security = Some(&p.term)
            }
            _ => {}
        }
    }
    let security = security?;
    ambiguous_sahel
        .or(context)
        .map(|c| format!("security word «{security}» with {c}"))
}

/// Whether an ambiguous name's match is rejected by its rule's words before or after it.
fn rejected_here(
    pack: &RulePack,
    p: &super::pack::Pattern,
    h: &matcher::Hit,
    toks: &[crate::arabic::Token],
    text: &str,
) -> bool {
    let Some(rule) = p.ambiguity.map(|i| &pack.ambiguity[i]) else {
        return false;
    };
    let prev = h.first.checked_sub(1).map(|i| toks[i].text(text));
    let next = toks.get(h.last + 1).map(|t| t.text(text));
    super::passes::disambiguation::rejected(rule, prev, next)
}

/// Words after which an ambiguous name is a place.
const PLACE_WORDS: &[&str] = &[
    "في",
    "شمال",
    "جنوب",
    "وسط",
    "شرق",
    "غرب",
    "شمالي",
    "جنوبي",
    "شرقي",
    "غربي",
    "جمهوريه",
    "دوله",
    "الي",
    "من",
    "حدود",
];

/// Whether an ambiguous name's match reads as a place: the headline's first word, a
/// preposition attached («بمالي»), or a place word before it.
fn reads_as_place(h: &matcher::Hit, toks: &[crate::arabic::Token], text: &str) -> bool {
    h.first == 0
        || h.preposition
        || h.first
            .checked_sub(1)
            .map(|i| toks[i].text(text))
            .is_some_and(|w| PLACE_WORDS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack() -> RulePack {
        RulePack::bundled()
    }

    #[test]
    fn sahel_places_and_actors_are_candidates() {
        let p = pack();
        assert!(candidate(&p, "وصول وفد إلى نواكشوط", "").is_some());
        assert!(candidate(&p, "بيان جديد", "قالت جماعة بوكو حرام في بيان").is_some());
    }

    #[test]
    fn security_words_need_an_african_context() {
        let p = pack();
        assert!(candidate(&p, "هجوم مسلح على قاعدة عسكرية", "في جنوب ليبيا").is_some());
        assert!(candidate(&p, "هجوم مسلح على قاعدة عسكرية", "في منطقة الساحل").is_some());
        assert!(candidate(&p, "هجوم مسلح على قاعدة عسكرية", "").is_none());
        assert!(candidate(&p, "ليبيا: افتتاح معرض للكتاب", "").is_none());
    }

    #[test]
    fn money_is_not_mali() {
        let p = pack();
        assert!(candidate(&p, "دعم مالي للمزارعين", "أعلنت الحكومة عن دعم مالي جديد").is_none());
        assert!(candidate(&p, "هجوم على معسكر في مالي", "").is_some());
        assert!(candidate(&p, "مالي: تطورات جديدة في الشمال", "").is_some());
        assert!(candidate(&p, "زيارة وزير الخارجية إلى مالي", "").is_some());
    }

    #[test]
    fn a_league_is_not_dori() {
        let p = pack();
        assert!(candidate(&p, "إنطلاق النسخة الجديدة لدوري أبطال إفريقيا", "").is_none());
        assert!(candidate(&p, "هجوم مسلح قرب دوري في بوركينا فاسو", "").is_some());
    }
}
