//! A fetched page to the text of its article: charset, then the main text without the page's
//! furniture (navigation, tickers, «الأكثر قراءة», «اقرأ أيضا», other stories' headlines).

use encoding_rs::{Encoding, UTF_8};

use crate::fetch::{charset_from_content_type, guess_legacy, not_really_utf8};

/// Why a page gave no article text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("not an HTML page ({0})")]
    NotHtml(String),
    #[error("no article text found on the page")]
    Nothing,
}

/// Headings of page furniture: a block that starts with one of these lists other stories, so
/// it ends the article even where the extractor kept it. Matched on the start of a line.
const FURNITURE_HEADINGS: &[&str] = &[
    "اقرأ أيضا",
    "اقرأ ايضا",
    "إقرأ أيضا",
    "إقرأ أيضاً",
    "اقرأ أيضاً",
    "اقرأ المزيد",
    "الأكثر قراءة",
    "الاكثر قراءة",
    "الأكثر مشاهدة",
    "الأكثر تداولا",
    "مقالات ذات صلة",
    "أخبار ذات صلة",
    "اخبار ذات صلة",
    "مواضيع ذات صلة",
    "قصص ذات صلة",
    "المزيد من الأخبار",
    "آخر الأخبار",
    "أخبار متعلقة",
    "شريط الأخبار",
    "Related articles",
    "Read more",
    "Most read",
];

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

/// The article text of an HTML page, at most `max_chars` characters. A first line that is the
/// headline (`title`, which the analysis reads apart) is left out, so that the headline does
/// not count twice.
pub fn main_text(html: &str, title: &str, max_chars: usize) -> Result<String, ExtractError> {
    let options = rs_trafilatura::Options {
        include_comments: false,
        include_tables: false,
        include_images: false,
        include_links: false,
        ..rs_trafilatura::Options::default()
    };
    let text = rs_trafilatura::extract_with_options(html, &options)
        .map(|r| r.content_text)
        .unwrap_or_default();
    let text = without_furniture(&text, title);
    if text.trim().is_empty() {
        return Err(ExtractError::Nothing);
    }
    Ok(cut(&text, max_chars))
}

/// Leaves out furniture: a line that opens with a furniture heading («اقرأ أيضا», «الأكثر قراءة»;
/// with the list often run on: «اقرأ أيضاهجوم في…»), and the headline-like lines that follow
/// it (short, no sentence end) up to the next real paragraph; and a first line that is the
/// headline (with the site's name run on, as some pages have it). An inline «Read more: …»
/// inside an article drops that line alone.
fn without_furniture(text: &str, title: &str) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(text.len());
    let mut in_list = false;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let l = t.trim_start_matches(['#', '*', '-', ' ']);
        if FURNITURE_HEADINGS.iter().any(|h| l.starts_with(*h)) {
            in_list = true;
            continue;
        }
        if in_list && looks_like_headline(t) {
            continue;
        }
        in_list = false;
        if out.is_empty() && !title.is_empty() {
            let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if flat.starts_with(&title) && flat.chars().count() <= title.chars().count() + 40 {
                continue;
            }
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(t);
    }
    out
}

/// A line shaped like a listed headline rather than a paragraph: short, and not ending a
/// sentence.
fn looks_like_headline(line: &str) -> bool {
    line.chars().count() <= 140 && !line.ends_with(['.', '!', '؟', '?', '»', '"', ':'])
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
    fn furniture_after_a_heading_is_dropped() {
        let t = "الفقرة الأولى من الخبر.\nاقرأ أيضا\nهجوم في باماكو\nكمين في غاو";
        assert_eq!(without_furniture(t, ""), "الفقرة الأولى من الخبر.");
        let t = "الفقرة الأولى.\nاقرأ أيضاهجوم في باماكوكمين في غاو";
        assert_eq!(without_furniture(t, ""), "الفقرة الأولى.");
        let t = "الفقرة الأولى.\nاقرأ أيضا: الوزير يزور غاو\nوتابع الوزير حديثه عن الميزانية في المؤتمر.";
        assert_eq!(
            without_furniture(t, ""),
            "الفقرة الأولى.\nوتابع الوزير حديثه عن الميزانية في المؤتمر."
        );
        let t = "عنوان الخبر هناJawhara FM\nالفقرة الأولى.";
        assert_eq!(without_furniture(t, "عنوان  الخبر هنا"), "الفقرة الأولى.");
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
