use std::io::IsTerminal;
use std::path::PathBuf;

use sahel_watch::detect::{analyze, Explanation};

use super::{read_input, Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// File holding the text (`-` or nothing: standard input). The first line is the title.
    #[arg(default_value = "-")]
    file: PathBuf,
    /// Print the analysis as JSON.
    #[arg(long, conflicts_with = "explain")]
    json: bool,
    /// Print the text with every matched span highlighted (bold on a terminal, [[...]] otherwise).
    #[arg(long)]
    explain: bool,
}

/// The text with the spans of `ex` marked, overlapping spans merged.
fn highlight(text: &str, ex: &[Explanation], terminal: bool) -> String {
    let mut spans: Vec<(usize, usize)> = ex
        .iter()
        .filter(|e| e.end > e.start && e.end <= text.len())
        .map(|e| (e.start, e.end))
        .collect();
    spans.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let (open, close) = if terminal {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[[", "]]")
    };
    let mut out = String::with_capacity(text.len() + merged.len() * 8);
    let mut at = 0;
    for (s, e) in merged {
        if !text.is_char_boundary(s) || !text.is_char_boundary(e) || s < at {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(open);
        out.push_str(&text[s..e]);
        out.push_str(close);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let input = read_input(&a.file)?;
    let (title, text) = input.split_once('\n').unwrap_or((input.as_str(), ""));
    let title = title.trim();
    let analysis = analyze(&config.rules, title, text);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&analysis)?);
        return Ok(Exit::Ok);
    }
    super::show::print_analysis(&analysis);
    if a.explain {
        let original = format!("{title}\n{text}");
        println!();
        println!(
            "{}",
            highlight(
                &original,
                &analysis.explanation,
                std::io::stdout().is_terminal()
            )
        );
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_merged_spans() {
        let ex = |s, e| Explanation {
            pass: "p".into(),
            rule: "r".into(),
            term: "t".into(),
            matched: String::new(),
            start: s,
            end: e,
        };
        assert_eq!(
            highlight("abcdef", &[ex(1, 3), ex(2, 4)], false),
            "a[[bcd]]ef"
        );
    }
}
