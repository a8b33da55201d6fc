//! The archive as a research tool: search in any spelling, filters, exports, stats, and the
//! briefing page (rendered in headless Chromium in `picture`).

use crate::support::http::HttpServer;
use crate::support::{fixture, stderr, Article, Env};

fn article(id: &str, title: &str, text: &str) -> Article {
    Article {
        id: id.into(),
        title: title.into(),
        text: text.into(),
        published: "2018-02-20T10:00:00Z".into(),
        incident: None,
    }
}

/// Short texts written for the search tests, each spelling a name its own way.
fn spellings() -> Vec<Article> {
    vec![
        article(
            "s-1",
            "مسلحون يهاجمون موقعا عسكريا قرب تومبوكتو",
            "هاجم مسلحون موقعا للجيش المالي قرب مدينة تومبوكتو في شمال مالي.",
        ),
        article(
            "s-2",
            "حركات إقليم أزواد تعلن هدنة",
            "أعلنت حركات من إقليم أزواد هدنة مع الحكومة المالية في باماكو.",
        ),
        article(
            "s-3",
            "هجمات متفرقة في وسط مالي",
            "شهدت منطقة موبتي هجمات متفرقة على قرى في وسط مالي دون ضحايا.",
        ),
        article(
            "s-4",
            "مؤتمر اقتصادي في نواكشوط",
            "عقد في نواكشوط مؤتمر اقتصادي حول الاستثمار في موريتانيا.",
        ),
    ]
}

fn env_with(articles: &[Article]) -> (HttpServer, Env) {
    let server = HttpServer::start();
    let url = server.feed("/a.xml", articles);
    let env = Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\n[[recipients]]\nemail = \"desk@test.invalid\"\nmax_per_hour = 1000\n"
    ));
    let out = env.run(&["run", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (server, env)
}

fn ids(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["query", "--all", "--since", "36500d", "--format", "json"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["url"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn search_finds_every_spelling() {
    let (_s, env) = env_with(&spellings());
    // Hamza and alef: «ازواد» finds «أزواد».
    assert_eq!(ids(&env, &["--text", "ازواد"]), ["s-2"]);
    // The gazetteer's spellings of one town: «تمبكتو» finds «تومبوكتو».
    assert_eq!(ids(&env, &["--text", "تمبكتو"]), ["s-1"]);
    // The article and plural clitics: «الهجمات» finds «هجمات».
    assert_eq!(ids(&env, &["--text", "الهجمات"]), ["s-3"]);
    // Diacritics are ignored.
    assert_eq!(ids(&env, &["--text", "نُواكْشُوط"]), ["s-4"]);
    // A phrase in order, OR, and an exclusion.
    assert_eq!(ids(&env, &["--text", "\"وسط مالي\""]), ["s-3"]);
    assert!(ids(&env, &["--text", "\"مالي وسط\""]).is_empty());
    let mut either = ids(&env, &["--text", "تومبوكتو OR نواكشوط"]);
    either.sort();
    assert_eq!(either, ["s-1", "s-4"]);
    assert_eq!(ids(&env, &["--text", "مالي -تومبوكتو -أزواد"]), ["s-3"]);
    // Snippets mark the match.
    let out = env.run(&["query", "--all", "--since", "36500d", "--text", "تمبكتو"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("⟦تومبوكتو⟧"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A query that is only an exclusion is refused as usage.
    assert_eq!(
        env.run(&["query", "--text", "-مالي"]).status.code(),
        Some(2)
    );
}

#[test]
fn filters_exports_and_stats() {
    let articles: Vec<Article> = fixture("articles.jsonl")
        .into_iter()
        .chain(fixture("stream-sample.jsonl"))
        .collect();
    let (_s, env) = env_with(&articles);
    let run = |args: &[&str]| {
        let out = env.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Filters: a group by name, a toll, a country, a story.
    let bh = run(&[
        "query",
        "--since",
        "36500d",
        "--group",
        "بوكو حرام",
        "--format",
        "json",
    ]);
    assert!(bh.lines().count() >= 3, "{bh}");
    for l in bh.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "g-bokoharam"));
    }
    let heavy = run(&[
        "query",
        "--since",
        "36500d",
        "--min-killed",
        "20",
        "--format",
        "json",
    ]);
    assert!(heavy.lines().count() >= 1);
    for l in heavy.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["killed"].as_u64().unwrap() >= 20, "{v}");
    }
    let place = run(&[
        "query",
        "--since",
        "36500d",
        "--place",
        "ng-maiduguri",
        "--format",
        "json",
    ]);
    assert!(place.lines().count() >= 1, "{place}");
    assert_eq!(
        env.run(&["query", "--place", "no such place"])
            .status
            .code(),
        Some(2)
    );

    // CSV: a header and the same number of columns on every row.
    let csv = run(&["query", "--since", "36500d", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("id,published,feed,url,title,relevant,score,events,countries"));
    let columns = header.split(',').count();
    for row in csv.lines().skip(1) {
        let mut n = 1;
        let mut quoted = false;
        for c in row.chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => n += 1,
                _ => {}
            }
        }
        assert_eq!(n, columns, "{row}");
    }
    // GeoJSON: a FeatureCollection of points inside the region.
    let geo: serde_json::Value =
        serde_json::from_str(&run(&["query", "--since", "36500d", "--format", "geojson"])).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    assert!(!features.is_empty());
    for f in features {
        assert_eq!(f["geometry"]["type"], "Point");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            (-20.0..30.0).contains(&lon) && (0.0..40.0).contains(&lat),
            "{f}"
        );
    }
    // ACLED: one row per story.
    let acled = run(&[
        "query", "--since", "36500d", "--format", "acled", "--limit", "1000",
    ]);
    let mut lines = acled.lines();
    assert_eq!(
        lines.next().unwrap(),
        "event_date,event_type,sub_event_type,country,admin1,location,latitude,longitude,fatalities,actor1,source,source_url,notes,corroboration"
    );
    // As many rows as the fixtures' labels give incidents (not the daemon's stories listing).
    let incidents = crate::support::labelled_incidents(&articles);
    assert_eq!(lines.count(), incidents.len(), "{incidents:?}");

    // Stats count stories (incidents), not reports.
    let stats = run(&["stats", "--since", "36500d", "--json"]);
    let rows: Vec<serde_json::Value> = stats
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!rows.is_empty());
    let ng_stories: u64 = rows
        .iter()
        .filter(|r| r["country"] == "NG" && r["kind"] == "attack")
        .map(|r| r["stories"].as_u64().unwrap())
        .sum();
    let ng_reports: u64 = rows
        .iter()
        .filter(|r| r["country"] == "NG" && r["kind"] == "attack")
        .map(|r| r["items"].as_u64().unwrap())
        .sum();
    assert!(ng_stories >= 1 && ng_reports > ng_stories, "{rows:?}");
}

/// Sixty attacks, each in its own week with its own toll: sixty stories, more than a page.
fn sixty_attacks() -> Vec<Article> {
    let towns = ["موبتي", "غاو", "تمبكتو", "كيدال"];
    (0..60)
        .map(|i| {
            let day = chrono::NaiveDate::from_ymd_opt(2018, 1, 1).unwrap()
                + chrono::Duration::days(i64::from(i) * 9);
            let town = towns[i as usize % towns.len()];
            Article {
                id: format!("w-{i}"),
                title: format!("مقتل {} مدنيين في هجوم مسلح قرب {town} في مالي", i + 3),
                text: format!(
                    "قتل مسلحون {} مدنيين في هجوم على قرية قرب مدينة {town} في مالي، وفق مصادر محلية.",
                    i + 3
                ),
                published: format!("{day}T10:00:00Z"),
                incident: None,
            }
        })
        .collect()
}

#[test]
fn exports_are_whole_beyond_a_page() {
    let (_s, env) = env_with(&sixty_attacks());
    let run = |args: &[&str]| {
        let out = env.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr(&out),
        )
    };
    let since = ["--since", "36500d"];
    let json = run(&[&["query", "--format", "json"][..], &since].concat()).0;
    assert_eq!(json.lines().count(), 60);
    let csv = run(&[&["query", "--format", "csv"][..], &since].concat()).0;
    assert_eq!(csv.lines().count(), 61, "a header and sixty rows");
    let geo = run(&[&["query", "--format", "geojson"][..], &since].concat()).0;
    let doc: serde_json::Value = serde_json::from_str(&geo).unwrap();
    assert_eq!(doc["features"].as_array().unwrap().len(), 60);
    let acled = run(&[&["query", "--format", "acled"][..], &since].concat()).0;
    assert_eq!(acled.lines().count(), 61, "a header and a row per story");
    // --limit still bounds an export.
    let some = run(&[&["query", "--format", "json", "--limit", "7"][..], &since].concat()).0;
    assert_eq!(some.lines().count(), 7);
    // The table shows a page and says what it left out.
    let (table, note) = run(&[&["query"][..], &since].concat());
    assert_eq!(table.lines().count(), 50);
    assert!(note.contains("10 more match"), "{note}");
    assert!(note.contains("--limit 60"), "{note}");
}
