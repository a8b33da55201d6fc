use sahel_watch::store::Store;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(g: &Globals, _a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let store = Store::open(&config.data_dir)?;
    println!(
        "{}: schema version {}",
        store.path().display(),
        store.schema_version()?
    );
    Ok(Exit::Ok)
}
