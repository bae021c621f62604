//! ipvsadm's option table, defined once as data: short and long names,
//! argument kind, the name used in messages and the column of the
//! command/option compatibility matrix. The scanner, the matrix check and
//! the clap description are all driven by it.

/// Whether an option takes a value (popt's `POPT_ARG_NONE`,
/// `POPT_ARG_STRING` and `POPT_ARG_STRING|POPT_ARGFLAG_OPTIONAL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    None,
    Required,
    Optional,
}

/// The commands of ipvsadm, in the order of its command table (which is
/// also the row order of the compatibility matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
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
    /// `--apply FILE`: not in ipvsadm (see `cli::beyond`).
    Apply,
}

impl Cmd {
    /// Every command, in table order (`ALL[cmd.index()] == cmd`).
    pub const ALL: [Cmd; 15] = [
        Cmd::AddService,
        Cmd::EditService,
        Cmd::DeleteService,
        Cmd::Flush,
        Cmd::List,
        Cmd::AddServer,
        Cmd::DeleteServer,
        Cmd::EditServer,
        Cmd::SetTimeouts,
        Cmd::StartDaemon,
        Cmd::StopDaemon,
        Cmd::Restore,
        Cmd::Save,
        Cmd::Zero,
        Cmd::Apply,
    ];

    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name used in matrix messages.
    pub fn name(self) -> &'static str {
        match self {
            Cmd::AddService => "add-service",
            Cmd::EditService => "edit-service",
            Cmd::DeleteService => "delete-service",
            Cmd::Flush => "flush",
            Cmd::List => "list",
            Cmd::AddServer => "add-server",
            Cmd::DeleteServer => "delete-server",
            Cmd::EditServer => "edit-server",
            Cmd::SetTimeouts => "set",
            Cmd::StartDaemon => "start-daemon",
            Cmd::StopDaemon => "stop-daemon",
            Cmd::Restore => "restore",
            Cmd::Save => "save",
            Cmd::Zero => "zero",
            Cmd::Apply => "apply",
        }
    }
}

/// The 34 tracked options, in matrix column order. Each may be given once;
/// the name appears in `multiple '...' options specified` and in the
/// matrix messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
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

impl Column {
    /// Every column, in index order.
    pub const ALL: [Column; 34] = [
        Column::Numeric,
        Column::Connection,
        Column::ServiceAddress,
        Column::Scheduler,
        Column::Persistent,
        Column::Netmask,
        Column::RealServer,
        Column::ForwardingMethod,
        Column::Weight,
        Column::UThreshold,
        Column::LThreshold,
        Column::McastInterface,
        Column::Timeout,
        Column::Daemon,
        Column::Stats,
        Column::Rate,
        Column::Thresholds,
        Column::PersistentConn,
        Column::Nosort,
        Column::Syncid,
        Column::Exact,
        Column::Ops,
        Column::Pe,
        Column::SchedFlags,
        Column::McastGroup,
        Column::McastPort,
        Column::McastTtl,
        Column::SyncMaxlen,
        Column::TunInfo,
        Column::TunType,
        Column::TunPort,
        Column::TunNocsum,
        Column::TunCsum,
        Column::TunRemcsum,
    ];

    pub const fn index(self) -> usize {
        self as usize
    }

    /// The bit of this option in a set of given options.
    pub const fn bit(self) -> u64 {
        1 << self.index()
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Column::Numeric => "numeric",
            Column::Connection => "connection",
            Column::ServiceAddress => "service-address",
            Column::Scheduler => "scheduler",
            Column::Persistent => "persistent",
            Column::Netmask => "netmask",
            Column::RealServer => "real-server",
            Column::ForwardingMethod => "forwarding-method",
            Column::Weight => "weight",
            Column::UThreshold => "u-threshold",
            Column::LThreshold => "l-threshold",
            Column::McastInterface => "mcast-interface",
            Column::Timeout => "timeout",
            Column::Daemon => "daemon",
            Column::Stats => "stats",
            Column::Rate => "rate",
            Column::Thresholds => "thresholds",
            Column::PersistentConn => "persistent-conn",
            Column::Nosort => "nosort",
            Column::Syncid => "syncid",
            Column::Exact => "exact",
            Column::Ops => "ops",
            Column::Pe => "pe",
            Column::SchedFlags => "sched-flags",
            Column::McastGroup => "mcast-group",
            Column::McastPort => "mcast-port",
            Column::McastTtl => "mcast-ttl",
            Column::SyncMaxlen => "sync-maxlen",
            Column::TunInfo => "tun-info",
            Column::TunType => "tun-type",
            Column::TunPort => "tun-port",
            Column::TunNocsum => "tun-nocsum",
            Column::TunCsum => "tun-csum",
            Column::TunRemcsum => "tun-remcsum",
        }
    }
}

/// What an option does when the scanner returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    Command(Cmd),
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
    /// `--format text|json|table` (not in ipvsadm).
    Format,
    /// `--netns NAME|PATH` (not in ipvsadm).
    Netns,
    /// `--dry-run` with `--apply` (not in ipvsadm).
    DryRun,
    /// `--atomic` with `--apply` (not in ipvsadm).
    Atomic,
}

/// One row of the option table.
#[derive(Debug, Clone, Copy)]
pub struct OptSpec {
    pub opt: Opt,
    pub short: Option<char>,
    pub long: &'static str,
    pub arg: ArgKind,
    /// Matrix column; `None` for commands, `-6` and `--sort`.
    pub column: Option<Column>,
    /// Placeholder for the value in help-like descriptions.
    pub value_name: &'static str,
    /// One-line description (for completions and documentation).
    pub help: &'static str,
}

const fn spec(
    opt: Opt,
    short: Option<char>,
    long: &'static str,
    arg: ArgKind,
    column: Option<Column>,
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
use Column as C;

/// The table, in ipvsadm's order (popt searches it front to back, so
/// `--list` finds the `-L` row first).
#[rustfmt::skip]
pub const OPTIONS: &[OptSpec] = &[
    spec(Opt::Command(Cmd::AddService), Some('A'), "add-service", NoArg,
        None, "", "add virtual service with options"),
    spec(Opt::Command(Cmd::EditService), Some('E'), "edit-service", NoArg,
        None, "", "edit virtual service with options"),
    spec(Opt::Command(Cmd::DeleteService), Some('D'), "delete-service",
        NoArg, None, "", "delete virtual service"),
    spec(Opt::Command(Cmd::Flush), Some('C'), "clear", NoArg, None, "",
        "clear the whole table"),
    spec(Opt::Command(Cmd::List), Some('L'), "list", NoArg, None, "",
        "list the table"),
    spec(Opt::Command(Cmd::List), Some('l'), "list", NoArg, None, "",
        "list the table"),
    spec(Opt::Command(Cmd::Zero), Some('Z'), "zero", NoArg, None, "",
        "zero counters in a service or all services"),
    spec(Opt::Command(Cmd::AddServer), Some('a'), "add-server", NoArg,
        None, "", "add real server with options"),
    spec(Opt::Command(Cmd::EditServer), Some('e'), "edit-server", NoArg,
        None, "", "edit real server with options"),
    spec(Opt::Command(Cmd::DeleteServer), Some('d'), "delete-server",
        NoArg, None, "", "delete real server"),
    spec(Opt::Command(Cmd::SetTimeouts), None, "set", NoArg, None, "",
        "set connection timeout values (tcp tcpfin udp)"),
    spec(Opt::Help, Some('h'), "help", NoArg, None, "",
        "display the help message"),
    spec(Opt::Version, Some('v'), "version", NoArg, None, "",
        "display the version"),
    spec(Opt::Command(Cmd::Restore), Some('R'), "restore", NoArg, None, "",
        "restore rules from stdin"),
    spec(Opt::Command(Cmd::Save), Some('S'), "save", NoArg, None, "",
        "save rules to stdout"),
    spec(Opt::Command(Cmd::StartDaemon), None, "start-daemon", Required,
        None, "master|backup", "start connection sync daemon"),
    spec(Opt::Command(Cmd::StopDaemon), None, "stop-daemon", Required,
        None, "master|backup", "stop connection sync daemon"),
    spec(Opt::TcpService, Some('t'), "tcp-service", Required,
        Some(C::ServiceAddress), "service-address",
        "TCP virtual service host[:port]"),
    spec(Opt::UdpService, Some('u'), "udp-service", Required,
        Some(C::ServiceAddress), "service-address",
        "UDP virtual service host[:port]"),
    spec(Opt::SctpService, None, "sctp-service", Required,
        Some(C::ServiceAddress), "service-address",
        "SCTP virtual service host[:port]"),
    spec(Opt::FwmarkService, Some('f'), "fwmark-service", Required,
        Some(C::ServiceAddress), "fwmark",
        "firewall-mark virtual service"),
    spec(Opt::Scheduler, Some('s'), "scheduler", Required,
        Some(C::Scheduler), "scheduler", "scheduling method"),
    spec(Opt::Persistent, Some('p'), "persistent", Optional,
        Some(C::Persistent), "timeout", "persistent service"),
    spec(Opt::Netmask, Some('M'), "netmask", Required, Some(C::Netmask),
        "netmask", "persistent granularity mask"),
    spec(Opt::RealServer, Some('r'), "real-server", Required,
        Some(C::RealServer), "server-address",
        "real server host (and port)"),
    spec(Opt::Masquerading, Some('m'), "masquerading", NoArg,
        Some(C::ForwardingMethod), "", "masquerading (NAT)"),
    spec(Opt::Ipip, Some('i'), "ipip", NoArg, Some(C::ForwardingMethod),
        "", "ipip encapsulation (tunneling)"),
    spec(Opt::Gatewaying, Some('g'), "gatewaying", NoArg,
        Some(C::ForwardingMethod), "",
        "gatewaying (direct routing) (default)"),
    spec(Opt::Weight, Some('w'), "weight", Required, Some(C::Weight),
        "weight", "capacity of real server"),
    spec(Opt::UThreshold, Some('x'), "u-threshold", Required,
        Some(C::UThreshold), "uthreshold",
        "upper threshold of connections"),
    spec(Opt::LThreshold, Some('y'), "l-threshold", Required,
        Some(C::LThreshold), "lthreshold",
        "lower threshold of connections"),
    spec(Opt::Numeric, Some('n'), "numeric", NoArg, Some(C::Numeric), "",
        "numeric output of addresses and ports"),
    spec(Opt::Connection, Some('c'), "connection", NoArg,
        Some(C::Connection), "", "output of current IPVS connections"),
    spec(Opt::McastInterface, None, "mcast-interface", Required,
        Some(C::McastInterface), "interface",
        "multicast interface for connection sync"),
    spec(Opt::Syncid, None, "syncid", Required, Some(C::Syncid), "sid",
        "syncid for connection sync"),
    spec(Opt::Timeout, None, "timeout", NoArg, Some(C::Timeout), "",
        "output of timeout (tcp tcpfin udp)"),
    spec(Opt::Daemon, None, "daemon", NoArg, Some(C::Daemon), "",
        "output of daemon information"),
    spec(Opt::Stats, None, "stats", NoArg, Some(C::Stats), "",
        "output of statistics information"),
    spec(Opt::Rate, None, "rate", NoArg, Some(C::Rate), "",
        "output of rate information"),
    spec(Opt::Thresholds, None, "thresholds", NoArg, Some(C::Thresholds),
        "", "output of thresholds information"),
    spec(Opt::PersistentConn, None, "persistent-conn", NoArg,
        Some(C::PersistentConn), "",
        "output of persistent connection info"),
    spec(Opt::Nosort, None, "nosort", NoArg, Some(C::Nosort), "",
        "disable sorting output of service/server entries"),
    spec(Opt::Sort, None, "sort", NoArg, None, "",
        "does nothing, for backwards compatibility"),
    spec(Opt::Exact, Some('X'), "exact", NoArg, Some(C::Exact), "",
        "expand numbers (display exact values)"),
    spec(Opt::Ipv6, Some('6'), "ipv6", NoArg, None, "",
        "fwmark entry uses IPv6"),
    spec(Opt::Ops, Some('o'), "ops", NoArg, Some(C::Ops), "",
        "one-packet scheduling"),
    spec(Opt::Pe, None, "pe", Required, Some(C::Pe), "engine",
        "alternate persistence engine"),
    spec(Opt::SchedFlags, Some('b'), "sched-flags", Required,
        Some(C::SchedFlags), "flags", "scheduler flags (comma-separated)"),
    spec(Opt::McastGroup, None, "mcast-group", Required,
        Some(C::McastGroup), "address", "IPv4/IPv6 multicast group"),
    spec(Opt::McastPort, None, "mcast-port", Required, Some(C::McastPort),
        "port", "multicast UDP port"),
    spec(Opt::McastTtl, None, "mcast-ttl", Required, Some(C::McastTtl),
        "ttl", "multicast TTL"),
    spec(Opt::SyncMaxlen, None, "sync-maxlen", Required,
        Some(C::SyncMaxlen), "length", "maximum sync message length"),
    spec(Opt::TunInfo, None, "tun-info", NoArg, Some(C::TunInfo), "",
        "output of tunnel information"),
    spec(Opt::TunType, None, "tun-type", Required, Some(C::TunType),
        "ipip|gue|gre", "tunnel type"),
    spec(Opt::TunPort, None, "tun-port", Required, Some(C::TunPort), "port",
        "tunnel destination port"),
    spec(Opt::TunNocsum, None, "tun-nocsum", NoArg, Some(C::TunNocsum), "",
        "tunnel encapsulation without checksum"),
    spec(Opt::TunCsum, None, "tun-csum", NoArg, Some(C::TunCsum), "",
        "tunnel encapsulation with checksum"),
    spec(Opt::TunRemcsum, None, "tun-remcsum", NoArg, Some(C::TunRemcsum),
        "", "tunnel encapsulation with remote checksum"),
    // Beyond ipvsadm 1.31: long options it never had (it rejected each
    // as an unknown option), so no ipvsadm command line changes meaning.
    spec(Opt::Command(Cmd::Apply), None, "apply", Required, None, "file",
        "make the table match FILE (restore format or JSON, - for stdin)"),
    spec(Opt::Format, None, "format", Required, None, "text|json|table",
        "listing format: text (ipvsadm's), json or table"),
    spec(Opt::Netns, None, "netns", Required, None, "name|path",
        "act inside a network namespace (/run/netns/NAME or a path)"),
    spec(Opt::DryRun, None, "dry-run", NoArg, None, "",
        "with --apply: print the planned changes, change nothing"),
    spec(Opt::Atomic, None, "atomic", NoArg, None, "",
        "with --apply: undo applied changes if one fails"),
];

/// The first row with this long name (exact match only, as popt does).
pub fn find_long(name: &str) -> Option<&'static OptSpec> {
    OPTIONS.iter().find(|o| o.long == name)
}

/// The first row with this short name.
pub fn find_short(c: u8) -> Option<&'static OptSpec> {
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
        for (i, cmd) in Cmd::ALL.iter().enumerate() {
            assert_eq!(cmd.index(), i);
        }
    }

    #[test]
    fn every_column_has_an_option_and_its_index() {
        for (i, col) in Column::ALL.iter().enumerate() {
            assert_eq!(col.index(), i);
            assert!(OPTIONS.iter().any(|o| o.column == Some(*col)));
        }
    }

    #[test]
    fn long_list_finds_upper_case_row() {
        assert_eq!(find_long("list").and_then(|o| o.short), Some('L'));
        assert_eq!(
            find_short(b'l').map(|o| o.opt),
            Some(Opt::Command(Cmd::List))
        );
    }

    #[test]
    fn no_abbreviations() {
        assert!(find_long("lis").is_none());
        assert!(find_long("").is_none());
    }
}
