//! Which charset a feed is really in, and its text as UTF-8 for the parser.
//!
//! Order of evidence: a per-feed override, a byte-order mark, the HTTP `Content-Type` charset,
//! the XML prolog. Two mislabels are common enough to correct: a declared single-byte Western
//! charset on bytes that are valid UTF-8 (CMS templates) is UTF-8; UTF-8 declared or assumed on
//! bytes that are not UTF-8 is a legacy charset — windows-1256 when the bytes read as Arabic
//! there, windows-1252 otherwise.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, WINDOWS_1256};

/// The charset named by a `Content-Type` header value, if any.
pub fn charset_from_content_type(value: &str) -> Option<&'static Encoding> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset"))
            .then(|| Encoding::for_label(v.trim().trim_matches('"').as_bytes()))
            .flatten()
    })
}

/// The `encoding="..."` of an XML prolog, if the document starts with one.
fn prolog_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(256)];
    let head = std::str::from_utf8(head)
        .ok()
        .or_else(|| std::str::from_utf8(&head[..head.iter().position(|&b| b >= 0x80)?]).ok())?;
    let start = head.find("<?xml")?;
    let decl = &head[start..start + head[start..].find("?>")?];
    let i = decl.find("encoding")?;
    let rest = decl[i + 8..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..1 + rest[1..].find(quote)?];
    Encoding::for_label(value.as_bytes())
}

fn is_western_single_byte(e: &'static Encoding) -> bool {
    e == WINDOWS_1252 || e.name() == "ISO-8859-15"
}

/// The legacy charset of bytes that are not UTF-8: windows-1256 when most non-ASCII bytes are
/// Arabic letters there, windows-1252 otherwise.
pub fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let (text, _, _) = WINDOWS_1256.decode(bytes);
    let (mut arabic, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if ('\u{0600}'..='\u{06FF}').contains(&c) {
            arabic += 1;
        } else {
            other += 1;
        }
    }
    if arabic > other {
        WINDOWS_1256
    } else {
        WINDOWS_1252
    }
}

/// Whether bytes claimed (or assumed) to be UTF-8 are really something else: more than a few
/// invalid sequences, not the odd stray byte.
pub fn not_really_utf8(bytes: &[u8]) -> bool {
    if std::str::from_utf8(bytes).is_ok() {
        return false;
    }
    let (text, _) = UTF_8.decode_without_bom_handling(bytes);
    let bad = text.chars().filter(|c| *c == '\u{FFFD}').count();
    let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
    bad > 3 || bad * 20 > non_ascii
}

/// Decodes a feed body to UTF-8 text, returning the text and the charset used. The XML prolog's
/// encoding declaration is rewritten so that the parser does not decode the text a second time.
pub fn decode_feed(
    bytes: &[u8],
    header: Option<&'static Encoding>,
    forced: Option<&'static Encoding>,
) -> (String, &'static Encoding) {
    let bom = Encoding::for_bom(bytes);
    let declared = forced
        .or(bom.map(|(e, _)| e))
        .or(header)
        .or_else(|| prolog_encoding(bytes));
    let encoding = match declared {
        Some(e) if forced.is_none() && is_western_single_byte(e) => {
            let utf8 = std::str::from_utf8(bytes).is_ok_and(|s| !s.is_ascii());
            if utf8 {
                UTF_8
            } else {
                e
            }
        }
        Some(e) if e == UTF_8 && forced.is_none() && bom.is_none() && not_really_utf8(bytes) => {
            guess_legacy(bytes)
        }
        Some(e) => e,
        // UTF-16 without a BOM or declaration shows as NULs between ASCII bytes.
        None if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] != 0 => UTF_16BE,
        None if bytes.len() >= 4 && bytes[0] != 0 && bytes[1] == 0 => UTF_16LE,
        None if not_really_utf8(bytes) => guess_legacy(bytes),
        None => UTF_8,
    };
    let (text, _, _) = encoding.decode(bytes);
    (rewrite_prolog(text), encoding)
}

/// Drops the encoding declaration of an XML prolog (the text is UTF-8 now).
fn rewrite_prolog(text: Cow<'_, str>) -> String {
    let t = text.trim_start_matches('\u{FEFF}');
    if let Some(start) = t.find("<?xml").filter(|s| *s < 64) {
        if let Some(end) = t[start..].find("?>") {
            let decl = &t[start..start + end];
            if decl.contains("encoding") {
                let mut out = String::with_capacity(t.len());
                out.push_str(&t[..start]);
                out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"");
                out.push_str(&t[start + end..]);
                return out;
            }
        }
    }
    t.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1256;

    #[test]
    fn windows_1256_by_header_or_prolog() {
        let doc = "<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss><channel><title>مالي</title></channel></rss>";
        let (bytes, _, _) = WINDOWS_1256.encode(doc);
        let (text, enc) = decode_feed(&bytes, None, None);
        assert_eq!(enc, WINDOWS_1256);
        assert!(text.contains("مالي") && text.contains("UTF-8"));
        let plain = doc.replace(" encoding=\"windows-1256\"", "");
        let (bytes, _, _) = WINDOWS_1256.encode(&plain);
        let (text, _) = decode_feed(&bytes, Some(WINDOWS_1256), None);
        assert!(text.contains("مالي"));
    }

    #[test]
    fn utf8_labelled_latin1_is_utf8() {
        let doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><title>مالي</title></rss>";
        let (text, enc) = decode_feed(doc.as_bytes(), None, None);
        assert_eq!(enc, UTF_8);
        assert!(text.contains("مالي"));
    }

    #[test]
    fn header_charset() {
        assert_eq!(
            charset_from_content_type("application/rss+xml; charset=\"windows-1256\""),
            Some(WINDOWS_1256)
        );
    }
}
