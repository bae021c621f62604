//! The deliberate differences from ipvsadm 1.31 (README, "Differences from
//! ipvsadm"): each runs with ours and with the reference in fresh
//! namespaces, and checks that the reference still gives its answer (a
//! defect, ipvsadm's own help text, a message upstream has reworded since)
//! and that ours gives the intended one.

use crate::exec::{self, Outcome};
use crate::netns;
use crate::report::{Filter, Report};
use std::thread;

/// The uid and gid of `nobody`.
const NOBODY: u32 = 65534;

/// ipvsadm 1.31's `-h` as Debian's binary prints it for argv[0] `ipvsadm`.
const IPVSADM_HELP: &str =
    include_str!("../../src/cli/tests/ipvsadm-1.31-help.txt");

/// An expected output.
enum Text {
    Exact(&'static str),
    /// This project's `-h` for argv[0] `ipvsadm` (it names the project).
    OwnHelp,
}

impl Text {
    fn text(&self) -> String {
        match self {
            Text::Exact(text) => text.to_string(),
            Text::OwnHelp => {
                let help = ipvsadm::internals::help_text("ipvsadm");
                String::from_utf8_lossy(&help).into_owned()
            }
        }
    }
}

/// What one program is expected to produce for the probed command.
struct Expect {
    stdout: Text,
    stderr: &'static str,
    status: &'static str,
}

/// One difference: setup lines, the probed command, and the two outcomes.
struct Divergence {
    name: &'static str,
    setup: &'static [&'static [&'static str]],
    probe: &'static [&'static str],
    /// The probe's standard input.
    stdin: &'static str,
    /// The probe runs as `nobody` (uid and gid 65534).
    unprivileged: bool,
    reference: Expect,
    ours: Expect,
    /// Afterwards, ours' `-Sn` must read exactly this.
    ours_table: &'static str,
}

/// `-h` of a line: the reference prints ipvsadm 1.31's help, ours its
/// own; both on stdout with status 0, the table left as it was.
const fn help(
    name: &'static str,
    probe: &'static [&'static str],
    unprivileged: bool,
) -> Divergence {
    Divergence {
        name,
        setup: &[],
        probe,
        stdin: "",
        unprivileged,
        reference: Expect {
            stdout: Text::Exact(IPVSADM_HELP),
            stderr: "",
            status: "exit 0",
        },
        ours: Expect {
            stdout: Text::OwnHelp,
            stderr: "",
            status: "exit 0",
        },
        ours_table: "",
    }
}

/// `-6` without a `-f` before it: upstream's 2025 wording (Debian bug
/// #610596) instead of 1.31's, both with an empty line after it.
const fn ipv6_without_fwmark(
    name: &'static str,
    probe: &'static [&'static str],
) -> Divergence {
    Divergence {
        reference: Expect {
            stdout: Text::Exact(""),
            stderr: "-6 used before -f\n\n",
            status: "exit 2",
        },
        ours: Expect {
            stdout: Text::Exact(""),
            stderr: "-6 must follow -f\n\n",
            status: "exit 2",
        },
        ..help(name, probe, false)
    }
}

const DIVERGENCES: &[Divergence] = &[
    Divergence {
        name: "divergence/fwmark above 2^31 listed unsigned",
        setup: &[&["-A", "-f", "4294967295"], &["-A", "-f", "2147483648"]],
        probe: &["-Ln"],
        stdin: "",
        unprivileged: false,
        reference: Expect {
            stdout: Text::Exact(
                "IP Virtual Server version 1.2.1 (size=4096)\n\
                     Prot LocalAddress:Port Scheduler Flags\n  \
                     -> RemoteAddress:Port           Forward Weight \
                     ActiveConn InActConn\n\
                     FWM  -2147483648 wlc\nFWM  -1 wlc\n",
            ),
            stderr: "",
            status: "exit 0",
        },
        ours: Expect {
            stdout: Text::Exact(
                "IP Virtual Server version 1.2.1 (size=4096)\n\
                     Prot LocalAddress:Port Scheduler Flags\n  \
                     -> RemoteAddress:Port           Forward Weight \
                     ActiveConn InActConn\n\
                     FWM  2147483648 wlc\nFWM  4294967295 wlc\n",
            ),
            stderr: "",
            status: "exit 0",
        },
        ours_table: "-A -f 2147483648 -s wlc\n-A -f 4294967295 -s wlc\n",
    },
    Divergence {
        name: "divergence/fwmark above 2^31 saved restorable",
        setup: &[&["-A", "-f", "3000000000"]],
        probe: &["-Sn"],
        stdin: "",
        unprivileged: false,
        reference: Expect {
            stdout: Text::Exact("-A -f -1294967296 -s wlc\n"),
            stderr: "",
            status: "exit 0",
        },
        ours: Expect {
            stdout: Text::Exact("-A -f 3000000000 -s wlc\n"),
            stderr: "",
            status: "exit 0",
        },
        ours_table: "-A -f 3000000000 -s wlc\n",
    },
    Divergence {
        name: "divergence/sched flags of only commas",
        setup: &[],
        probe: &["-A", "-t", "192.0.2.1:80", "-s", "sh", "-b", ","],
        stdin: "",
        unprivileged: false,
        reference: Expect {
            stdout: Text::Exact(""),
            stderr: "",
            status: "killed by signal 11",
        },
        ours: Expect {
            stdout: Text::Exact(""),
            stderr: "",
            status: "exit 0",
        },
        ours_table: "-A -t 192.0.2.1:80 -s sh\n",
    },
    help("divergence/help is our own", &["-h"], false),
    help("divergence/help long is our own", &["--help"], false),
    help(
        "divergence/help ignores later options",
        &["-h", "--bogus", "-t"],
        false,
    ),
    // ipvsadm reaches IPVS first, which refuses nobody; ours answers -h
    // without IPVS.
    Divergence {
        reference: Expect {
            stdout: Text::Exact(""),
            stderr: "Can't initialize ipvs: Permission denied (you must be \
                     root)\nAre you sure that IP Virtual Server is built in \
                     the kernel or as module?\n",
            status: "exit 2",
        },
        ..help("divergence/help for nobody", &["--help"], true)
    },
    Divergence {
        probe: &["-R"],
        stdin: "-A -t 192.0.2.1:80\n-h\n-A -t 192.0.2.2:80\n",
        ours_table: "-A -t 192.0.2.1:80 -s wlc\n",
        ..help("divergence/help line in restore input", &[], false)
    },
    ipv6_without_fwmark(
        "divergence/ipv6 flag before fwmark reworded",
        &["-A", "-6", "-f", "1"],
    ),
    ipv6_without_fwmark(
        "divergence/ipv6 flag with tcp service reworded",
        &["-A", "-t", "192.0.2.1:80", "-6"],
    ),
];

/// Runs every divergence that passes `filter`.
pub(crate) fn run(
    ours: &str,
    reference: &str,
    filter: &Filter,
    report: &mut Report,
) {
    for d in DIVERGENCES {
        if filter.matches(d.name) {
            report.run(d.name, || check(d, ours, reference));
        }
    }
}

/// Names of all divergence tests, for the host's filter check.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    DIVERGENCES.iter().map(|d| d.name)
}

fn check(d: &Divergence, ours: &str, reference: &str) -> Result<(), String> {
    let (got_ours, got_ref) = thread::scope(|scope| {
        let a = scope.spawn(|| side(d, ours));
        let b = scope.spawn(|| side(d, reference));
        (
            a.join().unwrap_or_else(|_| Err("thread panicked".into())),
            b.join().unwrap_or_else(|_| Err("thread panicked".into())),
        )
    });
    let (probe_ours, table_ours) = got_ours?;
    let (probe_ref, _) = got_ref?;
    expect("reference", &probe_ref, &d.reference)?;
    expect("ours", &probe_ours, &d.ours)?;
    if table_ours.stdout_text() != d.ours_table {
        return Err(format!(
            "ours' final table: expected {:?}, got {:?}",
            d.ours_table,
            table_ours.stdout_text()
        ));
    }
    Ok(())
}

fn expect(who: &str, got: &Outcome, want: &Expect) -> Result<(), String> {
    let stdout = want.stdout.text();
    if got.status != want.status
        || got.stdout_text() != stdout
        || got.stderr_text() != want.stderr
    {
        return Err(format!(
            "{who}: expected {:?} with {:?} (stderr {:?}), got {:?} with {:?} \
             (stderr {:?})",
            want.status,
            stdout,
            want.stderr,
            got.status,
            got.stdout_text(),
            got.stderr_text()
        ));
    }
    Ok(())
}

/// Runs setup and probe with `program` in a fresh namespace; returns the
/// probe's outcome and the program's own `-Sn` afterwards.
fn side(d: &Divergence, program: &str) -> Result<(Outcome, Outcome), String> {
    netns::enter_fresh().map_err(|e| format!("netns: {e}"))?;
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for line in d.setup {
        let out = exec::run(program, "ipvsadm", &args(line), None)?;
        if !out.success() {
            return Err(format!(
                "setup {line:?} failed: {}",
                out.stderr_text()
            ));
        }
    }
    let user = d.unprivileged.then_some(NOBODY);
    let stdin = Some(d.stdin.as_bytes());
    let probe = exec::run_as(program, "ipvsadm", &args(d.probe), stdin, user)?;
    let table = exec::run(program, "ipvsadm", &args(&["-Sn"]), None)?;
    Ok((probe, table))
}
