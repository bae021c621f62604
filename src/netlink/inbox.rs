//! The receiving side of the netlink socket: datagrams read many at a time
//! with `recvmmsg`, so a window of acknowledgements or a small dump and its
//! `NLMSG_DONE` cost one system call instead of one each.

use std::io;
use std::ops::Range;
use std::os::fd::RawFd;

/// Room for one datagram. The kernel sizes each dump datagram by the
/// largest buffer the reader has offered, up to 32 KiB, but never below
/// `NLMSG_GOODSIZE` (under 8 KiB on every page size). Offering 8 KiB keeps
/// the kernel's buffers small: most dumps here are a few real servers,
/// and a 32 KiB buffer for each, and for each `NLMSG_DONE`, costs more
/// than the dump. Longer dumps simply take more datagrams, which
/// `recvmmsg` collects together.
const SLOT: usize = 8 * 1024;

/// Datagrams taken per system call.
const SLOTS: usize = 64;

/// Received datagrams not yet handed out.
pub struct Inbox {
    /// `SLOTS` buffers of `SLOT` bytes; pages are touched only as written.
    buf: Vec<u8>,
    lens: [usize; SLOTS],
    count: usize,
    next: usize,
}

impl Inbox {
    pub fn new() -> Self {
        Inbox {
            buf: vec![0; SLOT * SLOTS],
            lens: [0; SLOTS],
            count: 0,
            next: 0,
        }
    }

    /// The next datagram's place in [`Inbox::bytes`], waiting for one when
    /// none is left. A datagram larger than a slot is an error.
    pub fn next(&mut self, fd: RawFd) -> io::Result<Range<usize>> {
        if self.next == self.count {
            self.fill(fd)?;
        }
        let i = self.next;
        self.next += 1;
        let len = self.lens[i];
        if len > SLOT {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("netlink datagram of {len} bytes truncated"),
            ));
        }
        Ok(i * SLOT..i * SLOT + len)
    }

    pub fn bytes(&self, range: Range<usize>) -> &[u8] {
        &self.buf[range]
    }

    /// Block for at least one datagram and take whatever else is queued.
    fn fill(&mut self, fd: RawFd) -> io::Result<()> {
        // SAFETY: iovec and mmsghdr are plain C structs for which all-zero
        // bytes are valid (null pointers, zero lengths).
        let mut iovs: [libc::iovec; SLOTS] = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        let mut msgs: [libc::mmsghdr; SLOTS] = unsafe { std::mem::zeroed() };
        let base = self.buf.as_mut_ptr();
        for (i, (iov, msg)) in iovs.iter_mut().zip(msgs.iter_mut()).enumerate()
        {
            // SAFETY: i * SLOT + SLOT <= buf.len(), so the slot's start
            // stays inside the allocation.
            iov.iov_base = unsafe { base.add(i * SLOT) }.cast();
            iov.iov_len = SLOT;
            msg.msg_hdr.msg_iov = iov;
            msg.msg_hdr.msg_iovlen = 1;
        }
        let n = loop {
            // SAFETY: fd is the caller's open socket; msgs holds SLOTS
            // headers, each pointing to one iovec of SLOT writable bytes
            // inside self.buf, all alive and unaliased for the call.
            let n = unsafe {
                libc::recvmmsg(
                    fd,
                    msgs.as_mut_ptr(),
                    SLOTS as libc::c_uint,
                    libc::MSG_WAITFORONE,
                    std::ptr::null_mut(),
                )
            };
            if n >= 0 {
                break n as usize;
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        };
        for (len, msg) in self.lens.iter_mut().zip(&msgs[..n]) {
            *len = if msg.msg_hdr.msg_flags & libc::MSG_TRUNC != 0 {
                SLOT + 1
            } else {
                msg.msg_len as usize
            };
        }
        self.count = n;
        self.next = 0;
        Ok(())
    }
}
