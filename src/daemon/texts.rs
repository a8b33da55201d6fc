//! The text each fresh entry is analysed on, and in which order the entries of one fetch are
//! read and written. A candidate's page, analysis and write wait for no other entry's page:
//! the entries that need no page go first (they are ready), then each candidate that needs
//! its page, in the order they were published, each written as soon as it is read, then the
//! pages of entries that are no candidates (`full_text = "always"`), written with the fetch's
//! record.

use tracing::{debug, info};

use super::Context;
use crate::arabic::Normalized;
use crate::config::{Config, FullText};
use crate::dedup::Identity;
use crate::detect::candidate;
use crate::feed::Entry;
use crate::fetch::{is_public, literal_is_private};
use crate::fulltext::{self, Need, Provenance};
use crate::store::FeedRow;

/// An entry as read: its content hash, its identity, and the normalization of its analysed
/// text (made once, for the hash and then for the analysis).
pub(super) struct Keyed {
    pub entry: Entry,
    pub hash: String,
    pub id: Identity,
    pub norm: Normalized,
}

/// Entries written together, each with what it needs for its text.
pub(super) type Lane<T> = Vec<(T, Need)>;

/// An entry with what its text needs, and whether it is a candidate for an alert.
pub(super) struct Planned<T> {
    pub item: T,
    pub need: Need,
    pub candidate: bool,
    pub published: Option<i64>,
}

/// Orders one fetch's entries into lanes written one after another: those written ahead of
/// the fetch's record, and the last one, written with it (perhaps empty: the record is always
/// written). Entries needing no page form the first lane; each candidate needing its page a
/// lane of its own, in the order they were published (undated ones last, in feed order): the
/// stories are built as the reports came out, a follow-up after its incident, whatever order
/// the feed lists them in; the other pages form the last lane. A fetch without candidate
/// pages is one lane, one write, as it was.
pub(super) fn order<T>(planned: Vec<Planned<T>>) -> (Vec<Lane<T>>, Lane<T>) {
    let mut ready = Vec::new();
    let mut candidates = Vec::new();
    let mut others = Vec::new();
    for p in planned {
        match (&p.need, p.candidate) {
            (Need::Page { .. }, true) => candidates.push(p),
            (Need::Page { .. }, false) => others.push((p.item, p.need)),
            _ => ready.push((p.item, p.need)),
        }
    }
    // Oldest first; a stable sort keeps the feed's order among equals and the undated.
    candidates.sort_by_key(|p| p.published.unwrap_or(i64::MAX));
    let mut lanes: Vec<Lane<T>> = std::iter::once(ready)
        .chain(candidates.into_iter().map(|p| vec![(p.item, p.need)]))
        .chain(std::iter::once(others))
        .filter(|l| !l.is_empty())
        .collect();
    let last = lanes.pop().unwrap_or_default();
    (lanes, last)
}

/// What each fresh entry needs for its text under the feed's `full_text` mode, in lanes
/// (CPU work: the candidate pre-check scans each entry).
pub(super) fn lanes(
    config: &Config,
    mode: FullText,
    fresh: Vec<Keyed>,
) -> (Vec<Lane<Keyed>>, Lane<Keyed>) {
    let min_chars = config.limits.min_article_chars;
    let planned = fresh
        .into_iter()
        .map(|k| {
            let e = &k.entry;
            let chars = e.text.chars().count();
            let wants_page = match mode {
                FullText::Never => false,
                FullText::Auto => chars < min_chars,
                FullText::Always => true,
            };
            let why = wants_page
                .then(|| candidate(&config.rules, &e.title, &e.text))
                .flatten();
            let is_candidate = why.is_some();
            let need = fulltext::decide(mode, chars, min_chars, e.link.as_deref(), why);
            let published = e.published.map(|d| d.timestamp());
            Planned {
                item: k,
                need,
                candidate: is_candidate,
                published,
            }
        })
        .collect();
    order(planned)
}

/// The pages one refresh may still fetch (`limits.max_pages_per_refresh`), and whether its
/// feed is served privately (then its pages may be too), asked once.
pub(super) struct PageBudget<'a> {
    left: usize,
    feed_url: &'a url::Url,
    private: Option<bool>,
}

impl<'a> PageBudget<'a> {
    pub fn new(pages: usize, feed_url: &'a url::Url) -> PageBudget<'a> {
        PageBudget {
            left: pages,
            feed_url,
            private: None,
        }
    }

    async fn private(&mut self) -> bool {
        match self.private {
            Some(p) => p,
            None => *self.private.insert(served_privately(self.feed_url).await),
        }
    }
}

/// The entries of a lane and the text each is analysed on, with where it came from: the
/// entry's own, its article page's main text, or the summary with the reason. Pages are
/// fetched one after another under the feed's host slot (other hosts wait for theirs).
pub(super) async fn full_texts(
    ctx: &Context,
    feed: &FeedRow,
    pages: &mut PageBudget<'_>,
    lane: Lane<Keyed>,
) -> (Vec<Keyed>, Vec<(String, Provenance)>) {
    let limits = &ctx.config.limits;
    let mut keyed = Vec::with_capacity(lane.len());
    let mut texts = Vec::with_capacity(lane.len());
    for (k, need) in lane {
        let e = &k.entry;
        let text = match need {
            Need::Feed => (e.text.clone(), Provenance::feed()),
            Need::Summary(why) => {
                ctx.metrics.pages_skipped.inc();
                (e.text.clone(), Provenance::summary(why))
            }
            Need::Page { .. } if pages.left == 0 => {
                ctx.metrics.pages_skipped.inc();
                let why = "this refresh's page budget (limits.max_pages_per_refresh) was spent";
                (e.text.clone(), Provenance::summary(why))
            }
            Need::Page { url, why } => {
                pages.left -= 1;
                let private = pages.private().await;
                let started = std::time::Instant::now();
                let expected = fulltext::Expected {
                    title: &e.title,
                    summary: &e.text,
                };
                let host = pages.feed_url.host_str();
                let page = ctx
                    .pages
                    .article(
                        &ctx.fetcher,
                        &url,
                        host,
                        private,
                        &expected,
                        limits.max_text_chars,
                    )
                    .await;
                ctx.metrics
                    .page_seconds
                    .observe(started.elapsed().as_secs_f64());
                match page {
                    Ok(text) => {
                        ctx.metrics.pages_fetched.inc();
                        debug!(feed_url = %feed.url, page_url = %url, candidate = %why, chars = text.chars().count(), "article page read");
                        (text, Provenance::page(url.as_str()))
                    }
                    Err(err) => {
                        ctx.metrics.page_failed(err.kind());
                        info!(feed_url = %feed.url, page_url = %url, error = %err, "article page failed; the summary is analysed");
                        (e.text.clone(), Provenance::summary(format!("{url}: {err}")))
                    }
                }
            }
        };
        keyed.push(k);
        texts.push(text);
    }
    (keyed, texts)
}

/// Whether the feed is served from a loopback, private or link-local address: then its items'
/// pages may be too (tests, intranets).
pub(super) async fn served_privately(url: &url::Url) -> bool {
    if literal_is_private(url) {
        return true;
    }
    let Some(host) = url.host_str() else {
        return false;
    };
    let port = url.port_or_known_default().unwrap_or(80);
    match tokio::net::lookup_host((host, port)).await {
        Ok(mut addrs) => addrs.any(|a| !is_public(a.ip())),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Need {
        Need::Page {
            url: url::Url::parse("https://news.example/a").unwrap(),
            why: "test".into(),
        }
    }

    fn planned(
        item: &'static str,
        need: Need,
        candidate: bool,
        published: Option<i64>,
    ) -> Planned<&'static str> {
        Planned {
            item,
            need,
            candidate,
            published,
        }
    }

    fn names(lanes: &[Lane<&'static str>]) -> Vec<Vec<&'static str>> {
        lanes
            .iter()
            .map(|l| l.iter().map(|(i, _)| *i).collect())
            .collect()
    }

    #[test]
    fn a_fetch_without_candidate_pages_is_written_once() {
        let (ahead, last) = order(vec![
            planned("a", Need::Feed, true, Some(3)),
            planned("b", Need::Summary("no".into()), false, None),
        ]);
        assert!(ahead.is_empty());
        assert_eq!(names(&[last]), [["a", "b"]]);
    }

    #[test]
    fn an_empty_fetch_still_has_its_last_write() {
        let (ahead, last) = order::<&'static str>(Vec::new());
        assert!(ahead.is_empty());
        assert!(last.is_empty());
    }

    /// The other pages of a `full_text = "always"` feed come after every candidate, whatever
    /// the feed's order, and candidates go in the order they were published, each on its own.
    #[test]
    fn candidates_go_first_in_publication_order_each_alone() {
        let (ahead, last) = order(vec![
            planned("other-1", page(), false, Some(50)),
            planned("old-candidate", page(), true, Some(10)),
            planned("ready", Need::Feed, false, Some(40)),
            planned("other-2", page(), false, Some(60)),
            planned("undated-candidate", page(), true, None),
            planned("new-candidate", page(), true, Some(30)),
        ]);
        assert_eq!(
            names(&ahead),
            vec![
                vec!["ready"],
                vec!["old-candidate"],
                vec!["new-candidate"],
                vec!["undated-candidate"],
            ]
        );
        assert_eq!(names(&[last]), [["other-1", "other-2"]]);
    }

    /// Without other pages, the last candidate's write carries the fetch's record.
    #[test]
    fn the_last_candidate_carries_the_record_when_nothing_follows() {
        let (ahead, last) = order(vec![
            planned("a", page(), true, Some(1)),
            planned("b", page(), true, Some(2)),
        ]);
        assert_eq!(names(&ahead), [["a"]]);
        assert_eq!(names(&[last]), [["b"]]);
    }
}
