//! Making an analyst's correction, as the console and `sahel-watch correct` both do: read
//! what it needs, decide the stories' new facts (`plan`, with no store held), write it in
//! one transaction; when the story changed in between (a report joined it), read it again.

use std::sync::{Mutex, MutexGuard};

use crate::config::Config;
use crate::plan::{
    merged_facts, placed_facts, refolded_facts, report_facts, without_places_elsewhere, Report,
};
use crate::store::{CorrectionError, Store, StoryReports, TakeOut, Verdict};

/// How often a correction is tried against a story that keeps changing under it.
const ATTEMPTS: usize = 3;

/// A correction an analyst makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correction {
    /// A whole story is no incident, or out of scope.
    Story { story: i64, verdict: Verdict },
    /// One article of a story is no incident, or out of scope: it leaves the story.
    Article {
        item: i64,
        story: i64,
        verdict: Verdict,
    },
    /// One article tells a different incident: it leaves the story for one of its own.
    Split { item: i64, story: i64 },
    /// The story happened in these countries (ISO codes).
    Place { story: i64, countries: Vec<String> },
    /// One article of the story tells of events in these countries: the story is told again
    /// with its report there.
    PlaceArticle {
        item: i64,
        story: i64,
        countries: Vec<String>,
    },
    /// The story is the same incident as `into`.
    Merge { story: i64, into: i64 },
    /// Undo a correction.
    Undo { id: i64 },
}

/// Country codes as an analyst gives them («ne», «ML, NE»): upper-cased ISO 3166 codes, or
/// what is wrong with them.
pub fn country_codes(given: &str) -> Result<Vec<String>, String> {
    let codes: Vec<String> = given
        .split([',', ' '])
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    match codes
        .iter()
        .find(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        Some(bad) => Err(format!("{bad:?} is no ISO 3166 country code such as ML")),
        None if codes.is_empty() => {
            Err("give the countries as ISO codes, such as ML or ML,NE".into())
        }
        None => Ok(codes),
    }
}

/// A correction made: its id, and the story to show after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Made {
    pub id: i64,
    pub story: i64,
}

/// Makes a correction. `reader` and `writer` may be one store; each is held only while it
/// reads or writes.
pub fn make(
    reader: &Mutex<Store>,
    writer: &Mutex<Store>,
    config: &Config,
    c: &Correction,
    user: &str,
    now: i64,
) -> Result<Made, CorrectionError> {
    match c {
        &Correction::Story { story, verdict } => Ok(Made {
            id: lock(writer).dismiss_story(story, verdict, user, now)?,
            story,
        }),
        &Correction::Merge { story, into } => {
            let (kept, merged) = {
                let r = lock(reader);
                (r.story_facts(into)?, r.story_facts(story)?)
            };
            let facts = merged_facts(&kept, &merged);
            let id = lock(writer).merge_stories(story, into, &facts, user, now)?;
            Ok(Made { id, story: into })
        }
        Correction::Place { story, countries } => {
            let story = *story;
            let mut facts = placed_facts(&lock(reader).story_facts(story)?, countries);
            without_places_elsewhere(&config.rules, &mut facts, countries);
            let id = lock(writer).place_story(story, countries, &facts, user, now)?;
            Ok(Made { id, story })
        }
        &Correction::Undo { id } => Ok(Made {
            id,
            story: lock(writer).undo_correction(id, user, now)?,
        }),
        &Correction::Article { item, story, .. }
        | &Correction::Split { item, story }
        | &Correction::PlaceArticle { item, story, .. } => {
            for _ in 1..ATTEMPTS {
                let read = lock(reader).story_reports(story)?;
                match of_article(writer, config, c, &read, (item, story), user, now) {
                    Err(CorrectionError::Changed(_)) => continue,
                    done => return done,
                }
            }
            let read = lock(reader).story_reports(story)?;
            of_article(writer, config, c, &read, (item, story), user, now)
        }
    }
}

fn lock(m: &Mutex<Store>) -> MutexGuard<'_, Store> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Makes a correction of `item` in `story` (read as `read`): takes it out (`Article`,
/// `Split`) or places it elsewhere (`PlaceArticle`), the story told again by its reports.
fn of_article(
    writer: &Mutex<Store>,
    config: &Config,
    c: &Correction,
    read: &StoryReports,
    (item, story): (i64, i64),
    user: &str,
    now: i64,
) -> Result<Made, CorrectionError> {
    let placing = match c {
        Correction::PlaceArticle { countries, .. } => Some(countries),
        _ => None,
    };
    let reports = |keep: &dyn Fn(i64) -> bool| -> Vec<Report> {
        read.reports
            .iter()
            .filter(|r| keep(r.item_id))
            .map(|r| Report {
                placed: match placing {
                    Some(countries) if r.item_id == item => Some(countries.clone()),
                    _ => r.placed.clone(),
                },
                analysis: r.analysis.clone(),
                title: r.title.clone(),
                text: r.text.clone(),
                published: r.published,
                publisher: crate::dedup::publisher(
                    config
                        .feed(&r.feed_url)
                        .and_then(|f| f.publisher.as_deref()),
                    r.url.as_deref(),
                    // Stored feed URLs were parsed when configured; an unreadable one is its
                    // own publisher.
                    &url::Url::parse(&r.feed_url).unwrap_or_else(|_| {
                        url::Url::parse("http://unreadable-feed-url.invalid/")
                            .expect("a constant URL parses")
                    }),
                ),
            })
            .collect()
    };
    let kept = reports(&|id| placing.is_some() || id != item);
    let t = TakeOut {
        item,
        story,
        seen_items: read.items,
        facts: refolded_facts(
            &config.rules,
            &config.stories,
            &read.facts,
            &kept,
            read.placed.as_deref(),
        ),
    };
    let mut w = lock(writer);
    match c {
        &Correction::Article { verdict, .. } => Ok(Made {
            id: w.take_out_article(&t, verdict, user, now)?,
            story,
        }),
        Correction::PlaceArticle { countries, .. } => Ok(Made {
            id: w.place_article(&t, countries, user, now)?,
            story,
        }),
        _ => {
            let own = reports(&|id| id == item);
            let Some(r) = own.first() else {
                return Err(CorrectionError::NotInStory { item, story });
            };
            // A different incident: the article's own, wherever it happened.
            let facts = report_facts(&config.rules, &config.stories, &[], r)
                .ok_or(CorrectionError::NoIncident(item))?;
            let (id, new) = w.split_article(&t, &facts, r.published, user, now)?;
            Ok(Made { id, story: new })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_iso_codes_in_any_case_and_separator() {
        assert_eq!(country_codes("ne"), Ok(vec!["NE".to_owned()]));
        assert_eq!(
            country_codes(" ML, ne bf"),
            Ok(vec!["ML".into(), "NE".into(), "BF".into()])
        );
        assert!(country_codes("Niger").unwrap_err().contains("\"NIGER\""));
        assert!(country_codes(" , ").is_err());
    }
}
