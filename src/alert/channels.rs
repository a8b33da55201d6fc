//! Alerts to the places field teams read them besides email: a signed webhook POST and a Matrix
//! room. Each call hands one outbox message over and says whether it was accepted, refused for
//! good (the outbox marks it failed) or refused for now (retried with backoff, after the
//! server's `Retry-After` when it gives one). The outbox keeps the delivery promise; these only
//! make each attempt safe to repeat: the webhook carries the Message-ID as its idempotency key,
//! and Matrix gets a transaction id derived from it, so a retry never posts twice.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{MatrixConfig, WebhookConfig};
use crate::dedup::hex;

/// The most of an error answer kept for `alerts list`.
const MAX_ERROR_BODY: usize = 300;
/// The longest `Retry-After` honoured: beyond it the outbox's own backoff decides.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

/// Headers of a webhook request (documented in docs/webhook.md).
const SIGNATURE_HEADER: &str = "X-Sahel-Watch-Signature";
const TIMESTAMP_HEADER: &str = "X-Sahel-Watch-Timestamp";
const EVENT_HEADER: &str = "X-Sahel-Watch-Event";
const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// The server refused the message for good (a 4xx other than 408 and 429): sending it
    /// again would be refused again.
    #[error("{channel} refused it: HTTP {status}{}", body_suffix(.body))]
    Refused {
        channel: &'static str,
        status: u16,
        body: String,
    },
    /// The server could not take it now (408, 429, 5xx); `retry_after` when it said when.
    #[error("{channel} answered HTTP {status}{}{}", .retry_after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default(), body_suffix(.body))]
    Unavailable {
        channel: &'static str,
        status: u16,
        retry_after: Option<Duration>,
        body: String,
    },
    /// The request did not get an answer: its cause, as the fetcher says it.
    #[error("{channel}: {}", crate::http::cause_of(.source))]
    Request {
        channel: &'static str,
        #[source]
        source: reqwest::Error,
    },
    /// The answer was a success without what the channel must answer (Matrix's event id).
    #[error("{channel}: unexpected answer: {detail}")]
    Answer {
        channel: &'static str,
        detail: String,
    },
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

fn body_suffix(body: &str) -> String {
    if body.is_empty() {
        String::new()
    } else {
        format!(": {body}")
    }
}

impl ChannelError {
    /// Whether another attempt cannot succeed.
    pub fn permanent(&self) -> bool {
        matches!(self, ChannelError::Refused { .. })
    }

    /// When the server asked to be tried again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ChannelError::Unavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The HTTP client of the channels: no redirects (a signed body or a token goes only where
/// it was configured to), bounded time per request.
#[derive(Clone)]
pub struct Channels {
    client: reqwest::Client,
}

/// The signature of a webhook body: hex HMAC-SHA256 of «timestamp.body» under the secret,
/// prefixed with the scheme version («v1=…»). The timestamp is signed too, so a receiver that
/// refuses old timestamps cannot be replayed an old body.
fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex(&mac.finalize().into_bytes()))
}

/// The Matrix transaction id of a message: the same for every attempt at one Message-ID, so
/// the homeserver answers a retry with the event it already made.
fn matrix_txn_id(message_id: &str) -> String {
    let h = Sha256::digest(message_id.as_bytes());
    format!("sw-{}", hex(&h[..16]))
}

/// What Matrix says when it is asked to slow down: `retry_after_ms` in the body.
fn matrix_retry_after(body: &str) -> Option<Duration> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("retry_after_ms")?.as_u64().map(Duration::from_millis)
}

/// `Retry-After` in seconds (the HTTP-date form is rare for these servers and ignored).
fn retry_after_header(r: &reqwest::Response) -> Option<Duration> {
    r.headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The answer's verdict: Ok with its body for 2xx, the refusal otherwise.
async fn verdict(
    channel: &'static str,
    response: reqwest::Response,
) -> Result<String, ChannelError> {
    let status = response.status().as_u16();
    let header_retry = retry_after_header(&response);
    if (300..400).contains(&status) {
        // Not followed (a signed body or a token goes only where it was configured to), and
        // asking again gets the same answer: the configuration must change.
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(|l| crate::text::sanitize_line(l, MAX_ERROR_BODY))
            .unwrap_or_default();
        return Err(ChannelError::Refused {
            channel,
            status,
            body: format!("redirect to {location:?} not followed: configure the final URL"),
        });
    }
    // Bodies are read only as far as an error message needs (and a Matrix event id).
    let body = read_capped(response, 16 * 1024).await;
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let retry_after = header_retry
        .or_else(|| matrix_retry_after(&body))
        .map(|d| d.min(MAX_RETRY_AFTER));
    let body = crate::text::sanitize_line(&body, MAX_ERROR_BODY);
    if (400..500).contains(&status) && status != 408 && status != 429 {
        Err(ChannelError::Refused {
            channel,
            status,
            body,
        })
    } else {
        Err(ChannelError::Unavailable {
            channel,
            status,
            retry_after,
            body,
        })
    }
}

async fn read_capped(mut response: reqwest::Response, cap: usize) -> String {
    let mut out = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        out.extend_from_slice(&chunk);
        if out.len() >= cap {
            out.truncate(cap);
            break;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Channels {
    pub fn new(user_agent: &str) -> Result<Channels, ChannelError> {
        let client = crate::http::client(crate::http::ClientOptions {
            user_agent,
            connect_timeout: Duration::from_secs(10),
            // Each request has the channel's own timeout.
            timeout: None,
            max_idle_per_host: None,
            resolver: None,
        })
        .map_err(ChannelError::Client)?;
        Ok(Channels { client })
    }

    /// POSTs a JSON body to the webhook, signed, with the Message-ID as idempotency key.
    pub async fn post_webhook(
        &self,
        w: &WebhookConfig,
        event: &str,
        message_id: &str,
        body: Vec<u8>,
        now: i64,
    ) -> Result<(), ChannelError> {
        let response = self
            .client
            .post(w.url.clone())
            .timeout(w.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, now.to_string())
            .header(SIGNATURE_HEADER, webhook_signature(&w.secret, now, &body))
            .header(EVENT_HEADER, event)
            .header(IDEMPOTENCY_HEADER, message_id)
            .body(body)
            .send()
            .await
            .map_err(|source| ChannelError::Request {
                channel: "webhook",
                source,
            })?;
        verdict("webhook", response).await.map(drop)
    }

    /// Sends a message to the room; returns the event id the homeserver made. `thread_root`
    /// puts it in the thread of that event (an update under its story's first alert).
    pub async fn send_matrix(
        &self,
        m: &MatrixConfig,
        message_id: &str,
        text: &str,
        html: &str,
        thread_root: Option<&str>,
    ) -> Result<String, ChannelError> {
        let mut url = m.homeserver.clone();
        url.path_segments_mut()
            .map_err(|()| ChannelError::Answer {
                channel: "matrix",
                detail: "the homeserver URL cannot take a path".into(),
            })?
            .pop_if_empty()
            .extend([
                "_matrix",
                "client",
                "v3",
                "rooms",
                &m.room,
                "send",
                "m.room.message",
                &matrix_txn_id(message_id),
            ]);
        let mut content = serde_json::json!({
            "msgtype": "m.text",
            "body": text,
            "format": "org.matrix.custom.html",
            "formatted_body": html,
        });
        if let Some(root) = thread_root {
            content["m.relates_to"] = serde_json::json!({
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": true,
                "m.in_reply_to": { "event_id": root },
            });
        }
        let response = self
            .client
            .put(url)
            .timeout(m.timeout)
            .bearer_auth(&m.access_token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(content.to_string())
            .send()
            .await
            .map_err(|source| ChannelError::Request {
                channel: "matrix",
                source,
            })?;
        let body = verdict("matrix", response).await?;
        let v: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| ChannelError::Answer {
                channel: "matrix",
                detail: format!("not JSON ({e})"),
            })?;
        v.get("event_id")
            .and_then(|e| e.as_str())
            .map(str::to_owned)
            .ok_or_else(|| ChannelError::Answer {
                channel: "matrix",
                detail: "no event_id".into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231 test case 2 fixes the primitive: HMAC-SHA256("Jefe", "what do ya want for
        // nothing?"); the body is signed behind its timestamp and a dot.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let a = webhook_signature("s3cret", 1_700_000_000, b"{}");
        assert!(a.starts_with("v1=") && a.len() == 3 + 64, "{a}");
        assert_ne!(a, webhook_signature("s3cret", 1_700_000_001, b"{}"));
        assert_ne!(a, webhook_signature("other", 1_700_000_000, b"{}"));
    }

    #[test]
    fn a_message_has_one_transaction_id() {
        let a = matrix_txn_id("<sw.1.new.abcd@sahel-watch>");
        assert_eq!(a, matrix_txn_id("<sw.1.new.abcd@sahel-watch>"));
        assert_ne!(a, matrix_txn_id("<sw.1.update.abcd@sahel-watch>"));
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }

    #[test]
    fn matrix_says_when_to_retry_in_its_body() {
        assert_eq!(
            matrix_retry_after(r#"{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":2500}"#),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(matrix_retry_after("not json"), None);
    }
}
