//! `--format table` rendered from small tables, numeric and with names.

use std::net::IpAddr;

use crate::model::{
    AddressFamily, DaemonConfig, DaemonState, ForwardMethod, Protocol,
    ServiceFlags, Timeouts,
};
use crate::render::StatsView;

use super::{dest, fwmark, inet};
use crate::render::table::{ServiceTable, write_daemons, write_timeouts};
use crate::resolver::seed_host_name;

/// A TCP service on port 80 with two real servers (one with traffic) and
/// a persistent fwmark service without any.
fn two_services(view: StatsView, numeric: bool, exact: bool) -> String {
    let mut web = inet(Protocol::Tcp, "192.0.2.10", 80);
    web.scheduler = "rr".into();
    web.stats.conns = 12;
    web.stats.inpkts = 345;
    web.stats.outbytes = 123_456_789_012;
    let mut a = dest("10.0.0.2", 80, ForwardMethod::Masquerade, 1);
    a.active_conns = 3;
    a.inactive_conns = 4;
    a.stats.conns = 12;
    a.stats.inpkts = 345;
    a.stats.outbytes = 123_456_789_012;
    let b = dest("10.0.0.3", 8080, ForwardMethod::Route, 2);
    let mut mark = fwmark(42, AddressFamily::Inet);
    mark.flags.0 |= ServiceFlags::PERSISTENT;
    mark.timeout = 300;
    mark.netmask = u32::from_ne_bytes([255, 255, 255, 0]);
    let mut t = ServiceTable::new(view, numeric, exact);
    t.push(&web, &[a, b]);
    t.push(&mark, &[]);
    let mut out = Vec::new();
    t.write(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn rendered(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    write(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn numeric_listing() {
    assert_eq!(
        two_services(StatsView::Default, true, false),
        "\
+------+---------------+-----------+-----------------------------------+---------------+---------+--------+------------+-----------+
| Prot | Virtual       | Scheduler | Flags                             | Real server   | Forward | Weight | ActiveConn | InActConn |
+------+---------------+-----------+-----------------------------------+---------------+---------+--------+------------+-----------+
| TCP  | 192.0.2.10:80 | rr        |                                   |               |         |        |            |           |
|      |               |           |                                   | 10.0.0.2:80   | Masq    |      1 |          3 |         4 |
|      |               |           |                                   | 10.0.0.3:8080 | Route   |      2 |          0 |         0 |
+------+---------------+-----------+-----------------------------------+---------------+---------+--------+------------+-----------+
| FWM  | 42            | wlc       | persistent 300 mask 255.255.255.0 |               |         |        |            |           |
+------+---------------+-----------+-----------------------------------+---------------+---------+--------+------------+-----------+
"
    );
}

#[test]
fn names_as_the_text_view_resolves_them() {
    // Host names as a reverse lookup would give them; ports from the
    // services database (http is 80/tcp, http-alt 8080/tcp).
    seed_host_name(ip("192.0.2.10"), Some("web.example"));
    seed_host_name(ip("10.0.0.2"), Some("rs1"));
    seed_host_name(ip("10.0.0.3"), None);
    assert_eq!(
        two_services(StatsView::Default, false, false),
        "\
+------+------------------+-----------+-----------------------------------+-------------------+---------+--------+------------+-----------+
| Prot | Virtual          | Scheduler | Flags                             | Real server       | Forward | Weight | ActiveConn | InActConn |
+------+------------------+-----------+-----------------------------------+-------------------+---------+--------+------------+-----------+
| TCP  | web.example:http | rr        |                                   |                   |         |        |            |           |
|      |                  |           |                                   | rs1:http          | Masq    |      1 |          3 |         4 |
|      |                  |           |                                   | 10.0.0.3:http-alt | Route   |      2 |          0 |         0 |
+------+------------------+-----------+-----------------------------------+-------------------+---------+--------+------------+-----------+
| FWM  | 42               | wlc       | persistent 300 mask 255.255.255.0 |                   |         |        |            |           |
+------+------------------+-----------+-----------------------------------+-------------------+---------+--------+------------+-----------+
"
    );
}

#[test]
fn stats_scaled_and_exact() {
    assert_eq!(
        two_services(StatsView::Stats, true, false),
        "\
+------+---------------+---------------+-------+--------+---------+---------+----------+
| Prot | Virtual       | Real server   | Conns | InPkts | OutPkts | InBytes | OutBytes |
+------+---------------+---------------+-------+--------+---------+---------+----------+
| TCP  | 192.0.2.10:80 |               |    12 |    345 |       0 |       0 |     123G |
|      |               | 10.0.0.2:80   |    12 |    345 |       0 |       0 |     123G |
|      |               | 10.0.0.3:8080 |     0 |      0 |       0 |       0 |        0 |
+------+---------------+---------------+-------+--------+---------+---------+----------+
| FWM  | 42            |               |     0 |      0 |       0 |       0 |        0 |
+------+---------------+---------------+-------+--------+---------+---------+----------+
"
    );
    let exact = two_services(StatsView::Stats, true, true);
    assert!(
        exact.contains(
            "| TCP  | 192.0.2.10:80 |               |    12 |    345 |       \
             0 |       0 | 123456789012 |\n"
        ),
        "{exact}"
    );
}

#[test]
fn rate_and_tunnel_columns() {
    let rate = two_services(StatsView::Rate, true, false);
    assert!(
        rate.starts_with(
            "\
+------+---------------+---------------+-----+-------+--------+-------+--------+
| Prot | Virtual       | Real server   | CPS | InPPS | OutPPS | InBPS | OutBPS |
"
        ),
        "{rate}"
    );
    let tun = two_services(StatsView::TunInfo, true, false);
    assert!(
        tun.contains(
            "| 10.0.0.2:80   | Masq    | n/a        |      1 |          3 \
             |         4 |\n"
        ),
        "{tun}"
    );
}

#[test]
fn empty_listing_is_the_titles() {
    let t = ServiceTable::new(StatsView::Thresholds, true, false);
    assert_eq!(
        rendered(|out| t.write(out)),
        "\
+------+---------+-----------+-------+-------------+------------+------------+------------+-----------+
| Prot | Virtual | Scheduler | Flags | Real server | Uthreshold | Lthreshold | ActiveConn | InActConn |
+------+---------+-----------+-------+-------------+------------+------------+------------+-----------+
"
    );
}

#[test]
fn timeouts_and_daemons() {
    let t = Timeouts {
        tcp: 900,
        tcp_fin: 120,
        udp: 300,
    };
    assert_eq!(
        rendered(|out| write_timeouts(out, &t)),
        "\
+-----+---------+-----+
| TCP | TCP FIN | UDP |
+-----+---------+-----+
| 900 |     120 | 300 |
+-----+---------+-----+
"
    );
    let master = DaemonConfig {
        state: DaemonState::Master,
        mcast_ifn: "eth0".into(),
        sync_id: 7,
        sync_maxlen: 1472,
        mcast_group: Some("224.0.0.81".parse().unwrap()),
        mcast_port: 8848,
        mcast_ttl: 1,
    };
    let old_backup = DaemonConfig {
        state: DaemonState::Backup,
        sync_maxlen: 0,
        mcast_group: None,
        mcast_port: 0,
        mcast_ttl: 0,
        ..master.clone()
    };
    let neither = DaemonConfig {
        state: DaemonState::Other(0),
        ..master.clone()
    };
    assert_eq!(
        rendered(|out| write_daemons(out, &[master, old_backup, neither])),
        "\
+--------+-----------+--------+--------+------------+------+-----+
| State  | Interface | Syncid | Maxlen | Group      | Port | TTL |
+--------+-----------+--------+--------+------------+------+-----+
| master | eth0      |      7 |   1472 | 224.0.0.81 | 8848 |   1 |
| backup | eth0      |      7 |        |            |      |     |
+--------+-----------+--------+--------+------------+------+-----+
"
    );
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// Five services with none to four real servers each.
fn five_services() -> ServiceTable {
    let mut t = ServiceTable::new(StatsView::Default, true, false);
    for i in 0..5u16 {
        let svc = inet(Protocol::Udp, "192.0.2.1", 1000 + i);
        let dests: Vec<_> = (0..i)
            .map(|j| dest("10.0.0.9", 2000 + j, ForwardMethod::Tunnel, 1))
            .collect();
        t.push(&svc, &dests);
    }
    t
}

#[test]
fn parts_join_into_the_whole_table() {
    let whole = rendered(|out| five_services().write(out));
    assert_eq!(whole.lines().count(), 1 + 2 + 5 + 10 + 5);
    for part_rows in [1, 2, 3, 7] {
        let parts =
            rendered(|out| five_services().write_in_parts(out, part_rows));
        assert_eq!(parts, whole, "parts of {part_rows} rows");
    }
}

#[test]
fn cells_are_one_line_and_aligned_by_display_width() {
    seed_host_name(ip("192.0.2.77"), Some("d\u{e9}j\u{e0}-vu"));
    // Port 1 is tcpmux in the services database.
    let mut svc = inet(Protocol::Tcp, "192.0.2.77", 1);
    svc.scheduler = "r\nr".into();
    let mut t = ServiceTable::new(StatsView::Default, false, false);
    t.push(&svc, &[]);
    let text = rendered(|out| t.write(out));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(lines[3].chars().count(), lines[0].chars().count(), "{text}");
    assert!(
        lines[3].starts_with("| TCP  | d\u{e9}j\u{e0}-vu:tcpmux | r?r  "),
        "{text}"
    );
}
