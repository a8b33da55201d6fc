//! Item identity (DESIGN.md contract 1): the GUID, else the canonical URL, else a hash of the
//! content. The store enforces it with a UNIQUE constraint.

mod story;

pub use story::{
    affinity, best_match, changes, signature, similarity, Facts, Place, StoryPolicy, JOIN_SCORE,
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
    let mut h = Sha256::new();
    h.update(normalize(title).text.as_bytes());
    h.update(b"\n");
    h.update(normalize(text).text.as_bytes());
    let digest = h.finalize();
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
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
}
