//! Time as the crate keeps it (seconds since the Unix epoch) and shows it.

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A time as alerts and the console show it: «2026-12-01 08:00 UTC».
pub fn format_time(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_in_utc_to_the_minute() {
        assert_eq!(format_time(1_764_576_000), "2025-12-01 08:00 UTC");
        assert_eq!(format_time(i64::MAX), "");
        assert!(now() > 1_700_000_000);
    }
}
