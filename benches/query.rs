//! Archive queries on the whole stream corpus: a full-text search and filtered listings over
//! `../shared/corpus/ant-stream.jsonl.gz` (41,517 articles) ingested into a real SQLite file
//! (benchmarks may read shared/; when it is missing the committed fixtures are used, with a
//! note). The target is a median of at most 20 ms each (issue 8).
//!
//! Run: `cargo bench --bench query` (the medians are in target/criterion/*/new/estimates.json).
//! Under `cargo test --benches` only the first 1,500 articles are ingested.

use std::io::BufRead;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use sahel_watch::arabic::{index_terms, parse_search};
use sahel_watch::detect::{analyze, RulePack};
use sahel_watch::plan::StoryInput;
use sahel_watch::store::{FeedIngest, FetchRecord, ItemFilter, PackedText, PreparedItem, Store};

struct Doc {
    id: String,
    title: String,
    text: String,
    published: Option<i64>,
}

fn doc(v: &serde_json::Value, i: usize) -> Doc {
    let published = v["published"].as_str().and_then(|p| {
        chrono::DateTime::parse_from_rfc2822(p)
            .or_else(|_| chrono::DateTime::parse_from_rfc3339(p))
            .ok()
            .map(|d| d.timestamp())
    });
    Doc {
        id: v["id"]
            .as_str()
            .map_or_else(|| i.to_string(), str::to_owned),
        title: v["title"].as_str().unwrap_or_default().to_owned(),
        text: v["text"].as_str().unwrap_or_default().to_owned(),
        published,
    }
}

fn corpus(limit: usize) -> Vec<Doc> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/ant-stream.jsonl.gz");
    if path.exists() {
        if let Ok(mut child) = std::process::Command::new("gzip")
            .arg("-dc")
            .arg(&path)
            .stdout(std::process::Stdio::piped())
            .spawn()
        {
            let out = child.stdout.take().expect("piped");
            let docs: Vec<Doc> = std::io::BufReader::new(out)
                .lines()
                .take(limit)
                .map_while(Result::ok)
                .enumerate()
                .filter_map(|(i, l)| Some(doc(&serde_json::from_str(&l).ok()?, i)))
                .collect();
            let _ = child.wait();
            return docs;
        }
    }
    eprintln!(
        "note: {} is missing; querying the fixtures only",
        path.display()
    );
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    ["articles.jsonl", "stream-sample.jsonl"]
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(fixtures.join(f))
                .expect("fixtures")
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .enumerate()
        .filter_map(|(i, l)| Some(doc(&serde_json::from_str(&l).ok()?, i)))
        .collect()
}

/// A store holding `docs`, analysed and indexed as the daemon stores them.
fn archive(dir: &Path, docs: &[Doc]) -> Store {
    let rules = RulePack::bundled();
    let mut store = Store::open(dir).expect("store");
    let feed = store
        .sync_feeds(&[("http://127.0.0.1/stream.xml".into(), None)])
        .expect("feed")[0]
        .id;
    let config = sahel_watch::config::Config::load(None).expect("bundled config");
    let policy = sahel_watch::store::Policies {
        stories: config.stories,
        surge: config.surge,
    };
    for chunk in docs.chunks(1_000) {
        let items: Vec<PreparedItem> = chunk
            .iter()
            .map(|d| (d, analyze(&rules, &d.title, &d.text)))
            .map(|(d, analysis)| PreparedItem {
                identity: format!("guid:{}", d.id),
                guid: Some(d.id.clone()),
                url: None,
                canonical_url: None,
                title: d.title.clone(),
                text: PackedText::pack(&d.text),
                provenance: sahel_watch::fulltext::Provenance::feed(),
                published_at: d.published,
                content_hash: d.id.clone(),
                analysis_json: serde_json::to_string(&analysis).expect("analysis as JSON"),
                analysis,
                fts_terms: index_terms(&format!("{}\n{}", d.title, d.text)),
                alert_to: Vec::new(),
                event_at: None,
                story: StoryInput::None,
                surge: None,
            })
            .collect();
        let fetch = FeedIngest {
            feed_id: feed,
            items,
            record: Some(FetchRecord::NotModified),
            next_poll_at: 0,
        };
        store.ingest_and_record(&fetch, 0, &policy).expect("ingest");
    }
    store
}

fn queries(c: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let docs = corpus(if full { usize::MAX } else { 1_500 });
    let dir = tempfile::tempdir().expect("tempdir");
    let started = std::time::Instant::now();
    let store = archive(dir.path(), &docs);
    eprintln!(
        "archive: {} articles ingested in {:.1} s",
        docs.len(),
        started.elapsed().as_secs_f64()
    );
    let rules = RulePack::bundled();
    let search = |q: &str| ItemFilter {
        search: Some(parse_search(q, &|w| rules.aliases(w)).expect("query")),
        all: true,
        limit: Some(50),
        ..Default::default()
    };
    let cases: Vec<(&str, ItemFilter)> = vec![
        ("fulltext: هجوم مالي", search("هجوم مالي")),
        ("fulltext phrase: \"بوكو حرام\"", search("\"بوكو حرام\"")),
        ("fulltext alias: تمبكتو OR ازواد", search("تمبكتو OR ازواد")),
        (
            "filtered: relevant, ML, attack, since 2018",
            ItemFilter {
                countries: vec!["ML".into()],
                events: vec!["attack".into()],
                since: Some(1_514_764_800),
                limit: Some(50),
                ..Default::default()
            },
        ),
        (
            "filtered: all, min killed 10",
            ItemFilter {
                all: true,
                min_killed: Some(10),
                limit: Some(50),
                ..Default::default()
            },
        ),
        (
            "listing: newest 50 of all",
            ItemFilter {
                all: true,
                limit: Some(50),
                ..Default::default()
            },
        ),
    ];
    let mut g = c.benchmark_group("query");
    for (name, filter) in &cases {
        let n = store.query(filter).expect("query").len();
        eprintln!("{name}: {n} rows");
        g.bench_function(*name, |b| b.iter(|| store.query(filter).expect("query")));
    }
    g.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
