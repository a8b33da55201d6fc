//! Table-driven detector cases from `tests/fixtures/rule-cases.toml` (extend that file).

use std::collections::BTreeSet;

use sahel_watch::detect::{analyze, RulePack};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    class: String,
    title: String,
    #[serde(default)]
    text: String,
    relevant: Option<bool>,
    events: Option<Vec<String>>,
    countries: Option<Vec<String>>,
    #[serde(default)]
    entities_include: Vec<String>,
    #[serde(default)]
    entities_exclude: Vec<String>,
    killed: Option<u32>,
    wounded: Option<u32>,
    kidnapped: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[test]
fn rule_cases_hold() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rule-cases.toml");
    let cases: Cases = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let pack = RulePack::bundled();
    let mut failures = Vec::new();
    let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    for c in &cases.case {
        let a = analyze(&pack, &c.title, &c.text);
        let mut why = Vec::new();
        if let Some(r) = c.relevant {
            if a.relevant != r {
                why.push(format!("relevant {} (want {r})", a.relevant));
            }
        }
        if let Some(e) = &c.events {
            let got: BTreeSet<String> = a.events.iter().map(|k| k.as_str().to_owned()).collect();
            if got != set(e) {
                why.push(format!("events {got:?} (want {e:?})"));
            }
        }
        if let Some(cs) = &c.countries {
            if set(&a.countries) != set(cs) {
                why.push(format!("countries {:?} (want {cs:?})", a.countries));
            }
        }
        for id in &c.entities_include {
            if !a.entities.contains(id) {
                why.push(format!("entity {id} missing from {:?}", a.entities));
            }
        }
        for id in &c.entities_exclude {
            if a.entities.contains(id) {
                why.push(format!("entity {id} should not be found"));
            }
        }
        for (name, want, got) in [
            ("killed", c.killed, a.figures.killed),
            ("wounded", c.wounded, a.figures.wounded),
            ("kidnapped", c.kidnapped, a.figures.kidnapped),
        ] {
            if want.is_some() && want != got {
                why.push(format!("{name} {got:?} (want {want:?})"));
            }
        }
        if !why.is_empty() {
            failures.push(format!("[{}] {}: {}", c.class, c.title, why.join("; ")));
        }
    }
    assert!(cases.case.len() >= 40);
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.case.len(),
        failures.join("\n")
    );
}

/// The labelled real articles (the ANT part of the dev corpus and the stream articles labelled
/// by reading, `tests/fixtures/labels/`), scored as the feeds deliver them and in full text:
/// the bar the detector must clear on articles whose labels it never saw being made.
#[test]
fn labelled_articles_clear_the_bar_as_received_and_in_full() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sahel-watch"))
        .env_remove("SAHEL_WATCH_CONFIG")
        .arg("eval")
        .arg(dir.join("articles.jsonl"))
        .arg(dir.join("labels/stream-labels.jsonl"))
        .args(["--as-received", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let labelled = crate::support::fixture("articles.jsonl").len()
        + std::fs::read_to_string(dir.join("labels/stream-labels.jsonl"))
            .unwrap()
            .lines()
            .count();
    assert_eq!(v["full_text"]["items"], labelled);
    for run in ["full_text", "as_received"] {
        let r = &v[run];
        let at = |path: &[&str]| {
            path.iter()
                .fold(r, |v, k| &v[*k])
                .as_f64()
                .unwrap_or_else(|| panic!("{run}.{path:?}"))
        };
        for (path, bar) in [
            (&["relevance", "precision"][..], 0.95),
            (&["relevance", "recall"][..], 0.95),
            (&["events", "attack", "f1"][..], 0.90),
            (&["events", "kidnapping", "f1"][..], 0.85),
            (&["events", "border_closure", "f1"][..], 0.90),
            (&["countries", "f1"][..], 0.90),
        ] {
            assert!(at(path) >= bar, "{run} {path:?} {} < {bar}: {r}", at(path));
        }
    }
}
