//! WebSub (W3C Recommendation, 2018), the subscriber's side, as pure decisions: which feeds to
//! subscribe, renew or leave; whether a hub's verification request is one this daemon asked
//! for; whether a pushed body is signed with the subscription's secret. The daemon does the
//! requests and keeps the state in the store; polling goes on beside it as the fallback.

use std::time::Duration;

use hmac::{Hmac, Mac};

/// A feed whose last document advertised a hub (`<link rel="hub">`) and its own URL
/// (`<link rel="self">`, the topic; the feed's URL when it names none).
#[derive(Debug, Clone, PartialEq)]
pub struct Advertised {
    pub feed_id: i64,
    pub hub: String,
    pub topic: String,
}

/// Where a subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubState {
    /// Asked; the hub has not yet verified it.
    Requested,
    /// Verified, with a lease.
    Active,
    /// The hub refused it (`hub.mode=denied`), or the request failed.
    Failed,
    /// Leaving: the feed no longer advertises this hub, or is no longer watched.
    Unsubscribing,
}

impl SubState {
    pub fn as_str(self) -> &'static str {
        match self {
            SubState::Requested => "requested",
            SubState::Active => "active",
            SubState::Failed => "failed",
            SubState::Unsubscribing => "unsubscribing",
        }
    }

    pub fn parse(s: &str) -> Option<SubState> {
        Some(match s {
            "requested" => SubState::Requested,
            "active" => SubState::Active,
            "failed" => SubState::Failed,
            "unsubscribing" => SubState::Unsubscribing,
            _ => return None,
        })
    }
}

/// A subscription as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub feed_id: i64,
    pub hub: String,
    pub topic: String,
    /// The last segment of the callback URL, unique to the subscription.
    pub token: String,
    /// `hub.secret`: the HMAC key of its pushes.
    pub secret: String,
    pub state: SubState,
    /// When it was last asked for (subscribe or unsubscribe).
    pub requested_at: i64,
    /// When the hub verified it, and when its lease ends.
    pub verified_at: Option<i64>,
    pub lease_until: Option<i64>,
}

/// What the subscriber does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Subscribe (or renew) `feed_id` at `hub`; `fresh` when the subscription is new or moved
    /// to another hub or topic (a new token and secret), not a renewal of the same one.
    Subscribe {
        feed_id: i64,
        hub: String,
        topic: String,
        fresh: bool,
    },
    /// Leave the subscription of `feed_id` (its hub and topic as subscribed).
    Unsubscribe { feed_id: i64 },
    /// Forget a subscription whose leaving was asked long ago and never verified.
    Forget { feed_id: i64 },
}

/// When to ask again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubPolicy {
    /// How long a request waits for the hub's verification before it is asked again, and how
    /// long a failed one waits.
    pub retry: Duration,
}

impl Default for SubPolicy {
    fn default() -> Self {
        SubPolicy {
            retry: Duration::from_secs(30 * 60),
        }
    }
}

/// When an active subscription is renewed: at four fifths of its lease (at least a minute
/// before it ends), so that a hub that verifies late still finds it alive; never sooner than
/// [`MIN_RENEWAL`] after the last verification, whatever lease a hub grants.
pub fn renew_at(verified_at: i64, lease_until: i64) -> i64 {
    let lease = (lease_until - verified_at).max(0);
    (lease_until - lease / 5)
        .min(lease_until - 60)
        .max(verified_at + MIN_RENEWAL)
}

/// The shortest time between a verification and the renewal it leads to (seconds).
pub const MIN_RENEWAL: i64 = 10;

/// The actions due at `now`, and when the next one will be (for the subscriber's sleep).
pub fn plan(
    advertised: &[Advertised],
    subs: &[Subscription],
    now: i64,
    policy: SubPolicy,
) -> (Vec<Action>, Option<i64>) {
    let retry = policy.retry.as_secs() as i64;
    let mut actions = Vec::new();
    let mut next: Option<i64> = None;
    let mut later = |at: i64| next = Some(next.map_or(at, |n: i64| n.min(at)));
    for a in advertised {
        let sub = subs.iter().find(|s| s.feed_id == a.feed_id);
        let same = sub.is_some_and(|s| s.hub == a.hub && s.topic == a.topic);
        let due = match sub {
            None => Some(true),
            Some(_) if !same => Some(true),
            Some(s) => {
                let at = match (s.state, s.verified_at, s.lease_until) {
                    (SubState::Active, Some(v), Some(until)) => renew_at(v, until),
                    // A hub that grants no lease: renewed as a retry would be.
                    (SubState::Active, _, _) => s.requested_at + retry * 48,
                    (SubState::Requested | SubState::Failed | SubState::Unsubscribing, _, _) => {
                        s.requested_at + retry
                    }
                };
                if now >= at {
                    Some(false)
                } else {
                    later(at);
                    None
                }
            }
        };
        if let Some(fresh) = due {
            actions.push(Action::Subscribe {
                feed_id: a.feed_id,
                hub: a.hub.clone(),
                topic: a.topic.clone(),
                fresh: fresh || sub.is_none(),
            });
        }
    }
    for s in subs {
        if advertised.iter().any(|a| a.feed_id == s.feed_id) {
            continue;
        }
        match s.state {
            SubState::Unsubscribing if now >= s.requested_at + retry => {
                actions.push(Action::Forget { feed_id: s.feed_id })
            }
            SubState::Unsubscribing => later(s.requested_at + retry),
            SubState::Active | SubState::Requested => {
                actions.push(Action::Unsubscribe { feed_id: s.feed_id })
            }
            SubState::Failed => actions.push(Action::Forget { feed_id: s.feed_id }),
        }
    }
    (actions, next)
}

/// A hub's verification request (the query of its GET to the callback).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verification {
    pub mode: String,
    pub topic: String,
    pub challenge: Option<String>,
    pub lease_seconds: Option<u64>,
    pub reason: Option<String>,
}

impl Verification {
    /// Reads `hub.mode`, `hub.topic`, `hub.challenge`, `hub.lease_seconds` and `hub.reason`
    /// from a query string.
    pub fn from_query(query: &str) -> Verification {
        let mut v = Verification::default();
        for (k, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "hub.mode" => v.mode = value.into_owned(),
                "hub.topic" => v.topic = value.into_owned(),
                "hub.challenge" => v.challenge = Some(value.into_owned()),
                "hub.lease_seconds" => v.lease_seconds = value.parse().ok(),
                "hub.reason" => v.reason = Some(value.into_owned()),
                _ => {}
            }
        }
        v
    }
}

/// What the callback answers a verification request, and what it changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Echo the challenge: the subscription is active until `lease_until` (if the hub says).
    Subscribed {
        challenge: String,
        lease_until: Option<i64>,
    },
    /// Echo the challenge: the subscription is left.
    Unsubscribed { challenge: String },
    /// The hub refused the subscription, for this reason.
    Denied { reason: String },
    /// Not a request this daemon made: 404, and nothing changes.
    Refused(&'static str),
}

/// Decides on a verification request for the subscription its callback token names. A
/// request is confirmed only for the topic subscribed, in the mode last asked for: anyone
/// can call the callback, and a hub must not be able to subscribe the daemon to what it did
/// not ask for.
pub fn verify(sub: Option<&Subscription>, v: &Verification, now: i64) -> Verdict {
    let Some(sub) = sub else {
        return Verdict::Refused("no such subscription");
    };
    if v.topic != sub.topic {
        return Verdict::Refused("not the topic subscribed");
    }
    match (v.mode.as_str(), sub.state, &v.challenge) {
        ("denied", _, _) => Verdict::Denied {
            reason: v.reason.clone().unwrap_or_else(|| "no reason given".into()),
        },
        ("subscribe", SubState::Requested | SubState::Active, Some(c)) => Verdict::Subscribed {
            challenge: c.clone(),
            lease_until: v
                .lease_seconds
                .map(|s| now.saturating_add(s.min(i64::MAX as u64) as i64)),
        },
        ("unsubscribe", SubState::Unsubscribing, Some(c)) => Verdict::Unsubscribed {
            challenge: c.clone(),
        },
        (_, _, None) => Verdict::Refused("no challenge"),
        _ => Verdict::Refused("not the mode asked for"),
    }
}

/// Whether `X-Hub-Signature` (`method=hex`) is the HMAC of `body` under `secret`, by one of
/// the methods the Recommendation names (sha1, sha256, sha384, sha512). A push without a valid
/// signature is ignored: only the hub knows the secret.
pub fn signed(secret: &[u8], header: Option<&str>, body: &[u8]) -> bool {
    let Some((method, hex)) = header.and_then(|h| h.trim().split_once('=')) else {
        return false;
    };
    let Some(given) = from_hex(hex.trim()) else {
        return false;
    };
    fn check<M: Mac + hmac::digest::KeyInit>(secret: &[u8], body: &[u8], given: &[u8]) -> bool {
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(secret) else {
            return false;
        };
        mac.update(body);
        mac.verify_slice(given).is_ok()
    }
    match method.to_ascii_lowercase().as_str() {
        "sha1" => check::<Hmac<sha1::Sha1>>(secret, body, &given),
        "sha256" => check::<Hmac<sha2::Sha256>>(secret, body, &given),
        "sha384" => check::<Hmac<sha2::Sha384>>(secret, body, &given),
        "sha512" => check::<Hmac<sha2::Sha512>>(secret, body, &given),
        _ => false,
    }
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || s.len() > 256 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(feed_id: i64, state: SubState) -> Subscription {
        Subscription {
            feed_id,
            hub: "https://hub.example/".into(),
            topic: format!("https://news.example/{feed_id}.xml"),
            token: format!("t{feed_id}"),
            secret: "s".into(),
            state,
            requested_at: 1_000,
            verified_at: None,
            lease_until: None,
        }
    }

    fn advertised(feed_id: i64) -> Advertised {
        Advertised {
            feed_id,
            hub: "https://hub.example/".into(),
            topic: format!("https://news.example/{feed_id}.xml"),
        }
    }

    const POLICY: SubPolicy = SubPolicy {
        retry: Duration::from_secs(1_800),
    };

    #[test]
    fn a_feed_that_advertises_a_hub_is_subscribed_once() {
        let (actions, _) = plan(&[advertised(1)], &[], 1_000, POLICY);
        assert_eq!(
            actions,
            [Action::Subscribe {
                feed_id: 1,
                hub: "https://hub.example/".into(),
                topic: "https://news.example/1.xml".into(),
                fresh: true
            }]
        );
        // Asked, not yet verified: nothing until the retry, which is the next due time.
        let (actions, next) = plan(
            &[advertised(1)],
            &[sub(1, SubState::Requested)],
            1_100,
            POLICY,
        );
        assert!(actions.is_empty(), "{actions:?}");
        assert_eq!(next, Some(2_800));
        let (actions, _) = plan(
            &[advertised(1)],
            &[sub(1, SubState::Requested)],
            2_800,
            POLICY,
        );
        assert!(matches!(
            actions[..],
            [Action::Subscribe { fresh: false, .. }]
        ));
    }

    /// A lease of 10 000 s verified at 1 000 ends at 11 000; it is renewed at 9 000.
    #[test]
    fn a_lease_is_renewed_at_four_fifths() {
        assert_eq!(renew_at(1_000, 11_000), 9_000);
        // A short lease still renews a minute before its end, and a tiny one ten seconds
        // after its verification, not at once over and over.
        assert_eq!(renew_at(1_000, 1_100), 1_040);
        assert_eq!(renew_at(1_000, 1_030), 1_010);
        let mut active = sub(1, SubState::Active);
        active.verified_at = Some(1_000);
        active.lease_until = Some(11_000);
        let subs = [active];
        let (actions, next) = plan(&[advertised(1)], &subs, 8_999, POLICY);
        assert!(actions.is_empty());
        assert_eq!(next, Some(9_000));
        let (actions, _) = plan(&[advertised(1)], &subs, 9_000, POLICY);
        assert!(matches!(
            actions[..],
            [Action::Subscribe { fresh: false, .. }]
        ));
    }

    #[test]
    fn a_moved_hub_is_a_fresh_subscription_and_a_dropped_one_is_left() {
        let mut moved = advertised(1);
        moved.hub = "https://other-hub.example/".into();
        let mut active = sub(1, SubState::Active);
        active.verified_at = Some(1_000);
        active.lease_until = Some(1_000_000);
        let (actions, _) = plan(&[moved], &[active.clone()], 2_000, POLICY);
        assert!(matches!(
            actions[..],
            [Action::Subscribe { fresh: true, .. }]
        ));
        let (actions, _) = plan(&[], &[active], 2_000, POLICY);
        assert_eq!(actions, [Action::Unsubscribe { feed_id: 1 }]);
        let (actions, next) = plan(&[], &[sub(1, SubState::Unsubscribing)], 2_000, POLICY);
        assert!(actions.is_empty());
        assert_eq!(next, Some(2_800));
        let (actions, _) = plan(&[], &[sub(1, SubState::Unsubscribing)], 2_800, POLICY);
        assert_eq!(actions, [Action::Forget { feed_id: 1 }]);
    }

    fn verification(mode: &str, topic: &str) -> Verification {
        Verification {
            mode: mode.into(),
            topic: topic.into(),
            challenge: Some("c-42".into()),
            lease_seconds: Some(600),
            reason: None,
        }
    }

    #[test]
    fn only_what_was_asked_for_is_verified() {
        let requested = sub(1, SubState::Requested);
        let topic = "https://news.example/1.xml";
        assert_eq!(
            verify(Some(&requested), &verification("subscribe", topic), 5_000),
            Verdict::Subscribed {
                challenge: "c-42".into(),
                lease_until: Some(5_600)
            }
        );
        for (s, v) in [
            (None, verification("subscribe", topic)),
            (
                Some(&requested),
                verification("subscribe", "https://evil.example/x"),
            ),
            (Some(&requested), verification("unsubscribe", topic)),
            (
                Some(&requested),
                Verification {
                    challenge: None,
                    ..verification("subscribe", topic)
                },
            ),
        ] {
            assert!(matches!(verify(s, &v, 5_000), Verdict::Refused(_)), "{v:?}");
        }
        let leaving = sub(1, SubState::Unsubscribing);
        assert_eq!(
            verify(Some(&leaving), &verification("unsubscribe", topic), 5_000),
            Verdict::Unsubscribed {
                challenge: "c-42".into()
            }
        );
        let v = Verification::from_query(
            "hub.mode=denied&hub.topic=https%3A%2F%2Fnews.example%2F1.xml&hub.reason=not+allowed",
        );
        assert_eq!(
            verify(Some(&requested), &v, 5_000),
            Verdict::Denied {
                reason: "not allowed".into()
            }
        );
    }

    /// The expected signatures were computed apart from this code, with Python's `hmac`:
    /// `hmac.new(b"key", b"The quick brown fox jumps over the lazy dog", sha1/sha256)`.
    #[test]
    fn pushes_are_taken_only_with_the_secret_s_signature() {
        let body = b"The quick brown fox jumps over the lazy dog";
        let sha1 = "sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9";
        let sha256 = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
        assert!(signed(b"key", Some(sha1), body));
        assert!(signed(b"key", Some(sha256), body));
        assert!(signed(
            b"key",
            Some(&sha256.to_uppercase().replace("SHA256", "sha256")),
            body
        ));
        assert!(!signed(b"other", Some(sha256), body));
        assert!(!signed(b"key", Some(sha256), b"The quick brown fox"));
        for bad in [
            None,
            Some("sha256"),
            Some("md5=00"),
            Some("sha256=zz"),
            Some(""),
        ] {
            assert!(!signed(b"key", bad, body), "{bad:?}");
        }
    }
}
