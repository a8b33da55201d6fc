use std::io::Write;

use sahel_watch::arabic::parse_search;
use sahel_watch::detect::{EntityKind, EventKind};
use sahel_watch::store::{ItemFilter, ItemRow, Store};
use sahel_watch::time::now;

use super::export::{self, rfc3339};
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
    /// Full-text search in any spelling (diacritics, hamza forms, clitics and the gazetteer's
    /// spellings of a place): words, "a phrase", OR between alternatives, -word to exclude.
    #[arg(long)]
    text: Option<String>,
    /// Only items naming this place (gazetteer id such as ml-menaka, or any of its names);
    /// repeatable.
    #[arg(long = "place")]
    places: Vec<String>,
    /// Only items naming this armed group (id such as g-jnim, or a name); repeatable.
    #[arg(long = "group")]
    groups: Vec<String>,
    /// Only items reporting at least this many killed.
    #[arg(long)]
    min_killed: Option<u32>,
    /// Only items reporting at least this many kidnapped.
    #[arg(long)]
    min_kidnapped: Option<u32>,
    /// Only items of this story (see `stories`).
    #[arg(long)]
    story: Option<i64>,
    /// Include items judged not relevant.
    #[arg(long)]
    all: bool,
    /// At most this many items, newest first. Exports (json, csv, geojson, acled) give every
    /// match without it; the table shows a page of the newest and says how many more match.
    #[arg(long)]
    limit: Option<usize>,
    /// Output: table; json (one object a line); csv; geojson (a FeatureCollection of the
    /// items' places); acled (an ACLED-like CSV, one row per story).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
    Geojson,
    Acled,
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
    filter.min_killed = a.min_killed;
    filter.min_kidnapped = a.min_kidnapped;
    filter.story = a.story;
    let config = g.config()?;
    let rules = &config.rules;
    for (flag, names, kind) in [
        ("--place", &a.places, None),
        ("--group", &a.groups, Some(EntityKind::Group)),
    ] {
        for n in names {
            let ids: Vec<String> = rules
                .entities_named(n)
                .into_iter()
                .filter(|id| {
                    let k = rules.entity(id).map(|e| e.kind);
                    match kind {
                        Some(want) => k == Some(want),
                        None => k != Some(EntityKind::Group),
                    }
                })
                .collect();
            if ids.is_empty() {
                return Err(UsageError(format!(
                    "{flag} {n:?}: no such entry in the gazetteer (try its id, as `show` lists them)"
                ))
                .into());
            }
            filter.entities.extend(ids);
        }
    }
    if let Some(q) = &a.text {
        let search = parse_search(q, &|w| rules.aliases(w)).map_err(UsageError)?;
        filter.search = Some(search);
    }
    let store = Store::open(&config.data_dir)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Geojson => {
            let skipped = export::geojson(&mut out, rules, &store, &filter)?;
            if skipped > 0 {
                eprintln!("{skipped} items name no place with coordinates and are not in the map");
            }
        }
        Format::Acled => export::acled(&mut out, rules, &store, &filter)?,
        Format::Json => {
            let mut corroboration = export::Corroborations::new(rules, &store);
            store.query_each(&filter, |r| -> anyhow::Result<()> {
                let mut row = json_row(&r);
                if r.story_id.is_some() {
                    row["corroboration"] = corroboration.of(r.story_id)?.into();
                }
                writeln!(out, "{}", serde_json::to_string(&row)?)?;
                Ok(())
            })?
        }
        Format::Csv => export::csv(&mut out, rules, &store, &filter)?,
        Format::Table => table(&mut out, &store, filter)?,
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// The items the table shows when `--limit` is not given.
pub const TABLE_PAGE: usize = 50;

/// The newest matches as a table, a page of them unless `--limit` says otherwise, and how many
/// more there are.
fn table(out: &mut impl Write, store: &Store, mut filter: ItemFilter) -> anyhow::Result<()> {
    let page = filter.limit.unwrap_or(TABLE_PAGE);
    filter.limit = None;
    let (mut shown, mut more) = (0usize, 0usize);
    store.query_each(&filter, |r| -> anyhow::Result<()> {
        if shown == page {
            more += 1;
            return Ok(());
        }
        shown += 1;
        let title: String = r.title.chars().take(80).collect();
        let published = rfc3339(r.published);
        writeln!(
            out,
            "{:>6}  {}  {:<24} {:<8} {:<18} {}",
            r.id,
            &published[..16.min(published.len())],
            r.events.join(","),
            r.countries.join(","),
            r.feed.chars().take(18).collect::<String>(),
            title
        )?;
        if let Some(sn) = &r.snippet {
            writeln!(out, "        {sn}")?;
        }
        Ok(())
    })?;
    if shown == 0 {
        eprintln!("no items match");
    } else if more > 0 {
        eprintln!(
            "{shown} shown, {more} more match: --limit {} shows them all, --format json or csv exports them",
            shown + more
        );
    }
    Ok(())
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
        "entities": r.entities,
        "killed": r.killed,
        "wounded": r.wounded,
        "kidnapped": r.kidnapped,
        "story": r.story_id,
        "event_date": r.event_at.map(rfc3339),
        "snippet": r.snippet,
        "text_source": r.text_source,
        "text_note": r.text_note,
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
