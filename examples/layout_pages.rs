//! Renders article pages from the page templates (`sahel_watch::page_templates`) for scripts
//! (`scripts/replay.py --as-received`), so that the replay's pages and `eval --as-received`'s
//! come from the same files.
//!
//! `layout_pages [TEMPLATES...]` loads the templates of the given files or folders (default:
//! `tests/fixtures/pages`), reads JSON Lines on stdin, one page a line:
//! `{"template", "title", "summary", "text", "others": [{"title", "dek", "href"}], "site",
//! "site_url", "seed"}` (`template` by name, such as `own/semantic`), and writes `{"html": "…"}`
//! for each on stdout, flushed line by line so that a script can keep one process and ask for
//! pages as it needs them. A line it cannot read gets `{"error": "…"}`, and the process goes on.
//! `layout_pages --names [TEMPLATES...]` prints the templates' names, one a line, so that
//! scripts rotate through the same list.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use sahel_watch::page_templates::{Other, Site, Story, Templates};
use serde::Deserialize;

#[derive(Deserialize)]
struct Request {
    template: String,
    title: String,
    #[serde(default)]
    summary: String,
    text: String,
    #[serde(default)]
    others: Vec<OtherStory>,
    #[serde(default)]
    site: String,
    #[serde(default = "default_site_url")]
    site_url: String,
    #[serde(default)]
    seed: u64,
}

fn default_site_url() -> String {
    "http://news.example".to_owned()
}

#[derive(Deserialize)]
struct OtherStory {
    title: String,
    #[serde(default)]
    dek: String,
    #[serde(default)]
    href: String,
}

fn page(templates: &Templates, line: &str) -> Result<String, String> {
    let r: Request = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let others: Vec<Other<'_>> = r
        .others
        .iter()
        .map(|o| Other {
            title: &o.title,
            dek: &o.dek,
            href: o.href.clone(),
        })
        .collect();
    let story = Story {
        headline: &r.title,
        summary: &r.summary,
        text: &r.text,
    };
    let site = Site {
        name: &r.site,
        url: &r.site_url,
    };
    templates
        .render(&r.template, &story, &others, &site, r.seed)
        .map_err(|e| e.to_string())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let names_only = args.first().is_some_and(|a| a == "--names");
    if names_only {
        args.remove(0);
    }
    let paths: Vec<PathBuf> = if args.is_empty() {
        vec![PathBuf::from("tests/fixtures/pages")]
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let templates = Templates::load(&paths)?;
    if names_only {
        for name in templates.names() {
            println!("{name}");
        }
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match page(&templates, &line) {
            Ok(html) => serde_json::json!({ "html": html }),
            Err(e) => serde_json::json!({ "error": e }),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}
