use rusqlite::{params, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::{Store, StoreError};
use crate::detect::Analysis;

/// An item ready to store: identity and hashes computed, text analysed, alert routed.
#[derive(Debug, Clone)]
pub struct PreparedItem {
    /// The strongest key of the item (see `dedup`).
    pub identity: String,
    pub guid: Option<String>,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: String,
    pub text: String,
    pub published_at: Option<i64>,
    pub content_hash: String,
    pub analysis: Analysis,
    /// Normalized words and stems for the full-text index.
    pub fts_terms: String,
    /// Who to alert when this item is stored for the first time (or first becomes
    /// alert-worthy); empty when it is not alert-worthy.
    pub alert_to: Vec<super::AlertTo>,
}

/// What storing one item did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    Inserted { id: i64, alerts: usize },
    Updated { id: i64, alerts: usize },
    Unchanged { id: i64 },
}

impl IngestOutcome {
    pub fn alerts(&self) -> usize {
        match self {
            IngestOutcome::Inserted { alerts, .. } | IngestOutcome::Updated { alerts, .. } => {
                *alerts
            }
            IngestOutcome::Unchanged { .. } => 0,
        }
    }
}

/// The Message-ID of an alert: fixed by the row's key, so a resend is the same message.
fn message_id(item_id: i64, kind: &str, recipient: &str) -> String {
    let h = Sha256::digest(recipient.as_bytes());
    format!(
        "<sw.{item_id}.{kind}.{:02x}{:02x}{:02x}{:02x}@sahel-watch>",
        h[0], h[1], h[2], h[3]
    )
}

fn enqueue(
    tx: &Transaction<'_>,
    item_id: i64,
    to: &[super::AlertTo],
    now: i64,
) -> Result<usize, StoreError> {
    let mut st = tx.prepare_cached(
        "INSERT INTO outbox (item_id, recipient, kind, message_id, created_at, next_attempt_at, mode)
         VALUES (?1, ?2, 'new', ?3, ?4, ?5, ?6)
         ON CONFLICT (item_id, recipient, kind) DO NOTHING",
    )?;
    let mut n = 0;
    for r in to {
        n += st.execute(params![
            item_id,
            r.recipient,
            message_id(item_id, "new", &r.recipient),
            now,
            r.due_at,
            super::outbox::mode_str(r.delivery)
        ])?;
    }
    tx.execute("UPDATE items SET alerted = 1 WHERE id = ?1", [item_id])?;
    Ok(n)
}

impl Store {
    /// The content hash stored for each (identity, canonical URL), `None` for items not seen:
    /// lets a refresh skip analysing what it already holds unchanged.
    pub fn known_hashes(
        &self,
        keys: &[(String, Option<String>)],
    ) -> Result<Vec<Option<String>>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT content_hash FROM items WHERE identity = ?1
             UNION ALL
             SELECT content_hash FROM items WHERE canonical_url = ?2
             LIMIT 1",
        )?;
        keys.iter()
            .map(|(id, url)| Ok(st.query_row(params![id, url], |r| r.get(0)).optional()?))
            .collect()
    }

    /// Stores the items of one fetch in one transaction: new items are inserted, edited ones
    /// updated in place, known ones left alone; the outbox rows of alert-worthy items are written
    /// in the same transaction (DESIGN.md contracts 1 and 3).
    /// The fetch's record and next poll are written in the same transaction: a feed's state
    /// never says it was read without its items being there.
    pub fn ingest_and_record(
        &mut self,
        feed_id: i64,
        items: &[PreparedItem],
        now: i64,
        record: &super::FetchRecord,
        next_poll_at: i64,
    ) -> Result<Vec<IngestOutcome>, StoreError> {
        let tx = self.conn.transaction()?;
        super::feeds::record_fetch_in(&tx, feed_id, record, now, next_poll_at)?;
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            out.push(ingest_one(&tx, feed_id, it, now)?);
        }
        if out
            .iter()
            .any(|o| matches!(o, IngestOutcome::Inserted { .. }))
        {
            tx.execute(
                "UPDATE feeds SET last_item_at = ?2,
                    health_notice = CASE WHEN health_notice = 'feed_silent' THEN NULL ELSE health_notice END
                 WHERE id = ?1",
                params![feed_id, now],
            )?;
        }
        tx.commit()?;
        Ok(out)
    }
}

fn ingest_one(
    tx: &Transaction<'_>,
    feed_id: i64,
    it: &PreparedItem,
    now: i64,
) -> Result<IngestOutcome, StoreError> {
    // The same item may arrive under a weaker key from another feed (no GUID, same URL).
    let existing: Option<(i64, String, bool)> = tx
        .query_row(
            "SELECT id, content_hash, alerted FROM items WHERE identity = ?1
             UNION ALL
             SELECT id, content_hash, alerted FROM items WHERE canonical_url = ?2
             LIMIT 1",
            params![it.identity, it.canonical_url],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let analysis = serde_json::to_string(&it.analysis)?;
    let events = serde_json::to_string(&it.analysis.events)?;
    let countries = serde_json::to_string(&it.analysis.countries)?;
    match existing {
        Some((id, hash, _)) if hash == it.content_hash => Ok(IngestOutcome::Unchanged { id }),
        Some((id, _, alerted)) => {
            tx.execute(
                "UPDATE items SET title = ?2, text = ?3, content_hash = ?4, relevant = ?5,
                    score = ?6, events = ?7, countries = ?8, analysis = ?9, updated_at = ?10,
                    published_at = coalesce(?11, published_at)
                 WHERE id = ?1",
                params![
                    id,
                    it.title,
                    it.text,
                    it.content_hash,
                    it.analysis.relevant,
                    it.analysis.score,
                    events,
                    countries,
                    analysis,
                    now,
                    it.published_at
                ],
            )?;
            tx.execute("DELETE FROM items_fts WHERE rowid = ?1", [id])?;
            tx.execute(
                "INSERT INTO items_fts (rowid, terms) VALUES (?1, ?2)",
                params![id, it.fts_terms],
            )?;
            let alerts = if !alerted && !it.alert_to.is_empty() {
                enqueue(tx, id, &it.alert_to, now)?
            } else {
                0
            };
            Ok(IngestOutcome::Updated { id, alerts })
        }
        None => {
            tx.execute(
                "INSERT INTO items (feed_id, identity, guid, url, canonical_url, title, text,
                    published_at, fetched_at, updated_at, content_hash, relevant, score, events,
                    countries, analysis)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    feed_id,
                    it.identity,
                    it.guid,
                    it.url,
                    it.canonical_url,
                    it.title,
                    it.text,
                    it.published_at,
                    now,
                    it.content_hash,
                    it.analysis.relevant,
                    it.analysis.score,
                    events,
                    countries,
                    analysis
                ],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO items_fts (rowid, terms) VALUES (?1, ?2)",
                params![id, it.fts_terms],
            )?;
            let alerts = if it.alert_to.is_empty() {
                0
            } else {
                enqueue(tx, id, &it.alert_to, now)?
            };
            Ok(IngestOutcome::Inserted { id, alerts })
        }
    }
}
