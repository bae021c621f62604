//! The generic-netlink socket that talks to the kernel's IPVS family: one
//! socket per process, the family id resolved once, requests acknowledged,
//! dumps read to the end, and batches of requests pipelined.

mod inbox;

use inbox::SlotSize;

use std::io;
use std::os::fd::AsRawFd;

use netlink_packet_core::{
    NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST, NLMSG_DONE,
    NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NetlinkBuffer,
    NetlinkDeserializable, NetlinkHeader, NetlinkMessage, NetlinkPayload,
    NetlinkSerializable, Parseable,
};
use netlink_packet_generic::{
    GenlFamily, GenlMessage,
    ctrl::{GenlCtrl, GenlCtrlCmd, nlas::GenlCtrlAttrs},
};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_GENERIC};

use crate::ipvs::{IPVS_GENL_VERSION, IpvsMessage, IpvsRequest, RawMessage};

/// Socket receive buffer asked for, so that a pipelined window of
/// acknowledgements is never dropped.
const SOCKET_RCVBUF: usize = 4 * 1024 * 1024;

/// Most requests sent in one pipelined window.
const MAX_WINDOW: usize = 512;

/// An upper bound on what one acknowledgement costs in the socket's
/// receive buffer: the kernel charges an skb's true size (the 36-byte
/// message, the skb head and its shared info), about 1 KiB; twice that
/// leaves a margin.
const ACK_CHARGE: usize = 2048;

/// How often an interrupted dump (`NLM_F_DUMP_INTR`) is restarted.
const DUMP_RETRIES: usize = 5;

/// A failed netlink exchange.
#[derive(Debug)]
pub enum NetlinkError {
    /// The kernel answered with a negative errno (stored positive).
    Kernel(i32),
    /// The socket failed.
    Io(io::Error),
    /// A reply did not decode.
    Decode(String),
}

impl NetlinkError {
    /// The errno libipvs would report: the kernel's, else EINVAL.
    pub fn errno(&self) -> i32 {
        match self {
            NetlinkError::Kernel(e) => *e,
            NetlinkError::Io(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::EPERM | libc::ENOBUFS)
                ) =>
            {
                e.raw_os_error().unwrap_or(libc::EINVAL)
            }
            _ => libc::EINVAL,
        }
    }
}

impl From<io::Error> for NetlinkError {
    fn from(e: io::Error) -> Self {
        NetlinkError::Io(e)
    }
}

pub(crate) type NlResult<T> = Result<T, NetlinkError>;

/// A connected generic-netlink socket bound to the IPVS family.
pub(crate) struct IpvsSocket {
    socket: Socket,
    family_id: u16,
    seq: u32,
    rx: inbox::Inbox,
    tx: Vec<u8>,
    /// Requests per pipelined window: as many as the receive buffer holds
    /// acknowledgements for, so the kernel never drops one (ENOBUFS).
    window: usize,
}

impl IpvsSocket {
    /// Open a socket and resolve the `IPVS` family. A kernel without IPVS
    /// answers the resolution with ENOENT.
    pub(crate) fn open() -> NlResult<Self> {
        let mut this = Self::connect(SlotSize::Small, 0)?;
        this.family_id = this.resolve_family(IpvsMessage::family_name())?;
        Ok(this)
    }

    /// A second socket to the same family, reading with the largest
    /// buffers: for one long dump (every service), which then takes the
    /// fewest datagrams, while this socket keeps the kernel's datagrams
    /// small for the many short ones.
    pub(crate) fn open_bulk(&self) -> NlResult<Self> {
        Self::connect(SlotSize::Large, self.family_id)
    }

    fn connect(slots: SlotSize, family_id: u16) -> NlResult<Self> {
        let mut socket = Socket::new(NETLINK_GENERIC)?;
        socket.bind_auto()?;
        socket.connect(&SocketAddr::new(0, 0))?;
        // Only acknowledgement headers come back, not whole requests.
        let _ = socket.set_cap_ack(true);
        Ok(IpvsSocket {
            socket,
            family_id,
            seq: 0,
            rx: inbox::Inbox::new(slots),
            tx: Vec::new(),
            window: 1,
        })
    }

    /// Grow the socket's receive buffer for pipelined batches and size the
    /// window to what it holds. Forcing the size needs CAP_NET_ADMIN, which
    /// every IPVS change needs anyway; without it the buffer stays within
    /// `rmem_max` and the window shrinks to match.
    pub(crate) fn reserve_receive_buffer(&mut self) {
        let fd = self.socket.as_raw_fd();
        let size = SOCKET_RCVBUF as libc::c_int;
        for opt in [libc::SO_RCVBUFFORCE, libc::SO_RCVBUF] {
            // SAFETY: fd is this socket's open descriptor; the option value
            // points to a live c_int whose size is passed alongside.
            let rc = unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    opt,
                    (&size as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            if rc == 0 {
                break;
            }
        }
        let mut actual: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: fd is open; actual and len are live locals of the sizes
        // getsockopt(2) is told about.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_RCVBUF,
                (&mut actual as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        let bytes = if rc == 0 { actual.max(0) as usize } else { 0 };
        self.window = window_for(bytes);
    }

    /// Requests per pipelined window (see [`IpvsSocket::execute_batch`]).
    pub(crate) fn window(&self) -> usize {
        self.window
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    fn resolve_family(&mut self, name: &str) -> NlResult<u16> {
        let ctrl = GenlCtrl {
            cmd: GenlCtrlCmd::GetFamily,
            nlas: vec![GenlCtrlAttrs::FamilyName(name.to_string())],
        };
        let seq = self.next_seq();
        self.tx.clear();
        append_request(
            &mut self.tx,
            GenlMessage::from_payload(ctrl),
            0,
            seq,
            NLM_F_ACK,
        );
        self.send_tx()?;
        let mut id = None;
        self.receive(seq, |reply| {
            let Reply::Message(frame) = reply else {
                return Ok(());
            };
            if let (_, NetlinkPayload::InnerMessage(genl)) =
                parse_one::<GenlMessage<GenlCtrl>>(frame.bytes)?
            {
                for nla in &genl.payload.nlas {
                    if let GenlCtrlAttrs::FamilyId(v) = nla {
                        id = Some(*v);
                    }
                }
            }
            Ok(())
        })?;
        match id {
            Some(v) if v != 0 => Ok(v),
            _ => Err(NetlinkError::Decode("no family id in reply".into())),
        }
    }

    /// Send one request and wait for its acknowledgement.
    pub(crate) fn execute(&mut self, msg: &impl IpvsRequest) -> NlResult<()> {
        self.query(msg).map(|_| ())
    }

    /// Send one non-dump request and collect the messages it answers with.
    pub(crate) fn query(
        &mut self,
        msg: &impl IpvsRequest,
    ) -> NlResult<Vec<IpvsMessage>> {
        let seq = self.next_seq();
        self.tx.clear();
        let id = self.family_id;
        append_ipvs_request(&mut self.tx, msg, id, seq, NLM_F_ACK);
        self.send_tx()?;
        let mut out = Vec::new();
        self.receive(seq, |reply| {
            if let Reply::Message(frame) = reply {
                out.push(frame.ipvs()?.parse().map_err(decode_error)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Run a dump, mapping each message as it arrives (still encoded) and
    /// collecting the results in `C`. An interrupted dump (the table
    /// changed underneath) is restarted from scratch, so the result is
    /// always one consistent snapshot.
    pub(crate) fn dump<T, C: Default + Extend<T>>(
        &mut self,
        msg: &impl IpvsRequest,
        map: impl FnMut(RawMessage<'_>) -> NlResult<T>,
    ) -> NlResult<C> {
        let mut out = C::default();
        self.dump_into(msg, &mut out, |c| *c = C::default(), map)?;
        Ok(out)
    }

    /// [`IpvsSocket::dump`] into `out`, which `restart` empties before a
    /// restarted dump (a listing reuses one vector for every service).
    pub(crate) fn dump_into<T, C: Extend<T>>(
        &mut self,
        msg: &impl IpvsRequest,
        out: &mut C,
        restart: impl Fn(&mut C),
        mut map: impl FnMut(RawMessage<'_>) -> NlResult<T>,
    ) -> NlResult<()> {
        for attempt in 0..DUMP_RETRIES {
            if attempt > 0 {
                restart(out);
            }
            let seq = self.next_seq();
            self.tx.clear();
            let id = self.family_id;
            append_ipvs_request(&mut self.tx, msg, id, seq, NLM_F_DUMP);
            self.send_tx()?;
            let mut interrupted = false;
            self.receive(seq, |reply| {
                match reply {
                    Reply::Message(frame) => out.extend([map(frame.ipvs()?)?]),
                    Reply::Interrupted => interrupted = true,
                }
                Ok(())
            })?;
            if !interrupted {
                return Ok(());
            }
        }
        Err(NetlinkError::Kernel(libc::EINTR))
    }

    /// Ask for one object and dump its children in a single `sendmsg`: the
    /// answer to `query` (its messages mapped by `map_query`, or the
    /// kernel's error or the first failed mapping) and the messages of
    /// `dump` mapped by `map_dump`, read with the same system calls. Used
    /// to read a service and its real servers at one instant.
    pub(crate) fn query_then_dump<Q, T>(
        &mut self,
        query: &impl IpvsRequest,
        dump: &impl IpvsRequest,
        mut map_query: impl FnMut(RawMessage<'_>) -> NlResult<Q>,
        mut map_dump: impl FnMut(RawMessage<'_>) -> NlResult<T>,
    ) -> NlResult<(NlResult<Vec<Q>>, Vec<T>)> {
        let first = self.next_seq();
        let second = self.next_seq();
        self.tx.clear();
        let id = self.family_id;
        append_ipvs_request(&mut self.tx, query, id, first, NLM_F_ACK);
        append_ipvs_request(&mut self.tx, dump, id, second, NLM_F_DUMP);
        self.send_tx()?;
        let mut answer: Option<NlResult<Vec<Q>>> = None;
        let mut replies: NlResult<Vec<Q>> = Ok(Vec::new());
        let mut children = Vec::new();
        let mut dump_done = false;
        while answer.is_none() || !dump_done {
            let range = self.recv_datagram()?;
            for frame in frames(self.rx.bytes(range)) {
                let frame = frame?;
                let seq = frame.header.sequence_number;
                if frame.is_data() {
                    if seq == first {
                        let reply = map_query(frame.ipvs()?);
                        replies = replies.and_then(|mut list| {
                            list.push(reply?);
                            Ok(list)
                        });
                    } else if seq == second {
                        children.push(map_dump(frame.ipvs()?)?);
                    }
                    continue;
                }
                match frame.control()? {
                    NetlinkPayload::Error(e) if seq == first => {
                        answer = Some(match e.code {
                            None => {
                                std::mem::replace(&mut replies, Ok(Vec::new()))
                            }
                            Some(code) => {
                                Err(NetlinkError::Kernel(-code.get()))
                            }
                        });
                    }
                    NetlinkPayload::Error(e) if seq == second => {
                        if let Some(code) = e.code {
                            return Err(NetlinkError::Kernel(-code.get()));
                        }
                        dump_done = true;
                    }
                    NetlinkPayload::Done(_) if seq == second => {
                        dump_done = true
                    }
                    _ => {}
                }
            }
        }
        Ok((answer.unwrap_or(replies), children))
    }

    /// Send many requests with few system calls and return one outcome per
    /// request, in order. Requests go out in windows small enough for all
    /// their answers to fit the socket's receive buffer. Only the last
    /// request of a window asks for an acknowledgement: the kernel answers
    /// the others only when they fail, and it handles a window's requests in
    /// order, queueing each failure as it happens, so once the last one is
    /// acknowledged every request without an error report succeeded.
    pub(crate) fn execute_batch(
        &mut self,
        msgs: &[impl IpvsRequest],
    ) -> Vec<NlResult<()>> {
        let window = self.window;
        let mut outcomes: Vec<Option<NlResult<()>>> =
            Vec::with_capacity(msgs.len());
        let mut iter = msgs.iter().peekable();
        while iter.peek().is_some() {
            self.tx.clear();
            let first = self.seq.wrapping_add(1);
            let mut count = 0;
            while let Some(msg) = iter.next() {
                count += 1;
                let last = count == window || iter.peek().is_none();
                let flags = if last { NLM_F_ACK } else { 0 };
                let seq = self.next_seq();
                let id = self.family_id;
                append_ipvs_request(&mut self.tx, msg, id, seq, flags);
                if last {
                    break;
                }
            }
            let start = outcomes.len();
            outcomes.extend((0..count).map(|_| None));
            let window = &mut outcomes[start..];
            let failure = match self.send_tx() {
                Ok(()) => self.collect_answers(first, window).err(),
                Err(e) => Some(e),
            };
            match failure {
                None => {
                    for o in window.iter_mut().filter(|o| o.is_none()) {
                        *o = Some(Ok(()));
                    }
                }
                // A failed send or receive (ENOBUFS: the kernel dropped
                // answers) leaves the fate of the requests without an
                // answer unknown; each is reported with that error.
                Some(e) => {
                    let errno = e.errno();
                    for o in window.iter_mut().filter(|o| o.is_none()) {
                        *o = Some(Err(NetlinkError::Kernel(errno)));
                    }
                }
            }
        }
        outcomes.into_iter().map(|o| o.unwrap_or(Ok(()))).collect()
    }

    /// Read the answers to the window of requests numbered from `first`
    /// (error reports, and the last request's acknowledgement), until the
    /// last request is answered.
    fn collect_answers(
        &mut self,
        first: u32,
        outcomes: &mut [Option<NlResult<()>>],
    ) -> NlResult<()> {
        let Some(last) = outcomes.len().checked_sub(1) else {
            return Ok(());
        };
        while outcomes[last].is_none() {
            let range = self.recv_datagram()?;
            for frame in frames(self.rx.bytes(range)) {
                let frame = frame?;
                let seq = frame.header.sequence_number;
                let index = seq.wrapping_sub(first) as usize;
                let Some(slot) = outcomes.get_mut(index) else {
                    continue;
                };
                if frame.is_data() {
                    continue;
                }
                let NetlinkPayload::Error(e) = frame.control()? else {
                    continue;
                };
                *slot = Some(match e.code {
                    Some(code) => Err(NetlinkError::Kernel(-code.get())),
                    None => Ok(()),
                });
            }
        }
        Ok(())
    }

    fn send_tx(&mut self) -> NlResult<()> {
        let mut sent = 0;
        while sent < self.tx.len() {
            let n = self.socket.send(&self.tx[sent..], 0)?;
            if n == 0 {
                return Err(NetlinkError::Io(io::ErrorKind::WriteZero.into()));
            }
            sent += n;
        }
        Ok(())
    }

    fn recv_datagram(&mut self) -> NlResult<std::ops::Range<usize>> {
        let fd = self.socket.as_raw_fd();
        self.rx.next(fd).map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => NetlinkError::Decode(e.to_string()),
            _ => NetlinkError::Io(e),
        })
    }

    /// Read replies for `seq` until its acknowledgement, error or end of
    /// dump, handing each message to `each`, undecoded.
    fn receive(
        &mut self,
        seq: u32,
        mut each: impl FnMut(Reply<'_>) -> NlResult<()>,
    ) -> NlResult<()> {
        loop {
            let range = self.recv_datagram()?;
            for frame in frames(self.rx.bytes(range)) {
                let frame = frame?;
                if frame.header.sequence_number != seq {
                    continue;
                }
                if frame.header.flags & NLM_F_DUMP_INTR != 0 {
                    each(Reply::Interrupted)?;
                }
                if frame.is_data() {
                    each(Reply::Message(frame))?;
                    continue;
                }
                match frame.control()? {
                    NetlinkPayload::Done(_) => return Ok(()),
                    NetlinkPayload::Error(e) => {
                        return match e.code {
                            None => Ok(()),
                            Some(code) => {
                                Err(NetlinkError::Kernel(-code.get()))
                            }
                        };
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Requests per window for a receive buffer of `bytes`: never more than
/// it has room for acknowledgements, at least one.
fn window_for(bytes: usize) -> usize {
    (bytes / ACK_CHARGE).clamp(1, MAX_WINDOW)
}

/// One item of a reply stream.
enum Reply<'a> {
    Message(Frame<'a>),
    /// The kernel flagged the dump as inconsistent.
    Interrupted,
}

/// Serialize one IPVS request onto the end of `tx`: the headers, then the
/// attributes (see [`IpvsMessage::append_attributes`]).
fn append_ipvs_request(
    tx: &mut Vec<u8>,
    msg: &impl IpvsRequest,
    family_id: u16,
    seq: u32,
    flags: u16,
) {
    let msg = msg.message();
    let start = tx.len();
    let mut header = [0u8; 20];
    // The length (patched below), the type, the flags, the sequence
    // number, the port id (0: the kernel's own), then the genl header.
    header[4..6].copy_from_slice(&family_id.to_ne_bytes());
    header[6..8].copy_from_slice(&(NLM_F_REQUEST | flags).to_ne_bytes());
    header[8..12].copy_from_slice(&seq.to_ne_bytes());
    header[16] = u8::from(msg.cmd);
    header[17] = IPVS_GENL_VERSION;
    tx.extend_from_slice(&header);
    msg.append_attributes(tx);
    let len = (tx.len() - start) as u32;
    tx[start..start + 4].copy_from_slice(&len.to_ne_bytes());
}

/// Serialize one request onto the end of `tx`.
fn append_request<F>(
    tx: &mut Vec<u8>,
    mut msg: GenlMessage<F>,
    family_id: u16,
    seq: u32,
    flags: u16,
) where
    F: GenlFamily + std::fmt::Debug,
    GenlMessage<F>: NetlinkSerializable,
{
    if family_id != 0 {
        msg.set_resolved_family_id(family_id);
    }
    let mut nl = NetlinkMessage::from(msg);
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | flags;
    header.sequence_number = seq;
    nl.header = header;
    nl.finalize();
    let start = tx.len();
    tx.resize(start + nl.buffer_len(), 0);
    nl.serialize(&mut tx[start..]);
}

/// One netlink message of a received datagram, its payload undecoded.
struct Frame<'a> {
    header: NetlinkHeader,
    /// The whole message, header included.
    bytes: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Whether this is a message of a family rather than netlink's own
    /// (`NOOP`, `ERROR`, `DONE`, `OVERRUN`).
    fn is_data(&self) -> bool {
        !matches!(
            self.header.message_type,
            NLMSG_NOOP | NLMSG_ERROR | NLMSG_DONE | NLMSG_OVERRUN
        )
    }

    /// A data message as an IPVS message, its attributes undecoded.
    fn ipvs(&self) -> NlResult<RawMessage<'a>> {
        RawMessage::new(&self.bytes[NLMSG_HDRLEN..]).map_err(decode_error)
    }

    /// One of netlink's own messages, decoded.
    fn control(&self) -> NlResult<NetlinkPayload<GenlMessage<IpvsMessage>>> {
        parse_one(self.bytes).map(|(_, payload)| payload)
    }
}

/// `NLMSG_HDRLEN`.
const NLMSG_HDRLEN: usize = 16;

/// The netlink messages of one datagram, in order, undecoded. A message
/// whose length is shorter than a header or runs past the datagram is an
/// error and ends the walk.
fn frames(datagram: &[u8]) -> impl Iterator<Item = NlResult<Frame<'_>>> {
    let mut rest = datagram;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let frame = NetlinkBuffer::new_checked(rest)
            .and_then(|buf| {
                let header = NetlinkHeader::parse(&buf)?;
                Ok(Frame {
                    bytes: &rest[..header.length as usize],
                    header,
                })
            })
            .map_err(decode_error);
        rest = match &frame {
            Ok(f) => &rest[aligned(f.bytes.len(), rest.len())..],
            Err(_) => &[],
        };
        Some(frame)
    })
}

/// The netlink messages of one received datagram, in order, decoded. A
/// message that does not parse (or claims fewer bytes than a header) is an
/// error and ends the walk; a length beyond the datagram is an error too.
pub fn datagram_messages<I>(
    datagram: &[u8],
) -> impl Iterator<Item = NlResult<(NetlinkHeader, NetlinkPayload<I>)>> + '_
where
    I: NetlinkDeserializable,
{
    let mut failed = false;
    frames(datagram).map_while(move |frame| {
        if failed {
            return None;
        }
        let item = frame.and_then(|f| parse_one::<I>(f.bytes));
        failed = item.is_err();
        Some(item)
    })
}

/// Parse the netlink message at the start of `buf`.
fn parse_one<I>(buf: &[u8]) -> NlResult<(NetlinkHeader, NetlinkPayload<I>)>
where
    I: NetlinkDeserializable,
{
    let msg = NetlinkMessage::<I>::deserialize(buf).map_err(decode_error)?;
    if (msg.header.length as usize) < NLMSG_HDRLEN {
        return Err(NetlinkError::Decode("netlink message too short".into()));
    }
    Ok(msg.into_parts())
}

fn decode_error(e: impl std::fmt::Display) -> NetlinkError {
    NetlinkError::Decode(e.to_string())
}

/// A message's length rounded up to netlink's 4-byte alignment, bounded by
/// what is left of the datagram.
fn aligned(len: usize, left: usize) -> usize {
    ((len + 3) & !3).min(left)
}

#[cfg(all(test, target_endian = "little"))]
mod tests;
