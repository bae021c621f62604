//! Operations on the kernel's IPVS table, in terms of the domain model:
//! start-up (with ipvsadm's `modprobe` fallback), queries and changes.

use std::borrow::Cow;
use std::process::Command as Process;

use crate::error::{Error, Operation, Result};
pub(crate) use crate::ipvs::StatsNests;
use crate::ipvs::{
    DaemonAttr, IpvsAttr, IpvsCmd, IpvsMessage, IpvsRequest, RawMessage,
    daemon_attrs, daemon_from_attrs, dest_attrs, dest_from_nest,
    info_from_attrs, service_attrs, service_from_nest, service_key_attrs,
    timeouts_attrs, timeouts_from_attrs,
};
use crate::model::{
    DaemonConfig, Destination, Info, Service, ServiceKey, Timeouts,
};
use crate::netlink::{IpvsSocket, NetlinkError};

/// Lowest kernel IPVS version ipvsadm 1.31 accepts without a warning.
pub(crate) const MIN_KERNEL_VERSION: u32 = 0x010104;

/// A connection to the kernel's IPVS table.
pub(crate) struct Client {
    socket: IpvsSocket,
    info: Info,
}

fn kernel(op: Operation) -> impl Fn(NetlinkError) -> Error {
    move |e| Error::kernel(op, e.errno())
}

impl Client {
    /// Reach IPVS as ipvsadm does at start-up: resolve the family and ask
    /// for its version; if that fails, run `/sbin/modprobe -- ip_vs` and try
    /// once more.
    pub(crate) fn connect() -> Result<Client> {
        let errno = match Self::try_connect() {
            Ok(c) => return Ok(c),
            Err(errno) => errno,
        };
        if !load_module() {
            return Err(Error::Init { errno });
        }
        Self::try_connect().map_err(|errno| Error::Init { errno })
    }

    /// One start-up attempt; the errno ipvsadm would report on failure.
    fn try_connect() -> std::result::Result<Client, i32> {
        let mut socket = match IpvsSocket::open() {
            Ok(s) => s,
            // The family is missing: ipvsadm falls back to the old socket
            // option interface, whose failure decides the message.
            Err(_) => return Err(sockopt_probe_errno()),
        };
        let reply = socket
            .query(&IpvsMessage::new(IpvsCmd::GetInfo, vec![]))
            .map_err(|e| e.errno())?;
        let info = reply
            .first()
            .and_then(|m| info_from_attrs(&m.attributes).ok())
            .ok_or(libc::EINVAL)?;
        Ok(Client { socket, info })
    }

    pub(crate) fn info(&self) -> Info {
        self.info
    }

    /// Make room for pipelined batches of acknowledgements.
    pub(crate) fn prepare_for_batches(&mut self) {
        self.socket.reserve_receive_buffer();
    }

    /// How many changes [`Client::apply_all`] sends in one pipelined
    /// window (after [`Client::prepare_for_batches`]).
    pub(crate) fn batch_window(&self) -> usize {
        self.socket.window()
    }

    /// Every virtual service, in kernel order, collected in `C`. The dump
    /// runs on a socket of its own with large buffers (see
    /// [`IpvsSocket::open_bulk`]).
    pub(crate) fn services<C: Default + Extend<Service>>(
        &mut self,
        stats: StatsNests,
    ) -> Result<C> {
        let msg = IpvsMessage::new(IpvsCmd::GetService, vec![]);
        self.socket
            .open_bulk()
            .and_then(|mut bulk| bulk.dump(&msg, |m| service_in(m, stats)))
            .map_err(kernel(Operation::GetServices))
    }

    /// One service with its real servers, read at one instant: the
    /// service is asked for and its real servers dumped in one exchange.
    /// `None` when the service does not exist (any more).
    pub(crate) fn service_entry(
        &mut self,
        key: &ServiceKey,
    ) -> Result<Option<(Service, Vec<Destination>)>> {
        let family = key.family();
        let (answer, mut dests) = self
            .socket
            .query_then_dump(
                &service_query(key),
                &dests_query(key),
                |m| service_in(m, StatsNests::Read),
                |m| dest_in(m, family, StatsNests::Read),
            )
            .map_err(kernel(Operation::GetDests))?;
        let reply = match answer {
            Ok(reply) => reply,
            Err(NetlinkError::Kernel(libc::ESRCH)) => return Ok(None),
            Err(e) => {
                return Err(Error::kernel(Operation::GetService, e.errno()));
            }
        };
        let Some(svc) = reply.into_iter().next() else {
            return Ok(None);
        };
        // Most services have few real servers: keep no spare room.
        dests.shrink_to_fit();
        Ok(Some((svc, dests)))
    }

    /// The real servers of a service that may have been deleted since it
    /// was listed, into `dests` (emptied first): false when the service no
    /// longer exists. The kernel answers a real-server dump of a missing
    /// service with an empty list, so only an empty answer needs the
    /// service asked for as well.
    pub(crate) fn dests_if_present(
        &mut self,
        svc: &Service,
        stats: StatsNests,
        dests: &mut Vec<Destination>,
    ) -> Result<bool> {
        self.dests_into(svc, stats, dests)?;
        if !dests.is_empty() {
            return Ok(true);
        }
        match self.socket.query(&service_query(&svc.key)) {
            Ok(_) => Ok(true),
            Err(NetlinkError::Kernel(libc::ESRCH)) => Ok(false),
            Err(e) => Err(Error::kernel(Operation::GetService, e.errno())),
        }
    }

    /// The real servers of a service, in kernel order.
    pub(crate) fn dests(
        &mut self,
        svc: &Service,
        stats: StatsNests,
    ) -> Result<Vec<Destination>> {
        let mut dests = Vec::new();
        self.dests_into(svc, stats, &mut dests)?;
        // Most services have few real servers: keep no spare room.
        dests.shrink_to_fit();
        Ok(dests)
    }

    /// The real servers of a service, in kernel order, into `dests`
    /// (emptied first).
    fn dests_into(
        &mut self,
        svc: &Service,
        stats: StatsNests,
        dests: &mut Vec<Destination>,
    ) -> Result<()> {
        let family = svc.key.family();
        dests.clear();
        self.socket
            .dump_into(&dests_query(&svc.key), dests, Vec::clear, |m| {
                dest_in(m, family, stats)
            })
            .map_err(kernel(Operation::GetDests))
    }

    pub(crate) fn timeouts(&mut self) -> Result<Timeouts> {
        let reply = self
            .socket
            .query(&IpvsMessage::new(IpvsCmd::GetConfig, vec![]))
            .map_err(kernel(Operation::GetTimeouts))?;
        Ok(reply
            .first()
            .map(|m| timeouts_from_attrs(&m.attributes))
            .unwrap_or_default())
    }

    pub(crate) fn daemons(&mut self) -> Result<Vec<DaemonConfig>> {
        let msg = IpvsMessage::new(IpvsCmd::GetDaemon, vec![]);
        let found: Vec<_> = self
            .socket
            .dump(&msg, |m| {
                let m = m
                    .parse()
                    .map_err(|e| NetlinkError::Decode(e.to_string()))?;
                Ok(m.attributes.iter().find_map(|a| match a {
                    IpvsAttr::Daemon(d) => daemon_from_attrs(d).ok(),
                    _ => None,
                }))
            })
            .map_err(kernel(Operation::GetDaemons))?;
        Ok(found.into_iter().flatten().collect())
    }

    /// Apply one change and wait for the kernel's answer.
    pub(crate) fn apply(&mut self, change: Change) -> Result<()> {
        let op = change.operation();
        self.socket.execute(&change).map_err(kernel(op))
    }

    /// Apply many changes pipelined, emptying `changes` but keeping its
    /// room for the next batch (a batch of changes is too big for the
    /// allocator to keep when freed: each one cost a heap shrink and the
    /// page faults of growing it again); one outcome per change, in order.
    pub(crate) fn apply_batch(
        &mut self,
        changes: &mut Vec<Change>,
    ) -> Vec<Result<()>> {
        let outcomes = self.apply_all(changes);
        changes.clear();
        outcomes
    }

    /// Apply many changes pipelined, as [`Client::apply_batch`] does,
    /// from a slice the caller keeps: one outcome per change, in order.
    /// The kernel handles them in order and every one is tried, whatever
    /// became of the others.
    pub(crate) fn apply_all(&mut self, changes: &[Change]) -> Vec<Result<()>> {
        let outcomes = self.socket.execute_batch(changes);
        outcomes
            .into_iter()
            .zip(changes)
            .map(|(r, change)| r.map_err(kernel(change.operation())))
            .collect()
    }
}

/// A change to the kernel's table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Change {
    AddService(Service),
    EditService(Service),
    DeleteService(Service),
    AddDest(Service, Destination),
    EditDest(Service, Destination),
    DeleteDest(Service, Destination),
    Zero(Option<Service>),
    Flush,
    SetTimeouts(Timeouts),
    StartDaemon(DaemonConfig),
    StopDaemon(DaemonConfig),
}

impl Change {
    /// The operation whose error wording applies to this change.
    pub(crate) fn operation(&self) -> Operation {
        match self {
            Change::AddService(_) => Operation::AddService,
            Change::EditService(_) => Operation::EditService,
            Change::DeleteService(_) => Operation::DeleteService,
            Change::AddDest(..) => Operation::AddDest,
            Change::EditDest(..) => Operation::EditDest,
            Change::DeleteDest(..) => Operation::DeleteDest,
            Change::Zero(_) => Operation::Zero,
            Change::Flush => Operation::Flush,
            Change::SetTimeouts(_) => Operation::SetTimeouts,
            Change::StartDaemon(_) => Operation::StartDaemon,
            Change::StopDaemon(_) => Operation::StopDaemon,
        }
    }

    /// The wire command of this change.
    pub(crate) fn cmd(&self) -> IpvsCmd {
        match self {
            Change::AddService(_) => IpvsCmd::NewService,
            Change::EditService(_) => IpvsCmd::SetService,
            Change::DeleteService(_) => IpvsCmd::DelService,
            Change::AddDest(..) => IpvsCmd::NewDest,
            Change::EditDest(..) => IpvsCmd::SetDest,
            Change::DeleteDest(..) => IpvsCmd::DelDest,
            Change::Zero(_) => IpvsCmd::Zero,
            Change::Flush => IpvsCmd::Flush,
            Change::SetTimeouts(_) => IpvsCmd::SetConfig,
            Change::StartDaemon(_) => IpvsCmd::NewDaemon,
            Change::StopDaemon(_) => IpvsCmd::DelDaemon,
        }
    }

    /// The request ipvsadm sends for this change.
    pub(crate) fn to_message(&self) -> IpvsMessage {
        let svc = |s: &Service| IpvsAttr::Service(service_attrs(s));
        let dest = |d: &Destination| IpvsAttr::Dest(dest_attrs(d));
        let attrs = match self {
            Change::AddService(s)
            | Change::EditService(s)
            | Change::DeleteService(s)
            | Change::Zero(Some(s)) => vec![svc(s)],
            Change::AddDest(s, d)
            | Change::EditDest(s, d)
            | Change::DeleteDest(s, d) => vec![svc(s), dest(d)],
            Change::Zero(None) | Change::Flush => vec![],
            Change::SetTimeouts(t) => timeouts_attrs(t),
            Change::StartDaemon(d) => vec![IpvsAttr::Daemon(daemon_attrs(d))],
            Change::StopDaemon(d) => {
                vec![IpvsAttr::Daemon(stop_daemon_attrs(d))]
            }
        };
        IpvsMessage::new(self.cmd(), attrs)
    }
}

/// A change is sent as its message, built as it is written.
impl IpvsRequest for Change {
    fn message(&self) -> Cow<'_, IpvsMessage> {
        Cow::Owned(self.to_message())
    }
}

/// `--stop-daemon` sends the state, an empty interface name and the sync id.
fn stop_daemon_attrs(d: &DaemonConfig) -> Vec<DaemonAttr> {
    vec![
        DaemonAttr::State(d.state.raw()),
        DaemonAttr::McastIfn(Vec::new()),
        DaemonAttr::SyncId(d.sync_id),
    ]
}

/// Run `/sbin/modprobe -- ip_vs` as ipvsadm does, letting its output
/// through; true when it succeeded.
fn load_module() -> bool {
    Process::new("/sbin/modprobe")
        .args(["--", "ip_vs"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The errno of ipvsadm's fallback probe of the socket-option interface
/// (a raw IPv4 socket and `IP_VS_SO_GET_INFO`). This tool speaks only
/// netlink; the probe is made so the start-up failure reads as ipvsadm's.
fn sockopt_probe_errno() -> i32 {
    const IP_VS_SO_GET_INFO: libc::c_int = 64 + 1024 + 64 + 1;
    // SAFETY: plain socket(2) call with constant arguments.
    let fd = unsafe {
        libc::socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_RAW)
    };
    if fd < 0 {
        return last_errno();
    }
    let mut info = [0u8; 12];
    let mut len = info.len() as libc::socklen_t;
    // SAFETY: fd is the socket opened above; info is a writable buffer of
    // `len` bytes and len points to its size, as getsockopt(2) requires.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::IPPROTO_IP,
            IP_VS_SO_GET_INFO,
            info.as_mut_ptr().cast(),
            &mut len,
        )
    };
    let errno = if rc < 0 {
        last_errno()
    } else {
        libc::ENOPROTOOPT
    };
    // SAFETY: fd is open and owned here; it is closed exactly once.
    unsafe { libc::close(fd) };
    errno
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EINVAL)
}

/// GET_SERVICE for one service, as ipvsadm asks: the key, an empty
/// scheduler and a zero netmask.
fn service_query(key: &ServiceKey) -> IpvsMessage {
    let mut svc = Service::new(*key);
    svc.scheduler.clear();
    svc.netmask = 0;
    IpvsMessage::new(
        IpvsCmd::GetService,
        vec![IpvsAttr::Service(service_attrs(&svc))],
    )
}

/// The `GET_DEST` dump of one service's real servers: a service nest of
/// its key alone, as ipvsadm asks.
fn dests_query(key: &ServiceKey) -> IpvsMessage {
    IpvsMessage::new(
        IpvsCmd::GetDest,
        vec![IpvsAttr::Service(service_key_attrs(key))],
    )
}

/// The service of a dump message, decoded straight from its bytes.
fn service_in(
    m: RawMessage<'_>,
    stats: StatsNests,
) -> std::result::Result<Service, NetlinkError> {
    let nest = m.service_nest().ok().flatten();
    nest.and_then(|n| service_from_nest(n, stats).ok())
        .ok_or(NetlinkError::Kernel(libc::EINVAL))
}

/// The real server of a dump message, decoded straight from its bytes.
fn dest_in(
    m: RawMessage<'_>,
    family: crate::model::AddressFamily,
    stats: StatsNests,
) -> std::result::Result<Destination, NetlinkError> {
    let nest = m.dest_nest().ok().flatten();
    nest.and_then(|n| dest_from_nest(n, family, stats).ok())
        .ok_or(NetlinkError::Kernel(libc::EINVAL))
}

#[cfg(test)]
mod tests;
