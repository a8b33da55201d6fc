//! The rule pack: raw TOML (what users edit) compiled into the matcher (what the detector runs).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::tolls::{Counted, Side};
use crate::arabic::normalize;

/// The bundled rule pack, used when the configuration names none.
pub const BUNDLED_PACK: &str = include_str!("../../config/rules/sahel.toml");

/// Why a rule pack was refused: always names the file, and the line and key where they are known.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("cannot read rule pack {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: key `{key}`: {message}")]
    Invalid {
        path: String,
        line: usize,
        key: String,
        message: String,
    },
    #[error("{path}: cannot build the matcher: {source}")]
    Automaton {
        path: String,
        #[source]
        source: aho_corasick::BuildError,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Attack,
    Kidnapping,
    BorderClosure,
}

impl EventKind {
    pub const ALL: [EventKind; 3] = [
        EventKind::Attack,
        EventKind::Kidnapping,
        EventKind::BorderClosure,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Attack => "attack",
            EventKind::Kidnapping => "kidnapping",
            EventKind::BorderClosure => "border_closure",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Country,
    Region,
    City,
    Group,
    Force,
}

/// How a gazetteer entry bears on relevance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// A core Sahel country, or a place or actor of the Sahel: its mention puts a text in scope.
    Core,
    /// A Sahel-facing border region of a neighbour (southern Algeria, Fezzan, Borno...): in scope.
    Border,
    /// A neighbour country as a whole: counts only when the text is in scope through something else.
    Neighbour,
    /// A place outside the Sahel where the news also happens (Tunisia, Cameroon, Yemen...): an
    /// event nearer to it is not ours, and a text that names it more than the Sahel is about it.
    Outside,
    /// A third country that is mostly an actor in Sahel news (France, the United States,
    /// Russia...): an event nearer to it is not ours, but naming it does not move the text's focus.
    Foreign,
}

// ---------------------------------------------------------------------------------------------
// Raw form, as written in TOML.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    pack: RawMeta,
    #[serde(default)]
    settings: RawSettings,
    #[serde(default)]
    entities: Vec<Spanned<RawEntity>>,
    #[serde(default)]
    ambiguity: Vec<Spanned<RawAmbiguity>>,
    #[serde(default)]
    events: Vec<Spanned<RawEvent>>,
    #[serde(default)]
    security: RawTerms,
    #[serde(default)]
    weak_security: RawTerms,
    #[serde(default)]
    offtopic: RawTerms,
    /// Words of a claim of responsibility («تبنى»): a claim is news for a story's update.
    #[serde(default)]
    claims: RawTerms,
    /// Words of a denial or a dispute of the report («نفى», «لا صحة»): shown as the story's
    /// corroboration, and news for an update.
    #[serde(default)]
    denials: RawTerms,
    /// Particles that negate the verb a few words after them («لم تعلن أي جهة مسؤوليتها»): a
    /// claim, denial or follow-up they negate did not happen.
    #[serde(default)]
    negators: RawTerms,
    /// Words that put security news in Africa for the full-text pre-check («الساحل», «أفريقيا»).
    #[serde(default)]
    candidates: RawTerms,
    /// Headline frames of other news (elections, trials, crashes, migration, donors): a
    /// headline with one and no event of its own is not a security report.
    #[serde(default)]
    frames: RawTerms,
    /// Headline frames of security news that is not an incident (an agreement, a bill, an
    /// arrest, a report): with no event of its own in the headline, the text reports none.
    #[serde(default)]
    context_frames: RawTerms,
    /// Words that put the event named right after them in the past of the text («بعد أيام
    /// من هجمات واغادوغو»): recalled, not reported.
    #[serde(default)]
    recalls: RawTerms,
    /// Words that open the telling of another incident («وفي حادث منفصل»): what follows is
    /// not the headline's incident.
    #[serde(default)]
    separate_incidents: RawTerms,
    /// Labels that open a line naming another story («اقرأ أيضا: …»): what follows them on the
    /// line is that story's headline, not this text's.
    #[serde(default)]
    other_stories: RawTerms,
    #[serde(default)]
    relative: Vec<Spanned<RawRelative>>,
    #[serde(default)]
    figures: RawFigures,
    /// Words that give a place a role other than where the news happened.
    #[serde(default)]
    place_roles: RawPlaceRoles,
    /// Pairs of countries whose names and demonyms outlets confuse (Niger, Nigeria).
    #[serde(default)]
    confusable: Vec<Spanned<RawConfusable>>,
    /// Words of the news that follows an incident: it joins the incident's story.
    #[serde(default)]
    follow_ups: RawFollowUps,
}

/// Words of follow-up news (claims of responsibility are `[claims]`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFollowUps {
    /// Hostages freed, released, handed over.
    #[serde(default)]
    release: Vec<String>,
    /// Funerals and mourning of the victims.
    #[serde(default)]
    funeral: Vec<String>,
    /// An investigation of the incident.
    #[serde(default)]
    investigation: Vec<String>,
    /// Arrests of its perpetrators.
    #[serde(default)]
    arrest: Vec<String>,
    /// Those killed, captured or the attackers named («يكشف هوية», «أسماء الضحايا»).
    #[serde(default)]
    identified: Vec<String>,
    /// Trials and sentences of the attackers.
    #[serde(default)]
    trial: Vec<String>,
}

/// What a follow-up reports of an incident already told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    Claim,
    Release,
    Funeral,
    Investigation,
    Arrest,
    Identified,
    Trial,
}

impl FollowUp {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUp::Claim => "claim",
            FollowUp::Release => "release",
            FollowUp::Funeral => "funeral",
            FollowUp::Investigation => "investigation",
            FollowUp::Arrest => "arrest",
            FollowUp::Identified => "identified",
            FollowUp::Trial => "trial",
        }
    }
}

/// Words after which a place is not where the reported events happened.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaceRoles {
    /// A border or a direction named as a landmark («قرب الحدود مع النيجر»).
    #[serde(default)]
    landmark: Vec<String>,
    /// A group's base or the reach of its past attacks («التي تنشط في مالي»).
    #[serde(default)]
    background: Vec<String>,
    /// Words for armed men: a demonym right after one is their nationality («المتشددين
    /// النيجيريين»), not where anything happened.
    #[serde(default)]
    armed_men: Vec<String>,
    /// Words that make the town named right after them the area round it («بمنطقة ميناكا»,
    /// «ولاية بورنو»): the incident is somewhere in it, not in the town.
    #[serde(default)]
    area: Vec<String>,
    /// Words that make the town named right after them those who hold it («متحالفتان مع
    /// باماكو», «حكومة باماكو»): an actor, not where anything happened.
    #[serde(default)]
    government: Vec<String>,
}

/// Two countries whose names and demonyms real outlets mix up, even inside one text
/// («النيجيري» for Nigerien): the text's places decide which one a demonym stands for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfusable {
    countries: Vec<String>,
}

/// Words that say what a number counts: `*_after` follow the number («27 قتيلا»), `*_before`
/// precede it («مقتل 27 شخصا»).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFigures {
    #[serde(default)]
    killed_after: Vec<String>,
    #[serde(default)]
    killed_before: Vec<String>,
    #[serde(default)]
    wounded_after: Vec<String>,
    #[serde(default)]
    wounded_before: Vec<String>,
    #[serde(default)]
    kidnapped_after: Vec<String>,
    #[serde(default)]
    kidnapped_before: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelative {
    /// Phrases naming a part of "the country" («شمال شرق البلاد»).
    names: Vec<String>,
    /// The country the text must be about for the phrase to mean `entity`.
    country: String,
    /// The gazetteer entity the phrase then stands for.
    entity: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: String,
    version: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawSettings {
    window: usize,
    relevance_threshold: f64,
}

impl Default for RawSettings {
    fn default() -> Self {
        RawSettings {
            window: 12,
            relevance_threshold: 3.0,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    id: String,
    kind: EntityKind,
    #[serde(default)]
    country: Option<String>,
    scope: Scope,
    names: Vec<String>,
    #[serde(default)]
    adjectives: Vec<String>,
    #[serde(default)]
    lat: Option<f64>,
    #[serde(default)]
    lon: Option<f64>,
    #[serde(default)]
    name_en: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAmbiguity {
    /// The alias or adjective stem (as written in an entity) whose matches need context.
    alias: String,
    #[serde(default)]
    confirm_before: Vec<String>,
    #[serde(default)]
    confirm_after: Vec<String>,
    #[serde(default)]
    reject_before: Vec<String>,
    #[serde(default)]
    reject_after: Vec<String>,
    #[serde(default)]
    confirm_at_start: bool,
    #[serde(default)]
    confirm_after_preposition: bool,
    #[serde(default)]
    confirm_by_entities: bool,
    /// Accept the match unless a reject rule applies (for names that are rarely anything else).
    #[serde(default)]
    accept_unless_rejected: bool,
    /// Reject the match in a text that names one of these countries unambiguously.
    #[serde(default)]
    reject_if_countries: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    kind: EventKind,
    triggers: Vec<String>,
    #[serde(default)]
    requires_near: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    negations: Vec<String>,
    #[serde(default)]
    title_negations: Vec<String>,
    #[serde(default)]
    weight: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerms {
    #[serde(default)]
    weight: Option<f64>,
    #[serde(default)]
    terms: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Compiled form.

#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub kind: EntityKind,
    pub country: Option<String>,
    pub scope: Scope,
    pub name: String,
    pub name_en: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// How the letters before a match may look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prefix {
    /// The alias carried the article: the match must carry it too (ال, بال, لل, وال...).
    Article,
    /// Proclitics only, no article (وباماكو, لمالي).
    NoArticle,
    /// Proclitics with or without the article (adjectives: المالي, الماليين).
    Any,
    /// Proclitics, article, and one verbal prefix (triggers: يختطف, وهاجم).
    Verbal,
}

/// How the letters after a match may look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Suffix {
    None,
    /// Gender and number endings of a nisba adjective (ـه ـون ـين ـان).
    Adjective,
    /// Any short inflectional ending (ات ون ين ها هم وا...).
    Inflection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Entity(usize),
    Trigger(usize),
    Requirement(usize),
    Exclusion(usize),
    Negation(usize),
    TitleNegation(usize),
    /// A region named relative to the text's country («شمال شرق البلاد»).
    Relative(usize),
    /// A word that says what a nearby number counts («قتيلا», «مقتل»).
    Toll(Counted, Side),
    /// Security vocabulary: strong (`[security]`) or weak (`[weak_security]`).
    Security(bool),
    Offtopic,
    /// A claim of responsibility.
    Claim,
    /// A denial or dispute of the report.
    Denial,
    /// A particle that negates what follows it (`[negators]`).
    Negator,
    /// An African context for the full-text pre-check (`[candidates]`).
    AfricanContext,
    /// A headline frame of other news (`[frames]`).
    Frame,
    /// A headline frame of security news without an incident (`[context_frames]`).
    ContextFrame,
    /// Words before an event that is recalled, not reported (`[recalls]`).
    Recall,
    /// Words that open another incident's telling (`[separate_incidents]`).
    Separate,
    /// A label that opens a line naming another story (`[other_stories]`).
    OtherStory,
    /// Words after which a place is a landmark (`[place_roles] landmark`).
    Landmark,
    /// Words after which a place is background (`[place_roles] background`).
    Background,
    /// Words of follow-up news (`[follow_ups]`).
    FollowUp(FollowUp),
    /// Words for armed men (`[place_roles] armed_men`).
    ArmedMen,
    /// Words that make the next town its area (`[place_roles] area`).
    Area,
    /// Words that make the next town its government (`[place_roles] government`).
    Government,
}

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub target: Target,
    pub prefix: Prefix,
    pub suffix: Suffix,
    /// The term as written in the pack (normalized), for explanations.
    pub term: String,
    /// Index into `RulePack::ambiguity` when matches of this term need context.
    pub ambiguity: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Ambiguity {
    pub confirm_before: HashSet<String>,
    pub confirm_after: HashSet<String>,
    pub reject_before: HashSet<String>,
    pub reject_after: HashSet<String>,
    pub confirm_at_start: bool,
    pub confirm_after_preposition: bool,
    pub confirm_by_entities: bool,
    pub accept_unless_rejected: bool,
    pub reject_if_countries: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct EventRule {
    pub kind: EventKind,
    pub weight: f64,
    pub has_requirements: bool,
}

/// A validated, compiled rule pack.
#[derive(Debug, Clone)]
pub struct RulePack {
    pub name: String,
    pub version: u32,
    pub source: String,
    pub entities: Vec<Entity>,
    pub(crate) events: Vec<EventRule>,
    pub(crate) patterns: Vec<Pattern>,
    pub(crate) automaton: AhoCorasick,
    pub(crate) ambiguity: Vec<Ambiguity>,
    /// For each relative-region rule: the country it applies to and the entity it stands for.
    pub(crate) relatives: Vec<(String, usize)>,
    /// Pairs of confusable countries, as the indices of their country entities.
    pub(crate) confusables: Vec<[usize; 2]>,
    pub(crate) window: usize,
    pub(crate) threshold: f64,
    pub(crate) security_weight: f64,
    pub(crate) weak_security_weight: f64,
    pub(crate) offtopic_weight: f64,
}

/// Countries the pack may name: the Sahel and its neighbours, plus the outside ones it knows.
fn valid_country(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// The line of `term` in the list at `dotted` («follow_ups.funeral»): the table's header, then
/// the key in it, then the quoted term after it; the nearest found when the source writes them
/// otherwise (0 when not even the table is there). The lists of plain tables carry no span.
fn line_of_term(src: &str, dotted: &str, term: &str) -> usize {
    let (table, key) = dotted.split_once('.').unwrap_or(("", dotted));
    let Some(table_at) = src.find(&format!("\n[{table}]")).map(|i| i + 1) else {
        return 0;
    };
    let key_at = src[table_at..]
        .split_inclusive('\n')
        .scan(table_at, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line))
        })
        .find(|(_, line)| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(table_at, |(start, _)| start);
    let term_at = src[key_at..]
        .find(&format!("\"{term}\""))
        .map_or(key_at, |i| key_at + i);
    line_of(src, term_at)
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

impl RulePack {
    /// Loads and compiles a rule pack from a file.
    pub fn from_file(path: &Path) -> Result<RulePack, PackError> {
        let src = std::fs::read_to_string(path).map_err(|source| PackError::Read {
            path: path.to_owned(),
            source,
        })?;
        RulePack::from_toml(&src, &path.display().to_string())
    }

    /// The pack bundled in the binary.
    pub fn bundled() -> RulePack {
        RulePack::from_toml(BUNDLED_PACK, "<bundled>/rules/sahel.toml")
            .expect("the bundled rule pack is valid (checked by tests)")
    }

    /// Compiles a pack from TOML text; `origin` names it in errors.
    pub fn from_toml(src: &str, origin: &str) -> Result<RulePack, PackError> {
        let raw: RawPack = toml::from_str(src).map_err(|e| PackError::Syntax {
            path: origin.to_owned(),
            line: e.span().map(|s| line_of(src, s.start)).unwrap_or(0),
            message: e.message().to_owned(),
        })?;
        let invalid =
            |span: std::ops::Range<usize>, key: String, message: String| PackError::Invalid {
                path: origin.to_owned(),
                line: line_of(src, span.start),
                key,
                message,
            };
        let mut builder = Builder::default();
        let mut ids = HashSet::new();
        let mut entities = Vec::with_capacity(raw.entities.len());
        for (i, spanned) in raw.entities.iter().enumerate() {
            let span = spanned.span();
            let e = spanned.get_ref();
            if !ids.insert(e.id.clone()) {
                return Err(invalid(
                    span,
                    format!("entities[{i}].id"),
                    format!("duplicate entity id {:?}", e.id),
                ));
            }
            if let Some(c) = &e.country {
                if !valid_country(c) {
                    return Err(invalid(
                        span,
                        format!("entities[{i}].country"),
                        format!("{c:?} is not an ISO 3166 alpha-2 code"),
                    ));
                }
            }
            if e.names.is_empty() {
                return Err(invalid(
                    span,
                    format!("entities[{i}].names"),
                    "an entity needs at least one name".into(),
                ));
            }
            if let (Some(lat), Some(lon)) = (e.lat, e.lon) {
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    return Err(invalid(
                        span,
                        format!("entities[{i}].lat"),
                        "coordinates out of range".into(),
                    ));
                }
            }
            let idx = entities.len();
            for (j, name) in e.names.iter().enumerate() {
                builder
                    .name(name, Target::Entity(idx))
                    .map_err(|m| invalid(span.clone(), format!("entities[{i}].names[{j}]"), m))?;
            }
            for (j, adj) in e.adjectives.iter().enumerate() {
                builder
                    .term(adj, Target::Entity(idx), Prefix::Any, Suffix::Adjective)
                    .map_err(|m| {
                        invalid(span.clone(), format!("entities[{i}].adjectives[{j}]"), m)
                    })?;
            }
            entities.push(Entity {
                id: e.id.clone(),
                kind: e.kind,
                country: e.country.clone(),
                scope: e.scope,
                name: e.names[0].clone(),
                name_en: e.name_en.clone(),
                lat: e.lat,
                lon: e.lon,
            });
        }

        let mut ambiguity = Vec::new();
        let mut ambiguity_of: HashMap<String, usize> = HashMap::new();
        for (i, spanned) in raw.ambiguity.iter().enumerate() {
            let a = spanned.get_ref();
            let alias = norm_term(&a.alias);
            if !builder.terms.contains(&alias) {
                return Err(invalid(
                    spanned.span(),
                    format!("ambiguity[{i}].alias"),
                    format!("{:?} is not a name or adjective of any entity", a.alias),
                ));
            }
            let set = |v: &[String]| v.iter().map(|s| norm_term(s)).collect::<HashSet<_>>();
            ambiguity_of.insert(alias, ambiguity.len());
            ambiguity.push(Ambiguity {
                confirm_before: set(&a.confirm_before),
                confirm_after: set(&a.confirm_after),
                reject_before: set(&a.reject_before),
                reject_after: set(&a.reject_after),
                confirm_at_start: a.confirm_at_start,
                confirm_after_preposition: a.confirm_after_preposition,
                confirm_by_entities: a.confirm_by_entities,
                accept_unless_rejected: a.accept_unless_rejected,
                reject_if_countries: a.reject_if_countries.clone(),
            });
        }

        let mut events = Vec::new();
        for (i, spanned) in raw.events.iter().enumerate() {
            let ev = spanned.get_ref();
            let span = spanned.span();
            if ev.triggers.is_empty() {
                return Err(invalid(
                    span,
                    format!("events[{i}].triggers"),
                    "an event rule needs at least one trigger".into(),
                ));
            }
            let groups: [(&str, &[String], Target); 5] = [
                ("triggers", &ev.triggers, Target::Trigger(i)),
                ("requires_near", &ev.requires_near, Target::Requirement(i)),
                ("exclude", &ev.exclude, Target::Exclusion(i)),
                ("negations", &ev.negations, Target::Negation(i)),
                (
                    "title_negations",
                    &ev.title_negations,
                    Target::TitleNegation(i),
                ),
            ];
            for (key, terms, target) in groups {
                for (j, t) in terms.iter().enumerate() {
                    builder
                        .term(t, target, Prefix::Verbal, Suffix::Inflection)
                        .map_err(|m| invalid(span.clone(), format!("events[{i}].{key}[{j}]"), m))?;
                }
            }
            events.push(EventRule {
                kind: ev.kind,
                weight: ev.weight.unwrap_or(4.0),
                has_requirements: !ev.requires_near.is_empty(),
            });
        }
        // Vocabulary matched like triggers: security and off-topic terms, toll words.
        let f = &raw.figures;
        let toll = |c, s| Target::Toll(c, s);
        let fu = &raw.follow_ups;
        let vocabulary: [(&str, &[String], Target); 28] = [
            (
                "place_roles.armed_men",
                &raw.place_roles.armed_men,
                Target::ArmedMen,
            ),
            ("place_roles.area", &raw.place_roles.area, Target::Area),
            (
                "place_roles.government",
                &raw.place_roles.government,
                Target::Government,
            ),
            (
                "follow_ups.release",
                &fu.release,
                Target::FollowUp(FollowUp::Release),
            ),
            (
                "follow_ups.funeral",
                &fu.funeral,
                Target::FollowUp(FollowUp::Funeral),
            ),
            (
                "follow_ups.investigation",
                &fu.investigation,
                Target::FollowUp(FollowUp::Investigation),
            ),
            (
                "follow_ups.arrest",
                &fu.arrest,
                Target::FollowUp(FollowUp::Arrest),
            ),
            (
                "follow_ups.identified",
                &fu.identified,
                Target::FollowUp(FollowUp::Identified),
            ),
            (
                "follow_ups.trial",
                &fu.trial,
                Target::FollowUp(FollowUp::Trial),
            ),
            (
                "place_roles.landmark",
                &raw.place_roles.landmark,
                Target::Landmark,
            ),
            (
                "place_roles.background",
                &raw.place_roles.background,
                Target::Background,
            ),
            (
                "context_frames.terms",
                &raw.context_frames.terms,
                Target::ContextFrame,
            ),
            ("frames.terms", &raw.frames.terms, Target::Frame),
            ("recalls.terms", &raw.recalls.terms, Target::Recall),
            (
                "separate_incidents.terms",
                &raw.separate_incidents.terms,
                Target::Separate,
            ),
            (
                "other_stories.terms",
                &raw.other_stories.terms,
                Target::OtherStory,
            ),
            (
                "candidates.terms",
                &raw.candidates.terms,
                Target::AfricanContext,
            ),
            (
                "security.terms",
                &raw.security.terms,
                Target::Security(true),
            ),
            (
                "weak_security.terms",
                &raw.weak_security.terms,
                Target::Security(false),
            ),
            ("offtopic.terms", &raw.offtopic.terms, Target::Offtopic),
            ("claims.terms", &raw.claims.terms, Target::Claim),
            ("denials.terms", &raw.denials.terms, Target::Denial),
            (
                "figures.killed_after",
                &f.killed_after,
                toll(Counted::Killed, Side::AfterNumber),
            ),
            (
                "figures.killed_before",
                &f.killed_before,
                toll(Counted::Killed, Side::BeforeNumber),
            ),
            (
                "figures.wounded_after",
                &f.wounded_after,
                toll(Counted::Wounded, Side::AfterNumber),
            ),
            (
                "figures.wounded_before",
                &f.wounded_before,
                toll(Counted::Wounded, Side::BeforeNumber),
            ),
            (
                "figures.kidnapped_after",
                &f.kidnapped_after,
                toll(Counted::Kidnapped, Side::AfterNumber),
            ),
            (
                "figures.kidnapped_before",
                &f.kidnapped_before,
                toll(Counted::Kidnapped, Side::BeforeNumber),
            ),
        ];
        for (key, terms, target) in vocabulary {
            for (j, t) in terms.iter().enumerate() {
                builder
                    .term(t, target, Prefix::Verbal, Suffix::Inflection)
                    .map_err(|m| PackError::Invalid {
                        path: origin.to_owned(),
                        line: line_of_term(src, key, t),
                        key: format!("{key}[{j}]"),
                        message: m,
                    })?;
            }
        }

        // Particles are whole words: «لم» but not «لما» or «يلم».
        for (j, t) in raw.negators.terms.iter().enumerate() {
            builder
                .term(t, Target::Negator, Prefix::NoArticle, Suffix::None)
                .map_err(|m| PackError::Invalid {
                    path: origin.to_owned(),
                    line: line_of_term(src, "negators.terms", t),
                    key: format!("negators.terms[{j}]"),
                    message: m,
                })?;
        }

        let mut relatives = Vec::new();
        for (i, spanned) in raw.relative.iter().enumerate() {
            let r = spanned.get_ref();
            let span = spanned.span();
            let Some(entity) = entities.iter().position(|e| e.id == r.entity) else {
                return Err(invalid(
                    span,
                    format!("relative[{i}].entity"),
                    format!("no entity with id {:?}", r.entity),
                ));
            };
            if !valid_country(&r.country) {
                return Err(invalid(
                    span,
                    format!("relative[{i}].country"),
                    format!("{:?} is not an ISO 3166 alpha-2 code", r.country),
                ));
            }
            for (j, name) in r.names.iter().enumerate() {
                builder
                    .name(name, Target::Relative(i))
                    .map_err(|m| invalid(span.clone(), format!("relative[{i}].names[{j}]"), m))?;
            }
            relatives.push((r.country.clone(), entity));
        }

        let mut confusables = Vec::new();
        for (i, spanned) in raw.confusable.iter().enumerate() {
            let pair = &spanned.get_ref().countries;
            let entity_of = |code: &String| {
                entities
                    .iter()
                    .position(|e| e.kind == EntityKind::Country && e.country.as_ref() == Some(code))
            };
            match pair.as_slice() {
                [a, b] if a != b => match (entity_of(a), entity_of(b)) {
                    (Some(a), Some(b)) => confusables.push([a, b]),
                    _ => {
                        return Err(invalid(
                            spanned.span(),
                            format!("confusable[{i}].countries"),
                            "each country needs an entity of kind \"country\"".into(),
                        ))
                    }
                },
                _ => {
                    return Err(invalid(
                        spanned.span(),
                        format!("confusable[{i}].countries"),
                        "a pair of two different country codes".into(),
                    ))
                }
            }
        }

        for p in &mut builder.patterns {
            p.ambiguity = ambiguity_of.get(&p.term).copied();
        }
        // A full DFA: more memory (a few MB for this pack) for the fastest overlapping scan.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(builder.needles.iter())
            .map_err(|source| PackError::Automaton {
                path: origin.to_owned(),
                source,
            })?;
        Ok(RulePack {
            name: raw.pack.name,
            version: raw.pack.version,
            source: origin.to_owned(),
            entities,
            events,
            patterns: builder.patterns,
            automaton,
            ambiguity,
            relatives,
            confusables,
            window: raw.settings.window.max(1),
            threshold: raw.settings.relevance_threshold,
            security_weight: raw.security.weight.unwrap_or(1.0),
            weak_security_weight: raw.weak_security.weight.unwrap_or(0.5),
            offtopic_weight: raw.offtopic.weight.unwrap_or(-2.0),
        })
    }

    /// The ids of the gazetteer entities with `id` as id or one of its names as a name
    /// (normalized), for filters such as `query --place`.
    pub fn entities_named(&self, name: &str) -> Vec<String> {
        let n = norm_term(name);
        let mut out: Vec<String> = Vec::new();
        for e in &self.entities {
            if e.id == name {
                out.push(e.id.clone());
            }
        }
        for p in &self.patterns {
            if let Target::Entity(i) = p.target {
                let id = &self.entities[i].id;
                if p.term == n && !out.contains(id) {
                    out.push(id.clone());
                }
            }
        }
        out
    }

    /// Every one-word name of the entities one of whose names is the one word `word`
    /// (normalized): a search for «تمبكتو» also finds «تومبوكتو».
    pub fn aliases(&self, word: &str) -> Vec<String> {
        let w = norm_term(word);
        let ids: Vec<usize> = self
            .patterns
            .iter()
            .filter(|p| p.term == w)
            .filter_map(|p| match p.target {
                Target::Entity(i) => Some(i),
                _ => None,
            })
            .collect();
        let mut out: Vec<String> = Vec::new();
        for p in &self.patterns {
            if let Target::Entity(i) = p.target {
                if ids.contains(&i) && !p.term.contains(' ') && !out.contains(&p.term) {
                    out.push(p.term.clone());
                }
            }
        }
        out
    }

    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }

    /// The country entry of an ISO code («ML»), for its names.
    pub fn country_entity(&self, code: &str) -> Option<&Entity> {
        self.entities
            .iter()
            .find(|e| e.kind == EntityKind::Country && e.country.as_deref() == Some(code))
    }

    /// Counts the pattern matches in `text` with no normalization, boundary checks or analysis:
    /// the lower bound of what an analysis can cost (the benchmark compares against it).
    pub fn raw_scan(&self, text: &str) -> usize {
        self.automaton.find_overlapping_iter(text).count()
    }

    /// How many patterns the automaton holds (for `rules check`).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }
}

/// Normalizes a term from the pack the way text is normalized, with single spaces between words.
pub(crate) fn norm_term(t: &str) -> String {
    normalize(t)
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Default)]
struct Builder {
    needles: Vec<String>,
    patterns: Vec<Pattern>,
    terms: HashSet<String>,
}

impl Builder {
    /// A gazetteer name: an alias written with the article must be matched with it (so «النيجر»
    /// never matches inside «نيجيريا»), one without it must be matched without it (so «دوري»,
    /// a Burkinabe town, does not match «الدوري», a football league). Multi-word names are also
    /// matched run together («بوركينافاسو», «بوكوحرام»).
    fn name(&mut self, alias: &str, target: Target) -> Result<(), String> {
        let term = norm_term(alias);
        if term.is_empty() {
            return Err("empty after normalization".into());
        }
        let (core, prefix) = match term.strip_prefix("ال") {
            Some(rest) if rest.chars().count() >= 2 => (rest.to_owned(), Prefix::Article),
            _ => (term.clone(), Prefix::NoArticle),
        };
        self.push(&core, &term, target, prefix, Suffix::None);
        if core.contains(' ') {
            let joined = core.replace(' ', "");
            self.push(&joined, &term, target, prefix, Suffix::None);
        }
        self.terms.insert(term);
        Ok(())
    }

    fn term(
        &mut self,
        t: &str,
        target: Target,
        prefix: Prefix,
        suffix: Suffix,
    ) -> Result<(), String> {
        let term = norm_term(t);
        if term.chars().count() < 2 {
            return Err(format!("{t:?} is too short to match safely"));
        }
        // A term written with the article matches with the same clitics as one without.
        let core = match term.strip_prefix("ال") {
            Some(rest) if rest.chars().count() >= 3 && prefix != Prefix::Any => rest.to_owned(),
            _ => term.clone(),
        };
        self.push(&core, &term, target, prefix, suffix);
        self.terms.insert(term);
        Ok(())
    }

    fn push(&mut self, needle: &str, term: &str, target: Target, prefix: Prefix, suffix: Suffix) {
        self.needles.push(needle.to_owned());
        self.patterns.push(Pattern {
            target,
            prefix,
            suffix,
            term: term.to_owned(),
            ambiguity: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_pack_compiles() {
        let p = RulePack::bundled();
        assert!(p.entities.len() >= 150, "{} entities", p.entities.len());
    }

    #[test]
    fn errors_name_line_and_key() {
        let src = "[pack]\nname = \"x\"\nversion = 1\n\n[[entities]]\nid = \"a\"\nkind = \"city\"\nscope = \"core\"\ncountry = \"mali\"\nnames = [\"باماكو\"]\n";
        let err = RulePack::from_toml(src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("x.toml:5"), "{err}");
        assert!(err.contains("entities[0].country"), "{err}");
        let err = RulePack::from_toml("[pack]\nname = \"x\"\nversion = 1\ncolour = 1\n", "y.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("y.toml:4"), "{err}");
        assert!(err.contains("colour"), "{err}");
        // A term of a plain list: its own line, found under its table and key.
        let src = "[pack]\nname = \"x\"\nversion = 1\n\n[follow_ups]\nrelease = [\"تحرير\"]\nfuneral = [\n    \"تشييع\",\n    \"ج\",\n]\n";
        let err = RulePack::from_toml(src, "z.toml").unwrap_err().to_string();
        assert!(
            err.contains("z.toml:9: key `follow_ups.funeral[1]`"),
            "{err}"
        );
        let src = "[pack]\nname = \"x\"\nversion = 1\n\n[place_roles]\nlandmark = [\"ا\"]\n";
        let err = RulePack::from_toml(src, "w.toml").unwrap_err().to_string();
        assert!(
            err.contains("w.toml:6: key `place_roles.landmark[0]`"),
            "{err}"
        );
    }
}
