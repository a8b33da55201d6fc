//! What alert delivery is configured with: the SMTP server and the recipients. The
//! configuration builds these from its raw file; `alert` needs nothing else of it.

use std::time::Duration;

use crate::detect::EventKind;
use crate::plan::Delivery;

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

/// A webhook: an HTTPS (or loopback HTTP) POST of the alert as JSON, signed with the secret.
#[derive(Clone, PartialEq)]
pub struct WebhookConfig {
    pub url: url::Url,
    /// The HMAC-SHA256 key, from `secret_file` or `secret_env`; never printed.
    pub secret: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &self.url.as_str())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A Matrix room, through the client-server API of its homeserver.
#[derive(Clone, PartialEq)]
pub struct MatrixConfig {
    pub homeserver: url::Url,
    /// The room id («!abc:example.org», or «!abc» in room versions 12 and later).
    pub room: String,
    /// From `access_token_file` or `access_token_env`; never printed.
    pub access_token: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for MatrixConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatrixConfig")
            .field("homeserver", &self.homeserver.as_str())
            .field("room", &self.room)
            .field("access_token", &"<redacted>")
            .finish()
    }
}

/// Where a recipient's alerts go.
#[derive(Debug, Clone, PartialEq)]
pub enum Channel {
    /// Email through SMTP (or the maildir when no SMTP is configured).
    Email(lettre::message::Mailbox),
    Webhook(WebhookConfig),
    Matrix(MatrixConfig),
}

impl Channel {
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::Email(_) => "email",
            Channel::Webhook(_) => "webhook",
            Channel::Matrix(_) => "matrix",
        }
    }
}

/// Who gets which alerts, and how. Empty filters mean everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    /// What `send-test-alert --recipient` and `alerts list` call it: the configured name, or
    /// the email address.
    pub name: String,
    /// The outbox's name for it: the address for email (as before channels existed), and
    /// «webhook:NAME» or «matrix:NAME» for the others.
    pub key: String,
    pub channel: Channel,
    pub events: Vec<EventKind>,
    pub countries: Vec<String>,
    pub min_score: f64,
    pub delivery: Delivery,
    /// The digest period, and for an immediate recipient when the overflow is sent.
    pub digest_every: Duration,
    /// The most messages in any hour; the overflow goes into the next digest.
    pub max_per_hour: u32,
    /// Surge notices too (`[surge]`), not only incidents.
    pub surges: bool,
}

impl Recipient {
    /// Whether a surge notice about a place in `country` concerns this recipient: the
    /// recipient takes surges, and its country filter (if any) holds the place's country.
    pub fn wants_surge(&self, country: Option<&str>) -> bool {
        self.surges
            && (self.countries.is_empty()
                || country.is_some_and(|c| self.countries.iter().any(|x| x == c)))
    }

    /// Whether an alert for these events and countries, with this score, concerns this
    /// recipient.
    pub fn wants(&self, events: &[EventKind], countries: &[String], score: f64) -> bool {
        (self.events.is_empty() || events.iter().any(|e| self.events.contains(e)))
            && (self.countries.is_empty() || countries.iter().any(|c| self.countries.contains(c)))
            && score >= self.min_score
    }
}
