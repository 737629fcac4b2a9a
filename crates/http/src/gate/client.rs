//! The client a request comes from: the TCP peer, unless the peer is one of the operator's
//! trusted reverse proxies — then the right-most address in `X-Forwarded-For` that is not a
//! trusted proxy (what the proxy saw; anything further left was written by the client and
//! proves nothing). Without trusted proxies the header is ignored, so a client cannot pick
//! its own budget.

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client address of a request, if the server told its peer.
    pub fn client(&self, ext: &Extensions, headers: &HeaderMap) -> Option<IpAddr> {
        let ConnectInfo(peer) = ext.get::<ConnectInfo<SocketAddr>>()?;
        let peer = canonical(peer.ip());
        if !self.trusts(peer) {
            return Some(peer);
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        for hop in forwarded.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // A hop the proxy chain wrote that does not read: stop at the last good one.
                return Some(peer);
            };
            if !self.trusts(ip) {
                return Some(canonical(ip));
            }
        }
        Some(peer)
    }
}

/// An `X-Forwarded-For` element: an address, possibly `[v6]:port` or `v4:port`.
fn parse_hop(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    s.parse::<SocketAddr>().ok().map(|a| a.ip())
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ext(peer: &str) -> Extensions {
        let mut e = Extensions::new();
        e.insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        e
    }

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let p = TrustedProxies::default();
        let got = p.client(&ext("198.51.100.7:4000"), &xff("203.0.113.9"));
        assert_eq!(got, Some("198.51.100.7".parse().unwrap()));
        assert_eq!(p.client(&Extensions::new(), &HeaderMap::new()), None);
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let p = TrustedProxies(vec!["10.0.0.0/8".parse().unwrap()]);
        let e = ext("10.1.2.3:4000");
        let spoofed = xff("1.2.3.4, 203.0.113.9, 10.9.9.9");
        assert_eq!(p.client(&e, &spoofed), Some("203.0.113.9".parse().unwrap()));
        assert_eq!(
            p.client(&e, &HeaderMap::new()),
            Some("10.1.2.3".parse().unwrap())
        );
        assert_eq!(
            p.client(&e, &xff("[2001:db8::1]:555")),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(
            p.client(&e, &xff("junk")),
            Some("10.1.2.3".parse().unwrap())
        );
        let mapped = ext("[::ffff:10.0.0.1]:80");
        assert_eq!(
            p.client(&mapped, &xff("203.0.113.1")),
            Some("203.0.113.1".parse().unwrap())
        );
    }
}
