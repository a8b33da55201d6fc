use std::path::PathBuf;

use anyhow::Context;
use sahel_watch::detect::{evaluate, LabelledItem};

use super::{read_input, Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labelled corpus: one JSON object a line with id, title, text, relevant, events, countries.
    corpus: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write each item's prediction (id, relevant, score, events, countries, entities) as
    /// JSON Lines to this file, for audits.
    #[arg(long)]
    predictions: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let text = read_input(&a.corpus)?;
    let mut items = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let item: LabelledItem = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a labelled item", a.corpus.display(), n + 1))?;
        items.push(item);
    }
    let report = evaluate(&config.rules, &items);
    if let Some(path) = &a.predictions {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        for it in &items {
            let p = sahel_watch::detect::analyze(&config.rules, &it.title, &it.text);
            let line = serde_json::json!({
                "id": it.id,
                "relevant": p.relevant,
                "score": p.score,
                "events": p.events,
                "countries": p.countries,
                "entities": p.entities,
            });
            writeln!(out, "{line}")?;
        }
        out.flush()?;
    }
    match a.format {
        Format::Json => println!("{}", serde_json::to_string(&report)?),
        Format::Text => {
            let r = &report.relevance;
            println!("items: {}", report.items);
            println!(
                "relevance:      P {:.3}  R {:.3}  F1 {:.3}  (tp {} fp {} fn {})",
                r.precision, r.recall, r.f1, r.tp, r.fp, r.fn_
            );
            for (name, s) in [
                ("attack", &report.events.attack),
                ("kidnapping", &report.events.kidnapping),
                ("border_closure", &report.events.border_closure),
            ] {
                println!(
                    "{name:<15} P {:.3}  R {:.3}  F1 {:.3}  (tp {} fp {} fn {})",
                    s.precision, s.recall, s.f1, s.tp, s.fp, s.fn_
                );
            }
            let c = &report.countries;
            println!(
                "countries:      P {:.3}  R {:.3}  F1 {:.3}",
                c.precision, c.recall, c.f1
            );
            println!("articles/s:     {:.0}", report.articles_per_second);
            println!("errors:         {}", report.errors.join(" "));
        }
    }
    Ok(Exit::Ok)
}
