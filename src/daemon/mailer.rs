//! The outbox drain (DESIGN.md contract 3): operator notices, then immediate alerts within each
//! recipient's hourly cap (the overflow moves into the next digest), then digests. A row is
//! marked sent only after the transport accepted it; a failure is rescheduled with backoff and,
//! after `limits.alert_max_attempts`, marked failed (listed by `alerts`, retried by hand).
//! Every channel (email, webhook, Matrix) goes through the same queue, caps and digests; a
//! channel's permanent refusal (a 4xx other than 408/429) is marked failed at once, and a
//! server's `Retry-After` pushes the next attempt back.

use std::collections::HashMap;
use std::time::Duration;

use tracing::{info, warn};

use super::{Context, DaemonError};
use crate::alert::{
    alert_payload, alert_view, digest_payload, digest_view, matrix_html, next_digest_at, AlertView,
    ChannelError, DigestView, Rendered, TemplateError, TransportError,
};
use crate::alert::{Channels, Transport};
use crate::config::{Channel, Config};
use crate::store::{AlertRow, DigestRow, Queue};
use crate::time::now;

/// The longest one message may take to hand over.
const SEND_DEADLINE: Duration = Duration::from_secs(120);
/// The most alerts one digest email carries; more make several digests.
const MAX_DIGEST_ALERTS: usize = 100;

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Alerts delivered (on their own or in a digest) and notices delivered.
    pub sent: usize,
    /// Failed attempts.
    pub failed: usize,
    /// Alerts moved into a digest because their recipient reached the hourly cap.
    pub deferred: usize,
    /// Digest emails delivered.
    pub digests: usize,
}

/// Why a message could not be handed over.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Render(#[from] TemplateError),
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Channel(#[from] ChannelError),
    /// A row queued for a webhook or Matrix recipient that the configuration no longer has:
    /// there is nowhere to send it until it is configured again (then `alerts retry`).
    #[error("recipient {0} is no longer configured")]
    Unconfigured(String),
}

impl SendError {
    fn permanent(&self) -> bool {
        match self {
            SendError::Channel(e) => e.permanent(),
            SendError::Unconfigured(_) => true,
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            SendError::Channel(e) => e.retry_after(),
            _ => None,
        }
    }
}

/// What goes out: an alert or a digest, with its view.
enum Outgoing<'a> {
    Alert(&'a AlertRow, &'a AlertView),
    Digest(&'a DigestRow, &'a DigestView),
}

impl Outgoing<'_> {
    fn message_id(&self) -> &str {
        match self {
            Outgoing::Alert(row, _) => &row.message_id,
            Outgoing::Digest(d, _) => &d.message_id,
        }
    }

    fn rendered(&self, config: &Config) -> Result<Rendered, TemplateError> {
        match self {
            Outgoing::Alert(_, v) => config.templates.alert(v),
            Outgoing::Digest(_, v) => config.templates.digest(v),
        }
    }
}

/// What hands messages over: the recipients of the configuration and the transports. It needs
/// no store, so `send-test-alert` uses it without opening the database.
struct Senders<'a> {
    config: &'a Config,
    transport: &'a Transport,
    channels: &'a Channels,
}

impl Context {
    fn senders(&self) -> Senders<'_> {
        Senders {
            config: &self.config,
            transport: &self.transport,
            channels: &self.channels,
        }
    }
}

/// `send` within [`SEND_DEADLINE`], so that a stuck server cannot hold the mailer.
async fn within_deadline<T>(
    send: impl std::future::Future<Output = Result<T, SendError>>,
) -> Result<T, SendError> {
    tokio::time::timeout(SEND_DEADLINE, send)
        .await
        .unwrap_or(Err(TransportError::TimedOut(SEND_DEADLINE).into()))
}

/// Hands one alert or digest to its recipient's channel; Ok with what the channel called it
/// (a Matrix event id) once it was accepted. `to` is the outbox's recipient key; `key` names
/// the maildir file.
async fn hand_over(
    s: &Senders<'_>,
    to: &str,
    out: &Outgoing<'_>,
    key: &str,
) -> Result<Option<String>, SendError> {
    let rules = &s.config.rules;
    match s.config.recipient(to).map(|r| &r.channel) {
        Some(Channel::Webhook(w)) => {
            let (event, body) = match out {
                Outgoing::Alert(row, v) => ("alert", alert_payload(rules, row, v)),
                Outgoing::Digest(d, v) => ("digest", digest_payload(rules, d, v)),
            };
            s.channels
                .post_webhook(w, event, out.message_id(), body, now())
                .await?;
            Ok(None)
        }
        Some(Channel::Matrix(m)) => {
            let rendered = out.rendered(s.config)?;
            let (html, root) = match out {
                Outgoing::Alert(row, v) => (matrix_html(&[v]), row.thread_root.as_deref()),
                Outgoing::Digest(_, v) => (matrix_html(&v.alerts.iter().collect::<Vec<_>>()), None),
            };
            let text = format!("{}\n\n{}", rendered.subject, rendered.text);
            let event = s
                .channels
                .send_matrix(m, out.message_id(), &text, &html, root)
                .await?;
            Ok(Some(event))
        }
        // An email recipient, or an address no longer configured: it still gets what was
        // decided for it.
        Some(Channel::Email(_)) | None if !is_channel_key(to) => {
            let in_reply_to = match out {
                Outgoing::Alert(row, _) => row.in_reply_to.as_deref(),
                Outgoing::Digest(..) => None,
            };
            let rendered = out.rendered(s.config)?;
            let message = s
                .transport
                .message(to, out.message_id(), in_reply_to, &rendered)?;
            s.transport.send(&message, key).await?;
            Ok(None)
        }
        _ => Err(SendError::Unconfigured(to.to_owned())),
    }
}

/// Whether an outbox recipient key names a webhook or Matrix recipient («webhook:NAME»).
fn is_channel_key(to: &str) -> bool {
    to.starts_with("webhook:") || to.starts_with("matrix:")
}

/// Delay before the next attempt after `attempts` failures: `min` doubling up to `max`, plus
/// up to a fifth more at random so that many failed rows do not retry in lockstep.
fn retry_delay(attempts: u32, min: Duration, max: Duration) -> i64 {
    let base = min
        .as_secs()
        .max(1)
        .saturating_mul(1 << attempts.saturating_sub(1).min(20))
        .min(max.as_secs().max(1));
    let jitter = fastrand::u64(0..=base / 5);
    (base + jitter) as i64
}

/// Sends everything that is due now and records each outcome.
pub async fn deliver_due(ctx: &Context) -> Result<DeliveryReport, DaemonError> {
    let mut report = DeliveryReport::default();
    deliver_notices(ctx, &mut report).await?;
    deliver_alerts(ctx, &mut report).await?;
    ctx.with_store(|s| s.compose_digests(now(), MAX_DIGEST_ALERTS))
        .await?;
    deliver_digests(ctx, &mut report).await?;
    Ok(report)
}

/// Hands one message over (within the deadline) and records the outcome on its queue row. Returns whether it was accepted.
async fn attempt(
    ctx: &Context,
    queue: Queue,
    id: i64,
    attempts: u32,
    send: impl std::future::Future<Output = Result<Option<String>, SendError>>,
) -> Result<bool, DaemonError> {
    match within_deadline(send).await {
        Ok(remote) => {
            ctx.with_store(move |s| s.mark_sent_as(queue, id, now(), remote.as_deref()))
                .await?;
            Ok(true)
        }
        Err(e) => {
            let attempts = attempts + 1;
            let give_up = e.permanent() || attempts >= ctx.config.limits.alert_max_attempts.max(1);
            let error = e.to_string();
            warn!(?queue, id, attempts, give_up, error = %error, "delivery failed");
            let limits = &ctx.config.limits;
            let backoff = retry_delay(attempts, limits.alert_retry_min, limits.alert_retry_max);
            let asked = e.retry_after().map_or(0, |d| d.as_secs() as i64);
            let retry_at = now() + backoff.max(asked);
            ctx.with_store(move |s| s.mark_attempt_failed(queue, id, &error, retry_at, give_up))
                .await?;
            ctx.metrics.alerts_failed.inc();
            Ok(false)
        }
    }
}

fn tally(ctx: &Context, report: &mut DeliveryReport, accepted: bool, alerts: usize) {
    if accepted {
        report.sent += alerts;
        ctx.metrics.alerts_sent.inc_by(alerts as u64);
    } else {
        report.failed += 1;
    }
}

async fn deliver_notices(ctx: &Context, report: &mut DeliveryReport) -> Result<(), DaemonError> {
    let rows = ctx.with_store(|s| s.due_notices(now(), 100)).await?;
    for n in rows {
        let key = format!("sw-notice-{:08}", n.id);
        let send = async {
            let message =
                ctx.transport
                    .plain_message(&n.recipient, &n.message_id, &n.subject, &n.body)?;
            ctx.transport.send(&message, &key).await?;
            Ok(None)
        };
        let ok = attempt(ctx, Queue::Notices, n.id, n.attempts, send).await?;
        tally(ctx, report, ok, 1);
    }
    Ok(())
}

/// Immediate alerts, in batches. A recipient who has had `max_per_hour` emails in the last
/// hour gets the rest in the next digest instead.
async fn deliver_alerts(ctx: &Context, report: &mut DeliveryReport) -> Result<(), DaemonError> {
    let senders = ctx.senders();
    let batch = ctx.config.limits.outbox_batch.max(1);
    let mut sent_last_hour: HashMap<String, u32> = HashMap::new();
    // When each story's first alert left in this pass: an update read in the same batch as
    // its first alert says when that one left.
    let mut first_sent: HashMap<i64, i64> = HashMap::new();
    loop {
        let rows = ctx.with_store(move |s| s.due_alerts(now(), batch)).await?;
        if rows.is_empty() {
            return Ok(());
        }
        for mut row in rows {
            if let Some(story) = row.story_id.filter(|_| row.story_first_alerted.is_none()) {
                row.story_first_alerted = first_sent.get(&story).copied();
            }
            // A recipient no longer in the configuration still gets what was decided for it,
            // without a cap.
            if let Some(r) = ctx.config.recipient(&row.recipient) {
                let count = match sent_last_hour.get(&row.recipient) {
                    Some(n) => *n,
                    None => {
                        let to = row.recipient.clone();
                        let n = ctx
                            .with_store(move |s| s.sent_in_last_hour(&to, now()))
                            .await?;
                        sent_last_hour.insert(row.recipient.clone(), n);
                        n
                    }
                };
                if count >= r.max_per_hour {
                    let due = next_digest_at(now(), r.digest_every);
                    let id = row.id;
                    ctx.with_store(move |s| s.defer_to_digest(id, due)).await?;
                    info!(alert_id = id, recipient = %row.recipient, cap = r.max_per_hour, "hourly cap reached; alert moved into the next digest");
                    report.deferred += 1;
                    ctx.metrics.alerts_deferred.inc();
                    continue;
                }
            }
            let view = alert_view(&ctx.config.rules, &row);
            let key = format!("sw-{:08}", row.id);
            let out = Outgoing::Alert(&row, &view);
            let send = hand_over(&senders, &row.recipient, &out, &key);
            let ok = attempt(ctx, Queue::Alerts, row.id, row.attempts, send).await?;
            if ok {
                *sent_last_hour.entry(row.recipient.clone()).or_default() += 1;
                if row.kind == "new" {
                    let t = now();
                    if let Some(story) = row.story_id {
                        first_sent.entry(story).or_insert(t);
                    }
                    let m = &ctx.metrics;
                    if let Some(p) = row.published_at.filter(|&p| p <= t) {
                        m.alert_latency_published.observe((t - p) as f64);
                    }
                    m.alert_latency_seen
                        .observe((t - row.fetched_at).max(0) as f64);
                }
                info!(alert_id = row.id, item_id = row.item_id, recipient = %row.recipient, subject = %view.subject, "alert sent via {}", channel_name(&senders, &row.recipient));
            }
            tally(ctx, report, ok, 1);
        }
    }
}

async fn deliver_digests(ctx: &Context, report: &mut DeliveryReport) -> Result<(), DaemonError> {
    let senders = ctx.senders();
    let digests = ctx.with_store(|s| s.due_digests(now(), 100)).await?;
    for d in digests {
        let view = digest_view(&ctx.config.rules, &d);
        let key = format!("sw-digest-{:08}", d.id);
        let out = Outgoing::Digest(&d, &view);
        let send = hand_over(&senders, &d.recipient, &out, &key);
        let ok = attempt(ctx, Queue::Digests, d.id, d.attempts, send).await?;
        if ok {
            report.digests += 1;
            info!(digest_id = d.id, recipient = %d.recipient, alerts = d.alerts.len(), "digest sent via {}", channel_name(&senders, &d.recipient));
        }
        tally(ctx, report, ok, d.alerts.len());
    }
    Ok(())
}

/// Sends the sample alert (`send-test-alert`) to `to` (a configured recipient's outbox key, or
/// any email address) as an alert would go, without the store; returns what left and how.
pub async fn send_sample(config: &Config, to: &str) -> Result<String, SendError> {
    let transport = Transport::new(config.smtp.as_ref(), config.maildir_path())?;
    let channels = Channels::new(&config.user_agent)?;
    let s = Senders {
        config,
        transport: &transport,
        channels: &channels,
    };
    let row = crate::alert::test_row(&config.rules, to);
    let view = alert_view(&config.rules, &row);
    let key = format!("sw-test-{}", now());
    within_deadline(hand_over(&s, to, &Outgoing::Alert(&row, &view), &key)).await?;
    Ok(format!(
        "«{}» through {}",
        view.subject,
        channel_name(&s, to)
    ))
}

/// How a recipient's messages leave, for the log.
fn channel_name(s: &Senders<'_>, to: &str) -> String {
    match s.config.recipient(to).map(|r| &r.channel) {
        Some(Channel::Webhook(w)) => format!("webhook {}", w.url),
        Some(Channel::Matrix(m)) => format!("matrix room {}", m.room),
        _ => s.transport.describe(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_up_to_the_maximum_with_jitter() {
        let (min, max) = (Duration::from_secs(30), Duration::from_secs(3600));
        for (attempts, base) in [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (50, 3600)] {
            let d = retry_delay(attempts, min, max);
            assert!((base..=base + base / 5).contains(&d), "{attempts}: {d}");
        }
    }
}
