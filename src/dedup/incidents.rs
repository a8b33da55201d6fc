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

use super::story::{signature, spans_of, Facts, Place, Sentences, UNDATED_SLACK};
use crate::detect::{Analysis, Entity, EntityKind, EventKind, Explanation, RulePack, Scope};

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
        let recalled = spans_of(a, crate::detect::RECALLED);
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
        // «وفي حادث منفصل، اصطدمت حافلة بلغم أرضي ... ما أسفر عن مقتل 3 أشخاص قرب قرية وومبي»:
        // a separate incident with a toll is one of the kinds the article tells, even where
        // no known place lets the analysis place its words.
        let tolled: BTreeSet<usize> = a
            .explanation
            .iter()
            .filter(|e| e.rule.starts_with("figure:") || e.rule.starts_with("toll:"))
            .filter(|e| r.told(e.start))
            .map(|e| r.sentences.at(e.start))
            .collect();
        let separated: Vec<usize> = a
            .explanation
            .iter()
            .filter(|e| e.rule == "separate")
            .map(|e| r.sentences.at(e.start))
            .filter(|k| tolled.contains(k) && !r.events.contains_key(k))
            .collect();
        for k in separated {
            r.events.insert(k, a.events.clone());
        }
        r
    }

    /// The event sentences that tell another incident than the headline's: the one a
    /// separation word opens («وفي حادث منفصل، ...») and the next when it names no place
    /// («وقال إن ثلاثة أشخاص قتلوا»), each with the sentence that opens it.
    fn separate_sentences(&self) -> BTreeMap<usize, usize> {
        let placed: BTreeSet<usize> = self.places().map(|(.., s)| s).collect();
        let mut out = BTreeMap::new();
        for e in self.a.explanation.iter().filter(|e| e.rule == "separate") {
            let k = self.sentences.at(e.start);
            if !self.events.contains_key(&k) {
                continue;
            }
            out.insert(k, k);
            if self.events.contains_key(&(k + 1)) && !placed.contains(&(k + 1)) {
                out.insert(k + 1, k);
            }
        }
        out
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

impl Facts {
    /// The other incidents the item's text tells besides its headline's (a roundup's
    /// paragraph on another country), taken out of these facts: see this module.
    pub fn split_incidents(
        &mut self,
        rules: &RulePack,
        a: &Analysis,
        texts: (&str, &str),
        published: i64,
    ) -> Vec<Facts> {
        split_incidents(rules, a, texts, published, self)
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
    let separate = r.separate_sentences();
    // A sentence that places something in the headline's countries tells of its incident,
    // whatever else it names («the attackers fled towards Niger»), unless it opens another.
    let anchored: BTreeSet<usize> = r
        .places()
        .filter(|(_, _, entity, _)| entity.country.as_ref().is_some_and(|c| anchor.contains(c)))
        .map(|(.., s)| s)
        .filter(|s| !separate.contains_key(s))
        .collect();
    // Clusters by key: another country's code, or «#k» for the incident sentence k opens.
    let mut clusters: Vec<(String, String, Cluster)> = Vec::new();
    let mut cluster = |key: String, country: &str| -> usize {
        clusters
            .iter()
            .position(|(k, ..)| *k == key)
            .unwrap_or_else(|| {
                clusters.push((key, country.to_owned(), Cluster::default()));
                clusters.len() - 1
            })
    };
    let mut at_of: Vec<(usize, usize)> = Vec::new();
    for (&s, &opener) in &separate {
        at_of.push((s, cluster(format!("#{opener}"), &anchor[0])));
    }
    let mut adds: Vec<(usize, usize, &str, &Entity, bool)> = Vec::new();
    for (e, id, entity, s) in r.places() {
        let Some(country) = entity.country.clone() else {
            continue;
        };
        if !r.events.contains_key(&s) || anchored.contains(&s) {
            continue;
        }
        let at = match separate.get(&s) {
            Some(opener) if anchor.contains(&country) => cluster(format!("#{opener}"), &country),
            _ if anchor.contains(&country) => continue,
            _ => cluster(country.clone(), &country),
        };
        let area = a
            .explanation
            .iter()
            .any(|x| x.start == e.start && x.rule == crate::detect::AREA);
        adds.push((at, s, id, entity, area));
    }
    for (at, s, id, entity, area) in adds {
        clusters[at].2.add(s, id, entity, area);
    }
    for (s, at) in at_of {
        clusters[at].2.sentences.insert(s);
    }
    // An incident of its own is told with its toll («قتل نحو ثلاثين مدنيا»): a sentence that
    // only names where the kidnappers went or what the group did before tells none.
    let tolled = |c: &Cluster| {
        ["killed", "wounded", "kidnapped"]
            .iter()
            .any(|what| figure_in(&r, what, |s| c.sentences.contains(&s)).is_some())
    };
    let kept: Vec<(String, String, Cluster)> = clusters
        .into_iter()
        .filter_map(|(key, country, mut c)| {
            // Another incident of the headline's country that names no place of its own is
            // in the region the article is about («قرب قرية وومبي», a village no gazetteer
            // holds, in Borno).
            if key.starts_with('#') && c.cities.is_empty() && c.regions.is_empty() {
                c.regions = main.regions.clone();
                c.in_scope = !c.regions.is_empty() || main.countries.contains(&country);
                c.inherited = true;
            }
            (c.in_scope && tolled(&c)).then_some((key, country, c))
        })
        .collect();
    if kept.is_empty() {
        return Vec::new();
    }
    without(main, &kept, &anchor, &r);
    kept.into_iter()
        .map(|(_, country, c)| c.facts(country, &r, published, main))
        .collect()
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
    /// Its places are the article's region, not its own.
    inherited: bool,
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
        for k in self
            .sentences
            .iter()
            .filter_map(|s| r.events.get(s))
            .flatten()
        {
            push_new(&mut kinds, *k);
        }
        let figure = |what: &str| figure_in(r, what, |s| self.sentences.contains(&s));
        // The words of its own sentences, for the text signature and its day.
        let words: Vec<&str> = self
            .sentences
            .iter()
            .map(|&k| r.sentences.text(k))
            .collect();
        let words = words.join(" ");
        let norm = crate::arabic::normalize(&words).text;
        let toks = crate::arabic::tokens(&norm);
        let normalized: Vec<&str> = toks.iter().map(|t| t.text(&norm)).collect();
        let (event_first, event_last, days) = match day_in(&normalized, published) {
            Some(day) => (day * DAY + DAY / 2, day * DAY + DAY / 2, vec![day]),
            // «ووقع الهجوم في اليوم نفسه الذي قتل فيه 58 مدنيا»: the main incident's day.
            None if same_day(&normalized) && !main.days.is_empty() => {
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
fn day_in(words: &[&str], published: i64) -> Option<i64> {
    let day = chrono::DateTime::from_timestamp(published, 0)?.date_naive();
    let m = crate::arabic::dates_in(words, day).into_iter().next()?;
    // A span («مطلع الشهر») gives no one day.
    (m.from == m.date).then(|| (m.date - chrono::NaiveDate::default()).num_days())
}

/// Whether the words say «the same day» («في اليوم نفسه», «في اليوم ذاته», «في نفس اليوم»):
/// the day of the article's main incident.
fn same_day(words: &[&str]) -> bool {
    words.windows(2).any(|p| {
        matches!(
            p,
            ["اليوم", "نفسه" | "ذاته"] | ["نفس", "اليوم"] | ["ذات", "اليوم"]
        )
    })
}

/// The largest figure of a kind in the sentences `within` keeps.
fn figure_in(r: &Reading<'_>, what: &str, within: impl Fn(usize) -> bool) -> Option<u32> {
    // The figure the analysis counts, and its other readings (`toll:KIND`).
    let (figure, toll) = (format!("figure:{what}"), format!("toll:{what}"));
    r.a.explanation
        .iter()
        .filter(|e| e.rule == figure || e.rule == toll)
        .filter(|e| r.told(e.start) && within(r.sentences.at(e.start)))
        .filter_map(|e| e.term.parse::<u32>().ok())
        .max()
}

/// The main facts without what the further incidents hold: the countries of other countries'
/// incidents, the places named only for them, and tolls of their sentences (a roundup's
/// largest toll may be the other incident's).
fn without(
    main: &mut Facts,
    further: &[(String, String, Cluster)],
    anchor: &[String],
    r: &Reading<'_>,
) {
    let theirs: BTreeSet<&str> = further
        .iter()
        .map(|(_, country, _)| country.as_str())
        .filter(|c| !anchor.iter().any(|a| a == c))
        .collect();
    let places: BTreeSet<&str> = further
        .iter()
        .filter(|(.., c)| !c.inherited)
        .flat_map(|(.., c)| c.cities.iter().chain(&c.regions).map(|p| p.id.as_str()))
        .collect();
    let keep = |p: &Place| {
        !places.contains(p.id.as_str())
            && r.rules
                .entity(&p.id)
                .and_then(|e| e.country.as_deref())
                .is_none_or(|c| !theirs.contains(c))
    };
    main.countries.retain(|c| !theirs.contains(c.as_str()));
    main.cities.retain(keep);
    main.regions.retain(keep);
    let other: BTreeSet<usize> = further
        .iter()
        .flat_map(|(.., c)| c.sentences.iter().copied())
        .chain(
            r.places()
                .filter(|(_, _, e, _)| e.country.as_deref().is_some_and(|c| theirs.contains(c)))
                .map(|(.., s)| s),
        )
        .collect();
    let own = |s: usize| !other.contains(&s);
    for (toll, what) in [
        (&mut main.killed, "killed"),
        (&mut main.wounded, "wounded"),
        (&mut main.kidnapped, "kidnapped"),
    ] {
        if toll.is_some() {
            *toll = figure_in(r, what, own);
        }
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
    fn a_separate_incident_in_the_same_country_is_one_of_its_own() {
        // After Sky News Arabia, 24 April 2018 (labelled as two incidents in 2018-04.json),
        // with the second village one the gazetteer holds: the analysis places an event only
        // by a known place, and «قرب قرية وومبي» names none.
        let (main, more) = incidents(
            "اعتداءات لبوكو حرام توقع عشرات الضحايا",
            "قتل 21 شخصا وأصيب 11 آخرين، الاثنين، من جراء عدة اعتداءات شنها مسلحون من جماعة بوكو \
             حرام في شمال شرقي نيجيريا.\n\
             وفتح المسلحون النار على 18 عاملا كانوا يجمعون الحطب قرب بلدة غامبورو على الحدود مع \
             الكاميرون.\n\
             وقال عضو آخر في الميليشيا إن الجثث تناثرت على مسافة مئات الأمتار.\n\
             وفي حادث منفصل، اصطدمت حافلة تحمل مدنيين بلغم أرضي زرعه المسلحون قرب بلدة دامبوا، \
             ما أسفر عن مقتل 3 أشخاص.",
        );
        assert_eq!(more.len(), 1, "{more:?}");
        assert_eq!(more[0].countries, main.countries);
        assert_eq!(ids(&more[0].cities), ["ng-damboa"]);
        assert!(!ids(&main.cities).contains(&"ng-damboa"), "{main:?}");
        assert_eq!(more[0].killed, Some(3));
        assert_ne!(main.killed, Some(3));
    }

    #[test]
    fn a_separation_word_in_a_sentence_of_no_event_is_nothing() {
        // Sky News Arabia, 24 April 2018, as its feed gave it: the separate incident's
        // sentence tells no event the analysis placed.
        let (main, more) = incidents(
            "اعتداءات لبوكو حرام توقع عشرات الضحايا",
            "قتل 21 شخصا في شمال شرقي نيجيريا. وفي حادث منفصل، قال عضو في ميليشيا إن الجثث تناثرت.",
        );
        assert!(more.is_empty(), "{more:?}");
        assert_eq!(main.countries, ["NG"]);
    }

    #[test]
    fn a_separate_incident_at_a_village_no_gazetteer_holds_is_in_the_article_s_region() {
        // Sky News Arabia, 24 April 2018, as its page gives it (2018-04.json: two incidents).
        let (main, more) = incidents(
            "اعتداءات لبوكو حرام توقع عشرات الضحايا",
            "قتل 21 شخصا وأصيب 11 آخرين، الاثنين، من جراء عدة اعتداءات شنها مسلحون من جماعة بوكو \
             حرام في شمال شرقي نيجيريا.\n\
             وفتح المسلحون النار على 18 عاملا كانوا يجمعون الحطب في ولاية برونو قرب بلدة غامبورو \
             على الحدود مع الكاميرون.\n\
             وفي حادث منفصل، اصطدمت حافلة تحمل مدنيين بلغم أرضي زرعه المسلحون، ما أسفر عن مقتل 3 \
             اشخاص قرب قرية وومبي، على ما أفاد عضو في ميليشيا أخرى.",
        );
        assert_eq!(more.len(), 1, "{more:?}");
        assert_eq!(more[0].countries, ["NG"]);
        assert_eq!(more[0].killed, Some(3));
        assert_eq!(more[0].kinds, [EventKind::Attack]);
        assert_eq!(main.killed, Some(21));
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
