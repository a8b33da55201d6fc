use std::path::PathBuf;

use anyhow::Context as _;
use sahel_watch::store::{now, Store};

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The HTML file to write (one self-contained page: inline SVG, no script, no network).
    #[arg(long)]
    out: PathBuf,
    /// Stories first reported since then: an age («84d»), a date or RFC 3339.
    #[arg(long, default_value = "84d")]
    since: String,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    let since = super::query::parse_time(&a.since, now())?;
    let stories: Vec<_> = store
        .stories(Some(since), usize::MAX >> 1)?
        .into_iter()
        .filter(|s| s.first_seen >= since)
        .collect();
    let headline = |id: i64| {
        store
            .story(id)
            .ok()
            .and_then(|(_, articles)| articles.into_iter().next())
            .map(|a| (a.title, a.url))
    };
    let generated = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let page = sahel_watch::report::html(&stories, &headline, &generated);
    std::fs::write(&a.out, page).with_context(|| format!("writing {}", a.out.display()))?;
    eprintln!("{} stories → {}", stories.len(), a.out.display());
    Ok(Exit::Ok)
}
