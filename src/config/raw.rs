//! The configuration file as written, and its validation into [`Config`].

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{
    parse_duration, read_opml, Channel, Config, ConfigError, Delivery, FeedConfig, FullText,
    MatrixConfig, Operator, Recipient, SmtpConfig, SmtpSecurity, WebhookConfig,
};
use crate::detect::{EventKind, RulePack};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_data_dir")]
    data_dir: Spanned<String>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    feeds_opml: Vec<Spanned<String>>,
    #[serde(default = "default_interval")]
    default_interval: Spanned<String>,
    #[serde(default)]
    user_agent: Option<String>,
    #[serde(default)]
    feeds: Vec<RawFeed>,
    #[serde(default)]
    smtp: Option<RawSmtp>,
    #[serde(default)]
    recipients: Vec<Spanned<RawRecipient>>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    operator: Option<RawOperator>,
    #[serde(default)]
    metrics: RawMetrics,
    #[serde(default)]
    templates: Option<RawTemplates>,
    #[serde(default)]
    stories: RawStories,
    #[serde(default)]
    retention: RawRetention,
    #[serde(default)]
    surge: RawSurge,
    #[serde(default)]
    websub: Option<RawWebSub>,
    #[serde(default)]
    console: Option<RawConsole>,
}

/// The analysts' console (off unless the section is there).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsole {
    #[serde(default = "default_console_listen")]
    listen: Spanned<String>,
    #[serde(default = "default_console_session")]
    session: Spanned<String>,
    #[serde(default)]
    user_header: Option<Spanned<String>>,
    #[serde(default)]
    trusted_proxies: Vec<Spanned<String>>,
}

fn default_console_listen() -> Spanned<String> {
    Spanned::new(0..0, "127.0.0.1:9619".into())
}

fn default_console_session() -> Spanned<String> {
    Spanned::new(0..0, "12h".into())
}

/// WebSub: hubs push new entries to a public callback URL (off unless configured).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebSub {
    /// The public URL hubs call (through the operator's reverse proxy); each subscription
    /// adds `/TOKEN` to it.
    callback: Spanned<String>,
    /// Where the daemon listens for those calls.
    #[serde(default = "default_websub_listen")]
    listen: Spanned<String>,
    /// The lease asked of hubs (they may grant another).
    #[serde(default = "default_websub_lease")]
    lease: Spanned<String>,
}

fn default_websub_listen() -> Spanned<String> {
    Spanned::new(0..0, "127.0.0.1:9618".into())
}

fn default_websub_lease() -> Spanned<String> {
    Spanned::new(0..0, "7d".into())
}

/// When a place suddenly filling the news sends a notice (`plan::surge` says why).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawSurge {
    enabled: bool,
    /// Distinct publishers naming one place within `window`; unset, a quarter of the
    /// publishers watched (`plan::SurgePolicy::min_publishers_for`).
    min_publishers: Option<Spanned<u32>>,
    /// And that many times the place's usual rate for such a window.
    min_ratio: Spanned<f64>,
    window: Spanned<String>,
    /// How far back the usual rate is counted.
    baseline: Spanned<String>,
    /// Items published longer than this before they are read make no surge (a backlog).
    fresh_within: Spanned<String>,
}

impl Default for RawSurge {
    fn default() -> Self {
        RawSurge {
            enabled: true,
            min_publishers: None,
            min_ratio: Spanned::new(0..0, 10.0),
            window: Spanned::new(0..0, "1h".into()),
            baseline: Spanned::new(0..0, "28d".into()),
            fresh_within: Spanned::new(0..0, "6h".into()),
        }
    }
}

/// What the archive lets go of, and when (migration 0008 says why).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawRetention {
    /// Items never judged relevant lose their text and index entries this many days after
    /// they were fetched (their identity stays: nothing is fetched or alerted twice); 0 keeps
    /// every text.
    irrelevant_text_days: u32,
}

impl Default for RawRetention {
    fn default() -> Self {
        RawRetention {
            irrelevant_text_days: 30,
        }
    }
}

/// How items of several outlets become one story, and when a story gets an update alert.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawStories {
    /// Items whose events are this close in time can be one story.
    window: Spanned<String>,
    /// Update alerts per story at most.
    max_updates: u32,
    /// How much a toll (killed, kidnapped) must rise to be news.
    toll_increase: u32,
    /// An event dated longer than this before its article was published is background: it
    /// opens no story and sends no alert.
    max_event_age: Spanned<String>,
}

impl Default for RawStories {
    fn default() -> Self {
        RawStories {
            window: Spanned::new(0..0, "72h".into()),
            max_updates: 2,
            toll_increase: 5,
            max_event_age: Spanned::new(0..0, "7d".into()),
        }
    }
}

/// Where alert templates that replace the bundled ones live.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplates {
    /// A directory; a file named like a bundled template (alert.txt, alert.html, digest.txt,
    /// digest.html, _alert.txt, _alert.html) replaces it.
    dir: Spanned<String>,
}

/// Where Prometheus metrics and the health check are served.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawMetrics {
    /// `host:port`; an empty string turns the listener off.
    listen: Spanned<String>,
}

impl Default for RawMetrics {
    fn default() -> Self {
        RawMetrics {
            listen: Spanned::new(0..0, "127.0.0.1:9617".into()),
        }
    }
}

/// Who hears about feeds that fail or fall silent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOperator {
    email: Spanned<String>,
    #[serde(default = "default_failing_after")]
    feed_failing_after: Spanned<String>,
    #[serde(default = "default_silent_after")]
    feed_silent_after: Spanned<String>,
}

fn default_failing_after() -> Spanned<String> {
    Spanned::new(0..0, "1d".into())
}

fn default_silent_after() -> Spanned<String> {
    Spanned::new(0..0, "7d".into())
}

fn default_data_dir() -> Spanned<String> {
    Spanned::new(0..0, "./data".into())
}

fn default_interval() -> Spanned<String> {
    Spanned::new(0..0, "15m".into())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    url: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    interval: Option<Spanned<String>>,
    #[serde(default)]
    encoding: Option<Spanned<String>>,
    /// Whether the article page behind an item's link is fetched: "auto" (for candidates whose
    /// feed entry is only a summary), "always" or "never".
    #[serde(default)]
    full_text: Option<Spanned<String>>,
    /// Who publishes the feed, when its item links do not tell (default: the site of each
    /// item's link): two feeds of one publisher are one source for corroboration.
    #[serde(default)]
    publisher: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmtp {
    url: Spanned<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password_file: Option<Spanned<String>>,
    /// Name of an environment variable holding the password (an alternative to the file).
    #[serde(default)]
    password_env: Option<Spanned<String>>,
    from: Spanned<String>,
    /// Plain SMTP to a host other than loopback sends the password and alerts in clear.
    #[serde(default)]
    allow_plain: bool,
    #[serde(default = "default_smtp_timeout")]
    timeout: Spanned<String>,
    /// With `smtp+starttls://`: "required" (the default) refuses a server that does not offer
    /// STARTTLS; "opportunistic" goes on in clear, so it needs `allow_plain` off loopback.
    #[serde(default)]
    starttls: Option<Spanned<String>>,
    /// A PEM file of extra certificate authorities to trust (a private CA or a self-signed
    /// server), on top of the system's.
    #[serde(default)]
    ca_file: Option<Spanned<String>>,
}

fn default_smtp_timeout() -> Spanned<String> {
    Spanned::new(0..0, "30s".into())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipient {
    /// How `send-test-alert --recipient` names it; required for webhook and matrix recipients
    /// (their outbox rows are filed under it), the address by default for email.
    #[serde(default)]
    name: Option<Spanned<String>>,
    /// One of `email`, `webhook` and `matrix` says where the alerts go.
    #[serde(default)]
    email: Option<Spanned<String>>,
    #[serde(default)]
    webhook: Option<RawWebhook>,
    #[serde(default)]
    matrix: Option<RawMatrix>,
    #[serde(default)]
    events: Vec<Spanned<String>>,
    #[serde(default)]
    countries: Vec<Spanned<String>>,
    /// Alerts whose detection score is below this are not sent to this recipient.
    #[serde(default)]
    min_score: f64,
    /// "immediate": one message per alert; "digest": one message every `digest_every`.
    #[serde(default = "default_mode")]
    mode: Spanned<String>,
    /// The digest period; for an immediate recipient, when the overflow beyond
    /// `max_per_hour` is sent, as one digest.
    #[serde(default = "default_digest_every")]
    digest_every: Spanned<String>,
    /// The most messages this recipient gets in any hour; alerts beyond it wait for the next
    /// digest instead of being dropped.
    #[serde(default = "default_max_per_hour")]
    max_per_hour: Spanned<u32>,
    /// Surge notices too (a place suddenly named by many outlets); false for incidents only.
    #[serde(default = "default_true")]
    surges: bool,
}

fn default_true() -> bool {
    true
}

/// `recipients[].webhook`: where to POST, and the signing secret.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    /// https://, or http:// to a loopback address.
    url: Spanned<String>,
    /// A file holding the HMAC-SHA256 secret (one line), or the name of an environment
    /// variable that holds it.
    #[serde(default)]
    secret_file: Option<Spanned<String>>,
    #[serde(default)]
    secret_env: Option<Spanned<String>>,
    #[serde(default = "default_channel_timeout")]
    timeout: Spanned<String>,
}

/// `recipients[].matrix`: a room on a homeserver, and the bot's access token.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    /// https://, or http:// to a loopback address.
    homeserver: Spanned<String>,
    /// The room id, «!abc:example.org» (Element: room settings → advanced).
    room: Spanned<String>,
    #[serde(default)]
    access_token_file: Option<Spanned<String>>,
    #[serde(default)]
    access_token_env: Option<Spanned<String>>,
    #[serde(default = "default_channel_timeout")]
    timeout: Spanned<String>,
}

fn default_channel_timeout() -> Spanned<String> {
    Spanned::new(0..0, "30s".into())
}

impl RawRecipient {
    /// The recipient used when none is configured: the same defaults as a written one.
    fn implicit(email: String) -> RawRecipient {
        let src = format!("email = {}", toml::Value::String(email));
        toml::from_str(&src).expect("a table with only an email is a valid recipient")
    }
}

fn default_mode() -> Spanned<String> {
    Spanned::new(0..0, "immediate".into())
}

fn default_digest_every() -> Spanned<String> {
    Spanned::new(0..0, "1h".into())
}

fn default_max_per_hour() -> Spanned<u32> {
    Spanned::new(0..0, 10)
}

/// Bounds on everything the daemon reads, holds or sends. The `Default` is the one place the
/// defaults are written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawLimits {
    /// Largest response body read, as sent (bytes).
    pub max_body_bytes: u64,
    /// Largest body after undoing gzip, deflate or brotli (bytes): the guard against bombs.
    pub max_decompressed_bytes: u64,
    /// Slowest transfer accepted after a 5 s grace period (bytes per second; 0 disables).
    pub min_transfer_rate: u64,
    /// Most entries taken from one feed document.
    pub max_entries_per_feed: usize,
    /// Longest title or text kept per item (characters).
    pub max_text_chars: usize,
    /// Feeds fetched at the same time.
    pub concurrency: usize,
    /// Feeds of the same host fetched at the same time.
    pub per_host_concurrency: usize,
    /// Whole fetch, connection included.
    #[serde(with = "humantime_serde_compat")]
    pub fetch_timeout: Duration,
    #[serde(with = "humantime_serde_compat")]
    pub connect_timeout: Duration,
    /// Shortest interval a feed may ask for, or be polled at for its pace.
    #[serde(with = "humantime_serde_compat")]
    pub min_interval: Duration,
    /// Longest interval a feed is polled at for its pace (a quiet feed).
    #[serde(with = "humantime_serde_compat")]
    pub max_interval: Duration,
    /// Longest wait between retries of a failing feed.
    #[serde(with = "humantime_serde_compat")]
    pub max_backoff: Duration,
    /// Redirects followed per fetch.
    pub max_redirects: usize,
    /// Outbox rows sent per round.
    pub outbox_batch: usize,
    /// Attempts before an alert is given up as failed (still listed, can be retried by hand).
    pub alert_max_attempts: u32,
    /// Wait after a first failed delivery; it doubles with each failure up to
    /// `alert_retry_max`, plus up to a fifth at random.
    #[serde(with = "humantime_serde_compat")]
    pub alert_retry_min: Duration,
    #[serde(with = "humantime_serde_compat")]
    pub alert_retry_max: Duration,
    /// Items waiting between fetching and storing.
    pub queue: usize,
    /// Largest article page read, as sent (bytes); undone compression may give four times it.
    pub max_page_bytes: u64,
    /// Whole fetch of one article page (or robots.txt), connection included.
    #[serde(with = "humantime_serde_compat")]
    pub page_timeout: Duration,
    /// Article pages fetched per feed refresh at most; the rest are analysed on their summary.
    pub max_pages_per_refresh: usize,
    /// A feed entry with at least this many characters of text carries the article itself:
    /// no page is fetched for it (with `full_text = "auto"`).
    pub min_article_chars: usize,
}

impl Default for RawLimits {
    fn default() -> Self {
        RawLimits {
            max_body_bytes: 8 * 1024 * 1024,
            max_decompressed_bytes: 32 * 1024 * 1024,
            min_transfer_rate: 1024,
            max_entries_per_feed: 500,
            max_text_chars: 100_000,
            concurrency: 16,
            per_host_concurrency: 2,
            fetch_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            min_interval: Duration::from_secs(60),
            max_interval: Duration::from_secs(2 * 3600),
            max_backoff: Duration::from_secs(6 * 3600),
            max_redirects: 5,
            outbox_batch: 50,
            alert_max_attempts: 20,
            alert_retry_min: Duration::from_secs(30),
            alert_retry_max: Duration::from_secs(3600),
            queue: 256,
            max_page_bytes: 2 * 1024 * 1024,
            page_timeout: Duration::from_secs(15),
            max_pages_per_refresh: 30,
            min_article_chars: 600,
        }
    }
}

/// Durations in limits are written like the rest of the file ("30s", "6h").
mod humantime_serde_compat {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_duration(&s).map_err(serde::de::Error::custom)
    }
}

fn line_of(src: &str, span: &Range<usize>) -> usize {
    src[..span.start.min(src.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

pub(super) fn build(src: &str, origin: &str, base: &Path) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(src).map_err(|e| ConfigError::Syntax {
        path: origin.to_owned(),
        line: e.span().map(|s| line_of(src, &s)).unwrap_or(0),
        message: e.message().trim().to_owned(),
    })?;
    let invalid = |span: &Range<usize>, key: &str, message: String| ConfigError::Invalid {
        path: origin.to_owned(),
        line: line_of(src, span),
        key: key.to_owned(),
        message,
    };
    let resolve = |p: &str| {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_owned()
        } else {
            base.join(p)
        }
    };
    let limits = raw.limits;
    if limits.concurrency == 0 || limits.per_host_concurrency == 0 || limits.queue == 0 {
        return Err(invalid(
            &(0..0),
            "limits",
            "concurrency, per_host_concurrency and queue must be at least 1".into(),
        ));
    }
    if limits.max_interval < limits.min_interval {
        return Err(invalid(
            &(0..0),
            "limits.max_interval",
            format!(
                "shorter than limits.min_interval ({})",
                humantime::format_duration(limits.min_interval)
            ),
        ));
    }
    let default_interval = parse_duration(raw.default_interval.get_ref())
        .map_err(|m| invalid(&raw.default_interval.span(), "default_interval", m))?;

    let mut feeds = Vec::new();
    for (i, f) in raw.feeds.iter().enumerate() {
        let url = parse_feed_url(f.url.get_ref())
            .map_err(|m| invalid(&f.url.span(), &format!("feeds[{i}].url"), m))?;
        let interval = match &f.interval {
            Some(s) => parse_duration(s.get_ref())
                .map_err(|m| invalid(&s.span(), &format!("feeds[{i}].interval"), m))?,
            None => default_interval,
        };
        if interval < limits.min_interval {
            let span = f
                .interval
                .as_ref()
                .map(|s| s.span())
                .unwrap_or(f.url.span());
            return Err(invalid(
                &span,
                &format!("feeds[{i}].interval"),
                format!(
                    "shorter than limits.min_interval ({})",
                    humantime::format_duration(limits.min_interval)
                ),
            ));
        }
        let encoding = match &f.encoding {
            Some(e) => Some(
                encoding_rs::Encoding::for_label(e.get_ref().as_bytes()).ok_or_else(|| {
                    invalid(
                        &e.span(),
                        &format!("feeds[{i}].encoding"),
                        format!("unknown charset {:?}", e.get_ref()),
                    )
                })?,
            ),
            None => None,
        };
        let full_text = match &f.full_text {
            Some(m) => FullText::parse(m.get_ref()).ok_or_else(|| {
                invalid(
                    &m.span(),
                    &format!("feeds[{i}].full_text"),
                    format!(
                        "{:?}: expected \"auto\", \"always\" or \"never\"",
                        m.get_ref()
                    ),
                )
            })?,
            None => FullText::Auto,
        };
        feeds.push(FeedConfig {
            url,
            name: f.name.clone(),
            interval,
            adaptive: f.interval.is_none(),
            encoding,
            full_text,
            publisher: f.publisher.clone(),
        });
    }
    for (i, o) in raw.feeds_opml.iter().enumerate() {
        let path = resolve(o.get_ref());
        let listed = read_opml(&path).map_err(|source| ConfigError::Opml {
            path: format!("{origin}:{} (feeds_opml[{i}])", line_of(src, &o.span())),
            opml: path.clone(),
            source: Box::new(source),
        })?;
        for f in listed {
            let url = parse_feed_url(&f.url).map_err(|m| {
                invalid(
                    &o.span(),
                    &format!("feeds_opml[{i}]"),
                    format!("{}: {m}", path.display()),
                )
            })?;
            if !feeds.iter().any(|k: &FeedConfig| k.url == url) {
                feeds.push(FeedConfig {
                    url,
                    name: f.title,
                    interval: default_interval,
                    adaptive: true,
                    encoding: None,
                    full_text: FullText::Auto,
                    publisher: None,
                });
            }
        }
    }

    let smtp = match raw.smtp {
        None => None,
        Some(s) => Some(build_smtp(s, &invalid, &resolve)?),
    };

    // With no recipient configured every alert goes to the sender address (or a local one for
    // the maildir), under the same defaults as a configured recipient.
    let raw_recipients = if raw.recipients.is_empty() {
        let to = smtp
            .as_ref()
            .map(|s: &SmtpConfig| s.from.email.to_string())
            .unwrap_or_else(|| crate::alert::DEFAULT_RECIPIENT.to_owned());
        vec![Spanned::new(0..0, RawRecipient::implicit(to))]
    } else {
        raw.recipients
    };
    let mut recipients: Vec<Recipient> = Vec::new();
    for (i, r) in raw_recipients.iter().enumerate() {
        let built = build_recipient(i, r, &invalid, &resolve)?;
        if recipients
            .iter()
            .any(|o| o.key == built.key || o.name == built.name)
        {
            return Err(invalid(
                &r.span(),
                &format!("recipients[{i}].name"),
                format!("{:?} is already the name of another recipient", built.name),
            ));
        }
        recipients.push(built);
    }

    let operator = match raw.operator {
        None => None,
        Some(o) => Some(Operator {
            email: o
                .email
                .get_ref()
                .parse()
                .map_err(|e: lettre::address::AddressError| {
                    invalid(&o.email.span(), "operator.email", e.to_string())
                })?,
            feed_failing_after: parse_duration(o.feed_failing_after.get_ref()).map_err(|m| {
                invalid(
                    &o.feed_failing_after.span(),
                    "operator.feed_failing_after",
                    m,
                )
            })?,
            feed_silent_after: parse_duration(o.feed_silent_after.get_ref()).map_err(|m| {
                invalid(&o.feed_silent_after.span(), "operator.feed_silent_after", m)
            })?,
        }),
    };

    let metrics_listen = match raw.metrics.listen.get_ref().trim() {
        "" => None,
        a => Some(a.parse::<std::net::SocketAddr>().map_err(|e| {
            invalid(
                &raw.metrics.listen.span(),
                "metrics.listen",
                format!("{a:?} is not host:port ({e}); use \"\" to turn metrics off"),
            )
        })?),
    };

    let rules = if raw.rules.is_empty() {
        RulePack::bundled()
    } else {
        if raw.rules.len() > 1 {
            return Err(invalid(
                &raw.rules[1].span(),
                "rules",
                "one rule pack file is supported; merge the others into it".into(),
            ));
        }
        let path = resolve(raw.rules[0].get_ref());
        RulePack::from_file(&path).map_err(|source| ConfigError::Rules {
            path: origin.to_owned(),
            source,
        })?
    };

    let templates = match &raw.templates {
        None => crate::alert::Templates::bundled(),
        Some(t) => {
            let dir = resolve(t.dir.get_ref());
            if !dir.is_dir() {
                return Err(invalid(
                    &t.dir.span(),
                    "templates.dir",
                    format!("{} is not a directory", dir.display()),
                ));
            }
            crate::alert::Templates::load(Some(&dir)).map_err(|source| ConfigError::Templates {
                path: origin.to_owned(),
                source: Box::new(source),
            })?
        }
    };

    let stories = crate::dedup::StoryPolicy {
        window: parse_duration(raw.stories.window.get_ref())
            .map_err(|m| invalid(&raw.stories.window.span(), "stories.window", m))?,
        max_updates: raw.stories.max_updates,
        toll_increase: raw.stories.toll_increase,
        max_event_age: parse_duration(raw.stories.max_event_age.get_ref()).map_err(|m| {
            invalid(
                &raw.stories.max_event_age.span(),
                "stories.max_event_age",
                m,
            )
        })?,
    };
    if stories.window > Duration::from_secs(30 * 86_400) {
        return Err(invalid(
            &raw.stories.window.span(),
            "stories.window",
            "at most 30d (a story is one incident)".into(),
        ));
    }

    let publishers: std::collections::BTreeSet<String> = feeds
        .iter()
        .map(|f| crate::dedup::publisher(f.publisher.as_deref(), None, &f.url))
        .collect();
    let surge = build_surge(&raw.surge, publishers.len(), &invalid)?;
    let websub = raw
        .websub
        .as_ref()
        .map(|w| build_websub(w, &invalid))
        .transpose()?;
    let console = raw
        .console
        .as_ref()
        .map(|c| build_console(c, &invalid))
        .transpose()?;

    let retention = super::Retention {
        irrelevant_text: (raw.retention.irrelevant_text_days > 0)
            .then(|| Duration::from_secs(u64::from(raw.retention.irrelevant_text_days) * 86_400)),
    };

    Ok(Config {
        source: origin.to_owned(),
        stories,
        surge,
        retention,
        templates: Arc::new(templates),
        data_dir: Path::new(raw.data_dir.get_ref()).to_owned(),
        smtp,
        recipients,
        limits,
        operator,
        metrics_listen,
        websub,
        console,
        user_agent: raw.user_agent.unwrap_or_else(|| {
            format!(
                "sahel-watch/{} (+https://github.com/sahel-watch/sahel-watch)",
                env!("CARGO_PKG_VERSION")
            )
        }),
        rules: Arc::new(rules),
        feed_index: feeds
            .iter()
            .enumerate()
            .map(|(i, f)| (f.url.to_string(), i))
            .collect(),
        feeds,
    })
}

/// `[websub]`: a public http(s) callback without query or fragment, an address to listen on,
/// and a lease between an hour and the 30 days hubs commonly allow at most.
fn build_websub(
    raw: &RawWebSub,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<super::WebSubConfig, ConfigError> {
    let callback = url::Url::parse(raw.callback.get_ref().trim())
        .map_err(|e| e.to_string())
        .and_then(|u| match u.scheme() {
            "http" | "https" if u.query().is_none() && u.fragment().is_none() => Ok(u),
            _ => Err("an http(s) URL without query or fragment".to_owned()),
        })
        .map_err(|m| {
            invalid(
                &raw.callback.span(),
                "websub.callback",
                format!("{:?}: {m}", raw.callback.get_ref()),
            )
        })?;
    let listen = socket_addr(&raw.listen, "websub.listen", invalid)?;
    let lease = duration_within(&raw.lease, "websub.lease", (3_600, "1h"), invalid)?;
    Ok(super::WebSubConfig {
        callback,
        listen,
        lease,
    })
}

/// A listener's `host:port`.
fn socket_addr(
    raw: &Spanned<String>,
    key: &str,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<std::net::SocketAddr, ConfigError> {
    raw.get_ref().trim().parse().map_err(|e| {
        invalid(
            &raw.span(),
            key,
            format!("{:?} is not host:port ({e})", raw.get_ref()),
        )
    })
}

/// A duration from `min` (seconds, and as written) to 30 days.
fn duration_within(
    raw: &Spanned<String>,
    key: &str,
    (min, written): (u64, &str),
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<Duration, ConfigError> {
    parse_duration(raw.get_ref())
        .and_then(|d| {
            if (min..=30 * 86_400).contains(&d.as_secs()) {
                Ok(d)
            } else {
                Err(format!("between {written} and 30d"))
            }
        })
        .map_err(|m| invalid(&raw.span(), key, m))
}

/// `[console]`: an address to listen on, a session of a minute to 30 days, and a proxy
/// header only with the proxies it is believed from.
fn build_console(
    raw: &RawConsole,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<super::ConsoleConfig, ConfigError> {
    let listen = socket_addr(&raw.listen, "console.listen", invalid)?;
    let session = duration_within(&raw.session, "console.session", (60, "1m"), invalid)?;
    let trusted_proxies = raw
        .trusted_proxies
        .iter()
        .map(|p| {
            p.get_ref().trim().parse::<std::net::IpAddr>().map_err(|e| {
                invalid(
                    &p.span(),
                    "console.trusted_proxies",
                    format!("{:?} is not an IP address ({e})", p.get_ref()),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let user_header = match &raw.user_header {
        Some(h) if trusted_proxies.is_empty() => {
            return Err(invalid(
                &h.span(),
                "console.user_header",
                "set trusted_proxies too: the header is believed only from them".into(),
            ))
        }
        Some(h) => Some(
            hyper::header::HeaderName::from_bytes(h.get_ref().trim().as_bytes())
                .map_err(|e| invalid(&h.span(), "console.user_header", e.to_string()))?
                .to_string(),
        ),
        None => None,
    };
    Ok(super::ConsoleConfig {
        listen,
        session,
        user_header,
        trusted_proxies,
    })
}

/// `[surge]`; `publishers` is how many distinct publishers the feeds have, for the default
/// `min_publishers`.
fn build_surge(
    raw: &RawSurge,
    publishers: usize,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<crate::plan::SurgePolicy, ConfigError> {
    let duration = |s: &Spanned<String>, key: &str, min: u64, max: u64| {
        let d = parse_duration(s.get_ref()).map_err(|m| invalid(&s.span(), key, m))?;
        if d < Duration::from_secs(min) || d > Duration::from_secs(max) {
            return Err(invalid(
                &s.span(),
                key,
                format!("between {min}s and {}d", max / 86_400),
            ));
        }
        Ok(d)
    };
    let policy = crate::plan::SurgePolicy {
        enabled: raw.enabled,
        min_publishers: raw.min_publishers.as_ref().map_or_else(
            || crate::plan::SurgePolicy::min_publishers_for(publishers),
            |n| *n.get_ref(),
        ),
        min_ratio: *raw.min_ratio.get_ref(),
        window: duration(&raw.window, "surge.window", 60, 86_400)?,
        baseline: duration(&raw.baseline, "surge.baseline", 86_400, 366 * 86_400)?,
        fresh_within: duration(&raw.fresh_within, "surge.fresh_within", 60, 36_500 * 86_400)?,
    };
    if let Some(n) = raw.min_publishers.as_ref().filter(|n| *n.get_ref() < 2) {
        return Err(invalid(
            &n.span(),
            "surge.min_publishers",
            "at least 2 (one outlet naming a place often is not a surge)".into(),
        ));
    }
    if !(policy.min_ratio >= 1.0 && policy.min_ratio.is_finite()) {
        return Err(invalid(
            &raw.min_ratio.span(),
            "surge.min_ratio",
            "a number of at least 1 (times the usual rate)".into(),
        ));
    }
    if policy.baseline <= policy.window {
        return Err(invalid(
            &raw.baseline.span(),
            "surge.baseline",
            "longer than surge.window".into(),
        ));
    }
    Ok(policy)
}

/// A feed URL must be absolute http(s) with a host.
pub(super) fn parse_feed_url(s: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(s.trim()).map_err(|e| format!("{s:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{s:?}: only http and https feeds are fetched"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{s:?} has no host"));
    }
    Ok(url)
}

fn build_recipient(
    i: usize,
    spanned: &Spanned<RawRecipient>,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
    resolve: &impl Fn(&str) -> std::path::PathBuf,
) -> Result<Recipient, ConfigError> {
    let r = spanned.get_ref();
    let key = format!("recipients[{i}]");
    let channel = match (&r.email, &r.webhook, &r.matrix) {
        (Some(e), None, None) => Channel::Email(
            e.get_ref()
                .parse::<lettre::message::Mailbox>()
                .map_err(|err| invalid(&e.span(), &format!("{key}.email"), err.to_string()))?,
        ),
        (None, Some(w), None) => Channel::Webhook(build_webhook(&key, w, invalid, resolve)?),
        (None, None, Some(m)) => Channel::Matrix(build_matrix(&key, m, invalid, resolve)?),
        _ => {
            return Err(invalid(
                &spanned.span(),
                &key,
                "give one of email, webhook or matrix".into(),
            ))
        }
    };
    let name = match (&r.name, &channel) {
        (Some(n), _) if n.get_ref().trim().is_empty() || n.get_ref().contains(char::is_control) => {
            return Err(invalid(
                &n.span(),
                &format!("{key}.name"),
                "a name is a non-empty line".into(),
            ))
        }
        (Some(n), _) => n.get_ref().trim().to_owned(),
        (None, Channel::Email(m)) => m.email.to_string(),
        (None, _) => {
            return Err(invalid(
                &spanned.span(),
                &format!("{key}.name"),
                "a webhook or matrix recipient needs a name (its alerts are filed under it)".into(),
            ))
        }
    };
    let outbox_key = match &channel {
        Channel::Email(m) => m.email.to_string(),
        other => format!("{}:{name}", other.kind()),
    };
    let mut events = Vec::new();
    for (j, e) in r.events.iter().enumerate() {
        events.push(EventKind::parse(e.get_ref()).ok_or_else(|| {
            invalid(
                &e.span(),
                &format!("recipients[{i}].events[{j}]"),
                format!(
                    "unknown event {:?} (known: attack, kidnapping, border_closure)",
                    e.get_ref()
                ),
            )
        })?);
    }
    let mut countries = Vec::new();
    for (j, c) in r.countries.iter().enumerate() {
        let code = c.get_ref().to_ascii_uppercase();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(invalid(
                &c.span(),
                &format!("recipients[{i}].countries[{j}]"),
                format!(
                    "{:?} is not an ISO 3166 alpha-2 code such as \"ML\"",
                    c.get_ref()
                ),
            ));
        }
        countries.push(code);
    }
    let delivery = match r.mode.get_ref().as_str() {
        "immediate" => Delivery::Immediate,
        "digest" => Delivery::Digest,
        other => {
            return Err(invalid(
                &r.mode.span(),
                &format!("recipients[{i}].mode"),
                format!("unknown mode {other:?} (use \"immediate\" or \"digest\")"),
            ))
        }
    };
    let digest_every = parse_duration(r.digest_every.get_ref()).map_err(|m| {
        invalid(
            &r.digest_every.span(),
            &format!("recipients[{i}].digest_every"),
            m,
        )
    })?;
    if digest_every < Duration::from_secs(5) || digest_every > Duration::from_secs(7 * 86_400) {
        return Err(invalid(
            &r.digest_every.span(),
            &format!("recipients[{i}].digest_every"),
            "a digest period is between 5s and 7d".into(),
        ));
    }
    if *r.max_per_hour.get_ref() == 0 {
        return Err(invalid(
            &r.max_per_hour.span(),
            &format!("recipients[{i}].max_per_hour"),
            "at least 1 (the overflow waits for the next digest)".into(),
        ));
    }
    Ok(Recipient {
        name,
        key: outbox_key,
        channel,
        events,
        countries,
        min_score: r.min_score,
        delivery,
        digest_every,
        max_per_hour: *r.max_per_hour.get_ref(),
        surges: r.surges,
    })
}

/// A secret from a file (its first line) or an environment variable, never both.
fn read_secret(
    (file_key, file): (&str, Option<&Spanned<String>>),
    (env_key, env): (&str, Option<&Spanned<String>>),
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
    resolve: &impl Fn(&str) -> std::path::PathBuf,
) -> Result<Option<String>, ConfigError> {
    match (file, env) {
        (Some(_), Some(e)) => Err(invalid(
            &e.span(),
            env_key,
            format!("give {file_key} or {env_key}, not both"),
        )),
        (Some(f), None) => {
            let path = resolve(f.get_ref());
            let text = std::fs::read_to_string(&path).map_err(|e| {
                invalid(
                    &f.span(),
                    file_key,
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
        }
        (None, Some(e)) => Ok(Some(std::env::var(e.get_ref()).map_err(|_| {
            invalid(
                &e.span(),
                env_key,
                format!("environment variable {} is not set", e.get_ref()),
            )
        })?)),
        (None, None) => Ok(None),
    }
}

/// A secret a channel cannot work without, from `<table>.<name>_file` or `<table>.<name>_env`;
/// its absence is reported at `at` (the endpoint it is for).
fn required_secret(
    (table, name): (&str, &str),
    (file, env): (Option<&Spanned<String>>, Option<&Spanned<String>>),
    at: &Spanned<String>,
    why: &str,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
    resolve: &impl Fn(&str) -> std::path::PathBuf,
) -> Result<String, ConfigError> {
    let (file_key, env_key) = (
        format!("{table}.{name}_file"),
        format!("{table}.{name}_env"),
    );
    read_secret((&file_key, file), (&env_key, env), invalid, resolve)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            invalid(
                &at.span(),
                &file_key,
                format!("{why} ({name}_file or {name}_env)"),
            )
        })
}

/// Whether a host (without IPv6 brackets) is this machine: what may be reached in clear.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An endpoint alerts are sent to: https://, or http:// to a loopback address (a local relay,
/// the tests), where nothing crosses a network in clear.
fn https_endpoint(
    value: &Spanned<String>,
    key: &str,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<url::Url, ConfigError> {
    let url = url::Url::parse(value.get_ref().trim())
        .map_err(|e| invalid(&value.span(), key, format!("not a URL ({e})")))?;
    let loopback = url
        .host_str()
        .is_some_and(|h| is_loopback(h.trim_matches(|c| c == '[' || c == ']')));
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(invalid(
            &value.span(),
            key,
            "http:// only to a loopback address; use https://".into(),
        )),
        _ => Err(invalid(
            &value.span(),
            key,
            "expected an https:// URL".into(),
        )),
    }
}

fn channel_timeout(
    value: &Spanned<String>,
    key: &str,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
) -> Result<Duration, ConfigError> {
    let d = parse_duration(value.get_ref()).map_err(|m| invalid(&value.span(), key, m))?;
    if d < Duration::from_secs(1) || d > Duration::from_secs(300) {
        return Err(invalid(&value.span(), key, "between 1s and 5m".into()));
    }
    Ok(d)
}

fn build_webhook(
    key: &str,
    w: &RawWebhook,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
    resolve: &impl Fn(&str) -> std::path::PathBuf,
) -> Result<WebhookConfig, ConfigError> {
    let url = https_endpoint(&w.url, &format!("{key}.webhook.url"), invalid)?;
    let secret = required_secret(
        (&format!("{key}.webhook"), "secret"),
        (w.secret_file.as_ref(), w.secret_env.as_ref()),
        &w.url,
        "a webhook needs a signing secret: receivers verify each body with it",
        invalid,
        resolve,
    )?;
    Ok(WebhookConfig {
        url,
        secret,
        timeout: channel_timeout(&w.timeout, &format!("{key}.webhook.timeout"), invalid)?,
    })
}

fn build_matrix(
    key: &str,
    m: &RawMatrix,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
    resolve: &impl Fn(&str) -> std::path::PathBuf,
) -> Result<MatrixConfig, ConfigError> {
    let homeserver = https_endpoint(&m.homeserver, &format!("{key}.matrix.homeserver"), invalid)?;
    let room = m.room.get_ref().trim();
    // Room ids are «!opaque:server», or «!opaque» from room version 12 on.
    if !room.starts_with('!') || room.len() < 2 || room.contains(['/', '?', '#', ' ']) {
        return Err(invalid(
            &m.room.span(),
            &format!("{key}.matrix.room"),
            format!("{room:?} is not a room id such as \"!abc123:example.org\" (an alias «#room:server» is not resolved)"),
        ));
    }
    let access_token = required_secret(
        (&format!("{key}.matrix"), "access_token"),
        (m.access_token_file.as_ref(), m.access_token_env.as_ref()),
        &m.homeserver,
        "a matrix recipient needs an access token",
        invalid,
        resolve,
    )?;
    Ok(MatrixConfig {
        homeserver,
        room: room.to_owned(),
        access_token,
        timeout: channel_timeout(&m.timeout, &format!("{key}.matrix.timeout"), invalid)?,
    })
}

fn build_smtp(
    s: RawSmtp,
    invalid: &impl Fn(&Range<usize>, &str, String) -> ConfigError,
    resolve: &impl Fn(&str) -> std::path::PathBuf,
) -> Result<SmtpConfig, ConfigError> {
    let span = s.url.span();
    let url = url::Url::parse(s.url.get_ref())
        .map_err(|e| invalid(&span, "smtp.url", format!("not a URL ({e})")))?;
    let (security, default_port) = match url.scheme() {
        "smtp" => (SmtpSecurity::Plain, 25),
        "smtp+starttls" => (SmtpSecurity::StartTls, 587),
        "smtps" => (SmtpSecurity::Tls, 465),
        other => {
            return Err(invalid(
                &span,
                "smtp.url",
                format!("unknown scheme {other:?} (use smtp://, smtp+starttls:// or smtps://)"),
            ))
        }
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid(&span, "smtp.url", "no host".into()))?
        .trim_matches(|c| c == '[' || c == ']')
        .to_owned();
    let loopback = is_loopback(&host);
    let security = match (&s.starttls, security) {
        (None, s) => s,
        (Some(v), SmtpSecurity::StartTls) => match v.get_ref().as_str() {
            "required" => SmtpSecurity::StartTls,
            "opportunistic" => SmtpSecurity::OpportunisticStartTls,
            other => {
                return Err(invalid(
                    &v.span(),
                    "smtp.starttls",
                    format!("unknown value {other:?} (use \"required\" or \"opportunistic\")"),
                ))
            }
        },
        (Some(v), _) => {
            return Err(invalid(
                &v.span(),
                "smtp.starttls",
                "only meaningful with an smtp+starttls:// URL".into(),
            ))
        }
    };
    if matches!(
        security,
        SmtpSecurity::Plain | SmtpSecurity::OpportunisticStartTls
    ) && !loopback
        && !s.allow_plain
    {
        return Err(invalid(
            &span,
            "smtp.url",
            "plain smtp:// (or opportunistic STARTTLS, which may fall back to it) is only used for loopback; use smtp+starttls:// or smtps://, or set allow_plain = true".into(),
        ));
    }
    let ca_pem = match &s.ca_file {
        None => None,
        Some(f) => {
            let path = resolve(f.get_ref());
            let pem = std::fs::read(&path).map_err(|e| {
                invalid(
                    &f.span(),
                    "smtp.ca_file",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            let has_certificate =
                String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----");
            if !has_certificate
                || lettre::transport::smtp::client::Certificate::from_pem(&pem).is_err()
            {
                return Err(invalid(
                    &f.span(),
                    "smtp.ca_file",
                    format!("{} holds no PEM certificate", path.display()),
                ));
            }
            Some(pem)
        }
    };
    let password = read_secret(
        ("smtp.password_file", s.password_file.as_ref()),
        ("smtp.password_env", s.password_env.as_ref()),
        invalid,
        resolve,
    )?;
    if password.is_some() && s.username.is_none() {
        return Err(invalid(
            &span,
            "smtp.username",
            "a password needs a username".into(),
        ));
    }
    let from = s
        .from
        .get_ref()
        .parse::<lettre::message::Mailbox>()
        .map_err(|e| invalid(&s.from.span(), "smtp.from", e.to_string()))?;
    let timeout = parse_duration(s.timeout.get_ref())
        .map_err(|m| invalid(&s.timeout.span(), "smtp.timeout", m))?;
    Ok(SmtpConfig {
        host,
        port: url.port().unwrap_or(default_port),
        security,
        username: s.username,
        password,
        from,
        timeout,
        ca_pem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surge_bar_defaults_to_a_quarter_of_the_publishers_and_an_explicit_one_wins() {
        // Nine feeds of six publishers: two feeds of one site and two said to be one outlet's.
        let mut src = String::new();
        for host in [
            "a.example",
            "www.a.example",
            "b.example",
            "c.example",
            "d.example",
        ] {
            src.push_str(&format!("[[feeds]]\nurl = \"http://{host}/rss\"\n"));
        }
        for host in ["e.example", "f.example", "g.example", "h.example"] {
            src.push_str(&format!(
                "[[feeds]]\nurl = \"http://{host}/rss\"\npublisher = \"Outlet {}\"\n",
                if host < "g" { "E" } else { "G" }
            ));
        }
        let c = build(&src, "c.toml", Path::new(".")).expect("valid");
        assert_eq!(c.surge.min_publishers, 2, "6 publishers");
        for host in [
            "i.example",
            "j.example",
            "k.example",
            "l.example",
            "m.example",
        ] {
            src.push_str(&format!("[[feeds]]\nurl = \"http://{host}/rss\"\n"));
        }
        let c = build(&src, "c.toml", Path::new(".")).expect("valid");
        assert_eq!(c.surge.min_publishers, 3, "11 publishers");
        src.push_str("[surge]\nmin_publishers = 4\n");
        let c = build(&src, "c.toml", Path::new(".")).expect("valid");
        assert_eq!(c.surge.min_publishers, 4);
    }

    #[test]
    fn bundled_config_loads() {
        let c = Config::load(None).unwrap();
        assert!(c.feeds.len() >= 10);
        assert!(c.smtp.is_none());
        assert_eq!(c.limits, RawLimits::default());
    }

    #[test]
    fn feeds_without_an_interval_follow_their_pace_within_the_limits() {
        let src = "[[feeds]]\nurl = \"http://a.example/rss\"\n\
                   [[feeds]]\nurl = \"http://b.example/rss\"\ninterval = \"30m\"\n";
        let c = build(src, "c.toml", Path::new(".")).unwrap();
        assert!(c.feeds[0].adaptive);
        assert!(!c.feeds[1].adaptive);
        assert_eq!(c.feeds[1].interval, Duration::from_secs(1800));
        assert_eq!(c.limits.max_interval, Duration::from_secs(7200));
        let src = "[limits]\nmin_interval = \"10m\"\nmax_interval = \"5m\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(e.contains("limits.max_interval"), "{e}");
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let src =
            "data_dir = \"x\"\n\n[[feeds]]\nurl = \"http://a.example/rss\"\ncolour = \"red\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:5:"), "{e}");
        assert!(e.contains("colour"), "{e}");
        let src = "[[feeds]]\nurl = \"http://a.example/rss\"\n[[feeds]]\nurl = \"not a url\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.toml:4:") && e.contains("feeds[1].url"),
            "{e}"
        );
        let src = "[[feeds]]\nurl = \"http://a.example/rss\"\ninterval = \"soon\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.toml:3") && e.contains("feeds[0].interval"),
            "{e}"
        );
        let src = "[[feeds]]\nurl = \"http://a.example/rss\"\nfull_text = \"sometimes\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.toml:3") && e.contains("feeds[0].full_text"),
            "{e}"
        );
        let src = "[surge]\nwindow = \"1h\"\nmin_publishers = 1\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.toml:3") && e.contains("surge.min_publishers"),
            "{e}"
        );
        let src = "\n[surge]\nbaseline = \"30m\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.toml:3") && e.contains("surge.baseline"),
            "{e}"
        );
        let src = "[smtp]\nurl = \"smtp://mail.example.org\"\nfrom = \"a@b.c\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.toml:2") && e.contains("smtp.url"), "{e}");
    }

    #[test]
    fn shipped_file_shows_the_code_defaults() {
        // The commented `# key = value` lines under [limits] in the shipped file must be the
        // defaults of RawLimits, so that the documentation cannot drift from the code.
        let mut in_limits = false;
        let mut shown = String::new();
        for line in super::super::BUNDLED_CONFIG.lines() {
            let t = line.trim();
            if t.starts_with("[limits]") || t.starts_with("# [limits]") {
                in_limits = true;
                continue;
            }
            if in_limits && (t.starts_with('[') || t.starts_with("# [")) {
                break;
            }
            if in_limits {
                if let Some(kv) = t.strip_prefix("# ").filter(|kv| kv.contains(" = ")) {
                    shown.push_str(kv);
                    shown.push('\n');
                }
            }
        }
        let parsed: RawLimits = toml::from_str(&shown).unwrap();
        assert_eq!(parsed, RawLimits::default());
        assert!(shown.lines().count() >= 10, "{shown}");
    }
}
