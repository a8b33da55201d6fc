//! Retention: what an archive kept for years lets go of (migration 0008 says why), and how
//! much room it takes.

use rusqlite::params;

use super::{Store, StoreError};

/// Items pruned in one transaction: the store is held a few milliseconds at a time.
pub const PRUNE_BATCH: usize = 500;

/// What a prune removed, or would remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PruneReport {
    /// Items whose text and index entries went (or would go).
    pub items: usize,
    /// Bytes of stored text among them.
    pub text_bytes: u64,
    /// Database pages given back to the file system by the incremental vacuum.
    pub pages_freed: i64,
}

impl PruneReport {
    /// Adds a batch's figures to a running total.
    pub fn add(&mut self, batch: &PruneReport) {
        self.items += batch.items;
        self.text_bytes += batch.text_bytes;
        self.pages_freed += batch.pages_freed;
    }
}

/// The items a prune lets go of: never judged relevant, text still there, fetched before
/// `?1`, in no story, never alerted.
const PRUNABLE: &str = "FROM items INDEXED BY items_prunable
     WHERE relevant = 0 AND text_pruned_at IS NULL AND fetched_at < ?1
       AND story_id IS NULL AND alerted = 0";

/// Rows, index and file size.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct StorageReport {
    pub file_bytes: i64,
    pub free_bytes: i64,
    pub items: i64,
    pub items_relevant: i64,
    pub items_pruned: i64,
    pub stories: i64,
    pub outbox: i64,
    /// Bytes of each table and index, largest first (SQLite's dbstat).
    pub objects: Vec<(String, i64)>,
    pub last_backup: Option<super::LastBackup>,
}

impl Store {
    /// Empties the text of up to one batch of items never judged relevant, fetched before
    /// `cutoff`, that no story holds and that never alerted; drops their index entries and
    /// their analysis's explanation (its spans pointed into that text). Identity, hash, title,
    /// verdict and alert history stay. Returns what it pruned; fewer than a batch means done.
    pub fn prune_batch(&mut self, cutoff: i64, now: i64) -> Result<PruneReport, StoreError> {
        let tx = self.conn.transaction()?;
        let ids: Vec<(i64, i64)> = tx
            .prepare_cached(&format!("SELECT id, length(text) {PRUNABLE} LIMIT ?2"))?
            .query_map(params![cutoff, PRUNE_BATCH as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        for (id, _) in &ids {
            tx.prepare_cached(
                "UPDATE items SET text = '', text_pruned_at = ?2,
                    analysis = json_remove(analysis, '$.explanation')
                 WHERE id = ?1",
            )?
            .execute(params![id, now])?;
            tx.prepare_cached("DELETE FROM items_fts WHERE rowid = ?1")?
                .execute([id])?;
        }
        tx.commit()?;
        Ok(PruneReport {
            items: ids.len(),
            text_bytes: ids.iter().map(|(_, b)| *b as u64).sum(),
            pages_freed: 0,
        })
    }

    /// Every batch of [`prune_batch`](Self::prune_batch), then [`reclaim`](Self::reclaim).
    pub fn prune(&mut self, cutoff: i64, now: i64) -> Result<PruneReport, StoreError> {
        let mut total = PruneReport::default();
        loop {
            let r = self.prune_batch(cutoff, now)?;
            total.add(&r);
            if r.items < PRUNE_BATCH {
                break;
            }
        }
        total.pages_freed = self.reclaim()?;
        Ok(total)
    }

    /// What [`prune_batch`](Self::prune_batch) would remove, all batches together.
    pub fn prunable(&self, cutoff: i64) -> Result<PruneReport, StoreError> {
        let (items, bytes): (i64, i64) = self.conn.query_row(
            &format!("SELECT count(*), coalesce(sum(length(text)), 0) {PRUNABLE}"),
            [cutoff],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(PruneReport {
            items: items as usize,
            text_bytes: bytes as u64,
            pages_freed: 0,
        })
    }

    /// Gives free pages back to the file system. A database made before incremental vacuum
    /// was on is rewritten once (a full VACUUM) to turn it on.
    pub fn reclaim(&mut self) -> Result<i64, StoreError> {
        let mode: i64 = self
            .conn
            .pragma_query_value(None, "auto_vacuum", |r| r.get(0))?;
        let before = self.page_count()?;
        if mode != 2 {
            self.conn
                .pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
            self.conn.execute_batch("VACUUM")?;
        } else {
            // The pragma frees one page a step: step it to the end.
            let mut st = self.conn.prepare("PRAGMA incremental_vacuum")?;
            let mut rows = st.query([])?;
            while rows.next()?.is_some() {}
        }
        Ok(before - self.page_count()?)
    }

    /// Rewrites the whole database compactly (VACUUM): pages that pruned rows left half empty
    /// are only given back this way. It takes as long as copying the file, and as much room
    /// again while it runs; the daemon never does it on its own.
    pub fn compact(&mut self) -> Result<i64, StoreError> {
        let before = self.page_count()?;
        self.conn.execute_batch("VACUUM")?;
        Ok(before - self.page_count()?)
    }

    /// The database file and its write-ahead log on disk, in bytes (0 for what cannot be read).
    pub fn disk_bytes(&self) -> u64 {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        [self.path.as_os_str(), wal.as_os_str()]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    fn page_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "page_count", |r| r.get(0))?)
    }

    /// Rows, index and file size of the archive.
    pub fn storage(&self) -> Result<StorageReport, StoreError> {
        let page: i64 = self
            .conn
            .pragma_query_value(None, "page_size", |r| r.get(0))?;
        let free: i64 = self
            .conn
            .pragma_query_value(None, "freelist_count", |r| r.get(0))?;
        let count = |sql: &str| -> Result<i64, StoreError> {
            Ok(self.conn.query_row(sql, [], |r| r.get(0))?)
        };
        let objects = self
            .conn
            .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(StorageReport {
            file_bytes: self.page_count()? * page,
            free_bytes: free * page,
            items: count("SELECT count(*) FROM items")?,
            items_relevant: count("SELECT count(*) FROM items WHERE relevant = 1")?,
            items_pruned: count("SELECT count(*) FROM items WHERE text_pruned_at IS NOT NULL")?,
            stories: count("SELECT count(*) FROM stories")?,
            outbox: count("SELECT count(*) FROM outbox")?,
            objects,
            last_backup: self.last_backup()?,
        })
    }
}
