//! Service and real-server address parsing through the command line.

use std::net::IpAddr;

use super::*;
use crate::model::{AddressFamily, Protocol, ServiceKey};

fn key(args: &[&str]) -> ServiceKey {
    let mut full = vec!["-A"];
    full.extend_from_slice(args);
    match ok(&full) {
        Command::AddService(s) => s.key,
        other => panic!("{other:?}"),
    }
}

fn inet(proto: Protocol, addr: &str, port: u16) -> ServiceKey {
    ServiceKey::Inet {
        protocol: proto,
        addr: addr.parse::<IpAddr>().unwrap(),
        port,
    }
}

const BAD_VIP: &str = "illegal virtual server address[:port] specified";

#[test]
fn digits_only_or_empty_host_is_rejected() {
    assert_eq!(invalid(&["-A", "-t", "1234"]), BAD_VIP);
    assert_eq!(invalid(&["-A", "-t", ""]), BAD_VIP);
    assert_eq!(invalid(&["-A", "-t", ":80"]), BAD_VIP);
}

#[test]
fn inet_aton_forms_are_accepted() {
    assert_eq!(
        key(&["-t", "0x01020304:80"]),
        inet(Protocol::Tcp, "1.2.3.4", 80)
    );
    assert_eq!(key(&["-t", "10.1:80"]), inet(Protocol::Tcp, "10.0.0.1", 80));
    assert_eq!(
        key(&["-t", "1.2.3.4 x:80"]),
        inet(Protocol::Tcp, "1.2.3.4", 80)
    );
}

#[test]
fn port_is_strtol_checked() {
    assert_eq!(
        key(&["-t", "1.2.3.4:+80"]),
        inet(Protocol::Tcp, "1.2.3.4", 80)
    );
    assert_eq!(
        key(&["-t", "1.2.3.4: 80"]),
        inet(Protocol::Tcp, "1.2.3.4", 80)
    );
    assert_eq!(
        key(&["-t", "1.2.3.4:0080"]),
        inet(Protocol::Tcp, "1.2.3.4", 80)
    );
    assert_eq!(invalid(&["-A", "-t", "1.2.3.4:65536"]), BAD_VIP);
    assert_eq!(invalid(&["-A", "-t", "1.2.3.4:"]), BAD_VIP);
}

#[test]
fn port_names_use_the_service_protocol() {
    assert_eq!(
        key(&["-t", "1.2.3.4:http"]),
        inet(Protocol::Tcp, "1.2.3.4", 80)
    );
    assert_eq!(
        key(&["-u", "1.2.3.4:domain"]),
        inet(Protocol::Udp, "1.2.3.4", 53)
    );
    assert_eq!(invalid(&["-A", "-u", "1.2.3.4:http"]), BAD_VIP);
    assert_eq!(invalid(&["-A", "--sctp-service", "1.2.3.4:http"]), BAD_VIP);
}

#[test]
fn hostnames_resolve_to_their_ipv4_address() {
    assert_eq!(
        key(&["-t", "localhost:80"]),
        inet(Protocol::Tcp, "127.0.0.1", 80)
    );
}

#[test]
fn missing_port_means_zero() {
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3"]),
        "Zero port specified for non-persistent service"
    );
    assert_eq!(
        key(&["-t", "1.2.3", "-p"]),
        inet(Protocol::Tcp, "1.2.0.3", 0)
    );
}

#[test]
fn bracketed_ipv4_loses_its_port() {
    assert_eq!(
        invalid(&["-A", "-t", "[1.2.3.4]:80"]),
        "Zero port specified for non-persistent service"
    );
}

#[test]
fn ipv6_needs_brackets_for_a_port() {
    assert_eq!(
        key(&["-t", "[2001:db8::1]:80"]),
        inet(Protocol::Tcp, "2001:db8::1", 80)
    );
    assert_eq!(
        key(&["-t", "2001:db8::1:80", "-p"]),
        inet(Protocol::Tcp, "2001:db8::1:80", 0)
    );
    assert_eq!(invalid(&["-A", "-t", "[2001:db8::1]"]), BAD_VIP);
    assert_eq!(invalid(&["-A", "-t", "[2001:db8::1]:"]), BAD_VIP);
    assert_eq!(invalid(&["-A", "-t", "[2001:db8::1"]), BAD_VIP);
}

#[test]
fn ipv6_service_gets_prefix_128() {
    match ok(&["-A", "-t", "[2001:db8::1]:80"]) {
        Command::AddService(s) => {
            assert_eq!(s.netmask, 128);
            assert_eq!(s.key.family(), AddressFamily::Inet6);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fwmark_with_ipv6_flag() {
    assert_eq!(
        key(&["-f", "1", "-6"]),
        ServiceKey::Fwmark {
            family: AddressFamily::Inet6,
            mark: 1
        }
    );
    assert_eq!(
        key(&["-f", "7"]),
        ServiceKey::Fwmark {
            family: AddressFamily::Inet,
            mark: 7
        }
    );
}

#[test]
fn real_server_address_errors() {
    let m = "illegal real server address[:port] specified";
    assert_eq!(
        invalid(&["-a", "-t", "1.2.3.4:80", "-r", "[2001:db8::1]", "-i"]),
        m
    );
    assert_eq!(invalid(&["-a", "-t", "1.2.3.4:80", "-r", "80"]), m);
    // A port name before any service has no protocol to look it up in.
    assert_eq!(
        invalid(&["-a", "-r", "2.2.2.2:http", "-t", "1.2.3.4:80"]),
        m
    );
}

#[test]
fn real_server_port_name_uses_service_protocol() {
    match ok(&["-a", "-t", "1.2.3.4:80", "-r", "2.2.2.2:https", "-m"]) {
        Command::AddServer { dest, .. } => assert_eq!(dest.port, 443),
        other => panic!("{other:?}"),
    }
}
