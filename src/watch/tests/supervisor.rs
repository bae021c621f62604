//! The supervisor's steady state: planning against its own copy of the
//! table gives the changes that planning against the kernel gives.

use std::time::Duration;

use crate::client::Change;
use crate::commands::{Table, TableEntry, plan_changes, write_line};
use crate::health::CheckOutcome;
use crate::model::{Destination, ServiceKey};
use crate::test_rng::TestRng;
use crate::watch::{Health, KnownTable, desired, parse};

fn entry(table: &mut [TableEntry], key: ServiceKey) -> &mut TableEntry {
    table.iter_mut().find(|e| e.service.key == key).unwrap()
}

/// `change` made on the model kernel `table`.
fn perform(table: &mut Vec<TableEntry>, change: &Change) {
    let same =
        |a: &Destination, b: &Destination| a.addr == b.addr && a.port == b.port;
    match change {
        Change::AddService(s) => table.push(TableEntry {
            service: s.clone(),
            dests: Vec::new(),
        }),
        Change::EditService(s) => entry(table, s.key).service = s.clone(),
        Change::DeleteService(s) => table.retain(|e| e.service.key != s.key),
        Change::AddDest(s, d) => entry(table, s.key).dests.push(d.clone()),
        Change::EditDest(s, d) => {
            for o in &mut entry(table, s.key).dests {
                if same(o, d) {
                    *o = d.clone();
                }
            }
        }
        Change::DeleteDest(s, d) => {
            entry(table, s.key).dests.retain(|o| !same(o, d))
        }
        other => panic!("the supervisor does not make {other:?}"),
    }
}

/// The changes as restore lines, sorted: the order of real servers
/// within a service is the table's, which differs between the copy (the
/// file's order) and the kernel (the order of the additions).
fn lines(changes: &[Change]) -> Vec<String> {
    let mut lines: Vec<String> = changes
        .iter()
        .map(|c| {
            let mut out = Vec::new();
            write_line(&mut out, c).unwrap();
            String::from_utf8(out).unwrap()
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn the_copy_plans_as_the_kernel_would() {
    let files = [
        "quiescent=no\n",
        "quiescent=yes\n",
        "quiescent=yes\nreaddquiescent=yes\n",
    ];
    for (seed, global) in (1..).zip(files) {
        let text = format!(
            "{global}failurecount=2\n\
             virtual=10.0.0.1:80\n\tscheduler=rr\n\
             \treal=10.0.1.1:80 masq\n\treal=10.0.1.2:80 masq 3\n\
             \tfallback=127.0.0.1:80 masq\n\
             virtual=10.0.0.2:443\n\tscheduler=wlc\n\
             \treal=10.0.2.1:443 gate\n\treal=10.0.2.2:443 ipip 2\n"
        );
        let config = parse(b"ipvsadm", "w.cf", text.as_bytes()).unwrap();
        let keys: Vec<String> =
            config.targets().into_iter().map(|t| t.key).collect();
        let mut rng = TestRng::new(seed);
        let mut health = Health::new();
        let mut kernel: Vec<TableEntry> = Vec::new();
        let mut copy = Table::new();
        for round in 0..500 {
            for key in &keys {
                let healthy = rng.below(4) != 0;
                let outcome = CheckOutcome {
                    healthy,
                    duration: Duration::ZERO,
                    error: None,
                };
                health.record(key, &outcome, 2);
            }
            let read = Table::from(kernel.clone());
            let from_kernel =
                plan_changes(&read, &desired(&config, None, &health, &read));
            let want = desired(&config, None, &health, &copy);
            let from_copy = plan_changes(&copy, &want);
            assert_eq!(
                lines(&from_copy),
                lines(&from_kernel),
                "round {round} of {global:?}"
            );
            for change in &from_kernel {
                perform(&mut kernel, change);
            }
            copy = want;
            let after = Table::from(kernel.clone());
            assert!(plan_changes(&after, &copy).is_empty());
        }
    }
}

#[test]
fn the_kernel_is_read_again_every_ten_seconds() {
    let second = Duration::from_secs(1);
    assert!(KnownTable::fresh(1, second));
    assert!(KnownTable::fresh(9, second));
    assert!(!KnownTable::fresh(10, second));
    // An interval of ten seconds or more reads it every round.
    assert!(!KnownTable::fresh(1, Duration::from_secs(10)));
    assert!(!KnownTable::fresh(1, Duration::from_secs(30)));
    assert!(KnownTable::fresh(4, Duration::from_millis(2400)));
    assert!(!KnownTable::fresh(5, Duration::from_millis(2400)));
}
