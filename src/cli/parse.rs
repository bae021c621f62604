//! ipvsadm's `parse_options` and `process_options` up to execution: the
//! command must come first, every later option is applied in argv order,
//! then `--set` values, leftovers, scheduler flags, the matrix and the
//! remaining checks, and finally the typed [`Command`].

use std::borrow::Cow;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use super::args::ArgList;
use super::command::{
    ApplyRequest, Command, ListRequest, ListView, StatsView, TopRequest,
};
use super::entry::{
    self, AF_INET6, CONN_F_DROUTE, CONN_F_TUNNEL, CharArray, CommandEntry,
};
use super::extensions::Extras;
use super::matrix;
use super::options::{CommandKind, Opt, OptSpec, TrackedOption};
use super::scan::{OptionValue, PoptScanner, posix_mode};
use crate::Error;
use crate::error::Text;
use crate::model::{
    AddressFamily, DaemonConfig, DaemonState, Destination, ForwardMethod,
    Protocol, Service, ServiceFlags, ServiceKey, Stats, Timeouts, TunnelType,
};

/// Parses one command line (`args` without `argv[0]`) as ipvsadm 1.31
/// does, honouring `POSIXLY_CORRECT` / `POSIX_ME_HARDER` from the
/// environment. No arguments at all means a full listing. Arguments are
/// bytes (`String`s will do): a message echoes them as they were given.
pub(crate) fn parse_command_line(
    argv0: &(impl AsRef<[u8]> + ?Sized),
    args: &(impl ArgList + ?Sized),
) -> Result<Command, Error> {
    parse_with(argv0, args, posix_mode())
}

/// `parse_command_line` with the POSIX rule given explicitly.
pub fn parse_with(
    argv0: &(impl AsRef<[u8]> + ?Sized),
    args: &(impl ArgList + ?Sized),
    posix: bool,
) -> Result<Command, Error> {
    if args.count() == 0 {
        return Ok(Command::List(ListRequest::default()));
    }
    let try_help = || Error::TryHelp(argv0.as_ref().into());
    let mut scan = PoptScanner::new(args, posix);
    let (first, value, leading) = match leading_options(&mut scan)? {
        Leading::First(spec, value, netns) => (spec, value, netns),
        Leading::OnlyNetns => return Ok(Command::List(ListRequest::default())),
        Leading::Nothing => return Err(try_help()),
    };
    let cmd = match first.opt {
        Opt::Help => return Ok(Command::Help),
        Opt::Version => return Ok(Command::Version),
        Opt::Command(cmd) => cmd,
        _ => return Err(try_help()),
    };
    let mut entry = CommandEntry::new(cmd);
    entry.extras = leading;
    match cmd {
        CommandKind::StartDaemon => {
            entry.daemon.state =
                daemon_state(value.as_deref()).ok_or_else(|| {
                    invalid("illegal start-daemon parameter specified")
                })?;
        }
        CommandKind::StopDaemon => {
            entry.daemon.state = daemon_state(value.as_deref())
                .ok_or_else(|| invalid("illegal start_daemon specified"))?;
        }
        CommandKind::Apply => {
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
    if cmd == CommandKind::SetTimeouts {
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

/// How a command line begins: `--netns` options (not in ipvsadm, and the
/// only options that may come before the command), then the command.
enum Leading<'a> {
    /// The first other option, its value and the `--netns` before it.
    First(&'static OptSpec, OptionValue<'a>, Extras),
    /// Nothing but `--netns`: the full listing, as a bare `ipvsadm`.
    OnlyNetns,
    /// No option, or a popt error: ipvsadm's `Try ...` hint.
    Nothing,
}

fn leading_options<'a, A: ArgList + ?Sized>(
    scan: &mut PoptScanner<'a, A>,
) -> Result<Leading<'a>, Error> {
    let mut netns = Extras::default();
    loop {
        match scan.next_opt() {
            Ok(Some((spec, value))) if spec.opt == Opt::Netns => {
                netns.take(spec.opt, value.as_deref().unwrap_or(b""))?;
            }
            Ok(Some((spec, value))) => {
                return Ok(Leading::First(spec, value, netns));
            }
            Ok(None)
                if netns.netns.is_some() && scan.leftovers().is_empty() =>
            {
                return Ok(Leading::OnlyNetns);
            }
            Ok(None) | Err(_) => return Ok(Leading::Nothing),
        }
    }
}

/// Whether a command line asks for `-h`, which is answered before IPVS
/// is reached (ipvsadm reaches it first, and so fails without it).
pub(crate) fn asks_for_help(args: &(impl ArgList + ?Sized)) -> bool {
    let mut scan = PoptScanner::new(args, posix_mode());
    matches!(
        leading_options(&mut scan),
        Ok(Leading::First(spec, ..)) if spec.opt == Opt::Help
    )
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
fn validate(entry: &mut CommandEntry) -> Result<(), Error> {
    let cmd = entry.cmd;
    let svc = &mut entry.svc;
    if matches!(cmd, CommandKind::AddService | CommandKind::EditService) {
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
    if cmd == CommandKind::StartDaemon && entry.daemon.mcast_ifn.is_empty() {
        entry.daemon.mcast_ifn = CharArray::new(b"eth0");
    }
    let method = entry.dest.conn_flags & 7;
    if matches!(cmd, CommandKind::AddServer | CommandKind::EditServer) {
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
        let tunnel_opts = TrackedOption::TunType.bit()
            | TrackedOption::TunPort.bit()
            | TrackedOption::TunNocsum.bit()
            | TrackedOption::TunCsum.bit()
            | TrackedOption::TunRemcsum.bit();
        if entry.given & tunnel_opts != 0 && method != CONN_F_TUNNEL {
            return Err(invalid("Tunnel options conflict with forward method"));
        }
        matrix::check_tunnel(entry.dest.tun_type, entry.given)?;
    }
    if cmd == CommandKind::List {
        let any = |cols: &[TrackedOption]| cols.iter().any(|&c| entry.has(c));
        let tables = any(&[
            TrackedOption::Connection,
            TrackedOption::Timeout,
            TrackedOption::Daemon,
        ]);
        let columns = any(&[
            TrackedOption::Stats,
            TrackedOption::Rate,
            TrackedOption::Thresholds,
        ]);
        let info = any(&[TrackedOption::Timeout, TrackedOption::Daemon]);
        if (tables && columns)
            || (info && entry.has(TrackedOption::PersistentConn))
        {
            return Err(invalid("options conflicts in the list command"));
        }
    }
    Ok(())
}

/// The service identity as ipvsadm would send it.
fn service_key(entry: &CommandEntry) -> ServiceKey {
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
fn service(entry: &CommandEntry) -> Service {
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
fn destination(entry: &CommandEntry) -> Destination {
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

fn daemon(entry: &CommandEntry) -> DaemonConfig {
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

fn listing(entry: &CommandEntry) -> ListRequest {
    let has = |c| entry.has(c);
    let view = if has(TrackedOption::Connection) {
        ListView::Connections
    } else if has(TrackedOption::ServiceAddress) {
        ListView::Services
    } else if has(TrackedOption::Timeout) {
        ListView::Timeouts
    } else if has(TrackedOption::Daemon) {
        ListView::Daemons
    } else {
        ListView::Services
    };
    let columns = if has(TrackedOption::Stats) {
        StatsView::Stats
    } else if has(TrackedOption::Rate) {
        StatsView::Rate
    } else if has(TrackedOption::Thresholds) {
        StatsView::Thresholds
    } else if has(TrackedOption::PersistentConn) {
        StatsView::PersistentConn
    } else if has(TrackedOption::TunInfo) {
        StatsView::TunInfo
    } else {
        StatsView::Default
    };
    ListRequest {
        view,
        columns,
        service: has(TrackedOption::ServiceAddress).then(|| service_key(entry)),
        numeric: has(TrackedOption::Numeric),
        exact: has(TrackedOption::Exact),
        nosort: has(TrackedOption::Nosort),
        persistent_conn: has(TrackedOption::PersistentConn),
        format: entry.extras.format.unwrap_or_default(),
        all_netns: entry.extras.all_netns,
    }
}

/// libipvs sends no service with `-Z` when fwmark, address and port are
/// all zero.
fn zero_target(entry: &CommandEntry) -> Option<ServiceKey> {
    let svc = &entry.svc;
    let zero_addr = svc.addr.is_unspecified();
    if svc.fwmark == 0 && zero_addr && svc.port == 0 {
        None
    } else {
        Some(service_key(entry))
    }
}

fn build(entry: &CommandEntry, timeouts: Timeouts) -> Command {
    match entry.cmd {
        CommandKind::AddService => Command::AddService(service(entry)),
        CommandKind::EditService => Command::EditService(service(entry)),
        CommandKind::DeleteService => Command::DeleteService(service(entry)),
        CommandKind::Flush => Command::Flush,
        CommandKind::List => Command::List(listing(entry)),
        CommandKind::AddServer => Command::AddServer {
            service: service(entry),
            dest: destination(entry),
        },
        CommandKind::EditServer => Command::EditServer {
            service: service(entry),
            dest: destination(entry),
        },
        CommandKind::DeleteServer => Command::DeleteServer {
            service: service(entry),
            dest: destination(entry),
        },
        CommandKind::SetTimeouts => Command::SetTimeouts(timeouts),
        CommandKind::StartDaemon => Command::StartDaemon(daemon(entry)),
        CommandKind::StopDaemon => Command::StopDaemon(daemon(entry)),
        CommandKind::Restore => Command::Restore,
        CommandKind::Save => Command::Save {
            numeric: entry.has(TrackedOption::Numeric),
            all_netns: entry.extras.all_netns,
        },
        CommandKind::Zero => Command::Zero(zero_target(entry)),
        CommandKind::Apply => Command::Apply(ApplyRequest {
            file: OsString::from_vec(entry.extras.apply_file.clone()).into(),
            dry_run: entry.extras.dry_run,
            atomic: entry.extras.atomic,
            watch: entry.extras.watch,
            metrics: entry.extras.metrics,
        }),
        CommandKind::Top => Command::Top(TopRequest {
            service: entry
                .has(TrackedOption::ServiceAddress)
                .then(|| service_key(entry)),
            interval_ms: entry.extras.interval_ms.unwrap_or(1000),
            all_netns: entry.extras.all_netns,
            metrics: entry.extras.metrics,
        }),
    }
}
