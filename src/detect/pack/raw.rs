//! The rule pack as written in TOML, before validation: what users edit.

use serde::Deserialize;
use toml::Spanned;

use super::{EntityKind, EventKind, Scope};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPack {
    pub(super) pack: RawMeta,
    #[serde(default)]
    pub(super) settings: RawSettings,
    #[serde(default)]
    pub(super) entities: Vec<Spanned<RawEntity>>,
    #[serde(default)]
    pub(super) ambiguity: Vec<Spanned<RawAmbiguity>>,
    #[serde(default)]
    pub(super) events: Vec<Spanned<RawEvent>>,
    #[serde(default)]
    pub(super) security: RawTerms,
    #[serde(default)]
    pub(super) weak_security: RawTerms,
    #[serde(default)]
    pub(super) offtopic: RawTerms,
    /// Words of a claim of responsibility («تبنى»): a claim is news for a story's update.
    #[serde(default)]
    pub(super) claims: RawTerms,
    /// Words of a denial or a dispute of the report («نفى», «لا صحة»): shown as the story's
    /// corroboration, and news for an update.
    #[serde(default)]
    pub(super) denials: RawTerms,
    /// Particles that negate the verb a few words after them («لم تعلن أي جهة مسؤوليتها»): a
    /// claim, denial or follow-up they negate did not happen.
    #[serde(default)]
    pub(super) negators: RawTerms,
    /// Words that put security news in Africa for the full-text pre-check («الساحل», «أفريقيا»).
    #[serde(default)]
    pub(super) candidates: RawTerms,
    /// Headline frames of other news (elections, trials, crashes, migration, donors): a
    /// headline with one and no event of its own is not a security report.
    #[serde(default)]
    pub(super) frames: RawTerms,
    /// Headline frames of security news that is not an incident (an agreement, a bill, an
    /// arrest, a report): with no event of its own in the headline, the text reports none.
    #[serde(default)]
    pub(super) context_frames: RawTerms,
    /// Words that put the event named right after them in the past of the text («بعد أيام
    /// من هجمات واغادوغو»): recalled, not reported.
    #[serde(default)]
    pub(super) recalls: RawTerms,
    /// Words that open the telling of another incident («وفي حادث منفصل»): what follows is
    /// not the headline's incident.
    #[serde(default)]
    pub(super) separate_incidents: RawTerms,
    /// Labels that open a line naming another story («اقرأ أيضا: …»): what follows them on the
    /// line is that story's headline, not this text's.
    #[serde(default)]
    pub(super) other_stories: RawTerms,
    #[serde(default)]
    pub(super) relative: Vec<Spanned<RawRelative>>,
    #[serde(default)]
    pub(super) figures: RawFigures,
    /// Words that give a place a role other than where the news happened.
    #[serde(default)]
    pub(super) place_roles: RawPlaceRoles,
    /// Pairs of countries whose names and demonyms outlets confuse (Niger, Nigeria).
    #[serde(default)]
    pub(super) confusable: Vec<Spanned<RawConfusable>>,
    /// Words of the news that follows an incident: it joins the incident's story.
    #[serde(default)]
    pub(super) follow_ups: RawFollowUps,
}

/// Words of follow-up news (claims of responsibility are `[claims]`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFollowUps {
    /// Hostages freed, released, handed over.
    #[serde(default)]
    pub(super) release: Vec<String>,
    /// Funerals and mourning of the victims.
    #[serde(default)]
    pub(super) funeral: Vec<String>,
    /// An investigation of the incident.
    #[serde(default)]
    pub(super) investigation: Vec<String>,
    /// Arrests of its perpetrators.
    #[serde(default)]
    pub(super) arrest: Vec<String>,
    /// Those killed, captured or the attackers named («يكشف هوية», «أسماء الضحايا»).
    #[serde(default)]
    pub(super) identified: Vec<String>,
    /// Trials and sentences of the attackers.
    #[serde(default)]
    pub(super) trial: Vec<String>,
}

/// Words after which a place is not where the reported events happened.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlaceRoles {
    /// A border or a direction named as a landmark («قرب الحدود مع النيجر»).
    #[serde(default)]
    pub(super) landmark: Vec<String>,
    /// A group's base or the reach of its past attacks («التي تنشط في مالي»).
    #[serde(default)]
    pub(super) background: Vec<String>,
    /// Words for armed men: a demonym right after one is their nationality («المتشددين
    /// النيجيريين»), not where anything happened.
    #[serde(default)]
    pub(super) armed_men: Vec<String>,
    /// Words that make the town named right after them the area round it («بمنطقة ميناكا»,
    /// «ولاية بورنو»): the incident is somewhere in it, not in the town.
    #[serde(default)]
    pub(super) area: Vec<String>,
    /// Words that make the town named right after them those who hold it («متحالفتان مع
    /// باماكو», «حكومة باماكو»): an actor, not where anything happened.
    #[serde(default)]
    pub(super) government: Vec<String>,
}

/// Two countries whose names and demonyms real outlets mix up, even inside one text
/// («النيجيري» for Nigerien): the text's places decide which one a demonym stands for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfusable {
    pub(super) countries: Vec<String>,
}

/// Words that say what a number counts: `*_after` follow the number («27 قتيلا»), `*_before`
/// precede it («مقتل 27 شخصا»).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFigures {
    #[serde(default)]
    pub(super) killed_after: Vec<String>,
    #[serde(default)]
    pub(super) killed_before: Vec<String>,
    #[serde(default)]
    pub(super) wounded_after: Vec<String>,
    #[serde(default)]
    pub(super) wounded_before: Vec<String>,
    #[serde(default)]
    pub(super) kidnapped_after: Vec<String>,
    #[serde(default)]
    pub(super) kidnapped_before: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRelative {
    /// Phrases naming a part of "the country" («شمال شرق البلاد»).
    pub(super) names: Vec<String>,
    /// The country the text must be about for the phrase to mean `entity`.
    pub(super) country: String,
    /// The gazetteer entity the phrase then stands for.
    pub(super) entity: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeta {
    pub(super) name: String,
    pub(super) version: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawSettings {
    pub(super) window: usize,
    pub(super) relevance_threshold: f64,
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
pub(super) struct RawEntity {
    pub(super) id: String,
    pub(super) kind: EntityKind,
    #[serde(default)]
    pub(super) country: Option<String>,
    pub(super) scope: Scope,
    pub(super) names: Vec<String>,
    #[serde(default)]
    pub(super) adjectives: Vec<String>,
    #[serde(default)]
    pub(super) lat: Option<f64>,
    #[serde(default)]
    pub(super) lon: Option<f64>,
    #[serde(default)]
    pub(super) name_en: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAmbiguity {
    /// The alias or adjective stem (as written in an entity) whose matches need context.
    pub(super) alias: String,
    #[serde(default)]
    pub(super) confirm_before: Vec<String>,
    #[serde(default)]
    pub(super) confirm_after: Vec<String>,
    #[serde(default)]
    pub(super) reject_before: Vec<String>,
    #[serde(default)]
    pub(super) reject_after: Vec<String>,
    #[serde(default)]
    pub(super) confirm_at_start: bool,
    #[serde(default)]
    pub(super) confirm_after_preposition: bool,
    #[serde(default)]
    pub(super) confirm_by_entities: bool,
    /// Accept the match unless a reject rule applies (for names that are rarely anything else).
    #[serde(default)]
    pub(super) accept_unless_rejected: bool,
    /// Reject the match in a text that names one of these countries unambiguously.
    #[serde(default)]
    pub(super) reject_if_countries: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    pub(super) kind: EventKind,
    pub(super) triggers: Vec<String>,
    #[serde(default)]
    pub(super) requires_near: Vec<String>,
    #[serde(default)]
    pub(super) exclude: Vec<String>,
    #[serde(default)]
    pub(super) negations: Vec<String>,
    #[serde(default)]
    pub(super) title_negations: Vec<String>,
    #[serde(default)]
    pub(super) weight: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTerms {
    #[serde(default)]
    pub(super) weight: Option<f64>,
    #[serde(default)]
    pub(super) terms: Vec<String>,
}
