//! The traffic suite: real requests through services that our ipvsadm
//! configures, checked by the answers and by our own listings: the
//! connection table, counters and rates with `-Z`, persistence, a fwmark
//! service, IPv6, direct routing, IP-in-IP tunnelling and the sync daemon.
//! Network: `traffic-net.sh` (the walk-through network plus extras).

use crate::exec;
use crate::lbnet::{Balancer, expect_all, expect_alternating, requests};
use crate::report::{Filter, Report};
use std::thread;
use std::time::Duration;

const NET_SCRIPT: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/kernel/traffic-net.sh");
const VIP: &str = "10.0.1.100:80";
const VIP_81: &str = "10.0.1.100:81";
const URL: &str = "http://10.0.1.100/";
const URL_81: &str = "http://10.0.1.100:81/";
const FWMARK_URL: &str = "http://10.0.1.101/";
const VIP6: &str = "[fd00:1::100]:80";
const URL6: &str = "http://[fd00:1::100]/";
const RS1: &str = "10.0.2.11:80";
const RS2: &str = "10.0.2.12:80";

/// The names of the checks, in order (for filtering and reporting).
pub(crate) const STEPS: [&str; 10] = [
    "traffic/connection table after requests",
    "traffic/stats count requests, -Z zeroes one service",
    "traffic/-Z zeroes all services",
    "traffic/rate moves with traffic, -Z zeroes it",
    "traffic/persistent service keeps one server",
    "traffic/fwmark service balances",
    "traffic/IPv6 service balances",
    "traffic/direct routing carries traffic",
    "traffic/IP-in-IP tunnel carries traffic",
    "traffic/sync daemon starts and stops",
];

/// One check, given our ipvsadm in `lb`.
type Check = fn(&Balancer<'_>) -> Result<(), String>;

/// Runs the checks that `filter` selects, in one network.
pub(crate) fn run(ours: &str, filter: &Filter, report: &mut Report) {
    if !STEPS.iter().any(|s| filter.matches(s)) {
        return;
    }
    if let Err(e) = exec::must("sh", &[NET_SCRIPT, "up"]) {
        report.run("traffic/network setup", || Err(e));
        let _ = exec::must("sh", &[NET_SCRIPT, "down"]);
        return;
    }
    let lb = Balancer { ours };
    let checks: [Check; 10] = [
        connections,
        stats_zero_one,
        zero_all,
        rate,
        persistence,
        fwmark,
        ipv6,
        direct_routing,
        tunnelling,
        sync_daemon,
    ];
    for (name, check) in STEPS.iter().zip(checks) {
        if filter.matches(name) {
            report.run(name, || {
                lb.ok(&["-C"])?;
                check(&lb)
            });
        }
    }
    if let Err(e) = exec::must("sh", &[NET_SCRIPT, "down"]) {
        report.run("traffic/network teardown", || Err(e));
    }
}

/// A round-robin NAT service on `vip` with the given real servers.
fn nat_service(
    lb: &Balancer<'_>,
    vip: &str,
    servers: &[&str],
) -> Result<(), String> {
    lb.ok(&["-A", "-t", vip, "-s", "rr"])?;
    for server in servers {
        lb.ok(&["-a", "-t", vip, "-r", server, "-m"])?;
    }
    Ok(())
}

fn connections(lb: &Balancer<'_>) -> Result<(), String> {
    nat_service(lb, VIP, &[RS1])?;
    requests(URL, 2)?;
    let numeric = lb.output(&["-Lnc"])?;
    let entries =
        entries_with(&numeric, &["TCP", "10.0.1.2:", "10.0.1.100:80", RS1]);
    if entries != 2 {
        return Err(format!(
            "expected 2 connections client -> {VIP} -> {RS1} in -Lnc:\n{numeric}"
        ));
    }
    let named = lb.output(&["-L", "--connection"])?;
    let entries = entries_with(
        &named,
        &["TCP", "10.0.1.2:", "10.0.1.100:http", "10.0.2.11:http"],
    );
    if !named.starts_with("IPVS connection entries\n") || entries != 2 {
        return Err(format!(
            "expected 2 connections with port names in -Lc:\n{named}"
        ));
    }
    Ok(())
}

/// How many lines of `text` contain every one of `parts` as a word prefix.
fn entries_with(text: &str, parts: &[&str]) -> usize {
    text.lines()
        .filter(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            parts.iter().all(|p| words.iter().any(|w| w.starts_with(p)))
        })
        .count()
}

/// The five counters of a service line of `-Ln --stats/--rate --exact`.
pub(crate) fn counters(
    listing: &str,
    service: &str,
) -> Result<[u64; 5], String> {
    let line = listing
        .lines()
        .find(|l| {
            l.split_whitespace().take(2).collect::<Vec<_>>() == ["TCP", service]
        })
        .ok_or_else(|| format!("no line for TCP {service} in:\n{listing}"))?;
    let numbers: Vec<u64> = line
        .split_whitespace()
        .skip(2)
        .map(|w| {
            w.parse()
                .map_err(|_| format!("not a number {w:?} in {line:?}"))
        })
        .collect::<Result<_, _>>()?;
    numbers
        .try_into()
        .map_err(|_| format!("expected 5 counters in {line:?}"))
}

/// The kernel adds up its per-CPU counters every 2 s: lists
/// `-Ln --stats --exact` until every `(service, connections)` of `want`
/// is counted as [`expect_counted`] says (at most 10 tries, 1 s apart).
fn expect_stats(lb: &Balancer<'_>, want: &[(&str, u64)]) -> Result<(), String> {
    let mut outcome = Ok(());
    for _ in 0..10 {
        let listing = lb.output(&["-Ln", "--stats", "--exact"])?;
        outcome = want
            .iter()
            .try_for_each(|&(svc, conns)| expect_counted(&listing, svc, conns));
        if outcome.is_ok() {
            break;
        }
        thread::sleep(Duration::from_secs(1));
    }
    outcome
}

/// Connections counted for `service` must be `conns`; with traffic
/// (`conns > 0`) every packet and byte counter must have moved too.
fn expect_counted(
    listing: &str,
    service: &str,
    conns: u64,
) -> Result<(), String> {
    let got = counters(listing, service)?;
    let moved = if conns > 0 {
        got.iter().all(|&c| c > 0)
    } else {
        got.iter().all(|&c| c == 0)
    };
    if got[0] == conns && moved {
        Ok(())
    } else {
        Err(format!(
            "expected {conns} connections for {service} and the other \
             counters {}, got {got:?} in:\n{listing}",
            if conns > 0 { "moved" } else { "zero" }
        ))
    }
}

fn stats_zero_one(lb: &Balancer<'_>) -> Result<(), String> {
    nat_service(lb, VIP, &[RS1])?;
    nat_service(lb, VIP_81, &[RS2])?;
    requests(URL, 3)?;
    requests(URL_81, 2)?;
    expect_stats(lb, &[(VIP, 3), (VIP_81, 2)])?;
    lb.ok(&["-Z", "-t", VIP])?;
    expect_stats(lb, &[(VIP, 0), (VIP_81, 2)])
}

fn zero_all(lb: &Balancer<'_>) -> Result<(), String> {
    nat_service(lb, VIP, &[RS1])?;
    nat_service(lb, VIP_81, &[RS2])?;
    requests(URL, 1)?;
    requests(URL_81, 1)?;
    expect_stats(lb, &[(VIP, 1), (VIP_81, 1)])?;
    lb.ok(&["-Z"])?;
    expect_stats(lb, &[(VIP, 0), (VIP_81, 0)])
}

/// The kernel estimates rates every 2 s: wait (at most 20 s) for the
/// service's packet rate to move after a few requests.
fn rate(lb: &Balancer<'_>) -> Result<(), String> {
    nat_service(lb, VIP, &[RS1])?;
    let mut listing = String::new();
    for _ in 0..10 {
        requests(URL, 3)?;
        listing = lb.output(&["-Ln", "--rate", "--exact"])?;
        let rates = counters(&listing, VIP)?;
        if rates[1] > 0 && rates[3] > 0 {
            return zeroed_rates(lb);
        }
        thread::sleep(Duration::from_secs(2));
    }
    Err(format!("the rates never moved:\n{listing}"))
}

/// `-Z` zeroes the rates. The kernel takes its zero point from the
/// counters its estimator last summed (every 2 s), so when the traffic is
/// younger than that, the next estimate after `-Z` sees it as new and the
/// rates move again (Debian's ipvsadm gives the same). A second `-Z` a tick
/// later has nothing left to see; a `-Z` that zeroes nothing fails all.
fn zeroed_rates(lb: &Balancer<'_>) -> Result<(), String> {
    let mut zeroed = String::new();
    for _ in 0..3 {
        lb.ok(&["-Z", "-t", VIP])?;
        zeroed = lb.output(&["-Ln", "--rate", "--exact"])?;
        if counters(&zeroed, VIP)? == [0; 5] {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(2500));
    }
    Err(format!("rates not zeroed by -Z:\n{zeroed}"))
}

fn persistence(lb: &Balancer<'_>) -> Result<(), String> {
    lb.ok(&["-A", "-t", VIP, "-s", "rr", "-p", "60"])?;
    lb.ok(&["-a", "-t", VIP, "-r", RS1, "-m"])?;
    lb.ok(&["-a", "-t", VIP, "-r", RS2, "-m"])?;
    let got = requests(URL, 4)?;
    let first = got.first().cloned().unwrap_or_default();
    expect_all(&got, &first)?;
    // One persistence template, on the server that answered.
    let listing = lb.output(&["-Ln", "--persistent-conn"])?;
    let server = if first == "rs1" { RS1 } else { RS2 };
    let templates: Vec<(String, String)> = listing
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.first() == Some(&"->") && w.len() == 6)
                .then(|| (w[1].to_string(), w[3].to_string()))
        })
        .collect();
    let expected = vec![
        (
            RS1.to_string(),
            if server == RS1 { "1" } else { "0" }.to_string(),
        ),
        (
            RS2.to_string(),
            if server == RS2 { "1" } else { "0" }.to_string(),
        ),
    ];
    let mut sorted = templates.clone();
    sorted.sort();
    if sorted != expected {
        return Err(format!(
            "expected persistent connections {expected:?}, got:\n{listing}"
        ));
    }
    Ok(())
}

fn fwmark(lb: &Balancer<'_>) -> Result<(), String> {
    lb.ok(&["-A", "-f", "1", "-s", "rr"])?;
    lb.ok(&["-a", "-f", "1", "-r", RS1, "-m"])?;
    lb.ok(&["-a", "-f", "1", "-r", RS2, "-m"])?;
    let got = requests(FWMARK_URL, 4)?;
    expect_alternating(&got)
}

fn ipv6(lb: &Balancer<'_>) -> Result<(), String> {
    nat_service(lb, VIP6, &["[fd00:2::11]:80", "[fd00:2::12]:80"])?;
    let got = requests(URL6, 4)?;
    expect_alternating(&got)
}

/// Real servers of `-Ln` as (address, forwarding method).
fn methods(lb: &Balancer<'_>) -> Result<Vec<(String, String)>, String> {
    let listing = lb.output(&["-Ln"])?;
    Ok(listing
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.first() == Some(&"->") && w.len() == 6 && w[2] != "Forward")
                .then(|| (w[1].to_string(), w[2].to_string()))
        })
        .collect())
}

/// A service on the VIP with one real server of `method`; every answer
/// must come from `name`.
fn one_server(
    lb: &Balancer<'_>,
    server: &str,
    flag: &str,
    method: &str,
    name: &str,
) -> Result<(), String> {
    lb.ok(&["-A", "-t", VIP, "-s", "rr"])?;
    lb.ok(&["-a", "-t", VIP, "-r", server, flag])?;
    let listed = methods(lb)?;
    if listed != [(format!("{server}:80"), method.to_string())] {
        return Err(format!("expected {server} {method}, listed {listed:?}"));
    }
    let got = requests(URL, 3)?;
    expect_all(&got, name)
}

fn direct_routing(lb: &Balancer<'_>) -> Result<(), String> {
    one_server(lb, "10.0.2.11", "-g", "Route", "rs1")
}

fn tunnelling(lb: &Balancer<'_>) -> Result<(), String> {
    one_server(lb, "10.0.2.12", "-i", "Tunnel", "rs2")
}

fn sync_daemon(lb: &Balancer<'_>) -> Result<(), String> {
    lb.ok(&[
        "--start-daemon",
        "master",
        "--mcast-interface",
        "l0",
        "--syncid",
        "9",
    ])?;
    lb.ok(&[
        "--start-daemon",
        "backup",
        "--mcast-interface",
        "l0",
        "--syncid",
        "9",
        "--mcast-group",
        "224.0.0.99",
        "--mcast-port",
        "9001",
        "--mcast-ttl",
        "2",
        "--sync-maxlen",
        "1400",
    ])?;
    let both = lb.output(&["-L", "--daemon"])?;
    let master = "master sync daemon (mcast=l0, syncid=9, maxlen=1472, \
                  group=224.0.0.81, port=8848, ttl=1)\n";
    let backup = "backup sync daemon (mcast=l0, syncid=9, maxlen=1400, \
                  group=224.0.0.99, port=9001, ttl=2)\n";
    if both != format!("{master}{backup}") {
        return Err(format!("expected both daemons in --daemon, got:\n{both}"));
    }
    lb.ok(&["--stop-daemon", "master"])?;
    let one = lb.output(&["-L", "--daemon"])?;
    if one != backup {
        return Err(format!("expected only the backup daemon, got:\n{one}"));
    }
    lb.ok(&["--stop-daemon", "backup"])?;
    let none = lb.output(&["-L", "--daemon"])?;
    if !none.is_empty() {
        return Err(format!("expected no daemon, got:\n{none}"));
    }
    Ok(())
}
