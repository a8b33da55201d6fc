//! Surge notices: a town suddenly named by several outlets within the hour sends one notice,
//! marked as a surge and not an incident, to the recipients that take surges, once; the same
//! town in one outlet's many items, or a recipient that asked for incidents only, gets none.

use crate::support::http::HttpServer;
use crate::support::{mail, stderr, Article, Env};

/// An article about the town published `minutes` after `start`.
fn report(id: &str, start: chrono::DateTime<chrono::Utc>, minutes: i64, title: &str) -> Article {
    Article {
        id: id.into(),
        title: title.into(),
        text: "سمع سكان العاصمة البوركينية دوي انفجارات وإطلاق نار كثيف قرب وسط واغادوغو صباح \
               اليوم، ولم تعلن السلطات في بوركينا فاسو أي حصيلة حتى الآن."
            .into(),
        published: (start + chrono::Duration::minutes(minutes)).to_rfc3339(),
        incident: None,
    }
}

#[test]
fn the_third_outlet_within_the_hour_sends_one_surge_notice_to_those_who_take_them() {
    // Three of the four publishers (set: by default a quarter of them, 2, would do). Two
    // hours ago, so that the items are news, not a backlog. Outlet d comes 55 minutes
    // after c, too late to make a surge with any two others, whatever order the feeds are read
    // in.
    let start = chrono::Utc::now() - chrono::Duration::minutes(120);
    let server = HttpServer::start();
    let outlets = [
        ("a", 0, "دوي انفجارات في واغادوغو"),
        ("a", 5, "إطلاق نار في واغادوغو"),
        ("b", 20, "انفجارات وإطلاق نار في عاصمة بوركينا فاسو واغادوغو"),
        ("c", 40, "واغادوغو: انفجارات قرب وسط المدينة"),
        ("d", 95, "ماذا يحدث في واغادوغو؟"),
    ];
    let mut feeds = String::new();
    for (i, (outlet, minutes, title)) in outlets.iter().enumerate() {
        let url = server.feed(
            &format!("/{outlet}-{i}.xml"),
            &[report(&format!("{outlet}-{i}"), start, *minutes, title)],
        );
        feeds.push_str(&format!(
            "[[feeds]]\nurl = {url:?}\nname = \"{outlet}-{i}\"\npublisher = \"{outlet}\"\n"
        ));
    }
    let env = Env::new();
    env.write_config(&format!(
        "{feeds}[[recipients]]\nemail = \"desk@test.invalid\"\nmax_per_hour = 1000\n\
         [[recipients]]\nemail = \"incidents-only@test.invalid\"\nsurges = false\nmax_per_hour = 1000\n\
         [surge]\nmin_publishers = 3\n"
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let notices: Vec<mail::Mail> = env
        .maildir_files()
        .iter()
        .map(|f| mail::read(f))
        .filter(|m| m.message_id.contains(".surge."))
        .collect();
    assert_eq!(
        notices.len(),
        1,
        "one notice, to the desk only: {:?}",
        notices
            .iter()
            .map(|m| (&m.to, &m.subject))
            .collect::<Vec<_>>()
    );
    let n = &notices[0];
    assert!(n.to.contains("desk@test.invalid"), "{}", n.to);
    assert!(n.subject.contains("not an incident"), "{}", n.subject);
    assert!(
        n.subject
            .contains("Ouagadougou: 3 outlets in 40 min, usual < 1 a day"),
        "{}",
        n.subject
    );
    assert!(n.text.contains("Surge:  Ouagadougou"), "{}", n.text);
    // The notice lists the three outlets' first articles, and not the others'.
    for article in ["/articles/a-0>", "/articles/b-2>", "/articles/c-3>"] {
        assert!(n.text.contains(article), "{article} in {}", n.text);
    }
    assert!(!n.text.contains("/articles/d-4>"), "{}", n.text);

    let listed = env.run(&["stories", "--surges", "--since", "1d", "--json"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["place"], "bf-ouagadougou");
    assert_eq!(rows[0]["publishers"], serde_json::json!(["a", "b", "c"]));

    // Polling again adds nothing: the notice is sent once.
    assert!(env.run(&["run", "--once"]).status.success());
    let again = env
        .maildir_files()
        .iter()
        .filter(|f| mail::read(f).message_id.contains(".surge."))
        .count();
    assert_eq!(again, 1);
}

#[test]
fn one_outlet_naming_a_town_all_day_is_no_surge() {
    let start = chrono::Utc::now() - chrono::Duration::minutes(50);
    let server = HttpServer::start();
    let articles: Vec<Article> = (0..6)
        .map(|i| report(&format!("a-{i}"), start, i * 8, "انفجارات في واغادوغو"))
        .collect();
    let url = server.feed("/a.xml", &articles);
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\npublisher = \"a\"\n[[recipients]]\nemail = \"desk@test.invalid\"\nmax_per_hour = 1000\n"
    ));
    assert!(env.run(&["run", "--once"]).status.success());
    let notices = env
        .maildir_files()
        .iter()
        .filter(|f| mail::read(f).message_id.contains(".surge."))
        .count();
    assert_eq!(notices, 0);
}
