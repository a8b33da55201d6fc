//! WebSub subscriptions (migration 0013): what the subscriber plans from and what the
//! callback checks pushes and verifications against.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::fetch::websub::{Advertised, SubState, Subscription};

const COLUMNS: &str = "feed_id, hub, topic, token, secret, state, requested_at, verified_at,
    lease_until";

fn subscription(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscription> {
    let state: String = r.get(5)?;
    Ok(Subscription {
        feed_id: r.get(0)?,
        hub: r.get(1)?,
        topic: r.get(2)?,
        token: r.get(3)?,
        secret: r.get(4)?,
        // The table's CHECK keeps other states out.
        state: SubState::parse(&state).unwrap_or(SubState::Failed),
        requested_at: r.get(6)?,
        verified_at: r.get(7)?,
        lease_until: r.get(8)?,
    })
}

/// A subscription as `feeds` shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WebSubStatus {
    pub hub: String,
    pub state: String,
    pub lease_until: Option<i64>,
    pub pushes: i64,
    pub refused: i64,
    pub last_push_at: Option<i64>,
    pub last_error: Option<String>,
}

impl Store {
    /// The watched feeds whose last document advertised a hub; the topic is the feed's own
    /// URL when the document names none.
    pub fn websub_advertised(&self) -> Result<Vec<Advertised>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, hub, coalesce(topic, url) FROM feeds
             WHERE hub IS NOT NULL AND status != 'gone' AND active = 1",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(Advertised {
                    feed_id: r.get(0)?,
                    hub: r.get(1)?,
                    topic: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn websub_subscriptions(&self) -> Result<Vec<Subscription>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM websub ORDER BY feed_id"))?;
        let rows = st
            .query_map([], subscription)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The subscription a callback token names.
    pub fn websub_by_token(&self, token: &str) -> Result<Option<Subscription>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM websub WHERE token = ?1"))?
            .query_row([token], subscription)
            .optional()?)
    }

    /// Records a subscription request sent to its hub (`sub.state` is `Requested`): a new
    /// one, or the renewal of the same callback (its lease is kept until the hub verifies).
    pub fn websub_requested(&mut self, sub: &Subscription) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO websub (feed_id, hub, topic, token, secret, state, requested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'requested', ?6)
             ON CONFLICT (feed_id) DO UPDATE SET hub = ?2, topic = ?3, token = ?4, secret = ?5,
                state = 'requested', requested_at = ?6, last_error = NULL",
            params![
                sub.feed_id,
                sub.hub,
                sub.topic,
                sub.token,
                sub.secret,
                sub.requested_at
            ],
        )?;
        Ok(())
    }

    /// A request the hub refused, or that could not be sent; it is asked again later.
    pub fn websub_failed(&mut self, feed_id: i64, error: &str, now: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE websub SET state = 'failed', last_error = ?2, requested_at = ?3
             WHERE feed_id = ?1",
            params![feed_id, error, now],
        )?;
        Ok(())
    }

    /// The hub verified the subscription.
    pub fn websub_verified(
        &mut self,
        feed_id: i64,
        lease_until: Option<i64>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE websub SET state = 'active', verified_at = ?2, lease_until = ?3,
                last_error = NULL
             WHERE feed_id = ?1",
            params![feed_id, now, lease_until],
        )?;
        Ok(())
    }

    /// Leaving was asked for.
    pub fn websub_unsubscribing(&mut self, feed_id: i64, now: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE websub SET state = 'unsubscribing', requested_at = ?2 WHERE feed_id = ?1",
            params![feed_id, now],
        )?;
        Ok(())
    }

    /// The subscription is gone (left, or given up).
    pub fn websub_forget(&mut self, feed_id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM websub WHERE feed_id = ?1", [feed_id])?;
        Ok(())
    }

    /// Counts a push taken (`taken`) or refused for its signature.
    pub fn websub_pushed(&mut self, feed_id: i64, taken: bool, now: i64) -> Result<(), StoreError> {
        let sql = if taken {
            "UPDATE websub SET pushes = pushes + 1, last_push_at = ?2 WHERE feed_id = ?1"
        } else {
            "UPDATE websub SET refused = refused + 1 WHERE feed_id = ?1 AND ?2 IS NOT NULL"
        };
        self.conn.execute(sql, params![feed_id, now])?;
        Ok(())
    }

    /// Each feed's subscription, for `feeds`.
    pub fn websub_status(&self, feed_id: i64) -> Result<Option<WebSubStatus>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT hub, state, lease_until, pushes, refused, last_push_at, last_error
                 FROM websub WHERE feed_id = ?1",
            )?
            .query_row([feed_id], |r| {
                Ok(WebSubStatus {
                    hub: r.get(0)?,
                    state: r.get(1)?,
                    lease_until: r.get(2)?,
                    pushes: r.get(3)?,
                    refused: r.get(4)?,
                    last_push_at: r.get(5)?,
                    last_error: r.get(6)?,
                })
            })
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::FetchRecord;

    #[test]
    fn a_subscription_goes_from_advertised_to_requested_to_active() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let feeds = s
            .sync_feeds(&[
                ("https://news.example/feed.xml".into(), None),
                ("https://other.example/rss".into(), None),
            ])
            .unwrap();
        let with_hub = FetchRecord::Fetched {
            http_status: 200,
            etag: None,
            last_modified: None,
            title: None,
            hub: Some("https://hub.example/".into()),
            topic: None,
        };
        s.record_fetch(feeds[0].id, &with_hub, 10, 20).unwrap();
        assert_eq!(
            s.websub_advertised().unwrap(),
            [Advertised {
                feed_id: feeds[0].id,
                hub: "https://hub.example/".into(),
                topic: "https://news.example/feed.xml".into(),
            }],
            "the feed's own URL is the topic when it names none"
        );
        let sub = Subscription {
            feed_id: feeds[0].id,
            hub: "https://hub.example/".into(),
            topic: "https://news.example/feed.xml".into(),
            token: "tok".into(),
            secret: "sec".into(),
            state: SubState::Requested,
            requested_at: 30,
            verified_at: None,
            lease_until: None,
        };
        s.websub_requested(&sub).unwrap();
        assert_eq!(s.websub_by_token("tok").unwrap(), Some(sub.clone()));
        assert_eq!(s.websub_by_token("other").unwrap(), None);
        s.websub_verified(feeds[0].id, Some(1_000), 40).unwrap();
        s.websub_pushed(feeds[0].id, true, 50).unwrap();
        s.websub_pushed(feeds[0].id, false, 60).unwrap();
        let status = s.websub_status(feeds[0].id).unwrap().unwrap();
        assert_eq!(
            (
                status.state.as_str(),
                status.lease_until,
                status.pushes,
                status.refused
            ),
            ("active", Some(1_000), 1, 1)
        );
        // The next document names no hub: the feed is no longer advertised.
        let without = FetchRecord::Fetched {
            http_status: 200,
            etag: None,
            last_modified: None,
            title: None,
            hub: None,
            topic: None,
        };
        s.record_fetch(feeds[0].id, &without, 70, 80).unwrap();
        assert!(s.websub_advertised().unwrap().is_empty());
        s.websub_forget(feeds[0].id).unwrap();
        assert!(s.websub_subscriptions().unwrap().is_empty());
    }
}
