//! Sync-daemon requests (NEW/DEL/GET_DAEMON) and the daemon replies.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{check_reply, check_request};
use crate::ipvs::{
    DaemonAttr, IpvsAttr, IpvsCmd, IpvsMessage, daemon_attrs, daemon_from_attrs,
};
use crate::model::{DaemonConfig, DaemonState};

/// `ipvsadm --start-daemon master --mcast-interface dummy0 --syncid 5
/// --sync-maxlen 1400 --mcast-group 239.1.1.1 --mcast-port 8849 --mcast-ttl 2`
pub(super) const NEW_DAEMON_MASTER: &str = "
    09 01 00 00                                                # genl: cmd NEW_DAEMON, version 1
    40 00 03 80                                                # DAEMON nest, len 64 (NLA_F_NESTED)
      08 00 01 00 01 00 00 00                                  # STATE
      0b 00 02 00 64 75 6d 6d 79 30 00 00                      # MCAST_IFN
      08 00 03 00 05 00 00 00                                  # SYNC_ID
      06 00 04 00 78 05 00 00                                  # SYNC_MAXLEN
      06 00 07 00 91 22 00 00                                  # MCAST_PORT
      05 00 08 00 02 00 00 00                                  # MCAST_TTL
      08 00 05 00 ef 01 01 01                                  # MCAST_GROUP
";

/// `ipvsadm --start-daemon backup --mcast-interface dummy0`
pub(super) const NEW_DAEMON_BACKUP: &str = "
    09 01 00 00                                                # genl: cmd NEW_DAEMON, version 1
    20 00 03 80                                                # DAEMON nest, len 32 (NLA_F_NESTED)
      08 00 01 00 02 00 00 00                                  # STATE
      0b 00 02 00 64 75 6d 6d 79 30 00 00                      # MCAST_IFN
      08 00 03 00 00 00 00 00                                  # SYNC_ID
";

/// `ipvsadm --start-daemon backup --mcast-interface dummy0 --syncid 7
/// --mcast-group ff15::1:2`
pub(super) const NEW_DAEMON_BACKUP6: &str = "
    09 01 00 00                                                # genl: cmd NEW_DAEMON, version 1
    34 00 03 80                                                # DAEMON nest, len 52 (NLA_F_NESTED)
      08 00 01 00 02 00 00 00                                  # STATE
      0b 00 02 00 64 75 6d 6d 79 30 00 00                      # MCAST_IFN
      08 00 03 00 07 00 00 00                                  # SYNC_ID
      14 00 06 00 ff 15 00 00 00 00 00 00 00 00 00 00          # MCAST_GROUP6
      00 01 00 02
";

/// `ipvsadm --stop-daemon master` (empty interface name).
pub(super) const DEL_DAEMON_MASTER: &str = "
    0a 01 00 00                                                # genl: cmd DEL_DAEMON, version 1
    1c 00 03 80                                                # DAEMON nest, len 28 (NLA_F_NESTED)
      08 00 01 00 01 00 00 00                                  # STATE
      05 00 02 00 00 00 00 00                                  # MCAST_IFN
      08 00 03 00 00 00 00 00                                  # SYNC_ID
";

/// `ipvsadm --stop-daemon backup`
pub(super) const DEL_DAEMON_BACKUP: &str = "
    0a 01 00 00                                                # genl: cmd DEL_DAEMON, version 1
    1c 00 03 80                                                # DAEMON nest, len 28 (NLA_F_NESTED)
      08 00 01 00 02 00 00 00                                  # STATE
      05 00 02 00 00 00 00 00                                  # MCAST_IFN
      08 00 03 00 00 00 00 00                                  # SYNC_ID
";

/// `ipvsadm -L --daemon` (a dump request).
pub(super) const GET_DAEMON: &str = "
    0b 01 00 00                                                # genl: cmd GET_DAEMON, version 1
";

/// `ipvsadm -L --daemon`: the master started by NEW_DAEMON_MASTER.
pub(super) const DAEMON_REPLY_MASTER: &str = "
    09 01 00 00                                                # genl: cmd NEW_DAEMON, version 1
    40 00 03 00                                                # DAEMON nest, len 64
      08 00 01 00 01 00 00 00                                  # STATE
      0b 00 02 00 64 75 6d 6d 79 30 00 00                      # MCAST_IFN
      08 00 03 00 05 00 00 00                                  # SYNC_ID
      06 00 04 00 78 05 00 00                                  # SYNC_MAXLEN
      06 00 07 00 91 22 00 00                                  # MCAST_PORT
      05 00 08 00 02 00 00 00                                  # MCAST_TTL
      08 00 05 00 ef 01 01 01                                  # MCAST_GROUP
";

/// `ipvsadm -L --daemon`: the backup of NEW_DAEMON_BACKUP, with the
/// kernel's defaults (maxlen 1472, group 224.0.0.81, port 8848, ttl 1).
pub(super) const DAEMON_REPLY_BACKUP: &str = "
    09 01 00 00                                                # genl: cmd NEW_DAEMON, version 1
    40 00 03 00                                                # DAEMON nest, len 64
      08 00 01 00 02 00 00 00                                  # STATE
      0b 00 02 00 64 75 6d 6d 79 30 00 00                      # MCAST_IFN
      08 00 03 00 00 00 00 00                                  # SYNC_ID
      06 00 04 00 c0 05 00 00                                  # SYNC_MAXLEN
      06 00 07 00 90 22 00 00                                  # MCAST_PORT
      05 00 08 00 01 00 00 00                                  # MCAST_TTL
      08 00 05 00 e0 00 00 51                                  # MCAST_GROUP
";

/// `ipvsadm -L --daemon` after NEW_DAEMON_BACKUP6.
pub(super) const DAEMON_REPLY_BACKUP6: &str = "
    09 01 00 00                                                # genl: cmd NEW_DAEMON, version 1
    4c 00 03 00                                                # DAEMON nest, len 76
      08 00 01 00 02 00 00 00                                  # STATE
      0b 00 02 00 64 75 6d 6d 79 30 00 00                      # MCAST_IFN
      08 00 03 00 07 00 00 00                                  # SYNC_ID
      06 00 04 00 ac 05 00 00                                  # SYNC_MAXLEN
      06 00 07 00 90 22 00 00                                  # MCAST_PORT
      05 00 08 00 01 00 00 00                                  # MCAST_TTL
      14 00 06 00 ff 15 00 00 00 00 00 00 00 00 00 00          # MCAST_GROUP6
      00 01 00 02
";

fn msg(cmd: IpvsCmd, nest: Vec<DaemonAttr>) -> IpvsMessage {
    IpvsMessage::new(cmd, vec![IpvsAttr::Daemon(nest)])
}

fn config(state: DaemonState, ifn: &str, sync_id: u32) -> DaemonConfig {
    DaemonConfig {
        state,
        mcast_ifn: ifn.into(),
        sync_id,
        sync_maxlen: 0,
        mcast_group: None,
        mcast_port: 0,
        mcast_ttl: 0,
    }
}

fn master() -> DaemonConfig {
    DaemonConfig {
        sync_maxlen: 1400,
        mcast_group: Some(IpAddr::V4(Ipv4Addr::new(239, 1, 1, 1))),
        mcast_port: 8849,
        mcast_ttl: 2,
        ..config(DaemonState::Master, "dummy0", 5)
    }
}

fn master_nest() -> Vec<DaemonAttr> {
    vec![
        DaemonAttr::State(1),
        DaemonAttr::McastIfn("dummy0".into()),
        DaemonAttr::SyncId(5),
        DaemonAttr::SyncMaxlen(1400),
        DaemonAttr::McastPort(8849),
        DaemonAttr::McastTtl(2),
        DaemonAttr::McastGroup([239, 1, 1, 1]),
    ]
}

#[test]
fn new_daemon_master_with_options() {
    assert_eq!(daemon_attrs(&master()), master_nest());
    check_request(NEW_DAEMON_MASTER, msg(IpvsCmd::NewDaemon, master_nest()));
}

#[test]
fn new_daemon_backup_plain() {
    let d = config(DaemonState::Backup, "dummy0", 0);
    let nest = vec![
        DaemonAttr::State(2),
        DaemonAttr::McastIfn("dummy0".into()),
        DaemonAttr::SyncId(0),
    ];
    assert_eq!(daemon_attrs(&d), nest);
    check_request(NEW_DAEMON_BACKUP, msg(IpvsCmd::NewDaemon, nest));
}

fn group6() -> Ipv6Addr {
    Ipv6Addr::new(0xff15, 0, 0, 0, 0, 0, 1, 2)
}

#[test]
fn new_daemon_backup_ipv6_group() {
    let d = DaemonConfig {
        mcast_group: Some(IpAddr::V6(group6())),
        ..config(DaemonState::Backup, "dummy0", 7)
    };
    let nest = vec![
        DaemonAttr::State(2),
        DaemonAttr::McastIfn("dummy0".into()),
        DaemonAttr::SyncId(7),
        DaemonAttr::McastGroup6(group6().octets()),
    ];
    assert_eq!(daemon_attrs(&d), nest);
    check_request(NEW_DAEMON_BACKUP6, msg(IpvsCmd::NewDaemon, nest));
}

#[test]
fn del_daemon() {
    for (fixture, state) in [
        (DEL_DAEMON_MASTER, DaemonState::Master),
        (DEL_DAEMON_BACKUP, DaemonState::Backup),
    ] {
        let nest = daemon_attrs(&config(state, "", 0));
        assert_eq!(nest[1], DaemonAttr::McastIfn(Vec::new()));
        check_request(fixture, msg(IpvsCmd::DelDaemon, nest));
    }
}

#[test]
fn get_daemon() {
    check_request(GET_DAEMON, IpvsMessage::new(IpvsCmd::GetDaemon, vec![]));
}

#[test]
fn daemon_reply_master() {
    assert_eq!(daemon_from_attrs(&master_nest()).unwrap(), master());
    check_reply(DAEMON_REPLY_MASTER, msg(IpvsCmd::NewDaemon, master_nest()));
}

#[test]
fn daemon_reply_backup_with_kernel_defaults() {
    let nest = vec![
        DaemonAttr::State(2),
        DaemonAttr::McastIfn("dummy0".into()),
        DaemonAttr::SyncId(0),
        DaemonAttr::SyncMaxlen(1472),
        DaemonAttr::McastPort(8848),
        DaemonAttr::McastTtl(1),
        DaemonAttr::McastGroup([224, 0, 0, 81]),
    ];
    let want = DaemonConfig {
        sync_maxlen: 1472,
        mcast_group: Some(IpAddr::V4(Ipv4Addr::new(224, 0, 0, 81))),
        mcast_port: 8848,
        mcast_ttl: 1,
        ..config(DaemonState::Backup, "dummy0", 0)
    };
    assert_eq!(daemon_from_attrs(&nest).unwrap(), want);
    check_reply(DAEMON_REPLY_BACKUP, msg(IpvsCmd::NewDaemon, nest));
}

#[test]
fn daemon_reply_ipv6_group() {
    let nest = vec![
        DaemonAttr::State(2),
        DaemonAttr::McastIfn("dummy0".into()),
        DaemonAttr::SyncId(7),
        DaemonAttr::SyncMaxlen(1452),
        DaemonAttr::McastPort(8848),
        DaemonAttr::McastTtl(1),
        DaemonAttr::McastGroup6(group6().octets()),
    ];
    let d = daemon_from_attrs(&nest).unwrap();
    assert_eq!(d.mcast_group, Some(IpAddr::V6(group6())));
    assert_eq!(d.sync_maxlen, 1452);
    check_reply(DAEMON_REPLY_BACKUP6, msg(IpvsCmd::NewDaemon, nest));
}

#[test]
fn daemon_reply_requires_state_ifn_and_sync_id() {
    for i in 0..3 {
        let mut partial = master_nest();
        partial.remove(i);
        assert!(daemon_from_attrs(&partial).is_err(), "without #{i}");
    }
    let minimal = master_nest()[..3].to_vec();
    assert_eq!(
        daemon_from_attrs(&minimal).unwrap(),
        config(DaemonState::Master, "dummy0", 5)
    );
}
