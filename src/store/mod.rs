//! Storage: the only module that speaks SQL. One SQLite file in WAL mode, one writer (the
//! daemon), any number of readers (the CLI while the daemon runs).

mod analysis;
mod backup;
mod console;
mod corrections;
mod feeds;
mod item_corrections;
mod items;
mod labels;
mod migrate;
mod notices;
mod outbox;
mod query;
mod retention;
mod stories;
mod surges;
mod text;
mod undo;
mod websub;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use analysis::stored_analysis;
pub use backup::{BackupError, BackupReport, LastBackup};
pub use console::{SessionRow, UserRow};
pub use corrections::{CorrectionError, CorrectionRow, Verdict};
pub use feeds::{FeedHealth, FeedRow, FetchRecord};
pub use item_corrections::{StoredReport, StoryReports, TakeOut};
pub use items::{FeedIngest, IngestOutcome, Policies, PreparedItem};
pub use labels::CorrectedItem;
pub use migrate::SCHEMA_VERSION;
pub use notices::{NoticeRow, UnhealthyFeed};
pub use outbox::{AlertRow, DigestRow, OutboxEntry, OutboxStatus, Queue};
pub use query::{ItemDetail, ItemFilter, ItemRow, StoredText};
pub use retention::{PruneReport, StorageReport, PRUNE_BATCH};
pub use stories::{StoryArticle, StoryFilter, StoryRow};
// Kept here for the benchmarks, which read the clock as `store::now`.
pub use crate::time::now;
pub use surges::SurgeRow;
pub use text::PackedText;
pub use websub::WebSubStatus;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open database {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database schema version {found} is newer than this sahel-watch supports ({supported}); use a newer sahel-watch or restore a backup")]
    TooNew { found: u32, supported: u32 },
    #[error("migration {name} failed: {source}")]
    Migration {
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("stored JSON is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the transaction this feed was written in failed: {0}")]
    Batch(#[source] std::sync::Arc<StoreError>),
    #[error("no item with id {0}")]
    NoSuchItem(i64),
    #[error("no story with id {0}")]
    NoSuchStory(i64),
    #[error("no outbox row with id {0}")]
    NoSuchAlert(i64),
    #[error("alert {id} is {status}: {rule}")]
    AlertStatus {
        id: i64,
        status: String,
        rule: &'static str,
    },
}

/// The database. Not `Sync`: the daemon owns one behind a mutex and calls it from blocking tasks.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Creates a directory (and parents) readable by its owner only: the database holds what the
/// operator watches and the maildir what they are told.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and applies migrations.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        create_private_dir(data_dir).map_err(|source| StoreError::CreateDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join("sahel-watch.db");
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
        conn.busy_timeout(Duration::from_secs(10))?;
        // A new database gives pages freed by retention back to the file system
        // (`Store::reclaim`); on an existing one this does nothing until a VACUUM.
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        set_wal(&conn)?;
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;",
        )?;
        migrate::migrate(&mut conn)?;
        Ok(Store { conn, path })
    }

    /// A read-only connection to the database the daemon writes, for what must answer while a
    /// write is under way (`/healthz`, `/metrics`, the status line): in WAL mode readers never
    /// wait for the writer. `open` must have created and migrated the file first.
    pub fn open_reader(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        conn.busy_timeout(Duration::from_secs(2))?;
        Ok(Store {
            conn,
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// A cheap liveness check (used by the watchdog and health endpoint).
    pub fn ping(&self) -> Result<(), StoreError> {
        // A read of the schema page: the file is there and readable, not just the library.
        self.conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Puts the database in WAL mode (persistent in the file). Changing the journal mode needs the
/// database to itself and does not wait on the busy handler, so a start beside another process
/// retries for a while instead of failing.
fn set_wal(conn: &Connection) -> Result<(), StoreError> {
    let mut last = None;
    for _ in 0..100 {
        let mode: Result<String, _> = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0));
        match mode {
            Ok(m) if m.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(_) => {
                match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
                    Ok(m) if m.eq_ignore_ascii_case("wal") => return Ok(()),
                    Ok(_) => {}
                    Err(e) => last = Some(e),
                }
            }
            Err(e) => last = Some(e),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(last.map_or_else(
        || StoreError::Sql(rusqlite::Error::InvalidQuery),
        StoreError::Sql,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_newer() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        s.conn
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(s);
        let err = Store::open(dir.path()).err().unwrap().to_string();
        assert!(err.contains("newer"), "{err}");
    }
}
