//! Analysts' corrections (migration 0015), each in one transaction with its record, and each
//! undone from what its record kept. The merged facts come from `plan` (pure); here they are
//! only written.

use rusqlite::{params, OptionalExtension, Transaction};

use super::{Store, StoreError};
use crate::dedup::Facts;

/// What an analyst says of an article or a story that takes it out of the incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It tells no attack, kidnapping or border closure (it may still be a Sahel security
    /// matter).
    NotIncident,
    /// It is not about Sahel security at all.
    NotInScope,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::NotIncident => "not_incident",
            Verdict::NotInScope => "not_in_scope",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "not_incident" => Some(Verdict::NotIncident),
            "not_in_scope" => Some(Verdict::NotInScope),
            _ => None,
        }
    }
}

/// A correction as the console and the CLI list it. `action` is one of `not_incident`,
/// `not_in_scope`, `wrong_place`, `merge` and `split`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CorrectionRow {
    pub id: i64,
    pub at: i64,
    pub user: String,
    pub action: String,
    pub story_id: i64,
    pub into_story: Option<i64>,
    /// The article corrected, when the correction is of one article.
    pub item_id: Option<i64>,
    /// `wrong_place`: the countries given, comma-separated.
    pub value: Option<String>,
    pub undone_at: Option<i64>,
    pub undone_by: Option<String>,
}

/// Why a correction cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    #[error("story {0} was merged into another; correct that one")]
    Merged(i64),
    #[error("a story cannot be merged into itself")]
    SameStory,
    #[error("correction {0} is already undone")]
    Undone(i64),
    #[error("correction {id} cannot be undone: {why}")]
    Blocked { id: i64, why: String },
    #[error("no correction with id {0}")]
    NoSuchCorrection(i64),
    #[error("story {0} changed while the correction was made; make it again")]
    Changed(i64),
    #[error("article {0} tells no incident of its own; say it is not an incident instead")]
    NoIncident(i64),
    #[error("article {item} is not in story {story}")]
    NotInStory { item: i64, story: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for CorrectionError {
    fn from(e: rusqlite::Error) -> Self {
        CorrectionError::Store(e.into())
    }
}

impl From<serde_json::Error> for CorrectionError {
    fn from(e: serde_json::Error) -> Self {
        CorrectionError::Store(e.into())
    }
}

/// What a merge moved and replaced, to undo it.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Moved {
    /// The merged story's keys (those the kept story did not have already).
    pub(super) keys: Vec<String>,
    /// Items filed under the merged story (and not under the kept one already).
    pub(super) items: Vec<i64>,
    /// Items whose own story was the merged one.
    pub(super) headline_items: Vec<i64>,
    /// The kept story as it was.
    pub(super) facts: String,
    pub(super) first_seen: i64,
    pub(super) last_seen: i64,
    pub(super) count: i64,
}

/// Puts a story's facts, span and count of articles back as a correction recorded them.
pub(super) fn restore_story(
    tx: &Transaction<'_>,
    story: i64,
    facts: &str,
    (first_seen, last_seen): (i64, i64),
    items: i64,
) -> Result<(), rusqlite::Error> {
    tx.execute(
        "UPDATE stories SET facts = ?2, first_seen = ?3, last_seen = ?4, items = ?5 WHERE id = ?1",
        params![story, facts, first_seen, last_seen, items],
    )?;
    Ok(())
}

pub(super) fn live(tx: &Transaction<'_>, story: i64) -> Result<(), CorrectionError> {
    let merged: Option<Option<i64>> = tx
        .query_row(
            "SELECT merged_into FROM stories WHERE id = ?1",
            [story],
            |r| r.get(0),
        )
        .optional()?;
    match merged {
        None => Err(StoreError::NoSuchStory(story).into()),
        Some(Some(_)) => Err(CorrectionError::Merged(story)),
        Some(None) => Ok(()),
    }
}

impl Store {
    /// Says a story is no incident, or out of scope: it leaves the incidents list and alerts
    /// nothing more.
    pub fn dismiss_story(
        &mut self,
        story: i64,
        verdict: Verdict,
        user: &str,
        now: i64,
    ) -> Result<i64, CorrectionError> {
        let tx = self.conn.transaction()?;
        live(&tx, story)?;
        let already: bool = tx.query_row(
            "SELECT dismissed FROM stories WHERE id = ?1",
            [story],
            |r| r.get(0),
        )?;
        tx.execute("UPDATE stories SET dismissed = 1 WHERE id = ?1", [story])?;
        // Undoing it restores the flag as it was (another verdict may stand).
        tx.execute(
            "INSERT INTO corrections (at, user, action, story_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                now,
                user,
                verdict.as_str(),
                story,
                serde_json::json!({ "was_dismissed": already }).to_string()
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Merges `story` into `into` (one incident told as two): its items, keys and recipients
    /// go to `into`, whose facts become `facts` (`plan::merged_facts`). No alert is written:
    /// those who heard of either story have heard of the incident.
    pub fn merge_stories(
        &mut self,
        story: i64,
        into: i64,
        facts: &Facts,
        user: &str,
        now: i64,
    ) -> Result<i64, CorrectionError> {
        if story == into {
            return Err(CorrectionError::SameStory);
        }
        let tx = self.conn.transaction()?;
        live(&tx, story)?;
        live(&tx, into)?;
        let (kept_facts, first_seen, last_seen, count): (String, i64, i64, i64) = tx.query_row(
            "SELECT facts, first_seen, last_seen, items FROM stories WHERE id = ?1",
            [into],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let column = |sql: &str| -> Result<Vec<String>, rusqlite::Error> {
            tx.prepare(sql)?
                .query_map(params![story, into], |r| {
                    r.get::<_, rusqlite::types::Value>(0)
                })?
                .map(|v| {
                    v.map(|v| match v {
                        rusqlite::types::Value::Integer(i) => i.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        _ => String::new(),
                    })
                })
                .collect()
        };
        let ids = |v: Vec<String>| v.iter().filter_map(|s| s.parse().ok()).collect();
        let moved = Moved {
            keys: column(
                "SELECT key FROM story_keys WHERE story_id = ?1
                 AND key NOT IN (SELECT key FROM story_keys WHERE story_id = ?2)",
            )?,
            items: ids(column(
                "SELECT item_id FROM item_stories WHERE story_id = ?1
                 AND item_id NOT IN (SELECT item_id FROM item_stories WHERE story_id = ?2)",
            )?),
            headline_items: ids(column(
                "SELECT id FROM items WHERE story_id = ?1 AND ?2 IS NOT NULL",
            )?),
            facts: kept_facts,
            first_seen,
            last_seen,
            count,
        };
        tx.execute(
            "INSERT OR IGNORE INTO story_keys (key, story_id)
             SELECT key, ?2 FROM story_keys WHERE story_id = ?1",
            params![story, into],
        )?;
        tx.execute("DELETE FROM story_keys WHERE story_id = ?1", [story])?;
        tx.execute(
            "INSERT OR IGNORE INTO item_stories (item_id, story_id, reason)
             SELECT item_id, ?2, 'merged by an analyst: ' || coalesce(reason, '')
             FROM item_stories WHERE story_id = ?1",
            params![story, into],
        )?;
        tx.execute("DELETE FROM item_stories WHERE story_id = ?1", [story])?;
        tx.execute(
            "UPDATE items SET story_id = ?2 WHERE story_id = ?1",
            params![story, into],
        )?;
        tx.execute(
            "UPDATE stories SET facts = ?2, items = items + ?3,
                first_seen = min(first_seen, (SELECT first_seen FROM stories WHERE id = ?4)),
                last_seen = max(last_seen, (SELECT last_seen FROM stories WHERE id = ?4))
             WHERE id = ?1",
            params![
                into,
                serde_json::to_string(facts)?,
                moved.items.len() as i64,
                story
            ],
        )?;
        tx.execute(
            "UPDATE stories SET merged_into = ?2 WHERE id = ?1",
            params![story, into],
        )?;
        tx.execute(
            "INSERT INTO corrections (at, user, action, story_id, into_story, detail)
             VALUES (?1, ?2, 'merge', ?3, ?4, ?5)",
            params![now, user, story, into, serde_json::to_string(&moved)?],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// The story a story was merged into (and not taken out again), if any.
    pub fn merged_into(&self, story: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT merged_into FROM stories WHERE id = ?1",
                [story],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// The corrections of a story (made on it, or merging another into it), oldest first.
    pub fn corrections(&self, story: Option<i64>) -> Result<Vec<CorrectionRow>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, at, user, action, story_id, into_story, item_id, value, undone_at,
                    undone_by
             FROM corrections
             WHERE ?1 IS NULL OR story_id = ?1 OR into_story = ?1
             ORDER BY id",
        )?;
        let rows = st
            .query_map([story], |r| {
                Ok(CorrectionRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    user: r.get(2)?,
                    action: r.get(3)?,
                    story_id: r.get(4)?,
                    into_story: r.get(5)?,
                    item_id: r.get(6)?,
                    value: r.get(7)?,
                    undone_at: r.get(8)?,
                    undone_by: r.get(9)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The facts of a story, for `plan::merged_facts`.
    pub fn story_facts(&self, story: i64) -> Result<Facts, StoreError> {
        let json: String = self
            .conn
            .query_row("SELECT facts FROM stories WHERE id = ?1", [story], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::NoSuchStory(story))?;
        Ok(serde_json::from_str(&json)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::merged_facts;

    /// Two stories, each of one item, in a store: (dir, store, first story, second story).
    fn two_stories() -> (tempfile::TempDir, Store, i64, i64) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let facts = |killed: u32, claimed: bool| {
            serde_json::to_string(&Facts {
                kinds: vec![crate::detect::EventKind::Attack],
                countries: vec!["ML".into()],
                killed: Some(killed),
                claimed,
                event_first: 100,
                event_last: 100,
                ..Facts::default()
            })
            .unwrap()
        };
        s.conn
            .execute(
                "INSERT INTO stories (id, kind, facts, first_seen, last_seen, items)
                 VALUES (1, 'attack', ?1, 100, 100, 1), (2, 'attack', ?2, 200, 200, 1)",
                params![facts(12, false), facts(15, true)],
            )
            .unwrap();
        s.conn
            .execute_batch(
                "INSERT INTO feeds (id, url) VALUES (1, 'http://a.example/rss');
                 INSERT INTO story_keys (key, story_id) VALUES ('attack|ML|1', 1), ('attack|ML|2', 2);
                 INSERT INTO items (id, feed_id, identity, title, text, fetched_at, updated_at,
                        content_hash, relevant, score, analysis, story_id, story_reason)
                    VALUES (10, 1, 'g10', 'a', 'x', 100, 100, 'h10', 1, 5.0, '{}', 1, 'opened the story'),
                           (20, 1, 'g20', 'b', 'x', 200, 200, 'h20', 1, 5.0, '{}', 2, 'opened the story');
                 INSERT INTO item_stories (item_id, story_id, reason)
                    VALUES (10, 1, 'opened the story'), (20, 2, 'opened the story');",
            )
            .unwrap();
        (dir, s, 1, 2)
    }

    #[test]
    fn a_merge_moves_everything_and_its_undo_puts_it_back() {
        let (_dir, mut s, kept, merged) = two_stories();
        let facts = merged_facts(
            &s.story_facts(kept).unwrap(),
            &s.story_facts(merged).unwrap(),
        );
        assert_eq!((facts.killed, facts.claimed), (Some(15), true));
        let id = s
            .merge_stories(merged, kept, &facts, "amina", 1_000)
            .unwrap();
        let (row, articles) = s.story(kept).unwrap();
        assert_eq!(row.items, 2);
        assert_eq!((row.first_seen, row.last_seen), (100, 200));
        assert_eq!(row.facts.killed, Some(15));
        assert_eq!(
            articles.iter().map(|a| a.item_id).collect::<Vec<_>>(),
            [10, 20]
        );
        assert!(
            s.stories(None, 10).unwrap().iter().all(|r| r.id != merged),
            "a merged story is no longer listed"
        );
        assert!(matches!(
            s.merge_stories(kept, merged, &facts, "amina", 1_001),
            Err(CorrectionError::Merged(2))
        ));
        let listed = s.corrections(Some(kept)).unwrap();
        assert_eq!(
            (
                listed.len(),
                listed[0].action.as_str(),
                listed[0].user.as_str()
            ),
            (1, "merge", "amina")
        );

        s.undo_correction(id, "rita", 2_000).unwrap();
        let (row, articles) = s.story(kept).unwrap();
        assert_eq!(
            (row.items, row.last_seen, row.facts.killed),
            (1, 100, Some(12))
        );
        assert_eq!(articles.iter().map(|a| a.item_id).collect::<Vec<_>>(), [10]);
        let (back, articles) = s.story(merged).unwrap();
        assert_eq!(back.facts.killed, Some(15));
        assert_eq!(articles[0].reason.as_deref(), Some("opened the story"));
        assert!(s.stories(None, 10).unwrap().iter().any(|r| r.id == merged));
        assert!(matches!(
            s.undo_correction(id, "rita", 2_001),
            Err(CorrectionError::Undone(_))
        ));
    }

    #[test]
    fn a_dismissed_story_is_marked_until_undone() {
        let (_dir, mut s, story, _) = two_stories();
        let id = s
            .dismiss_story(story, Verdict::NotIncident, "amina", 1_000)
            .unwrap();
        assert!(s.story(story).unwrap().0.dismissed);
        s.undo_correction(id, "amina", 1_100).unwrap();
        assert!(!s.story(story).unwrap().0.dismissed);
        let c = &s.corrections(None).unwrap()[0];
        assert_eq!(
            (c.undone_at, c.undone_by.as_deref()),
            (Some(1_100), Some("amina"))
        );
    }
}
