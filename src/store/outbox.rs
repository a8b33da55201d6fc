use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::detect::Analysis;

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
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }
}

/// The two delivery queues: alerts about items, and notices to the operator. They share the
/// delivery bookkeeping (attempts, next attempt, sent, failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Alerts,
    Notices,
}

impl Queue {
    /// The table: a constant, never user input.
    fn table(self) -> &'static str {
        match self {
            Queue::Alerts => "outbox",
            Queue::Notices => "notices",
        }
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
}

/// An outbox row as `alerts` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub item_id: i64,
    pub recipient: String,
    pub kind: String,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub created_at: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    pub title: String,
}

impl Store {
    /// Pending alerts whose time has come, oldest first.
    pub fn due_alerts(&self, now: i64, limit: usize) -> Result<Vec<AlertRow>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT o.id, o.item_id, o.recipient, o.kind, o.message_id, o.attempts,
                    i.title, i.text, i.url, coalesce(f.name, f.title, f.url), i.published_at,
                    i.fetched_at, i.analysis
             FROM outbox o JOIN items i ON i.id = o.item_id JOIN feeds f ON f.id = i.feed_id
             WHERE o.status = 'pending' AND o.next_attempt_at <= ?1
             ORDER BY o.next_attempt_at, o.id LIMIT ?2",
        )?;
        let rows = st
            .query_map(params![now, limit as i64], |r| {
                Ok((
                    AlertRow {
                        id: r.get(0)?,
                        item_id: r.get(1)?,
                        recipient: r.get(2)?,
                        kind: r.get(3)?,
                        message_id: r.get(4)?,
                        attempts: r.get(5)?,
                        title: r.get(6)?,
                        text: r.get(7)?,
                        url: r.get(8)?,
                        feed_name: r.get(9)?,
                        published_at: r.get(10)?,
                        fetched_at: r.get(11)?,
                        analysis: Analysis::default(),
                    },
                    r.get::<_, String>(12)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(mut row, json)| {
                row.analysis = serde_json::from_str(&json)?;
                Ok(row)
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

    /// The earliest time a pending alert is due, if any.
    pub fn next_alert_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending'",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Marks an alert delivered: only called after the server accepted it.
    pub fn mark_sent(&mut self, queue: Queue, id: i64, now: i64) -> Result<(), StoreError> {
        self.conn.execute(
            &format!(
                "UPDATE {} SET status = 'sent', sent_at = ?2, attempts = attempts + 1,
                    last_error = NULL WHERE id = ?1",
                queue.table()
            ),
            params![id, now],
        )?;
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
        self.conn.execute(
            &format!(
                "UPDATE {} SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3,
                    status = CASE WHEN ?4 THEN 'failed' ELSE 'pending' END
                 WHERE id = ?1",
                queue.table()
            ),
            params![id, error, retry_at, give_up],
        )?;
        Ok(())
    }

    /// Puts a failed (or sent) alert back in the queue, due now.
    pub fn requeue_alert(&mut self, id: i64, now: i64) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?2, attempts = 0
             WHERE id = ?1",
            params![id, now],
        )?;
        if n == 0 {
            return Err(StoreError::NoSuchAlert(id));
        }
        Ok(())
    }

    /// Outbox rows, newest first, optionally of one status.
    pub fn outbox(
        &self,
        status: Option<OutboxStatus>,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT o.id, o.item_id, o.recipient, o.kind, o.status, o.attempts, o.created_at,
                    o.next_attempt_at, o.sent_at, o.last_error, i.title
             FROM outbox o JOIN items i ON i.id = o.item_id
             WHERE ?1 IS NULL OR o.status = ?1
             ORDER BY o.id DESC LIMIT ?2",
        )?;
        let rows = st
            .query_map(params![status.map(|s| s.as_str()), limit as i64], |r| {
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
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
