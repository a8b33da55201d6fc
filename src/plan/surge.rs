//! Whether a place suddenly fills the news (EMM's «breaking news»): named by many distinct
//! publishers within a short window, far above its usual rate. A surge is not an incident: it
//! says «look here» when a town is in every outlet before any rule has recognised an event (a
//! wording the rules miss, a coup, a new kind of incident). Pure: the store reads the
//! mentions, this decides, the store writes the notice.

use std::time::Duration;

use super::AlertTo;
use crate::detect::{Analysis, Entity, EntityKind, RulePack, Scope};

/// `[surge]` of the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct SurgePolicy {
    pub enabled: bool,
    /// Distinct publishers that must name the place within `window`.
    pub min_publishers: u32,
    /// And how many times its usual rate for such a window that must be.
    pub min_ratio: f64,
    pub window: Duration,
    /// How far back the usual rate is counted (the mentions are kept that long).
    pub baseline: Duration,
    /// An item published longer than this before it was fetched counts for the baseline but
    /// does not make a surge: a backlog read at the first start is not breaking news.
    pub fresh_within: Duration,
}

impl SurgePolicy {
    /// The default `min_publishers` for a daemon watching `publishers` distinct publishers: a
    /// quarter of them, at least 2 (one outlet repeating itself is no surge) and at most 5.
    /// A fixed count means nothing apart from the feed list: 3 of 6 outlets within an hour
    /// never happened in nine months of the 2018 stream (its largest incidents reached two
    /// outlets), while 3 of 60 would notify on every busy morning.
    pub fn min_publishers_for(publishers: usize) -> u32 {
        let quarter = u32::try_from(publishers.div_ceil(4)).unwrap_or(u32::MAX);
        quarter.clamp(2, 5)
    }
}

impl Default for SurgePolicy {
    fn default() -> Self {
        SurgePolicy {
            enabled: true,
            min_publishers: 3,
            min_ratio: 10.0,
            window: Duration::from_secs(3600),
            baseline: Duration::from_secs(28 * 86_400),
            fresh_within: Duration::from_secs(6 * 3600),
        }
    }
}

/// What an item brings to surges: who published it and when, whether that is recent enough
/// to be breaking news, and the places of the gazetteer it names, each with the recipients a
/// notice about it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct SurgeInput {
    pub publisher: String,
    pub at: i64,
    pub fresh: bool,
    pub places: Vec<SurgePlace>,
}

/// A place an item names, for surges.
#[derive(Debug, Clone, PartialEq)]
pub struct SurgePlace {
    /// The gazetteer's id.
    pub id: String,
    /// Its English name, for the notice's line.
    pub name: String,
    pub to: Vec<AlertTo>,
}

/// The most places of one item counted (a round-up naming twenty towns is not twenty
/// mentions of news).
pub const MAX_PLACES_PER_ITEM: usize = 8;

/// The places of an analysed item that count towards surges: the Sahel's towns and regions
/// of one country (not the Sahel as a whole, which half the region's news names), and only
/// where the text also names that country or another of its places: «ديفا» alone in a story
/// about Michigan is a name, not Diffa.
///
/// They come in the order the text first names them, so that the notice of an item that
/// completes surges at two places (one per item) names the place the news is about
/// («دابشي»), not one it recalls further down («على غرار فتيات شيبوك»).
pub fn surge_places<'r>(rules: &'r RulePack, analysis: &Analysis) -> Vec<&'r Entity> {
    let first_named = |id: &str| {
        let rule = format!("entity:{id}");
        analysis
            .explanation
            .iter()
            .filter(|x| x.rule == rule)
            .map(|x| x.start)
            .min()
            .unwrap_or(usize::MAX)
    };
    let mut named: Vec<&Entity> = analysis
        .entities
        .iter()
        .filter_map(|id| rules.entity(id))
        .collect();
    named.sort_by_cached_key(|e| first_named(&e.id));
    let country_named = |e: &Entity| {
        let c = e.country.as_deref();
        analysis.countries.iter().any(|x| Some(x.as_str()) == c)
            || named
                .iter()
                .any(|o| o.id != e.id && o.country.as_deref() == c)
    };
    named
        .iter()
        .copied()
        .filter(|e| matches!(e.kind, EntityKind::City | EntityKind::Region))
        .filter(|e| matches!(e.scope, Scope::Core | Scope::Border))
        .filter(|e| e.country.is_some() && country_named(e))
        .take(MAX_PLACES_PER_ITEM)
        .collect()
}

/// At most one notice per place in this time.
pub const ONE_NOTICE_PER: i64 = 86_400;

/// One item naming the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub publisher: String,
    pub at: i64,
    pub item_id: i64,
}

/// What the store knows of a place when an item names it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceState {
    /// The mentions within `window` before the new one, and the new one.
    pub recent: Vec<Mention>,
    /// Items that named it in the baseline period before the window.
    pub baseline_mentions: u32,
    /// When its latest surge notice was sent.
    pub last_notice: Option<i64>,
}

/// A surge to notify.
#[derive(Debug, Clone, PartialEq)]
pub struct Surge {
    pub place: String,
    /// The mention that completed it.
    pub at: i64,
    pub item_id: i64,
    /// The publishers, in the order they named the place.
    pub publishers: Vec<String>,
    /// From the first publisher's mention to the one that completed the surge.
    pub minutes: u32,
    /// Mentions a day, usually.
    pub usual_per_day: f64,
    /// The first item of each publisher.
    pub items: Vec<i64>,
    pub alerts: Vec<AlertTo>,
}

/// The surge that item `new` (one of `state.recent`) makes at `place`, if it makes one:
/// some window of `policy.window` that holds it also holds the first mentions of enough
/// distinct publishers. Items arrive out of order (feeds are polled apart), so the window may
/// lie before or after the new item; at most one notice a day per place keeps the next
/// mentions of the same burst from notifying again.
pub fn plan_surge(
    policy: &SurgePolicy,
    place: &str,
    state: &PlaceState,
    new: i64,
    fresh: bool,
    to: &[AlertTo],
) -> Option<Surge> {
    if !policy.enabled || !fresh {
        return None;
    }
    let newest = state.recent.iter().find(|m| m.item_id == new)?;
    if state
        .last_notice
        .is_some_and(|t| (newest.at - t).abs() < ONE_NOTICE_PER)
    {
        return None;
    }
    let days = policy.baseline.as_secs_f64() / 86_400.0;
    let usual_per_day = f64::from(state.baseline_mentions) / days.max(1.0);
    let usual_per_window = usual_per_day * policy.window.as_secs_f64() / 86_400.0;
    // The bar: enough publishers, and that many times the usual rate.
    let bar = (policy.min_ratio * usual_per_window)
        .ceil()
        .max(f64::from(policy.min_publishers)) as usize;
    let window = policy.window.as_secs() as i64;
    let mut recent: Vec<&Mention> = state.recent.iter().collect();
    recent.sort_by_key(|m| (m.at, m.item_id));
    // The earliest window, starting at a mention, that holds the new item and reaches the bar.
    let firsts = recent.iter().enumerate().find_map(|(i, start)| {
        let inside: Vec<&Mention> = recent[i..]
            .iter()
            .copied()
            .take_while(|m| m.at - start.at <= window)
            .collect();
        if !inside.iter().any(|m| m.item_id == new) {
            return None;
        }
        let mut firsts: Vec<&Mention> = Vec::new();
        for m in inside {
            if !firsts.iter().any(|f| f.publisher == m.publisher) {
                firsts.push(m);
            }
        }
        (firsts.len() >= bar).then(|| firsts[..bar].to_vec())
    })?;
    let completed = firsts.last()?;
    Some(Surge {
        place: place.to_owned(),
        at: completed.at,
        item_id: new,
        publishers: firsts.iter().map(|m| m.publisher.clone()).collect(),
        minutes: ((completed.at - firsts[0].at).max(0) / 60) as u32,
        usual_per_day,
        items: firsts.iter().map(|m| m.item_id).collect(),
        alerts: to.to_vec(),
    })
}

impl Surge {
    /// «Ouagadougou: 5 outlets in 40 min, usual < 1 a day».
    pub fn line(&self, name: &str) -> String {
        let usual = if self.usual_per_day < 1.0 {
            "usual < 1 a day".to_owned()
        } else {
            format!("usual {:.0} a day", self.usual_per_day)
        };
        format!(
            "{name}: {} outlets in {} min, {usual}",
            self.publishers.len(),
            self.minutes
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(publisher: &str, minute: i64, item_id: i64) -> Mention {
        Mention {
            publisher: publisher.into(),
            at: 1_000_000 + minute * 60,
            item_id,
        }
    }

    fn state(recent: Vec<Mention>, baseline_mentions: u32) -> PlaceState {
        PlaceState {
            recent,
            baseline_mentions,
            last_notice: None,
        }
    }

    #[test]
    fn the_third_outlet_within_the_hour_makes_a_surge_at_a_quiet_place() {
        let p = SurgePolicy::default();
        let s = state(
            vec![m("a", 0, 1), m("a", 5, 2), m("b", 20, 3), m("c", 40, 4)],
            3,
        );
        let surge = plan_surge(&p, "bf-ouagadougou", &s, 4, true, &[]).expect("a surge");
        assert_eq!(surge.publishers, ["a", "b", "c"]);
        assert_eq!((surge.minutes, surge.item_id), (40, 4));
        assert_eq!(surge.items, [1, 3, 4]);
        assert_eq!(
            surge.line("Ouagadougou"),
            "Ouagadougou: 3 outlets in 40 min, usual < 1 a day"
        );
    }

    #[test]
    fn two_outlets_or_one_outlet_many_times_is_not_a_surge() {
        let p = SurgePolicy::default();
        let two = state(vec![m("a", 0, 1), m("b", 10, 2), m("b", 20, 3)], 0);
        assert_eq!(plan_surge(&p, "x", &two, 3, true, &[]), None);
    }

    #[test]
    fn a_place_always_in_the_news_needs_many_more_outlets() {
        let p = SurgePolicy::default();
        // Named 30 times a day for four weeks: 1.25 an hour, so 10 times that is 12.5.
        let busy = state(vec![m("a", 0, 1), m("b", 10, 2), m("c", 20, 3)], 30 * 28);
        assert_eq!(plan_surge(&p, "x", &busy, 3, true, &[]), None);
    }

    #[test]
    fn a_place_notifies_once_a_day() {
        let p = SurgePolicy::default();
        let mut fourth = state(
            vec![m("a", 0, 1), m("b", 10, 2), m("c", 20, 3), m("d", 30, 4)],
            0,
        );
        fourth.last_notice = Some(1_000_000 + 20 * 60);
        assert_eq!(
            plan_surge(&p, "x", &fourth, 4, true, &[]),
            None,
            "the third sent it"
        );
        let mut again = state(vec![m("a", 0, 1), m("b", 10, 2), m("c", 20, 3)], 0);
        again.last_notice = Some(1_000_000 - 3600);
        assert_eq!(plan_surge(&p, "x", &again, 3, true, &[]), None);
        again.last_notice = Some(1_000_000 - 2 * 86_400);
        assert!(plan_surge(&p, "x", &again, 3, true, &[]).is_some());
    }

    #[test]
    fn an_earlier_report_read_last_completes_the_surge_it_belongs_to() {
        let p = SurgePolicy::default();
        // Outlet b's item 9 was published at minute 20 but read after c's at minute 40; a's
        // item at minute -90 is outside any hour with them.
        let s = state(
            vec![m("a", -90, 7), m("a", 0, 1), m("b", 20, 9), m("c", 40, 4)],
            0,
        );
        let surge = plan_surge(&p, "x", &s, 9, true, &[]).expect("a surge");
        assert_eq!(surge.publishers, ["a", "b", "c"]);
        assert_eq!(
            (surge.items, surge.minutes, surge.item_id),
            (vec![1, 9, 4], 40, 9)
        );
    }

    #[test]
    fn three_outlets_over_more_than_the_window_are_no_surge() {
        let p = SurgePolicy::default();
        let s = state(vec![m("a", 0, 1), m("b", 40, 2), m("c", 90, 3)], 0);
        assert_eq!(plan_surge(&p, "x", &s, 3, true, &[]), None);
        assert_eq!(plan_surge(&p, "x", &s, 2, true, &[]), None);
    }

    #[test]
    fn a_town_counts_when_its_country_is_in_the_text_and_the_sahel_never() {
        let rules = RulePack::bundled();
        let places = |title: &str, body: &str| -> Vec<String> {
            let a = crate::detect::analyze(&rules, title, body);
            surge_places(&rules, &a)
                .into_iter()
                .map(|e| e.id.clone())
                .collect()
        };
        assert_eq!(
            places(
                "انفجارات في واغادوغو",
                "سمع دوي انفجارات في عاصمة بوركينا فاسو صباح اليوم."
            ),
            ["bf-ouagadougou"]
        );
        assert_eq!(
            places(
                "بوكو حرام تعيد الطالبات",
                "أعادت الجماعة طالبات خطفن من مدرسة في دابشي بولاية يوبي في نيجيريا، \
                 بعد أربع سنوات من خطف فتيات شيبوك.",
            ),
            ["ng-dapchi", "ng-yobe", "ng-chibok"],
            "in the order the text names them"
        );
        assert!(places(
            "طالب يقتل والديه في ميشيغان",
            "وقال الجار ديفا إنه سمع صراخا."
        )
        .is_empty());
        assert!(places("قمة دول الساحل", "اجتمع قادة منطقة الساحل.").is_empty());
    }

    #[test]
    fn the_default_bar_is_a_quarter_of_the_publishers_watched_between_two_and_five() {
        let bar = SurgePolicy::min_publishers_for;
        assert_eq!((bar(0), bar(1), bar(6), bar(8)), (2, 2, 2, 2));
        assert_eq!(
            (bar(9), bar(12), bar(13), bar(20), bar(400)),
            (3, 3, 4, 5, 5)
        );
    }

    #[test]
    fn a_backlog_or_a_disabled_policy_makes_no_surge() {
        let s = state(vec![m("a", 0, 1), m("b", 10, 2), m("c", 20, 3)], 0);
        assert_eq!(
            plan_surge(&SurgePolicy::default(), "x", &s, 3, false, &[]),
            None
        );
        let off = SurgePolicy {
            enabled: false,
            ..SurgePolicy::default()
        };
        assert_eq!(plan_surge(&off, "x", &s, 3, true, &[]), None);
    }
}
