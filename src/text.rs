//! Text made safe to show: HTML escaping, one line of feed text stripped of what could inject
//! headers or reorder what a reader sees, and links kept only when they are http(s). Alerts,
//! the console, the briefing and the CLI all show feed text through these.

/// Text or an attribute value made safe inside HTML: the one escape of the crate, for alert
/// bodies, the briefing and the evaluation's pages.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{FEFF}'
        )
}

/// Removes control characters (CR and LF included) and bidi embeddings/overrides/isolates,
/// collapses white space, and cuts to `max` characters.
pub fn sanitize_line(s: &str, max: usize) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !is_unsafe(*c))
        .collect();
    let joined = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &joined[..i]),
        None => joined,
    }
}

/// Like [`sanitize_line`] for a piece of a line: keeps a single space at either end, so that
/// segments put back together keep their word breaks.
pub(crate) fn sanitize_piece(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else if !is_unsafe(c) {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// The link as a link only when it is http(s); `javascript:`, `data:` and the rest are not.
pub fn safe_link(url: Option<&str>) -> Option<String> {
    let u = url::Url::parse(url?).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("هجوم في باماكو"), "هجوم في باماكو");
    }

    #[test]
    fn a_line_loses_controls_and_bidi_overrides_and_is_cut() {
        assert_eq!(
            sanitize_line("a\r\nBcc: x\u{202E}y\u{2067}  z\u{0007}", 100),
            "a Bcc: xy z"
        );
        assert_eq!(sanitize_line("abcdef", 3), "abc…");
        assert_eq!(sanitize_line("abc", 3), "abc");
        assert_eq!(sanitize_piece("  a\u{202E}b  "), " ab ");
    }

    #[test]
    fn only_http_links_are_links() {
        assert_eq!(
            safe_link(Some("https://a.example/1")).as_deref(),
            Some("https://a.example/1")
        );
        assert_eq!(safe_link(Some("javascript:alert(1)")), None);
        assert_eq!(safe_link(Some("data:text/html,x")), None);
        assert_eq!(safe_link(Some("not a url")), None);
        assert_eq!(safe_link(None), None);
    }
}
