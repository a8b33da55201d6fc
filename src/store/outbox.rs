use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{Store, StoreError};
use crate::detect::Analysis;
use crate::plan::{Delivery, OutboxRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxStatus {
    Pending,
    Sent,
    Failed,
}

impl OutboxStatus {
    fn parse(s: &str) -> OutboxStatus {
        match s {
            "sent" => OutboxStatus::Sent,
            "failed" => OutboxStatus::Failed,
            _ => OutboxStatus::Pending,
        }
    }
    /// A status a listing may be filtered by; `None` for anything else (every status).
    pub fn parse_filter(s: &str) -> Option<OutboxStatus> {
        matches!(s, "pending" | "sent" | "failed").then(|| OutboxStatus::parse(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }
}

/// The delivery queues: alerts about items, digests gathering a recipient's alerts, and
/// notices to the operator. They share the delivery bookkeeping (attempts, next attempt, sent,
/// failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Alerts,
    Digests,
    Notices,
}

impl Queue {
    /// The table: a constant, never user input.
    fn table(self) -> &'static str {
        match self {
            Queue::Alerts => "outbox",
            Queue::Digests => "digests",
            Queue::Notices => "notices",
        }
    }
}

/// The Message-ID of an alert: fixed by the row's key, so a resend is the same message. A
/// further incident of the item (`incident`, its story's id; 0 for the first) has its own.
pub(super) fn message_id(item_id: i64, kind: &str, recipient: &str, incident: i64) -> String {
    let h = Sha256::digest(recipient.as_bytes());
    let of = if incident == 0 {
        String::new()
    } else {
        format!(".s{incident}")
    };
    format!(
        "<sw.{item_id}.{kind}{of}.{:02x}{:02x}{:02x}{:02x}@sahel-watch>",
        h[0], h[1], h[2], h[3]
    )
}

/// Which of an item's incidents an outbox row is about: 0 for the first (its headline's and
/// lead's, and surge notices), the story's id for a further one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Incident {
    First,
    Further,
}

/// Writes one planned outbox row for the item (none when the recipient has it already).
pub(super) fn enqueue(
    conn: &rusqlite::Connection,
    item_id: i64,
    story_id: Option<i64>,
    incident: Incident,
    row: &OutboxRow,
    now: i64,
) -> Result<usize, StoreError> {
    let mut st = conn.prepare_cached(
        "INSERT INTO outbox (item_id, recipient, kind, message_id, created_at, next_attempt_at,
            mode, story_id, in_reply_to, note, incident)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (item_id, recipient, kind, incident) DO NOTHING",
    )?;
    let kind = row.kind.as_str();
    let incident = match (incident, story_id) {
        (Incident::Further, Some(story)) => story,
        _ => 0,
    };
    Ok(st.execute(params![
        item_id,
        row.to.recipient,
        kind,
        message_id(item_id, kind, &row.to.recipient, incident),
        now,
        row.to.due_at,
        mode_str(row.to.delivery),
        story_id,
        row.in_reply_to,
        row.note,
        incident
    ])?)
}

pub(super) fn mode_str(d: Delivery) -> &'static str {
    match d {
        Delivery::Immediate => "immediate",
        Delivery::Digest => "digest",
    }
}

/// A due alert with what is needed to render it.
#[derive(Debug, Clone)]
pub struct AlertRow {
    pub id: i64,
    pub item_id: i64,
    pub recipient: String,
    pub kind: String,
    pub message_id: String,
    pub attempts: u32,
    pub title: String,
    pub text: String,
    pub url: Option<String>,
    pub feed_name: String,
    pub published_at: Option<i64>,
    pub fetched_at: i64,
    pub analysis: Analysis,
    /// For an update: the Message-ID of the first alert about the story, and what changed.
    pub in_reply_to: Option<String>,
    pub note: Option<String>,
    /// Every article of the story so far (just this item's when it has no story).
    pub articles: Vec<super::StoryArticle>,
    pub story_id: Option<i64>,
    /// The story's facts as they stand now (its corroboration among them).
    pub story: Option<crate::dedup::Facts>,
    /// For an update: what the channel called the story's first alert to this recipient (a
    /// Matrix event id), to reply in its thread.
    pub thread_root: Option<String>,
    /// When the story's first alert left (to anyone), for an alert about a story.
    pub story_first_alerted: Option<i64>,
}

/// A due digest: one email carrying several alerts for one recipient.
#[derive(Debug, Clone)]
pub struct DigestRow {
    pub id: i64,
    pub recipient: String,
    pub message_id: String,
    pub attempts: u32,
    pub alerts: Vec<AlertRow>,
}

/// An outbox row as `alerts` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub item_id: i64,
    pub recipient: String,
    pub kind: String,
    /// "immediate" or "digest".
    pub mode: String,
    pub digest_id: Option<i64>,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub created_at: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    pub title: String,
}

/// The Message-ID of a digest, fixed when the digest is composed.
fn digest_message_id(id: i64, recipient: &str) -> String {
    let h = Sha256::digest(recipient.as_bytes());
    format!(
        "<sw.digest.{id}.{:02x}{:02x}{:02x}{:02x}@sahel-watch>",
        h[0], h[1], h[2], h[3]
    )
}

const ALERT_COLUMNS: &str = "o.id, o.item_id, o.recipient, o.kind, o.message_id, o.attempts,
    i.title, i.text, i.url, coalesce(f.name, f.title, f.url), i.published_at, i.fetched_at,
    i.analysis, o.in_reply_to, o.note, o.story_id, s.facts,
    (SELECT first.remote_id FROM outbox first WHERE first.message_id = o.in_reply_to),
    (SELECT min(first.sent_at) FROM outbox first WHERE first.story_id = o.story_id
        AND first.kind = 'new' AND first.status = 'sent')
    FROM outbox o JOIN items i ON i.id = o.item_id JOIN feeds f ON f.id = i.feed_id
    LEFT JOIN stories s ON s.id = o.story_id";

/// The most articles listed in one alert.
const MAX_ARTICLES: usize = 20;

fn alert_rows(
    conn: &rusqlite::Connection,
    condition: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<AlertRow>, StoreError> {
    let mut st = conn.prepare_cached(&format!("SELECT {ALERT_COLUMNS} WHERE {condition}"))?;
    let rows = st
        .query_map(params, |r| {
            Ok((
                AlertRow {
                    id: r.get(0)?,
                    item_id: r.get(1)?,
                    recipient: r.get(2)?,
                    kind: r.get(3)?,
                    message_id: r.get(4)?,
                    attempts: r.get(5)?,
                    title: r.get(6)?,
                    text: r.get::<_, super::text::StoredBody>(7)?.0,
                    url: r.get(8)?,
                    feed_name: r.get(9)?,
                    published_at: r.get(10)?,
                    fetched_at: r.get(11)?,
                    analysis: Analysis::default(),
                    in_reply_to: r.get(13)?,
                    note: r.get(14)?,
                    articles: Vec::new(),
                    story_id: None,
                    story: None,
                    thread_root: r.get(17)?,
                    story_first_alerted: r.get(18)?,
                },
                r.get::<_, String>(12)?,
                r.get::<_, Option<i64>>(15)?,
                r.get::<_, Option<String>>(16)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(mut row, json, story, facts)| {
            row.analysis = serde_json::from_str(&json)?;
            row.story = facts.map(|f| serde_json::from_str(&f)).transpose()?;
            row.story_id = story;
            row.articles = match story {
                Some(s) => super::stories::articles(conn, s, MAX_ARTICLES)?,
                None if row.kind == "surge" => super::stories::surge_articles(conn, row.item_id)?,
                None => Vec::new(),
            };
            if row.articles.is_empty() {
                row.articles.push(super::StoryArticle {
                    item_id: row.item_id,
                    feed_name: row.feed_name.clone(),
                    title: row.title.clone(),
                    url: row.url.clone(),
                    published_at: row.published_at,
                    reason: None,
                });
            }
            Ok(row)
        })
        .collect()
}

impl Store {
    /// Pending immediate alerts whose time has come, oldest first.
    pub fn due_alerts(&self, now: i64, limit: usize) -> Result<Vec<AlertRow>, StoreError> {
        alert_rows(
            &self.conn,
            "o.status = 'pending' AND o.mode = 'immediate' AND o.next_attempt_at <= ?1
             ORDER BY o.next_attempt_at, o.id LIMIT ?2",
            params![now, limit as i64],
        )
    }

    /// How many emails (alerts on their own, and digests) this recipient was sent in the hour
    /// before `now`: what the hourly cap counts.
    pub fn sent_in_last_hour(&self, recipient: &str, now: i64) -> Result<u32, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM outbox WHERE recipient = ?1 AND status = 'sent'
                       AND digest_id IS NULL AND sent_at > ?2)
                  + (SELECT count(*) FROM digests WHERE recipient = ?1 AND status = 'sent'
                       AND sent_at > ?2)",
            params![recipient, now - 3600],
            |r| r.get(0),
        )?)
    }

    /// Moves an immediate alert over the recipient's cap into the digest due at `due_at`.
    pub fn defer_to_digest(&mut self, id: i64, due_at: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET mode = 'digest', next_attempt_at = ?2
             WHERE id = ?1 AND status = 'pending' AND digest_id IS NULL",
            params![id, due_at],
        )?;
        Ok(())
    }

    /// Gathers each recipient's due digest alerts into digests of at most `max_alerts`, in one
    /// transaction: a digest's members are fixed before it is first sent. Returns how many
    /// digests were composed.
    pub fn compose_digests(&mut self, now: i64, max_alerts: usize) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let due: Vec<(String, i64)> = {
            let mut st = tx.prepare_cached(
                "SELECT recipient, id FROM outbox
                 WHERE status = 'pending' AND mode = 'digest' AND digest_id IS NULL
                   AND next_attempt_at <= ?1
                 ORDER BY recipient, next_attempt_at, id",
            )?;
            let rows = st
                .query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            rows
        };
        let mut composed = 0;
        for group in due.chunk_by(|a, b| a.0 == b.0) {
            for members in group.chunks(max_alerts.max(1)) {
                let recipient = &members[0].0;
                tx.execute(
                    "INSERT INTO digests (recipient, message_id, created_at, next_attempt_at)
                     VALUES (?1, '', ?2, ?2)",
                    params![recipient, now],
                )?;
                let id = tx.last_insert_rowid();
                tx.execute(
                    "UPDATE digests SET message_id = ?2 WHERE id = ?1",
                    params![id, digest_message_id(id, recipient)],
                )?;
                let mut st = tx.prepare_cached("UPDATE outbox SET digest_id = ?2 WHERE id = ?1")?;
                for (_, member) in members {
                    st.execute(params![member, id])?;
                }
                composed += 1;
            }
        }
        tx.commit()?;
        Ok(composed)
    }

    /// Pending digests whose time has come, with their alerts.
    pub fn due_digests(&self, now: i64, limit: usize) -> Result<Vec<DigestRow>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, recipient, message_id, attempts FROM digests
             WHERE status = 'pending' AND next_attempt_at <= ?1
             ORDER BY next_attempt_at, id LIMIT ?2",
        )?;
        let heads = st
            .query_map(params![now, limit as i64], |r| {
                Ok(DigestRow {
                    id: r.get(0)?,
                    recipient: r.get(1)?,
                    message_id: r.get(2)?,
                    attempts: r.get(3)?,
                    alerts: Vec::new(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        heads
            .into_iter()
            .map(|mut d| {
                d.alerts = alert_rows(&self.conn, "o.digest_id = ?1 ORDER BY o.id", [d.id])?;
                Ok(d)
            })
            .collect()
    }

    /// How many alerts are waiting.
    pub fn pending_alerts(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Marks a message delivered: only called after the server accepted it. A digest's alerts
    /// are marked with it, in the same transaction.
    pub fn mark_sent(&mut self, queue: Queue, id: i64, now: i64) -> Result<(), StoreError> {
        self.mark_sent_as(queue, id, now, None)
    }

    /// [`Store::mark_sent`], keeping what the channel called the message (a Matrix event id),
    /// which the story's updates refer to.
    pub fn mark_sent_as(
        &mut self,
        queue: Queue,
        id: i64,
        now: i64,
        remote_id: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            &format!(
                "UPDATE {} SET status = 'sent', sent_at = ?2, attempts = attempts + 1,
                    last_error = NULL WHERE id = ?1",
                queue.table()
            ),
            params![id, now],
        )?;
        if let (Queue::Alerts, Some(remote)) = (queue, remote_id) {
            tx.execute(
                "UPDATE outbox SET remote_id = ?2 WHERE id = ?1",
                params![id, remote],
            )?;
        }
        if queue == Queue::Digests {
            tx.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?2, attempts = attempts + 1,
                    last_error = NULL WHERE digest_id = ?1",
                params![id, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at`, or given up when `give_up`.
    pub fn mark_attempt_failed(
        &mut self,
        queue: Queue,
        id: i64,
        error: &str,
        retry_at: i64,
        give_up: bool,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            &format!(
                "UPDATE {} SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3,
                    status = CASE WHEN ?4 THEN 'failed' ELSE 'pending' END
                 WHERE id = ?1",
                queue.table()
            ),
            params![id, error, retry_at, give_up],
        )?;
        if queue == Queue::Digests {
            tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2,
                    status = CASE WHEN ?3 THEN 'failed' ELSE 'pending' END
                 WHERE digest_id = ?1",
                params![id, error, give_up],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Puts a failed alert back in the queue, due now. When it failed inside a digest, the
    /// whole digest is retried (same Message-ID, same alerts).
    pub fn retry_alert(&mut self, id: i64, now: i64) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let (status, digest): (String, Option<i64>) = tx
            .query_row(
                "SELECT status, digest_id FROM outbox WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(StoreError::NoSuchAlert(id))?;
        if status != "failed" {
            return Err(StoreError::AlertStatus {
                id,
                status,
                rule: "only a failed alert is retried (resend sends a sent one again)",
            });
        }
        match digest {
            Some(d) => {
                tx.execute(
                    "UPDATE digests SET status = 'pending', attempts = 0, next_attempt_at = ?2
                     WHERE id = ?1",
                    params![d, now],
                )?;
                tx.execute(
                    "UPDATE outbox SET status = 'pending', attempts = 0 WHERE digest_id = ?1",
                    [d],
                )?;
            }
            None => {
                tx.execute(
                    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?2
                     WHERE id = ?1",
                    params![id, now],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Queues a sent alert again, due now, as an email of its own with its own Message-ID
    /// (one sent inside a digest is taken out of it).
    pub fn resend_alert(&mut self, id: i64, now: i64) -> Result<(), StoreError> {
        let status: String = self
            .conn
            .query_row("SELECT status FROM outbox WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::NoSuchAlert(id))?;
        if status != "sent" {
            return Err(StoreError::AlertStatus {
                id,
                status,
                rule: "only a sent alert is resent (retry queues a failed one again)",
            });
        }
        self.conn.execute(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?2,
                mode = 'immediate', digest_id = NULL
             WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    /// Outbox rows, newest first, optionally of one status.
    pub fn outbox(
        &self,
        status: Option<OutboxStatus>,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        entries(
            &self.conn,
            "?1 IS NULL OR o.status = ?1",
            params![status.map(|s| s.as_str()), limit as i64],
        )
    }

    /// The alerts sent or due for a story, oldest first.
    pub fn story_alerts(&self, story_id: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut rows = entries(
            &self.conn,
            "o.story_id = ?1",
            params![story_id, MAX_STORY_ALERTS as i64],
        )?;
        rows.reverse();
        Ok(rows)
    }
}

/// The most alerts a story's page lists.
const MAX_STORY_ALERTS: usize = 500;

/// Outbox rows meeting `condition`, newest first, at most `?2`.
fn entries(
    conn: &rusqlite::Connection,
    condition: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<OutboxEntry>, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT o.id, o.item_id, o.recipient, o.kind, o.status, o.attempts, o.created_at,
                o.next_attempt_at, o.sent_at, o.last_error, i.title, o.mode, o.digest_id
         FROM outbox o JOIN items i ON i.id = o.item_id
         WHERE {condition}
         ORDER BY o.id DESC LIMIT ?2"
    ))?;
    let rows = st
        .query_map(params, |r| {
            Ok(OutboxEntry {
                id: r.get(0)?,
                item_id: r.get(1)?,
                recipient: r.get(2)?,
                kind: r.get(3)?,
                status: OutboxStatus::parse(&r.get::<_, String>(4)?),
                attempts: r.get(5)?,
                created_at: r.get(6)?,
                next_attempt_at: r.get(7)?,
                sent_at: r.get(8)?,
                last_error: r.get(9)?,
                title: r.get(10)?,
                mode: r.get(11)?,
                digest_id: r.get(12)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::{Facts, StoryPolicy};
    use crate::plan::{AlertTo, StoryInput};
    use crate::store::{FeedIngest, FetchRecord, PackedText, PreparedItem};

    /// A store with one feed and `n` stored items, each queued for `to` as `delivery`, due at
    /// `due_at`.
    fn store_with_alerts(n: usize, to: &[(&str, Delivery, i64)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let feed = s
            .sync_feeds(&[("http://a.example/rss".into(), None)])
            .unwrap()[0]
            .id;
        let items: Vec<PreparedItem> = (0..n)
            .map(|i| PreparedItem {
                identity: format!("guid:{i}"),
                guid: Some(i.to_string()),
                url: None,
                canonical_url: None,
                title: format!("title {i}"),
                text: PackedText::pack("text"),
                provenance: crate::fulltext::Provenance::feed(),
                published_at: None,
                content_hash: format!("h{i}"),
                analysis: Analysis::default(),
                analysis_json: crate::store::stored_analysis(&Analysis::default()),
                fts_terms: String::new(),
                event_at: Some(100),
                surge: None,
                // Each item its own incident: a country of its own.
                story: StoryInput::Facts(
                    Box::new(Facts {
                        kinds: vec![crate::detect::EventKind::Attack],
                        countries: vec![format!("C{i}")],
                        event_first: 100,
                        event_last: 100,
                        ..Facts::default()
                    }),
                    Vec::new(),
                ),
                alert_to: to
                    .iter()
                    .map(|(r, d, due)| AlertTo {
                        recipient: (*r).into(),
                        delivery: *d,
                        due_at: *due,
                    })
                    .collect(),
            })
            .collect();
        let record = FetchRecord::Fetched {
            http_status: 200,
            etag: None,
            last_modified: None,
            title: None,
            hub: None,
            topic: None,
        };
        let policy = crate::store::Policies {
            stories: StoryPolicy {
                window: std::time::Duration::from_secs(72 * 3600),
                max_updates: 2,
                toll_increase: 5,
                max_event_age: std::time::Duration::from_secs(7 * 86_400),
            },
            surge: crate::plan::SurgePolicy::default(),
        };
        let feed = FeedIngest {
            feed_id: feed,
            items,
            record: Some(record),
            next_poll_at: 200,
        };
        s.ingest_and_record(&feed, 100, &policy).unwrap();
        (dir, s)
    }

    #[test]
    fn digest_rows_wait_for_their_time_and_leave_together() {
        let (_d, mut s) = store_with_alerts(
            5,
            &[
                ("a@x", Delivery::Digest, 3600),
                ("b@x", Delivery::Immediate, 100),
            ],
        );
        assert_eq!(
            s.due_alerts(100, 50).unwrap().len(),
            5,
            "b's alerts are due now"
        );
        assert_eq!(
            s.compose_digests(3599, 100).unwrap(),
            0,
            "a's digest is not due"
        );
        assert_eq!(
            s.compose_digests(3600, 2).unwrap(),
            3,
            "5 alerts in digests of 2"
        );
        assert_eq!(s.compose_digests(3600, 2).unwrap(), 0, "composed once");
        let digests = s.due_digests(3600, 10).unwrap();
        assert_eq!(
            digests.iter().map(|d| d.alerts.len()).collect::<Vec<_>>(),
            [2, 2, 1]
        );
        let first = &digests[0];
        assert!(first
            .message_id
            .starts_with(&format!("<sw.digest.{}.", first.id)));
        s.mark_sent(Queue::Digests, first.id, 3601).unwrap();
        let sent = s.outbox(Some(OutboxStatus::Sent), 10).unwrap();
        assert_eq!(sent.len(), 2);
        assert!(sent.iter().all(|e| e.digest_id == Some(first.id)));
        assert_eq!(s.sent_in_last_hour("a@x", 3601).unwrap(), 1, "one email");
        assert_eq!(s.due_digests(3601, 10).unwrap().len(), 2);
    }

    #[test]
    fn a_failed_digest_fails_its_alerts_and_is_retried_whole() {
        let (_d, mut s) = store_with_alerts(3, &[("a@x", Delivery::Digest, 100)]);
        s.compose_digests(100, 100).unwrap();
        let d = s.due_digests(100, 10).unwrap().remove(0);
        s.mark_attempt_failed(Queue::Digests, d.id, "550 no", 200, true)
            .unwrap();
        let failed = s.outbox(Some(OutboxStatus::Failed), 10).unwrap();
        assert_eq!(failed.len(), 3);
        assert_eq!(failed[0].last_error.as_deref(), Some("550 no"));
        assert!(s.resend_alert(failed[0].id, 300).is_err(), "not sent");
        s.retry_alert(failed[0].id, 300).unwrap();
        let again = s.due_digests(300, 10).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(
            again[0].message_id, d.message_id,
            "same digest, same Message-ID"
        );
        assert_eq!(again[0].alerts.len(), 3);
    }

    #[test]
    fn the_cap_counts_emails_in_the_last_hour_and_overflow_moves_to_a_digest() {
        let (_d, mut s) = store_with_alerts(3, &[("b@x", Delivery::Immediate, 100)]);
        let rows = s.due_alerts(100, 10).unwrap();
        s.mark_sent(Queue::Alerts, rows[0].id, 100).unwrap();
        s.mark_sent(Queue::Alerts, rows[1].id, 200).unwrap();
        assert_eq!(s.sent_in_last_hour("b@x", 300).unwrap(), 2);
        assert_eq!(s.sent_in_last_hour("b@x", 3700).unwrap(), 1);
        assert_eq!(s.sent_in_last_hour("b@x", 3800).unwrap(), 0);
        s.defer_to_digest(rows[2].id, 3600).unwrap();
        assert!(s.due_alerts(3600, 10).unwrap().is_empty());
        assert_eq!(s.compose_digests(3600, 100).unwrap(), 1);
        // A sent alert resent goes alone, with its own Message-ID.
        s.resend_alert(rows[0].id, 4000).unwrap();
        let due = s.due_alerts(4000, 10).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].message_id, rows[0].message_id);
        assert!(s.retry_alert(rows[1].id, 4000).is_err(), "sent, not failed");
    }
}
