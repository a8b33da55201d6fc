//! Numbers as news writes them: digits («27»), words («ثلاثة», «عشرين»), compounds
//! («خمسة وعشرين»), and vague quantities («عشرات», «مئات») that stand for a lower bound.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A number read at some token position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberWord {
    pub value: u32,
    /// How many tokens the number spans.
    pub len: usize,
    /// A lower bound such as «عشرات» (tens) rather than an exact count.
    pub approximate: bool,
}

/// Units and teens in normalized spelling, masculine and feminine, with and without the article
/// and with the accusative/genitive endings news uses.
const UNITS: &[(&str, u32)] = &[
    ("واحد", 1),
    ("واحده", 1),
    ("اثنان", 2),
    ("اثنين", 2),
    ("اثنتان", 2),
    ("اثنتين", 2),
    ("ثلاث", 3),
    ("ثلاثه", 3),
    ("اربع", 4),
    ("اربعه", 4),
    ("خمس", 5),
    ("خمسه", 5),
    ("ست", 6),
    ("سته", 6),
    ("سبع", 7),
    ("سبعه", 7),
    ("ثماني", 8),
    ("ثمانيه", 8),
    ("ثمان", 8),
    ("تسع", 9),
    ("تسعه", 9),
    ("عشر", 10),
    ("عشره", 10),
];

const TENS: &[(&str, u32)] = &[
    ("عشرون", 20),
    ("عشرين", 20),
    ("ثلاثون", 30),
    ("ثلاثين", 30),
    ("اربعون", 40),
    ("اربعين", 40),
    ("خمسون", 50),
    ("خمسين", 50),
    ("ستون", 60),
    ("ستين", 60),
    ("سبعون", 70),
    ("سبعين", 70),
    ("ثمانون", 80),
    ("ثمانين", 80),
    ("تسعون", 90),
    ("تسعين", 90),
];

const BIG: &[(&str, u32)] = &[
    ("مئه", 100),
    ("مائه", 100),
    ("مئتين", 200),
    ("مئتان", 200),
    ("مائتين", 200),
    ("مائتان", 200),
    ("الف", 1000),
    ("الفين", 2000),
    ("الفان", 2000),
];

/// Vague quantities, read conservatively as ACLED does: «عشرات» (tens) is 10, «مئات» 100.
/// Dual nouns that are a count by themselves: «مقتل جنديين» is two soldiers.
const DUALS: &[(&str, u32)] = &[
    ("جنديين", 2),
    ("جنديان", 2),
    ("شخصين", 2),
    ("شخصان", 2),
    ("شرطيين", 2),
    ("رجلين", 2),
    ("طفلين", 2),
    ("رهينتين", 2),
];

const VAGUE: &[(&str, u32)] = &[
    ("عشرات", 10),
    ("العشرات", 10),
    ("مئات", 100),
    ("المئات", 100),
    ("الاف", 1000),
    ("الالاف", 1000),
];

fn strip_article(w: &str) -> &str {
    w.strip_prefix("ال").unwrap_or(w)
}

fn lookup(table: &[(&str, u32)], w: &str) -> Option<u32> {
    table.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

/// Every number word, exact ones and vague ones, for a single hash lookup per token (this runs
/// on every word of every item).
static WORDS: LazyLock<HashMap<&'static str, (u32, bool)>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (k, v) in UNITS.iter().chain(TENS).chain(BIG).chain(DUALS) {
        m.insert(*k, (*v, false));
    }
    for (k, v) in VAGUE {
        m.insert(*k, (*v, true));
    }
    m
});

fn word_value(w: &str) -> Option<u32> {
    let w = strip_article(w);
    WORDS.get(w).filter(|(_, vague)| !vague).map(|(v, _)| *v)
}

/// Reads the number starting at `words[0]`, if any. `words` are normalized tokens.
pub fn number_at(words: &[&str]) -> Option<NumberWord> {
    let first = *words.first()?;
    // «و74 جريحا», «الـ15», «بـ5»: clitics stick to digits too.
    let digits = |r: &str| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit());
    let first = ["وال", "بال", "ال", "و", "ب", "ل"]
        .iter()
        .find_map(|p| first.strip_prefix(p).filter(|r| digits(r)))
        .unwrap_or(first);
    if first.bytes().all(|b| b.is_ascii_digit()) {
        let value = first.parse::<u32>().ok()?;
        return Some(NumberWord {
            value,
            len: 1,
            approximate: false,
        });
    }
    if !first.starts_with(|c: char| c.is_ascii_digit())
        && !WORDS.contains_key(first)
        && !WORDS.contains_key(strip_article(first))
    {
        return None;
    }
    if let Some(v) = lookup(VAGUE, first) {
        return Some(NumberWord {
            value: v,
            len: 1,
            approximate: true,
        });
    }
    let mut value = word_value(first)?;
    let mut len = 1;
    // «ثلاثة عشر» (13), «خمسة وعشرون» (25), «مئة وعشرون» (120)
    if value < 10 {
        if let Some(&next) = words.get(1) {
            if matches!(next, "عشر" | "عشره") {
                return Some(NumberWord {
                    value: value + 10,
                    len: 2,
                    approximate: false,
                });
            }
        }
    }
    while let Some(&next) = words.get(len) {
        let Some(rest) = next.strip_prefix('و') else {
            break;
        };
        let Some(v) = word_value(rest) else { break };
        value += v;
        len += 1;
    }
    Some(NumberWord {
        value,
        len,
        approximate: false,
    })
}

/// The forms of a counted noun that Arabic number agreement picks from: «قتيل», «قتيلان»,
/// «قتلى», «قتيلا».
#[derive(Debug, Clone, Copy)]
pub struct CountedNoun {
    /// The singular, genitive: after 100, 1000, 101 and 102 («200 قتيل»), and alone («قتيل واحد»).
    pub singular: &'static str,
    /// The dual, nominative («قتيلان»): two, without the figure.
    pub dual: &'static str,
    /// The plural, genitive: after 3 to 10 («7 قتلى»).
    pub plural: &'static str,
    /// The singular, accusative: after 11 to 99 («11 قتيلا»).
    pub accusative: &'static str,
}

/// Those killed.
pub const KILLED: CountedNoun = CountedNoun {
    singular: "قتيل",
    dual: "قتيلان",
    plural: "قتلى",
    accusative: "قتيلا",
};

/// Those kidnapped.
pub const KIDNAPPED: CountedNoun = CountedNoun {
    singular: "مختطف",
    dual: "مختطفان",
    plural: "مختطفين",
    accusative: "مختطفا",
};

/// `n` of a counted noun as news writes it in figures, by the agreement of the number's last
/// two digits: «قتيل واحد», «قتيلان», «7 قتلى», «11 قتيلا», «200 قتيل», «103 قتلى».
pub fn counted(n: u32, noun: CountedNoun) -> String {
    match (n, n % 100) {
        (1, _) => format!("{} واحد", noun.singular),
        (2, _) => noun.dual.to_owned(),
        (_, 3..=10) => format!("{n} {}", noun.plural),
        (_, 11..=99) => format!("{n} {}", noun.accusative),
        // 0, 100, 101, 102, 1000...: the singular genitive.
        _ => format!("{n} {}", noun.singular),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counted_nouns_agree_with_their_number() {
        use super::{counted, KIDNAPPED, KILLED};
        for (n, want) in [
            (1, "قتيل واحد"),
            (2, "قتيلان"),
            (3, "3 قتلى"),
            (7, "7 قتلى"),
            (10, "10 قتلى"),
            (11, "11 قتيلا"),
            (28, "28 قتيلا"),
            (99, "99 قتيلا"),
            (100, "100 قتيل"),
            (102, "102 قتيل"),
            (103, "103 قتلى"),
            (111, "111 قتيلا"),
            (200, "200 قتيل"),
            (1000, "1000 قتيل"),
        ] {
            assert_eq!(counted(n, KILLED), want, "{n}");
        }
        assert_eq!(counted(2, KIDNAPPED), "مختطفان");
        assert_eq!(counted(7, KIDNAPPED), "7 مختطفين");
        assert_eq!(counted(110, KIDNAPPED), "110 مختطفين");
        assert_eq!(counted(276, KIDNAPPED), "276 مختطفا");
        assert_eq!(counted(200, KIDNAPPED), "200 مختطف");
    }

    use super::*;

    #[test]
    fn reads_digits_words_and_compounds() {
        assert_eq!(number_at(&["27", "قتيلا"]).unwrap().value, 27);
        assert_eq!(number_at(&["ثلاثه", "جنود"]).unwrap().value, 3);
        assert_eq!(number_at(&["خمسه", "وعشرين"]).unwrap().value, 25);
        assert_eq!(number_at(&["ثلاثه", "عشر"]).unwrap().value, 13);
        let dozens = number_at(&["عشرات"]).unwrap();
        assert!(dozens.approximate);
        assert_eq!(dozens.value, 10);
        assert_eq!(number_at(&["ال15"]).unwrap().value, 15);
        assert_eq!(number_at(&["و74"]).unwrap().value, 74);
        assert_eq!(number_at(&["جنديين"]).unwrap().value, 2);
        assert_eq!(number_at(&["جنود"]), None);
    }
}
