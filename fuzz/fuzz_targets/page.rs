//! Page bytes → the article text the full-text stage reads: never a panic, never more than the
//! bounds let through, and a text (when there is one) that is no longer than asked. Seeded with
//! the hostile shapes of issue 22 (deep nesting, attribute floods, link floods) and real pages.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use sahel_watch::fulltext::{decode_page, main_text, Expected, PageLimits};

fuzz_target!(|data: &[u8]| {
    // The first line is the item's headline, the rest the page.
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(0);
    let title = String::from_utf8_lossy(&data[..split]);
    let html = decode_page(&data[split..], None);
    let limits = PageLimits {
        budget: Duration::from_secs(5),
        ..PageLimits::default()
    };
    let expected = Expected {
        title: &title,
        summary: "",
    };
    if let Ok(text) = main_text(&html, &expected, None, &limits, 2_000) {
        assert!(text.chars().count() <= 2_000);
        assert!(!text.trim().is_empty());
    }
});
