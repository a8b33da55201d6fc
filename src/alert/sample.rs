//! A sample alert from a real headline and lead (the project's seed article): what
//! `send-test-alert` sends, and what templates are checked against when they are loaded.

use crate::detect::{analyze, RulePack};
use crate::store::{AlertRow, StoryArticle};
use crate::time::now;

const TITLE: &str = "الجزائر تغلق حدودها البرية مع مالي وليبيا بعد هجوم باماكو";
const TEXT: &str = "أغلقت الجزائر حدودها البرية مع مالي وليبيا بعد الهجوم على فندق راديسون بلو في باماكو الذي أسفر عن مقتل 27 شخصا.\nوقال مصدر أمني إن الحدود ستبقى مغلقة حتى إشعار آخر.";

/// What `send-test-alert` sends: the sample, its headline marked «[test]».
pub fn test_row(rules: &RulePack, to: &str) -> AlertRow {
    let mut row = sample_row(rules, to);
    row.title = format!("[test] {}", row.title);
    row.analysis = analyze(rules, &row.title, &row.text);
    row
}

/// A sample alert for `to`, analysed with `rules`, dated now.
pub fn sample_row(rules: &RulePack, to: &str) -> AlertRow {
    let t = now();
    AlertRow {
        id: 0,
        item_id: 0,
        recipient: to.to_owned(),
        kind: "test".into(),
        message_id: format!("<sw.test.{t}.{:08x}@sahel-watch>", fastrand::u32(..)),
        attempts: 0,
        title: TITLE.into(),
        text: TEXT.into(),
        url: Some("https://www.aljazeera.net/".into()),
        feed_name: "sahel-watch sample".into(),
        published_at: Some(t),
        fetched_at: t,
        analysis: analyze(rules, TITLE, TEXT),
        in_reply_to: None,
        note: None,
        articles: vec![StoryArticle {
            item_id: 0,
            feed_name: "sahel-watch sample".into(),
            title: TITLE.into(),
            url: Some("https://www.aljazeera.net/".into()),
            published_at: Some(t),
            reason: None,
        }],
        story_id: None,
        story: None,
        thread_root: None,
        story_first_alerted: None,
    }
}
