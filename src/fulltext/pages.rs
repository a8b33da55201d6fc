//! Fetching article pages politely: robots.txt per site (cached), the per-host limit that feed
//! polls use, the page limits, and extraction on a blocking thread.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use url::Url;

use super::article::Expected;
use super::extract::{decode_page, is_html, main_text, ExtractError};
use super::guard::PageLimits;
use super::robots::{Robots, MAX_ROBOTS_BYTES};
use super::sites::SiteMemory;
use crate::fetch::{decompress, FetchError, Fetcher};

/// Sites whose robots.txt is remembered at most (the expired are forgotten beyond it, then
/// all). A parsed file holds a compiled regex per `$` rule (about 12 KiB each; 70 KiB for a
/// large real file), so this bounds the cache near 70 MB; the daemon meets tens of sites.
const ROBOTS_CACHE_SITES: usize = 1_000;
/// How long a fetched robots.txt is trusted.
const ROBOTS_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a site whose robots.txt failed (5xx, unreachable) stays off limits.
const ROBOTS_RETRY: Duration = Duration::from_secs(3600);

/// Why a page gave no text; the item is analysed on its summary and this is recorded.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("robots.txt of {0} disallows the page")]
    Robots(String),
    #[error("{0}")]
    Fetch(#[source] FetchError),
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error("the host's connection limit stayed taken for {0:?}")]
    HostBusy(Duration),
    #[error("the extraction thread failed: {0}")]
    Panicked(String),
}

impl PageError {
    /// Short kind for metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            PageError::Robots(_) => "robots",
            PageError::Fetch(e) => e.kind(),
            PageError::Extract(ExtractError::NotHtml(_)) => "not_html",
            PageError::Extract(ExtractError::Nothing) => "no_text",
            PageError::Extract(ExtractError::Refused(_)) => "refused",
            PageError::Extract(ExtractError::NotTheItem) => "not_the_item",
            PageError::HostBusy(_) => "host_busy",
            PageError::Panicked(_) => "panic",
        }
    }
}

/// The article pages side of the daemon: robots.txt remembered per site.
pub struct Pages {
    /// Our product token in robots.txt groups («sahel-watch»).
    agent: String,
    robots: Mutex<HashMap<String, (Instant, Arc<Robots>)>>,
    /// The blocks recent pages of each site held (tickers, most-read lists come back).
    sites: Arc<SiteMemory>,
}

impl Pages {
    pub fn new(user_agent: &str) -> Pages {
        let agent = user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or("sahel-watch")
            .to_ascii_lowercase();
        Pages {
            agent,
            robots: Mutex::new(HashMap::new()),
            sites: Arc::new(SiteMemory::new()),
        }
    }

    /// The main text of the page at `url`, at most `max_chars` characters. `held_host` is the
    /// host whose connection slot the caller already holds (the feed's): pages there are
    /// fetched under it, pages elsewhere wait for a slot of their own host, at most the page
    /// timeout. `allow_private` lets the page be on a loopback or private address (the feed is).
    pub async fn article(
        &self,
        fetcher: &Fetcher,
        url: &Url,
        held_host: Option<&str>,
        allow_private: bool,
        expected: &Expected<'_>,
        max_chars: usize,
    ) -> Result<String, PageError> {
        let limits = fetcher.limits();
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        // A site known to refuse the page costs neither a wait for its host's slot nor a request.
        if self.cached(url).is_some_and(|r| !r.allows(&path)) {
            return Err(PageError::Robots(site_of(url)));
        }
        let same_host = url
            .host_str()
            .zip(held_host)
            .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
        let _slot = if same_host {
            None
        } else {
            let sem = fetcher.host_limit(url);
            match tokio::time::timeout(limits.page_timeout, sem.acquire_owned()).await {
                Ok(Ok(p)) => Some(p),
                _ => return Err(PageError::HostBusy(limits.page_timeout)),
            }
        };
        let robots = self.robots_for(fetcher, url, allow_private).await;
        if !robots.allows(&path) {
            return Err(PageError::Robots(site_of(url)));
        }
        let page = fetcher
            .fetch_page(url, allow_private)
            .await
            .map_err(PageError::Fetch)?;
        let cap = limits.max_page_bytes.saturating_mul(4);
        let (title, summary) = (expected.title.to_owned(), expected.summary.to_owned());
        let sites = self.sites.clone();
        let site = site_of(url);
        let key = page_key(url);
        tokio::task::spawn_blocking(move || {
            is_html(page.content_type.as_deref(), &page.body)?;
            let body = decompress(page.body, page.content_encoding.as_deref(), cap)
                .map_err(PageError::Fetch)?;
            let html = decode_page(&body, page.content_type.as_deref());
            let expected = Expected {
                title: &title,
                summary: &summary,
            };
            let limits = PageLimits::default();
            Ok(main_text(
                &html,
                &expected,
                Some((&sites, &site, key)),
                &limits,
                max_chars,
            )?)
        })
        .await
        .unwrap_or_else(|e| Err(PageError::Panicked(e.to_string())))
    }

    /// The robots.txt rules of `url`'s site while they are remembered.
    fn cached(&self, url: &Url) -> Option<Arc<Robots>> {
        let cache = self.lock();
        let (until, r) = cache.get(&site_of(url))?;
        (*until > Instant::now()).then(|| r.clone())
    }

    /// The robots.txt rules of `url`'s site, fetched when not remembered.
    async fn robots_for(&self, fetcher: &Fetcher, url: &Url, allow_private: bool) -> Arc<Robots> {
        if let Some(r) = self.cached(url) {
            return r;
        }
        let site = site_of(url);
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let (robots, ttl) = match fetcher.fetch_page(&robots_url, allow_private).await {
            Ok(f) => {
                // Parsing compiles a regex per `$` rule: a hostile 512 KiB file takes seconds,
                // which must not hold an async worker.
                let agent = self.agent.clone();
                let parsed = tokio::task::spawn_blocking(move || {
                    let body = decompress(f.body, f.content_encoding.as_deref(), MAX_ROBOTS_BYTES)
                        .unwrap_or_default();
                    Robots::parse(&String::from_utf8_lossy(&body), &agent)
                })
                .await;
                match parsed {
                    Ok(robots) => (robots, ROBOTS_TTL),
                    Err(_) => (Robots::disallow_all(), ROBOTS_RETRY),
                }
            }
            // RFC 9309: «unavailable» (4xx) means no rules; «unreachable» (5xx, network) means
            // the whole site is disallowed until it can be read.
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                (Robots::allow_all(), ROBOTS_TTL)
            }
            Err(FetchError::TooLarge { .. }) => (Robots::allow_all(), ROBOTS_TTL),
            Err(_) => (Robots::disallow_all(), ROBOTS_RETRY),
        };
        let robots = Arc::new(robots);
        let mut cache = self.lock();
        if cache.len() >= ROBOTS_CACHE_SITES {
            let now = Instant::now();
            cache.retain(|_, (until, _)| *until > now);
            if cache.len() >= ROBOTS_CACHE_SITES {
                cache.clear();
            }
        }
        cache.insert(site, (Instant::now() + ttl, robots.clone()));
        robots
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Arc<Robots>)>> {
        self.robots.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A page's identity for the site memory: its URL without the fragment.
fn page_key(url: &Url) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    url.as_str().split('#').next().hash(&mut h);
    h.finish()
}

/// scheme://host:port, the unit robots.txt applies to.
fn site_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}
