use std::io::Write;

use sahel_watch::arabic::query_terms;
use sahel_watch::detect::EventKind;
use sahel_watch::store::{now, ItemFilter, ItemRow, Store};

use super::{Exit, Globals, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Items published at or after this time: RFC 3339, a date (2024-05-01), or an age (24h, 7d).
    #[arg(long)]
    since: Option<String>,
    /// Items published before this time (same forms as --since).
    #[arg(long)]
    until: Option<String>,
    /// Only items reporting this event (attack, kidnapping, border_closure); repeatable.
    #[arg(long = "event")]
    events: Vec<String>,
    /// Only items about this country (ISO code such as ML); repeatable.
    #[arg(long = "country")]
    countries: Vec<String>,
    /// Only items from this feed (its URL, or part of its name, title or URL).
    #[arg(long)]
    feed: Option<String>,
    /// Full-text search, in any spelling (diacritics, hamza forms and clitics are ignored).
    #[arg(long)]
    text: Option<String>,
    /// Include items judged not relevant.
    #[arg(long)]
    all: bool,
    /// At most this many items, newest first.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Output format: table, json (one object a line) or csv.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

/// Reads a time bound: RFC 3339, a plain date (midnight UTC), or an age before now.
pub fn parse_time(s: &str, now: i64) -> Result<i64, UsageError> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
            .timestamp());
    }
    if let Ok(d) = humantime::parse_duration(s) {
        return Ok(now.saturating_sub(d.as_secs().min(i64::MAX as u64) as i64));
    }
    Err(UsageError(format!(
        "{s:?} is not a time: use RFC 3339 (2024-05-01T00:00:00Z), a date (2024-05-01) or an age (24h, 7d)"
    )))
}

fn rfc3339(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let t = now();
    let mut filter = ItemFilter {
        since: a.since.as_deref().map(|s| parse_time(s, t)).transpose()?,
        until: a.until.as_deref().map(|s| parse_time(s, t)).transpose()?,
        feed: a.feed,
        all: a.all,
        limit: a.limit,
        ..Default::default()
    };
    for e in &a.events {
        let k = EventKind::parse(e).ok_or_else(|| {
            UsageError(format!(
                "unknown event {e:?} (attack, kidnapping, border_closure)"
            ))
        })?;
        filter.events.push(k.as_str().to_owned());
    }
    filter.countries = a.countries.iter().map(|c| c.to_ascii_uppercase()).collect();
    if let Some(q) = &a.text {
        filter.text = query_terms(q);
        if filter.text.is_empty() {
            return Err(UsageError(format!("--text {q:?} has no words to search")).into());
        }
    }
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    let rows = store.query(&filter)?;
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            for r in &rows {
                writeln!(out, "{}", serde_json::to_string(&json_row(r))?)?;
            }
        }
        Format::Csv => {
            writeln!(
                out,
                "id,published,feed,url,title,relevant,score,events,countries"
            )?;
            for r in &rows {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{:.1},{},{}",
                    r.id,
                    rfc3339(r.published),
                    csv_field(&r.feed),
                    csv_field(r.url.as_deref().unwrap_or("")),
                    csv_field(&r.title),
                    r.relevant,
                    r.score,
                    r.events.join(";"),
                    r.countries.join(";")
                )?;
            }
        }
        Format::Table => {
            for r in &rows {
                let title: String = r.title.chars().take(80).collect();
                writeln!(
                    out,
                    "{:>6}  {}  {:<24} {:<8} {:<18} {}",
                    r.id,
                    &rfc3339(r.published)[..16.min(rfc3339(r.published).len())],
                    r.events.join(","),
                    r.countries.join(","),
                    r.feed.chars().take(18).collect::<String>(),
                    title
                )?;
            }
            if rows.is_empty() {
                eprintln!("no items match");
            }
        }
    }
    Ok(Exit::Ok)
}

fn json_row(r: &ItemRow) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "feed": r.feed,
        "url": r.url,
        "title": r.title,
        "published": rfc3339(r.published),
        "relevant": r.relevant,
        "score": r.score,
        "events": r.events,
        "countries": r.countries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_forms() {
        assert_eq!(parse_time("24h", 100_000).unwrap(), 100_000 - 86_400);
        assert_eq!(parse_time("1970-01-02", 0).unwrap(), 86_400);
        assert_eq!(parse_time("1970-01-01T00:01:00Z", 0).unwrap(), 60);
        assert!(parse_time("yesterday", 0).is_err());
    }
}
