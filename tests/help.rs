//! `-h` runs on any machine, IPVS or not (this host has none): the binary
//! prints this project's help on stdout and exits 0, as ipvsadm's `-h`
//! does, where ipvsadm itself would first fail to reach IPVS.

use std::process::{Command, Output};

const PROGRAM: &str = env!("CARGO_BIN_EXE_ipvsadm");

fn run(args: &[&str]) -> Output {
    Command::new(PROGRAM)
        .args(args)
        .env_clear()
        .output()
        .unwrap_or_else(|e| panic!("cannot run {PROGRAM}: {e}"))
}

fn assert_help(args: &[&str]) {
    let out = run(args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    assert!(out.stderr.is_empty(), "{args:?}: {out:?}");
    assert!(
        stdout.starts_with(&format!(
            "ipvsadm-rs {} (compatible with ipvsadm v1.31)\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{args:?}: {stdout}"
    );
    assert!(stdout.contains(&format!("\n  {PROGRAM} -A|-E SERVICE")));
    for extra in ["--apply", "--format", "--netns", "--dry-run", "--atomic"] {
        assert!(stdout.contains(extra), "{args:?}: {extra} is missing");
    }
}

#[test]
fn help_needs_no_ipvs() {
    assert_help(&["-h"]);
    assert_help(&["--help"]);
    // As in ipvsadm, whatever follows -h is not looked at.
    assert_help(&["-h", "--bogus", "-t"]);
    assert_help(&["-hL"]);
}

#[test]
fn help_after_a_command_is_refused_as_before() {
    // Not a help request: this line goes to the parser (after IPVS, so
    // on a host without it the message is ipvsadm's start-up failure).
    let out = run(&["-L", "-h"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}
