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
/// emitted through `GenlMessage` gives the captured bytes again.
pub(super) fn check_request(fixture: &str, expected: IpvsMessage) {
    let raw = hex(fixture);
    assert_eq!(parse(&raw), expected);
    let genl = GenlMessage::from_payload(expected);
    let mut buf = vec![0xaa; genl.buffer_len()];
    genl.emit(&mut buf);
    assert_eq!(buf, raw);
    let mut appended = raw[..4].to_vec();
    genl.payload.append_attributes(&mut appended);
    assert_eq!(appended, raw, "the one-pass encoder differs");
}

/// A reply (kernel → ipvsadm): parses to `expected`, and `expected`
/// emitted in the kernel's style (unflagged nests) gives the bytes again.
pub(super) fn check_reply(fixture: &str, expected: IpvsMessage) {
    let raw = hex(fixture);
    assert_eq!(parse(&raw), expected);
    let header = GenlHeader {
        cmd: expected.cmd.into(),
        version: IPVS_GENL_VERSION,
    };
    let mut buf = vec![0xaa; 4 + expected.buffer_len()];
    header.emit(&mut buf);
    expected.emit_kernel_style(&mut buf[4..]);
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
