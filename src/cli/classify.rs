use std::path::PathBuf;

use sahel_watch::detect::analyze;

use super::{read_input, Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// File holding the text (`-` or nothing: standard input). The first line is the title.
    #[arg(default_value = "-")]
    file: PathBuf,
    /// Print the analysis as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let input = read_input(&a.file)?;
    let (title, text) = input.split_once('\n').unwrap_or((input.as_str(), ""));
    let analysis = analyze(&config.rules, title.trim(), text);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&analysis)?);
        return Ok(Exit::Ok);
    }
    super::show::print_analysis(&analysis);
    Ok(Exit::Ok)
}
