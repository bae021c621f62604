//! The key property: servers that accept and never answer delay no other
//! check, and outcomes come back in target order.

use std::time::Instant;

use super::*;

#[test]
fn silent_servers_delay_nobody() {
    let healthy = Server::start(Mode::Reply, &ok("debian11"));
    let silent = Server::start(Mode::Silent, b"");
    let kind = CheckKind::Negotiate(http("/index.html", Some("debian11")));
    let targets: Vec<CheckTarget> = (0..200)
        .map(|i| {
            let addr = if i % 10 == 3 {
                silent.addr
            } else {
                healthy.addr
            };
            target(
                &format!("rs{i}"),
                addr,
                kind.clone(),
                Duration::from_secs(1),
            )
        })
        .collect();
    let mut checker = Checker::new().unwrap();
    let start = Instant::now();
    let outcomes = checker.run(&targets);
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(outcomes.len(), 200);
    for (i, outcome) in outcomes.iter().enumerate() {
        if i % 10 == 3 {
            assert_fails(outcome, "timed out");
            assert!(outcome.duration >= Duration::from_secs(1), "{outcome:?}");
        } else {
            assert_healthy(outcome);
            assert!(outcome.duration < Duration::from_secs(1), "{outcome:?}");
        }
    }
    assert_eq!(healthy.requests().len(), 180);
}

#[test]
fn outcomes_follow_target_order() {
    let server = Server::start(Mode::Reply, &ok("x"));
    let mut checker = Checker::new().unwrap();
    let limit = Duration::from_secs(5);
    let targets = [
        target("a", closed_port(), CheckKind::Connect, limit),
        target("b", server.addr, CheckKind::Connect, limit),
        target("c", server.addr, CheckKind::Off, limit),
        target(
            "d",
            server.addr,
            CheckKind::Negotiate(http("/", Some("x"))),
            limit,
        ),
    ];
    let outcomes = checker.run(&targets);
    let healthy: Vec<bool> = outcomes.iter().map(|o| o.healthy).collect();
    assert_eq!(healthy, [false, true, false, true]);
    assert!(checker.run(&[]).is_empty());
}

#[test]
fn a_silent_server_times_out_a_connect_check_no_sooner_than_its_limit() {
    // A connect to a silent server succeeds (the kernel accepts); the
    // negotiate is what times out.
    let silent = Server::start(Mode::Silent, b"");
    let mut checker = Checker::new().unwrap();
    let kind = CheckKind::Negotiate(Probe::SimpleTcp {
        request: "x".into(),
        receive: Some("y".into()),
    });
    let start = Instant::now();
    let outcome = checker.run(&[target(
        "a",
        silent.addr,
        kind,
        Duration::from_millis(300),
    )]);
    assert_fails(&outcome[0], "timed out");
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_round_ends_on_time_and_a_silent_server_holds_up_no_later_round() {
    let healthy = Server::start(Mode::Reply, &ok("debian11"));
    let silent = Server::start(Mode::Silent, b"");
    let kind = CheckKind::Negotiate(http("/index.html", Some("debian11")));
    let limit = Duration::from_millis(1500);
    let targets = [
        target("up", healthy.addr, kind.clone(), limit),
        target("silent", silent.addr, kind, limit),
    ];
    let mut checker = Checker::new().unwrap();
    let start = Instant::now();
    let mut rounds = 0;
    let silent_outcome = loop {
        rounds += 1;
        let round = Instant::now();
        let outcomes =
            checker.run_until(&targets, round + Duration::from_millis(200));
        // Every round probes the healthy server again and ends when it is
        // due, whatever the silent one does.
        assert!(round.elapsed() < Duration::from_millis(700), "{rounds}");
        assert_healthy(outcomes[0].as_ref().expect("the healthy server"));
        if let Some(outcome) = &outcomes[1] {
            break outcome.clone();
        }
        assert!(start.elapsed() < Duration::from_secs(5), "no timeout");
    };
    assert_fails(&silent_outcome, "timed out");
    assert!(silent_outcome.duration >= limit, "{silent_outcome:?}");
    // The silent server's one probe spanned several rounds.
    assert!(rounds >= 5, "{rounds} rounds");
    assert_eq!(healthy.requests().len(), rounds);
    // Once it has ended, the next round probes it again.
    let outcomes = checker
        .run_until(&targets, Instant::now() + Duration::from_millis(200));
    assert!(outcomes[0].is_some());
    assert!(outcomes[1].is_none());
}
