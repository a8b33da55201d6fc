//! The full-text stage on loopback: feeds that carry a headline and a summary, article pages
//! behind the links (inside furniture full of Sahel headlines), and pages that fail. The
//! expected verdicts are facts written here, not the detector's output.

use std::time::Duration;

use sahel_watch::page_templates::{Other, Site, Story};

use crate::support::http::{Body, Gate, HttpServer, Route};
use crate::support::{page_templates, stderr, wait_for, xml_escape, Env};

/// An RSS feed of (guid, title, summary, link) entries, as outlets publish them.
fn summary_feed(entries: &[(&str, &str, &str, String)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>outlet</title>",
    );
    for (guid, title, summary, link) in entries {
        s.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><title>{}</title><link>{}</link>\
             <pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate><description>{}</description></item>",
            xml_escape(title),
            xml_escape(link),
            xml_escape(summary)
        ));
    }
    s.push_str("</channel></rss>");
    s
}

/// Headlines of other stories, each a Sahel security report: the furniture of every page here.
const SAHEL_HEADLINES: &[&str] = &[
    "مقتل 20 جنديا في هجوم مسلح على معسكر للجيش في شمال مالي",
    "مسلحون يختطفون 15 شخصا في منطقة تيلابيري غرب النيجر",
    "كمين لبوكو حرام يقتل 12 جنديا قرب مايدوغوري",
    "تفجير انتحاري يستهدف سوقا في شمال بوركينا فاسو",
    "هجوم على قاعدة عسكرية في منطقة ميناكا يوقع قتلى",
    "السلطات تغلق الحدود مع مالي بعد هجوم دام",
];

/// An article page the way news sites lay them out: navigation, a ticker, the article, then
/// «اقرأ أيضا» and «الأكثر قراءة» lists and a footer made of other stories' headlines.
fn page(title: &str, paragraphs: &[&str]) -> String {
    let list = |items: &[&str]| -> String {
        items
            .iter()
            .enumerate()
            .map(|(i, h)| format!("<li><a href=\"/other/{i}\">{h}</a></li>"))
            .collect()
    };
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\
         <header><nav><ul><li><a href=\"/\">الرئيسية</a></li><li><a href=\"/news\">أخبار</a></li>\
         <li><a href=\"/sport\">رياضة</a></li></ul></nav>\
         <div class=\"ticker\"><span>عاجل</span><ul>{ticker}</ul></div></header>\
         <main><article><h1>{title}</h1><div class=\"article-body\">{body}</div>\
         <section class=\"related\"><h2>اقرأ أيضا</h2><ul>{related}</ul></section></article>\
         <aside class=\"most-read\"><h2>الأكثر قراءة</h2><ol>{most}</ol></aside></main>\
         <footer><ul>{footer}</ul><p>جميع الحقوق محفوظة</p></footer></body></html>",
        ticker = list(&SAHEL_HEADLINES[..2]),
        related = list(&SAHEL_HEADLINES[2..4]),
        most = list(SAHEL_HEADLINES),
        footer = list(&SAHEL_HEADLINES[4..]),
    )
}

fn html(doc: String) -> Route {
    Route::ok("text/html; charset=utf-8", doc)
}

fn item<'a>(items: &'a [serde_json::Value], guid_title: &str) -> &'a serde_json::Value {
    items
        .iter()
        .find(|i| i["title"].as_str() == Some(guid_title))
        .unwrap_or_else(|| panic!("no item titled {guid_title:?} in {items:?}"))
}

#[test]
fn article_pages_are_read_without_their_furniture() {
    let server = HttpServer::start();
    let base = server.base.clone();
    // A book fair in Niamey: the headline names a Sahel capital (a candidate), the story is
    // not security news, and the page around it is full of Sahel attack headlines.
    let fair_title = "النيجر: افتتاح معرض الكتاب في نيامي";
    let fair = page(
        fair_title,
        &[
            "افتتح وزير الثقافة في النيجر صباح اليوم الدورة الجديدة لمعرض الكتاب في العاصمة نيامي، بمشاركة دور نشر من عشرين بلدا.",
            "ويضم المعرض هذا العام جناحا لأدب الأطفال وندوات عن الترجمة والشعر، ويستمر أسبوعا كاملا.",
            "وقال منظمو المعرض إن عدد الزوار في العام الماضي تجاوز خمسين ألفا، وإنهم يتوقعون أكثر هذا العام.",
        ],
    );
    // An attack in Mali whose feed entry is a vague summary: only the page says what happened.
    let attack_title = "مالي: تطورات جديدة في الشمال";
    let attack = page(
        attack_title,
        &[
            "قتل مسلحون 14 جنديا في هجوم على موقع للجيش المالي قرب مدينة ميناكا شمال شرقي مالي فجر اليوم، وفق ما أعلنه الجيش في بيان.",
            "وأضاف البيان أن المهاجمين استخدموا دراجات نارية وأسلحة ثقيلة، وأن تعزيزات أرسلت إلى المنطقة.",
        ],
    );
    server.route("/news/fair", html(fair));
    server.route("/news/mali", html(attack));
    // Not a candidate: costs no request.
    let tunis_title = "تونس: ارتفاع أسعار الخضر في الأسواق";
    let feed = summary_feed(&[
        (
            "fair",
            fair_title,
            "افتتاح الدورة الجديدة لمعرض الكتاب.",
            format!("{base}/news/fair"),
        ),
        (
            "mali",
            attack_title,
            "الجيش يصدر بيانا عن الوضع في الشمال.",
            format!("{base}/news/mali"),
        ),
        (
            "tunis",
            tunis_title,
            "ارتفعت أسعار الخضر هذا الأسبوع.",
            format!("{base}/news/tunis"),
        ),
    ]);
    let feed_url = server.route("/feed.xml", Route::ok("application/rss+xml", feed));
    let env = Env::new();
    env.write_config(&format!("[[feeds]]\nurl = {feed_url:?}\n"));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let items = env.items();
    let fair = item(&items, fair_title);
    assert_eq!(fair["text_source"], "page", "{fair}");
    assert_eq!(
        fair["relevant"], false,
        "a book fair is not security news, whatever the sidebar says: {fair}"
    );
    let mali = item(&items, attack_title);
    assert_eq!(mali["text_source"], "page", "{mali}");
    assert_eq!(mali["relevant"], true, "{mali}");
    assert_eq!(mali["events"], serde_json::json!(["attack"]), "{mali}");
    assert_eq!(mali["countries"], serde_json::json!(["ML"]), "{mali}");
    assert_eq!(mali["killed"], 14, "{mali}");
    let tunis = item(&items, tunis_title);
    assert_eq!(tunis["text_source"], "summary", "{tunis}");
    assert_eq!(
        server.hits("/news/tunis"),
        0,
        "a non-candidate costs no request"
    );
    assert_eq!(
        server.hits("/robots.txt"),
        1,
        "robots.txt is read once per site"
    );

    // The stored text is the article, not the furniture.
    let show = env.run(&["show", &fair["id"].to_string()]);
    let shown = String::from_utf8_lossy(&show.stdout);
    assert!(shown.contains("معرض الكتاب"), "{shown}");
    assert!(
        shown.contains(&format!("article page {base}/news/fair")),
        "{shown}"
    );
    for h in SAHEL_HEADLINES {
        assert!(
            !shown.contains(h),
            "furniture {h:?} reached the text:\n{shown}"
        );
    }
    assert!(
        !shown.contains("الأكثر قراءة") && !shown.contains("اقرأ أيضا"),
        "{shown}"
    );

    // A second poll of the unchanged feed fetches no page again.
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.hits("/news/fair"), 1);
    assert_eq!(server.hits("/news/mali"), 1);
}

#[test]
fn pages_that_fail_leave_the_item_on_its_summary_with_the_reason() {
    let server = HttpServer::start();
    let base = server.base.clone();
    server.route(
        "/robots.txt",
        Route::ok(
            "text/plain",
            "User-agent: *\nDisallow: /private/\n\nUser-agent: sahel-watch\nDisallow: /blocked/\n",
        ),
    );
    let body = page("x", &["نص لن يقرأ."]);
    server.route("/blocked/1", html(body.clone()));
    server.route(
        "/slow/1",
        html(body.clone()).delayed(Duration::from_secs(6)),
    );
    server.route(
        "/big/1",
        Route::ok("text/html", Vec::new()).with_body(Body::Repeat {
            chunk: b"<p>filler</p>".repeat(100),
            times: 200,
        }),
    );
    server.route("/pdf/1", Route::ok("application/pdf", b"%PDF-1.4".to_vec()));
    // Each summary is itself a report of an attack in the Sahel: the item still counts.
    let cases = [
        ("robots", "/blocked/1", "robots.txt"),
        ("missing", "/gone/1", "HTTP 404"),
        ("slow", "/slow/1", "timed out"),
        ("big", "/big/1", "larger than the limit"),
        ("pdf", "/pdf/1", "not an HTML page"),
    ];
    let titles: Vec<String> = cases
        .iter()
        .map(|(k, _, _)| {
            format!("مقتل 12 جنديا في هجوم مسلح على موقع للجيش في شمال بوركينا فاسو ({k})")
        })
        .collect();
    let entries: Vec<(&str, &str, &str, String)> = cases
        .iter()
        .zip(&titles)
        .map(|((k, path, _), t)| {
            (
                *k,
                t.as_str(),
                "أعلن الجيش في بوركينا فاسو أن مسلحين هاجموا موقعا عسكريا في شمال البلاد.",
                format!("{base}{path}"),
            )
        })
        .collect();
    let feed_url = server.route(
        "/feed.xml",
        Route::ok("application/rss+xml", summary_feed(&entries)),
    );
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {feed_url:?}\n[limits]\npage_timeout = \"2s\"\nmax_page_bytes = 100000\n"
    ));
    let started = std::time::Instant::now();
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "failing pages held the refresh for {:?}",
        started.elapsed()
    );
    let items = env.items();
    assert_eq!(items.len(), cases.len(), "every item is stored: {items:?}");
    for ((_, path, reason), title) in cases.iter().zip(&titles) {
        let it = item(&items, title);
        assert_eq!(it["text_source"], "summary", "{it}");
        let note = it["text_note"].as_str().unwrap_or_default();
        assert!(
            note.contains(reason),
            "{path}: expected «{reason}» in {note:?}"
        );
        assert_eq!(
            it["relevant"], true,
            "the summary still reports the attack: {it}"
        );
        let show = env.run(&["show", &it["id"].to_string()]);
        let shown = String::from_utf8_lossy(&show.stdout);
        assert!(
            shown.contains("summary only:") && shown.contains(reason),
            "{shown}"
        );
    }
    assert_eq!(
        server.hits("/blocked/1"),
        0,
        "a disallowed page is not requested"
    );
}

#[test]
fn links_of_public_feeds_never_reach_private_addresses() {
    let server = HttpServer::start();
    server.route("/page", html(page("x", &["نص."])));
    server.route(
        "/hop",
        Route::redirect(302, &format!("{}/page", server.base)),
    );
    let limits = sahel_watch::config::Limits::default();
    let fetcher = sahel_watch::fetch::Fetcher::new(&limits.fetch(), "sahel-watch-test").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for link in [
        format!("{}/page", server.base),
        "http://localhost:9/page".to_owned(),
        "http://[::1]:9/page".to_owned(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        let url = url::Url::parse(&link).unwrap();
        let got = rt.block_on(fetcher.fetch_page(&url, false));
        match got {
            Err(sahel_watch::fetch::FetchError::PrivateAddress(_)) => {}
            other => panic!("{link}: expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(server.hits("/page"), 0);
    // A feed served from loopback may lead to loopback pages (tests, intranets).
    let url = url::Url::parse(&format!("{}/hop", server.base)).unwrap();
    let page = rt.block_on(fetcher.fetch_page(&url, true)).unwrap();
    assert_eq!(page.status, 200);
}

/// The first 200 characters of a text cut at a word: what a feed carries when it says nothing
/// of its own.
fn lead(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(200) {
        None => t.to_owned(),
        Some((at, _)) => t[..at]
            .rsplit_once(' ')
            .map_or(&t[..at], |(h, _)| h)
            .to_owned(),
    }
}

/// Other stories for a page's furniture: Sahel security headlines with a dek each (what must
/// not leak), then ordinary news; 45 of them, as the templates expect at least 40.
fn others() -> Vec<Other<'static>> {
    const DEKS: &[&str] = &[
        "قال مصدر عسكري إن مسلحين هاجموا المعسكر فجرا وقتلوا عشرين جنديا قبل أن يفروا.",
        "أفاد سكان بأن المسلحين اقتادوا المخطوفين إلى جهة مجهولة قرب الحدود مع مالي.",
        "أعلن الجيش النيجيري مقتل 12 جنديا في كمين نصبه مسلحون من بوكو حرام.",
        "استهدف انتحاري سوقا مكتظة في شمال بوركينا فاسو موقعا قتلى وجرحى.",
    ];
    const PLAIN: [&str; 2] = [
        "ارتفاع أسعار النفط في الأسواق العالمية",
        "انطلاق الموسم السياحي في المدن الساحلية",
    ];
    (0..45)
        .map(|i| match i % 4 {
            3 => Other {
                title: PLAIN[i % 2],
                dek: "تقرير اقتصادي عن الأسواق والأسعار هذا الأسبوع.",
                href: format!("/plain/{i}"),
            },
            _ => Other {
                title: SAHEL_HEADLINES[i % SAHEL_HEADLINES.len()],
                dek: DEKS[i % DEKS.len()],
                href: format!("/other/{i}"),
            },
        })
        .collect()
}

/// One site per page template (`tests/fixtures/pages`), each with a feed of `stories` (key,
/// headline, text) as outlets publish them (the headline, the lead as summary, a link) and
/// each story on a page of that template among other stories' Sahel headlines; one
/// `run --once` over them all. Returns the templates' names, their sites in that order, the
/// scratch environment and the stored items.
fn layout_sites(
    stories: &[(&str, &str, &str)],
) -> (Vec<String>, Vec<HttpServer>, Env, Vec<serde_json::Value>) {
    let furniture = others();
    let templates = page_templates();
    let names: Vec<String> = templates.names().to_vec();
    let mut servers = Vec::new();
    let mut config = String::new();
    for (n, name) in names.iter().enumerate() {
        let server = HttpServer::start();
        let base = server.base.clone();
        let mut entries = Vec::new();
        for (k, (key, title, text)) in stories.iter().enumerate() {
            let seed = (n * stories.len() + k) as u64;
            let summary = lead(text);
            let story = Story {
                headline: title,
                summary: &summary,
                text,
            };
            let site = Site {
                name: "الوطن",
                url: &base,
            };
            let html = templates
                .render(name, &story, &furniture, &site, seed)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            server.route(
                &format!("/a/{key}"),
                Route::ok("text/html; charset=utf-8", html),
            );
            entries.push((
                format!("{name}-{key}"),
                *title,
                summary,
                format!("{base}/a/{key}"),
            ));
        }
        let entries: Vec<(&str, &str, &str, String)> = entries
            .iter()
            .map(|(g, t, s, l)| (g.as_str(), *t, s.as_str(), l.clone()))
            .collect();
        let feed = server.route(
            "/feed.xml",
            Route::ok("application/rss+xml", summary_feed(&entries)),
        );
        config.push_str(&format!("[[feeds]]\nurl = {feed:?}\nname = \"{name}\"\n"));
        servers.push(server);
    }
    let env = Env::new();
    env.write_config(&config);
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let items = env.items();
    assert_eq!(items.len(), stories.len() * names.len());
    (names, servers, env, items)
}

/// The item stored from `server`'s page `key`.
fn item_of<'a>(
    items: &'a [serde_json::Value],
    server: &HttpServer,
    key: &str,
) -> &'a serde_json::Value {
    let url = format!("{}/a/{key}", server.base);
    items
        .iter()
        .find(|i| i["url"].as_str() == Some(url.as_str()))
        .unwrap_or_else(|| panic!("{url} not stored"))
}

/// Real labelled articles, each on a page of every layout: what the daemon stores must say
/// what the labels say, and none of the furniture may be read.
#[test]
fn every_layout_gives_the_article_its_own_verdict() {
    // Labelled fixtures: attacks, a kidnapping, and candidates that are not security news.
    let ids = [
        "dev-0012", "dev-0016", "dev-0022", "dev-0008", "dev-0041", "dev-0031",
    ];
    let labelled: Vec<serde_json::Value> = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles.jsonl"),
    )
    .unwrap()
    .lines()
    .filter(|l| !l.trim().is_empty())
    .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
    .filter(|a| ids.contains(&a["id"].as_str().unwrap()))
    .collect();
    assert_eq!(labelled.len(), ids.len());
    let stories: Vec<(&str, &str, &str)> = labelled
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap(),
                a["title"].as_str().unwrap(),
                a["text"].as_str().unwrap(),
            )
        })
        .collect();
    let (names, servers, env, items) = layout_sites(&stories);
    for (layout, server) in names.iter().zip(&servers) {
        for a in &labelled {
            let id = a["id"].as_str().unwrap();
            let it = item_of(&items, server, id);
            assert_eq!(it["relevant"], a["relevant"], "{layout} {id}: {it}");
            assert_eq!(it["events"], a["events"], "{layout} {id}: {it}");
            if it["text_source"] == "page" {
                let show = env.run(&["show", &it["id"].to_string()]);
                let shown = String::from_utf8_lossy(&show.stdout);
                for h in SAHEL_HEADLINES {
                    assert!(!shown.contains(h), "{layout} {id}: furniture {h:?} read");
                }
            }
        }
        // Every candidate's page was read, none refused.
        let read = ids
            .iter()
            .filter(|id| item_of(&items, server, id)["text_source"] == "page")
            .count();
        assert!(read >= 4, "{layout}: only {read} pages read");
    }
}

/// Pages whose own story has nothing of Sahel security (a festival, prices, football) while
/// their ticker, cards, lists and comments are full of it: in no layout is one relevant.
#[test]
fn furniture_alone_never_makes_a_page_relevant() {
    let stories: [(&str, &str, &str); 3] = [
        (
            "festival",
            "مالي: افتتاح مهرجان الموسيقى الأفريقية في باماكو",
            "افتتح وزير الثقافة في مالي مساء الجمعة الدورة العاشرة لمهرجان الموسيقى الأفريقية في العاصمة باماكو بمشاركة فرق من خمسة عشر بلدا.\n\
             ويستمر المهرجان أسبوعا كاملا، وتقام حفلاته في الساحات العامة والمسارح، ويتوقع المنظمون حضور آلاف الزوار من داخل البلاد وخارجها.",
        ),
        (
            "prices",
            "النيجر: ارتفاع أسعار الأرز والسكر في أسواق نيامي",
            "ارتفعت أسعار الأرز والسكر في أسواق العاصمة النيجرية نيامي هذا الأسبوع بنسبة تجاوزت عشرة في المئة، وفق ما أفاد به تجار.\n\
             وعزا التجار الارتفاع إلى زيادة تكاليف النقل وتراجع المخزون، فيما وعدت الحكومة بإجراءات لضبط الأسعار قبل شهر رمضان.",
        ),
        (
            "football",
            "منتخب بوركينا فاسو يتأهل إلى نهائيات كأس أفريقيا",
            "تأهل منتخب بوركينا فاسو لكرة القدم إلى نهائيات كأس الأمم الأفريقية بعد فوزه على ضيفه بهدفين دون رد في واغادوغو.\n\
             وسجل الهدفين لاعب الوسط في الشوط الثاني، واحتفلت الجماهير بالتأهل في شوارع العاصمة حتى ساعة متأخرة من الليل.",
        ),
    ];
    let (_, servers, env, items) = layout_sites(&stories);
    for it in &items {
        assert_eq!(it["text_source"], "page", "each story's page is read: {it}");
        assert_eq!(it["relevant"], false, "{it}");
        assert_eq!(it["events"], serde_json::json!([]), "{it}");
    }
    for server in &servers {
        for (key, _, _) in &stories {
            assert_eq!(server.hits(&format!("/a/{key}")), 1, "{key}");
        }
    }
    assert!(env.maildir_files().is_empty(), "no alert");
}

/// Pages of one site whose own stories are about the Maghreb and the Middle East, and whose
/// only Sahel words stand in a box of older headlines inside the body (between two of the
/// story's paragraphs), in lines about the page (the date and byline line names Niamey, the
/// picture's caption northern Mali) and in blocks every page of the site repeats (a section
/// of «ملف خاص» headlines that change from page to page, a follow-us line): no item is
/// relevant and none has a country. The feed asks for every page (`full_text = "always"`),
/// so that stories that are no candidates are read too.
#[test]
fn sahel_words_only_in_boxes_metadata_and_site_blocks_change_nothing() {
    let stories = [
        (
            "tunis",
            "تونس: افتتاح الدورة الجديدة لمعرض الكتاب",
            "افتتح وزير الثقافة التونسي صباح اليوم الدورة الجديدة لمعرض الكتاب في العاصمة، بمشاركة دور نشر من عشرين بلدا.",
            "ويضم المعرض هذا العام جناحا لأدب الأطفال وندوات عن الترجمة والشعر، ويستمر أسبوعا كاملا.",
        ),
        (
            "cairo",
            "مصر: ارتفاع أسعار الخضر في أسواق القاهرة",
            "ارتفعت أسعار الخضر في أسواق القاهرة هذا الأسبوع بنسبة تجاوزت عشرة في المئة، وفق ما أفاد به تجار الجملة.",
            "وعزا التجار الارتفاع إلى زيادة تكاليف النقل، فيما وعدت الحكومة بإجراءات لضبط الأسعار قبل شهر رمضان.",
        ),
        (
            "rabat",
            "المغرب: انطلاق الموسم السياحي في المدن الساحلية",
            "انطلق الموسم السياحي في المدن الساحلية المغربية مع توافد آلاف الزوار على الشواطئ منذ مطلع الأسبوع.",
            "وتتوقع وزارة السياحة أن يتجاوز عدد السياح هذا العام ما سجل في العام الماضي بفضل الرحلات الجوية الجديدة.",
        ),
        (
            "amman",
            "الأردن: مهرجان جرش يفتتح دورته السنوية",
            "افتتح مهرجان جرش للثقافة والفنون دورته السنوية مساء أمس بحضور جمهور كبير في المدرج الجنوبي للمدينة الأثرية.",
            "ويشارك في المهرجان فنانون من عشر دول عربية، وتستمر فعالياته حتى نهاية الشهر الجاري.",
        ),
    ];
    let older = [
        "2017/03/12 مقتل 20 جنديا في هجوم على معسكر للجيش في ميناكا",
        "2017/02/01 مسلحون يختطفون عمال إغاثة في تيلابيري غرب النيجر",
        "2016/12/30 كمين لبوكو حرام يقتل 12 جنديا قرب مايدوغوري",
        "2016/11/02 إغلاق الحدود بين النيجر ومالي بعد هجمات دامية",
    ];
    let server = HttpServer::start();
    let base = server.base.clone();
    let mut entries = Vec::new();
    for (k, (key, title, first, second)) in stories.iter().enumerate() {
        let special: String = (0..3)
            .map(|j| {
                format!(
                    "<li>{}</li>",
                    SAHEL_HEADLINES[(k + j) % SAHEL_HEADLINES.len()]
                )
            })
            .collect();
        let boxed: String = older
            .iter()
            .cycle()
            .skip(k)
            .take(3)
            .map(|h| format!("<div class=\"item-{k}\">{h}</div>"))
            .collect();
        let doc = format!(
            "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\
             <header><div class=\"logo\">الموقع</div></header>\
             <section class=\"special s{k}\"><h3>ملف خاص</h3><ul>{special}</ul></section>\
             <article><h1>{title}</h1>\
             <div class=\"meta\">نشر في: 1{k}/03/2017 10:3{k} | مراسلنا في نيامي</div>\
             <p>{first}</p>\
             <div class=\"box box-{k}\"><h4>ملف الساحل</h4>{boxed}</div>\
             <figure><img src=\"/p{k}.jpg\"><figcaption>جنود في دورية شمال مالي (أرشيفية - رويترز)</figcaption></figure>\
             <p>{second}</p></article>\
             <div class=\"follow\">تابعونا على تويتر لآخر أخبار الهجمات في النيجر ومالي</div>\
             </body></html>",
            title = xml_escape(title),
        );
        server.route(&format!("/a/{key}"), html(doc));
        entries.push((*key, *title, *first, format!("{base}/a/{key}")));
    }
    let feed = server.route(
        "/feed.xml",
        Route::ok("application/rss+xml", summary_feed(&entries)),
    );
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {feed:?}\nfull_text = \"always\"\n"
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let items = env.items();
    assert_eq!(items.len(), stories.len());
    for it in &items {
        assert_eq!(it["text_source"], "page", "{it}");
        assert_eq!(it["relevant"], false, "{it}");
        assert_eq!(it["countries"], serde_json::json!([]), "{it}");
        let show = env.run(&["show", &it["id"].to_string()]);
        let shown = String::from_utf8_lossy(&show.stdout);
        for leak in ["ميناكا", "تيلابيري", "نيامي", "شمال مالي", "تابعونا"]
        {
            assert!(!shown.contains(leak), "{leak} read: {shown}");
        }
    }
    assert!(env.maildir_files().is_empty(), "no alert");
}

/// Every page template renders the whole story: each of its paragraphs, in order, and the
/// headline (the contract of `tests/fixtures/pages/README.md`).
#[test]
fn every_page_template_renders_the_whole_story() {
    let templates = page_templates();
    assert!(templates.names().len() >= 26, "{:?}", templates.names());
    let paragraphs = [
        "الفقرة الأولى من الخبر تقول ما جرى في المدينة صباح اليوم.",
        "الفقرة الثانية تنقل ما قاله المسؤولون للصحفيين بعد الظهر.",
        "الفقرة الثالثة تذكر ما سبق ذلك في الأسبوع الماضي.",
        "الفقرة الرابعة تختم الخبر بما ينتظر في الأيام المقبلة.",
    ];
    let text = paragraphs.join("\n");
    let story = Story {
        headline: "عنوان الخبر الذي يعرض في الصفحة",
        summary: "ملخص الخبر كما تنشره الخلاصة.",
        text: &text,
    };
    let furniture = others();
    for name in templates.names() {
        for seed in [0u64, 1, 2, 7] {
            let site = Site {
                name: "الموقع",
                url: "http://site.example",
            };
            let html = templates
                .render(name, &story, &furniture, &site, seed)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut at = 0;
            for p in paragraphs {
                let found = html[at..]
                    .find(p)
                    .unwrap_or_else(|| panic!("{name} seed {seed}: {p:?} missing or out of order"));
                at += found + p.len();
            }
            assert!(html.contains(story.headline), "{name}: no headline");
        }
    }
}

/// A candidate's alert waits for no other page of its fetch. The feed asks for every page
/// (`full_text = "always"`) and lists four stories that are no candidates before an attack in
/// Mali; their pages are held until the attack's alert is in the maildir. Read in the feed's
/// order, the alert would wait for them, and the test would time out.
#[test]
fn a_candidate_is_alerted_before_the_other_pages_are_answered() {
    let server = HttpServer::start();
    let base = server.base.clone();
    let gate = Gate::default();
    let others = [
        (
            "tunis",
            "تونس: افتتاح الدورة الجديدة لمعرض الكتاب",
            "افتتح وزير الثقافة التونسي صباح اليوم الدورة الجديدة لمعرض الكتاب في العاصمة بمشاركة دور نشر من عشرين بلدا.",
        ),
        (
            "cairo",
            "مصر: ارتفاع أسعار الخضر في أسواق القاهرة",
            "ارتفعت أسعار الخضر في أسواق القاهرة هذا الأسبوع بنسبة تجاوزت عشرة في المئة وفق تجار الجملة.",
        ),
        (
            "beirut",
            "لبنان: افتتاح معرض للفنون التشكيلية في بيروت",
            "افتتح في بيروت مساء أمس معرض للفنون التشكيلية يضم أعمال ثلاثين فنانا من لبنان والمنطقة.",
        ),
        (
            "amman",
            "الأردن: مهرجان جرش يفتتح دورته السنوية",
            "افتتح مهرجان جرش للثقافة والفنون دورته السنوية مساء أمس بحضور جمهور كبير.",
        ),
    ];
    let mut entries = Vec::new();
    for (key, title, text) in others {
        server.route(
            &format!("/a/{key}"),
            html(page(title, &[text])).held_by(&gate),
        );
        entries.push((key, title, "خبر قصير.", format!("{base}/a/{key}")));
    }
    let attack_title = "مالي: مقتل 14 جنديا في هجوم قرب ميناكا";
    let attack = page(
        attack_title,
        &[
            "قتل مسلحون 14 جنديا في هجوم على موقع للجيش المالي قرب مدينة ميناكا شمال شرقي مالي فجر اليوم، وفق ما أعلنه الجيش في بيان.",
            "وأضاف البيان أن المهاجمين استخدموا دراجات نارية وأسلحة ثقيلة، وأن تعزيزات أرسلت إلى المنطقة.",
        ],
    );
    server.route("/a/mali", html(attack));
    entries.push((
        "mali",
        attack_title,
        "هجوم على موقع للجيش.",
        format!("{base}/a/mali"),
    ));
    let feed = server.route(
        "/feed.xml",
        Route::ok("application/rss+xml", summary_feed(&entries)),
    );
    let env = Env::new();
    env.write_config(&format!(
        "[metrics]\nlisten = \"\"\n[[feeds]]\nurl = {feed:?}\nfull_text = \"always\"\n\
         [[recipients]]\nemail = \"desk@test.invalid\"\n"
    ));
    let _daemon = env.daemon();
    wait_for(
        "the attack's alert, with the other pages held",
        Duration::from_secs(50),
        || !env.maildir_files().is_empty(),
    );
    let asked: usize = others
        .iter()
        .map(|(key, _, _)| server.hits(&format!("/a/{key}")))
        .sum();
    assert!(asked <= 1, "{asked} held pages were asked before the alert");
    gate.open();
    wait_for("every page read", Duration::from_secs(50), || {
        let items = env.items();
        items.len() == 5 && items.iter().all(|i| i["text_source"] == "page")
    });
    let files = env.maildir_files();
    assert_eq!(files.len(), 1, "one alert: {files:?}");
    let mali = item(&env.items(), attack_title).clone();
    assert_eq!(mali["events"], serde_json::json!(["attack"]), "{mali}");
}
