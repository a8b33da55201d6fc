//! Running under systemd: the notify protocol, reload keeping the outbox, and metrics.

use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};

use crate::support::http::{HttpServer, Route};
use crate::support::{fixture, incident_reports_of, wait_for, Env};

fn signal(pid: u32, sig: i32) {
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(pid as i32, sig) };
}

/// Reads notifications until a line starts with `want`, keeping everything read in `seen`.
fn expect(sock: &UnixDatagram, want: &str, seen: &mut Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        if let Ok(n) = sock.recv(&mut buf) {
            let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
            let hit = msg.lines().any(|l| l.starts_with(want));
            seen.push(msg);
            if hit {
                return;
            }
        }
    }
    panic!("no {want:?} among {seen:?}");
}

#[test]
fn notify_protocol_ready_watchdog_reload_stopping() {
    let server = HttpServer::start();
    let articles = fixture("articles.jsonl");
    let url = server.feed("/a.xml", &articles[..2]);
    let env = Env::new();
    env.write_config(&format!(
        "[metrics]\nlisten = \"\"\n[[feeds]]\nurl = {url:?}\n"
    ));
    let sock_path = env.dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut child = crate::support::Daemon(
        env.command()
            .arg("run")
            .env("NOTIFY_SOCKET", &sock_path)
            .env("WATCHDOG_USEC", "1000000")
            .spawn()
            .unwrap(),
    );
    let mut seen = Vec::new();
    expect(&sock, "READY=1", &mut seen);
    expect(&sock, "WATCHDOG=1", &mut seen);
    expect(&sock, "STATUS=polling 1 feeds", &mut seen);
    signal(child.0.id(), libc::SIGHUP);
    expect(&sock, "RELOADING=1", &mut seen);
    expect(&sock, "READY=1", &mut seen);
    signal(child.0.id(), libc::SIGTERM);
    expect(&sock, "STOPPING=1", &mut seen);
    assert!(child.0.wait().unwrap().success());
}

#[test]
fn a_reloaded_rule_changes_the_next_items_and_keeps_the_outbox() {
    let server = HttpServer::start();
    // Four incidents by the fixture's labels: each would alert on its own.
    let worthy = incident_reports_of(&["stream-sample.jsonl"], 4);
    let a = server.feed("/a.xml", &worthy[..2]);
    let env = Env::new();
    // An SMTP port nobody listens on: alerts stay in the outbox.
    let dead = crate::support::free_port();
    let smtp = format!("[smtp]\nurl = \"smtp://127.0.0.1:{dead}\"\nfrom = \"a@test.invalid\"\n[metrics]\nlisten = \"\"\n");
    env.write_config(&format!("{smtp}[[feeds]]\nurl = {a:?}\n"));
    let mut child = crate::support::Daemon(env.command().arg("run").spawn().unwrap());
    let db = env.data_dir().join("sahel-watch.db");
    let query = |sql: &str| {
        rusqlite::Connection::open(&db)
            .and_then(|c| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
            .unwrap_or(-1)
    };
    wait_for("first alerts queued", Duration::from_secs(30), || {
        query("SELECT count(*) FROM outbox") == 2
    });

    // New rules: nothing is relevant any more. Reload, then a second feed arrives.
    let strict = sahel_watch::detect::BUNDLED_PACK
        .replace("relevance_threshold = 3.0", "relevance_threshold = 1000.0");
    let rules = env.dir.path().join("strict.toml");
    std::fs::write(&rules, strict).unwrap();
    let b = server.feed("/b.xml", &worthy[2..4]);
    env.write_config(&format!(
        "rules = [{:?}]\n{smtp}[[feeds]]\nurl = {a:?}\n[[feeds]]\nurl = {b:?}\n",
        rules.display().to_string()
    ));
    signal(child.0.id(), libc::SIGHUP);
    wait_for("second feed stored", Duration::from_secs(30), || {
        query("SELECT count(*) FROM items") == 4
    });
    assert_eq!(
        query("SELECT count(*) FROM items WHERE relevant = 1"),
        2,
        "new items judged by the new rules"
    );
    assert_eq!(
        query("SELECT count(*) FROM outbox"),
        2,
        "outbox rows kept across the reload"
    );
    signal(child.0.id(), libc::SIGTERM);
    assert!(child.0.wait().unwrap().success());
}

/// A strict reading of the Prometheus text format: HELP/TYPE comments, then samples
/// `name{label="v",...} value` whose names belong to a declared family.
fn check_exposition(text: &str) -> Result<usize, String> {
    let mut families = std::collections::HashMap::new();
    let mut samples = 0;
    for (n, line) in text.lines().enumerate() {
        let err = |m: &str| Err(format!("line {}: {m}: {line}", n + 1));
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut p = rest.split_whitespace();
            let (Some(name), Some(kind), None) = (p.next(), p.next(), p.next()) else {
                return err("bad TYPE");
            };
            if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                return err("unknown type");
            }
            families.insert(name.to_owned(), kind.to_owned());
        } else if line.starts_with("# HELP ") || line.is_empty() {
        } else if line.starts_with('#') {
            return err("stray comment");
        } else {
            let (series, value) = line
                .rsplit_once(' ')
                .ok_or("no value")
                .map_err(|e| format!("line {}: {e}", n + 1))?;
            if value.parse::<f64>().is_err() && !["+Inf", "-Inf", "NaN"].contains(&value) {
                return err("bad value");
            }
            let name = series.split('{').next().unwrap();
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            {
                return err("bad name");
            }
            if let Some(labels) = series.strip_prefix(name) {
                let well_formed = labels.is_empty()
                    || (labels.starts_with('{') && labels.ends_with('}') && labels.contains("=\""));
                if !well_formed {
                    return err("bad labels");
                }
            }
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| {
                    name.strip_suffix(s)
                        .filter(|f| families.get(*f).is_some_and(|k| k == "histogram"))
                })
                .unwrap_or(name);
            if !families.contains_key(family) {
                return err("sample without TYPE");
            }
            samples += 1;
        }
    }
    Ok(samples)
}

/// One GET to the daemon's metrics listener; the whole answer, head and body (the request
/// asks the server to close the connection after it, so reading to the end ends).
pub(crate) fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn metrics_and_health_are_served() {
    let server = HttpServer::start();
    let articles = fixture("articles.jsonl");
    let url = server.feed("/a.xml", &articles[..5]);
    let bad = server.route("/bad.xml", Route::status(500, "x"));
    let port = crate::support::free_port();
    let env = Env::new();
    env.write_config(&format!("[metrics]\nlisten = \"127.0.0.1:{port}\"\n[[feeds]]\nurl = {url:?}\n[[feeds]]\nurl = {bad:?}\n"));
    let mut child = crate::support::Daemon(env.command().arg("run").spawn().unwrap());
    let get = |path: &str| http_get(port, path);
    let start = Instant::now();
    let metrics = loop {
        if let Some(m) = get("/metrics") {
            if m.contains("sahel_watch_items_ingested_total 5")
                && m.contains("kind=\"http_status\"")
            {
                break m;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "metrics never showed the polls"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    // Clients that connect and say nothing do not keep the others waiting.
    let idle: Vec<_> = (0..4)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    assert!(get("/healthz").unwrap().starts_with("HTTP/1.1 200"));
    drop(idle);
    assert!(get("/nowhere").unwrap().starts_with("HTTP/1.1 404"));
    let post = {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(
            b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
    assert!(
        metrics
            .to_ascii_lowercase()
            .contains("content-type: text/plain; version=0.0.4"),
        "{metrics}"
    );
    let body = metrics.split("\r\n\r\n").nth(1).unwrap();
    for name in [
        "sahel_watch_polls_total",
        "sahel_watch_items_relevant_total",
        "sahel_watch_alerts_sent_total",
        "sahel_watch_outbox_depth",
        "sahel_watch_fetch_seconds_bucket",
        "sahel_watch_analysis_seconds_count",
        "sahel_watch_alert_latency_from_publication_seconds_bucket",
        "sahel_watch_alert_latency_from_first_seen_seconds_count",
        "sahel_watch_items_pruned_total 0",
    ] {
        assert!(body.contains(name), "{name} missing");
    }
    // The database it wrote is on disk: its size is a positive number of bytes.
    let db_bytes: u64 = body
        .lines()
        .find_map(|l| l.strip_prefix("sahel_watch_database_bytes "))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("sahel_watch_database_bytes missing\n{body}"));
    assert!(db_bytes > 4096, "{db_bytes}");
    let samples = check_exposition(body).unwrap_or_else(|e| panic!("{e}\n{body}"));
    assert!(samples > 20);
    // Debian's promtool, where scripts/test.sh installed it; in CI its absence fails the test.
    match std::env::var("SAHEL_WATCH_TEST_PROMTOOL") {
        Ok(promtool) => {
            let p = std::process::Command::new(promtool)
                .args(["check", "metrics"])
                .stdin(std::process::Stdio::piped())
                .output_with(body);
            assert!(
                p.status.success(),
                "promtool: {}",
                String::from_utf8_lossy(&p.stderr)
            );
        }
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but SAHEL_WATCH_TEST_PROMTOOL is not: scripts/test.sh sets it to \
                 Debian's promtool (package prometheus)"
            );
            eprintln!("promtool check skipped: SAHEL_WATCH_TEST_PROMTOOL is not set");
        }
    }
    signal(child.0.id(), libc::SIGTERM);
    assert!(child.0.wait().unwrap().success());
}

trait OutputWith {
    fn output_with(&mut self, stdin: &str) -> std::process::Output;
}

impl OutputWith for std::process::Command {
    fn output_with(&mut self, stdin: &str) -> std::process::Output {
        use std::io::Write;
        let mut child = self
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

/// A feed of 40 items of 100,000 characters dense with places, triggers and tolls (7 MB, within
/// the body cap): while the daemon analyses and stores them, `/healthz` still answers at once
/// (compared with the time the feeds take and with its own idle answers, not with a clock).
#[test]
fn health_answers_while_a_dense_feed_is_processed() {
    let unit = "هجوم مسلح في غاو شمال مالي أسفر عن مقتل 12 جنديا وخطف رهائن قرب ميناكا، ";
    let text: String = unit.chars().cycle().take(100_000).collect();
    let server = HttpServer::start();
    let feeds: Vec<String> = (0..3)
        .map(|f| {
            let items: String = (0..40)
                .map(|i| {
                    format!(
                        "<item><title>هجوم في مالي {f}-{i}</title><guid isPermaLink=\"false\">d{f}-{i}</guid><description>{text}</description></item>"
                    )
                })
                .collect();
            let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>dense</title>{items}</channel></rss>");
            server.route(&format!("/dense{f}.xml"), Route::ok("application/rss+xml", body))
        })
        .collect();
    let port = crate::support::free_port();
    let env = Env::new();
    let mut config = format!("[metrics]\nlisten = \"127.0.0.1:{port}\"\n");
    for url in &feeds {
        config.push_str(&format!(
            "[[feeds]]\nurl = {url:?}\nfull_text = \"never\"\n"
        ));
    }
    env.write_config(&config);
    let _child = crate::support::Daemon(env.command().arg("run").spawn().unwrap());
    let get = |path: &str| http_get(port, path);
    crate::support::wait_for(
        "the first dense feed fetched",
        Duration::from_secs(30),
        || (0..3).any(|f| server.hits(&format!("/dense{f}.xml")) > 0) && get("/healthz").is_some(),
    );
    let started = Instant::now();
    let mut busy = Vec::new();
    loop {
        let t = Instant::now();
        let health = get("/healthz").expect("/healthz answers");
        busy.push(t.elapsed());
        assert!(health.starts_with("HTTP/1.1 200"), "{health}");
        let metrics = get("/metrics").unwrap_or_default();
        if metrics.contains("sahel_watch_items_ingested_total 120") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the dense feeds were never stored"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let processing = started.elapsed();
    let probes = busy.len();
    assert!(
        probes >= 3,
        "only {probes} probes while the feeds were processed"
    );
    // No wall-clock bound (a shared machine makes any flaky): a health check that waited on the
    // feeds' work (a lock, a queue behind the analysis) would take a large share of the time
    // the three feeds took; answering at once, its slowest answer is a small share of it.
    let slowest = busy.iter().max().copied().unwrap_or_default();
    let mut idle: Vec<Duration> = (0..50)
        .map(|_| {
            let t = Instant::now();
            get("/healthz").expect("/healthz answers");
            t.elapsed()
        })
        .collect();
    idle.sort();
    busy.sort();
    let (idle_median, busy_median) = (idle[idle.len() / 2], busy[busy.len() / 2]);
    eprintln!("/healthz while busy: slowest {slowest:?}, median {busy_median:?} of {probes} probes over {processing:?}; idle median {idle_median:?}");
    assert!(
        slowest * 5 <= processing,
        "/healthz took {slowest:?} while the feeds took {processing:?} ({probes} probes)"
    );
    // And a health check that waited behind each item would be slow most of the time: its
    // median while busy stays within a generous factor of its median when idle (at least 1 ms,
    // so that a very quick idle answer does not make the bound tight).
    let idle_floor = idle_median.max(Duration::from_millis(1));
    assert!(
        busy_median <= idle_floor * 50,
        "/healthz median {busy_median:?} while busy, {idle_median:?} when idle"
    );
}
