//! Every incident an article tells (issue 31, item 4): a roundup that leads with an attack in
//! Mali and reports, paragraphs later, a kidnapping in Niger tells two incidents. The item's
//! main facts ([`Facts::of_item`]) are those of its headline and lead; this module finds the
//! others, each from the event sentences placed in another Sahel country, with the kinds,
//! places, actors, tolls and day of those sentences only, and takes them out of the main facts.
//!
//! Only another country makes another incident here: within one country, towns a roundup
//! names together are as often one operation (a raid on two neighbouring villages) as two,
//! and the main facts already hold them. Follow-up news (a claim, a funeral) tells no further
//! incident: what it says of other places is its actor's past. And a further incident is told
//! with its toll: a sentence that only says where the kidnappers went tells none.

use std::collections::{BTreeMap, BTreeSet};

use super::story::{is_sentence_break, signature, Facts, Place, UNDATED_SLACK};
use crate::detect::{Analysis, Entity, EntityKind, EventKind, Explanation, RulePack, Scope};

/// The sentences of the analysed text («headline, line break, body»), as the analysis's
/// offsets see them.
struct Sentences {
    full: String,
    breaks: Vec<usize>,
}

impl Sentences {
    fn of(title: &str, text: &str) -> Sentences {
        let full = format!("{}\n{text}", title.replace(['\n', '\r'], " "));
        let breaks = full
            .char_indices()
            .filter(|(_, c)| is_sentence_break(*c))
            .map(|(i, _)| i)
            .collect();
        Sentences { full, breaks }
    }

    /// The sentence an offset is in: sentence k runs up to the k-th break.
    fn at(&self, offset: usize) -> usize {
        self.breaks.partition_point(|&b| b < offset)
    }

    fn text(&self, k: usize) -> &str {
        let from = k.checked_sub(1).map_or(0, |j| {
            let b = self.breaks[j];
            b + self.full[b..].chars().next().map_or(1, char::len_utf8)
        });
        let to = self.breaks.get(k).copied().unwrap_or(self.full.len());
        self.full.get(from..to).unwrap_or_default()
    }
}

/// Place roles that say a mention is not where an event happened («قرب الحدود مع النيجر»,
/// «التي تنشط في مالي», a list of countries, armed men's nationality, a government).
fn is_role(rule: &str) -> bool {
    rule.strip_prefix("place:")
        .is_some_and(|role| role != "area")
}

fn entity_of<'a, 'r>(rules: &'r RulePack, e: &'a Explanation) -> Option<(&'a str, &'r Entity)> {
    let id = e.rule.strip_prefix("entity:")?;
    Some((id, rules.entity(id)?))
}

/// What the analysis says, sentence by sentence, for finding incidents.
struct Reading<'a> {
    rules: &'a RulePack,
    a: &'a Analysis,
    sentences: Sentences,
    /// Offsets of mentions in a role other than the event's place.
    roled: BTreeSet<usize>,
    recalled: Vec<(usize, usize)>,
    /// The kinds of events each sentence tells.
    events: BTreeMap<usize, Vec<EventKind>>,
}

impl<'a> Reading<'a> {
    fn of(rules: &'a RulePack, a: &'a Analysis, title: &str, text: &str) -> Reading<'a> {
        let sentences = Sentences::of(title, text);
        let recalled: Vec<(usize, usize)> = a
            .explanation
            .iter()
            .filter(|e| e.rule == crate::detect::RECALLED)
            .map(|e| (e.start, e.end))
            .collect();
        let mut r = Reading {
            rules,
            a,
            sentences,
            roled: a
                .explanation
                .iter()
                .filter(|e| is_role(&e.rule))
                .map(|e| e.start)
                .collect(),
            recalled,
            events: BTreeMap::new(),
        };
        let told: Vec<(usize, EventKind)> = a
            .explanation
            .iter()
            .filter(|e| r.told(e.start))
            .filter_map(|e| {
                let kind = e.rule.strip_prefix("event:").and_then(EventKind::parse)?;
                Some((r.sentences.at(e.start), kind))
            })
            .collect();
        for (s, kind) in told {
            push_new(r.events.entry(s).or_default(), kind);
        }
        r
    }

    fn told(&self, at: usize) -> bool {
        !self.recalled.iter().any(|&(s, t)| s <= at && at < t)
    }

    /// The places that locate something (no role), with their entity and sentence.
    fn places(&self) -> impl Iterator<Item = (&'a Explanation, &'a str, &'a Entity, usize)> + '_ {
        self.a
            .explanation
            .iter()
            .filter(|e| self.told(e.start) && !self.roled.contains(&e.start))
            .filter_map(|e| {
                let (id, entity) = entity_of(self.rules, e)?;
                Some((e, id, entity, self.sentences.at(e.start)))
            })
    }

    /// The countries the headline places its news in, or, when it places it nowhere, the
    /// main facts'.
    fn anchor(&self, title_len: usize, main: &Facts) -> Vec<String> {
        let headline: BTreeSet<String> = self
            .places()
            .filter(|(e, ..)| e.start < title_len)
            .filter_map(|(_, _, entity, _)| entity.country.clone())
            .filter(|c| main.countries.contains(c))
            .collect();
        if headline.is_empty() {
            main.countries.clone()
        } else {
            headline.into_iter().collect()
        }
    }
}

/// The incidents an article tells besides its headline's (see the module's documentation),
/// in the order the text tells them; the main facts lose what belongs to them (their
/// countries, places and tolls). `published` dates a further incident whose sentences give
/// no day.
pub(super) fn split_incidents(
    rules: &RulePack,
    a: &Analysis,
    (title, text): (&str, &str),
    published: i64,
    main: &mut Facts,
) -> Vec<Facts> {
    let follow_up = main.claimed || !main.follow_ups.is_empty();
    if main.countries.is_empty() || a.events.is_empty() || follow_up {
        return Vec::new();
    }
    let r = Reading::of(rules, a, title, text);
    let anchor = r.anchor(title.len(), main);
    // A sentence that places something in the headline's countries tells of its incident,
    // whatever else it names («the attackers fled towards Niger»).
    let anchored: BTreeSet<usize> = r
        .places()
        .filter(|(_, _, entity, _)| entity.country.as_ref().is_some_and(|c| anchor.contains(c)))
        .map(|(.., s)| s)
        .collect();
    let mut clusters: Vec<(String, Cluster)> = Vec::new();
    for (e, id, entity, s) in r.places() {
        let Some(country) = entity.country.clone() else {
            continue;
        };
        if !r.events.contains_key(&s) || anchored.contains(&s) || anchor.contains(&country) {
            continue;
        }
        let at = clusters.iter().position(|(c, _)| *c == country);
        let at = at.unwrap_or_else(|| {
            clusters.push((country.clone(), Cluster::default()));
            clusters.len() - 1
        });
        let area = a
            .explanation
            .iter()
            .any(|x| x.start == e.start && x.rule == crate::detect::AREA);
        clusters[at].1.add(s, id, entity, area);
    }
    // An incident of its own is told with its toll («قتل نحو ثلاثين مدنيا»): a sentence that
    // only names where the kidnappers went or what the group did before tells none.
    let tolled = |c: &Cluster| {
        ["killed", "wounded", "kidnapped"]
            .iter()
            .any(|what| figure_in(&r, what, |s| c.sentences.contains(&s)).is_some())
    };
    let further: Vec<Facts> = clusters
        .into_iter()
        .filter(|(_, c)| c.in_scope && tolled(c))
        .map(|(country, c)| c.facts(country, &r, published, main))
        .collect();
    if !further.is_empty() {
        without(main, &further, &r);
    }
    further
}

fn push_new<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// The event sentences of one other country, with what they name.
#[derive(Default)]
struct Cluster {
    sentences: BTreeSet<usize>,
    cities: Vec<Place>,
    regions: Vec<Place>,
    groups: Vec<String>,
    /// A Sahel town, region or core country is among its places.
    in_scope: bool,
}

impl Cluster {
    fn add(&mut self, sentence: usize, id: &str, entity: &Entity, area: bool) {
        self.sentences.insert(sentence);
        let place = Place {
            id: id.to_owned(),
            at: entity.lat.zip(entity.lon),
        };
        match entity.kind {
            EntityKind::City if !area => push_new(&mut self.cities, place),
            EntityKind::City | EntityKind::Region => push_new(&mut self.regions, place),
            EntityKind::Group => push_new(&mut self.groups, id.to_owned()),
            _ => {}
        }
        let sahel = matches!(entity.scope, Scope::Core | Scope::Border);
        self.in_scope |= sahel
            && entity.kind != EntityKind::Group
            && (entity.kind != EntityKind::Country || entity.scope == Scope::Core);
    }

    fn facts(self, country: String, r: &Reading<'_>, published: i64, main: &Facts) -> Facts {
        let mut kinds: Vec<EventKind> = Vec::new();
        for s in &self.sentences {
            for k in &r.events[s] {
                push_new(&mut kinds, *k);
            }
        }
        let figure = |what: &str| figure_in(r, what, |s| self.sentences.contains(&s));
        // The words of its own sentences, for the text signature and its day.
        let words: Vec<&str> = self
            .sentences
            .iter()
            .map(|&k| r.sentences.text(k))
            .collect();
        let words = words.join(" ");
        let (event_first, event_last, days) = match day_in(&words, published) {
            Some(day) => (day * DAY + DAY / 2, day * DAY + DAY / 2, vec![day]),
            // «ووقع الهجوم في اليوم نفسه الذي قتل فيه 58 مدنيا»: the main incident's day.
            None if same_day(&words) && !main.days.is_empty() => {
                (main.event_first, main.event_last, main.days.clone())
            }
            None => (published - UNDATED_SLACK, published, Vec::new()),
        };
        Facts {
            kinds,
            countries: vec![country],
            cities: self.cities,
            regions: self.regions,
            groups: self.groups,
            killed: figure("killed"),
            wounded: figure("wounded"),
            kidnapped: figure("kidnapped"),
            event_first,
            event_last,
            days,
            publishers: main.publishers.clone(),
            signature: signature("", &words, &[]),
            ..Facts::default()
        }
    }
}

const DAY: i64 = 86_400;

/// The day (unix days) the words give an event, if they give one no later than `published`.
fn day_in(words: &str, published: i64) -> Option<i64> {
    let day = chrono::DateTime::from_timestamp(published, 0)?.date_naive();
    let norm = crate::arabic::normalize(words).text;
    let toks = crate::arabic::tokens(&norm);
    let words: Vec<&str> = toks.iter().map(|t| t.text(&norm)).collect();
    let m = crate::arabic::dates_in(&words, day).into_iter().next()?;
    // A span («مطلع الشهر») gives no one day.
    (m.from == m.date).then(|| {
        m.date
            .and_hms_opt(12, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp()
            .div_euclid(DAY)
    })
}

/// Whether the words say «the same day» («في اليوم نفسه», «في اليوم ذاته», «في نفس اليوم»):
/// the day of the article's main incident.
fn same_day(words: &str) -> bool {
    let norm = crate::arabic::normalize(words).text;
    let toks = crate::arabic::tokens(&norm);
    let w: Vec<&str> = toks.iter().map(|t| t.text(&norm)).collect();
    w.windows(2).any(|p| {
        matches!(
            p,
            ["اليوم", "نفسه" | "ذاته"] | ["نفس", "اليوم"] | ["ذات", "اليوم"]
        )
    })
}

/// The largest figure of a kind in the sentences `within` keeps.
fn figure_in(r: &Reading<'_>, what: &str, within: impl Fn(usize) -> bool) -> Option<u32> {
    let rule = format!("figure:{what}");
    r.a.explanation
        .iter()
        .filter(|e| e.rule == rule && r.told(e.start) && within(r.sentences.at(e.start)))
        .filter_map(|e| e.term.parse::<u32>().ok())
        .max()
}

/// The main facts without what the further incidents hold: their countries, their places,
/// and tolls of their sentences (a roundup's largest toll may be the other incident's).
fn without(main: &mut Facts, further: &[Facts], r: &Reading<'_>) {
    let theirs: BTreeSet<&str> = further
        .iter()
        .flat_map(|f| f.countries.iter().map(String::as_str))
        .collect();
    let keep = |p: &Place| {
        r.rules
            .entity(&p.id)
            .and_then(|e| e.country.as_deref())
            .is_none_or(|c| !theirs.contains(c))
    };
    main.countries.retain(|c| !theirs.contains(c.as_str()));
    main.cities.retain(keep);
    main.regions.retain(keep);
    let other: BTreeSet<usize> = r
        .places()
        .filter(|(_, _, e, _)| e.country.as_deref().is_some_and(|c| theirs.contains(c)))
        .map(|(.., s)| s)
        .collect();
    let own = |s: usize| !other.contains(&s);
    if main.killed.is_some() {
        main.killed = figure_in(r, "killed", own);
    }
    if main.wounded.is_some() {
        main.wounded = figure_in(r, "wounded", own);
    }
    if main.kidnapped.is_some() {
        main.kidnapped = figure_in(r, "kidnapped", own);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::analyze;

    fn incidents(title: &str, text: &str) -> (Facts, Vec<Facts>) {
        let rules = RulePack::bundled();
        let a = analyze(&rules, title, text);
        let mut main = Facts::of_item(&rules, &a, title, text, (0, 0));
        let more = split_incidents(&rules, &a, (title, text), 10 * DAY, &mut main);
        (main, more)
    }

    fn ids(places: &[Place]) -> Vec<&str> {
        places.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn a_roundup_tells_an_incident_in_another_country() {
        let (main, more) = incidents(
            "مقتل 12 جنديا في هجوم على معسكر للجيش المالي قرب غاو",
            "قتل 12 جنديا ماليا فجر اليوم في هجوم شنه مسلحون على معسكر للجيش قرب مدينة غاو شمال \
             مالي. وأعلن الجيش أنه صد الهجوم.\n\
             وفي النيجر المجاورة، اختطف مسلحون 7 أشخاص في هجوم على قرية قرب تيلابيري.",
        );
        assert_eq!(main.countries, ["ML"]);
        assert_eq!(more.len(), 1, "{more:?}");
        let niger = &more[0];
        assert_eq!(niger.countries, ["NE"]);
        assert!(
            ids(&niger.cities).contains(&"ne-tillaberi")
                || ids(&niger.regions).contains(&"ne-tillaberi"),
            "{niger:?}"
        );
        assert!(
            niger.kinds.contains(&EventKind::Kidnapping),
            "{:?}",
            niger.kinds
        );
        assert_eq!(niger.kidnapped, Some(7));
        assert_eq!(niger.killed, None, "Mali's toll is not Niger's");
    }

    #[test]
    fn an_incident_of_the_same_day_is_dated_by_the_main_one() {
        let rules = RulePack::bundled();
        let title = "الجيش المالي: 33 قتيلا في هجوم تيسيت";
        let text = "قتل 33 جنديا في هجوم على قافلة للجيش في تيسيت بإقليم غاو أمس. \
                    ووقع الهجوم في اليوم نفسه الذي قتل فيه 58 مدنيا في هجمات بمنطقة تيلابيري في النيجر المجاورة.";
        let a = analyze(&rules, title, text);
        let mut main = Facts::of_item(&rules, &a, title, text, (9 * DAY, 9 * DAY));
        let more = split_incidents(&rules, &a, (title, text), 10 * DAY, &mut main);
        assert_eq!(more.len(), 1, "{more:?}");
        assert_eq!(more[0].days, [9]);
        assert_eq!(more[0].killed, Some(58));
        assert_ne!(main.killed, Some(58), "Niger's toll is not Mali's");
    }

    #[test]
    fn a_place_in_the_main_incident_s_sentence_is_of_it() {
        let (_, more) = incidents(
            "النيجر: اختطاف سبعة أشخاص في بلدة تومور بمنطقة ديفا",
            "خطف مسلحون سبعة من سكان بلدة تومور في منطقة ديفا ثم فروا إلى جزر بحيرة تشاد.",
        );
        assert!(more.is_empty(), "{more:?}");
    }

    #[test]
    fn a_border_a_background_or_a_recalled_attack_is_no_other_incident() {
        let (_, more) = incidents(
            "مقتل 12 جنديا في هجوم قرب غاو",
            "قتل 12 جنديا ماليا في هجوم قرب غاو قرب الحدود مع النيجر. \
             وتنشط الجماعة أيضا في بوركينا فاسو. \
             ويأتي الهجوم بعد أيام من هجوم في تيلابيري بالنيجر قتل فيه 20 جنديا.",
        );
        assert!(more.is_empty(), "{more:?}");
    }

    #[test]
    fn an_incident_outside_the_sahel_is_not_told() {
        let (main, more) = incidents(
            "كمين لبوكو حرام في منطقة البحيرة بتشاد",
            "قتل 10 جنود تشاديين في كمين نصبه مسلحون من بوكو حرام في ولاية البحيرة غرب تشاد. \
             وفي الكاميرون، قتل مسلحون 5 قرويين في هجوم على قرية في أقصى الشمال.",
        );
        assert_eq!(main.countries, ["TD"]);
        assert!(more.is_empty(), "{more:?}");
    }
}
