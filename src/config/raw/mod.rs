//! The configuration file as written, and its validation into [`Config`]: one validator per
//! section, in the files named after them; `build` calls them in turn.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{parse_duration, Config, ConfigError, FeedConfig};
use crate::detect::RulePack;
use console::RawConsole;
use feeds::RawFeed;
pub use limits::RawLimits;
use operator::RawOperator;
use recipients::RawRecipient;
use smtp::RawSmtp;
use stories::RawStories;
use surge::RawSurge;
use websub::RawWebSub;

mod console;
mod feeds;
mod limits;
mod operator;
mod recipients;
mod smtp;
mod stories;
mod surge;
mod websub;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_data_dir")]
    data_dir: Spanned<String>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    feeds_opml: Vec<Spanned<String>>,
    #[serde(default = "default_interval")]
    default_interval: Spanned<String>,
    #[serde(default)]
    user_agent: Option<String>,
    #[serde(default)]
    feeds: Vec<RawFeed>,
    #[serde(default)]
    smtp: Option<RawSmtp>,
    #[serde(default)]
    recipients: Vec<Spanned<RawRecipient>>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    operator: Option<RawOperator>,
    #[serde(default)]
    metrics: RawMetrics,
    #[serde(default)]
    templates: Option<RawTemplates>,
    #[serde(default)]
    stories: RawStories,
    #[serde(default)]
    retention: RawRetention,
    #[serde(default)]
    surge: RawSurge,
    #[serde(default)]
    websub: Option<RawWebSub>,
    #[serde(default)]
    console: Option<RawConsole>,
}

/// What the archive lets go of, and when (migration 0008 says why).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawRetention {
    /// Items never judged relevant lose their text and index entries this many days after
    /// they were fetched (their identity stays: nothing is fetched or alerted twice); 0 keeps
    /// every text.
    irrelevant_text_days: u32,
}

impl Default for RawRetention {
    fn default() -> Self {
        RawRetention {
            irrelevant_text_days: 30,
        }
    }
}

/// Where alert templates that replace the bundled ones live.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplates {
    /// A directory; a file named like a bundled template (alert.txt, alert.html, digest.txt,
    /// digest.html, _alert.txt, _alert.html) replaces it.
    dir: Spanned<String>,
}

/// Where Prometheus metrics and the health check are served.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawMetrics {
    /// `host:port`; an empty string turns the listener off.
    listen: Spanned<String>,
}

impl Default for RawMetrics {
    fn default() -> Self {
        RawMetrics {
            listen: Spanned::new(0..0, "127.0.0.1:9617".into()),
        }
    }
}

fn default_data_dir() -> Spanned<String> {
    Spanned::new(0..0, "./data".into())
}

fn default_interval() -> Spanned<String> {
    Spanned::new(0..0, "15m".into())
}

fn line_of(src: &str, span: &Range<usize>) -> usize {
    src[..span.start.min(src.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// The file being validated, the name errors give it, and the directory its relative paths
/// start from: every section's errors are made here, so all name the file and line alike.
struct Ctx<'a> {
    src: &'a str,
    origin: &'a str,
    base: &'a Path,
}

impl Ctx<'_> {
    /// The TOML read into `T`; a syntax or shape error names the line toml found it on.
    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, ConfigError> {
        toml::from_str(self.src).map_err(|e| ConfigError::Syntax {
            path: self.origin.to_owned(),
            line: e.span().map(|s| line_of(self.src, &s)).unwrap_or(0),
            message: e.message().trim().to_owned(),
        })
    }

    /// A refusal of `key` at the line where `span` starts (line 1 for a default value).
    fn invalid(&self, span: &Range<usize>, key: &str, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.origin.to_owned(),
            line: line_of(self.src, span),
            key: key.to_owned(),
            message,
        }
    }

    /// A path written in the file: relative ones are relative to the file's directory.
    fn resolve(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_owned()
        } else {
            self.base.join(p)
        }
    }
}

pub(super) fn build(src: &str, origin: &str, base: &Path) -> Result<Config, ConfigError> {
    let ctx = Ctx { src, origin, base };
    let raw: RawConfig = ctx.parse()?;
    let limits = limits::limits(raw.limits, &ctx)?;
    let default_interval = polling_interval(&raw.default_interval, &ctx)?;
    let mut feeds = feeds::feeds(&raw.feeds, default_interval, &limits, &ctx)?;
    feeds::feeds_opml(&raw.feeds_opml, default_interval, &mut feeds, &ctx)?;
    let smtp = raw.smtp.map(|s| smtp::smtp(s, &ctx)).transpose()?;
    let recipients = recipients::recipients(raw.recipients, smtp.as_ref(), &ctx)?;
    let operator = raw
        .operator
        .map(|o| operator::operator(&o, &ctx))
        .transpose()?;
    let metrics_listen = metrics(&raw.metrics, &ctx)?;
    let rules = rules(&raw.rules, &ctx)?;
    let templates = templates(raw.templates.as_ref(), &ctx)?;
    let stories = stories::stories(&raw.stories, &ctx)?;
    let surge = surge::surge(&raw.surge, publishers(&feeds), &ctx)?;
    let websub = raw
        .websub
        .as_ref()
        .map(|w| websub::websub(w, &ctx))
        .transpose()?;
    let console = raw
        .console
        .as_ref()
        .map(|c| console::console(c, &ctx))
        .transpose()?;
    Ok(Config {
        source: origin.to_owned(),
        stories,
        surge,
        retention: retention(&raw.retention),
        templates: Arc::new(templates),
        data_dir: Path::new(raw.data_dir.get_ref()).to_owned(),
        smtp,
        recipients,
        limits,
        operator,
        metrics_listen,
        websub,
        console,
        user_agent: raw.user_agent.unwrap_or_else(|| {
            format!(
                "sahel-watch/{} (+https://github.com/sahel-watch/sahel-watch)",
                env!("CARGO_PKG_VERSION")
            )
        }),
        rules: Arc::new(rules),
        feed_index: feeds
            .iter()
            .enumerate()
            .map(|(i, f)| (f.url.to_string(), i))
            .collect(),
        feeds,
    })
}

/// `default_interval`: the polling interval of feeds that give none.
fn polling_interval(raw: &Spanned<String>, ctx: &Ctx) -> Result<Duration, ConfigError> {
    parse_duration(raw.get_ref()).map_err(|m| ctx.invalid(&raw.span(), "default_interval", m))
}

/// `[metrics] listen`: `host:port`, or "" for no listener.
fn metrics(raw: &RawMetrics, ctx: &Ctx) -> Result<Option<std::net::SocketAddr>, ConfigError> {
    match raw.listen.get_ref().trim() {
        "" => Ok(None),
        a => a.parse().map(Some).map_err(|e| {
            ctx.invalid(
                &raw.listen.span(),
                "metrics.listen",
                format!("{a:?} is not host:port ({e}); use \"\" to turn metrics off"),
            )
        }),
    }
}

/// `rules`: one rule pack file, or the bundled pack when none is named.
fn rules(raw: &[Spanned<String>], ctx: &Ctx) -> Result<RulePack, ConfigError> {
    match raw {
        [] => Ok(RulePack::bundled()),
        [one] => {
            RulePack::from_file(&ctx.resolve(one.get_ref())).map_err(|source| ConfigError::Rules {
                path: ctx.origin.to_owned(),
                source,
            })
        }
        [_, second, ..] => Err(ctx.invalid(
            &second.span(),
            "rules",
            "one rule pack file is supported; merge the others into it".into(),
        )),
    }
}

/// `[templates] dir`: a directory of templates replacing bundled ones, or the bundled ones.
fn templates(
    raw: Option<&RawTemplates>,
    ctx: &Ctx,
) -> Result<crate::alert::Templates, ConfigError> {
    let Some(t) = raw else {
        return Ok(crate::alert::Templates::bundled());
    };
    let dir = ctx.resolve(t.dir.get_ref());
    if !dir.is_dir() {
        return Err(ctx.invalid(
            &t.dir.span(),
            "templates.dir",
            format!("{} is not a directory", dir.display()),
        ));
    }
    crate::alert::Templates::load(Some(&dir)).map_err(|source| ConfigError::Templates {
        path: ctx.origin.to_owned(),
        source: Box::new(source),
    })
}

/// How many distinct publishers the feeds have: the default surge bar depends on it.
fn publishers(feeds: &[FeedConfig]) -> usize {
    feeds
        .iter()
        .map(|f| crate::dedup::publisher(f.publisher.as_deref(), None, &f.url))
        .collect::<std::collections::BTreeSet<String>>()
        .len()
}

/// `[retention]`: 0 days keeps every text.
fn retention(raw: &RawRetention) -> super::Retention {
    let days = u64::from(raw.irrelevant_text_days);
    super::Retention {
        irrelevant_text: (days > 0).then(|| Duration::from_secs(days * 86_400)),
    }
}

/// A listener's `host:port`.
fn socket_addr(
    raw: &Spanned<String>,
    key: &str,
    ctx: &Ctx,
) -> Result<std::net::SocketAddr, ConfigError> {
    raw.get_ref().trim().parse().map_err(|e| {
        ctx.invalid(
            &raw.span(),
            key,
            format!("{:?} is not host:port ({e})", raw.get_ref()),
        )
    })
}

/// A duration from `min` (seconds, and as written) to 30 days.
fn duration_within(
    raw: &Spanned<String>,
    key: &str,
    (min, written): (u64, &str),
    ctx: &Ctx,
) -> Result<Duration, ConfigError> {
    parse_duration(raw.get_ref())
        .and_then(|d| {
            if (min..=30 * 86_400).contains(&d.as_secs()) {
                Ok(d)
            } else {
                Err(format!("between {written} and 30d"))
            }
        })
        .map_err(|m| ctx.invalid(&raw.span(), key, m))
}

/// A secret from a file (its first line) or an environment variable, never both.
fn read_secret(
    (file_key, file): (&str, Option<&Spanned<String>>),
    (env_key, env): (&str, Option<&Spanned<String>>),
    ctx: &Ctx,
) -> Result<Option<String>, ConfigError> {
    match (file, env) {
        (Some(_), Some(e)) => Err(ctx.invalid(
            &e.span(),
            env_key,
            format!("give {file_key} or {env_key}, not both"),
        )),
        (Some(f), None) => {
            let path = ctx.resolve(f.get_ref());
            let text = std::fs::read_to_string(&path).map_err(|e| {
                ctx.invalid(
                    &f.span(),
                    file_key,
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
        }
        (None, Some(e)) => Ok(Some(std::env::var(e.get_ref()).map_err(|_| {
            ctx.invalid(
                &e.span(),
                env_key,
                format!("environment variable {} is not set", e.get_ref()),
            )
        })?)),
        (None, None) => Ok(None),
    }
}

/// Whether a host (without IPv6 brackets) is this machine: what may be reached in clear.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `src` read as `build` reads it, for a section's own tests: the section's validator then
/// runs on what `build` would give it, with errors naming `c.toml`.
#[cfg(test)]
fn parsed(src: &str) -> (Ctx<'_>, RawConfig) {
    let ctx = Ctx {
        src,
        origin: "c.toml",
        base: Path::new("."),
    };
    let raw = ctx.parse().expect("valid TOML");
    (ctx, raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surge_bar_defaults_to_a_quarter_of_the_publishers_and_an_explicit_one_wins() {
        // Nine feeds of six publishers: two feeds of one site and two said to be one outlet's.
        let mut src = String::new();
        for host in [
            "a.example",
            "www.a.example",
            "b.example",
            "c.example",
            "d.example",
        ] {
            src.push_str(&format!("[[feeds]]\nurl = \"http://{host}/rss\"\n"));
        }
        for host in ["e.example", "f.example", "g.example", "h.example"] {
            src.push_str(&format!(
                "[[feeds]]\nurl = \"http://{host}/rss\"\npublisher = \"Outlet {}\"\n",
                if host < "g" { "E" } else { "G" }
            ));
        }
        let c = build(&src, "c.toml", Path::new(".")).expect("valid");
        assert_eq!(c.surge.min_publishers, 2, "6 publishers");
        for host in [
            "i.example",
            "j.example",
            "k.example",
            "l.example",
            "m.example",
        ] {
            src.push_str(&format!("[[feeds]]\nurl = \"http://{host}/rss\"\n"));
        }
        let c = build(&src, "c.toml", Path::new(".")).expect("valid");
        assert_eq!(c.surge.min_publishers, 3, "11 publishers");
        src.push_str("[surge]\nmin_publishers = 4\n");
        let c = build(&src, "c.toml", Path::new(".")).expect("valid");
        assert_eq!(c.surge.min_publishers, 4);
    }

    #[test]
    fn bundled_config_loads() {
        let c = Config::load(None).unwrap();
        assert!(c.feeds.len() >= 10);
        assert!(c.smtp.is_none());
        assert_eq!(c.limits, RawLimits::default());
    }

    #[test]
    fn feeds_without_an_interval_follow_their_pace_within_the_limits() {
        let src = "[[feeds]]\nurl = \"http://a.example/rss\"\n\
                   [[feeds]]\nurl = \"http://b.example/rss\"\ninterval = \"30m\"\n";
        let c = build(src, "c.toml", Path::new(".")).unwrap();
        assert!(c.feeds[0].adaptive);
        assert!(!c.feeds[1].adaptive);
        assert_eq!(c.feeds[1].interval, Duration::from_secs(1800));
        assert_eq!(c.limits.max_interval, Duration::from_secs(7200));
        let src = "[limits]\nmin_interval = \"10m\"\nmax_interval = \"5m\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(e.contains("limits.max_interval"), "{e}");
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let src =
            "data_dir = \"x\"\n\n[[feeds]]\nurl = \"http://a.example/rss\"\ncolour = \"red\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:5:"), "{e}");
        assert!(e.contains("colour"), "{e}");
        let src = "[[feeds]]\nurl = \"http://a.example/rss\"\n[[feeds]]\nurl = \"not a url\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.toml:4:") && e.contains("feeds[1].url"),
            "{e}"
        );
        let src = "[[feeds]]\nurl = \"http://a.example/rss\"\ninterval = \"soon\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.toml:3") && e.contains("feeds[0].interval"),
            "{e}"
        );
        let src = "[[feeds]]\nurl = \"http://a.example/rss\"\nfull_text = \"sometimes\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.toml:3") && e.contains("feeds[0].full_text"),
            "{e}"
        );
        let src = "[surge]\nwindow = \"1h\"\nmin_publishers = 1\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.toml:3") && e.contains("surge.min_publishers"),
            "{e}"
        );
        let src = "\n[surge]\nbaseline = \"30m\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.toml:3") && e.contains("surge.baseline"),
            "{e}"
        );
        let src = "[smtp]\nurl = \"smtp://mail.example.org\"\nfrom = \"a@b.c\"\n";
        let e = build(src, "c.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.toml:2") && e.contains("smtp.url"), "{e}");
    }

    #[test]
    fn shipped_file_shows_the_code_defaults() {
        // The commented `# key = value` lines under [limits] in the shipped file must be the
        // defaults of RawLimits, so that the documentation cannot drift from the code.
        let mut in_limits = false;
        let mut shown = String::new();
        for line in super::super::BUNDLED_CONFIG.lines() {
            let t = line.trim();
            if t.starts_with("[limits]") || t.starts_with("# [limits]") {
                in_limits = true;
                continue;
            }
            if in_limits && (t.starts_with('[') || t.starts_with("# [")) {
                break;
            }
            if in_limits {
                if let Some(kv) = t.strip_prefix("# ").filter(|kv| kv.contains(" = ")) {
                    shown.push_str(kv);
                    shown.push('\n');
                }
            }
        }
        let parsed: RawLimits = toml::from_str(&shown).unwrap();
        assert_eq!(parsed, RawLimits::default());
        assert!(shown.lines().count() >= 10, "{shown}");
    }

    #[test]
    fn top_level_keys() {
        let (ctx, raw) = parsed("data_dir = \"d\"\ndefault_interval = \"5m\"\n");
        let interval = polling_interval(&raw.default_interval, &ctx).unwrap();
        assert_eq!(interval, Duration::from_secs(300));
        let (ctx, raw) = parsed("data_dir = \"d\"\ndefault_interval = \"soon\"\n");
        let e = polling_interval(&raw.default_interval, &ctx)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:2: key `default_interval`"), "{e}");
        let (ctx, raw) = parsed("\nrules = [\"a.toml\",\n  \"b.toml\"]\n");
        let e = rules(&raw.rules, &ctx).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:3: key `rules`: one rule pack"), "{e}");
    }

    #[test]
    fn metrics_section() {
        let (ctx, raw) = parsed("[metrics]\nlisten = \"\"\n");
        assert_eq!(metrics(&raw.metrics, &ctx).unwrap(), None);
        let (ctx, raw) = parsed("[metrics]\nlisten = \"localhost\"\n");
        let e = metrics(&raw.metrics, &ctx).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:2: key `metrics.listen`"), "{e}");
    }

    #[test]
    fn templates_section() {
        let (ctx, raw) = parsed("");
        assert!(templates(raw.templates.as_ref(), &ctx).is_ok());
        let (ctx, raw) = parsed("[templates]\ndir = \"/nonexistent/templates\"\n");
        let e = templates(raw.templates.as_ref(), &ctx)
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with("c.toml:2: key `templates.dir`"), "{e}");
    }

    #[test]
    fn retention_section() {
        let (_, raw) = parsed("[retention]\nirrelevant_text_days = 0\n");
        assert_eq!(retention(&raw.retention).irrelevant_text, None);
        let (_, raw) = parsed("[retention]\nirrelevant_text_days = 2\n");
        let kept = retention(&raw.retention).irrelevant_text;
        assert_eq!(kept, Some(Duration::from_secs(2 * 86_400)));
    }
}
