//! The bounds a page must keep before it is parsed. A hostile or broken page (20,000 nested
//! `<div>`, a tag with 60,000 attributes, megabytes of links) must cost the daemon neither its
//! stack nor seconds of a CPU slot nor hundreds of megabytes: what the tokenizer would do
//! quadratically (it checks every attribute against the tag's others) or what a tree would hold
//! is counted here first, in one linear pass over the bytes, and a page beyond a bound is
//! refused with the bound it broke. Depth is counted while parsing (see [`super::blocks`]),
//! where implied end tags are known.

use std::time::Duration;

/// The bounds of a page, chosen well above real news pages (a heavy one has 15,000 elements,
/// 40 levels, a few hundred attributes on a tag at most and 1.5 MB of markup) and low enough
/// that the worst page within them is read in well under a second and 150 MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    /// Decoded markup, in bytes.
    pub max_html_bytes: usize,
    /// Start tags.
    pub max_elements: usize,
    /// Open elements at once.
    pub max_depth: usize,
    /// Attributes on one tag.
    pub max_attributes: usize,
    /// Visible text, in characters.
    pub max_text_chars: usize,
    /// Wall time of the extraction: the CPU it may hold.
    pub budget: Duration,
}

impl Default for PageLimits {
    fn default() -> PageLimits {
        PageLimits {
            max_html_bytes: 6 * 1024 * 1024,
            max_elements: 60_000,
            max_depth: 400,
            max_attributes: 256,
            max_text_chars: 2_000_000,
            budget: Duration::from_secs(3),
        }
    }
}

/// Why a page was refused before or while it was read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the page is {0} bytes of markup (limit {1})")]
    TooLarge(usize, usize),
    #[error("the page has more than {0} elements")]
    TooManyElements(usize),
    #[error("a tag of the page has more than {0} attributes")]
    TooManyAttributes(usize),
    #[error("the page nests elements deeper than {0} levels")]
    TooDeep(usize),
    #[error("the page has more than {0} characters of text")]
    TooMuchText(usize),
    #[error("reading the page took longer than {0:?}")]
    TooSlow(Duration),
}

/// Checks size, start tags and attributes per tag in one pass. The scan follows the HTML
/// tokenizer's shape closely enough to count (tags open on `<` and a letter, quoted values may
/// hold `>`, comments and raw-text elements hold no tags) without being a parser.
pub fn scan(html: &str, limits: &PageLimits) -> Result<(), Refused> {
    if html.len() > limits.max_html_bytes {
        return Err(Refused::TooLarge(html.len(), limits.max_html_bytes));
    }
    let b = html.as_bytes();
    let mut elements = 0usize;
    let mut i = 0;
    while let Some(off) = memchr(b'<', &b[i..]) {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        elements += 1;
        if elements > limits.max_elements {
            return Err(Refused::TooManyElements(limits.max_elements));
        }
        let name_end = b[i..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || matches!(c, b'>' | b'/'))
            .map_or(b.len(), |p| i + p);
        let name = b[i..name_end].to_ascii_lowercase();
        let (end, attributes) = tag_end(b, name_end);
        if attributes > limits.max_attributes {
            return Err(Refused::TooManyAttributes(limits.max_attributes));
        }
        i = end;
        // Raw text: what a script or style holds is not markup.
        if matches!(
            name.as_slice(),
            b"script" | b"style" | b"textarea" | b"title" | b"xmp"
        ) {
            let mut close = b"</".to_vec();
            close.extend_from_slice(&name);
            i = find_ignore_case(b, i, &close).unwrap_or(b.len());
        }
    }
    Ok(())
}

/// The index after a tag's `>` and the number of attributes in it. As in the tokenizer, a
/// quote opens a value only after `=`; elsewhere it is part of a name (`we'll=""`).
fn tag_end(b: &[u8], mut i: usize) -> (usize, usize) {
    let mut attributes = 0;
    let mut in_name = false;
    while i < b.len() {
        match b[i] {
            b'>' => return (i + 1, attributes),
            b'=' => {
                in_name = false;
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        i = memchr(q, &b[i + 1..]).map_or(b.len(), |e| i + 2 + e);
                    }
                    _ => {
                        // An unquoted value runs to the next space or `>`.
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                    }
                }
                continue;
            }
            c if c.is_ascii_whitespace() || c == b'/' => in_name = false,
            _ => {
                if !in_name {
                    attributes += 1;
                    in_name = true;
                }
            }
        }
        i += 1;
    }
    (b.len(), attributes)
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| from + p)
}

fn find_ignore_case(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(pat.len())
        .position(|w| w.eq_ignore_ascii_case(pat))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> PageLimits {
        PageLimits {
            max_elements: 10,
            max_attributes: 3,
            max_html_bytes: 1000,
            ..PageLimits::default()
        }
    }

    #[test]
    fn a_plain_page_passes() {
        let page = r#"<html><body class="a" id="b"><p data-x=">">نص</p><!-- <a><a><a><a><a><a><a><a><a><a><a> --><script>if (a<b) {}</script></body></html>"#;
        assert_eq!(scan(page, &limits()), Ok(()));
    }

    #[test]
    fn each_bound_is_named() {
        let l = limits();
        assert_eq!(
            scan(&"<div>".repeat(11), &l),
            Err(Refused::TooManyElements(10))
        );
        assert_eq!(
            scan(r#"<div a b="1" c='>' d>"#, &l),
            Err(Refused::TooManyAttributes(3))
        );
        assert_eq!(scan(r#"<div a b="1" c='>'>"#, &l), Ok(()));
        // Unquoted values are values, not names; a quote outside a value is part of a name.
        assert_eq!(scan("<div a=1 b=2 c=x/y>", &l), Ok(()));
        assert_eq!(scan("<a t=\"\" we'll=\"\" x>b<p>c</p>", &l), Ok(()));
        assert_eq!(
            scan("<div a=1 b=2 c=3 d=4>", &l),
            Err(Refused::TooManyAttributes(3))
        );
        assert_eq!(
            scan(&"x".repeat(1001), &l),
            Err(Refused::TooLarge(1001, 1000))
        );
    }
}
