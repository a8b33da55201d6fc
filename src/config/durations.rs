use std::time::Duration;

/// Parses a human duration such as `90s`, `5m`, `1h 30m` or `2d`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|e| format!("{s:?} is not a duration ({e}); write e.g. \"30s\", \"5m\", \"1h\""))
}
