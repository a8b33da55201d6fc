use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use sahel_watch::console::{corrections, Correction};
use sahel_watch::detect::analyst_label;
use sahel_watch::store::{Store, Verdict};
use sahel_watch::time::now;

use super::{Exit, Globals, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// Who makes the correction, as the console records it (default: $USER).
    #[arg(long, global = true)]
    user: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Say a story (or, with --item, one of its articles) tells no incident: the story leaves
    /// the incidents and alerts nothing more, or the article leaves the story.
    NotIncident {
        story: i64,
        #[arg(long)]
        item: Option<i64>,
    },
    /// Say a story (or, with --item, one of its articles) is not about Sahel security.
    NotInScope {
        story: i64,
        #[arg(long)]
        item: Option<i64>,
    },
    /// Say an article tells a different incident from its story's: it is split out into a
    /// story of its own, with no new first alert.
    Split {
        item: i64,
        /// The story it leaves.
        #[arg(long)]
        from: i64,
    },
    /// Say where a story happened: its countries become these (ISO codes, comma-separated);
    /// with --item, where one of its articles says it happened.
    Place {
        story: i64,
        #[arg(long, value_delimiter = ',', required = true)]
        countries: Vec<String>,
        #[arg(long)]
        item: Option<i64>,
    },
    /// Say a story tells the same incident as another: it is merged into it, with no new alert.
    Merge {
        story: i64,
        #[arg(long)]
        into: i64,
    },
    /// Undo a correction.
    Undo { id: i64 },
    /// List the corrections (of one story with --story).
    List {
        #[arg(long)]
        story: Option<i64>,
    },
    /// Write the articles analysts corrected as a labelled corpus, one JSON object a line in
    /// the format `eval` reads (with `labelled`: which labels analysts gave, and `note`).
    Export {
        /// The file to write (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// The analysts' corrections, as the console makes them.
pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Mutex::new(Store::open(&config.data_dir)?);
    let user = a
        .user
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "cli".to_owned());
    let correction = match a.command {
        Command::List { story } => return list(&store, story),
        Command::Export { output } => return export(&store, output),
        Command::NotIncident { story, item } => of(story, item, Verdict::NotIncident),
        Command::NotInScope { story, item } => of(story, item, Verdict::NotInScope),
        Command::Split { item, from } => Correction::Split { item, story: from },
        Command::Place {
            story,
            countries,
            item,
        } => {
            let countries = corrections::country_codes(&countries.join(","))
                .map_err(|why| UsageError(format!("--countries: {why}")))?;
            match item {
                Some(item) => Correction::PlaceArticle {
                    item,
                    story,
                    countries,
                },
                None => Correction::Place { story, countries },
            }
        }
        Command::Merge { story, into } => Correction::Merge { story, into },
        Command::Undo { id } => Correction::Undo { id },
    };
    let made = corrections::make(&store, &store, &config, &correction, &user, now())?;
    match correction {
        Correction::Undo { id } => println!("correction {id} undone (story {})", made.story),
        Correction::Split { item, story } => println!(
            "correction {}: article {item} split out of story {story} into story {}",
            made.id, made.story
        ),
        c => println!("correction {}: {}", made.id, describe(&c)),
    }
    Ok(Exit::Ok)
}

fn of(story: i64, item: Option<i64>, verdict: Verdict) -> Correction {
    match item {
        Some(item) => Correction::Article {
            item,
            story,
            verdict,
        },
        None => Correction::Story { story, verdict },
    }
}

fn describe(c: &Correction) -> String {
    let verdict = |v: &Verdict| match v {
        Verdict::NotIncident => "is not an incident",
        Verdict::NotInScope => "is not in scope",
    };
    match c {
        Correction::Story { story, verdict: v } => format!("story {story} {}", verdict(v)),
        Correction::Article {
            item,
            story,
            verdict: v,
        } => format!("article {item} {} (it left story {story})", verdict(v)),
        Correction::Place { story, countries } => {
            format!("story {story} happened in {}", countries.join(", "))
        }
        Correction::PlaceArticle {
            item,
            story,
            countries,
        } => format!(
            "article {item} of story {story} tells of {}",
            countries.join(", ")
        ),
        Correction::Merge { story, into } => format!("story {story} merged into story {into}"),
        Correction::Split { item, story } => format!("article {item} split out of {story}"),
        Correction::Undo { id } => format!("correction {id} undone"),
    }
}

fn list(store: &Mutex<Store>, story: Option<i64>) -> anyhow::Result<Exit> {
    let rows = store
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .corrections(story)?;
    for c in rows {
        let on = match c.item_id {
            Some(item) => format!("article {item} of story {}", c.story_id),
            None => format!("story {}", c.story_id),
        };
        let what = match (c.action.as_str(), c.into_story) {
            ("merge", Some(into)) => format!("merge story {} into {into}", c.story_id),
            ("split", Some(into)) => format!("split {on} into story {into}"),
            ("wrong_place", _) => format!("place {on} in {}", c.value.as_deref().unwrap_or("?")),
            (action, _) => format!("{action} {on}"),
        };
        let undone = c
            .undone_at
            .map(|t| {
                format!(
                    "  undone by {} {}",
                    c.undone_by.as_deref().unwrap_or("?"),
                    super::export::rfc3339(t)
                )
            })
            .unwrap_or_default();
        println!(
            "{:>5}  {}  {}  {what}{undone}",
            c.id,
            super::export::rfc3339(c.at),
            c.user
        );
    }
    Ok(Exit::Ok)
}

/// The corrected articles as `eval` reads a labelled corpus.
fn export(store: &Mutex<Store>, output: Option<PathBuf>) -> anyhow::Result<Exit> {
    let items = store
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .corrected_items()?;
    let mut out: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    for it in &items {
        let (label, judged) = analyst_label(
            format!("item-{}", it.item_id),
            (&it.title, &it.text),
            &it.analysis,
            &it.verdicts,
        );
        let note = it
            .verdicts
            .iter()
            .map(|v| {
                let whole = if v.of_article { "" } else { " (its story)" };
                format!(
                    "{} by {} {}{whole}",
                    v.action,
                    v.user,
                    super::export::rfc3339(v.at)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let mut line = serde_json::to_value(&label)?;
        line["labelled"] = serde_json::to_value(judged)?;
        line["tier"] = serde_json::json!(match (label.relevant, label.events.is_empty()) {
            (false, _) => "none",
            (true, true) => "context",
            (true, false) => "event",
        });
        line["note"] = serde_json::json!(note);
        line["url"] = serde_json::json!(it.url);
        line["published"] = serde_json::json!(super::export::rfc3339(it.published));
        line["source"] = serde_json::json!("analysts' corrections");
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    if let Some(path) = output {
        eprintln!(
            "{} labelled articles written to {}",
            items.len(),
            path.display()
        );
    }
    Ok(Exit::Ok)
}
