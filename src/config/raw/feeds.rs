//! `[[feeds]]` and `feeds_opml`: what is polled, and how often.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{line_of, parse_duration, ConfigError, Ctx};
use crate::config::{read_opml, FeedConfig, FullText, Limits};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFeed {
    url: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    interval: Option<Spanned<String>>,
    #[serde(default)]
    encoding: Option<Spanned<String>>,
    /// Whether the article page behind an item's link is fetched: "auto" (for candidates whose
    /// feed entry is only a summary), "always" or "never".
    #[serde(default)]
    full_text: Option<Spanned<String>>,
    /// Who publishes the feed, when its item links do not tell (default: the site of each
    /// item's link): two feeds of one publisher are one source for corroboration.
    #[serde(default)]
    publisher: Option<String>,
}

/// A feed URL must be absolute http(s) with a host.
pub(super) fn parse_feed_url(s: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(s.trim()).map_err(|e| format!("{s:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{s:?}: only http and https feeds are fetched"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{s:?} has no host"));
    }
    Ok(url)
}

/// `[[feeds]]`: each an http(s) URL polled no faster than `limits.min_interval`; one without
/// an interval follows its own pace from `default_interval`.
pub(super) fn feeds(
    raw: &[RawFeed],
    default_interval: Duration,
    limits: &Limits,
    ctx: &Ctx,
) -> Result<Vec<FeedConfig>, ConfigError> {
    raw.iter()
        .enumerate()
        .map(|(i, f)| feed(i, f, default_interval, limits, ctx))
        .collect()
}

/// The `i`th `[[feeds]]` table.
fn feed(
    i: usize,
    f: &RawFeed,
    default_interval: Duration,
    limits: &Limits,
    ctx: &Ctx,
) -> Result<FeedConfig, ConfigError> {
    let url = parse_feed_url(f.url.get_ref())
        .map_err(|m| ctx.invalid(&f.url.span(), &format!("feeds[{i}].url"), m))?;
    let interval = match &f.interval {
        Some(s) => parse_duration(s.get_ref())
            .map_err(|m| ctx.invalid(&s.span(), &format!("feeds[{i}].interval"), m))?,
        None => default_interval,
    };
    if interval < limits.min_interval {
        let span = f.interval.as_ref().map_or(f.url.span(), |s| s.span());
        return Err(ctx.invalid(
            &span,
            &format!("feeds[{i}].interval"),
            format!(
                "shorter than limits.min_interval ({})",
                humantime::format_duration(limits.min_interval)
            ),
        ));
    }
    let encoding = match &f.encoding {
        Some(e) => Some(
            encoding_rs::Encoding::for_label(e.get_ref().as_bytes()).ok_or_else(|| {
                ctx.invalid(
                    &e.span(),
                    &format!("feeds[{i}].encoding"),
                    format!("unknown charset {:?}", e.get_ref()),
                )
            })?,
        ),
        None => None,
    };
    let full_text = match &f.full_text {
        Some(m) => FullText::parse(m.get_ref()).ok_or_else(|| {
            ctx.invalid(
                &m.span(),
                &format!("feeds[{i}].full_text"),
                format!(
                    "{:?}: expected \"auto\", \"always\" or \"never\"",
                    m.get_ref()
                ),
            )
        })?,
        None => FullText::Auto,
    };
    Ok(FeedConfig {
        url,
        name: f.name.clone(),
        interval,
        adaptive: f.interval.is_none(),
        encoding,
        full_text,
        publisher: f.publisher.clone(),
    })
}

/// `feeds_opml`: OPML files whose feeds are added, at `default_interval`, unless a
/// `[[feeds]]` table already names them.
pub(super) fn feeds_opml(
    raw: &[Spanned<String>],
    default_interval: Duration,
    feeds: &mut Vec<FeedConfig>,
    ctx: &Ctx,
) -> Result<(), ConfigError> {
    for (i, o) in raw.iter().enumerate() {
        let path = ctx.resolve(o.get_ref());
        let listed = read_opml(&path).map_err(|source| ConfigError::Opml {
            path: format!(
                "{}:{} (feeds_opml[{i}])",
                ctx.origin,
                line_of(ctx.src, &o.span())
            ),
            opml: path.clone(),
            source: Box::new(source),
        })?;
        for f in listed {
            let url = parse_feed_url(&f.url).map_err(|m| {
                ctx.invalid(
                    &o.span(),
                    &format!("feeds_opml[{i}]"),
                    format!("{}: {m}", path.display()),
                )
            })?;
            if !feeds.iter().any(|k| k.url == url) {
                feeds.push(FeedConfig {
                    url,
                    name: f.title,
                    interval: default_interval,
                    adaptive: true,
                    encoding: None,
                    full_text: FullText::Auto,
                    publisher: None,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parsed;
    use super::*;

    #[test]
    fn feeds_section() {
        let src = "[[feeds]]\nurl = \"https://a.example/rss\"\nencoding = \"windows-1256\"\n";
        let (ctx, raw) = parsed(src);
        let limits = Limits::default();
        let every = Duration::from_secs(900);
        let f = &feeds(&raw.feeds, every, &limits, &ctx).unwrap()[0];
        assert!(f.adaptive && f.encoding.is_some() && f.interval == every);
        let src = "[[feeds]]\nurl = \"https://a.example/rss\"\nencoding = \"klingon\"\n";
        let (ctx, raw) = parsed(src);
        let e = feeds(&raw.feeds, every, &limits, &ctx)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:3: key `feeds[0].encoding`"), "{e}");
        // Without an interval of its own, a feed too fast is reported at its url.
        let e = feeds(&raw.feeds, Duration::from_secs(1), &limits, &ctx);
        let e = e.unwrap_err().to_string();
        assert!(e.starts_with("c.toml:2: key `feeds[0].interval`"), "{e}");
    }

    #[test]
    fn feeds_opml_section() {
        let dir = tempfile::tempdir().unwrap();
        let opml = dir.path().join("f.opml");
        std::fs::write(&opml, "<opml version=\"2.0\"><body><outline type=\"rss\" text=\"A\" xmlUrl=\"https://a.example/rss\"/></body></opml>").unwrap();
        let src = format!("\nfeeds_opml = [{:?}]\n", opml.display().to_string());
        let (ctx, raw) = parsed(&src);
        let mut listed = Vec::new();
        let every = Duration::from_secs(900);
        feeds_opml(&raw.feeds_opml, every, &mut listed, &ctx).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].url.as_str(), "https://a.example/rss");
        let (ctx, raw) = parsed("\nfeeds_opml = [\"/nonexistent/f.opml\"]\n");
        let e = feeds_opml(&raw.feeds_opml, every, &mut listed, &ctx);
        let e = e.unwrap_err().to_string();
        assert!(e.starts_with("c.toml:2 (feeds_opml[0]): feed list"), "{e}");
    }
}
