//! How ipvsadm renders an address and port: numeric (`inet_ntop`) or as
//! host and service names (looked up by [`crate::resolver`]), cut to 59
//! bytes.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::digits::{push_decimal, push_ipv4};
use crate::model::Protocol;
use crate::resolver::{host_name, service_name};

/// ipvsadm composes `addr:port` in a 60-byte buffer with `snprintf`, so the
/// text keeps at most 59 bytes.
pub(crate) const ADDR_PORT_MAX: usize = 59;

/// `addr:port` as ipvsadm prints it (`addrport_to_anyname`).
///
/// IPv6 addresses are bracketed, also when a host name is printed. Without
/// `numeric` the host is the reverse-lookup name (`gethostbyaddr`) if there
/// is one and the port the services-database name for `protocol`; a
/// `protocol` of `None` (fwmark services) or `Other` keeps the port numeric.
/// The result is cut to [`ADDR_PORT_MAX`] bytes (at a character boundary).
pub(crate) fn format_addr_port(
    addr: &IpAddr,
    port: u16,
    protocol: Option<Protocol>,
    numeric: bool,
) -> String {
    let mut text = String::with_capacity(32);
    push_addr_port(&mut text, addr, port, protocol, numeric);
    text
}

/// Appends [`format_addr_port`]'s text to `buf`.
pub(crate) fn push_addr_port(
    buf: &mut String,
    addr: &IpAddr,
    port: u16,
    protocol: Option<Protocol>,
    numeric: bool,
) {
    let start = buf.len();
    let v6 = addr.is_ipv6();
    if v6 {
        buf.push('[');
    }
    let host = if numeric { None } else { host_name(addr) };
    match host {
        Some(name) => buf.push_str(&name),
        None => push_numeric_addr(buf, addr),
    }
    if v6 {
        buf.push(']');
    }
    buf.push(':');
    let service = match protocol {
        Some(p) if !numeric => service_name(port, p),
        _ => None,
    };
    match service {
        Some(name) => buf.push_str(&name),
        None => push_decimal(buf, u64::from(port)),
    }
    truncate_bytes(buf, start + ADDR_PORT_MAX);
}

/// Cuts `s` to at most `max` bytes, backing off to a character boundary.
pub(crate) fn truncate_bytes(s: &mut String, max: usize) {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
}

/// The address as glibc's `inet_ntop` writes it.
pub(crate) fn push_numeric_addr(buf: &mut String, addr: &IpAddr) {
    match addr {
        IpAddr::V4(a) => push_ipv4(buf, a),
        IpAddr::V6(a) => push_inet_ntop6(buf, a),
    }
}

/// glibc's `inet_ntop(AF_INET6, ...)`: the first longest run (at least two)
/// of zero groups becomes `::`; addresses whose first 96 bits are zero
/// (with a non-zero seventh group) or that are IPv4-mapped end in dotted
/// IPv4. This differs from Rust's `Display` for e.g. `::1.2.3.4`.
pub(crate) fn push_inet_ntop6(buf: &mut String, addr: &Ipv6Addr) {
    let words = addr.segments();
    let (mut best_base, mut best_len) = (None::<usize>, 0usize);
    let (mut cur_base, mut cur_len) = (None::<usize>, 0usize);
    for (i, &w) in words.iter().enumerate() {
        if w == 0 {
            if cur_base.is_none() {
                cur_base = Some(i);
                cur_len = 1;
            } else {
                cur_len += 1;
            }
        } else if cur_base.is_some() {
            if best_base.is_none() || cur_len > best_len {
                best_base = cur_base;
                best_len = cur_len;
            }
            cur_base = None;
        }
    }
    if cur_base.is_some() && (best_base.is_none() || cur_len > best_len) {
        best_base = cur_base;
        best_len = cur_len;
    }
    if best_len < 2 {
        best_base = None;
    }
    let in_run =
        |i: usize| best_base.is_some_and(|b| i >= b && i < b + best_len);
    for (i, &w) in words.iter().enumerate() {
        if in_run(i) {
            if best_base == Some(i) {
                buf.push(':');
            }
            continue;
        }
        if i != 0 {
            buf.push(':');
        }
        if i == 6
            && best_base == Some(0)
            && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))
        {
            let o = addr.octets();
            let v4 = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
            let _ = write!(buf, "{v4}");
            return;
        }
        let _ = write!(buf, "{w:x}");
    }
    if best_base.is_some_and(|b| b + best_len == 8) {
        buf.push(':');
    }
}
