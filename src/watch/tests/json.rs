//! The JSON form of a supervisor file: the `--apply` document with checks.

use std::net::SocketAddr;
use std::time::Duration;

use crate::health::{CheckKind, HttpMethod, Probe};
use crate::model::ForwardMethod;
use crate::watch::parse;

const DOC: &str = r#"{"services": [{
  "protocol": "tcp", "address": "10.2.0.240", "port": 80, "scheduler": "rr",
  "check": {"type": "http", "request": "index.html", "receive": "debian11",
            "interval": 2, "connect_timeout": 3, "negotiate_timeout": 3,
            "failures": 2},
  "quiescent": true,
  "fallback": {"address": "127.0.0.1", "port": 80, "forward": "masq"},
  "destinations": [
    {"address": "10.2.1.242", "port": 80, "forward": "masq"},
    {"address": "10.2.1.243", "port": 80, "forward": "masq", "weight": 2,
     "check": {"type": "connect", "port": 8080, "interval": 1}},
    {"address": "10.2.1.244", "port": 80, "forward": "masq",
     "check": {"type": "on"}}
  ]}]}"#;

#[test]
fn checks_quiescent_and_fallback_are_read() {
    let config = parse(b"ipvsadm", "w.json", DOC.as_bytes()).unwrap();
    assert_eq!(config.interval, Duration::from_secs(1));
    let pool = &config.pools[0];
    assert_eq!(pool.service.scheduler, "rr");
    assert!(pool.quiescent);
    assert!(pool.cleanstop);
    assert_eq!(pool.failure_count, 2);
    let fallback = pool.fallback.as_ref().unwrap();
    assert_eq!(fallback.forward, ForwardMethod::Masquerade);
    let first = pool.reals[0].check.as_ref().unwrap();
    assert_eq!(first.key, "10.2.0.240:80 10.2.1.242:80");
    assert_eq!(first.spec.connect_timeout, Duration::from_secs(3));
    assert_eq!(
        first.spec.kind,
        CheckKind::Negotiate(Probe::Http {
            tls: false,
            method: HttpMethod::Get,
            path: "/index.html".into(),
            host: None,
            receive: Some("debian11".into()),
        })
    );
    let second = pool.reals[1].check.as_ref().unwrap();
    assert_eq!(second.spec.kind, CheckKind::Connect);
    assert_eq!(
        second.addr,
        "10.2.1.243:8080".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(second.spec.negotiate_timeout, Duration::from_secs(30));
    assert_eq!(pool.reals[1].dest.weight, 2);
    assert_eq!(
        pool.reals[2].check.as_ref().unwrap().spec.kind,
        CheckKind::On
    );
}

#[test]
fn servers_without_a_check_count_as_healthy() {
    let doc = r#"{"services": [{"protocol": "tcp", "address": "10.0.0.1",
        "port": 80, "destinations": [{"address": "10.0.1.1", "port": 80}]}]}"#;
    let config = parse(b"ipvsadm", "w.json", doc.as_bytes()).unwrap();
    assert!(config.pools[0].reals[0].check.is_none());
    assert_eq!(config.interval, Duration::from_secs(10));
}

#[test]
fn bad_documents_are_refused_with_their_place() {
    let error = |doc: &str| {
        parse(b"ipvsadm", "w.json", doc.as_bytes())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        error(
            r#"{"services": [{"port": 80, "address": "10.0.0.1", "protocol": "tcp", "check": {"type": "ping"}}]}"#
        ),
        "w.json: unknown variant `ping`, expected one of `connect`, `http`, \
         `https`, `simpletcp`, `external`, `on`, `off` at line 1 column 93"
    );
    assert_eq!(
        error(
            r#"{"services": [{"port": 80, "address": "10.0.0.1", "protocol": "tcp", "check": {"type": "http", "bogus": 1}}]}"#
        ),
        "w.json: unknown field `bogus`, expected one of `type`, `port`, \
         `request`, `receive`, `method`, `host`, `command`, `connects`, \
         `interval`, `connect_timeout`, `negotiate_timeout`, `failures` at \
         line 1 column 102"
    );
    assert_eq!(
        error(
            r#"{"services": [{"port": 80, "address": "10.0.0.1", "protocol": "tcp", "check": {"type": "external"}, "destinations": [{"address": "10.0.1.1", "port": 80}]}]}"#
        ),
        "w.json: services[0]: destinations[0]: an external check needs a command"
    );
    assert_eq!(
        error(
            r#"{"services": [{"port": 80, "address": "10.0.0.1", "protocol": "tcp", "check": {"type": "http", "interval": 0}, "destinations": [{"address": "10.0.1.1", "port": 80}]}]}"#
        ),
        "w.json: services[0]: destinations[0]: counts and seconds must be \
         between 1 and 86400"
    );
}
