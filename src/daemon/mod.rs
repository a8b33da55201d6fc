//! The daemon: wires the stages together. `refresh` is the whole pipeline for one feed, in one
//! short function; `scheduler` decides which feeds are due and runs their refreshes with bounded
//! concurrency; `mailer` drains the outbox; `signals` turns SIGTERM/SIGINT into a drain-and-stop.

mod health;
mod logging;
mod mailer;
mod metrics;
mod notify;
mod refresh;
mod scheduler;
mod signals;

use std::sync::{Arc, Mutex};

pub use health::check_feed_health;
pub use logging::init_logging;
pub use mailer::{deliver_due, DeliveryReport};
pub use metrics::Metrics;
pub use notify::notify;
pub use refresh::{refresh, RefreshReport};
pub use scheduler::{run_forever, run_once, OnceReport, Reloader};
pub use signals::shutdown_signal;

use crate::alert::{Transport, TransportError};
use crate::config::Config;
use crate::fetch::{FetchError, Fetcher};
use crate::fulltext::Pages;
use crate::store::{FeedIngest, IngestOutcome, Store, StoreError};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The fetches at the head of the queue, up to [`MAX_BATCH_ITEMS`] items (at least one fetch).
fn take_batch(pending: &Mutex<Vec<Pending>>) -> Vec<Pending> {
    let mut queue = lock(pending);
    let mut items = 0;
    let n = queue
        .iter()
        .take_while(|p| {
            let first = items == 0;
            items += p.feed.items.len().max(1);
            first || items <= MAX_BATCH_ITEMS
        })
        .count();
    queue.drain(..n).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] FetchError),
    #[error("cannot set up alert delivery: {0}")]
    Transport(#[source] TransportError),
    #[error("configuration refused: {0}")]
    Config(#[source] crate::config::ConfigError),
    #[error("a worker task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("refreshing the feed panicked: {0}")]
    Panicked(String),
}

/// What every task of the daemon shares.
pub struct Context {
    pub config: Arc<Config>,
    pub store: Arc<Mutex<Store>>,
    /// A read-only connection beside the writer, for health and metrics: they answer while a
    /// refresh writes.
    pub reader: Arc<Mutex<Store>>,
    pub fetcher: Fetcher,
    /// Article pages: robots.txt remembered per site, kept across reloads.
    pub pages: Arc<Pages>,
    pub transport: Transport,
    pub metrics: Arc<Metrics>,
    /// Fetches waiting to be written; whoever holds the store next writes them all in one
    /// transaction. Bounded by the refreshes in flight (`limits.concurrency`): each waits for
    /// its own.
    pending: Arc<Mutex<Vec<Pending>>>,
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
        Ok(Arc::new(Context {
            config: Arc::new(config),
            store: Arc::new(Mutex::new(store)),
            reader: Arc::new(Mutex::new(reader)),
            fetcher,
            pages,
            transport,
            metrics: Arc::default(),
            pending: Arc::default(),
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
        Ok(Arc::new(Context {
            config: Arc::new(config),
            store: self.store.clone(),
            reader: self.reader.clone(),
            fetcher,
            pages: self.pages.clone(),
            transport,
            metrics: self.metrics.clone(),
            pending: self.pending.clone(),
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
    /// fetches of other feeds that are waiting: the first to hold the store writes everything
    /// queued, each feed under its own savepoint, and each gets its own outcome once the one
    /// commit is done (DESIGN.md contract 3: nothing is reported stored before it is).
    pub async fn ingest(&self, feed: FeedIngest) -> Result<Vec<IngestOutcome>, DaemonError> {
        let (done, outcome) = tokio::sync::oneshot::channel();
        lock(&self.pending).push(Pending { feed, done });
        let pending = self.pending.clone();
        let policy = self.config.stories.clone();
        self.with_store(move |s| {
            let batch = take_batch(&pending);
            if batch.is_empty() {
                return Ok(());
            }
            let (feeds, dones): (Vec<FeedIngest>, Vec<_>) =
                batch.into_iter().map(|p| (p.feed, p.done)).unzip();
            match s.ingest_batch(&feeds, crate::store::now(), &policy) {
                Ok(results) => {
                    for (d, r) in dones.into_iter().zip(results) {
                        let _ = d.send(r);
                    }
                }
                Err(e) => {
                    let e = Arc::new(e);
                    for d in dones {
                        let _ = d.send(Err(StoreError::Batch(e.clone())));
                    }
                }
            }
            Ok(())
        })
        .await?;
        match outcome.await {
            Ok(r) => Ok(r?),
            // The thread that took this fetch into its batch failed before answering.
            Err(_) => Err(DaemonError::Panicked(
                "the write of this feed's batch was abandoned".into(),
            )),
        }
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
