//! WebSub against a hub on 127.0.0.1 that behaves as the W3C Recommendation says: the daemon
//! subscribes to the hub its feed advertises, answers the hub's verification, takes a signed
//! push within seconds while the feed's own poll is an hour away, ignores a push signed with
//! another key, refuses verifications it did not ask for, and renews its lease.

use std::time::Duration;

use crate::support::http::{HttpServer, Route};
use crate::support::websub_hub::{request, Hub};
use crate::support::{mail, wait_for, xml_escape, Env};

/// An Atom feed that advertises `hub` and names itself `topic`, with these entries (id,
/// title, summary).
fn atom(hub: &str, topic: &str, entries: &[(&str, &str, &str)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>outlet</title><id>urn:outlet</id><updated>2026-12-01T08:00:00Z</updated>\
         <link rel=\"hub\" href=\"{}\"/><link rel=\"self\" href=\"{}\"/>",
        xml_escape(hub),
        xml_escape(topic)
    );
    for (id, title, summary) in entries {
        s.push_str(&format!(
            "<entry><id>urn:{id}</id><title>{}</title><updated>2026-12-01T08:00:00Z</updated>\
             <link href=\"https://outlet.example/{id}\"/><summary>{}</summary></entry>",
            xml_escape(title),
            xml_escape(summary)
        ));
    }
    s.push_str("</feed>");
    s
}

const CALM: (&str, &str, &str) = (
    "calm",
    "تونس: افتتاح الدورة الجديدة لمعرض الكتاب",
    "افتتح وزير الثقافة التونسي الدورة الجديدة لمعرض الكتاب في العاصمة بمشاركة دور نشر من عشرين بلدا، ويستمر المعرض أسبوعا كاملا وسط إقبال كبير من الزوار والطلاب والعائلات.",
);
const GAO: (&str, &str, &str) = (
    "gao",
    "مقتل 12 جنديا في هجوم مسلح على ثكنة قرب غاو شمال مالي",
    "قتل مسلحون 12 جنديا في هجوم على ثكنة للجيش المالي قرب مدينة غاو في شمال مالي فجر اليوم، وفق مصادر أمنية، وأضافت المصادر أن المهاجمين فروا على دراجات نارية نحو الحدود.",
);
const MENAKA: (&str, &str, &str) = (
    "menaka",
    "مسلحون يختطفون 15 شخصا في هجوم على قرية قرب ميناكا شمال شرقي مالي",
    "اختطف مسلحون 15 شخصا بينهم نساء في هجوم على قرية قرب مدينة ميناكا شمال شرقي مالي مساء أمس، حسبما أفادت مصادر محلية، ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى الآن.",
);

/// The feed (polled once an hour), the hub it advertises, and a daemon with `[websub]`.
fn subscribed(
    lease_seconds: u64,
) -> (HttpServer, Hub, Env, String, crate::support::Daemon, String) {
    let server = HttpServer::start();
    let hub = Hub::start(lease_seconds);
    let topic = format!("{}/feed.xml", server.base);
    server.route(
        "/feed.xml",
        Route::ok("application/atom+xml", atom(&hub.url, &topic, &[CALM])),
    );
    let port = crate::support::free_port();
    let callback = format!("http://127.0.0.1:{port}/websub");
    let env = Env::new();
    env.write_config(&format!(
        "[metrics]\nlisten = \"\"\n[websub]\ncallback = {callback:?}\nlisten = \"127.0.0.1:{port}\"\n\
         [[feeds]]\nurl = {topic:?}\ninterval = \"1h\"\nfull_text = \"never\"\n\
         [[recipients]]\nemail = \"desk@test.invalid\"\n"
    ));
    let daemon = env.daemon();
    wait_for(
        "the hub's verified subscription",
        Duration::from_secs(60),
        || !hub.subscribers(&topic).is_empty(),
    );
    (server, hub, env, topic, daemon, callback)
}

#[test]
fn a_signed_push_is_alerted_within_seconds_and_a_forged_one_is_ignored() {
    let (server, hub, env, topic, _daemon, callback) = subscribed(86_400);
    let sub = hub.subscribers(&topic).remove(0);
    let secret = &sub.form["hub.secret"];
    assert!(
        secret.len() >= 32 && sub.form["hub.callback"].starts_with(&format!("{callback}/")),
        "{:?}",
        sub.form
    );
    assert_eq!(
        sub.form["hub.lease_seconds"], "604800",
        "the default lease, 7 days"
    );

    // A push signed with another key: acknowledged, and ignored.
    let forged = atom(&hub.url, &topic, &[CALM, MENAKA]);
    let status = hub.publish(&sub, &forged, "not-the-secret");
    assert!((200..300).contains(&status), "{status}");
    // The hub's own push: the Gao attack, alerted long before the next poll (an hour).
    let real = atom(&hub.url, &topic, &[CALM, GAO]);
    let status = hub.publish(&sub, &real, secret);
    assert!((200..300).contains(&status), "{status}");
    wait_for("the pushed attack's alert", Duration::from_secs(30), || {
        !env.maildir_files().is_empty()
    });
    let mails: Vec<mail::Mail> = env.maildir_files().iter().map(|f| mail::read(f)).collect();
    assert_eq!(
        mails.len(),
        1,
        "{:?}",
        mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert!(mails[0].text.contains(GAO.1), "{}", mails[0].text);
    let titles: Vec<String> = env
        .items()
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(titles.iter().any(|t| t == GAO.1), "{titles:?}");
    assert!(
        titles.iter().all(|t| t != MENAKA.1),
        "the forged push was taken: {titles:?}"
    );
    assert_eq!(
        server.hits("/feed.xml"),
        1,
        "one poll: the push brought the attack"
    );

    // Verifications the daemon did not ask for are refused: another topic, an unknown token.
    let forged_topic = format!(
        "{}?hub.mode=subscribe&hub.topic=http%3A%2F%2Fevil.example%2F&hub.challenge=x",
        sub.form["hub.callback"]
    );
    assert_eq!(request("GET", &forged_topic, &[], b"").0, 404);
    let unknown = format!("{callback}/0123?hub.mode=subscribe&hub.topic=x&hub.challenge=x");
    assert_eq!(request("GET", &unknown, &[], b"").0, 404);
    let (status, _) = request("POST", &format!("{callback}/0123"), &[], real.as_bytes());
    assert_eq!(status, 404, "a push to no subscription");

    // `feeds` shows the subscription and what it brought.
    let feeds = env.feeds();
    let websub = &feeds[0]["websub"];
    assert_eq!(websub["state"], "active", "{feeds:?}");
    assert_eq!(websub["pushes"], 1, "{feeds:?}");
    assert_eq!(websub["refused"], 1, "{feeds:?}");
}

#[test]
fn a_short_lease_is_renewed_before_it_ends() {
    // A hub that grants 30 s: renewed a minute before its end at the latest, which is at
    // once, but not sooner than ten seconds after each verification.
    let (_server, hub, _env, topic, _daemon, _) = subscribed(30);
    wait_for("a renewal", Duration::from_secs(40), || {
        hub.subscribers(&topic).len() >= 2
    });
    let subs = hub.subscribers(&topic);
    assert_eq!(
        subs[0].form["hub.callback"], subs[1].form["hub.callback"],
        "a renewal keeps its callback"
    );
    assert_eq!(subs[0].form["hub.secret"], subs[1].form["hub.secret"]);
}
