//! How often a feed publishes, from when its recent items appeared, and the poll interval that
//! follows that pace (issue 32): a busy outlet that publishes every few minutes is polled
//! every minute or two, a regional site that publishes twice a day every couple of hours.
//! Pure: the store gives the history, the scheduler applies the interval.
//!
//! An item's time is when it was published, unless the feed's dates cannot be believed (in the
//! future, or most of them the same instant, as feeds that stamp every item with the time of
//! the request do): then when the daemon first saw it.

use std::time::Duration;

/// One recent item of a feed: when it says it was published, and when it was first seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub published: Option<i64>,
    pub first_seen: i64,
}

/// The bounds of an adaptive interval (`[limits] min_interval` and `max_interval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaceBounds {
    pub min: Duration,
    pub max: Duration,
}

/// A feed's estimated pace and the interval it gives, with why, for `feeds` to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Pace {
    /// Items a day at this hour of the day (or over the whole history when it is short).
    pub per_day: f64,
    pub interval: Duration,
    pub why: String,
}

/// How far back the history counts.
pub const HISTORY: Duration = Duration::from_secs(14 * 86_400);
/// Items needed before the pace is trusted; with fewer the feed keeps its configured interval.
const MIN_ITEMS: usize = 5;
/// Days of history before the hour of the day is taken into account (a newsroom that sleeps
/// at night is polled less at night).
const DIURNAL_DAYS: i64 = 3;
/// Polls per expected new item: an item waits an eighth of the gap between items on average
/// before it is seen, so that a busy outlet's news is read within minutes.
const POLLS_PER_ITEM: f64 = 4.0;
/// The latest items that give the pace of the moment (a burst during an attack).
const RECENT_ITEMS: usize = 10;

/// The times to count: published dates when they can be believed, else first-seen times.
fn times(history: &[Seen], now: i64) -> (Vec<i64>, &'static str) {
    let published: Vec<i64> = history.iter().filter_map(|s| s.published).collect();
    let future = published.iter().filter(|&&t| t > now + 600).count();
    let mut distinct = published.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let believable =
        published.len() == history.len() && future == 0 && distinct.len() * 2 > published.len();
    if believable {
        (published, "publication dates")
    } else {
        (
            history.iter().map(|s| s.first_seen).collect(),
            "first-seen times (the feed's dates are not believable)",
        )
    }
}

/// The latest items a feed's pace is estimated from.
pub const HISTORY_ITEMS: usize = 500;

/// The interval a feed is polled at between failures, and why, as `feeds` and the console
/// show it: its pace when it polls at its own (`adaptive`) and its history tells one, else
/// its configured interval.
pub fn polling(
    history: &[Seen],
    now: i64,
    bounds: PaceBounds,
    (adaptive, configured): (bool, Duration),
) -> (Duration, String) {
    if !adaptive {
        return (configured, "its interval, set in the configuration".into());
    }
    match pace(history, now, bounds) {
        Some(p) => (p.interval, format!("its pace, {}", p.why)),
        None => (
            configured,
            format!(
                "the default until its pace is known ({} items in the last {} days)",
                history.len(),
                HISTORY.as_secs() / 86_400
            ),
        ),
    }
}

/// The pace of a feed and its interval within `bounds`, or `None` when the history is too
/// short to tell (the configured interval applies).
pub fn pace(history: &[Seen], now: i64, bounds: PaceBounds) -> Option<Pace> {
    let (mut times, basis) = times(history, now);
    let since = now - HISTORY.as_secs() as i64;
    times.retain(|&t| t >= since && t <= now);
    if times.len() < MIN_ITEMS {
        return None;
    }
    times.sort_unstable();
    let first = times[0];
    // The span the items were counted over: at least a day, so that a burst of five items in
    // an hour does not read as a hundred a day.
    let span_days = ((now - first) as f64 / 86_400.0).max(1.0);
    let overall = times.len() as f64 / span_days;
    let (per_day, how) = if (now - first) >= DIURNAL_DAYS * 86_400 {
        // Items in this hour of the day and the hours either side, over the days covered.
        let hour = |t: i64| t.rem_euclid(86_400) / 3600;
        let h = hour(now);
        let near = |t: &&i64| {
            let d = (hour(**t) - h).rem_euclid(24);
            d <= 1 || d >= 23
        };
        let in_hours = times.iter().filter(near).count() as f64;
        // Three hours of each day covered, as items a day; never below a tenth of the overall
        // pace, so that a quiet hour does not stop the polling.
        let at_hour = in_hours / span_days * 8.0;
        (at_hour.max(overall / 10.0), "at this hour of the day")
    } else {
        (overall, "over the history")
    };
    // The pace of the moment: the latest k items over the time since the earliest of them (at
    // least a quarter of an hour), for every k up to RECENT_ITEMS, so that a burst (an attack
    // told as it unfolds) quickens the polling while it lasts, and no longer.
    let recent = (3..=RECENT_ITEMS.min(times.len()))
        .map(|k| {
            let kth = times[times.len() - k];
            k as f64 / ((now - kth).max(900) as f64 / 86_400.0)
        })
        .fold(0.0, f64::max);
    let (per_day, how) = if recent > per_day {
        (recent, "lately")
    } else {
        (per_day, how)
    };
    let gap = Duration::from_secs_f64(86_400.0 / per_day.max(1e-6) / POLLS_PER_ITEM);
    let interval = gap.clamp(bounds.min, bounds.max);
    let bound = if interval == bounds.min && gap < bounds.min {
        ", at the shortest interval"
    } else if interval == bounds.max && gap > bounds.max {
        ", at the longest interval"
    } else {
        ""
    };
    Some(Pace {
        per_day,
        interval,
        why: format!(
            "{per_day:.1} items a day {how} ({} items in {span_days:.1} days, by {basis}){bound}",
            times.len()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);
    const HOUR: i64 = 3600;
    const DAY: i64 = 86_400;
    /// A Monday noon, UTC.
    const NOW: i64 = 1_700_000_000 - 1_700_000_000 % DAY + 12 * HOUR;

    fn bounds() -> PaceBounds {
        PaceBounds {
            min: MIN,
            max: 120 * MIN,
        }
    }

    fn at(times: impl IntoIterator<Item = i64>) -> Vec<Seen> {
        times
            .into_iter()
            .map(|t| Seen {
                published: Some(t),
                first_seen: t + 30,
            })
            .collect()
    }

    /// Requests a day at the paces of every hour of a day from `now`.
    fn requests_a_day(h: &[Seen], now: i64) -> u64 {
        (0..24)
            .map(|k| {
                3600 / pace(h, now + k * HOUR, bounds())
                    .unwrap()
                    .interval
                    .as_secs()
            })
            .sum()
    }

    #[test]
    fn a_busy_feed_is_polled_within_minutes() {
        // An item every 10 minutes for the last 8 hours.
        let h = at((0..48).map(|i| NOW - i * 600));
        let p = pace(&h, NOW, bounds()).unwrap();
        assert!(p.interval <= 3 * MIN, "{}", p.why);
        assert!(p.per_day > 100.0, "{}", p.why);
        // Every 40 seconds: the shortest interval.
        let h = at((0..100).map(|i| NOW - i * 40));
        assert_eq!(pace(&h, NOW, bounds()).unwrap().interval, MIN);
    }

    #[test]
    fn a_quiet_feed_is_polled_rarely_and_no_more_than_before() {
        // Two items a day for two weeks.
        let h = at((0..28).map(|i| NOW - i * 12 * HOUR - HOUR));
        let p = pace(&h, NOW + 6 * HOUR, bounds()).unwrap();
        assert!(p.interval >= 60 * MIN, "{}", p.why);
        // The fixed 15-minute schedule made 96 requests a day.
        assert!(requests_a_day(&h, NOW) <= 24, "{}", requests_a_day(&h, NOW));
    }

    #[test]
    fn a_diurnal_feed_is_polled_by_day_and_rested_by_night() {
        // Ten days of a newsroom that publishes every 15 minutes from 6:00 to 20:00 UTC.
        let h = at((0..10)
            .flat_map(|d| (0..56).map(move |k| NOW - 12 * HOUR - d * DAY + 6 * HOUR + k * 900))
            .filter(|&t| t <= NOW));
        let noon = pace(&h, NOW, bounds()).unwrap();
        let night = pace(&h, NOW + 13 * HOUR, bounds()).unwrap();
        assert!(noon.interval <= 10 * MIN, "{}", noon.why);
        assert!(
            night.interval >= 4 * noon.interval,
            "{} / {}",
            noon.why,
            night.why
        );
    }

    #[test]
    fn a_burst_quickens_the_polling_while_it_lasts() {
        // A quiet feed (two items a day for a week) that publishes six items in the last hour.
        let quiet = (0..14).map(|i| NOW - 3 * HOUR - i * 12 * HOUR);
        let h = at(quiet.chain((0..6).map(|i| NOW - i * 600)));
        let during = pace(&h, NOW, bounds()).unwrap();
        assert!(during.interval <= 5 * MIN, "{}", during.why);
        let evening = pace(&h, NOW + 12 * HOUR, bounds()).unwrap();
        assert!(evening.interval >= 30 * MIN, "{}", evening.why);
        let days_later = pace(&h, NOW + 48 * HOUR, bounds()).unwrap();
        assert!(days_later.interval >= 60 * MIN, "{}", days_later.why);
    }

    #[test]
    fn lying_dates_give_way_to_first_seen_times() {
        // Every item stamped with the same instant, seen every 20 minutes.
        let h: Vec<Seen> = (0..30)
            .map(|i| Seen {
                published: Some(NOW - 7 * DAY),
                first_seen: NOW - i * 1200,
            })
            .collect();
        let p = pace(&h, NOW, bounds()).unwrap();
        assert!(p.why.contains("first-seen"), "{}", p.why);
        assert!(p.interval <= 15 * MIN, "{}", p.why);
        // Dates in the future too.
        let h: Vec<Seen> = (0..30)
            .map(|i| Seen {
                published: Some(NOW + DAY + i),
                first_seen: NOW - i * 1200,
            })
            .collect();
        assert!(pace(&h, NOW, bounds()).unwrap().why.contains("first-seen"));
    }

    #[test]
    fn a_short_history_keeps_the_configured_interval() {
        assert_eq!(pace(&at([NOW - 60, NOW - 120]), NOW, bounds()), None);
    }
}
