use sahel_watch::plan::merged_facts;
use sahel_watch::store::{now, Store};

use super::{Exit, Globals};

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
    /// Say a story is no incident: it leaves the incidents and alerts nothing more.
    NotIncident { story: i64 },
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
}

/// The analysts' corrections, as the console makes them.
pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let mut store = Store::open(&config.data_dir)?;
    let user = a
        .user
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "cli".to_owned());
    match a.command {
        Command::NotIncident { story } => {
            let id = store.dismiss_story(story, &user, now())?;
            println!("correction {id}: story {story} is not an incident");
        }
        Command::Merge { story, into } => {
            let facts = merged_facts(&store.story_facts(into)?, &store.story_facts(story)?);
            let id = store.merge_stories(story, into, &facts, &user, now())?;
            println!("correction {id}: story {story} merged into story {into}");
        }
        Command::Undo { id } => {
            store.undo_correction(id, &user, now())?;
            println!("correction {id} undone");
        }
        Command::List { story } => {
            for c in store.corrections(story)? {
                let what = match c.into_story {
                    Some(into) => format!("merge {} into {into}", c.story_id),
                    None => format!("{} {}", c.action, c.story_id),
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
        }
    }
    Ok(Exit::Ok)
}
