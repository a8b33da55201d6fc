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

use crate::detect::{EventKind, PackError, RulePack};

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

/// One feed to poll.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedConfig {
    pub url: url::Url,
    pub name: Option<String>,
    pub interval: Duration,
    /// Charset to use whatever the feed declares (for feeds that lie about it).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub full_text: FullText,
}

/// When the article page behind an item's link is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FullText {
    /// For candidates (a cheap check of headline and summary) whose entry is only a summary.
    #[default]
    Auto,
    /// For every item whose entry is only a summary, candidate or not.
    Always,
    /// Never: items are analysed on what the feed carries.
    Never,
}

impl FullText {
    pub fn parse(s: &str) -> Option<FullText> {
        match s {
            "auto" => Some(FullText::Auto),
            "always" => Some(FullText::Always),
            "never" => Some(FullText::Never),
            _ => None,
        }
    }
}

/// How to talk to the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://`: no TLS (refused for other hosts than loopback unless `allow_plain`).
    Plain,
    /// `smtp+starttls://`: STARTTLS required.
    StartTls,
    /// `smtp+starttls://` with `starttls = "opportunistic"`: STARTTLS when offered.
    OpportunisticStartTls,
    /// `smtps://`: TLS from the first byte.
    Tls,
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    /// Read from `password_file` at load; never printed.
    pub password: Option<String>,
    pub from: lettre::message::Mailbox,
    pub timeout: Duration,
    /// Extra certificate authorities to trust (PEM), from `ca_file`.
    pub ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from.to_string())
            .finish()
    }
}

/// How a recipient's alerts leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// One email per alert, up to `max_per_hour`.
    Immediate,
    /// One email every `digest_every` gathering the alerts since the last.
    Digest,
}

/// Who gets which alerts, and how. Empty filters mean everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    pub email: lettre::message::Mailbox,
    pub events: Vec<EventKind>,
    pub countries: Vec<String>,
    pub min_score: f64,
    pub delivery: Delivery,
    /// The digest period, and for an immediate recipient when the overflow is sent.
    pub digest_every: Duration,
    /// The most emails in any hour; the overflow goes into the next digest.
    pub max_per_hour: u32,
}

impl Recipient {
    /// Whether an alert for these events and countries, with this score, concerns this
    /// recipient.
    pub fn wants(&self, events: &[EventKind], countries: &[String], score: f64) -> bool {
        (self.events.is_empty() || events.iter().any(|e| self.events.contains(e)))
            && (self.countries.is_empty() || countries.iter().any(|c| self.countries.contains(c)))
            && score >= self.min_score
    }
}

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
    pub user_agent: String,
    pub rules: Arc<RulePack>,
    pub templates: Arc<crate::alert::Templates>,
    pub stories: crate::dedup::StoryPolicy,
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

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("sahel-watch.db")
    }

    /// The configured recipient with this address (alerts queued under an older
    /// configuration may name one that is gone).
    pub fn recipient(&self, email: &str) -> Option<&Recipient> {
        self.recipients
            .iter()
            .find(|r| r.email.email.to_string() == email)
    }

    pub fn maildir_path(&self) -> PathBuf {
        self.data_dir.join("alerts")
    }
}
