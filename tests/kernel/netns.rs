//! Network namespaces for the test thread: a fresh anonymous one per
//! differential run, or a named one (`/run/netns/NAME`) entered for a while.
//!
//! Namespaces are per thread: `unshare`/`setns` move only the calling
//! thread, and every child it spawns afterwards starts inside that namespace.
//! The differential suite uses anonymous namespaces (`unshare`) rather than
//! `ip netns add/del`: that starts no process (each costs about 0.1 s in
//! the emulated VM) and leaves nothing behind if a run dies.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;

/// Moves the calling thread into a brand-new network namespace with `lo`
/// up. The namespace lives as long as a thread or process is inside it, so
/// it disappears when the calling thread (and its children) are gone.
pub(crate) fn enter_fresh() -> io::Result<()> {
    // SAFETY: unshare takes a flag word and only changes the namespaces of
    // the calling thread; no memory is shared with the kernel.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        return Err(io::Error::last_os_error());
    }
    set_loopback_up()
}

/// Runs `f` with the calling thread inside the named namespace
/// (`ip netns add NAME`), then moves the thread back where it was.
pub(crate) fn within<T>(name: &str, f: impl FnOnce() -> T) -> io::Result<T> {
    let home = File::open("/proc/thread-self/ns/net")?;
    let target = File::open(format!("/run/netns/{name}"))?;
    enter(&target)?;
    let result = f();
    enter(&home)?;
    Ok(result)
}

fn enter(ns: &File) -> io::Result<()> {
    // SAFETY: the descriptor is an open namespace file owned by `ns` for the
    // whole call; setns only changes the calling thread's namespace.
    if unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Brings `lo` up in the current thread's namespace (SIOCSIFFLAGS), which
/// the kernel needs before it accepts real servers.
fn set_loopback_up() -> io::Result<()> {
    // SAFETY: plain socket(2) call; the descriptor is wrapped right away.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh descriptor that nothing else owns.
    let sock = unsafe {
        <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd)
    };
    // SAFETY: ifreq is a plain C struct for which all-zero bytes are valid.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in req.ifr_name.iter_mut().zip(b"lo\0") {
        *dst = *src as libc::c_char;
    }
    // SAFETY: `req` is a valid, NUL-terminated ifreq living across the call;
    // SIOCGIFFLAGS writes the flags into it.
    if unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFFLAGS, &mut req) }
        != 0
    {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the flags member of the union was just filled in by the
    // kernel; writing it back with IFF_UP added is what SIOCSIFFLAGS reads.
    unsafe {
        req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        if libc::ioctl(sock.as_raw_fd(), libc::SIOCSIFFLAGS, &req) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
