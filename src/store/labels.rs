//! The analysts' corrections read as labels of the articles they concern (for `eval`,
//! `backtest` and the labelled export): a correction of one article labels it; one of a
//! whole story labels every article the story holds. Undone corrections label nothing.

use super::item_corrections::countries_of;
use super::text::StoredBody;
use super::{Store, StoreError};
use crate::detect::{Analysis, AnalystVerdict};

/// An article an analyst corrected, with what the store holds of it.
#[derive(Debug, Clone)]
pub struct CorrectedItem {
    pub item_id: i64,
    pub title: String,
    pub text: String,
    pub url: Option<String>,
    pub published: i64,
    /// The analysis stored with it (what the rules said when it was read, or at the last
    /// `backtest --apply`).
    pub analysis: Analysis,
    /// What analysts said of it, oldest first.
    pub verdicts: Vec<AnalystVerdict>,
}

impl Store {
    /// Every article a standing correction concerns, by id.
    pub fn corrected_items(&self) -> Result<Vec<CorrectedItem>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT x.item_id, c.action, c.value, c.item_id IS NOT NULL, c.user, c.at
             FROM corrections c JOIN (
                SELECT id AS cid, item_id FROM corrections
                    WHERE item_id IS NOT NULL AND undone_at IS NULL
                UNION ALL
                SELECT c2.id, l.item_id FROM corrections c2
                    JOIN item_stories l ON l.story_id = coalesce(c2.into_story, c2.story_id)
                    WHERE c2.item_id IS NULL AND c2.undone_at IS NULL
             ) x ON x.cid = c.id
             ORDER BY x.item_id, c.id",
        )?;
        let verdicts: Vec<(i64, AnalystVerdict)> = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    AnalystVerdict {
                        action: r.get(1)?,
                        countries: countries_of(
                            &r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        ),
                        of_article: r.get(3)?,
                        user: r.get(4)?,
                        at: r.get(5)?,
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut item = self.conn.prepare_cached(
            "SELECT title, text, analysis, url, coalesce(published_at, fetched_at)
             FROM items WHERE id = ?1",
        )?;
        let mut out: Vec<CorrectedItem> = Vec::new();
        for (id, v) in verdicts {
            if let Some(last) = out.last_mut().filter(|c| c.item_id == id) {
                last.verdicts.push(v);
                continue;
            }
            let (title, text, analysis, url, published) = item.query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, StoredBody>(1)?.0,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?;
            let analysis = super::analysis::read_analysis(&analysis, &title, &text)?;
            out.push(CorrectedItem {
                item_id: id,
                title,
                text,
                url,
                published,
                analysis,
                verdicts: vec![v],
            });
        }
        Ok(out)
    }
}
