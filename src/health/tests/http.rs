//! `http` and `https`: the request sent and ldirectord's rule on the answer.

use super::*;

#[track_caller]
fn assert_has(request: &str, line: &str) {
    assert!(request.contains(line), "{line:?} not in {request:?}");
}

#[test]
fn get_with_receive_matching_the_body_is_healthy() {
    let server = Server::start(Mode::Reply, &ok("<h1>debian11</h1>\n"));
    let outcome = check(
        server.addr,
        CheckKind::Negotiate(http("index.html", Some("debian1[0-9]"))),
    );
    assert_healthy(&outcome);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    // ldirectord's `request` gets a leading slash; Host is the bare address.
    assert!(
        requests[0].starts_with("GET /index.html HTTP/1.0\r\n"),
        "{requests:?}"
    );
    assert_has(&requests[0], "\r\nHost: 127.0.0.1\r\n");
    assert_has(&requests[0], "\r\nConnection: close\r\n");
}

#[test]
fn receive_not_in_the_body_fails() {
    let server = Server::start(Mode::Reply, &ok("<h1>debian12</h1>"));
    let outcome = check(
        server.addr,
        CheckKind::Negotiate(http("/", Some("debian11"))),
    );
    assert_fails(&outcome, "receive string not found");
}

#[test]
fn without_receive_any_2xx_passes() {
    let server = Server::start(Mode::Reply, &reply(204, ""));
    assert_healthy(&check(server.addr, CheckKind::Negotiate(http("/", None))));
    // An empty receive checks nothing either.
    assert_healthy(&check(
        server.addr,
        CheckKind::Negotiate(http("/", Some(""))),
    ));
}

#[test]
fn statuses_outside_2xx_fail_with_their_code() {
    for status in [404, 500, 503, 301, 101] {
        let server = Server::start(Mode::Reply, &reply(status, "debian11"));
        let outcome = check(
            server.addr,
            CheckKind::Negotiate(http("/", Some("debian11"))),
        );
        assert_fails(&outcome, &format!("HTTP {status}"));
    }
}

#[test]
fn head_sends_head_and_judges_the_status() {
    let server = Server::start(
        Mode::Reply,
        b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n",
    );
    let head = |receive: Option<&str>| {
        CheckKind::Negotiate(http_with(
            false,
            HttpMethod::Head,
            "/check",
            None,
            receive,
        ))
    };
    assert_healthy(&check(server.addr, head(None)));
    assert!(server.requests()[0].starts_with("HEAD /check HTTP/1.0\r\n"));
    // ldirectord matches receive on the (empty) content of a HEAD answer.
    assert_fails(
        &check(server.addr, head(Some("x"))),
        "receive string not found",
    );
    server.set_reply(b"HTTP/1.1 500 Oops\r\n\r\n");
    assert_fails(&check(server.addr, head(None)), "HTTP 500");
}

#[test]
fn virtualhost_is_the_host_header() {
    let server = Server::start(Mode::Reply, &ok("fine"));
    let probe = http_with(
        false,
        HttpMethod::Get,
        "/",
        Some("www.example.org"),
        Some("fine"),
    );
    assert_healthy(&check(server.addr, CheckKind::Negotiate(probe)));
    let requests = server.requests();
    assert_has(&requests[0], "\r\nHost: www.example.org\r\n");
}

#[test]
fn https_with_a_self_signed_certificate() {
    let server = Server::start(Mode::Tls, &ok("secure debian11"));
    let probe = |receive: &str| {
        CheckKind::Negotiate(http_with(
            true,
            HttpMethod::Get,
            "/index.html",
            Some("lb.example"),
            Some(receive),
        ))
    };
    assert_healthy(&check(server.addr, probe("debian11")));
    assert!(server.requests()[0].contains("\r\nHost: lb.example\r\n"));
    assert_fails(
        &check(server.addr, probe("debian12")),
        "receive string not found",
    );
}

#[test]
fn https_to_a_plain_server_fails() {
    let server = Server::start(Mode::Greet, &ok("x"));
    let probe = http_with(true, HttpMethod::Get, "/", None, None);
    let outcome = check(server.addr, CheckKind::Negotiate(probe));
    assert!(!outcome.healthy);
    let error = outcome.error.unwrap();
    assert!(error.starts_with("TLS: "), "{error}");
}

#[test]
fn content_length_ends_the_body_on_an_open_connection() {
    let server = Server::start(Mode::KeepOpen, &ok("debian11"));
    let mut checker = Checker::new().unwrap();
    let kind = CheckKind::Negotiate(http("/", Some("debian11")));
    let outcome =
        checker.run(&[target("t", server.addr, kind, Duration::from_secs(2))]);
    assert_healthy(&outcome[0]);
    assert!(outcome[0].duration < Duration::from_secs(1), "{outcome:?}");
}

#[test]
fn chunked_body_is_decoded_before_matching() {
    let body = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ndebia\r\n3;x=y\r\nn11\r\n0\r\n\r\n";
    let server = Server::start(Mode::KeepOpen, body);
    assert_healthy(&check(
        server.addr,
        CheckKind::Negotiate(http("/", Some("^debian11$"))),
    ));
}

#[test]
fn a_large_body_is_read_up_to_the_bound() {
    let body =
        format!("{}debian11", "x".repeat(crate::health::http::MAX_BODY + 10));
    let server = Server::start(Mode::Reply, &ok(&body));
    let kind = CheckKind::Negotiate(http("/", Some("debian11")));
    assert_fails(&check(server.addr, kind), "receive string not found");
    let kind = CheckKind::Negotiate(http("/", Some("^x+$")));
    assert_healthy(&check(server.addr, kind));
}

#[test]
fn garbage_and_silence_are_reported() {
    let server = Server::start(Mode::Reply, b"SSH-2.0-OpenSSH\r\n\r\n");
    let outcome = check(server.addr, CheckKind::Negotiate(http("/", None)));
    assert_fails(&outcome, "malformed response");
    let server = Server::start(Mode::Reply, b"");
    let outcome = check(server.addr, CheckKind::Negotiate(http("/", None)));
    assert_fails(&outcome, "no answer");
}

#[test]
fn an_invalid_receive_expression_fails_and_is_refused_by_validate() {
    let kind = CheckKind::Negotiate(http("/", Some("(unclosed")));
    let spec = CheckSpec {
        kind: kind.clone(),
        connect_timeout: Duration::from_secs(1),
        negotiate_timeout: Duration::from_secs(1),
    };
    assert!(
        Checker::validate(&spec)
            .unwrap_err()
            .starts_with("invalid receive expression")
    );
    let outcome = check(closed_port(), kind);
    assert!(
        outcome
            .error
            .unwrap()
            .starts_with("invalid receive expression")
    );
    let bad_path = CheckSpec {
        kind: CheckKind::Negotiate(http("/a b", None)),
        ..spec
    };
    assert_eq!(
        Checker::validate(&bad_path),
        Err("invalid request path".into())
    );
}

#[test]
fn head_parsing() {
    use crate::health::http::{Head, dechunk};
    let head =
        Head::parse(b"HTTP/1.0 200 OK\r\ncontent-length: 12\r\n\r\n").unwrap();
    assert_eq!(
        (head.status, head.length, head.chunked),
        (200, Some(12), false)
    );
    assert!(Head::parse(b"HTTP/1.1 20 OK\r\n\r\n").is_err());
    assert!(Head::parse(b"200 OK\r\n\r\n").is_err());
    assert_eq!(dechunk(b"3\r\nabc\r\n0\r\n\r\n"), b"abc");
    assert_eq!(dechunk(b"zz\r\nabc"), b"");
}

#[test]
fn ipv6_servers_get_a_bracketed_host() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    }
    let server = Server::start_on(
        "[::1]:0".parse().unwrap(),
        Mode::Reply,
        &ok("debian11"),
    );
    let outcome = check(
        server.addr,
        CheckKind::Negotiate(http("/", Some("debian11"))),
    );
    assert_healthy(&outcome);
    assert_has(&server.requests()[0], "\r\nHost: [::1]\r\n");
}

#[test]
fn receive_matches_bytes_as_perl_does() {
    let server = Server::start(Mode::Reply, &ok("Grüße\r\nWORD_1 end"));
    for (receive, healthy) in [
        ("Grüße", true),
        ("(?i)word_\\d", true),
        // `.` is one byte: four for "üß".
        ("^Gr....e", true),
        ("^Gr..e", false),
        // `\w` is ASCII: not the first byte of "ü".
        ("Gr\\w", false),
        ("W\\w+_\\d", true),
        ("Grüße.WORD", false),
    ] {
        let outcome =
            check(server.addr, CheckKind::Negotiate(http("/", Some(receive))));
        assert_eq!(outcome.healthy, healthy, "{receive}: {outcome:?}");
    }
    let outcome =
        check(server.addr, CheckKind::Negotiate(http("/", Some("\\p{L}"))));
    assert!(
        outcome
            .error
            .unwrap()
            .starts_with("invalid receive expression")
    );
}
