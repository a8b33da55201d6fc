//! Who named which place when, and the surge notices sent (migration 0011). The decision is
//! `plan::plan_surge`'s; this reads what it needs and writes what it returns.

use rusqlite::{params, Connection, OptionalExtension};

use super::{outbox, Store, StoreError};
use crate::plan::{plan_surge, AlertKind, Mention, OutboxRow, PlaceState, SurgeInput, SurgePolicy};

/// The most mentions of one place read for one window: a window holds a few outlets' items,
/// and a bound keeps a runaway feed from making the read long.
const MAX_RECENT: i64 = 500;

fn secs(d: std::time::Duration) -> i64 {
    d.as_secs().min(i64::MAX as u64 / 2) as i64
}

/// Records the places a new item names and writes the surge notices it completes. Returns
/// the outbox rows written.
pub(super) fn record(
    tx: &Connection,
    item_id: i64,
    input: &SurgeInput,
    policy: &SurgePolicy,
    now: i64,
) -> Result<usize, StoreError> {
    let window = secs(policy.window);
    let baseline = secs(policy.baseline);
    for place in &input.places {
        tx.prepare_cached(
            "INSERT INTO place_mentions (place, publisher, at, item_id) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![place.id, input.publisher, input.at, item_id])?;
        tx.prepare_cached("DELETE FROM place_mentions WHERE place = ?1 AND at < ?2")?
            .execute(params![place.id, input.at - baseline - window])?;
    }
    if !(policy.enabled && input.fresh) {
        return Ok(0);
    }
    // One notice per item at most: its other places are in the same news (Dapchi and Yobe).
    for place in &input.places {
        let state = place_state(tx, &place.id, input.at, window, baseline)?;
        let Some(surge) = plan_surge(policy, &place.id, &state, item_id, input.fresh, &place.to)
        else {
            continue;
        };
        let line = surge.line(&place.name);
        tx.prepare_cached(
            "INSERT INTO surges (place, at, item_id, publishers, items, minutes, usual_per_day, line)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            surge.place,
            surge.at,
            surge.item_id,
            serde_json::to_string(&surge.publishers)?,
            serde_json::to_string(&surge.items)?,
            surge.minutes,
            surge.usual_per_day,
            line
        ])?;
        let mut written = 0;
        for to in &surge.alerts {
            let row = OutboxRow {
                to: to.clone(),
                kind: AlertKind::Surge,
                in_reply_to: None,
                note: Some(line.clone()),
            };
            written += outbox::enqueue(tx, item_id, None, outbox::Incident::First, &row, now)?;
        }
        return Ok(written);
    }
    Ok(0)
}

/// The mentions of `place` within a window either side of `at` (items arrive out of order),
/// its mentions in the baseline before that, and its notice nearest in time.
fn place_state(
    tx: &Connection,
    place: &str,
    at: i64,
    window: i64,
    baseline: i64,
) -> Result<PlaceState, StoreError> {
    let recent = tx
        .prepare_cached(
            "SELECT publisher, at, item_id FROM place_mentions
             WHERE place = ?1 AND at BETWEEN ?2 AND ?3 ORDER BY at, item_id LIMIT ?4",
        )?
        .query_map(params![place, at - window, at + window, MAX_RECENT], |r| {
            Ok(Mention {
                publisher: r.get(0)?,
                at: r.get(1)?,
                item_id: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let baseline_mentions: u32 = tx
        .prepare_cached(
            "SELECT count(*) FROM place_mentions WHERE place = ?1 AND at >= ?2 AND at < ?3",
        )?
        .query_row(params![place, at - window - baseline, at - window], |r| {
            r.get(0)
        })?;
    let last_notice: Option<i64> = tx
        .prepare_cached("SELECT at FROM surges WHERE place = ?1 ORDER BY abs(at - ?2) LIMIT 1")?
        .query_row(params![place, at], |r| r.get(0))
        .optional()?;
    Ok(PlaceState {
        recent,
        baseline_mentions,
        last_notice,
    })
}

/// A surge notice as `query --surges` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SurgeRow {
    pub id: i64,
    pub place: String,
    pub at: i64,
    pub item_id: i64,
    pub publishers: Vec<String>,
    pub items: Vec<i64>,
    pub minutes: u32,
    pub usual_per_day: f64,
    pub line: String,
}

impl Store {
    /// Surge notices since `since` (unix seconds), the latest first.
    pub fn surges(&self, since: Option<i64>, limit: usize) -> Result<Vec<SurgeRow>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, place, at, item_id, publishers, items, minutes, usual_per_day, line
             FROM surges WHERE (?1 IS NULL OR at >= ?1) ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let rows = st
            .query_map(params![since, limit.min(i64::MAX as usize) as i64], |r| {
                Ok((
                    SurgeRow {
                        id: r.get(0)?,
                        place: r.get(1)?,
                        at: r.get(2)?,
                        item_id: r.get(3)?,
                        publishers: Vec::new(),
                        items: Vec::new(),
                        minutes: r.get(6)?,
                        usual_per_day: r.get(7)?,
                        line: r.get(8)?,
                    },
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(mut row, publishers, items)| {
                row.publishers = serde_json::from_str(&publishers)?;
                row.items = serde_json::from_str(&items)?;
                Ok(row)
            })
            .collect()
    }
}
