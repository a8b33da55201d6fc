//! Consistent copies of the database while the daemon writes to it, with SQLite's online backup
//! API: the copy is of one committed state (the source is read in one step, under one read
//! transaction, which in WAL mode never blocks the writer), written beside the destination,
//! checked, made durable and only then renamed into place.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{Store, StoreError};

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub path: PathBuf,
    pub pages: i32,
    pub bytes: u64,
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
        })
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

    #[test]
    fn a_backup_is_a_database_of_the_same_schema_and_is_not_overwritten_unasked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("data")).unwrap();
        let dest = dir.path().join("copy.db");
        let report = store.backup_to(&dest, false).unwrap();
        assert!(report.pages > 0 && report.bytes > 0);
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
    }
}
