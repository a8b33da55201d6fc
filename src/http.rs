//! The one place HTTP clients are built, for feeds, article pages and the alert channels:
//! the user agent, the timeouts, no redirects followed by the client (each caller follows or
//! refuses them itself), TLS by rustls with the bundled roots and proxies from the
//! environment (`HTTPS_PROXY`, `NO_PROXY`…), as reqwest does by default; and what a failed
//! request's error says.

use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::Resolve;

/// How a client is made.
pub struct ClientOptions<'a> {
    pub user_agent: &'a str,
    pub connect_timeout: Duration,
    /// The limit of a whole request; `None` where each request sets its own.
    pub timeout: Option<Duration>,
    /// Idle connections kept per host; reqwest's default when `None`.
    pub max_idle_per_host: Option<usize>,
    /// How names are resolved (the public-only resolver of article pages); the system's when
    /// `None`.
    pub resolver: Option<Arc<dyn Resolve>>,
}

/// A client as `options` say, following no redirect.
pub fn client(options: ClientOptions<'_>) -> Result<reqwest::Client, reqwest::Error> {
    let mut b = reqwest::Client::builder()
        .user_agent(options.user_agent)
        .connect_timeout(options.connect_timeout)
        .redirect(reqwest::redirect::Policy::none());
    if let Some(t) = options.timeout {
        b = b.timeout(t);
    }
    if let Some(n) = options.max_idle_per_host {
        b = b.pool_max_idle_per_host(n);
    }
    if let Some(r) = options.resolver {
        b = b.dns_resolver(r);
    }
    b.build()
}

/// What went wrong under a request that failed: the messages of the error's causes, without
/// the client's generic ones («error sending request for url», «client error (Connect)») and
/// each said once.
pub fn cause_of(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = std::error::Error::source(e);
    while let Some(cause) = next {
        let text = cause.to_string();
        let generic =
            text.starts_with("client error (") || text.starts_with("error sending request");
        if !generic && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = cause.source();
    }
    if parts.is_empty() {
        // No cause beneath: the client's message is all there is.
        return e.to_string();
    }
    parts.join(": ")
}
