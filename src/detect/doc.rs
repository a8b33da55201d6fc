//! The one document every analysis pass reads and adds a layer to, the way spaCy's components
//! share one `Doc`: the normalized text, its tokens and sentences, the rule pack's matches, then
//! one layer per pass (mentions, places, events, signals, figures, countries, verdict) and the
//! explanation, each line tagged with the pass that wrote it.

use serde::{Deserialize, Serialize};

use super::matcher::Hit;
use super::pack::{EntityKind, EventKind, FollowUp, RulePack, Scope, Target};
use crate::arabic::{Normalized, Token};

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
    /// The analysis pass that wrote the line (absent from forms stored before passes had names).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pass: String,
    pub rule: String,
    pub term: String,
    /// The original words at `start..end` (absent from the stored form, which has the text).
    #[serde(default)]
    pub matched: String,
    pub start: usize,
    pub end: usize,
}

/// Sentences (the headline counts as the first) that make up the lead.
pub(crate) const LEAD_SENTENCES: u32 = 3;

/// The longest span, in tokens, that one match may cover («جماعة نصرة الإسلام والمسلمين» and
/// its clitics): how far before a position a match that reaches it may start.
const MAX_SPAN: usize = 12;

/// Characters that end a sentence; events and context must be found within one.
fn is_sentence_break(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | ';' | '؛' | '\n')
}

/// A gazetteer match and the entity it stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mention {
    pub hit: Hit,
    pub entity: usize,
}

/// Security signals near the text's Sahel anchors (the `signals` pass).
#[derive(Debug, Clone, Default)]
pub(crate) struct Signals {
    /// Security vocabulary, capped: context alone must not outweigh other signals.
    pub security: f64,
    /// Distinct off-topic terms (at most two count).
    pub offtopic: usize,
    pub claimed: bool,
    pub disputed: bool,
    /// Follow-up news near the text's Sahel places and actors (a claim is `claimed`).
    pub follow_ups: Vec<FollowUp>,
}

/// What the `places` pass concludes about where the text is.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Placement {
    /// A Sahel place or actor (not a neighbour as a whole) is named.
    pub in_scope: bool,
    /// Mentions of places outside the Sahel outweigh Sahel ones (a headline counts thrice).
    pub outweighed: bool,
    /// The headline's event is placed by the lead's first town, which is outside the Sahel.
    pub placed_elsewhere: bool,
    pub sahel_mentions: usize,
    pub outside_mentions: usize,
}

/// The final decision (the `verdict` pass).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Verdict {
    pub relevant: bool,
    pub score: f64,
}

pub(crate) struct Doc<'a> {
    pub pack: &'a RulePack,
    /// The normalized text: the headline, a line break, the body.
    pub text: &'a str,
    original: &'a str,
    norm: &'a Normalized,
    pub tokens: &'a [Token],
    /// The sentence of each token.
    pub sentence: Vec<u32>,
    title_tokens: usize,
    /// Every match of the pack, in order of position.
    pub hits: Vec<Hit>,

    /// `mentions`: gazetteer matches, overlaps resolved (the longest wins).
    pub mentions: Vec<Mention>,
    /// `disambiguation`: the mentions that stand for their entity, and relative regions.
    pub places: Vec<Mention>,
    /// `places`: where the text is.
    pub placement: Placement,
    /// `events`: the kinds reported, in the pack's order, and the triggers that fired.
    pub events: Vec<EventKind>,
    pub triggers: Vec<Hit>,
    /// The weights of the events' rules, counted before a context frame drops them.
    pub event_weight: f64,
    /// `signals`: security vocabulary, off-topic words, claims and denials.
    pub signals: Signals,
    /// `figures`: the tolls.
    pub figures: Figures,
    /// `countries`: where the reported events happened, or what the text is about.
    pub countries: Vec<String>,
    /// `verdict`.
    pub verdict: Verdict,
    pub explanation: Vec<Explanation>,
}

impl<'a> Doc<'a> {
    pub fn new(
        pack: &'a RulePack,
        title: &str,
        original: &'a str,
        norm: &'a Normalized,
        tokens: &'a [Token],
        hits: Vec<Hit>,
    ) -> Doc<'a> {
        let title_len = if title.trim().is_empty() {
            0
        } else {
            norm.text.find('\n').unwrap_or(norm.text.len())
        };
        let mut sentence = Vec::with_capacity(tokens.len());
        let mut sid = 0u32;
        for (i, t) in tokens.iter().enumerate() {
            if i > 0
                && norm.text[tokens[i - 1].end..t.start]
                    .chars()
                    .any(is_sentence_break)
            {
                sid += 1;
            }
            sentence.push(sid);
        }
        Doc {
            pack,
            text: &norm.text,
            original,
            norm,
            tokens,
            sentence,
            title_tokens: tokens.partition_point(|t| t.start < title_len),
            hits,
            mentions: Vec::new(),
            places: Vec::new(),
            placement: Placement::default(),
            events: Vec::new(),
            triggers: Vec::new(),
            event_weight: 0.0,
            signals: Signals::default(),
            figures: Figures::default(),
            countries: Vec::new(),
            verdict: Verdict::default(),
            explanation: Vec::new(),
        }
    }

    pub fn word(&self, i: usize) -> Option<&'a str> {
        self.tokens.get(i).map(|t| t.text(self.text))
    }
    pub fn same_sentence(&self, a: usize, b: usize) -> bool {
        self.sentence[a] == self.sentence[b]
    }
    pub fn starts_sentence(&self, i: usize) -> bool {
        i == 0 || self.sentence[i] != self.sentence[i - 1]
    }
    pub fn in_title(&self, i: usize) -> bool {
        i < self.title_tokens
    }
    /// In the headline or the lead's first sentences.
    pub fn in_lead(&self, i: usize) -> bool {
        self.sentence[i] <= LEAD_SENTENCES
    }

    pub fn target(&self, h: &Hit) -> Target {
        self.pack.patterns[h.pattern].target
    }
    pub fn term(&self, h: &Hit) -> &'a str {
        &self.pack.patterns[h.pattern].term
    }
    /// The matches of one kind of rule.
    pub fn hits_where(&self, want: impl Fn(Target) -> bool) -> impl Iterator<Item = &Hit> {
        self.hits.iter().filter(move |h| want(self.target(h)))
    }

    /// Places, and forces tied to one country (FAMa), place a text; armed groups do not.
    pub fn geo(&self, e: usize) -> bool {
        let ent = &self.pack.entities[e];
        match ent.kind {
            EntityKind::Group => false,
            EntityKind::Force => ent.country.is_some(),
            _ => true,
        }
    }
    /// Whether an entity counts for this text: Sahel places and actors always, a neighbour as a
    /// whole only when something else puts the text in the Sahel.
    pub fn counts(&self, e: usize) -> bool {
        match self.pack.entities[e].scope {
            Scope::Core | Scope::Border => true,
            Scope::Neighbour => self.placement.in_scope,
            Scope::Outside | Scope::Foreign => false,
        }
    }
    /// A core or border place or actor: where a Sahel event can happen.
    pub fn sahel(&self, e: usize) -> bool {
        matches!(self.pack.entities[e].scope, Scope::Core | Scope::Border)
    }
    pub fn country(&self, e: usize) -> Option<&'a str> {
        self.pack.entities[e].country.as_deref()
    }

    /// Records that `pass` applied `rule` to the words of `hit`.
    pub fn explain(&mut self, pass: &'static str, rule: String, hit: &Hit) {
        self.explain_term(pass, rule, self.term(hit).to_owned(), hit);
    }

    /// [`Doc::explain`] with a term of the pass's own (a figure's value).
    pub fn explain_term(&mut self, pass: &'static str, rule: String, term: String, hit: &Hit) {
        let (s, e) = self.norm.original_span(hit.start, hit.end);
        self.explanation.push(Explanation {
            pass: pass.into(),
            rule,
            term,
            matched: self.original[s..e].to_owned(),
            start: s,
            end: e,
        });
    }

    /// Records a conclusion that no one span carries («focus:elsewhere»).
    pub fn conclude(&mut self, pass: &'static str, rule: &str, term: String) {
        self.explanation.push(Explanation {
            pass: pass.into(),
            rule: rule.into(),
            term,
            matched: String::new(),
            start: 0,
            end: 0,
        });
    }

    /// A hit covering tokens `first..=last`.
    pub fn span(&self, first: usize, last: usize) -> Hit {
        Hit {
            pattern: 0,
            start: self.tokens[first].start,
            end: self.tokens[last].end,
            first,
            last,
            preposition: false,
        }
    }
}

fn distance(a: &Hit, b: &Hit) -> usize {
    if a.last < b.first {
        b.first - a.last
    } else {
        a.first.saturating_sub(b.last)
    }
}

/// Matches sorted by position, so that «is one within N words of this one, in its sentence»
/// and «how near is the nearest» look at the neighbourhood only: the analysis stays linear in
/// the number of matches however dense a text is (a 100,000-character text of place names and
/// triggers took half a second when every trigger scanned every match).
pub(crate) struct Positions<'h> {
    hits: Vec<&'h Hit>,
}

impl<'h> Positions<'h> {
    pub fn new(hits: impl IntoIterator<Item = &'h Hit>) -> Positions<'h> {
        let mut hits: Vec<&Hit> = hits.into_iter().collect();
        hits.sort_by_key(|h| h.first);
        Positions { hits }
    }

    /// Whether a match lies within `max` words of `h`, in its sentence.
    pub fn near(&self, h: &Hit, max: usize, doc: &Doc<'_>) -> bool {
        let from = h.first.saturating_sub(max + MAX_SPAN);
        let start = self.hits.partition_point(|o| o.first < from);
        self.hits[start..]
            .iter()
            .take_while(|o| o.first <= h.last + max)
            .any(|o| doc.same_sentence(o.first, h.first) && distance(o, h) <= max)
    }

    /// The distance to the nearest match in `h`'s sentence.
    pub fn nearest(&self, h: &Hit, doc: &Doc<'_>) -> Option<usize> {
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
