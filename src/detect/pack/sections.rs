//! One validator per section of the rule pack. Each compiles its section's terms into the
//! shared [`Builder`] and refuses what it cannot use with the file, line and key.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;

use super::raw::{
    RawAmbiguity, RawConfusable, RawEntity, RawEvent, RawFigures, RawFollowUps, RawPack,
    RawPlaceRoles, RawRelative, RawTerms,
};
use super::{
    norm_term, Ambiguity, Builder, Entity, EntityKind, EventRule, FollowUp, PackError, Prefix,
    Suffix, Target,
};
use crate::detect::tolls::{Counted, Side};

/// The text being compiled and the name errors give it: every error of every section is made
/// here, so all of them name the file and line the same way.
pub(super) struct Ctx<'a> {
    pub(super) src: &'a str,
    pub(super) origin: &'a str,
}

impl Ctx<'_> {
    /// The TOML read into `T`; a syntax or shape error names the line toml found it on.
    pub(super) fn parse<T: DeserializeOwned>(&self) -> Result<T, PackError> {
        toml::from_str(self.src).map_err(|e| PackError::Syntax {
            path: self.origin.to_owned(),
            line: e.span().map(|s| line_of(self.src, s.start)).unwrap_or(0),
            message: e.message().to_owned(),
        })
    }

    /// A refusal at the line where `span` starts (a table of an array of tables).
    fn invalid(&self, span: Range<usize>, key: String, message: String) -> PackError {
        PackError::Invalid {
            path: self.origin.to_owned(),
            line: line_of(self.src, span.start),
            key,
            message,
        }
    }

    /// A refusal of the `j`th term of the plain list at `key`, which carries no span.
    fn invalid_term(&self, key: &str, j: usize, term: &str, message: String) -> PackError {
        PackError::Invalid {
            path: self.origin.to_owned(),
            line: line_of_term(self.src, key, term),
            key: format!("{key}[{j}]"),
            message,
        }
    }
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

/// `[[entities]]`: the gazetteer. Each name and adjective becomes a pattern of its entity.
pub(super) fn entities(
    raw: &[Spanned<RawEntity>],
    builder: &mut Builder,
    ctx: &Ctx,
) -> Result<Vec<Entity>, PackError> {
    let mut ids = HashSet::new();
    let mut entities = Vec::with_capacity(raw.len());
    for (i, spanned) in raw.iter().enumerate() {
        let span = spanned.span();
        let e = spanned.get_ref();
        if !ids.insert(e.id.clone()) {
            return Err(ctx.invalid(
                span,
                format!("entities[{i}].id"),
                format!("duplicate entity id {:?}", e.id),
            ));
        }
        check_entity(i, e, &span, ctx)?;
        let idx = entities.len();
        for (j, name) in e.names.iter().enumerate() {
            builder
                .name(name, Target::Entity(idx))
                .map_err(|m| ctx.invalid(span.clone(), format!("entities[{i}].names[{j}]"), m))?;
        }
        for (j, adj) in e.adjectives.iter().enumerate() {
            builder
                .term(adj, Target::Entity(idx), Prefix::Any, Suffix::Adjective)
                .map_err(|m| {
                    ctx.invalid(span.clone(), format!("entities[{i}].adjectives[{j}]"), m)
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
    Ok(entities)
}

/// The `i`th entity's fields that stand alone: an ISO country code, at least one name (the
/// first is the one shown), coordinates on the globe.
fn check_entity(i: usize, e: &RawEntity, span: &Range<usize>, ctx: &Ctx) -> Result<(), PackError> {
    let refuse = |key: &str, message: String| {
        Err(ctx.invalid(span.clone(), format!("entities[{i}].{key}"), message))
    };
    if let Some(c) = e.country.as_ref().filter(|c| !valid_country(c)) {
        return refuse("country", format!("{c:?} is not an ISO 3166 alpha-2 code"));
    }
    if e.names.is_empty() {
        return refuse("names", "an entity needs at least one name".into());
    }
    if let (Some(lat), Some(lon)) = (e.lat, e.lon) {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return refuse("lat", "coordinates out of range".into());
        }
    }
    Ok(())
}

/// `[[ambiguity]]`: the context rules of names that are also common words. The alias must
/// be a name or adjective already compiled, so this runs right after `[[entities]]`; the map
/// gives the rule of each such term.
pub(super) fn ambiguity(
    raw: &[Spanned<RawAmbiguity>],
    builder: &Builder,
    ctx: &Ctx,
) -> Result<(Vec<Ambiguity>, HashMap<String, usize>), PackError> {
    let mut ambiguity = Vec::new();
    let mut ambiguity_of: HashMap<String, usize> = HashMap::new();
    for (i, spanned) in raw.iter().enumerate() {
        let a = spanned.get_ref();
        let alias = norm_term(&a.alias);
        if !builder.terms.contains(&alias) {
            return Err(ctx.invalid(
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
    Ok((ambiguity, ambiguity_of))
}

/// `[[events]]`: each rule needs a trigger; its other lists qualify the triggers near them.
pub(super) fn events(
    raw: &[Spanned<RawEvent>],
    builder: &mut Builder,
    ctx: &Ctx,
) -> Result<Vec<EventRule>, PackError> {
    let mut events = Vec::new();
    for (i, spanned) in raw.iter().enumerate() {
        let ev = spanned.get_ref();
        let span = spanned.span();
        if ev.triggers.is_empty() {
            return Err(ctx.invalid(
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
                    .map_err(|m| ctx.invalid(span.clone(), format!("events[{i}].{key}[{j}]"), m))?;
            }
        }
        events.push(EventRule {
            kind: ev.kind,
            weight: ev.weight.unwrap_or(4.0),
            has_requirements: !ev.requires_near.is_empty(),
        });
    }
    Ok(events)
}

/// A plain list of terms: its dotted key, its terms, what they mean.
pub(super) type TermList<'a> = (&'static str, &'a [String], Target);

/// Every plain list matched like triggers, in the order the automaton has always held them
/// (the sections interleave: `[place_roles]` comes in two parts around `[follow_ups]`).
pub(super) fn term_lists(raw: &RawPack) -> Vec<TermList<'_>> {
    let (actors, landmarks) = place_roles(&raw.place_roles);
    let mut lists = actors.to_vec();
    lists.extend(follow_ups(&raw.follow_ups));
    lists.extend(landmarks);
    lists.extend(term_tables(raw));
    lists.extend(figures(&raw.figures));
    lists
}

/// `[place_roles]`: words for actors and areas, then words for landmarks and background.
fn place_roles(r: &RawPlaceRoles) -> ([TermList<'_>; 3], [TermList<'_>; 2]) {
    (
        [
            ("place_roles.armed_men", &r.armed_men, Target::ArmedMen),
            ("place_roles.area", &r.area, Target::Area),
            ("place_roles.government", &r.government, Target::Government),
        ],
        [
            ("place_roles.landmark", &r.landmark, Target::Landmark),
            ("place_roles.background", &r.background, Target::Background),
        ],
    )
}

/// `[follow_ups]`: one list per kind of follow-up news.
fn follow_ups(f: &RawFollowUps) -> [TermList<'_>; 6] {
    let kind = Target::FollowUp;
    [
        ("follow_ups.release", &f.release, kind(FollowUp::Release)),
        ("follow_ups.funeral", &f.funeral, kind(FollowUp::Funeral)),
        (
            "follow_ups.investigation",
            &f.investigation,
            kind(FollowUp::Investigation),
        ),
        ("follow_ups.arrest", &f.arrest, kind(FollowUp::Arrest)),
        (
            "follow_ups.identified",
            &f.identified,
            kind(FollowUp::Identified),
        ),
        ("follow_ups.trial", &f.trial, kind(FollowUp::Trial)),
    ]
}

/// The sections that are one `terms` list (`[frames]`, `[security]`, `[claims]`...).
fn term_tables(raw: &RawPack) -> [TermList<'_>; 11] {
    [
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
    ]
}

/// `[figures]`: the words that say what a number counts, after it or before it.
fn figures(f: &RawFigures) -> [TermList<'_>; 6] {
    let (after, before) = (Side::AfterNumber, Side::BeforeNumber);
    [
        (
            "figures.killed_after",
            &f.killed_after,
            Target::Toll(Counted::Killed, after),
        ),
        (
            "figures.killed_before",
            &f.killed_before,
            Target::Toll(Counted::Killed, before),
        ),
        (
            "figures.wounded_after",
            &f.wounded_after,
            Target::Toll(Counted::Wounded, after),
        ),
        (
            "figures.wounded_before",
            &f.wounded_before,
            Target::Toll(Counted::Wounded, before),
        ),
        (
            "figures.kidnapped_after",
            &f.kidnapped_after,
            Target::Toll(Counted::Kidnapped, after),
        ),
        (
            "figures.kidnapped_before",
            &f.kidnapped_before,
            Target::Toll(Counted::Kidnapped, before),
        ),
    ]
}

/// The plain lists, matched like triggers: with verbal prefixes and inflections.
pub(super) fn vocabulary(
    lists: &[TermList<'_>],
    builder: &mut Builder,
    ctx: &Ctx,
) -> Result<(), PackError> {
    for &(key, terms, target) in lists {
        let forms = (Prefix::Verbal, Suffix::Inflection);
        add_terms((key, terms, target), forms, builder, ctx)?;
    }
    Ok(())
}

/// `[negators]`: particles are whole words, «لم» but not «لما» or «يلم».
pub(super) fn negators(raw: &RawTerms, builder: &mut Builder, ctx: &Ctx) -> Result<(), PackError> {
    let list = ("negators.terms", raw.terms.as_slice(), Target::Negator);
    add_terms(list, (Prefix::NoArticle, Suffix::None), builder, ctx)
}

fn add_terms(
    (key, terms, target): TermList<'_>,
    (prefix, suffix): (Prefix, Suffix),
    builder: &mut Builder,
    ctx: &Ctx,
) -> Result<(), PackError> {
    for (j, t) in terms.iter().enumerate() {
        builder
            .term(t, target, prefix, suffix)
            .map_err(|m| ctx.invalid_term(key, j, t, m))?;
    }
    Ok(())
}

/// `[[relative]]`: phrases naming a part of «the country», each standing for a gazetteer
/// entity when the text is about `country`. Gives each rule's country and entity index.
pub(super) fn relative(
    raw: &[Spanned<RawRelative>],
    entities: &[Entity],
    builder: &mut Builder,
    ctx: &Ctx,
) -> Result<Vec<(String, usize)>, PackError> {
    let mut relatives = Vec::new();
    for (i, spanned) in raw.iter().enumerate() {
        let r = spanned.get_ref();
        let span = spanned.span();
        let Some(entity) = entities.iter().position(|e| e.id == r.entity) else {
            return Err(ctx.invalid(
                span,
                format!("relative[{i}].entity"),
                format!("no entity with id {:?}", r.entity),
            ));
        };
        if !valid_country(&r.country) {
            return Err(ctx.invalid(
                span,
                format!("relative[{i}].country"),
                format!("{:?} is not an ISO 3166 alpha-2 code", r.country),
            ));
        }
        for (j, name) in r.names.iter().enumerate() {
            builder
                .name(name, Target::Relative(i))
                .map_err(|m| ctx.invalid(span.clone(), format!("relative[{i}].names[{j}]"), m))?;
        }
        relatives.push((r.country.clone(), entity));
    }
    Ok(relatives)
}

/// `[[confusable]]`: pairs of two different countries, each with a country entity; gives the
/// pairs as entity indices.
pub(super) fn confusable(
    raw: &[Spanned<RawConfusable>],
    entities: &[Entity],
    ctx: &Ctx,
) -> Result<Vec<[usize; 2]>, PackError> {
    let entity_of = |code: &String| {
        entities
            .iter()
            .position(|e| e.kind == EntityKind::Country && e.country.as_ref() == Some(code))
    };
    let mut confusables = Vec::new();
    for (i, spanned) in raw.iter().enumerate() {
        let refuse = |message: &str| {
            ctx.invalid(
                spanned.span(),
                format!("confusable[{i}].countries"),
                message.into(),
            )
        };
        match spanned.get_ref().countries.as_slice() {
            [a, b] if a != b => match (entity_of(a), entity_of(b)) {
                (Some(a), Some(b)) => confusables.push([a, b]),
                _ => return Err(refuse("each country needs an entity of kind \"country\"")),
            },
            _ => return Err(refuse("a pair of two different country codes")),
        }
    }
    Ok(confusables)
}

#[cfg(test)]
mod tests {
    use super::super::RulePack;

    /// Lines 1 to 3 of every pack below: each test's own TOML starts at line 4.
    const HEAD: &str = "[pack]\nname = \"x\"\nversion = 1\n";
    const MALI: &str = "[[entities]]\nid = \"ml\"\nkind = \"country\"\ncountry = \"ML\"\nscope = \"core\"\nnames = [\"مالي\"]\n";
    const NIGER: &str = "[[entities]]\nid = \"ne\"\nkind = \"country\"\ncountry = \"NE\"\nscope = \"core\"\nnames = [\"النيجر\"]\n";

    fn compiled(body: &str) -> RulePack {
        RulePack::from_toml(&format!("{HEAD}{body}"), "t.toml").expect("valid")
    }

    fn refusal(body: &str) -> String {
        RulePack::from_toml(&format!("{HEAD}{body}"), "t.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn entities() {
        let p = compiled(MALI);
        assert_eq!(p.entities.len(), 1);
        assert_eq!(p.entities_named("مالي"), ["ml"]);
        // The second entity's table starts at line 4 + 6.
        let e = refusal(&format!("{MALI}{MALI}"));
        assert!(
            e.starts_with("t.toml:10: key `entities[1].id`: duplicate"),
            "{e}"
        );
        let e = refusal(&MALI.replace("\"ML\"", "\"Mali\""));
        assert!(e.starts_with("t.toml:4: key `entities[0].country`"), "{e}");
        let e = refusal(&format!("{MALI}lat = 91.0\nlon = 0.0\n"));
        assert!(e.starts_with("t.toml:4: key `entities[0].lat`"), "{e}");
    }

    #[test]
    fn ambiguity() {
        let p = compiled(&format!("{MALI}[[ambiguity]]\nalias = \"مالي\"\n"));
        assert_eq!(p.ambiguity.len(), 1);
        assert!(p.patterns.iter().all(|p| p.ambiguity == Some(0)));
        let e = refusal(&format!("{MALI}[[ambiguity]]\nalias = \"تمبكتو\"\n"));
        assert!(e.starts_with("t.toml:10: key `ambiguity[0].alias`"), "{e}");
    }

    #[test]
    fn events() {
        let p = compiled("[[events]]\nkind = \"attack\"\ntriggers = [\"هجوم\"]\n");
        assert_eq!(p.events.len(), 1);
        assert_eq!(p.events[0].weight, 4.0);
        let e = refusal("[[events]]\nkind = \"attack\"\ntriggers = []\n");
        assert!(e.starts_with("t.toml:4: key `events[0].triggers`"), "{e}");
        let e =
            refusal("[[events]]\nkind = \"attack\"\ntriggers = [\"هجوم\"]\nexclude = [\"x\"]\n");
        assert!(e.starts_with("t.toml:4: key `events[0].exclude[0]`"), "{e}");
    }

    #[test]
    fn term_tables() {
        let p = compiled("[security]\nweight = 2.0\nterms = [\"مسلحين\"]\n");
        assert_eq!((p.security_weight, p.pattern_count()), (2.0, 1));
        let e = refusal("[frames]\nterms = [\"انتخابات\", \"x\"]\n");
        assert!(e.starts_with("t.toml:5: key `frames.terms[1]`"), "{e}");
    }

    #[test]
    fn figures() {
        assert_eq!(
            compiled("[figures]\nkilled_after = [\"قتيلا\"]\n").pattern_count(),
            1
        );
        let e = refusal("[figures]\nwounded_before = [\n  \"إصابة\",\n  \"ج\",\n]\n");
        assert!(
            e.starts_with("t.toml:7: key `figures.wounded_before[1]`"),
            "{e}"
        );
    }

    #[test]
    fn follow_ups_and_place_roles() {
        let p = compiled("[follow_ups]\ntrial = [\"محاكمة\"]\n[place_roles]\narea = [\"منطقة\"]\n");
        assert_eq!(p.pattern_count(), 2);
        let e = refusal("[place_roles]\nlandmark = [\"قرب\"]\narea = [\"ب\"]\n");
        assert!(e.starts_with("t.toml:6: key `place_roles.area[0]`"), "{e}");
    }

    #[test]
    fn negators() {
        assert_eq!(
            compiled("[negators]\nterms = [\"لم\"]\n").pattern_count(),
            1
        );
        let e = refusal("[negators]\nterms = [\"ل\"]\n");
        assert!(e.starts_with("t.toml:5: key `negators.terms[0]`"), "{e}");
    }

    #[test]
    fn relative() {
        let rule = "[[relative]]\nnames = [\"شمال البلاد\"]\ncountry = \"ML\"\n";
        let p = compiled(&format!("{MALI}{rule}entity = \"ml\"\n"));
        assert_eq!(p.relatives, [("ML".to_owned(), 0)]);
        let e = refusal(&format!("{MALI}{rule}entity = \"gao\"\n"));
        assert!(e.starts_with("t.toml:10: key `relative[0].entity`"), "{e}");
    }

    #[test]
    fn confusable() {
        let p = compiled(&format!(
            "{MALI}{NIGER}[[confusable]]\ncountries = [\"NE\", \"ML\"]\n"
        ));
        assert_eq!(p.confusables, [[1, 0]]);
        // The pair's table starts after two entities of 6 lines: 4 + 12.
        let e = refusal(&format!(
            "{MALI}{NIGER}[[confusable]]\ncountries = [\"NE\", \"NG\"]\n"
        ));
        assert!(
            e.starts_with("t.toml:16: key `confusable[0].countries`"),
            "{e}"
        );
    }
}
