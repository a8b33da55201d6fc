//! `run --once` end to end: feeds in, items stored once, the items the human labels give as
//! incident reports flagged, one first alert per labelled incident.

use std::collections::{BTreeSet, HashSet};

use crate::support::http::{HttpServer, Route};
use crate::support::{
    atom, fixture, labelled_incidents, mail, rss, stderr, Env, KNOWN_FALSE_ALERTS, KNOWN_MISSED,
};

/// Serves the fixtures as four feeds: RSS, Atom, and two windows-1256 feeds (charset in the
/// prolog; charset only in the Content-Type header).
fn serve_fixtures(server: &HttpServer) -> (Vec<String>, Vec<crate::support::Article>) {
    let articles = fixture("articles.jsonl");
    let stream = fixture("stream-sample.jsonl");
    let (a1, a2) = articles.split_at(articles.len() / 2);
    let (s1, s2) = stream.split_at(stream.len() / 2);
    let base = server.base.clone();
    let w1256 = |doc: &str| encoding_rs::WINDOWS_1256.encode(doc).0.into_owned();
    let urls = vec![
        server.route(
            "/rss.xml",
            Route::ok("application/rss+xml", rss(a1, &base, Some("UTF-8"))),
        ),
        server.route(
            "/atom.xml",
            Route::ok("application/atom+xml", atom(a2, &base)),
        ),
        server.route(
            "/prolog-1256.xml",
            Route::ok("text/xml", w1256(&rss(s1, &base, Some("windows-1256")))),
        ),
        server.route(
            "/header-1256.xml",
            Route::ok(
                "application/rss+xml; charset=windows-1256",
                w1256(&rss(s2, &base, None)),
            ),
        ),
    ];
    let all = articles.iter().chain(stream.iter()).cloned().collect();
    (urls, all)
}

fn feeds_config(urls: &[String]) -> String {
    urls.iter()
        .map(|u| format!("[[feeds]]\nurl = {u:?}\ninterval = \"5m\"\n"))
        .collect()
}

#[test]
fn once_stores_each_item_once_and_writes_one_alert_per_story() {
    let server = HttpServer::start();
    let (urls, articles) = serve_fixtures(&server);
    let env = Env::new();
    // The default recipient, without the hourly cap (tested in `alerts`).
    env.write_config(&format!(
        "{}\n[[recipients]]\nemail = \"sahel-watch@localhost\"\nmax_per_hour = 1000\n",
        feeds_config(&urls)
    ));

    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "run --once failed: {}", stderr(&out));

    let items = env.items();
    assert_eq!(
        items.len(),
        articles.len(),
        "every article stored exactly once"
    );
    // Arabic survived both windows-1256 feeds: every stored title is a fixture title.
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let titles: HashSet<String> = articles.iter().map(|a| squash(&a.title)).collect();
    for it in &items {
        let t = it["title"].as_str().unwrap();
        assert!(
            titles.contains(t),
            "stored title not in fixtures (charset?): {t}"
        );
        for key in [
            "id",
            "feed",
            "url",
            "title",
            "published",
            "relevant",
            "events",
            "countries",
        ] {
            assert!(it.get(key).is_some(), "query json lacks {key}: {it}");
        }
    }

    // Item by item, what the daemon flagged (relevant, with events) against the human labels
    // (the articles the fixtures give as reports of an incident).
    let fixture_id = |url: &str| url.rsplit('/').next().unwrap_or_default().to_owned();
    let flagged: BTreeSet<String> = items
        .iter()
        .filter(|i| i["relevant"] == true && !i["events"].as_array().unwrap().is_empty())
        .map(|i| fixture_id(i["url"].as_str().unwrap()))
        .collect();
    let labelled: BTreeSet<String> = articles
        .iter()
        .filter(|a| a.incident.is_some())
        .map(|a| a.id.clone())
        .collect();
    assert!(labelled.len() >= 8, "the fixtures label incident reports");
    let missed: Vec<&String> = labelled.difference(&flagged).collect();
    let extra: Vec<&String> = flagged.difference(&labelled).collect();
    assert_eq!(
        missed, KNOWN_MISSED,
        "incident reports (by the labels) the daemon did not flag"
    );
    assert_eq!(
        extra, KNOWN_FALSE_ALERTS,
        "items flagged that the labels say report no incident"
    );

    // One first alert per labelled incident, updates threaded under their incident's first
    // alert: the incidents come from the fixtures' labels, not from the daemon's stories.
    let files = env.maildir_files();
    let mails: Vec<_> = files.iter().map(|f| mail::read(f)).collect();
    let incident_of = |id: &str| {
        articles
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| a.incident.clone())
    };
    // The incidents of the fixture articles an alert links to.
    let told = |m: &mail::Mail| -> BTreeSet<Option<String>> {
        articles
            .iter()
            .filter(|a| m.text.contains(&format!("/articles/{}>", a.id)))
            .map(|a| incident_of(&a.id))
            .collect()
    };
    let mut first_by_id = std::collections::HashMap::new();
    let mut first_alerted: Vec<String> = Vec::new();
    for m in mails.iter().filter(|m| m.in_reply_to.is_empty()) {
        let told = told(m);
        assert_eq!(
            told.len(),
            1,
            "one alert tells one incident: {told:?}\n{}",
            m.subject
        );
        let incident = told.into_iter().next().unwrap();
        let incident = incident
            .unwrap_or_else(|| panic!("an alert about no labelled incident: {}", m.subject));
        first_by_id.insert(m.message_id.clone(), incident.clone());
        first_alerted.push(incident);
    }
    first_alerted.sort();
    let expected: Vec<String> = labelled_incidents(&articles).into_iter().collect();
    assert_eq!(
        first_alerted, expected,
        "one first alert per labelled incident"
    );
    for m in mails.iter().filter(|m| !m.in_reply_to.is_empty()) {
        let first = first_by_id
            .get(&m.in_reply_to)
            .unwrap_or_else(|| panic!("an update under no first alert: {}", m.subject));
        assert!(
            told(m).contains(&Some(first.clone())),
            "an update tells its first alert's incident ({first}): {}",
            m.subject
        );
    }
    let seed = articles.iter().find(|a| a.id == "seed-0001").unwrap();
    let seed_title = squash(&seed.title);
    assert!(
        mails
            .iter()
            .all(|m| m.html.contains("dir=\"rtl\" lang=\"ar\"")
                && m.subject.starts_with("[sahel-watch] ")),
        "alerts are RTL HTML with a decoded subject"
    );
    assert!(
        items
            .iter()
            .any(|i| i["title"] == seed_title.as_str() && i["relevant"] == true),
        "the seed article is relevant"
    );
    let ids: HashSet<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), mails.len(), "Message-IDs are unique");

    // A second run stores nothing new and sends nothing.
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.items().len(), items.len());
    assert_eq!(env.maildir_files(), files);
}

#[test]
fn relevant_listing_filters_and_full_text_search() {
    let server = HttpServer::start();
    let (urls, _) = serve_fixtures(&server);
    let env = Env::new();
    env.write_config(&feeds_config(&urls));
    assert!(env.run(&["run", "--once"]).status.success());

    let q = |args: &[&str]| {
        let mut all = vec![
            "query", "--since", "36500d", "--format", "json", "--limit", "1000",
        ];
        all.extend_from_slice(args);
        let out = env.run(&all);
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let relevant = q(&[]);
    assert!(!relevant.is_empty() && relevant.iter().all(|i| i["relevant"] == true));
    let ng = q(&["--country", "NG"]);
    assert!(!ng.is_empty());
    assert!(ng
        .iter()
        .all(|i| i["countries"].as_array().unwrap().iter().any(|c| c == "NG")));
    let kidnap = q(&["--event", "kidnapping"]);
    assert!(kidnap.iter().all(|i| i["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "kidnapping")));
    // A query without clitics finds text written with them, in any hamza spelling.
    let hits = q(&["--all", "--text", "الجزائر"]);
    assert!(!hits.is_empty());
    let hits_plain = q(&["--all", "--text", "الجزاير"]);
    assert_eq!(hits.len(), hits_plain.len());
    // An unknown event is a usage error.
    let out = env.run(&["query", "--event", "riot"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn broken_feeds_are_recorded_and_the_others_processed() {
    let server = HttpServer::start();
    let articles = fixture("articles.jsonl");
    let good = server.feed("/good.xml", &articles[..5]);
    let e500 = server.route("/500.xml", Route::status(500, "boom"));
    let bad = server.route(
        "/bad.xml",
        Route::ok("application/rss+xml", "<rss><channel><item><title>x</tit"),
    );
    let env = Env::new();
    env.write_config(&feeds_config(&[good.clone(), e500.clone(), bad.clone()]));

    let out = env.run(&["run", "--once"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed feed makes --once exit 1: {}",
        stderr(&out)
    );
    assert_eq!(env.items().len(), 5, "the good feed was processed");

    let feeds = env.feeds();
    let by_url = |u: &str| feeds.iter().find(|f| f["url"] == u).unwrap().clone();
    assert_eq!(by_url(&good)["status"], "ok");
    let f500 = by_url(&e500);
    assert_eq!(f500["status"], "failing");
    assert!(
        f500["last_error"].as_str().unwrap().contains("HTTP 500"),
        "{f500}"
    );
    assert!(f500["last_error"].as_str().unwrap().contains(&e500));
    let fbad = by_url(&bad);
    assert_eq!(fbad["status"], "failing");
    assert!(
        fbad["last_error"].as_str().unwrap().contains("not a feed"),
        "{fbad}"
    );
    // The human listing says the same.
    let text = String::from_utf8(env.run(&["feeds"]).stdout).unwrap();
    assert!(
        text.contains("error:") && text.contains("HTTP 500"),
        "{text}"
    );
}

#[test]
fn conditional_get_uses_validators() {
    let server = HttpServer::start();
    let articles = fixture("articles.jsonl");
    let url = server.route(
        "/etag.xml",
        Route::ok(
            "application/rss+xml",
            rss(&articles[..3], &server.base, None),
        )
        .with_etag("\"v1\""),
    );
    let env = Env::new();
    env.write_config(&feeds_config(&[url]));
    assert!(env.run(&["run", "--once"]).status.success());
    assert!(env.run(&["run", "--once"]).status.success());
    assert_eq!(
        server.not_modified(),
        1,
        "the second poll sent If-None-Match and got 304"
    );
    assert_eq!(env.items().len(), 3);
}

#[test]
fn an_edited_item_updates_its_row() {
    let server = HttpServer::start();
    let mut articles = fixture("articles.jsonl");
    articles.truncate(2);
    let url = server.feed("/edit.xml", &articles);
    let env = Env::new();
    env.write_config(&feeds_config(&[url]));
    assert!(env.run(&["run", "--once"]).status.success());
    articles[0].title = format!("{} (محدث)", articles[0].title);
    server.feed("/edit.xml", &articles);
    assert!(env.run(&["run", "--once"]).status.success());
    let items = env.items();
    assert_eq!(items.len(), 2);
    assert!(items
        .iter()
        .any(|i| i["title"].as_str().unwrap().ends_with("(محدث)")));
}

#[test]
fn backtest_reports_and_applies_rule_changes_without_alerting() {
    let server = HttpServer::start();
    let (urls, _) = serve_fixtures(&server);
    let env = Env::new();
    env.write_config(&feeds_config(&urls));
    assert!(env.run(&["run", "--once"]).status.success());
    let relevant = env.items().iter().filter(|i| i["relevant"] == true).count();
    let mails = env.maildir_files().len();
    assert!(relevant > 0);

    // Same rules: nothing changes.
    let out = env.run(&["backtest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 newly relevant, 0 no longer relevant"));

    // A stricter pack: everything relevant would drop out.
    let strict = sahel_watch::detect::BUNDLED_PACK
        .replace("relevance_threshold = 3.0", "relevance_threshold = 1000.0");
    let rules = env.dir.path().join("strict.toml");
    std::fs::write(&rules, strict).unwrap();
    let feeds = feeds_config(&urls);
    env.write_config(&format!(
        "rules = [{:?}]\n{feeds}",
        rules.display().to_string()
    ));
    let out = env.run(&["backtest"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains(&format!("{relevant} no longer relevant")),
        "{text}"
    );
    assert_eq!(
        env.items().iter().filter(|i| i["relevant"] == true).count(),
        relevant,
        "dry run"
    );
    let out = env.run(&["backtest", "--apply"]);
    assert!(out.status.success());
    assert_eq!(
        env.items().iter().filter(|i| i["relevant"] == true).count(),
        0
    );
    assert_eq!(env.maildir_files().len(), mails, "backtest never alerts");
}

#[test]
fn a_failing_feed_gives_one_operator_notice_per_episode() {
    let server = HttpServer::start();
    let articles = fixture("articles.jsonl");
    let url = server.route("/flaky.xml", Route::status(503, "down"));
    let env = Env::new();
    env.write_config(&format!(
        "[operator]\nemail = \"ops@test.invalid\"\nfeed_failing_after = \"0s\"\n\n[[feeds]]\nurl = {url:?}\n"
    ));
    let notices = |env: &Env| {
        env.maildir_files()
            .into_iter()
            .map(|f| mail::read(&f))
            .filter(|m| m.subject.contains("feed failing"))
            .count()
    };
    assert_eq!(env.run(&["run", "--once"]).status.code(), Some(1));
    assert_eq!(notices(&env), 1, "the operator is told");
    assert_eq!(env.run(&["run", "--once"]).status.code(), Some(1));
    assert_eq!(notices(&env), 1, "once per episode");
    // Recovery ends the episode; a new failure starts another.
    server.feed("/flaky.xml", &articles[..1]);
    assert!(env.run(&["run", "--once"]).status.success());
    server.route("/flaky.xml", Route::status(503, "down again"));
    assert_eq!(env.run(&["run", "--once"]).status.code(), Some(1));
    assert_eq!(notices(&env), 2);
}

#[test]
fn a_permanent_redirect_moves_the_feed_and_keeps_it() {
    let server = HttpServer::start();
    let articles = fixture("articles.jsonl");
    let new = server.feed("/new.xml", &articles[..3]);
    let old = server.route("/old.xml", Route::redirect(301, "/new.xml"));
    let env = Env::new();
    env.write_config(&feeds_config(std::slice::from_ref(&old)));
    assert!(env.run(&["run", "--once"]).status.success());
    assert!(env.run(&["run", "--once"]).status.success());
    let feeds = env.feeds();
    assert_eq!(
        feeds.len(),
        1,
        "the moved feed is not added again: {feeds:?}"
    );
    assert_eq!(feeds[0]["url"], new.as_str());
    assert_eq!(feeds[0]["active"], true);
    assert_eq!(
        server.hits("/old.xml"),
        1,
        "the old URL is not polled after the move"
    );
    assert_eq!(env.items().len(), 3);
}

#[test]
fn a_gone_feed_is_reported_and_no_longer_polled() {
    let server = HttpServer::start();
    let url = server.route("/gone.xml", Route::status(410, "gone"));
    let env = Env::new();
    env.write_config(&feeds_config(std::slice::from_ref(&url)));
    assert_eq!(env.run(&["run", "--once"]).status.code(), Some(1));
    let feed = env.feeds().remove(0);
    assert_eq!(feed["status"], "gone");
    assert!(feed["last_error"]
        .as_str()
        .unwrap()
        .contains("no longer polled"));
    assert!(env.run(&["run", "--once"]).status.success());
    assert_eq!(
        server.hits("/gone.xml"),
        1,
        "a gone feed is not polled again"
    );
}

#[test]
fn a_refresh_that_fails_inside_the_store_is_recorded_on_the_feed_with_backoff() {
    let server = HttpServer::start();
    let mut articles = fixture("articles.jsonl")[..3].to_vec();
    articles[1].title = format!("{} STORE-FAILURE", articles[1].title);
    let url = server.feed("/feed.xml", &articles);
    let env = Env::new();
    env.write_config(&feeds_config(std::slice::from_ref(&url)));
    let out = env.run(&["migrate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The store refuses one of the items: the write that holds it fails, and the refresh.
    let db = rusqlite::Connection::open(env.data_dir().join("sahel-watch.db")).unwrap();
    db.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON items WHEN NEW.title LIKE '%STORE-FAILURE%'
         BEGIN SELECT RAISE(ABORT, 'injected store failure'); END;",
    )
    .unwrap();
    drop(db);

    let before = chrono::Utc::now().timestamp();
    let out = env.run(&["run", "--once"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let feeds = env.feeds();
    let f = feeds.iter().find(|f| f["url"] == url.as_str()).unwrap();
    assert_eq!(f["status"], "failing", "{f}");
    assert_eq!(f["consecutive_failures"], 1, "{f}");
    let error = f["last_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("injected store failure") && error.contains(&url),
        "{f}"
    );
    // Backed off: not polled again at once (the shortest backoff is a share of the interval).
    let next = f["next_poll_at"].as_i64().unwrap();
    assert!(
        next > before + 30,
        "next poll {next} is not backed off from {before}: {f}"
    );
    let kept: Vec<String> = env
        .items()
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        kept.iter().all(|t| !t.contains("STORE-FAILURE")),
        "the refused item was not kept: {kept:?}"
    );
    // Once the store accepts it, the next refresh stores every item, each once: nothing was
    // lost, nothing doubled by items written ahead of the failure.
    let db = rusqlite::Connection::open(env.data_dir().join("sahel-watch.db")).unwrap();
    db.execute_batch("DROP TRIGGER refuse;").unwrap();
    drop(db);
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut titles: Vec<String> = env
        .items()
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    titles.sort();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut expected: Vec<String> = articles.iter().map(|a| squash(&a.title)).collect();
    expected.sort();
    assert_eq!(titles, expected);
    let f = env
        .feeds()
        .into_iter()
        .find(|f| f["url"] == url.as_str())
        .unwrap();
    assert_eq!(f["status"], "ok", "{f}");
}
