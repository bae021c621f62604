//! `checktype=N`: ldirectord's counter of connects since the last good
//! negotiate, per target key.

use super::*;

fn combined(connects: u32) -> CheckKind {
    CheckKind::ConnectsThenNegotiate {
        connects,
        probe: http("/", Some("up")),
    }
}

/// Runs one check of `key` and says what it did: `N` for a negotiate
/// (which the server's failing answer gives away) or `C` for a connect.
fn step(
    checker: &mut Checker,
    key: &str,
    addr: SocketAddr,
    connects: u32,
) -> char {
    let outcome = checker.run(&[target(
        key,
        addr,
        combined(connects),
        Duration::from_secs(5),
    )]);
    match outcome[0].error.as_deref() {
        Some("HTTP 500") => 'N',
        None => 'C',
        other => panic!("{other:?}"),
    }
}

#[test]
fn n_connects_between_negotiates() {
    let server = Server::start(Mode::Reply, &ok("up"));
    let mut checker = Checker::new().unwrap();
    let kind = combined(2);
    let t = target("a", server.addr, kind, Duration::from_secs(5));
    // The first check negotiates.
    assert_healthy(&checker.run(std::slice::from_ref(&t))[0]);
    assert_eq!(server.requests().len(), 1);
    // From now on a negotiate fails, a connect passes.
    server.set_reply(&reply(500, ""));
    let seq: String = (0..5)
        .map(|_| step(&mut checker, "a", server.addr, 2))
        .collect();
    // Two connects, then negotiates until one passes.
    assert_eq!(seq, "CCNNN");
    server.set_reply(&ok("up"));
    assert_healthy(&checker.run(std::slice::from_ref(&t))[0]);
    server.set_reply(&reply(500, ""));
    let seq: String = (0..4)
        .map(|_| step(&mut checker, "a", server.addr, 2))
        .collect();
    assert_eq!(seq, "CCNN");
}

#[test]
fn counters_are_per_key_and_forgotten() {
    let server = Server::start(Mode::Reply, &ok("up"));
    let mut checker = Checker::new().unwrap();
    let both = [
        target("a", server.addr, combined(3), Duration::from_secs(5)),
        target("b", server.addr, combined(3), Duration::from_secs(5)),
    ];
    checker.run(&both[..1]);
    server.set_reply(&reply(500, ""));
    assert_eq!(step(&mut checker, "a", server.addr, 3), 'C');
    // "b" has not negotiated yet.
    assert_eq!(step(&mut checker, "b", server.addr, 3), 'N');
    checker.forget("a");
    assert_eq!(step(&mut checker, "a", server.addr, 3), 'N');
}

#[test]
fn a_failed_connect_brings_the_negotiate_forward() {
    let server = Server::start(Mode::Reply, &ok("up"));
    let mut checker = Checker::new().unwrap();
    checker.run(&[target(
        "a",
        server.addr,
        combined(5),
        Duration::from_secs(5),
    )]);
    // A connect to a closed port fails, so the next check negotiates.
    let outcome = checker.run(&[target(
        "a",
        closed_port(),
        combined(5),
        Duration::from_secs(5),
    )]);
    assert_fails(&outcome[0], "connection refused");
    server.set_reply(&reply(500, ""));
    assert_eq!(step(&mut checker, "a", server.addr, 5), 'N');
}

#[test]
fn zero_connects_always_negotiates() {
    let server = Server::start(Mode::Reply, &reply(500, ""));
    let mut checker = Checker::new().unwrap();
    let seq: String = (0..3)
        .map(|_| step(&mut checker, "a", server.addr, 0))
        .collect();
    assert_eq!(seq, "NNN");
}
