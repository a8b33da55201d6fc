use chrono::{DateTime, Utc};

use super::html::{decode_entities, html_to_text};

/// One entry of a feed, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The GUID / Atom id the publisher gave, if any (feed-rs invents one when there is none:
    /// that one is not kept, since it changes with the headline or on every parse).
    pub guid: Option<String>,
    pub link: Option<String>,
    pub title: String,
    pub text: String,
    pub published: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    /// RSS `<ttl>` in minutes.
    pub ttl_minutes: Option<u32>,
    pub entries: Vec<Entry>,
    /// How many entries were dropped by the entry limit.
    pub dropped: usize,
    /// The WebSub hub the feed advertises (`<link rel="hub">`, Atom or `atom:link` in RSS),
    /// and its topic (`<link rel="self">`), when it names them.
    pub hub: Option<String>,
    pub topic: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("not a feed: {0}")]
    Parse(#[source] feed_rs::parser::ParseFeedError),
    #[error("the document is empty")]
    Empty,
    #[error("elements nested deeper than {0}: not a feed")]
    TooDeep(usize),
    /// The XML parser below feed-rs panicked on this document (found by fuzzing: quick-xml
    /// 0.42 asserts when a document switches encoding late). The panic is contained here so
    /// that one hostile feed is one failed feed, not a failed daemon.
    #[error("the feed parser failed on this document: {0}")]
    ParserPanic(String),
}

/// Real feeds nest a dozen elements deep; a parser that builds trees recursively must not be
/// handed a document nested thousands deep.
const MAX_DEPTH: usize = 256;

/// Whether tags open deeper than [`MAX_DEPTH`] (a byte scan: start tags up, end tags and
/// self-closing tags down; comments, CDATA and declarations do not count).
fn too_deep(bytes: &[u8]) -> Option<usize> {
    let mut depth: usize = 0;
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        let at = i + off;
        // CDATA and comments may hold any markup (HTML with unclosed <br>): skip them whole.
        for (open, close) in [
            (&b"<![CDATA["[..], &b"]]>"[..]),
            (&b"<!--"[..], &b"-->"[..]),
        ] {
            if bytes[at..].starts_with(open) {
                let body = &bytes[at + open.len()..];
                i = body
                    .windows(close.len())
                    .position(|w| w == close)
                    .map_or(bytes.len(), |e| at + open.len() + e + close.len());
                break;
            }
        }
        if i > at {
            if i >= bytes.len() {
                break;
            }
            continue;
        }
        let next = bytes.get(at + 1).copied().unwrap_or(b' ');
        let end = bytes[at..].iter().position(|&b| b == b'>').map(|e| at + e);
        match next {
            b'/' => depth = depth.saturating_sub(1),
            b'!' | b'?' => {}
            _ => {
                let self_closing = end.is_some_and(|e| e > at && bytes[e - 1] == b'/');
                if !self_closing {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(MAX_DEPTH);
                    }
                }
            }
        }
        i = end.map_or(bytes.len(), |e| e + 1);
        if i >= bytes.len() {
            break;
        }
    }
    None
}

/// The RSS 0.90 namespace, which feed-rs does not know.
const RSS090_NS: &str = "http://my.netscape.com/rdf/simple/0.9/";
/// RSS 1.0 has the same shape (rdf:RDF with channel and items) under this namespace.
const RSS10_NS: &str = "http://purl.org/rss/1.0/";

/// An RSS 0.90 document rewritten as RSS 1.0 (the elements are the same), so that feed-rs reads it.
fn rss090_as_rss10(bytes: &[u8]) -> Option<Vec<u8>> {
    let head = &bytes[..bytes.len().min(2048)];
    let at = head
        .windows(RSS090_NS.len())
        .position(|w| w == RSS090_NS.as_bytes())?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(RSS10_NS.as_bytes());
    out.extend_from_slice(&bytes[at + RSS090_NS.len()..]);
    Some(out)
}

/// Parses a feed document (UTF-8, or with an encoding the document declares) into entries,
/// keeping at most `max_entries` and `max_text` characters of each title and text.
pub fn parse_feed(
    bytes: &[u8],
    max_entries: usize,
    max_text: usize,
) -> Result<ParsedFeed, FeedError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FeedError::Empty);
    }
    if let Some(depth) = too_deep(bytes) {
        return Err(FeedError::TooDeep(depth));
    }
    let rss090 = rss090_as_rss10(bytes);
    let bytes = rss090.as_deref().unwrap_or(bytes);
    let parsed = std::panic::catch_unwind(|| {
        feed_rs::parser::Builder::new()
            .sanitize_content(false)
            // feed-rs invents an id for entries without one (a hash of link and title, or a
            // random one); an empty id marks them instead, and `dedup` falls back to the URL or
            // content.
            .id_generator(|_, _, _| String::new())
            .build()
            .parse(bytes)
    })
    .map_err(|panic| FeedError::ParserPanic(crate::panic_message(&*panic)))?;
    let feed = parsed.map_err(FeedError::Parse)?;
    let link = |rel: &str| {
        feed.links
            .iter()
            .find(|l| l.rel.as_deref() == Some(rel))
            .map(|l| l.href.trim().to_owned())
            .filter(|h| h.starts_with("https://") || h.starts_with("http://"))
            .filter(|h| h.len() <= 2_048)
    };
    let (hub, topic) = (link("hub"), link("self"));
    let total = feed.entries.len();
    let mut entries = Vec::with_capacity(total.min(max_entries));
    for e in feed.entries.into_iter().take(max_entries) {
        let guid = Some(e.id.trim().to_owned()).filter(|id| !id.is_empty());
        let link = e
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(e.links.first())
            .map(|l| l.href.trim().to_owned())
            .filter(|h| !h.is_empty());
        let title = e
            .title
            .as_ref()
            .map(|t| html_to_text(&decode_entities(&t.content), max_text.min(2_000)))
            .unwrap_or_default();
        let summary = e
            .summary
            .as_ref()
            .map(|t| html_to_text(&t.content, max_text))
            .unwrap_or_default();
        let content = e
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(|b| html_to_text(b, max_text))
            .unwrap_or_default();
        let text = if content.chars().count() > summary.chars().count() {
            content
        } else {
            summary
        };
        if title.is_empty() && text.is_empty() {
            continue;
        }
        entries.push(Entry {
            guid,
            link,
            title,
            text,
            published: e.published.or(e.updated),
        });
    }
    Ok(ParsedFeed {
        title: feed
            .title
            .map(|t| html_to_text(&t.content, 500))
            .filter(|t| !t.is_empty()),
        ttl_minutes: feed.ttl,
        entries,
        dropped: total.saturating_sub(max_entries),
        hub,
        topic,
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_document_that_makes_the_xml_parser_panic_is_a_failed_feed() {
        // Found by the feed fuzz target: quick-xml 0.42 asserts in set_encoding.
        let bytes = include_bytes!("../../tests/fixtures/fuzz/feed-late-encoding.xml");
        match parse_feed(bytes, 50, 10_000) {
            Err(FeedError::ParserPanic(why)) => assert!(why.contains("encoding"), "{why}"),
            other => panic!("expected a contained parser panic, got {other:?}"),
        }
    }

    use super::*;

    /// WebSub discovery in both families: Atom's own links, and `atom:link` in an RSS channel
    /// (how WordPress and Blogger advertise their hubs).
    #[test]
    fn a_feed_s_hub_and_topic_are_read_from_its_links() {
        let atom = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>
            <link rel="hub" href="https://hub.example/"/><link rel="self" href="https://news.example/atom.xml"/>
            <link rel="alternate" href="https://news.example/"/><updated>2026-12-01T00:00:00Z</updated></feed>"#;
        let f = parse_feed(atom, 10, 1_000).unwrap();
        assert_eq!(f.hub.as_deref(), Some("https://hub.example/"));
        assert_eq!(f.topic.as_deref(), Some("https://news.example/atom.xml"));
        let rss = br#"<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
            <title>t</title><link>https://news.example/</link><description>d</description>
            <atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/>
            <atom:link rel="self" type="application/rss+xml" href="https://news.example/feed/"/>
            </channel></rss>"#;
        let f = parse_feed(rss, 10, 1_000).unwrap();
        assert_eq!(f.hub.as_deref(), Some("https://pubsubhubbub.appspot.com/"));
        assert_eq!(f.topic.as_deref(), Some("https://news.example/feed/"));
        // A hub that is no web address is no hub.
        let odd = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>
            <link rel="hub" href="javascript:alert(1)"/><updated>2026-12-01T00:00:00Z</updated></feed>"#;
        assert_eq!(parse_feed(odd, 10, 1_000).unwrap().hub, None);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = format!(
            "<rss>{}{}</rss>",
            "<a>".repeat(100_000),
            "</a>".repeat(100_000)
        );
        assert!(matches!(
            parse_feed(doc.as_bytes(), 10, 100),
            Err(FeedError::TooDeep(_))
        ));
        let brs = "<br>".repeat(1000);
        let ok = format!("<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><description><![CDATA[{brs}]]></description></item></channel></rss>");
        assert!(parse_feed(ok.as_bytes(), 10, 100).is_ok());
    }

    #[test]
    fn reads_rss_with_and_without_guid() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>T</title><ttl>30</ttl>
<item><title>هجوم &amp; كمين</title><link>https://a.example/1</link><guid>g-1</guid>
<description>&lt;p&gt;نص &lt;b&gt;الخبر&lt;/b&gt;&lt;/p&gt;</description></item>
<item><title>بلا معرف</title><link>https://a.example/2</link></item>
</channel></rss>"#;
        let f = parse_feed(rss.as_bytes(), 10, 1000).unwrap();
        assert_eq!(f.ttl_minutes, Some(30));
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[0].guid.as_deref(), Some("g-1"));
        assert_eq!(f.entries[0].title, "هجوم & كمين");
        assert_eq!(f.entries[0].text, "نص الخبر");
        assert_eq!(f.entries[1].guid, None);
        let f = parse_feed(rss.as_bytes(), 1, 1000).unwrap();
        assert_eq!((f.entries.len(), f.dropped), (1, 1));
    }
}
