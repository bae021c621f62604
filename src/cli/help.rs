//! The texts of `-h` and `-v`. `-v` prints ipvsadm 1.31's version line,
//! byte for byte (scripts parse it); `-h` is this project's own help: its
//! name and version, a synopsis, then every option of the option table
//! by group, the options ipvsadm 1.31 lacks last.

use super::options::{ArgKind, CommandKind, OPTIONS, Opt, OptSpec};

const VERSION: &str =
    "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n";

/// The first line of `-h`: which program this is.
pub(super) const HELP_TITLE: &str = concat!(
    "ipvsadm-rs ",
    env!("CARGO_PKG_VERSION"),
    " (compatible with ipvsadm v1.31)\n"
);

/// The synopsis, one command form a line, each after the program name.
pub(super) const SYNOPSIS: [&str; 16] = [
    " -A|-E SERVICE [VIRTUAL SERVICE OPTIONS]",
    " -D SERVICE",
    " -C",
    " -R",
    " -S [-n]",
    " -a|-e SERVICE -r host[:port] [REAL-SERVER OPTIONS]",
    " -d SERVICE -r host[:port]",
    " -L|-l [SERVICE] [LISTING OPTIONS] [--format text|json|table|prometheus]",
    " -Z [SERVICE]",
    " --set tcp tcpfin udp",
    " --start-daemon master|backup [SYNC DAEMON OPTIONS]",
    " --stop-daemon master|backup",
    " --apply FILE [--dry-run] [--atomic]",
    " --apply FILE --watch [--metrics ADDR:PORT]",
    " --top [SERVICE] [--interval SECONDS] [--all-netns] [--metrics ADDR:PORT]",
    " -h | -v",
];

/// What follows the synopsis: the rules that hold for every command.
const SYNOPSIS_NOTES: &str = "\
Without arguments the program lists the table, as -L does. The command comes
first; --netns may come before it. SERVICE is one of the four service
options below.
";

/// The groups of options in `-h`, in the order printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HelpGroup {
    Commands,
    Service,
    ServiceSettings,
    RealServer,
    Listing,
    SyncDaemon,
    /// The options ipvsadm 1.31 does not have.
    Extensions,
}

impl HelpGroup {
    const ALL: [HelpGroup; 7] = [
        HelpGroup::Commands,
        HelpGroup::Service,
        HelpGroup::ServiceSettings,
        HelpGroup::RealServer,
        HelpGroup::Listing,
        HelpGroup::SyncDaemon,
        HelpGroup::Extensions,
    ];

    fn heading(self) -> &'static str {
        match self {
            HelpGroup::Commands => "Commands:",
            HelpGroup::Service => "SERVICE, one of:",
            HelpGroup::ServiceSettings => "Virtual service options:",
            HelpGroup::RealServer => "Real-server options:",
            HelpGroup::Listing => "Listing options:",
            HelpGroup::SyncDaemon => "Sync daemon options:",
            HelpGroup::Extensions => "Not in ipvsadm 1.31:",
        }
    }

    /// The group an option is listed under (every option has one, so a
    /// new option cannot be left out of `-h`).
    pub(super) fn of(opt: Opt) -> HelpGroup {
        match opt {
            Opt::Command(CommandKind::Apply)
            | Opt::Format
            | Opt::Netns
            | Opt::DryRun
            | Opt::Atomic
            | Opt::Command(CommandKind::Top)
            | Opt::AllNetns
            | Opt::Interval
            | Opt::Watch
            | Opt::Metrics => HelpGroup::Extensions,
            Opt::Command(_) | Opt::Help | Opt::Version => HelpGroup::Commands,
            Opt::TcpService
            | Opt::UdpService
            | Opt::SctpService
            | Opt::FwmarkService => HelpGroup::Service,
            Opt::Scheduler
            | Opt::Persistent
            | Opt::Netmask
            | Opt::Ipv6
            | Opt::Ops
            | Opt::Pe
            | Opt::SchedFlags => HelpGroup::ServiceSettings,
            Opt::RealServer
            | Opt::Masquerading
            | Opt::Ipip
            | Opt::Gatewaying
            | Opt::Weight
            | Opt::UThreshold
            | Opt::LThreshold
            | Opt::TunType
            | Opt::TunPort
            | Opt::TunNocsum
            | Opt::TunCsum
            | Opt::TunRemcsum => HelpGroup::RealServer,
            Opt::Numeric
            | Opt::Connection
            | Opt::Timeout
            | Opt::Daemon
            | Opt::Stats
            | Opt::Rate
            | Opt::Thresholds
            | Opt::PersistentConn
            | Opt::TunInfo
            | Opt::Exact
            | Opt::Nosort
            | Opt::Sort => HelpGroup::Listing,
            Opt::McastInterface
            | Opt::Syncid
            | Opt::McastGroup
            | Opt::McastPort
            | Opt::McastTtl
            | Opt::SyncMaxlen => HelpGroup::SyncDaemon,
        }
    }
}

/// Where descriptions start, and the width they are wrapped to.
pub(super) const DESCRIPTION_COLUMN: usize = 32;
pub(super) const WIDTH: usize = 79;

/// `-v`: the version line.
pub(crate) fn version_text() -> &'static str {
    VERSION
}

/// `-h`: the whole help text for a program invoked as `argv0` (whose
/// bytes are printed as they are, UTF-8 or not).
pub fn help_text(argv0: &(impl AsRef<[u8]> + ?Sized)) -> Vec<u8> {
    let argv0 = argv0.as_ref();
    let mut text = Vec::with_capacity(8192);
    text.extend_from_slice(HELP_TITLE.as_bytes());
    text.extend_from_slice(b"\nUsage:\n");
    for line in SYNOPSIS {
        text.extend_from_slice(b"  ");
        text.extend_from_slice(argv0);
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
    }
    text.extend_from_slice(SYNOPSIS_NOTES.as_bytes());
    for group in HelpGroup::ALL {
        text.push(b'\n');
        text.extend_from_slice(group.heading().as_bytes());
        text.push(b'\n');
        for (i, spec) in OPTIONS.iter().enumerate() {
            // `-l` shares its row with `-L`.
            let repeated = OPTIONS[..i].iter().any(|o| o.long == spec.long);
            if HelpGroup::of(spec.opt) == group && !repeated {
                write_option(&mut text, spec);
            }
        }
    }
    text.extend_from_slice(
        b"\nipvsadm(8) describes every command and option in full.\n",
    );
    text
}

/// One option: its names and value, then its description wrapped.
fn write_option(text: &mut Vec<u8>, spec: &OptSpec) {
    let shorts: Vec<String> = OPTIONS
        .iter()
        .filter(|o| o.long == spec.long)
        .filter_map(|o| o.short)
        .map(|c| format!("-{c}, "))
        .collect();
    let mut names = if shorts.is_empty() {
        String::from("    ")
    } else {
        shorts.concat()
    };
    names.push_str("--");
    names.push_str(spec.long);
    match spec.arg {
        ArgKind::Required => {
            names.push(' ');
            names.push_str(spec.value_name);
        }
        ArgKind::Optional => {
            names.push_str(" [");
            names.push_str(spec.value_name);
            names.push(']');
        }
        // `--set` takes three plain arguments, named in its row.
        ArgKind::None if !spec.value_name.is_empty() => {
            names.push(' ');
            names.push_str(spec.value_name);
        }
        ArgKind::None => {}
    }
    let mut line = format!("  {names}");
    if line.len() + 2 > DESCRIPTION_COLUMN {
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
        line.clear();
    }
    for word in spec.help.split(' ') {
        let column = line.len().max(DESCRIPTION_COLUMN);
        if line.len() > DESCRIPTION_COLUMN && column + 1 + word.len() > WIDTH {
            text.extend_from_slice(line.as_bytes());
            text.push(b'\n');
            line.clear();
        }
        if line.len() < DESCRIPTION_COLUMN {
            line.push_str(&" ".repeat(DESCRIPTION_COLUMN - line.len()));
        } else {
            line.push(' ');
        }
        line.push_str(word);
    }
    text.extend_from_slice(line.as_bytes());
    text.push(b'\n');
}
