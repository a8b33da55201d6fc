//! Keeping the archive for years: consistent backups while the daemon writes.

use std::time::{Duration, Instant};

use crate::support::http::{HttpServer, Route};
use crate::support::{fixture, rss, stderr, Article, Daemon, Env};

/// Twenty feeds answering one after another over three seconds: the daemon is still writing
/// while backups are taken, and every copy is a whole database of one committed state.
#[test]
fn a_backup_taken_while_the_daemon_ingests_is_whole() {
    let articles = fixture("stream-sample.jsonl");
    let server = HttpServer::start();
    let feeds = 20u32;
    let mut config = String::new();
    for f in 0..feeds {
        let mine: Vec<Article> = articles
            .iter()
            .map(|a| Article {
                id: format!("{}-{f}", a.id),
                ..a.clone()
            })
            .collect();
        let route = Route::ok("application/rss+xml", rss(&mine, &server.base, None))
            .delayed(Duration::from_millis(150 * u64::from(f)));
        let url = server.route(&format!("/f{f}.xml"), route);
        config.push_str(&format!(
            "[[feeds]]\nurl = {url:?}\nfull_text = \"never\"\n"
        ));
    }
    let port = crate::support::free_port();
    config.push_str(&format!("[metrics]\nlisten = \"127.0.0.1:{port}\"\n"));
    let env = Env::new();
    env.write_config(&config);
    let total = i64::from(feeds) * articles.len() as i64;
    let _daemon = Daemon(env.command().arg("run").spawn().unwrap());
    let started = Instant::now();
    let mut counts: Vec<i64> = Vec::new();
    loop {
        let dest = env.dir.path().join(format!("backup-{}.db", counts.len()));
        let out = env.run(&["backup", dest.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let copy = rusqlite::Connection::open(&dest).unwrap();
        let check: String = copy
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "{}", dest.display());
        let items: i64 = copy
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
            .unwrap();
        // Every item in a copy has its index row: one committed state, not half of one.
        let indexed: i64 = copy
            .query_row("SELECT count(*) FROM items_fts_docsize", [], |r| r.get(0))
            .unwrap();
        assert_eq!(items, indexed, "{}", dest.display());
        counts.push(items);
        if items == total {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the daemon never stored the {total} items: {counts:?}"
        );
    }
    assert!(
        counts.iter().any(|&n| n > 0 && n < total),
        "no backup was taken while the daemon was writing: {counts:?}"
    );
    // The newest backup is on record, for `stats --storage` and for an alert on its age.
    let newest = env
        .dir
        .path()
        .join(format!("backup-{}.db", counts.len() - 1));
    let newest_bytes = std::fs::metadata(&newest).unwrap().len();
    let storage = env.run(&["stats", "--storage", "--json"]);
    assert!(storage.status.success(), "{}", stderr(&storage));
    let report: serde_json::Value = serde_json::from_slice(&storage.stdout).unwrap();
    assert_eq!(report["last_backup"]["path"], newest.to_str().unwrap());
    assert_eq!(report["last_backup"]["bytes"], newest_bytes);
    let metrics = crate::systemd::http_get(port, "/metrics").expect("metrics answer");
    let gauge = |name: &str| -> i64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing\n{metrics}"))
    };
    assert_eq!(gauge("sahel_watch_last_backup_bytes"), newest_bytes as i64);
    let age = chrono::Utc::now().timestamp() - gauge("sahel_watch_last_backup_timestamp_seconds");
    assert!((0..120).contains(&age), "last backup {age} s ago");
    // A second backup to the same file is refused unless asked for.
    let dest = env.dir.path().join("backup-0.db");
    let out = env.run(&["backup", dest.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
}

/// Retention lets an old irrelevant item's text go and keeps everything that matters: the
/// relevant item, its story and alert, and the pruned item's identity, so that a feed serving
/// it again stores and alerts nothing.
#[test]
fn a_prune_keeps_what_matters_and_nothing_comes_twice() {
    let attack = Article {
        id: "keep-1".into(),
        title: "مقتل 12 جنديا في هجوم مسلح على ثكنة قرب غاو شمال مالي".into(),
        text: "قتل مسلحون 12 جنديا في هجوم على ثكنة للجيش المالي قرب مدينة غاو في شمال مالي أمس."
            .into(),
        published: "2018-02-20T10:00:00Z".into(),
        incident: None,
    };
    let economy = Article {
        id: "drop-1".into(),
        title: "مؤتمر اقتصادي في نواكشوط".into(),
        text: "عقد في نواكشوط مؤتمر اقتصادي حول الاستثمار في قطاع الصيد البحري والزراعة.".into(),
        published: "2018-02-20T09:00:00Z".into(),
        incident: None,
    };
    let server = HttpServer::start();
    let url = server.feed("/a.xml", &[attack, economy]);
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\nfull_text = \"never\"\n[[recipients]]\nemail = \"desk@test.invalid\"\n"
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.items().len(), 2);
    assert_eq!(env.maildir_files().len(), 1, "one alert, for the attack");
    let search = |word: &str| {
        let out = env.run(&[
            "query", "--all", "--since", "36500d", "--format", "json", "--text", word,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    assert_eq!(search("الاستثمار"), 1);

    // Forty days pass (the default keeps irrelevant texts thirty).
    let db = rusqlite::Connection::open(env.data_dir().join("sahel-watch.db")).unwrap();
    db.execute("UPDATE items SET fetched_at = fetched_at - 40 * 86400", [])
        .unwrap();
    let text_of = |id: &str| -> String {
        db.query_row(
            "SELECT CAST(text AS BLOB) FROM items WHERE url LIKE ?1",
            [format!("%/{id}")],
            |r| r.get::<_, Vec<u8>>(0),
        )
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap()
    };
    let dry = env.run(&["prune", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        String::from_utf8_lossy(&dry.stdout).contains("of 1 items"),
        "{}",
        String::from_utf8_lossy(&dry.stdout)
    );
    assert!(!text_of("drop-1").is_empty(), "a dry run removes nothing");

    let out = env.run(&["prune"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text_of("drop-1").is_empty(), "the irrelevant text is gone");
    assert!(!text_of("keep-1").is_empty(), "the relevant text stays");
    assert_eq!(search("الاستثمار"), 0, "and its index entries");
    assert_eq!(search("غاو"), 1);
    assert_eq!(env.items().len(), 2, "both items are still known");
    let stories = env.run(&["stories", "--since", "36500d", "--json"]);
    assert_eq!(String::from_utf8_lossy(&stories.stdout).lines().count(), 1);

    // The feed serves both again: nothing is stored or alerted twice.
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(": 0 new items, 0 updated"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.items().len(), 2);
    assert_eq!(env.maildir_files().len(), 1);

    let storage = env.run(&["stats", "--storage", "--json"]);
    assert!(storage.status.success(), "{}", stderr(&storage));
    let report: serde_json::Value = serde_json::from_slice(&storage.stdout).unwrap();
    assert_eq!(report["items"], 2);
    assert_eq!(report["items_pruned"], 1);
}
