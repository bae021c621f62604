//! The receiving side of the netlink socket: datagrams read many at a time
//! with `recvmmsg`, so a window of acknowledgements or a small dump and its
//! `NLMSG_DONE` cost one system call instead of one each.

use std::io;
use std::ops::Range;
use std::os::fd::RawFd;

/// How big the reader's buffers are, which decides how big the kernel
/// makes each datagram of a dump: it allocates the largest buffer the
/// reader has offered so far (up to 32 KiB, never less than
/// `NLMSG_GOODSIZE`) for every datagram, however little goes in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SlotSize {
    /// `NLMSG_GOODSIZE`: the smallest datagram the kernel makes. A dump of
    /// a few real servers then costs the kernel one small allocation per
    /// datagram instead of a multi-page one (each zeroed, as distribution
    /// kernels initialise every allocation).
    Small,
    /// 32 KiB, the kernel's largest: for one long dump, such as every
    /// service, which the kernel resumes per datagram by walking its table
    /// from the start, so fewer datagrams cost far less.
    Large,
}

impl SlotSize {
    fn bytes(self) -> usize {
        match self {
            SlotSize::Small => goodsize(),
            SlotSize::Large => 32 * 1024,
        }
    }

    fn count(self) -> usize {
        match self {
            // Acknowledgements of a pipelined window arrive together.
            SlotSize::Small => 64,
            // One long dump: the kernel makes its next datagram only as
            // the previous one is read, so one slot loses nothing.
            SlotSize::Large => 1,
        }
    }
}

/// The kernel's `NLMSG_GOODSIZE`: a page (at most 8 KiB) less the 320 bytes
/// of `struct skb_shared_info` with its 17 fragments (more fragments only
/// make it larger, and the kernel's datagrams smaller than this).
fn goodsize() -> usize {
    // SAFETY: sysconf has no memory effects; it returns -1 on failure.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let page = if page > 0 { page as usize } else { 4096 };
    page.min(8192) - 320
}

/// Most datagrams taken per system call.
const SLOTS: usize = 64;

/// Received datagrams not yet handed out.
pub(super) struct Inbox {
    /// `slots` buffers of `slot` bytes; pages are touched only as written.
    buf: Vec<u8>,
    slot: usize,
    /// One iovec per slot, pointing into `buf` (held only for `msgs` to
    /// point to), and one header per slot pointing to its iovec: built
    /// once, as neither vector (nor `buf`) is ever resized, so their heap
    /// addresses never change.
    _iovs: Vec<libc::iovec>,
    msgs: Vec<libc::mmsghdr>,
    lens: [usize; SLOTS],
    count: usize,
    next: usize,
}

impl Inbox {
    pub(super) fn new(size: SlotSize) -> Self {
        let (slot, slots) = (size.bytes(), size.count().min(SLOTS));
        let mut buf = vec![0u8; slot * slots];
        let base = buf.as_mut_ptr();
        let mut iovs: Vec<libc::iovec> = (0..slots)
            .map(|i| libc::iovec {
                // SAFETY: i < slots, so i * slot + slot <= buf.len() and
                // the slot's start stays inside the allocation.
                iov_base: unsafe { base.add(i * slot) }.cast(),
                iov_len: slot,
            })
            .collect();
        let msgs = iovs
            .iter_mut()
            .map(|iov| {
                // SAFETY: mmsghdr is a plain C struct for which all-zero
                // bytes are valid (null pointers, zero lengths).
                let mut m: libc::mmsghdr = unsafe { std::mem::zeroed() };
                m.msg_hdr.msg_iov = iov;
                m.msg_hdr.msg_iovlen = 1;
                m
            })
            .collect();
        Inbox {
            buf,
            slot,
            _iovs: iovs,
            msgs,
            lens: [0; SLOTS],
            count: 0,
            next: 0,
        }
    }

    /// The next datagram's place in [`Inbox::bytes`], waiting for one when
    /// none is left. A datagram larger than a slot is an error.
    pub(super) fn next(&mut self, fd: RawFd) -> io::Result<Range<usize>> {
        if self.next == self.count {
            self.fill(fd)?;
        }
        let i = self.next;
        self.next += 1;
        let len = self.lens[i];
        if len > self.slot {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("netlink datagram of {len} bytes truncated"),
            ));
        }
        Ok(i * self.slot..i * self.slot + len)
    }

    pub(super) fn bytes(&self, range: Range<usize>) -> &[u8] {
        &self.buf[range]
    }

    /// Block for at least one datagram and take whatever else is queued.
    fn fill(&mut self, fd: RawFd) -> io::Result<()> {
        let slot = self.slot;
        let n = loop {
            // SAFETY: fd is the caller's open socket; each of the
            // msgs.len() headers points to its own iovec in self.iovs,
            // which points to `slot` writable bytes of self.buf; all three
            // are owned by self, borrowed mutably here, and never resized.
            let n = unsafe {
                libc::recvmmsg(
                    fd,
                    self.msgs.as_mut_ptr(),
                    self.msgs.len() as libc::c_uint,
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
        for (len, msg) in self.lens.iter_mut().zip(&self.msgs[..n]) {
            *len = if msg.msg_hdr.msg_flags & libc::MSG_TRUNC != 0 {
                slot + 1
            } else {
                msg.msg_len as usize
            };
        }
        self.count = n;
        self.next = 0;
        Ok(())
    }
}
