//! The daemon: wires the stages together. `refresh` is the whole pipeline for one feed, in one
//! short function; `scheduler` decides which feeds are due and runs their refreshes with bounded
//! concurrency; `mailer` drains the outbox; `signals` turns SIGTERM/SIGINT into a drain-and-stop.

mod health;
mod listener;
mod logging;
mod mailer;
mod metrics;
mod notify;
mod refresh;
mod retention;
mod scheduler;
mod signals;
mod texts;
mod websub;

use std::sync::{Arc, Mutex};

pub use health::check_feed_health;
pub use logging::init_logging;
pub use mailer::{deliver_due, send_sample, DeliveryReport, SendError};
pub use metrics::Metrics;
pub use notify::notify;
pub use refresh::{refresh, RefreshReport};
pub use scheduler::{run_forever, run_once, OnceReport, Reloader};
pub use signals::shutdown_signal;

use crate::alert::{Transport, TransportError};
use crate::config::Config;
use crate::fetch::{FetchError, Fetcher};
use crate::fulltext::Pages;
use crate::store::{FeedIngest, IngestOutcome, Policies, Store, StoreError};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Fetches waiting to be written, and whether a writer is draining them. One mutex guards
/// both, so a fetch queued as the writer finds the queue empty is never left behind.
#[derive(Default)]
struct IngestQueue {
    waiting: Vec<Pending>,
    writing: bool,
}

/// The fetches at the head of the queue, up to [`MAX_BATCH_ITEMS`] items (at least one fetch);
/// when none is left, the writer is done.
fn take_batch(queue: &Mutex<IngestQueue>) -> Vec<Pending> {
    let mut queue = lock(queue);
    let mut items = 0;
    let n = queue
        .waiting
        .iter()
        .take_while(|p| {
            let first = items == 0;
            items += p.feed.items.len().max(1);
            first || items <= MAX_BATCH_ITEMS
        })
        .count();
    if n == 0 {
        queue.writing = false;
    }
    queue.waiting.drain(..n).collect()
}

/// Writes queued fetches, batch after batch, until the queue is empty. The store is locked for
/// one batch at a time so that the mailer and the watchdog get their turn. A batch that panics
/// is abandoned (its feeds are told so) and the writer goes on with the next.
fn drain_queue(queue: &Mutex<IngestQueue>, store: &Mutex<Store>, policy: &Policies) {
    loop {
        let batch = take_batch(queue);
        if batch.is_empty() {
            return;
        }
        let (feeds, dones): (Vec<FeedIngest>, Vec<_>) =
            batch.into_iter().map(|p| (p.feed, p.done)).unzip();
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lock(store).ingest_batch(&feeds, crate::time::now(), policy)
        }));
        match written {
            Ok(Ok(results)) => {
                for (d, r) in dones.into_iter().zip(results) {
                    let _ = d.send(r);
                }
            }
            Ok(Err(e)) => {
                let e = Arc::new(e);
                for d in dones {
                    let _ = d.send(Err(StoreError::Batch(e.clone())));
                }
            }
            Err(_) => tracing::error!(feeds = feeds.len(), "writing a batch of fetches panicked"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] FetchError),
    #[error("cannot set up alert delivery: {0}")]
    Transport(#[source] TransportError),
    #[error("cannot set up webhook and Matrix delivery: {0}")]
    Channels(#[source] crate::alert::ChannelError),
    #[error("configuration refused: {0}")]
    Config(#[source] crate::config::ConfigError),
    #[error("a worker task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("refreshing the feed panicked: {0}")]
    Panicked(String),
    /// A document a WebSub hub pushed could not be taken.
    #[error("{0}")]
    Push(String),
}

/// What every task of the daemon shares.
pub struct Context {
    pub config: Arc<Config>,
    /// A read-only connection beside the writer, for health, metrics and the check of what a
    /// fetch holds that is new: they answer while a batch is written. Declared before the
    /// writer so that it is closed first: the last connection to close checkpoints the WAL
    /// into the database and removes it, which a read-only one cannot do.
    pub reader: Arc<Mutex<Store>>,
    pub store: Arc<Mutex<Store>>,
    pub fetcher: Fetcher,
    /// Article pages: robots.txt remembered per site, kept across reloads.
    pub pages: Arc<Pages>,
    pub transport: Transport,
    /// Webhooks and Matrix rooms.
    pub channels: crate::alert::Channels,
    pub metrics: Arc<Metrics>,
    /// Fetches waiting to be written by the one writer, several in a transaction. Bounded by
    /// the refreshes in flight (`limits.concurrency`): each waits for its own.
    queue: Arc<Mutex<IngestQueue>>,
    /// Places in that queue: a refresh takes one before it gives up its fetch slot, so that
    /// fetches waiting to be written stay bounded while the next feeds are fetched.
    write_slots: Arc<tokio::sync::Semaphore>,
    /// Places for the CPU work of refreshes (reading feeds, analysing items), one a core: more
    /// would only take the cores from the writer, whose turn every feed waits for.
    cpu_slots: Arc<tokio::sync::Semaphore>,
    /// Wakes the mailer as soon as a write queued alerts: an alert does not wait for the rest
    /// of its refresh, nor for the mailer's tick. Kept across reloads.
    pub mailer_wake: Arc<tokio::sync::Notify>,
    /// Wakes the WebSub subscriber when a fetch read a feed that advertises a hub: the
    /// subscription is asked for at once, not at the subscriber's next tick.
    pub websub_wake: Arc<tokio::sync::Notify>,
}

/// The places a refresh holds while it fetches and analyses: one of its host's and one of the
/// daemon's (`limits.per_host_concurrency`, `limits.concurrency`). It gives them up when it
/// hands its items to the writer, so that the next feed is fetched during the write.
pub struct FetchSlot {
    pub host: Option<tokio::sync::OwnedSemaphorePermit>,
    pub global: tokio::sync::OwnedSemaphorePermit,
}

impl FetchSlot {
    /// Waits for a place of `url`'s host, then for one of `global`, in that order: a feed
    /// waiting for its slow host holds no global place.
    pub async fn take(ctx: &Context, url: &str, global: &Arc<tokio::sync::Semaphore>) -> FetchSlot {
        let host = match url::Url::parse(url) {
            Ok(u) => Some(
                ctx.fetcher
                    .host_limit(&u)
                    .acquire_owned()
                    .await
                    .expect("never closed"),
            ),
            Err(_) => None,
        };
        let global = global.clone().acquire_owned().await.expect("never closed");
        FetchSlot { host, global }
    }
}

/// A fetch to write and where its outcome goes.
struct Pending {
    feed: FeedIngest,
    done: tokio::sync::oneshot::Sender<Result<Vec<IngestOutcome>, StoreError>>,
}

/// The most items one group commit writes: a bound on how long it holds the store.
const MAX_BATCH_ITEMS: usize = 2_000;

impl Context {
    /// Opens the database (applying migrations) and builds the HTTP client and mail transport.
    pub fn new(config: Config) -> Result<Arc<Context>, DaemonError> {
        let store = Store::open(&config.data_dir)?;
        let reader = Store::open_reader(store.path())?;
        let fetcher =
            Fetcher::new(&config.limits.fetch(), &config.user_agent).map_err(DaemonError::Http)?;
        let transport = Transport::new(config.smtp.as_ref(), config.maildir_path())
            .map_err(DaemonError::Transport)?;
        let pages = Arc::new(Pages::new(&config.user_agent));
        let channels =
            crate::alert::Channels::new(&config.user_agent).map_err(DaemonError::Channels)?;
        let write_slots = Arc::new(tokio::sync::Semaphore::new(
            config.limits.concurrency.max(1),
        ));
        let cpu_slots = Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        ));
        Ok(Arc::new(Context {
            config: Arc::new(config),
            store: Arc::new(Mutex::new(store)),
            reader: Arc::new(Mutex::new(reader)),
            fetcher,
            pages,
            transport,
            channels,
            metrics: Arc::default(),
            queue: Arc::default(),
            write_slots,
            cpu_slots,
            mailer_wake: Arc::default(),
            websub_wake: Arc::default(),
        }))
    }

    /// A context for a reloaded configuration, sharing this one's database. The data directory
    /// cannot change while running (the database is open): a new one is ignored with a warning.
    pub fn reloaded(&self, mut config: Config) -> Result<Arc<Context>, DaemonError> {
        if config.data_dir != self.config.data_dir {
            tracing::warn!(
                old = %self.config.data_dir.display(),
                new = %config.data_dir.display(),
                "data_dir changes only at restart"
            );
            config.data_dir = self.config.data_dir.clone();
        }
        let fetcher =
            Fetcher::new(&config.limits.fetch(), &config.user_agent).map_err(DaemonError::Http)?;
        let transport = Transport::new(config.smtp.as_ref(), config.maildir_path())
            .map_err(DaemonError::Transport)?;
        let channels =
            crate::alert::Channels::new(&config.user_agent).map_err(DaemonError::Channels)?;
        Ok(Arc::new(Context {
            config: Arc::new(config),
            store: self.store.clone(),
            reader: self.reader.clone(),
            fetcher,
            pages: self.pages.clone(),
            transport,
            channels,
            metrics: self.metrics.clone(),
            queue: self.queue.clone(),
            write_slots: self.write_slots.clone(),
            cpu_slots: self.cpu_slots.clone(),
            mailer_wake: self.mailer_wake.clone(),
            websub_wake: self.websub_wake.clone(),
        }))
    }

    /// Runs `f` on the store from a blocking thread (SQLite calls block).
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, DaemonError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        Self::on(&self.store, f).await
    }

    /// Writes one feed's fetch (its items, stories, alerts and state), together with the
    /// fetches of other feeds that are waiting. One writer at a time drains the queue on a
    /// blocking thread, each feed under its own savepoint, and each feed gets its own outcome
    /// once its batch is committed (DESIGN.md contract 3: nothing is reported stored before it
    /// is). Waiting feeds hold no thread and no fetch slot: the blocking pool and the fetch
    /// slots stay free for the next feeds.
    pub async fn ingest(
        &self,
        feed: FeedIngest,
        slot: FetchSlot,
    ) -> Result<Vec<IngestOutcome>, DaemonError> {
        let _queued = self.write_slots.acquire().await.expect("never closed");
        drop(slot);
        self.write(feed, false).await
    }

    /// Writes items ahead of the rest of their fetch (`feed.record` is `None`: a candidate
    /// whose alert should not wait), keeping the refresh's fetch slot, since it still has pages
    /// to fetch; they go to the head of the queue, before the other feeds' writes.
    pub async fn ingest_ahead(&self, feed: FeedIngest) -> Result<Vec<IngestOutcome>, DaemonError> {
        let _queued = self.write_slots.acquire().await.expect("never closed");
        self.write(feed, true).await
    }

    /// Queues `feed` for the writer (at the head when `urgent`), starting one when none is
    /// draining, and waits for its batch's commit. Alerts written wake the mailer.
    async fn write(
        &self,
        feed: FeedIngest,
        urgent: bool,
    ) -> Result<Vec<IngestOutcome>, DaemonError> {
        let (done, outcome) = tokio::sync::oneshot::channel();
        let start_writer = {
            let mut queue = lock(&self.queue);
            let pending = Pending { feed, done };
            if urgent {
                queue.waiting.insert(0, pending);
            } else {
                queue.waiting.push(pending);
            }
            !std::mem::replace(&mut queue.writing, true)
        };
        if start_writer {
            let queue = self.queue.clone();
            let store = self.store.clone();
            let policy = Policies {
                stories: self.config.stories.clone(),
                surge: self.config.surge.clone(),
            };
            tokio::task::spawn_blocking(move || drain_queue(&queue, &store, &policy));
        }
        match outcome.await {
            Ok(r) => {
                let r = r?;
                if r.iter().any(|o| o.alerts() > 0) {
                    self.mailer_wake.notify_one();
                }
                Ok(r)
            }
            // The batch holding this fetch panicked before answering.
            Err(_) => Err(DaemonError::Panicked(
                "the write of this feed's batch was abandoned".into(),
            )),
        }
    }

    /// Runs CPU work of a refresh on a blocking thread once a core is free for it.
    pub async fn on_cpu<T, F>(&self, f: F) -> Result<T, tokio::task::JoinError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let _core = self.cpu_slots.acquire().await.expect("never closed");
        tokio::task::spawn_blocking(f).await
    }

    /// Runs a read on the read-only connection, which does not wait for a write under way.
    pub async fn with_reader<T, F>(&self, f: F) -> Result<T, DaemonError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        Self::on(&self.reader, f).await
    }

    async fn on<T, F>(store: &Arc<Mutex<Store>>, f: F) -> Result<T, DaemonError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = store.clone();
        let r = tokio::task::spawn_blocking(move || f(&mut lock(&store))).await?;
        Ok(r?)
    }
}
