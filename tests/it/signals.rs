//! The long-running daemon stops promptly and cleanly on SIGTERM.

use std::time::{Duration, Instant};

use crate::support::http::{HttpServer, Route};
use crate::support::{fixture, rss, wait_for, Env};

#[test]
fn sigterm_stops_within_5_seconds_even_during_a_slow_fetch() {
    let server = HttpServer::start();
    let articles = fixture("articles.jsonl");
    let fast = server.feed("/fast.xml", &articles);
    let slow = server.route(
        "/slow.xml",
        Route::ok(
            "application/rss+xml",
            rss(&articles[..1], &server.base, None),
        )
        .delayed(Duration::from_secs(30)),
    );
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {fast:?}\n[[feeds]]\nurl = {slow:?}\n"
    ));
    let mut child = env.command().arg("run").spawn().unwrap();
    let db = env.data_dir().join("sahel-watch.db");
    wait_for("items stored", Duration::from_secs(30), || {
        db.exists()
            && rusqlite::Connection::open(&db)
                .and_then(|c| c.query_row("SELECT count(*) FROM items", [], |r| r.get::<_, i64>(0)))
                .is_ok_and(|n| n as usize == articles.len())
    });
    wait_for("the slow fetch to start", Duration::from_secs(10), || {
        server.hits("/slow.xml") > 0
    });

    let started = Instant::now();
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still running 5 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, articles.len());
}

#[test]
fn sighup_reloads_the_configuration_and_refuses_a_broken_one() {
    let server = HttpServer::start();
    let articles = fixture("articles.jsonl");
    let a = server.feed("/a.xml", &articles[..3]);
    let b = server.feed("/b.xml", &articles[3..8]);
    let env = Env::new();
    env.write_config(&format!("[[feeds]]\nurl = {a:?}\n"));
    let mut child = env.command().arg("run").spawn().unwrap();
    let count = |env: &Env| {
        let db = env.data_dir().join("sahel-watch.db");
        rusqlite::Connection::open(db)
            .and_then(|c| c.query_row("SELECT count(*) FROM items", [], |r| r.get::<_, i64>(0)))
            .unwrap_or(0)
    };
    wait_for("feed a", Duration::from_secs(30), || count(&env) == 3);
    let hup = |pid: u32| {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(pid as i32, libc::SIGHUP) };
    };

    // A broken file is refused; the daemon goes on with the old one.
    std::fs::write(env.config_path(), "data_dir = 3\n").unwrap();
    hup(child.id());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "a bad reload must not stop the daemon"
    );

    // A good file adds feed b, polled right away.
    env.write_config(&format!("[[feeds]]\nurl = {a:?}\n[[feeds]]\nurl = {b:?}\n"));
    hup(child.id());
    wait_for("feed b after reload", Duration::from_secs(30), || {
        count(&env) == 8
    });
    assert!(child.try_wait().unwrap().is_none());

    // SAFETY: as above.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert!(child.wait().unwrap().success());
}
