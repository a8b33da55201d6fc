use sahel_watch::dedup::Corroboration;
use sahel_watch::detect::RulePack;
use sahel_watch::store::{Store, StoryRow};
use sahel_watch::time::now;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only stories last seen since then: a duration back from now («7d»), a date or an RFC
    /// 3339 time.
    #[arg(long, default_value = "30d")]
    since: String,
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
    /// List the surge notices instead (a place suddenly named by many outlets; not
    /// incidents), sent since `--since`.
    #[arg(long)]
    surges: bool,
}

fn day(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The lines `stories` and `show story` print for a story.
pub fn print_story(rules: &RulePack, s: &StoryRow) {
    let f = &s.facts;
    let kinds: Vec<&str> = f.kinds.iter().map(|k| k.as_str()).collect();
    let places: Vec<&str> = f
        .cities
        .iter()
        .chain(&f.regions)
        .map(|p| p.id.as_str())
        .collect();
    let n = |v: Option<u32>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
    println!(
        "story {:>5}  {:<22} {:<9} first {}  last {}  {} items, {} outlets, {} updates",
        s.id,
        kinds.join("+"),
        f.countries.join(","),
        day(s.first_seen),
        day(s.last_seen),
        s.items,
        s.outlets.len(),
        s.updates
    );
    println!(
        "             places {}  groups {}  killed {} kidnapped {}{}",
        if places.is_empty() {
            "-".into()
        } else {
            places.join(",")
        },
        if f.groups.is_empty() {
            "-".into()
        } else {
            f.groups.join(",")
        },
        n(f.killed),
        n(f.kidnapped),
        if f.claimed { "  claimed" } else { "" }
    );
    println!("             {}", Corroboration::of(rules, f).summary());
    // What an analyst waited: from the first report's publication to the first alert.
    if let Some(t) = s.first_alerted {
        println!(
            "             first reported {}, alerted {} ({} min later)",
            day(s.first_seen),
            day(t),
            (t - s.first_seen).max(0) / 60
        );
    }
    println!(
        "             outlets {}",
        s.outlets
            .iter()
            .map(|o| sahel_watch::text::sanitize_line(o, 40))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    let since = super::query::parse_time(&a.since, now())?;
    if a.surges {
        for s in store.surges(Some(since), a.limit)? {
            if a.json {
                println!("{}", serde_json::to_string(&s)?);
            } else {
                println!(
                    "surge {:>5}  {}  {}  (item {}; {})",
                    s.id,
                    day(s.at),
                    sahel_watch::text::sanitize_line(&s.line, 200),
                    s.item_id,
                    s.publishers
                        .iter()
                        .map(|p| sahel_watch::text::sanitize_line(p, 40))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        return Ok(Exit::Ok);
    }
    for s in store.stories(Some(since), a.limit)? {
        if a.json {
            let mut v = serde_json::to_value(&s)?;
            // The signature is for matching, not for reading.
            if let Some(f) = v.get_mut("facts").and_then(|f| f.as_object_mut()) {
                f.remove("signature");
            }
            v["corroboration"] = serde_json::to_value(Corroboration::of(&config.rules, &s.facts))?;
            println!("{v}");
        } else {
            print_story(&config.rules, &s);
        }
    }
    Ok(Exit::Ok)
}
