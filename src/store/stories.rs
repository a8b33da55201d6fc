//! Stories in SQL: the candidates of an item through the key index, a story opened or joined,
//! an item filed under it (the steps of a story plan, which `items` executes in the item's
//! transaction: DESIGN.md contracts 2 and 3).

use rusqlite::{params, Connection};

use super::{Store, StoreError};
use crate::dedup::{Facts, StoryPolicy};
use crate::detect::Analysis;
use crate::plan::StoryState;

/// A story as `stories` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryRow {
    pub id: i64,
    pub kind: String,
    pub facts: Facts,
    pub first_seen: i64,
    pub last_seen: i64,
    pub items: i64,
    pub updates: i64,
    /// Distinct outlets (feed names) that told it.
    pub outlets: Vec<String>,
    /// When its first alert left (the earliest to any recipient), if one has.
    pub first_alerted: Option<i64>,
    /// An analyst said it is no incident.
    pub dismissed: bool,
}

/// One article of a story, for alerts and `show story`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryArticle {
    pub item_id: i64,
    pub feed_name: String,
    pub title: String,
    pub url: Option<String>,
    pub published_at: Option<i64>,
    pub reason: Option<String>,
}

fn load_facts(json: &str) -> Result<Facts, StoreError> {
    Ok(serde_json::from_str(json)?)
}

/// The stories an item with these facts could join: those filed under its kinds, countries
/// and days (the key index), with who heard of each.
pub(super) fn candidates(
    tx: &Connection,
    facts: &Facts,
    policy: &StoryPolicy,
) -> Result<Vec<StoryState>, StoreError> {
    let mut ids: Vec<i64> = Vec::new();
    let mut st = tx.prepare_cached("SELECT story_id FROM story_keys WHERE key = ?1")?;
    for key in facts.candidate_keys(policy) {
        for id in st.query_map([key], |r| r.get::<_, i64>(0))? {
            let id = id?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let mut story =
        tx.prepare_cached("SELECT facts, updates, dismissed FROM stories WHERE id = ?1")?;
    // Who heard of it, through it, a story merged into it or the story it was split out of
    // (an analyst's corrections).
    let mut heard = tx.prepare_cached(
        "SELECT recipient, message_id FROM outbox WHERE id IN
            (SELECT min(id) FROM outbox
             WHERE story_id = ?1 OR story_id IN (SELECT id FROM stories WHERE merged_into = ?1)
                OR story_id IN (SELECT s.id FROM stories s, stories here
                    WHERE here.id = ?1 AND here.split_from IS NOT NULL
                    AND (s.id = here.split_from OR s.merged_into = here.split_from))
             GROUP BY recipient)",
    )?;
    ids.into_iter()
        .map(|id| {
            let (json, updates, dismissed): (String, u32, bool) =
                story.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(StoryState {
                id,
                facts: load_facts(&json)?,
                updates,
                heard: heard
                    .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?,
                dismissed,
            })
        })
        .collect()
}

/// Opens a story with an item's facts; returns its id.
pub(super) fn open(tx: &Connection, facts: &Facts, published: i64) -> Result<i64, StoreError> {
    let kind = facts.kinds.first().map_or("attack", |k| k.as_str());
    tx.prepare_cached(
        "INSERT INTO stories (kind, facts, first_seen, last_seen, items)
         VALUES (?1, ?2, ?3, ?3, 1)",
    )?
    .execute(params![kind, serde_json::to_string(facts)?, published])?;
    Ok(tx.last_insert_rowid())
}

/// Records an item joining `story`, whose facts are now `facts`; `updated` when it gave an
/// update alert.
pub(super) fn join(
    tx: &Connection,
    story: i64,
    facts: &Facts,
    published: i64,
    updated: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE stories SET facts = ?2, last_seen = max(last_seen, ?3),
            first_seen = min(first_seen, ?3), items = items + 1, updates = updates + ?4
         WHERE id = ?1",
    )?
    .execute(params![
        story,
        serde_json::to_string(facts)?,
        published,
        updated as i64
    ])?;
    Ok(())
}

/// Files the item under a story it tells, with the reason, and the story under its facts'
/// keys. The story of its headline and lead (`first`) is also the item's own `story_id`.
pub(super) fn file(
    tx: &Connection,
    item_id: i64,
    story: i64,
    facts: &Facts,
    reason: &str,
    first: bool,
) -> Result<(), StoreError> {
    let mut st =
        tx.prepare_cached("INSERT OR IGNORE INTO story_keys (key, story_id) VALUES (?1, ?2)")?;
    for key in facts.keys() {
        st.execute(params![key, story])?;
    }
    tx.prepare_cached(
        "INSERT INTO item_stories (item_id, story_id, reason) VALUES (?1, ?2, ?3)
         ON CONFLICT (item_id, story_id) DO UPDATE SET reason = excluded.reason",
    )?
    .execute(params![item_id, story, reason])?;
    if first {
        tx.prepare_cached("UPDATE items SET story_id = ?2, story_reason = ?3 WHERE id = ?1")?
            .execute(params![item_id, story, reason])?;
    }
    Ok(())
}

/// The articles of a story, oldest first, at most `limit`.
pub(super) fn articles(
    conn: &rusqlite::Connection,
    story: i64,
    limit: usize,
) -> Result<Vec<StoryArticle>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT i.id, coalesce(f.name, f.title, f.url), i.title, i.url, i.published_at,
                l.reason
         FROM item_stories l JOIN items i ON i.id = l.item_id JOIN feeds f ON f.id = i.feed_id
         WHERE l.story_id = ?1
         ORDER BY coalesce(i.published_at, i.fetched_at), i.id LIMIT ?2",
    )?;
    let rows = st
        .query_map(params![story, limit as i64], |r| {
            Ok(StoryArticle {
                item_id: r.get(0)?,
                feed_name: r.get(1)?,
                title: r.get(2)?,
                url: r.get(3)?,
                published_at: r.get(4)?,
                reason: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

impl Store {
    /// The stored analyses of a story's articles, by article: each verdict's explanation
    /// without the matched words (its passes, rules and terms say why).
    pub fn story_analyses(&self, story: i64) -> Result<Vec<(i64, Analysis)>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT i.id, i.analysis FROM item_stories l JOIN items i ON i.id = l.item_id
             WHERE l.story_id = ?1",
        )?;
        let rows = st
            .query_map([story], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, json)| Ok((id, serde_json::from_str(&json)?)))
            .collect()
    }

    /// Stories, the most recently seen first, optionally only those seen since `since`.
    pub fn stories(&self, since: Option<i64>, limit: usize) -> Result<Vec<StoryRow>, StoreError> {
        self.story_rows(since, None, limit)
    }

    fn story_rows(
        &self,
        since: Option<i64>,
        id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<StoryRow>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, kind, facts, first_seen, last_seen, items, updates, dismissed
             FROM stories
             WHERE (?1 IS NULL OR last_seen >= ?1) AND (?3 IS NULL OR id = ?3)
                AND (?3 IS NOT NULL OR merged_into IS NULL)
             ORDER BY last_seen DESC, id DESC LIMIT ?2",
        )?;
        // Each row with its facts still as JSON (their errors are the store's, not SQLite's).
        let rows = st
            .query_map(params![since, limit as i64, id], |r| {
                Ok((
                    StoryRow {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        facts: Facts::default(),
                        first_seen: r.get(3)?,
                        last_seen: r.get(4)?,
                        items: r.get(5)?,
                        updates: r.get(6)?,
                        outlets: Vec::new(),
                        first_alerted: None,
                        dismissed: r.get(7)?,
                    },
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut outlets = self.conn.prepare_cached(
            "SELECT DISTINCT coalesce(f.name, f.title, f.url) FROM item_stories l
             JOIN items i ON i.id = l.item_id JOIN feeds f ON f.id = i.feed_id
             WHERE l.story_id = ?1",
        )?;
        let mut alerted = self.conn.prepare_cached(
            "SELECT min(sent_at) FROM outbox WHERE story_id = ?1 AND kind = 'new'
                AND status = 'sent'",
        )?;
        rows.into_iter()
            .map(|(mut row, facts)| {
                row.facts = load_facts(&facts)?;
                row.outlets = outlets
                    .query_map([row.id], |r| r.get(0))?
                    .collect::<Result<Vec<String>, _>>()?;
                row.first_alerted = alerted.query_row([row.id], |r| r.get(0))?;
                Ok(row)
            })
            .collect()
    }

    /// One story and its articles.
    pub fn story(&self, id: i64) -> Result<(StoryRow, Vec<StoryArticle>), StoreError> {
        let s = self
            .story_rows(None, Some(id), 1)?
            .pop()
            .ok_or(StoreError::NoSuchStory(id))?;
        Ok((s, articles(&self.conn, id, 1000)?))
    }
}
