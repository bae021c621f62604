//! Health from consecutive outcomes, and the table it implies.

use std::time::Duration;

use crate::commands::{Table, TableEntry, plan_changes, write_line};
use crate::health::CheckOutcome;
use crate::model::{Destination, ForwardMethod};
use crate::watch::{Config, Health, Transition, desired, parse};

fn outcome(healthy: bool) -> CheckOutcome {
    CheckOutcome {
        healthy,
        duration: Duration::ZERO,
        error: (!healthy).then(|| "connection refused".to_string()),
    }
}

fn config(text: &str) -> Config {
    parse(b"ipvsadm", "w.cf", text.as_bytes()).unwrap()
}

const POOL: &str = "virtual=10.0.0.1:80\n\tscheduler=rr\n\
                    \treal=10.0.1.1:80 masq\n\treal=10.0.1.2:80 masq 3\n\
                    \tfallback=127.0.0.1:80 masq\n";
const A: &str = "10.0.0.1:80 10.0.1.1:80";
const B: &str = "10.0.0.1:80 10.0.1.2:80";

/// The changes from `current` to the desired table, as restore lines.
fn changes(config: &Config, health: &Health, current: &Table) -> String {
    let want = desired(config, None, health, current);
    let mut out = Vec::new();
    for c in plan_changes(current, &want) {
        write_line(&mut out, &c).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn kernel(config: &Config, health: &Health) -> Table {
    desired(config, None, health, &Table::new())
}

#[test]
fn failures_in_a_row_take_a_server_down_and_one_success_brings_it_back() {
    let mut h = Health::new();
    assert_eq!(h.record(A, &outcome(false), 3), Transition::Down);
    assert!(!h.is_up(A));
    assert_eq!(h.record(A, &outcome(true), 3), Transition::Up);
    assert!(h.is_up(A));
    assert_eq!(
        h.record(A, &outcome(false), 3),
        Transition::SoftFailure {
            failures: 1,
            limit: 3
        }
    );
    assert!(h.is_up(A));
    assert_eq!(h.record(A, &outcome(true), 3), Transition::Reset);
    for _ in 0..2 {
        h.record(A, &outcome(false), 3);
    }
    assert!(h.is_up(A));
    assert_eq!(h.record(A, &outcome(false), 3), Transition::Down);
    assert!(!h.is_up(A));
    assert_eq!(h.record(A, &outcome(true), 3), Transition::Up);
    assert!(h.is_up(A));
}

#[test]
fn the_report_has_the_last_outcome_and_counts_transitions() {
    let mut h = Health::new();
    assert_eq!(h.report(A), None);
    let mut slow = outcome(false);
    slow.duration = Duration::from_millis(1500);
    h.record(A, &slow, 2);
    let r = h.report(A).unwrap();
    assert!(!r.up);
    assert_eq!(r.last_check_seconds, 1.5);
    assert_eq!(r.last_error.as_deref(), Some("connection refused"));
    // Starting down and failing is no transition.
    assert_eq!(r.transitions, 0);
    h.record(A, &outcome(true), 2);
    let r = h.report(A).unwrap();
    assert!(r.up);
    assert_eq!((r.last_error, r.transitions), (None, 1));
    // A soft failure shows its error while the server is still up.
    h.record(A, &outcome(false), 2);
    let r = h.report(A).unwrap();
    assert!(r.up && r.last_error.is_some());
    assert_eq!(r.transitions, 1);
    h.record(A, &outcome(false), 2);
    assert_eq!(h.report(A).unwrap().transitions, 2);
    h.record(A, &outcome(true), 2);
    assert_eq!(h.report(A).unwrap().transitions, 3);
    // A failure without a reason still shows one.
    let silent = CheckOutcome {
        healthy: false,
        duration: Duration::ZERO,
        error: None,
    };
    h.record(B, &silent, 1);
    assert_eq!(
        h.report(B).unwrap().last_error.as_deref(),
        Some("check failed")
    );
}

#[test]
fn the_fallback_is_in_while_no_real_server_is_healthy() {
    let c = config(POOL);
    let mut h = Health::new();
    assert_eq!(
        changes(&c, &h, &Table::new()),
        "-A -t 10.0.0.1:80 -s rr\n\
         -a -t 10.0.0.1:80 -r 127.0.0.1:80 -m -w 1\n"
    );
    let before = kernel(&c, &h);
    h.record(B, &outcome(true), 1);
    assert_eq!(
        changes(&c, &h, &before),
        "-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 3\n\
         -d -t 10.0.0.1:80 -r 127.0.0.1:80\n"
    );
    let both_down = kernel(&c, &h);
    h.record(B, &outcome(false), 1);
    assert_eq!(
        changes(&c, &h, &both_down),
        "-a -t 10.0.0.1:80 -r 127.0.0.1:80 -m -w 1\n\
         -d -t 10.0.0.1:80 -r 10.0.1.2:80\n"
    );
}

#[test]
fn quiescent_servers_stay_at_weight_zero() {
    let c = config(&format!("quiescent=yes\n{POOL}"));
    let mut h = Health::new();
    h.record(A, &outcome(true), 1);
    h.record(B, &outcome(true), 1);
    let up = kernel(&c, &h);
    h.record(B, &outcome(false), 1);
    assert_eq!(
        changes(&c, &h, &up),
        "-e -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 0\n"
    );
    // Not in the kernel and down: not added (no readdquiescent).
    let fresh = Health::new();
    assert_eq!(
        changes(&c, &fresh, &Table::new()),
        "-A -t 10.0.0.1:80 -s rr\n\
         -a -t 10.0.0.1:80 -r 127.0.0.1:80 -m -w 1\n"
    );
}

#[test]
fn servers_the_file_does_not_name_are_left_alone() {
    let c = config(POOL);
    let mut h = Health::new();
    h.record(A, &outcome(true), 1);
    h.record(B, &outcome(true), 1);
    let mut want = kernel(&c, &h).to_vec();
    let mut manual = Destination::new("10.0.9.9".parse().unwrap(), 80);
    manual.forward = ForwardMethod::Route;
    want[0].dests.push(manual);
    let current = Table::from(want);
    assert_eq!(changes(&c, &h, &current), "");
    h.record(A, &outcome(false), 1);
    assert_eq!(
        changes(&c, &h, &current),
        "-d -t 10.0.0.1:80 -r 10.0.1.1:80\n"
    );
}

#[test]
fn an_edited_file_changes_the_service_in_place() {
    let c = config(POOL);
    let mut h = Health::new();
    h.record(A, &outcome(true), 1);
    h.record(B, &outcome(true), 1);
    let current = kernel(&c, &h);
    let edited = config(&POOL.replace("rr", "wlc").replace("masq 3", "masq 7"));
    let want = desired(&edited, Some(&c), &h, &current);
    let mut out = Vec::new();
    for change in plan_changes(&current, &want) {
        write_line(&mut out, &change).unwrap();
    }
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "-E -t 10.0.0.1:80 -s wlc\n\
         -e -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 7\n"
    );
    // A real server dropped from the file goes, though unchecked now.
    let fewer = config(&POOL.replace("\treal=10.0.1.2:80 masq 3\n", ""));
    let want = desired(&fewer, Some(&c), &h, &current);
    let plan = plan_changes(&current, &want);
    assert_eq!(plan.len(), 1);
    let entry: &TableEntry = &want[0];
    assert_eq!(entry.dests.len(), 1);
}

#[test]
fn changes_are_logged_in_ldirectords_words() {
    use crate::client::Change;
    use crate::watch::log::change_line;
    let c = config(POOL);
    let pool = &c.pools[0];
    let svc = pool.service.clone();
    let real = pool.reals[0].dest.clone();
    let fallback = pool.fallback.clone().unwrap();
    let mut quiet = real.clone();
    quiet.weight = 0;
    let lines: Vec<String> = [
        Change::AddService(svc.clone()),
        Change::AddDest(svc.clone(), real.clone()),
        Change::DeleteDest(svc.clone(), real.clone()),
        Change::EditDest(svc.clone(), quiet),
        Change::EditDest(svc.clone(), pool.reals[1].dest.clone()),
        Change::AddDest(svc.clone(), fallback.clone()),
        Change::DeleteDest(svc.clone(), fallback),
        Change::EditService(svc),
    ]
    .iter()
    .map(|change| change_line(&c, change))
    .collect();
    assert_eq!(
        lines,
        [
            "Added virtual server: 10.0.0.1:80",
            "Added real server: 10.0.1.1:80 (10.0.0.1:80) (Weight set to 1)",
            "Deleted real server: 10.0.1.1:80 (10.0.0.1:80)",
            "Quiescent real server: 10.0.1.1:80 (10.0.0.1:80) (Weight set to 0)",
            "Restored real server: 10.0.1.2:80 (10.0.0.1:80) (Weight set to 3)",
            "Added fallback server: 127.0.0.1:80 (10.0.0.1:80) (Weight set to 1)",
            "Deleted fallback server: 127.0.0.1:80 (10.0.0.1:80)",
            "Changed virtual server: 10.0.0.1:80",
        ]
    );
}
