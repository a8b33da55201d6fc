//! The outbox drain (DESIGN.md contract 3): operator notices, then immediate alerts within each
//! recipient's hourly cap (the overflow moves into the next digest), then digests. A row is
//! marked sent only after the transport accepted it; a failure is rescheduled with backoff and,
//! after `limits.alert_max_attempts`, marked failed (listed by `alerts`, retried by hand).

use std::collections::HashMap;
use std::time::Duration;

use lettre::Message;
use tracing::{info, warn};

use super::{Context, DaemonError};
use crate::alert::{
    alert_view, digest_view, next_digest_at, Rendered, TemplateError, TransportError,
};
use crate::store::{now, Queue};

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
enum SendError {
    #[error(transparent)]
    Render(#[from] TemplateError),
    #[error(transparent)]
    Transport(#[from] TransportError),
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

/// Hands one message over (with a deadline, so a stuck server cannot hold the mailer) and
/// records the outcome on its queue row. Returns whether it was accepted.
async fn attempt(
    ctx: &Context,
    queue: Queue,
    id: i64,
    attempts: u32,
    message: Result<Message, SendError>,
    key: &str,
) -> Result<bool, DaemonError> {
    let sent = match message {
        Ok(m) => tokio::time::timeout(SEND_DEADLINE, ctx.transport.send(&m, key))
            .await
            .unwrap_or(Err(TransportError::TimedOut(SEND_DEADLINE)))
            .map_err(SendError::from),
        Err(e) => Err(e),
    };
    match sent {
        Ok(()) => {
            ctx.with_store(move |s| s.mark_sent(queue, id, now()))
                .await?;
            Ok(true)
        }
        Err(e) => {
            let attempts = attempts + 1;
            let give_up = attempts >= ctx.config.limits.alert_max_attempts.max(1);
            let error = e.to_string();
            warn!(?queue, id, attempts, give_up, error = %error, "delivery failed");
            let limits = &ctx.config.limits;
            let retry_at =
                now() + retry_delay(attempts, limits.alert_retry_min, limits.alert_retry_max);
            ctx.with_store(move |s| s.mark_attempt_failed(queue, id, &error, retry_at, give_up))
                .await?;
            ctx.metrics.alerts_failed.inc();
            Ok(false)
        }
    }
}

/// The email of a rendered alert or digest.
fn compose(
    ctx: &Context,
    rendered: Result<Rendered, TemplateError>,
    to: &str,
    message_id: &str,
    in_reply_to: Option<&str>,
) -> Result<Message, SendError> {
    Ok(ctx
        .transport
        .message(to, message_id, in_reply_to, &rendered?)?)
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
        let message = ctx
            .transport
            .plain_message(&n.recipient, &n.message_id, &n.subject, &n.body)
            .map_err(SendError::from);
        let key = format!("sw-notice-{:08}", n.id);
        let ok = attempt(ctx, Queue::Notices, n.id, n.attempts, message, &key).await?;
        tally(ctx, report, ok, 1);
    }
    Ok(())
}

/// Immediate alerts, in batches. A recipient who has had `max_per_hour` emails in the last
/// hour gets the rest in the next digest instead.
async fn deliver_alerts(ctx: &Context, report: &mut DeliveryReport) -> Result<(), DaemonError> {
    let batch = ctx.config.limits.outbox_batch.max(1);
    let mut sent_last_hour: HashMap<String, u32> = HashMap::new();
    loop {
        let rows = ctx.with_store(move |s| s.due_alerts(now(), batch)).await?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in rows {
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
            let message = compose(
                ctx,
                ctx.config.templates.alert(&view),
                &row.recipient,
                &row.message_id,
                row.in_reply_to.as_deref(),
            );
            let key = format!("sw-{:08}", row.id);
            let ok = attempt(ctx, Queue::Alerts, row.id, row.attempts, message, &key).await?;
            if ok {
                *sent_last_hour.entry(row.recipient.clone()).or_default() += 1;
                info!(alert_id = row.id, item_id = row.item_id, recipient = %row.recipient, subject = %view.subject, "alert sent via {}", ctx.transport.describe());
            }
            tally(ctx, report, ok, 1);
        }
    }
}

async fn deliver_digests(ctx: &Context, report: &mut DeliveryReport) -> Result<(), DaemonError> {
    let digests = ctx.with_store(|s| s.due_digests(now(), 100)).await?;
    for d in digests {
        let view = digest_view(&ctx.config.rules, &d);
        let message = compose(
            ctx,
            ctx.config.templates.digest(&view),
            &d.recipient,
            &d.message_id,
            None,
        );
        let key = format!("sw-digest-{:08}", d.id);
        let ok = attempt(ctx, Queue::Digests, d.id, d.attempts, message, &key).await?;
        if ok {
            report.digests += 1;
            info!(digest_id = d.id, recipient = %d.recipient, alerts = d.alerts.len(), "digest sent via {}", ctx.transport.describe());
        }
        tally(ctx, report, ok, d.alerts.len());
    }
    Ok(())
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
