//! Feed bytes → entries → analysis and index terms: never a panic, and every explanation span
//! lies on character boundaries of the analysed text.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sahel_watch::arabic::index_terms;
use sahel_watch::detect::{analyze, RulePack};
use sahel_watch::feed::parse_feed;

static RULES: LazyLock<RulePack> = LazyLock::new(RulePack::bundled);

fuzz_target!(|data: &[u8]| {
    let Ok(feed) = parse_feed(data, 50, 20_000) else {
        return;
    };
    assert!(feed.entries.len() <= 50);
    for e in &feed.entries {
        assert!(e.title.chars().count() <= 20_000 && e.text.chars().count() <= 20_000);
        let a = analyze(&RULES, &e.title, &e.text);
        let original = format!("{}\n{}", e.title.replace(['\n', '\r'], " "), e.text);
        for x in &a.explanation {
            assert!(x.start <= x.end && x.end <= original.len());
            assert!(original.is_char_boundary(x.start) && original.is_char_boundary(x.end));
        }
        let _ = index_terms(&original);
    }
});
