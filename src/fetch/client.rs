use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::StatusCode;
use tokio::sync::Semaphore;
use url::Url;

use crate::http::{self, cause_of, ClientOptions};

/// Validators from the previous successful fetch.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A fetched body and what the response said about it.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub validators: Validators,
    /// Where the document finally came from.
    pub final_url: Url,
    /// Set when every redirect on the way was permanent (301/308): the feed has moved.
    pub moved_to: Option<Url>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
    /// `Content-Encoding` of `body`, still to be undone (see [`super::decompress`]).
    pub content_encoding: Option<String>,
}

#[derive(Debug, Clone)]
pub enum FetchOutcome {
    Fetched(Box<Fetched>),
    NotModified { moved_to: Option<Url> },
}

/// Why a fetch failed, in words an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("HTTP {status}{}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("body larger than the limit of {limit} bytes (limits.max_body_bytes)")]
    TooLarge { limit: u64 },
    #[error("body expands beyond the limit of {limit} bytes (limits.max_decompressed_bytes)")]
    TooLargeDecompressed { limit: u64 },
    #[error("transfer slower than {rate} bytes/s (limits.min_transfer_rate)")]
    TooSlow { rate: u64 },
    #[error("{0}")]
    Decode(String),
    #[error("304 Not Modified to a request without validators")]
    UnaskedNotModified,
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("redirect to {0}: only http and https are followed")]
    BadRedirect(String),
    #[error("redirect without a usable Location header")]
    BrokenRedirect,
    /// An item's link (or a redirect on the way) leads to a loopback, private or link-local
    /// address, and the feed it came from is not served from one.
    #[error("{0}: a loopback, private or link-local address is not followed for a public feed")]
    PrivateAddress(String),
    /// The request failed below HTTP. Shown by its cause, found under the client's own words:
    /// «dns error: failed to lookup address information», «tcp connect error: Connection
    /// refused», «invalid peer certificate: …».
    #[error("request failed: {}", cause_of(.0))]
    Http(#[source] reqwest::Error),
}

impl FetchError {
    /// The server's Retry-After, for the scheduler.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
    pub fn http_status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            FetchError::UnaskedNotModified => Some(304),
            _ => None,
        }
    }
    /// Short kind for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Timeout(_) => "timeout",
            FetchError::Status { .. } => "http_status",
            FetchError::TooLarge { .. } | FetchError::TooLargeDecompressed { .. } => "too_large",
            FetchError::TooSlow { .. } => "too_slow",
            FetchError::Decode(_) => "decode",
            FetchError::UnaskedNotModified => "http_status",
            FetchError::TooManyRedirects(_)
            | FetchError::BadRedirect(_)
            | FetchError::BrokenRedirect => "redirect",
            FetchError::PrivateAddress(_) => "private_address",
            FetchError::Http(e) if e.is_connect() => {
                let cause = cause_of(e);
                if cause.starts_with("dns error") {
                    "dns"
                } else if cause.contains("certificate")
                    || cause.contains("tls")
                    || cause.contains("TLS")
                {
                    "tls"
                } else {
                    "connect"
                }
            }
            FetchError::Http(_) => "http",
        }
    }
}

/// What the fetcher may read and how long it waits: its share of `[limits]`, which the
/// configuration hands it (`config::Limits::fetch`).
#[derive(Debug, Clone, PartialEq)]
pub struct FetchLimits {
    pub max_body_bytes: u64,
    pub max_decompressed_bytes: u64,
    pub min_transfer_rate: u64,
    pub per_host_concurrency: usize,
    pub fetch_timeout: Duration,
    pub connect_timeout: Duration,
    pub max_redirects: usize,
    pub max_page_bytes: u64,
    pub page_timeout: Duration,
}

/// The HTTP side of polling: one client (connections reused), and a per-host limit that the
/// scheduler takes before a global one, so that one slow host never holds the others' places.
pub struct Fetcher {
    client: reqwest::Client,
    /// For article pages linked from public feeds: resolves names to public addresses only.
    page_client: reqwest::Client,
    limits: FetchLimits,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

const FEED_ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";
const PAGE_ACCEPT: &str = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5";

/// How one fetch is made: which client, what it accepts, how much it reads, how long it waits,
/// and whether private addresses may be reached.
struct Request<'a> {
    client: &'a reqwest::Client,
    accept: &'static str,
    cap: u64,
    timeout: Duration,
    allow_private: bool,
}

/// Whether a request failed because [`super::address::PublicOnly`] refused the name.
fn private_address_refused(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<super::address::PrivateAddress>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Parses `Retry-After`: seconds, or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64;
    Some(Duration::from_secs(secs))
}

fn max_age(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::CACHE_CONTROL)?.to_str().ok()?;
    v.split(',').find_map(|d| {
        let d = d.trim();
        let secs = d.strip_prefix("max-age=")?.trim_matches('"').parse().ok()?;
        Some(Duration::from_secs(secs))
    })
}

fn header_string(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s.len() <= 1024)
}

impl Fetcher {
    pub fn new(limits: &FetchLimits, user_agent: &str) -> Result<Fetcher, FetchError> {
        // Redirects are followed by hand (a permanent one moves a feed; each hop of a page is
        // checked against private addresses).
        let options = |timeout: Duration| ClientOptions {
            user_agent,
            connect_timeout: limits.connect_timeout,
            timeout: Some(timeout),
            max_idle_per_host: Some(limits.per_host_concurrency),
            resolver: None,
        };
        let client = http::client(options(limits.fetch_timeout)).map_err(FetchError::Http)?;
        let page_client = http::client(ClientOptions {
            resolver: Some(Arc::new(super::address::PublicOnly)),
            ..options(limits.page_timeout)
        })
        .map_err(FetchError::Http)?;
        Ok(Fetcher {
            client,
            page_client,
            limits: limits.clone(),
            hosts: Mutex::new(HashMap::new()),
        })
    }

    pub fn limits(&self) -> &FetchLimits {
        &self.limits
    }

    /// The semaphore limiting concurrent fetches to `url`'s host.
    pub fn host_limit(&self, url: &Url) -> Arc<Semaphore> {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(self.limits.per_host_concurrency)))
            .clone()
    }

    /// Fetches `url` with conditional GET, following redirects by hand, within the time limit.
    pub async fn fetch(&self, url: &Url, v: &Validators) -> Result<FetchOutcome, FetchError> {
        let limit = self.limits.fetch_timeout;
        let request = Request {
            client: &self.client,
            accept: FEED_ACCEPT,
            cap: self.limits.max_body_bytes,
            timeout: limit,
            allow_private: true,
        };
        match tokio::time::timeout(limit, self.fetch_inner(&request, url, v)).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout(limit)),
        }
    }

    /// Fetches a page an item links to (an article, or a site's robots.txt): bounded by
    /// `max_page_bytes` and `page_timeout`, redirects followed by hand, and, unless
    /// `allow_private`, never to a loopback, private or link-local address — neither by an
    /// address in the link, nor by a name that resolves to one, nor by a redirect.
    pub async fn fetch_page(&self, url: &Url, allow_private: bool) -> Result<Fetched, FetchError> {
        let limit = self.limits.page_timeout;
        let request = Request {
            client: if allow_private {
                &self.client
            } else {
                &self.page_client
            },
            accept: PAGE_ACCEPT,
            cap: self.limits.max_page_bytes,
            timeout: limit,
            allow_private,
        };
        let none = Validators::default();
        match tokio::time::timeout(limit, self.fetch_inner(&request, url, &none)).await {
            Ok(Ok(FetchOutcome::Fetched(f))) => Ok(*f),
            Ok(Ok(FetchOutcome::NotModified { .. })) => Err(FetchError::UnaskedNotModified),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(FetchError::Timeout(limit)),
        }
    }

    /// Posts a form (a WebSub subscription request to a hub) and returns the status of a 2xx
    /// answer; redirects are not followed (a hub answers in place). Unless `allow_private`,
    /// the hub's address must be public, as for article pages: a feed cannot aim the daemon's
    /// requests at the operator's own network.
    pub async fn post_form(
        &self,
        url: &Url,
        form: &[(&str, &str)],
        allow_private: bool,
    ) -> Result<u16, FetchError> {
        if !allow_private && super::address::literal_is_private(url) {
            return Err(FetchError::PrivateAddress(url.to_string()));
        }
        let client = if allow_private {
            &self.client
        } else {
            &self.page_client
        };
        let limit = self.limits.fetch_timeout;
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let send = client
            .post(url.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send();
        let response = match tokio::time::timeout(limit, send).await {
            Err(_) => return Err(FetchError::Timeout(limit)),
            Ok(Err(e)) if private_address_refused(&e) => {
                return Err(FetchError::PrivateAddress(url.to_string()))
            }
            Ok(Err(e)) => return Err(FetchError::Http(e)),
            Ok(Ok(r)) => r,
        };
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                status: status.as_u16(),
                retry_after: retry_after(response.headers()),
            });
        }
        Ok(status.as_u16())
    }

    async fn fetch_inner(
        &self,
        request: &Request<'_>,
        url: &Url,
        v: &Validators,
    ) -> Result<FetchOutcome, FetchError> {
        let mut current = url.clone();
        let mut all_permanent = true;
        for _ in 0..=self.limits.max_redirects {
            if !request.allow_private && super::address::literal_is_private(&current) {
                return Err(FetchError::PrivateAddress(current.to_string()));
            }
            let mut req = request
                .client
                .get(current.clone())
                .header(header::ACCEPT, request.accept)
                .header(header::ACCEPT_ENCODING, "gzip, deflate, br");
            if let Some(e) = &v.etag {
                if let Ok(h) = HeaderValue::from_str(e) {
                    req = req.header(header::IF_NONE_MATCH, h);
                }
            }
            if let Some(lm) = &v.last_modified {
                if let Ok(h) = HeaderValue::from_str(lm) {
                    req = req.header(header::IF_MODIFIED_SINCE, h);
                }
            }
            let mut resp = req.send().await.map_err(|e| {
                if e.is_timeout() {
                    FetchError::Timeout(request.timeout)
                } else if private_address_refused(&e) {
                    FetchError::PrivateAddress(current.to_string())
                } else {
                    FetchError::Http(e)
                }
            })?;
            let status = resp.status();
            let moved_to = || (all_permanent && current != *url).then(|| current.clone());
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let loc = resp
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| current.join(l).ok())
                    .ok_or(FetchError::BrokenRedirect)?;
                if !matches!(loc.scheme(), "http" | "https") {
                    return Err(FetchError::BadRedirect(loc.to_string()));
                }
                all_permanent &= matches!(
                    status,
                    StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                );
                current = loc;
                continue;
            }
            if status == StatusCode::NOT_MODIFIED {
                if v.etag.is_none() && v.last_modified.is_none() {
                    // Nothing was asked conditionally: a 304 here is a broken server.
                    return Err(FetchError::UnaskedNotModified);
                }
                return Ok(FetchOutcome::NotModified {
                    moved_to: moved_to(),
                });
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    status: status.as_u16(),
                    retry_after: retry_after(resp.headers()),
                });
            }
            let cap = request.cap;
            if resp.content_length().is_some_and(|n| n > cap) {
                return Err(FetchError::TooLarge { limit: cap });
            }
            let headers = resp.headers().clone();
            let body = self.read_body(&mut resp, cap, request.timeout).await?;
            return Ok(FetchOutcome::Fetched(Box::new(Fetched {
                status: status.as_u16(),
                body,
                content_type: header_string(&headers, header::CONTENT_TYPE),
                validators: Validators {
                    etag: header_string(&headers, header::ETAG),
                    last_modified: header_string(&headers, header::LAST_MODIFIED),
                },
                moved_to: moved_to(),
                final_url: current,
                max_age: max_age(&headers),
                content_encoding: header_string(&headers, header::CONTENT_ENCODING),
            })));
        }
        Err(FetchError::TooManyRedirects(self.limits.max_redirects))
    }

    /// Reads the (still encoded) body, at most `max_body_bytes`, refusing a transfer that stays
    /// slower than `min_transfer_rate` after a grace period (a drip that would otherwise hold a
    /// connection until the fetch timeout).
    async fn read_body(
        &self,
        resp: &mut reqwest::Response,
        cap: u64,
        timeout: Duration,
    ) -> Result<Vec<u8>, FetchError> {
        const GRACE: Duration = Duration::from_secs(5);
        let rate = self.limits.min_transfer_rate;
        let started = tokio::time::Instant::now();
        let mut body = Vec::new();
        loop {
            // A silent server is judged at the end of the grace period, not at the fetch timeout.
            let wait = GRACE.max(Duration::from_secs(1));
            let chunk = match tokio::time::timeout(wait, resp.chunk()).await {
                Ok(r) => r.map_err(|e| {
                    if e.is_timeout() {
                        FetchError::Timeout(timeout)
                    } else {
                        FetchError::Http(e)
                    }
                })?,
                Err(_) if rate > 0 => return Err(FetchError::TooSlow { rate }),
                Err(_) => continue,
            };
            let Some(chunk) = chunk else { break };
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(FetchError::TooLarge { limit: cap });
            }
            body.extend_from_slice(&chunk);
            let elapsed = started.elapsed();
            if rate > 0
                && elapsed > GRACE
                && (body.len() as f64) < rate as f64 * elapsed.as_secs_f64()
            {
                return Err(FetchError::TooSlow { rate });
            }
        }
        Ok(body)
    }
}
