//! ipvsadm's `parse_options` and `process_options` up to execution: the
//! command must come first, every later option is applied in argv order,
//! then `--set` values, leftovers, scheduler flags, the matrix and the
//! remaining checks, and finally the typed [`Command`].

use std::borrow::Cow;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use super::args::ArgList;
use super::beyond::Extras;
use super::command::{ApplyRequest, Command, ListRequest, ListView, StatsView};
use super::entry::{
    self, AF_INET6, CONN_F_DROUTE, CONN_F_TUNNEL, CharArray, Entry,
};
use super::matrix;
use super::scan::Scanner;
use super::table::{Cmd, Column, Opt};
use crate::Error;
use crate::error::Text;
use crate::model::{
    AddressFamily, DaemonConfig, DaemonState, Destination, ForwardMethod,
    Protocol, Service, ServiceFlags, ServiceKey, Stats, Timeouts, TunnelType,
};

/// Parses one command line (`args` without argv[0]) as ipvsadm 1.31
/// does, honouring `POSIXLY_CORRECT` / `POSIX_ME_HARDER` from the
/// environment. No arguments at all means a full listing. Arguments are
/// bytes (`String`s will do): a message echoes them as they were given.
pub fn parse_command_line(
    argv0: &(impl AsRef<[u8]> + ?Sized),
    args: &(impl ArgList + ?Sized),
) -> Result<Command, Error> {
    parse_with(argv0, args, posix_mode())
}

/// Whether popt's POSIX rule applies (`POSIXLY_CORRECT` or
/// `POSIX_ME_HARDER` set). Read once: nothing here changes the
/// environment, and `-R` parses every line.
pub(crate) fn posix_mode() -> bool {
    static POSIX: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *POSIX.get_or_init(|| {
        std::env::var_os("POSIXLY_CORRECT").is_some()
            || std::env::var_os("POSIX_ME_HARDER").is_some()
    })
}

/// [`parse_command_line`] with the POSIX rule given explicitly.
pub fn parse_with(
    argv0: &(impl AsRef<[u8]> + ?Sized),
    args: &(impl ArgList + ?Sized),
    posix: bool,
) -> Result<Command, Error> {
    if args.count() == 0 {
        return Ok(Command::List(ListRequest::default()));
    }
    let try_help = || Error::TryHelp(argv0.as_ref().into());
    let mut scan = Scanner::new(args, posix);
    // `--netns` (not in ipvsadm) may come before the command; alone, it
    // means the full listing, as a bare `ipvsadm` does.
    let mut leading = Extras::default();
    let (first, value) = loop {
        match scan.next_opt() {
            Ok(Some((spec, value))) if spec.opt == Opt::Netns => {
                leading.take(spec.opt, value.as_deref().unwrap_or(b""))?;
            }
            Ok(Some(found)) => break found,
            Ok(None)
                if leading.netns.is_some() && scan.leftovers().is_empty() =>
            {
                return Ok(Command::List(ListRequest::default()));
            }
            Ok(None) | Err(_) => return Err(try_help()),
        }
    };
    let cmd = match first.opt {
        Opt::Help => return Ok(Command::Help),
        Opt::Version => return Ok(Command::Version),
        Opt::Command(cmd) => cmd,
        _ => return Err(try_help()),
    };
    let mut entry = Entry::new(cmd);
    entry.extras = leading;
    match cmd {
        Cmd::StartDaemon => {
            entry.daemon.state =
                daemon_state(value.as_deref()).ok_or_else(|| {
                    invalid("illegal start-daemon parameter specified")
                })?;
        }
        Cmd::StopDaemon => {
            entry.daemon.state = daemon_state(value.as_deref())
                .ok_or_else(|| invalid("illegal start_daemon specified"))?;
        }
        Cmd::Apply => {
            entry.extras.apply_file =
                value.map(Cow::into_owned).unwrap_or_default();
        }
        _ => {}
    }
    loop {
        match scan.next_opt() {
            Ok(None) => break,
            Ok(Some((spec, value))) => {
                if matches!(
                    spec.opt,
                    Opt::Command(_) | Opt::Help | Opt::Version
                ) {
                    return Err(Error::Invalid(Text::join(&[
                        b"invalid option `",
                        scan.bad_option(),
                        b"'",
                    ])));
                }
                entry.apply(spec, value.as_deref())?;
            }
            Err(e) => {
                return Err(Error::BadOption {
                    arg: scan.bad_option().into(),
                    reason: e.reason(),
                });
            }
        }
    }
    let mut leftovers = scan.leftovers().iter();
    let mut timeouts = Timeouts::default();
    if cmd == Cmd::SetTimeouts {
        let (Some(tcp), Some(fin), Some(udp)) =
            (leftovers.next(), leftovers.next(), leftovers.next())
        else {
            return Err(invalid("--set option requires 3 timeout values"));
        };
        timeouts = Timeouts {
            tcp: entry::timeout(tcp, 0)?,
            tcp_fin: entry::timeout(fin, 0)?,
            udp: entry::timeout(udp, 0)?,
        };
    }
    if let Some(extra) = leftovers.next() {
        return Err(Error::Invalid(Text::join(&[
            b"unexpected argument ",
            extra,
        ])));
    }
    if !entry.sched_flags_arg.is_empty() {
        let bits = entry::parse_sched_flags(
            entry.svc.sched_name.as_bytes(),
            entry.sched_flags_arg.as_bytes(),
        )?;
        entry.svc.flags = (entry.svc.flags & !ServiceFlags::SCHED_MASK) | bits;
    }
    matrix::check_command(cmd, entry.given)?;
    entry.extras.check(cmd)?;
    validate(&mut entry)?;
    Ok(build(&entry, timeouts))
}

fn invalid(message: &str) -> Error {
    Error::Invalid(message.into())
}

fn daemon_state(value: Option<&[u8]>) -> Option<DaemonState> {
    match value {
        Some(b"master") => Some(DaemonState::Master),
        Some(b"backup") => Some(DaemonState::Backup),
        _ => None,
    }
}

/// The checks after the matrix, in ipvsadm's order, and its defaults.
fn validate(entry: &mut Entry) -> Result<(), Error> {
    let cmd = entry.cmd;
    let svc = &mut entry.svc;
    if matches!(cmd, Cmd::AddService | Cmd::EditService) {
        if svc.fwmark == 0
            && svc.port == 0
            && svc.flags & ServiceFlags::PERSISTENT == 0
        {
            return Err(invalid(
                "Zero port specified for non-persistent service",
            ));
        }
        if svc.flags & ServiceFlags::ONEPACKET != 0
            && svc.fwmark == 0
            && svc.protocol != Protocol::Udp.raw()
        {
            return Err(invalid(
                "One-Packet Scheduling is only for UDP virtual services",
            ));
        }
        if svc.sched_name.is_empty() {
            svc.sched_name = CharArray::new(b"wlc");
        }
    }
    if cmd == Cmd::StartDaemon && entry.daemon.mcast_ifn.is_empty() {
        entry.daemon.mcast_ifn = CharArray::new(b"eth0");
    }
    let method = entry.dest.conn_flags & 7;
    if matches!(cmd, Cmd::AddServer | Cmd::EditServer) {
        if svc.fwmark == 0
            && (method == CONN_F_TUNNEL || method == CONN_F_DROUTE)
        {
            entry.dest.port = svc.port;
        }
        if entry.dest.af != svc.af && method != CONN_F_TUNNEL {
            return Err(invalid(
                "Different address family is allowed only for tunneling \
                 servers",
            ));
        }
        let tunnel_opts = Column::TunType.bit()
            | Column::TunPort.bit()
            | Column::TunNocsum.bit()
            | Column::TunCsum.bit()
            | Column::TunRemcsum.bit();
        if entry.given & tunnel_opts != 0 && method != CONN_F_TUNNEL {
            return Err(invalid("Tunnel options conflict with forward method"));
        }
        matrix::check_tunnel(entry.dest.tun_type, entry.given)?;
    }
    if cmd == Cmd::List {
        let any = |cols: &[Column]| cols.iter().any(|&c| entry.has(c));
        let tables =
            any(&[Column::Connection, Column::Timeout, Column::Daemon]);
        let columns = any(&[Column::Stats, Column::Rate, Column::Thresholds]);
        let info = any(&[Column::Timeout, Column::Daemon]);
        if (tables && columns) || (info && entry.has(Column::PersistentConn)) {
            return Err(invalid("options conflicts in the list command"));
        }
    }
    Ok(())
}

/// The service identity as ipvsadm would send it.
fn service_key(entry: &Entry) -> ServiceKey {
    let svc = &entry.svc;
    if svc.fwmark != 0 {
        let family = if svc.af == AF_INET6 {
            AddressFamily::Inet6
        } else {
            AddressFamily::Inet
        };
        ServiceKey::Fwmark {
            family,
            mark: svc.fwmark,
        }
    } else {
        ServiceKey::Inet {
            protocol: Protocol::from_raw(svc.protocol),
            addr: svc.addr,
            port: svc.port,
        }
    }
}

/// The complete service structure ipvsadm would send.
fn service(entry: &Entry) -> Service {
    let svc = &entry.svc;
    Service {
        key: service_key(entry),
        scheduler: model_text(svc.sched_name.as_bytes()),
        flags: ServiceFlags(svc.flags),
        timeout: svc.timeout,
        netmask: svc.netmask,
        pe_name: (!svc.pe_name.is_empty())
            .then(|| model_text(svc.pe_name.as_bytes())),
        stats: Stats::default(),
    }
}

/// A scheduler or persistence engine name as the model holds it (text).
/// The kernel knows none whose name is not UTF-8 and refuses such a name
/// by its length (more than 15 bytes) or as unknown, so each byte that is
/// not UTF-8 becomes one `?`: the kernel answers as it would to the bytes.
fn model_text(name: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(name) {
        return text.to_owned();
    }
    let mut text = String::with_capacity(name.len());
    for chunk in name.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(chunk.invalid().iter().map(|_| '?'));
    }
    text
}

/// The complete real-server structure ipvsadm would send.
fn destination(entry: &Entry) -> Destination {
    let d = &entry.dest;
    let mut dest = Destination::new(d.addr, d.port);
    dest.forward = ForwardMethod::from_raw(d.conn_flags);
    dest.weight = d.weight;
    dest.u_threshold = d.u_threshold;
    dest.l_threshold = d.l_threshold;
    dest.tun_type = TunnelType::from_raw(d.tun_type);
    dest.tun_port = d.tun_port;
    dest.tun_flags = d.tun_flags;
    dest
}

fn daemon(entry: &Entry) -> DaemonConfig {
    let d = &entry.daemon;
    DaemonConfig {
        state: d.state,
        mcast_ifn: d.mcast_ifn.as_bytes().to_vec(),
        sync_id: d.syncid,
        sync_maxlen: d.sync_maxlen,
        mcast_group: d.mcast_group,
        mcast_port: d.mcast_port,
        mcast_ttl: d.mcast_ttl,
    }
}

fn listing(entry: &Entry) -> ListRequest {
    let has = |c| entry.has(c);
    let view = if has(Column::Connection) {
        ListView::Connections
    } else if has(Column::ServiceAddress) {
        ListView::Services
    } else if has(Column::Timeout) {
        ListView::Timeouts
    } else if has(Column::Daemon) {
        ListView::Daemons
    } else {
        ListView::Services
    };
    let columns = if has(Column::Stats) {
        StatsView::Stats
    } else if has(Column::Rate) {
        StatsView::Rate
    } else if has(Column::Thresholds) {
        StatsView::Thresholds
    } else if has(Column::PersistentConn) {
        StatsView::PersistentConn
    } else if has(Column::TunInfo) {
        StatsView::TunInfo
    } else {
        StatsView::Default
    };
    ListRequest {
        view,
        columns,
        service: has(Column::ServiceAddress).then(|| service_key(entry)),
        numeric: has(Column::Numeric),
        exact: has(Column::Exact),
        nosort: has(Column::Nosort),
        persistent_conn: has(Column::PersistentConn),
        format: entry.extras.format.unwrap_or_default(),
    }
}

/// libipvs sends no service with `-Z` when fwmark, address and port are
/// all zero.
fn zero_target(entry: &Entry) -> Option<ServiceKey> {
    let svc = &entry.svc;
    let zero_addr = svc.addr.is_unspecified();
    if svc.fwmark == 0 && zero_addr && svc.port == 0 {
        None
    } else {
        Some(service_key(entry))
    }
}

fn build(entry: &Entry, timeouts: Timeouts) -> Command {
    match entry.cmd {
        Cmd::AddService => Command::AddService(service(entry)),
        Cmd::EditService => Command::EditService(service(entry)),
        Cmd::DeleteService => Command::DeleteService(service(entry)),
        Cmd::Flush => Command::Flush,
        Cmd::List => Command::List(listing(entry)),
        Cmd::AddServer => Command::AddServer {
            service: service(entry),
            dest: destination(entry),
        },
        Cmd::EditServer => Command::EditServer {
            service: service(entry),
            dest: destination(entry),
        },
        Cmd::DeleteServer => Command::DeleteServer {
            service: service(entry),
            dest: destination(entry),
        },
        Cmd::SetTimeouts => Command::SetTimeouts(timeouts),
        Cmd::StartDaemon => Command::StartDaemon(daemon(entry)),
        Cmd::StopDaemon => Command::StopDaemon(daemon(entry)),
        Cmd::Restore => Command::Restore,
        Cmd::Save => Command::Save {
            numeric: entry.has(Column::Numeric),
        },
        Cmd::Zero => Command::Zero(zero_target(entry)),
        Cmd::Apply => Command::Apply(ApplyRequest {
            file: OsString::from_vec(entry.extras.apply_file.clone()).into(),
            dry_run: entry.extras.dry_run,
            atomic: entry.extras.atomic,
        }),
    }
}
