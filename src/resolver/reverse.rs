//! Reverse lookups, as ipvsadm's listings do them: an address to its host
//! name (`gethostbyaddr`) and a port to its services-database name
//! (`getservbyport`), through the C library's reentrant variants and
//! cached per thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::net::IpAddr;

use crate::model::Protocol;

thread_local! {
    static HOSTS: RefCell<HashMap<IpAddr, Option<String>>> =
        RefCell::new(HashMap::new());
    static SERVICES: RefCell<HashMap<(u16, Protocol), Option<String>>> =
        RefCell::new(HashMap::new());
}

/// Reverse-lookup name of an address (cached per thread).
pub(crate) fn host_name(addr: &IpAddr) -> Option<String> {
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
pub(crate) fn service_name(port: u16, protocol: Protocol) -> Option<String> {
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

/// Runs a reentrant lookup with scratch buffers of growing size while it
/// answers `ERANGE`. `call` gets the buffer and returns the C library's
/// return code and the name it found: null, or a NUL-terminated string
/// inside that buffer.
fn lookup_with_scratch(
    mut call: impl FnMut(&mut [c_char]) -> (c_int, *const c_char),
) -> Option<String> {
    let mut size = 1024;
    while size <= MAX_LOOKUP_BUF {
        let mut buf = vec![0 as c_char; size];
        let (rc, name) = call(&mut buf);
        if rc == libc::ERANGE {
            size *= 4;
            continue;
        }
        if rc != 0 || name.is_null() {
            return None;
        }
        // SAFETY: by `call`'s contract a non-null name on success is a
        // NUL-terminated string inside `buf`, which is still alive.
        let name = unsafe { CStr::from_ptr(name) };
        return Some(name.to_string_lossy().into_owned());
    }
    None
}

fn lookup_host(addr: &IpAddr) -> Option<String> {
    let (bytes, family): (Vec<u8>, c_int) = match addr {
        IpAddr::V4(a) => (a.octets().to_vec(), libc::AF_INET),
        IpAddr::V6(a) => (a.octets().to_vec(), libc::AF_INET6),
    };
    lookup_with_scratch(|buf| {
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
        // On success h_name points into `buf`.
        let name = if result.is_null() {
            std::ptr::null()
        } else {
            host.h_name.cast_const()
        };
        (rc, name)
    })
}

fn lookup_service(port: u16, proto: &CStr) -> Option<String> {
    lookup_with_scratch(|buf| {
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
        // On success s_name points into `buf`.
        let name = if result.is_null() {
            std::ptr::null()
        } else {
            serv.s_name.cast_const()
        };
        (rc, name)
    })
}
