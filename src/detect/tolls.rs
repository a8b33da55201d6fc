//! Tolls read from the text: killed, wounded and kidnapped, in digits or words. The words that
//! say what a number counts come from the rule pack (`[figures]`) and are found by the same
//! automaton scan as everything else, so numbers are only parsed where a toll can be.

use serde::{Deserialize, Serialize};

use crate::arabic::number_at;

/// What a number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    Killed,
    Wounded,
    Kidnapped,
}

impl Counted {
    pub fn as_str(self) -> &'static str {
        match self {
            Counted::Killed => "killed",
            Counted::Wounded => "wounded",
            Counted::Kidnapped => "kidnapped",
        }
    }
}

/// Where a toll word stands relative to its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// «27 قتيلا»: the word follows the number.
    AfterNumber,
    /// «مقتل 27 شخصا»: the word precedes the number (a few words may come between).
    BeforeNumber,
}

/// A toll found: the value and the token range of number and word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Toll {
    pub kind: Counted,
    pub value: u32,
    pub first: usize,
    pub last: usize,
}

/// How far after a toll verb the number may stand: «مقتل ما لا يقل عن 46 شخصا».
const LOOKAHEAD: usize = 5;

/// Reads tolls at the toll words found in a text. `words` are the text's tokens; `marks` the
/// token index, kind and side of each toll word; `clause_starts[k]` says that a clause begins
/// at token `k` (after a comma, or at «وإن», «فيما»): a toll word and its number stand in one
/// clause, so «قتلوا أيضا، وإن أكثر من ثمانين شخصا أصيبوا» does not read 80 killed. Years
/// are not tolls.
pub(crate) fn read(
    words: &[&str],
    clause_starts: &[bool],
    marks: &[(usize, Counted, Side)],
) -> Vec<Toll> {
    let starts = |k: usize| clause_starts.get(k).copied().unwrap_or(false);
    let mut out = Vec::new();
    for &(i, kind, side) in marks {
        let found = match side {
            Side::AfterNumber => (1..=3)
                .filter_map(|back| i.checked_sub(back))
                .take_while(|&j| !starts(j + 1))
                .find_map(|j| {
                    number_at(&words[j..i])
                        .filter(|n| j + n.len == i)
                        .map(|n| (j, n))
                }),
            Side::BeforeNumber => (i + 1..(i + 1 + LOOKAHEAD).min(words.len()))
                .take_while(|&j| !starts(j))
                .find_map(|j| number_at(&words[j..]).map(|n| (j, n))),
        };
        let Some((j, n)) = found else { continue };
        let is_year = !n.approximate && (1900..=2100).contains(&n.value);
        if n.value == 0 || n.value >= 100_000 || (is_year && side == Side::BeforeNumber) {
            continue;
        }
        let (first, last) = match side {
            Side::AfterNumber => (j, i),
            Side::BeforeNumber => (i, j + n.len - 1),
        };
        out.push(Toll {
            kind,
            value: n.value,
            first,
            last,
        });
    }
    out
}

/// The largest toll of each kind.
pub(crate) fn largest(tolls: &[Toll], kind: Counted) -> Option<&Toll> {
    tolls
        .iter()
        .filter(|t| t.kind == kind)
        .max_by_key(|t| t.value)
}
