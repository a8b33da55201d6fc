//! Alerts through webhooks (and how well each story is corroborated): a real receiver on
//! loopback that checks every signature itself, scripted to fail and succeed.

use std::time::Duration;

use crate::support::http::{HttpServer, Route};
use crate::support::webhook::WebhookReceiver;
use crate::support::{stderr, wait_for, xml_escape, Env};

const SECRET: &str = "a webhook secret, only for this test";

/// One item of a feed, with the link an outlet publishes it at.
struct Item<'a> {
    guid: &'a str,
    title: &'a str,
    text: &'a str,
    link: &'a str,
}

/// An attack in Gao, Mali, told three ways; the facts a reader takes from each are the same.
const GAO_1: Item = Item {
    guid: "gao-aj-1",
    title: "مقتل 12 جنديا في هجوم مسلح على ثكنة قرب غاو شمال مالي",
    text: "قتل مسلحون 12 جنديا في هجوم على ثكنة للجيش المالي قرب مدينة غاو في شمال مالي فجر اليوم، وفق مصادر أمنية.",
    link: "https://www.aljazeera.net/news/2026/12/1/gao-attack",
};
const GAO_2: Item = Item {
    guid: "gao-aj-2",
    title: "هجوم مسلح على ثكنة للجيش قرب غاو في مالي يوقع 12 قتيلا",
    text: "أسفر هجوم مسلح على ثكنة للجيش المالي قرب مدينة غاو شمال مالي عن مقتل 12 جنديا، بحسب مصادر أمنية.",
    link: "https://aljazeera.net/ar/africa/2026/12/1/gao",
};
const GAO_3: Item = Item {
    guid: "gao-f24-1",
    title: "مالي: مقتل 12 جنديا في هجوم على ثكنة قرب غاو",
    text: "قتل 12 جنديا في هجوم شنه مسلحون على ثكنة للجيش المالي قرب مدينة غاو في شمال مالي، حسب مصادر أمنية.",
    link: "https://www.france24.com/ar/africa/20261201-gao",
};

fn rss(items: &[&Item]) -> String {
    let mut s = String::from("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>test</title><link>http://127.0.0.1/</link><description>test</description>\n");
    for i in items {
        s.push_str(&format!(
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid><pubDate>Tue, 01 Dec 2026 08:00:00 +0000</pubDate><description>{}</description></item>\n",
            xml_escape(i.title),
            xml_escape(i.link),
            i.guid,
            xml_escape(i.text)
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// A feed serving `items`, read on its summary only (the links are not on this machine).
fn feed(server: &HttpServer, path: &str, items: &[&Item]) -> String {
    let url = server.route(path, Route::ok("application/rss+xml", rss(items)));
    format!("[[feeds]]\nurl = {url:?}\nfull_text = \"never\"\n")
}

fn webhook_recipient(env: &Env, url: &str) -> String {
    let secret = env.dir.path().join("webhook.secret");
    std::fs::write(&secret, format!("{SECRET}\n")).unwrap();
    format!(
        "[[recipients]]\nname = \"field\"\nwebhook = {{ url = {url:?}, secret_file = {:?} }}\n",
        secret.display().to_string()
    )
}

/// A feed of one alert-worthy item (GAO_1) and a webhook recipient «field» at a receiver
/// answering `/hook` with `statuses`.
fn one_alert_to_a_webhook(statuses: &[u16]) -> (HttpServer, WebhookReceiver, Env) {
    let server = HttpServer::start();
    let receiver = WebhookReceiver::start(SECRET, &[("/hook", statuses)]);
    let env = Env::new();
    env.write_config(&format!(
        "{}{}{FAST_RETRIES}",
        feed(&server, "/a.xml", &[&GAO_1]),
        webhook_recipient(&env, &receiver.url("/hook"))
    ));
    (server, receiver, env)
}

const FAST_RETRIES: &str =
    "[metrics]\nlisten = \"\"\n[limits]\nalert_retry_min = \"1s\"\nalert_retry_max = \"2s\"\n";

/// The Message-ID form every alert has: fixed by its item, kind and recipient.
fn is_message_id(s: &str) -> bool {
    s.starts_with("<sw.") && s.ends_with("@sahel-watch>") && s.contains(".new.")
}

#[test]
fn a_webhook_that_fails_once_gets_the_alert_once_signed_with_one_key() {
    let (_server, receiver, env) = one_alert_to_a_webhook(&[500, 200]);
    let _daemon = env.daemon();
    wait_for("the alert accepted", Duration::from_secs(40), || {
        receiver.requests().iter().any(|r| r.status == 200)
    });
    // Retries would come within seconds: nothing more arrives.
    std::thread::sleep(Duration::from_secs(5));
    let got = receiver.requests();
    assert_eq!(
        got.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 200],
        "{got:?}"
    );
    for r in &got {
        assert_eq!(r.path, "/hook");
        assert!(r.signature_ok, "the receiver could not verify {r:?}");
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        assert_eq!(r.event.as_deref(), Some("alert"));
    }
    let key = got[0].idempotency_key.clone().unwrap();
    assert!(is_message_id(&key), "{key}");
    assert_eq!(got[1].idempotency_key.as_deref(), Some(key.as_str()));
    let doc = got[1].body.as_ref().unwrap();
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["type"], "alert");
    assert_eq!(doc["id"], key.as_str());
    let alert = &doc["alert"];
    assert_eq!(alert["kind"], "new");
    assert_eq!(alert["headline_ar"], GAO_1.title);
    assert!(
        alert["excerpt_ar"]
            .as_str()
            .unwrap()
            .contains("ثكنة للجيش المالي"),
        "{alert}"
    );
    assert_eq!(alert["events"][0], "attack");
    assert_eq!(alert["countries"][0], "ML");
    assert_eq!(alert["toll"]["killed"], 12);
    assert!(
        alert["places"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name_en"] == "Gao" && p["lat"].is_number()),
        "{alert}"
    );
    assert_eq!(alert["corroboration"]["level"], "single source");
    assert_eq!(alert["outlets"][0]["articles"][0]["url"], GAO_1.link);
    let listing = String::from_utf8_lossy(&env.run(&["alerts", "list"]).stdout).into_owned();
    assert!(listing.contains(" sent "), "{listing}");
    assert!(listing.contains("webhook:field"), "{listing}");
}

/// A receiver that asks for time gets it: its Retry-After (8 s) outweighs the outbox's backoff
/// (1 s here), and the alert waits in the queue meanwhile.
#[test]
fn a_webhook_that_says_retry_after_is_not_asked_again_sooner() {
    let (_server, receiver, env) = one_alert_to_a_webhook(&[429, 200]);
    let out = env.run(&["run", "--once"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    std::thread::sleep(Duration::from_secs(2));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        receiver.requests().len(),
        1,
        "asked again before Retry-After"
    );
    let pending =
        String::from_utf8_lossy(&env.run(&["alerts", "list", "--status", "pending"]).stdout)
            .into_owned();
    assert!(pending.contains("HTTP 429 (retry after 8 s)"), "{pending}");
    std::thread::sleep(Duration::from_secs(7));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = receiver.requests();
    assert_eq!(got.iter().map(|r| r.status).collect::<Vec<_>>(), [429, 200]);
    assert!(got[1].received_at - got[0].received_at >= 7.9);
}

#[test]
fn a_webhook_that_refuses_is_failed_listed_and_retried_by_hand() {
    let (_server, receiver, env) = one_alert_to_a_webhook(&[400, 200]);
    let out = env.run(&["run", "--once"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // A 400 is the receiver's final word: failed at once, not retried.
    let failed =
        String::from_utf8_lossy(&env.run(&["alerts", "list", "--status", "failed"]).stdout)
            .into_owned();
    assert!(failed.contains("webhook:field"), "{failed}");
    assert!(failed.contains("HTTP 400"), "{failed}");
    assert!(failed.contains("attempts  1"), "{failed}");
    let id = failed.split_whitespace().next().unwrap().to_owned();
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        receiver.requests().len(),
        1,
        "a failed alert waits for a person"
    );
    let out = env.run(&["alerts", "retry", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = receiver.requests();
    assert_eq!(got.iter().map(|r| r.status).collect::<Vec<_>>(), [400, 200]);
    assert!(got.iter().all(|r| r.signature_ok));
    assert_eq!(got[0].idempotency_key, got[1].idempotency_key);
    let sent = String::from_utf8_lossy(&env.run(&["alerts", "list", "--status", "sent"]).stdout)
        .into_owned();
    assert!(sent.contains("webhook:field"), "{sent}");
}

/// Two feeds of one publisher are one source; a second publisher corroborates the story, which
/// is news: an update, in the webhook, `stories` and the ACLED export.
#[test]
fn a_story_is_corroborated_by_a_second_publisher_not_by_a_second_feed() {
    let server = HttpServer::start();
    let receiver = WebhookReceiver::start(SECRET, &[("/hook", &[200])]);
    let env = Env::new();
    let same_publisher = format!(
        "{}{}",
        feed(&server, "/aj-news.xml", &[&GAO_1]),
        feed(&server, "/aj-africa.xml", &[&GAO_2])
    );
    let recipient = webhook_recipient(&env, &receiver.url("/hook"));
    env.write_config(&format!("{same_publisher}{recipient}{FAST_RETRIES}"));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stories = || -> Vec<serde_json::Value> {
        let out = env.run(&["stories", "--since", "36500d", "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let s = stories();
    assert_eq!(s.len(), 1, "one incident, one story: {s:?}");
    assert_eq!(s[0]["items"], 2);
    assert_eq!(s[0]["corroboration"]["level"], "single source", "{s:?}");
    assert_eq!(s[0]["corroboration"]["outlets"], 1);
    assert_eq!(receiver.requests().len(), 1, "one alert per story");

    env.write_config(&format!(
        "{same_publisher}{}{recipient}{FAST_RETRIES}",
        feed(&server, "/f24.xml", &[&GAO_3])
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stories();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0]["corroboration"]["level"], "corroborated", "{s:?}");
    assert_eq!(s[0]["corroboration"]["outlets"], 2);
    let text =
        String::from_utf8_lossy(&env.run(&["stories", "--since", "36500d"]).stdout).into_owned();
    assert!(
        text.contains("corroborated by 2 independent outlets"),
        "{text}"
    );
    let got = receiver.requests();
    assert_eq!(got.len(), 2, "{got:?}");
    let update = &got[1].body.as_ref().unwrap()["alert"];
    assert_eq!(update["kind"], "update");
    assert!(
        update["update_note"]
            .as_str()
            .unwrap_or_default()
            .contains("corroborated by 2 independent outlets"),
        "{update}"
    );
    assert_eq!(update["corroboration"]["level"], "corroborated");
    // Every item of these feeds says it was published on 1 December 2026 at 08:00 UTC.
    assert_eq!(
        update["story_first_published_at"], "2026-12-01T08:00:00+00:00",
        "{update}"
    );
    let first_alert = &got[0].body.as_ref().unwrap()["alert"];
    assert!(
        first_alert["story_first_alerted_at"].is_null(),
        "{first_alert}"
    );
    let alerted = update["story_first_alerted_at"]
        .as_str()
        .unwrap_or_default();
    let seen = first_alert["seen_at"].as_str().unwrap_or_default();
    assert!(
        !seen.is_empty() && alerted >= seen,
        "the first alert left after its article was seen: {alerted} {seen}"
    );
    let out = env.run(&["query", "--all", "--since", "36500d", "--format", "acled"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",corroboration"), "{csv}");
    let row = lines.next().unwrap();
    assert!(
        row.ends_with(",corroborated by 2 independent outlets"),
        "{row}"
    );
    assert_eq!(lines.next(), None, "one story, one row: {csv}");
}

/// A real homeserver (Synapse): the alert and its update reach the room once each, the update
/// in the thread of the alert, the Arabic as the outlets wrote it.
#[test]
fn matrix_gets_the_alert_and_its_update_in_one_thread() {
    let hs = crate::support::matrix::Homeserver::start();
    let server = HttpServer::start();
    let env = Env::new();
    let token = env.dir.path().join("matrix.token");
    std::fs::write(&token, &hs.access_token).unwrap();
    let recipient = format!(
        "[[recipients]]\nname = \"room\"\nmatrix = {{ homeserver = {:?}, room = {:?}, access_token_file = {:?} }}\n",
        hs.url(),
        hs.room_id,
        token.display().to_string()
    );
    let first = feed(&server, "/aj.xml", &[&GAO_1]);
    env.write_config(&format!("{first}{recipient}{FAST_RETRIES}"));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    env.write_config(&format!(
        "{first}{}{recipient}{FAST_RETRIES}",
        feed(&server, "/f24.xml", &[&GAO_3])
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Nothing new: nothing more in the room.
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let ours: Vec<serde_json::Value> = hs
        .messages()
        .into_iter()
        .filter(|e| e["sender"] == hs.user_id.as_str())
        .collect();
    assert_eq!(
        ours.len(),
        2,
        "the alert and its update, once each: {ours:#?}"
    );
    let (alert, update) = (&ours[0]["content"], &ours[1]["content"]);
    for c in [alert, update] {
        assert_eq!(c["msgtype"], "m.text");
        assert_eq!(c["format"], "org.matrix.custom.html");
        assert!(
            c["formatted_body"]
                .as_str()
                .unwrap()
                .contains("<div dir=\"rtl\" lang=\"ar\">"),
            "{c}"
        );
    }
    assert!(
        alert["body"].as_str().unwrap().contains(GAO_1.title),
        "{alert}"
    );
    assert!(
        alert["formatted_body"]
            .as_str()
            .unwrap()
            .contains(GAO_1.title),
        "{alert}"
    );
    assert!(alert.get("m.relates_to").is_none(), "{alert}");
    assert!(
        update["body"].as_str().unwrap().contains(GAO_3.title),
        "{update}"
    );
    assert!(
        update["body"]
            .as_str()
            .unwrap()
            .contains("corroborated by 2 independent outlets"),
        "{update}"
    );
    let relation = &update["m.relates_to"];
    assert_eq!(relation["rel_type"], "m.thread", "{update}");
    assert_eq!(relation["event_id"], ours[0]["event_id"], "{update}");

    // send-test-alert checks the channel end to end.
    let out = env.run(&["send-test-alert", "--recipient", "room"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("matrix room"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let ours: Vec<serde_json::Value> = hs
        .messages()
        .into_iter()
        .filter(|e| e["sender"] == hs.user_id.as_str())
        .collect();
    assert_eq!(ours.len(), 3, "{ours:#?}");
    assert!(
        ours[2]["content"]["body"]
            .as_str()
            .unwrap()
            .contains("[test]"),
        "{:#?}",
        ours[2]
    );
}

#[test]
fn send_test_alert_reaches_a_webhook_recipient_and_names_unknown_ones() {
    let receiver = WebhookReceiver::start(SECRET, &[("/hook", &[200])]);
    let env = Env::new();
    env.write_config(&format!(
        "{}{FAST_RETRIES}",
        webhook_recipient(&env, &receiver.url("/hook"))
    ));
    let out = env.run(&["send-test-alert", "--recipient", "field"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = receiver.requests();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].signature_ok);
    let doc = got[0].body.as_ref().unwrap();
    assert_eq!(doc["type"], "test");
    assert!(doc["alert"]["headline_ar"]
        .as_str()
        .unwrap()
        .starts_with("[test] "));
    let out = env.run(&["send-test-alert", "--recipient", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("field"), "{}", stderr(&out));
}

/// Digests are the same on every channel: a webhook recipient in digest mode gets one POST
/// gathering the alerts of the period, under the digest's own key.
#[test]
fn a_webhook_in_digest_mode_gets_one_document_for_the_period() {
    let server = HttpServer::start();
    let receiver = WebhookReceiver::start(SECRET, &[("/digest", &[200])]);
    let env = Env::new();
    let kidnapping = Item {
        guid: "niger-kidnap-1",
        title: "اختطاف خمسة عمال إغاثة على يد مسلحين قرب ديفا في النيجر",
        text:
            "اختطف مسلحون خمسة عمال إغاثة قرب مدينة ديفا في جنوب شرق النيجر أمس، بحسب مصادر محلية.",
        link: "https://www.alwasat.ly/news/niger-kidnap",
    };
    // The secret from the environment this time, as under systemd's `Environment=`.
    env.write_config(&format!(
        "{}[[recipients]]\nname = \"desk\"\nwebhook = {{ url = {:?}, secret_env = \"SAHEL_WATCH_TEST_WEBHOOK_SECRET\" }}\nmode = \"digest\"\ndigest_every = \"5s\"\n{FAST_RETRIES}",
        feed(&server, "/a.xml", &[&GAO_1, &kidnapping]),
        receiver.url("/digest"),
    ));
    let _daemon = env.daemon_with(|c| c.env("SAHEL_WATCH_TEST_WEBHOOK_SECRET", SECRET));
    wait_for("the digest", Duration::from_secs(40), || {
        !receiver.requests().is_empty()
    });
    std::thread::sleep(Duration::from_secs(6));
    let got = receiver.requests();
    assert_eq!(got.len(), 1, "one digest for the period: {got:?}");
    let r = &got[0];
    assert!(r.signature_ok);
    assert_eq!(r.event.as_deref(), Some("digest"));
    let doc = r.body.as_ref().unwrap();
    assert_eq!(doc["type"], "digest");
    let key = r.idempotency_key.as_deref().unwrap();
    assert!(key.starts_with("<sw.digest."), "{key}");
    assert_eq!(doc["id"], key);
    let mut headlines: Vec<&str> = doc["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["headline_ar"].as_str().unwrap())
        .collect();
    headlines.sort();
    let mut expected = vec![GAO_1.title, kidnapping.title];
    expected.sort();
    assert_eq!(headlines, expected);
}
