//! Light stemming for search: proclitics and the article come off, so that «الجزائر»,
//! «بالجزائر» and «وللجزائر» meet on «جزائر». Items are indexed by the stems of their words;
//! a query word is looked up by itself and its stem and by their stems, which finds every item
//! where the word or its stem is a word or a word's stem (what `search::phrases_hold` and the
//! snippets check on the text), so the stem never has to be right, only consistent. One term
//! a word instead of two made the index a third smaller and cheaper to write.

use super::{normalize, tokens};

/// The clitic-stripped form of a normalized word (the word itself when nothing comes off or
/// too little would be left).
pub fn stem(word: &str) -> &str {
    let count = |s: &str| s.chars().count();
    let mut w = word;
    if let Some(rest) = w.strip_prefix('و').or_else(|| w.strip_prefix('ف')) {
        if count(rest) >= 3 {
            w = rest;
        }
    }
    if let Some(rest) = w.strip_prefix("لل") {
        if count(rest) >= 2 {
            return rest;
        }
    }
    for p in ["بال", "كال", "ال"] {
        if let Some(rest) = w.strip_prefix(p) {
            if count(rest) >= 2 {
                return rest;
            }
        }
    }
    w
}

/// The distinct stems of a text's words, space-separated, for the full-text index. The index
/// keeps no positions nor counts (`detail=none`: phrases are checked on the text), so each
/// stem is given once, in sorted order: a repeated word would only cost the index work.
pub fn index_terms(text: &str) -> String {
    let n = normalize(text);
    terms_of_tokens(&n.text, &tokens(&n.text))
}

/// [`index_terms`] of a text already normalized and tokenized (by the analysis, which then
/// needs no second pass).
pub fn terms_of_tokens(norm: &str, toks: &[super::Token]) -> String {
    let mut stems: Vec<&str> = toks.iter().map(|t| stem(t.text(norm))).collect();
    stems.sort_unstable();
    stems.dedup();
    let mut out = String::with_capacity(stems.iter().map(|s| s.len() + 1).sum());
    for s in stems {
        out.push_str(s);
        out.push(' ');
    }
    out
}

/// One query word as alternatives: the normalized word and its stem.
pub fn query_terms(query: &str) -> Vec<Vec<String>> {
    let n = normalize(query);
    tokens(&n.text)
        .iter()
        .map(|t| {
            let w = t.text(&n.text);
            let s = stem(w);
            if s == w {
                vec![w.to_owned()]
            } else {
                vec![w.to_owned(), s.to_owned()]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clitics_come_off() {
        assert_eq!(stem("وبالجزاير"), "جزاير");
        assert_eq!(stem("للجيش"), "جيش");
        assert_eq!(stem("الجزاير"), "جزاير");
        assert_eq!(stem("مالي"), "مالي");
        assert!(index_terms("وبالجزائر").contains("جزاير"));
    }
}
