//! The normalizer, tokenizer and date reader on any text: offsets always map back to character
//! boundaries of the input, and nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sahel_watch::arabic::{dates_in, normalize, tokens};

fuzz_target!(|s: &str| {
    let n = normalize(s);
    let toks = tokens(&n.text);
    for t in &toks {
        assert!(t.start < t.end && t.end <= n.text.len());
        let (a, b) = n.original_span(t.start, t.end);
        assert!(a <= b && b <= s.len(), "{a}..{b} of {}", s.len());
        assert!(s.is_char_boundary(a) && s.is_char_boundary(b));
    }
    let words: Vec<&str> = toks.iter().map(|t| t.text(&n.text)).collect();
    let published = chrono::NaiveDate::from_ymd_opt(2018, 2, 21).expect("a date");
    for m in dates_in(&words, published) {
        assert!(m.first + m.len <= words.len());
        assert!(m.date <= published);
    }
});
