//! ipvsadm's option table, defined once as data: short and long names,
//! argument kind, the name used in messages and the column of the
//! command/option compatibility matrix. The scanner, the matrix check, the
//! `-h` text and the shell completions are all driven by it.

/// Whether an option takes a value (popt's `POPT_ARG_NONE`,
/// `POPT_ARG_STRING` and `POPT_ARG_STRING|POPT_ARGFLAG_OPTIONAL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArgKind {
    None,
    Required,
    Optional,
}

/// The commands of ipvsadm, in the order of its command table (which is
/// also the row order of the compatibility matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommandKind {
    AddService,
    EditService,
    DeleteService,
    Flush,
    List,
    AddServer,
    DeleteServer,
    EditServer,
    SetTimeouts,
    StartDaemon,
    StopDaemon,
    Restore,
    Save,
    Zero,
    /// `--apply FILE`: not in ipvsadm (see `cli::extensions`).
    Apply,
    /// `--top`: the live view (not in ipvsadm).
    Top,
}

impl CommandKind {
    /// Every command, in table order (`ALL[cmd.index()] == cmd`).
    pub(crate) const ALL: [CommandKind; 16] = [
        CommandKind::AddService,
        CommandKind::EditService,
        CommandKind::DeleteService,
        CommandKind::Flush,
        CommandKind::List,
        CommandKind::AddServer,
        CommandKind::DeleteServer,
        CommandKind::EditServer,
        CommandKind::SetTimeouts,
        CommandKind::StartDaemon,
        CommandKind::StopDaemon,
        CommandKind::Restore,
        CommandKind::Save,
        CommandKind::Zero,
        CommandKind::Apply,
        CommandKind::Top,
    ];

    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The name used in matrix messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            CommandKind::AddService => "add-service",
            CommandKind::EditService => "edit-service",
            CommandKind::DeleteService => "delete-service",
            CommandKind::Flush => "flush",
            CommandKind::List => "list",
            CommandKind::AddServer => "add-server",
            CommandKind::DeleteServer => "delete-server",
            CommandKind::EditServer => "edit-server",
            CommandKind::SetTimeouts => "set",
            CommandKind::StartDaemon => "start-daemon",
            CommandKind::StopDaemon => "stop-daemon",
            CommandKind::Restore => "restore",
            CommandKind::Save => "save",
            CommandKind::Zero => "zero",
            CommandKind::Apply => "apply",
            CommandKind::Top => "top",
        }
    }
}

/// The 34 tracked options, in matrix column order. Each may be given once;
/// the name appears in `multiple '...' options specified` and in the
/// matrix messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TrackedOption {
    Numeric,
    Connection,
    ServiceAddress,
    Scheduler,
    Persistent,
    Netmask,
    RealServer,
    ForwardingMethod,
    Weight,
    UThreshold,
    LThreshold,
    McastInterface,
    Timeout,
    Daemon,
    Stats,
    Rate,
    Thresholds,
    PersistentConn,
    Nosort,
    Syncid,
    Exact,
    Ops,
    Pe,
    SchedFlags,
    McastGroup,
    McastPort,
    McastTtl,
    SyncMaxlen,
    TunInfo,
    TunType,
    TunPort,
    TunNocsum,
    TunCsum,
    TunRemcsum,
}

impl TrackedOption {
    /// Every column, in index order.
    pub(crate) const ALL: [TrackedOption; 34] = [
        TrackedOption::Numeric,
        TrackedOption::Connection,
        TrackedOption::ServiceAddress,
        TrackedOption::Scheduler,
        TrackedOption::Persistent,
        TrackedOption::Netmask,
        TrackedOption::RealServer,
        TrackedOption::ForwardingMethod,
        TrackedOption::Weight,
        TrackedOption::UThreshold,
        TrackedOption::LThreshold,
        TrackedOption::McastInterface,
        TrackedOption::Timeout,
        TrackedOption::Daemon,
        TrackedOption::Stats,
        TrackedOption::Rate,
        TrackedOption::Thresholds,
        TrackedOption::PersistentConn,
        TrackedOption::Nosort,
        TrackedOption::Syncid,
        TrackedOption::Exact,
        TrackedOption::Ops,
        TrackedOption::Pe,
        TrackedOption::SchedFlags,
        TrackedOption::McastGroup,
        TrackedOption::McastPort,
        TrackedOption::McastTtl,
        TrackedOption::SyncMaxlen,
        TrackedOption::TunInfo,
        TrackedOption::TunType,
        TrackedOption::TunPort,
        TrackedOption::TunNocsum,
        TrackedOption::TunCsum,
        TrackedOption::TunRemcsum,
    ];

    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The bit of this option in a set of given options.
    pub(crate) const fn bit(self) -> u64 {
        1 << self.index()
    }

    /// The name used in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TrackedOption::Numeric => "numeric",
            TrackedOption::Connection => "connection",
            TrackedOption::ServiceAddress => "service-address",
            TrackedOption::Scheduler => "scheduler",
            TrackedOption::Persistent => "persistent",
            TrackedOption::Netmask => "netmask",
            TrackedOption::RealServer => "real-server",
            TrackedOption::ForwardingMethod => "forwarding-method",
            TrackedOption::Weight => "weight",
            TrackedOption::UThreshold => "u-threshold",
            TrackedOption::LThreshold => "l-threshold",
            TrackedOption::McastInterface => "mcast-interface",
            TrackedOption::Timeout => "timeout",
            TrackedOption::Daemon => "daemon",
            TrackedOption::Stats => "stats",
            TrackedOption::Rate => "rate",
            TrackedOption::Thresholds => "thresholds",
            TrackedOption::PersistentConn => "persistent-conn",
            TrackedOption::Nosort => "nosort",
            TrackedOption::Syncid => "syncid",
            TrackedOption::Exact => "exact",
            TrackedOption::Ops => "ops",
            TrackedOption::Pe => "pe",
            TrackedOption::SchedFlags => "sched-flags",
            TrackedOption::McastGroup => "mcast-group",
            TrackedOption::McastPort => "mcast-port",
            TrackedOption::McastTtl => "mcast-ttl",
            TrackedOption::SyncMaxlen => "sync-maxlen",
            TrackedOption::TunInfo => "tun-info",
            TrackedOption::TunType => "tun-type",
            TrackedOption::TunPort => "tun-port",
            TrackedOption::TunNocsum => "tun-nocsum",
            TrackedOption::TunCsum => "tun-csum",
            TrackedOption::TunRemcsum => "tun-remcsum",
        }
    }
}

/// What an option does when the scanner returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opt {
    Command(CommandKind),
    Help,
    Version,
    TcpService,
    UdpService,
    SctpService,
    FwmarkService,
    Scheduler,
    Persistent,
    Netmask,
    RealServer,
    Masquerading,
    Ipip,
    Gatewaying,
    Weight,
    UThreshold,
    LThreshold,
    Numeric,
    Connection,
    McastInterface,
    Syncid,
    Timeout,
    Daemon,
    Stats,
    Rate,
    Thresholds,
    PersistentConn,
    Nosort,
    Sort,
    Exact,
    Ipv6,
    Ops,
    Pe,
    SchedFlags,
    McastGroup,
    McastPort,
    McastTtl,
    SyncMaxlen,
    TunInfo,
    TunType,
    TunPort,
    TunNocsum,
    TunCsum,
    TunRemcsum,
    /// `--format text|json|table|prometheus` (not in ipvsadm).
    Format,
    /// `--netns NAME|PATH` (not in ipvsadm).
    Netns,
    /// `--dry-run` with `--apply` (not in ipvsadm).
    DryRun,
    /// `--atomic` with `--apply` (not in ipvsadm).
    Atomic,
    /// `--all-netns` with `-L`, `-S` and `--top` (not in ipvsadm).
    AllNetns,
    /// `--interval SECONDS` with `--top` (not in ipvsadm).
    Interval,
    /// `--watch` with `--apply FILE` (not in ipvsadm).
    Watch,
    /// `--metrics ADDR:PORT` with `--apply FILE --watch` or `--top` (not
    /// in ipvsadm).
    Metrics,
}

/// One row of the option table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OptSpec {
    pub opt: Opt,
    pub short: Option<char>,
    pub long: &'static str,
    pub arg: ArgKind,
    /// Matrix column; `None` for commands, `-6` and `--sort`.
    pub column: Option<TrackedOption>,
    /// Placeholder for the value in `-h` and the completions (for `--set`,
    /// which reads three plain arguments, their names).
    pub value_name: &'static str,
    /// What the option does, in this project's words, for `-h` (which
    /// wraps it) and the completions.
    pub help: &'static str,
}

const fn spec(
    opt: Opt,
    short: Option<char>,
    long: &'static str,
    arg: ArgKind,
    column: Option<TrackedOption>,
    value_name: &'static str,
    help: &'static str,
) -> OptSpec {
    OptSpec {
        opt,
        short,
        long,
        arg,
        column,
        value_name,
        help,
    }
}

use ArgKind::{None as NoArg, Optional, Required};
use TrackedOption as C;

/// The table, in ipvsadm's order (popt searches it front to back, so
/// `--list` finds the `-L` row first).
#[rustfmt::skip]
pub(crate) const OPTIONS: &[OptSpec] = &[
    spec(Opt::Command(CommandKind::AddService), Some('A'), "add-service", NoArg,
        None, "", "create a virtual service"),
    spec(Opt::Command(CommandKind::EditService), Some('E'), "edit-service", NoArg,
        None, "", "change the settings of a virtual service"),
    spec(Opt::Command(CommandKind::DeleteService), Some('D'), "delete-service",
        NoArg, None, "", "remove a virtual service and its real servers"),
    spec(Opt::Command(CommandKind::Flush), Some('C'), "clear", NoArg, None, "",
        "remove every virtual service"),
    spec(Opt::Command(CommandKind::List), Some('L'), "list", NoArg, None, "",
        "show every virtual service, or the one given"),
    spec(Opt::Command(CommandKind::List), Some('l'), "list", NoArg, None, "",
        "show every virtual service, or the one given"),
    spec(Opt::Command(CommandKind::Zero), Some('Z'), "zero", NoArg, None, "",
        "reset the counters of the service given, or of all"),
    spec(Opt::Command(CommandKind::AddServer), Some('a'), "add-server", NoArg,
        None, "", "add a real server to a virtual service"),
    spec(Opt::Command(CommandKind::EditServer), Some('e'), "edit-server", NoArg,
        None, "", "change the settings of a real server"),
    spec(Opt::Command(CommandKind::DeleteServer), Some('d'), "delete-server",
        NoArg, None, "", "remove a real server from a virtual service"),
    spec(Opt::Command(CommandKind::SetTimeouts), None, "set", NoArg, None,
        "tcp tcpfin udp",
        "set the TCP, TCP FIN-wait and UDP timeouts in seconds (0 leaves one as it is)"),
    spec(Opt::Help, Some('h'), "help", NoArg, None, "",
        "print this help and exit"),
    spec(Opt::Version, Some('v'), "version", NoArg, None, "",
        "print the version line of ipvsadm 1.31 and exit"),
    spec(Opt::Command(CommandKind::Restore), Some('R'), "restore", NoArg, None, "",
        "run the commands read from standard input, one a line"),
    spec(Opt::Command(CommandKind::Save), Some('S'), "save", NoArg, None, "",
        "print the table as commands that -R reads back"),
    spec(Opt::Command(CommandKind::StartDaemon), None, "start-daemon", Required,
        None, "master|backup", "start a connection synchronisation daemon"),
    spec(Opt::Command(CommandKind::StopDaemon), None, "stop-daemon", Required,
        None, "master|backup", "stop a connection synchronisation daemon"),
    spec(Opt::TcpService, Some('t'), "tcp-service", Required,
        Some(C::ServiceAddress), "host[:port]", "a TCP virtual service"),
    spec(Opt::UdpService, Some('u'), "udp-service", Required,
        Some(C::ServiceAddress), "host[:port]", "a UDP virtual service"),
    spec(Opt::SctpService, None, "sctp-service", Required,
        Some(C::ServiceAddress), "host[:port]", "an SCTP virtual service"),
    spec(Opt::FwmarkService, Some('f'), "fwmark-service", Required,
        Some(C::ServiceAddress), "fwmark",
        "a virtual service for packets with this firewall mark (1 or more)"),
    spec(Opt::Scheduler, Some('s'), "scheduler", Required,
        Some(C::Scheduler), "scheduler",
        "how connections are spread: rr, wrr, lc, wlc (the default), lblc, \
         lblcr, dh, sh, sed, nq, fo, ovf or mh"),
    spec(Opt::Persistent, Some('p'), "persistent", Optional,
        Some(C::Persistent), "timeout",
        "send a client to the same real server for this many seconds \
         (360 if no value is given)"),
    spec(Opt::Netmask, Some('M'), "netmask", Required, Some(C::Netmask),
        "netmask",
        "clients in one network of this size count as one for -p (an IPv4 \
         mask, or an IPv6 prefix length)"),
    spec(Opt::RealServer, Some('r'), "real-server", Required,
        Some(C::RealServer), "host[:port]",
        "the real server (its port defaults to the service's)"),
    spec(Opt::Masquerading, Some('m'), "masquerading", NoArg,
        Some(C::ForwardingMethod), "", "forward by NAT"),
    spec(Opt::Ipip, Some('i'), "ipip", NoArg, Some(C::ForwardingMethod),
        "", "forward through a tunnel"),
    spec(Opt::Gatewaying, Some('g'), "gatewaying", NoArg,
        Some(C::ForwardingMethod), "",
        "forward by direct routing (the default)"),
    spec(Opt::Weight, Some('w'), "weight", Required, Some(C::Weight),
        "weight",
        "relative share of new connections, 0 to 2147483647 (default 1; \
         0 sends none)"),
    spec(Opt::UThreshold, Some('x'), "u-threshold", Required,
        Some(C::UThreshold), "uthreshold",
        "send no new connections while the server has this many (0: no limit)"),
    spec(Opt::LThreshold, Some('y'), "l-threshold", Required,
        Some(C::LThreshold), "lthreshold",
        "resume sending once the server is back below this many"),
    spec(Opt::Numeric, Some('n'), "numeric", NoArg, Some(C::Numeric), "",
        "print addresses and ports as numbers, without name lookups"),
    spec(Opt::Connection, Some('c'), "connection", NoArg,
        Some(C::Connection), "", "list the connections IPVS tracks"),
    spec(Opt::McastInterface, None, "mcast-interface", Required,
        Some(C::McastInterface), "interface",
        "network interface of the sync traffic (default eth0)"),
    spec(Opt::Syncid, None, "syncid", Required, Some(C::Syncid), "sid",
        "sync ID, 0 to 255 (default 0)"),
    spec(Opt::Timeout, None, "timeout", NoArg, Some(C::Timeout), "",
        "list the TCP, TCP FIN-wait and UDP timeouts"),
    spec(Opt::Daemon, None, "daemon", NoArg, Some(C::Daemon), "",
        "list the running sync daemons"),
    spec(Opt::Stats, None, "stats", NoArg, Some(C::Stats), "",
        "add connection, packet and byte counters"),
    spec(Opt::Rate, None, "rate", NoArg, Some(C::Rate), "",
        "add connection, packet and byte rates per second"),
    spec(Opt::Thresholds, None, "thresholds", NoArg, Some(C::Thresholds),
        "", "add the connection thresholds of each real server"),
    spec(Opt::PersistentConn, None, "persistent-conn", NoArg,
        Some(C::PersistentConn), "",
        "add the persistent connections of each real server"),
    spec(Opt::Nosort, None, "nosort", NoArg, Some(C::Nosort), "",
        "keep the kernel's order instead of sorting"),
    spec(Opt::Sort, None, "sort", NoArg, None, "",
        "accepted and ignored (sorting is the default)"),
    spec(Opt::Exact, Some('X'), "exact", NoArg, Some(C::Exact), "",
        "print counters and rates in full, without K, M or G"),
    spec(Opt::Ipv6, Some('6'), "ipv6", NoArg, None, "",
        "after -f: the firewall-mark service is an IPv6 one"),
    spec(Opt::Ops, Some('o'), "ops", NoArg, Some(C::Ops), "",
        "schedule every packet on its own (UDP and firewall-mark services)"),
    spec(Opt::Pe, None, "pe", Required, Some(C::Pe), "engine",
        "persistence engine (sip)"),
    spec(Opt::SchedFlags, Some('b'), "sched-flags", Required,
        Some(C::SchedFlags), "flags",
        "scheduler flags, separated by commas: flag-1, flag-2, flag-3, \
         sh-fallback, sh-port, mh-fallback, mh-port"),
    spec(Opt::McastGroup, None, "mcast-group", Required,
        Some(C::McastGroup), "address",
        "multicast group of the sync traffic, IPv4 or IPv6"),
    spec(Opt::McastPort, None, "mcast-port", Required, Some(C::McastPort),
        "port", "UDP port of the sync traffic"),
    spec(Opt::McastTtl, None, "mcast-ttl", Required, Some(C::McastTtl),
        "ttl", "time to live of the sync packets, 1 to 255"),
    spec(Opt::SyncMaxlen, None, "sync-maxlen", Required,
        Some(C::SyncMaxlen), "length", "largest sync message, in bytes"),
    spec(Opt::TunInfo, None, "tun-info", NoArg, Some(C::TunInfo), "",
        "add the tunnel settings of each real server"),
    spec(Opt::TunType, None, "tun-type", Required, Some(C::TunType),
        "ipip|gue|gre", "tunnel encapsulation (default ipip)"),
    spec(Opt::TunPort, None, "tun-port", Required, Some(C::TunPort), "port",
        "destination port of a gue tunnel"),
    spec(Opt::TunNocsum, None, "tun-nocsum", NoArg, Some(C::TunNocsum), "",
        "tunnel packets carry no checksum"),
    spec(Opt::TunCsum, None, "tun-csum", NoArg, Some(C::TunCsum), "",
        "tunnel packets carry a checksum"),
    spec(Opt::TunRemcsum, None, "tun-remcsum", NoArg, Some(C::TunRemcsum),
        "", "tunnel packets use remote checksum offload"),
    // Not in ipvsadm 1.31: long options it never had (it rejected each
    // as an unknown option), so no ipvsadm command line changes meaning.
    spec(Opt::Command(CommandKind::Apply), None, "apply", Required, None, "file",
        "change the table to match the file (-S lines or JSON; - for \
         standard input), touching only what differs"),
    spec(Opt::Format, None, "format", Required, None,
        "text|json|table|prometheus",
        "with -L: ipvsadm's text (the default), JSON, boxed tables, or \
         Prometheus metrics"),
    spec(Opt::Netns, None, "netns", Required, None, "name|path",
        "work in a network namespace: a name under /run/netns, or a path; \
         may come before the command"),
    spec(Opt::DryRun, None, "dry-run", NoArg, None, "",
        "with --apply: print the planned changes and change nothing"),
    spec(Opt::Atomic, None, "atomic", NoArg, None, "",
        "with --apply: if a change fails, undo the ones already made"),
    // Metrics and live view (issue 15).
    spec(Opt::AllNetns, None, "all-netns", NoArg, None, "",
        "with -L, -S or --top: every network namespace (this one, \
         /run/netns/* and /run/docker/netns/*), each named"),
    spec(Opt::Command(CommandKind::Top), None, "top", NoArg, None, "",
        "a live view of services and real servers with their rates, \
         refreshed every --interval"),
    spec(Opt::Interval, None, "interval", Required, None, "seconds",
        "with --top: seconds between refreshes (default 1)"),
    spec(Opt::Watch, None, "watch", NoArg, None, "",
        "with --apply FILE: stay running, check the real servers' health \
         and keep the table on FILE's healthy servers (FILE may be an \
         ldirectord.cf)"),
    spec(Opt::Metrics, None, "metrics", Required, None, "addr:port",
        "with --apply FILE --watch: serve Prometheus metrics of the table \
         and the servers' health over HTTP (GET /metrics); with --top: \
         read them there and mark the servers reported down"),
];

/// The first row with this long name (exact match only, as popt does).
pub(super) fn find_long(name: &str) -> Option<&'static OptSpec> {
    OPTIONS.iter().find(|o| o.long == name)
}

/// The first row with this short name.
pub(super) fn find_short(c: u8) -> Option<&'static OptSpec> {
    let row = *SHORT_ROWS.get(usize::from(c))?;
    OPTIONS.get(usize::from(row))
}

/// For each ASCII byte, the first row of [`OPTIONS`] with it as short
/// name (`NO_ROW` when none has it): options are looked up for every
/// character of every cluster.
const SHORT_ROWS: [u8; 128] = short_rows();

const NO_ROW: u8 = u8::MAX;

const fn short_rows() -> [u8; 128] {
    assert!(OPTIONS.len() < NO_ROW as usize);
    let mut rows = [NO_ROW; 128];
    // Backwards, so that the first row with a name is the one kept.
    let mut i = OPTIONS.len();
    while i > 0 {
        i -= 1;
        if let Some(c) = OPTIONS[i].short {
            if c.is_ascii() {
                rows[c as usize] = i as u8;
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_find_their_first_row() {
        for c in 0..=u8::MAX {
            let first = OPTIONS.iter().find(|o| o.short == Some(char::from(c)));
            let found = find_short(c);
            assert_eq!(found.map(|o| o.opt), first.map(|o| o.opt), "{c}");
        }
        assert_eq!(find_short(b'w').map(|o| o.opt), Some(Opt::Weight));
    }

    #[test]
    fn every_command_has_its_index() {
        for (i, cmd) in CommandKind::ALL.iter().enumerate() {
            assert_eq!(cmd.index(), i);
        }
    }

    #[test]
    fn every_column_has_an_option_and_its_index() {
        for (i, col) in TrackedOption::ALL.iter().enumerate() {
            assert_eq!(col.index(), i);
            assert!(OPTIONS.iter().any(|o| o.column == Some(*col)));
        }
    }

    #[test]
    fn long_list_finds_upper_case_row() {
        assert_eq!(find_long("list").and_then(|o| o.short), Some('L'));
        assert_eq!(
            find_short(b'l').map(|o| o.opt),
            Some(Opt::Command(CommandKind::List))
        );
    }

    #[test]
    fn no_abbreviations() {
        assert!(find_long("lis").is_none());
        assert!(find_long("").is_none());
    }
}
