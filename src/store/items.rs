use rusqlite::{params, Connection, OptionalExtension};

use super::outbox::Incident;
use super::text::PackedText;
use super::{outbox, stories, Store, StoreError};
use crate::dedup::StoryPolicy;
use crate::detect::Analysis;
use crate::plan::{
    arrival, plan_follow_up, plan_story, AlertTo, Arrival, Held, StoryInput, StoryPlan,
};

/// An item ready to store: identity and hashes computed, text analysed and packed, analysis
/// serialized, alert routed: all outside the store's lock, which only writes it.
#[derive(Debug, Clone)]
pub struct PreparedItem {
    /// The strongest key of the item (see `dedup`).
    pub identity: String,
    pub guid: Option<String>,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: String,
    /// The text analysed and kept (the feed's, the article page's, or the summary), deflated.
    pub text: PackedText,
    /// Where `text` came from, and the page URL or the reason it is only the summary.
    pub provenance: crate::fulltext::Provenance,
    pub published_at: Option<i64>,
    /// Hash of the feed entry as delivered (not of a fetched page), so that the next poll
    /// recognises the entry unchanged without fetching its page again.
    pub content_hash: String,
    pub analysis: Analysis,
    /// `analysis` as stored.
    pub analysis_json: String,
    /// Normalized words and stems for the full-text index.
    pub fts_terms: String,
    /// Who to alert when this item is stored for the first time (or first becomes
    /// alert-worthy); empty when it is not alert-worthy.
    pub alert_to: Vec<AlertTo>,
    /// When the reported event happened (unix seconds), for alert-worthy items.
    pub event_at: Option<i64>,
    pub story: StoryInput,
    /// The places it names, for surge notices (none in tests and benchmarks that leave them
    /// out).
    pub surge: Option<crate::plan::SurgeInput>,
}

/// What storing one item did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    Inserted { id: i64, alerts: usize },
    Updated { id: i64, alerts: usize },
    Unchanged { id: i64 },
}

impl IngestOutcome {
    pub fn alerts(&self) -> usize {
        match self {
            IngestOutcome::Inserted { alerts, .. } | IngestOutcome::Updated { alerts, .. } => {
                *alerts
            }
            IngestOutcome::Unchanged { .. } => 0,
        }
    }
}

/// What the store applies when it writes items: how items become stories, and when a place
/// named by many outlets is a surge.
#[derive(Debug, Clone)]
pub struct Policies {
    pub stories: StoryPolicy,
    pub surge: crate::plan::SurgePolicy,
}

/// Files an alert-worthy item under its story and writes its alerts as the planner decides
/// (or records why it has none), once: `items.alerted` keeps an edit from alerting again.
fn decide(
    tx: &Connection,
    id: i64,
    it: &PreparedItem,
    now: i64,
    policy: &StoryPolicy,
) -> Result<usize, StoreError> {
    let published = it.published_at.unwrap_or(now);
    // The plan, or why the item files under no story.
    let (plan, further) = match &it.story {
        StoryInput::None => return Ok(0),
        StoryInput::Old(reason) => (Err(reason), &[][..]),
        StoryInput::Facts(facts, further) => {
            let candidates = stories::candidates(tx, facts, policy)?;
            (
                Ok(plan_story(facts, &candidates, &it.alert_to, policy)),
                further.as_slice(),
            )
        }
        StoryInput::FollowUp { facts, unmatched } => {
            let candidates = stories::candidates(tx, facts, policy)?;
            (
                plan_follow_up(facts, &candidates, &it.alert_to, policy).ok_or(unmatched),
                &[][..],
            )
        }
    };
    let mut written = 0;
    let mut told = Vec::new();
    match plan {
        Ok(plan) => {
            let (story, n) = execute(tx, id, published, &plan, Incident::First, now)?;
            told.push(story);
            written += n;
        }
        Err(reason) => {
            tx.execute(
                "UPDATE items SET story_reason = ?2 WHERE id = ?1",
                params![id, reason],
            )?;
        }
    }
    // Each further incident the text tells is filed in a story of its own: planned after the
    // first, so that it sees the story the first opened, and never filed twice in one story.
    for facts in further {
        let candidates: Vec<_> = stories::candidates(tx, facts, policy)?
            .into_iter()
            .filter(|c| !told.contains(&c.id))
            .collect();
        let plan = plan_story(facts, &candidates, &it.alert_to, policy);
        let (story, n) = execute(tx, id, published, &plan, Incident::Further, now)?;
        told.push(story);
        written += n;
    }
    tx.execute("UPDATE items SET alerted = 1 WHERE id = ?1", [id])?;
    Ok(written)
}

/// Executes a story plan for the item: the story opened or joined with its facts, the item
/// filed under it with the reason, and the planned outbox rows. Returns the story and the
/// rows written.
fn execute(
    tx: &Connection,
    item_id: i64,
    published: i64,
    plan: &StoryPlan,
    incident: Incident,
    now: i64,
) -> Result<(i64, usize), StoreError> {
    let (story, facts) = match plan {
        StoryPlan::Open { facts, .. } => (stories::open(tx, facts, published)?, facts),
        StoryPlan::Join {
            story,
            facts,
            updated,
            ..
        } => {
            stories::join(tx, *story, facts, published, *updated)?;
            (*story, facts)
        }
    };
    stories::file(
        tx,
        item_id,
        story,
        facts,
        &plan.reason(),
        incident == Incident::First,
    )?;
    let mut written = 0;
    for row in plan.alerts() {
        written += outbox::enqueue(tx, item_id, Some(story), incident, row, now)?;
    }
    Ok((story, written))
}

impl Store {
    /// When the feed's latest items (at most `limit`, first seen since `since`) were published
    /// and first seen: the history its polling pace is estimated from (`fetch::pace`).
    pub fn feed_history(
        &self,
        feed_id: i64,
        since: i64,
        limit: usize,
    ) -> Result<Vec<crate::fetch::Seen>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT published_at, fetched_at FROM items
             WHERE feed_id = ?1 AND fetched_at >= ?2 ORDER BY id DESC LIMIT ?3",
        )?;
        let rows = st
            .query_map(params![feed_id, since, limit as i64], |r| {
                Ok(crate::fetch::Seen {
                    published: r.get(0)?,
                    first_seen: r.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The content hash stored for each (identity, canonical URL), `None` for items not seen:
    /// lets a refresh skip analysing what it already holds unchanged.
    pub fn known_hashes(
        &self,
        keys: &[(String, Option<String>)],
    ) -> Result<Vec<Option<String>>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT content_hash FROM items WHERE identity = ?1
             UNION ALL
             SELECT content_hash FROM items WHERE canonical_url = ?2
             LIMIT 1",
        )?;
        keys.iter()
            .map(|(id, url)| Ok(st.query_row(params![id, url], |r| r.get(0)).optional()?))
            .collect()
    }

    /// Stores the items of one fetch in one transaction: new items are inserted, edited ones
    /// updated in place, known ones left alone; the outbox rows of alert-worthy items are written
    /// in the same transaction (DESIGN.md contracts 1 and 3).
    /// The fetch's record and next poll are written in the same transaction: a feed's state
    /// never says it was read without its items being there.
    pub fn ingest_and_record(
        &mut self,
        feed: &FeedIngest,
        now: i64,
        policy: &Policies,
    ) -> Result<Vec<IngestOutcome>, StoreError> {
        let mut done = self.ingest_batch(std::slice::from_ref(feed), now, policy)?;
        done.pop().unwrap_or(Ok(Vec::new()))
    }

    /// Stores the fetches of several feeds in one transaction (a group commit: one index flush
    /// and one WAL write for all), each feed under a savepoint of its own, so that a feed whose
    /// items cannot be written fails alone and the others are kept. Returns each feed's outcome
    /// in order; an `Err` of the whole call means nothing was written.
    ///
    /// The full-text index is written after the last savepoint, for the feeds that were kept:
    /// FTS5 flushes its pending terms to a new segment at every savepoint, so indexing inside
    /// them wrote one small segment per feed and then merged them (half the time of a batch).
    pub fn ingest_batch(
        &mut self,
        feeds: &[FeedIngest],
        now: i64,
        policy: &Policies,
    ) -> Result<Vec<Result<Vec<IngestOutcome>, StoreError>>, StoreError> {
        let mut tx = self.conn.transaction()?;
        let mut results = Vec::with_capacity(feeds.len());
        let mut to_index: Vec<IndexOp<'_>> = Vec::new();
        for feed in feeds {
            let sp = tx.savepoint()?;
            let kept = to_index.len();
            let r = ingest_feed(&sp, feed, now, policy, &mut to_index);
            if r.is_ok() {
                sp.commit()?;
            } else {
                to_index.truncate(kept);
            }
            results.push(r);
        }
        for op in &to_index {
            op.execute(&tx)?;
        }
        tx.commit()?;
        Ok(results)
    }
}

/// A change to the full-text index, made once the feeds' savepoints are behind.
struct IndexOp<'a> {
    id: i64,
    /// The row is in the index already (an edited item): its old terms go first.
    replace: bool,
    terms: &'a str,
}

impl IndexOp<'_> {
    fn execute(&self, tx: &Connection) -> Result<(), StoreError> {
        if self.replace {
            tx.prepare_cached("DELETE FROM items_fts WHERE rowid = ?1")?
                .execute([self.id])?;
        }
        index(tx, self.id, self.terms)
    }
}

/// One fetch of one feed to store: its items and its record.
#[derive(Debug, Clone)]
pub struct FeedIngest {
    pub feed_id: i64,
    pub items: Vec<PreparedItem>,
    /// `None` for items written ahead of the rest of their fetch (a candidate whose alert
    /// should not wait for the other pages): the fetch is recorded, with its next poll, by the
    /// write of its last items.
    pub record: Option<super::FetchRecord>,
    pub next_poll_at: i64,
}

fn ingest_feed<'a>(
    tx: &Connection,
    feed: &'a FeedIngest,
    now: i64,
    policy: &Policies,
    to_index: &mut Vec<IndexOp<'a>>,
) -> Result<Vec<IngestOutcome>, StoreError> {
    let id = feed.feed_id;
    if let Some(record) = &feed.record {
        super::feeds::record_fetch_in(tx, id, record, now, feed.next_poll_at)?;
    }
    let mut out = Vec::with_capacity(feed.items.len());
    for it in &feed.items {
        let outcome = ingest_one(tx, id, it, now, policy)?;
        match outcome {
            IngestOutcome::Inserted { id, .. } | IngestOutcome::Updated { id, .. } => to_index
                .push(IndexOp {
                    id,
                    replace: matches!(outcome, IngestOutcome::Updated { .. }),
                    terms: &it.fts_terms,
                }),
            IngestOutcome::Unchanged { .. } => {}
        }
        out.push(outcome);
    }
    if out
        .iter()
        .any(|o| matches!(o, IngestOutcome::Inserted { .. }))
    {
        tx.prepare_cached(
            "UPDATE feeds SET last_item_at = ?2,
                health_notice = CASE WHEN health_notice = 'feed_silent' THEN NULL ELSE health_notice END
             WHERE id = ?1",
        )?
        .execute(params![id, now])?;
    }
    Ok(out)
}

/// Writes one item and its story and alerts; its index terms are the caller's to write.
fn ingest_one(
    tx: &Connection,
    feed_id: i64,
    it: &PreparedItem,
    now: i64,
    policy: &Policies,
) -> Result<IngestOutcome, StoreError> {
    // The same item may arrive under a weaker key from another feed (no GUID, same URL).
    let held: Option<Held> = tx
        .prepare_cached(
            "SELECT id, content_hash, alerted FROM items WHERE identity = ?1
             UNION ALL
             SELECT id, content_hash, alerted FROM items WHERE canonical_url = ?2
             LIMIT 1",
        )?
        .query_row(params![it.identity, it.canonical_url], |r| {
            Ok(Held {
                id: r.get(0)?,
                content_hash: r.get(1)?,
                alerted: r.get(2)?,
            })
        })
        .optional()?;
    let events = serde_json::to_string(&it.analysis.events)?;
    let countries = serde_json::to_string(&it.analysis.countries)?;
    match arrival(held.as_ref(), &it.content_hash) {
        Arrival::Unchanged { id } => Ok(IngestOutcome::Unchanged { id }),
        Arrival::Update { id, decide: again } => {
            tx.prepare_cached(
                "UPDATE items SET title = ?2, text = ?3, content_hash = ?4, relevant = ?5,
                    score = ?6, events = ?7, countries = ?8, analysis = ?9, updated_at = ?10,
                    published_at = coalesce(?11, published_at), event_at = ?12,
                    text_source = ?13, text_note = ?14
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                it.title,
                it.text,
                it.content_hash,
                it.analysis.relevant,
                it.analysis.score,
                events,
                countries,
                it.analysis_json,
                now,
                it.published_at,
                it.event_at,
                it.provenance.source.as_str(),
                it.provenance.note
            ])?;
            let alerts = if again {
                decide(tx, id, it, now, &policy.stories)?
            } else {
                0
            };
            Ok(IngestOutcome::Updated { id, alerts })
        }
        Arrival::Insert => {
            tx.prepare_cached(
                "INSERT INTO items (feed_id, identity, guid, url, canonical_url, title, text,
                    published_at, fetched_at, updated_at, content_hash, relevant, score, events,
                    countries, analysis, event_at, text_source, text_note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18)",
            )?
            .execute(params![
                feed_id,
                it.identity,
                it.guid,
                it.url,
                it.canonical_url,
                it.title,
                it.text,
                it.published_at,
                now,
                it.content_hash,
                it.analysis.relevant,
                it.analysis.score,
                events,
                countries,
                it.analysis_json,
                it.event_at,
                it.provenance.source.as_str(),
                it.provenance.note
            ])?;
            let id = tx.last_insert_rowid();
            let mut alerts = decide(tx, id, it, now, &policy.stories)?;
            if let Some(surge) = &it.surge {
                alerts += super::surges::record(tx, id, surge, &policy.surge, now)?;
            }
            Ok(IngestOutcome::Inserted { id, alerts })
        }
    }
}

/// Adds an item's terms to the full-text index.
pub(super) fn index(tx: &Connection, id: i64, terms: &str) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO items_fts (rowid, terms) VALUES (?1, ?2)")?
        .execute(params![id, terms])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::Delivery;
    use crate::dedup::Facts;
    use crate::detect::EventKind;
    use crate::plan::{AlertTo, SurgePolicy};
    use crate::store::{FetchRecord, PackedText};

    fn facts(country: &str, killed: u32) -> Facts {
        Facts {
            kinds: vec![EventKind::Attack],
            countries: vec![country.into()],
            killed: Some(killed),
            event_first: 100,
            event_last: 100,
            days: vec![0],
            ..Facts::default()
        }
    }

    fn item(n: usize, main: Facts, further: Vec<Facts>) -> PreparedItem {
        PreparedItem {
            identity: format!("guid:{n}"),
            guid: Some(n.to_string()),
            url: None,
            canonical_url: None,
            title: format!("title {n}"),
            text: PackedText::pack("text"),
            provenance: crate::fulltext::Provenance::feed(),
            published_at: Some(100 + n as i64),
            content_hash: format!("h{n}"),
            analysis: Analysis::default(),
            analysis_json: crate::store::stored_analysis(&Analysis::default()),
            fts_terms: String::new(),
            event_at: Some(100),
            surge: None,
            story: StoryInput::Facts(Box::new(main), further),
            alert_to: vec![AlertTo {
                recipient: "desk@x".into(),
                delivery: Delivery::Immediate,
                due_at: 0,
            }],
        }
    }

    fn ingest(s: &mut Store, feed: i64, items: Vec<PreparedItem>) {
        let policy = Policies {
            stories: StoryPolicy::for_tests(),
            surge: SurgePolicy::default(),
        };
        let fetch = FeedIngest {
            feed_id: feed,
            items,
            record: Some(FetchRecord::Fetched {
                http_status: 200,
                etag: None,
                last_modified: None,
                title: None,
                hub: None,
                topic: None,
            }),
            next_poll_at: 200,
        };
        s.ingest_and_record(&fetch, 1000, &policy).unwrap();
    }

    fn store_with_feed() -> (tempfile::TempDir, Store, i64) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let feed = s
            .sync_feeds(&[("http://a.example/rss".into(), None)])
            .unwrap()[0]
            .id;
        (dir, s, feed)
    }

    /// A candidate written ahead of its fetch's record leaves the feed's state as it was:
    /// its validators and next poll come with the fetch's last write, so a crash between the
    /// two fetches the feed again rather than taking the rest of its items as read.
    #[test]
    fn items_written_ahead_of_the_record_leave_the_feed_s_state() {
        let (_dir, mut s, feed) = store_with_feed();
        let before = s.active_feeds().unwrap();
        let policy = Policies {
            stories: StoryPolicy::for_tests(),
            surge: SurgePolicy::default(),
        };
        let ahead = FeedIngest {
            feed_id: feed,
            items: vec![item(1, facts("ML", 1), Vec::new())],
            record: None,
            next_poll_at: 5_000,
        };
        let done = s.ingest_and_record(&ahead, 1000, &policy).unwrap();
        assert!(matches!(done[..], [IngestOutcome::Inserted { .. }]));
        assert_eq!(
            s.due_alerts(1000, 10).unwrap().len(),
            1,
            "its alert is queued"
        );
        assert_eq!(s.active_feeds().unwrap(), before);
    }

    #[test]
    fn a_feed_s_history_is_when_its_items_were_published_and_first_seen() {
        let (_dir, mut s, feed) = store_with_feed();
        let mut quiet = item(1, facts("ML", 1), Vec::new());
        quiet.story = StoryInput::None;
        let mut undated = item(2, facts("ML", 1), Vec::new());
        undated.story = StoryInput::None;
        undated.published_at = None;
        ingest(&mut s, feed, vec![quiet, undated]);
        let h = s.feed_history(feed, 0, 10).unwrap();
        assert_eq!(
            h,
            [
                crate::fetch::Seen {
                    published: None,
                    first_seen: 1000
                },
                crate::fetch::Seen {
                    published: Some(101),
                    first_seen: 1000
                },
            ]
        );
        assert!(s.feed_history(feed, 1001, 10).unwrap().is_empty());
    }

    #[test]
    fn a_roundup_of_two_incidents_alerts_each_once_and_is_in_both_stories() {
        let (_dir, mut s, feed) = store_with_feed();
        // The roundup: an attack in Mali (its headline) and killings in Niger (a paragraph).
        ingest(
            &mut s,
            feed,
            vec![item(1, facts("ML", 11), vec![facts("NE", 30)])],
        );
        let alerts = s.due_alerts(1000, 10).unwrap();
        assert_eq!(alerts.len(), 2, "a first alert per incident");
        assert!(alerts
            .iter()
            .all(|a| a.kind == "new" && a.item_id == alerts[0].item_id));
        assert_ne!(alerts[0].message_id, alerts[1].message_id);
        assert_ne!(alerts[0].story_id, alerts[1].story_id);
        let niger = alerts
            .iter()
            .find(|a| a.story.as_ref().unwrap().countries == ["NE"])
            .unwrap()
            .story_id
            .unwrap();
        // A dedicated report of the Niger killings joins the story the roundup opened.
        ingest(&mut s, feed, vec![item(2, facts("NE", 30), Vec::new())]);
        assert_eq!(
            s.due_alerts(1000, 10).unwrap().len(),
            2,
            "no new first alert"
        );
        let (story, articles) = s.story(niger).unwrap();
        assert_eq!(story.items, 2);
        assert_eq!(
            articles
                .iter()
                .map(|a| a.title.as_str())
                .collect::<Vec<_>>(),
            ["title 1", "title 2"]
        );
        let shown = s.item(articles[0].item_id).unwrap();
        assert_eq!(shown.stories.len(), 2, "{:?}", shown.stories);
        assert_ne!(
            shown.story_id,
            Some(niger),
            "the headline's story is Mali's"
        );
    }
}
