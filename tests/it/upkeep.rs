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
    // A second backup to the same file is refused unless asked for.
    let dest = env.dir.path().join("backup-0.db");
    let out = env.run(&["backup", dest.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
}
