//! How ipvsadm renders an address and port: numeric (`inet_ntop`) or as
//! host and service names from the C library's databases, cut to 59 bytes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::digits::{push_decimal, push_ipv4};
use crate::model::Protocol;

/// ipvsadm composes `addr:port` in a 60-byte buffer with `snprintf`, so the
/// text keeps at most 59 bytes.
pub const ADDR_PORT_MAX: usize = 59;

/// `addr:port` as ipvsadm prints it (`addrport_to_anyname`).
///
/// IPv6 addresses are bracketed, also when a host name is printed. Without
/// `numeric` the host is the reverse-lookup name (`gethostbyaddr`) if there
/// is one and the port the services-database name for `protocol`; a
/// `protocol` of `None` (fwmark services) or `Other` keeps the port numeric.
/// The result is cut to [`ADDR_PORT_MAX`] bytes (at a character boundary).
pub fn format_addr_port(
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
pub fn push_addr_port(
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
pub fn push_numeric_addr(buf: &mut String, addr: &IpAddr) {
    match addr {
        IpAddr::V4(a) => push_ipv4(buf, a),
        IpAddr::V6(a) => push_inet_ntop6(buf, a),
    }
}

/// glibc's `inet_ntop(AF_INET6, ...)`: the first longest run (at least two)
/// of zero groups becomes `::`; addresses whose first 96 bits are zero
/// (with a non-zero seventh group) or that are IPv4-mapped end in dotted
/// IPv4. This differs from Rust's `Display` for e.g. `::1.2.3.4`.
pub fn push_inet_ntop6(buf: &mut String, addr: &Ipv6Addr) {
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

thread_local! {
    static HOSTS: RefCell<HashMap<IpAddr, Option<String>>> =
        RefCell::new(HashMap::new());
    static SERVICES: RefCell<HashMap<(u16, Protocol), Option<String>>> =
        RefCell::new(HashMap::new());
}

/// Reverse-lookup name of an address (cached per thread).
pub fn host_name(addr: &IpAddr) -> Option<String> {
    if let Some(hit) = HOSTS.with(|c| c.borrow().get(addr).cloned()) {
        return hit;
    }
    let name = lookup_host(addr);
    HOSTS.with(|c| c.borrow_mut().insert(*addr, name.clone()));
    name
}

/// Pretends a reverse lookup of `addr` gave `name` (tests only).
#[cfg(test)]
pub(crate) fn seed_host_name(addr: IpAddr, name: Option<&str>) {
    HOSTS.with(|c| c.borrow_mut().insert(addr, name.map(str::to_string)));
}

/// Services-database name of a port for a protocol (cached per thread).
/// Only TCP, UDP and SCTP are looked up, as in ipvsadm.
pub fn service_name(port: u16, protocol: Protocol) -> Option<String> {
    let proto: &CStr = match protocol {
        Protocol::Tcp => c"tcp",
        Protocol::Udp => c"udp",
        Protocol::Sctp => c"sctp",
        Protocol::Other(_) => return None,
    };
    let key = (port, protocol);
    if let Some(hit) = SERVICES.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    let name = lookup_service(port, proto);
    SERVICES.with(|c| c.borrow_mut().insert(key, name.clone()));
    name
}

unsafe extern "C" {
    // glibc: int gethostbyaddr_r(const void *addr, socklen_t len, int type,
    //   struct hostent *ret, char *buf, size_t buflen,
    //   struct hostent **result, int *h_errnop);
    fn gethostbyaddr_r(
        addr: *const c_void,
        len: libc::socklen_t,
        family: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;

    // glibc: int getservbyport_r(int port, const char *proto,
    //   struct servent *result_buf, char *buf, size_t buflen,
    //   struct servent **result);
    fn getservbyport_r(
        port: c_int,
        proto: *const c_char,
        result_buf: *mut libc::servent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> c_int;
}

/// Largest scratch buffer tried for the reentrant lookups.
const MAX_LOOKUP_BUF: usize = 1 << 20;

fn lookup_host(addr: &IpAddr) -> Option<String> {
    let (bytes, family): (Vec<u8>, c_int) = match addr {
        IpAddr::V4(a) => (a.octets().to_vec(), libc::AF_INET),
        IpAddr::V6(a) => (a.octets().to_vec(), libc::AF_INET6),
    };
    let mut size = 1024;
    while size <= MAX_LOOKUP_BUF {
        let mut buf = vec![0 as c_char; size];
        // SAFETY: hostent is a plain C struct for which all-zero (null
        // pointers) is a valid value.
        let mut host: libc::hostent = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::hostent = std::ptr::null_mut();
        let mut herr: c_int = 0;
        // SAFETY: every pointer refers to live, writable storage of the
        // advertised size for the duration of the call; `bytes` holds an
        // address of the length passed for `family`.
        let rc = unsafe {
            gethostbyaddr_r(
                bytes.as_ptr().cast(),
                bytes.len() as libc::socklen_t,
                family,
                &mut host,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
                &mut herr,
            )
        };
        if rc == libc::ERANGE {
            size *= 4;
            continue;
        }
        if rc != 0 || result.is_null() || host.h_name.is_null() {
            return None;
        }
        // SAFETY: on success h_name points to a NUL-terminated string
        // inside `buf`, which is still alive.
        let name = unsafe { CStr::from_ptr(host.h_name) };
        return Some(name.to_string_lossy().into_owned());
    }
    None
}

fn lookup_service(port: u16, proto: &CStr) -> Option<String> {
    let mut size = 1024;
    while size <= MAX_LOOKUP_BUF {
        let mut buf = vec![0 as c_char; size];
        // SAFETY: servent is a plain C struct for which all-zero (null
        // pointers) is a valid value.
        let mut serv: libc::servent = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::servent = std::ptr::null_mut();
        // SAFETY: all pointers refer to live, writable storage of the
        // advertised size; `proto` is NUL-terminated. The port is passed
        // in network byte order as getservbyport expects.
        let rc = unsafe {
            getservbyport_r(
                c_int::from(port.to_be()),
                proto.as_ptr(),
                &mut serv,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE {
            size *= 4;
            continue;
        }
        if rc != 0 || result.is_null() || serv.s_name.is_null() {
            return None;
        }
        // SAFETY: on success s_name points to a NUL-terminated string
        // inside `buf`, which is still alive.
        let name = unsafe { CStr::from_ptr(serv.s_name) };
        return Some(name.to_string_lossy().into_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ntop6(s: &str) -> String {
        let mut out = String::new();
        push_inet_ntop6(&mut out, &s.parse().unwrap());
        out
    }

    #[test]
    fn ipv6_like_glibc() {
        assert_eq!(ntop6("2001:db8::1"), "2001:db8::1");
        assert_eq!(ntop6("::"), "::");
        assert_eq!(ntop6("::1"), "::1");
        assert_eq!(ntop6("1::"), "1::");
        assert_eq!(ntop6("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(ntop6("::1.2.3.4"), "::1.2.3.4");
        assert_eq!(ntop6("1:0:1:0:0:1:0:0"), "1:0:1::1:0:0");
        assert_eq!(ntop6("1:0:0:1:0:0:1:1"), "1::1:0:0:1:1");
        assert_eq!(ntop6("1:2:3:4:5:6:0:8"), "1:2:3:4:5:6:0:8");
        assert_eq!(ntop6("ff02::1:81"), "ff02::1:81");
    }

    #[test]
    fn numeric_forms() {
        let v4: IpAddr = "10.0.0.1".parse().unwrap();
        let v6: IpAddr = "2001:db8::10".parse().unwrap();
        assert_eq!(
            format_addr_port(&v4, 80, Some(Protocol::Tcp), true),
            "10.0.0.1:80"
        );
        assert_eq!(
            format_addr_port(&v6, 5353, Some(Protocol::Udp), true),
            "[2001:db8::10]:5353"
        );
    }

    #[test]
    fn service_names_only_for_known_protocols() {
        // /etc/services on Debian maps 80/tcp to http.
        let v4: IpAddr = "127.0.0.1".parse().unwrap();
        let with_name = format_addr_port(&v4, 80, Some(Protocol::Tcp), false);
        assert!(with_name.ends_with(":http"), "{with_name}");
        let fwm = format_addr_port(&v4, 80, None, false);
        assert!(fwm.ends_with(":80"), "{fwm}");
        let other = format_addr_port(&v4, 80, Some(Protocol::Other(0)), false);
        assert!(other.ends_with(":80"), "{other}");
    }

    #[test]
    fn truncation_at_59_bytes() {
        let mut s = "x".repeat(70);
        truncate_bytes(&mut s, ADDR_PORT_MAX);
        assert_eq!(s.len(), 59);
        let mut multi = "é".repeat(40);
        truncate_bytes(&mut multi, 59);
        assert_eq!(multi.len(), 58);
    }
}
