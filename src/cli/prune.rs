use sahel_watch::store::Store;
use sahel_watch::time::now;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Say what would be removed, and remove nothing.
    #[arg(long)]
    dry_run: bool,
    /// Then rewrite the database compactly (VACUUM): the pages pruned rows left half empty
    /// are given back too. Takes as long as copying the file and as much room again; run it
    /// with the daemon stopped, or expect its writes to wait.
    #[arg(long)]
    vacuum: bool,
}

/// Applies `[retention]` now (the daemon does it daily) and gives the space back.
pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let mut store = Store::open(&config.data_dir)?;
    let t = now();
    let Some(cutoff) = config.retention.text_cutoff(t) else {
        println!("[retention] irrelevant_text_days = 0: every text is kept");
        return Ok(Exit::Ok);
    };
    let before = super::export::rfc3339(cutoff);
    if a.dry_run {
        let r = store.prunable(cutoff)?;
        println!(
            "would empty the text and index entries of {} items never judged relevant, fetched before {before} ({} bytes of text)",
            r.items, r.text_bytes
        );
        return Ok(Exit::Ok);
    }
    let mut r = store.prune(cutoff, t)?;
    if a.vacuum {
        r.pages_freed += store.compact()?;
    }
    println!(
        "emptied the text and index entries of {} items never judged relevant, fetched before {before} ({} bytes of text); {} pages given back",
        r.items, r.text_bytes, r.pages_freed
    );
    Ok(Exit::Ok)
}
