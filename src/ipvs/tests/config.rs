//! Timeouts (SET/GET_CONFIG), GET_INFO, ZERO and FLUSH.

use netlink_packet_core::ParseableParametrized;
use netlink_packet_generic::GenlHeader;

use super::{check_reply, check_request, hex, parse, v4};
use crate::ipvs::{
    IpvsAttr, IpvsCmd, IpvsMessage, ServiceAttr, info_from_attrs,
    timeouts_attrs, timeouts_from_attrs,
};
use crate::model::{Info, Timeouts};

/// `ipvsadm --set 900 120 300`
pub(super) const SET_CONFIG: &str = "
    0c 01 00 00                                                # genl: cmd SET_CONFIG, version 1
    08 00 04 00 84 03 00 00                                    # TIMEOUT_TCP
    08 00 05 00 78 00 00 00                                    # TIMEOUT_TCP_FIN
    08 00 06 00 2c 01 00 00                                    # TIMEOUT_UDP
";

/// `ipvsadm -L --timeout`
pub(super) const GET_CONFIG: &str = "
    0d 01 00 00                                                # genl: cmd GET_CONFIG, version 1
";

/// `ipvsadm -L --timeout`: the reply (command SET_CONFIG).
pub(super) const CONFIG_REPLY: &str = "
    0c 01 00 00                                                # genl: cmd SET_CONFIG, version 1
    08 00 04 00 84 03 00 00                                    # TIMEOUT_TCP
    08 00 05 00 78 00 00 00                                    # TIMEOUT_TCP_FIN
    08 00 06 00 2c 01 00 00                                    # TIMEOUT_UDP
";

/// `ipvsadm -Z`
pub(super) const ZERO_ALL: &str = "
    10 01 00 00                                                # genl: cmd ZERO, version 1
";

/// `ipvsadm -Z -t 10.0.0.1:80`
pub(super) const ZERO_ONE: &str = "
    10 01 00 00                                                # genl: cmd ZERO, version 1
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

/// `ipvsadm -C`
pub(super) const FLUSH: &str = "
    11 01 00 00                                                # genl: cmd FLUSH, version 1
";

/// Start-up of every ipvsadm command (here `ipvsadm -C`).
pub(super) const GET_INFO: &str = "
    0f 01 00 00                                                # genl: cmd GET_INFO, version 1
";

/// The reply to GET_INFO (command SET_INFO): version 1.2.1, 4096 entries.
pub(super) const INFO_REPLY: &str = "
    0e 01 00 00                                                # genl: cmd SET_INFO, version 1
    08 00 01 00 01 02 01 00                                    # INFO_VERSION
    08 00 02 00 00 10 00 00                                    # INFO_CONN_TAB_SIZE
";

fn timeouts() -> Timeouts {
    Timeouts {
        tcp: 900,
        tcp_fin: 120,
        udp: 300,
    }
}

fn timeout_attrs() -> Vec<IpvsAttr> {
    vec![
        IpvsAttr::TimeoutTcp(900),
        IpvsAttr::TimeoutTcpFin(120),
        IpvsAttr::TimeoutUdp(300),
    ]
}

#[test]
fn set_config() {
    assert_eq!(timeouts_attrs(&timeouts()), timeout_attrs());
    check_request(
        SET_CONFIG,
        IpvsMessage::new(IpvsCmd::SetConfig, timeout_attrs()),
    );
}

#[test]
fn get_config() {
    check_request(GET_CONFIG, IpvsMessage::new(IpvsCmd::GetConfig, vec![]));
}

#[test]
fn config_reply() {
    let reply = IpvsMessage::new(IpvsCmd::SetConfig, timeout_attrs());
    assert_eq!(timeouts_from_attrs(&reply.attributes), timeouts());
    check_reply(CONFIG_REPLY, reply);
}

#[test]
fn get_info() {
    check_request(GET_INFO, IpvsMessage::new(IpvsCmd::GetInfo, vec![]));
}

#[test]
fn info_reply_uses_the_info_attribute_space() {
    let reply = IpvsMessage::new(
        IpvsCmd::SetInfo,
        vec![
            IpvsAttr::InfoVersion(0x010201),
            IpvsAttr::InfoConnTabSize(4096),
        ],
    );
    let info = info_from_attrs(&reply.attributes).unwrap();
    assert_eq!(
        info,
        Info {
            version: 0x010201,
            conn_tab_size: 4096
        }
    );
    assert_eq!(info.version_parts(), (1, 2, 1));
    check_reply(INFO_REPLY, reply);
}

#[test]
fn info_needs_both_attributes() {
    assert!(info_from_attrs(&[IpvsAttr::InfoVersion(1)]).is_err());
    assert!(info_from_attrs(&[IpvsAttr::InfoConnTabSize(1)]).is_err());
}

#[test]
fn same_bytes_parse_by_command() {
    // Read in the command space, the info reply's attribute 1 would be a
    // service nest, and its value (0x00010201) is no valid nested list.
    let raw = super::hex(INFO_REPLY);
    let header = GenlHeader {
        cmd: IpvsCmd::SetConfig.into(),
        version: 1,
    };
    assert!(IpvsMessage::parse_with_param(&raw[4..], header).is_err());
    assert_eq!(parse(&raw).cmd, IpvsCmd::SetInfo);
}

#[test]
fn zero_all() {
    check_request(ZERO_ALL, IpvsMessage::new(IpvsCmd::Zero, vec![]));
}

#[test]
fn zero_one() {
    let nest = vec![
        ServiceAttr::AddressFamily(2),
        ServiceAttr::Protocol(6),
        ServiceAttr::Addr(v4(10, 0, 0, 1)),
        ServiceAttr::Port(80),
        ServiceAttr::SchedName(String::new()),
        ServiceAttr::Flags {
            flags: 0,
            mask: u32::MAX,
        },
        ServiceAttr::Timeout(0),
        ServiceAttr::Netmask(u32::MAX),
    ];
    check_request(
        ZERO_ONE,
        IpvsMessage::new(IpvsCmd::Zero, vec![IpvsAttr::Service(nest)]),
    );
}

#[test]
fn flush() {
    check_request(FLUSH, IpvsMessage::new(IpvsCmd::Flush, vec![]));
}

#[test]
fn whole_netlink_message_round_trip() {
    use netlink_packet_core::{
        NLM_F_ACK, NLM_F_REQUEST, NetlinkMessage, NetlinkPayload,
    };
    use netlink_packet_generic::GenlMessage;

    let mut genl = GenlMessage::from_payload(IpvsMessage::new(
        IpvsCmd::SetConfig,
        timeout_attrs(),
    ));
    genl.set_resolved_family_id(0x20);
    let mut nl = NetlinkMessage::from(genl);
    nl.header.flags = NLM_F_REQUEST | NLM_F_ACK;
    nl.header.sequence_number = 7;
    nl.finalize();
    let mut buf = vec![0; nl.buffer_len()];
    nl.serialize(&mut buf);
    // nlmsghdr: length 44, type 0x20, flags REQUEST|ACK, seq 7, port 0.
    assert_eq!(
        &buf[..16],
        &hex("2c 00 00 00 20 00 05 00 07 00 00 00 00 00 00 00")[..]
    );
    assert_eq!(&buf[16..], &super::hex(SET_CONFIG)[..]);
    let back =
        NetlinkMessage::<GenlMessage<IpvsMessage>>::deserialize(&buf).unwrap();
    let NetlinkPayload::InnerMessage(genl) = back.payload else {
        panic!("not an inner message");
    };
    assert_eq!(genl.payload.attributes, timeout_attrs());
}
