use std::path::PathBuf;

use anyhow::Context;
use sahel_watch::config::{Config, FullText};
use sahel_watch::detect::{candidate, evaluate, EvalReport, LabelledItem};
use sahel_watch::fulltext::{decide, main_text, Need};

use super::{read_input, Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labelled corpus: one JSON object a line with id, title, text, relevant, events, countries.
    corpus: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write each item's prediction (id, relevant, score, events, countries, entities) as
    /// JSON Lines to this file, for audits (with --as-received, the predictions as received).
    #[arg(long)]
    predictions: Option<PathBuf>,
    /// Also score the corpus as feeds deliver it: the headline and the item's `summary` (its
    /// first 200 characters, cut at a word, where it has none) in the feed; for candidates,
    /// the text served on an article page inside furniture that lists other items' headlines,
    /// and read back by the full-text stage's extractor. Prints both scores.
    #[arg(long)]
    as_received: bool,
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
    let received = a.as_received.then(|| as_received(&config, &items));
    if let Some(path) = &a.predictions {
        let items = received.as_ref().map_or(&items, |(r, _)| r);
        use std::io::Write;
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        for it in items.iter() {
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
    if let Some((received, pages)) = received {
        let received_report = evaluate(&config.rules, &received);
        match a.format {
            Format::Json => println!(
                "{}",
                serde_json::json!({
                    "full_text": report,
                    "as_received": received_report,
                    "pages_fetched": pages,
                })
            ),
            Format::Text => {
                println!("== full text");
                print_text(&report);
                println!(
                    "== as received ({pages} of {} items read from their page)",
                    items.len()
                );
                print_text(&received_report);
            }
        }
        return Ok(Exit::Ok);
    }
    match a.format {
        Format::Json => println!("{}", serde_json::to_string(&report)?),
        Format::Text => print_text(&report),
    }
    Ok(Exit::Ok)
}

fn print_text(report: &EvalReport) {
    {
        {
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
}

/// The summary a feed carries for an item: its own, else its first 200 characters cut at a word.
fn summary_of(it: &LabelledItem) -> String {
    let s = it.summary.trim();
    if !s.is_empty() {
        return s.to_owned();
    }
    let t = it.text.trim();
    match t.char_indices().nth(200) {
        None => t.to_owned(),
        Some((at, _)) => {
            let head = &t[..at];
            head.rfind(' ').map_or(head, |w| &head[..w]).to_owned()
        }
    }
}

/// The corpus as the daemon would analyse it when feeds carry summaries: each item's text
/// replaced by its summary, or, for a candidate, by what the extractor reads from an article
/// page that holds the text inside furniture of other items' headlines (those naming a Sahel
/// place first, since they are what must not leak). Returns the items and the pages read.
fn as_received(config: &Config, items: &[LabelledItem]) -> (Vec<LabelledItem>, usize) {
    let rules = &config.rules;
    let limits = &config.limits;
    let mut furniture: Vec<&str> = items
        .iter()
        .filter(|i| candidate(rules, &i.title, "").is_some())
        .chain(items.iter())
        .map(|i| i.title.as_str())
        .collect();
    furniture.dedup();
    let mut pages = 0;
    let received = items
        .iter()
        .enumerate()
        .map(|(n, it)| {
            let summary = summary_of(it);
            let chars = summary.chars().count();
            let pick = candidate(rules, &it.title, &summary);
            let need = decide(
                FullText::Auto,
                chars,
                limits.min_article_chars,
                Some("http://127.0.0.1/article"),
                pick,
            );
            let text = match need {
                Need::Page { .. } => {
                    pages += 1;
                    let others: Vec<&str> = (1..=12)
                        .map(|k| furniture[(n * 7 + k * 13) % furniture.len()])
                        .filter(|t| *t != it.title)
                        .collect();
                    let html = furnished_page(&it.title, &it.text, &others);
                    main_text(&html, &it.title, limits.max_text_chars).unwrap_or(summary)
                }
                Need::Feed | Need::Summary(_) => summary,
            };
            LabelledItem { text, ..it.clone() }
        })
        .collect();
    (received, pages)
}

/// An article page as news sites lay them out: navigation, a ticker, the article's paragraphs,
/// then «اقرأ أيضا» and «الأكثر قراءة» lists of other stories and a footer.
fn furnished_page(title: &str, text: &str, others: &[&str]) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let list = |items: &[&str]| -> String {
        items
            .iter()
            .enumerate()
            .map(|(i, h)| format!("<li><a href=\"/a/{i}\">{}</a></li>", esc(h)))
            .collect()
    };
    let body: String = text
        .split('\n')
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", esc(p.trim())))
        .collect();
    let third = others.len() / 3;
    format!(
        "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\"><title>{t}</title></head><body>\
         <header><nav><ul><li><a href=\"/\">الرئيسية</a></li><li><a href=\"/news\">أخبار</a></li></ul></nav>\
         <div class=\"ticker\"><span>عاجل</span><ul>{ticker}</ul></div></header>\
         <main><article><h1>{t}</h1><div class=\"article-body\">{body}</div>\
         <section class=\"related\"><h2>اقرأ أيضا</h2><ul>{related}</ul></section></article>\
         <aside><h2>الأكثر قراءة</h2><ol>{most}</ol></aside></main>\
         <footer><p>جميع الحقوق محفوظة</p></footer></body></html>",
        t = esc(title),
        ticker = list(&others[..third]),
        related = list(&others[third..2 * third]),
        most = list(&others[2 * third..]),
    )
}
