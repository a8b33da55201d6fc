//! Tolls read from the text: killed, wounded and kidnapped, in digits or words.

use crate::arabic::number_at;

/// What a number counts, judged from the words around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counted {
    Killed,
    Wounded,
    Kidnapped,
}

/// Words that, right after a number, say what it counts («27 قتيلا», «3 رهائن»).
fn noun_after(word: &str) -> Option<Counted> {
    let w = word
        .strip_prefix('و')
        .unwrap_or(word)
        .trim_start_matches("ال");
    if w.starts_with("قتيل") || w.starts_with("قتلي") || w == "جثه" || w == "جثث" {
        Some(Counted::Killed)
    } else if w.starts_with("جريح") || w.starts_with("جرحي") || w.starts_with("مصاب") {
        Some(Counted::Wounded)
    } else if w.starts_with("رهين")
        || w.starts_with("رهائن")
        || w.starts_with("مختطف")
        || w.starts_with("مخطوف")
    {
        Some(Counted::Kidnapped)
    } else {
        None
    }
}

/// Verbs and nouns that, shortly before a number, say what it counts («مقتل 50 شخصا»).
fn verb_before(word: &str) -> Option<Counted> {
    let w = word.strip_prefix('و').unwrap_or(word);
    let w = w.strip_prefix("ب").unwrap_or(w);
    match w {
        "مقتل" | "قتل" | "قتلت" | "قتلوا" | "يقتلون" | "مصرع" | "سقوط" | "حصيله" | "وفاه" => {
            Some(Counted::Killed)
        }
        "اصابه" | "جرح" | "اصيب" | "واصابه" | "باصابه" => {
            Some(Counted::Wounded)
        }
        "خطف" | "اختطاف" | "اختطف" | "اختطفوا" | "احتجاز" | "تحرير" | "انقاذ" => {
            Some(Counted::Kidnapped)
        }
        _ => None,
    }
}

/// Reads the largest figure of each kind from the words of a text.
pub(crate) fn read(words: &[&str]) -> [Option<u32>; 3] {
    let mut best = [None::<u32>; 3];
    let mut note = |kind: Counted, v: u32| {
        let slot = &mut best[kind as usize];
        if v > 0 && v < 100_000 && slot.is_none_or(|old| v > old) {
            *slot = Some(v);
        }
    };
    let mut i = 0;
    while i < words.len() {
        let Some(n) = number_at(&words[i..]) else {
            i += 1;
            continue;
        };
        let after = i + n.len;
        // «21 قتيلا» / «عشرات القتلى» / «50 شخصا قتلوا»
        if let Some(kind) = words.get(after).and_then(|w| noun_after(w)) {
            note(kind, n.value);
        } else if let Some(kind) = (1..=3)
            .filter_map(|back| i.checked_sub(back))
            .find_map(|j| verb_before(words[j]))
        {
            // «مقتل 50 شخصا», «مقتل ما لا يقل عن 46 شخصا»: skip years and dates.
            let is_year = (1900..=2100).contains(&n.value);
            if !is_year {
                note(kind, n.value);
            }
        }
        i = after;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let n = crate::arabic::normalize(s).text;
        crate::arabic::tokens(&n)
            .iter()
            .map(|t| t.text(&n).to_owned())
            .collect()
    }

    #[test]
    fn reads_tolls() {
        let w = words("مقتل 50 شخصًا وإصابة ثلاثة في هجوم، وخطف أربعة رهائن");
        let refs: Vec<&str> = w.iter().map(String::as_str).collect();
        assert_eq!(read(&refs), [Some(50), Some(3), Some(4)]);
        let w = words("سقط 14 قتيلا و74 جريحا");
        let refs: Vec<&str> = w.iter().map(String::as_str).collect();
        assert_eq!(read(&refs), [Some(14), Some(74), None]);
    }
}
