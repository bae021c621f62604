//! `addr:port` texts: glibc's IPv6 form, names and the 59-byte cut.

use std::net::IpAddr;

use crate::model::Protocol;
use crate::render::names::{
    ADDR_PORT_MAX, format_addr_port, push_inet_ntop6, truncate_bytes,
};

fn ntop6(s: &str) -> String {
    let mut out = String::new();
    push_inet_ntop6(&mut out, &s.parse().unwrap());
    out
}

#[test]
fn ipv6_like_glibc() {
    assert_eq!(ntop6("2001:db8::1"), "2001:db8::1");
    assert_eq!(ntop6("::"), "::");
    assert_eq!(ntop6("::1"), "::1");
    assert_eq!(ntop6("1::"), "1::");
    assert_eq!(ntop6("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
    assert_eq!(ntop6("::1.2.3.4"), "::1.2.3.4");
    assert_eq!(ntop6("1:0:1:0:0:1:0:0"), "1:0:1::1:0:0");
    assert_eq!(ntop6("1:0:0:1:0:0:1:1"), "1::1:0:0:1:1");
    assert_eq!(ntop6("1:2:3:4:5:6:0:8"), "1:2:3:4:5:6:0:8");
    assert_eq!(ntop6("ff02::1:81"), "ff02::1:81");
}

#[test]
fn numeric_forms() {
    let v4: IpAddr = "10.0.0.1".parse().unwrap();
    let v6: IpAddr = "2001:db8::10".parse().unwrap();
    assert_eq!(
        format_addr_port(&v4, 80, Some(Protocol::Tcp), true),
        "10.0.0.1:80"
    );
    assert_eq!(
        format_addr_port(&v6, 5353, Some(Protocol::Udp), true),
        "[2001:db8::10]:5353"
    );
}

#[test]
fn service_names_only_for_known_protocols() {
    // /etc/services on Debian maps 80/tcp to http.
    let v4: IpAddr = "127.0.0.1".parse().unwrap();
    let with_name = format_addr_port(&v4, 80, Some(Protocol::Tcp), false);
    assert!(with_name.ends_with(":http"), "{with_name}");
    let fwm = format_addr_port(&v4, 80, None, false);
    assert!(fwm.ends_with(":80"), "{fwm}");
    let other = format_addr_port(&v4, 80, Some(Protocol::Other(0)), false);
    assert!(other.ends_with(":80"), "{other}");
}

#[test]
fn truncation_at_59_bytes() {
    let mut s = "x".repeat(70);
    truncate_bytes(&mut s, ADDR_PORT_MAX);
    assert_eq!(s.len(), 59);
    let mut multi = "é".repeat(40);
    truncate_bytes(&mut multi, 59);
    assert_eq!(multi.len(), 58);
}
