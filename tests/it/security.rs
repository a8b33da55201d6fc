//! The security review's checks (issue 9): hostile filter values stay values, everything the
//! daemon writes is owner-only, the SMTP password never shows, templates cannot reach outside
//! themselves, and links other than http(s) never become links.

use std::os::unix::fs::PermissionsExt;

use crate::support::http::HttpServer;
use crate::support::{fixture, incident_reports_of, stderr, Env};

#[test]
fn hostile_filter_values_are_bound_not_spliced() {
    let articles: Vec<_> = fixture("articles.jsonl").into_iter().take(8).collect();
    let server = HttpServer::start();
    let url = server.feed("/a.xml", &articles);
    let env = Env::new();
    env.write_config(&format!("[[feeds]]\nurl = {url:?}\n"));
    assert!(env.run(&["run", "--once"]).status.success());
    let before = env.items().len();
    assert_eq!(before, articles.len());
    for args in [
        vec!["--feed", "' OR 1=1 --"],
        vec!["--feed", "x%' ; DROP TABLE items; --"],
        vec!["--country", "ML') OR ('1'='1"],
        vec!["--event", "attack' --"],
        vec!["--text", "\"; DROP TABLE items; --\""],
        vec!["--text", "x* NEAR(a b) OR items_fts:* ^ \"\""],
        vec!["--since", "1970-01-01' OR 1=1"],
    ] {
        let mut all = vec!["query", "--all", "--since", "36500d", "--format", "json"];
        all.extend(args.iter().copied());
        let out = env.run(&all);
        let code = out.status.code();
        // Refused as usage (2) or an empty answer: never everything, never an SQL error.
        assert!(
            code == Some(0) || code == Some(2),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("SQL"), "{args:?}: {}", stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().count(),
            0,
            "{args:?} matched items"
        );
    }
    assert_eq!(env.items().len(), before, "the table is intact");
}

#[test]
fn everything_written_is_owner_only() {
    let articles = incident_reports_of(&["articles.jsonl"], 2);
    let server = HttpServer::start();
    let url = server.feed("/a.xml", &articles);
    let env = Env::new();
    env.write_config(&format!("[[feeds]]\nurl = {url:?}\n"));
    assert!(env.run(&["run", "--once"]).status.success());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let data = env.data_dir();
    assert_eq!(mode(&data), 0o700);
    for entry in std::fs::read_dir(&data).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
    }
    for sub in ["alerts", "alerts/tmp", "alerts/new", "alerts/cur"] {
        assert_eq!(mode(&data.join(sub)), 0o700, "{sub}");
    }
    let files = env.maildir_files();
    assert!(!files.is_empty());
    for f in files {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
}

#[test]
fn the_smtp_password_shows_nowhere() {
    const SECRET: &str = "s3cr3t-never-shown-7731";
    let articles = incident_reports_of(&["articles.jsonl"], 1);
    let server = HttpServer::start();
    let url = server.feed("/a.xml", &articles);
    let env = Env::new();
    std::fs::write(env.dir.path().join("pw"), SECRET).unwrap();
    // A relay that is not there: the failure is logged and recorded with the alert.
    let port = crate::support::free_port();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\n[smtp]\nurl = \"smtp://127.0.0.1:{port}\"\nfrom = \"a@test.invalid\"\nusername = \"u\"\npassword_file = \"pw\"\n"
    ));
    let out = env
        .command()
        .env("SAHEL_WATCH_LOG", "trace")
        .args(["run", "--once"])
        .output()
        .unwrap();
    let mut seen = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
    for args in [
        vec!["check-config"],
        vec!["alerts", "list"],
        vec![
            "--log-format",
            "json",
            "send-test-alert",
            "--to",
            "x@test.invalid",
        ],
    ] {
        let o = env
            .command()
            .env("SAHEL_WATCH_LOG", "trace")
            .args(&args)
            .output()
            .unwrap();
        seen.push_str(&stderr(&o));
        seen.push_str(&String::from_utf8_lossy(&o.stdout));
    }
    assert!(
        seen.contains("<redacted>"),
        "check-config shows that there is one"
    );
    assert!(!seen.contains(SECRET), "the password leaked:\n{seen}");
    // Nor in the database.
    let db = std::fs::read(env.data_dir().join("sahel-watch.db")).unwrap();
    assert!(!db.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()));
}

#[test]
fn templates_cannot_include_files_outside_themselves() {
    let env = Env::new();
    let dir = env.dir.path().join("templates");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(env.dir.path().join("secret.txt"), "TOP SECRET").unwrap();
    for include in ["../secret.txt", "/etc/passwd", "templates/../../secret.txt"] {
        std::fs::write(
            dir.join("alert.txt"),
            format!("{{% include \"{include}\" %}}\n{{{{ alert.what }}}}\n"),
        )
        .unwrap();
        env.write_config("[templates]\ndir = \"templates\"\n");
        let out = env.run(&["check-config"]);
        assert_eq!(out.status.code(), Some(2), "{include}");
        assert!(stderr(&out).contains("alert.txt"), "{}", stderr(&out));
        assert!(!stderr(&out).contains("TOP SECRET"));
    }
}

#[test]
fn links_other_than_http_are_never_links() {
    // Through the whole pipeline: an item whose link is javascript: or data:.
    let base = incident_reports_of(&["articles.jsonl"], 2);
    let esc = crate::support::xml_escape;
    let feed = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>t</title>\
         <item><guid>l-1</guid><link>javascript:alert(1)</link><title>{}</title><description>{}</description></item>\
         <item><guid>l-2</guid><link>data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==</link><title>{}</title><description>{}</description></item>\
         </channel></rss>",
        esc(&base[0].title),
        esc(&base[0].text),
        esc(&base[1].title),
        esc(&base[1].text)
    );
    let server = HttpServer::start();
    let url = server.route(
        "/l.xml",
        crate::support::http::Route::ok("application/rss+xml", feed),
    );
    let env = Env::new();
    env.write_config(&format!("[[feeds]]\nurl = {url:?}\n"));
    assert!(env.run(&["run", "--once"]).status.success());
    let files = env.maildir_files();
    assert_eq!(files.len(), 2);
    for f in files {
        let m = crate::support::mail::read(&f);
        let all = format!("{}{}", m.html, m.text).to_lowercase();
        assert!(
            !all.contains("javascript:") && !all.contains("data:text"),
            "{all}"
        );
    }
    let report = env.dir.path().join("r.html");
    let out = env.run(&[
        "report",
        "--since",
        "36500d",
        "--out",
        report.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(report).unwrap().to_lowercase();
    assert!(!page.contains("javascript:") && !page.contains("data:text"));
}
