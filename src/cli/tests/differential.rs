//! Differential check against Debian's ipvsadm 1.31: the fixture holds
//! command lines run through the real binary in the IPVS VM
//! (`tools/cli-recording/differential.py`) with its exit status and stderr. For each,
//! our parser must fail with the same message and status, or succeed
//! where ipvsadm went on to the kernel. The fixture stays as recorded;
//! where we follow a later upstream change instead, [`UPSTREAM_CHANGES`]
//! says which recorded answer it replaces.

use super::*;

const FIXTURE: &str = include_str!("ipvsadm-1.31-cases.txt");

/// Recorded stderr that upstream ipvsadm changed after 1.31 and that we
/// print in its newer form: (Debian 12's text, ours). The January 2025
/// rewording for Debian bug #610596. (The other fix of that series,
/// weights up to 2147483647, is already in Debian 12's binary and so in
/// the fixture.)
const UPSTREAM_CHANGES: &[(&str, &str)] =
    &[("-6 used before -f\n\n", "-6 must follow -f\n\n")];

/// The stderr we must print for a recorded one, and which entry of
/// [`UPSTREAM_CHANGES`] changed it.
fn expected_stderr(recorded: &str) -> (String, Option<usize>) {
    match UPSTREAM_CHANGES
        .iter()
        .position(|(old, _)| *old == recorded)
    {
        Some(i) => (UPSTREAM_CHANGES[i].1.to_string(), Some(i)),
        None => (recorded.to_string(), None),
    }
}

/// Undoes the fixture's C-style escapes.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(o) => out.push(o),
            None => {}
        }
    }
    out
}

/// Splits `"a" "b\"c"` into its strings.
fn split_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut raw = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    raw.push('\\');
                    if let Some(n) = chars.next() {
                        raw.push(n);
                    }
                }
                '"' => break,
                o => raw.push(o),
            }
        }
        args.push(unescape(&raw));
    }
    args
}

struct Case {
    args: Vec<String>,
    status: String,
    stderr: String,
}

fn cases() -> Vec<Case> {
    let lines: Vec<&str> = FIXTURE.lines().collect();
    lines
        .chunks(3)
        .filter(|c| c.len() == 3)
        .map(|c| Case {
            args: split_args(c[0]),
            status: c[1].to_string(),
            stderr: unescape(c[2]),
        })
        .collect()
}

fn is_popt_message(stderr: &str) -> bool {
    [
        ": unknown option\n",
        ": missing argument\n",
        ": option does not take an argument\n",
    ]
    .iter()
    .any(|end| stderr.ends_with(end))
}

/// What ipvsadm printed, as our error would print it (message + "\n"),
/// or `None` when we must accept the line.
fn ours(args: &[String]) -> Option<(u8, String)> {
    parse_with("ipvsadm", args, false)
        .err()
        .map(|e| (e.exit_status(), format!("{e}\n")))
}

#[test]
fn fixture_is_not_empty() {
    assert!(cases().len() > 1000);
}

#[test]
fn every_recorded_line_behaves_like_ipvsadm() {
    let mut failures = Vec::new();
    let mut changed = vec![0; UPSTREAM_CHANGES.len()];
    for case in cases() {
        let (stderr, change) = expected_stderr(&case.stderr);
        if let Some(i) = change {
            changed[i] += 1;
        }
        let expected: Option<(u8, String)> = match case.status.as_str() {
            "2" => Some((2, stderr)),
            "255"
                if case.stderr.starts_with("Try `")
                    || is_popt_message(&case.stderr) =>
            {
                Some((255, case.stderr.clone()))
            }
            // Success, kernel refusals (255), listing failures (1), the
            // `-b ,` crash and popt's `!#:+` hang: the parser accepts.
            _ => None,
        };
        let got = ours(&case.args);
        if got != expected {
            failures.push(format!(
                "{:?}: ipvsadm {} {:?}, ours {:?}",
                case.args, case.status, case.stderr, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Each upstream change replaces recorded answers (none is stale).
    assert!(changed.iter().all(|&n| n > 0), "{changed:?}");
}
