//! robots.txt (RFC 9309), read by the `texting_robots` crate (tested against Google's and Moz's
//! robots.txt suites and tens of millions of real files): the group for our product token, else
//! `*`, groups naming us combined; the longest matching `Allow`/`Disallow` path wins, `Allow` on
//! a tie; `*` and `$` in paths; paths outside ASCII percent-encoded before they are compared.
//! A robots.txt that cannot be had for a 4xx means no rules; a 5xx or unreachable one disallows
//! the site for now (both decided in `pages`).

use texting_robots::Robot;

/// The rules of one site for one user agent.
#[derive(Debug, Default)]
pub struct Robots(Rules);

#[derive(Debug, Default)]
enum Rules {
    /// No rules: everything is allowed.
    #[default]
    None,
    /// Everything disallowed (robots.txt unreachable or 5xx).
    AllDisallowed,
    /// The rules of the group that applies to us.
    Parsed(Robot),
}

/// The longest robots.txt read (RFC 9309 asks for at least 500 KiB).
pub const MAX_ROBOTS_BYTES: u64 = 512 * 1024;

impl Robots {
    /// No rules: everything is allowed.
    pub fn allow_all() -> Robots {
        Robots(Rules::None)
    }

    /// The site is off limits for now (its robots.txt answered 5xx or could not be fetched).
    pub fn disallow_all() -> Robots {
        Robots(Rules::AllDisallowed)
    }

    /// Parses a robots.txt for `agent`: our product token, or a whole user agent
    /// («sahel-watch/0.1 (+https://…)») whose product token is read from its start; groups are
    /// matched to it case-insensitively.
    ///
    /// `texting_robots` answers an error for a whole file when one part of it cannot be read: in
    /// practice a `$` rule whose pattern is too large for the bounded regex it is compiled to.
    /// RFC 9309 (2.2) says crawlers MUST use the parseable rules, so the file is then read again
    /// without the lines that fail on their own: the rules a site wrote properly still hold, and
    /// only those that nobody can read are dropped (rather than dropping the whole file, which
    /// would also drop its readable `Disallow` lines). Should that still fail, the file counts as
    /// having no rules, as a robots.txt that is not there (4xx) does. Lines are read as UTF-8 (the
    /// caller decodes lossily), as the RFC requires.
    ///
    /// One difference from the RFC that errs on the polite side: rules in a file with no
    /// `User-agent` line at all apply to every crawler (the RFC says no rules apply).
    pub fn parse(text: &str, agent: &str) -> Robots {
        let token = product_token(agent);
        let robot = Robot::new(token, text.as_bytes()).or_else(|_| {
            let readable: Vec<&str> = text
                .lines()
                .filter(|line| Robot::new(token, line.as_bytes()).is_ok())
                .collect();
            Robot::new(token, readable.join("\n").as_bytes())
        });
        match robot {
            Ok(mut robot) => {
                // Sitemaps are of no use here, and thousands of sites are remembered.
                robot.sitemaps = Vec::new();
                Robots(Rules::Parsed(robot))
            }
            Err(_) => Robots::allow_all(),
        }
    }

    /// Whether `path` (with its query, percent-encoded as in a URL) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        match &self.0 {
            Rules::None => true,
            Rules::AllDisallowed => false,
            Rules::Parsed(robot) => robot.allowed(path),
        }
    }
}

/// The product token at the start of a user agent (RFC 9309 2.2.1: letters, `-` and `_`).
fn product_token(agent: &str) -> &str {
    let agent = agent.trim();
    let end = agent
        .find(|c: char| !(c.is_ascii_alphabetic() || c == '-' || c == '_'))
        .unwrap_or(agent.len());
    &agent[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "User-agent: *\nDisallow: /private/\nAllow: /private/open\n\n\
                       User-agent: sahel-watch\nDisallow: /news/*.pdf$\nDisallow: /search\n";

    #[test]
    fn our_group_wins_over_star() {
        let r = Robots::parse(TXT, "sahel-watch/0.1");
        assert!(r.allows("/private/x"), "the * group does not apply to us");
        assert!(!r.allows("/search?q=1"));
        assert!(!r.allows("/news/a.pdf"));
        assert!(r.allows("/news/a.pdf.html"));
        assert!(r.allows("/news/2018/mali.html"));
        // The product token is matched case-insensitively, whichever side is in capitals.
        assert!(!Robots::parse(TXT, "Sahel-Watch").allows("/search"));
        let upper = "User-agent: SAHEL-WATCH\nDisallow: /search\n";
        assert!(!Robots::parse(upper, "sahel-watch").allows("/search"));
    }

    #[test]
    fn the_longest_rule_wins_and_allow_breaks_ties() {
        let r = Robots::parse(TXT, "otherbot");
        assert!(!r.allows("/private/x"));
        assert!(r.allows("/private/open/page"));
        let tie = Robots::parse("User-agent: *\nDisallow: /a\nAllow: /a\n", "x");
        assert!(tie.allows("/a"));
        let tie = Robots::parse("User-agent: *\nAllow: /a\nDisallow: /a\n", "x");
        assert!(tie.allows("/a"), "Allow wins a tie in either order");
        // RFC 9309 5.2: the longer Disallow beats the shorter Allow.
        let longest = "User-Agent: foobot\nAllow: /example/page/\n\
                       Disallow: /example/page/disallowed.gif\n";
        let r = Robots::parse(longest, "foobot");
        assert!(!r.allows("/example/page/disallowed.gif"));
        assert!(r.allows("/example/page/allowed.gif"));
    }

    #[test]
    fn empty_and_unreachable() {
        assert!(Robots::parse("", "x").allows("/anything"));
        assert!(Robots::parse("User-agent: *\nDisallow:\n", "x").allows("/a"));
        assert!(!Robots::parse("User-agent: *\nDisallow: /\n", "x").allows("/a"));
        assert!(!Robots::disallow_all().allows("/"));
        assert!(Robots::allow_all().allows("/"));
        assert!(Robots::default().allows("/"));
    }

    /// RFC 9309 2.2.1: a group is for the product token it names, not for every token that
    /// starts with it (the old parser gave us the group of «sahel»).
    #[test]
    fn a_group_for_a_prefix_of_our_token_is_not_ours() {
        let txt = "User-agent: sahel\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n";
        let r = Robots::parse(txt, "sahel-watch/0.1");
        assert!(r.allows("/news/1.html"), "«sahel»'s group is not ours");
        assert!(!r.allows("/private/x"), "the * group is");
    }

    /// RFC 9309 2.2.1: groups naming the same product token are combined.
    #[test]
    fn groups_naming_us_are_combined() {
        let txt = "user-agent: ExampleBot\ndisallow: /foo\ndisallow: /bar\n\n\
                   user-agent: other\ndisallow: /qux\n\n\
                   user-agent: ExampleBot\ndisallow: /baz\n";
        let r = Robots::parse(txt, "ExampleBot/0.1");
        assert!(!r.allows("/foo"));
        assert!(!r.allows("/bar"));
        assert!(!r.allows("/baz"));
        assert!(r.allows("/qux"));
    }

    /// RFC 9309 2.2.3: `$` ends the pattern, `*` is any run of characters.
    #[test]
    fn end_anchor_and_wildcard() {
        let txt =
            "User-agent: *\nDisallow: /\nAllow: /this/path/exactly$\nAllow: /that/*/exactly\n";
        let r = Robots::parse(txt, "sahel-watch");
        assert!(r.allows("/this/path/exactly"));
        assert!(!r.allows("/this/path/exactly/not"));
        assert!(
            !r.allows("/this/path/exactly?q=1"),
            "the query is part of what is matched"
        );
        assert!(r.allows("/that/one/exactly"));
        assert!(r.allows("/that/one/two/exactly/and/more"));
        assert!(!r.allows("/that/exactly"));
        // RFC 9309 5.1: `*.gif$` is every path ending in .gif, at any depth.
        let r = Robots::parse("User-Agent: *\nDisallow: *.gif$\n", "x");
        assert!(!r.allows("/a/b/c.gif"));
        assert!(r.allows("/a/b/c.gif.html"));
    }

    /// RFC 9309 2.2.2: paths outside ASCII are percent-encoded before they are compared, so a
    /// rule written in Arabic applies to the URL's encoded path (the old parser compared the
    /// UTF-8 rule with the encoded path, and nothing matched).
    #[test]
    fn rules_outside_ascii_match_percent_encoded_paths() {
        // The RFC's example: /foo/bar/ツ is /foo/bar/%E3%83%84.
        let r = Robots::parse("User-agent: *\nDisallow: /foo/bar/ツ\n", "x");
        assert!(!r.allows("/foo/bar/%E3%83%84"));
        assert!(r.allows("/foo/bar/baz"));
        // أخبار («news»), as url::Url writes the path of https://example.com/أخبار/1.html.
        let url = url::Url::parse("https://example.com/أخبار/1.html").unwrap();
        assert_eq!(url.path(), "/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1.html");
        let r = Robots::parse(
            "User-agent: sahel-watch\nDisallow: /أخبار/\n",
            "sahel-watch",
        );
        assert!(!r.allows(url.path()));
        assert!(r.allows("/news/1.html"));
        // The same rule already encoded by the site.
        let txt = "User-agent: sahel-watch\nDisallow: /%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/\n";
        assert!(!Robots::parse(txt, "sahel-watch").allows(url.path()));
    }

    /// A byte order mark before the first group does not hide it (the old parser lost the
    /// first group: its first key read «\u{feff}user-agent»).
    #[test]
    fn a_byte_order_mark_is_skipped() {
        let r = Robots::parse("\u{feff}User-agent: *\nDisallow: /private/\n", "x");
        assert!(!r.allows("/private/x"));
        assert!(r.allows("/public/x"));
    }

    /// A rule `texting_robots` cannot read (a `$` pattern past its regex bounds) makes it refuse
    /// the whole file; the readable rules around it still hold, as RFC 9309 2.2 asks.
    #[test]
    fn an_unreadable_rule_is_dropped_and_the_rest_kept() {
        let huge = format!("/x{}$", "a*b".repeat(2_000));
        let txt = format!("User-agent: *\nDisallow: /private/\nDisallow: {huge}\nAllow: /o\n");
        assert!(
            Robot::new("x", txt.as_bytes()).is_err(),
            "the test needs a rule the crate refuses"
        );
        let r = Robots::parse(&txt, "x");
        assert!(!r.allows("/private/x"));
        let matched_by_huge = format!("/x{}", "ab".repeat(2_000));
        assert!(r.allows(&matched_by_huge), "the unreadable rule is dropped");
        assert!(r.allows("/o"));
    }

    #[test]
    fn the_product_token_is_the_start_of_the_user_agent() {
        assert_eq!(product_token("sahel-watch/0.1 (+https://x)"), "sahel-watch");
        assert_eq!(product_token("sahel-watch"), "sahel-watch");
        assert_eq!(product_token(" Example_Bot 2"), "Example_Bot");
    }
}
