//! `[surge]`: when a place suddenly filling the news sends a notice.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{parse_duration, ConfigError, Ctx};

/// When a place suddenly filling the news sends a notice (`plan::surge` says why).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawSurge {
    enabled: bool,
    /// Distinct publishers naming one place within `window`; unset, a quarter of the
    /// publishers watched (`plan::SurgePolicy::min_publishers_for`).
    min_publishers: Option<Spanned<u32>>,
    /// And that many times the place's usual rate for such a window.
    min_ratio: Spanned<f64>,
    window: Spanned<String>,
    /// How far back the usual rate is counted.
    baseline: Spanned<String>,
    /// Items published longer than this before they are read make no surge (a backlog).
    fresh_within: Spanned<String>,
}

impl Default for RawSurge {
    fn default() -> Self {
        RawSurge {
            enabled: true,
            min_publishers: None,
            min_ratio: Spanned::new(0..0, 10.0),
            window: Spanned::new(0..0, "1h".into()),
            baseline: Spanned::new(0..0, "28d".into()),
            fresh_within: Spanned::new(0..0, "6h".into()),
        }
    }
}

/// `[surge]`; `publishers` is how many distinct publishers the feeds have, for the default
/// `min_publishers`.
pub(super) fn surge(
    raw: &RawSurge,
    publishers: usize,
    ctx: &Ctx,
) -> Result<crate::plan::SurgePolicy, ConfigError> {
    let duration = |s: &Spanned<String>, key: &str, min: u64, max: u64| {
        let d = parse_duration(s.get_ref()).map_err(|m| ctx.invalid(&s.span(), key, m))?;
        if d < Duration::from_secs(min) || d > Duration::from_secs(max) {
            return Err(ctx.invalid(
                &s.span(),
                key,
                format!("between {min}s and {}d", max / 86_400),
            ));
        }
        Ok(d)
    };
    let policy = crate::plan::SurgePolicy {
        enabled: raw.enabled,
        min_publishers: raw.min_publishers.as_ref().map_or_else(
            || crate::plan::SurgePolicy::min_publishers_for(publishers),
            |n| *n.get_ref(),
        ),
        min_ratio: *raw.min_ratio.get_ref(),
        window: duration(&raw.window, "surge.window", 60, 86_400)?,
        baseline: duration(&raw.baseline, "surge.baseline", 86_400, 366 * 86_400)?,
        fresh_within: duration(&raw.fresh_within, "surge.fresh_within", 60, 36_500 * 86_400)?,
    };
    if let Some(n) = raw.min_publishers.as_ref().filter(|n| *n.get_ref() < 2) {
        return Err(ctx.invalid(
            &n.span(),
            "surge.min_publishers",
            "at least 2 (one outlet naming a place often is not a surge)".into(),
        ));
    }
    if !(policy.min_ratio >= 1.0 && policy.min_ratio.is_finite()) {
        return Err(ctx.invalid(
            &raw.min_ratio.span(),
            "surge.min_ratio",
            "a number of at least 1 (times the usual rate)".into(),
        ));
    }
    if policy.baseline <= policy.window {
        return Err(ctx.invalid(
            &raw.baseline.span(),
            "surge.baseline",
            "longer than surge.window".into(),
        ));
    }
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::super::parsed;
    use super::*;

    #[test]
    fn surge_section() {
        let (ctx, raw) = parsed("[surge]\nmin_ratio = 3.0\n");
        let s = surge(&raw.surge, 8, &ctx).unwrap();
        assert_eq!((s.min_ratio, s.min_publishers), (3.0, 2));
        let (ctx, raw) = parsed("[surge]\nenabled = true\nmin_ratio = 0.5\n");
        let e = surge(&raw.surge, 8, &ctx).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:3: key `surge.min_ratio`"), "{e}");
    }
}
