use std::path::PathBuf;

use sahel_watch::store::Store;
use sahel_watch::time::now;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the copy (a new file; see --force).
    file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

/// Writes a consistent copy of the database, also while the daemon runs. To restore: stop the
/// daemon, copy the file to the data directory as `sahel-watch.db` (removing any
/// `sahel-watch.db-wal` and `-shm` beside it), start the daemon.
pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    let report = store.backup_to(&a.file, a.force)?;
    println!(
        "{}: {} pages, {} bytes, integrity ok, in {:.1} s",
        report.path.display(),
        report.pages,
        report.bytes,
        report.seconds
    );
    // The copy is whole whether or not its record is written: a failure here is a warning.
    if let Err(e) = store.record_backup(&report, now()) {
        let e = super::error_chain(&e.into());
        eprintln!("sahel-watch: warning: the backup is whole, but is not on record: {e}");
    }
    Ok(Exit::Ok)
}
