//! Forward lookups and address parsing, as ipvsadm does them when it reads
//! its command line: `gethostbyname` (IPv4 only, first address),
//! `getservbyname` and `inet_pton`, all through the C library.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Mutex;

/// `gethostbyname` and `getservbyname` answer in one static buffer each:
/// a lookup holds this from the call until its answer is read, so that
/// threads (the unit tests run in several) cannot overwrite each other's.
static LOOKUP: Mutex<()> = Mutex::new(());

unsafe extern "C" {
    fn gethostbyname(name: *const c_char) -> *mut libc::hostent;
    fn inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int;
}

/// `f` called with `text` as a C string; `None` when `text` holds a NUL
/// (C would see a shorter string). Short texts, every address and most
/// names, are made C strings on the stack.
fn with_c_string<T>(
    text: &[u8],
    f: impl FnOnce(&CStr) -> Option<T>,
) -> Option<T> {
    const ON_STACK: usize = 64;
    if text.len() < ON_STACK {
        let mut buf = [0u8; ON_STACK];
        buf[..text.len()].copy_from_slice(text);
        f(CStr::from_bytes_with_nul(&buf[..=text.len()]).ok()?)
    } else {
        f(&CString::new(text).ok()?)
    }
}

/// ipvsadm's `host_to_addr`: the first IPv4 address of a host name.
pub(crate) fn host_to_ipv4(name: &[u8]) -> Option<Ipv4Addr> {
    with_c_string(name, host_to_ipv4_c)
}

fn host_to_ipv4_c(name: &CStr) -> Option<Ipv4Addr> {
    let _lookup = LOOKUP.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: `name` is a valid NUL-terminated string that outlives the
    // call; the returned pointer is either null or points to glibc's
    // static hostent, which we only read before any further lookup.
    let host = unsafe { gethostbyname(name.as_ptr()) };
    if host.is_null() {
        return None;
    }
    // SAFETY: `host` is non-null and points to a valid hostent.
    let host = unsafe { &*host };
    if host.h_addrtype != libc::AF_INET || host.h_length != 4 {
        return None;
    }
    if host.h_addr_list.is_null() {
        return None;
    }
    // SAFETY: h_addr_list is a non-null, null-terminated array.
    let first = unsafe { *host.h_addr_list };
    if first.is_null() {
        return None;
    }
    let mut octets = [0u8; 4];
    // SAFETY: h_length is 4, so the first entry points to 4 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(
            first.cast::<u8>(),
            octets.as_mut_ptr(),
            4,
        );
    }
    Some(Ipv4Addr::from(octets))
}

/// ipvsadm's `service_to_port` for one protocol name (`"tcp"`, `"udp"`,
/// `"sctp"`).
pub(crate) fn service_port(name: &[u8], proto: &CStr) -> Option<u16> {
    with_c_string(name, |name| service_port_c(name, proto))
}

fn service_port_c(name: &CStr, proto: &CStr) -> Option<u16> {
    let _lookup = LOOKUP.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: both strings are valid and NUL-terminated for the call; the
    // result is null or glibc's static servent, read immediately.
    let entry = unsafe { libc::getservbyname(name.as_ptr(), proto.as_ptr()) };
    if entry.is_null() {
        return None;
    }
    // SAFETY: `entry` is non-null and points to a valid servent.
    let port = unsafe { (*entry).s_port };
    // s_port holds the port in network byte order in its low 16 bits.
    Some(u16::from_be(port as u16))
}

fn pton<const N: usize>(af: c_int, text: &[u8]) -> Option<[u8; N]> {
    with_c_string(text, |text| pton_c(af, text))
}

fn pton_c<const N: usize>(af: c_int, text: &CStr) -> Option<[u8; N]> {
    let mut buf = [0u8; N];
    // SAFETY: `text` is NUL-terminated and `buf` is large enough for the
    // address family (4 bytes for AF_INET, 16 for AF_INET6).
    let rc = unsafe {
        inet_pton(af, text.as_ptr(), buf.as_mut_ptr().cast::<c_void>())
    };
    (rc > 0).then_some(buf)
}

/// `inet_pton(AF_INET6, ...)`. Every form it accepts has at least two
/// colons (`::` at the least): other texts, such as the `host:port` of
/// every IPv4 service, are refused without the call.
pub(crate) fn parse_ipv6(text: &[u8]) -> Option<Ipv6Addr> {
    if text.iter().filter(|&&b| b == b':').count() < 2 {
        return None;
    }
    pton::<16>(libc::AF_INET6, text).map(Ipv6Addr::from)
}

/// `inet_pton(AF_INET, ...)`: strict dotted quad.
pub(crate) fn parse_ipv4_strict(text: &[u8]) -> Option<Ipv4Addr> {
    pton::<4>(libc::AF_INET, text).map(Ipv4Addr::from)
}
