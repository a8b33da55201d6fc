//! Stories in SQL: the candidates of an item through the key index, a story opened or joined,
//! an item filed under it (the steps of a story plan, which `items` executes in the item's
//! transaction: DESIGN.md contracts 2 and 3).

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::{Store, StoreError};
use crate::dedup::{Facts, StoryPolicy};
use crate::detect::Analysis;
use crate::plan::StoryState;

/// A story as `stories` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryRow {
    pub id: i64,
    pub kind: String,
    pub facts: Facts,
    pub first_seen: i64,
    pub last_seen: i64,
    pub items: i64,
    pub updates: i64,
    /// Distinct outlets (feed names) that told it.
    pub outlets: Vec<String>,
    /// When its first alert left (the earliest to any recipient), if one has.
    pub first_alerted: Option<i64>,
    /// An analyst said it is no incident.
    pub dismissed: bool,
}

/// One article of a story, for alerts and `show story`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryArticle {
    pub item_id: i64,
    pub feed_name: String,
    pub title: String,
    pub url: Option<String>,
    pub published_at: Option<i64>,
    pub reason: Option<String>,
}

fn load_facts(json: &str) -> Result<Facts, StoreError> {
    Ok(serde_json::from_str(json)?)
}

/// A story row of `SELECT id, kind, facts, first_seen, last_seen, items, updates, dismissed`,
/// with its facts still as JSON (their errors are the store's, not SQLite's).
fn story_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(StoryRow, String)> {
    Ok((
        StoryRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            facts: Facts::default(),
            first_seen: r.get(3)?,
            last_seen: r.get(4)?,
            items: r.get(5)?,
            updates: r.get(6)?,
            outlets: Vec::new(),
            first_alerted: None,
            dismissed: r.get(7)?,
        },
        r.get(2)?,
    ))
}

/// Which stories [`Store::stories_matching`] lists: the console's incidents filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoryFilter {
    /// Last seen at or after this time (unix seconds).
    pub since: i64,
    /// Placed in this country (ISO code): one of the story's countries.
    pub country: Option<String>,
    /// Of this event kind (`attack`, `kidnapping`, `border_closure`): one of its kinds.
    pub kind: Option<String>,
    /// Told by two independent publishers or more (`Some(true)`) or by one (`Some(false)`),
    /// counted as `dedup::Corroboration` counts them.
    pub corroborated: Option<bool>,
    /// Those an analyst said are no incident, instead of the others.
    pub dismissed: bool,
    pub limit: usize,
}

/// The stories an item with these facts could join: those filed under its kinds, countries
/// and days (the key index), with who heard of each.
pub(super) fn candidates(
    tx: &Connection,
    facts: &Facts,
    policy: &StoryPolicy,
) -> Result<Vec<StoryState>, StoreError> {
    let mut ids: Vec<i64> = Vec::new();
    let mut st = tx.prepare_cached("SELECT story_id FROM story_keys WHERE key = ?1")?;
    for key in facts.candidate_keys(policy) {
        for id in st.query_map([key], |r| r.get::<_, i64>(0))? {
            let id = id?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let mut story =
        tx.prepare_cached("SELECT facts, updates, dismissed FROM stories WHERE id = ?1")?;
    // Who heard of it, through it, a story merged into it or the story it was split out of
    // (an analyst's corrections).
    let mut heard = tx.prepare_cached(
        "SELECT recipient, message_id FROM outbox WHERE id IN
            (SELECT min(id) FROM outbox
             WHERE story_id = ?1 OR story_id IN (SELECT id FROM stories WHERE merged_into = ?1)
                OR story_id IN (SELECT s.id FROM stories s, stories here
                    WHERE here.id = ?1 AND here.split_from IS NOT NULL
                    AND (s.id = here.split_from OR s.merged_into = here.split_from))
             GROUP BY recipient)",
    )?;
    ids.into_iter()
        .map(|id| {
            let (json, updates, dismissed): (String, u32, bool) =
                story.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(StoryState {
                id,
                facts: load_facts(&json)?,
                updates,
                heard: heard
                    .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?,
                dismissed,
            })
        })
        .collect()
}

/// Opens a story with an item's facts; returns its id.
pub(super) fn open(tx: &Connection, facts: &Facts, published: i64) -> Result<i64, StoreError> {
    let kind = facts.kinds.first().map_or("attack", |k| k.as_str());
    tx.prepare_cached(
        "INSERT INTO stories (kind, facts, first_seen, last_seen, items)
         VALUES (?1, ?2, ?3, ?3, 1)",
    )?
    .execute(params![kind, serde_json::to_string(facts)?, published])?;
    Ok(tx.last_insert_rowid())
}

/// Records an item joining `story`, whose facts are now `facts`; `updated` when it gave an
/// update alert.
pub(super) fn join(
    tx: &Connection,
    story: i64,
    facts: &Facts,
    published: i64,
    updated: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE stories SET facts = ?2, last_seen = max(last_seen, ?3),
            first_seen = min(first_seen, ?3), items = items + 1, updates = updates + ?4
         WHERE id = ?1",
    )?
    .execute(params![
        story,
        serde_json::to_string(facts)?,
        published,
        updated as i64
    ])?;
    Ok(())
}

/// Files the item under a story it tells, with the reason, and the story under its facts'
/// keys. The story of its headline and lead (`first`) is also the item's own `story_id`.
pub(super) fn file(
    tx: &Connection,
    item_id: i64,
    story: i64,
    facts: &Facts,
    reason: &str,
    first: bool,
) -> Result<(), StoreError> {
    let mut st =
        tx.prepare_cached("INSERT OR IGNORE INTO story_keys (key, story_id) VALUES (?1, ?2)")?;
    for key in facts.keys() {
        st.execute(params![key, story])?;
    }
    tx.prepare_cached(
        "INSERT INTO item_stories (item_id, story_id, reason) VALUES (?1, ?2, ?3)
         ON CONFLICT (item_id, story_id) DO UPDATE SET reason = excluded.reason",
    )?
    .execute(params![item_id, story, reason])?;
    if first {
        tx.prepare_cached("UPDATE items SET story_id = ?2, story_reason = ?3 WHERE id = ?1")?
            .execute(params![item_id, story, reason])?;
    }
    Ok(())
}

/// The articles of a story, oldest first, at most `limit`.
pub(super) fn articles(
    conn: &rusqlite::Connection,
    story: i64,
    limit: usize,
) -> Result<Vec<StoryArticle>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT i.id, coalesce(f.name, f.title, f.url), i.title, i.url, i.published_at,
                l.reason
         FROM item_stories l JOIN items i ON i.id = l.item_id JOIN feeds f ON f.id = i.feed_id
         WHERE l.story_id = ?1
         ORDER BY coalesce(i.published_at, i.fetched_at), i.id LIMIT ?2",
    )?;
    let rows = st
        .query_map(params![story, limit as i64], |r| {
            Ok(StoryArticle {
                item_id: r.get(0)?,
                feed_name: r.get(1)?,
                title: r.get(2)?,
                url: r.get(3)?,
                published_at: r.get(4)?,
                reason: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

impl Store {
    /// The stored analyses of a story's articles, by article: each verdict's explanation
    /// without the matched words (its passes, rules and terms say why).
    pub fn story_analyses(&self, story: i64) -> Result<Vec<(i64, Analysis)>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT i.id, i.analysis FROM item_stories l JOIN items i ON i.id = l.item_id
             WHERE l.story_id = ?1",
        )?;
        let rows = st
            .query_map([story], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, json)| Ok((id, serde_json::from_str(&json)?)))
            .collect()
    }

    /// Stories, the most recently seen first, optionally only those seen since `since`.
    pub fn stories(&self, since: Option<i64>, limit: usize) -> Result<Vec<StoryRow>, StoreError> {
        self.story_rows(since, None, limit)
    }

    /// The stories `filter` keeps, the most recently seen first (ties: the newest id first),
    /// never one merged into another: the console's incidents list, chosen in SQL so that a
    /// period of thousands of stories reads only those it lists.
    pub fn stories_matching(&self, filter: &StoryFilter) -> Result<Vec<StoryRow>, StoreError> {
        // The period is a range of `stories_listed` (migration 0017), read newest first: no
        // story outside it is read and nothing is sorted. The country, kind and sources are
        // read from the facts as `dedup::Corroboration` and the console's filter read them.
        let mut st = self.conn.prepare_cached(
            "SELECT id, kind, facts, first_seen, last_seen, items, updates, dismissed
             FROM stories
             WHERE merged_into IS NULL AND dismissed = ?1 AND last_seen >= ?2
                AND (?3 IS NULL OR EXISTS
                    (SELECT 1 FROM json_each(facts, '$.countries') WHERE value = ?3))
                AND (?4 IS NULL OR EXISTS
                    (SELECT 1 FROM json_each(facts, '$.kinds') WHERE value = ?4))
                AND (?5 IS NULL OR
                    (max(coalesce(json_array_length(facts, '$.publishers'), 0), 1) >= 2) = ?5)
             ORDER BY last_seen DESC, id DESC LIMIT ?6",
        )?;
        let rows = st
            .query_map(
                params![
                    filter.dismissed,
                    filter.since,
                    filter.country,
                    filter.kind,
                    filter.corroborated,
                    filter.limit.min(i64::MAX as usize) as i64
                ],
                story_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        self.with_outlets_and_alerts(rows)
    }

    fn story_rows(
        &self,
        since: Option<i64>,
        id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<StoryRow>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, kind, facts, first_seen, last_seen, items, updates, dismissed
             FROM stories
             WHERE (?1 IS NULL OR last_seen >= ?1) AND (?3 IS NULL OR id = ?3)
                AND (?3 IS NOT NULL OR merged_into IS NULL)
             ORDER BY last_seen DESC, id DESC LIMIT ?2",
        )?;
        let rows = st
            .query_map(
                params![since, limit.min(i64::MAX as usize) as i64, id],
                story_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        self.with_outlets_and_alerts(rows)
    }

    /// Stories read with [`story_row`], their facts loaded, with the outlets that told each
    /// and when its first alert left. Two queries for all of them: one each per story was 4,000
    /// queries for the console's 2,000 (benches/console.rs).
    fn with_outlets_and_alerts(
        &self,
        rows: Vec<(StoryRow, String)>,
    ) -> Result<Vec<StoryRow>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(&rows.iter().map(|(r, _)| r.id).collect::<Vec<_>>())?;
        // Each story's outlets in the order of their first article (by id), each once.
        let mut told: Vec<(i64, i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT l.story_id, l.item_id, coalesce(f.name, f.title, f.url)
                 FROM item_stories l JOIN items i ON i.id = l.item_id
                    JOIN feeds f ON f.id = i.feed_id
                 WHERE l.story_id IN (SELECT value FROM json_each(?1))",
            )?
            .query_map([&ids], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        told.sort_unstable_by_key(|(story, item, _)| (*story, *item));
        let mut outlets: HashMap<i64, Vec<String>> = HashMap::new();
        for (story, _, outlet) in told {
            let of = outlets.entry(story).or_default();
            if !of.contains(&outlet) {
                of.push(outlet);
            }
        }
        let alerted: HashMap<i64, Option<i64>> = self
            .conn
            .prepare_cached(
                "SELECT story_id, min(sent_at) FROM outbox
                 WHERE story_id IN (SELECT value FROM json_each(?1)) AND kind = 'new'
                    AND status = 'sent'
                 GROUP BY story_id",
            )?
            .query_map([&ids], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(mut row, facts)| {
                row.facts = load_facts(&facts)?;
                row.outlets = outlets.remove(&row.id).unwrap_or_default();
                row.first_alerted = alerted.get(&row.id).copied().flatten();
                Ok(row)
            })
            .collect()
    }

    /// One story and its articles.
    pub fn story(&self, id: i64) -> Result<(StoryRow, Vec<StoryArticle>), StoreError> {
        let s = self
            .story_rows(None, Some(id), 1)?
            .pop()
            .ok_or(StoreError::NoSuchStory(id))?;
        Ok((s, articles(&self.conn, id, 1000)?))
    }
}

/// The first article of each publisher that made the surge completed by `item_id` (the
/// articles a surge notice names, as [`articles`] are a story's).
pub(super) fn surge_articles(
    conn: &Connection,
    item_id: i64,
) -> Result<Vec<super::StoryArticle>, StoreError> {
    let items: Option<String> = conn
        .prepare_cached("SELECT items FROM surges WHERE item_id = ?1 ORDER BY id LIMIT 1")?
        .query_row([item_id], |r| r.get(0))
        .optional()?;
    let ids: Vec<i64> = match items {
        Some(json) => serde_json::from_str(&json)?,
        None => return Ok(Vec::new()),
    };
    let mut st = conn.prepare_cached(
        "SELECT i.id, coalesce(f.name, f.title, f.url), i.title, i.url, i.published_at
         FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1",
    )?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(a) = st
            .query_row([id], |r| {
                Ok(super::StoryArticle {
                    item_id: r.get(0)?,
                    feed_name: r.get(1)?,
                    title: r.get(2)?,
                    url: r.get(3)?,
                    published_at: r.get(4)?,
                    reason: None,
                })
            })
            .optional()?
        {
            out.push(a);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::EventKind;

    /// Six stories, written by hand:
    ///
    /// | id | kinds                | countries | publishers | last seen | state        |
    /// |----|----------------------|-----------|------------|-----------|--------------|
    /// | 1  | attack               | ML        | a, b       | 1000      |              |
    /// | 2  | kidnapping           | NE        | a          | 2000      |              |
    /// | 3  | attack               | ML, NE    | (none)     | 3000      | dismissed    |
    /// | 4  | attack               | ML        | a, b, c    | 4000      | merged into 1|
    /// | 5  | attack               | ML        | a          | 500       |              |
    /// | 6  | border_closure, attack | DZ, ML  | (none)     | 2000      |              |
    ///
    /// Story 1 is told by items 10 (feed «Beta»), 11 («Alpha») and 12 («Beta» again), and was
    /// first alerted at 1400 (a failed first alert and an update do not count).
    fn six_stories() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let facts = |kinds: &[EventKind], countries: &[&str], publishers: &[&str]| {
            serde_json::to_string(&Facts {
                kinds: kinds.to_vec(),
                countries: countries.iter().map(|c| (*c).to_owned()).collect(),
                publishers: publishers.iter().map(|p| (*p).to_owned()).collect(),
                ..Facts::default()
            })
            .unwrap()
        };
        use EventKind::{Attack, BorderClosure, Kidnapping};
        let stories = [
            (1, facts(&[Attack], &["ML"], &["a", "b"]), 1000, false, None),
            (2, facts(&[Kidnapping], &["NE"], &["a"]), 2000, false, None),
            (3, facts(&[Attack], &["ML", "NE"], &[]), 3000, true, None),
            (
                4,
                facts(&[Attack], &["ML"], &["a", "b", "c"]),
                4000,
                false,
                Some(1),
            ),
            (5, facts(&[Attack], &["ML"], &["a"]), 500, false, None),
            (
                6,
                facts(&[BorderClosure, Attack], &["DZ", "ML"], &[]),
                2000,
                false,
                None,
            ),
        ];
        for (id, facts, last_seen, dismissed, merged_into) in stories {
            s.conn
                .execute(
                    "INSERT INTO stories (id, kind, facts, first_seen, last_seen, items,
                        dismissed, merged_into)
                     VALUES (?1, 'attack', ?2, ?3 - 100, ?3, 1, ?4, ?5)",
                    params![id, facts, last_seen, dismissed, merged_into],
                )
                .unwrap();
        }
        s.conn
            .execute_batch(
                "INSERT INTO feeds (id, url, name) VALUES (1, 'http://a.example/rss', 'Alpha'),
                    (2, 'http://b.example/rss', 'Beta');
                 INSERT INTO items (id, feed_id, identity, title, text, fetched_at, updated_at,
                        content_hash, relevant, score, analysis, story_id)
                    VALUES (10, 2, 'g10', 'a', 'x', 900, 900, 'h10', 1, 5.0, '{}', 1),
                           (11, 1, 'g11', 'b', 'x', 950, 950, 'h11', 1, 5.0, '{}', 1),
                           (12, 2, 'g12', 'c', 'x', 1000, 1000, 'h12', 1, 5.0, '{}', 1);
                 INSERT INTO item_stories (item_id, story_id, reason)
                    VALUES (12, 1, 'same town'), (11, 1, 'same town'),
                           (10, 1, 'opened the story');
                 INSERT INTO outbox (item_id, recipient, kind, message_id, created_at, status,
                        next_attempt_at, sent_at, story_id)
                    VALUES (10, 'x@example.org', 'new', '<1>', 1000, 'sent', 1000, 1500, 1),
                           (10, 'y@example.org', 'new', '<2>', 1000, 'sent', 1000, 1400, 1),
                           (10, 'z@example.org', 'new', '<3>', 1000, 'failed', 1000, NULL, 1),
                           (11, 'x@example.org', 'update', '<4>', 1000, 'sent', 1000, 1300, 1);",
            )
            .unwrap();
        (dir, s)
    }

    fn ids(s: &Store, f: StoryFilter) -> Vec<i64> {
        s.stories_matching(&f)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect()
    }

    #[test]
    fn the_incidents_filters_are_answered_in_sql() {
        let (_dir, s) = six_stories();
        let period = StoryFilter {
            since: 900,
            limit: 100,
            ..StoryFilter::default()
        };
        let some = |c: &str| Some(c.to_owned());
        let dismissed = StoryFilter {
            dismissed: true,
            ..period.clone()
        };
        // (what is asked, the stories that answer it, newest first, ties by id)
        let cases: Vec<(&str, StoryFilter, Vec<i64>)> = vec![
            (
                "no merged, dismissed or older story",
                period.clone(),
                vec![6, 2, 1],
            ),
            (
                "from the start",
                StoryFilter {
                    since: 0,
                    ..period.clone()
                },
                vec![6, 2, 1, 5],
            ),
            (
                "two at most",
                StoryFilter {
                    limit: 2,
                    ..period.clone()
                },
                vec![6, 2],
            ),
            (
                "Mali",
                StoryFilter {
                    country: some("ML"),
                    ..period.clone()
                },
                vec![6, 1],
            ),
            (
                "Niger",
                StoryFilter {
                    country: some("NE"),
                    ..period.clone()
                },
                vec![2],
            ),
            (
                "no country «M»",
                StoryFilter {
                    country: some("M"),
                    ..period.clone()
                },
                vec![],
            ),
            (
                "attacks",
                StoryFilter {
                    kind: some("attack"),
                    ..period.clone()
                },
                vec![6, 1],
            ),
            (
                "kidnappings",
                StoryFilter {
                    kind: some("kidnapping"),
                    ..period.clone()
                },
                vec![2],
            ),
            // A story of no publisher on record counts as one source, as the console shows it.
            (
                "corroborated",
                StoryFilter {
                    corroborated: Some(true),
                    ..period.clone()
                },
                vec![1],
            ),
            (
                "one source",
                StoryFilter {
                    corroborated: Some(false),
                    ..period.clone()
                },
                vec![6, 2],
            ),
            ("dismissed", dismissed.clone(), vec![3]),
            (
                "dismissed in Niger",
                StoryFilter {
                    country: some("NE"),
                    ..dismissed.clone()
                },
                vec![3],
            ),
            (
                "dismissed kidnappings",
                StoryFilter {
                    kind: some("kidnapping"),
                    ..dismissed
                },
                vec![],
            ),
            (
                "single-source attacks in Mali from the start",
                StoryFilter {
                    since: 0,
                    country: some("ML"),
                    kind: some("attack"),
                    corroborated: Some(false),
                    ..period.clone()
                },
                vec![6, 5],
            ),
        ];
        for (what, filter, expected) in cases {
            assert_eq!(ids(&s, filter), expected, "{what}");
        }
    }

    #[test]
    fn listed_stories_carry_their_outlets_and_first_alert() {
        let (_dir, s) = six_stories();
        let listed = s
            .stories_matching(&StoryFilter {
                since: 0,
                limit: 100,
                ..StoryFilter::default()
            })
            .unwrap();
        let one = listed.iter().find(|r| r.id == 1).unwrap();
        // Each outlet once, in the order of its first article.
        assert_eq!(one.outlets, ["Beta", "Alpha"]);
        assert_eq!(one.first_alerted, Some(1400));
        assert_eq!(one.facts.publishers, ["a", "b"]);
        let five = listed.iter().find(|r| r.id == 5).unwrap();
        assert_eq!((five.outlets.len(), five.first_alerted), (0, None));
        // The listing of every story and one story's page read them the same way.
        let all = s.stories(None, 100).unwrap();
        assert_eq!(
            all.iter().map(|r| r.id).collect::<Vec<_>>(),
            [3, 6, 2, 1, 5]
        );
        let one = all.iter().find(|r| r.id == 1).unwrap();
        assert_eq!(
            (one.outlets.clone(), one.first_alerted),
            (vec!["Beta".to_owned(), "Alpha".to_owned()], Some(1400))
        );
        let (one, _) = s.story(1).unwrap();
        assert_eq!(
            (one.outlets, one.first_alerted),
            (vec!["Beta".to_owned(), "Alpha".to_owned()], Some(1400))
        );
    }
}
