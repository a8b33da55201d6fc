use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;
use futures_util::StreamExt;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tracing::{error, info};

use super::{
    check_feed_health, deliver_due, notify, refresh, Context, DaemonError, FetchSlot, RefreshReport,
};
use crate::config::{Config, ConfigError};
use crate::store::FeedRow;
use crate::time::now;

/// How long in-flight fetches and sends get to finish after a stop is asked for.
const DRAIN_DEADLINE: Duration = Duration::from_secs(3);
/// How often feed health is checked for operator notices.
const HEALTH_CHECK_EVERY: Duration = Duration::from_secs(600);
/// How often the mailer looks at the outbox when nothing wakes it.
const MAILER_TICK: Duration = Duration::from_secs(5);

/// What `run --once` did.
#[derive(Debug, Clone, Default)]
pub struct OnceReport {
    pub feeds: usize,
    pub failed: Vec<(String, String)>,
    pub inserted: usize,
    pub updated: usize,
    pub alerts_queued: usize,
    pub alerts_sent: usize,
    pub alerts_failed: usize,
    /// Alerts moved into a later digest by their recipient's hourly cap.
    pub alerts_deferred: usize,
    pub digests_sent: usize,
}

async fn sync_feeds(ctx: &Context) -> Result<Vec<FeedRow>, DaemonError> {
    let configured: Vec<(String, Option<String>)> = ctx
        .config
        .feeds
        .iter()
        .map(|f| (f.url.to_string(), f.name.clone()))
        .collect();
    let feeds = ctx.with_store(move |s| s.sync_feeds(&configured)).await?;
    Ok(feeds.into_iter().filter(|f| f.status != "gone").collect())
}

/// Polls every configured feed once (whatever their schedule), stores everything, delivers the
/// alerts that are due, and reports.
pub async fn run_once(ctx: Arc<Context>) -> Result<OnceReport, DaemonError> {
    let feeds = sync_feeds(&ctx).await?;
    let mut report = OnceReport {
        feeds: feeds.len(),
        ..Default::default()
    };
    let permits = Arc::new(Semaphore::new(ctx.config.limits.concurrency));
    let results: Vec<(FeedRow, Result<RefreshReport, DaemonError>)> = feeds
        .into_iter()
        .map(|f| {
            let ctx = ctx.clone();
            let permits = permits.clone();
            async move {
                let r = limited_refresh(&ctx, &permits, &f).await;
                (f, r)
            }
        })
        .collect::<futures_util::stream::FuturesUnordered<_>>()
        .collect()
        .await;
    for (feed, r) in results {
        // A feed whose refresh could not even be recorded (a database error, a panic) is a
        // failed feed of this run; the others still count.
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                error!(feed_url = %feed.url, error = %e, "refresh failed");
                report.failed.push((feed.url, e.to_string()));
                continue;
            }
        };
        report.inserted += r.inserted;
        report.updated += r.updated;
        report.alerts_queued += r.alerts;
        if let Some(e) = r.error {
            report.failed.push((feed.url, e));
        }
    }
    check_feed_health(&ctx).await?;
    let d = deliver_due(&ctx).await?;
    report.alerts_sent = d.sent;
    report.alerts_failed = d.failed;
    report.alerts_deferred = d.deferred;
    report.digests_sent = d.digests;
    Ok(report)
}

/// Loads the configuration again (on SIGHUP): the same file the daemon started with.
pub type Reloader = Box<dyn Fn() -> Result<Config, ConfigError> + Send + Sync>;

/// Runs until `shutdown` resolves: polls due feeds with bounded concurrency, wakes the mailer
/// when alerts are queued, reloads configuration and rules on SIGHUP (a bad new file is refused
/// and logged, the running one stays), then drains in-flight work within a deadline.
pub async fn run_forever(
    ctx: Arc<Context>,
    shutdown: impl Future<Output = ()>,
    reload: Reloader,
) -> Result<(), DaemonError> {
    let mut ctx = ctx;
    sync_feeds(&ctx).await?;
    let (ctx_tx, ctx_rx) = watch::channel(Some(ctx.clone()));
    let mailer = tokio::spawn(mailer_loop(ctx.clone(), ctx_rx));
    let mut hangup = super::signals::hangup();
    let shared = Arc::new(tokio::sync::RwLock::new(ctx.clone()));
    let metrics_server = ctx
        .config
        .metrics_listen
        .map(|addr| tokio::spawn(super::metrics::serve(addr, shared.clone())));
    // WebSub as configured at start: its listener, like the metrics', changes at restart.
    let mut listeners = ctx.config.websub.as_ref().map_or_else(Vec::new, |w| {
        super::websub::start(w, shared.clone(), ctx_tx.subscribe())
    });
    // The console as configured at start, on the daemon's connections to the database.
    if let Some(c) = ctx.config.console.clone() {
        listeners.push(tokio::spawn(crate::console::serve(
            c,
            ctx.reader.clone(),
            ctx.store.clone(),
            ctx.config.clone(),
        )));
    }
    let mut permits = Arc::new(Semaphore::new(ctx.config.limits.concurrency));
    let mut inflight: HashSet<i64> = HashSet::new();
    let mut tasks: JoinSet<(i64, Result<RefreshReport, DaemonError>)> = JoinSet::new();
    tokio::pin!(shutdown);
    info!(feeds = ctx.config.feeds.len(), transport = %ctx.transport.describe(), "sahel-watch running");
    // Migrations ran and the configuration loaded when the context was built: ready.
    notify::notify("READY=1");
    let watchdog = notify::watchdog_interval();
    let mut last_ping = std::time::Instant::now() - watchdog.unwrap_or_default();
    let mut last_status = String::new();
    loop {
        // Pings only while the loop turns and the database answers: a wedged daemon is
        // restarted by systemd.
        if let Some(every) = watchdog {
            if last_ping.elapsed() >= every && ctx.with_store(|s| s.ping()).await.is_ok() {
                notify::notify("WATCHDOG=1");
                last_ping = std::time::Instant::now();
            }
        }
        let status = status_line(&ctx).await;
        if status != last_status {
            notify::notify(&format!("STATUS={status}"));
            last_status = status;
        }
        let next_due = spawn_due(&ctx, &permits, &mut inflight, &mut tasks).await?;
        let mut wait = Duration::from_secs((next_due.saturating_sub(now())).clamp(1, 60) as u64);
        if let Some(every) = watchdog {
            wait = wait.min(every);
        }
        tokio::select! {
            _ = &mut shutdown => break,
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                match done {
                    Ok((id, r)) => {
                        inflight.remove(&id);
                        // The write of alerts woke the mailer already.
                        if let Err(e) = r {
                            error!(error = %e, "refresh could not be recorded");
                        }
                    }
                    Err(e) => error!(error = %e, "refresh task failed"),
                }
            }
            _ = tokio::time::sleep(wait) => {}
            _ = hangup.recv() => {
                notify::reloading();
                match reload().map_err(DaemonError::Config).and_then(|c| ctx.reloaded(c)) {
                    Ok(new) => {
                        ctx = new;
                        sync_feeds(&ctx).await?;
                        permits = Arc::new(Semaphore::new(ctx.config.limits.concurrency));
                        let _ = ctx_tx.send(Some(ctx.clone()));
                        *shared.write().await = ctx.clone();
                        info!(feeds = ctx.config.feeds.len(), rules = %ctx.config.rules.source, "configuration reloaded");
                    }
                    Err(e) => error!(error = %e, "reload refused; the running configuration stays"),
                }
                notify::notify("READY=1");
            }
        }
    }
    notify::notify("STOPPING=1");
    info!(in_flight = tasks.len(), "draining");
    let drained = tokio::time::timeout(DRAIN_DEADLINE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        info!(
            aborted = tasks.len(),
            "drain deadline reached; abandoning unfinished fetches"
        );
        tasks.abort_all();
    }
    let _ = ctx_tx.send(None);
    if let Some(m) = metrics_server {
        m.abort();
    }
    for task in listeners {
        task.abort();
    }
    let _ = tokio::time::timeout(DRAIN_DEADLINE, mailer).await;
    info!("stopped");
    Ok(())
}

/// Starts a refresh of every due feed not in flight already; returns when the next one is due
/// (`i64::MAX` when none is waiting).
async fn spawn_due(
    ctx: &Arc<Context>,
    permits: &Arc<Semaphore>,
    inflight: &mut HashSet<i64>,
    tasks: &mut JoinSet<(i64, Result<RefreshReport, DaemonError>)>,
) -> Result<i64, DaemonError> {
    let feeds = ctx.with_store(|s| s.active_feeds()).await?;
    let t = now();
    let mut next_due = i64::MAX;
    for f in feeds.into_iter().filter(|f| f.status != "gone") {
        if inflight.contains(&f.id) {
            continue;
        }
        if f.next_poll_at > t {
            next_due = next_due.min(f.next_poll_at);
            continue;
        }
        inflight.insert(f.id);
        let ctx = ctx.clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            let id = f.id;
            (id, limited_refresh(&ctx, &permits, &f).await)
        });
    }
    Ok(next_due)
}

/// The one-line state systemd shows: «polling 120 feeds, 3 failing, outbox 0».
async fn status_line(ctx: &Context) -> String {
    let counts = ctx
        .with_reader(|s| Ok((s.feed_counts()?, s.pending_alerts()?)))
        .await;
    match counts {
        Ok(((active, failing), outbox)) => {
            format!("polling {active} feeds, {failing} failing, outbox {outbox}")
        }
        Err(e) => format!("database error: {e}"),
    }
}

/// Refreshes a feed once a place is free for its host and then a global one, in that order: a
/// feed waiting for its slow host holds no global place.
async fn limited_refresh(
    ctx: &Context,
    permits: &Arc<Semaphore>,
    feed: &FeedRow,
) -> Result<RefreshReport, DaemonError> {
    let slot = FetchSlot::take(ctx, &feed.url, permits).await;
    // A panic while refreshing one feed (a bug, or a parser beneath ours) is that feed's
    // failure: the daemon and the other feeds go on, and the feed is polled again.
    let result = std::panic::AssertUnwindSafe(refresh(ctx, feed, slot))
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(DaemonError::Panicked(crate::panic_message(&*panic))));
    if let Err(e) = &result {
        super::refresh::record_failure(ctx, feed, e).await;
    }
    result
}

/// Drains the outbox; `current` brings a reloaded context, or `None` to stop.
async fn mailer_loop(mut ctx: Arc<Context>, mut current: watch::Receiver<Option<Arc<Context>>>) {
    // The same across reloads.
    let wake = ctx.mailer_wake.clone();
    let mut last_health_check: Option<std::time::Instant> = None;
    let mut next_prune = std::time::Instant::now() + super::retention::FIRST_PRUNE_AFTER;
    loop {
        if std::time::Instant::now() >= next_prune {
            next_prune = std::time::Instant::now() + super::retention::PRUNE_EVERY;
            if let Err(e) = super::retention::prune(&ctx).await {
                error!(error = %e, "retention prune failed");
            }
        }
        if last_health_check.is_none_or(|t| t.elapsed() >= HEALTH_CHECK_EVERY) {
            last_health_check = Some(std::time::Instant::now());
            if let Err(e) = check_feed_health(&ctx).await {
                error!(error = %e, "feed health check failed");
            }
        }
        if let Err(e) = deliver_due(&ctx).await {
            error!(error = %e, "outbox pass failed");
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(MAILER_TICK) => {}
            changed = current.changed() => {
                let next = current.borrow().clone();
                match (changed, next) {
                    (Ok(()), Some(c)) => ctx = c,
                    _ => return,
                }
            }
        }
    }
}
