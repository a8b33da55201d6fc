//! The archive's search language: words in any spelling, "quoted phrases", `OR` between
//! alternatives, `-word` to exclude; and snippets with the match marked. Pure: the store turns
//! a [`Search`] into FTS5 and checks phrases on the text.

use super::{normalize, stem, tokens};

/// One term: a word (as alternatives: its normalized form, its stem, and aliases the caller
/// adds) or a phrase of such words in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Word(Vec<String>),
    Phrase(Vec<Vec<String>>),
}

impl Term {
    /// The alternatives of every word of the term.
    pub fn words(&self) -> Vec<&Vec<String>> {
        match self {
            Term::Word(w) => vec![w],
            Term::Phrase(p) => p.iter().collect(),
        }
    }
}

/// A parsed query: any of `any` (each a list of terms that must all match), and none of
/// `exclude`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub any: Vec<Vec<Term>>,
    pub exclude: Vec<Term>,
}

/// The forms of one query word: itself and its stem, then `aliases(word)` with theirs.
fn forms(word: &str, aliases: &dyn Fn(&str) -> Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |w: &str| {
        for f in [w, stem(w)] {
            if !f.is_empty() && !out.iter().any(|o| o == f) {
                out.push(f.to_owned());
            }
        }
    };
    add(word);
    for a in aliases(word) {
        add(&a);
    }
    out
}

fn words_of(s: &str) -> Vec<String> {
    let n = normalize(s).text;
    tokens(&n).iter().map(|t| t.text(&n).to_owned()).collect()
}

/// Parses a query. `aliases` gives other spellings of a word (the gazetteer's names of a place).
pub fn parse_search(q: &str, aliases: &dyn Fn(&str) -> Vec<String>) -> Result<Search, String> {
    let mut search = Search::default();
    let mut group: Vec<Term> = Vec::new();
    let mut rest = q.trim();
    while !rest.is_empty() {
        let negate = rest.starts_with('-');
        if negate {
            rest = &rest[1..];
        }
        let (raw, quoted, next) = if let Some(after) = rest.strip_prefix('"') {
            let end = after
                .find('"')
                .ok_or_else(|| format!("unclosed quote in {q:?}"))?;
            (&after[..end], true, &after[end + 1..])
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], false, &rest[end..])
        };
        rest = next.trim_start();
        if !quoted && !negate && raw == "OR" {
            if group.is_empty() {
                return Err(format!("OR needs a term on each side in {q:?}"));
            }
            search.any.push(std::mem::take(&mut group));
            continue;
        }
        let words = words_of(raw);
        if words.is_empty() {
            continue;
        }
        let term = if quoted && words.len() > 1 {
            Term::Phrase(words.iter().map(|w| forms(w, aliases)).collect())
        } else if words.len() == 1 {
            Term::Word(forms(&words[0], aliases))
        } else {
            // «word,word» unquoted: each word on its own.
            for w in &words[..words.len() - 1] {
                let t = Term::Word(forms(w, aliases));
                if negate {
                    search.exclude.push(t);
                } else {
                    group.push(t);
                }
            }
            Term::Word(forms(&words[words.len() - 1], aliases))
        };
        if negate {
            search.exclude.push(term);
        } else {
            group.push(term);
        }
    }
    if !group.is_empty() {
        search.any.push(group);
    } else if !search.any.is_empty() {
        return Err(format!("OR needs a term on each side in {q:?}"));
    }
    if search.any.is_empty() {
        return Err(format!(
            "{q:?} has no word to search for (an exclusion alone finds nothing)"
        ));
    }
    Ok(search)
}

/// Whether one of a word's forms is the token (or its stem).
fn word_matches(alts: &[String], token: &str) -> bool {
    let s = stem(token);
    alts.iter().any(|a| a == token || a == s)
}

/// Whether the phrase's words follow each other in the normalized tokens.
fn phrase_at(tokens: &[&str], phrase: &[Vec<String>]) -> Option<usize> {
    if phrase.is_empty() || tokens.len() < phrase.len() {
        return None;
    }
    (0..=tokens.len() - phrase.len()).find(|&i| {
        phrase
            .iter()
            .enumerate()
            .all(|(j, alts)| word_matches(alts, tokens[i + j]))
    })
}

/// Whether every phrase of some group of the search occurs in `text` (words in a row): the
/// full-text index finds the words, this checks their order.
pub fn phrases_hold(search: &Search, text: &str) -> bool {
    let n = normalize(text).text;
    let toks: Vec<&str> = tokens(&n).iter().map(|t| t.text(&n)).collect();
    let holds = |t: &Term| match t {
        Term::Word(_) => true,
        Term::Phrase(p) => phrase_at(&toks, p).is_some(),
    };
    let excluded_phrase = search
        .exclude
        .iter()
        .any(|t| matches!(t, Term::Phrase(_)) && holds(t));
    !excluded_phrase && search.any.iter().any(|g| g.iter().all(holds))
}

/// A piece of `text` (up to `width` characters) around the first match of the search, the
/// match between ⟦ and ⟧.
pub fn snippet(search: &Search, text: &str, width: usize) -> Option<String> {
    let n = normalize(text);
    let toks = tokens(&n.text);
    let words: Vec<&str> = toks.iter().map(|t| t.text(&n.text)).collect();
    let mut found: Option<(usize, usize)> = None;
    'outer: for g in &search.any {
        for t in g {
            let hit = match t {
                Term::Word(alts) => words
                    .iter()
                    .position(|w| word_matches(alts, w))
                    .map(|i| (i, i)),
                Term::Phrase(p) => phrase_at(&words, p).map(|i| (i, i + p.len() - 1)),
            };
            if hit.is_some() {
                found = hit;
                break 'outer;
            }
        }
    }
    let (first, last) = found?;
    let (start, end) = n.original_span(toks[first].start, toks[last].end);
    let before: String = {
        let b: Vec<char> = text[..start].chars().rev().take(width / 2).collect();
        b.into_iter().rev().collect()
    };
    let after: String = text[end..].chars().take(width / 2).collect();
    let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let lead = if before.chars().count() < text[..start].chars().count() {
        "…"
    } else {
        ""
    };
    let tail = if after.chars().count() < text[end..].chars().count() {
        "…"
    } else {
        ""
    };
    Some(format!(
        "{lead}{} ⟦{}⟧ {}{tail}",
        clean(&before),
        clean(&text[start..end]),
        clean(&after)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn words_phrases_or_and_exclusion() {
        let s = parse_search(r#"هجوم "شمال مالي" OR اختطاف -تدريب"#, &none).unwrap();
        assert_eq!(s.any.len(), 2);
        assert!(matches!(&s.any[0][1], Term::Phrase(p) if p.len() == 2));
        assert_eq!(s.exclude.len(), 1);
        assert!(parse_search("OR هجوم", &none).is_err());
        assert!(parse_search("-هجوم", &none).is_err());
        assert!(parse_search("\"هجوم", &none).is_err());
    }

    #[test]
    fn any_spelling_and_clitics() {
        let s = parse_search("الهجمات", &none).unwrap();
        let Term::Word(alts) = &s.any[0][0] else {
            panic!()
        };
        assert!(alts.contains(&"هجمات".to_owned()), "{alts:?}");
        let s = parse_search("أزواد", &none).unwrap();
        assert_eq!(s.any[0][0], Term::Word(vec!["ازواد".into()]));
    }

    #[test]
    fn phrases_are_checked_in_order() {
        let s = parse_search(r#""شمال مالي""#, &none).unwrap();
        assert!(phrases_hold(&s, "هجوم في شمال مالي أمس"));
        assert!(!phrases_hold(&s, "مالي تعلن عن خطة في الشمال"));
    }

    #[test]
    fn snippets_mark_the_match() {
        let s = parse_search("باماكو", &none).unwrap();
        let text = "قال مسؤول إن هجوما وقع في وباماكو مساء الجمعة وأسفر عن قتلى.";
        let sn = snippet(&s, text, 40).unwrap();
        assert!(sn.contains("⟦وباماكو⟧"), "{sn}");
    }
}
