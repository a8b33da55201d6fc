use std::path::PathBuf;

use sahel_watch::detect::{EntityKind, RulePack};

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Validate a rule pack (default: the bundled one) and summarise it.
    Check {
        /// Rule pack file.
        file: Option<PathBuf>,
    },
}

pub fn run(a: Args) -> anyhow::Result<Exit> {
    match a.command {
        Command::Check { file } => {
            let pack = match &file {
                Some(f) => RulePack::from_file(f)?,
                None => RulePack::bundled(),
            };
            let count = |k: EntityKind| pack.entities.iter().filter(|e| e.kind == k).count();
            println!(
                "{}: pack {:?} version {}: {} entities ({} countries, {} regions, {} cities, {} groups, {} forces), {} patterns",
                pack.source,
                pack.name,
                pack.version,
                pack.entities.len(),
                count(EntityKind::Country),
                count(EntityKind::Region),
                count(EntityKind::City),
                count(EntityKind::Group),
                count(EntityKind::Force),
                pack.pattern_count()
            );
            Ok(Exit::Ok)
        }
    }
}
