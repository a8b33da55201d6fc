use sahel_watch::detect::Analysis;
use sahel_watch::store::Store;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Item id (as listed by `query`).
    id: i64,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

/// Prints an analysis the way `show` and `classify` do.
pub fn print_analysis(a: &Analysis) {
    let events: Vec<&str> = a.events.iter().map(|e| e.as_str()).collect();
    println!("relevant:  {} (score {:.1})", a.relevant, a.score);
    println!("events:    {}", events.join(", "));
    println!("countries: {}", a.countries.join(", "));
    println!("entities:  {}", a.entities.join(", "));
    let f = &a.figures;
    let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
    println!(
        "figures:   killed {} wounded {} kidnapped {}",
        n(f.killed),
        n(f.wounded),
        n(f.kidnapped)
    );
    println!("why:");
    for e in &a.explanation {
        println!(
            "  {:<40} {:<24} «{}» @{}..{}",
            e.rule, e.term, e.matched, e.start, e.end
        );
    }
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    let item = store.item(a.id)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&item)?);
        return Ok(Exit::Ok);
    }
    let time = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.to_rfc3339())
            .unwrap_or_default()
    };
    println!("item {}: {}", item.row.id, item.row.title);
    println!("feed:      {} ({})", item.row.feed, item.feed_url);
    println!("url:       {}", item.row.url.as_deref().unwrap_or("-"));
    println!("identity:  {}", item.identity);
    println!("published: {}", time(item.row.published));
    println!("fetched:   {}", time(item.fetched_at));
    print_analysis(&item.analysis);
    println!("\n{}", item.text);
    Ok(Exit::Ok)
}
