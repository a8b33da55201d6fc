//! When to poll a feed next. Pure functions of the feed's interval, what the server asked for,
//! and how often the feed has failed, so that they are easy to test.

use std::time::Duration;

/// What a successful response said about polling frequency.
#[derive(Debug, Clone, Copy, Default)]
pub struct PollHints {
    /// RSS `<ttl>`.
    pub ttl: Option<Duration>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
}

/// The longest a server's hints may stretch an interval: a feed that asks for a day is still
/// polled daily, one that asks for a year is not forgotten.
const MAX_HINTED: Duration = Duration::from_secs(24 * 3600);

/// Spreads `d` by up to ±10% so that feeds configured alike do not fire together.
fn jitter(d: Duration, rand01: f64) -> Duration {
    let f = 0.9 + 0.2 * rand01.clamp(0.0, 1.0);
    Duration::from_secs_f64(d.as_secs_f64() * f)
}

/// Delay until the next poll after a success: the configured interval, stretched (never
/// shortened) by the server's hints, jittered.
pub fn next_after_success(interval: Duration, hints: PollHints, rand01: f64) -> Duration {
    let hinted = hints
        .ttl
        .into_iter()
        .chain(hints.max_age)
        .map(|h| h.min(MAX_HINTED))
        .max()
        .unwrap_or_default();
    jitter(interval.max(hinted), rand01)
}

/// Delay until the next poll after the `failures`-th consecutive failure: exponential backoff
/// from the interval, capped at `max_backoff`, never shorter than a server's Retry-After. A
/// failing feed is retried at the cap for ever (and reported), never silently dropped.
pub fn next_after_failure(
    interval: Duration,
    failures: u32,
    max_backoff: Duration,
    retry_after: Option<Duration>,
    rand01: f64,
) -> Duration {
    let exp = failures.saturating_sub(1).min(16);
    let backoff = interval
        .checked_mul(1 << exp)
        .unwrap_or(max_backoff)
        .min(max_backoff.max(interval));
    let d = jitter(backoff, rand01);
    match retry_after {
        Some(r) => d.max(r.min(MAX_HINTED)),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: Duration = Duration::from_secs(60);

    #[test]
    fn success_honours_hints_within_bounds() {
        assert_eq!(next_after_success(5 * M, PollHints::default(), 0.5), 5 * M);
        let hints = PollHints {
            ttl: Some(30 * M),
            max_age: Some(10 * M),
        };
        assert_eq!(next_after_success(5 * M, hints, 0.5), 30 * M);
        let d = next_after_success(10 * M, PollHints::default(), 1.0);
        assert!(d <= 11 * M && d > 10 * M);
    }

    #[test]
    fn failure_backs_off_to_the_cap() {
        let cap = 60 * M;
        assert_eq!(next_after_failure(5 * M, 1, cap, None, 0.5), 5 * M);
        assert_eq!(next_after_failure(5 * M, 3, cap, None, 0.5), 20 * M);
        assert_eq!(next_after_failure(5 * M, 30, cap, None, 0.5), cap);
        assert_eq!(next_after_failure(5 * M, 1, cap, Some(50 * M), 0.5), 50 * M);
    }
}
