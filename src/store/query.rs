use rusqlite::{params_from_iter, types::Value, OptionalExtension};

use super::text::StoredBody;
use super::{Store, StoreError};
use crate::arabic::{phrases_hold, snippet, stem, Search, Term};
use crate::detect::Analysis;

/// The length of a search snippet, in characters.
const SNIPPET_CHARS: usize = 160;

/// Which items to list. Every field narrows the result; the default lists the newest relevant
/// items.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Publication (else fetch) time bounds, Unix seconds.
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Any of these event kinds.
    pub events: Vec<String>,
    /// Any of these ISO codes.
    pub countries: Vec<String>,
    /// Feed URL, or a fragment of its name, title or URL.
    pub feed: Option<String>,
    /// Full-text search (words in any spelling, phrases, OR, exclusions).
    pub search: Option<Search>,
    /// Items naming any of these gazetteer entities (places, groups).
    pub entities: Vec<String>,
    /// Items reporting at least this many killed / kidnapped.
    pub min_killed: Option<u32>,
    pub min_kidnapped: Option<u32>,
    /// Items of this story.
    pub story: Option<i64>,
    /// Include items judged not relevant.
    pub all: bool,
    /// At most this many items; `None`: every match.
    pub limit: Option<usize>,
}

/// An item as listed by `query`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ItemRow {
    pub id: i64,
    pub feed: String,
    pub url: Option<String>,
    pub title: String,
    /// Publication time, Unix seconds (fetch time when the feed gave none).
    pub published: i64,
    pub relevant: bool,
    pub score: f64,
    pub events: Vec<String>,
    pub countries: Vec<String>,
    /// Gazetteer ids of the places and actors named.
    pub entities: Vec<String>,
    pub killed: Option<u32>,
    pub wounded: Option<u32>,
    pub kidnapped: Option<u32>,
    pub story_id: Option<i64>,
    /// When the reported event happened, Unix seconds.
    pub event_at: Option<i64>,
    /// With a text search: the text around the first match, the match between ⟦ and ⟧.
    pub snippet: Option<String>,
    /// Where the text came from: `feed`, `page` (the article page) or `summary`.
    pub text_source: String,
    /// The page's URL (`page`) or why only the summary was analysed (`summary`).
    pub text_note: Option<String>,
}

impl ItemRow {
    /// Where the item's text came from, as the full-text stage recorded it.
    pub fn provenance(&self) -> crate::fulltext::Provenance {
        crate::fulltext::Provenance {
            source: crate::fulltext::TextSource::parse(&self.text_source)
                .unwrap_or(crate::fulltext::TextSource::Feed),
            note: self.text_note.clone(),
        }
    }
}

/// An item with everything `show` prints.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ItemDetail {
    #[serde(flatten)]
    pub row: ItemRow,
    pub feed_url: String,
    pub guid: Option<String>,
    pub identity: String,
    pub text: String,
    pub fetched_at: i64,
    pub updated_at: i64,
    pub analysis: Analysis,
    /// The story the item belongs to, and why it joined it (or why it has none).
    pub story_id: Option<i64>,
    pub story_reason: Option<String>,
    /// Every story the item tells, the first included (a roundup tells several), and why it
    /// joined each.
    pub stories: Vec<StoryLink>,
    /// When the reported event happened (unix seconds).
    pub event_at: Option<i64>,
}

/// A story an item is filed under, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryLink {
    pub story_id: i64,
    pub reason: Option<String>,
}

/// One word's alternatives as an FTS5 expression over the index of stems (`arabic::stem`): each
/// alternative and its stem, every term quoted so that nothing the user typed is read as query
/// syntax.
fn fts_word(alts: &[String]) -> String {
    let mut terms: Vec<&str> = Vec::with_capacity(alts.len() * 2);
    for a in alts {
        for t in [a.as_str(), stem(a)] {
            if !terms.contains(&t) {
                terms.push(t);
            }
        }
    }
    let quoted: Vec<String> = terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    format!("({})", quoted.join(" OR "))
}

/// The terms' words, all required (a phrase's order is checked afterwards on the text).
fn fts_terms(terms: &[Term]) -> String {
    terms
        .iter()
        .flat_map(|t| t.words())
        .map(|w| fts_word(w))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The FTS5 expression of a search's positive part: any group, each all of its terms.
fn fts_expression(s: &Search) -> String {
    s.any
        .iter()
        .map(|g| format!("({})", fts_terms(g)))
        .collect::<Vec<_>>()
        .join(" OR ")
}

const ROW_COLUMNS: &str = "i.id, coalesce(f.name, f.title, f.url), i.url, i.title,
    coalesce(i.published_at, i.fetched_at), i.relevant, i.score, i.events, i.countries,
    coalesce(json_extract(i.analysis, '$.entities'), '[]'),
    json_extract(i.analysis, '$.figures.killed'), json_extract(i.analysis, '$.figures.wounded'),
    json_extract(i.analysis, '$.figures.kidnapped'), i.story_id, i.event_at, i.text_source,
    i.text_note";

/// A row with its JSON lists still to parse: (row, events, countries, entities).
type RawRow = (ItemRow, String, String, String);

fn item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        ItemRow {
            id: r.get(0)?,
            feed: r.get(1)?,
            url: r.get(2)?,
            title: r.get(3)?,
            published: r.get(4)?,
            relevant: r.get(5)?,
            score: r.get(6)?,
            events: Vec::new(),
            countries: Vec::new(),
            entities: Vec::new(),
            killed: r.get(10)?,
            wounded: r.get(11)?,
            kidnapped: r.get(12)?,
            story_id: r.get(13)?,
            event_at: r.get(14)?,
            snippet: None,
            text_source: r.get(15)?,
            text_note: r.get(16)?,
        },
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    ))
}

fn finish(parts: RawRow) -> Result<ItemRow, StoreError> {
    let (mut row, events, countries, entities) = parts;
    row.events = serde_json::from_str(&events)?;
    row.countries = serde_json::from_str(&countries)?;
    row.entities = serde_json::from_str(&entities)?;
    Ok(row)
}

/// Placeholders for a list of values: `?,?,?`.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(",")
}

/// The SQL and the parameters of the items matching `f`, newest first, and whether phrases
/// are to be checked on the text after the index (then the limit is not in the SQL).
fn item_query(f: &ItemFilter) -> (String, Vec<Value>, bool) {
    let mut sql =
        format!("SELECT {ROW_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    if !f.all {
        sql.push_str(" AND i.relevant = 1");
    }
    if let Some(s) = f.since {
        sql.push_str(" AND coalesce(i.published_at, i.fetched_at) >= ?");
        args.push(s.into());
    }
    if let Some(u) = f.until {
        sql.push_str(" AND coalesce(i.published_at, i.fetched_at) < ?");
        args.push(u.into());
    }
    if !f.events.is_empty() {
        sql.push_str(" AND EXISTS (SELECT 1 FROM json_each(i.events) WHERE value IN (");
        sql.push_str(&placeholders(f.events.len()));
        sql.push_str("))");
        args.extend(f.events.iter().cloned().map(Value::from));
    }
    if !f.countries.is_empty() {
        sql.push_str(" AND EXISTS (SELECT 1 FROM json_each(i.countries) WHERE value IN (");
        sql.push_str(&placeholders(f.countries.len()));
        sql.push_str("))");
        args.extend(f.countries.iter().cloned().map(Value::from));
    }
    if let Some(feed) = &f.feed {
        sql.push_str(
            " AND (f.url = ? OR instr(lower(coalesce(f.name, '') || ' ' || coalesce(f.title, '') || ' ' || f.url), lower(?)) > 0)",
        );
        args.push(feed.clone().into());
        args.push(feed.clone().into());
    }
    if !f.entities.is_empty() {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM json_each(i.analysis, '$.entities') WHERE value IN (",
        );
        sql.push_str(&placeholders(f.entities.len()));
        sql.push_str("))");
        args.extend(f.entities.iter().cloned().map(Value::from));
    }
    if let Some(n) = f.min_killed {
        sql.push_str(" AND json_extract(i.analysis, '$.figures.killed') >= ?");
        args.push(i64::from(n).into());
    }
    if let Some(n) = f.min_kidnapped {
        sql.push_str(" AND json_extract(i.analysis, '$.figures.kidnapped') >= ?");
        args.push(i64::from(n).into());
    }
    if let Some(story) = f.story {
        // Every article that tells the story, also as a further incident of a roundup.
        sql.push_str(" AND i.id IN (SELECT item_id FROM item_stories WHERE story_id = ?)");
        args.push(story.into());
    }
    let mut phrases = false;
    if let Some(search) = &f.search {
        sql.push_str(" AND i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)");
        args.push(fts_expression(search).into());
        let words: Vec<Term> = search
            .exclude
            .iter()
            .filter(|t| matches!(t, Term::Word(_)))
            .cloned()
            .collect();
        if !words.is_empty() {
            sql.push_str(" AND i.id NOT IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)");
            let any: Vec<String> = words
                .iter()
                .map(|t| fts_terms(std::slice::from_ref(t)))
                .collect();
            args.push(any.join(" OR ").into());
        }
        phrases = search
            .any
            .iter()
            .flatten()
            .chain(&search.exclude)
            .any(|t| matches!(t, Term::Phrase(_)));
    }
    sql.push_str(" ORDER BY coalesce(i.published_at, i.fetched_at) DESC, i.id DESC");
    // Phrases are checked on the text after the index: the limit applies after that.
    if let (false, Some(limit)) = (phrases, f.limit) {
        sql.push_str(" LIMIT ?");
        args.push((limit.max(1) as i64).into());
    }
    (sql, args, phrases)
}

impl Store {
    /// Lists items matching `f`, newest first.
    pub fn query(&self, f: &ItemFilter) -> Result<Vec<ItemRow>, StoreError> {
        let mut out = Vec::new();
        self.query_each(f, |row| {
            out.push(row);
            Ok::<_, StoreError>(())
        })?;
        Ok(out)
    }

    /// Calls `each` with every item matching `f`, newest first, one row at a time: an export of
    /// the whole archive holds one row in memory. Every value is a bound parameter.
    pub fn query_each<E: From<StoreError>>(
        &self,
        f: &ItemFilter,
        mut each: impl FnMut(ItemRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let (sql, args, phrases) = item_query(f);
        let limit = f.limit.map_or(usize::MAX, |l| l.max(1));
        let mut st = self.conn.prepare(&sql).map_err(StoreError::from)?;
        let mut rows = st.query(params_from_iter(args)).map_err(StoreError::from)?;
        let mut text = match &f.search {
            Some(_) => Some(
                self.conn
                    .prepare_cached("SELECT title, text FROM items WHERE id = ?1")
                    .map_err(StoreError::from)?,
            ),
            None => None,
        };
        let mut given = 0;
        while given < limit {
            let Some(r) = rows.next().map_err(StoreError::from)? else {
                break;
            };
            let mut row = finish(item_row(r).map_err(StoreError::from)?)?;
            if let (Some(search), Some(text)) = (&f.search, text.as_mut()) {
                let body = text
                    .query_row([row.id], |r| {
                        let title: String = r.get(0)?;
                        let StoredBody(text) = r.get(1)?;
                        Ok(format!("{title}\n{text}"))
                    })
                    .map_err(StoreError::from)?;
                if phrases && !phrases_hold(search, &body) {
                    continue;
                }
                row.snippet = snippet(search, &body, SNIPPET_CHARS);
            }
            each(row)?;
            given += 1;
        }
        Ok(())
    }

    /// One item with its analysis.
    pub fn item(&self, id: i64) -> Result<ItemDetail, StoreError> {
        let found = self
            .conn
            .query_row(
                &format!(
                    "SELECT {ROW_COLUMNS}, f.url, i.guid, i.identity, i.text, i.fetched_at,
                        i.updated_at, i.analysis, i.story_id, i.story_reason, i.event_at
                     FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1"
                ),
                [id],
                |r| {
                    Ok((
                        item_row(r)?,
                        r.get::<_, String>(17)?,
                        r.get::<_, Option<String>>(18)?,
                        r.get::<_, String>(19)?,
                        r.get::<_, StoredBody>(20)?.0,
                        r.get::<_, i64>(21)?,
                        r.get::<_, i64>(22)?,
                        r.get::<_, String>(23)?,
                        (r.get(24)?, r.get(25)?, r.get(26)?),
                    ))
                },
            )
            .optional()?;
        let Some((
            row,
            feed_url,
            guid,
            identity,
            text,
            fetched_at,
            updated_at,
            analysis,
            (story_id, story_reason, event_at),
        )) = found
        else {
            return Err(StoreError::NoSuchItem(id));
        };
        let row = finish(row)?;
        let analysis = super::analysis::read_analysis(&analysis, &row.title, &text)?;
        let stories = self
            .conn
            .prepare_cached(
                "SELECT story_id, reason FROM item_stories WHERE item_id = ?1 ORDER BY story_id",
            )?
            .query_map([id], |r| {
                Ok(StoryLink {
                    story_id: r.get(0)?,
                    reason: r.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ItemDetail {
            row,
            feed_url,
            guid,
            identity,
            text,
            fetched_at,
            updated_at,
            analysis,
            story_id,
            story_reason,
            stories,
            event_at,
        })
    }
}

/// An item's text and stored analysis, for re-running the rules over the archive.
#[derive(Debug, Clone)]
pub struct StoredText {
    pub id: i64,
    pub title: String,
    pub text: String,
    pub analysis: Analysis,
}

impl Store {
    /// Calls `f` for every item published (else fetched) at or after `since`, oldest first,
    /// without loading the archive into memory.
    pub fn for_each_text(
        &self,
        since: Option<i64>,
        mut f: impl FnMut(StoredText),
    ) -> Result<(), StoreError> {
        let mut st = self.conn.prepare(
            "SELECT id, title, text, analysis FROM items
             WHERE coalesce(published_at, fetched_at) >= ?1 ORDER BY id",
        )?;
        let mut rows = st.query([since.unwrap_or(i64::MIN)])?;
        while let Some(r) = rows.next()? {
            let (title, text): (String, String) = (r.get(1)?, r.get::<_, StoredBody>(2)?.0);
            let analysis = super::analysis::read_analysis(&r.get::<_, String>(3)?, &title, &text)?;
            f(StoredText {
                id: r.get(0)?,
                title,
                text,
                analysis,
            });
        }
        Ok(())
    }

    /// Replaces the stored analysis of items (one transaction). Alerts are not touched: a
    /// re-analysis never sends mail for old items.
    pub fn update_analyses(&mut self, updates: &[(i64, Analysis)]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        {
            let mut st = tx.prepare_cached(
                "UPDATE items SET relevant = ?2, score = ?3, events = ?4, countries = ?5,
                    analysis = ?6 WHERE id = ?1",
            )?;
            for (id, a) in updates {
                n += st.execute(rusqlite::params![
                    id,
                    a.relevant,
                    a.score,
                    serde_json::to_string(&a.events)?,
                    serde_json::to_string(&a.countries)?,
                    super::stored_analysis(a)
                ])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }
}
