//! `[operator]`: who hears about feeds that fail or fall silent, and after how long.

use serde::Deserialize;
use toml::Spanned;

use super::{parse_duration, ConfigError, Ctx};
use crate::config::Operator;

/// Who hears about feeds that fail or fall silent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOperator {
    email: Spanned<String>,
    #[serde(default = "default_failing_after")]
    feed_failing_after: Spanned<String>,
    #[serde(default = "default_silent_after")]
    feed_silent_after: Spanned<String>,
}

fn default_failing_after() -> Spanned<String> {
    Spanned::new(0..0, "1d".into())
}

fn default_silent_after() -> Spanned<String> {
    Spanned::new(0..0, "7d".into())
}

pub(super) fn operator(raw: &RawOperator, ctx: &Ctx) -> Result<Operator, ConfigError> {
    let duration = |s: &Spanned<String>, key: &str| {
        parse_duration(s.get_ref()).map_err(|m| ctx.invalid(&s.span(), key, m))
    };
    Ok(Operator {
        email: raw
            .email
            .get_ref()
            .parse()
            .map_err(|e: lettre::address::AddressError| {
                ctx.invalid(&raw.email.span(), "operator.email", e.to_string())
            })?,
        feed_failing_after: duration(&raw.feed_failing_after, "operator.feed_failing_after")?,
        feed_silent_after: duration(&raw.feed_silent_after, "operator.feed_silent_after")?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::parsed;
    use super::*;

    #[test]
    fn operator_section() {
        let (ctx, raw) = parsed("[operator]\nemail = \"ops@example.org\"\n");
        let o = operator(raw.operator.as_ref().unwrap(), &ctx).unwrap();
        assert_eq!(
            o.feed_silent_after,
            std::time::Duration::from_secs(7 * 86_400)
        );
        let src = "[operator]\nemail = \"ops@example.org\"\nfeed_silent_after = \"often\"\n";
        let (ctx, raw) = parsed(src);
        let e = operator(raw.operator.as_ref().unwrap(), &ctx);
        let e = e.unwrap_err().to_string();
        assert!(
            e.starts_with("c.toml:3: key `operator.feed_silent_after`"),
            "{e}"
        );
    }
}
