use unicode_normalization::char::decompose_compatible;

/// Text in the one normal form used everywhere, with a map back to the original so that a match
/// found in normalized text can be highlighted in the text the user reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    /// Runs of normalized bytes and where they came from, in order of `norm`. Most characters
    /// keep their byte length (Arabic letters stay two bytes), so one run covers long stretches
    /// and the map costs far less than an entry per byte.
    runs: Vec<Run>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// First normalized byte of the run.
    norm: u32,
    /// Original byte it came from.
    orig: u32,
    /// 0: the run maps byte for byte (characters of equal length); n > 0: every byte of the run
    /// came from the one original stretch `[orig, orig + n)` (a folded ligature, a digit that
    /// changed length, collapsed white space).
    fixed: u32,
}

impl Normalized {
    /// Maps a byte span of the normalized text to the span of the original text it came from.
    /// Spans that do not fall on character boundaries are widened to the characters they touch.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.text.is_empty() {
            return (0, 0);
        }
        let mut s = start.min(self.text.len() - 1);
        while !self.text.is_char_boundary(s) {
            s -= 1;
        }
        let mut e = end.clamp(s + 1, self.text.len());
        while !self.text.is_char_boundary(e) {
            e += 1;
        }
        let run_of = |b: usize| self.runs[self.runs.partition_point(|r| r.norm as usize <= b) - 1];
        let rs = run_of(s);
        let os = rs.orig as usize
            + if rs.fixed == 0 {
                s - rs.norm as usize
            } else {
                0
            };
        let re = run_of(e - 1);
        let oe = if re.fixed == 0 {
            re.orig as usize + (e - re.norm as usize)
        } else {
            (re.orig + re.fixed) as usize
        };
        (os, oe.max(os))
    }
}

/// Appends the run of one emitted character, extending the last run when it continues it.
fn record(runs: &mut Vec<Run>, norm: usize, orig: (u32, u32), out_len: usize, one_to_one: bool) {
    if out_len == 0 {
        return;
    }
    let norm = norm as u32;
    if one_to_one && (orig.1 - orig.0) as usize == out_len {
        if let Some(last) = runs.last() {
            if last.fixed == 0 && last.orig + (norm - last.norm) == orig.0 {
                return;
            }
        }
        runs.push(Run {
            norm,
            orig: orig.0,
            fixed: 0,
        });
    } else {
        runs.push(Run {
            norm,
            orig: orig.0,
            fixed: orig.1 - orig.0,
        });
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
#[inline]
fn map_char(c: char) -> Out {
    match c {
        // The common case first: Arabic letters that stay as they are, lower-case ASCII, digits.
        '\u{0621}'
        | '\u{0627}'..='\u{0628}'
        | '\u{062A}'..='\u{063A}'
        | '\u{0641}'..='\u{0648}'
        | '\u{064A}' => Out::Char(c),
        'a'..='z' | '0'..='9' => Out::Char(c),
        ' ' => Out::Space,
        '_' | '#' => Out::Space,
        '!'..='/' | ':'..='@' | '['..='`' | '{'..='~' => Out::Char(c),
        '\u{060C}' | '\u{061B}' | '\u{061F}' | '\u{066A}'..='\u{066D}' => Out::Char(c),
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
    let bytes = input.as_bytes();
    let mut text = String::with_capacity(input.len());
    let mut runs: Vec<Run> = Vec::with_capacity(16);
    // Pending white space: (is a line break, original start, original end).
    let mut pending: Option<(bool, u32, u32)> = None;
    let mut i = 0;
    while i < bytes.len() {
        // Fast path: a stretch of common characters (Arabic letters, lower-case ASCII, digits,
        // single spaces between them, diacritics to drop, letters folded to one of the same
        // length) is handled without the general mapping, copying unchanged bytes in slices.
        let start = i;
        let mut copied = i;
        while i < bytes.len() {
            let f = fast(bytes, i);
            if matches!(f, Fast::Same(_) | Fast::Fold(_)) {
                // White space seen before this stretch becomes one separator before its text.
                if let Some((nl, s, e)) = pending.take() {
                    if !text.is_empty() {
                        record(&mut runs, text.len(), (s, e), 1, false);
                        text.push(if nl { '\n' } else { ' ' });
                    }
                }
            }
            match f {
                Fast::Same(n) => i += n,
                Fast::Space
                    if pending.is_none()
                        && (i > copied || !text.is_empty())
                        && matches!(fast(bytes, i + 1), Fast::Same(_) | Fast::Fold(_)) =>
                {
                    i += 1
                }
                Fast::Fold(ch) => {
                    record(
                        &mut runs,
                        text.len(),
                        (copied as u32, i as u32),
                        i - copied,
                        true,
                    );
                    text.push_str(&input[copied..i]);
                    record(&mut runs, text.len(), (i as u32, i as u32 + 2), 2, true);
                    text.push(ch);
                    i += 2;
                    copied = i;
                }
                Fast::Drop => {
                    record(
                        &mut runs,
                        text.len(),
                        (copied as u32, i as u32),
                        i - copied,
                        true,
                    );
                    text.push_str(&input[copied..i]);
                    i += 2;
                    copied = i;
                }
                _ => break,
            }
        }
        if i > start {
            if i > copied {
                record(
                    &mut runs,
                    text.len(),
                    (copied as u32, i as u32),
                    i - copied,
                    true,
                );
                text.push_str(&input[copied..i]);
            }
            continue;
        }
        // Slow path: one character through the full mapping.
        let c = input[i..]
            .chars()
            .next()
            .expect("i is on a character boundary");
        let span = (i as u32, (i + c.len_utf8()) as u32);
        i += c.len_utf8();
        let mut emit = |m: Out, one_to_one: bool, text: &mut String, runs: &mut Vec<Run>| match m {
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
                        record(runs, text.len(), (s, e), 1, false);
                        text.push(if nl { '\n' } else { ' ' });
                    }
                }
                record(runs, text.len(), span, ch.len_utf8(), one_to_one);
                text.push(ch);
            }
        };
        if needs_compat(c) {
            decompose_compatible(c, |d| emit(map_char(d), false, &mut text, &mut runs));
        } else {
            emit(map_char(c), true, &mut text, &mut runs);
        }
    }
    Normalized { text, runs }
}

/// How the fast path treats the character at a byte offset.
enum Fast {
    /// Maps to itself; this many bytes.
    Same(usize),
    /// A two-byte letter folded to another two-byte letter (أ → ا, ة → ه...).
    Fold(char),
    /// A two-byte diacritic or tatweel, dropped.
    Drop,
    /// An ASCII space.
    Space,
    /// Anything else: the general mapping decides.
    Other,
}

#[inline]
fn fast(b: &[u8], i: usize) -> Fast {
    let Some(&first) = b.get(i) else {
        return Fast::Other;
    };
    match first {
        b'a'..=b'z' | b'0'..=b'9' => Fast::Same(1),
        b' ' => Fast::Space,
        0xD8 | 0xD9 => {
            let Some(&second) = b.get(i + 1) else {
                return Fast::Other;
            };
            let cp = (u32::from(first & 0x1F) << 6) | u32::from(second & 0x3F);
            match cp {
                0x0621 | 0x0627..=0x0628 | 0x062A..=0x063A | 0x0641..=0x0648 | 0x064A => {
                    Fast::Same(2)
                }
                0x0622 | 0x0623 | 0x0625 => Fast::Fold('ا'),
                0x0649 | 0x0626 => Fast::Fold('ي'),
                0x0629 => Fast::Fold('ه'),
                0x0624 => Fast::Fold('و'),
                0x064B..=0x065F | 0x0640 => Fast::Drop,
                _ => Fast::Other,
            }
        }
        _ => Fast::Other,
    }
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
        fn words_map_back_to_their_original(s in "[\\u{0621}-\\u{0652}\\u{0660}-\\u{0669}\\u{FEF5}-\\u{FEFC} a-zA-Z0-9_#\\n]{0,64}") {
            let n = normalize(&s);
            for t in crate::arabic::tokens(&n.text) {
                let (a, b) = n.original_span(t.start, t.end);
                prop_assert_eq!(normalize(&s[a..b]).text, t.text(&n.text).to_owned());
            }
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
