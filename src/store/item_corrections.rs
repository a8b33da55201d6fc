//! Analysts' corrections of one article (migration 0016): it leaves a story it tells no
//! incident of, or is split out into a story of its own; and of a story's place. The story's
//! new facts come from `plan` (told again by the articles it keeps), computed between reading
//! the story here and writing it: the write refuses when the story changed in between, and
//! the caller reads it again.

use rusqlite::{params, OptionalExtension, Transaction};

use super::corrections::{live, restore_story, CorrectionError, Verdict};
use super::text::StoredBody;
use super::{stories, Store, StoreError};
use crate::dedup::Facts;
use crate::detect::Analysis;

/// An article of a story as the store holds it, for `plan::refolded_facts`.
#[derive(Debug, Clone)]
pub struct StoredReport {
    pub item_id: i64,
    pub analysis: Analysis,
    pub title: String,
    pub text: String,
    pub published: i64,
    pub url: Option<String>,
    pub feed_url: String,
    /// The countries an analyst said the article tells of, while that correction stands.
    pub placed: Option<Vec<String>>,
}

/// A story as read for a correction of one of its articles.
#[derive(Debug, Clone)]
pub struct StoryReports {
    pub facts: Facts,
    /// Its count of articles when read: the write checks it is unchanged.
    pub items: i64,
    /// The countries an analyst put it in, while that correction stands.
    pub placed: Option<Vec<String>>,
    pub reports: Vec<StoredReport>,
}

/// An article leaving a story, with the story's facts told again without it (`None` when no
/// article is left: the story is then dismissed, with nothing to tell).
#[derive(Debug, Clone)]
pub struct TakeOut {
    pub item: i64,
    pub story: i64,
    /// The story's count of articles when it was read.
    pub seen_items: i64,
    pub facts: Option<Facts>,
}

/// What taking an article out changed, to undo it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Left {
    reason: Option<String>,
    /// The story was the article's own (`items.story_id`).
    headline: bool,
    facts: String,
    items: i64,
    first_seen: i64,
    last_seen: i64,
    /// The story had no article left and was dismissed by this correction.
    emptied: bool,
}

/// What placing a story changed, to undo it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Placed {
    facts: String,
    keys: Vec<String>,
}

impl Store {
    /// A story's articles, oldest first, as `plan::refolded_facts` reads them.
    pub fn story_reports(&self, story: i64) -> Result<StoryReports, StoreError> {
        let (facts, items): (String, i64) = self
            .conn
            .query_row(
                "SELECT facts, items FROM stories WHERE id = ?1",
                [story],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(StoreError::NoSuchStory(story))?;
        let placed: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM corrections WHERE story_id = ?1 AND action = 'wrong_place'
                    AND item_id IS NULL AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
                [story],
                |r| r.get(0),
            )
            .optional()?;
        let mut st = self.conn.prepare_cached(
            "SELECT i.id, i.title, i.text, i.analysis, coalesce(i.published_at, i.fetched_at),
                    i.url, f.url,
                    (SELECT value FROM corrections c WHERE c.item_id = i.id
                        AND c.action = 'wrong_place' AND c.undone_at IS NULL
                        ORDER BY c.id DESC LIMIT 1)
             FROM item_stories l JOIN items i ON i.id = l.item_id JOIN feeds f ON f.id = i.feed_id
             WHERE l.story_id = ?1 ORDER BY coalesce(i.published_at, i.fetched_at), i.id",
        )?;
        let mut rows = st.query([story])?;
        let mut reports = Vec::new();
        while let Some(r) = rows.next()? {
            let (title, text): (String, String) = (r.get(1)?, r.get::<_, StoredBody>(2)?.0);
            let analysis = super::analysis::read_analysis(&r.get::<_, String>(3)?, &title, &text)?;
            reports.push(StoredReport {
                item_id: r.get(0)?,
                analysis,
                title,
                text,
                published: r.get(4)?,
                url: r.get(5)?,
                feed_url: r.get(6)?,
                placed: r.get::<_, Option<String>>(7)?.map(|v| countries_of(&v)),
            });
        }
        Ok(StoryReports {
            facts: serde_json::from_str(&facts)?,
            items,
            placed: placed.map(|v| countries_of(&v)),
            reports,
        })
    }

    /// Takes an article out of a story it tells no incident of. No alert is written.
    pub fn take_out_article(
        &mut self,
        t: &TakeOut,
        verdict: Verdict,
        user: &str,
        now: i64,
    ) -> Result<i64, CorrectionError> {
        let tx = self.conn.transaction()?;
        let left = leave(&tx, t)?;
        if left.headline {
            tx.execute(
                "UPDATE items SET story_id = NULL, story_reason = NULL WHERE id = ?1",
                [t.item],
            )?;
        }
        let id = record(
            &tx,
            (now, user, verdict.as_str()),
            (t.story, None, Some(t.item)),
            None,
            &serde_json::to_string(&left)?,
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Splits an article out into a story of its own (`own`: the facts it brings). Those who
    /// heard of the story it leaves have heard of the new one (`stories.split_from`): no new
    /// first alert. Returns the correction and the new story.
    pub fn split_article(
        &mut self,
        t: &TakeOut,
        own: &Facts,
        published: i64,
        user: &str,
        now: i64,
    ) -> Result<(i64, i64), CorrectionError> {
        let tx = self.conn.transaction()?;
        let left = leave(&tx, t)?;
        let new = stories::open(&tx, own, published)?;
        tx.execute(
            "UPDATE stories SET split_from = ?2 WHERE id = ?1",
            params![new, t.story],
        )?;
        if left.headline {
            tx.execute("UPDATE items SET story_id = NULL WHERE id = ?1", [t.item])?;
        }
        stories::file(
            &tx,
            t.item,
            new,
            own,
            "split out by an analyst: a different incident",
            left.headline,
        )?;
        let id = record(
            &tx,
            (now, user, "split"),
            (t.story, Some(new), Some(t.item)),
            None,
            &serde_json::to_string(&left)?,
        )?;
        tx.commit()?;
        Ok((id, new))
    }

    /// Says an article of a story tells of events in these countries; the story takes `t.facts`,
    /// told again with the article placed there, and is filed under their keys.
    pub fn place_article(
        &mut self,
        t: &TakeOut,
        countries: &[String],
        user: &str,
        now: i64,
    ) -> Result<i64, CorrectionError> {
        let tx = self.conn.transaction()?;
        live(&tx, t.story)?;
        let (old, items): (String, i64) = tx.query_row(
            "SELECT facts, items FROM stories WHERE id = ?1",
            [t.story],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if items != t.seen_items {
            return Err(CorrectionError::Changed(t.story));
        }
        let filed: bool = tx.query_row(
            "SELECT count(*) FROM item_stories WHERE item_id = ?1 AND story_id = ?2",
            params![t.item, t.story],
            |r| r.get(0),
        )?;
        let Some(facts) = t.facts.as_ref().filter(|_| filed) else {
            return Err(CorrectionError::NotInStory {
                item: t.item,
                story: t.story,
            });
        };
        let detail = placed(&tx, t.story, old, facts)?;
        let id = record(
            &tx,
            (now, user, "wrong_place"),
            (t.story, None, Some(t.item)),
            Some(&countries.join(",")),
            &detail,
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Puts a story in the countries an analyst gives; `facts` are its facts placed there
    /// (`plan::placed_facts`). It is filed under their keys too, so that later reports from
    /// there find it.
    pub fn place_story(
        &mut self,
        story: i64,
        countries: &[String],
        facts: &Facts,
        user: &str,
        now: i64,
    ) -> Result<i64, CorrectionError> {
        let tx = self.conn.transaction()?;
        live(&tx, story)?;
        let old: String =
            tx.query_row("SELECT facts FROM stories WHERE id = ?1", [story], |r| {
                r.get(0)
            })?;
        let detail = placed(&tx, story, old, facts)?;
        let id = record(
            &tx,
            (now, user, "wrong_place"),
            (story, None, None),
            Some(&countries.join(",")),
            &detail,
        )?;
        tx.commit()?;
        Ok(id)
    }
}

/// Gives a story its facts placed elsewhere, filed under their keys; what undoing it needs.
fn placed(
    tx: &Transaction<'_>,
    story: i64,
    old: String,
    facts: &Facts,
) -> Result<String, CorrectionError> {
    let mut keys = Vec::new();
    let mut add = tx.prepare("INSERT OR IGNORE INTO story_keys (key, story_id) VALUES (?1, ?2)")?;
    for key in facts.keys() {
        if add.execute(params![key, story])? > 0 {
            keys.push(key);
        }
    }
    tx.execute(
        "UPDATE stories SET facts = ?2 WHERE id = ?1",
        params![story, serde_json::to_string(facts)?],
    )?;
    Ok(serde_json::to_string(&Placed { facts: old, keys })?)
}

/// Undoes a correction of one article (`not_incident`, `not_in_scope` or `split` with an
/// article) or of a story's place: called by `Store::undo_correction`.
pub(super) fn undo(
    tx: &Transaction<'_>,
    id: i64,
    action: &str,
    (story, into, item): (i64, Option<i64>, Option<i64>),
    detail: &str,
) -> Result<(), CorrectionError> {
    let blocked = |why: String| CorrectionError::Blocked { id, why };
    live(tx, story)
        .map_err(|_| blocked(format!("story {story} was merged on; undo that first")))?;
    if action == "wrong_place" {
        let placed: Placed = serde_json::from_str(detail)?;
        let mut unkey = tx.prepare("DELETE FROM story_keys WHERE key = ?1 AND story_id = ?2")?;
        for k in &placed.keys {
            unkey.execute(params![k, story])?;
        }
        // Only the place goes back: what reports brought since stays.
        let mut now: Facts = serde_json::from_str(&tx.query_row(
            "SELECT facts FROM stories WHERE id = ?1",
            [story],
            |r| r.get::<_, String>(0),
        )?)?;
        let was: Facts = serde_json::from_str(&placed.facts)?;
        (now.countries, now.country_reports) = (was.countries, was.country_reports);
        (now.cities, now.regions) = (was.cities, was.regions);
        tx.execute(
            "UPDATE stories SET facts = ?2 WHERE id = ?1",
            params![story, serde_json::to_string(&now)?],
        )?;
        return Ok(());
    }
    let item = item.ok_or_else(|| blocked("no article recorded".into()))?;
    let left: Left = serde_json::from_str(detail)?;
    if let Some(new) = into {
        let alone: i64 = tx.query_row(
            "SELECT count(*) FROM item_stories WHERE story_id = ?1 AND item_id != ?2",
            params![new, item],
            |r| r.get(0),
        )?;
        if alone > 0 {
            return Err(blocked(format!(
                "other reports joined incident {new} since; merge it into {story} instead"
            )));
        }
        tx.execute(
            "DELETE FROM item_stories WHERE story_id = ?1 AND item_id = ?2",
            params![new, item],
        )?;
        tx.execute(
            "UPDATE stories SET merged_into = ?2, items = 0 WHERE id = ?1",
            params![new, story],
        )?;
        tx.execute(
            "UPDATE items SET story_id = NULL WHERE id = ?1 AND story_id = ?2",
            params![item, new],
        )?;
    }
    tx.execute(
        "INSERT OR IGNORE INTO item_stories (item_id, story_id, reason) VALUES (?1, ?2, ?3)",
        params![item, story, left.reason],
    )?;
    if left.headline {
        tx.execute(
            "UPDATE items SET story_id = ?2, story_reason = ?3 WHERE id = ?1 AND story_id IS NULL",
            params![item, story, left.reason],
        )?;
    }
    let items: i64 = tx.query_row("SELECT items FROM stories WHERE id = ?1", [story], |r| {
        r.get(0)
    })?;
    if items == left.items - 1 {
        // Nothing joined since: the story is as it was.
        restore_story(
            tx,
            story,
            &left.facts,
            (left.first_seen, left.last_seen),
            left.items,
        )?;
    } else {
        tx.execute(
            "UPDATE stories SET items = items + 1 WHERE id = ?1",
            [story],
        )?;
    }
    if left.emptied {
        tx.execute("UPDATE stories SET dismissed = 0 WHERE id = ?1", [story])?;
    }
    Ok(())
}

/// The article leaves the story: its filing goes, the story takes `t.facts` (or, with no
/// article left, is dismissed) and its span is its remaining articles'. Refused when the
/// story changed since it was read.
fn leave(tx: &Transaction<'_>, t: &TakeOut) -> Result<Left, CorrectionError> {
    live(tx, t.story)?;
    let (facts, items, first_seen, last_seen, dismissed): (String, i64, i64, i64, bool) = tx
        .query_row(
            "SELECT facts, items, first_seen, last_seen, dismissed FROM stories WHERE id = ?1",
            [t.story],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
    if items != t.seen_items {
        return Err(CorrectionError::Changed(t.story));
    }
    let reason: Option<Option<String>> = tx
        .query_row(
            "SELECT reason FROM item_stories WHERE item_id = ?1 AND story_id = ?2",
            params![t.item, t.story],
            |r| r.get(0),
        )
        .optional()?;
    let Some(reason) = reason else {
        return Err(CorrectionError::NotInStory {
            item: t.item,
            story: t.story,
        });
    };
    let headline: bool = tx.query_row(
        "SELECT story_id IS ?2 FROM items WHERE id = ?1",
        params![t.item, t.story],
        |r| r.get(0),
    )?;
    tx.execute(
        "DELETE FROM item_stories WHERE item_id = ?1 AND story_id = ?2",
        params![t.item, t.story],
    )?;
    let span: (Option<i64>, Option<i64>) = tx.query_row(
        "SELECT min(coalesce(i.published_at, i.fetched_at)), max(coalesce(i.published_at, i.fetched_at))
         FROM item_stories l JOIN items i ON i.id = l.item_id WHERE l.story_id = ?1",
        [t.story],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let emptied = t.facts.is_none() && !dismissed;
    tx.execute(
        "UPDATE stories SET facts = coalesce(?2, facts), items = items - 1,
            first_seen = coalesce(?3, first_seen), last_seen = coalesce(?4, last_seen),
            dismissed = dismissed OR ?5
         WHERE id = ?1",
        params![
            t.story,
            t.facts.as_ref().map(serde_json::to_string).transpose()?,
            span.0,
            span.1,
            emptied
        ],
    )?;
    Ok(Left {
        reason,
        headline,
        facts,
        items,
        first_seen,
        last_seen,
        emptied,
    })
}

/// Writes a correction's record; returns its id.
fn record(
    tx: &Transaction<'_>,
    (at, user, action): (i64, &str, &str),
    (story, into, item): (i64, Option<i64>, Option<i64>),
    value: Option<&str>,
    detail: &str,
) -> Result<i64, CorrectionError> {
    tx.execute(
        "INSERT INTO corrections (at, user, action, story_id, into_story, item_id, value, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![at, user, action, story, into, item, value, detail],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Country codes as a correction's `value` keeps them.
pub(super) fn countries_of(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One story (1) of two articles (10, the headline's, and 20), in a store.
    fn story_of_two() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let facts = serde_json::to_string(&Facts {
            countries: vec!["ML".into()],
            killed: Some(30),
            ..Facts::default()
        })
        .unwrap();
        s.conn
            .execute(
                "INSERT INTO stories (id, kind, facts, first_seen, last_seen, items)
                 VALUES (1, 'attack', ?1, 100, 200, 2)",
                [facts],
            )
            .unwrap();
        s.conn
            .execute_batch(
                r#"INSERT INTO feeds (id, url) VALUES (1, 'http://a.example/rss');
                 INSERT INTO items (id, feed_id, identity, title, text, published_at, fetched_at,
                        updated_at, content_hash, relevant, score, analysis, story_id)
                    VALUES (10, 1, 'g10', 'a', 'x', 100, 100, 100, 'h10', 1, 5.0, '{"relevant":true,"score":5.0}', 1),
                           (20, 1, 'g20', 'b', 'y', 200, 200, 200, 'h20', 1, 5.0, '{"relevant":true,"score":5.0}', 1);
                 INSERT INTO item_stories (item_id, story_id, reason)
                    VALUES (10, 1, 'opened the story'), (20, 1, 'same town');"#,
            )
            .unwrap();
        (dir, s)
    }

    fn only(killed: u32) -> Facts {
        Facts {
            kinds: vec![crate::detect::EventKind::Attack],
            countries: vec!["ML".into()],
            killed: Some(killed),
            event_first: 200,
            event_last: 200,
            ..Facts::default()
        }
    }

    fn take(item: i64, seen: i64, facts: Option<Facts>) -> TakeOut {
        TakeOut {
            item,
            story: 1,
            seen_items: seen,
            facts,
        }
    }

    #[test]
    fn an_article_taken_out_leaves_the_story_told_without_it_until_undone() {
        let (_dir, mut s) = story_of_two();
        assert_eq!(s.story_reports(1).unwrap().reports.len(), 2);
        let id = s
            .take_out_article(
                &take(20, 2, Some(only(5))),
                Verdict::NotIncident,
                "amina",
                1_000,
            )
            .unwrap();
        let (row, articles) = s.story(1).unwrap();
        assert_eq!(
            (row.items, row.last_seen, row.facts.killed),
            (1, 100, Some(5))
        );
        assert_eq!(articles.iter().map(|a| a.item_id).collect::<Vec<_>>(), [10]);
        let c = &s.corrections(Some(1)).unwrap()[0];
        assert_eq!((c.action.as_str(), c.item_id), ("not_incident", Some(20)));

        s.undo_correction(id, "amina", 1_100).unwrap();
        let (row, articles) = s.story(1).unwrap();
        assert_eq!(
            (row.items, row.last_seen, row.facts.killed),
            (2, 200, Some(30))
        );
        assert_eq!(articles[1].reason.as_deref(), Some("same town"));
    }

    #[test]
    fn a_story_changed_since_it_was_read_refuses_the_write() {
        let (_dir, mut s) = story_of_two();
        let stale = take(20, 3, Some(only(5)));
        assert!(matches!(
            s.take_out_article(&stale, Verdict::NotInScope, "amina", 1_000),
            Err(CorrectionError::Changed(1))
        ));
        assert!(matches!(
            s.take_out_article(&take(99, 2, None), Verdict::NotInScope, "amina", 1_000),
            Err(CorrectionError::NotInStory { item: 99, story: 1 })
        ));
        assert_eq!(s.story(1).unwrap().0.items, 2, "nothing written");
    }

    #[test]
    fn the_last_article_taken_out_dismisses_the_story_and_its_undo_restores_it() {
        let (_dir, mut s) = story_of_two();
        s.take_out_article(
            &take(20, 2, Some(only(5))),
            Verdict::NotInScope,
            "amina",
            1_000,
        )
        .unwrap();
        let last = s
            .take_out_article(&take(10, 1, None), Verdict::NotInScope, "amina", 1_001)
            .unwrap();
        let (row, articles) = s.story(1).unwrap();
        assert!(row.dismissed && articles.is_empty());
        s.undo_correction(last, "amina", 1_100).unwrap();
        let (row, articles) = s.story(1).unwrap();
        assert!(!row.dismissed);
        assert_eq!(articles.iter().map(|a| a.item_id).collect::<Vec<_>>(), [10]);
    }

    #[test]
    fn a_split_article_opens_a_story_that_heard_what_its_old_story_heard() {
        let (_dir, mut s) = story_of_two();
        s.conn
            .execute_batch(
                "INSERT INTO outbox (id, item_id, recipient, status, created_at, next_attempt_at,
                        story_id, message_id)
                    VALUES (1, 10, 'desk', 'sent', 100, 100, 1, '<m1@x>');",
            )
            .unwrap();
        let own = Facts {
            countries: vec!["NE".into()],
            ..only(7)
        };
        let (id, new) = s
            .split_article(&take(20, 2, Some(only(30))), &own, 200, "amina", 1_000)
            .unwrap();
        let (row, articles) = s.story(new).unwrap();
        assert_eq!((row.items, row.facts.killed), (1, Some(7)));
        assert_eq!(articles[0].item_id, 20);
        let tx = s.conn.transaction().unwrap();
        let heard =
            super::super::stories::candidates(&tx, &own, &crate::dedup::StoryPolicy::for_tests())
                .unwrap()
                .into_iter()
                .find(|c| c.id == new)
                .expect("the new story is filed under its facts' keys")
                .heard;
        drop(tx);
        assert_eq!(heard, [("desk".to_owned(), "<m1@x>".to_owned())]);

        s.undo_correction(id, "amina", 1_100).unwrap();
        assert_eq!(s.story(1).unwrap().1.len(), 2);
        assert_eq!(
            s.merged_into(new).unwrap(),
            Some(1),
            "the split story is gone back"
        );
    }

    #[test]
    fn a_story_placed_elsewhere_is_filed_there_and_its_undo_puts_the_place_back() {
        let (_dir, mut s) = story_of_two();
        let placed = crate::plan::placed_facts(&only(30), &["NE".into()]);
        let id = s
            .place_story(1, &["NE".into()], &placed, "amina", 1_000)
            .unwrap();
        assert_eq!(s.story(1).unwrap().0.facts.countries, ["NE"]);
        assert_eq!(
            s.story_reports(1).unwrap().placed.as_deref(),
            Some(&["NE".to_owned()][..])
        );
        s.undo_correction(id, "amina", 1_100).unwrap();
        assert_eq!(s.story(1).unwrap().0.facts.countries, ["ML"]);
        assert_eq!(s.story_reports(1).unwrap().placed, None);
    }

    #[test]
    fn an_article_placed_elsewhere_gives_its_story_the_facts_told_again_until_undone() {
        let (_dir, mut s) = story_of_two();
        let there = Facts {
            countries: vec!["BF".into()],
            ..only(30)
        };
        let stale = TakeOut {
            facts: Some(there.clone()),
            ..take(20, 3, None)
        };
        assert!(matches!(
            s.place_article(&stale, &["BF".into()], "amina", 1_000),
            Err(CorrectionError::Changed(1))
        ));
        let id = s
            .place_article(&take(20, 2, Some(there)), &["BF".into()], "amina", 1_000)
            .unwrap();
        assert_eq!(s.story(1).unwrap().0.facts.countries, ["BF"]);
        let read = s.story_reports(1).unwrap();
        let placed: Vec<_> = read.reports.iter().map(|r| r.placed.clone()).collect();
        assert_eq!(placed, [None, Some(vec!["BF".to_owned()])]);
        assert_eq!(read.placed, None, "the story itself was not placed");
        s.undo_correction(id, "amina", 1_100).unwrap();
        assert_eq!(s.story(1).unwrap().0.facts.countries, ["ML"]);
        assert!(s.story_reports(1).unwrap().reports[1].placed.is_none());
    }
}
