//! The search language: parse any query (with the gazetteer's aliases), then check phrases and
//! cut a snippet of any text, never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sahel_watch::arabic::{parse_search, phrases_hold, snippet};
use sahel_watch::detect::RulePack;

static RULES: LazyLock<RulePack> = LazyLock::new(RulePack::bundled);

fuzz_target!(|data: (&str, &str)| {
    let (query, text) = data;
    if let Ok(search) = parse_search(query, &|w| RULES.aliases(w)) {
        assert!(!search.any.is_empty());
        let _ = phrases_hold(&search, text);
        if let Some(s) = snippet(&search, text, 80) {
            assert!(s.contains('⟦'));
        }
    }
});
