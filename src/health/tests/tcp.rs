//! `connect` and `simpletcp`.

use super::*;

fn simple(request: &str, receive: Option<&str>) -> CheckKind {
    CheckKind::Negotiate(Probe::SimpleTcp {
        request: request.into(),
        receive: receive.map(Into::into),
    })
}

#[test]
fn connect_to_a_listener_is_healthy() {
    let server = Server::start(Mode::Silent, b"");
    assert_healthy(&check(server.addr, CheckKind::Connect));
}

#[test]
fn connect_closes_with_a_reset() {
    // No FIN: the server's read sees a reset, not the end of the stream,
    // and the load balancer keeps no TIME_WAIT socket.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    assert_healthy(&check(addr, CheckKind::Connect));
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let read = std::io::Read::read(&mut conn, &mut [0u8; 1]);
    assert_eq!(
        read.map_err(|e| e.kind()),
        Err(std::io::ErrorKind::ConnectionReset)
    );
}

#[test]
fn connect_refused() {
    assert_fails(
        &check(closed_port(), CheckKind::Connect),
        "connection refused",
    );
    let kind = CheckKind::Negotiate(http("/", None));
    assert_fails(&check(closed_port(), kind), "connection refused");
}

#[test]
fn simpletcp_sends_the_request_and_matches_a_line() {
    let server = Server::start(Mode::Reply, b"220 hello\r\n+OK ready\r\nbye");
    assert_healthy(&check(
        server.addr,
        simple("PING\\nPONG\\n", Some("^\\+OK")),
    ));
    // `\n` in the request is a newline, and the sending side is closed.
    assert_eq!(server.requests(), ["PING\nPONG\n"]);
    // The last line counts without its newline too.
    assert_healthy(&check(server.addr, simple("x", Some("^bye$"))));
}

#[test]
fn simpletcp_matches_line_by_line() {
    let server = Server::start(Mode::Reply, b"220 hello\r\n+OK ready\r\n");
    // Across two lines: ldirectord never sees both at once.
    assert_fails(
        &check(server.addr, simple("x", Some("hello.*OK"))),
        "receive string not found",
    );
}

#[test]
fn simpletcp_without_receive_needs_an_answer() {
    let server = Server::start(Mode::Reply, b"anything");
    assert_healthy(&check(server.addr, simple("x", None)));
    let server = Server::start(Mode::Reply, b"");
    assert_fails(
        &check(server.addr, simple("x", None)),
        "receive string not found",
    );
}

#[test]
fn simpletcp_succeeds_on_a_match_without_waiting_for_the_end() {
    let server = Server::start(Mode::KeepOpen, b"+OK\n");
    let mut checker = Checker::new().unwrap();
    let kind = simple("x", Some("OK"));
    let outcome =
        checker.run(&[target("t", server.addr, kind, Duration::from_secs(2))]);
    assert_healthy(&outcome[0]);
    assert!(outcome[0].duration < Duration::from_secs(1));
}

#[test]
fn on_and_off() {
    assert_healthy(&check(closed_port(), CheckKind::On));
    assert_fails(&check(closed_port(), CheckKind::Off), "checktype off");
}
