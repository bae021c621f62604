//! `--top --metrics`: the `ipvs_real_server_up` samples read back from
//! what the supervisor writes (over a real endpoint on 127.0.0.1), the
//! label syntax and its escapes, answers that must fail, and the marks
//! and rows the samples give the view.

use std::io::{Cursor, Read};
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};

use super::super::health::{
    Endpoint, MAX_LINE, Sample, apply, fetch, parse_line, read_answer,
};
use super::super::snapshot;
use super::super::view::{Health, Reading, ServiceView, services};
use crate::metrics::MetricsServer;
use crate::model::{
    AddressFamily, Destination, ForwardMethod, Protocol, Service, ServiceKey,
};
use crate::render::prometheus::{
    Exposition, HealthMap, ServerHealth, ServerKey,
};

fn tcp(addr: &str, port: u16) -> ServiceKey {
    ServiceKey::Inet {
        protocol: Protocol::Tcp,
        addr: addr.parse().unwrap(),
        port,
    }
}

fn dest(addr: &str, port: u16, weight: i32) -> Destination {
    let mut d = Destination::new(addr.parse().unwrap(), port);
    d.weight = weight;
    d.forward = ForwardMethod::Masquerade;
    d
}

fn health(up: bool) -> ServerHealth {
    ServerHealth {
        up,
        last_check_seconds: 0.25,
        last_error: (!up).then(|| "connection refused".to_owned()),
        transitions: 2,
    }
}

/// What a supervisor in namespace `netns` publishes: a TCP service with
/// rs1 up, rs2 down at weight 0 (quiescent) and rs3 down out of the
/// table; an IPv6 UDP service with its server down; a fwmark service
/// with its server up.
fn exposition(netns: &str) -> String {
    let mut e = Exposition::new();
    let mut map = HealthMap::new();
    let mut add = |key: ServiceKey, d: &Destination, up: bool| {
        map.insert(
            ServerKey {
                netns: netns.to_owned(),
                service: key,
                addr: d.addr,
                port: d.port,
            },
            health(up),
        );
    };
    let web = Service::new(tcp("10.0.0.1", 80));
    let (rs1, rs2, rs3) = (
        dest("10.0.1.1", 80, 1),
        dest("10.0.1.2", 80, 0),
        dest("10.0.1.3", 8080, 1),
    );
    add(web.key, &rs1, true);
    add(web.key, &rs2, false);
    add(web.key, &rs3, false);
    e.push(netns, &web, &[rs1, rs2]);
    e.push_unlisted(&[rs3]);
    let dns = Service::new(ServiceKey::Inet {
        protocol: Protocol::Udp,
        addr: "2001:db8::1".parse().unwrap(),
        port: 53,
    });
    let mut ns = dest("2001:db8::2", 53, 1);
    ns.forward = ForwardMethod::Route;
    add(dns.key, &ns, false);
    e.push(netns, &dns, &[ns]);
    let mark = Service::new(ServiceKey::Fwmark {
        family: AddressFamily::Inet6,
        mark: 7,
    });
    let fw = dest("2001:db8::3", 0, 1);
    add(mark.key, &fw, true);
    e.push(netns, &mark, &[fw]);
    let mut out = Vec::new();
    e.write(&mut out, Some(&map)).unwrap();
    String::from_utf8(out).unwrap()
}

/// The samples of [`exposition`], in its order.
fn expected(netns: &str) -> Vec<Sample> {
    let sample = |service, addr: &str, port, forward, up| Sample {
        netns: netns.to_owned(),
        service,
        addr: addr.parse().unwrap(),
        port,
        forward,
        up,
    };
    let dns = ServiceKey::Inet {
        protocol: Protocol::Udp,
        addr: "2001:db8::1".parse().unwrap(),
        port: 53,
    };
    let mark = ServiceKey::Fwmark {
        family: AddressFamily::Inet6,
        mark: 7,
    };
    vec![
        sample(tcp("10.0.0.1", 80), "10.0.1.1", 80, "masq", true),
        sample(tcp("10.0.0.1", 80), "10.0.1.2", 80, "masq", false),
        sample(tcp("10.0.0.1", 80), "10.0.1.3", 8080, "masq", false),
        sample(dns, "2001:db8::2", 53, "route", false),
        sample(mark, "2001:db8::3", 0, "masq", true),
    ]
}

fn answer(head: &str, body: &str) -> Result<Vec<Sample>, String> {
    read_answer(Cursor::new(format!("{head}\r\n\r\n{body}").into_bytes()))
}

const OK: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/plain";

#[test]
fn the_supervisors_samples_are_read_back() {
    // A namespace label with every escape the format has.
    for netns in ["", "lb", "a\\b\"c\nd é"] {
        let body = exposition(netns);
        assert_eq!(answer(OK, &body).unwrap(), expected(netns), "{body}");
    }
}

#[test]
fn a_real_endpoint_is_read_and_its_refusals_reported() {
    let server = MetricsServer::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = server.local_addr();
    let second = Duration::from_secs(1);
    let before = fetch(addr, second).unwrap_err();
    assert!(before.starts_with("answered `HTTP/1.1 503"), "{before}");
    server.publish(exposition("").into_bytes());
    assert_eq!(fetch(addr, second).unwrap(), expected(""));
    // Through the endpoint type: the status line names the address.
    let mut views = Vec::new();
    assert_eq!(Endpoint::new(addr, false).mark(&mut views), None);
    drop(server);
    let closed = free_port();
    assert_eq!(fetch(closed, second).unwrap_err(), "connection refused");
    assert_eq!(
        Endpoint::new(closed, false).mark(&mut views),
        Some(format!("metrics {closed}: connection refused"))
    );
}

/// An address nothing listens on.
fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

#[test]
fn a_silent_endpoint_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hold = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        // Takes the request, answers nothing until the client gives up.
        let mut sink = [0u8; 256];
        let _ = conn.read(&mut sink);
        std::thread::sleep(Duration::from_millis(800));
    });
    let started = Instant::now();
    let e = fetch(addr, Duration::from_millis(300)).unwrap_err();
    assert_eq!(e, "timed out");
    assert!(started.elapsed() < Duration::from_millis(700));
    hold.join().unwrap();
}

#[test]
fn answers_that_are_not_an_exposition_fail() {
    let body = exposition("");
    let fails = |head: &str, body: &str| answer(head, body).unwrap_err();
    assert_eq!(
        fails("HTTP/1.1 404 Not Found", ""),
        "answered `HTTP/1.1 404 Not Found'"
    );
    assert_eq!(fails("SSH-2.0-OpenSSH", ""), "not an HTTP/1.x answer");
    assert_eq!(
        fails("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", &body),
        "answer in a transfer encoding"
    );
    let length = format!("{OK}\r\nContent-Length: {}", body.len() + 1);
    assert_eq!(fails(&length, &body), "answer cut short");
    let length = format!("{OK}\r\nContent-Length: {}", body.len());
    assert_eq!(answer(&length, &body).unwrap(), expected(""));
    assert_eq!(
        read_answer(Cursor::new(b"HTTP/1.0 200 OK\r\n".to_vec())).unwrap_err(),
        "answer cut short in its head"
    );
    assert_eq!(
        read_answer(Cursor::new(Vec::new())).unwrap_err(),
        "empty answer"
    );
    let long = format!("# {}\n", "x".repeat(MAX_LINE));
    assert_eq!(fails(OK, &long), "a line longer than 64 KiB");
    // A bad sample of the family is an error, with its line number.
    let bad = format!("{body}ipvs_real_server_up{{server_address=\"x\"}} 1\n");
    let e = fails(OK, &bad);
    assert!(e.starts_with("line "), "{e}");
    assert!(e.ends_with("label protocol `' is not valid"), "{e}");
}

const LABELS: &str = "netns=\"\",family=\"inet\",protocol=\"tcp\",\
    address=\"10.0.0.1\",port=\"80\",fwmark=\"\",scheduler=\"rr\",\
    server_address=\"10.0.1.1\",server_port=\"80\",forward=\"masq\"";

fn line(text: &str) -> Result<Option<Sample>, String> {
    parse_line(text.as_bytes())
}

fn up(text: &str) -> Option<bool> {
    line(text).unwrap().map(|s| s.up)
}

#[test]
fn sample_lines_parse_as_the_text_format_says() {
    let s = |tail: &str| format!("ipvs_real_server_up{{{LABELS}}}{tail}");
    assert_eq!(up(&s(" 1")), Some(true));
    assert_eq!(up(&s(" 0")), Some(false));
    assert_eq!(up(&s(" 0.0")), Some(false));
    assert_eq!(up(&s(" -0")), Some(false));
    assert_eq!(up(&s(" 1e0")), Some(true));
    assert_eq!(up(&s("\t0 1700000000000")), Some(false));
    assert_eq!(up(&s(" NaN")), None);
    assert_eq!(up(&s(" +Inf")), Some(true));
    // Blanks around the tokens, and a comma after the last label.
    let spaced = format!(
        "  ipvs_real_server_up {{ {} , }} 0",
        LABELS.replace(',', " , ").replace('=', " = ")
    );
    assert_eq!(up(&spaced), Some(false));
    // Labels in another order, the empty ones left out.
    let reordered = "ipvs_real_server_up{server_port=\"80\",\
        server_address=\"10.0.1.1\",port=\"80\",address=\"10.0.0.1\",\
        protocol=\"tcp\"} 0";
    let sample = line(reordered).unwrap().unwrap();
    assert_eq!(sample.service, tcp("10.0.0.1", 80));
    assert_eq!((sample.forward, sample.netns.as_str()), ("", ""));
    // Other families, comments and blank lines are not samples.
    for other in [
        "",
        "# HELP ipvs_real_server_up 1 if the last health check passed.",
        "# TYPE ipvs_real_server_up gauge",
        "ipvs_real_server_weight{server_address=\"10.0.1.1\"} 0",
        "ipvs_real_server_upper{x=\"\\q\"} 0",
        "ipvs_real_server_up_total 3",
    ] {
        assert_eq!(line(other), Ok(None), "{other:?}");
    }
}

#[test]
fn label_values_are_unescaped_and_bad_syntax_refused() {
    let with_netns = |value: &str| {
        line(&format!(
            "ipvs_real_server_up{{netns=\"{value}\",{}}} 0",
            &LABELS[9..]
        ))
    };
    let netns = |value: &str| with_netns(value).unwrap().unwrap().netns;
    assert_eq!(netns("a\\\\b\\\"c\\nd"), "a\\b\"c\nd");
    assert_eq!(netns("},{x=\\\"1\\\" 0"), "},{x=\"1\" 0");
    assert_eq!(netns("é ü"), "é ü");
    for bad in ["a\\tb", "a\\", "a\\x41"] {
        assert!(with_netns(bad).is_err(), "{bad}");
    }
    let s = |labels: &str, tail: &str| {
        line(&format!("ipvs_real_server_up{{{labels}}}{tail}"))
    };
    for (labels, tail) in [
        (LABELS, ""),
        (LABELS, " up"),
        (LABELS, " 1 2 3"),
        (LABELS, " 1 later"),
        ("netns=\"\",,port=\"80\"", " 1"),
        ("netns=\"\" port=\"80\"", " 1"),
        ("netns=", " 1"),
        ("netns=x", " 1"),
        ("1netns=\"\"", " 1"),
        ("netns=\"\",netns=\"\"", " 1"),
        (",", " 1"),
    ] {
        assert!(s(labels, tail).is_err(), "{labels} {tail}");
    }
    // Unclosed.
    assert!(line(&format!("ipvs_real_server_up{{{LABELS} 1")).is_err());
    assert!(line("ipvs_real_server_up{netns=\"x} 1").is_err());
    // Values the labels cannot hold.
    for (from, to) in [
        ("\"10.0.1.1\"", "\"host\""),
        ("server_port=\"80\"", "server_port=\"65536\""),
        ("\"tcp\"", "\"?\""),
    ] {
        assert!(s(&LABELS.replace(from, to), " 1").is_err(), "{to}");
    }
    assert!(parse_line(b"ipvs_real_server_up{netns=\"\xff\"} 1").is_err());
    let mark = "family=\"inet\",fwmark=\"9\",server_address=\"10.0.1.1\",\
        server_port=\"0\"";
    let sample = s(mark, " 1").unwrap().unwrap();
    assert_eq!(
        sample.service,
        ServiceKey::Fwmark {
            family: AddressFamily::Inet,
            mark: 9
        }
    );
    assert!(s(&mark.replace("inet", "ipx"), " 1").is_err());
    assert!(s(&mark.replace("\"9\"", "\"-9\""), " 1").is_err());
}

/// The view of a table: rs1 and rs2 (weight 0) of the TCP service, in
/// namespace `netns`.
fn views(netns: &str) -> Vec<ServiceView> {
    let mut svc = Service::new(tcp("10.0.0.1", 80));
    svc.scheduler = "rr".into();
    let mut r = Reading::new(Instant::now());
    r.push(
        netns,
        &svc,
        &[dest("10.0.1.1", 80, 1), dest("10.0.1.2", 80, 0)],
    );
    services(None, &r)
}

#[test]
fn samples_mark_servers_and_add_the_ones_out_of_the_table() {
    let mut v = views("");
    apply(&mut v, &expected("lb"), false);
    let servers = &v[0].servers;
    assert_eq!(servers.len(), 3);
    assert_eq!(servers[0].health, Health::Up);
    assert_eq!(servers[0].marker(), None);
    assert_eq!(servers[1].health, Health::Down);
    assert_eq!(servers[1].marker(), Some("down"));
    assert!(!servers[2].listed);
    assert_eq!(servers[2].address, "10.0.1.3:8080");
    assert_eq!(servers[2].marker(), Some("down (not in table)"));
    // Again: the added row is found, not added twice.
    apply(&mut v, &expected("lb"), false);
    assert_eq!(v[0].servers.len(), 3);
    // With --all-netns the namespace must match.
    let mut v = views("other");
    apply(&mut v, &expected("lb"), true);
    assert_eq!(v[0].servers.len(), 2);
    assert!(v[0].servers.iter().all(|s| s.health == Health::Unknown));
    assert_eq!(v[0].servers[1].marker(), Some("drained"));
    let mut v = views("lb");
    apply(&mut v, &expected("lb"), true);
    assert_eq!(v[0].servers.len(), 3);
    // An up server the table lacks is not added.
    let mut v = views("");
    let mut up = expected("");
    up[2].up = true;
    apply(&mut v, &up, false);
    assert_eq!(v[0].servers.len(), 2);
}

#[test]
fn the_snapshot_marks_down_servers_and_shows_the_status_line() {
    let mut v = views("");
    apply(&mut v, &expected(""), false);
    let addr: SocketAddr = "127.0.0.1:9100".parse().unwrap();
    let titles = snapshot::titles(1000, Some(addr));
    assert!(
        titles[0]
            .ends_with(", down servers from http://127.0.0.1:9100/metrics"),
        "{}",
        titles[0]
    );
    let mut out = Vec::new();
    snapshot::write(&mut out, &titles, &v, Some("metrics x: y")).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[3].starts_with("  -> 10.0.1.1:80") && lines[3].ends_with('%')
    );
    assert!(lines[4].ends_with("   0% down"), "{}", lines[4]);
    // The row out of the table: no numbers, the marker in the same
    // column.
    assert!(lines[5].starts_with("  -> 10.0.1.3:8080"), "{}", lines[5]);
    assert!(lines[5].ends_with(" down (not in table)"), "{}", lines[5]);
    assert_eq!(lines[5].find(" down"), lines[4].find(" down"));
    assert_eq!(lines[5].split_whitespace().count(), 7, "{}", lines[5]);
    assert_eq!(lines[6], "metrics x: y");
    assert_eq!(lines[7], "");
}
