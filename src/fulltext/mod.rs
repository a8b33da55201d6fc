//! The full-text stage, between `feed` and `detect`. Real outlets put a headline and a sentence
//! or two in their feeds and the article behind the link; a Sahel security report judged on its
//! summary is often missed. For a candidate item (see [`crate::detect::candidate`]) whose entry
//! is only a summary, the page is fetched politely and its main text, without the page's
//! furniture, is what the item is analysed, stored and quoted on. A page that fails leaves the
//! item on its summary, with the reason recorded; the item is never lost or held back.
//!
//! [`decide`] is the pure decision, [`Pages`] the I/O (robots.txt, host limits, fetch, extract).

pub mod article;
pub mod blocks;
mod evidence;
mod extract;
pub mod guard;
mod pages;
mod robots;
mod sites;
mod story;
mod tree;

pub use article::Expected;
pub use extract::{decode_page, explain, is_html, main_text, ExtractError};
pub use guard::{PageLimits, Refused};
pub use pages::{PageError, Pages};
pub use robots::Robots;
pub use sites::SiteMemory;

use serde::Serialize;

/// When the article page behind an item's link is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FullText {
    /// For candidates (a cheap check of headline and summary) whose entry is only a summary.
    #[default]
    Auto,
    /// For every item whose entry is only a summary, candidate or not.
    Always,
    /// Never: items are analysed on what the feed carries.
    Never,
}

impl FullText {
    pub fn parse(s: &str) -> Option<FullText> {
        match s {
            "auto" => Some(FullText::Auto),
            "always" => Some(FullText::Always),
            "never" => Some(FullText::Never),
            _ => None,
        }
    }
}

/// Where the text of an item came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextSource {
    /// The feed entry carried the article (content, or a long description).
    Feed,
    /// The article page behind the item's link.
    Page,
    /// Only the feed's summary.
    Summary,
}

impl TextSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TextSource::Feed => "feed",
            TextSource::Page => "page",
            TextSource::Summary => "summary",
        }
    }

    pub fn parse(s: &str) -> Option<TextSource> {
        match s {
            "feed" => Some(TextSource::Feed),
            "page" => Some(TextSource::Page),
            "summary" => Some(TextSource::Summary),
            _ => None,
        }
    }
}

/// Where an item's text came from, with the page's URL (for `Page`) or the reason it is only
/// the summary (for `Summary`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub source: TextSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Provenance {
    pub fn feed() -> Provenance {
        Provenance {
            source: TextSource::Feed,
            note: None,
        }
    }

    pub fn page(url: &str) -> Provenance {
        Provenance {
            source: TextSource::Page,
            note: Some(url.to_owned()),
        }
    }

    pub fn summary(why: impl Into<String>) -> Provenance {
        Provenance {
            source: TextSource::Summary,
            note: Some(why.into()),
        }
    }

    /// One line for people: «article page https://…», «summary only: HTTP 404».
    pub fn describe(&self) -> String {
        match (self.source, &self.note) {
            (TextSource::Feed, _) => "the feed's entry".to_owned(),
            (TextSource::Page, Some(url)) => format!("article page {url}"),
            (TextSource::Page, None) => "article page".to_owned(),
            (TextSource::Summary, Some(why)) => format!("summary only: {why}"),
            (TextSource::Summary, None) => "summary only".to_owned(),
        }
    }
}

/// What the full-text stage does for one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// The entry carries the article: analyse it as it is.
    Feed,
    /// Fetch this page; `why` says what made the item a candidate.
    Page { url: url::Url, why: String },
    /// Analyse the summary; no request is made.
    Summary(String),
}

/// Decides, without I/O, whether an entry's page is fetched. `text_chars` is the length of the
/// entry's text; `candidate` the pre-check's reason when the item is one.
pub fn decide(
    mode: FullText,
    text_chars: usize,
    min_article_chars: usize,
    link: Option<&str>,
    candidate: Option<String>,
) -> Need {
    let carries_article = text_chars >= min_article_chars;
    match mode {
        FullText::Never if carries_article => return Need::Feed,
        FullText::Never => return Need::Summary("full_text = \"never\" for this feed".into()),
        FullText::Auto if carries_article => return Need::Feed,
        FullText::Auto | FullText::Always => {}
    }
    let why = match (mode, candidate) {
        (_, Some(why)) => why,
        (FullText::Always, None) => "full_text = \"always\" for this feed".to_owned(),
        (_, None) => return Need::Summary("not a candidate for its page".into()),
    };
    let Some(link) = link else {
        return Need::Summary("the entry has no link".into());
    };
    match url::Url::parse(link) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Need::Page { url, why },
        Ok(url) => Need::Summary(format!(
            "link {}: only http and https pages are fetched",
            url.scheme()
        )),
        Err(e) => Need::Summary(format!("the link is not a URL: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: Option<&str> = Some("https://news.example/a/1");

    #[test]
    fn an_entry_with_the_article_needs_no_page() {
        assert_eq!(
            decide(FullText::Auto, 900, 600, LINK, Some("x".into())),
            Need::Feed
        );
        assert_eq!(decide(FullText::Never, 900, 600, LINK, None), Need::Feed);
    }

    #[test]
    fn candidates_are_fetched_and_others_cost_nothing() {
        assert!(matches!(
            decide(FullText::Auto, 150, 600, LINK, Some("names ML".into())),
            Need::Page { .. }
        ));
        assert!(matches!(
            decide(FullText::Auto, 150, 600, LINK, None),
            Need::Summary(_)
        ));
        assert!(matches!(
            decide(FullText::Always, 150, 600, LINK, None),
            Need::Page { .. }
        ));
        assert!(matches!(
            decide(FullText::Always, 900, 600, LINK, None),
            Need::Page { .. }
        ));
        assert!(matches!(
            decide(FullText::Never, 150, 600, LINK, Some("names ML".into())),
            Need::Summary(_)
        ));
    }

    #[test]
    fn links_must_be_http() {
        let n = decide(FullText::Auto, 10, 600, Some("ftp://x/y"), Some("c".into()));
        assert!(matches!(n, Need::Summary(w) if w.contains("ftp")));
        let n = decide(FullText::Auto, 10, 600, None, Some("c".into()));
        assert_eq!(n, Need::Summary("the entry has no link".into()));
    }
}
