//! The metrics endpoint over real sockets on the loopback: what each
//! request gets, and that the size and time limits hold while other
//! scrapes go on.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::{CONTENT_TYPE, Limits, MetricsServer};

fn server(limits: Limits) -> MetricsServer {
    MetricsServer::bind_with("127.0.0.1:0".parse().unwrap(), limits).unwrap()
}

/// Sends `request` and reads the whole answer (the server closes).
fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

fn get(addr: SocketAddr, path: &str) -> String {
    exchange(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
    )
}

fn status(answer: &str) -> &str {
    answer.lines().next().unwrap_or_default()
}

fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").unwrap().1
}

#[test]
fn metrics_answers_the_last_published_body() {
    let s = server(Limits::default());
    let addr = s.local_addr();
    let a = get(addr, "/metrics");
    assert_eq!(status(&a), "HTTP/1.1 503 Service Unavailable");

    s.publish(b"a 1\n".to_vec());
    let a = get(addr, "/metrics");
    assert_eq!(status(&a), "HTTP/1.1 200 OK");
    assert!(a.contains(&format!("\r\nContent-Type: {CONTENT_TYPE}\r\n")));
    assert!(a.contains("\r\nContent-Length: 4\r\n"));
    assert!(a.contains("\r\nConnection: close\r\n"));
    assert_eq!(body(&a), "a 1\n");

    s.publish(b"a 2\nb 3\n".to_vec());
    let a = get(addr, "/metrics?name[]=a");
    assert_eq!(body(&a), "a 2\nb 3\n");
    let a = exchange(addr, b"GET /metrics HTTP/1.0\n\n");
    assert_eq!(body(&a), "a 2\nb 3\n");
}

#[test]
fn head_gets_the_headers_only() {
    let s = server(Limits::default());
    s.publish(b"a 1\n".to_vec());
    let a = exchange(s.local_addr(), b"HEAD /metrics HTTP/1.1\r\n\r\n");
    assert_eq!(status(&a), "HTTP/1.1 200 OK");
    assert!(a.contains("\r\nContent-Length: 4\r\n"));
    assert_eq!(body(&a), "");
}

#[test]
fn other_paths_are_not_found_and_other_methods_not_allowed() {
    let s = server(Limits::default());
    s.publish(b"a 1\n".to_vec());
    let addr = s.local_addr();
    for path in ["/", "/foo", "/metrics/", "/metricsx", "/Metrics"] {
        let a = get(addr, path);
        assert_eq!(status(&a), "HTTP/1.1 404 Not Found", "{path}");
        assert!(!a.contains("a 1"));
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let req =
            format!("{method} /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        let a = exchange(addr, req.as_bytes());
        assert_eq!(status(&a), "HTTP/1.1 405 Method Not Allowed", "{method}");
        assert!(a.contains("\r\nAllow: GET, HEAD\r\n"));
    }
    for req in [
        &b"GET /metrics\r\n\r\n"[..],
        b"GET /metrics HTTP/2.0\r\n\r\n",
        b"GET metrics HTTP/1.1\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\r\n\r\n",
    ] {
        let a = exchange(addr, req);
        assert_eq!(status(&a), "HTTP/1.1 400 Bad Request");
    }
}

#[test]
fn an_oversized_head_is_refused() {
    let s = server(Limits::default());
    s.publish(b"a 1\n".to_vec());
    let mut c = TcpStream::connect(s.local_addr()).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = b"GET /metrics HTTP/1.1\r\n".to_vec();
    while req.len() < 16 * 1024 {
        req.extend_from_slice(
            b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        );
    }
    // The server may stop reading (and close) before all of it is sent.
    let _ = c.write_all(&req);
    let mut answer = Vec::new();
    match c.read_to_end(&mut answer) {
        Ok(_) => {
            let a = String::from_utf8_lossy(&answer);
            assert!(
                a.is_empty()
                    || a.starts_with(
                        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                    ),
                "{a}"
            );
            assert!(!a.contains("a 1"));
        }
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset),
    }
    // And the server still answers.
    assert_eq!(status(&get(s.local_addr(), "/metrics")), "HTTP/1.1 200 OK");
}

#[test]
fn a_silent_client_is_dropped_after_the_bound_and_blocks_nobody() {
    let bound = Duration::from_millis(400);
    let s = server(Limits {
        connection_time: bound,
        ..Limits::default()
    });
    s.publish(b"a 1\n".to_vec());
    let addr = s.local_addr();
    let started = Instant::now();
    let mut silent = TcpStream::connect(addr).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // A half-sent request does not extend the bound either.
    let mut trickle = TcpStream::connect(addr).unwrap();
    trickle.write_all(b"GET /metr").unwrap();

    let a = get(addr, "/metrics");
    assert_eq!(body(&a), "a 1\n");
    assert!(started.elapsed() < bound, "{:?}", started.elapsed());

    let mut buf = [0u8; 16];
    let n = silent.read(&mut buf).unwrap();
    let waited = started.elapsed();
    assert_eq!(n, 0, "closed without an answer");
    assert!(waited >= bound, "{waited:?}");
    assert!(waited < bound + Duration::from_secs(3), "{waited:?}");
    trickle
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(trickle.read(&mut buf).unwrap(), 0);
}

#[test]
fn connections_over_the_limit_are_turned_away_until_one_ends() {
    let bound = Duration::from_millis(400);
    let s = server(Limits {
        connection_time: bound,
        connections: 1,
        ..Limits::default()
    });
    s.publish(b"a 1\n".to_vec());
    let addr = s.local_addr();
    let silent = TcpStream::connect(addr).unwrap();
    // Let the server take the first connection before the second comes.
    std::thread::sleep(Duration::from_millis(100));
    let mut second = TcpStream::connect(addr).unwrap();
    second
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    // The 503 may be overtaken by a reset: the request is never read.
    if second.read_to_string(&mut answer).is_ok() {
        assert!(
            answer.is_empty()
                || answer.starts_with("HTTP/1.1 503 Service Unavailable"),
            "{answer}"
        );
    }
    std::thread::sleep(bound);
    assert_eq!(body(&get(addr, "/metrics")), "a 1\n");
    drop(silent);
}

#[test]
fn ipv6_loopback_is_served() {
    let addr: SocketAddr = "[::1]:0".parse().unwrap();
    let s = match MetricsServer::bind(addr) {
        Ok(s) => s,
        // A host without IPv6 (some CI containers): nothing to test.
        Err(crate::Error::Io(e)) if e.kind() == ErrorKind::AddrNotAvailable => {
            return;
        }
        Err(e) => panic!("{e}"),
    };
    assert!(s.local_addr().is_ipv6());
    s.publish(b"a 1\n".to_vec());
    assert_eq!(body(&get(s.local_addr(), "/metrics")), "a 1\n");
}

#[test]
fn dropping_the_server_closes_the_port() {
    let s = server(Limits::default());
    let addr = s.local_addr();
    drop(s);
    let refused = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
    assert!(refused.is_err());
}

#[test]
fn a_taken_port_is_an_error() {
    let s = server(Limits::default());
    assert!(MetricsServer::bind(s.local_addr()).is_err());
}

#[test]
fn a_client_closing_early_does_not_stop_the_server() {
    let s = server(Limits::default());
    s.publish(vec![b'x'; 1 << 20]);
    let addr = s.local_addr();
    for _ in 0..5 {
        let mut c = TcpStream::connect(addr).unwrap();
        c.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").unwrap();
        c.shutdown(Shutdown::Both).unwrap();
    }
    let a = get(addr, "/metrics");
    assert_eq!(body(&a).len(), 1 << 20);
}
