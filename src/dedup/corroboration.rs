//! How solid a story is, as an analyst weighs it first: one outlet's report, or several
//! independent publishers; a claim of responsibility; a denial. Pure, from a story's
//! [`Facts`].

use serde::Serialize;

use super::Facts;
use crate::detect::RulePack;

/// The publisher behind a host: its registrable domain by the Public Suffix List, as browsers
/// and crawlers read it, without `www.` or a section sub-domain (`arabic.rt.com` and
/// `www.rt.com` are one publisher, `rt.com`; `www.bbc.co.uk` is `bbc.co.uk`; two blogs on
/// `blogspot.com` are two publishers). Two feeds of one site are one publisher, not two
/// sources. An address (tests, intranets) or a name with no public suffix (`localhost`) is its
/// own publisher.
pub fn publisher_of_host(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    match psl::domain_str(&host) {
        Some(domain) => domain.to_owned(),
        None => host,
    }
}

/// The publisher of an item: the one configured for its feed, else the site of the item's
/// link, else the site of the feed.
pub fn publisher(configured: Option<&str>, link: Option<&str>, feed_url: &url::Url) -> String {
    if let Some(p) = configured.map(str::trim).filter(|p| !p.is_empty()) {
        return p.to_lowercase();
    }
    let link_host = link
        .and_then(|l| url::Url::parse(l).ok())
        .and_then(|u| u.host_str().map(str::to_owned));
    match link_host.or_else(|| feed_url.host_str().map(str::to_owned)) {
        Some(h) => publisher_of_host(&h),
        None => String::new(),
    }
}

/// How well a story is corroborated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Corroboration {
    /// "single source" or "corroborated".
    pub level: &'static str,
    /// Independent publishers that reported it (at least 1).
    pub outlets: usize,
    pub publishers: Vec<String>,
    /// A claim of responsibility is reported.
    pub claimed: bool,
    /// The groups named in the story, when it is claimed.
    pub claimed_by: Vec<String>,
    /// A report of it is denied or disputed.
    pub disputed: bool,
}

impl Corroboration {
    pub fn of(rules: &RulePack, f: &Facts) -> Corroboration {
        let outlets = f.publishers.len().max(1);
        let claimed_by = if f.claimed {
            f.groups
                .iter()
                .filter_map(|g| rules.entity(g))
                .map(|e| e.name_en.clone().unwrap_or_else(|| e.name.clone()))
                .collect()
        } else {
            Vec::new()
        };
        Corroboration {
            level: if outlets >= 2 {
                "corroborated"
            } else {
                "single source"
            },
            outlets,
            publishers: f.publishers.clone(),
            claimed: f.claimed,
            claimed_by,
            disputed: f.disputed,
        }
    }

    /// One line: «corroborated by 3 independent outlets; claimed by JNIM; disputed».
    pub fn summary(&self) -> String {
        let mut out = if self.outlets >= 2 {
            format!("corroborated by {} independent outlets", self.outlets)
        } else {
            "single source".to_owned()
        };
        if self.claimed {
            if self.claimed_by.is_empty() {
                out.push_str("; responsibility claimed");
            } else {
                out.push_str("; claimed by ");
                out.push_str(&self.claimed_by.join(", "));
            }
        }
        if self.disputed {
            out.push_str("; denied or disputed");
        }
        out
    }

    /// The short Arabic form for a subject: «مصدر واحد», «3 مصادر مستقلة», with «تبنٍّ» and
    /// «نفي» when they apply.
    pub fn arabic(&self) -> String {
        let mut parts = vec![if self.outlets >= 2 {
            format!("{} مصادر مستقلة", self.outlets)
        } else {
            "مصدر واحد".to_owned()
        }];
        if self.claimed {
            parts.push("تبنٍّ".to_owned());
        }
        if self.disputed {
            parts.push("نفي".to_owned());
        }
        parts.join("، ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_and_its_sections_are_one_publisher() {
        for (host, publisher) in [
            ("www.aljazeera.net", "aljazeera.net"),
            ("aljazeera.net", "aljazeera.net"),
            ("arabic.rt.com", "rt.com"),
            ("www.aa.com.tr", "aa.com.tr"),
            ("feeds.bbci.co.uk", "bbci.co.uk"),
            ("www.aps.dz", "aps.dz"),
            ("WWW.France24.com.", "france24.com"),
            ("127.0.0.1", "127.0.0.1"),
            ("localhost", "localhost"),
            // Public suffixes our own table of second-level labels got wrong: `gov.ng`,
            // `com.ng` and `gouv.ml` are suffixes; `blogspot.com` and `github.io` host
            // independent sites.
            ("www.premiumtimesng.com", "premiumtimesng.com"),
            ("statehouse.gov.ng", "statehouse.gov.ng"),
            ("www.sahara.com.ng", "sahara.com.ng"),
            ("one.blogspot.com", "one.blogspot.com"),
            ("two.blogspot.com", "two.blogspot.com"),
            ("news.someone.github.io", "someone.github.io"),
            ("www.primature.gouv.ml", "primature.gouv.ml"),
            ("www.primature.gov.bf", "primature.gov.bf"),
        ] {
            assert_eq!(publisher_of_host(host), publisher, "{host}");
        }
    }

    #[test]
    fn the_configured_publisher_wins_then_the_link_then_the_feed() {
        let feed = url::Url::parse("https://feeds.example.org/rss").unwrap();
        assert_eq!(
            publisher(Some("Anadolu"), Some("https://x.y/1"), &feed),
            "anadolu"
        );
        assert_eq!(
            publisher(None, Some("https://www.alwasat.ly/news/1"), &feed),
            "alwasat.ly"
        );
        assert_eq!(publisher(None, Some("not a url"), &feed), "example.org");
        assert_eq!(publisher(None, None, &feed), "example.org");
    }

    #[test]
    fn corroboration_counts_publishers_and_names_claims_and_denials() {
        let rules = RulePack::bundled();
        let mut f = Facts {
            publishers: vec!["aljazeera.net".into()],
            ..Facts::default()
        };
        let c = Corroboration::of(&rules, &f);
        assert_eq!((c.level, c.outlets), ("single source", 1));
        assert_eq!(c.summary(), "single source");
        f.publishers.push("france24.com".into());
        f.claimed = true;
        f.disputed = true;
        let c = Corroboration::of(&rules, &f);
        assert_eq!((c.level, c.outlets), ("corroborated", 2));
        assert_eq!(
            c.summary(),
            "corroborated by 2 independent outlets; responsibility claimed; denied or disputed"
        );
        assert_eq!(c.arabic(), "2 مصادر مستقلة، تبنٍّ، نفي");
        // A story stored before publishers were kept is one source.
        assert_eq!(Corroboration::of(&rules, &Facts::default()).outlets, 1);
    }
}
