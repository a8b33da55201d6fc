use std::path::PathBuf;

use anyhow::Context as _;
use sahel_watch::report::{Briefing, Lang};
use sahel_watch::store::Store;
use sahel_watch::time::now;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The HTML file to write (one self-contained page: inline SVG, no script, no network).
    #[arg(long)]
    out: PathBuf,
    /// Stories first reported since then: an age («84d»), a date or RFC 3339.
    #[arg(long, default_value = "84d")]
    since: String,
    /// And before then (a date is its midnight, so «--until 2018-03-05» ends with 4 March).
    #[arg(long)]
    until: Option<String>,
    /// The language of the headings and place names; headlines stay as written.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    let now = now();
    let since = super::query::parse_time(&a.since, now)?;
    let until = match &a.until {
        Some(u) => super::query::parse_time(u, now)?,
        None => i64::MAX,
    };
    let stories: Vec<_> = store
        .stories(Some(since), usize::MAX >> 1)?
        .into_iter()
        .filter(|s| (since..until).contains(&s.first_seen))
        .collect();
    let headline = |id: i64| {
        store
            .story(id)
            .ok()
            .and_then(|(_, articles)| articles.into_iter().next())
            .map(|a| (a.title, a.url))
    };
    let generated = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let asked = match &a.until {
        Some(u) => format!("--since {} --until {u}", a.since),
        None => format!("--since {}", a.since),
    };
    let page = sahel_watch::report::html(&Briefing {
        stories: &stories,
        rules: &config.rules,
        headlines: &headline,
        generated: &generated,
        asked: &asked,
        period: (since, if until == i64::MAX { now } else { until }),
        lang: a.lang,
    });
    std::fs::write(&a.out, page).with_context(|| format!("writing {}", a.out.display()))?;
    eprintln!("{} stories → {}", stories.len(), a.out.display());
    Ok(Exit::Ok)
}
