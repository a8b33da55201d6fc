//! WebSub in the daemon (`[websub]`): the subscriber asks each advertised hub for pushes,
//! renews leases and leaves hubs a feed no longer names (`fetch::websub::plan`); the callback
//! answers the hubs' verifications (`fetch::websub::verify`) and takes signed pushes into the
//! pipeline, one at a time, as a fetch of the feed would be taken. Polling goes on beside it:
//! a hub that stops pushing costs latency, never an item.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::{mpsc, watch, Semaphore};
use tracing::{info, warn};

use super::listener::text;
use super::{Context, DaemonError, FetchSlot};
use crate::config::WebSubConfig;
use crate::fetch::websub::{
    plan, signed, verify, Action, SubPolicy, SubState, Subscription, Verdict, Verification,
};
use crate::time::now;

/// Pushes waiting to be taken; a hub that finds the queue full is told to come back (503).
const PUSH_QUEUE: usize = 32;
/// The longest the subscriber sleeps between looks at what is due.
const SUBSCRIBER_TICK: Duration = Duration::from_secs(60);

/// A pushed document waiting for the pipeline.
pub struct Push {
    feed_id: i64,
    body: Vec<u8>,
    content_type: Option<String>,
}

/// Starts the callback server, the push taker and the subscriber; they end with the
/// process, or when `current` says stop.
pub fn start(
    config: &WebSubConfig,
    shared: Arc<tokio::sync::RwLock<Arc<Context>>>,
    current: watch::Receiver<Option<Arc<Context>>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let (tx, rx) = mpsc::channel(PUSH_QUEUE);
    let server =
        super::listener::serve(config.listen, "WebSub callback", shared, move |req, ctx| {
            let tx = tx.clone();
            async move { answer(req, &ctx, &tx).await }
        });
    vec![
        tokio::spawn(server),
        tokio::spawn(take_pushes(rx, current.clone())),
        tokio::spawn(subscriber(current)),
    ]
}

/// The callback: GET is a hub's verification, POST a push; the path's last segment is the
/// subscription's token.
async fn answer(
    req: Request<Incoming>,
    ctx: &Context,
    pushes: &mpsc::Sender<Push>,
) -> Response<Full<Bytes>> {
    let token = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let sub = if token.is_empty() {
        Ok(None)
    } else {
        let t = token.clone();
        ctx.with_reader(move |s| s.websub_by_token(&t)).await
    };
    let sub = match sub {
        Ok(s) => s,
        Err(e) => return text(StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")),
    };
    match *req.method() {
        Method::GET => verification(ctx, sub, req.uri().query().unwrap_or_default()).await,
        Method::POST => match sub {
            Some(sub) => push(ctx, sub, req, pushes).await,
            None => text(StatusCode::NOT_FOUND, "no such subscription\n".into()),
        },
        _ => {
            let mut r = text(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed\n".into(),
            );
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, POST"));
            r
        }
    }
}

/// Answers a hub's verification request and records what it changes.
async fn verification(
    ctx: &Context,
    sub: Option<Subscription>,
    query: &str,
) -> Response<Full<Bytes>> {
    let v = Verification::from_query(query);
    let t = now();
    let verdict = verify(sub.as_ref(), &v, t);
    let feed_id = sub.as_ref().map_or(0, |s| s.feed_id);
    let (recorded, answer) = match verdict {
        Verdict::Subscribed {
            challenge,
            lease_until,
        } => {
            info!(feed_id, topic = %v.topic, ?lease_until, "WebSub subscription verified");
            let done = ctx
                .with_store(move |s| s.websub_verified(feed_id, lease_until, t))
                .await;
            (done, text(StatusCode::OK, challenge))
        }
        Verdict::Unsubscribed { challenge } => {
            info!(feed_id, topic = %v.topic, "WebSub subscription left");
            let done = ctx.with_store(move |s| s.websub_forget(feed_id)).await;
            (done, text(StatusCode::OK, challenge))
        }
        Verdict::Denied { reason } => {
            warn!(feed_id, topic = %v.topic, %reason, "the hub denied the WebSub subscription");
            let why = format!("denied by the hub: {reason}");
            let done = ctx
                .with_store(move |s| s.websub_failed(feed_id, &why, t))
                .await;
            (done, text(StatusCode::OK, "noted\n".into()))
        }
        Verdict::Refused(why) => {
            info!(topic = %v.topic, mode = %v.mode, why, "WebSub verification refused");
            return text(StatusCode::NOT_FOUND, format!("{why}\n"));
        }
    };
    match recorded {
        Ok(()) => {
            // The subscriber plans the renewal (or the retry) from the new state.
            ctx.websub_wake.notify_one();
            answer
        }
        // Not confirmed unless recorded: the hub asks again.
        Err(e) => text(StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")),
    }
}

/// Takes a push: its body (bounded like a fetched feed's), checked against the
/// subscription's secret, then queued for the pipeline. A push without a valid signature is
/// acknowledged and ignored, as the Recommendation asks: only the hub knows the secret.
async fn push(
    ctx: &Context,
    sub: Subscription,
    req: Request<Incoming>,
    pushes: &mpsc::Sender<Push>,
) -> Response<Full<Bytes>> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let signature = header("x-hub-signature");
    let content_type = header("content-type");
    let cap = ctx.config.limits.max_body_bytes;
    let limit = usize::try_from(cap).unwrap_or(usize::MAX);
    let body = match Limited::new(req.into_body(), limit).collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(e) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("not taken: {e} (limits.max_body_bytes is {cap})\n"),
            )
        }
    };
    let feed_id = sub.feed_id;
    let taken = signed(sub.secret.as_bytes(), signature.as_deref(), &body);
    if !taken {
        warn!(
            feed_id,
            "a WebSub push without a valid signature was ignored"
        );
    }
    if let Err(e) = ctx
        .with_store(move |s| s.websub_pushed(feed_id, taken, now()))
        .await
    {
        return text(StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n"));
    }
    if !taken {
        return text(StatusCode::ACCEPTED, "ignored\n".into());
    }
    let queued = pushes.try_send(Push {
        feed_id,
        body,
        content_type,
    });
    match queued {
        Ok(()) => text(StatusCode::ACCEPTED, "taken\n".into()),
        Err(_) => {
            let mut r = text(StatusCode::SERVICE_UNAVAILABLE, "busy\n".into());
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("60"));
            r
        }
    }
}

/// Takes the queued pushes one after another, each under its feed's host slot, with the
/// context of the moment (reloads included).
async fn take_pushes(
    mut queue: mpsc::Receiver<Push>,
    mut current: watch::Receiver<Option<Arc<Context>>>,
) {
    let own = Arc::new(Semaphore::new(1));
    while let Some(p) = queue.recv().await {
        let Some(ctx) = current.borrow_and_update().clone() else {
            return;
        };
        if let Err(e) = take_one(&ctx, &own, p).await {
            warn!(error = %e, "a WebSub push could not be taken");
        }
    }
}

async fn take_one(ctx: &Context, own: &Arc<Semaphore>, p: Push) -> Result<(), DaemonError> {
    let id = p.feed_id;
    let Some(feed) = ctx.with_reader(move |s| s.feed(id)).await? else {
        return Ok(());
    };
    // Only a feed still watched (configured, not gone) takes its hub's pushes.
    if feed.status == "gone" || ctx.config.feed(&feed.configured_url).is_none() {
        return Ok(());
    }
    let slot = FetchSlot::take(ctx, &feed.url, own).await;
    super::refresh::take_push(ctx, &feed, p.body, p.content_type, slot).await?;
    Ok(())
}

/// Subscribes, renews and leaves as `fetch::websub::plan` says, waking when the next action
/// is due, when a fetch read a hub, and at least once a minute.
async fn subscriber(mut current: watch::Receiver<Option<Arc<Context>>>) {
    loop {
        let Some(ctx) = current.borrow_and_update().clone() else {
            return;
        };
        let next = match subscribe_due(&ctx).await {
            Ok(next) => next,
            Err(e) => {
                warn!(error = %e, "WebSub subscriptions could not be planned");
                None
            }
        };
        let wait = next.map_or(SUBSCRIBER_TICK, |at| {
            Duration::from_secs(at.saturating_sub(now()).clamp(1, 60) as u64)
        });
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = ctx.websub_wake.notified() => {}
            changed = current.changed() => if changed.is_err() { return },
        }
    }
}

/// Carries out the actions due now; returns when the next one is.
async fn subscribe_due(ctx: &Context) -> Result<Option<i64>, DaemonError> {
    let Some(config) = ctx.config.websub.clone() else {
        return Ok(None);
    };
    let (advertised, subs) = ctx
        .with_reader(|s| Ok((s.websub_advertised()?, s.websub_subscriptions()?)))
        .await?;
    let (actions, next) = plan(&advertised, &subs, now(), SubPolicy::default());
    for action in actions {
        let t = now();
        match action {
            Action::Subscribe {
                feed_id,
                hub,
                topic,
                fresh,
            } => {
                let held = subs.iter().find(|s| s.feed_id == feed_id && !fresh);
                let (token, secret) = match held {
                    Some(s) => (s.token.clone(), s.secret.clone()),
                    None => (random_hex()?, random_hex()?),
                };
                let sub = Subscription {
                    feed_id,
                    hub,
                    topic,
                    token,
                    secret,
                    state: SubState::Requested,
                    requested_at: t,
                    verified_at: None,
                    lease_until: None,
                };
                // Recorded first: a hub may verify before it answers the request.
                let recorded = sub.clone();
                ctx.with_store(move |s| s.websub_requested(&recorded))
                    .await?;
                let lease = config.lease.as_secs().to_string();
                let callback = config.callback_for(&sub.token);
                let form = [
                    ("hub.mode", "subscribe"),
                    ("hub.topic", sub.topic.as_str()),
                    ("hub.callback", callback.as_str()),
                    ("hub.lease_seconds", lease.as_str()),
                    ("hub.secret", sub.secret.as_str()),
                ];
                if let Err(why) = ask_hub(ctx, &sub, &form).await {
                    warn!(feed_id, hub = %sub.hub, error = %why, "WebSub subscription request failed");
                    ctx.with_store(move |s| s.websub_failed(feed_id, &why, t))
                        .await?;
                } else {
                    info!(feed_id, hub = %sub.hub, topic = %sub.topic, "WebSub subscription requested");
                }
            }
            Action::Unsubscribe { feed_id } => {
                let Some(sub) = subs.iter().find(|s| s.feed_id == feed_id) else {
                    continue;
                };
                ctx.with_store(move |s| s.websub_unsubscribing(feed_id, t))
                    .await?;
                let callback = config.callback_for(&sub.token);
                let form = [
                    ("hub.mode", "unsubscribe"),
                    ("hub.topic", sub.topic.as_str()),
                    ("hub.callback", callback.as_str()),
                ];
                if let Err(why) = ask_hub(ctx, sub, &form).await {
                    info!(feed_id, hub = %sub.hub, error = %why, "WebSub unsubscription failed; forgotten");
                    ctx.with_store(move |s| s.websub_forget(feed_id)).await?;
                }
            }
            Action::Forget { feed_id } => {
                ctx.with_store(move |s| s.websub_forget(feed_id)).await?;
            }
        }
    }
    Ok(next)
}

/// Posts a subscription form to the subscription's hub; the hub may be on a private address
/// only when the feed is.
async fn ask_hub(ctx: &Context, sub: &Subscription, form: &[(&str, &str)]) -> Result<(), String> {
    let hub = url::Url::parse(&sub.hub).map_err(|e| format!("hub {}: {e}", sub.hub))?;
    let private = match url::Url::parse(&sub.topic) {
        Ok(topic) => super::texts::served_privately(&topic).await,
        Err(_) => false,
    };
    ctx.fetcher
        .post_form(&hub, form, private)
        .await
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", sub.hub))
}

/// 32 random bytes from the operating system, in hex: a callback token or a hub secret.
fn random_hex() -> Result<String, DaemonError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| DaemonError::Push(format!("no randomness for a WebSub secret: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_random_and_distinct() {
        let a = super::random_hex().unwrap();
        let b = super::random_hex().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
