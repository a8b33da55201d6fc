use std::path::{Path, PathBuf};

use anyhow::Context;
use sahel_watch::fulltext::{decode_page, explain, main_text, Expected, ExtractError, PageLimits};

use super::{Exit, Globals, UsageError};

/// The article text the daemon would analyse for a page: main text only, without navigation,
/// tickers, «الأكثر قراءة» or other stories' headlines.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A saved HTML page (`.html` or `.html.gz`; `-` for standard input).
    page: Option<PathBuf>,
    /// Extract every `.html` / `.html.gz` file of this directory instead.
    #[arg(long, conflicts_with = "page", requires = "out")]
    batch: Option<PathBuf>,
    /// With --batch: write `NAME.txt` for each page here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The item's headline, as its feed gives it (default: the page's own `og:title` or
    /// `<title>`). The article starts at it.
    #[arg(long, conflicts_with = "batch")]
    title: Option<String>,
    /// The item's summary, as its feed gives it: the text read must hold most of its words.
    #[arg(long, conflicts_with = "batch")]
    summary: Option<String>,
    /// Print every block of the page with what the article passes made of it (the article's,
    /// or which furniture and why), then the text.
    #[arg(long, conflicts_with = "batch")]
    explain: bool,
}

fn read_page(path: &Path) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let mut raw = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut raw)?;
        return Ok(raw);
    }
    raw = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .with_context(|| format!("{}: not gzip", path.display()))?;
        raw = out;
    }
    Ok(raw)
}

/// The page's text, or why there is none.
fn text_of(html: &str, expected: &Expected<'_>, max_chars: usize) -> Result<String, ExtractError> {
    main_text(html, expected, None, &PageLimits::default(), max_chars)
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let max = g.config()?.limits.max_text_chars;
    let expected = Expected {
        title: a.title.as_deref().unwrap_or(""),
        summary: a.summary.as_deref().unwrap_or(""),
    };
    if let (Some(dir), Some(out)) = (&a.batch, &a.out) {
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let mut n = 0;
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let Some(stem) = name
                .strip_suffix(".html.gz")
                .or_else(|| name.strip_suffix(".html"))
            else {
                continue;
            };
            let html = decode_page(&read_page(&path)?, None);
            let text = text_of(&html, &expected, max).unwrap_or_default();
            let dest = out.join(format!("{stem}.txt"));
            std::fs::write(&dest, text).with_context(|| format!("writing {}", dest.display()))?;
            n += 1;
        }
        eprintln!("{n} pages extracted into {}", out.display());
        return Ok(Exit::Ok);
    }
    let Some(page) = &a.page else {
        return Err(UsageError("give a page, or --batch DIR --out DIR".into()).into());
    };
    let html = decode_page(&read_page(page)?, None);
    if a.explain {
        print!("{}", explain(&html, &expected, &PageLimits::default())?);
    }
    match text_of(&html, &expected, max) {
        Ok(text) => {
            println!("{text}");
            Ok(Exit::Ok)
        }
        Err(why) => {
            eprintln!("{}: {why}", page.display());
            Ok(Exit::Failure)
        }
    }
}
