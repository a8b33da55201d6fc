//! `[limits]`: bounds on everything the daemon reads, holds or sends.

use std::time::Duration;

use serde::Deserialize;

use super::{ConfigError, Ctx};

/// Bounds on everything the daemon reads, holds or sends. The `Default` is the one place the
/// defaults are written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawLimits {
    /// Largest response body read, as sent (bytes).
    pub max_body_bytes: u64,
    /// Largest body after undoing gzip, deflate or brotli (bytes): the guard against bombs.
    pub max_decompressed_bytes: u64,
    /// Slowest transfer accepted after a 5 s grace period (bytes per second; 0 disables).
    pub min_transfer_rate: u64,
    /// Most entries taken from one feed document.
    pub max_entries_per_feed: usize,
    /// Longest title or text kept per item (characters).
    pub max_text_chars: usize,
    /// Feeds fetched at the same time.
    pub concurrency: usize,
    /// Feeds of the same host fetched at the same time.
    pub per_host_concurrency: usize,
    /// Whole fetch, connection included.
    #[serde(with = "humantime_serde_compat")]
    pub fetch_timeout: Duration,
    #[serde(with = "humantime_serde_compat")]
    pub connect_timeout: Duration,
    /// Shortest interval a feed may ask for, or be polled at for its pace.
    #[serde(with = "humantime_serde_compat")]
    pub min_interval: Duration,
    /// Longest interval a feed is polled at for its pace (a quiet feed).
    #[serde(with = "humantime_serde_compat")]
    pub max_interval: Duration,
    /// Longest wait between retries of a failing feed.
    #[serde(with = "humantime_serde_compat")]
    pub max_backoff: Duration,
    /// Redirects followed per fetch.
    pub max_redirects: usize,
    /// Outbox rows sent per round.
    pub outbox_batch: usize,
    /// Attempts before an alert is given up as failed (still listed, can be retried by hand).
    pub alert_max_attempts: u32,
    /// Wait after a first failed delivery; it doubles with each failure up to
    /// `alert_retry_max`, plus up to a fifth at random.
    #[serde(with = "humantime_serde_compat")]
    pub alert_retry_min: Duration,
    #[serde(with = "humantime_serde_compat")]
    pub alert_retry_max: Duration,
    /// Items waiting between fetching and storing.
    pub queue: usize,
    /// Largest article page read, as sent (bytes); undone compression may give four times it.
    pub max_page_bytes: u64,
    /// Whole fetch of one article page (or robots.txt), connection included.
    #[serde(with = "humantime_serde_compat")]
    pub page_timeout: Duration,
    /// Article pages fetched per feed refresh at most; the rest are analysed on their summary.
    pub max_pages_per_refresh: usize,
    /// A feed entry with at least this many characters of text carries the article itself:
    /// no page is fetched for it (with `full_text = "auto"`).
    pub min_article_chars: usize,
}

impl Default for RawLimits {
    fn default() -> Self {
        RawLimits {
            max_body_bytes: 8 * 1024 * 1024,
            max_decompressed_bytes: 32 * 1024 * 1024,
            min_transfer_rate: 1024,
            max_entries_per_feed: 500,
            max_text_chars: 100_000,
            concurrency: 16,
            per_host_concurrency: 2,
            fetch_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            min_interval: Duration::from_secs(60),
            max_interval: Duration::from_secs(2 * 3600),
            max_backoff: Duration::from_secs(6 * 3600),
            max_redirects: 5,
            outbox_batch: 50,
            alert_max_attempts: 20,
            alert_retry_min: Duration::from_secs(30),
            alert_retry_max: Duration::from_secs(3600),
            queue: 256,
            max_page_bytes: 2 * 1024 * 1024,
            page_timeout: Duration::from_secs(15),
            max_pages_per_refresh: 30,
            min_article_chars: 600,
        }
    }
}

/// Durations in limits are written like the rest of the file ("30s", "6h").
mod humantime_serde_compat {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        crate::config::parse_duration(&s).map_err(serde::de::Error::custom)
    }
}

/// At least one fetch, one per host and one queued item at a time; the longest interval a
/// feed's pace may reach is not shorter than the shortest. The section has no spans (its
/// durations are read by serde), so its errors name line 1.
pub(super) fn limits(raw: RawLimits, ctx: &Ctx) -> Result<RawLimits, ConfigError> {
    if raw.concurrency == 0 || raw.per_host_concurrency == 0 || raw.queue == 0 {
        return Err(ctx.invalid(
            &(0..0),
            "limits",
            "concurrency, per_host_concurrency and queue must be at least 1".into(),
        ));
    }
    if raw.max_interval < raw.min_interval {
        return Err(ctx.invalid(
            &(0..0),
            "limits.max_interval",
            format!(
                "shorter than limits.min_interval ({})",
                humantime::format_duration(raw.min_interval)
            ),
        ));
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::super::parsed;
    use super::*;

    #[test]
    fn limits_section() {
        let (ctx, raw) = parsed("[limits]\nconcurrency = 4\n");
        assert_eq!(limits(raw.limits, &ctx).unwrap().concurrency, 4);
        // Serde reads the section whole: its errors can name no line but the first.
        let (ctx, raw) = parsed("\n[limits]\nqueue = 0\n");
        let e = limits(raw.limits, &ctx).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:1: key `limits`"), "{e}");
    }
}
