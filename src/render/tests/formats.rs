//! The number formatter, `--timeout` and `--daemon` lines.

use crate::model::{DaemonConfig, DaemonState, Timeouts};
use crate::render::{format_number, write_daemon, write_timeouts};

fn daemon_text(d: &DaemonConfig) -> String {
    let mut out = Vec::new();
    write_daemon(&mut out, d).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn number_formatter_boundaries() {
    // Reference §6.5 (V).
    let cases: &[(u64, &str)] = &[
        (0, "        0"),
        (99_999_999, " 99999999"),
        (100_000_000, "  100000K"),
        (999_999_999, "  999999K"),
        (1_000_000_000, "    1000M"),
        (99_999_999_999, "   99999M"),
        (100_000_000_000, "     100G"),
        (99_999_999_999_999, "   99999G"),
        (100_000_000_000_000, "     100T"),
        (u64::MAX, "18446744T"),
    ];
    for (v, want) in cases {
        assert_eq!(format_number(*v, false), *want, "{v}");
    }
}

#[test]
fn exact_number_formatter() {
    assert_eq!(format_number(0, true), "        0");
    assert_eq!(format_number(99_999_999, true), " 99999999");
    assert_eq!(format_number(100_000_000, true), " 100000000");
    assert_eq!(format_number(u64::MAX, true), " 18446744073709551615");
}

#[test]
fn timeouts_line() {
    let mut out = Vec::new();
    let t = Timeouts {
        tcp: 900,
        tcp_fin: 120,
        udp: 300,
    };
    write_timeouts(&mut out, &t).unwrap();
    assert_eq!(out, b"Timeout (tcp tcpfin udp): 900 120 300\n");
}

/// The two daemons of `tools/capture-daemon-fixtures.sh`, started on
/// dummy interfaces in the VM.
fn vm_daemons() -> (DaemonConfig, DaemonConfig) {
    let master = DaemonConfig {
        state: DaemonState::Master,
        mcast_ifn: "d0".into(),
        sync_id: 0,
        sync_maxlen: 1472,
        mcast_group: Some("224.0.0.81".parse().unwrap()),
        mcast_port: 8848,
        mcast_ttl: 1,
    };
    let backup = DaemonConfig {
        state: DaemonState::Backup,
        mcast_ifn: "d1".into(),
        sync_id: 7,
        sync_maxlen: 1400,
        mcast_group: Some("ff02::1:81".parse().unwrap()),
        mcast_port: 9000,
        mcast_ttl: 3,
    };
    (master, backup)
}

#[test]
fn daemon_lines_as_captured_in_vm() {
    // `ipvsadm -L --daemon` with both daemons running.
    let (master, backup) = vm_daemons();
    assert_eq!(
        daemon_text(&master) + &daemon_text(&backup),
        "master sync daemon (mcast=d0, syncid=0, maxlen=1472, \
         group=224.0.0.81, port=8848, ttl=1)\n\
         backup sync daemon (mcast=d1, syncid=7, maxlen=1400, \
         group=ff02::1:81, port=9000, ttl=3)\n"
    );
}

#[test]
fn daemon_lines_leave_out_what_the_kernel_does_not_report() {
    let (master, _) = vm_daemons();
    let old = DaemonConfig {
        sync_maxlen: 0,
        mcast_group: None,
        mcast_port: 0,
        mcast_ttl: 0,
        ..master.clone()
    };
    assert_eq!(
        daemon_text(&old),
        "master sync daemon (mcast=d0, syncid=0)\n"
    );
    let none = DaemonConfig {
        state: DaemonState::Other(0),
        ..master
    };
    assert_eq!(daemon_text(&none), "");
}
