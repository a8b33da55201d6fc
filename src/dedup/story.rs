//! Stories (DESIGN.md contract 2): items from different outlets that report the same incident.
//! Pure: what an item says about its incident ([`Facts`]), the index keys that find candidate
//! stories without scanning them all, whether an item joins a candidate and why, and whether it
//! changes the facts enough for an update alert. The store applies it inside the item's
//! transaction.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::arabic::{normalize, stem, tokens};
use crate::detect::{Analysis, EntityKind, EventKind, FollowUp, RulePack};

/// Words of the headline and lead that go into the text signature.
const LEAD_WORDS: usize = 80;
/// MinHash functions in a signature.
const SIGNATURE_LEN: usize = 64;

/// How stories are formed and updated (`[stories]` in the configuration).
#[derive(Debug, Clone, PartialEq)]
pub struct StoryPolicy {
    /// Items whose events are this close in time can be one story.
    pub window: Duration,
    /// Update alerts per story at most.
    pub max_updates: u32,
    /// A toll (killed or kidnapped) must rise by this much to be news.
    pub toll_increase: u32,
    /// An event dated longer than this before its article's publication opens no story.
    pub max_event_age: Duration,
}

#[cfg(test)]
impl StoryPolicy {
    /// The policy the story tables are written for: a 72 h window, 2 updates, a toll rise of
    /// 5, events up to a week old.
    pub(crate) fn for_tests() -> StoryPolicy {
        StoryPolicy {
            window: Duration::from_secs(72 * 3600),
            max_updates: 2,
            toll_increase: 5,
            max_event_age: Duration::from_secs(7 * 86_400),
        }
    }
}

/// What an item (or a story, merged over its items) says about its incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub kinds: Vec<EventKind>,
    /// Where it happened: an item's countries; a story's, those at least half its reports
    /// name (a claim recalling the group's Malian base does not make Ouagadougou's attack
    /// Malian).
    pub countries: Vec<String>,
    /// A story's reports (0 in stories stored before they were counted), and how many of them
    /// named each country.
    #[serde(default)]
    pub reports: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub country_reports: Vec<(String, u32)>,
    /// Towns and cities (the most specific places), then regions.
    pub cities: Vec<Place>,
    pub regions: Vec<Place>,
    /// The armed groups the headline and lead name.
    pub groups: Vec<String>,
    /// The forces of no one Sahel country (Barkhane, MINUSMA, the French or US military) the
    /// headline and lead name: rarer than a group, so a surer sign of one operation. A
    /// national army is in most of its country's incidents and tells none apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forces: Vec<String>,
    pub killed: Option<u32>,
    pub wounded: Option<u32>,
    pub kidnapped: Option<u32>,
    pub claimed: bool,
    /// A report of it is denied or disputed.
    #[serde(default)]
    pub disputed: bool,
    /// The publishers that reported it (see [`super::publisher`]): two feeds of one site are
    /// one publisher. Empty in stories stored before corroboration was kept.
    #[serde(default)]
    pub publishers: Vec<String>,
    /// When the event happened (unix seconds): the first and the latest of the items.
    pub event_first: i64,
    pub event_last: i64,
    /// The days (unix days) on which the items that date their event place it: an item's day
    /// when its text dates it, none when it does not. What makes one incident at one place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<i64>,
    /// Follow-up news the items bring (a claim, hostages freed, funerals, arrests).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<FollowUp>,
    /// MinHash of the headline's and lead's word stems.
    pub signature: Vec<u32>,
}

/// A place of the gazetteer, with its coordinates when the rule pack has them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: String,
    #[serde(default)]
    pub at: Option<(f64, f64)>,
}

/// Great-circle distance in km.
fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// The least distance between two sets of places with coordinates.
fn nearest(a: &[Place], b: &[Place]) -> Option<f64> {
    a.iter()
        .filter_map(|p| p.at)
        .flat_map(|x| b.iter().filter_map(|q| q.at).map(move |y| km(x, y)))
        .min_by(f64::total_cmp)
}

fn same_place(a: &[Place], b: &[Place]) -> bool {
    a.iter().any(|p| b.iter().any(|q| q.id == p.id))
}

fn union<T: PartialEq + Clone>(a: &mut Vec<T>, b: &[T]) {
    for x in b {
        if !a.contains(x) {
            a.push(x.clone());
        }
    }
}

fn max_opt(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    a.max(b)
}

fn is_sentence_break(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | ';' | '؛' | '\n')
}

/// The spans the analysis explains with `rule` (the words of a recalled event...).
pub(super) fn spans_of(a: &Analysis, rule: &str) -> Vec<(usize, usize)> {
    a.explanation
        .iter()
        .filter(|e| e.rule == rule)
        .map(|e| (e.start, e.end))
        .collect()
}

/// The sentences of the analysed text («headline, line break, body»), as the analysis's
/// offsets see them.
pub(super) struct Sentences {
    full: String,
    breaks: Vec<usize>,
}

impl Sentences {
    pub(super) fn of(title: &str, text: &str) -> Sentences {
        let full = format!("{}\n{text}", title.replace(['\n', '\r'], " "));
        let breaks = full
            .char_indices()
            .filter(|(_, c)| is_sentence_break(*c))
            .map(|(i, _)| i)
            .collect();
        Sentences { full, breaks }
    }

    /// The sentence an offset is in: sentence k runs up to the k-th break.
    pub(super) fn at(&self, offset: usize) -> usize {
        self.breaks.partition_point(|&b| b < offset)
    }

    pub(super) fn text(&self, k: usize) -> &str {
        let from = k.checked_sub(1).map_or(0, |j| {
            let b = self.breaks[j];
            b + self.full[b..].chars().next().map_or(1, char::len_utf8)
        });
        let to = self.breaks.get(k).copied().unwrap_or(self.full.len());
        self.full.get(from..to).unwrap_or_default()
    }
}

/// Sentences of the body that make the lead.
const LEAD_SENTENCES: usize = 3;

/// Where the lead ends in the analysed text (the headline, a line break, then the body): after
/// the headline and the first [`LEAD_SENTENCES`] sentences of the body.
fn lead_end(title: &str, text: &str) -> usize {
    let head = title.len() + 1;
    let mut seen = 0;
    let mut in_break = false;
    for (i, c) in text.char_indices() {
        let brk = matches!(c, '.' | '!' | '?' | '؟' | '\n');
        // A run of breaks («.\n») ends one sentence.
        if brk && !in_break {
            seen += 1;
            if seen == LEAD_SENTENCES {
                return head + i;
            }
        }
        in_break = brk || (in_break && c.is_whitespace());
    }
    head + text.len()
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn word_hash(w: &str) -> u64 {
    // FNV-1a: stable across runs and versions, which a stored signature needs.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in w.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// Words of news prose too common to tell two incidents apart (normalized stems).
const COMMON: &[&str] = &[
    "التي",
    "الذي",
    "الذين",
    "قال",
    "قالت",
    "وقال",
    "وقالت",
    "اعلن",
    "اعلنت",
    "بعد",
    "قبل",
    "عدد",
    "اكثر",
    "اقل",
    "خلال",
    "حيث",
    "كان",
    "كانت",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "بين",
    "عند",
    "منذ",
    "مصدر",
    "مصادر",
    "اليوم",
    "امس",
    "وكاله",
    "انباء",
    "رويترز",
    "برس",
    "فرانس",
    "مسوول",
    "مسوولين",
    "مسوولون",
    "بيان",
    "شمال",
    "جنوب",
    "شرق",
    "غرب",
    "شمالي",
    "جنوبي",
    "شرقي",
    "غربي",
    "منطقه",
    "مدينه",
    "ولايه",
    "وفق",
    "حسب",
    "نحو",
    "حوالي",
    "ايضا",
    "وكان",
    "وكانت",
    "يوم",
    "الي",
    "علي",
];

/// The MinHash signature of the distinctive words of the headline and lead: their stems, less
/// common prose and less `exclude` (byte ranges of «title\ntext», the words the detector
/// matched: places, groups and triggers, which are weighed apart and shared by every incident
/// of a region).
pub fn signature(title: &str, text: &str, exclude: &[(usize, usize)]) -> Vec<u32> {
    let full = format!("{}\n{}", title.replace(['\n', '\r'], " "), text);
    // Excluded characters become spaces; the ranges may overlap.
    let lead: String = full
        .char_indices()
        .take(2_000)
        .map(|(i, c)| {
            if exclude.iter().any(|&(s, e)| s <= i && i < e) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let norm = normalize(&lead).text;
    let common: &std::collections::HashSet<String> = &COMMON_SET;
    let mut sig = vec![u32::MAX; SIGNATURE_LEN];
    for t in tokens(&norm).iter().take(LEAD_WORDS) {
        let w = stem(t.text(&norm));
        if w.chars().count() < 3 || w.bytes().all(|b| b.is_ascii_digit()) || common.contains(w) {
            continue;
        }
        // Character 4-grams, so that «تلميذة», «تلميذات» and «التلميذات» share most of theirs.
        let chars: Vec<char> = w.chars().collect();
        let grams = chars.len().saturating_sub(3).max(1);
        for g in 0..grams {
            let gram: String = chars[g..(g + 4).min(chars.len())].iter().collect();
            let h = word_hash(&gram);
            for (i, s) in sig.iter_mut().enumerate() {
                let v = (splitmix(h ^ (i as u64).wrapping_mul(0x51_7CC1_B727_220A)) >> 32) as u32;
                *s = (*s).min(v);
            }
        }
    }
    sig
}

static COMMON_SET: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| COMMON.iter().map(|w| stem(w).to_owned()).collect());

/// The estimated Jaccard similarity of two signatures.
pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let same = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x == y && **x != u32::MAX)
        .count();
    same as f64 / a.len() as f64
}

impl Facts {
    /// The facts of one analysed item whose event happened between `event_first` and
    /// `event_last` (one instant when the text dates it; the days before publication when
    /// it does not).
    pub fn of_item(
        rules: &RulePack,
        a: &Analysis,
        title: &str,
        text: &str,
        (event_first, event_last): (i64, i64),
    ) -> Facts {
        let mut f = Facts::of_analysis(a, title, text, (event_first, event_last));
        // The places and actors of the incident are those of the headline and lead: later
        // sentences recall other incidents («as in Chibok four years ago»).
        let lead_end = lead_end(title, text);
        // Words that tell of a recalled event («بعد أيام من معارك أكابار»): not the incident's.
        let recalled = spans_of(a, crate::detect::RECALLED);
        // A town named for those who hold it («متحالفتان مع باماكو») is no place of the incident.
        let governments: Vec<usize> = a
            .explanation
            .iter()
            .filter(|e| e.rule == crate::detect::GOVERNMENT)
            .map(|e| e.start)
            .collect();
        let told = |e: &&crate::detect::Explanation| {
            e.start < lead_end
                && !recalled.iter().any(|&(s, t)| s <= e.start && e.start < t)
                && !governments.contains(&e.start)
        };
        let in_lead: Vec<&str> = a
            .explanation
            .iter()
            .filter(told)
            .filter_map(|e| e.rule.strip_prefix("entity:"))
            .collect();
        let lead_only = !in_lead.is_empty();
        // Where the incident is: the places of the sentences that tell an event or a toll, not
        // those of a dateline or byline («العربي الجديد ـ نواكشوط»), a quote's speaker or the
        // background («وتنشط في المنطقة جماعات…»).
        // One pass over the text, a search per mention.
        let sentences = Sentences::of(title, text);
        let sentence_of = |at: usize| sentences.at(at);
        let event_sentences: std::collections::BTreeSet<usize> = a
            .explanation
            .iter()
            .filter(|e| e.rule.starts_with("event:") || e.rule.starts_with("figure:"))
            .map(|e| sentence_of(e.start))
            .collect();
        let in_event_sentence: Vec<&str> = a
            .explanation
            .iter()
            .filter(told)
            .filter(|e| event_sentences.contains(&sentence_of(e.start)))
            .filter_map(|e| e.rule.strip_prefix("entity:"))
            .collect();
        // Tolls too: the largest toll of the text may be a recalled one.
        let figure_in_lead = |kind: &str| {
            a.explanation
                .iter()
                .any(|e| e.rule == format!("figure:{kind}") && e.start < lead_end)
        };
        if !figure_in_lead("killed") {
            f.killed = None;
        }
        if !figure_in_lead("wounded") {
            f.wounded = None;
        }
        if !figure_in_lead("kidnapped") {
            f.kidnapped = None;
        }
        // A town named only as the area round the event («قصف جوي بمنطقة موبتي») places it in
        // that area: a region here, so that a report naming a village of it is the same place.
        let areas: std::collections::BTreeSet<usize> = a
            .explanation
            .iter()
            .filter(|e| e.rule == crate::detect::AREA)
            .map(|e| e.start)
            .collect();
        let as_town: Vec<&str> = a
            .explanation
            .iter()
            .filter(told)
            .filter(|e| !areas.contains(&e.start))
            .filter_map(|e| e.rule.strip_prefix("entity:"))
            .collect();
        for id in &a.entities {
            if lead_only && !in_lead.contains(&id.as_str()) {
                continue;
            }
            let Some(e) = rules.entity(id) else { continue };
            let place = || Place {
                id: id.clone(),
                at: e.lat.zip(e.lon),
            };
            let where_told = !lead_only || in_event_sentence.contains(&id.as_str());
            match e.kind {
                EntityKind::City if where_told && !as_town.contains(&id.as_str()) => {
                    f.regions.push(place())
                }
                EntityKind::City if where_told => f.cities.push(place()),
                EntityKind::Region if where_told => f.regions.push(place()),
                EntityKind::Group => f.groups.push(id.clone()),
                _ => {}
            }
        }
        f.forces = foreign_forces(rules, a.explanation.iter().filter(told));
        f.narrow_to_headline(rules, a, title);
        f
    }

    /// The facts the analysis gives as they are, before the lead and the headline narrow
    /// them.
    fn of_analysis(
        a: &Analysis,
        title: &str,
        text: &str,
        (event_first, event_last): (i64, i64),
    ) -> Facts {
        Facts {
            kinds: a.events.clone(),
            countries: a.countries.clone(),
            killed: a.figures.killed,
            wounded: a.figures.wounded,
            kidnapped: a.figures.kidnapped,
            claimed: a.claimed,
            disputed: a.disputed,
            event_first,
            event_last,
            days: if event_first == event_last {
                vec![event_first.div_euclid(DAY)]
            } else {
                Vec::new()
            },
            follow_ups: a
                .claimed
                .then_some(FollowUp::Claim)
                .into_iter()
                .chain(a.follow_ups.iter().copied())
                .collect(),
            signature: signature(
                title,
                text,
                &a.explanation
                    .iter()
                    .map(|e| (e.start, e.end))
                    .collect::<Vec<_>>(),
            ),
            ..Facts::default()
        }
    }

    /// Keeps only the countries of the towns and regions the headline names, when it names
    /// any of the analysis's countries.
    fn narrow_to_headline(&mut self, rules: &RulePack, a: &Analysis, title: &str) {
        // The incident's countries are those of the towns and regions its headline names,
        // where it names any: a claim «تتبنى هجمات واغادوغو» whose lead recalls a raid in
        // northern Mali does not add Mali to an attack in Ouagadougou. Only ever a narrowing:
        // a headline that names countries or no place leaves the analysis's countries.
        let headline_countries: Vec<&str> = a
            .explanation
            .iter()
            .filter(|e| e.start < title.len())
            .filter_map(|e| e.rule.strip_prefix("entity:"))
            .filter_map(|id| rules.entity(id))
            .filter(|e| matches!(e.kind, EntityKind::City | EntityKind::Region))
            .filter_map(|e| e.country.as_deref())
            .collect();
        let located: Vec<String> = self
            .countries
            .iter()
            .filter(|c| headline_countries.contains(&c.as_str()))
            .cloned()
            .collect();
        if !located.is_empty() {
            self.countries = located;
        }
    }

    /// The day span of the event: the days its reports date it on, or, when none does, the
    /// day it was reported (the end of its range).
    /// Follow-up news that dates nothing (a claim two days on) may be of any day of its range.
    fn event_days(&self) -> (i64, i64) {
        match (self.days.iter().min(), self.days.iter().max()) {
            (Some(&a), Some(&b)) => (a, b),
            _ if !self.follow_ups.is_empty() => (
                self.event_first.div_euclid(DAY),
                self.event_last.div_euclid(DAY),
            ),
            _ => {
                let d = self.event_last.div_euclid(DAY);
                (d, d)
            }
        }
    }

    /// Names neither a town nor a region: only the country («هجوم على السفارة الفرنسية في
    /// بوركينا فاسو»).
    fn country_only(&self) -> bool {
        self.cities.is_empty() && self.regions.is_empty()
    }

    /// Index keys: one per family of event kinds (see [`compatible`]), country and day of
    /// the event.
    pub fn keys(&self) -> Vec<String> {
        let (first, last) = (
            self.event_first.div_euclid(86_400),
            self.event_last.div_euclid(86_400),
        );
        let mut families: Vec<&str> = self.kinds.iter().map(|k| family(*k)).collect();
        families.dedup();
        let mut keys = Vec::new();
        for f in families {
            for c in &self.countries {
                for day in first..=last {
                    let key = format!("{f}|{c}|{day}");
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
        }
        keys
    }

    /// The keys under which stories that this item could join are filed.
    pub fn candidate_keys(&self, policy: &StoryPolicy) -> Vec<String> {
        // Follow-ups may join from further than the window: hostages' news for weeks.
        let w = (policy.window.as_secs().div_ceil(86_400) as i64).max(LATE_NEWS_DAYS);
        let w = if self.follow_ups.is_empty() {
            w
        } else {
            w.max(HOSTAGE_NEWS_DAYS)
        };
        let widened = Facts {
            event_first: self.event_first - w * 86_400,
            event_last: self.event_last + w * 86_400,
            ..self.clone()
        };
        widened.keys()
    }

    /// Folds an item's facts into a story's.
    pub fn merge(&mut self, item: &Facts) {
        union(&mut self.kinds, &item.kinds);
        self.vote_countries(item);
        union(&mut self.cities, &item.cities);
        union(&mut self.regions, &item.regions);
        union(&mut self.groups, &item.groups);
        union(&mut self.forces, &item.forces);
        self.killed = max_opt(self.killed, item.killed);
        self.wounded = max_opt(self.wounded, item.wounded);
        self.kidnapped = max_opt(self.kidnapped, item.kidnapped);
        self.claimed |= item.claimed;
        self.disputed |= item.disputed;
        union(&mut self.publishers, &item.publishers);
        union(&mut self.days, &item.days);
        union(&mut self.follow_ups, &item.follow_ups);
        self.event_first = self.event_first.min(item.event_first);
        self.event_last = self.event_last.max(item.event_last);
    }
}

/// The forces of no one Sahel country among the lead's mentions (`told`): the rule pack
/// scopes them as foreign actors, so the analysis does not count them among its entities.
fn foreign_forces<'a>(
    rules: &RulePack,
    told: impl Iterator<Item = &'a crate::detect::Explanation>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in told {
        let Some(id) = e.rule.strip_prefix("entity:") else {
            continue;
        };
        let force = rules
            .entity(id)
            .is_some_and(|x| x.kind == EntityKind::Force && x.country.is_none());
        if force && !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    out
}

impl Facts {
    /// Counts the item's countries among the story's reports and keeps those at least half of
    /// them name, in the order of their first report; the story's first report's countries
    /// stay while none is agreed.
    fn vote_countries(&mut self, item: &Facts) {
        if self.reports == 0 {
            // One report (an item's facts), or a story stored before reports were counted.
            self.reports = 1;
            self.country_reports = self.countries.iter().map(|c| (c.clone(), 1)).collect();
        }
        self.reports += 1;
        for c in &item.countries {
            match self.country_reports.iter_mut().find(|(k, _)| k == c) {
                Some((_, n)) => *n += 1,
                None => self.country_reports.push((c.clone(), 1)),
            }
        }
        let agreed: Vec<String> = self
            .country_reports
            .iter()
            .filter(|(_, n)| 2 * n >= self.reports)
            .map(|(c, _)| c.clone())
            .collect();
        if !agreed.is_empty() {
            self.countries = agreed;
        }
    }
}

fn shares<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// The family of an event kind, for the index.
fn family(k: EventKind) -> &'static str {
    match k {
        EventKind::Attack | EventKind::Kidnapping => "violence",
        EventKind::BorderClosure => "border",
    }
}

/// Whether two sets of event kinds can be one incident: the same kind, or an attack and a
/// kidnapping (raiders who kill and abduct are reported as either). A border closure is its
/// own story.
fn compatible(a: &[EventKind], b: &[EventKind]) -> bool {
    let violent = |k: &&EventKind| matches!(k, EventKind::Attack | EventKind::Kidnapping);
    shares(a, b) || (a.iter().any(|k| violent(&k)) && b.iter().any(|k| violent(&k)))
}

/// How an item's event day stands to a story's: an incident is one event at one place on one
/// day (give or take [`SAME_DAY_SLACK`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Day {
    /// The item dates its event on a day the story's items dated theirs, or next to one.
    Same,
    /// Both date their events, on different days.
    Other,
    /// One of them dates nothing: the item is placed by what else it shares.
    Unknown,
}

fn day_relation(story: &Facts, item: &Facts) -> Day {
    let story_days: Vec<i64> = if story.days.is_empty() && story.event_first == story.event_last {
        // A story stored before days were kept: its one dated event.
        vec![story.event_first.div_euclid(DAY)]
    } else {
        story.days.clone()
    };
    let near = |d: &i64| story_days.iter().any(|s| (s - d).abs() <= SAME_DAY_SLACK);
    match item.days.as_slice() {
        [] => Day::Unknown,
        _ if story_days.is_empty() => Day::Unknown,
        days if days.iter().any(near) => Day::Same,
        _ => Day::Other,
    }
}

/// How many days after its incident a follow-up of it may come and still be its news: the
/// news of hostages (freed, shown) for weeks, other follow-ups (a claim, arrests, funerals)
/// for [`FOLLOW_UP_DAYS`]. `None` for a report that is no follow-up.
pub fn follow_up_days(item: &Facts) -> Option<i64> {
    if item.follow_ups.contains(&FollowUp::Release) {
        Some(HOSTAGE_NEWS_DAYS)
    } else if item.follow_ups.is_empty() {
        None
    } else {
        Some(FOLLOW_UP_DAYS)
    }
}

/// Whether the item's event may lie in the span of the story's events (both ends held). A
/// dated event is a whole day: «صباح اليوم» stands for the day, not for the hour it is
/// stored at, so an undated flash published that morning may be of it.
fn within_span(story: &Facts, item: &Facts) -> bool {
    let span = |f: &Facts| {
        let days = f.days.iter().min().zip(f.days.iter().max());
        match days {
            Some((first, last)) => (
                f.event_first.min(first * DAY),
                f.event_last.max((last + 1) * DAY - 1),
            ),
            None => (f.event_first, f.event_last),
        }
    };
    let ((s0, s1), (i0, i1)) = (span(story), span(item));
    i0 <= s1 && s0 <= i1
}

/// How far in time an item may be from a story's first event and still be its news: the
/// window; a report of the same toll ten days; a follow-up weeks; the news of hostages (shown, negotiated, freed) for weeks.
fn reach(story: &Facts, item: &Facts, policy: &StoryPolicy) -> i64 {
    let w = policy.window.as_secs() as i64;
    let hostages = story.kinds.contains(&EventKind::Kidnapping)
        && (item.kinds.contains(&EventKind::Kidnapping)
            || item.follow_ups.contains(&FollowUp::Release));
    if item.follow_ups.is_empty() {
        w.max(LATE_NEWS_DAYS * DAY)
    } else if hostages {
        w.max(HOSTAGE_NEWS_DAYS * DAY)
    } else {
        w.max(FOLLOW_UP_DAYS * DAY)
    }
}

/// What two reports' places have in common, scored, with the words for it, and whether they
/// are one place (the same town, a nearby town, a town and its region, or, when neither names
/// a town, one region or area).
fn place_evidence(story: &Facts, item: &Facts) -> (i32, Vec<&'static str>, bool) {
    let mut score = 0;
    let mut why = Vec::new();
    if same_place(&story.cities, &item.cities) {
        score += 2;
        why.push("same town");
    } else if !story.cities.is_empty() && !item.cities.is_empty() {
        match nearest(&story.cities, &item.cities) {
            Some(d) if d <= NEAR_TOWN_KM => {
                score += 1;
                why.push("nearby town");
            }
            // Both name a town, far apart: two incidents.
            _ => {
                score -= 3;
                why.push("other towns");
            }
        }
    }
    // One side names a town, the other only regions: the town must lie in one of them.
    let (one, other) = if item.cities.is_empty() {
        (&story.cities, &item.regions)
    } else {
        (&item.cities, &story.regions)
    };
    if story.cities.is_empty() != item.cities.is_empty()
        && nearest(one, other).is_some_and(|d| d <= TOWN_IN_REGION_KM)
    {
        score += 1;
        why.push("town in the region");
    }
    let all = |f: &Facts| [f.cities.clone(), f.regions.clone()].concat();
    if same_place(&story.regions, &item.regions) {
        score += 1;
        why.push("same region");
    } else if (!story.regions.is_empty() || !item.regions.is_empty())
        && nearest(&all(story), &all(item)).is_some_and(|d| d <= NEAR_REGION_KM)
    {
        score += 1;
        why.push("same area");
    }
    // A region counts as one place only when neither side names a town: a raid on a named
    // town is not the same as an incident reported for its region without one.
    let towns = (story.cities.is_empty(), item.cities.is_empty());
    let placed = why.iter().any(|w| match *w {
        "same town" | "nearby town" | "town in the region" => true,
        "same region" | "same area" => towns == (true, true),
        _ => false,
    });
    (score, why, placed)
}

/// Whether one report's place holds the other's: one names only the country, or only a region
/// whose area holds the other's place (`why` is [`place_evidence`]'s). The countries are
/// known to meet.
fn place_holds(story: &Facts, item: &Facts, why: &[&str]) -> bool {
    let region_only = |f: &Facts| f.cities.is_empty() && !f.regions.is_empty();
    item.country_only()
        || story.country_only()
        || ((region_only(item) || region_only(story))
            && why
                .iter()
                .any(|w| matches!(*w, "same region" | "same area")))
}

/// Whether two reports tell of events of one day (give or take [`SAME_DAY_SLACK`]): the days
/// their texts give, or, for one that gives none, the day it was published. Stricter than
/// [`within_span`]: a flash naming only its country is today's news, not that of any incident
/// of the two days before it.
fn news_of_one_day(story: &Facts, item: &Facts) -> bool {
    let ((s0, s1), (i0, i1)) = (story.event_days(), item.event_days());
    i0 <= s1 + SAME_DAY_SLACK && s0 <= i1 + SAME_DAY_SLACK
}

/// Scores of the same toll (2) or a close one (1): corroboration when reports are undated.
/// Tolls never tell two incidents apart: they rise as reports come in (8, 16, 28, 30 killed).
fn toll_evidence(story: &Facts, item: &Facts) -> i32 {
    let close = |a: Option<u32>, b: Option<u32>| match (a, b) {
        (Some(a), Some(b)) if a == b => 2,
        (Some(a), Some(b)) if a.abs_diff(b) * 5 <= a.max(b) => 1,
        _ => 0,
    };
    close(story.killed, item.killed).max(close(story.kidnapped, item.kidnapped))
}

fn text_evidence(sim: f64) -> i32 {
    if sim >= 0.4 {
        3
    } else if sim >= 0.2 {
        2
    } else if sim >= 0.1 {
        1
    } else {
        0
    }
}

/// How strongly an item belongs to a story, and the evidence, or `None` when it cannot: another
/// kind of event, other countries, too far apart in time, or another day at the same place.
///
/// An incident is its kind, its place and the day it happened. Reports that date their event
/// on the story's day at its place are the story, whatever their tolls say; on another day at
/// the same place they are another incident, unless they are follow-up news (a claim, hostages
/// freed, funerals, arrests). Reports that date nothing are placed by what they share: place,
/// group, toll, words.
pub fn affinity(story: &Facts, item: &Facts, policy: &StoryPolicy) -> Option<(i32, String)> {
    let w = policy.window.as_secs() as i64;
    // How far the item's event is from the story's first event: 0 when its range holds it.
    // The window counts from there and never moves, so that stories do not chain: an item
    // that joined at the window's end does not carry it further.
    let gap = (item.event_first - story.event_first)
        .max(story.event_first - item.event_last)
        .max(0);
    if !compatible(&story.kinds, &item.kinds)
        || !shares(&story.countries, &item.countries)
        || gap > reach(story, item, policy)
    {
        return None;
    }
    // Follow-up news is of an incident before it: not of one that happened after it was
    // published, nor of one that happened after the day it dates (the Pentagon's inquiry into
    // Tongo Tongo is not news of an attack near it a day later).
    // A dated follow-up gives its incident's day, as loosely as any dated report (a night
    // attack is dated by either of two days); an undated one ends at its publication.
    if follows_a_later_incident(story, item) {
        return None;
    }
    let (mut score, mut why, placed) = place_evidence(story, item);
    let same_force = shares(&story.forces, &item.forces);
    let same_actor = shares(&story.groups, &item.groups) || same_force;
    if same_actor {
        score += 1;
        why.push("same group");
    }
    // A report that places its event only by the country, or by a region round the other's
    // place, is of the incident there on its day (item 1 of issue 31): the flash «هجوم على
    // السفارة الفرنسية في بوركينا فاسو» is the attack of Ouagadougou's story that morning.
    // Two reports that both place it only by one region («في إقليم غاو») are of one incident
    // on one day as well: neither names a town to tell them apart.
    let regions_only = story.cities.is_empty() && item.cities.is_empty();
    let inside = (!placed || regions_only) && place_holds(story, item, &why);
    let same_day = news_of_one_day(story, item);
    // A country holds many incidents: one that reports another kind of event (a kidnapping
    // that morning, an attack on a camp that night) needs its words or toll besides.
    let same_kinds = story.kinds.iter().all(|k| item.kinds.contains(k))
        && item.kinds.iter().all(|k| story.kinds.contains(k));
    let toll = toll_evidence(story, item);
    let sim = similarity(&story.signature, &item.signature);
    let text = text_evidence(sim);
    // Follow-up news comes days later by nature: it is placed by its actor and words below.
    let follow_up = !item.follow_ups.is_empty();
    if inside && same_day && !follow_up && (same_kinds || same_actor || toll > 0 || text >= 2) {
        score += JOIN_SCORE;
        why.push("a place round the other's, the same day");
    } else if same_actor && same_day && !follow_up && !why.contains(&"other towns") {
        // One operation told by several sources: the same actor in the same country on the
        // same day, whatever the tolls and whoever is quoted (item 2).
        score += JOIN_SCORE;
        why.push("the same actor, the same day");
    }
    if toll > 0 {
        score += toll;
        why.push(if toll == 2 { "same toll" } else { "close toll" });
    }
    score += text;
    let hostage_news = same_hostages(story, item, gap <= w, toll, &why);
    match day_relation(story, item) {
        Day::Same if placed => {
            score = score.max(JOIN_SCORE + 2);
            why.push("same day");
        }
        // Another day at the same place is another incident, unless the item is follow-up
        // news, news of the same hostages, or tells the same toll in much the same words: a
        // report dated by the day an official spoke («قالت الحكومة الأحد») is still the
        // report of Friday's attack.
        Day::Other if placed && !follow_up && !hostage_news && toll == 0 && text < 3 => {
            return None
        }
        Day::Other if placed => why.push(if follow_up {
            "follow-up"
        } else if hostage_news {
            "the same hostages"
        } else {
            "the same report, dated by its telling"
        }),
        // The same town on another day with nothing else: the town is struck again and again.
        // A story opened by an undated report («انفجار قرب مقر قيادة الأركان») spans the days
        // before its publication: a dated report of its town within that span may be the
        // same day, and the first flash of an incident is often the undated one.
        Day::Unknown if gap > 0 && nothing_but_the_town(story, item, &why, text, follow_up) => {
            return Some((
                score.min(JOIN_SCORE - 1),
                "same town on another day, nothing else in common".into(),
            ));
        }
        _ => {}
    }
    // Beyond the window only follow-up news of the incident joins: the same place or group,
    // and a follow-up's words or the same toll («the 110 girls of Dapchi», a week later).
    if gap > w && !beyond_window(&mut why, placed || inside, follow_up, hostage_news) {
        return None;
    }
    let followed = follow_up
        && inside
        && follows_round_the_place(story, item, same_day, same_force, (toll, text));
    if followed {
        // Ranked among the incidents round its place by its actor, toll and words (already in
        // `score`); with none, the older incident (`best_match` breaks ties so).
        score += JOIN_SCORE;
        why.push("follow-up round the place");
    }
    // Without a common place or text, a shared group and country are not one incident (Boko
    // Haram strikes north-east Nigeria several times a week), unless on the same day.
    let joined_by_day = why.contains(&"a place round the other's, the same day")
        || why.contains(&"the same actor, the same day");
    if !placed && text < 2 && !joined_by_day && !followed {
        return Some((score.min(JOIN_SCORE - 1), "no common place or text".into()));
    }
    Some((score, reason_of(item, gap, w, &why, sim)))
}

/// Hostages are news for as long as they are held: another kidnapping report at the place
/// of a kidnapping, within the window or naming the same group or toll, is of the same
/// hostages (a second abduction there is told with other words, days later).
fn same_hostages(story: &Facts, item: &Facts, in_window: bool, toll: i32, why: &[&str]) -> bool {
    story.kinds.contains(&EventKind::Kidnapping)
        && item.kinds.contains(&EventKind::Kidnapping)
        && (in_window || toll > 0 || why.contains(&"same group"))
}

/// An undated report that shares only the town (and its region or area) with a story of
/// another day, outside the span an undated story covers, with little text in common and
/// no follow-up news: the town is struck again and again.
fn nothing_but_the_town(
    story: &Facts,
    item: &Facts,
    why: &[&str],
    text: i32,
    follow_up: bool,
) -> bool {
    !within_span(story, item)
        && why.first() == Some(&"same town")
        && why[1..]
            .iter()
            .all(|w| matches!(*w, "same region" | "same area"))
        && text < 2
        && !follow_up
}

/// Follow-up news placed round the incident's place joins it by its actor or its words:
/// «الجيش الأميركي يكشف هوية الإرهابي القتيل بغارة جنوب ليبيا» four days after the strike near
/// Ubari. A group is no such sign: Boko Haram's kidnapping at Dapchi is not news of its
/// bombing in Maiduguri three days before, though both are in the north-east.
fn follows_round_the_place(
    story: &Facts,
    item: &Facts,
    same_day: bool,
    same_force: bool,
    (toll, text): (i32, i32),
) -> bool {
    (shares(&story.kinds, &item.kinds) || same_force || toll > 0 || text >= 2)
        && (same_day || same_force || toll > 0 || text > 0)
}

/// Why an item joins a story, in words: its events, how long after, the evidence, and the
/// text's similarity.
fn reason_of(item: &Facts, gap: i64, w: i64, why: &[&str], sim: f64) -> String {
    format!(
        "{} {}, {}; text similarity {:.2}",
        item.kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join("+"),
        if gap > w {
            format!("{} days after", (gap + 86_399) / 86_400)
        } else {
            format!("within {}h", w / 3600)
        },
        if why.is_empty() {
            "same country".to_owned()
        } else {
            why.join(", ")
        },
        sim
    )
}

/// Whether an item beyond the story's window still joins it, as follow-up news of the
/// incident: the same place or group (`common` says the place), and a follow-up's words, the
/// same hostages or the same toll. Says so in `why`.
fn beyond_window(
    why: &mut Vec<&'static str>,
    common: bool,
    follow_up: bool,
    hostage_news: bool,
) -> bool {
    let common = common || why.contains(&"same group");
    let news =
        follow_up || hostage_news || why.contains(&"same toll") || why.contains(&"close toll");
    if !(common && news) {
        return false;
    }
    if !why.contains(&"follow-up") && !why.contains(&"the same hostages") {
        why.push(if hostage_news && !follow_up {
            "the same hostages"
        } else {
            "follow-up"
        });
    }
    true
}

/// Whether the item is follow-up news and the story's incident happened after the latest day
/// the item can be of.
fn follows_a_later_incident(story: &Facts, item: &Facts) -> bool {
    let latest = if item.days.is_empty() {
        item.event_last.div_euclid(DAY)
    } else {
        item.event_days().1 + SAME_DAY_SLACK
    };
    !item.follow_ups.is_empty() && !story.days.is_empty() && story.event_days().0 > latest
}

/// A town this close to a region's centre is taken to be in it (Dapchi is 23 km from Yobe's,
/// Maiduguri 195 km).
const TOWN_IN_REGION_KM: f64 = 60.0;
/// How long after a story a report of the same town and group or toll still joins it.
const LATE_NEWS_DAYS: i64 = 10;
/// How long follow-up news (those killed named, funerals, a claim, arrests, an investigation,
/// a trial) joins its incident's story: weeks.
const FOLLOW_UP_DAYS: i64 = 30;
/// How long the news of hostages (shown, negotiated, freed) joins their kidnapping's story:
/// hostages are often held for weeks or months.
const HOSTAGE_NEWS_DAYS: i64 = 60;
/// Seconds in a day.
const DAY: i64 = 86_400;
/// How long before its publication an undated report's event may have happened.
pub const UNDATED_SLACK: i64 = 2 * DAY;
/// Days apart that still read as one event day: a night attack straddles two dates («ليلة
/// الاثنين»), and reports date it by the night, the morning it was found, or their own «أمس».
/// Two days apart is another day.
const SAME_DAY_SLACK: i64 = 1;

/// Towns this close are one area (a raid on neighbouring villages).
const NEAR_TOWN_KM: f64 = 50.0;
/// A region and a place this close (centroid to place) are one area («شمال شرق نيجيريا» and
/// «يوبي»).
const NEAR_REGION_KM: f64 = 300.0;

/// The evidence an item needs to join a story.
pub const JOIN_SCORE: i32 = 2;

/// The best story (index into `candidates`) the item joins, with the reason, if any.
pub fn best_match<'a>(
    candidates: impl IntoIterator<Item = &'a Facts>,
    item: &Facts,
    policy: &StoryPolicy,
) -> Option<(usize, String)> {
    // Between equals, follow-up news goes to the older incident: a funeral or an inquiry comes
    // days after its incident, seldom on the day of the latest one.
    let follow_up = !item.follow_ups.is_empty();
    candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| {
            affinity(s, item, policy).map(|(score, why)| (i, score, why, s.event_first))
        })
        .filter(|(_, score, ..)| *score >= JOIN_SCORE)
        .max_by_key(|(i, score, _, first)| {
            let older = if follow_up { -*first } else { 0 };
            (*score, older, std::cmp::Reverse(*i))
        })
        .map(|(i, _, why, _)| (i, why))
}

/// The news of hostages freed, in [`changes`].
pub const HOSTAGES_FREED: &str = "hostages freed";

/// What an item adds to a story that is news: a higher toll, a new country, a new kind of event,
/// a claim of responsibility. Empty when nothing material changed.
pub fn changes(story: &Facts, item: &Facts, policy: &StoryPolicy) -> Vec<String> {
    let mut out = Vec::new();
    let rise = |label: &str, old: Option<u32>, new: Option<u32>, out: &mut Vec<String>| {
        if let Some(n) = new {
            let o = old.unwrap_or(0);
            if n >= o.saturating_add(policy.toll_increase.max(1)) {
                out.push(match old {
                    Some(o) => format!("{label} {o} → {n}"),
                    None => format!("{label} {n}"),
                });
            }
        }
    };
    rise("killed", story.killed, item.killed, &mut out);
    rise("kidnapped", story.kidnapped, item.kidnapped, &mut out);
    let mut merged = story.clone();
    merged.vote_countries(item);
    for c in &merged.countries {
        if !story.countries.contains(c) {
            out.push(format!("now also {c}"));
        }
    }
    for k in &item.kinds {
        if !story.kinds.contains(k) {
            out.push(format!("now also {}", k.as_str()));
        }
    }
    if item.claimed && !story.claimed {
        out.push("responsibility claimed".into());
    }
    for (kind, news) in [
        (FollowUp::Release, HOSTAGES_FREED),
        (FollowUp::Arrest, "arrests of suspects"),
    ] {
        if item.follow_ups.contains(&kind) && !story.follow_ups.contains(&kind) {
            out.push(news.into());
        }
    }
    let before = story.publishers.len();
    let after = before
        + item
            .publishers
            .iter()
            .filter(|p| !story.publishers.contains(p))
            .count();
    if before == 1 && after >= 2 {
        out.push(format!("corroborated by {after} independent outlets"));
    }
    if item.disputed && !story.disputed {
        out.push("denied or disputed".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> StoryPolicy {
        StoryPolicy::for_tests()
    }

    fn facts(kind: EventKind, cities: &[&str], killed: Option<u32>, day: i64, text: &str) -> Facts {
        Facts {
            kinds: vec![kind],
            countries: vec!["NG".into()],
            cities: cities
                .iter()
                .map(|c| Place {
                    id: (*c).into(),
                    at: None,
                })
                .collect(),
            killed,
            event_first: day * 86_400,
            event_last: day * 86_400,
            signature: signature(text, "", &[]),
            ..Facts::default()
        }
    }

    #[test]
    fn same_town_and_toll_join_other_towns_do_not() {
        let p = policy();
        let s = facts(
            EventKind::Attack,
            &["maiduguri"],
            Some(12),
            100,
            "هجوم انتحاري في مايدوغوري يقتل 12 شخصا",
        );
        let same = facts(
            EventKind::Attack,
            &["maiduguri"],
            Some(12),
            101,
            "مقتل 12 في تفجير بسوق مايدوغوري",
        );
        let other = facts(
            EventKind::Attack,
            &["dapchi"],
            Some(12),
            101,
            "مقتل 12 في هجوم على قرية",
        );
        let late = facts(
            EventKind::Attack,
            &["maiduguri"],
            Some(12),
            115,
            "هجوم انتحاري في مايدوغوري يقتل 12 شخصا",
        );
        let follow_up = facts(EventKind::Attack, &["maiduguri"], Some(12), 106, "تشييع");
        let town_only = facts(EventKind::Attack, &["maiduguri"], None, 106, "تشييع");
        let closure = facts(
            EventKind::BorderClosure,
            &["maiduguri"],
            Some(12),
            100,
            "هجوم انتحاري في مايدوغوري يقتل 12 شخصا",
        );
        assert!(best_match(std::slice::from_ref(&s), &same, &p).is_some());
        assert!(best_match(std::slice::from_ref(&s), &other, &p).is_none());
        assert!(
            best_match(std::slice::from_ref(&s), &late, &p).is_none(),
            "long after"
        );
        let (_, why) = best_match(std::slice::from_ref(&s), &follow_up, &p).unwrap();
        assert!(why.contains("follow-up"), "{why}");
        assert!(
            best_match(std::slice::from_ref(&s), &town_only, &p).is_none(),
            "beyond the window a town alone is not enough"
        );
        assert!(
            best_match(std::slice::from_ref(&s), &closure, &p).is_none(),
            "another kind"
        );
    }

    #[test]
    fn a_dated_report_joins_the_story_its_undated_first_flash_opened() {
        let p = policy();
        // The flash dates nothing: its event is somewhere in the two days before it.
        let mut flash = facts(
            EventKind::Attack,
            &["ouagadougou"],
            None,
            100,
            "انفجار قرب مقر",
        );
        flash.event_first = 98 * 86_400 + 40_000;
        flash.event_last = 100 * 86_400 + 40_000;
        let dated = Facts {
            days: vec![100],
            ..facts(
                EventKind::Attack,
                &["ouagadougou"],
                None,
                100,
                "هجوم على سفارة",
            )
        };
        let (_, why) = best_match(std::slice::from_ref(&flash), &dated, &p).expect("joins");
        assert!(why.contains("same town"), "{why}");
        // The other way round: a story dated «صباح اليوم» (kept at noon), an undated flash
        // of its town published at 11:15 that day.
        let dated_story = Facts {
            days: vec![100],
            event_first: 100 * 86_400 + 43_200,
            event_last: 100 * 86_400 + 43_200,
            ..facts(
                EventKind::Attack,
                &["ouagadougou"],
                Some(8),
                100,
                "مقتل 8 في هجمات",
            )
        };
        let mut flash_at_11 = flash.clone();
        flash_at_11.event_first = 98 * 86_400 + 40_500;
        flash_at_11.event_last = 100 * 86_400 + 40_500;
        assert!(best_match(std::slice::from_ref(&dated_story), &flash_at_11, &p).is_some());
        // Dated three days after the flash's span: the town struck again.
        let later = Facts {
            days: vec![103],
            ..facts(
                EventKind::Attack,
                &["ouagadougou"],
                None,
                103,
                "هجوم على مركز",
            )
        };
        assert!(best_match(std::slice::from_ref(&flash), &later, &p).is_none());
    }

    #[test]
    fn an_incident_is_in_the_countries_of_its_headline_s_places() {
        let rules = crate::detect::RulePack::bundled();
        let of = |title: &str, text: &str| {
            let a = crate::detect::analyze(&rules, title, text);
            Facts::of_item(&rules, &a, title, text, (0, 0)).countries
        };
        // The claim recalls the raid on its leaders in northern Mali, in its lead.
        assert_eq!(
            of(
                "جماعة نصرة الإسلام والمسلمين تتبنى هجمات واغادوغو",
                "أعلنت الجماعة مسؤوليتها عن الهجومين في بوركينا فاسو. وقالت إنهما جاءا ردا على \
                 غارة قتلت قادة لها في شمال مالي."
            ),
            ["BF"]
        );
        // A headline that names countries, not towns, leaves the analysis's countries.
        let mut both = of(
            "هجمات متزامنة على مواقع للجيش في مالي والنيجر",
            "هاجم مسلحون مواقع عسكرية في مالي والنيجر فجر اليوم وقتلوا عشرات الجنود.",
        );
        both.sort();
        assert_eq!(both, ["ML", "NE"]);
    }

    #[test]
    fn the_same_text_joins_without_a_place() {
        let p = policy();
        let s = facts(
            EventKind::Attack,
            &[],
            None,
            100,
            "مسلحون يهاجمون قاعدة عسكرية في شمال شرق البلاد ويقتلون جنودا",
        );
        let item = facts(
            EventKind::Attack,
            &[],
            None,
            100,
            "مسلحون يهاجمون قاعدة عسكرية في شمال شرق البلاد ويقتلون جنودا",
        );
        let (_, why) = best_match(std::slice::from_ref(&s), &item, &p).unwrap();
        assert!(why.contains("similarity 1.00"), "{why}");
    }

    /// Issue 31, item 5: a story's countries are those its reports agree on, not every
    /// country one of them names.
    #[test]
    fn a_story_is_in_the_countries_its_reports_agree_on() {
        let report = |countries: &[&str]| Facts {
            kinds: vec![EventKind::Attack],
            countries: countries.iter().map(|c| (*c).to_owned()).collect(),
            ..Facts::default()
        };
        let mut story = report(&["BF"]);
        story.merge(&report(&["BF"]));
        // The claim whose lead recalls the group's Malian base: no news, no Mali.
        let claim = report(&["BF", "ML"]);
        assert!(
            !changes(&story, &claim, &policy())
                .iter()
                .any(|c| c.contains("ML")),
            "{:?}",
            changes(&story, &claim, &policy())
        );
        story.merge(&claim);
        assert_eq!(story.countries, ["BF"]);
        // Two reports of a raid across a border, then a third naming one side: half of them
        // still name each side.
        let mut raid = report(&["ML"]);
        raid.merge(&report(&["ML", "NE"]));
        assert_eq!(raid.countries, ["ML", "NE"]);
        raid.merge(&report(&["ML"]));
        assert_eq!(raid.countries, ["ML"]);
        raid.merge(&report(&["NE"]));
        assert_eq!(raid.countries, ["ML", "NE"]);
    }

    #[test]
    fn changes_are_a_higher_toll_a_new_country_kind_or_claim() {
        let p = policy();
        let s = facts(EventKind::Attack, &["x"], Some(10), 100, "a");
        let mut i = facts(EventKind::Attack, &["x"], Some(12), 100, "a");
        assert!(changes(&s, &i, &p).is_empty(), "+2 is not news");
        i.killed = Some(27);
        i.claimed = true;
        i.countries.push("NE".into());
        let c = changes(&s, &i, &p);
        assert_eq!(
            c,
            ["killed 10 → 27", "now also NE", "responsibility claimed"]
        );
    }

    #[test]
    fn a_second_publisher_and_a_denial_are_news() {
        let p = policy();
        let mut s = facts(EventKind::Attack, &["x"], Some(10), 100, "a");
        s.publishers = vec!["aljazeera.net".into()];
        let mut i = facts(EventKind::Attack, &["x"], Some(10), 100, "a");
        i.publishers = vec!["aljazeera.net".into()];
        assert!(changes(&s, &i, &p).is_empty(), "the same publisher again");
        i.publishers = vec!["france24.com".into()];
        i.disputed = true;
        assert_eq!(
            changes(&s, &i, &p),
            [
                "corroborated by 2 independent outlets",
                "denied or disputed"
            ]
        );
        // Already corroborated: a third outlet is not news.
        s.publishers.push("rfi.fr".into());
        i.disputed = false;
        i.publishers = vec!["france24.com".into()];
        assert!(changes(&s, &i, &p).is_empty());
    }

    #[test]
    fn keys_cover_the_window() {
        let p = policy();
        let f = facts(EventKind::Attack, &[], None, 100, "a");
        assert_eq!(f.keys(), ["violence|NG|100"]);
        assert_eq!(f.candidate_keys(&p).len(), 2 * LATE_NEWS_DAYS as usize + 1);
    }
}
