//! Delivery through a real SMTP server (aiosmtpd on loopback) with recipient filters.

use crate::support::http::HttpServer;
use crate::support::smtp::SmtpServer;
use crate::support::{alert_worthy, fixture, stderr, Env};

#[test]
fn alerts_reach_each_matching_recipient_once() {
    let smtp = SmtpServer::start();
    let server = HttpServer::start();
    let articles: Vec<_> = fixture("articles.jsonl")
        .into_iter()
        .chain(fixture("stream-sample.jsonl"))
        .collect();
    let url = server.feed("/all.xml", &articles);
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\n\n[smtp]\nurl = \"smtp://127.0.0.1:{}\"\nfrom = \"sahel-watch <alerts@test.invalid>\"\n\n\
         [[recipients]]\nemail = \"kidnap@test.invalid\"\nevents = [\"kidnapping\"]\n\n\
         [[recipients]]\nemail = \"nigeria@test.invalid\"\ncountries = [\"NG\"]\n\n\
         [[recipients]]\nemail = \"all@test.invalid\"\n",
        smtp.port
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let rules = sahel_watch::detect::RulePack::bundled();
    let analyses: Vec<_> = articles
        .iter()
        .filter(|a| alert_worthy(a))
        .map(|a| sahel_watch::detect::analyze(&rules, &a.title, &a.text))
        .collect();
    let expect_kidnap = analyses
        .iter()
        .filter(|a| {
            a.events
                .contains(&sahel_watch::detect::EventKind::Kidnapping)
        })
        .count();
    let expect_ng = analyses
        .iter()
        .filter(|a| a.countries.iter().any(|c| c == "NG"))
        .count();
    let mails = smtp.messages();
    let to = |who: &str| mails.iter().filter(|m| m.to.contains(who)).count();
    assert_eq!(to("all@test.invalid"), analyses.len());
    assert_eq!(to("kidnap@test.invalid"), expect_kidnap);
    assert_eq!(to("nigeria@test.invalid"), expect_ng);
    assert!(expect_kidnap > 0 && expect_ng > 0);
    assert_eq!(mails.len(), analyses.len() + expect_kidnap + expect_ng);
    for m in &mails {
        assert!(m.subject.starts_with("[sahel-watch] "), "{}", m.subject);
        assert!(
            m.subject
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "Arabic subject: {}",
            m.subject
        );
    }

    // Nothing is sent twice.
    assert!(env.run(&["run", "--once"]).status.success());
    assert_eq!(smtp.messages().len(), mails.len());
    let out = env.run(&["alerts", "list", "--status", "pending"]);
    assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty());
}

#[test]
fn smtp_down_keeps_alerts_pending() {
    let server = HttpServer::start();
    let articles: Vec<_> = fixture("stream-sample.jsonl")
        .into_iter()
        .filter(alert_worthy)
        .take(2)
        .collect();
    let url = server.feed("/x.xml", &articles);
    let port = crate::support::free_port();
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\n[smtp]\nurl = \"smtp://127.0.0.1:{port}\"\nfrom = \"a@test.invalid\"\n"
    ));
    let out = env.run(&["run", "--once"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "failed deliveries make --once exit 1"
    );
    let out = env.run(&["alerts", "list", "--status", "pending"]);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        listing.lines().filter(|l| l.contains("pending")).count(),
        2,
        "{listing}"
    );
    assert!(listing.contains("last error"), "{listing}");
}

#[test]
fn send_test_alert_checks_a_setup_end_to_end() {
    let smtp = SmtpServer::start();
    let env = Env::new();
    env.write_config(&format!(
        "[smtp]\nurl = \"smtp://127.0.0.1:{}\"\nfrom = \"a@test.invalid\"\n",
        smtp.port
    ));
    let out = env.run(&["send-test-alert", "--to", "desk@test.invalid"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].to.contains("desk@test.invalid"));
    assert!(
        mails[0].subject.starts_with("[sahel-watch] "),
        "{}",
        mails[0].subject
    );
    assert!(mails[0].html.contains("dir=\"rtl\""));
    // A server that is down is a clear failure.
    let port = crate::support::free_port();
    env.write_config(&format!(
        "[smtp]\nurl = \"smtp://127.0.0.1:{port}\"\nfrom = \"a@test.invalid\"\n"
    ));
    let out = env.run(&["send-test-alert", "--to", "desk@test.invalid"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("SMTP"), "{}", stderr(&out));
}
