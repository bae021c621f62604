//! Hostile datagrams at the socket level: the walk over the messages of
//! one datagram given wrong lengths, truncations and misalignment must end
//! with an error or skip, never loop or panic.

use netlink_packet_core::NetlinkPayload;
use netlink_packet_generic::GenlMessage;

use super::{
    MAX_WINDOW, NetlinkError, NlResult, SOCKET_RCVBUF, datagram_messages,
    window_for,
};
use crate::ipvs::IpvsMessage;
use std::io;

const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

/// A netlink header claiming `len` bytes, then `body`.
fn message(len: u32, kind: u16, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(&len.to_le_bytes());
    m.extend_from_slice(&kind.to_le_bytes());
    m.extend_from_slice(&0u16.to_le_bytes());
    m.extend_from_slice(&seq.to_le_bytes());
    m.extend_from_slice(&0u32.to_le_bytes());
    m.extend_from_slice(body);
    m
}

/// A well-formed end-of-dump message.
fn done(seq: u32) -> Vec<u8> {
    message(20, NLMSG_DONE, seq, &0i32.to_le_bytes())
}

/// What the walk yields: the sequence number of each message, or `None`
/// for an error. At most 100 items, so a runaway walk shows.
fn walk(datagram: &[u8]) -> Vec<Option<u32>> {
    datagram_messages::<GenlMessage<IpvsMessage>>(datagram)
        .take(100)
        .map(|item: NlResult<_>| item.ok().map(|(h, _)| h.sequence_number))
        .collect()
}

#[test]
fn well_formed_messages_are_walked_in_order() {
    let d = [done(1), done(2), done(3)].concat();
    assert_eq!(walk(&d), vec![Some(1), Some(2), Some(3)]);
    assert!(walk(&[]).is_empty());
}

#[test]
fn a_zero_length_message_is_an_error_and_ends_the_walk() {
    let d = [message(0, NLMSG_DONE, 1, &[0; 4]), done(2)].concat();
    assert_eq!(walk(&d), vec![None]);
}

#[test]
fn a_length_shorter_than_a_header_is_an_error() {
    for len in 1..16 {
        let d = [message(len, NLMSG_DONE, 1, &[0; 4]), done(2)].concat();
        assert_eq!(walk(&d), vec![None], "nlmsg_len {len}");
    }
}

#[test]
fn a_length_beyond_the_datagram_is_an_error() {
    let d = [done(1), message(4096, NLMSG_DONE, 2, &[0; 4])].concat();
    assert_eq!(walk(&d), vec![Some(1), None]);
    let d = message(u32::MAX, NLMSG_DONE, 1, &[0; 4]);
    assert_eq!(walk(&d), vec![None]);
}

#[test]
fn a_truncated_header_is_an_error() {
    let d = done(1);
    for cut in 1..16 {
        assert_eq!(walk(&d[..cut]), vec![None], "{cut} bytes");
    }
}

#[test]
fn a_misaligned_length_is_rounded_up_to_the_next_message() {
    // 21 bytes used, 3 of padding, then the next message.
    let first = message(21, NLMSG_DONE, 1, &[0; 8]);
    let d = [first, done(2)].concat();
    assert_eq!(walk(&d), vec![Some(1), Some(2)]);
}

#[test]
fn a_padded_last_message_ends_the_walk_cleanly() {
    // The rounded-up length runs past the datagram's end.
    let d = [done(1), message(21, NLMSG_DONE, 2, &[0; 5])].concat();
    assert_eq!(walk(&d), vec![Some(1), Some(2)]);
}

#[test]
fn garbage_after_a_message_is_an_error() {
    let d = [done(1), vec![0xff; 7]].concat();
    assert_eq!(walk(&d), vec![Some(1), None]);
}

#[test]
fn an_error_reply_carries_the_errno() {
    // NLMSG_ERROR with -ENOENT and the echoed request header.
    let mut body = (-2i32).to_le_bytes().to_vec();
    body.extend_from_slice(&message(16, 0x20, 7, &[]));
    let d = message(36, NLMSG_ERROR, 7, &body);
    let items: Vec<_> =
        datagram_messages::<GenlMessage<IpvsMessage>>(&d).collect();
    assert_eq!(items.len(), 1);
    match &items[0] {
        Ok((_, NetlinkPayload::Error(e))) => {
            assert_eq!(e.code.map(|c| c.get()), Some(-2));
        }
        other => panic!("expected an error reply, got {other:?}"),
    }
}

#[test]
fn a_genl_message_too_short_for_its_header_is_an_error() {
    let d = message(18, 0x20, 1, &[1, 1, 0, 0]);
    assert_eq!(walk(&d), vec![None]);
}

#[test]
fn window_fits_the_receive_buffer() {
    // The forced 4 MiB buffer (the kernel doubles it) takes full windows.
    assert_eq!(window_for(2 * SOCKET_RCVBUF), MAX_WINDOW);
    // Without CAP_NET_ADMIN: Debian's default rmem_max, doubled.
    assert_eq!(window_for(2 * 212_992), 208);
    assert_eq!(window_for(0), 1);
}

#[test]
fn dropped_acknowledgements_are_reported_as_enobufs() {
    let e = NetlinkError::Io(io::Error::from_raw_os_error(libc::ENOBUFS));
    assert_eq!(e.errno(), libc::ENOBUFS);
    let other = NetlinkError::Io(io::Error::from_raw_os_error(libc::EIO));
    assert_eq!(other.errno(), libc::EINVAL);
}

/// The request writer against netlink-packet's generic ones: the headers
/// as `NetlinkMessage` serialises them, and the attributes as the generic
/// `Emitable` of the attribute enums writes them, for every kind of nest
/// and for a nest too long for a netlink length.
#[test]
fn requests_are_encoded_as_the_generic_encoder_does() {
    use super::{append_ipvs_request, append_request};
    use crate::ipvs::{DaemonAttr, DestAttr, IpvsAttr, IpvsCmd, ServiceAttr};
    use netlink_packet_core::{Emitable, NLM_F_ACK, NLM_F_DUMP};

    let service = |sched: String| {
        IpvsAttr::Service(vec![
            ServiceAttr::AddressFamily(2),
            ServiceAttr::Protocol(6),
            ServiceAttr::Addr([
                10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ]),
            ServiceAttr::Port(80),
            ServiceAttr::SchedName(sched),
            ServiceAttr::Flags { flags: 1, mask: !0 },
            ServiceAttr::Timeout(300),
            ServiceAttr::Netmask(!0),
        ])
    };
    let messages = [
        (
            IpvsMessage::new(IpvsCmd::NewService, vec![service("wlc".into())]),
            0,
        ),
        (
            IpvsMessage::new(
                IpvsCmd::NewDest,
                vec![
                    service("rr".into()),
                    IpvsAttr::Dest(vec![
                        DestAttr::Addr([
                            192, 168, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        ]),
                        DestAttr::Port(8080),
                        DestAttr::FwdMethod(0),
                        DestAttr::Weight(-1),
                        DestAttr::TunType(1),
                    ]),
                ],
            ),
            NLM_F_ACK,
        ),
        (
            IpvsMessage::new(IpvsCmd::GetDest, vec![service("sh".into())]),
            NLM_F_DUMP,
        ),
        (
            IpvsMessage::new(
                IpvsCmd::NewDaemon,
                vec![IpvsAttr::Daemon(vec![
                    DaemonAttr::State(1),
                    DaemonAttr::McastIfn(b"eth0".to_vec()),
                    DaemonAttr::McastTtl(3),
                ])],
            ),
            NLM_F_ACK,
        ),
        (
            IpvsMessage::new(
                IpvsCmd::SetConfig,
                vec![IpvsAttr::TimeoutTcp(900), IpvsAttr::TimeoutUdp(5)],
            ),
            NLM_F_ACK,
        ),
        (IpvsMessage::new(IpvsCmd::Flush, vec![]), NLM_F_ACK),
        // A 70,000-byte scheduler name overflows the nest's 16-bit length.
        (
            IpvsMessage::new(
                IpvsCmd::NewService,
                vec![service("x".repeat(70_000))],
            ),
            NLM_F_ACK,
        ),
    ];
    for (i, (msg, flags)) in messages.into_iter().enumerate() {
        let seq = 40 + i as u32;
        let mut ours = vec![0xee];
        append_ipvs_request(&mut ours, &msg, 0x1f, seq, flags);
        let attrs = msg.attributes.as_slice();
        let mut generic_attrs = vec![0; attrs.buffer_len()];
        attrs.emit(&mut generic_attrs);
        assert_eq!(ours[21..], generic_attrs, "message {i}");
        let mut generic = vec![0xee];
        append_request(
            &mut generic,
            GenlMessage::from_payload(msg),
            0x1f,
            seq,
            flags,
        );
        assert_eq!(ours, generic, "message {i}");
    }
}
