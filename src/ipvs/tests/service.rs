//! Service requests (NEW/SET/DEL/GET_SERVICE) and the service reply.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{check_reply, check_request, v4, v6_doc};
use crate::ipvs::{
    IpvsAttr, IpvsCmd, IpvsMessage, ServiceAttr, Stats64Attr, StatsAttr,
    service_attrs, service_from_attrs, service_key_attrs,
};
use crate::model::{
    AddressFamily, Protocol, Service, ServiceFlags, ServiceKey, Stats,
};

/// `ipvsadm -A -t 10.0.0.1:80 -s rr`
pub(super) const NEW_SERVICE_TCP: &str = "
    01 01 00 00                                                # genl: cmd NEW_SERVICE, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      07 00 06 00 72 72 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
";

/// `ipvsadm -E -t 10.0.0.1:80 -s wlc -p 300 -M 255.255.255.0`
pub(super) const SET_SERVICE_PERSISTENT: &str = "
    02 01 00 00                                                # genl: cmd SET_SERVICE, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      08 00 06 00 77 6c 63 00                                  # SCHED_NAME
      0c 00 07 00 01 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 2c 01 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff 00                                  # NETMASK
";

/// `ipvsadm -A -u 10.0.0.1:53 -s sh -b sh-fallback,sh-port`
pub(super) const NEW_SERVICE_SH_FLAGS: &str = "
    01 01 00 00                                                # genl: cmd NEW_SERVICE, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 11 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 35 00 00                                  # PORT
      07 00 06 00 73 68 00 00                                  # SCHED_NAME
      0c 00 07 00 18 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
";

/// `ipvsadm -A -u 10.0.0.1:54 -s rr -o`
pub(super) const NEW_SERVICE_OPS: &str = "
    01 01 00 00                                                # genl: cmd NEW_SERVICE, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 11 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 36 00 00                                  # PORT
      07 00 06 00 72 72 00 00                                  # SCHED_NAME
      0c 00 07 00 04 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
";

/// `ipvsadm -A -u 10.0.0.1:5060 -s rr -p 60 --pe sip`
pub(super) const NEW_SERVICE_PE_SIP: &str = "
    01 01 00 00                                                # genl: cmd NEW_SERVICE, version 1
    5c 00 01 80                                                # SERVICE nest, len 92 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 11 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 13 c4 00 00                                  # PORT
      07 00 06 00 72 72 00 00                                  # SCHED_NAME
      08 00 0b 00 73 69 70 00                                  # PE_NAME
      0c 00 07 00 01 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 3c 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
";

/// `ipvsadm -A -f 1 -s rr`
pub(super) const NEW_SERVICE_FWMARK: &str = "
    01 01 00 00                                                # genl: cmd NEW_SERVICE, version 1
    38 00 01 80                                                # SERVICE nest, len 56 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      08 00 05 00 01 00 00 00                                  # FWMARK
      07 00 06 00 72 72 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
";

/// `ipvsadm -A -f 2 -6 -s rr`
pub(super) const NEW_SERVICE_FWMARK6: &str = "
    01 01 00 00                                                # genl: cmd NEW_SERVICE, version 1
    38 00 01 80                                                # SERVICE nest, len 56 (NLA_F_NESTED)
      06 00 01 00 0a 00 00 00                                  # AF
      08 00 05 00 02 00 00 00                                  # FWMARK
      07 00 06 00 72 72 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 80 00 00 00                                  # NETMASK
";

/// `ipvsadm -A -t [2001:db8::1]:443 -s lc -p`
pub(super) const NEW_SERVICE_IPV6: &str = "
    01 01 00 00                                                # genl: cmd NEW_SERVICE, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 0a 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 20 01 0d b8 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 01
      06 00 04 00 01 bb 00 00                                  # PORT
      07 00 06 00 6c 63 00 00                                  # SCHED_NAME
      0c 00 07 00 01 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 68 01 00 00                                  # TIMEOUT
      08 00 09 00 80 00 00 00                                  # NETMASK
";

/// `ipvsadm -D -t 10.0.0.1:80` (the CLI's defaults: empty scheduler,
/// persistence netmask 255.255.255.255).
pub(super) const DEL_SERVICE: &str = "
    03 01 00 00                                                # genl: cmd DEL_SERVICE, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
";

/// `ipvsadm -D -f 1`
pub(super) const DEL_SERVICE_FWMARK: &str = "
    03 01 00 00                                                # genl: cmd DEL_SERVICE, version 1
    38 00 01 80                                                # SERVICE nest, len 56 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      08 00 05 00 01 00 00 00                                  # FWMARK
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff ff                                  # NETMASK
";

/// `ipvsadm -L -n`: the service dump request (NLM_F_DUMP).
pub(super) const GET_SERVICE_DUMP: &str = "
    04 01 00 00                                                # genl: cmd GET_SERVICE, version 1
";

/// `ipvsadm -L -n -t 10.0.0.1:80`: the single-service request
/// (netmask 0 here: the listing path leaves it unset).
pub(super) const GET_SERVICE_ONE: &str = "
    04 01 00 00                                                # genl: cmd GET_SERVICE, version 1
    54 00 01 80                                                # SERVICE nest, len 84 (NLA_F_NESTED)
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      05 00 06 00 00 00 00 00                                  # SCHED_NAME
      0c 00 07 00 00 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 00 00 00 00                                  # NETMASK
";

/// Reply to `ipvsadm -L -n -t 10.0.0.1:80` after three connection attempts
/// (the service of SET_SERVICE_PERSISTENT; the kernel adds HASHED).
pub(super) const SERVICE_REPLY_STATS: &str = "
    01 01 00 00                                                # genl: cmd NEW_SERVICE, version 1
    2c 01 01 00                                                # SERVICE nest, len 300
      06 00 01 00 02 00 00 00                                  # AF
      06 00 02 00 06 00 00 00                                  # PROTOCOL
      14 00 03 00 0a 00 00 01 00 00 00 00 00 00 00 00          # ADDR
      00 00 00 00
      06 00 04 00 00 50 00 00                                  # PORT
      08 00 06 00 77 6c 63 00                                  # SCHED_NAME
      0c 00 07 00 03 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 2c 01 00 00                                  # TIMEOUT
      08 00 09 00 ff ff ff 00                                  # NETMASK
      5c 00 0a 00                                              # STATS nest, len 92
        08 00 01 00 03 00 00 00                                # CONNS
        08 00 02 00 03 00 00 00                                # INPKTS
        08 00 03 00 00 00 00 00                                # OUTPKTS
        0c 00 04 00 b4 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        08 00 06 00 00 00 00 00                                # CPS
        08 00 07 00 00 00 00 00                                # INPPS
        08 00 08 00 00 00 00 00                                # OUTPPS
        08 00 09 00 11 00 00 00                                # INBPS
        08 00 0a 00 00 00 00 00                                # OUTBPS
      7c 00 0c 00                                              # STATS64 nest, len 124
        0c 00 01 00 03 00 00 00 00 00 00 00                    # CONNS
        0c 00 02 00 03 00 00 00 00 00 00 00                    # INPKTS
        0c 00 03 00 00 00 00 00 00 00 00 00                    # OUTPKTS
        0c 00 04 00 b4 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        0c 00 06 00 00 00 00 00 00 00 00 00                    # CPS
        0c 00 07 00 00 00 00 00 00 00 00 00                    # INPPS
        0c 00 08 00 00 00 00 00 00 00 00 00                    # OUTPPS
        0c 00 09 00 11 00 00 00 00 00 00 00                    # INBPS
        0c 00 0a 00 00 00 00 00 00 00 00 00                    # OUTBPS
";

fn msg(cmd: IpvsCmd, svc: Vec<ServiceAttr>) -> IpvsMessage {
    IpvsMessage::new(cmd, vec![IpvsAttr::Service(svc)])
}

fn tcp_80() -> ServiceKey {
    ServiceKey::Inet {
        protocol: Protocol::Tcp,
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        port: 80,
    }
}

/// The full nest as ipvsadm builds it for an IPv4 service.
fn inet_nest(
    proto: u16,
    port: u16,
    sched: &str,
    flags: u32,
    timeout: u32,
    netmask: u32,
) -> Vec<ServiceAttr> {
    vec![
        ServiceAttr::AddressFamily(2),
        ServiceAttr::Protocol(proto),
        ServiceAttr::Addr(v4(10, 0, 0, 1)),
        ServiceAttr::Port(port),
        ServiceAttr::SchedName(sched.into()),
        ServiceAttr::Flags {
            flags,
            mask: u32::MAX,
        },
        ServiceAttr::Timeout(timeout),
        ServiceAttr::Netmask(netmask),
    ]
}

#[test]
fn new_service_tcp() {
    let nest = inet_nest(6, 80, "rr", 0, 0, u32::MAX);
    let mut svc = Service::new(tcp_80());
    svc.scheduler = "rr".into();
    assert_eq!(service_attrs(&svc), nest);
    check_request(NEW_SERVICE_TCP, msg(IpvsCmd::NewService, nest));
}

#[test]
fn set_service_persistent() {
    let mask = u32::from_ne_bytes([255, 255, 255, 0]);
    let nest = inet_nest(6, 80, "wlc", 1, 300, mask);
    let mut svc = Service::new(tcp_80());
    svc.flags = ServiceFlags(ServiceFlags::PERSISTENT);
    svc.timeout = 300;
    svc.netmask = mask;
    assert_eq!(service_attrs(&svc), nest);
    check_request(SET_SERVICE_PERSISTENT, msg(IpvsCmd::SetService, nest));
}

#[test]
fn new_service_sched_flags() {
    let nest = inet_nest(17, 53, "sh", 0x18, 0, u32::MAX);
    check_request(NEW_SERVICE_SH_FLAGS, msg(IpvsCmd::NewService, nest));
}

#[test]
fn new_service_one_packet() {
    let nest = inet_nest(17, 54, "rr", 0x4, 0, u32::MAX);
    check_request(NEW_SERVICE_OPS, msg(IpvsCmd::NewService, nest));
}

#[test]
fn new_service_persistence_engine() {
    let mut nest = inet_nest(17, 5060, "rr", 1, 60, u32::MAX);
    nest.insert(5, ServiceAttr::PeName("sip".into()));
    let mut svc = Service::new(ServiceKey::Inet {
        protocol: Protocol::Udp,
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        port: 5060,
    });
    svc.scheduler = "rr".into();
    svc.flags = ServiceFlags(ServiceFlags::PERSISTENT);
    svc.timeout = 60;
    svc.pe_name = Some("sip".into());
    assert_eq!(service_attrs(&svc), nest);
    check_request(NEW_SERVICE_PE_SIP, msg(IpvsCmd::NewService, nest));
}

fn fwmark_nest(
    af: u16,
    mark: u32,
    sched: &str,
    netmask: u32,
) -> Vec<ServiceAttr> {
    vec![
        ServiceAttr::AddressFamily(af),
        ServiceAttr::Fwmark(mark),
        ServiceAttr::SchedName(sched.into()),
        ServiceAttr::Flags {
            flags: 0,
            mask: u32::MAX,
        },
        ServiceAttr::Timeout(0),
        ServiceAttr::Netmask(netmask),
    ]
}

#[test]
fn new_service_fwmark() {
    let nest = fwmark_nest(2, 1, "rr", u32::MAX);
    let mut svc = Service::new(ServiceKey::Fwmark {
        family: AddressFamily::Inet,
        mark: 1,
    });
    svc.scheduler = "rr".into();
    assert_eq!(service_attrs(&svc), nest);
    check_request(NEW_SERVICE_FWMARK, msg(IpvsCmd::NewService, nest));
}

#[test]
fn new_service_fwmark_ipv6() {
    let nest = fwmark_nest(10, 2, "rr", 128);
    let mut svc = Service::new(ServiceKey::Fwmark {
        family: AddressFamily::Inet6,
        mark: 2,
    });
    svc.scheduler = "rr".into();
    assert_eq!(service_attrs(&svc), nest);
    check_request(NEW_SERVICE_FWMARK6, msg(IpvsCmd::NewService, nest));
}

#[test]
fn new_service_ipv6() {
    let nest = vec![
        ServiceAttr::AddressFamily(10),
        ServiceAttr::Protocol(6),
        ServiceAttr::Addr(v6_doc(1)),
        ServiceAttr::Port(443),
        ServiceAttr::SchedName("lc".into()),
        ServiceAttr::Flags {
            flags: 1,
            mask: u32::MAX,
        },
        ServiceAttr::Timeout(360),
        ServiceAttr::Netmask(128),
    ];
    let mut svc = Service::new(ServiceKey::Inet {
        protocol: Protocol::Tcp,
        addr: IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
        port: 443,
    });
    svc.scheduler = "lc".into();
    svc.flags = ServiceFlags(ServiceFlags::PERSISTENT);
    svc.timeout = 360;
    assert_eq!(service_attrs(&svc), nest);
    check_request(NEW_SERVICE_IPV6, msg(IpvsCmd::NewService, nest));
}

#[test]
fn del_service() {
    let nest = inet_nest(6, 80, "", 0, 0, u32::MAX);
    let mut svc = Service::new(tcp_80());
    svc.scheduler = String::new();
    assert_eq!(service_attrs(&svc), nest);
    check_request(DEL_SERVICE, msg(IpvsCmd::DelService, nest));
}

#[test]
fn del_service_fwmark() {
    let nest = fwmark_nest(2, 1, "", u32::MAX);
    check_request(DEL_SERVICE_FWMARK, msg(IpvsCmd::DelService, nest));
}

#[test]
fn get_service_dump() {
    check_request(
        GET_SERVICE_DUMP,
        IpvsMessage::new(IpvsCmd::GetService, vec![]),
    );
}

#[test]
fn get_service_one() {
    let nest = inet_nest(6, 80, "", 0, 0, 0);
    check_request(GET_SERVICE_ONE, msg(IpvsCmd::GetService, nest));
}

#[test]
fn service_reply_with_stats() {
    let mut nest =
        inet_nest(6, 80, "wlc", 3, 300, u32::from_ne_bytes([255, 255, 255, 0]));
    nest.push(ServiceAttr::Stats(vec![
        StatsAttr::Conns(3),
        StatsAttr::InPkts(3),
        StatsAttr::OutPkts(0),
        StatsAttr::InBytes(180),
        StatsAttr::OutBytes(0),
        StatsAttr::Cps(0),
        StatsAttr::InPps(0),
        StatsAttr::OutPps(0),
        StatsAttr::InBps(17),
        StatsAttr::OutBps(0),
    ]));
    nest.push(ServiceAttr::Stats64(vec![
        Stats64Attr::Conns(3),
        Stats64Attr::InPkts(3),
        Stats64Attr::OutPkts(0),
        Stats64Attr::InBytes(180),
        Stats64Attr::OutBytes(0),
        Stats64Attr::Cps(0),
        Stats64Attr::InPps(0),
        Stats64Attr::OutPps(0),
        Stats64Attr::InBps(17),
        Stats64Attr::OutBps(0),
    ]));
    let svc = service_from_attrs(&nest).unwrap();
    assert_eq!(svc.key, tcp_80());
    assert_eq!(svc.scheduler, "wlc");
    assert_eq!(svc.flags, ServiceFlags(3));
    assert_eq!(svc.timeout, 300);
    assert_eq!(svc.netmask_v4(), Ipv4Addr::new(255, 255, 255, 0));
    assert_eq!(svc.pe_name, None);
    assert_eq!(
        svc.stats,
        Stats {
            conns: 3,
            inpkts: 3,
            inbytes: 180,
            inbps: 17,
            ..Stats::default()
        }
    );
    check_reply(SERVICE_REPLY_STATS, msg(IpvsCmd::NewService, nest));
}

#[test]
fn key_attrs_are_the_identity_only() {
    assert_eq!(
        service_key_attrs(&tcp_80()),
        vec![
            ServiceAttr::AddressFamily(2),
            ServiceAttr::Protocol(6),
            ServiceAttr::Addr(v4(10, 0, 0, 1)),
            ServiceAttr::Port(80),
        ]
    );
}

#[test]
fn service_round_trips_through_attrs() {
    let mut svc = Service::new(ServiceKey::Fwmark {
        family: AddressFamily::Inet6,
        mark: 7,
    });
    svc.pe_name = Some("sip".into());
    svc.flags = ServiceFlags(ServiceFlags::PERSISTENT);
    svc.timeout = 60;
    assert_eq!(service_from_attrs(&service_attrs(&svc)).unwrap(), svc);
}

#[test]
fn service_flags_are_masked_and_stats64_preferred() {
    let mut nest = fwmark_nest(2, 1, "rr", u32::MAX);
    nest[3] = ServiceAttr::Flags {
        flags: 0x7,
        mask: 0x5,
    };
    nest.push(ServiceAttr::Stats(vec![StatsAttr::Conns(1)]));
    nest.push(ServiceAttr::Stats64(vec![Stats64Attr::Conns(1 << 40)]));
    let svc = service_from_attrs(&nest).unwrap();
    assert_eq!(svc.flags, ServiceFlags(0x5));
    assert_eq!(svc.stats.conns, 1 << 40);
}

#[test]
fn service_reply_requires_what_ipvsadm_requires() {
    let full = inet_nest(6, 80, "rr", 0, 0, u32::MAX);
    for i in 0..full.len() {
        let mut partial = full.clone();
        partial.remove(i);
        assert!(service_from_attrs(&partial).is_err(), "without #{i}");
    }
    let mut bad_af = full.clone();
    bad_af[0] = ServiceAttr::AddressFamily(99);
    assert!(service_from_attrs(&bad_af).is_err());
}
/// `ipvsadm -L -n`: the dump reply for `-f 2 -6 -s rr`.
pub(super) const SERVICE_REPLY_FWMARK6: &str = "
    01 01 00 00                                                # genl: cmd NEW_SERVICE, version 1
    10 01 01 00                                                # SERVICE nest, len 272
      06 00 01 00 0a 00 00 00                                  # AF
      08 00 05 00 02 00 00 00                                  # FWMARK
      07 00 06 00 72 72 00 00                                  # SCHED_NAME
      0c 00 07 00 02 00 00 00 ff ff ff ff                      # FLAGS
      08 00 08 00 00 00 00 00                                  # TIMEOUT
      08 00 09 00 80 00 00 00                                  # NETMASK
      5c 00 0a 00                                              # STATS nest, len 92
        08 00 01 00 00 00 00 00                                # CONNS
        08 00 02 00 00 00 00 00                                # INPKTS
        08 00 03 00 00 00 00 00                                # OUTPKTS
        0c 00 04 00 00 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        08 00 06 00 00 00 00 00                                # CPS
        08 00 07 00 00 00 00 00                                # INPPS
        08 00 08 00 00 00 00 00                                # OUTPPS
        08 00 09 00 00 00 00 00                                # INBPS
        08 00 0a 00 00 00 00 00                                # OUTBPS
      7c 00 0c 00                                              # STATS64 nest, len 124
        0c 00 01 00 00 00 00 00 00 00 00 00                    # CONNS
        0c 00 02 00 00 00 00 00 00 00 00 00                    # INPKTS
        0c 00 03 00 00 00 00 00 00 00 00 00                    # OUTPKTS
        0c 00 04 00 00 00 00 00 00 00 00 00                    # INBYTES
        0c 00 05 00 00 00 00 00 00 00 00 00                    # OUTBYTES
        0c 00 06 00 00 00 00 00 00 00 00 00                    # CPS
        0c 00 07 00 00 00 00 00 00 00 00 00                    # INPPS
        0c 00 08 00 00 00 00 00 00 00 00 00                    # OUTPPS
        0c 00 09 00 00 00 00 00 00 00 00 00                    # INBPS
        0c 00 0a 00 00 00 00 00 00 00 00 00                    # OUTBPS
";

#[test]
fn service_reply_fwmark_ipv6() {
    let mut nest = fwmark_nest(10, 2, "rr", 128);
    nest[3] = ServiceAttr::Flags {
        flags: 2,
        mask: u32::MAX,
    };
    nest.push(ServiceAttr::Stats(vec![
        StatsAttr::Conns(0),
        StatsAttr::InPkts(0),
        StatsAttr::OutPkts(0),
        StatsAttr::InBytes(0),
        StatsAttr::OutBytes(0),
        StatsAttr::Cps(0),
        StatsAttr::InPps(0),
        StatsAttr::OutPps(0),
        StatsAttr::InBps(0),
        StatsAttr::OutBps(0),
    ]));
    nest.push(ServiceAttr::Stats64(crate::ipvs::stats64_attrs(
        &Stats::default(),
    )));
    let svc = service_from_attrs(&nest).unwrap();
    assert_eq!(
        svc.key,
        ServiceKey::Fwmark {
            family: AddressFamily::Inet6,
            mark: 2
        }
    );
    assert_eq!(svc.netmask, 128);
    check_reply(SERVICE_REPLY_FWMARK6, msg(IpvsCmd::NewService, nest));
}
