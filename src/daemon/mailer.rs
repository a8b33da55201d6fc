use std::time::Duration;

use tracing::{info, warn};

use super::{Context, DaemonError};
use crate::alert::{render, TransportError};
use crate::store::{now, Queue};

/// The longest one message may take to hand over.
const SEND_DEADLINE: Duration = Duration::from_secs(120);

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
}

/// Delay before the next attempt after `attempts` failures: 30 s doubling to an hour, jittered.
fn retry_delay(attempts: u32) -> i64 {
    let base = 30u64.saturating_mul(1 << attempts.min(7)).min(3600);
    let jitter = fastrand::u64(0..=base / 5);
    (base + jitter) as i64
}

/// Sends every alert that is due now, in batches, and records each outcome. A row is marked
/// sent only after the transport accepted it; a failure is rescheduled with backoff, and after
/// `limits.alert_max_attempts` marked failed (still listed by `alerts`, retried by hand).
pub async fn deliver_due(ctx: &Context) -> Result<DeliveryReport, DaemonError> {
    let mut report = deliver_notices(ctx).await?;
    let batch = ctx.config.limits.outbox_batch.max(1);
    let max_attempts = ctx.config.limits.alert_max_attempts.max(1);
    loop {
        let rows = ctx.with_store(move |s| s.due_alerts(now(), batch)).await?;
        if rows.is_empty() {
            return Ok(report);
        }
        for row in rows {
            let rendered = render(&ctx.config.rules, &row);
            let key = format!("sw-{:08}", row.id);
            let sent = match ctx
                .transport
                .message(&row.recipient, &row.message_id, &rendered)
            {
                Ok(m) => {
                    tokio::time::timeout(Duration::from_secs(120), ctx.transport.send(&m, &key))
                        .await
                        .unwrap_or_else(|_| {
                            Err(crate::alert::TransportError::Maildir {
                                path: Default::default(),
                                source: std::io::Error::new(
                                    std::io::ErrorKind::TimedOut,
                                    "delivery timed out",
                                ),
                            })
                        })
                }
                Err(e) => Err(e),
            };
            let id = row.id;
            match sent {
                Ok(()) => {
                    ctx.with_store(move |s| s.mark_sent(Queue::Alerts, id, now()))
                        .await?;
                    info!(alert_id = id, item_id = row.item_id, recipient = %row.recipient, subject = %rendered.subject, "alert sent via {}", ctx.transport.describe());
                    report.sent += 1;
                    ctx.metrics
                        .alerts_sent
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                Err(e) => {
                    let attempts = row.attempts + 1;
                    let give_up = attempts >= max_attempts;
                    let error = e.to_string();
                    warn!(alert_id = id, item_id = row.item_id, attempts, give_up, error = %error, "alert delivery failed");
                    let retry_at = now() + retry_delay(attempts);
                    ctx.with_store(move |s| {
                        s.mark_attempt_failed(Queue::Alerts, id, &error, retry_at, give_up)
                    })
                    .await?;
                    report.failed += 1;
                    ctx.metrics
                        .alerts_failed
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }
    }
}

/// Sends with an overall deadline, so a stuck server cannot hold the mailer.
async fn send(ctx: &Context, m: &lettre::Message, key: &str) -> Result<(), TransportError> {
    tokio::time::timeout(SEND_DEADLINE, ctx.transport.send(m, key))
        .await
        .unwrap_or(Err(TransportError::TimedOut(SEND_DEADLINE)))
}

/// Sends the due operator notices.
async fn deliver_notices(ctx: &Context) -> Result<DeliveryReport, DaemonError> {
    let mut report = DeliveryReport::default();
    let max_attempts = ctx.config.limits.alert_max_attempts.max(1);
    let rows = ctx.with_store(|s| s.due_notices(now(), 100)).await?;
    for n in rows {
        let key = format!("sw-notice-{:08}", n.id);
        let sent =
            match ctx
                .transport
                .plain_message(&n.recipient, &n.message_id, &n.subject, &n.body)
            {
                Ok(m) => send(ctx, &m, &key).await,
                Err(e) => Err(e),
            };
        let id = n.id;
        match sent {
            Ok(()) => {
                ctx.with_store(move |s| s.mark_sent(Queue::Notices, id, now()))
                    .await?;
                report.sent += 1;
            }
            Err(e) => {
                let attempts = n.attempts + 1;
                let error = e.to_string();
                warn!(notice_id = id, error = %error, "operator notice delivery failed");
                let retry_at = now() + retry_delay(attempts);
                ctx.with_store(move |s| {
                    s.mark_attempt_failed(
                        Queue::Notices,
                        id,
                        &error,
                        retry_at,
                        attempts >= max_attempts,
                    )
                })
                .await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}
