//! Analysis speed on real articles: the committed fixtures always, and the first 5,000 articles
//! of `../shared/corpus/ant-stream.jsonl.gz` when it is there (benchmarks may read shared/; the
//! stream is skipped with a note when it is missing). Beside the full analysis: normalization
//! alone, and a raw scan of the same bytes with the same automaton (the lower bound).
//!
//! Run: `cargo bench --bench analysis`.

use std::io::BufRead;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sahel_watch::arabic::normalize;
use sahel_watch::detect::{analyze, RulePack};

struct Doc {
    title: String,
    text: String,
}

fn fixtures() -> Vec<Doc> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles.jsonl");
    std::fs::read_to_string(path)
        .expect("fixtures")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            Doc {
                title: v["title"].as_str().unwrap_or_default().to_owned(),
                text: v["text"].as_str().unwrap_or_default().to_owned(),
            }
        })
        .collect()
}

/// Reads the stream through `gzip -dc` so that the crate needs no gzip dependency of its own.
fn stream_slice(n: usize) -> Option<Vec<Doc>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/ant-stream.jsonl.gz");
    if !path.exists() {
        eprintln!(
            "note: {} is missing; benchmarking the fixtures only",
            path.display()
        );
        return None;
    }
    let mut child = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let out = child.stdout.take()?;
    let docs: Vec<Doc> = std::io::BufReader::new(out)
        .lines()
        .take(n)
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
        .map(|v| Doc {
            title: v["title"].as_str().unwrap_or_default().to_owned(),
            text: v["text"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    Some(docs)
}

fn bench(c: &mut Criterion) {
    let pack = RulePack::bundled();
    let mut sets = vec![("fixtures", fixtures())];
    if let Some(s) = stream_slice(5_000) {
        sets.push(("stream-5000", s));
    }
    for (name, docs) in &sets {
        let bytes: usize = docs.iter().map(|d| d.title.len() + d.text.len()).sum();
        let mut g = c.benchmark_group(format!("analyze/{name}"));
        g.throughput(Throughput::Bytes(bytes as u64));
        g.sample_size(10);
        g.bench_function("analyze", |b| {
            b.iter(|| {
                docs.iter()
                    .filter(|d| analyze(&pack, &d.title, &d.text).relevant)
                    .count()
            })
        });
        g.bench_function("raw_scan", |b| {
            b.iter(|| {
                docs.iter()
                    .map(|d| pack.raw_scan(&d.title) + pack.raw_scan(&d.text))
                    .sum::<usize>()
            })
        });
        g.bench_function("normalize", |b| {
            b.iter(|| {
                docs.iter()
                    .map(|d| normalize(&d.text).text.len())
                    .sum::<usize>()
            })
        });
        g.finish();
    }
    // A 100,000-character text dense with places, triggers and tolls, in one long sentence
    // and in short ones: the analysis must stay linear in its matches (issue 14: ≤ 10 ms).
    for (name, unit) in [
        (
            "one-sentence",
            "هجوم مسلح في غاو شمال مالي أسفر عن مقتل 12 جنديا وخطف رهائن قرب ميناكا، ",
        ),
        (
            "short-sentences",
            "هجوم مسلح في غاو شمال مالي أسفر عن مقتل 12 جنديا. ",
        ),
    ] {
        let text: String = unit.chars().cycle().take(100_000).collect();
        c.bench_function(&format!("analyze/dense-100k/{name}"), |b| {
            b.iter(|| analyze(&pack, "هجوم في مالي", &text).relevant)
        });
    }
    c.bench_function("rule_pack/compile", |b| b.iter(RulePack::bundled));
}

criterion_group!(benches, bench);
criterion_main!(benches);
