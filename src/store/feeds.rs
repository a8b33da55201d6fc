use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};

/// What the scheduler needs to poll a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedRow {
    pub id: i64,
    pub url: String,
    /// The URL the configuration names (the feed may have moved since).
    pub configured_url: String,
    pub name: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub status: String,
    pub next_poll_at: i64,
    pub consecutive_failures: u32,
}

/// The outcome of one poll, to record against the feed.
#[derive(Debug, Clone)]
pub enum FetchRecord {
    /// 200 with a parsed document.
    Fetched {
        http_status: u16,
        etag: Option<String>,
        last_modified: Option<String>,
        title: Option<String>,
        /// The WebSub hub and topic the document advertises (`None`: it names no hub).
        hub: Option<String>,
        topic: Option<String>,
    },
    /// 304.
    NotModified,
    /// 410: the feed is gone and is no longer polled.
    Gone { http_status: u16, error: String },
    /// Anything else that went wrong, in plain words.
    Failed {
        http_status: Option<u16>,
        error: String,
    },
}

/// A feed's health, for `feeds`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedHealth {
    pub id: i64,
    pub url: String,
    pub name: Option<String>,
    pub title: Option<String>,
    pub status: String,
    pub active: bool,
    pub last_fetch_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub consecutive_failures: u32,
    pub last_http_status: Option<u16>,
    pub last_error: Option<String>,
    pub next_poll_at: i64,
    pub items: i64,
    pub relevant_items: i64,
}

fn feed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedRow> {
    Ok(FeedRow {
        id: r.get(0)?,
        url: r.get(1)?,
        name: r.get(2)?,
        etag: r.get(3)?,
        last_modified: r.get(4)?,
        status: r.get(5)?,
        next_poll_at: r.get(6)?,
        consecutive_failures: r.get(7)?,
        configured_url: match r.get::<_, Option<String>>(8)? {
            Some(u) => u,
            None => r.get(1)?,
        },
    })
}

const FEED_COLUMNS: &str = "id, url, name, etag, last_modified, status, next_poll_at,
    consecutive_failures, configured_url";

impl Store {
    /// Makes the stored feed list match the configuration: new feeds are added (due now), known
    /// ones are reactivated and renamed, the others are deactivated (kept with their items).
    /// Returns the active feeds.
    pub fn sync_feeds(
        &mut self,
        configured: &[(String, Option<String>)],
    ) -> Result<Vec<FeedRow>, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE feeds SET active = 0", [])?;
        for (url, name) in configured {
            // Known by its configured URL (it may have moved), else by its current URL.
            let updated = tx.execute(
                "UPDATE feeds SET name = ?2, active = 1 WHERE configured_url = ?1",
                params![url, name],
            )?;
            if updated == 0 {
                let updated = tx.execute(
                    "UPDATE feeds SET name = ?2, active = 1, configured_url = ?1 WHERE url = ?1",
                    params![url, name],
                )?;
                if updated == 0 {
                    tx.execute(
                        "INSERT INTO feeds (url, configured_url, name, active) VALUES (?1, ?1, ?2, 1)",
                        params![url, name],
                    )?;
                }
            }
        }
        tx.commit()?;
        self.active_feeds()
    }

    pub fn active_feeds(&self) -> Result<Vec<FeedRow>, StoreError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {FEED_COLUMNS} FROM feeds WHERE active = 1 ORDER BY id"
        ))?;
        let rows = st.query_map([], feed_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn feed(&self, id: i64) -> Result<Option<FeedRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {FEED_COLUMNS} FROM feeds WHERE id = ?1"),
                [id],
                feed_row,
            )
            .optional()?)
    }

    /// Records the outcome of a poll and when to poll next.
    pub fn record_fetch(
        &mut self,
        feed_id: i64,
        record: &FetchRecord,
        now: i64,
        next_poll_at: i64,
    ) -> Result<(), StoreError> {
        record_fetch_in(&self.conn, feed_id, record, now, next_poll_at)
    }

    /// A permanent redirect moves the feed to its new URL (unless that URL is a feed already).
    pub fn move_feed(&mut self, feed_id: i64, new_url: &str) -> Result<bool, StoreError> {
        let taken: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM feeds WHERE url = ?1)",
            [new_url],
            |r| r.get(0),
        )?;
        if taken {
            return Ok(false);
        }
        self.conn.execute(
            "UPDATE feeds SET url = ?2 WHERE id = ?1",
            params![feed_id, new_url],
        )?;
        Ok(true)
    }

    /// Active feeds, and how many of them are failing.
    pub fn feed_counts(&self) -> Result<(i64, i64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*), coalesce(sum(status = 'failing'), 0) FROM feeds WHERE active = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Every feed with its health and item counts, active ones first.
    pub fn feed_health(&self) -> Result<Vec<FeedHealth>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT f.id, f.url, f.name, f.title, f.status, f.active, f.last_fetch_at,
                    f.last_success_at, f.consecutive_failures, f.last_http_status, f.last_error,
                    f.next_poll_at,
                    (SELECT count(*) FROM items i WHERE i.feed_id = f.id),
                    (SELECT count(*) FROM items i WHERE i.feed_id = f.id AND i.relevant = 1)
             FROM feeds f ORDER BY f.active DESC, f.id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(FeedHealth {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    name: r.get(2)?,
                    title: r.get(3)?,
                    status: r.get(4)?,
                    active: r.get(5)?,
                    last_fetch_at: r.get(6)?,
                    last_success_at: r.get(7)?,
                    consecutive_failures: r.get(8)?,
                    last_http_status: r.get(9)?,
                    last_error: r.get(10)?,
                    next_poll_at: r.get(11)?,
                    items: r.get(12)?,
                    relevant_items: r.get(13)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

/// Records the outcome of a poll on a connection or inside a transaction.
pub(super) fn record_fetch_in(
    conn: &rusqlite::Connection,
    feed_id: i64,
    record: &FetchRecord,
    now: i64,
    next_poll_at: i64,
) -> Result<(), StoreError> {
    match record {
        FetchRecord::Fetched {
            http_status,
            etag,
            last_modified,
            title,
            hub,
            topic,
        } => conn.execute(
            "UPDATE feeds SET status = 'ok', last_http_status = ?2, etag = ?3,
                last_modified = ?4, title = coalesce(?5, title), last_fetch_at = ?6,
                last_success_at = ?6, next_poll_at = ?7, consecutive_failures = 0,
                hub = ?8, topic = ?9,
                last_error = NULL, failing_since = NULL,
                health_notice = CASE WHEN health_notice = 'feed_failing' THEN NULL ELSE health_notice END
             WHERE id = ?1",
            params![
                feed_id,
                http_status,
                etag,
                last_modified,
                title,
                now,
                next_poll_at,
                hub,
                topic
            ],
        )?,
        FetchRecord::NotModified => conn.execute(
            "UPDATE feeds SET status = 'ok', last_http_status = 304, last_fetch_at = ?2,
                last_success_at = ?2, next_poll_at = ?3, consecutive_failures = 0,
                last_error = NULL, failing_since = NULL,
                health_notice = CASE WHEN health_notice = 'feed_failing' THEN NULL ELSE health_notice END
             WHERE id = ?1",
            params![feed_id, now, next_poll_at],
        )?,
        FetchRecord::Gone { http_status, error } => conn.execute(
            "UPDATE feeds SET status = 'gone', last_http_status = ?2, last_fetch_at = ?3,
                next_poll_at = ?4, consecutive_failures = consecutive_failures + 1,
                last_error = ?5, failing_since = coalesce(failing_since, ?3)
             WHERE id = ?1",
            params![feed_id, http_status, now, next_poll_at, error],
        )?,
        FetchRecord::Failed { http_status, error } => conn.execute(
            "UPDATE feeds SET status = 'failing', last_http_status = ?2, last_fetch_at = ?3,
                next_poll_at = ?4, consecutive_failures = consecutive_failures + 1,
                last_error = ?5, failing_since = coalesce(failing_since, ?3)
             WHERE id = ?1",
            params![feed_id, http_status, now, next_poll_at, error],
        )?,
    };
    Ok(())
}
