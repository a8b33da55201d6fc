//! Delivery through a real SMTP server (aiosmtpd on loopback): recipient filters, an outage,
//! STARTTLS and implicit TLS with a private CA, AUTH, and a password that is never shown.

use std::time::Duration;

use crate::support::http::HttpServer;
use crate::support::smtp::{ca_file, Options, Security, SmtpServer};
use crate::support::{fixture, incident_reports_of, labelled_incidents, stderr, wait_for, Env};

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
         [[recipients]]\nemail = \"kidnap@test.invalid\"\nevents = [\"kidnapping\"]\nmax_per_hour = 1000\n\n\
         [[recipients]]\nemail = \"nigeria@test.invalid\"\ncountries = [\"NG\"]\nmax_per_hour = 1000\n\n\
         [[recipients]]\nemail = \"all@test.invalid\"\nmax_per_hour = 1000\n",
        smtp.port
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Each recipient gets the stories its filters take: one alert each, and their updates.
    let mails = smtp.messages();
    let to = |who: &str| -> Vec<&crate::support::mail::Mail> {
        mails.iter().filter(|m| m.to.contains(who)).collect()
    };
    let (all, kidnap, nigeria) = (
        to("all@test.invalid"),
        to("kidnap@test.invalid"),
        to("nigeria@test.invalid"),
    );
    // As many first alerts as the fixtures' labels give incidents (not the daemon's stories).
    let incidents = labelled_incidents(&articles);
    let firsts = all.iter().filter(|m| !m.subject.contains("تحديث")).count();
    assert_eq!(
        firsts,
        incidents.len(),
        "one first alert per labelled incident: {incidents:?}"
    );
    assert!(!kidnap.is_empty() && !nigeria.is_empty());
    assert!(kidnap.len() < all.len() && nigeria.len() < all.len());
    for m in &kidnap {
        assert!(m.subject.contains("اختطاف"), "{}", m.subject);
    }
    for m in &nigeria {
        assert!(m.subject.contains("نيجيريا"), "{}", m.subject);
    }
    assert_eq!(mails.len(), all.len() + kidnap.len() + nigeria.len());
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
fn an_outage_queues_alerts_and_each_is_delivered_once_when_it_ends() {
    let server = HttpServer::start();
    // Three incidents by the fixture's labels: three alerts.
    let articles = incident_reports_of(&["stream-sample.jsonl"], 3);
    let url = server.feed("/x.xml", &articles);
    // Nobody listens on this port yet.
    let port = crate::support::free_port();
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\n[metrics]\nlisten = \"\"\n\
         [smtp]\nurl = \"smtp://127.0.0.1:{port}\"\nfrom = \"a@test.invalid\"\n\
         [limits]\nalert_retry_min = \"1s\"\nalert_retry_max = \"2s\"\n"
    ));
    let out = env.run(&["run", "--once"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "failed deliveries make --once exit 1"
    );
    let pending = || {
        let out = env.run(&["alerts", "list", "--status", "pending"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let listing = pending();
    assert_eq!(
        listing.lines().filter(|l| l.contains(" pending ")).count(),
        3,
        "{listing}"
    );
    assert!(listing.contains("last error"), "{listing}");

    // The daemon keeps retrying; the server comes up where it expects it.
    let _daemon = env.daemon();
    std::thread::sleep(Duration::from_secs(2));
    let smtp = SmtpServer::start_with(Options {
        port: Some(port),
        ..Options::default()
    });
    wait_for("the queued alerts", Duration::from_secs(40), || {
        smtp.messages().len() >= 3
    });
    // Retries keep running for a while: nothing arrives twice.
    std::thread::sleep(Duration::from_secs(6));
    let mails = smtp.messages();
    assert_eq!(mails.len(), 3);
    let ids: std::collections::HashSet<_> = mails.iter().map(|m| &m.message_id).collect();
    assert_eq!(ids.len(), 3, "three distinct alerts");
    assert!(pending().trim().is_empty(), "{}", pending());
}

/// The configuration of a TLS relay with a password from a file and the test CA trusted.
fn tls_config(env: &Env, url: &str, password: &str, ca: bool) -> String {
    std::fs::write(
        env.dir.path().join("smtp-password"),
        format!("{password}\n"),
    )
    .unwrap();
    format!(
        "[smtp]\nurl = {url:?}\nfrom = \"a@test.invalid\"\nusername = \"relay-user\"\n\
         password_file = \"smtp-password\"\n{}",
        if ca {
            format!("ca_file = {:?}\n", ca_file().display().to_string())
        } else {
            String::new()
        }
    )
}

#[test]
fn starttls_with_a_private_ca_and_auth() {
    const PASSWORD: &str = "pw-7f3a9c-never-logged";
    let smtp = SmtpServer::start_with(Options {
        tls: Security::StartTls,
        auth: Some(("relay-user".into(), PASSWORD.into())),
        ..Options::default()
    });
    let env = Env::new();
    let url = format!("smtp+starttls://127.0.0.1:{}", smtp.port);
    env.write_config(&tls_config(&env, &url, PASSWORD, true));
    let out = env
        .command()
        .env("SAHEL_WATCH_LOG", "trace")
        .args(["send-test-alert", "--to", "desk@test.invalid"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(smtp.messages().len(), 1);
    let all = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
    assert!(!all.contains(PASSWORD), "the password is never printed");
    let out = env.run(&["check-config"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("password <redacted>"), "{shown}");
    assert!(!shown.contains(PASSWORD));

    // Without the CA the server's certificate is not trusted.
    env.write_config(&tls_config(&env, &url, PASSWORD, false));
    let out = env.run(&["send-test-alert", "--to", "desk@test.invalid"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).to_lowercase().contains("certificate"),
        "{}",
        stderr(&out)
    );
    // A wrong password is refused by the server.
    env.write_config(&tls_config(&env, &url, "wrong", true));
    let out = env.run(&["send-test-alert", "--to", "desk@test.invalid"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("535"), "{}", stderr(&out));
    assert_eq!(smtp.messages().len(), 1);
}

#[test]
fn implicit_tls_with_auth_from_an_environment_variable() {
    let smtp = SmtpServer::start_with(Options {
        tls: Security::Implicit,
        auth: Some(("relay-user".into(), "env-secret".into())),
        ..Options::default()
    });
    let env = Env::new();
    env.write_config(&format!(
        "[smtp]\nurl = \"smtps://127.0.0.1:{}\"\nfrom = \"a@test.invalid\"\n\
         username = \"relay-user\"\npassword_env = \"SW_TEST_SMTP_PASSWORD\"\nca_file = {:?}\n",
        smtp.port,
        ca_file().display().to_string()
    ));
    let out = env
        .command()
        .env("SW_TEST_SMTP_PASSWORD", "env-secret")
        .args(["send-test-alert", "--to", "desk@test.invalid"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].html.contains("dir=\"rtl\" lang=\"ar\""));
    // Plain SMTP to a host other than loopback is refused at start.
    env.write_config(
        "[smtp]\nurl = \"smtp+starttls://mail.example.org\"\nstarttls = \"opportunistic\"\nfrom = \"a@test.invalid\"\n",
    );
    let out = env.run(&["check-config"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("smtp.url"), "{}", stderr(&out));
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
