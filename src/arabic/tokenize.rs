/// A word of normalized text, as a byte span into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, normalized: &'a str) -> &'a str {
        &normalized[self.start..self.end]
    }
}

/// Whether `c` belongs to a word. Arabic letters and ASCII are decided without Unicode tables
/// (the general lookup was a third of the analysis time); everything else asks them.
#[inline]
pub fn is_word_char(c: char) -> bool {
    match c as u32 {
        0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A => true,
        0..=0x7F => false,
        // Arabic letters (hamza to yeh, and the extended letters); not punctuation or marks.
        0x0621..=0x064A | 0x066E..=0x066F | 0x0671..=0x06D3 | 0x06D5 | 0x06EE..=0x06FC | 0x06FF => {
            true
        }
        0x0600..=0x06FF => c.is_alphanumeric(),
        _ => c.is_alphanumeric(),
    }
}

/// Splits normalized text into words: maximal runs of letters and digits. Punctuation, spaces and
/// line breaks separate words and are not part of any.
pub fn tokens(normalized: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(normalized.len() / 6);
    let mut start = None;
    for (i, c) in normalized.char_indices() {
        if is_word_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(Token { start: s, end: i });
        }
    }
    if let Some(s) = start {
        out.push(Token {
            start: s,
            end: normalized.len(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_on_punctuation() {
        let t = "هجوم، في «باماكو»: 27";
        let words: Vec<_> = tokens(t).iter().map(|k| k.text(t)).collect();
        assert_eq!(words, ["هجوم", "في", "باماكو", "27"]);
    }

    #[test]
    fn fast_word_test_agrees_with_unicode_on_the_whole_arabic_block() {
        // The proptest below once drew U+06FD, a Sindhi sign inside the letters' range.
        for c in '\u{0600}'..='\u{06FF}' {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
        }
    }

    proptest! {
        #[test]
        fn fast_word_test_agrees_with_unicode(c in any::<char>()) {
            prop_assert_eq!(is_word_char(c), c.is_alphanumeric());
        }

        #[test]
        fn spans_are_valid(s in "\\PC{0,64}") {
            let n = crate::arabic::normalize(&s).text;
            let mut last = 0;
            for t in tokens(&n) {
                prop_assert!(t.start >= last && t.start < t.end && t.end <= n.len());
                prop_assert!(n.is_char_boundary(t.start) && n.is_char_boundary(t.end));
                last = t.end;
            }
        }
    }
}
