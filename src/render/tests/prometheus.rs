//! The Prometheus exposition: families grouped under one HELP/TYPE pair,
//! exact 64-bit counters, labels for every kind of service, escaping.

use std::collections::HashSet;

use super::{dest, fwmark, inet};
use crate::model::{AddressFamily, ForwardMethod, Protocol, Stats};
use crate::render::prometheus::{
    ERROR_LABEL_MAX, Exposition, HealthMap, ServerHealth, ServerKey,
    push_escaped,
};

fn text(e: &Exposition, health: Option<&HealthMap>) -> String {
    let mut out = Vec::new();
    e.write(&mut out, health).unwrap();
    String::from_utf8(out).unwrap()
}

fn sample_lines<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .collect()
}

#[test]
fn label_values_are_escaped() {
    let mut s = String::new();
    push_escaped(&mut s, "a\\b\"c\nd é");
    assert_eq!(s, "a\\\\b\\\"c\\nd é");
}

#[test]
fn counters_are_exact_and_labels_tell_services_apart() {
    let mut tcp = inet(Protocol::Tcp, "10.0.0.1", 80);
    tcp.scheduler = "rr".into();
    tcp.stats = Stats {
        conns: u64::MAX,
        inbytes: 9_007_199_254_740_993, // 2^53 + 1: no float rounding
        ..Stats::default()
    };
    let mut d1 = dest("10.0.1.1", 8080, ForwardMethod::Masquerade, 3);
    d1.stats.outbytes = 18_446_744_073_709_551_614;
    d1.active_conns = 7;
    d1.inactive_conns = 2;
    d1.u_threshold = 100;
    d1.l_threshold = 50;
    let d0 = dest("10.0.1.2", 8080, ForwardMethod::Masquerade, 0);
    let v6 = inet(Protocol::Udp, "2001:db8::1", 53);
    let d6 = dest("2001:db8::2", 53, ForwardMethod::Route, 1);
    let fw = fwmark(7, AddressFamily::Inet6);
    let sctp = inet(Protocol::Sctp, "10.0.0.3", 3868);
    let ds = dest("10.0.1.3", 3868, ForwardMethod::Tunnel, 1);
    let mut e = Exposition::new();
    e.push("", &tcp, &[d1, d0]);
    e.push("lb", &v6, &[d6]);
    e.push("lb", &fw, &[]);
    e.push("lb", &sctp, &[ds]);
    let t = text(&e, None);

    assert_eq!(
        sample_lines(&t, "ipvs_service_connections_total"),
        [
            "ipvs_service_connections_total{netns=\"\",family=\"inet\",\
             protocol=\"tcp\",address=\"10.0.0.1\",port=\"80\",fwmark=\"\",\
             scheduler=\"rr\"} 18446744073709551615",
            "ipvs_service_connections_total{netns=\"lb\",family=\"inet6\",\
             protocol=\"udp\",address=\"2001:db8::1\",port=\"53\",\
             fwmark=\"\",scheduler=\"wlc\"} 0",
            "ipvs_service_connections_total{netns=\"lb\",family=\"inet6\",\
             protocol=\"\",address=\"\",port=\"\",fwmark=\"7\",\
             scheduler=\"wlc\"} 0",
            "ipvs_service_connections_total{netns=\"lb\",family=\"inet\",\
             protocol=\"sctp\",address=\"10.0.0.3\",port=\"3868\",\
             fwmark=\"\",scheduler=\"wlc\"} 0",
        ]
    );
    assert!(t.contains("} 9007199254740993\n"));
    let server = "{netns=\"\",family=\"inet\",protocol=\"tcp\",\
                  address=\"10.0.0.1\",port=\"80\",fwmark=\"\",\
                  scheduler=\"rr\",server_address=\"10.0.1.1\",\
                  server_port=\"8080\",forward=\"masq\"}";
    for (name, value) in [
        ("outgoing_bytes_total", "18446744073709551614"),
        ("weight", "3"),
        ("active_connections", "7"),
        ("inactive_connections", "2"),
        ("upper_threshold", "100"),
        ("lower_threshold", "50"),
    ] {
        let line = format!("ipvs_real_server_{name}{server} {value}\n");
        assert!(t.contains(&line), "{line}");
    }
    assert!(t.contains("server_address=\"10.0.1.3\",server_port=\"3868\",forward=\"tunnel\"} 1\n"));
    assert!(t.contains(
        "server_address=\"10.0.1.2\",server_port=\"8080\",forward=\"masq\"} 0\n"
    ));
    assert!(!t.contains("ipvs_real_server_up "));
    assert!(sample_lines(&t, "ipvs_real_server_up").is_empty());
}

#[test]
fn every_family_has_one_help_and_type_before_its_samples() {
    let mut e = Exposition::new();
    let svc = inet(Protocol::Tcp, "10.0.0.1", 80);
    let d = dest("10.0.1.1", 80, ForwardMethod::Route, 1);
    e.push("a", &svc, std::slice::from_ref(&d));
    e.push("b", &svc, std::slice::from_ref(&d));
    let t = text(&e, None);
    let mut declared = HashSet::new();
    let mut current = String::new();
    for line in t.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap().to_owned();
            assert!(declared.insert(name.clone()), "{name} twice");
            current = name;
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut words = rest.split(' ');
            assert_eq!(words.next().unwrap(), current);
            let kind = words.next().unwrap();
            assert_eq!(kind == "counter", current.ends_with("_total"));
        } else {
            assert!(line.starts_with(&format!("{current}{{")), "{line}");
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<i64>().is_ok(), "{line}");
        }
    }
    assert_eq!(declared.len(), 10 + 16);
    assert_eq!(sample_lines(&t, "ipvs_real_server_weight").len(), 2);
}

#[test]
fn odd_label_values_are_escaped_in_place() {
    let mut svc = inet(Protocol::Tcp, "10.0.0.1", 80);
    svc.scheduler = "w\"l\\c\n".into();
    let mut e = Exposition::new();
    e.push("ns \"x\"", &svc, &[]);
    let t = text(&e, None);
    assert!(t.contains(
        "{netns=\"ns \\\"x\\\"\",family=\"inet\",protocol=\"tcp\",\
         address=\"10.0.0.1\",port=\"80\",fwmark=\"\",\
         scheduler=\"w\\\"l\\\\c\\n\"} 0\n"
    ));
    assert_eq!(t.lines().filter(|l| !l.starts_with('#')).count(), 10);
}

/// A service with three real servers: 10.0.1.1 up, 10.0.1.2 down, and
/// 10.0.1.3 unknown to the checker.
fn health_table() -> (Exposition, HealthMap) {
    let svc = inet(Protocol::Tcp, "10.0.0.1", 80);
    let up = dest("10.0.1.1", 80, ForwardMethod::Route, 1);
    let down = dest("10.0.1.2", 80, ForwardMethod::Route, 1);
    let unknown = dest("10.0.1.3", 80, ForwardMethod::Route, 1);
    let mut e = Exposition::new();
    e.push("", &svc, &[up.clone(), down.clone(), unknown]);
    let mut health = HealthMap::new();
    let states = [
        (
            &up,
            ServerHealth {
                up: true,
                last_check_seconds: 0.0125,
                last_error: None,
                transitions: 2,
            },
        ),
        (
            &down,
            ServerHealth {
                up: false,
                last_check_seconds: 3.0,
                last_error: Some("connect: timed out \"x\"\n".into()),
                transitions: 1,
            },
        ),
    ];
    for (d, h) in states {
        let key = ServerKey {
            netns: String::new(),
            service: svc.key,
            addr: d.addr,
            port: d.port,
        };
        health.insert(key, h);
    }
    (e, health)
}

#[test]
fn health_adds_the_up_family_for_known_servers() {
    let (e, health) = health_table();
    let t = text(&e, Some(&health));
    let lines = sample_lines(&t, "ipvs_real_server_up");
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains("10.0.1.1") && lines[0].ends_with(" 1"));
    assert!(lines[1].contains("10.0.1.2") && lines[1].ends_with(" 0"));
    assert!(t.contains("# TYPE ipvs_real_server_up gauge\n"));
}

#[test]
fn health_has_duration_error_and_transitions() {
    let (e, health) = health_table();
    let t = text(&e, Some(&health));
    let server = |last: u8| {
        format!(
            "{{netns=\"\",family=\"inet\",protocol=\"tcp\",\
             address=\"10.0.0.1\",port=\"80\",fwmark=\"\",\
             scheduler=\"wlc\",server_address=\"10.0.1.{last}\",\
             server_port=\"80\",forward=\"route\""
        )
    };
    assert_eq!(
        sample_lines(&t, "ipvs_real_server_check_duration_seconds"),
        [
            format!(
                "ipvs_real_server_check_duration_seconds{}}} 0.0125",
                server(1)
            ),
            format!("ipvs_real_server_check_duration_seconds{}}} 3", server(2)),
        ]
    );
    // Only the failing server has an error series, its reason escaped.
    assert_eq!(
        sample_lines(&t, "ipvs_real_server_check_error"),
        [format!(
            "ipvs_real_server_check_error{},\
             error=\"connect: timed out \\\"x\\\"\\n\"}} 1",
            server(2)
        )]
    );
    assert_eq!(
        sample_lines(&t, "ipvs_real_server_transitions_total"),
        [
            format!("ipvs_real_server_transitions_total{}}} 2", server(1)),
            format!("ipvs_real_server_transitions_total{}}} 1", server(2)),
        ]
    );
    for (name, kind) in [
        ("check_duration_seconds", "gauge"),
        ("check_error", "gauge"),
        ("transitions_total", "counter"),
    ] {
        let line = format!("# TYPE ipvs_real_server_{name} {kind}\n");
        assert!(t.contains(&line), "{line}");
        assert_eq!(t.matches(&line).count(), 1);
    }
    // The server the checker does not know is in no health family.
    for name in ["up", "check_duration_seconds", "transitions_total"] {
        let lines = sample_lines(&t, &format!("ipvs_real_server_{name}"));
        assert!(lines.iter().all(|l| !l.contains("10.0.1.3")), "{name}");
    }
}

#[test]
fn long_errors_are_cut_at_a_character_boundary() {
    let svc = inet(Protocol::Tcp, "10.0.0.1", 80);
    let d = dest("10.0.1.1", 80, ForwardMethod::Route, 1);
    let mut e = Exposition::new();
    e.push("", &svc, std::slice::from_ref(&d));
    let reason = "é".repeat(ERROR_LABEL_MAX); // two bytes each
    let mut health = HealthMap::new();
    health.insert(
        ServerKey {
            netns: String::new(),
            service: svc.key,
            addr: d.addr,
            port: d.port,
        },
        ServerHealth {
            last_error: Some(reason),
            last_check_seconds: f64::INFINITY,
            ..ServerHealth::default()
        },
    );
    let t = text(&e, Some(&health));
    let line = sample_lines(&t, "ipvs_real_server_check_error")[0];
    let value = line.split("error=\"").nth(1).unwrap();
    let value = value.strip_suffix("\"} 1").unwrap();
    assert_eq!(value, "é".repeat(ERROR_LABEL_MAX / 2));
    assert!(t.contains("} +Inf\n"));
}

#[test]
fn unlisted_servers_get_the_health_families_only() {
    let svc = inet(Protocol::Tcp, "10.0.0.1", 80);
    let listed = dest("10.0.1.1", 80, ForwardMethod::Masquerade, 1);
    let gone = dest("10.0.1.2", 80, ForwardMethod::Masquerade, 1);
    let mut e = Exposition::new();
    e.push_unlisted(std::slice::from_ref(&gone)); // no service yet: ignored
    e.push("lb", &svc, std::slice::from_ref(&listed));
    e.push_unlisted(std::slice::from_ref(&gone));
    let mut health = HealthMap::new();
    for (d, up) in [(&listed, true), (&gone, false)] {
        let key = ServerKey {
            netns: "lb".into(),
            service: svc.key,
            addr: d.addr,
            port: d.port,
        };
        let h = ServerHealth {
            up,
            last_error: (!up).then(|| "connection refused".to_owned()),
            ..ServerHealth::default()
        };
        health.insert(key, h);
    }
    let t = text(&e, Some(&health));
    let gone_labels = "{netns=\"lb\",family=\"inet\",protocol=\"tcp\",\
                       address=\"10.0.0.1\",port=\"80\",fwmark=\"\",\
                       scheduler=\"wlc\",server_address=\"10.0.1.2\",\
                       server_port=\"80\",forward=\"masq\"";
    assert_eq!(
        sample_lines(&t, "ipvs_real_server_up"),
        [
            "ipvs_real_server_up{netns=\"lb\",family=\"inet\",\
             protocol=\"tcp\",address=\"10.0.0.1\",port=\"80\",\
             fwmark=\"\",scheduler=\"wlc\",server_address=\"10.0.1.1\",\
             server_port=\"80\",forward=\"masq\"} 1"
                .to_owned(),
            format!("ipvs_real_server_up{gone_labels}}} 0"),
        ]
    );
    assert_eq!(
        sample_lines(&t, "ipvs_real_server_check_error"),
        [format!(
            "ipvs_real_server_check_error{gone_labels},\
             error=\"connection refused\"}} 1"
        )]
    );
    // No kernel family lists it.
    for line in t.lines().filter(|l| l.contains("10.0.1.2")) {
        let name = line.split('{').next().unwrap();
        assert!(
            [
                "ipvs_real_server_up",
                "ipvs_real_server_check_duration_seconds",
                "ipvs_real_server_check_error",
                "ipvs_real_server_transitions_total",
            ]
            .contains(&name),
            "{line}"
        );
    }
    assert_eq!(sample_lines(&t, "ipvs_real_server_weight").len(), 1);
}
