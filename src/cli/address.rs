//! ipvsadm's `parse_service`: the text of a service or real-server
//! address (`host[:port]`, `[v6]:port`, bare IPv6) turned into an address
//! and an optional port, with its quirks kept.

use std::net::{IpAddr, Ipv6Addr};

use super::value;
use crate::resolver;

/// A parsed `host[:port]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Endpoint {
    pub addr: IpAddr,
    /// `None` when the text named no port (or the port was dropped, as
    /// with `[1.2.3.4]:80`).
    pub port: Option<u16>,
}

/// IP protocol numbers used to pick the services database protocol.
pub(super) const IPPROTO_TCP: u16 = 6;
pub(super) const IPPROTO_UDP: u16 = 17;
pub(super) const IPPROTO_SCTP: u16 = 132;

/// Parses `text` as ipvsadm does; `protocol` is the service's protocol
/// number at this moment (0 before any service option), used to look up
/// a port given by name. `None` means "illegal `address[:port]`".
pub(super) fn parse_endpoint(text: &[u8], protocol: u16) -> Option<Endpoint> {
    usual_endpoint(text).or_else(|| any_endpoint(text, protocol))
}

/// The usual spelling, read in one pass: a dotted quad as
/// [`value::dotted_quad_prefix`] takes it, then nothing or a colon and
/// one to five digits up to 65535. `None` leaves the text to [`any_endpoint`],
/// which reads every text this takes the same way.
pub(super) fn usual_endpoint(text: &[u8]) -> Option<Endpoint> {
    let (addr, rest) = value::dotted_quad_prefix(text)?;
    let port = match rest {
        [] => None,
        [b':', digits @ ..] if digits.len() <= 5 => {
            Some(u16::try_from(value::decimal_digits(digits)?).ok()?)
        }
        _ => return None,
    };
    Some(Endpoint {
        addr: IpAddr::V4(addr),
        port,
    })
}

/// Every spelling, in ipvsadm's order: IPv6 first, then `inet_aton` and a
/// host name before the last colon.
fn any_endpoint(text: &[u8], protocol: u16) -> Option<Endpoint> {
    if text.iter().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut host = text;
    let mut bracket_port: Option<&[u8]> = None;
    if let Some(inner) = text.strip_prefix(b"[") {
        let close = inner.iter().position(|&b| b == b']')?;
        bracket_port = Some(inner[close + 1..].strip_prefix(b":")?);
        host = &inner[..close];
    }
    // With brackets the port is already cut off and lost here; only a
    // colon inside the brackets would be found.
    let colon = host.iter().rposition(|&b| b == b':');
    let (name, port) = match colon {
        Some(c) => (&host[..c], Some(&host[c + 1..])),
        None => (host, None),
    };
    let (addr, port_text) = match ipv6_host(host, name) {
        Some(v6) => (IpAddr::V6(v6), bracket_port),
        None => {
            let v4 = value::inet_aton(name)
                .or_else(|| resolver::host_to_ipv4(name))?;
            (IpAddr::V4(v4), port)
        }
    };
    let port = match port_text {
        None => None,
        Some(p) => Some(port_number(p, protocol)?),
    };
    Some(Endpoint { addr, port })
}

/// `host` as an IPv6 address; `name` is `host` up to its last colon, so
/// without a colon in `name` there are fewer than the two IPv6 needs.
fn ipv6_host(host: &[u8], name: &[u8]) -> Option<Ipv6Addr> {
    name.contains(&b':').then(|| resolver::parse_ipv6(host))?
}

/// A port number 0..65535 or a service name for the protocol.
fn port_number(text: &[u8], protocol: u16) -> Option<u16> {
    if let Some(n) = value::number_in(text, 0, 65535) {
        return u16::try_from(n).ok();
    }
    let proto = match protocol {
        IPPROTO_TCP => c"tcp",
        IPPROTO_UDP => c"udp",
        IPPROTO_SCTP => c"sctp",
        _ => return None,
    };
    resolver::service_port(text, proto)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Option<(String, Option<u16>)> {
        parse_endpoint(text.as_bytes(), IPPROTO_TCP)
            .map(|e| (e.addr.to_string(), e.port))
    }

    fn some(addr: &str, port: Option<u16>) -> Option<(String, Option<u16>)> {
        Some((addr.to_string(), port))
    }

    /// Endpoints: dotted texts (see `value`) with ports of every kind.
    #[test]
    fn usual_endpoints_read_as_any_endpoint_does() {
        const PORTS: &[&[u8]] = &[
            b"",
            b":",
            b":0",
            b":80",
            b":0080",
            b":65535",
            b":65536",
            b":99999",
            b":123456",
            b":000065535",
            b":-1",
            b":+80",
            b": 80",
            b":http",
            b"::80",
            b":8x",
            b":80 ",
            b"x",
        ];
        let mut usual = 0;
        for host in crate::cli::value::tests::dotted().iter().step_by(5) {
            for port in PORTS {
                let text = [host.as_slice(), port].concat();
                if let Some(ep) = usual_endpoint(&text) {
                    let any = any_endpoint(&text, IPPROTO_TCP);
                    assert_eq!(Some(ep), any, "{text:?}");
                    usual += 1;
                }
            }
        }
        assert!(usual > 2_000, "{usual}");
    }

    #[test]
    fn digits_only_is_rejected() {
        assert_eq!(p("1234"), None);
        assert_eq!(p(""), None);
    }

    #[test]
    fn ipv4_forms() {
        assert_eq!(p("1.2.3.4:80"), some("1.2.3.4", Some(80)));
        assert_eq!(p("1.2.3.4"), some("1.2.3.4", None));
        assert_eq!(p("10.1:0080"), some("10.0.0.1", Some(80)));
        assert_eq!(p("0x01020304:+80"), some("1.2.3.4", Some(80)));
        assert_eq!(p("1.2.3.4 x:80"), some("1.2.3.4", Some(80)));
        assert_eq!(p("1.2.3.4: 80"), some("1.2.3.4", Some(80)));
    }

    #[test]
    fn bad_ports() {
        assert_eq!(p("1.2.3.4:"), None);
        assert_eq!(p("1.2.3.4:65536"), None);
        assert_eq!(p("1.2.3.4:-1"), None);
        assert_eq!(p(":80"), None);
    }

    #[test]
    fn service_names_follow_protocol() {
        assert_eq!(p("1.2.3.4:http"), some("1.2.3.4", Some(80)));
        let udp = parse_endpoint(b"1.2.3.4:domain", IPPROTO_UDP);
        assert_eq!(udp.and_then(|e| e.port), Some(53));
        assert_eq!(parse_endpoint(b"1.2.3.4:http", IPPROTO_UDP), None);
        assert_eq!(parse_endpoint(b"1.2.3.4:http", 0), None);
    }

    #[test]
    fn hostnames_resolve_to_ipv4() {
        assert_eq!(p("localhost:80"), some("127.0.0.1", Some(80)));
    }

    #[test]
    fn ipv6_forms() {
        assert_eq!(p("[2001:db8::1]:80"), some("2001:db8::1", Some(80)));
        assert_eq!(p("2001:db8::1:80"), some("2001:db8::1:80", None));
        assert_eq!(p("[2001:db8::1]"), None);
        assert_eq!(p("[2001:db8::1]:"), None);
        assert_eq!(p("[2001:db8::1"), None);
        assert_eq!(p("[2001:db8::1]x80"), None);
    }

    #[test]
    fn bracketed_ipv4_loses_its_port() {
        assert_eq!(p("[1.2.3.4]:80"), some("1.2.3.4", None));
    }
}
