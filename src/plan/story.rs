//! Which story an event report opens or joins, and what its recipients are sent (DESIGN.md
//! contract 2: one story, one alert; an update only for material news, at most
//! `stories.max_updates` per story).

use super::AlertTo;
use crate::dedup::{best_match, changes, Facts, StoryPolicy};

/// A stored story the item could join, as the planner needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryState {
    pub id: i64,
    pub facts: Facts,
    /// Update alerts it has given.
    pub updates: u32,
    /// Recipients who heard of it, with the Message-ID of the first alert each got.
    pub heard: Vec<(String, String)>,
    /// An analyst said it is no incident: reports of it still join it, and alert nothing.
    pub dismissed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    New,
    Update,
    /// A place suddenly named by many outlets ([`super::plan_surge`]): not an incident.
    Surge,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::New => "new",
            AlertKind::Update => "update",
            AlertKind::Surge => "surge",
        }
    }
}

/// One outbox row to write for the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub to: AlertTo,
    pub kind: AlertKind,
    /// The Message-ID of the story's first alert to this recipient (an update threads under it).
    pub in_reply_to: Option<String>,
    /// What is new, for an update.
    pub note: Option<String>,
}

/// What filing the item under a story writes.
#[derive(Debug, Clone, PartialEq)]
pub enum StoryPlan {
    /// A story of its own, with the item's facts.
    Open {
        facts: Facts,
        alerts: Vec<OutboxRow>,
    },
    /// The item joins `story`; `facts` are the story's merged with the item's; `updated` when
    /// an update alert was planned (it counts against `max_updates`).
    Join {
        story: i64,
        why: String,
        facts: Facts,
        updated: bool,
        alerts: Vec<OutboxRow>,
    },
}

impl StoryPlan {
    pub fn alerts(&self) -> &[OutboxRow] {
        match self {
            StoryPlan::Open { alerts, .. } | StoryPlan::Join { alerts, .. } => alerts,
        }
    }

    /// Why the item is filed where it is, as `show` prints it.
    pub fn reason(&self) -> String {
        match self {
            StoryPlan::Open { .. } => "opened the story".to_owned(),
            StoryPlan::Join { story, why, .. } => format!("joined story {story}: {why}"),
        }
    }
}

/// The facts of a story an analyst merged another into: both folded, as a report joining it
/// would be.
pub fn merged_facts(kept: &Facts, merged: &Facts) -> Facts {
    let mut facts = kept.clone();
    facts.merge(merged);
    facts
}

/// Files an event report: it joins the candidate it best matches (see
/// [`crate::dedup::affinity`]) or opens a story. A recipient who has not heard of the story
/// gets a first alert; one who has gets an update when the item changes the facts and the
/// story has updates left, else nothing.
/// [`plan_story`] for follow-up news of an old incident ([`super::StoryInput::FollowUp`]): it
/// joins the incident's story, or, when the store holds none, files nowhere (`None`): freed
/// hostages of a kidnapping never alerted are not a new incident.
pub fn plan_follow_up(
    item: &Facts,
    candidates: &[StoryState],
    alert_to: &[AlertTo],
    policy: &StoryPolicy,
) -> Option<StoryPlan> {
    match plan_story(item, candidates, alert_to, policy) {
        StoryPlan::Open { .. } => None,
        join => Some(join),
    }
}

pub fn plan_story(
    item: &Facts,
    candidates: &[StoryState],
    alert_to: &[AlertTo],
    policy: &StoryPolicy,
) -> StoryPlan {
    let Some((i, why)) = best_match(candidates.iter().map(|c| &c.facts), item, policy) else {
        return StoryPlan::Open {
            facts: item.clone(),
            alerts: alert_to
                .iter()
                .map(|to| OutboxRow {
                    to: to.clone(),
                    kind: AlertKind::New,
                    in_reply_to: None,
                    note: None,
                })
                .collect(),
        };
    };
    let story = &candidates[i];
    if story.dismissed {
        let mut facts = story.facts.clone();
        facts.merge(item);
        return StoryPlan::Join {
            story: story.id,
            why: format!("{why} (an analyst said it is no incident: nothing alerted)"),
            facts,
            updated: false,
            alerts: Vec::new(),
        };
    }
    let news = changes(&story.facts, item, policy);
    // The hostages' release ends a kidnapping: that update goes out even when the story has
    // used its updates on tolls and corroboration (once: `changes` reports it once).
    let ends_it = news.iter().any(|n| n == crate::dedup::HOSTAGES_FREED);
    let may_update = !news.is_empty() && (story.updates < policy.max_updates || ends_it);
    let mut alerts = Vec::new();
    for to in alert_to {
        let first = story
            .heard
            .iter()
            .find(|(r, _)| *r == to.recipient)
            .map(|(_, m)| m.clone());
        match first {
            None => alerts.push(OutboxRow {
                to: to.clone(),
                kind: AlertKind::New,
                in_reply_to: None,
                note: None,
            }),
            Some(first) if may_update => alerts.push(OutboxRow {
                to: to.clone(),
                kind: AlertKind::Update,
                in_reply_to: Some(first),
                note: Some(news.join("; ")),
            }),
            Some(_) => {}
        }
    }
    let mut merged = story.facts.clone();
    merged.merge(item);
    StoryPlan::Join {
        story: story.id,
        why,
        facts: merged,
        updated: alerts.iter().any(|a| a.kind == AlertKind::Update),
        alerts,
    }
}
