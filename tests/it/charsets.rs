//! Charsets: the real-world samples and Arabic feeds in windows-1256, ISO-8859-6 and UTF-16,
//! declared in the header, the prolog, a BOM, or not at all.

use sahel_watch::feed::parse_feed;
use sahel_watch::fetch::{charset_from_content_type, decode_feed};

use crate::support::{fixture, rss};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/feeds")
            .join(name),
    )
    .unwrap()
}

fn titles(bytes: &[u8], header: Option<&str>) -> Vec<String> {
    let (text, _) = decode_feed(bytes, header.and_then(charset_from_content_type), None);
    let feed = parse_feed(text.as_bytes(), 1000, 10_000).unwrap_or_else(|e| panic!("{e}"));
    let mut t: Vec<String> = feed.title.into_iter().collect();
    t.extend(feed.entries.into_iter().map(|e| e.title));
    t
}

#[test]
fn real_world_samples_decode_to_the_right_text() {
    let cases: &[(&str, &str)] = &[
        ("encoding_ISO-8859-1.xml", "Golem.de"),
        ("encoding_WINDOWS-1251.xml", "Цитата #17703"),
        ("koi8r.xml", "Пример RSS ленты"),
        ("no_encoding_ISO-8859-1.xml", "Perturbateurs endocriniens"),
        ("windows-1252-incorrect-prolog.xml", "Euro €"),
        ("utf8-incorrect-prolog.xml", "테스트 피드"),
        ("invalid-prolog.xml", "Café"),
        ("urdu_UTF8.xml", "BBC News اردو"),
        ("rdf_UTF8.xml", "Mega-Deal: IBM übernimmt Red Hat"),
        ("large_rss.xml", "Using vale with vim"),
        ("large_atom.xml", "Artificial truth"),
    ];
    for (file, want) in cases {
        let t = titles(&sample(file), None);
        assert!(
            t.iter().any(|x| x.contains(want)),
            "{file}: {want:?} not in {:?}",
            &t[..t.len().min(4)]
        );
        assert!(
            t.iter().all(|x| !x.contains('\u{FFFD}')),
            "{file}: replacement characters"
        );
    }
    // Not a feed, but the charset must still come out right.
    let (text, _) = decode_feed(&sample("iso88591_utf8_mismatch.xml"), None, None);
    assert!(text.contains("Anaïs") && text.contains("Jürgen"), "{text}");
}

#[test]
fn arabic_legacy_and_utf16_feeds() {
    let articles = fixture("articles.jsonl");
    let sample = &articles[..5];
    let want = sample[0]
        .title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let base = "http://127.0.0.1";
    let enc = |e: &'static encoding_rs::Encoding, doc: &str| e.encode(doc).0.into_owned();
    let w1256 = encoding_rs::WINDOWS_1256;
    let iso6 = encoding_rs::Encoding::for_label(b"iso-8859-6").unwrap();
    let cases: Vec<(&str, Vec<u8>, Option<&str>)> = vec![
        (
            "1256 prolog",
            enc(w1256, &rss(sample, base, Some("windows-1256"))),
            None,
        ),
        (
            "1256 header",
            enc(w1256, &rss(sample, base, None)),
            Some("text/xml; charset=windows-1256"),
        ),
        (
            "1256 undeclared",
            enc(w1256, &rss(sample, base, None)),
            None,
        ),
        (
            "1256 mislabelled utf-8",
            enc(w1256, &rss(sample, base, Some("utf-8"))),
            None,
        ),
        (
            "8859-6 prolog",
            enc(iso6, &rss(sample, base, Some("ISO-8859-6"))),
            None,
        ),
        (
            "8859-6 header",
            enc(iso6, &rss(sample, base, None)),
            Some("application/rss+xml; charset=iso-8859-6"),
        ),
        (
            "utf-16le bom",
            {
                let mut b = vec![0xFF, 0xFE];
                for u in rss(sample, base, Some("UTF-16")).encode_utf16() {
                    b.extend_from_slice(&u.to_le_bytes());
                }
                b
            },
            None,
        ),
        (
            "utf-16be undeclared",
            {
                let mut b = Vec::new();
                for u in rss(sample, base, None).encode_utf16() {
                    b.extend_from_slice(&u.to_be_bytes());
                }
                b
            },
            None,
        ),
    ];
    for (name, bytes, header) in cases {
        let t = titles(&bytes, header);
        // ISO-8859-6 has no «» or some punctuation: compare letters only.
        let letters = |s: &str| {
            s.chars()
                .filter(|c| ('\u{0621}'..='\u{064A}').contains(c))
                .collect::<String>()
        };
        assert!(
            t.iter().any(|x| letters(x) == letters(&want)),
            "{name}: {want:?} not in {t:?}"
        );
    }
}

/// `feeds check` reads a feed as the daemon does: with the configured encoding override a feed
/// that lies about its charset is read right; without it, the lie shows.
#[test]
fn feeds_check_reads_like_the_daemon_with_the_encoding_override() {
    let server = crate::support::http::HttpServer::start();
    let articles = crate::support::fixture("articles.jsonl");
    let doc = crate::support::rss(&articles[..3], &server.base, Some("ISO-8859-6"));
    // Declared ISO-8859-6, written in windows-1256 (they differ on most letters).
    let bytes = encoding_rs::WINDOWS_1256.encode(&doc).0.into_owned();
    let url = server.route(
        "/lying.xml",
        crate::support::http::Route::ok("application/rss+xml", bytes),
    );
    let env = crate::support::Env::new();
    env.write_config(&format!(
        "[[feeds]]\nurl = {url:?}\nencoding = \"windows-1256\"\n"
    ));
    let out = env.run(&["feeds", "check", &url]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        crate::support::stderr(&out)
    );
    assert!(text.contains("charset: windows-1256"), "{text}");
    assert!(text.contains("entries: 3"), "{text}");
    let first: String = articles[0].title.chars().take(20).collect();
    assert!(
        text.contains(&first),
        "the override reads the titles right:\n{text}"
    );
}
