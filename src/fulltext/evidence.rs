//! What the publisher says of its page, by the standards made for it: schema.org JSON-LD
//! (`NewsArticle`, `Article`, `ReportageNewsArticle`… with `headline`, `articleBody`,
//! `description`, `datePublished`, alone, in arrays or in an `@graph`) and Open Graph. A body
//! the publisher marks is the story's own text with no furniture in it, whatever the layout;
//! where a page has one that is this item's, it is read before any guess from the markup.

use serde_json::Value;

use super::blocks::Page;

/// An article the page describes in JSON-LD.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marked {
    pub headline: String,
    /// `articleBody`, as text (markup inside it read as a browser would).
    pub body: String,
    pub description: String,
    pub published: String,
}

/// schema.org types of a news or blog article (`Article` and its subtypes a newsroom uses).
const ARTICLE_TYPES: &[&str] = &[
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "SocialMediaPosting",
    "Report",
];

/// JSON-LD nodes looked at in one page at most: a page that lists a thousand articles in its
/// `@graph` costs no more than this.
const MAX_NODES: usize = 10_000;

/// Every article of the page's JSON-LD, in the order they come.
pub fn marked_articles(page: &Page) -> Vec<Marked> {
    let mut out = Vec::new();
    for script in &page.json_ld {
        let Some(value) = parse_lenient(script) else {
            continue;
        };
        let mut stack = vec![&value];
        let mut seen = 0;
        while let Some(v) = stack.pop() {
            seen += 1;
            if seen > MAX_NODES {
                break;
            }
            match v {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => {
                    if is_article(map.get("@type")) {
                        let mut body = body_text(&string(map.get("articleBody")));
                        if body.is_empty() {
                            body = updates(map.get("liveBlogUpdate"));
                        }
                        out.push(Marked {
                            headline: string(map.get("headline").or_else(|| map.get("name"))),
                            body,
                            description: string(map.get("description")),
                            published: string(map.get("datePublished")),
                        });
                    }
                    // Articles nest: in `@graph`, `mainEntity`, `hasPart`, `itemListElement`.
                    let mut nested: Vec<&Value> = map
                        .iter()
                        .filter(|(k, _)| !matches!(k.as_str(), "articleBody" | "description"))
                        .map(|(_, v)| v)
                        .filter(|v| v.is_array() || v.is_object())
                        .collect();
                    nested.reverse();
                    stack.extend(nested);
                }
                _ => {}
            }
        }
    }
    out
}

/// A live blog's text: the bodies of its updates (`LiveBlogPosting.liveBlogUpdate`), one a
/// line, in the order the page lists them.
fn updates(list: Option<&Value>) -> String {
    let items: Vec<&Value> = match list {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    items
        .iter()
        .take(MAX_NODES)
        .map(|u| body_text(&string(u.get("articleBody"))))
        .filter(|b| !b.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// JSON as publishers write it: raw line breaks and tabs inside strings (invalid JSON, and
/// common in `articleBody`) read as spaces.
fn parse_lenient(script: &str) -> Option<Value> {
    let text = script
        .trim()
        .trim_start_matches("<!--")
        .trim_end_matches("-->");
    serde_json::from_str(text).ok().or_else(|| {
        let flat: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        serde_json::from_str(&flat).ok()
    })
}

fn is_article(t: Option<&Value>) -> bool {
    let named = |s: &str| {
        let s = s.rsplit(['/', ':']).next().unwrap_or(s);
        ARTICLE_TYPES.contains(&s)
    };
    match t {
        Some(Value::String(s)) => named(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(named),
        _ => false,
    }
}

/// A string field (or the first string of an array of them), trimmed.
fn string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Array(a)) => a
            .iter()
            .find_map(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_owned(),
        _ => String::new(),
    }
}

/// `articleBody` as text: some publishers put HTML in it (paragraphs, entities), some escape
/// that HTML once more («&lt;p&gt;»); it is read as a page's blocks are, one a line, twice at
/// most.
fn body_text(body: &str) -> String {
    let mut text = body.to_owned();
    for _ in 0..2 {
        if !text.contains(['<', '&']) {
            break;
        }
        let limits = super::guard::PageLimits::default();
        let deadline = std::time::Instant::now() + limits.budget;
        text = match super::blocks::parse(&text, &limits, deadline) {
            Ok(p) => p
                .blocks
                .iter()
                .map(|b| b.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            Err(_) => return String::new(),
        };
        if !markup(&text) {
            break;
        }
    }
    text.split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a text still holds tags: «<p», «</div», «<br».
fn markup(text: &str) -> bool {
    text.match_indices('<').any(|(at, _)| {
        text[at + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
    })
}

/// The first `<meta>` of the page with one of `keys` (`og:title`, `description`…).
pub fn meta<'p>(page: &'p Page, keys: &[&str]) -> Option<&'p str> {
    keys.iter().find_map(|k| {
        page.metas
            .iter()
            .find(|(name, content)| name == k && !content.trim().is_empty())
            .map(|(_, c)| c.trim())
    })
}

/// Whether a marked body looks cut short by its publisher («…» at its end): a teaser of the
/// story, not the story.
pub fn truncated(body: &str) -> bool {
    let end = body.trim_end();
    end.ends_with('…') || end.ends_with("...") || end.ends_with("[…]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fulltext::blocks::parse_for_test as page;

    #[test]
    fn articles_in_objects_arrays_and_graphs() {
        let html = r#"<html><head>
            <script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","name":"الموقع"}</script>
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"BreadcrumbList","itemListElement":[]},
              {"@type":["NewsArticle"],"headline":"هجوم في غاو","articleBody":"<p>قال مصدر &quot;أمني&quot; إن.</p><p>فقرة ثانية.</p>",
               "datePublished":"2018-03-02T10:00:00Z","description":"ملخص"}]}</script>
            <script type="application/ld+json">[{"@type":"http://schema.org/ReportageNewsArticle","headline":"خبر ثان","articleBody":"سطر
أول	وسطر ثان"}]</script>
            <meta property="og:title" content="عنوان الصفحة"><meta name="description" content="وصف">
            </head><body><p>نص</p></body></html>"#;
        let p = page(html);
        let found = marked_articles(&p);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].headline, "هجوم في غاو");
        assert_eq!(found[0].body, "قال مصدر \"أمني\" إن.\nفقرة ثانية.");
        assert_eq!(found[0].published, "2018-03-02T10:00:00Z");
        assert_eq!(found[0].description, "ملخص");
        // Raw line breaks and tabs inside a string, as publishers write them.
        assert_eq!(found[1].body, "سطر أول وسطر ثان");
        // HTML escaped once more.
        assert_eq!(
            body_text("&lt;p&gt;فقرة &amp;amp; أخرى&lt;/p&gt;&lt;p&gt;ثانية&lt;/p&gt;"),
            "فقرة & أخرى\nثانية"
        );
        assert_eq!(meta(&p, &["og:title", "title"]), Some("عنوان الصفحة"));
        assert_eq!(meta(&p, &["og:description", "description"]), Some("وصف"));
    }

    #[test]
    fn a_live_blog_is_the_text_of_its_updates() {
        let p = page(
            r#"<script type="application/ld+json">{"@type":"LiveBlogPosting","headline":"تغطية مباشرة",
            "liveBlogUpdate":[{"@type":"BlogPosting","headline":"تحديث 1","articleBody":"الأول."},
                              {"@type":"BlogPosting","headline":"تحديث 2","articleBody":"الثاني."}]}</script>"#,
        );
        let found = marked_articles(&p);
        assert_eq!(found[0].body, "الأول.\nالثاني.");
    }

    #[test]
    fn broken_json_and_other_types_give_nothing() {
        let p = page(
            r#"<script type="application/ld+json">{"@type":"NewsArticle", "headline": </script>
            <script type="application/ld+json">{"@type":"Organization","name":"x"}</script>"#,
        );
        assert!(marked_articles(&p).is_empty());
    }

    #[test]
    fn a_teaser_body_is_known_by_its_ellipsis() {
        assert!(truncated("قال مصدر أمني إن مسلحين هاجموا…"));
        assert!(truncated("قال مصدر أمني ... "));
        assert!(!truncated("قال مصدر أمني إن مسلحين هاجموا موقعا."));
    }
}
