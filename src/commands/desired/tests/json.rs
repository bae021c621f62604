use super::{message, table};
use crate::commands::plan::{Table, TableEntry};
use crate::model::{
    AddressFamily, Destination, ForwardMethod, Info, Protocol, Service,
    ServiceFlags, ServiceKey, Stats, TunnelType,
};
use crate::render::json::ServicesWriter;

fn sample() -> Table {
    let mut web = Service::new(ServiceKey::Inet {
        protocol: Protocol::Tcp,
        addr: "2001:db8::1".parse().unwrap(),
        port: 443,
    });
    web.scheduler = "sh".into();
    web.flags = ServiceFlags(ServiceFlags::PERSISTENT | ServiceFlags::SCHED2);
    web.timeout = 600;
    web.netmask = 64;
    let mut mark = Service::new(ServiceKey::Fwmark {
        family: AddressFamily::Inet,
        mark: 7,
    });
    // Not contiguous: the kernel holds any IPv4 mask.
    mark.netmask = u32::from_ne_bytes([255, 0, 255, 0]);
    mark.pe_name = Some("sip".into());
    let mut d1 = Destination::new("2001:db8::11".parse().unwrap(), 443);
    d1.forward = ForwardMethod::Masquerade;
    d1.weight = 3;
    d1.u_threshold = 10;
    d1.l_threshold = 2;
    let mut d2 = Destination::new("10.0.2.12".parse().unwrap(), 0);
    d2.forward = ForwardMethod::Tunnel;
    d2.tun_type = TunnelType::Gue;
    d2.tun_port = 6080;
    d2.tun_flags = 2;
    Table::from(vec![
        TableEntry {
            service: web,
            dests: vec![d1],
        },
        TableEntry {
            service: mark,
            dests: vec![d2],
        },
    ])
}

#[test]
fn a_json_listing_reads_back_as_the_same_table() {
    let want = sample();
    let mut buf = Vec::new();
    let mut w = ServicesWriter::begin(&mut buf, &Info::default()).unwrap();
    for e in &want {
        let mut svc = e.service.clone();
        svc.flags.0 |= ServiceFlags::HASHED;
        svc.stats = Stats {
            conns: u64::MAX,
            ..Stats::default()
        };
        let mut dests = e.dests.clone();
        dests[0].active_conns = 5;
        w.service(&svc, &dests).unwrap();
    }
    w.finish().unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(text.contains(r#""netmask":"64""#), "{text}");
    assert!(text.contains(r#""netmask":"255.0.255.0""#), "{text}");
    assert_eq!(table(&text).unwrap(), want);
}

#[test]
fn a_hand_written_table_takes_defaults() {
    let t = table(
        r#"{"services":[{"protocol":"udp","address":"10.0.0.1","port":53,
            "persistent":true,"sched_flags":["flag-1"],
            "destinations":[{"address":"10.0.2.11","port":53}]}]}"#,
    )
    .unwrap();
    let s = &t[0].service;
    assert_eq!(s.scheduler, "wlc");
    assert_eq!(s.flags.0, ServiceFlags::PERSISTENT | ServiceFlags::SCHED1);
    assert_eq!(s.netmask, 0xffff_ffff);
    assert_eq!(t[0].dests[0].forward, ForwardMethod::Route);
    assert_eq!(t[0].dests[0].weight, 1);
    let t =
        table(r#"{"services":[{"fwmark":9,"family":"inet6","netmask":"48"}]}"#)
            .unwrap();
    assert_eq!(t[0].service.netmask, 48);
}

/// A table with one real server whose members are `dest` (on line 3).
fn with_dest(dest: &str) -> String {
    format!(
        "{{\"services\": [{{\"fwmark\": 1, \"destinations\": [\n\
         {{\"address\": \"10.0.2.11\", \"port\": 80,\n{dest}}}]}}]}}"
    )
}

#[test]
fn an_unknown_key_is_refused_with_its_place() {
    let msg = message(&with_dest(r#"  "wieght": 0"#));
    assert!(
        msg.starts_with("t: unknown field `wieght`, expected one of"),
        "{msg}"
    );
    assert!(msg.ends_with(" at line 3 column 10"), "{msg}");
    let msg = message(r#"{"services": [], "extra": 1}"#);
    assert!(msg.starts_with("t: unknown field `extra`"), "{msg}");
    let msg = message(r#"{"services": [{"fwmark": 1, "tunnel": null}]}"#);
    assert!(msg.starts_with("t: unknown field `tunnel`"), "{msg}");
}

#[test]
fn a_repeated_key_is_refused_with_its_place() {
    assert_eq!(
        message(&with_dest(r#""weight": 1, "weight": 0"#)),
        "t: duplicate field `weight` at line 3 column 21"
    );
    assert_eq!(
        message(r#"{"services": [{"fwmark": 1, "fwmark": 2}]}"#),
        "t: duplicate field `fwmark` at line 1 column 36"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused_with_its_place() {
    assert_eq!(
        message(&with_dest(r#""weight": "0""#)),
        "t: invalid type: string \"0\", expected i32 at line 3 column 13"
    );
    assert_eq!(
        message(&with_dest(r#""weight": 2147483648"#)),
        "t: invalid value: integer `2147483648`, expected i32 at line 3 column 20"
    );
    assert_eq!(
        message(r#"{"services": [{"fwmark": 1, "netmask": 24}]}"#),
        "t: invalid type: integer `24`, expected a string at line 1 column 41"
    );
}

#[test]
fn bad_tables_name_the_place() {
    assert_eq!(
        message("{}"),
        "t: missing field `services` at line 1 column 2"
    );
    assert_eq!(
        message(r#"{"services":[{"protocol":"tcp","address":"x","port":1}]}"#),
        "t: invalid IP address syntax at line 1 column 44"
    );
    assert_eq!(
        message(
            r#"{"services":[{"fwmark":1,"destinations":[{"address":"10.0.0.1","port":70000}]}]}"#
        ),
        "t: invalid value: integer `70000`, expected u16 at line 1 column 75"
    );
    assert_eq!(
        message(r#"{"services":[{"fwmark":0}]}"#),
        "t: services[0]: fwmark out of range"
    );
    assert_eq!(
        message(r#"{"services":[{"address":"10.0.0.1","port":80}]}"#),
        "t: services[0]: missing \"protocol\""
    );
    assert_eq!(
        message(r#"{"services":[{"fwmark":1,"netmask":"255.255.255"}]}"#),
        "t: services[0]: bad netmask \"255.255.255\""
    );
    assert_eq!(
        message(
            r#"{"services":[{"fwmark":1,"destinations":[{"address":"10.0.0.1","port":1,"weight":-1}]}]}"#
        ),
        "t: services[0]: destinations[0]: weight out of range"
    );
    assert_eq!(
        message(r#"{"services":[{"fwmark":1},{"fwmark":1}]}"#),
        "t: services[1]: service listed twice"
    );
    assert_eq!(
        message(
            r#"{"services":[{"fwmark":1,"destinations":[{"address":"10.0.0.1","port":1},{"address":"10.0.0.1","port":1}]}]}"#
        ),
        "t: services[0]: destinations[1]: real server listed twice"
    );
    assert!(message("{").starts_with("t: EOF while parsing"));
}

#[test]
fn members_of_watch_are_refused_without_it() {
    assert_eq!(
        message(r#"{"services": [{"fwmark": 1, "quiescent": true}]}"#),
        "t: services[0]: quiescent is read by --watch only"
    );
    assert_eq!(
        message(&with_dest(r#""check": {"type": "connect"}"#)),
        "t: services[0]: check is read by --watch only"
    );
}
