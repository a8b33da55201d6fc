//! The daemon's daily prune: `[retention]` applied a batch at a time, so that ingest and the
//! mailer get the store between batches.

use std::time::Duration;

use tracing::info;

use super::{Context, DaemonError};
use crate::store::{PruneReport, PRUNE_BATCH};
use crate::time::now;

/// How often the daemon prunes, and how long after it starts it first does.
pub const PRUNE_EVERY: Duration = Duration::from_secs(86_400);
pub const FIRST_PRUNE_AFTER: Duration = Duration::from_secs(3_600);

pub async fn prune(ctx: &Context) -> Result<PruneReport, DaemonError> {
    let Some(cutoff) = ctx.config.retention.text_cutoff(now()) else {
        return Ok(PruneReport::default());
    };
    let mut total = PruneReport::default();
    loop {
        let r = ctx
            .with_store(move |s| s.prune_batch(cutoff, now()))
            .await?;
        total.add(&r);
        ctx.metrics.items_pruned.inc_by(r.items as u64);
        if r.items < PRUNE_BATCH {
            break;
        }
    }
    if total.items > 0 {
        total.pages_freed = ctx.with_store(|s| s.reclaim()).await?;
    }
    info!(
        items = total.items,
        text_bytes = total.text_bytes,
        pages_freed = total.pages_freed,
        "retention: texts of old irrelevant items let go"
    );
    Ok(total)
}
