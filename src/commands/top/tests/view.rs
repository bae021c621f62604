use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::snapshot;
use super::super::ui::{Next, State, handle_key, shown};
use super::super::view::{Reading, SortBy, bar, human, services};
use crate::model::{Destination, Service, Stats};

fn dest(addr: &str, weight: i32, inpkts: u64, conns: u64) -> Destination {
    let mut d = Destination::new(addr.parse().unwrap(), 80);
    d.weight = weight;
    d.stats = Stats {
        inpkts,
        conns,
        ..Stats::default()
    };
    d
}

fn reading(at: Instant, a: u64, b: u64) -> Reading {
    let mut svc = Service::tcp("10.0.0.1", 80);
    svc.scheduler = "rr".into();
    svc.stats.inpkts = a + b;
    svc.stats.conns = (a + b) / 10;
    let mut r = Reading::new(at);
    r.push(
        "",
        &svc,
        &[
            dest("10.0.1.1", 1, a, a / 10),
            dest("10.0.1.2", 0, b, b / 10),
        ],
    );
    r
}

#[test]
fn rates_and_shares_come_from_counter_differences() {
    let t0 = Instant::now();
    let first = reading(t0, 1000, 1000);
    let v = services(None, &first);
    assert_eq!(v[0].rates.inpkts, 0.0);
    assert_eq!(v[0].servers[0].share, 0.0);
    let second = reading(t0 + Duration::from_secs(2), 1300, 1100);
    let v = services(Some(&first), &second);
    assert_eq!(v[0].rates.inpkts, 200.0);
    assert_eq!(v[0].servers[0].rates.inpkts, 150.0);
    assert_eq!(v[0].servers[0].rates.conns, 15.0);
    assert_eq!(v[0].servers[0].share, 0.75);
    assert_eq!(v[0].servers[1].share, 0.25);
    assert!(v[0].servers[1].drained());
    // Zeroed counters give 0, not a huge rate.
    let third = reading(t0 + Duration::from_secs(3), 0, 0);
    let v = services(Some(&second), &third);
    assert_eq!(v[0].servers[0].rates.inpkts, 0.0);
}

#[test]
fn the_snapshot_shows_bars_and_marks_drained_servers() {
    let t0 = Instant::now();
    let first = reading(t0, 0, 0);
    let second = reading(t0 + Duration::from_secs(1), 300, 100);
    let v = services(Some(&first), &second);
    let mut out = Vec::new();
    snapshot::write(&mut out, &snapshot::titles(1000, None), &v, None).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ipvsadm --top: every 1s"));
    assert!(lines[2].starts_with("TCP 10.0.0.1:80"));
    assert!(lines[3].starts_with("  -> 10.0.1.1:80"));
    assert!(lines[3].ends_with(&format!("{}  75%", bar(0.75, 20))));
    assert!(lines[4].ends_with("  25% drained"), "{}", lines[4]);
    assert_eq!(lines[5], "");
}

#[test]
fn keys_sort_filter_and_quit() {
    let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
    let mut s = State::default();
    let t0 = Instant::now();
    let first = reading(t0, 0, 0);
    s.views = services(
        Some(&first),
        &reading(t0 + Duration::from_secs(1), 100, 300),
    );
    assert_eq!(handle_key(&mut s, key(KeyCode::Char('s'))), Next::Stay);
    assert_eq!(s.sort, SortBy::Connections);
    assert_eq!(shown(&s)[0].servers[0].address, "10.0.1.2:80");
    handle_key(&mut s, key(KeyCode::Char('/')));
    for c in "nomatch".chars() {
        handle_key(&mut s, key(KeyCode::Char(c)));
    }
    // 'q' while typing is text, not quit.
    assert_eq!(handle_key(&mut s, key(KeyCode::Char('q'))), Next::Stay);
    handle_key(&mut s, key(KeyCode::Enter));
    assert!(shown(&s).is_empty());
    handle_key(&mut s, key(KeyCode::Char('/')));
    for c in "10.0.1.2".chars() {
        handle_key(&mut s, key(KeyCode::Char(c)));
    }
    handle_key(&mut s, key(KeyCode::Enter));
    assert_eq!(shown(&s).len(), 1);
    assert_eq!(handle_key(&mut s, key(KeyCode::Char('q'))), Next::Quit);
    assert_eq!(handle_key(&mut s, key(KeyCode::Esc)), Next::Quit);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(handle_key(&mut s, ctrl_c), Next::Quit);
}

#[test]
fn rates_are_short() {
    assert_eq!(human(0.0), "0");
    assert_eq!(human(12.34), "12.3");
    assert_eq!(human(1234.0), "1.2K");
    assert_eq!(human(5_600_000.0), "5.6M");
    assert_eq!(bar(0.5, 4), "##..");
    assert_eq!(bar(2.0, 4), "####");
}
