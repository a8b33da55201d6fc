use std::path::PathBuf;

use sahel_watch::store::Store;

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
    let started = std::time::Instant::now();
    let report = store.backup_to(&a.file, a.force)?;
    println!(
        "{}: {} pages, {} bytes, integrity ok, in {:.1} s",
        report.path.display(),
        report.pages,
        report.bytes,
        started.elapsed().as_secs_f64()
    );
    Ok(Exit::Ok)
}
