//! The analysts' console over HTTP on 127.0.0.1: signing in and out, the incidents of the
//! archive and one incident's page, and what it refuses: a request without a session, a form
//! without its token, repeated wrong passwords; hostile feed titles and links shown inert.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use crate::support::http::{call, Answer, HttpServer, Route};
use crate::support::{stderr, wait_for, xml_escape, Env};

/// An attack near Gao (its headline carrying markup, a bidi override and a `javascript:`
/// link, as a hostile feed could) and a book fair: one incident.
fn feed() -> String {
    let items = [
        (
            "gao",
            "<script>alert(1)</script>مقتل 12 جنديا في هجوم مسلح على ثكنة <قرب> غاو شمال مالي\u{202E}",
            "قتل مسلحون 12 جنديا في هجوم على ثكنة للجيش المالي قرب مدينة غاو في شمال مالي فجر اليوم، وفق مصادر أمنية.",
            "javascript:alert(document.cookie)",
        ),
        (
            "menaka",
            "مسلحون يختطفون 15 شخصا في هجوم على قرية قرب ميناكا شمال شرقي مالي",
            "اختطف مسلحون 15 شخصا بينهم نساء في هجوم على قرية قرب مدينة ميناكا شمال شرقي مالي مساء أمس، حسبما أفادت مصادر محلية.",
            "https://outlet.example/menaka",
        ),
        (
            "fair",
            "تونس: افتتاح الدورة الجديدة لمعرض الكتاب",
            "افتتح وزير الثقافة التونسي الدورة الجديدة لمعرض الكتاب في العاصمة.",
            "https://outlet.example/fair",
        ),
    ];
    let mut s =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>outlet</title>");
    for (guid, title, text, link) in items {
        s.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><title>{}</title><link>{}</link>\
             <pubDate>Tue, 01 Dec 2026 08:00:00 +0000</pubDate><description>{}</description></item>",
            xml_escape(title),
            xml_escape(link),
            xml_escape(text)
        ));
    }
    s.push_str("</channel></rss>");
    s
}

const PASSWORD: &str = "a long enough passphrase";

fn add_user(env: &Env, name: &str, role: &str, password: &str) {
    let mut child = env
        .command()
        .args(["users", "add", name, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The archive with its incident, two accounts, and the daemon serving the console.
fn console() -> (HttpServer, Env, crate::support::Daemon, String) {
    console_with("")
}

/// [`console`] with more lines in `[console]`.
fn console_with(more: &str) -> (HttpServer, Env, crate::support::Daemon, String) {
    let server = HttpServer::start();
    let url = server.route("/feed.xml", Route::ok("application/rss+xml", feed()));
    let port = crate::support::free_port();
    let env = Env::new();
    env.write_config(&format!(
        "[metrics]\nlisten = \"\"\n[console]\nlisten = \"127.0.0.1:{port}\"\n{more}\
         [[feeds]]\nurl = {url:?}\ninterval = \"1h\"\nfull_text = \"never\"\n\
         [[recipients]]\nemail = \"desk@test.invalid\"\n"
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    add_user(&env, "amina", "analyst", PASSWORD);
    add_user(&env, "rita", "reader", PASSWORD);
    let daemon = env.daemon();
    let base = format!("http://127.0.0.1:{port}");
    wait_for("the console", Duration::from_secs(30), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    (server, env, daemon, base)
}

/// The value a `Set-Cookie` header gives the cookie `name`.
fn set_cookie(a: &Answer, name: &str) -> Option<String> {
    a.all("set-cookie").into_iter().find_map(|c| {
        c.split(';')
            .next()?
            .trim()
            .strip_prefix(&format!("{name}="))
            .map(str::to_owned)
    })
}

/// The value of the form field `name` in a page.
fn field(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name} in {page}"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Signs in; the session cookie.
fn sign_in(base: &str, name: &str, password: &str) -> Answer {
    let page = call("GET", &format!("{base}/login"), &[], b"");
    let token = set_cookie(&page, "sw_login").expect("a login token cookie");
    assert_eq!(field(&page.text(), "csrf"), token);
    let form = format!(
        "name={name}&password={}&csrf={token}",
        url::form_urlencoded::byte_serialize(password.as_bytes()).collect::<String>()
    );
    call(
        "POST",
        &format!("{base}/login"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &format!("sw_login={token}")),
        ],
        form.as_bytes(),
    )
}

#[test]
fn an_analyst_signs_in_browses_the_incident_and_signs_out() {
    let (_server, _env, _daemon, base) = console();
    // Without a session: to the sign-in page, nothing of the archive.
    let a = call("GET", &format!("{base}/incidents"), &[], b"");
    assert_eq!((a.status, a.header("location")), (303, Some("/login")));
    let csp = a.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );

    let signed = sign_in(&base, "amina", PASSWORD);
    assert_eq!(signed.status, 303, "{}", signed.text());
    let cookie_line = signed
        .all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("sw_session="))
        .unwrap()
        .to_owned();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(cookie_line.contains(attr), "{cookie_line}");
    }
    let session = format!("sw_session={}", set_cookie(&signed, "sw_session").unwrap());
    let cookie = [("Cookie", session.as_str())];

    let list = call("GET", &format!("{base}/incidents?days=36500"), &cookie, b"");
    assert_eq!(list.status, 200);
    let page = list.text();
    assert!(page.contains("Gao") && page.contains("12 killed"), "{page}");
    assert!(
        !page.contains("معرض الكتاب"),
        "the book fair is no incident"
    );
    // The Gao incident's row: the link before its place (in the table, not the filters').
    let table = &page[page.find("<table class=\"incidents\"").expect("the table")..];
    let gao = table.find(">Gao<").expect("Gao's row");
    let at = table[..gao].rfind("href=\"/incidents/").expect("its link") + 17;
    let id: String = table[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    // Filtered to Niger: nothing.
    let niger = call(
        "GET",
        &format!("{base}/incidents?days=36500&country=NE"),
        &cookie,
        b"",
    );
    assert!(
        niger.text().contains("No incident matches."),
        "{}",
        niger.text()
    );

    let one = call("GET", &format!("{base}/incidents/{id}"), &cookie, b"");
    assert_eq!(one.status, 200);
    let page = one.text();
    assert!(
        page.contains("مقتل 12 جنديا في هجوم مسلح على ثكنة &lt;قرب&gt; غاو"),
        "{page}"
    );
    assert!(
        page.contains("desk@test.invalid"),
        "the alert sent for it: {page}"
    );
    // The hostile headline and link are inert: markup escaped (the feed stage already
    // dropped the script element), no override, no javascript: link.
    assert!(
        !page.contains("<script") && !page.contains("<قرب>"),
        "{page}"
    );
    assert!(!page.contains('\u{202E}'), "the bidi override is gone");
    assert!(!page.contains("javascript:"), "{page}");
    assert_eq!(
        call("GET", &format!("{base}/incidents/999999"), &cookie, b"").status,
        404
    );

    // Search in another spelling (with a clitic), the feeds' health, the outbox.
    let q: String = url::form_urlencoded::byte_serialize("وغاو".as_bytes()).collect();
    let found = call(
        "GET",
        &format!("{base}/search?q={q}&days=36500"),
        &cookie,
        b"",
    )
    .text();
    assert!(found.contains("ثكنة &lt;قرب&gt; غاو"), "{found}");
    assert!(!found.contains("ميناكا"), "{found}");
    assert!(
        found.contains("sahel-watch query --since 36500d --text"),
        "{found}"
    );
    let feeds = call("GET", &format!("{base}/feeds"), &cookie, b"").text();
    assert!(
        feeds.contains("feed.xml")
            && feeds.contains("3 (2 relevant)")
            && feeds.contains("every 1h: its interval, set in the configuration"),
        "{feeds}"
    );
    let alerts = call("GET", &format!("{base}/alerts?status=sent"), &cookie, b"").text();
    assert_eq!(
        alerts.matches("<td>desk@test.invalid</td>").count(),
        2,
        "{alerts}"
    );

    // Signing out needs the session's token; then the cookie opens nothing.
    let form = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Cookie", session.as_str()),
    ];
    let refused = call("POST", &format!("{base}/logout"), &form, b"csrf=forged");
    assert_eq!(refused.status, 403);
    let csrf = field(&page, "csrf");
    let out = call(
        "POST",
        &format!("{base}/logout"),
        &form,
        format!("csrf={csrf}").as_bytes(),
    );
    assert_eq!((out.status, out.header("location")), (303, Some("/login")));
    let after = call("GET", &format!("{base}/incidents"), &cookie, b"");
    assert_eq!(after.status, 303, "the session is closed");
}

#[test]
fn sign_ins_without_the_form_token_or_past_the_limit_are_refused() {
    let (_server, _env, _daemon, base) = console();
    // A login form posted from elsewhere carries no token cookie.
    let forged = call(
        "POST",
        &format!("{base}/login"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!("name=amina&password={PASSWORD}&csrf=abc").as_bytes(),
    );
    assert_eq!(forged.status, 403);
    // Five wrong passwords, then even the right one waits.
    for _ in 0..5 {
        assert_eq!(sign_in(&base, "amina", "wrong password!").status, 401);
    }
    assert_eq!(sign_in(&base, "amina", PASSWORD).status, 429);
}

/// The incidents' ids on the list page, in its order.
fn listed(base: &str, cookie: &[(&str, &str)], query: &str) -> Vec<String> {
    let page = call(
        "GET",
        &format!("{base}/incidents?days=36500{query}"),
        cookie,
        b"",
    )
    .text();
    let mut ids: Vec<String> = Vec::new();
    for part in page.split("<td><a href=\"/incidents/").skip(1) {
        let id: String = part.chars().take_while(char::is_ascii_digit).collect();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

fn session_of(base: &str, name: &str) -> String {
    let signed = sign_in(base, name, PASSWORD);
    assert_eq!(signed.status, 303, "{}", signed.text());
    format!("sw_session={}", set_cookie(&signed, "sw_session").unwrap())
}

fn post(base: &str, path: &str, session: &str, form: &str) -> Answer {
    call(
        "POST",
        &format!("{base}{path}"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", session),
        ],
        form.as_bytes(),
    )
}

#[test]
fn an_analyst_merges_and_dismisses_incidents_and_undoes_it_a_reader_cannot() {
    let (_server, env, _daemon, base) = console();
    wait_for("the two first alerts sent", Duration::from_secs(30), || {
        env.maildir_files().len() == 2
    });
    let amina = session_of(&base, "amina");
    let cookie = [("Cookie", amina.as_str())];
    let both = listed(&base, &cookie, "");
    assert_eq!(both.len(), 2, "Gao and Menaka: {both:?}");
    let page = call(
        "GET",
        &format!("{base}/incidents/{}", both[0]),
        &cookie,
        b"",
    )
    .text();
    let csrf = field(&page, "csrf");

    // A reader may look, not correct; a form without the session's token is refused.
    let rita = session_of(&base, "rita");
    let rita_page = call(
        "GET",
        &format!("{base}/incidents/{}", both[0]),
        &[("Cookie", rita.as_str())],
        b"",
    )
    .text();
    assert!(
        !rita_page.contains("/dismiss") && !rita_page.contains("/correct\""),
        "no correction form for a reader"
    );
    let rita_csrf = field(&rita_page, "csrf");
    let path = format!("/incidents/{}/dismiss", both[0]);
    assert_eq!(
        post(&base, &path, &rita, &format!("csrf={rita_csrf}")).status,
        403
    );
    assert_eq!(post(&base, &path, &amina, "csrf=").status, 403);
    assert_eq!(listed(&base, &cookie, "").len(), 2, "nothing changed");

    // Merge the first into the second: one incident, no new alert.
    let merged = post(
        &base,
        &format!("/incidents/{}/merge", both[0]),
        &amina,
        &format!("csrf={csrf}&into={}", both[1]),
    );
    assert_eq!(merged.status, 303, "{}", merged.text());
    assert_eq!(listed(&base, &cookie, ""), [both[1].clone()]);
    let kept = call(
        "GET",
        &format!("{base}/incidents/{}", both[1]),
        &cookie,
        b"",
    )
    .text();
    assert!(
        kept.contains("merged into this one") && kept.contains("amina"),
        "{kept}"
    );
    std::thread::sleep(Duration::from_secs(6)); // past the mailer's tick
    assert_eq!(env.maildir_files().len(), 2, "a merge sends no alert");
    let out = env.run(&["alerts", "list", "--status", "pending"]);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(" pending "),
        "nothing queued"
    );

    // Undo it: two incidents again.
    let undone = undo_last(&base, &kept, &amina, &csrf);
    assert_eq!(undone.status, 303);
    let mut again = listed(&base, &cookie, "");
    again.sort();
    let mut expected = both.clone();
    expected.sort();
    assert_eq!(again, expected);

    // Not an incident: it leaves the incidents for the dismissed list.
    let dismissed = post(&base, &path, &amina, &format!("csrf={csrf}"));
    assert_eq!(dismissed.status, 303);
    assert_eq!(listed(&base, &cookie, ""), [both[1].clone()]);
    assert_eq!(
        listed(&base, &cookie, "&status=dismissed"),
        [both[0].clone()]
    );
    // The CLI sees the same corrections.
    let out = env.run(&["correct", "list"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("merge ")
            && text.contains("not_incident")
            && text.contains("undone by amina"),
        "{text}"
    );
}

/// Undoes the last correction an incident's page lists.
fn undo_last(base: &str, page: &str, session: &str, csrf: &str) -> Answer {
    let at = page.rfind("/corrections/").expect("an undo form") + 13;
    let correction: String = page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    post(
        base,
        &format!("/corrections/{correction}/undo"),
        session,
        &format!("csrf={csrf}"),
    )
}

/// The id of the article whose block on an incident page holds `words`.
fn article_with(page: &str, words: &str) -> String {
    let block = page
        .split("<li><article>")
        .skip(1)
        .find(|b| b.contains(words))
        .unwrap_or_else(|| panic!("no article with {words} in {page}"));
    let at = block.find("/articles/").expect("a correction form") + 10;
    block[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// Corrections of one article and of a story's place, over HTTP: each changes the incidents
/// at once and sends nothing; the CLI exports them as labels `eval` reads, and `backtest`
/// weighs the rules against them.
#[test]
fn articles_split_out_placed_and_put_out_of_scope_become_labels() {
    let (_server, env, _daemon, base) = console();
    wait_for("the two first alerts sent", Duration::from_secs(30), || {
        env.maildir_files().len() == 2
    });
    let amina = session_of(&base, "amina");
    let cookie = [("Cookie", amina.as_str())];
    let page_of = |id: &str| call("GET", &format!("{base}/incidents/{id}"), &cookie, b"").text();
    let both = listed(&base, &cookie, "");
    let (gao, menaka) = if page_of(&both[0]).contains("غاو") {
        (both[0].clone(), both[1].clone())
    } else {
        (both[1].clone(), both[0].clone())
    };
    let csrf = field(&page_of(&gao), "csrf");
    // By region: both happened in Gao's (Ménaka was in it until 2016, as the map draws it),
    // none in Kidal's.
    assert_eq!(listed(&base, &cookie, "&region=ML-7").len(), 2);
    assert!(listed(&base, &cookie, "&region=ML-8").is_empty());

    // Menaka's told as Gao's (say a wrong merge), then its article split out again.
    let merged = post(
        &base,
        &format!("/incidents/{menaka}/merge"),
        &amina,
        &format!("csrf={csrf}&into={gao}"),
    );
    assert_eq!(merged.status, 303);
    let joined = page_of(&gao);
    let (gao_item, menaka_item) = (
        article_with(&joined, "غاو"),
        article_with(&joined, "ميناكا"),
    );
    let split = post(
        &base,
        &format!("/articles/{menaka_item}/correct"),
        &amina,
        &format!("csrf={csrf}&story={gao}&action=split"),
    );
    assert_eq!(split.status, 303, "{}", split.text());
    let new = split
        .header("location")
        .unwrap()
        .trim_start_matches("/incidents/")
        .to_owned();
    assert!(new != gao && new != menaka, "a story of its own: {new}");
    let mut now_listed = listed(&base, &cookie, "");
    now_listed.sort();
    let mut expected = vec![gao.clone(), new.clone()];
    expected.sort();
    assert_eq!(now_listed, expected);
    assert!(
        page_of(&new).contains("split out of incident"),
        "{}",
        page_of(&new)
    );
    assert!(!page_of(&gao).contains("ميناكا"), "it left Gao's");

    // The split story happened in Niger, say: it is listed there and no longer in Mali.
    let placed = post(
        &base,
        &format!("/incidents/{new}/place"),
        &amina,
        &format!("csrf={csrf}&countries=ne"),
    );
    assert_eq!(placed.status, 303, "{}", placed.text());
    assert_eq!(listed(&base, &cookie, "&country=NE"), [new.as_str()]);
    assert_eq!(listed(&base, &cookie, "&country=ML"), [gao.as_str()]);
    let bad = post(
        &base,
        &format!("/incidents/{new}/place"),
        &amina,
        &format!("csrf={csrf}&countries=Niger"),
    );
    assert_eq!(bad.status, 422, "not an ISO code");
    // Gao's article, say, tells of Burkina Faso: its incident is told again from there.
    let elsewhere = post(
        &base,
        &format!("/articles/{gao_item}/correct"),
        &amina,
        &format!("csrf={csrf}&story={gao}&action=wrong_place&countries=BF"),
    );
    assert_eq!(elsewhere.status, 303, "{}", elsewhere.text());
    assert_eq!(listed(&base, &cookie, "&country=BF"), [gao.as_str()]);
    assert!(listed(&base, &cookie, "&country=ML").is_empty());
    assert!(page_of(&gao).contains(&format!("article {gao_item} placed in BF")));

    // Gao's one article is out of scope: the incident has nothing left and leaves the list.
    let out = post(
        &base,
        &format!("/articles/{gao_item}/correct"),
        &amina,
        &format!("csrf={csrf}&story={gao}&action=not_in_scope"),
    );
    assert_eq!(out.status, 303);
    assert_eq!(listed(&base, &cookie, ""), [new.as_str()]);
    assert!(page_of(&gao).contains("marked not in scope (it left)"));
    let unknown = post(
        &base,
        &format!("/articles/{gao_item}/correct"),
        &amina,
        &format!("csrf={csrf}&story={gao}&action=delete"),
    );
    assert_eq!(unknown.status, 422);

    std::thread::sleep(Duration::from_secs(6)); // past the mailer's tick
    assert_eq!(env.maildir_files().len(), 2, "corrections send no alert");

    // The labels: Gao's article out of scope; Menaka's an incident (split out), in Niger.
    let corpus = env.dir.path().join("labels.jsonl");
    let exported = env.run(&["correct", "export", "--output", corpus.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let text = std::fs::read_to_string(&corpus).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |item: &str| {
        lines
            .iter()
            .find(|l| l["id"] == format!("item-{item}"))
            .unwrap_or_else(|| panic!("item {item} in {text}"))
            .clone()
    };
    let g = of(&gao_item);
    assert_eq!(
        (&g["relevant"], &g["events"], &g["countries"], &g["tier"]),
        (
            &serde_json::json!(false),
            &serde_json::json!([]),
            &serde_json::json!([]),
            &serde_json::json!("none")
        )
    );
    let m = of(&menaka_item);
    assert_eq!(
        (&m["relevant"], &m["countries"]),
        (&serde_json::json!(true), &serde_json::json!(["NE"]))
    );
    assert_eq!(m["labelled"]["countries"], true);
    assert_eq!(lines.len(), 2, "{text}");
    let eval = env.run(&["eval", corpus.to_str().unwrap(), "--format", "json"]);
    assert!(eval.status.success(), "{}", stderr(&eval));
    let report: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    assert_eq!(report["items"], 2);
    // Read from the archive itself, the same two; Gao's report is a false positive of the
    // rules (out of scope), Menaka's a true one.
    let eval = env.run(&["eval", "--analysts", "--format", "json"]);
    assert!(eval.status.success(), "{}", stderr(&eval));
    let report: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    assert_eq!(
        (
            &report["items"],
            &report["relevance"]["tp"],
            &report["relevance"]["fp"]
        ),
        (
            &serde_json::json!(2),
            &serde_json::json!(1),
            &serde_json::json!(1)
        )
    );

    // The rules as they are agree with neither correction: they put both in Mali, and Gao's
    // report in scope.
    let backtest = env.run(&["backtest"]);
    let said = String::from_utf8_lossy(&backtest.stdout).into_owned();
    assert!(
        said.contains(
            "analysts' corrections: 2 articles; the stored verdicts agree with the analysts on 0, \
             these rules on 0 (0 fixed, 0 broken)"
        ),
        "{said}"
    );

    // Undone, Gao's article is back in its incident, which is listed again.
    let undone = undo_last(&base, &page_of(&gao), &amina, &csrf);
    assert_eq!(undone.status, 303, "{}", undone.text());
    let mut again = listed(&base, &cookie, "");
    again.sort();
    assert_eq!(again, expected);
}

/// The console as a person uses it, in headless Chromium: signed out to the sign-in page,
/// signs in, filters, opens an incident (its Arabic headline drawn right to left), merges the
/// other incident into it, marks it not an incident, signs out; no alert is sent meanwhile.
#[test]
fn the_console_in_a_browser() {
    let (_server, env, _daemon, base) = console();
    wait_for("the two first alerts sent", Duration::from_secs(30), || {
        env.maildir_files().len() == 2
    });
    let b = crate::support::browser::Browser::start(1000);
    b.go(&format!("{base}/incidents"));
    b.wait_url("/login");
    b.type_into("input[name=name]", "amina");
    b.type_into("input[name=password]", PASSWORD);
    b.click(".login button");
    b.wait_url("/incidents");

    b.click("select[name=days] option[value='36500']");
    b.click("select[name=country] option[value=NE]");
    b.click(".filters button");
    b.wait_text("No incident matches.");
    b.click("select[name=country] option[value=ML]");
    b.click(".filters button");
    let page = b.wait_text("<td><a href=\"/incidents/");
    let list = &page[page.find("<table class=\"incidents\"").expect("the table")..];
    // Each incident's id, from the link before its place.
    let id_of = |place: &str| -> String {
        let at = list
            .find(place)
            .unwrap_or_else(|| panic!("{place} in {list}"));
        let from = list[..at].rfind("/incidents/").unwrap() + 11;
        list[from..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    };
    let (gao, menaka) = (id_of(">Gao<"), id_of(">Ménaka<"));

    // Open Gao's: its headline is Arabic, drawn from the right.
    b.click(&format!("td a[href='/incidents/{gao}']"));
    b.wait_url(&format!("/incidents/{gao}"));
    assert_eq!(b.style(".headline", "direction"), "rtl");
    let png = env.dir.path().join("console-incident.png");
    b.screenshot(&png);
    let _ = std::fs::copy(
        &png,
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("console-incident.png"),
    );
    let (x, y, w, h) = b.rect(".headline");
    let picture = crate::picture::decode(&png);
    let (inked, bbox) = crate::picture::extent_where(&picture, |px| px.iter().all(|c| *c < 110));
    assert!(inked > 0, "the page is drawn");
    // The dark pixels inside the headline's box hug its right edge.
    let inside: Vec<(u32, u32)> = picture
        .data
        .chunks(picture.channels)
        .enumerate()
        .filter(|(_, px)| px[..3].iter().all(|c| *c < 110))
        .map(|(i, _)| (i as u32 % picture.width, i as u32 / picture.width))
        .filter(|&(px, py)| {
            f64::from(px) >= x
                && f64::from(px) < x + w
                && f64::from(py) >= y
                && f64::from(py) < y + h
        })
        .collect();
    assert!(!inside.is_empty(), "the headline is drawn: {bbox:?}");
    let left = inside.iter().map(|p| p.0).min().unwrap();
    let right = inside.iter().map(|p| p.0).max().unwrap();
    let (gap_left, gap_right) = (f64::from(left) - x, x + w - f64::from(right));
    assert!(
        gap_right < 12.0 && gap_left > gap_right,
        "right to left: {gap_left} px free on the left, {gap_right} on the right"
    );

    // Gao's is the same incident as Menaka's (say the analyst): merged into it, whose page
    // opens; then that one is marked not an incident.
    b.type_into("input[name=into]", &menaka);
    b.click(".correct form:nth-of-type(2) button");
    b.wait_url(&format!("/incidents/{menaka}"));
    b.wait_text("merged into this one");
    // One of its two articles (the first: Gao's, in the order published) tells no incident:
    // it leaves, and the incident goes on with the other.
    b.click("ol.articles li:first-child form button");
    b.wait_text("marked not an incident (it left)");
    assert_eq!(
        b.source().matches("<li><article>").count(),
        1,
        "one article left"
    );
    b.click(".correct form:nth-of-type(1) button");
    b.wait_text("marked this not an incident");
    b.click(".logout button");
    b.wait_url("/login");
    std::thread::sleep(Duration::from_secs(6)); // past the mailer's tick
    assert_eq!(env.maildir_files().len(), 2, "corrections send no alert");
}

/// Behind a proxy that authenticates users, its header names the user, who must have an
/// account; from anywhere else the header is not believed.
#[test]
fn a_trusted_proxy_s_user_header_signs_its_user_in_and_no_one_else_s() {
    let header = [("X-Forwarded-User", "amina")];
    let (_server, _env, _daemon, base) =
        console_with("user_header = \"X-Forwarded-User\"\ntrusted_proxies = [\"127.0.0.1\"]\n");
    let page = call("GET", &format!("{base}/incidents?days=36500"), &header, b"");
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("amina (analyst)"), "{}", page.text());
    let nobody = call(
        "GET",
        &format!("{base}/incidents"),
        &[("X-Forwarded-User", "mallory")],
        b"",
    );
    assert_eq!(nobody.status, 303, "no account, no console");

    let (_server, _env, _daemon, base) =
        console_with("user_header = \"X-Forwarded-User\"\ntrusted_proxies = [\"10.9.9.9\"]\n");
    let page = call("GET", &format!("{base}/incidents"), &header, b"");
    assert_eq!(page.status, 303, "not from the trusted proxy: not believed");
}
