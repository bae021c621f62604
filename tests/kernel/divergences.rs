//! The deliberate differences from ipvsadm 1.31 (README, "Differences from
//! ipvsadm"): each runs with ours and with the reference in fresh
//! namespaces, and checks that the reference still shows the defect and
//! that ours gives the corrected result.

use crate::exec::{self, Outcome};
use crate::netns;
use crate::report::{Filter, Report};
use std::thread;

/// What one program is expected to produce for the probed command.
struct Expect {
    stdout: &'static str,
    status: &'static str,
}

/// One difference: setup lines, the probed command, and the two outcomes.
struct Divergence {
    name: &'static str,
    setup: &'static [&'static [&'static str]],
    probe: &'static [&'static str],
    reference: Expect,
    ours: Expect,
    /// Afterwards, ours' `-Sn` must read exactly this.
    ours_table: &'static str,
}

const DIVERGENCES: &[Divergence] = &[
    Divergence {
        name: "divergence/fwmark above 2^31 listed unsigned",
        setup: &[&["-A", "-f", "4294967295"], &["-A", "-f", "2147483648"]],
        probe: &["-Ln"],
        reference: Expect {
            stdout: "IP Virtual Server version 1.2.1 (size=4096)\n\
                     Prot LocalAddress:Port Scheduler Flags\n  \
                     -> RemoteAddress:Port           Forward Weight \
                     ActiveConn InActConn\n\
                     FWM  -2147483648 wlc\nFWM  -1 wlc\n",
            status: "exit 0",
        },
        ours: Expect {
            stdout: "IP Virtual Server version 1.2.1 (size=4096)\n\
                     Prot LocalAddress:Port Scheduler Flags\n  \
                     -> RemoteAddress:Port           Forward Weight \
                     ActiveConn InActConn\n\
                     FWM  2147483648 wlc\nFWM  4294967295 wlc\n",
            status: "exit 0",
        },
        ours_table: "-A -f 2147483648 -s wlc\n-A -f 4294967295 -s wlc\n",
    },
    Divergence {
        name: "divergence/fwmark above 2^31 saved restorable",
        setup: &[&["-A", "-f", "3000000000"]],
        probe: &["-Sn"],
        reference: Expect {
            stdout: "-A -f -1294967296 -s wlc\n",
            status: "exit 0",
        },
        ours: Expect {
            stdout: "-A -f 3000000000 -s wlc\n",
            status: "exit 0",
        },
        ours_table: "-A -f 3000000000 -s wlc\n",
    },
    Divergence {
        name: "divergence/sched flags of only commas",
        setup: &[],
        probe: &["-A", "-t", "192.0.2.1:80", "-s", "sh", "-b", ","],
        reference: Expect {
            stdout: "",
            status: "killed by signal 11",
        },
        ours: Expect {
            stdout: "",
            status: "exit 0",
        },
        ours_table: "-A -t 192.0.2.1:80 -s sh\n",
    },
];

/// Runs every divergence that passes `filter`.
pub fn run(ours: &str, reference: &str, filter: &Filter, report: &mut Report) {
    for d in DIVERGENCES {
        if filter.matches(d.name) {
            report.run(d.name, || check(d, ours, reference));
        }
    }
}

/// Names of all divergence tests, for the host's filter check.
pub fn names() -> impl Iterator<Item = &'static str> {
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
    if got.status != want.status || got.stdout_text() != want.stdout {
        return Err(format!(
            "{who}: expected {:?} with {:?}, got {:?} with {:?} (stderr {:?})",
            want.status,
            want.stdout,
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
    let probe = exec::run(program, "ipvsadm", &args(d.probe), None)?;
    let table = exec::run(program, "ipvsadm", &args(&["-Sn"]), None)?;
    Ok((probe, table))
}
