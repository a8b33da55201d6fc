//! Runs the automaton over normalized text and keeps the matches whose surrounding letters are
//! legitimate clitics and endings: «وبالجزائر» is الجزائر, «شمالي» is not مالي.

use super::pack::{Pattern, Prefix, RulePack, Suffix};
use crate::arabic::Token;

/// A validated match of one pattern.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub pattern: usize,
    /// Byte span of the whole word(s), clitics included, in the normalized text.
    pub start: usize,
    pub end: usize,
    /// Index of the first and last token covered.
    pub first: usize,
    pub last: usize,
    /// Whether the match carried a leading conjunction «و/ف» or preposition «ب/ل» (used by
    /// disambiguation: «بمالي» reads as “in Mali”).
    pub preposition: bool,
}

/// Conjunctions and prepositions that attach to the next word.
fn strip_clitics(p: &str) -> (&str, bool) {
    let p = p
        .strip_prefix('و')
        .or_else(|| p.strip_prefix('ف'))
        .unwrap_or(p);
    for c in ['ب', 'ك', 'ل', 'س'] {
        if let Some(rest) = p.strip_prefix(c) {
            // «لل» is ل + the article with its alef dropped; leave it for the article check.
            if c == 'ل' && rest.starts_with('ل') {
                return (p, false);
            }
            return (rest, true);
        }
    }
    (p, false)
}

fn strip_article(p: &str) -> Option<&str> {
    p.strip_prefix("ال").or_else(|| p.strip_prefix("لل"))
}

pub(crate) fn prefix_ok(prefix: &str, mode: Prefix) -> (bool, bool) {
    let (rest, prep) = strip_clitics(prefix);
    let ok = match mode {
        Prefix::NoArticle => rest.is_empty(),
        Prefix::Article => strip_article(rest) == Some(""),
        Prefix::Any => rest.is_empty() || strip_article(rest) == Some(""),
        Prefix::Verbal => {
            let rest = strip_article(rest).unwrap_or(rest);
            rest.is_empty()
                || (rest.chars().count() == 1 && matches!(rest, "ي" | "ت" | "ن" | "ا" | "م"))
        }
    };
    (ok, prep)
}

const ADJECTIVE_ENDINGS: &[&str] = &["", "ه", "ون", "ين", "ان", "تان", "تين"];

pub(crate) fn suffix_ok(suffix: &str, mode: Suffix) -> bool {
    match mode {
        Suffix::None => suffix.is_empty(),
        Suffix::Adjective => ADJECTIVE_ENDINGS.contains(&suffix),
        Suffix::Inflection => {
            suffix.chars().count() <= 4
                && suffix
                    .chars()
                    .all(|c| matches!(c, 'ا' | 'ت' | 'و' | 'ن' | 'ي' | 'ه' | 'م'))
        }
    }
}

/// Finds every validated pattern match in `text` (normalized). `tokens` are the tokens of `text`.
pub(crate) fn find(pack: &RulePack, text: &str, tokens: &[Token]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for m in pack.automaton.find_overlapping_iter(text) {
        let pattern: &Pattern = &pack.patterns[m.pattern().as_usize()];
        // The token holding the match start, and the one holding its end.
        let first = tokens.partition_point(|t| t.end <= m.start());
        let Some(ft) = tokens.get(first) else {
            continue;
        };
        if ft.start > m.start() {
            continue; // match starts on punctuation or space
        }
        let last = tokens.partition_point(|t| t.end < m.end());
        let Some(lt) = tokens.get(last) else { continue };
        if lt.start >= m.end() {
            continue;
        }
        let prefix = &text[ft.start..m.start()];
        let suffix = &text[m.end()..lt.end];
        let (ok, preposition) = prefix_ok(prefix, pattern.prefix);
        if !ok || !suffix_ok(suffix, pattern.suffix) {
            continue;
        }
        hits.push(Hit {
            pattern: m.pattern().as_usize(),
            start: ft.start,
            end: lt.end,
            first,
            last,
            preposition,
        });
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clitics() {
        assert!(prefix_ok("وبال", Prefix::Article).0);
        assert!(prefix_ok("لل", Prefix::Article).0);
        assert!(prefix_ok("ال", Prefix::Article).0);
        assert!(!prefix_ok("", Prefix::Article).0);
        assert!(prefix_ok("وب", Prefix::NoArticle).0);
        assert!(!prefix_ok("ال", Prefix::NoArticle).0);
        assert!(!prefix_ok("ش", Prefix::NoArticle).0);
        assert!(!prefix_ok("الصو", Prefix::Any).0);
        assert!(prefix_ok("وي", Prefix::Verbal).0);
        assert!(suffix_ok("ين", Suffix::Adjective));
        assert!(!suffix_ok("يا", Suffix::None));
    }
}
