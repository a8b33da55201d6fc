//! `[[recipients]]`: who gets the alerts, through which channel, and how often.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{is_loopback, parse_duration, read_secret, ConfigError, Ctx};
use crate::config::{Channel, Delivery, MatrixConfig, Recipient, SmtpConfig, WebhookConfig};
use crate::detect::EventKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRecipient {
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
pub(super) struct RawWebhook {
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
pub(super) struct RawMatrix {
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

/// `[[recipients]]`: with none written, every alert goes to the sender address (or a local one
/// for the maildir), under the same defaults as a written recipient. Names are unique.
pub(super) fn recipients(
    raw: Vec<Spanned<RawRecipient>>,
    smtp: Option<&SmtpConfig>,
    ctx: &Ctx,
) -> Result<Vec<Recipient>, ConfigError> {
    let raw = if raw.is_empty() {
        let to = smtp
            .map(|s| s.from.email.to_string())
            .unwrap_or_else(|| crate::alert::DEFAULT_RECIPIENT.to_owned());
        vec![Spanned::new(0..0, RawRecipient::implicit(to))]
    } else {
        raw
    };
    let mut recipients: Vec<Recipient> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let built = recipient(i, r, ctx)?;
        if recipients
            .iter()
            .any(|o| o.key == built.key || o.name == built.name)
        {
            return Err(ctx.invalid(
                &r.span(),
                &format!("recipients[{i}].name"),
                format!("{:?} is already the name of another recipient", built.name),
            ));
        }
        recipients.push(built);
    }
    Ok(recipients)
}

/// The `i`th recipient: where its alerts go, what it wants of them, and how often.
fn recipient(
    i: usize,
    spanned: &Spanned<RawRecipient>,
    ctx: &Ctx,
) -> Result<Recipient, ConfigError> {
    let r = spanned.get_ref();
    let key = format!("recipients[{i}]");
    let channel = channel(&key, spanned, ctx)?;
    let name = name(&key, spanned, &channel, ctx)?;
    let outbox_key = match &channel {
        Channel::Email(m) => m.email.to_string(),
        other => format!("{}:{name}", other.kind()),
    };
    let (events, countries) = filters(&key, r, ctx)?;
    let (delivery, digest_every) = delivery(&key, r, ctx)?;
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

/// Exactly one of `email`, `webhook` and `matrix`.
fn channel(key: &str, spanned: &Spanned<RawRecipient>, ctx: &Ctx) -> Result<Channel, ConfigError> {
    let r = spanned.get_ref();
    Ok(match (&r.email, &r.webhook, &r.matrix) {
        (Some(e), None, None) => Channel::Email(
            e.get_ref()
                .parse::<lettre::message::Mailbox>()
                .map_err(|err| ctx.invalid(&e.span(), &format!("{key}.email"), err.to_string()))?,
        ),
        (None, Some(w), None) => Channel::Webhook(webhook(key, w, ctx)?),
        (None, None, Some(m)) => Channel::Matrix(matrix(key, m, ctx)?),
        _ => {
            return Err(ctx.invalid(
                &spanned.span(),
                key,
                "give one of email, webhook or matrix".into(),
            ))
        }
    })
}

/// The name alerts are filed under: written, or the address of an email recipient.
fn name(
    key: &str,
    spanned: &Spanned<RawRecipient>,
    channel: &Channel,
    ctx: &Ctx,
) -> Result<String, ConfigError> {
    match (&spanned.get_ref().name, channel) {
        (Some(n), _) if n.get_ref().trim().is_empty() || n.get_ref().contains(char::is_control) => {
            Err(ctx.invalid(
                &n.span(),
                &format!("{key}.name"),
                "a name is a non-empty line".into(),
            ))
        }
        (Some(n), _) => Ok(n.get_ref().trim().to_owned()),
        (None, Channel::Email(m)) => Ok(m.email.to_string()),
        (None, _) => Err(ctx.invalid(
            &spanned.span(),
            &format!("{key}.name"),
            "a webhook or matrix recipient needs a name (its alerts are filed under it)".into(),
        )),
    }
}

/// `events` and `countries`: the kinds of incident and the ISO codes (upper-cased) wanted.
fn filters(
    key: &str,
    r: &RawRecipient,
    ctx: &Ctx,
) -> Result<(Vec<EventKind>, Vec<String>), ConfigError> {
    let mut events = Vec::new();
    for (j, e) in r.events.iter().enumerate() {
        events.push(EventKind::parse(e.get_ref()).ok_or_else(|| {
            ctx.invalid(
                &e.span(),
                &format!("{key}.events[{j}]"),
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
            return Err(ctx.invalid(
                &c.span(),
                &format!("{key}.countries[{j}]"),
                format!(
                    "{:?} is not an ISO 3166 alpha-2 code such as \"ML\"",
                    c.get_ref()
                ),
            ));
        }
        countries.push(code);
    }
    Ok((events, countries))
}

/// `mode`, `digest_every` and `max_per_hour`: a digest period from 5s to 7d, and at least one
/// message an hour (the overflow waits for the next digest).
fn delivery(key: &str, r: &RawRecipient, ctx: &Ctx) -> Result<(Delivery, Duration), ConfigError> {
    let delivery = match r.mode.get_ref().as_str() {
        "immediate" => Delivery::Immediate,
        "digest" => Delivery::Digest,
        other => {
            return Err(ctx.invalid(
                &r.mode.span(),
                &format!("{key}.mode"),
                format!("unknown mode {other:?} (use \"immediate\" or \"digest\")"),
            ))
        }
    };
    let every_key = format!("{key}.digest_every");
    let digest_every = parse_duration(r.digest_every.get_ref())
        .map_err(|m| ctx.invalid(&r.digest_every.span(), &every_key, m))?;
    if digest_every < Duration::from_secs(5) || digest_every > Duration::from_secs(7 * 86_400) {
        return Err(ctx.invalid(
            &r.digest_every.span(),
            &every_key,
            "a digest period is between 5s and 7d".into(),
        ));
    }
    if *r.max_per_hour.get_ref() == 0 {
        return Err(ctx.invalid(
            &r.max_per_hour.span(),
            &format!("{key}.max_per_hour"),
            "at least 1 (the overflow waits for the next digest)".into(),
        ));
    }
    Ok((delivery, digest_every))
}

/// A secret a channel cannot work without, from `<table>.<name>_file` or `<table>.<name>_env`;
/// its absence is reported at `at` (the endpoint it is for).
fn required_secret(
    (table, name): (&str, &str),
    (file, env): (Option<&Spanned<String>>, Option<&Spanned<String>>),
    at: &Spanned<String>,
    why: &str,
    ctx: &Ctx,
) -> Result<String, ConfigError> {
    let (file_key, env_key) = (
        format!("{table}.{name}_file"),
        format!("{table}.{name}_env"),
    );
    read_secret((&file_key, file), (&env_key, env), ctx)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ctx.invalid(
                &at.span(),
                &file_key,
                format!("{why} ({name}_file or {name}_env)"),
            )
        })
}

/// An endpoint alerts are sent to: https://, or http:// to a loopback address (a local relay,
/// the tests), where nothing crosses a network in clear.
fn https_endpoint(value: &Spanned<String>, key: &str, ctx: &Ctx) -> Result<url::Url, ConfigError> {
    let url = url::Url::parse(value.get_ref().trim())
        .map_err(|e| ctx.invalid(&value.span(), key, format!("not a URL ({e})")))?;
    let loopback = url
        .host_str()
        .is_some_and(|h| is_loopback(h.trim_matches(|c| c == '[' || c == ']')));
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(ctx.invalid(
            &value.span(),
            key,
            "http:// only to a loopback address; use https://".into(),
        )),
        _ => Err(ctx.invalid(&value.span(), key, "expected an https:// URL".into())),
    }
}

fn channel_timeout(value: &Spanned<String>, key: &str, ctx: &Ctx) -> Result<Duration, ConfigError> {
    let d = parse_duration(value.get_ref()).map_err(|m| ctx.invalid(&value.span(), key, m))?;
    if d < Duration::from_secs(1) || d > Duration::from_secs(300) {
        return Err(ctx.invalid(&value.span(), key, "between 1s and 5m".into()));
    }
    Ok(d)
}

fn webhook(key: &str, w: &RawWebhook, ctx: &Ctx) -> Result<WebhookConfig, ConfigError> {
    let url = https_endpoint(&w.url, &format!("{key}.webhook.url"), ctx)?;
    let secret = required_secret(
        (&format!("{key}.webhook"), "secret"),
        (w.secret_file.as_ref(), w.secret_env.as_ref()),
        &w.url,
        "a webhook needs a signing secret: receivers verify each body with it",
        ctx,
    )?;
    Ok(WebhookConfig {
        url,
        secret,
        timeout: channel_timeout(&w.timeout, &format!("{key}.webhook.timeout"), ctx)?,
    })
}

fn matrix(key: &str, m: &RawMatrix, ctx: &Ctx) -> Result<MatrixConfig, ConfigError> {
    let homeserver = https_endpoint(&m.homeserver, &format!("{key}.matrix.homeserver"), ctx)?;
    let room = m.room.get_ref().trim();
    // Room ids are «!opaque:server», or «!opaque» from room version 12 on.
    if !room.starts_with('!') || room.len() < 2 || room.contains(['/', '?', '#', ' ']) {
        return Err(ctx.invalid(
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
        ctx,
    )?;
    Ok(MatrixConfig {
        homeserver,
        room: room.to_owned(),
        access_token,
        timeout: channel_timeout(&m.timeout, &format!("{key}.matrix.timeout"), ctx)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::parsed;
    use super::*;

    #[test]
    fn recipients_section() {
        let (ctx, raw) = parsed("");
        let r = recipients(raw.recipients, None, &ctx).unwrap();
        assert_eq!(r[0].name, crate::alert::DEFAULT_RECIPIENT);
        let src = "[[recipients]]\nemail = \"a@b.c\"\ncountries = [\"ml\"]\nmode = \"digest\"\n";
        let (ctx, raw) = parsed(src);
        let r = &recipients(raw.recipients, None, &ctx).unwrap()[0];
        assert_eq!(
            (r.name.as_str(), r.countries.as_slice()),
            ("a@b.c", ["ML".to_owned()].as_slice())
        );
        assert_eq!(r.delivery, Delivery::Digest);
    }

    #[test]
    fn recipients_refused() {
        let refusal = |src: &str| {
            let (ctx, raw) = parsed(src);
            recipients(raw.recipients, None, &ctx)
                .unwrap_err()
                .to_string()
        };
        let e = refusal("[[recipients]]\nemail = \"a@b.c\"\nevents = [\"riot\"]\n");
        assert!(
            e.starts_with("c.toml:3: key `recipients[0].events[0]`"),
            "{e}"
        );
        let e = refusal("[[recipients]]\nemail = \"a@b.c\"\n\n[[recipients]]\nemail = \"a@b.c\"\n");
        assert!(
            e.starts_with("c.toml:4: key `recipients[1].name`: \"a@b.c\" is already"),
            "{e}"
        );
        let e = refusal("[[recipients]]\nemail = \"a@b.c\"\nmax_per_hour = 0\n");
        assert!(
            e.starts_with("c.toml:3: key `recipients[0].max_per_hour`"),
            "{e}"
        );
        let src = "[[recipients]]\n[recipients.webhook]\nurl = \"https://h.example/\"\nsecret_env = \"PATH\"\n";
        let e = refusal(src);
        assert!(e.starts_with("c.toml:1: key `recipients[0].name`"), "{e}");
        let src = "[[recipients]]\nname = \"m\"\n[recipients.matrix]\nhomeserver = \"http://m.example\"\nroom = \"!a:m.example\"\n";
        let e = refusal(src);
        assert!(
            e.starts_with("c.toml:4: key `recipients[0].matrix.homeserver`"),
            "{e}"
        );
    }
}
