//! The daemon: wires the stages together. `refresh` is the whole pipeline for one feed, in one
//! short function; `scheduler` decides which feeds are due and runs their refreshes with bounded
//! concurrency; `mailer` drains the outbox; `signals` turns SIGTERM/SIGINT into a drain-and-stop.

mod health;
mod logging;
mod mailer;
mod refresh;
mod scheduler;
mod signals;

use std::sync::{Arc, Mutex};

pub use health::check_feed_health;
pub use logging::init_logging;
pub use mailer::{deliver_due, DeliveryReport};
pub use refresh::{refresh, RefreshReport};
pub use scheduler::{run_forever, run_once, OnceReport};
pub use signals::shutdown_signal;

use crate::alert::{Transport, TransportError};
use crate::config::Config;
use crate::fetch::{FetchError, Fetcher};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] FetchError),
    #[error("cannot set up alert delivery: {0}")]
    Transport(#[source] TransportError),
    #[error("a worker task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// What every task of the daemon shares.
pub struct Context {
    pub config: Arc<Config>,
    pub store: Arc<Mutex<Store>>,
    pub fetcher: Fetcher,
    pub transport: Transport,
}

impl Context {
    /// Opens the database (applying migrations) and builds the HTTP client and mail transport.
    pub fn new(config: Config) -> Result<Arc<Context>, DaemonError> {
        let store = Store::open(&config.data_dir)?;
        let fetcher =
            Fetcher::new(&config.limits, &config.user_agent).map_err(DaemonError::Http)?;
        let transport = Transport::from_config(&config).map_err(DaemonError::Transport)?;
        Ok(Arc::new(Context {
            config: Arc::new(config),
            store: Arc::new(Mutex::new(store)),
            fetcher,
            transport,
        }))
    }

    /// Runs `f` on the store from a blocking thread (SQLite calls block).
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, DaemonError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        let r = tokio::task::spawn_blocking(move || {
            let mut s = store.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut s)
        })
        .await?;
        Ok(r?)
    }
}
