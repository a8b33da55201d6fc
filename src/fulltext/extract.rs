//! A fetched page to the text of its article: charset, bounds, blocks, then the passes that
//! find the article among the page's furniture (see [`super::article`]).

use std::time::Instant;

use encoding_rs::{Encoding, UTF_8};

use super::article::{self, Expected, Reading};
use super::blocks;
use super::evidence::{self, Marked};
use super::guard::{self, PageLimits, Refused};
use super::sites::{self, SiteMemory};
use super::story;

use crate::fetch::{charset_from_content_type, guess_legacy, not_really_utf8};

/// Why a page gave no article text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("not an HTML page ({0})")]
    NotHtml(String),
    #[error("page refused: {0}")]
    Refused(#[from] Refused),
    #[error("no article text found on the page")]
    Nothing,
    #[error("page text does not match the item (its summary's words are not there)")]
    NotTheItem,
}

/// Decodes a page: the charset of the BOM, the `Content-Type` header or a `<meta>` declaration
/// in the first 2 KB; bytes that claim UTF-8 but are not are read as the Arabic or Western
/// legacy charset their letters suggest (the same correction as for feeds).
pub fn decode_page(bytes: &[u8], content_type: Option<&str>) -> String {
    let declared = Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| content_type.and_then(charset_from_content_type))
        .or_else(|| meta_charset(bytes));
    let encoding = match declared {
        Some(e) if e == UTF_8 && not_really_utf8(bytes) => guess_legacy(bytes),
        Some(e) => e,
        None if not_really_utf8(bytes) => guess_legacy(bytes),
        None => UTF_8,
    };
    encoding.decode(bytes).0.into_owned()
}

/// `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    Encoding::for_label(value.as_bytes())
}

/// Whether a `Content-Type` (or, without one, the body's start) is an HTML page.
pub fn is_html(content_type: Option<&str>, body: &[u8]) -> Result<(), ExtractError> {
    match content_type.map(|c| {
        c.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }) {
        Some(t) if t == "text/html" || t == "application/xhtml+xml" => Ok(()),
        Some(t) if !t.is_empty() => Err(ExtractError::NotHtml(t)),
        _ => {
            let start = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
            if start.contains("<html") || start.contains("<!doctype html") {
                Ok(())
            } else {
                Err(ExtractError::NotHtml("no Content-Type".into()))
            }
        }
    }
}

/// The article text of an HTML page for the item that links to it, at most `max_chars`
/// characters, or why there is none. The headline itself is left out (the analysis reads it
/// apart). `site` is the memory of the site's other pages with this page's key; without it the
/// page is read on its own. The body the publisher marks in JSON-LD, when it is this item's,
/// comes first; else the story read from the page (see [`super::article`]).
pub fn main_text(
    html: &str,
    expected: &Expected<'_>,
    site: Option<(&SiteMemory, &str, u64)>,
    limits: &PageLimits,
    max_chars: usize,
) -> Result<String, ExtractError> {
    read(html, expected, site, limits, |r, marked| {
        let text = r.text();
        if let Some(m) = marked {
            return Ok(cut(preferred(m, &text), max_chars));
        }
        if text.trim().is_empty() {
            return Err(ExtractError::Nothing);
        }
        if !article::matches_item(r, &text, expected) {
            return Err(ExtractError::NotTheItem);
        }
        Ok(cut(&text, max_chars))
    })?
}

/// Which text stands for the story when the page marks its body: the marked body, unless the
/// page's story holds it and much more (a publisher that marks only the lead, without a «…»,
/// has the rest of the story on the page), or says the same words (then the page's reading,
/// which keeps the story's paragraphs, where a marked body is often one line: a line that
/// names another story, «اقرأ أيضا: …», is only seen as such on a line of its own).
fn preferred<'t>(marked: &'t Marked, read: &'t str) -> &'t str {
    let (m, r) = (article::shingles(&marked.body), article::shingles(read));
    let common = m.intersection(&r).count();
    if !m.is_empty() && common * 20 >= m.len() * 19 && common * 20 >= r.len() * 19 {
        return read;
    }
    let (m, r) = (article::words(&marked.body), article::words(read));
    if m.len() * 2 >= r.len() {
        return &marked.body;
    }
    let head: std::collections::HashSet<&String> = r.iter().take(m.len() * 3 / 2).collect();
    let inside = m.iter().filter(|w| head.contains(w)).count();
    if inside * 10 < m.len() * 9 {
        &marked.body
    } else {
        read
    }
}

/// Every block of the page with what the passes made of it, for people finding out why a
/// page reads as it does (`sahel-watch extract --explain`).
pub fn explain(
    html: &str,
    expected: &Expected<'_>,
    limits: &PageLimits,
) -> Result<String, ExtractError> {
    read(html, expected, None, limits, |r, marked| {
        let mut out = String::new();
        if let Some(m) = marked {
            out.push_str(&format!(
                "JSON-LD article of this item: {} ({} words of body)\n",
                m.headline,
                article::words(&m.body).len()
            ));
        }
        out.push_str(&format!(
            "headline: block {:?}; lead: block {:?}; body: element {}\n",
            r.headline,
            r.lead,
            r.body.map_or("none".to_owned(), |e| format!(
                "{}{e}",
                r.page.elements[e as usize].tag
            )),
        ));
        for (i, (b, why)) in r.page.blocks.iter().zip(&r.furniture).enumerate() {
            let why = why.map_or("ARTICLE".to_owned(), |w| format!("{w:?}"));
            out.push_str(&format!(
                "{i:>4} {why:<14} {:<24} h{} links {:>3}/{:<4} {}\n",
                r.page
                    .ancestors(b.element)
                    .take(4)
                    .map(|e| format!("{}{e}", r.page.elements[e as usize].tag))
                    .collect::<Vec<_>>()
                    .join("<"),
                b.heading,
                b.link_chars,
                b.chars,
                b.text
            ));
        }
        out
    })
}

/// Parses the page within its bounds, finds the article it marks for this item, and runs the
/// passes, in order, over its blocks.
fn read<T>(
    html: &str,
    expected: &Expected<'_>,
    site: Option<(&SiteMemory, &str, u64)>,
    limits: &PageLimits,
    then: impl FnOnce(&Reading<'_>, Option<&Marked>) -> T,
) -> Result<T, ExtractError> {
    let deadline = Instant::now() + limits.budget;
    guard::scan(html, limits)?;
    let page = blocks::parse(html, limits, deadline)?;
    let marked = evidence::marked_articles(&page);
    let title = [expected.title, page.own_title.as_str()]
        .into_iter()
        .chain(marked.iter().map(|m| m.headline.as_str()))
        .find(|t| !t.trim().is_empty())
        .unwrap_or("");
    let given = expected.summary;
    let summary = match given.trim() {
        "" => evidence::meta(&page, &["og:description", "description"]).unwrap_or(""),
        s => s,
    };
    let expected = Expected { title, summary };
    // The item's article: the one marked with its headline, or, on a page that marks one
    // article only, that one when its body says what the item says. A part of a marked
    // article (a live blog's update, an article of a list) is not the whole.
    let whole = marked.len() == 1;
    let mine = marked.iter().find(|m| {
        !m.body.is_empty()
            && !evidence::truncated(&m.body)
            && (article::same_headline(&m.headline, title)
                || (whole && article::says_the_item(&m.body, false, &expected)))
    });
    let mut r = Reading::new(&page);
    article::headline(&mut r, title);
    story::lead(&mut r, summary, !given.trim().is_empty());
    story::metadata(&mut r);
    article::links(&mut r);
    article::named(&mut r);
    article::tickers(&mut r);
    article::teasers(&mut r);
    article::labels(&mut r);
    article::noise(&mut r);
    story::boxes(&mut r);
    story::embeds(&mut r);
    article::headline_runs(&mut r);
    article::frame(&mut r);
    article::body(&mut r);
    article::embedded_lists(&mut r);
    if let Some((memory, name, key)) = site {
        let n = page.blocks.len();
        let prints: Vec<u64> = (0..n)
            .map(|i| article::fingerprint(&page.blocks[i].text))
            .chain((0..n).map(|i| sites::shape_of(&page, i)))
            .collect();
        let seen = memory.repeated(name, key, &prints);
        article::repeats(&mut r, &seen[..n], &seen[n..]);
    }
    story::cards(&mut r);
    story::duplicates(&mut r);
    story::tail(&mut r);
    if Instant::now() > deadline {
        return Err(Refused::TooSlow(limits.budget).into());
    }
    Ok(then(&r, mine))
}

/// At most `max` characters, cut at a word.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((at, _)) => {
            let head = &text[..at];
            head.rfind(char::is_whitespace)
                .map_or(head, |w| &head[..w])
                .to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_charset_decodes_a_windows_1256_page() {
        let page = "<html><head><meta charset=\"windows-1256\"><title>ت</title></head><body><p>هجوم في مالي</p></body></html>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(page);
        assert!(decode_page(&bytes, None).contains("هجوم في مالي"));
        assert!(decode_page(&bytes, Some("text/html")).contains("هجوم في مالي"));
    }

    #[test]
    fn only_html_is_a_page() {
        assert!(is_html(Some("text/html; charset=utf-8"), b"").is_ok());
        assert!(is_html(None, b"<!DOCTYPE html><html>").is_ok());
        assert_eq!(
            is_html(Some("application/pdf"), b"%PDF"),
            Err(ExtractError::NotHtml("application/pdf".into()))
        );
    }

    #[test]
    fn the_cut_is_at_a_word() {
        assert_eq!(cut("واحد اثنان ثلاثة", 8), "واحد");
        assert_eq!(cut("قصير", 10), "قصير");
    }
}
