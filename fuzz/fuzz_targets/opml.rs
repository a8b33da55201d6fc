//! The OPML reader on any bytes: feeds or an XML error with its position, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sahel_watch::config::parse_opml;

fuzz_target!(|data: &[u8]| {
    if let Ok(feeds) = parse_opml(data) {
        for f in feeds {
            assert!(!f.url.is_empty());
        }
    }
});
