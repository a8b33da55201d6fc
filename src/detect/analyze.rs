//! The analysis of one text: which Sahel places and actors it names (after disambiguation), which
//! events it reports, the toll, a relevance score, and every rule that fired.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use super::figures::{self, Counted, Side};
use super::matcher::{self, Hit};
use super::pack::{Ambiguity, EntityKind, EventKind, RulePack, Scope, Target};
use crate::arabic::{normalize, tokens, Token};

/// The toll a text reports; `None` where it says nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub killed: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wounded: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kidnapped: Option<u32>,
}

impl Figures {
    pub fn is_empty(&self) -> bool {
        *self == Figures::default()
    }
}

/// One rule that fired, with the span of the original text (title, a line break, then the body)
/// it matched, so that a user can see why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub rule: String,
    pub term: String,
    /// The original words at `start..end` (absent from the stored form, which has the text).
    #[serde(default)]
    pub matched: String,
    pub start: usize,
    pub end: usize,
}

/// What the detector concluded about a text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub relevant: bool,
    pub score: f64,
    #[serde(default)]
    pub events: Vec<EventKind>,
    /// ISO 3166 alpha-2 codes of the Sahel countries the text is about.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Gazetteer ids of the places and actors named.
    #[serde(default)]
    pub entities: Vec<String>,
    #[serde(default)]
    pub figures: Figures,
    /// A claim of responsibility is reported.
    #[serde(default)]
    pub claimed: bool,
    /// The report is denied or disputed near its event («نفى الجيش», «لا صحة»).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disputed: bool,
    /// Absent from items whose text retention let go (the spans pointed into it).
    #[serde(default)]
    pub explanation: Vec<Explanation>,
}

/// How much mention a country needs to be one the text is about: a headline mention alone, a
/// mention in the lead and one more, or four in the body.
const COUNTRY_SALIENCE: u32 = 4;
/// The most that security vocabulary can add to a score: context alone must not outweigh an
/// off-topic text's other signals.
const MAX_SECURITY_SCORE: f64 = 4.0;
/// Sentences (the headline counts as the first) that make up the lead.
const LEAD_SENTENCES: u32 = 3;

/// Characters that end a sentence; events and context must be found within one.
fn is_sentence_break(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | ';' | '؛' | '\n')
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

struct Doc<'a> {
    text: &'a str,
    tokens: &'a [Token],
    sentence: Vec<u32>,
    title_tokens: usize,
}

impl Doc<'_> {
    fn word(&self, i: usize) -> Option<&str> {
        self.tokens.get(i).map(|t| t.text(self.text))
    }
    fn same_sentence(&self, a: usize, b: usize) -> bool {
        self.sentence[a] == self.sentence[b]
    }
    fn starts_sentence(&self, i: usize) -> bool {
        i == 0 || self.sentence[i] != self.sentence[i - 1]
    }
    fn in_title(&self, i: usize) -> bool {
        i < self.title_tokens
    }
}

fn distance(a: &Hit, b: &Hit) -> usize {
    if a.last < b.first {
        b.first - a.last
    } else {
        a.first.saturating_sub(b.last)
    }
}

/// Matches of one term kept at most: more than any article has («غاو» 64 times) add nothing to
/// a verdict (salience, events and focus are decided long before) but work, so a hostile or
/// degenerate text costs no more than a long real one.
const MAX_HITS_PER_PATTERN: usize = 64;

/// The longest span, in tokens, that one match may cover («جماعة نصرة الإسلام والمسلمين» and
/// its clitics): how far before a position a match that reaches it may start.
const MAX_SPAN: usize = 12;

/// Matches sorted by position, so that «is one within N words of this one, in its sentence»
/// and «how near is the nearest» look at the neighbourhood only: the analysis stays linear in
/// the number of matches however dense a text is (a 100,000-character text of place names and
/// triggers took half a second when every trigger scanned every match).
struct Positions<'h> {
    hits: Vec<&'h Hit>,
}

impl<'h> Positions<'h> {
    fn new(hits: impl IntoIterator<Item = &'h Hit>) -> Positions<'h> {
        let mut hits: Vec<&Hit> = hits.into_iter().collect();
        hits.sort_by_key(|h| h.first);
        Positions { hits }
    }

    /// Whether a match lies within `max` words of `h`, in its sentence.
    fn near(&self, h: &Hit, max: usize, doc: &Doc<'_>) -> bool {
        let from = h.first.saturating_sub(max + MAX_SPAN);
        let start = self.hits.partition_point(|o| o.first < from);
        self.hits[start..]
            .iter()
            .take_while(|o| o.first <= h.last + max)
            .any(|o| doc.same_sentence(o.first, h.first) && distance(o, h) <= max)
    }

    /// The distance to the nearest match in `h`'s sentence.
    fn nearest(&self, h: &Hit, doc: &Doc<'_>) -> Option<usize> {
        let at = self.hits.partition_point(|o| o.first < h.first);
        let mut best: Option<usize> = None;
        // Later matches: the distance grows with the position.
        for o in &self.hits[at..] {
            if !doc.same_sentence(o.first, h.first) {
                break;
            }
            let d = distance(o, h);
            best = Some(best.map_or(d, |b| b.min(d)));
            if o.first > h.last {
                break;
            }
        }
        // Earlier matches: a match ends at most MAX_SPAN words after it starts.
        for o in self.hits[..at].iter().rev() {
            if !doc.same_sentence(o.first, h.first)
                || best.is_some_and(|b| h.first.saturating_sub(o.first) > b + MAX_SPAN)
            {
                break;
            }
            let d = distance(o, h);
            best = Some(best.map_or(d, |b| b.min(d)));
        }
        best
    }
}

/// Analyses a title and body against a rule pack.
pub fn analyze(pack: &RulePack, title: &str, text: &str) -> Analysis {
    let original = analysed_text(title, text);
    let norm = normalize(&original);
    let toks = tokens(&norm.text);
    analyze_normalized(pack, title, &original, &norm, &toks)
}

/// [`analyze`], and the full-text index terms of the same text from the same normalization
/// (`arabic::index_terms` of «title\ntext»): ingest needs both, and normalizing once is a
/// tenth of its work.
pub fn analyze_and_index(pack: &RulePack, title: &str, text: &str) -> (Analysis, String) {
    let original = analysed_text(title, text);
    analyze_and_index_normalized(pack, title, &original, &normalize(&original))
}

/// [`analyze_and_index`] of an analysed text (`original`, from [`analysed_text`]) already
/// normalized: reading a feed normalizes each entry once, for its content hash
/// (`dedup::content_hash_of`) and then for this.
pub fn analyze_and_index_normalized(
    pack: &RulePack,
    title: &str,
    original: &str,
    norm: &crate::arabic::Normalized,
) -> (Analysis, String) {
    let toks = tokens(&norm.text);
    let terms = crate::arabic::terms_of_tokens(&norm.text, &toks);
    (
        analyze_normalized(pack, title, original, norm, &toks),
        terms,
    )
}

/// The text an analysis is of, which its explanation spans point into: the headline, a line
/// break, the body. The headline is one line: its line breaks become spaces so that the first
/// line break of the normalized text is where the headline ends.
pub fn analysed_text(title: &str, text: &str) -> String {
    format!("{}\n{text}", title.replace(['\n', '\r'], " "))
}

fn analyze_normalized(
    pack: &RulePack,
    title: &str,
    original: &str,
    norm: &crate::arabic::Normalized,
    toks: &[crate::arabic::Token],
) -> Analysis {
    let title_norm_len = if title.trim().is_empty() {
        0
    } else {
        norm.text.find('\n').unwrap_or(norm.text.len())
    };
    let mut sentence = Vec::with_capacity(toks.len());
    let mut sid = 0u32;
    for (i, t) in toks.iter().enumerate() {
        if i > 0
            && norm.text[toks[i - 1].end..t.start]
                .chars()
                .any(is_sentence_break)
        {
            sid += 1;
        }
        sentence.push(sid);
    }
    let doc = Doc {
        text: &norm.text,
        title_tokens: toks.partition_point(|t| t.start < title_norm_len),
        tokens: toks,
        sentence,
    };
    let mut hits = matcher::find(pack, doc.text, doc.tokens);
    if hits.len() > MAX_HITS_PER_PATTERN {
        let mut seen = vec![0usize; pack.patterns.len()];
        hits.retain(|h| {
            seen[h.pattern] += 1;
            seen[h.pattern] <= MAX_HITS_PER_PATTERN
        });
    }
    let mut explanation = Vec::new();
    let mut explain = |rule: String, hit: &Hit| {
        let (s, e) = norm.original_span(hit.start, hit.end);
        explanation.push(Explanation {
            rule,
            term: pack.patterns[hit.pattern].term.clone(),
            matched: original[s..e].to_owned(),
            start: s,
            end: e,
        });
    };

    // 1. Gazetteer matches, longest first where they overlap («بحيرة تشاد» over «تشاد»).
    let mut entity_hits: Vec<(Hit, usize)> = hits
        .iter()
        .filter_map(|h| match pack.patterns[h.pattern].target {
            Target::Entity(e) => Some((*h, e)),
            _ => None,
        })
        .collect();
    entity_hits.sort_by_key(|(h, _)| (h.start, std::cmp::Reverse(h.end)));
    let mut kept: Vec<(Hit, usize)> = Vec::with_capacity(entity_hits.len());
    // The kept match reaching furthest: every kept one starts at or before the next candidate
    // (sorted by start), so it covers the candidate if any kept match does.
    let mut reach: Option<(usize, usize)> = None;
    for (h, e) in entity_hits {
        let covered =
            reach.is_some_and(|(start, end)| h.end <= end && (end - start) > (h.end - h.start));
        let duplicate = kept
            .iter()
            .rev()
            .take_while(|(k, _)| k.start == h.start)
            .any(|(k, ke)| k.end == h.end && *ke == e);
        if !covered && !duplicate {
            if reach.is_none_or(|(_, end)| h.end > end) {
                reach = Some((h.start, h.end));
            }
            kept.push((h, e));
        }
    }

    // 2. Disambiguation: ambiguous aliases («مالي» financial or Malian) need context.
    let ambiguous = |h: &Hit| {
        pack.patterns[h.pattern]
            .ambiguity
            .map(|i| &pack.ambiguity[i])
    };
    let sure_countries: HashSet<&str> = kept
        .iter()
        .filter(|(h, _)| ambiguous(h).is_none())
        .filter_map(|(_, e)| pack.entities[*e].country.as_deref())
        .collect();
    let sure_in_scope = kept.iter().any(|(h, e)| {
        ambiguous(h).is_none()
            && matches!(pack.entities[*e].scope, Scope::Core | Scope::Border)
            && pack.entities[*e].country.is_some()
    });
    let sure_country_hits: Vec<&Hit> = kept
        .iter()
        .filter(|(k, ke)| pack.entities[*ke].kind == EntityKind::Country && ambiguous(k).is_none())
        .map(|(k, _)| k)
        .collect();
    let sure_country_firsts: HashSet<usize> = sure_country_hits.iter().map(|k| k.first).collect();
    let sure_country_lasts: HashSet<usize> = sure_country_hits.iter().map(|k| k.last).collect();
    let country_neighbour = |h: &Hit| {
        sure_country_firsts.contains(&(h.last + 1))
            || h.first
                .checked_sub(1)
                .is_some_and(|i| sure_country_lasts.contains(&i))
    };
    let mut accepted: Vec<(Hit, usize)> = Vec::with_capacity(kept.len());
    for (h, e) in &kept {
        let Some(rule) = ambiguous(h) else {
            accepted.push((*h, *e));
            continue;
        };
        let rejected_by_country = rule
            .reject_if_countries
            .iter()
            .any(|c| sure_countries.contains(c.as_str()));
        let verdict = (!rejected_by_country)
            .then(|| {
                disambiguate(rule, h, &doc, || {
                    country_neighbour(h)
                        || match pack.entities[*e].country.as_deref() {
                            Some(c) => sure_countries.contains(c),
                            // An actor with no country («المرابطون») is confirmed by any Sahel place.
                            None => sure_in_scope,
                        }
                })
            })
            .flatten();
        let id = &pack.entities[*e].id;
        match verdict {
            Some(reason) => {
                explain(format!("disambiguation:{id}:{reason}"), h);
                accepted.push((*h, *e));
            }
            None => explain(format!("disambiguation:{id}:rejected"), h),
        }
    }

    // A region named relative to "the country" («شمال شرق البلاد») is resolved against the
    // country the text is about: the first country its headline names, else its most named.
    let country_of = |e: usize| {
        let ent = &pack.entities[e];
        (ent.kind == EntityKind::Country)
            .then_some(ent.country.as_deref())
            .flatten()
    };
    let principal = accepted
        .iter()
        .filter(|(h, _)| doc.in_title(h.first))
        .find_map(|(_, e)| country_of(*e))
        .or_else(|| {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, e) in &accepted {
                if let Some(c) = country_of(*e) {
                    *counts.entry(c).or_default() += 1;
                }
            }
            counts.into_iter().max_by_key(|(_, n)| *n).map(|(c, _)| c)
        })
        .map(str::to_owned);
    for h in &hits {
        if let Target::Relative(r) = pack.patterns[h.pattern].target {
            let (country, entity) = &pack.relatives[r];
            if principal.as_deref() == Some(country.as_str()) {
                explain(format!("relative:{country}"), h);
                accepted.push((*h, *entity));
            }
        }
    }

    // 3. Countries in scope: core countries and border regions always, neighbours as a whole only
    //    when something else puts the text in the Sahel.
    // Places, and forces tied to one country (FAMa), place a text; armed groups do not.
    let geo = |e: usize| match pack.entities[e].kind {
        EntityKind::Group => false,
        EntityKind::Force => pack.entities[e].country.is_some(),
        _ => true,
    };
    let in_scope = accepted
        .iter()
        .any(|(_, e)| geo(*e) && matches!(pack.entities[*e].scope, Scope::Core | Scope::Border));
    let counts = |e: usize| match pack.entities[e].scope {
        Scope::Core | Scope::Border => true,
        Scope::Neighbour => in_scope,
        Scope::Outside | Scope::Foreign => false,
    };
    // A country is what the text is about when the headline or the lead names it, or the body
    // keeps coming back to it; a passing mention in a list or a background paragraph is not.
    let mut salience: BTreeMap<&str, u32> = BTreeMap::new();
    let mut entities = BTreeSet::new();
    for (h, e) in &accepted {
        let ent = &pack.entities[*e];
        explain(format!("entity:{}", ent.id), h);
        if counts(*e) {
            entities.insert(ent.id.clone());
            if geo(*e) {
                if let Some(c) = &ent.country {
                    let weight = if doc.in_title(h.first) {
                        COUNTRY_SALIENCE
                    } else if doc.sentence[h.first] <= LEAD_SENTENCES {
                        2
                    } else {
                        1
                    };
                    *salience.entry(c.as_str()).or_default() += weight;
                }
            }
        }
    }

    let anchors: Vec<&Hit> = accepted
        .iter()
        .filter(|(_, e)| counts(*e))
        .map(|(h, _)| h)
        .collect();
    // Events happen somewhere in the Sahel: at a core place or actor, or a Sahel-facing region
    // of a neighbour, never at a neighbour as a whole («a shooting in Algeria» in a digest that
    // also mentions Sebha).
    let event_anchors: Vec<&Hit> = accepted
        .iter()
        .filter(|(_, e)| matches!(pack.entities[*e].scope, Scope::Core | Scope::Border))
        .map(|(h, _)| h)
        .collect();
    let outside: Vec<&Hit> = accepted
        .iter()
        .filter(|(_, e)| geo(*e) && !counts(*e))
        .map(|(h, _)| h)
        .collect();
    let anchor_positions = Positions::new(anchors.iter().copied());
    let event_anchor_positions = Positions::new(event_anchors.iter().copied());
    let outside_positions = Positions::new(outside.iter().copied());

    // 4. Events: a trigger counts when an in-scope place or actor is near it in its sentence,
    //    nearer than any place outside the Sahel, and no exclusion or negation applies.
    let by_target = |want: fn(Target) -> Option<usize>, rule: usize| {
        hits.iter()
            .filter(move |h| want(pack.patterns[h.pattern].target) == Some(rule))
    };
    let mut events = Vec::new();
    let mut score = 0.0;
    let mut event_triggers: Vec<Hit> = Vec::new();
    for (r, rule) in pack.events.iter().enumerate() {
        let title_negated = by_target(
            |t| match t {
                Target::TitleNegation(r) => Some(r),
                _ => None,
            },
            r,
        )
        .any(|h| doc.in_title(h.first));
        let mut fired_sentences: BTreeSet<u32> = BTreeSet::new();
        let mut strong = false;
        let exclusions = Positions::new(by_target(
            |t| match t {
                Target::Exclusion(r) => Some(r),
                _ => None,
            },
            r,
        ));
        let negations = Positions::new(by_target(
            |t| match t {
                Target::Negation(r) => Some(r),
                _ => None,
            },
            r,
        ));
        let requirements = Positions::new(by_target(
            |t| match t {
                Target::Requirement(r) => Some(r),
                _ => None,
            },
            r,
        ));
        for th in by_target(
            |t| match t {
                Target::Trigger(r) => Some(r),
                _ => None,
            },
            r,
        ) {
            if title_negated
                || exclusions.near(th, 1, &doc)
                || negations.near(th, 8, &doc)
                || (rule.has_requirements && !requirements.near(th, 3, &doc))
            {
                continue;
            }
            let Some(d_in) = event_anchor_positions.nearest(th, &doc) else {
                continue;
            };
            let in_title = doc.in_title(th.first);
            if d_in > pack.window && !in_title {
                continue;
            }
            if outside_positions
                .nearest(th, &doc)
                .is_some_and(|d_out| d_out < d_in)
            {
                continue;
            }
            fired_sentences.insert(doc.sentence[th.first]);
            strong |= in_title || doc.sentence[th.first] <= LEAD_SENTENCES;
            event_triggers.push(*th);
            explain(format!("event:{}", rule.kind), th);
        }
        // Reported when it is in the headline or lead, or comes back in a second sentence:
        // one passing mention deep in a text is background, not news.
        if (fired_sentences.len() >= 2 || strong) && !events.contains(&rule.kind) {
            events.push(rule.kind);
            score += rule.weight;
        }
    }

    // A headline about an agreement, a bill, arrests or a report, with no incident of its
    // own, is context: the attacks its lead recalls are not news of the day.
    let context_frame = hits
        .iter()
        .find(|h| pack.patterns[h.pattern].target == Target::ContextFrame && doc.in_title(h.first));
    if context_frame.is_some() && !event_triggers.iter().any(|t| doc.in_title(t.first)) {
        if let Some(h) = context_frame.filter(|_| !events.is_empty()) {
            explain("frame:context".into(), h);
        }
        events.clear();
        event_triggers.clear();
    }

    // A country named next to an event trigger that counts is where it happened.
    let trigger_positions = Positions::new(event_triggers.iter());
    let located_triggers = Positions::new(event_triggers.iter().filter(|t| {
        doc.sentence[t.first] <= LEAD_SENTENCES
            || matches!(pack.patterns[t.pattern].target,
                Target::Trigger(r) if pack.events[r].kind == EventKind::BorderClosure)
    }));
    for (h, e) in &accepted {
        let near_event = trigger_positions.near(h, pack.window, &doc);
        if counts(*e) && geo(*e) && near_event {
            if let Some(c) = &pack.entities[*e].country {
                *salience.entry(c.as_str()).or_default() += COUNTRY_SALIENCE;
            }
        }
    }
    let mut countries: BTreeSet<String> = salience
        .into_iter()
        .filter(|(_, s)| *s >= COUNTRY_SALIENCE)
        .map(|(c, _)| c.to_owned())
        .collect();
    // A text that reports an event is about where the event happened: the countries of the
    // places in its headline or next to the triggers of its lead, not every country it names
    // in passing or in background paragraphs (a Boko Haram attack in Nigeria «which also
    // strikes Niger and Chad»).
    // A border closure concerns the countries on both sides, wherever the text says it.
    if !events.is_empty() {
        let located: BTreeSet<&str> = accepted
            .iter()
            .filter(|(h, e)| {
                counts(*e)
                    && geo(*e)
                    && (doc.in_title(h.first) || located_triggers.near(h, pack.window, &doc))
            })
            .filter_map(|(_, e)| pack.entities[*e].country.as_deref())
            .collect();
        if countries.iter().any(|c| located.contains(c.as_str())) {
            countries.retain(|c| located.contains(c.as_str()));
        }
    }

    // 5. Security context near an in-scope place or actor, and off-topic signals.
    let mut security = BTreeSet::new();
    let mut security_score = 0.0;
    let mut offtopic = BTreeSet::new();
    let mut claimed = false;
    let mut disputed = false;
    for h in &hits {
        match pack.patterns[h.pattern].target {
            Target::Security(strong) => {
                let near = anchor_positions.near(h, pack.window, &doc)
                    || (doc.in_title(h.first) && in_scope);
                if near && security.insert(pack.patterns[h.pattern].term.clone()) {
                    security_score += if strong {
                        pack.security_weight
                    } else {
                        pack.weak_security_weight
                    };
                    explain(if strong { "security" } else { "security:weak" }.into(), h);
                }
            }
            Target::Offtopic if offtopic.insert(pack.patterns[h.pattern].term.clone()) => {
                explain("offtopic".into(), h);
            }
            // A claim counts where the text is about a Sahel event: near one of its anchors.
            Target::Claim if !claimed && anchor_positions.near(h, pack.window, &doc) => {
                claimed = true;
                explain("claim".into(), h);
            }
            // So does a denial: «نفى» about something else is not a dispute of this event.
            Target::Denial if !disputed && anchor_positions.near(h, pack.window, &doc) => {
                disputed = true;
                explain("denial".into(), h);
            }
            _ => {}
        }
    }
    score += security_score.min(MAX_SECURITY_SCORE);
    score += (offtopic.len().min(2) as f64) * pack.offtopic_weight;
    if anchors.iter().any(|a| doc.in_title(a.first)) {
        score += 1.0;
    }
    // Focus: a text that names places outside the Sahel more often than Sahel places (a headline
    // mention counts thrice) is about elsewhere, whatever it says of the Sahel in passing.
    let focus = |scope: Scope| -> usize {
        accepted
            .iter()
            .filter(|(_, e)| geo(*e) && pack.entities[*e].scope == scope)
            .map(|(h, _)| if doc.in_title(h.first) { 3 } else { 1 })
            .sum()
    };
    let sahel_focus = focus(Scope::Core) + focus(Scope::Border);
    // A headline that reports an event at a neighbour as a whole («غارة في ليبيا») is placed by
    // the first town or region its lead names: when that is outside the Sahel (Bani Walid,
    // not Sebha), the story is elsewhere, whatever later paragraphs recall of the south.
    let headline_event = hits.iter().any(|h| {
        matches!(pack.patterns[h.pattern].target, Target::Trigger(_)) && doc.in_title(h.first)
    });
    let headline_sahel_place = accepted.iter().any(|(h, e)| {
        doc.in_title(h.first)
            && geo(*e)
            && matches!(pack.entities[*e].scope, Scope::Core | Scope::Border)
    });
    let lead_place_outside = accepted
        .iter()
        .filter(|(h, e)| {
            !doc.in_title(h.first)
                && doc.sentence[h.first] <= LEAD_SENTENCES
                && matches!(
                    pack.entities[*e].kind,
                    EntityKind::City | EntityKind::Region
                )
        })
        .min_by_key(|(h, _)| h.first)
        .is_some_and(|(_, e)| pack.entities[*e].scope == Scope::Outside);
    let placed_elsewhere = headline_event && !headline_sahel_place && lead_place_outside;
    let elsewhere = focus(Scope::Outside) > sahel_focus || placed_elsewhere;
    if elsewhere && in_scope {
        explanation.push(Explanation {
            rule: "focus:elsewhere".into(),
            term: format!(
                "{} Sahel mentions against {}",
                sahel_focus,
                focus(Scope::Outside)
            ),
            matched: String::new(),
            start: 0,
            end: 0,
        });
    }
    // A headline framed as other news (an election, a trial, a crash, migrants, donors) that
    // reports no event of its own is that news, whatever its body recalls of attacks.
    let frame = hits
        .iter()
        .find(|h| pack.patterns[h.pattern].target == Target::Frame && doc.in_title(h.first));
    let framed = frame.is_some() && !event_triggers.iter().any(|t| doc.in_title(t.first));
    if let Some(h) = frame.filter(|_| framed && in_scope) {
        let (s, e) = norm.original_span(h.start, h.end);
        explanation.push(Explanation {
            rule: "frame:other-news".into(),
            term: pack.patterns[h.pattern].term.clone(),
            matched: original[s..e].to_owned(),
            start: s,
            end: e,
        });
    }
    let relevant = in_scope && !elsewhere && !framed && score >= pack.threshold;
    // A text about elsewhere (a Cameroonian, Tunisian story) that names only Sahel neighbours
    // (Nigeria, Libya) in passing is about none of them.
    let core_country = |c: &String| {
        pack.entities.iter().any(|e| {
            e.kind == EntityKind::Country && e.country.as_ref() == Some(c) && e.scope == Scope::Core
        })
    };
    if elsewhere && !countries.iter().any(core_country) {
        countries.clear();
    }

    // 6. Tolls, where the pack's toll words stand.
    let marks: Vec<(usize, Counted, Side)> = hits
        .iter()
        .filter_map(|h| match pack.patterns[h.pattern].target {
            Target::Toll(kind, side) => Some((h.first, kind, side)),
            _ => None,
        })
        .collect();
    let tolls = if marks.is_empty() {
        Vec::new()
    } else {
        let words: Vec<&str> = doc.tokens.iter().map(|t| t.text(doc.text)).collect();
        figures::read(&words, &marks)
    };
    let mut figure = |kind: Counted| {
        let t = figures::largest(&tolls, kind)?;
        let hit = Hit {
            pattern: 0,
            start: doc.tokens[t.first].start,
            end: doc.tokens[t.last].end,
            first: t.first,
            last: t.last,
            preposition: false,
        };
        let (s, e) = norm.original_span(hit.start, hit.end);
        explanation.push(Explanation {
            rule: format!("figure:{}", kind.as_str()),
            term: t.value.to_string(),
            matched: original[s..e].to_owned(),
            start: s,
            end: e,
        });
        Some(t.value)
    };
    let (killed, wounded, kidnapped) = (
        figure(Counted::Killed),
        figure(Counted::Wounded),
        figure(Counted::Kidnapped),
    );
    explanation.sort_by(|a, b| (a.start, &a.rule).cmp(&(b.start, &b.rule)));
    explanation.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.rule == b.rule);
    Analysis {
        relevant,
        score,
        events: if relevant { events } else { Vec::new() },
        countries: countries.into_iter().collect(),
        entities: entities.into_iter().collect(),
        figures: Figures {
            killed,
            wounded,
            kidnapped,
        },
        claimed: relevant && claimed,
        disputed: relevant && disputed,
        explanation,
    }
}

/// Decides an ambiguous match: `Some(reason)` when it stands for the entity.
fn disambiguate(
    rule: &Ambiguity,
    h: &Hit,
    doc: &Doc<'_>,
    confirmed_elsewhere: impl FnOnce() -> bool,
) -> Option<&'static str> {
    let prev = h.first.checked_sub(1).and_then(|i| doc.word(i));
    let next = doc.word(h.last + 1);
    if any_in(&rule.reject_before, prev) || any_in(&rule.reject_after, next) {
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
    if rule.confirm_by_entities && confirmed_elsewhere() {
        return Some("confirmed-by-other-mentions");
    }
    rule.accept_unless_rejected.then_some("not-rejected")
}
