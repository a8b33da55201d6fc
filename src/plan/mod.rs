//! The decisions about one item, in one pure place (DESIGN.md: plan): what the item brings to
//! stories ([`story_input`]), whether a row that arrives again is new, edited or known
//! ([`arrival`]), and which story it opens or joins with which outbox rows ([`plan_story`]).
//! No SQL, no I/O: the store reads the state these functions need inside its transaction,
//! calls them, and executes what they return. «Why did this item (not) alert?» is answered
//! here and nowhere else, and every answer has a table test below.

mod correction;
mod story;
mod surge;
#[cfg(test)]
mod tests;

pub use correction::{
    placed_facts, refolded_facts, report_facts, without_places_elsewhere, Report,
};
pub use story::{
    merged_facts, plan_follow_up, plan_story, AlertKind, OutboxRow, StoryPlan, StoryState,
};
pub use surge::{
    plan_surge, surge_places, Mention, PlaceState, Surge, SurgeInput, SurgePlace, SurgePolicy,
    MAX_PLACES_PER_ITEM, ONE_NOTICE_PER,
};

use std::time::Duration;

use crate::dedup::{follow_up_days, Facts, StoryPolicy, UNDATED_SLACK};
use crate::detect::{event_date, Analysis, RulePack};

/// How a recipient's alerts leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// One email per alert, up to `max_per_hour`.
    Immediate,
    /// One email every `digest_every` gathering the alerts since the last.
    Digest,
}

/// One recipient an alert-worthy item goes to, and when (planned here, stored by `store`,
/// sent by `alert`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertTo {
    pub recipient: String,
    pub delivery: Delivery,
    /// When it is first due: now for immediate delivery, the next digest otherwise.
    pub due_at: i64,
}

/// What an item brings to stories.
#[derive(Debug, Clone, PartialEq)]
pub enum StoryInput {
    /// Not an event report: no story.
    None,
    /// An event report too old to open a story or alert, and why.
    Old(String),
    /// An event report: it opens a story or joins one; and the further incidents its text
    /// tells in other Sahel countries (a roundup's later paragraph), each of its own story.
    Facts(Box<Facts>, Vec<Facts>),
    /// Follow-up news (hostages freed, a claim, arrests) of an incident the text dates before
    /// `max_event_age`: it joins the incident's story when the store holds it (an update, not
    /// a new alert), else it is background for the reason given.
    FollowUp {
        facts: Box<Facts>,
        unmatched: String,
    },
}

/// When the event of an alert-worthy item happened, and what it brings to stories: its facts,
/// or, when the text dates the event longer than `policy.max_event_age` before publication,
/// the reason it brings nothing.
pub fn story_input(
    rules: &RulePack,
    policy: &StoryPolicy,
    analysis: &Analysis,
    title: &str,
    text: &str,
    published: i64,
) -> (Option<i64>, StoryInput) {
    let day = chrono::DateTime::from_timestamp(published, 0)
        .unwrap_or_default()
        .date_naive();
    // Follow-up news dated only by the day it speaks of («تبنى التنظيم الخميس الهجوم») dates
    // the claim, not the incident: it is placed like an undated report.
    let follow_up = analysis.claimed || !analysis.follow_ups.is_empty();
    let dated = event_date(analysis, title, text, day).filter(|d| !(follow_up && d.reporting));
    let noon = |d: chrono::NaiveDate| {
        d.and_hms_opt(12, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp()
            .min(published)
    };
    let event_at = dated.as_ref().map_or(published, |d| noon(d.date));
    // A span the text gives («مطلع الشهر الجاري») places the event within it, not on its last day.
    let dated_range = dated
        .as_ref()
        .map(|d| (noon(d.from).min(event_at), event_at));
    let age = published - event_at;
    if let Some(d) = dated.as_ref().filter(|_| age > secs(policy.max_event_age)) {
        let reason = format!(
            "event dated {} («{}»), {} days before publication: background, no story",
            d.date,
            d.phrase,
            age / 86_400
        );
        // «أطلق سراح التلميذات اللائي اختطفن في 19 فبراير»: the date is the kidnapping's, the
        // release is today's news of it.
        let range = dated_range.unwrap_or((event_at, event_at));
        let facts = Facts::of_item(rules, analysis, title, text, range);
        let input = match follow_up_days(&facts) {
            Some(days) if age <= days * 86_400 => StoryInput::FollowUp {
                facts: Box::new(facts),
                unmatched: format!("{reason} (follow-up news of no stored story)"),
            },
            _ => StoryInput::Old(reason),
        };
        return (Some(event_at), input);
    }
    // An undated report may come days after its event («بعد 3 أيام»): its event is placed
    // anywhere in the two days before publication.
    let range = dated_range.unwrap_or((published - UNDATED_SLACK, published));
    let mut facts = Facts::of_item(rules, analysis, title, text, range);
    let further = facts.split_incidents(rules, analysis, (title, text), published);
    (Some(event_at), StoryInput::Facts(Box::new(facts), further))
}

/// An item as the store already holds it under the same identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub id: i64,
    pub content_hash: String,
    /// Its alert decision was written (DESIGN.md contract 3: once per item).
    pub alerted: bool,
}

/// What to do with an item that arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Not held: insert it and decide its story and alerts.
    Insert,
    /// Held with other content: update it in place; `decide` when its alert decision is
    /// still to be made (it was not alert-worthy before), never a second time.
    Update { id: i64, decide: bool },
    /// Held unchanged: nothing to write (contract 1).
    Unchanged { id: i64 },
}

pub fn arrival(held: Option<&Held>, content_hash: &str) -> Arrival {
    match held {
        None => Arrival::Insert,
        Some(h) if h.content_hash == content_hash => Arrival::Unchanged { id: h.id },
        Some(h) => Arrival::Update {
            id: h.id,
            decide: !h.alerted,
        },
    }
}

fn secs(d: Duration) -> i64 {
    d.as_secs().min(i64::MAX as u64) as i64
}
