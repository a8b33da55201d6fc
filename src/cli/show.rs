use sahel_watch::detect::Analysis;
use sahel_watch::store::Store;

use super::{Exit, Globals, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An item id (as listed by `query`), or `story ID` (as listed by `stories`).
    #[arg(value_name = "ID | story ID", num_args = 1..=2, required = true)]
    target: Vec<String>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_id(s: &str) -> Result<i64, UsageError> {
    s.parse()
        .map_err(|_| UsageError(format!("{s:?} is not an id (show ID, or show story ID)")))
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
            "  {:<15} {:<40} {:<24} «{}» @{}..{}",
            e.pass, e.rule, e.term, e.matched, e.start, e.end
        );
    }
}

fn time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339())
        .unwrap_or_default()
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let id = match a.target.as_slice() {
        [id] => parse_id(id)?,
        [what, id] if what == "story" => return show_story(g, parse_id(id)?, a.json),
        _ => {
            return Err(UsageError(format!(
                "show ID, or show story ID (not {:?})",
                a.target.join(" ")
            ))
            .into())
        }
    };
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    let item = store.item(id)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&item)?);
        return Ok(Exit::Ok);
    }
    println!("item {}: {}", item.row.id, item.row.title);
    println!("feed:      {} ({})", item.row.feed, item.feed_url);
    println!("url:       {}", item.row.url.as_deref().unwrap_or("-"));
    println!("identity:  {}", item.identity);
    println!("published: {}", time(item.row.published));
    println!("fetched:   {}", time(item.fetched_at));
    println!("text:      {}", item.row.provenance().describe());
    if let Some(t) = item.event_at {
        println!("event:     {}", time(t));
    }
    match (item.story_id, &item.story_reason) {
        (Some(s), Some(why)) => println!("story:     {s} ({why})"),
        (None, Some(why)) => println!("story:     none ({why})"),
        _ => {}
    }
    // A roundup also tells incidents of other stories.
    for also in item
        .stories
        .iter()
        .filter(|s| Some(s.story_id) != item.story_id)
    {
        println!(
            "also:      story {} ({})",
            also.story_id,
            also.reason.as_deref().unwrap_or("-")
        );
    }
    print_analysis(&item.analysis);
    println!("\n{}", item.text);
    Ok(Exit::Ok)
}

fn show_story(g: &Globals, id: i64, json: bool) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    let (story, articles) = store.story(id)?;
    if json {
        let corroboration = sahel_watch::dedup::Corroboration::of(&config.rules, &story.facts);
        let v = serde_json::json!({
            "story": story,
            "corroboration": corroboration,
            "articles": articles,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(Exit::Ok);
    }
    super::stories::print_story(&config.rules, &story);
    println!("articles:");
    for a in &articles {
        println!(
            "  item {:>6}  {}  {}  {}",
            a.item_id,
            a.published_at.map(time).unwrap_or_default(),
            sahel_watch::text::sanitize_line(&a.feed_name, 30),
            sahel_watch::text::sanitize_line(&a.title, 80)
        );
        if let Some(why) = &a.reason {
            println!("                {why}");
        }
    }
    Ok(Exit::Ok)
}
