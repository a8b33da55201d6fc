//! Undoing an analyst's correction, of a story (`corrections`) or of one article
//! (`item_corrections`), from what its record kept.

use rusqlite::{params, OptionalExtension};

use super::corrections::{live, restore_story, CorrectionError, Moved};
use super::Store;

/// A correction's record, as undoing it reads it.
struct Recorded {
    action: String,
    story: i64,
    into: Option<i64>,
    item: Option<i64>,
    detail: String,
    undone: Option<i64>,
}

impl Store {
    /// Undoes a correction, and returns the story it was made on: a dismissed story is an incident again; a merged story gets its
    /// items, keys back and the kept story its facts as they were. A merge is undone only
    /// while the story it went into was not merged on in turn (undo that one first).
    pub fn undo_correction(
        &mut self,
        id: i64,
        user: &str,
        now: i64,
    ) -> Result<i64, CorrectionError> {
        let tx = self.conn.transaction()?;
        let row = tx
            .query_row(
                "SELECT action, story_id, into_story, item_id, detail, undone_at FROM corrections
                 WHERE id = ?1",
                [id],
                |r| {
                    Ok(Recorded {
                        action: r.get(0)?,
                        story: r.get(1)?,
                        into: r.get(2)?,
                        item: r.get(3)?,
                        detail: r.get(4)?,
                        undone: r.get(5)?,
                    })
                },
            )
            .optional()?;
        let Some(Recorded {
            action,
            story,
            into,
            item,
            detail,
            undone,
        }) = row
        else {
            return Err(CorrectionError::NoSuchCorrection(id));
        };
        if undone.is_some() {
            return Err(CorrectionError::Undone(id));
        }
        match (action.as_str(), into) {
            (_, _) if item.is_some() || action == "wrong_place" => {
                super::item_corrections::undo(&tx, id, &action, (story, into, item), &detail)?;
            }
            ("not_incident" | "not_in_scope", _) => {
                let was: serde_json::Value = serde_json::from_str(&detail)?;
                let was = was["was_dismissed"].as_bool().unwrap_or(false);
                tx.execute(
                    "UPDATE stories SET dismissed = ?2 WHERE id = ?1",
                    params![story, was],
                )?;
            }
            ("merge", Some(into)) => {
                live(&tx, into).map_err(|_| CorrectionError::Blocked {
                    id,
                    why: format!("story {into} was merged on; undo that merge first"),
                })?;
                let moved: Moved = serde_json::from_str(&detail)?;
                let mut key =
                    tx.prepare("INSERT OR IGNORE INTO story_keys (key, story_id) VALUES (?1, ?2)")?;
                let mut unkey =
                    tx.prepare("DELETE FROM story_keys WHERE key = ?1 AND story_id = ?2")?;
                for k in &moved.keys {
                    key.execute(params![k, story])?;
                    unkey.execute(params![k, into])?;
                }
                let mut refile = tx.prepare(
                    "UPDATE item_stories SET story_id = ?2,
                        reason = substr(reason, length('merged by an analyst: ') + 1)
                     WHERE item_id = ?1 AND story_id = ?3",
                )?;
                for i in &moved.items {
                    refile.execute(params![i, story, into])?;
                }
                let mut headline = tx.prepare("UPDATE items SET story_id = ?2 WHERE id = ?1")?;
                for i in &moved.headline_items {
                    headline.execute(params![i, story])?;
                }
                restore_story(
                    &tx,
                    into,
                    &moved.facts,
                    (moved.first_seen, moved.last_seen),
                    moved.count,
                )?;
                tx.execute(
                    "UPDATE stories SET merged_into = NULL WHERE id = ?1",
                    [story],
                )?;
                drop((key, unkey, refile, headline));
            }
            _ => {
                return Err(CorrectionError::Blocked {
                    id,
                    why: format!("unknown action {action}"),
                })
            }
        }
        tx.execute(
            "UPDATE corrections SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
            params![id, now, user],
        )?;
        tx.commit()?;
        Ok(story)
    }
}
