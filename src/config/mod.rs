//! Configuration: raw serde structs that mirror the TOML file (unknown keys refused), validated
//! into a [`Config`] that the rest of the program uses, with the rule pack compiled.
//!
//! Defaults live in one place: the `Default` impls of the raw structs. The shipped
//! `config/sahel-watch.toml` shows them as comments (a test keeps the two in step).

mod durations;
mod opml;
mod raw;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::detect::{PackError, RulePack};

pub use durations::parse_duration;
pub use opml::{parse_opml, read_opml, write_opml, OpmlError, OpmlFeed};
pub use raw::RawLimits as Limits;

/// The configuration bundled in the binary, used when no file is named.
pub const BUNDLED_CONFIG: &str = include_str!("../../config/sahel-watch.toml");
/// How the bundled configuration is named in messages.
pub const BUNDLED_NAME: &str = "<bundled>/sahel-watch.toml";

/// Why a configuration was refused. Every variant names the file; syntax and value errors also
/// name the line and key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: key `{key}`: {message}")]
    Invalid {
        path: String,
        line: usize,
        key: String,
        message: String,
    },
    #[error("{path}: rule pack refused")]
    Rules {
        path: String,
        #[source]
        source: PackError,
    },
    #[error("{path}: alert templates refused")]
    Templates {
        path: String,
        #[source]
        source: Box<crate::alert::TemplateError>,
    },
    #[error("{path}: feed list {opml} refused")]
    Opml {
        path: String,
        opml: PathBuf,
        #[source]
        source: Box<OpmlError>,
    },
}

/// The analysts' console (`[console]`): where it listens, how long a session lasts, and the
/// reverse proxy whose authenticated-user header is believed, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleConfig {
    pub listen: std::net::SocketAddr,
    pub session: Duration,
    /// The header a reverse proxy sets to the signed-in user's name (`X-Forwarded-User`),
    /// believed only from `trusted_proxies`; the user must have an account.
    pub user_header: Option<String>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// WebSub (`[websub]`): where hubs call back, and what the daemon listens on for them.
#[derive(Debug, Clone, PartialEq)]
pub struct WebSubConfig {
    /// The public URL hubs call; a subscription's callback is this URL and `/TOKEN`.
    pub callback: url::Url,
    pub listen: std::net::SocketAddr,
    /// The lease asked of hubs.
    pub lease: Duration,
}

impl WebSubConfig {
    /// The callback URL of the subscription with this token.
    pub fn callback_for(&self, token: &str) -> String {
        format!("{}/{token}", self.callback.as_str().trim_end_matches('/'))
    }
}

/// What the archive lets go of (`[retention]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    /// Texts of items never judged relevant go this long after their fetch; `None`: kept.
    pub irrelevant_text: Option<Duration>,
}

impl Retention {
    /// Items fetched before this time are due (`None`: nothing is).
    pub fn text_cutoff(&self, now: i64) -> Option<i64> {
        self.irrelevant_text
            .map(|d| now.saturating_sub(d.as_secs().min(i64::MAX as u64) as i64))
    }
}

/// One feed to poll.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedConfig {
    pub url: url::Url,
    pub name: Option<String>,
    /// The interval until the feed's pace is known, or for ever when `adaptive` is false.
    pub interval: Duration,
    /// Polled at its own pace (`fetch::pace`) within `[limits] min_interval` and
    /// `max_interval`; false when the feed sets its own `interval`.
    pub adaptive: bool,
    /// Charset to use whatever the feed declares (for feeds that lie about it).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub full_text: FullText,
    /// Who publishes it, when the item links do not tell (a feed proxy, a wire service
    /// syndicated under another site): two feeds of one publisher are one source.
    pub publisher: Option<String>,
}

pub use crate::fulltext::FullText;

pub use crate::alert::{
    Channel, Delivery, MatrixConfig, Recipient, SmtpConfig, SmtpSecurity, WebhookConfig,
};

/// Who is told when a feed keeps failing or falls silent, and after how long.
#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    pub email: lettre::message::Mailbox,
    pub feed_failing_after: Duration,
    pub feed_silent_after: Duration,
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from, for messages.
    pub source: String,
    pub data_dir: PathBuf,
    pub feeds: Vec<FeedConfig>,
    pub smtp: Option<SmtpConfig>,
    pub recipients: Vec<Recipient>,
    pub limits: Limits,
    pub operator: Option<Operator>,
    /// Where `/metrics` and `/healthz` are served; `None`: off.
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// `[websub]`: hubs push to a public callback; `None`: off (polling only).
    pub websub: Option<WebSubConfig>,
    /// `[console]`: the analysts' web console; `None`: off.
    pub console: Option<ConsoleConfig>,
    pub user_agent: String,
    pub rules: Arc<RulePack>,
    pub templates: Arc<crate::alert::Templates>,
    pub stories: crate::dedup::StoryPolicy,
    /// `[surge]`: when a place suddenly named by many outlets sends a notice.
    pub surge: crate::plan::SurgePolicy,
    pub retention: Retention,
    /// Position in `feeds` by URL: a refresh looks its feed up among thousands.
    feed_index: std::collections::HashMap<String, usize>,
}

impl Config {
    /// Loads a configuration file, or the bundled one when `path` is `None`.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            Some(p) => {
                let src = std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                    path: p.to_owned(),
                    source,
                })?;
                let base = p.parent().map(Path::to_owned).unwrap_or_default();
                raw::build(&src, &p.display().to_string(), &base)
            }
            None => raw::build(BUNDLED_CONFIG, BUNDLED_NAME, Path::new(".")),
        }
    }

    /// Parses configuration text; relative paths in it are taken from `base`.
    pub fn from_toml(src: &str, origin: &str, base: &Path) -> Result<Config, ConfigError> {
        raw::build(src, origin, base)
    }

    /// The configured feed with this URL (as configured, before any redirect).
    pub fn feed(&self, url: &str) -> Option<&FeedConfig> {
        self.feed_index.get(url).map(|&i| &self.feeds[i])
    }

    /// The bounds of a feed's polling at its own pace (`[limits] min_interval`, `max_interval`).
    pub fn pace_bounds(&self) -> crate::fetch::PaceBounds {
        crate::fetch::PaceBounds {
            min: self.limits.min_interval,
            max: self.limits.max_interval,
        }
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("sahel-watch.db")
    }

    /// The configured recipient with this outbox key (alerts queued under an older
    /// configuration may name one that is gone).
    pub fn recipient(&self, key: &str) -> Option<&Recipient> {
        self.recipients.iter().find(|r| r.key == key)
    }

    /// The recipient a person names: by its name, its outbox key or its address.
    pub fn recipient_named(&self, name: &str) -> Option<&Recipient> {
        self.recipients.iter().find(|r| {
            r.name == name
                || r.key == name
                || matches!(&r.channel, Channel::Email(m) if m.email.to_string() == name)
        })
    }

    pub fn maildir_path(&self) -> PathBuf {
        self.data_dir.join("alerts")
    }
}

impl Limits {
    /// The fetcher's share of the limits.
    pub fn fetch(&self) -> crate::fetch::FetchLimits {
        crate::fetch::FetchLimits {
            max_body_bytes: self.max_body_bytes,
            max_decompressed_bytes: self.max_decompressed_bytes,
            min_transfer_rate: self.min_transfer_rate,
            per_host_concurrency: self.per_host_concurrency,
            fetch_timeout: self.fetch_timeout,
            connect_timeout: self.connect_timeout,
            max_redirects: self.max_redirects,
            max_page_bytes: self.max_page_bytes,
            page_timeout: self.page_timeout,
        }
    }

    /// The feed reader's share of the limits.
    pub fn read(&self) -> crate::feed::ReadLimits {
        crate::feed::ReadLimits {
            max_decompressed_bytes: self.max_decompressed_bytes,
            max_entries_per_feed: self.max_entries_per_feed,
            max_text_chars: self.max_text_chars,
        }
    }
}
