//! Renders article pages in the layouts of `sahel_watch::fulltext::layouts` for scripts
//! (`scripts/replay.py --as-received`), so that the replay's pages and `eval --as-received`'s
//! come from one source.
//!
//! Reads JSON Lines on stdin, one page a line:
//! `{"title", "text", "others": [{"title", "dek", "href"}], "site", "seed", "layout"}`
//! (`layout` by name: semantic, wordpress, table_portal, amp, lists_first, related_inline,
//! headline_not_h1), and writes `{"html": "…"}` for each on stdout, flushed line by line so that
//! a script can keep one process and ask for pages as it needs them. A line it cannot read gets
//! `{"error": "…"}`, and the process goes on. `layout_pages --names` prints the layouts' names,
//! one a line, so that scripts rotate through the same list.

use std::io::{BufRead, Write};

use sahel_watch::fulltext::layouts::{render, Layout, Other};
use serde::Deserialize;

#[derive(Deserialize)]
struct Request {
    title: String,
    text: String,
    #[serde(default)]
    others: Vec<OtherStory>,
    #[serde(default)]
    site: String,
    #[serde(default)]
    seed: u64,
    layout: String,
}

#[derive(Deserialize)]
struct OtherStory {
    title: String,
    #[serde(default)]
    dek: String,
    #[serde(default)]
    href: String,
}

fn page(line: &str) -> Result<String, String> {
    let r: Request = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let layout = Layout::parse(&r.layout).ok_or_else(|| {
        let names: Vec<&str> = Layout::ALL.iter().map(|l| l.name()).collect();
        format!(
            "unknown layout {:?} (one of {})",
            r.layout,
            names.join(", ")
        )
    })?;
    let others: Vec<Other<'_>> = r
        .others
        .iter()
        .map(|o| Other {
            title: &o.title,
            dek: &o.dek,
            href: o.href.clone(),
        })
        .collect();
    Ok(render(layout, &r.title, &r.text, &others, &r.site, r.seed))
}

fn main() -> std::io::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("--names") {
        for l in Layout::ALL {
            println!("{l}");
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
        let answer = match page(&line) {
            Ok(html) => serde_json::json!({ "html": html }),
            Err(e) => serde_json::json!({ "error": e }),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}
