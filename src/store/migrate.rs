//! Schema migrations: numbered SQL files embedded in the binary, applied in order inside one
//! transaction, with the schema version in `PRAGMA user_version`.

use rusqlite::Connection;

use super::text::StoredBody;
use super::StoreError;

/// The migrations, in order. Shipped files are never edited: a change is a new file.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init.sql",
        include_str!("../../migrations/0001_init.sql"),
    ),
    (
        "0002_feed_health.sql",
        include_str!("../../migrations/0002_feed_health.sql"),
    ),
    (
        "0003_digests.sql",
        include_str!("../../migrations/0003_digests.sql"),
    ),
    (
        "0004_stories.sql",
        include_str!("../../migrations/0004_stories.sql"),
    ),
    (
        "0005_relevant_index.sql",
        include_str!("../../migrations/0005_relevant_index.sql"),
    ),
    (
        "0006_text_source.sql",
        include_str!("../../migrations/0006_text_source.sql"),
    ),
    (
        "0007_compact_archive.sql",
        include_str!("../../migrations/0007_compact_archive.sql"),
    ),
    (
        "0008_retention.sql",
        include_str!("../../migrations/0008_retention.sql"),
    ),
    (
        "0009_backups.sql",
        include_str!("../../migrations/0009_backups.sql"),
    ),
    (
        "0010_channels.sql",
        include_str!("../../migrations/0010_channels.sql"),
    ),
    (
        "0011_surges.sql",
        include_str!("../../migrations/0011_surges.sql"),
    ),
    (
        "0012_incidents_per_item.sql",
        include_str!("../../migrations/0012_incidents_per_item.sql"),
    ),
    (
        "0013_websub.sql",
        include_str!("../../migrations/0013_websub.sql"),
    ),
    (
        "0014_console.sql",
        include_str!("../../migrations/0014_console.sql"),
    ),
    (
        "0015_corrections.sql",
        include_str!("../../migrations/0015_corrections.sql"),
    ),
    (
        "0016_item_corrections.sql",
        include_str!("../../migrations/0016_item_corrections.sql"),
    ),
    (
        "0017_incidents_list.sql",
        include_str!("../../migrations/0017_incidents_list.sql"),
    ),
];

/// The migration after which the full-text index is empty and filled again from the items.
const REINDEX_AT: usize = 7;

/// The schema version this binary writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the schema up to [`SCHEMA_VERSION`]; returns how many migrations were applied.
/// A database written by a newer binary is refused rather than guessed at.
pub fn migrate(conn: &mut Connection) -> Result<usize, StoreError> {
    // IMMEDIATE takes the write lock first, and the version is read under it: two processes
    // starting together (the daemon and a CLI command) cannot both apply the same migration.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    let mut applied = 0;
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { name, source })?;
        if i + 1 == REINDEX_AT {
            reindex(&tx).map_err(|e| match e {
                StoreError::Sql(source) => StoreError::Migration { name, source },
                e => e,
            })?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        applied += 1;
    }
    tx.commit()?;
    Ok(applied)
}

/// Fills the full-text index from the stored items (after a migration that rebuilt it): the
/// terms are those `arabic::index_terms` gives the analysed «title\ntext», as at ingest.
fn reindex(tx: &Connection) -> Result<(), StoreError> {
    let mut read = tx.prepare("SELECT id, title, text FROM items ORDER BY id")?;
    let mut rows = read.query([])?;
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let title: String = r.get(1)?;
        let StoredBody(text) = r.get(2)?;
        let terms = crate::arabic::index_terms(&format!("{title}\n{text}"));
        super::items::index(tx, id, &terms)?;
        n += 1;
    }
    if n > 0 {
        tracing::info!(items = n, "full-text index rebuilt");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database as version 11 left it: an item filed under a story, its first alert sent.
    fn version_11() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for (_, sql) in &MIGRATIONS[..11] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 11).unwrap();
        conn.execute_batch(
            "INSERT INTO feeds (id, url) VALUES (1, 'http://a.example/rss');
             INSERT INTO stories (id, kind, facts, first_seen, last_seen, items)
                VALUES (7, 'attack', '{}', 100, 100, 1);
             INSERT INTO items (id, feed_id, identity, title, text, fetched_at, updated_at,
                    content_hash, relevant, score, analysis, alerted, story_id, story_reason)
                VALUES (3, 1, 'guid:3', 't', 'x', 100, 100, 'h', 1, 5.0, '{}', 1, 7,
                    'opened the story');
             INSERT INTO outbox (item_id, recipient, kind, message_id, created_at,
                    next_attempt_at, status, story_id)
                VALUES (3, 'desk@x', 'new', '<sw.3.new.x@sahel-watch>', 100, 100, 'sent', 7);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn incidents_per_item_keep_the_stories_and_alerts_stored_before() {
        let mut conn = version_11();
        // 0012, then those after it (WebSub, the console), which add to it.
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() - 11);
        let link: (i64, i64, String) = conn
            .query_row(
                "SELECT item_id, story_id, reason FROM item_stories",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(link, (3, 7, "opened the story".into()));
        let alert: (String, String, i64) = conn
            .query_row(
                "SELECT message_id, status, incident FROM outbox WHERE item_id = 3",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(alert, ("<sw.3.new.x@sahel-watch>".into(), "sent".into(), 0));
        // The same item, recipient and kind for a further incident is another alert; for the
        // same incident it is the same one.
        let insert = |incident: i64, id: &str| {
            conn.execute(
                "INSERT INTO outbox (item_id, recipient, kind, message_id, created_at,
                    next_attempt_at, story_id, incident)
                 VALUES (3, 'desk@x', 'new', ?1, 100, 100, 7, ?2)
                 ON CONFLICT (item_id, recipient, kind, incident) DO NOTHING",
                rusqlite::params![id, incident],
            )
            .unwrap()
        };
        assert_eq!(insert(8, "<b>"), 1);
        assert_eq!(insert(8, "<c>"), 0);
    }
}
