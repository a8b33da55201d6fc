//! Item identity (DESIGN.md contract 1): the GUID, else the canonical URL, else a hash of the
//! content. The store enforces it with a UNIQUE constraint.

mod corroboration;
mod incidents;
mod story;

pub use corroboration::{publisher, publisher_of_host, Corroboration};
pub use story::{
    affinity, best_match, changes, follow_up_days, signature, similarity, Facts, Place,
    StoryPolicy, HOSTAGES_FREED, JOIN_SCORE, UNDATED_SLACK,
};

use sha2::{Digest, Sha256};

use crate::arabic::normalize;
use crate::feed::{canonical_url, Entry};

/// How an item is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The key the store enforces as unique.
    pub key: String,
    pub canonical_url: Option<String>,
}

/// sha256 (hex) of the normalized title and text: unchanged by diacritics, spacing or markup,
/// changed by any edit of substance.
pub fn content_hash(title: &str, text: &str) -> String {
    hash_parts(&normalize(title).text, &normalize(text).text)
}

/// [`content_hash`] of an entry whose analysed text («title, line break, body»,
/// `detect::analysed_text`) is already normalized as `analysed`: only the short title is
/// normalized again, the body is the rest of `analysed`. Normalization reads left to right and
/// a line break ends whatever white space surrounds it, so the rest is the body's own
/// normalization whenever the title has no line break of its own (the analysed text turns them
/// into spaces) and normalizes to something; otherwise the body is normalized apart.
pub fn content_hash_of(title: &str, text: &str, analysed: &str) -> String {
    let t = normalize(title).text;
    let rest = (!t.is_empty() && !title.contains(['\n', '\r']))
        .then(|| analysed.strip_prefix(t.as_str()))
        .flatten()
        .and_then(|rest| match rest.strip_prefix('\n') {
            Some(body) => Some(body),
            None => rest.is_empty().then_some(""),
        });
    match rest {
        Some(body) => hash_parts(&t, body),
        None => hash_parts(&t, &normalize(text).text),
    }
}

fn hash_parts(title: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(title.as_bytes());
    h.update(b"\n");
    h.update(text.as_bytes());
    hex(&h.finalize())
}

/// Lowercase hex of a digest (content hashes, webhook signatures, Matrix transaction ids).
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The identity of an entry read from the feed at `feed_url`.
///
/// A GUID that is itself an http(s) URL is treated as one (most publishers use the article URL),
/// so that the same article seen in two feeds is one item. Other GUIDs are only unique per
/// publisher, so they are scoped by the feed's host.
pub fn identity(feed_url: &url::Url, entry: &Entry, content_hash: &str) -> Identity {
    let canonical = entry.link.as_deref().and_then(canonical_url);
    if let Some(guid) = entry.guid.as_deref() {
        if let Some(u) = canonical_url(guid) {
            return Identity {
                key: format!("url:{u}"),
                canonical_url: canonical.or(Some(u)),
            };
        }
        let host = feed_url.host_str().unwrap_or_default().to_ascii_lowercase();
        return Identity {
            key: format!("guid:{host}:{guid}"),
            canonical_url: canonical,
        };
    }
    if let Some(u) = &canonical {
        return Identity {
            key: format!("url:{u}"),
            canonical_url: canonical.clone(),
        };
    }
    Identity {
        key: format!("hash:{content_hash}"),
        canonical_url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(guid: Option<&str>, link: Option<&str>) -> Entry {
        Entry {
            guid: guid.map(str::to_owned),
            link: link.map(str::to_owned),
            title: "t".into(),
            text: "x".into(),
            published: None,
        }
    }

    #[test]
    fn ladder() {
        let feed = url::Url::parse("https://News.example/rss").unwrap();
        let h = content_hash("t", "x");
        assert_eq!(
            identity(&feed, &entry(Some("42"), None), &h).key,
            "guid:news.example:42"
        );
        assert_eq!(
            identity(
                &feed,
                &entry(Some("https://a.example/x?utm_source=rss"), None),
                &h
            )
            .key,
            "url:https://a.example/x"
        );
        assert_eq!(
            identity(&feed, &entry(None, Some("https://a.example/y#c")), &h).key,
            "url:https://a.example/y"
        );
        assert!(identity(&feed, &entry(None, None), &h)
            .key
            .starts_with("hash:"));
        assert_eq!(content_hash("مالِي", "نص"), content_hash("مالي", " نص "));
    }

    fn of(title: &str, text: &str) -> String {
        let analysed = normalize(&crate::detect::analysed_text(title, text)).text;
        content_hash_of(title, text, &analysed)
    }

    #[test]
    fn the_hash_from_the_analysed_text_is_the_hash() {
        for (title, text) in [
            ("مالِي ", " نص"),
            ("", "نص"),
            ("عنوان", ""),
            ("\u{064B}", "نص"),
            ("سطر\nثان", "نص"),
            ("ﷺ", " \n نص"),
            ("عنوان\u{2028}", "\u{200F}نص"),
        ] {
            assert_eq!(
                of(title, text),
                content_hash(title, text),
                "{title:?} {text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_entry_hashes_the_same_either_way(
            title in "[\u{0621}-\u{0652}\u{0640}\u{FEF5}\u{FDFA}\u{200F} a-zA-Z0-9_#\n\r\t\u{2028}.]{0,24}",
            text in "[\u{0621}-\u{0652}\u{0640}\u{FEF5}\u{FDFA}\u{200F} a-zA-Z0-9_#\n\r\t\u{2028}.]{0,48}",
        ) {
            proptest::prop_assert_eq!(of(&title, &text), content_hash(&title, &text));
        }
    }
}
