use unicode_normalization::char::decompose_compatible;

/// Text in the one normal form used everywhere, with a map back to the original so that a match
/// found in normalized text can be highlighted in the text the user reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    /// For every byte of `text`, the byte range `[start, end)` of the original character it came from.
    origin: Vec<(u32, u32)>,
}

impl Normalized {
    /// Maps a byte span of the normalized text to the span of the original text it came from.
    /// Spans that do not fall on character boundaries are widened to the characters they touch.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.origin.is_empty() {
            return (0, 0);
        }
        let s = start.min(self.origin.len() - 1);
        let e = end.saturating_sub(1).clamp(s, self.origin.len() - 1);
        (self.origin[s].0 as usize, self.origin[e].1 as usize)
    }
}

/// What one original character becomes.
enum Out {
    Drop,
    Char(char),
    Space,
    Newline,
}

/// The per-character mapping. It is idempotent by construction: every character it outputs maps
/// to itself.
fn map_char(c: char) -> Out {
    match c {
        // tashkeel, Quranic marks, superscript alef, tatweel
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}' => Out::Drop,
        // zero-width and bidi controls, BOM, Arabic letter mark
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{061C}'
        | '\u{00AD}' => Out::Drop,
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => Out::Char('ا'),
        'ى' | 'ئ' | 'ی' | 'ې' => Out::Char('ي'),
        'ة' => Out::Char('ه'),
        'ؤ' => Out::Char('و'),
        'ک' => Out::Char('ك'),
        'گ' => Out::Char('ك'),
        'ڤ' => Out::Char('ف'),
        'پ' => Out::Char('ب'),
        '\u{0660}'..='\u{0669}' => Out::Char(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '\u{06F0}'..='\u{06F9}' => Out::Char(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        '_' | '#' => Out::Space,
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => Out::Newline,
        c if c.is_whitespace() => Out::Space,
        c if c.is_ascii_uppercase() => Out::Char(c.to_ascii_lowercase()),
        c => Out::Char(c),
    }
}

/// Presentation forms and full-width characters are folded with their compatibility decomposition
/// (NFKC's job for Arabic); other characters are left alone so that unrelated scripts are not touched.
fn needs_compat(c: char) -> bool {
    matches!(c as u32, 0xFB50..=0xFDFF | 0xFE70..=0xFEFE | 0xFF01..=0xFFEE)
}

/// Normalizes one character into `out` (used by query parsing, which works token by token).
pub fn normalize_char(c: char, out: &mut String) {
    let mut push = |c: char| match map_char(c) {
        Out::Char(m) => out.push(m),
        Out::Space | Out::Newline => out.push(' '),
        Out::Drop => {}
    };
    if needs_compat(c) {
        decompose_compatible(c, &mut push);
    } else {
        push(c);
    }
}

/// Normalizes `input`: strips diacritics and tatweel, unifies alef, ya, ta marbuta and hamza
/// carriers, folds presentation forms and Persian letters, maps Arabic-Indic and Persian digits to
/// ASCII, drops zero-width and bidi marks, lower-cases ASCII, turns `_` and `#` into spaces and
/// collapses white space (a run holding a line break becomes one `\n`, any other run one space).
pub fn normalize(input: &str) -> Normalized {
    let mut text = String::with_capacity(input.len());
    let mut origin = Vec::with_capacity(input.len());
    // Pending white space: None, Some(false) = space, Some(true) = newline.
    let mut pending: Option<(bool, u32, u32)> = None;
    for (i, c) in input.char_indices() {
        let span = (i as u32, (i + c.len_utf8()) as u32);
        let mut emit = |m: Out, text: &mut String, origin: &mut Vec<(u32, u32)>| match m {
            Out::Drop => {}
            Out::Space | Out::Newline => {
                let nl = matches!(m, Out::Newline);
                pending = Some(match pending {
                    Some((p, s, _)) => (p || nl, s, span.1),
                    None => (nl, span.0, span.1),
                });
            }
            Out::Char(ch) => {
                if let Some((nl, s, e)) = pending.take() {
                    if !text.is_empty() {
                        text.push(if nl { '\n' } else { ' ' });
                        origin.push((s, e));
                    }
                }
                text.push(ch);
                origin.extend(std::iter::repeat_n(span, ch.len_utf8()));
            }
        };
        if needs_compat(c) {
            decompose_compatible(c, |d| emit(map_char(d), &mut text, &mut origin));
        } else {
            emit(map_char(c), &mut text, &mut origin);
        }
    }
    Normalized { text, origin }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_the_usual_variants() {
        assert_eq!(normalize("أَزْوَاد").text, "ازواد");
        assert_eq!(normalize("مالى").text, "مالي");
        assert_eq!(normalize("الجمهورية").text, "الجمهوريه");
        assert_eq!(normalize("٢٧ قتيلاً").text, "27 قتيلا");
        assert_eq!(normalize("#بوركينا_فاسو").text, "بوركينا فاسو");
        assert_eq!(normalize("ﻻ").text, "لا");
        assert_eq!(normalize("ســـلام").text, "سلام");
        assert_eq!(normalize("a\u{202E}b").text, "ab");
        assert_eq!(normalize("  a \n\n b  ").text, "a\nb");
    }

    #[test]
    fn maps_spans_back() {
        let original = "هجوم في بَماكو";
        let n = normalize(original);
        let start = n.text.find("بماكو").unwrap();
        let (s, e) = n.original_span(start, start + "بماكو".len());
        assert_eq!(&original[s..e], "بَماكو");
    }

    proptest! {
        #[test]
        fn idempotent(s in "\\PC{0,64}") {
            let once = normalize(&s).text;
            prop_assert_eq!(normalize(&once).text, once);
        }

        #[test]
        fn offsets_fall_on_original_boundaries(s in "[\\u{0600}-\\u{06FF}\\u{FE70}-\\u{FEFC} a-zA-Z_#\\n]{0,48}") {
            let n = normalize(&s);
            for i in 0..n.text.len() {
                let (a, b) = n.original_span(i, i + 1);
                prop_assert!(a < b && b <= s.len());
                prop_assert!(s.is_char_boundary(a) && s.is_char_boundary(b));
            }
        }
    }
}
