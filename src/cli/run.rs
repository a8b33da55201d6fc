use anyhow::Context as _;
use sahel_watch::daemon::{run_forever, run_once, shutdown_signal, Context};

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Poll every feed once, store, deliver due alerts, and exit: 0 when every feed was
    /// fetched, 1 when any failed (after finishing the others).
    #[arg(long)]
    once: bool,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    // Blocking threads run the CPU work (reading feeds, analysis, packing) and the store's
    // calls: a few per core keep both cores busy, where hundreds would only contend for them
    // and for memory (each thread its own allocator arena).
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("sahel-watch")
        .max_blocking_threads(4 * cores)
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let ctx = Context::new(config).context("starting sahel-watch")?;
        if a.once {
            let r = run_once(ctx).await?;
            eprintln!(
                "polled {} feeds ({} failed): {} new items, {} updated; alerts: {} queued, {} sent ({} digests), {} failed, {} deferred to a digest by the hourly cap",
                r.feeds,
                r.failed.len(),
                r.inserted,
                r.updated,
                r.alerts_queued,
                r.alerts_sent,
                r.digests_sent,
                r.alerts_failed,
                r.alerts_deferred
            );
            for (url, e) in &r.failed {
                // A feed's recorded error names its URL already.
                if e.starts_with(url.as_str()) {
                    eprintln!("  failed: {e}");
                } else {
                    eprintln!("  failed: {url}: {e}");
                }
            }
            Ok(if r.failed.is_empty() && r.alerts_failed == 0 {
                Exit::Ok
            } else {
                Exit::Failure
            })
        } else {
            let (path, data_dir) = (g.config.clone(), g.data_dir.clone());
            let reload = Box::new(move || {
                let mut c = sahel_watch::config::Config::load(path.as_deref())?;
                if let Some(d) = &data_dir {
                    c.data_dir = d.clone();
                }
                Ok(c)
            });
            run_forever(ctx, shutdown_signal(), reload).await?;
            Ok(Exit::Ok)
        }
    })
}
