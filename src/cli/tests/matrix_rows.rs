//! Every row of the command/option matrix, written out independently of
//! the matrix data: for each command, which options are allowed, which
//! are compulsory, and the exact message for each illegal one.

use super::*;
use crate::cli::TrackedOption;

/// A valid occurrence of each tracked option, by column name.
fn sample(col: TrackedOption) -> &'static [&'static str] {
    match col {
        TrackedOption::Numeric => &["-n"],
        TrackedOption::Connection => &["-c"],
        TrackedOption::ServiceAddress => &["-u", "1.2.3.4:80"],
        TrackedOption::Scheduler => &["-s", "rr"],
        TrackedOption::Persistent => &["-p"],
        TrackedOption::Netmask => &["-M", "255.255.255.0"],
        TrackedOption::RealServer => &["-r", "2.2.2.2"],
        TrackedOption::ForwardingMethod => &["-i"],
        TrackedOption::Weight => &["-w", "2"],
        TrackedOption::UThreshold => &["-x", "1"],
        TrackedOption::LThreshold => &["-y", "1"],
        TrackedOption::McastInterface => &["--mcast-interface", "lo"],
        TrackedOption::Timeout => &["--timeout"],
        TrackedOption::Daemon => &["--daemon"],
        TrackedOption::Stats => &["--stats"],
        TrackedOption::Rate => &["--rate"],
        TrackedOption::Thresholds => &["--thresholds"],
        TrackedOption::PersistentConn => &["--persistent-conn"],
        TrackedOption::Nosort => &["--nosort"],
        TrackedOption::Syncid => &["--syncid", "1"],
        TrackedOption::Exact => &["--exact"],
        TrackedOption::Ops => &["-o"],
        TrackedOption::Pe => &["--pe", "sip"],
        TrackedOption::SchedFlags => &["-b", "flag-1"],
        TrackedOption::McastGroup => &["--mcast-group", "224.0.0.1"],
        TrackedOption::McastPort => &["--mcast-port", "9"],
        TrackedOption::McastTtl => &["--mcast-ttl", "2"],
        TrackedOption::SyncMaxlen => &["--sync-maxlen", "100"],
        TrackedOption::TunInfo => &["--tun-info"],
        TrackedOption::TunType => &["--tun-type", "ipip"],
        TrackedOption::TunPort => &["--tun-port", "9"],
        TrackedOption::TunNocsum => &["--tun-nocsum"],
        TrackedOption::TunCsum => &["--tun-csum"],
        TrackedOption::TunRemcsum => &["--tun-remcsum"],
    }
}

/// One command: its minimal valid line, its name in messages, the
/// options it allows besides those on the minimal line, and the
/// compulsory ones (each must be on the minimal line).
struct Row {
    base: &'static [&'static str],
    name: &'static str,
    allowed: &'static [&'static str],
    compulsory: &'static [TrackedOption],
}

const SVC: TrackedOption = TrackedOption::ServiceAddress;
const RS: TrackedOption = TrackedOption::RealServer;

const ROWS: &[Row] = &[
    Row {
        base: &["-A", "-u", "1.2.3.4:80"],
        name: "add-service",
        allowed: &[
            "scheduler",
            "persistent",
            "netmask",
            "ops",
            "pe",
            "sched-flags",
        ],
        compulsory: &[SVC],
    },
    Row {
        base: &["-E", "-u", "1.2.3.4:80"],
        name: "edit-service",
        allowed: &[
            "scheduler",
            "persistent",
            "netmask",
            "ops",
            "pe",
            "sched-flags",
        ],
        compulsory: &[SVC],
    },
    Row {
        base: &["-D", "-u", "1.2.3.4:80"],
        name: "delete-service",
        allowed: &[],
        compulsory: &[SVC],
    },
    Row {
        base: &["-C"],
        name: "flush",
        allowed: &[],
        compulsory: &[],
    },
    Row {
        base: &["-L"],
        name: "list",
        allowed: &[
            "numeric",
            "connection",
            "service-address",
            "timeout",
            "daemon",
            "stats",
            "rate",
            "thresholds",
            "persistent-conn",
            "nosort",
            "syncid",
            "exact",
            "tun-info",
        ],
        compulsory: &[],
    },
    Row {
        base: &["-a", "-u", "1.2.3.4:80", "-r", "2.2.2.2"],
        name: "add-server",
        allowed: &[
            "forwarding-method",
            "weight",
            "u-threshold",
            "l-threshold",
            "tun-type",
            "tun-port",
            "tun-nocsum",
            "tun-csum",
            "tun-remcsum",
        ],
        compulsory: &[SVC, RS],
    },
    Row {
        base: &["-d", "-u", "1.2.3.4:80", "-r", "2.2.2.2"],
        name: "delete-server",
        allowed: &[],
        compulsory: &[SVC, RS],
    },
    Row {
        base: &["-e", "-u", "1.2.3.4:80", "-r", "2.2.2.2"],
        name: "edit-server",
        allowed: &[
            "forwarding-method",
            "weight",
            "u-threshold",
            "l-threshold",
            "tun-type",
            "tun-port",
            "tun-nocsum",
            "tun-csum",
            "tun-remcsum",
        ],
        compulsory: &[SVC, RS],
    },
    Row {
        base: &["--set", "1", "2", "3"],
        name: "set",
        allowed: &[],
        compulsory: &[],
    },
    Row {
        base: &["--start-daemon", "master"],
        name: "start-daemon",
        allowed: &[
            "mcast-interface",
            "syncid",
            "mcast-group",
            "mcast-port",
            "mcast-ttl",
            "sync-maxlen",
        ],
        compulsory: &[],
    },
    Row {
        base: &["--stop-daemon", "backup"],
        name: "stop-daemon",
        allowed: &["syncid"],
        compulsory: &[],
    },
    Row {
        base: &["-R"],
        name: "restore",
        allowed: &[],
        compulsory: &[],
    },
    Row {
        base: &["-S"],
        name: "save",
        allowed: &["numeric"],
        compulsory: &[],
    },
    Row {
        base: &["-Z"],
        name: "zero",
        allowed: &["service-address"],
        compulsory: &[],
    },
];

fn with(base: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
    let mut v = base.to_vec();
    v.extend_from_slice(extra);
    v
}

fn is_matrix_message(m: &str) -> bool {
    m.starts_with("Illegal '")
        || m.starts_with("You need to supply")
        || m.contains("' option in the '")
}

#[test]
fn minimal_lines_are_valid() {
    for row in ROWS {
        assert!(parse(row.base).is_ok(), "{:?}", row.base);
    }
}

#[test]
fn illegal_options_name_option_and_command() {
    for row in ROWS {
        for col in TrackedOption::ALL {
            if row.allowed.contains(&col.name())
                || row.compulsory.contains(&col)
            {
                continue;
            }
            let line = with(row.base, sample(col));
            assert_eq!(
                invalid(&line),
                format!(
                    "Illegal '{}' option with the '{}' command",
                    col.name(),
                    row.name
                ),
                "{line:?}"
            );
        }
    }
}

#[test]
fn allowed_options_pass_the_matrix() {
    for row in ROWS {
        for col in TrackedOption::ALL {
            if !row.allowed.contains(&col.name()) {
                continue;
            }
            let line = with(row.base, sample(col));
            if let Err(Error::Invalid(m)) = parse(&line) {
                assert!(!is_matrix_message(&m.to_string()), "{line:?}: {m}");
            }
        }
    }
}

#[test]
fn compulsory_options_are_required() {
    let cases: &[(&[&str], &str, &str)] = &[
        (&["-A"], "service-address", "add-service"),
        (&["-E", "-s", "rr"], "service-address", "edit-service"),
        (&["-D"], "service-address", "delete-service"),
        (&["-a", "-r", "2.2.2.2"], "service-address", "add-server"),
        (&["-a", "-w", "5"], "service-address", "add-server"),
        (
            &["-a", "-t", "1.2.3.4:80", "-w", "5"],
            "real-server",
            "add-server",
        ),
        (&["-d", "-t", "1.2.3.4:80"], "real-server", "delete-server"),
        (&["-e", "-f", "1"], "real-server", "edit-server"),
    ];
    for (line, opt, cmd) in cases {
        assert_eq!(
            invalid(line),
            format!(
                "You need to supply the '{opt}' option for the '{cmd}' command"
            )
        );
    }
}

#[test]
fn exclusive_list_options_name_later_then_earlier() {
    let m = |a: &str, b: &str| {
        format!(
            "The option '{a}' conflicts with the '{b}' option in the 'list' command"
        )
    };
    assert_eq!(
        invalid(&["-L", "-t", "1.2.3.4:80", "-c"]),
        m("service-address", "connection")
    );
    assert_eq!(
        invalid(&["-L", "--daemon", "--timeout"]),
        m("daemon", "timeout")
    );
    assert_eq!(
        invalid(&["-L", "--timeout", "-c"]),
        m("timeout", "connection")
    );
    assert_eq!(
        invalid(&["-L", "--daemon", "-t", "1.2.3.4:80"]),
        m("daemon", "service-address")
    );
}

#[test]
fn first_violation_in_column_order_wins() {
    // numeric (0) is checked before weight (8) whatever the argv order.
    assert_eq!(
        invalid(&["-A", "-w", "1", "-n", "-t", "1.2.3.4:80"]),
        "Illegal 'numeric' option with the 'add-service' command"
    );
    assert_eq!(
        invalid(&["-R", "-n"]),
        "Illegal 'numeric' option with the 'restore' command"
    );
    assert_eq!(
        invalid(&["-S", "-n", "-c"]),
        "Illegal 'connection' option with the 'save' command"
    );
}

#[test]
fn ipv6_and_sort_are_outside_the_matrix() {
    for line in [
        &["-C", "--sort"][..],
        &["-R", "--sort"],
        &["-Z", "-f", "1", "-6"],
    ] {
        assert!(parse(line).is_ok(), "{line:?}");
    }
}
