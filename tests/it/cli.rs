//! Subcommands that need no network: eval, classify, show, migrate.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{fixture, stderr, Env};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sahel-watch"));
    c.env_remove("SAHEL_WATCH_CONFIG");
    c
}

#[test]
fn eval_prints_the_design_object() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles.jsonl");
    let out = bin()
        .arg("eval")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["items"], fixture("articles.jsonl").len());
    for k in ["precision", "recall", "f1", "tp", "fp", "fn"] {
        assert!(v["relevance"][k].is_number(), "relevance.{k}");
    }
    for e in ["attack", "kidnapping", "border_closure"] {
        assert!(v["events"][e]["f1"].is_number(), "events.{e}");
    }
    assert!(v["countries"]["f1"].is_number());
    assert!(v["articles_per_second"].as_f64().unwrap() > 0.0);
    assert!(v["errors"].is_array());
    assert!(v["relevance"]["f1"].as_f64().unwrap() >= 0.8, "{v}");
}

#[test]
fn classify_explains_the_seed_article() {
    let seed = fixture("articles.jsonl")
        .into_iter()
        .find(|a| a.id == "seed-0001")
        .unwrap();
    let mut child = bin()
        .args(["classify", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    write!(child.stdin.take().unwrap(), "{}\n{}", seed.title, seed.text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["relevant"], true);
    let events: Vec<&str> = a["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        events.contains(&"border_closure") && events.contains(&"attack"),
        "{events:?}"
    );
    for c in ["DZ", "ML", "LY"] {
        assert!(
            a["countries"].as_array().unwrap().iter().any(|x| x == c),
            "{c} in {}",
            a["countries"]
        );
    }
    assert!(a["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["rule"] == "event:border_closure"));
}

#[test]
fn show_and_migrate_and_a_newer_database() {
    let env = Env::new();
    env.write_config("");
    let out = env.run(&["migrate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The schema version is the number of migration files shipped, counted here on disk.
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".sql"))
        })
        .count();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("schema version {migrations}")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = env.run(&["show", "42"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no item with id 42"));
    let db = env.data_dir().join("sahel-watch.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let out = env.run(&["migrate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("newer than this sahel-watch"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn data_dir_and_database_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.write_config("");
    assert!(env.run(&["migrate"]).status.success());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.data_dir()), 0o700);
    assert_eq!(mode(&env.data_dir().join("sahel-watch.db")), 0o600);
}
