use sahel_watch::report::weekly;
use sahel_watch::store::{now, Store};

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Stories first reported since then: an age («84d»), a date or RFC 3339.
    #[arg(long, default_value = "84d")]
    since: String,
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    let since = super::query::parse_time(&a.since, now())?;
    let stories = store.stories(Some(since), usize::MAX >> 1)?;
    let stories: Vec<_> = stories
        .into_iter()
        .filter(|s| s.first_seen >= since)
        .collect();
    let rows = weekly(&stories);
    if a.json {
        for r in &rows {
            println!("{}", serde_json::to_string(r)?);
        }
        return Ok(Exit::Ok);
    }
    println!(
        "{:<10}  {:<7} {:<15} {:>7} {:>7} {:>7} {:>9}",
        "week", "country", "kind", "stories", "reports", "killed", "kidnapped"
    );
    for r in &rows {
        println!(
            "{:<10}  {:<7} {:<15} {:>7} {:>7} {:>7} {:>9}",
            r.week.to_string(),
            r.country,
            r.kind,
            r.stories,
            r.items,
            r.killed,
            r.kidnapped
        );
    }
    if rows.is_empty() {
        eprintln!("no stories since {}", a.since);
    }
    Ok(Exit::Ok)
}
