use std::path::PathBuf;

use sahel_watch::config::{write_opml, Config, OpmlFeed};
use sahel_watch::detect::analyze;
use sahel_watch::feed::{read_feed, ReadError};
use sahel_watch::fetch::{FetchOutcome, Fetcher, Validators};
use sahel_watch::store::Store;

use super::{Exit, Globals, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Print as JSON (one object a line).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Each feed's status, last fetch, error and item count (the default).
    List,
    /// Fetch and parse one feed now and say what was found (nothing is stored).
    Check {
        /// Feed URL.
        url: String,
    },
    /// Write the configured feeds as OPML.
    Export {
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn time(t: Option<i64>) -> String {
    t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "never".into())
}

/// A WebSub subscription in one line: «WebSub active at https://hub… until 2026-12-14 08:00
/// UTC: 12 pushes (last 2026-12-07 10:02 UTC), 0 refused».
fn websub_line(w: &sahel_watch::store::WebSubStatus) -> String {
    let mut line = format!("WebSub {} at {}", w.state, w.hub);
    if let Some(until) = w.lease_until {
        line.push_str(&format!(" until {}", time(Some(until))));
    }
    line.push_str(&format!(": {} pushes", w.pushes));
    if let Some(at) = w.last_push_at {
        line.push_str(&format!(" (last {})", time(Some(at))));
    }
    line.push_str(&format!(", {} refused (bad signature)", w.refused));
    if let Some(e) = &w.last_error {
        line.push_str(&format!("; {e}"));
    }
    line
}

/// The interval a feed is polled at between failures, and why (`fetch::polling`).
fn polling(
    config: &sahel_watch::config::Config,
    store: &Store,
    f: &sahel_watch::store::FeedHealth,
) -> anyhow::Result<(std::time::Duration, String)> {
    let Some(settings) = config.feed(&f.url) else {
        return Ok((
            std::time::Duration::ZERO,
            "no longer in the configuration".into(),
        ));
    };
    let now = chrono::Utc::now().timestamp();
    let since = now - sahel_watch::fetch::HISTORY.as_secs() as i64;
    let history = store.feed_history(f.id, since, sahel_watch::fetch::HISTORY_ITEMS)?;
    Ok(sahel_watch::fetch::polling(
        &history,
        now,
        config.pace_bounds(),
        (settings.adaptive, settings.interval),
    ))
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    match a.command.unwrap_or(Command::List) {
        Command::List => list(&config, a.json),
        Command::Check { url } => check(&config, &url),
        Command::Export { out } => {
            let feeds: Vec<OpmlFeed> = config
                .feeds
                .iter()
                .map(|f| OpmlFeed {
                    url: f.url.to_string(),
                    title: f.name.clone(),
                })
                .collect();
            let xml = write_opml(&feeds);
            match out {
                Some(p) => std::fs::write(&p, xml)?,
                None => print!("{xml}"),
            }
            Ok(Exit::Ok)
        }
    }
}

/// The stored feeds, their health and their pace.
fn list(config: &Config, json: bool) -> anyhow::Result<Exit> {
    let store = Store::open(&config.data_dir)?;
    let feeds = store.feed_health()?;
    if json {
        for f in &feeds {
            let (interval, why) = polling(config, &store, f)?;
            let mut v = serde_json::to_value(f)?;
            v["interval_seconds"] = interval.as_secs().into();
            v["interval_why"] = why.into();
            v["websub"] = serde_json::to_value(store.websub_status(f.id)?)?;
            println!("{v}");
        }
        return Ok(Exit::Ok);
    }
    for f in &feeds {
        println!(
            "{:>4} {:<8} items {:>5} ({} relevant)  last ok {}  failures {}{}",
            f.id,
            if f.active {
                f.status.as_str()
            } else {
                "inactive"
            },
            f.items,
            f.relevant_items,
            time(f.last_success_at),
            f.consecutive_failures,
            if f.status == "gone" {
                String::new()
            } else {
                format!("  next {}", time(Some(f.next_poll_at)))
            }
        );
        println!(
            "     {}",
            f.name
                .as_deref()
                .or(f.title.as_deref())
                .map(|n| format!("{n} — {}", f.url))
                .unwrap_or_else(|| f.url.clone())
        );
        let (interval, why) = polling(config, &store, f)?;
        println!("     every {}: {why}", humantime::format_duration(interval));
        if let Some(w) = store.websub_status(f.id)? {
            println!("     {}", websub_line(&w));
        }
        if let Some(e) = &f.last_error {
            println!("     error: {e}");
        }
    }
    if feeds.is_empty() {
        eprintln!("no feeds stored yet: run `sahel-watch run --once` first");
    }
    Ok(Exit::Ok)
}

/// Fetches and reads one URL as the daemon would, and says what it found.
fn check(config: &Config, url: &str) -> anyhow::Result<Exit> {
    let url = url::Url::parse(url).map_err(|e| UsageError(format!("{url:?} is not a URL: {e}")))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let fetcher = Fetcher::new(&config.limits.fetch(), &config.user_agent)?;
    let outcome = rt.block_on(fetcher.fetch(&url, &Validators::default()));
    let fetched = match outcome {
        Ok(FetchOutcome::Fetched(f)) => f,
        Ok(FetchOutcome::NotModified { .. }) => {
            println!("{url}: 304 Not Modified without validators: the server is misbehaving");
            return Ok(Exit::Failure);
        }
        Err(e) => {
            println!("{url}: fetch failed: {e}");
            return Ok(Exit::Failure);
        }
    };
    println!(
        "{url}: HTTP {} , {} bytes, content type {}",
        fetched.status,
        fetched.body.len(),
        fetched.content_type.as_deref().unwrap_or("-")
    );
    if let Some(m) = &fetched.moved_to {
        println!("  moved permanently to {m}: update the configuration");
    }
    // The same reading as the daemon's, with the feed's encoding override if it is
    // configured.
    let forced = config.feed(url.as_str()).and_then(|f| f.encoding);
    match read_feed(
        fetched.body,
        fetched.content_type.as_deref(),
        fetched.content_encoding.as_deref(),
        forced,
        &config.limits.read(),
    ) {
        Ok((p, enc)) => {
            println!("  charset: {}", enc.name());
            println!("  title: {}", p.title.as_deref().unwrap_or("-"));
            println!(
                "  entries: {}{}",
                p.entries.len(),
                if p.dropped > 0 {
                    format!(" (+{} over the limit)", p.dropped)
                } else {
                    String::new()
                }
            );
            let relevant = p
                .entries
                .iter()
                .filter(|e| analyze(&config.rules, &e.title, &e.text).relevant)
                .count();
            println!("  relevant now: {relevant}");
            for e in p.entries.iter().take(5) {
                println!("  - {}", e.title.chars().take(100).collect::<String>());
            }
            Ok(Exit::Ok)
        }
        Err(e @ ReadError::Body(_)) => {
            println!("  {e}");
            Ok(Exit::Failure)
        }
        Err(e @ ReadError::Feed(_)) => {
            println!("  not a feed: {e}");
            Ok(Exit::Failure)
        }
    }
}
