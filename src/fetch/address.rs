//! Which addresses an item's link may lead to. Links come from feed content, not from the
//! operator: a link to a loopback, private or link-local address would let any feed make the
//! daemon probe the network it runs in. Such links are followed only for feeds that are
//! themselves served from such an address (tests, intranets).

use std::net::{IpAddr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || o[0] == 0
                // Carrier-grade NAT, 100.64.0.0/10.
                || (o[0] == 100 && (o[1] & 0xC0) == 64)
                // Benchmarking, 198.18.0.0/15.
                || (o[0] == 198 && (o[1] & 0xFE) == 18))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local fc00::/7, link-local fe80::/10.
                || (s[0] & 0xFE00) == 0xFC00
                || (s[0] & 0xFFC0) == 0xFE80
                // Documentation 2001:db8::/32.
                || (s[0] == 0x2001 && s[1] == 0x0DB8))
        }
    }
}

/// Whether a URL's host is an address literal that is not public (checked before a request:
/// literals never reach the resolver).
pub fn literal_is_private(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(v4)) => !is_public(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => !is_public(IpAddr::V6(v6)),
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost")
        }
        None => true,
    }
}

/// A resolver that keeps only public addresses, so that a name cannot lead the page client to
/// a private address (including by answering differently at connection time).
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| is_public(a.ip()))
                .collect();
            if public.is_empty() && !found.is_empty() {
                return Err(
                    Box::new(PrivateAddress(host)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// The error the resolver gives for a name that only has private addresses.
#[derive(Debug, thiserror::Error)]
#[error(
    "{0} resolves to a loopback, private or link-local address: not followed for a public feed"
)]
pub struct PrivateAddress(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.1.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["8.8.8.8", "151.101.1.1", "2a00:1450:4001::1"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn literals_and_localhost() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        assert!(literal_is_private(&u("http://127.0.0.1:8080/a")));
        assert!(literal_is_private(&u("http://[::1]/a")));
        assert!(literal_is_private(&u("http://localhost/a")));
        assert!(!literal_is_private(&u("https://www.aljazeera.net/news")));
    }
}
