//! What reaches a recipient: the hourly cap and its overflow digest, digest recipients,
//! `alerts retry`/`resend`, and alerts about hostile items (markup, header injection, bidi
//! overrides, endless lines) that must arrive harmless.

use std::time::Duration;

use crate::support::http::HttpServer;
use crate::support::mail::{self, Mail};
use crate::support::smtp::SmtpServer;
use crate::support::{incident_reports, stderr, Article, Env};

/// `n` articles that each report an incident of their own, by the fixtures' human labels.
fn worthy(n: usize) -> Vec<Article> {
    incident_reports(n)
}

/// Sleeps until just after the next multiple of `period` seconds since the epoch: when the
/// digests of that period fall due.
fn sleep_past_boundary(period: u64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let next = (now.as_secs() / period + 1) * period;
    std::thread::sleep(Duration::from_secs(next) - now + Duration::from_millis(300));
}

fn pending(env: &Env) -> Vec<String> {
    let out = env.run(&["alerts", "list", "--status", "pending"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(" pending "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_hourly_cap_sends_the_overflow_as_one_digest() {
    let server = HttpServer::start();
    let url = server.feed("/x.xml", &worthy(6));
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\n[[recipients]]\nemail = \"desk@test.invalid\"\n\
         max_per_hour = 2\ndigest_every = \"5s\"\n"
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = env.maildir_files();
    assert_eq!(files.len(), 2, "two alerts inside the cap: {files:?}");
    let waiting = pending(&env);
    assert_eq!(waiting.len(), 4, "{waiting:?}");
    assert!(
        waiting.iter().all(|l| l.contains(" digest ")),
        "{waiting:?}"
    );

    sleep_past_boundary(5);
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = env.maildir_files();
    assert_eq!(files.len(), 3, "plus one digest: {files:?}");
    let digest: Vec<Mail> = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("sw-digest-"))
        .map(|f| mail::read(f))
        .collect();
    assert_eq!(digest.len(), 1);
    let d = &digest[0];
    assert!(d.subject.contains("ملخص: 4"), "{}", d.subject);
    assert_eq!(d.html.matches("<div dir=\"rtl\" lang=\"ar\"").count(), 4);
    assert!(d.text.contains("4 alerts in this digest"), "{}", d.text);
    assert!(pending(&env).is_empty());
}

#[test]
fn a_digest_recipient_gets_one_email_per_period_and_filters_apply() {
    let server = HttpServer::start();
    let url = server.feed("/x.xml", &worthy(4));
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\n\
         [[recipients]]\nemail = \"digest@test.invalid\"\nmode = \"digest\"\ndigest_every = \"5s\"\n\
         [[recipients]]\nemail = \"nobody@test.invalid\"\nmin_score = 1000.0\n"
    ));
    assert!(env.run(&["run", "--once"]).status.success());
    assert!(env.maildir_files().is_empty(), "nothing before the digest");
    assert_eq!(
        pending(&env).len(),
        4,
        "only the digest recipient is queued"
    );
    sleep_past_boundary(5);
    assert!(env.run(&["run", "--once"]).status.success());
    let files = env.maildir_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let m = mail::read(&files[0]);
    assert!(m.to.contains("digest@test.invalid"));
    assert!(m.message_id.starts_with("<sw.digest."), "{}", m.message_id);
}

#[test]
fn resend_sends_the_same_message_again_and_retry_is_for_failed_alerts() {
    let smtp = SmtpServer::start();
    let server = HttpServer::start();
    let url = server.feed("/x.xml", &worthy(1));
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\n[smtp]\nurl = \"smtp://127.0.0.1:{}\"\nfrom = \"a@test.invalid\"\n",
        smtp.port
    ));
    assert!(env.run(&["run", "--once"]).status.success());
    assert_eq!(smtp.messages().len(), 1);
    let out = env.run(&["alerts", "retry", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("only a failed alert"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["alerts", "resend", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(env.run(&["run", "--once"]).status.success());
    let mails = smtp.messages();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0].message_id, mails[1].message_id, "same Message-ID");
    let out = env.run(&["alerts", "resend", "99"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no outbox row with id 99"));
}

/// Bidi controls that could reorder what a reader sees, and control characters.
fn has_unsafe(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
            || (c.is_control() && c != '\n' && c != '\r' && c != '\t')
    })
}

#[test]
fn hostile_items_arrive_escaped_and_neutralised() {
    let base = worthy(2);
    let esc = crate::support::xml_escape;
    let long_word = "ب".repeat(20_000);
    // Written by hand so that every field carries what a hostile feed can: entity-escaped
    // markup that decodes to tags in the title, raw markup in CDATA, a javascript: link, line
    // breaks and bidi overrides in the title, one endless word.
    let feed = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>h</title>\
         <item><guid>hostile-1</guid><link>javascript:alert(document.cookie)</link>\
         <title>&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;{}&#13;&#10;Bcc: victim@evil.example&#10;X-Injected: 1</title>\
         <description><![CDATA[<p><img src=x onerror=alert(1)>\u{202E}{}\u{202C} \u{2066}معزول\u{2069}</p><p>{long_word}</p>]]></description></item>\
         <item><guid>hostile-2</guid><link>http://a.example/2?&lt;q&gt;=&quot;x</link>\
         <title>{}\u{202E}gnp.exe &amp;lt;b onmouseover=alert(2)&amp;gt;</title>\
         <description>{}&lt;a href=\"javascript:alert(2)\"&gt;اضغط&lt;/a&gt;</description></item>\
         </channel></rss>",
        esc(&base[0].title),
        base[0].text,
        esc(&base[1].title),
        esc(&base[1].text),
    );
    let server = HttpServer::start();
    let url = server.route(
        "/hostile.xml",
        crate::support::http::Route::ok("application/rss+xml", feed),
    );
    let env = Env::new();
    env.write_config(&format!("[[feeds]]\nurl = {url:?}\n"));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = env.maildir_files();
    assert_eq!(files.len(), 2, "both still alert: {files:?}");
    for f in files {
        let m = mail::read(&f);
        let head = m.raw.split("\r\n\r\n").next().unwrap();
        assert!(
            !head
                .lines()
                .any(|l| l.starts_with("Bcc:") || l.starts_with("X-Injected:")),
            "no injected header: {head}"
        );
        assert_eq!(
            head.lines().filter(|l| l.starts_with("Subject:")).count(),
            1
        );
        assert!(
            m.raw.split("\r\n").all(|l| l.len() <= 998),
            "no line longer than RFC 5322 allows"
        );
        assert!(
            !has_unsafe(&m.subject) && !m.subject.contains(['\r', '\n']),
            "{:?}",
            m.subject
        );
        assert!(!has_unsafe(&m.text), "text part");
        assert!(!has_unsafe(&m.html), "html part");
        let html = m.html.to_lowercase();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("dir=\"rtl\" lang=\"ar\""));
        assert!(!html.contains("<b "), "{html}");
        assert!(
            m.html.len() < 60_000,
            "the excerpt is bounded: {}",
            m.html.len()
        );
    }
}
