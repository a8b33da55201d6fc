//! The rule pack: raw TOML (what users edit) compiled into the matcher (what the detector runs).

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};

use super::tolls::{Counted, Side};
use crate::arabic::normalize;
use raw::RawPack;
use sections::Ctx;

mod raw;
mod sections;

/// The bundled rule pack, used when the configuration names none.
pub const BUNDLED_PACK: &str = include_str!("../../../config/rules/sahel.toml");

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

    /// Compiles a pack from TOML text; `origin` names it in errors. Sections are compiled in
    /// the order their patterns must take in the automaton.
    pub fn from_toml(src: &str, origin: &str) -> Result<RulePack, PackError> {
        let ctx = Ctx { src, origin };
        let raw: RawPack = ctx.parse()?;
        let mut builder = Builder::default();
        let entities = sections::entities(&raw.entities, &mut builder, &ctx)?;
        let (ambiguity, ambiguity_of) = sections::ambiguity(&raw.ambiguity, &builder, &ctx)?;
        let events = sections::events(&raw.events, &mut builder, &ctx)?;
        sections::vocabulary(&sections::term_lists(&raw), &mut builder, &ctx)?;
        sections::negators(&raw.negators, &mut builder, &ctx)?;
        let relatives = sections::relative(&raw.relative, &entities, &mut builder, &ctx)?;
        let confusables = sections::confusable(&raw.confusable, &entities, &ctx)?;
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
