use sahel_watch::report::weekly;
use sahel_watch::store::Store;
use sahel_watch::time::now;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Stories first reported since then: an age («84d»), a date or RFC 3339.
    #[arg(long, default_value = "84d")]
    since: String,
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
    /// Report the archive's size instead: rows, tables and indexes, file and free space.
    #[arg(long)]
    storage: bool,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    if a.storage {
        return storage(&store, a.json);
    }
    let since = super::query::parse_time(&a.since, now())?;
    let stories = store.stories(Some(since), usize::MAX >> 1)?;
    let stories: Vec<_> = stories
        .into_iter()
        .filter(|s| s.first_seen >= since)
        .collect();
    let rows = weekly(&config.rules, &stories);
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

fn storage(store: &Store, json: bool) -> anyhow::Result<Exit> {
    let r = store.storage()?;
    if json {
        println!("{}", serde_json::to_string(&r)?);
        return Ok(Exit::Ok);
    }
    let mb = |b: i64| b as f64 / 1_048_576.0;
    println!(
        "{}: {:.1} MB ({:.1} MB free inside)",
        store.path().display(),
        mb(r.file_bytes),
        mb(r.free_bytes)
    );
    println!(
        "items {} ({} relevant, {} with their text let go by retention), stories {}, alerts {}",
        r.items, r.items_relevant, r.items_pruned, r.stories, r.outbox
    );
    if r.items > 0 {
        println!("{} bytes an item", r.file_bytes / r.items);
    }
    match &r.last_backup {
        Some(b) => println!(
            "last backup {} ago: {} ({:.1} MB, {:.1} s)",
            humantime::format_duration(std::time::Duration::from_secs(
                (now() - b.finished_at).max(0) as u64
            )),
            b.path,
            mb(b.bytes),
            b.seconds
        ),
        None => println!("no backup on record (sahel-watch backup FILE)"),
    }
    for (name, bytes) in &r.objects {
        println!("  {name:<32} {:>9.1} MB", mb(*bytes));
    }
    Ok(Exit::Ok)
}
