//! Prometheus metrics and a health check, served over hyper's HTTP/1 server on the listener
//! `[metrics] listen` names. Counters and histograms are the `prometheus` crate's (atomics on
//! the hot path) and are encoded by it in the Prometheus text format; the outbox depth, feed
//! counts and database size are read at scrape time.
//!
//! The names are those of the hand-written exposition before it (`sahel_watch_*_total`
//! counters, the gauges and the three `_seconds` histograms with the same buckets), so
//! dashboards and alert rules keep working.

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use prometheus::core::Collector;
use prometheus::{Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry};

use super::listener::text;
use super::Context;
use crate::store::{LastBackup, StoreError};

/// Buckets of the fetch and page histograms (seconds): a fast feed to the request timeout.
const NETWORK_BUCKETS: [f64; 9] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Buckets of the alert latency histograms (seconds): a minute to a day.
const LATENCY_BUCKETS: [f64; 10] = [
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    900.0,
    1800.0,
    3600.0,
    4.0 * 3600.0,
    86_400.0,
];
/// Buckets of the analysis histogram (seconds): one item takes tens of microseconds.
const ANALYSIS_BUCKETS: [f64; 9] = [
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.05,
];

/// Everything the daemon counts. Shared across reloads.
pub struct Metrics {
    pub polls: IntCounter,
    fetch_errors: IntCounterVec,
    pub items_ingested: IntCounter,
    pub items_relevant: IntCounter,
    pub alerts_sent: IntCounter,
    pub alerts_failed: IntCounter,
    pub alerts_deferred: IntCounter,
    pub fetch_seconds: Histogram,
    pub analysis_seconds: Histogram,
    /// Article pages read for candidates that arrived as a summary.
    pub pages_fetched: IntCounter,
    /// Items analysed on their summary without a request (not candidates, `full_text =
    /// "never"`, no link, page budget spent).
    pub pages_skipped: IntCounter,
    /// Article pages that failed, by kind (robots, http_status, timeout, too_large, …).
    pages_failed: IntCounterVec,
    pub page_seconds: Histogram,
    /// From an incident's first report being published, and being first seen in its feed, to
    /// its first alert leaving (issue 32): what an analyst waits.
    pub alert_latency_published: Histogram,
    pub alert_latency_seen: Histogram,
    /// Items whose text retention let go (`[retention]`).
    pub items_pruned: IntCounter,
    /// Read from the store at each scrape.
    outbox_depth: IntGauge,
    feeds: IntGauge,
    feeds_failing: IntGauge,
    database_bytes: IntGauge,
    last_backup_at: IntGauge,
    last_backup_bytes: IntGauge,
    registry: Registry,
}

/// What the store says at a scrape.
#[derive(Debug, Default)]
pub struct Scraped {
    pub outbox_depth: i64,
    pub feeds: i64,
    pub feeds_failing: i64,
    /// The database file with its WAL.
    pub database_bytes: u64,
    pub last_backup: Option<LastBackup>,
}

impl Scraped {
    fn read(store: &crate::store::Store) -> Result<Scraped, StoreError> {
        let (feeds, feeds_failing) = store.feed_counts()?;
        Ok(Scraped {
            outbox_depth: store.pending_alerts()?,
            feeds,
            feeds_failing,
            database_bytes: store.disk_bytes(),
            last_backup: store.last_backup()?,
        })
    }
}

/// Registers `metric` and hands it back. The names and buckets are this file's constants, so
/// a refusal (a bad or repeated name) is a bug caught by the first test that builds metrics.
fn registered<M: Collector + Clone + 'static>(registry: &Registry, metric: M) -> M {
    registry
        .register(Box::new(metric.clone()))
        .expect("metric names are valid and unique");
    metric
}

impl Default for Metrics {
    fn default() -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str| {
            registered(
                &registry,
                IntCounter::new(name, help).expect("valid counter"),
            )
        };
        let by_kind = |name: &str, help: &str| {
            let family = IntCounterVec::new(Opts::new(name, help), &["kind"]);
            registered(&registry, family.expect("valid counter family"))
        };
        let gauge = |name: &str, help: &str| {
            registered(&registry, IntGauge::new(name, help).expect("valid gauge"))
        };
        let histogram = |name: &str, help: &str, buckets: &[f64]| {
            let opts = HistogramOpts::new(name, help).buckets(buckets.to_vec());
            registered(
                &registry,
                Histogram::with_opts(opts).expect("valid histogram"),
            )
        };
        Metrics {
            polls: counter("sahel_watch_polls_total", "Feed polls attempted."),
            fetch_errors: by_kind("sahel_watch_fetch_errors_total", "Failed polls by kind."),
            items_ingested: counter("sahel_watch_items_ingested_total", "New items stored."),
            items_relevant: counter(
                "sahel_watch_items_relevant_total",
                "New items judged relevant.",
            ),
            alerts_sent: counter(
                "sahel_watch_alerts_sent_total",
                "Alerts and notices accepted by the transport.",
            ),
            alerts_failed: counter(
                "sahel_watch_alerts_failed_total",
                "Failed delivery attempts.",
            ),
            alerts_deferred: counter(
                "sahel_watch_alerts_deferred_total",
                "Alerts moved into a digest by their recipient's hourly cap.",
            ),
            fetch_seconds: histogram(
                "sahel_watch_fetch_seconds",
                "Time to fetch a feed.",
                &NETWORK_BUCKETS,
            ),
            analysis_seconds: histogram(
                "sahel_watch_analysis_seconds",
                "Time to analyse one item.",
                &ANALYSIS_BUCKETS,
            ),
            pages_fetched: counter(
                "sahel_watch_pages_fetched_total",
                "Article pages read for candidates that arrived as a summary.",
            ),
            pages_skipped: counter(
                "sahel_watch_pages_skipped_total",
                "New items analysed on their summary without a page request.",
            ),
            pages_failed: by_kind(
                "sahel_watch_pages_failed_total",
                "Article pages that failed by kind; their items were analysed on the summary.",
            ),
            page_seconds: histogram(
                "sahel_watch_page_seconds",
                "Time to fetch and extract one article page.",
                &NETWORK_BUCKETS,
            ),
            alert_latency_published: histogram(
                "sahel_watch_alert_latency_from_publication_seconds",
                "From a report's publication to its first alert leaving.",
                &LATENCY_BUCKETS,
            ),
            alert_latency_seen: histogram(
                "sahel_watch_alert_latency_from_first_seen_seconds",
                "From a report's first appearance in its feed to its first alert leaving.",
                &LATENCY_BUCKETS,
            ),
            items_pruned: counter(
                "sahel_watch_items_pruned_total",
                "Items whose text and index entries retention let go.",
            ),
            outbox_depth: gauge("sahel_watch_outbox_depth", "Alerts waiting to be sent."),
            feeds: gauge("sahel_watch_feeds", "Active feeds."),
            feeds_failing: gauge(
                "sahel_watch_feeds_failing",
                "Active feeds whose last poll failed.",
            ),
            database_bytes: gauge(
                "sahel_watch_database_bytes",
                "Size of the database file with its write-ahead log.",
            ),
            last_backup_at: gauge(
                "sahel_watch_last_backup_timestamp_seconds",
                "When the newest backup on record finished (Unix time); 0: none.",
            ),
            last_backup_bytes: gauge(
                "sahel_watch_last_backup_bytes",
                "Size of the newest backup on record; 0: none.",
            ),
            registry,
        }
    }
}

impl Metrics {
    pub fn page_failed(&self, kind: &'static str) {
        self.pages_failed.with_label_values(&[kind]).inc();
    }

    pub fn fetch_error(&self, kind: &'static str) {
        self.fetch_errors.with_label_values(&[kind]).inc();
    }

    /// The Prometheus text exposition, with the figures read from the store at this scrape.
    pub fn render(&self, now: &Scraped) -> String {
        self.outbox_depth.set(now.outbox_depth);
        self.feeds.set(now.feeds);
        self.feeds_failing.set(now.feeds_failing);
        self.database_bytes
            .set(now.database_bytes.min(i64::MAX as u64) as i64);
        let backup = now.last_backup.as_ref();
        self.last_backup_at.set(backup.map_or(0, |b| b.finished_at));
        self.last_backup_bytes.set(backup.map_or(0, |b| b.bytes));
        let mut out = String::with_capacity(4096);
        // Encoding the registry's own families into a String cannot fail.
        let _ = prometheus::TextEncoder::new().encode_utf8(&self.registry.gather(), &mut out);
        out
    }
}

/// Serves `/metrics` and `/healthz` on `addr` until the process ends. A bind failure is logged
/// and the daemon goes on without metrics.
pub async fn serve(addr: SocketAddr, ctx: Arc<tokio::sync::RwLock<Arc<Context>>>) {
    super::listener::serve(addr, "metrics", ctx, |req, ctx| async move {
        answer(&req, &ctx).await
    })
    .await
}

/// The answer to one request: the exposition, the health check, or 404 / 405.
async fn answer(req: &Request<hyper::body::Incoming>, ctx: &Context) -> Response<Full<Bytes>> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed\n".into(),
        );
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    match req.uri().path() {
        "/metrics" => match ctx.with_reader(|s| Scraped::read(s)).await {
            Ok(scraped) => {
                let mut r = text(StatusCode::OK, ctx.metrics.render(&scraped));
                r.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static(prometheus::TEXT_FORMAT),
                );
                r
            }
            Err(e) => text(StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")),
        },
        "/healthz" => match ctx.with_reader(|s| s.ping()).await {
            Ok(()) => text(StatusCode::OK, "ok\n".to_owned()),
            Err(e) => text(StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")),
        },
        _ => text(StatusCode::NOT_FOUND, "not found\n".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exposition keeps the names dashboards use, whatever the encoder's conventions.
    #[test]
    fn exposition_keeps_the_published_names() {
        let m = Metrics::default();
        m.polls.inc();
        m.fetch_error("timeout");
        m.fetch_error("timeout");
        m.fetch_seconds.observe(0.2);
        m.page_failed("robots");
        let text = m.render(&Scraped {
            outbox_depth: 3,
            feeds: 7,
            feeds_failing: 1,
            database_bytes: 123_456,
            last_backup: None,
        });
        for line in [
            "sahel_watch_polls_total 1",
            "sahel_watch_fetch_errors_total{kind=\"timeout\"} 2",
            "sahel_watch_outbox_depth 3",
            "sahel_watch_feeds 7",
            "sahel_watch_feeds_failing 1",
            "sahel_watch_database_bytes 123456",
            "sahel_watch_last_backup_timestamp_seconds 0",
            "sahel_watch_fetch_seconds_bucket{le=\"0.1\"} 0",
            "sahel_watch_fetch_seconds_bucket{le=\"0.25\"} 1",
            "sahel_watch_fetch_seconds_bucket{le=\"+Inf\"} 1",
            "sahel_watch_fetch_seconds_count 1",
            "sahel_watch_pages_failed_total{kind=\"robots\"} 1",
            "# HELP sahel_watch_polls_total Feed polls attempted.",
            "# TYPE sahel_watch_polls_total counter",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} missing:\n{text}");
        }
    }
}
