use rusqlite::params;

use super::{Store, StoreError};

/// What is wrong with a feed, for an operator notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnhealthyFeed {
    pub id: i64,
    pub url: String,
    pub name: Option<String>,
    /// `feed_failing` or `feed_silent`.
    pub kind: &'static str,
    /// Since when (failing since, or last new item).
    pub since: i64,
    pub last_error: Option<String>,
    pub consecutive_failures: u32,
}

/// A due operator notice.
#[derive(Debug, Clone)]
pub struct NoticeRow {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub attempts: u32,
}

impl Store {
    /// Active feeds that have failed since before `now - failing_after`, or (having had items)
    /// brought none since before `now - silent_after`, and whose episode was not reported yet.
    pub fn unhealthy_feeds(
        &self,
        now: i64,
        failing_after: i64,
        silent_after: i64,
    ) -> Result<Vec<UnhealthyFeed>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, url, name, failing_since, last_item_at, last_error, consecutive_failures
             FROM feeds
             WHERE active = 1 AND health_notice IS NULL
               AND ((failing_since IS NOT NULL AND failing_since <= ?1 - ?2)
                 OR (failing_since IS NULL AND last_item_at IS NOT NULL AND last_item_at <= ?1 - ?3))
             ORDER BY id",
        )?;
        let rows = st
            .query_map(params![now, failing_after, silent_after], |r| {
                let failing: Option<i64> = r.get(3)?;
                let last_item: Option<i64> = r.get(4)?;
                Ok(UnhealthyFeed {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    name: r.get(2)?,
                    kind: if failing.is_some() {
                        "feed_failing"
                    } else {
                        "feed_silent"
                    },
                    since: failing.or(last_item).unwrap_or(now),
                    last_error: r.get(5)?,
                    consecutive_failures: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Queues a notice about a feed and marks the episode reported, in one transaction.
    pub fn queue_notice(
        &mut self,
        feed: &UnhealthyFeed,
        recipient: &str,
        subject: &str,
        body: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO notices (feed_id, kind, recipient, subject, body, message_id, created_at,
                next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![
                feed.id,
                feed.kind,
                recipient,
                subject,
                body,
                // Fixed when queued (a resend is the same message); random so that two
                // episodes within one second differ.
                format!(
                    "<sw.notice.{}.{}.{now}.{:016x}@sahel-watch>",
                    feed.id,
                    feed.kind,
                    fastrand::u64(..)
                ),
                now
            ],
        )?;
        tx.execute(
            "UPDATE feeds SET health_notice = ?2, health_notice_at = ?3 WHERE id = ?1",
            params![feed.id, feed.kind, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn due_notices(&self, now: i64, limit: usize) -> Result<Vec<NoticeRow>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, recipient, subject, body, message_id, attempts FROM notices
             WHERE status = 'pending' AND next_attempt_at <= ?1
             ORDER BY next_attempt_at, id LIMIT ?2",
        )?;
        let rows = st
            .query_map(params![now, limit as i64], |r| {
                Ok(NoticeRow {
                    id: r.get(0)?,
                    recipient: r.get(1)?,
                    subject: r.get(2)?,
                    body: r.get(3)?,
                    message_id: r.get(4)?,
                    attempts: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
