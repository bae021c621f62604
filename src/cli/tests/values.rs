//! Value validation: ranges, messages and C parsing semantics.

use super::*;
use crate::model::{DaemonState, Destination, Service, ServiceFlags};

fn add_service(args: &[&str]) -> Service {
    let mut full = vec!["-A"];
    full.extend_from_slice(args);
    match ok(&full) {
        Command::AddService(s) => s,
        other => panic!("{other:?}"),
    }
}

fn add_server(extra: &[&str]) -> Destination {
    let mut full = vec!["-a", "-t", "1.2.3.4:80", "-r", "2.2.2.2"];
    full.extend_from_slice(extra);
    match ok(&full) {
        Command::AddServer { dest, .. } => dest,
        other => panic!("{other:?}"),
    }
}

fn server_error(extra: &[&str]) -> String {
    let mut full = vec!["-a", "-t", "1.2.3.4:80", "-r", "2.2.2.2"];
    full.extend_from_slice(extra);
    invalid(&full)
}

fn daemon_error(extra: &[&str]) -> String {
    let mut full = vec!["--start-daemon", "master"];
    full.extend_from_slice(extra);
    invalid(&full)
}

#[test]
fn weight_accepts_debian_range() {
    assert_eq!(add_server(&["-w", "2147483647"]).weight, i32::MAX);
    assert_eq!(add_server(&["-w", "0"]).weight, 0);
    assert_eq!(
        server_error(&["-w", "2147483648"]),
        "illegal weight specified"
    );
    assert_eq!(server_error(&["-w", "-1"]), "illegal weight specified");
}

#[test]
fn integers_use_strtol_rules() {
    assert_eq!(add_server(&["-w", " +5"]).weight, 5);
    assert_eq!(add_server(&["-w", "007"]).weight, 7);
    assert_eq!(server_error(&["-w", "5 "]), "illegal weight specified");
    assert_eq!(server_error(&["-w", "5x"]), "illegal weight specified");
    assert_eq!(server_error(&["-w", ""]), "illegal weight specified");
}

#[test]
fn thresholds_range_and_messages() {
    let d = add_server(&["-x", "2147483647", "-y", "3"]);
    assert_eq!((d.u_threshold, d.l_threshold), (2147483647, 3));
    assert_eq!(server_error(&["-x", ""]), "illegal u_threshold specified");
    assert_eq!(
        server_error(&["-y", "2147483648"]),
        "illegal l_threshold specified"
    );
}

#[test]
fn fwmark_values() {
    assert_eq!(add_service(&["-f", " +16"]).key.fwmark(), 16);
    assert_eq!(add_service(&["-f", "4294967295"]).key.fwmark(), u32::MAX);
    for bad in ["0x10", "4294967296", "-1", "0", "", "1x"] {
        assert_eq!(
            invalid(&["-A", "-f", bad]),
            format!("invalid fwmark value `{bad}' specified")
        );
    }
}

#[test]
fn persistence_timeout_range() {
    let s = add_service(&["-t", "1.2.3.4:80", "-p", "2678400"]);
    assert_eq!(s.timeout, 2678400);
    assert_eq!(s.flags.0, ServiceFlags::PERSISTENT);
    for bad in ["0", "2678401", "x"] {
        assert_eq!(
            invalid(&["-A", "-t", "1.2.3.4:80", "-p", bad]),
            format!("invalid timeout value `{bad}' specified")
        );
    }
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-p-5"]),
        "invalid timeout value `-5' specified"
    );
    // A dashed word is not taken as the optional value.
    assert_eq!(
        bad_option(&["-A", "-t", "1.2.3.4:80", "-p", "-5"]),
        "-5: unknown option"
    );
}

#[test]
fn set_needs_three_timeouts() {
    assert_eq!(
        invalid(&["--set", "1", "2"]),
        "--set option requires 3 timeout values"
    );
    assert_eq!(
        invalid(&["--set", "1", "2", "x"]),
        "invalid timeout value `x' specified"
    );
    assert_eq!(
        invalid(&["--set", "1", "x", "y", "z"]),
        "invalid timeout value `x' specified"
    );
    assert_eq!(
        invalid(&["--set", "1", "2", "3", "4"]),
        "unexpected argument 4"
    );
    assert_eq!(
        invalid(&["--set", "0", "2678401", "3"]),
        "invalid timeout value `2678401' specified"
    );
}

#[test]
fn set_accepts_zero() {
    assert_eq!(
        ok(&["--set", "0", "0", "2678400"]),
        Command::SetTimeouts(crate::model::Timeouts {
            tcp: 0,
            tcp_fin: 0,
            udp: 2678400
        })
    );
}

#[test]
fn syncid_range() {
    assert_eq!(
        daemon_error(&["--syncid", "256"]),
        "illegal syncid specified"
    );
    assert_eq!(
        invalid(&["-L", "--syncid", "256"]),
        "illegal syncid specified"
    );
    assert!(matches!(ok(&["-L", "--syncid", "5"]), Command::List(_)));
}

#[test]
fn daemon_number_ranges() {
    assert_eq!(
        daemon_error(&["--mcast-port", "0"]),
        "illegal mcast-port specified"
    );
    assert_eq!(
        daemon_error(&["--mcast-ttl", "256"]),
        "illegal mcast-ttl specified"
    );
    assert_eq!(
        daemon_error(&["--sync-maxlen", "65508"]),
        "illegal sync-maxlen specified"
    );
    match ok(&["--start-daemon", "master", "--sync-maxlen", "65507"]) {
        Command::StartDaemon(d) => assert_eq!(d.sync_maxlen, 65507),
        other => panic!("{other:?}"),
    }
}

#[test]
fn mcast_group_must_be_multicast_of_its_family() {
    for (bad, fam) in [
        ("1.2.3", "IPv4"),
        ("224.1", "IPv4"),
        ("10.0.0.1", "IPv4"),
        ("ff02::1x", "IPv6"),
        ("2001:db8::1", "IPv6"),
    ] {
        assert_eq!(
            daemon_error(&["--mcast-group", bad]),
            format!("invalid {fam} mcast-group `{bad}'")
        );
    }
}

#[test]
fn daemon_state_words() {
    assert_eq!(
        invalid(&["--start-daemon", "foo"]),
        "illegal start-daemon parameter specified"
    );
    assert_eq!(
        invalid(&["--start-daemon="]),
        "illegal start-daemon parameter specified"
    );
    assert_eq!(
        invalid(&["--stop-daemon", "Master"]),
        "illegal start_daemon specified"
    );
    match ok(&["--stop-daemon=backup"]) {
        Command::StopDaemon(d) => assert_eq!(d.state, DaemonState::Backup),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tunnel_values() {
    assert_eq!(
        server_error(&["--tun-type", "foo"]),
        "illegal tunnel type specified"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "--tun-type", "GUE"]),
        "illegal tunnel type specified"
    );
    assert_eq!(
        server_error(&["--tun-port", "0"]),
        "illegal tunnel port specified"
    );
}

#[test]
fn ipv6_flag_needs_a_preceding_fwmark() {
    // Upstream's 2025 wording (ipvsadm 1.31 said "-6 used before -f"),
    // still followed by an empty line.
    let m = invalid(&["-A", "-t", "1.2.3.4:80", "-6"]);
    assert_eq!(m, "-6 must follow -f\n");
    assert_eq!(invalid(&["-C", "-6"]), "-6 must follow -f\n");
    assert_eq!(invalid(&["-A", "-6", "-f", "1"]), "-6 must follow -f\n");
    let e = parse(&["-L", "-6"]).unwrap_err();
    assert_eq!(
        (e.exit_status(), e.to_string()),
        (2, "-6 must follow -f\n".into())
    );
}

#[test]
fn weight_takes_the_whole_kernel_range() {
    // ipvsadm 1.31 stopped at 65535; Debian's package and upstream (2025,
    // Debian bug #814348) accept what the kernel does, up to INT_MAX.
    assert_eq!(add_server(&["-w", "65535"]).weight, 65535);
    assert_eq!(add_server(&["-w", "65536"]).weight, 65536);
    assert_eq!(add_server(&["-w", "70000"]).weight, 70000);
}

#[test]
fn netmask_ipv4_uses_inet_aton_or_hostname() {
    let s =
        add_service(&["-t", "1.2.3.4:80", "-p", "-M", "255.255.255.0 junk"]);
    assert_eq!(s.netmask_v4().to_string(), "255.255.255.0");
    let s = add_service(&["-t", "1.2.3.4:80", "-M", "1.2.3"]);
    assert_eq!(s.netmask_v4().to_string(), "1.2.0.3");
    let s = add_service(&["-t", "1.2.3.4:80", "-M", "localhost"]);
    assert_eq!(s.netmask_v4().to_string(), "127.0.0.1");
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-M", "64x"]),
        "illegal virtual server persistent mask specified"
    );
}

#[test]
fn netmask_ipv6_uses_atoi() {
    let m = |mask: &str| add_service(&["-f", "1", "-6", "-M", mask]).netmask;
    assert_eq!(m("64"), 64);
    assert_eq!(m(" 64x"), 64);
    assert_eq!(m("4294967297"), 1);
    assert_eq!(m("128"), 128);
    for bad in ["129", "0", "x", "-1", "255.255.255.0"] {
        assert_eq!(
            invalid(&["-A", "-f", "1", "-6", "-M", bad]),
            "illegal ipv6 netmask specified"
        );
    }
}

#[test]
fn netmask_family_is_the_one_known_when_seen() {
    let s = add_service(&["-f", "1", "-M", "64", "-6"]);
    assert_eq!(s.netmask, 128);
    let s = add_service(&["-p", "-M", "64", "-t", "[2001:db8::1]:80"]);
    assert_eq!(s.netmask, 128);
    assert_eq!(
        invalid(&["-A", "-t", "[2001:db8::1]:80", "-p", "-M", "255.255.255.0"]),
        "illegal ipv6 netmask specified"
    );
    let s = add_service(&["-M", "255.0.0.0", "-t", "1.2.3.4:80"]);
    assert_eq!(s.netmask_v4().to_string(), "255.0.0.0");
}

#[test]
fn sched_flags_parse_after_the_scan_against_final_scheduler() {
    let s = add_service(&["-t", "1.2.3.4:80", "-b", "sh-port", "-s", "sh"]);
    assert_eq!(s.flags.sched_bits(), ServiceFlags::SCHED2);
    let s =
        add_service(&["-t", "1.2.3.4:80", "-b", "sh-port,flag-3", "-s", "sh"]);
    assert_eq!(s.flags.sched_bits(), 0x30);
    let s = add_service(&["-t", "1.2.3.4:80", "-b", ",,flag-1,,"]);
    assert_eq!(s.flags.sched_bits(), ServiceFlags::SCHED1);
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-b", "sh-port"]),
        "incompatible scheduler flag `sh-port'"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-s=", "-b", "sh-port"]),
        "incompatible scheduler flag `sh-port'"
    );
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-b", "mh-port,bogus", "-s", "mh"]),
        "invalid scheduler flag `bogus'"
    );
}

#[test]
fn sched_flags_only_commas_means_no_flags() {
    // ipvsadm 1.31 crashes here; we treat it as an empty flag list.
    let s = add_service(&["-t", "1.2.3.4:80", "-b", ","]);
    assert_eq!(s.flags.0, 0);
    let s = add_service(&["-t", "1.2.3.4:80", "-b", ""]);
    assert_eq!(s.flags.0, 0);
}

#[test]
fn sched_flags_checked_before_the_matrix() {
    assert_eq!(
        invalid(&["-L", "-b", "sh-port"]),
        "incompatible scheduler flag `sh-port'"
    );
    assert_eq!(
        invalid(&["-D", "-b", ""]),
        "You need to supply the 'service-address' option for the \
         'delete-service' command"
    );
}

#[test]
fn names_are_truncated_like_strncpy() {
    let s =
        add_service(&["-t", "1.2.3.4:80", "-s", "abcdefghijklmnopqrstuvwxyz"]);
    assert_eq!(s.scheduler, "abcdefghijklmno");
    let s = add_service(&[
        "-t",
        "1.2.3.4:80",
        "--pe",
        "abcdefghijklmnopqrstuvwxyz",
    ]);
    assert_eq!(s.pe_name.as_deref(), Some("abcdefghijklmnop"));
    match ok(&[
        "--start-daemon",
        "master",
        "--mcast-interface",
        "0123456789abcdefghij",
    ]) {
        Command::StartDaemon(d) => assert_eq!(d.mcast_ifn, b"0123456789abcde"),
        other => panic!("{other:?}"),
    }
}
