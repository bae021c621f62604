//! What each command carries: defaults, order-dependent values and the
//! checks after the matrix.

use std::net::IpAddr;

use super::*;
use crate::cli::{ListRequest, ListView, StatsView};
use crate::model::{
    AddressFamily, DaemonConfig, DaemonState, Destination, ForwardMethod,
    Protocol, Service, ServiceFlags, ServiceKey, TunnelType,
};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn vip80() -> ServiceKey {
    ServiceKey::Inet {
        protocol: Protocol::Tcp,
        addr: ip("1.2.3.4"),
        port: 80,
    }
}

fn server(args: &[&str]) -> (Service, Destination) {
    match ok(args) {
        Command::AddServer { service, dest }
        | Command::EditServer { service, dest }
        | Command::DeleteServer { service, dest } => (service, dest),
        other => panic!("{other:?}"),
    }
}

fn list(args: &[&str]) -> ListRequest {
    match ok(args) {
        Command::List(l) => l,
        other => panic!("{other:?}"),
    }
}

#[test]
fn add_service_defaults() {
    let expected = Service {
        key: vip80(),
        scheduler: "wlc".into(),
        flags: ServiceFlags(0),
        timeout: 0,
        netmask: 0xffff_ffff,
        pe_name: None,
        stats: Default::default(),
    };
    assert_eq!(
        ok(&["-A", "-t", "1.2.3.4:80"]),
        Command::AddService(expected.clone())
    );
    assert_eq!(
        ok(&["-E", "-t", "1.2.3.4:80"]),
        Command::EditService(expected)
    );
}

#[test]
fn add_service_with_everything() {
    match ok(&[
        "-A",
        "-t",
        "1.2.3.4:80",
        "-s",
        "rr",
        "-p",
        "30",
        "-M",
        "255.255.0.0",
        "-b",
        "flag-1,flag-2",
        "--pe",
        "sip",
    ]) {
        Command::AddService(s) => {
            assert_eq!(s.scheduler, "rr");
            assert_eq!(s.flags.0, 0x01 | 0x08 | 0x10);
            assert_eq!(s.timeout, 30);
            assert_eq!(s.netmask_v4().to_string(), "255.255.0.0");
            assert_eq!(s.pe_name.as_deref(), Some("sip"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn zero_port_needs_persistence() {
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:0"]),
        "Zero port specified for non-persistent service"
    );
    assert_eq!(
        invalid(&["-E", "-t", "1.2.3.4"]),
        "Zero port specified for non-persistent service"
    );
    assert!(matches!(
        ok(&["-A", "-t", "1.2.3.4:0", "-p"]),
        Command::AddService(_)
    ));
    assert!(matches!(ok(&["-A", "-f", "9"]), Command::AddService(_)));
}

#[test]
fn one_packet_only_for_udp_or_fwmark() {
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4:80", "-o"]),
        "One-Packet Scheduling is only for UDP virtual services"
    );
    for args in [
        &["-A", "-u", "1.2.3.4:80", "-o"][..],
        &["-A", "-f", "3", "-o"],
    ] {
        match ok(args) {
            Command::AddService(s) => {
                assert_eq!(s.flags.0, ServiceFlags::ONEPACKET)
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn zero_port_is_checked_before_one_packet() {
    assert_eq!(
        invalid(&["-A", "-t", "1.2.3.4", "-o"]),
        "Zero port specified for non-persistent service"
    );
}

#[test]
fn delete_service_sends_no_scheduler() {
    match ok(&["-D", "-t", "1.2.3.4:80"]) {
        Command::DeleteService(s) => {
            assert_eq!(s.key, vip80());
            assert_eq!(s.scheduler, "");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn add_server_defaults() {
    let (service, dest) = server(&["-a", "-t", "1.2.3.4:80", "-r", "2.2.2.2"]);
    assert_eq!(service.key, vip80());
    assert_eq!(service.scheduler, "");
    assert_eq!(service.flags.0, 0);
    assert_eq!(service.netmask, 0xffff_ffff);
    assert_eq!(dest, Destination::new(ip("2.2.2.2"), 80));
    assert_eq!(dest.forward, ForwardMethod::Route);
    assert_eq!(dest.weight, 1);
}

#[test]
fn direct_routing_and_tunnel_force_the_virtual_port() {
    let (_, d) = server(&["-a", "-t", "1.2.3.4:80", "-r", "2.2.2.2:90", "-g"]);
    assert_eq!(d.port, 80);
    let (_, d) = server(&["-e", "-t", "1.2.3.4:80", "-r", "2.2.2.2:90"]);
    assert_eq!(d.port, 80);
    let (_, d) = server(&["-a", "-t", "1.2.3.4:80", "-r", "2.2.2.2:90", "-i"]);
    assert_eq!((d.port, d.forward), (80, ForwardMethod::Tunnel));
}

#[test]
fn masquerading_keeps_the_typed_port() {
    let (_, d) = server(&[
        "-a",
        "-t",
        "1.2.3.4:80",
        "-r",
        "2.2.2.2:90",
        "-m",
        "-x",
        "5",
        "-y",
        "3",
    ]);
    assert_eq!(d.port, 90);
    assert_eq!(d.forward, ForwardMethod::Masquerade);
    assert_eq!((d.u_threshold, d.l_threshold), (5, 3));
}

#[test]
fn real_server_port_copies_virtual_port_known_at_that_moment() {
    let (_, d) = server(&["-a", "-t", "1.2.3.4:80", "-r", "2.2.2.2", "-m"]);
    assert_eq!(d.port, 80);
    let (_, d) = server(&["-a", "-r", "2.2.2.2", "-m", "-t", "1.2.3.4:80"]);
    assert_eq!(d.port, 0);
}

#[test]
fn fwmark_servers_keep_their_port() {
    let (s, d) = server(&["-a", "-f", "5", "-r", "2.2.2.2:90", "-g"]);
    assert_eq!(d.port, 90);
    assert_eq!(
        s.key,
        ServiceKey::Fwmark {
            family: AddressFamily::Inet,
            mark: 5
        }
    );
}

#[test]
fn delete_server_port_is_not_forced() {
    let (_, d) = server(&["-d", "-t", "1.2.3.4:80", "-r", "2.2.2.2:90"]);
    assert_eq!(d.port, 90);
}

#[test]
fn mixed_families_only_for_tunnels() {
    assert_eq!(
        invalid(&["-a", "-f", "1", "-6", "-r", "1.2.3.4", "-m"]),
        "Different address family is allowed only for tunneling servers"
    );
    let (_, d) =
        server(&["-a", "-t", "1.2.3.4:80", "-r", "[2001:db8::2]:90", "-i"]);
    assert_eq!((d.addr, d.port), (ip("2001:db8::2"), 80));
}

#[test]
fn tunnel_options_need_ipip_forwarding() {
    assert_eq!(
        invalid(&["-e", "-t", "1.2.3.4:80", "-r", "2.2.2.2", "--tun-csum"]),
        "Tunnel options conflict with forward method"
    );
}

#[test]
fn tunnel_type_matrix() {
    let base = ["-a", "-t", "1.2.3.4:80", "-r", "2.2.2.2", "-i"];
    let err = |extra: &[&str]| {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        invalid(&v)
    };
    assert_eq!(
        err(&["--tun-csum"]),
        "Illegal 'tun-csum' option with the 'ipip' tunnel type"
    );
    assert_eq!(
        err(&["--tun-type", "gue"]),
        "You need to supply the 'tun-port' option for the 'gue' tunnel type"
    );
    assert_eq!(
        err(&[
            "--tun-type",
            "gue",
            "--tun-port",
            "6000",
            "--tun-csum",
            "--tun-nocsum"
        ]),
        "The option 'tun-csum' conflicts with the 'tun-nocsum' option in \
         the 'gue' tunnel type"
    );
    assert_eq!(
        err(&["--tun-type", "gre", "--tun-remcsum"]),
        "Illegal 'tun-remcsum' option with the 'gre' tunnel type"
    );
    assert_eq!(
        err(&["--tun-type", "gre", "--tun-port", "9"]),
        "Illegal 'tun-port' option with the 'gre' tunnel type"
    );
}

#[test]
fn tunnel_fields_are_carried() {
    let (_, d) = server(&[
        "-a",
        "-t",
        "1.2.3.4:80",
        "-r",
        "2.2.2.2",
        "-i",
        "--tun-type",
        "gue",
        "--tun-port",
        "6000",
        "--tun-remcsum",
    ]);
    assert_eq!(d.tun_type, TunnelType::Gue);
    assert_eq!(d.tun_port, 6000);
    assert_eq!(d.tun_flags, 2);
    let (_, d) = server(&[
        "-a",
        "-t",
        "1.2.3.4:80",
        "-r",
        "2.2.2.2",
        "-i",
        "--tun-type=gre",
        "--tun-csum",
    ]);
    assert_eq!((d.tun_type, d.tun_flags), (TunnelType::Gre, 1));
}

#[test]
fn zero_without_or_with_all_zero_service_zeroes_everything() {
    assert_eq!(ok(&["-Z"]), Command::Zero(None));
    assert_eq!(ok(&["-Z", "-t", "0.0.0.0"]), Command::Zero(None));
    assert_eq!(ok(&["-Z", "-t", "0.0.0.0:0"]), Command::Zero(None));
    assert_eq!(ok(&["-Z", "-t", "[::]:0"]), Command::Zero(None));
}

#[test]
fn zero_with_a_service() {
    assert_eq!(
        ok(&["-Z", "-t", "0.0.0.0:80"]),
        Command::Zero(Some(ServiceKey::Inet {
            protocol: Protocol::Tcp,
            addr: ip("0.0.0.0"),
            port: 80
        }))
    );
    assert_eq!(
        ok(&["-Z", "-f", "1"]),
        Command::Zero(Some(ServiceKey::Fwmark {
            family: AddressFamily::Inet,
            mark: 1
        }))
    );
}

#[test]
fn start_daemon_defaults_to_eth0() {
    assert_eq!(
        ok(&["--start-daemon", "master"]),
        Command::StartDaemon(DaemonConfig {
            state: DaemonState::Master,
            mcast_ifn: "eth0".into(),
            sync_id: 0,
            sync_maxlen: 0,
            mcast_group: None,
            mcast_port: 0,
            mcast_ttl: 0,
        })
    );
}

#[test]
fn start_daemon_with_every_option() {
    assert_eq!(
        ok(&[
            "--start-daemon",
            "backup",
            "--mcast-group",
            "ff02::1",
            "--mcast-port",
            "5",
            "--mcast-ttl",
            "3",
            "--sync-maxlen",
            "1000",
            "--syncid",
            "7",
            "--mcast-interface",
            "lo",
        ]),
        Command::StartDaemon(DaemonConfig {
            state: DaemonState::Backup,
            mcast_ifn: "lo".into(),
            sync_id: 7,
            sync_maxlen: 1000,
            mcast_group: Some(ip("ff02::1")),
            mcast_port: 5,
            mcast_ttl: 3,
        })
    );
}

#[test]
fn stop_daemon_sends_empty_interface() {
    match ok(&["--stop-daemon", "master", "--syncid", "4"]) {
        Command::StopDaemon(d) => {
            assert_eq!(d.state, DaemonState::Master);
            assert_eq!(d.mcast_ifn, b"");
            assert_eq!(d.sync_id, 4);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn simple_commands() {
    assert_eq!(ok(&["-C"]), Command::Flush);
    assert_eq!(ok(&["--clear"]), Command::Flush);
    assert_eq!(ok(&["-R"]), Command::Restore);
    assert_eq!(
        ok(&["-S"]),
        Command::Save {
            numeric: false,
            all_netns: false
        }
    );
    assert_eq!(
        ok(&["--save", "-n"]),
        Command::Save {
            numeric: true,
            all_netns: false
        }
    );
}

#[test]
fn list_views() {
    assert_eq!(list(&["-L", "-c"]).view, ListView::Connections);
    assert_eq!(list(&["-L", "--timeout"]).view, ListView::Timeouts);
    assert_eq!(list(&["-l", "--daemon"]).view, ListView::Daemons);
    let l = list(&["--list", "-t", "1.2.3.4:80", "-n"]);
    assert_eq!(l.view, ListView::Services);
    assert_eq!(l.service, Some(vip80()));
    assert!(l.numeric);
}

#[test]
fn list_column_priority() {
    let cols = |a: &[&str]| list(a).columns;
    assert_eq!(cols(&["-L", "--rate", "--stats"]), StatsView::Stats);
    assert_eq!(cols(&["-L", "--thresholds", "--rate"]), StatsView::Rate);
    assert_eq!(
        cols(&["-L", "--persistent-conn", "--thresholds"]),
        StatsView::Thresholds
    );
    assert_eq!(
        cols(&["-L", "--tun-info", "--persistent-conn"]),
        StatsView::PersistentConn
    );
    assert_eq!(cols(&["-L", "--tun-info"]), StatsView::TunInfo);
    assert_eq!(cols(&["-L"]), StatsView::Default);
}

#[test]
fn list_flags() {
    let l = list(&["-L", "-X", "--nosort", "--sort", "--persistent-conn"]);
    assert!(l.exact && l.nosort && l.persistent_conn && !l.numeric);
    assert!(list(&["-L", "--exact"]).exact);
}

#[test]
fn list_option_conflicts() {
    let m = "options conflicts in the list command";
    assert_eq!(invalid(&["-L", "-c", "--stats"]), m);
    assert_eq!(invalid(&["-L", "--daemon", "--thresholds"]), m);
    assert_eq!(invalid(&["-L", "--timeout", "--persistent-conn"]), m);
    let l = list(&["-Lc", "--persistent-conn"]);
    assert_eq!(l.view, ListView::Connections);
    assert!(l.persistent_conn);
}
