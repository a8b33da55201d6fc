//! Consistent copies of the database while the daemon writes to it, with SQLite's online backup
//! API: the copy is of one committed state (the source is read in one step, under one read
//! transaction, which in WAL mode never blocks the writer), written beside the destination,
//! checked, made durable and only then renamed into place.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{Store, StoreError};

/// Backups kept on record (`backups` table): enough for a year of daily copies to be seen
/// back to the last quarter, little enough to never matter.
const BACKUPS_ON_RECORD: i64 = 100;

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupReport {
    pub path: PathBuf,
    pub pages: i32,
    pub bytes: u64,
    pub seconds: f64,
}

/// The newest backup on record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LastBackup {
    pub finished_at: i64,
    pub path: String,
    pub bytes: i64,
    pub seconds: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists: give another file, or --force to replace it")]
    Exists(PathBuf),
    #[error("cannot write the backup {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot write the backup {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the copy {path} fails its integrity check: {found}")]
    Damaged { path: PathBuf, found: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Copies the database to `dest` (replacing it only with `replace`) and checks the copy.
    pub fn backup_to(&self, dest: &Path, replace: bool) -> Result<BackupReport, BackupError> {
        let started = std::time::Instant::now();
        if dest.exists() && !replace {
            return Err(BackupError::Exists(dest.to_owned()));
        }
        let partial = partial_path(dest);
        let _ = std::fs::remove_file(&partial);
        let written = copy_into(&self.conn, &partial).and_then(|pages| {
            let io = |source| BackupError::Io {
                path: partial.clone(),
                source,
            };
            let file = std::fs::File::open(&partial).map_err(io)?;
            file.sync_all().map_err(io)?;
            Ok((pages, file.metadata().map(|m| m.len()).unwrap_or(0)))
        });
        let (pages, bytes) = match written {
            Ok(w) => w,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        std::fs::rename(&partial, dest).map_err(|source| BackupError::Io {
            path: dest.to_owned(),
            source,
        })?;
        Ok(BackupReport {
            path: dest.to_owned(),
            pages,
            bytes,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Puts a backup that passed on record (`backups`), so the daemon's metrics and
    /// `stats --storage` show how old the newest copy is.
    pub fn record_backup(&self, r: &BackupReport, now: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO backups (finished_at, path, bytes, seconds) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                now,
                r.path.to_string_lossy(),
                r.bytes.min(i64::MAX as u64) as i64,
                r.seconds
            ],
        )?;
        self.conn.execute(
            "DELETE FROM backups WHERE id <= (SELECT max(id) FROM backups) - ?1",
            [BACKUPS_ON_RECORD],
        )?;
        Ok(())
    }

    /// The newest backup on record, if any was taken.
    pub fn last_backup(&self) -> Result<Option<LastBackup>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT finished_at, path, bytes, seconds FROM backups ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(LastBackup {
                        finished_at: r.get(0)?,
                        path: r.get(1)?,
                        bytes: r.get(2)?,
                        seconds: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }
}

/// `dest` with `.partial` appended: where the copy is made before it is complete.
fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    dest.with_file_name(name)
}

/// Copies every page in one step and checks the copy; returns its page count.
fn copy_into(src: &Connection, path: &Path) -> Result<i32, BackupError> {
    let write = |source| BackupError::Write {
        path: path.to_owned(),
        source,
    };
    // Only the daemon's user reads the archive: the copy is made private before it has data.
    create_private(path).map_err(|source| BackupError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut dst = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )
    .map_err(write)?;
    {
        let backup = Backup::new(src, &mut dst).map_err(write)?;
        // One step of every page: one read transaction, so the copy is of one committed state
        // (steps of a few pages would start over each time the daemon commits). A source that
        // is busy (a checkpoint under way) is tried again for up to ten seconds.
        let mut busy = 0;
        loop {
            match backup.step(-1).map_err(write)? {
                StepResult::Done => break,
                StepResult::More => continue,
                _ if busy < 200 => {
                    busy += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                _ => {
                    return Err(write(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("the database stayed busy for ten seconds".into()),
                    )))
                }
            }
        }
    }
    // The copy stands alone: no WAL beside it.
    dst.pragma_update(None, "journal_mode", "DELETE")
        .map_err(write)?;
    let found: String = dst
        .pragma_query_value(None, "integrity_check", |r| r.get(0))
        .map_err(write)?;
    if found != "ok" {
        return Err(BackupError::Damaged {
            path: path.to_owned(),
            found,
        });
    }
    let pages = dst
        .pragma_query_value(None, "page_count", |r| r.get(0))
        .map_err(write)?;
    Ok(pages)
}

fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::now;

    #[test]
    fn a_backup_is_a_database_of_the_same_schema_and_is_not_overwritten_unasked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("data")).unwrap();
        let dest = dir.path().join("copy.db");
        assert_eq!(store.last_backup().unwrap(), None);
        let report = store.backup_to(&dest, false).unwrap();
        assert!(report.pages > 0 && report.bytes > 0);
        store.record_backup(&report, now()).unwrap();
        let last = store
            .last_backup()
            .unwrap()
            .expect("the backup is on record");
        assert_eq!(last.path, dest.to_string_lossy());
        assert_eq!(last.bytes as u64, report.bytes);
        assert!(!partial_path(&dest).exists());
        let copy = Store::open_reader(&dest).unwrap();
        assert_eq!(
            copy.schema_version().unwrap(),
            store.schema_version().unwrap()
        );
        assert!(matches!(
            store.backup_to(&dest, false),
            Err(BackupError::Exists(_))
        ));
        store.backup_to(&dest, true).unwrap();
        // The record keeps the newest hundred.
        for _ in 0..BACKUPS_ON_RECORD + 5 {
            store.record_backup(&report, 7).unwrap();
        }
        let kept: i64 = store
            .conn
            .query_row("SELECT count(*) FROM backups", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, BACKUPS_ON_RECORD);
        assert_eq!(store.last_backup().unwrap().unwrap().finished_at, 7);
    }
}
