//! `[stories]`: how items of several outlets become one story.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{parse_duration, ConfigError, Ctx};
use crate::dedup::StoryPolicy;

/// How items of several outlets become one story, and when a story gets an update alert.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawStories {
    /// Items whose events are this close in time can be one story.
    window: Spanned<String>,
    /// Update alerts per story at most.
    max_updates: u32,
    /// How much a toll (killed, kidnapped) must rise to be news.
    toll_increase: u32,
    /// An event dated longer than this before its article was published is background: it
    /// opens no story and sends no alert.
    max_event_age: Spanned<String>,
}

impl Default for RawStories {
    fn default() -> Self {
        RawStories {
            window: Spanned::new(0..0, "72h".into()),
            max_updates: 2,
            toll_increase: 5,
            max_event_age: Spanned::new(0..0, "7d".into()),
        }
    }
}

/// A story's window is at most 30 days: a story is one incident, not a campaign.
pub(super) fn stories(raw: &RawStories, ctx: &Ctx) -> Result<StoryPolicy, ConfigError> {
    let duration = |s: &Spanned<String>, key: &str| {
        parse_duration(s.get_ref()).map_err(|m| ctx.invalid(&s.span(), key, m))
    };
    let stories = StoryPolicy {
        window: duration(&raw.window, "stories.window")?,
        max_updates: raw.max_updates,
        toll_increase: raw.toll_increase,
        max_event_age: duration(&raw.max_event_age, "stories.max_event_age")?,
    };
    if stories.window > Duration::from_secs(30 * 86_400) {
        return Err(ctx.invalid(
            &raw.window.span(),
            "stories.window",
            "at most 30d (a story is one incident)".into(),
        ));
    }
    Ok(stories)
}

#[cfg(test)]
mod tests {
    use super::super::parsed;
    use super::*;

    #[test]
    fn stories_section() {
        let (ctx, raw) = parsed("");
        let s = stories(&raw.stories, &ctx).unwrap();
        assert_eq!(s.window, Duration::from_secs(72 * 3600));
        let (ctx, raw) = parsed("[stories]\nwindow = \"40d\"\n");
        let e = stories(&raw.stories, &ctx).unwrap_err().to_string();
        assert!(
            e.starts_with("c.toml:2: key `stories.window`: at most 30d"),
            "{e}"
        );
    }
}
