//! The C library's answers as ipvsadm gets them, on the host's own
//! `/etc/hosts` and `/etc/services` (Debian's map `localhost`, `http` and
//! `domain` as checked here).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::*;
use crate::model::Protocol;

#[test]
fn numeric_hosts_resolve() {
    assert_eq!(host_to_ipv4(b"127.0.0.1"), Some(Ipv4Addr::LOCALHOST));
    assert_eq!(host_to_ipv4(b"localhost"), Some(Ipv4Addr::LOCALHOST));
}

#[test]
fn services_resolve_by_protocol() {
    assert_eq!(service_port(b"http", c"tcp"), Some(80));
    assert_eq!(service_port(b"domain", c"udp"), Some(53));
    assert_eq!(service_port(b"no-such-service-x", c"tcp"), None);
}

#[test]
fn inet_pton_is_strict() {
    assert!(parse_ipv4_strict(b"224.0.0.1").is_some());
    assert!(parse_ipv4_strict(b"224.1").is_none());
    assert!(parse_ipv6(b"ff02::1").is_some());
    assert!(parse_ipv6(b"ff02::1x").is_none());
    assert!(parse_ipv6(b"::ffff:1.2.3.4").is_some());
    assert_eq!(parse_ipv6(b"::"), Some(Ipv6Addr::UNSPECIFIED));
    assert!(parse_ipv6(b"1:2").is_none());
}

#[test]
fn addresses_resolve_back_to_host_names() {
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    assert_eq!(host_name(&localhost).as_deref(), Some("localhost"));
    // 192.0.2.0/24 is reserved for documentation: no name.
    let unnamed: IpAddr = "192.0.2.254".parse().unwrap();
    assert_eq!(host_name(&unnamed), None);
}

#[test]
fn a_seeded_name_is_answered_from_the_cache() {
    let addr: IpAddr = "198.51.100.201".parse().unwrap();
    seed_host_name(addr, Some("seeded.example"));
    assert_eq!(host_name(&addr).as_deref(), Some("seeded.example"));
}

#[test]
fn ports_resolve_back_to_service_names_per_protocol() {
    assert_eq!(service_name(80, Protocol::Tcp).as_deref(), Some("http"));
    assert_eq!(service_name(53, Protocol::Udp).as_deref(), Some("domain"));
    // Only TCP, UDP and SCTP are looked up, as in ipvsadm.
    assert_eq!(service_name(80, Protocol::Other(0)), None);
    // tcpmux is 1/tcp only.
    assert_eq!(service_name(1, Protocol::Tcp).as_deref(), Some("tcpmux"));
    assert_eq!(service_name(1, Protocol::Udp), None);
}
