/// Query parameters that only track the reader; dropped so that the same article shared with
/// different trackers is one item.
fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_")
        || matches!(
            k.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "mc_cid"
                | "mc_eid"
                | "ocid"
                | "igshid"
                | "at_medium"
                | "at_campaign"
                | "at_custom1"
                | "at_custom2"
                | "at_custom3"
                | "at_custom4"
                | "cmpid"
                | "ncid"
                | "ref_src"
                | "xtor"
        )
}

/// The canonical form of an item URL: scheme and host lower-cased (the parser does it), default
/// port, fragment and tracking parameters dropped. `None` for anything that is not http(s).
pub fn canonical_url(raw: &str) -> Option<String> {
    let mut url = url::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_trackers_and_fragments() {
        assert_eq!(
            canonical_url("HTTPS://Www.Example.COM:443/a/b?id=3&utm_source=x#top").as_deref(),
            Some("https://www.example.com/a/b?id=3")
        );
        assert_eq!(canonical_url("javascript:alert(1)"), None);
    }
}
