use super::{Context, DaemonError};
use crate::store::UnhealthyFeed;
use crate::time::now;

fn when(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// The notice for one unhealthy feed: which feed, what happened, since when.
fn notice(f: &UnhealthyFeed) -> (String, String) {
    let name = f.name.as_deref().unwrap_or(&f.url);
    let clean = |s: &str| crate::text::sanitize_line(s, 300);
    match f.kind {
        "feed_failing" => (
            clean(&format!("[sahel-watch] feed failing: {name}")),
            format!(
                "The feed {url} has failed on every poll since {since} ({n} attempts).\n\nLast error: {err}\n\nIt is still retried (with backoff); `sahel-watch feeds` shows its state and `sahel-watch feeds check {url}` tests it now.\n",
                url = f.url,
                since = when(f.since),
                n = f.consecutive_failures,
                err = f.last_error.as_deref().unwrap_or("-"),
            ),
        ),
        _ => (
            clean(&format!("[sahel-watch] feed silent: {name}")),
            format!(
                "The feed {url} is fetched without error but has brought no new item since {since}.\n\nThe publisher may have moved or stopped it; `sahel-watch feeds check {url}` shows what it serves now.\n",
                url = f.url,
                since = when(f.since),
            ),
        ),
    }
}

/// Queues one operator notice per feed that has newly become unhealthy (failing, or silent, for
/// longer than configured). Without an `[operator]` this does nothing.
pub async fn check_feed_health(ctx: &Context) -> Result<usize, DaemonError> {
    let Some(op) = ctx.config.operator.clone() else {
        return Ok(0);
    };
    let secs = |d: std::time::Duration| d.as_secs().min(i64::MAX as u64) as i64;
    let (failing, silent) = (secs(op.feed_failing_after), secs(op.feed_silent_after));
    let feeds = ctx
        .with_store(move |s| s.unhealthy_feeds(now(), failing, silent))
        .await?;
    let n = feeds.len();
    for f in feeds {
        let (subject, body) = notice(&f);
        let to = op.email.to_string();
        tracing::warn!(feed_url = %f.url, kind = f.kind, "feed unhealthy; notifying the operator");
        ctx.with_store(move |s| s.queue_notice(&f, &to, &subject, &body, now()))
            .await?;
    }
    Ok(n)
}
