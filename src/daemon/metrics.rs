//! Prometheus metrics and a health check, served on a loopback HTTP listener. Counters are
//! atomics updated on the hot path; the outbox depth and feed counts are read at scrape time.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::Context;

/// A histogram with fixed buckets (seconds).
pub struct Histogram {
    bounds: &'static [f64],
    counts: Vec<AtomicU64>,
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            counts: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, d: Duration) {
        let s = d.as_secs_f64();
        for (b, c) in self.bounds.iter().zip(&self.counts) {
            if s <= *b {
                c.fetch_add(1, Relaxed);
            }
        }
        self.sum_micros.fetch_add(d.as_micros() as u64, Relaxed);
        self.count.fetch_add(1, Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (b, c) in self.bounds.iter().zip(&self.counts) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{b}\"}} {}", c.load(Relaxed));
        }
        let n = self.count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {n}");
        let _ = writeln!(
            out,
            "{name}_sum {}",
            self.sum_micros.load(Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "{name}_count {n}");
    }
}

/// Everything the daemon counts. Shared across reloads.
pub struct Metrics {
    pub polls: AtomicU64,
    pub fetch_errors: Mutex<BTreeMap<&'static str, u64>>,
    pub items_ingested: AtomicU64,
    pub items_relevant: AtomicU64,
    pub alerts_sent: AtomicU64,
    pub alerts_failed: AtomicU64,
    pub alerts_deferred: AtomicU64,
    pub fetch_seconds: Histogram,
    pub analysis_seconds: Histogram,
    /// Article pages read for candidates that arrived as a summary.
    pub pages_fetched: AtomicU64,
    /// Items analysed on their summary without a request (not candidates, `full_text =
    /// "never"`, no link, page budget spent).
    pub pages_skipped: AtomicU64,
    /// Article pages that failed, by kind (robots, http_status, timeout, too_large, …).
    pub pages_failed: Mutex<BTreeMap<&'static str, u64>>,
    pub page_seconds: Histogram,
    /// Items whose text retention let go (`[retention]`).
    pub items_pruned: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            polls: AtomicU64::new(0),
            fetch_errors: Mutex::new(BTreeMap::new()),
            items_ingested: AtomicU64::new(0),
            items_relevant: AtomicU64::new(0),
            alerts_sent: AtomicU64::new(0),
            alerts_failed: AtomicU64::new(0),
            alerts_deferred: AtomicU64::new(0),
            fetch_seconds: Histogram::new(&[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0]),
            analysis_seconds: Histogram::new(&[
                0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.05,
            ]),
            pages_fetched: AtomicU64::new(0),
            pages_skipped: AtomicU64::new(0),
            pages_failed: Mutex::new(BTreeMap::new()),
            page_seconds: Histogram::new(&[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0]),
            items_pruned: AtomicU64::new(0),
        }
    }
}

/// One more of `kind` in a counter by kind.
fn count(counts: &Mutex<BTreeMap<&'static str, u64>>, kind: &'static str) {
    *counts
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(kind)
        .or_default() += 1;
}

impl Metrics {
    pub fn page_failed(&self, kind: &'static str) {
        count(&self.pages_failed, kind);
    }

    pub fn fetch_error(&self, kind: &'static str) {
        count(&self.fetch_errors, kind);
    }

    /// The Prometheus text exposition; `database_bytes` is the database file with its WAL.
    pub fn render(
        &self,
        outbox_depth: i64,
        feeds: i64,
        failing: i64,
        database_bytes: u64,
    ) -> String {
        let mut out = String::with_capacity(2048);
        let mut counter = |name: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        };
        counter(
            "sahel_watch_polls_total",
            "Feed polls attempted.",
            self.polls.load(Relaxed),
        );
        counter(
            "sahel_watch_items_ingested_total",
            "New items stored.",
            self.items_ingested.load(Relaxed),
        );
        counter(
            "sahel_watch_items_relevant_total",
            "New items judged relevant.",
            self.items_relevant.load(Relaxed),
        );
        counter(
            "sahel_watch_alerts_sent_total",
            "Alerts and notices accepted by the transport.",
            self.alerts_sent.load(Relaxed),
        );
        counter(
            "sahel_watch_alerts_failed_total",
            "Failed delivery attempts.",
            self.alerts_failed.load(Relaxed),
        );
        counter(
            "sahel_watch_alerts_deferred_total",
            "Alerts moved into a digest by their recipient's hourly cap.",
            self.alerts_deferred.load(Relaxed),
        );
        counter(
            "sahel_watch_pages_fetched_total",
            "Article pages read for candidates that arrived as a summary.",
            self.pages_fetched.load(Relaxed),
        );
        counter(
            "sahel_watch_pages_skipped_total",
            "New items analysed on their summary without a page request.",
            self.pages_skipped.load(Relaxed),
        );
        counter(
            "sahel_watch_items_pruned_total",
            "Items whose text and index entries retention let go.",
            self.items_pruned.load(Relaxed),
        );
        for (name, help, counts) in [
            (
                "sahel_watch_fetch_errors_total",
                "Failed polls by kind.",
                &self.fetch_errors,
            ),
            (
                "sahel_watch_pages_failed_total",
                "Article pages that failed by kind; their items were analysed on the summary.",
                &self.pages_failed,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for (kind, n) in counts.lock().unwrap_or_else(|p| p.into_inner()).iter() {
                let _ = writeln!(out, "{name}{{kind=\"{kind}\"}} {n}");
            }
        }
        for (name, help, v) in [
            (
                "sahel_watch_outbox_depth",
                "Alerts waiting to be sent.",
                outbox_depth,
            ),
            ("sahel_watch_feeds", "Active feeds.", feeds),
            (
                "sahel_watch_feeds_failing",
                "Active feeds whose last poll failed.",
                failing,
            ),
            (
                "sahel_watch_database_bytes",
                "Size of the database file with its write-ahead log.",
                database_bytes.min(i64::MAX as u64) as i64,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        self.fetch_seconds.render(
            &mut out,
            "sahel_watch_fetch_seconds",
            "Time to fetch a feed.",
        );
        self.analysis_seconds.render(
            &mut out,
            "sahel_watch_analysis_seconds",
            "Time to analyse one item.",
        );
        self.page_seconds.render(
            &mut out,
            "sahel_watch_page_seconds",
            "Time to fetch and extract one article page.",
        );
        out
    }
}

/// Serves `/metrics` and `/healthz` on `addr` until the process ends. A bind failure is logged
/// and the daemon goes on without metrics.
pub async fn serve(addr: SocketAddr, ctx: Arc<tokio::sync::RwLock<Arc<Context>>>) {
    let listener = match TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(%addr, error = %e, "cannot listen for metrics; going on without");
            return;
        }
    };
    tracing::info!(%addr, "metrics on http://{addr}/metrics");
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            continue;
        };
        let ctx = ctx.read().await.clone();
        tokio::spawn(async move {
            // Read the request head (it may come in pieces), at most 4 KiB, for 5 s at most.
            let mut buf = Vec::with_capacity(1024);
            let read_head = async {
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 4096 {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
            };
            if tokio::time::timeout(Duration::from_secs(5), read_head)
                .await
                .is_err()
            {
                return;
            }
            let req = String::from_utf8_lossy(&buf);
            let path = req.split_whitespace().nth(1).unwrap_or("/");
            let (status, ctype, body) = match path {
                "/metrics" => {
                    let counts = ctx
                        .with_reader(|s| {
                            Ok((s.pending_alerts()?, s.feed_counts()?, s.disk_bytes()))
                        })
                        .await;
                    match counts {
                        Ok((outbox, (feeds, failing), bytes)) => (
                            "200 OK",
                            "text/plain; version=0.0.4",
                            ctx.metrics.render(outbox, feeds, failing, bytes),
                        ),
                        Err(e) => ("503 Service Unavailable", "text/plain", format!("{e}\n")),
                    }
                }
                "/healthz" => match ctx.with_reader(|s| s.ping()).await {
                    Ok(()) => ("200 OK", "text/plain", "ok\n".to_owned()),
                    Err(e) => ("503 Service Unavailable", "text/plain", format!("{e}\n")),
                },
                _ => ("404 Not Found", "text/plain", "not found\n".to_owned()),
            };
            let resp = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
            let _ = sock.shutdown().await;
        });
    }
}
