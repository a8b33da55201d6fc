//! The rule-pack loader on any text: a pack or an error naming where, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sahel_watch::detect::{analyze, RulePack};

fuzz_target!(|s: &str| {
    if let Ok(pack) = RulePack::from_toml(s, "fuzz.toml") {
        // A pack that loads can analyse.
        let _ = analyze(
            &pack,
            "هجوم في باماكو",
            "قتل مسلحون عشرة أشخاص في مالي أمس.",
        );
    }
});
