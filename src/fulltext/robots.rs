//! robots.txt (RFC 9309): the group for our product token, else `*`; the longest matching
//! `Allow`/`Disallow` path wins, `Allow` on a tie; `*` and `$` in paths. A robots.txt that
//! cannot be had for a 4xx means no rules; a 5xx or unreachable one disallows the site for now.

/// The rules of one site for one user agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Robots {
    /// (allow, path pattern)
    rules: Vec<(bool, String)>,
    /// Everything disallowed (robots.txt unreachable or 5xx).
    all_disallowed: bool,
}

/// The longest robots.txt read (RFC 9309 asks for at least 500 KiB).
pub const MAX_ROBOTS_BYTES: u64 = 512 * 1024;

impl Robots {
    /// No rules: everything is allowed.
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// The site is off limits for now (its robots.txt answered 5xx or could not be fetched).
    pub fn disallow_all() -> Robots {
        Robots {
            rules: Vec::new(),
            all_disallowed: true,
        }
    }

    /// Parses a robots.txt for `agent` (our product token, matched case-insensitively).
    pub fn parse(text: &str, agent: &str) -> Robots {
        let agent = agent.to_ascii_lowercase();
        // Groups: consecutive user-agent lines, then their rules.
        let mut ours: Vec<(bool, String)> = Vec::new();
        let mut star: Vec<(bool, String)> = Vec::new();
        let (mut found_ours, mut found_star) = (false, false);
        let mut agents: Vec<String> = Vec::new();
        let mut in_rules = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if in_rules {
                        agents.clear();
                        in_rules = false;
                    }
                    agents.push(value.to_ascii_lowercase());
                }
                "allow" | "disallow" => {
                    in_rules = true;
                    let allow = key == "allow";
                    // An empty Disallow allows everything: no rule.
                    if value.is_empty() {
                        continue;
                    }
                    let is_ours = agents
                        .iter()
                        .any(|a| a != "*" && agent.starts_with(a.as_str()));
                    let is_star = agents.iter().any(|a| a == "*");
                    if is_ours {
                        found_ours = true;
                        ours.push((allow, value.to_owned()));
                    } else if is_star {
                        found_star = true;
                        star.push((allow, value.to_owned()));
                    }
                }
                _ => {}
            }
            // A group naming us with no rules at all still is ours.
            if key == "user-agent"
                && agents
                    .iter()
                    .any(|a| a != "*" && agent.starts_with(a.as_str()))
            {
                found_ours = true;
            }
            if key == "user-agent" && agents.iter().any(|a| a == "*") {
                found_star = true;
            }
        }
        let rules = if found_ours {
            ours
        } else if found_star {
            star
        } else {
            Vec::new()
        };
        Robots {
            rules,
            all_disallowed: false,
        }
    }

    /// Whether `path` (with its query) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        if self.all_disallowed {
            return false;
        }
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// A robots.txt path pattern: a prefix with `*` for any run of characters, `$` for the end.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            at = part.len();
            continue;
        }
        if i == parts.len() - 1 && anchored {
            return path.len() >= at + part.len() && path.ends_with(part);
        }
        match path[at..].find(part) {
            Some(p) => at += p + part.len(),
            None => return false,
        }
    }
    !anchored || at == path.len() || parts.len() > 1 && parts.last() == Some(&"")
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
    }

    #[test]
    fn the_longest_rule_wins_and_allow_breaks_ties() {
        let r = Robots::parse(TXT, "otherbot");
        assert!(!r.allows("/private/x"));
        assert!(r.allows("/private/open/page"));
        let tie = Robots::parse("User-agent: *\nDisallow: /a\nAllow: /a\n", "x");
        assert!(tie.allows("/a"));
    }

    #[test]
    fn empty_and_unreachable() {
        assert!(Robots::parse("", "x").allows("/anything"));
        assert!(Robots::parse("User-agent: *\nDisallow:\n", "x").allows("/a"));
        assert!(!Robots::parse("User-agent: *\nDisallow: /\n", "x").allows("/a"));
        assert!(!Robots::disallow_all().allows("/"));
    }
}
