//! Byte fixtures captured from Debian 12's kernel (6.1) talking to
//! Debian's ipvsadm 1.31 (tools/capture-fixtures.sh, nlmon). Each fixture
//! is a genl payload: the bytes after the 16-byte `nlmsghdr`, starting
//! with the 4-byte genl header. Every test parses the bytes and compares
//! with a hand-built value, then emits that value and compares the bytes.

mod config;
mod daemon;
mod dest;
mod hostile;
mod service;

use netlink_packet_core::{Emitable, ParseableParametrized};
use netlink_packet_generic::{GenlHeader, GenlMessage};

use super::{IPVS_GENL_VERSION, IpvsMessage};

/// Hex bytes separated by whitespace; `#` starts a comment to end of line.
pub(super) fn hex(s: &str) -> Vec<u8> {
    s.lines()
        .flat_map(|l| l.split('#').next().unwrap_or("").split_whitespace())
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// Parses a genl payload (header + attributes).
pub(super) fn parse(raw: &[u8]) -> IpvsMessage {
    let header = GenlHeader::parse(raw).unwrap();
    assert_eq!(header.version, IPVS_GENL_VERSION);
    let msg = IpvsMessage::parse_with_param(&raw[4..], header).unwrap();
    assert_eq!(u8::from(msg.cmd), header.cmd);
    msg
}

/// A request (ipvsadm → kernel): parses to `expected`, and `expected`
/// encoded as requests are sent gives the captured bytes again, as does
/// netlink-packet's generic writer of the attribute enums.
pub(super) fn check_request(fixture: &str, expected: IpvsMessage) {
    let raw = hex(fixture);
    assert_eq!(parse(&raw), expected);
    let mut appended = raw[..4].to_vec();
    expected.append_attributes(&mut appended);
    assert_eq!(appended, raw, "the request encoder differs");
    let genl = GenlMessage::from_payload(expected.clone());
    let mut buf = vec![0xaa; genl.buffer_len()];
    genl.emit(&mut buf);
    assert_eq!(buf, raw);
    let attrs = expected.attributes.as_slice();
    let mut generic = vec![0xaa; attrs.buffer_len()];
    attrs.emit(&mut generic);
    assert_eq!(generic, raw[4..], "the generic writer differs");
}

/// A reply (kernel → ipvsadm): parses to `expected`, and `expected`
/// encoded in the kernel's style (unflagged nests) gives the bytes again.
pub(super) fn check_reply(fixture: &str, expected: IpvsMessage) {
    let raw = hex(fixture);
    assert_eq!(parse(&raw), expected);
    let mut buf = vec![u8::from(expected.cmd), IPVS_GENL_VERSION, 0, 0];
    expected.append_kernel_style(&mut buf);
    assert_eq!(buf, raw);
}

/// `union nf_inet_addr` of an IPv4 address.
pub(super) fn v4(a: u8, b: u8, c: u8, d: u8) -> [u8; 16] {
    let mut raw = [0u8; 16];
    raw[..4].copy_from_slice(&[a, b, c, d]);
    raw
}

/// `union nf_inet_addr` of 2001:db8::`last`.
pub(super) fn v6_doc(last: u8) -> [u8; 16] {
    let mut raw = [0u8; 16];
    raw[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    raw[15] = last;
    raw
}
