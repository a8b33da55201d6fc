//! Bad configuration is refused at start, naming file, line and key, with exit status 2.

use crate::support::{stderr, Env};

#[test]
fn unknown_key_exits_2_naming_file_line_and_key() {
    let env = Env::new();
    let path =
        env.write_config("\n[[feeds]]\nurl = \"http://127.0.0.1:9/rss\"\nrefresh = \"5m\"\n");
    let out = env.run(&["run", "--once"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:5", path.display())), "{err}");
    assert!(err.contains("refresh"), "{err}");
}

#[test]
fn malformed_feed_url_exits_2_naming_file_line_and_key() {
    let env = Env::new();
    let path = env.write_config(
        "[[feeds]]\nurl = \"http://127.0.0.1:9/ok\"\n[[feeds]]\nurl = \"ht!tp:/broken\"\n",
    );
    let out = env.run(&["check-config"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:5", path.display())) && err.contains("feeds[1].url"),
        "{err}"
    );
}

#[test]
fn bad_rule_pack_exits_2_naming_its_file_and_line() {
    let env = Env::new();
    let rules = env.dir.path().join("rules.toml");
    std::fs::write(&rules, "[pack]\nname = \"x\"\nversion = 1\n\n[[entities]]\nid = \"a\"\nkind = \"town\"\nscope = \"core\"\nnames = [\"x\"]\n").unwrap();
    env.write_config(&format!("rules = [{:?}]\n", rules.display().to_string()));
    let out = env.run(&["check-config"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("rules.toml:7") && err.contains("town"),
        "{err}"
    );
}

#[test]
fn opml_feeds_are_polled_too() {
    let env = Env::new();
    let opml = env.dir.path().join("feeds.opml");
    std::fs::write(&opml, "<?xml version=\"1.0\"?><opml version=\"2.0\"><body><outline text=\"g\"><outline text=\"A\" xmlUrl=\"http://127.0.0.1:9/a.xml\"/></outline></body></opml>").unwrap();
    env.write_config("feeds_opml = [\"feeds.opml\"]\n");
    let out = env.run(&["check-config"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("http://127.0.0.1:9/a.xml"));
}

#[test]
fn bundled_defaults_need_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sahel-watch"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args(["check-config"])
        .env_remove("SAHEL_WATCH_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("<bundled>") && text.contains(&dir.path().display().to_string()),
        "{text}"
    );
    // The bundled feeds are 17 of 16 publishers (two of France 24): the surge bar is a
    // quarter of them.
    assert!(
        text.contains("surges: a place named by 4 publishers within 1h at 10x"),
        "{text}"
    );
}

#[test]
fn a_broken_template_override_exits_2_naming_its_file_and_line() {
    let env = Env::new();
    let dir = env.dir.path().join("templates");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("alert.html"),
        "<p>{{ alert.what }}</p>\n<p>{{ alert.wat }}</p>\n",
    )
    .unwrap();
    env.write_config("[templates]\ndir = \"templates\"\n");
    let out = env.run(&["check-config"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:2", dir.join("alert.html").display())),
        "{err}"
    );
    // A good override is taken, the other templates stay bundled.
    std::fs::write(dir.join("alert.html"), "<p>{{ alert.what }}</p>\n").unwrap();
    let out = env.run(&["check-config"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("alert.html") && shown.contains("<bundled>/alert.txt"),
        "{shown}"
    );
}

/// A webhook or Matrix recipient that cannot work is refused at start: file, line, key and why.
#[test]
fn a_channel_recipient_that_cannot_work_is_refused_naming_line_and_key() {
    let env = Env::new();
    let secret = env.dir.path().join("secret");
    std::fs::write(&secret, "s\n").unwrap();
    let secret = secret.display().to_string();
    // (recipient table, line of the error, key, words of the reason); the table starts on
    // line 2, after the data_dir the test environment writes.
    let cases = [
        (
            format!("name = \"w\"\nwebhook = {{ url = \"http://hooks.example.org/x\", secret_file = {secret:?} }}\n"),
            4,
            "recipients[0].webhook.url",
            "loopback",
        ),
        (
            "name = \"w\"\nwebhook = { url = \"https://hooks.example.org/x\" }\n".to_owned(),
            4,
            "recipients[0].webhook.secret_file",
            "signing secret",
        ),
        (
            format!("webhook = {{ url = \"https://hooks.example.org/x\", secret_file = {secret:?} }}\n"),
            2,
            "recipients[0].name",
            "needs a name",
        ),
        (
            format!("email = \"a@example.org\"\nname = \"w\"\nwebhook = {{ url = \"https://h.example.org/\", secret_file = {secret:?} }}\n"),
            2,
            "recipients[0]",
            "one of email, webhook or matrix",
        ),
        (
            format!("name = \"m\"\nmatrix = {{ homeserver = \"https://m.example.org\", room = \"#alerts:m.example.org\", access_token_file = {secret:?} }}\n"),
            4,
            "recipients[0].matrix.room",
            "room id",
        ),
        (
            "name = \"m\"\nmatrix = { homeserver = \"https://m.example.org\", room = \"!r:m.example.org\", access_token_env = \"SAHEL_WATCH_TEST_NO_SUCH_VARIABLE\" }\n".to_owned(),
            4,
            "recipients[0].matrix.access_token_env",
            "is not set",
        ),
    ];
    for (table, line, key, why) in cases {
        let path = env.write_config(&format!("[[recipients]]\n{table}"));
        let out = env.run(&["check-config"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{table}: {err}");
        assert!(
            err.contains(&format!("{}:{line}", path.display())),
            "{table}: line {line}: {err}"
        );
        assert!(err.contains(&format!("`{key}`")), "{table}: {key}: {err}");
        assert!(err.contains(why), "{table}: {why}: {err}");
    }
}

/// `[websub]` is checked at start like the rest: a callback that is no public http(s) URL, an
/// address that is no host:port, a lease hubs would not grant.
#[test]
fn a_websub_section_that_cannot_work_is_refused_naming_line_and_key() {
    // The table starts on line 2, after the data_dir the test environment writes.
    let cases = [
        (
            "callback = \"ftp://watch.example/websub\"\n",
            3,
            "websub.callback",
        ),
        (
            "callback = \"https://watch.example/websub?x=1\"\n",
            3,
            "websub.callback",
        ),
        (
            "callback = \"https://watch.example/websub\"\nlisten = \"localhost\"\n",
            4,
            "websub.listen",
        ),
        (
            "callback = \"https://watch.example/websub\"\nlease = \"5m\"\n",
            4,
            "websub.lease",
        ),
    ];
    refused_naming_line_and_key("websub", &cases);
}

/// `[console]` is checked at start: its address, its session's length, and a proxy header
/// that would be believed from anyone.
#[test]
fn a_console_section_that_cannot_work_is_refused_naming_line_and_key() {
    let cases = [
        ("listen = \"everywhere\"\n", 3, "console.listen"),
        ("session = \"90d\"\n", 3, "console.session"),
        (
            "user_header = \"X-Forwarded-User\"\n",
            3,
            "console.user_header",
        ),
        (
            "user_header = \"X-Forwarded-User\"\ntrusted_proxies = [\"proxy.local\"]\n",
            4,
            "console.trusted_proxies",
        ),
    ];
    refused_naming_line_and_key("console", &cases);
}

/// Each `(body, line, key)` of `cases`, the body of a `[section]` table starting on line 2
/// (after the data_dir the test environment writes), is refused at start with exit status 2,
/// naming the file, the line and the key.
fn refused_naming_line_and_key(section: &str, cases: &[(&str, usize, &str)]) {
    for (body, line, key) in cases {
        let env = Env::new();
        let path = env.write_config(&format!("[{section}]\n{body}"));
        let out = env.run(&["check-config"]);
        assert_eq!(out.status.code(), Some(2), "{body}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{}:{line}", path.display())) && err.contains(key),
            "{body}: {err}"
        );
    }
}
