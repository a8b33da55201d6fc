use std::time::Duration;

use tracing::{info, warn};

use super::texts::{full_texts, lanes, Keyed, Lane, PageBudget};
use super::{Context, DaemonError, FetchSlot, Metrics};
use crate::alert::{alert_worthy, recipients_for};
use crate::arabic::normalize;
use crate::config::{Config, FullText};
use crate::dedup::{content_hash_of, identity};
use crate::detect::{analysed_text, analyze_and_index_normalized};
use crate::feed::{read_feed, ParsedFeed, ReadError};
use crate::fetch::{
    next_after_failure, next_after_success, FetchOutcome, PollHints, Seen, Validators,
};
use crate::fulltext::Provenance;
use crate::plan::{story_input, StoryInput};
use crate::store::{
    stored_analysis, FeedIngest, FeedRow, FetchRecord, IngestOutcome, PackedText, PreparedItem,
};
use crate::time::now;

/// What one refresh of one feed did.
#[derive(Debug, Clone, Default)]
pub struct RefreshReport {
    pub feed_id: i64,
    pub ok: bool,
    pub entries: usize,
    pub inserted: usize,
    pub updated: usize,
    pub alerts: usize,
    pub error: Option<String>,
}

/// The whole pipeline for one feed: fetch with validators → read the capped body (decompress,
/// decode, parse, identify) → keep what is new or edited → full text of candidates → analyse
/// and plan, off the store → write items, stories, alerts and the feed's state in one
/// transaction (shared with other feeds' writes). Errors are recorded against the feed, never propagated: one
/// broken feed does not stop the others. Only a database failure is returned.
pub async fn refresh(
    ctx: &Context,
    feed: &FeedRow,
    slot: FetchSlot,
) -> Result<RefreshReport, DaemonError> {
    let cfg = &ctx.config;
    let settings = cfg.feed(&feed.configured_url);
    let polling = Polling::read(ctx, feed, settings).await;
    let interval = polling.interval(cfg, &[]);
    let forced = settings.and_then(|f| f.encoding);
    let mut report = RefreshReport {
        feed_id: feed.id,
        ..Default::default()
    };
    let url = match url::Url::parse(&feed.url) {
        Ok(u) => u,
        Err(e) => {
            let error = format!("{}: stored URL is invalid: {e}", feed.url);
            return fail(ctx, feed, interval, None, None, error, report).await;
        }
    };
    let validators = Validators {
        etag: feed.etag.clone(),
        last_modified: feed.last_modified.clone(),
    };

    // 1. Fetch.
    ctx.metrics.polls.inc();
    let started = std::time::Instant::now();
    let outcome = ctx.fetcher.fetch(&url, &validators).await;
    ctx.metrics
        .fetch_seconds
        .observe(started.elapsed().as_secs_f64());
    let fetched = match outcome {
        Ok(FetchOutcome::NotModified { moved_to }) => {
            if let Some(to) = moved_to {
                move_feed(ctx, feed, to.to_string()).await?;
            }
            let next = next_after_success(interval, PollHints::default(), fastrand::f64());
            let t = now();
            let id = feed.id;
            ctx.with_store(move |s| {
                s.record_fetch(id, &FetchRecord::NotModified, t, t + secs(next))
            })
            .await?;
            report.ok = true;
            return Ok(report);
        }
        Ok(FetchOutcome::Fetched(f)) => f,
        Err(e) => {
            ctx.metrics.fetch_error(e.kind());
            let status = e.http_status();
            let error = format!("{}: {e}", feed.url);
            return fail(ctx, feed, interval, status, e.retry_after(), error, report).await;
        }
    };
    if let Some(to) = &fetched.moved_to {
        move_feed(ctx, feed, to.to_string()).await?;
    }

    // 2. Read: decompress, decode and parse (CPU work, off the async threads).
    let final_url = fetched.final_url.clone();
    let read = read(
        ctx,
        forced,
        final_url.clone(),
        fetched.body,
        fetched.content_type,
        fetched.content_encoding,
    )
    .await;
    let (parsed, keyed) = match read {
        Ok(p) => p,
        Err((kind, why)) => {
            ctx.metrics.fetch_error(kind);
            let error = format!("{}: {why}", feed.url);
            return fail(
                ctx,
                feed,
                interval,
                Some(fetched.status),
                None,
                error,
                report,
            )
            .await;
        }
    };
    if parsed.dropped > 0 {
        warn!(feed_url = %feed.url, dropped = parsed.dropped, "feed has more entries than limits.max_entries_per_feed");
    }

    // 3–6. What is new, its full text, its analysis, and the writes; the last with the
    //      fetch's record and next poll, at the pace with what this fetch brought.
    let (status, validators, max_age) = (fetched.status, fetched.validators, fetched.max_age);
    let advertises_hub = parsed.hub.is_some();
    let record = |fresh: &[Keyed]| {
        let interval = polling.interval(cfg, &brought(fresh));
        let hints = PollHints {
            ttl: parsed
                .ttl_minutes
                .map(|m| Duration::from_secs(u64::from(m) * 60)),
            max_age,
        };
        let next = next_after_success(
            interval.max(cfg.limits.min_interval),
            hints,
            fastrand::f64(),
        );
        let record = FetchRecord::Fetched {
            http_status: status,
            etag: validators.etag,
            last_modified: validators.last_modified,
            title: parsed.title,
            hub: parsed.hub,
            topic: parsed.topic,
        };
        Some((record, now() + secs(next)))
    };
    take(
        ctx,
        feed,
        &url,
        &final_url,
        keyed,
        slot,
        record,
        &mut report,
    )
    .await?;
    if advertises_hub && ctx.config.websub.is_some() {
        ctx.websub_wake.notify_one();
    }
    info!(
        feed_url = %feed.url,
        entries = report.entries,
        new = report.inserted,
        updated = report.updated,
        alerts = report.alerts,
        "feed refreshed"
    );
    Ok(report)
}

/// A document a WebSub hub pushed for `feed`: read and taken as a fetch's would be, without
/// touching the feed's poll (its validators, schedule and pace stay the polls').
pub async fn take_push(
    ctx: &Context,
    feed: &FeedRow,
    body: Vec<u8>,
    content_type: Option<String>,
    slot: FetchSlot,
) -> Result<RefreshReport, DaemonError> {
    let mut report = RefreshReport {
        feed_id: feed.id,
        ..Default::default()
    };
    let url = url::Url::parse(&feed.url)
        .map_err(|e| DaemonError::Push(format!("{}: stored URL is invalid: {e}", feed.url)))?;
    let forced = ctx
        .config
        .feed(&feed.configured_url)
        .and_then(|f| f.encoding);
    let (_, keyed) = read(ctx, forced, url.clone(), body, content_type, None)
        .await
        .map_err(|(_, why)| DaemonError::Push(format!("{}: pushed document: {why}", feed.url)))?;
    take(ctx, feed, &url, &url, keyed, slot, |_| None, &mut report).await?;
    info!(feed_url = %feed.url, entries = report.entries, new = report.inserted, alerts = report.alerts, "hub push taken");
    Ok(report)
}

/// When the entries fresh from this fetch were first seen: now.
fn brought(fresh: &[Keyed]) -> Vec<Seen> {
    let first_seen = now();
    fresh
        .iter()
        .map(|k| Seen {
            published: k.entry.published.map(|d| d.timestamp()),
            first_seen,
        })
        .collect()
}

/// Steps 3 to 6 of a document read (fetched or pushed): keeps what is new or edited, then
/// writes it in lanes, candidates first (`texts::lanes`): the entries that need no page at
/// once, each candidate as soon as its page is read (in publication order), then the rest.
/// The last write carries `record(fresh)`, the fetch's record and next poll, when there is
/// one. An alert waits for no other entry's page.
#[allow(clippy::too_many_arguments)]
async fn take(
    ctx: &Context,
    feed: &FeedRow,
    url: &url::Url,
    final_url: &url::Url,
    keyed: Vec<Keyed>,
    slot: FetchSlot,
    record: impl FnOnce(&[Keyed]) -> Option<(FetchRecord, i64)>,
    report: &mut RefreshReport,
) -> Result<(), DaemonError> {
    // 3. What is new or edited.
    report.entries = keyed.len();
    let fresh = fresh(ctx, keyed).await?;
    let record = record(&fresh);

    // 4. Candidates first.
    let settings = ctx.config.feed(&feed.configured_url);
    let mode = settings.map_or(FullText::Auto, |f| f.full_text);
    let config = ctx.config.clone();
    let (ahead, last) = ctx.on_cpu(move || lanes(&config, mode, fresh)).await?;
    let source = SourceOf {
        url: url.clone(),
        publisher: settings.and_then(|f| f.publisher.clone()),
    };
    let mut pages = PageBudget::new(ctx.config.limits.max_pages_per_refresh, final_url);
    for lane in ahead {
        // 5. Full text, then analysis and plan, off the async threads and outside the store.
        let items = prepare_lane(ctx, feed, &source, &mut pages, lane).await?;
        // 6. Written ahead of the fetch's record, with the other feeds' writes waiting.
        let relevant = relevance(&items);
        let ingest = FeedIngest {
            feed_id: feed.id,
            items,
            record: None,
            next_poll_at: 0,
        };
        tally(ctx, report, &ctx.ingest_ahead(ingest).await?, relevant);
    }
    let items = prepare_lane(ctx, feed, &source, &mut pages, last).await?;
    // 6. The last items and the feed's state in one transaction (with the other feeds waiting
    //    to be written: a group commit). The fetch slot goes to the next feed while this one
    //    waits for its commit.
    let relevant = relevance(&items);
    let (record, next_poll_at) = record.map_or((None, 0), |(r, at)| (Some(r), at));
    let ingest = FeedIngest {
        feed_id: feed.id,
        items,
        record,
        next_poll_at,
    };
    tally(ctx, report, &ctx.ingest(ingest, slot).await?, relevant);
    report.ok = true;
    Ok(())
}

/// The feed an entry came from, owned: it goes to the analysing threads.
struct SourceOf {
    url: url::Url,
    /// `feeds[].publisher`, when configured.
    publisher: Option<String>,
}

/// The texts of one lane's entries (their pages where they need them), then their analysis
/// and plan on a blocking thread.
async fn prepare_lane(
    ctx: &Context,
    feed: &FeedRow,
    source: &SourceOf,
    pages: &mut PageBudget<'_>,
    lane: Lane<Keyed>,
) -> Result<Vec<PreparedItem>, DaemonError> {
    let (keyed, texts) = full_texts(ctx, feed, pages, lane).await;
    let config = ctx.config.clone();
    let metrics = ctx.metrics.clone();
    let (url, publisher) = (source.url.clone(), source.publisher.clone());
    Ok(ctx
        .on_cpu(move || {
            let source = Source {
                url: &url,
                publisher: publisher.as_deref(),
            };
            keyed
                .into_iter()
                .zip(texts)
                .map(|(k, text)| prepare(&config, &metrics, &source, k, text))
                .collect()
        })
        .await?)
}

fn relevance(items: &[PreparedItem]) -> Vec<bool> {
    items.iter().map(|p| p.analysis.relevant).collect()
}

/// Counts one write's outcomes in the report and the metrics.
fn tally(
    ctx: &Context,
    report: &mut RefreshReport,
    outcomes: &[IngestOutcome],
    relevant: Vec<bool>,
) {
    for (o, relevant) in outcomes.iter().zip(relevant) {
        match o {
            IngestOutcome::Inserted { .. } => {
                report.inserted += 1;
                ctx.metrics.items_ingested.inc();
                if relevant {
                    ctx.metrics.items_relevant.inc();
                }
            }
            IngestOutcome::Updated { .. } => report.updated += 1,
            IngestOutcome::Unchanged { .. } => {}
        }
        report.alerts += o.alerts();
    }
}

/// Decompresses, decodes and parses a fetched body, and identifies each entry, on a blocking
/// thread. A failure (and a panic of the reader) is this feed's, with its kind for metrics.
async fn read(
    ctx: &Context,
    forced: Option<&'static encoding_rs::Encoding>,
    feed_url: url::Url,
    body: Vec<u8>,
    content_type: Option<String>,
    content_encoding: Option<String>,
) -> Result<(ParsedFeed, Vec<Keyed>), (&'static str, String)> {
    let limits = ctx.config.limits.read();
    let read = ctx
        .on_cpu(move || {
            let (mut parsed, _) = read_feed(
                body,
                content_type.as_deref(),
                content_encoding.as_deref(),
                forced,
                &limits,
            )?;
            let keyed: Vec<Keyed> = std::mem::take(&mut parsed.entries)
                .into_iter()
                .map(|entry| {
                    let norm = normalize(&analysed_text(&entry.title, &entry.text));
                    let hash = content_hash_of(&entry.title, &entry.text, &norm.text);
                    let id = identity(&feed_url, &entry, &hash);
                    Keyed {
                        entry,
                        hash,
                        id,
                        norm,
                    }
                })
                .collect();
            Ok::<_, ReadError>((parsed, keyed))
        })
        .await;
    match read {
        Ok(r) => r.map_err(|e| (e.kind(), e.to_string())),
        // The reading thread panicked: a failure of this feed, like a parse error.
        Err(e) => Err(("parse", format!("the feed parser failed: {e}"))),
    }
}

/// How often the feed is polled: at its own pace within `[limits] min_interval` and
/// `max_interval` (`fetch::pace`), unless it sets its own `interval` or its history is too
/// short to tell; the server's hints and backoff then apply to it. The history is read once a
/// refresh, before the fetch, and completed with what the fetch brings.
struct Polling {
    configured: Duration,
    /// The feed's recent items, for a feed that follows its pace.
    history: Option<Vec<Seen>>,
}

impl Polling {
    async fn read(
        ctx: &Context,
        feed: &FeedRow,
        settings: Option<&crate::config::FeedConfig>,
    ) -> Polling {
        let configured = settings.map_or(Duration::from_secs(900), |f| f.interval);
        let history = if settings.is_some_and(|f| f.adaptive) {
            let (id, since) = (feed.id, now() - crate::fetch::HISTORY.as_secs() as i64);
            match ctx
                .with_reader(move |s| s.feed_history(id, since, crate::fetch::HISTORY_ITEMS))
                .await
            {
                Ok(h) => Some(h),
                Err(e) => {
                    warn!(feed_url = %feed.url, error = %e, "cannot read the feed's history: its configured interval applies");
                    None
                }
            }
        } else {
            None
        };
        Polling {
            configured,
            history,
        }
    }

    /// The interval, with the items this fetch `brought` counted: a busy feed's first poll
    /// already shows it busy.
    fn interval(&self, config: &Config, brought: &[Seen]) -> Duration {
        let Some(history) = &self.history else {
            return self.configured;
        };
        let all: Vec<Seen> = history.iter().chain(brought).copied().collect();
        crate::fetch::pace(&all, now(), config.pace_bounds())
            .map_or(self.configured, |p| p.interval)
    }
}

/// The entries that are new or edited, after one short read of the store: items it holds
/// unchanged are neither fetched again, analysed nor written. The read goes to the read-only
/// connection, so it does not wait for a batch being written; an item that batch holds is
/// analysed again and then found unchanged by the write, which decides on its own reading.
async fn fresh(ctx: &Context, keyed: Vec<Keyed>) -> Result<Vec<Keyed>, DaemonError> {
    let keys: Vec<(String, Option<String>)> = keyed
        .iter()
        .map(|k| (k.id.key.clone(), k.id.canonical_url.clone()))
        .collect();
    let known = ctx.with_reader(move |s| s.known_hashes(&keys)).await?;
    Ok(keyed
        .into_iter()
        .zip(known)
        .filter(|(k, known)| known.as_deref() != Some(k.hash.as_str()))
        .map(|(k, _)| k)
        .collect())
}

/// The feed an entry came from, as corroboration counts it.
struct Source<'a> {
    url: &'a url::Url,
    /// `feeds[].publisher`, when configured.
    publisher: Option<&'a str>,
}

/// Analyses an entry on its text (the feed's, or its page's) and decides who to alert.
/// `f()`, or `None` when it panics (logged with the item it was `doing` for).
fn guarded<T>(item: &str, doing: &str, f: impl FnOnce() -> T) -> Option<T> {
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    if done.is_err() {
        tracing::error!(item, "{doing} the item panicked: it is stored without");
    }
    done.ok()
}

fn prepare(
    config: &Config,
    metrics: &Metrics,
    source: &Source<'_>,
    keyed: Keyed,
    (text, provenance): (String, Provenance),
) -> PreparedItem {
    let Keyed {
        entry: mut e,
        hash,
        id,
        mut norm,
    } = keyed;
    let started = std::time::Instant::now();
    let original = analysed_text(&e.title, &text);
    // The entry's own text was normalized when it was read; a page's text is new.
    if text != e.text {
        norm = normalize(&original);
    }
    e.text = text;
    // A bug that panics on one item's words costs that item its analysis, not the feed its
    // fetch: the item is stored, searchable, and says why it has no verdict.
    let (analysis, fts_terms) = guarded(&id.key, "analysing", || {
        analyze_and_index_normalized(&config.rules, &e.title, &original, &norm)
    })
    .unwrap_or_else(|| {
        (
            crate::detect::Analysis::default(),
            crate::arabic::index_terms(&original),
        )
    });
    metrics
        .analysis_seconds
        .observe(started.elapsed().as_secs_f64());
    let now = crate::time::now();
    let alert_to = recipients_for(&config.recipients, &analysis, now);
    let published = e.published.map(|d| d.timestamp());
    let (event_at, mut story) = if alert_worthy(&analysis) {
        guarded(&id.key, "planning the stories of", || {
            story_input(
                &config.rules,
                &config.stories,
                &analysis,
                &e.title,
                &e.text,
                published.unwrap_or(now),
            )
        })
        .unwrap_or_else(|| {
            let why = "planning its story failed (a bug: the daemon's log has the panic)";
            (None, StoryInput::Old(why.into()))
        })
    } else {
        (None, StoryInput::None)
    };
    let publisher = crate::dedup::publisher(source.publisher, e.link.as_deref(), source.url);
    match &mut story {
        StoryInput::Facts(facts, further) => {
            facts.publishers = vec![publisher.clone()];
            for f in further {
                f.publishers = vec![publisher.clone()];
            }
        }
        StoryInput::FollowUp { facts, .. } => facts.publishers = vec![publisher.clone()],
        StoryInput::None | StoryInput::Old(_) => {}
    }
    let surge = surge_input(config, &analysis, publisher, published, now);
    PreparedItem {
        fts_terms,
        identity: id.key,
        guid: e.guid,
        url: e.link,
        canonical_url: id.canonical_url,
        title: e.title,
        text: PackedText::pack(&e.text),
        analysis_json: stored_analysis(&analysis),
        provenance,
        published_at: published,
        content_hash: hash,
        analysis,
        alert_to,
        event_at,
        story,
        surge: Some(surge),
    }
}

/// The towns and regions of the Sahel the item names, with who would hear of a surge there.
fn surge_input(
    config: &Config,
    analysis: &crate::detect::Analysis,
    publisher: String,
    published: Option<i64>,
    now: i64,
) -> crate::plan::SurgeInput {
    let at = published.map_or(now, |p| p.min(now));
    let places = crate::plan::surge_places(&config.rules, analysis)
        .into_iter()
        .map(|e| {
            let to = config
                .recipients
                .iter()
                .filter(|r| r.wants_surge(e.country.as_deref()))
                .map(|r| crate::alert::alert_to(r, now))
                .collect();
            crate::plan::SurgePlace {
                id: e.id.clone(),
                name: e.name_en.clone().unwrap_or_else(|| e.name.clone()),
                to,
            }
        })
        .collect();
    crate::plan::SurgeInput {
        publisher,
        at,
        fresh: now - at <= secs(config.surge.fresh_within),
        places,
    }
}

fn secs(d: Duration) -> i64 {
    d.as_secs().min(i64::MAX as u64) as i64
}

async fn move_feed(ctx: &Context, feed: &FeedRow, to: String) -> Result<(), DaemonError> {
    let id = feed.id;
    let to2 = to.clone();
    let moved = ctx.with_store(move |s| s.move_feed(id, &to2)).await?;
    if moved {
        info!(feed_url = %feed.url, new_url = %to, "feed moved permanently; stored URL updated");
    }
    Ok(())
}

/// Records on the feed a refresh that ended in an error of its own (a caught panic, a store
/// error): its status, last error, failure count and a backed-off next poll, as for a failed
/// fetch, so that it is neither retried at once nor silent to the operator. When even that
/// cannot be written (the database is gone), the error is logged.
pub(super) async fn record_failure(ctx: &Context, feed: &FeedRow, error: &DaemonError) {
    let interval = ctx
        .config
        .feed(&feed.configured_url)
        .map_or(Duration::from_secs(900), |f| f.interval);
    let report = RefreshReport {
        feed_id: feed.id,
        ..Default::default()
    };
    let why = format!("{}: the refresh failed: {error}", feed.url);
    if let Err(e) = fail(ctx, feed, interval, None, None, why, report).await {
        tracing::error!(feed_url = %feed.url, error = %e, "cannot record the failed refresh");
    }
}

/// Records a failure against the feed with backoff (410 Gone stops polling).
async fn fail(
    ctx: &Context,
    feed: &FeedRow,
    interval: Duration,
    status: Option<u16>,
    retry_after: Option<Duration>,
    error: String,
    mut report: RefreshReport,
) -> Result<RefreshReport, DaemonError> {
    warn!(feed_url = %feed.url, error = %error, "feed refresh failed");
    let failures = feed.consecutive_failures + 1;
    let delay = next_after_failure(
        interval,
        failures,
        ctx.config.limits.max_backoff,
        retry_after,
        fastrand::f64(),
    );
    let record = match status {
        Some(410) => FetchRecord::Gone {
            http_status: 410,
            error: format!("{error} (the feed is gone and is no longer polled)"),
        },
        _ => FetchRecord::Failed {
            http_status: status,
            error: error.clone(),
        },
    };
    let id = feed.id;
    ctx.with_store(move |s| {
        let t = now();
        s.record_fetch(id, &record, t, t + secs(delay))
    })
    .await?;
    report.error = Some(error);
    Ok(report)
}
