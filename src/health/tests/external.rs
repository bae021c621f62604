//! `external`: exit status 0 within the limit; killed and reaped after it.

use std::path::PathBuf;
use std::time::Instant;

use super::*;

fn external(command: &str, args: &[&str]) -> CheckKind {
    CheckKind::External {
        command: PathBuf::from(command),
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

#[test]
fn exit_status_zero_is_healthy() {
    assert_healthy(&check(closed_port(), external("/bin/true", &[])));
    // The arguments are passed one by one, without a shell.
    let kind = external("/bin/sh", &["-c", "test \"$1\" = 'a b'", "sh", "a b"]);
    assert_healthy(&check(closed_port(), kind));
}

#[test]
fn other_exit_statuses_fail() {
    assert_fails(
        &check(closed_port(), external("/bin/false", &[])),
        "exit status 1",
    );
    let kind = external("/bin/sh", &["-c", "exit 3"]);
    assert_fails(&check(closed_port(), kind), "exit status 3");
    let kind = external("/bin/sh", &["-c", "kill -KILL $$"]);
    assert_fails(&check(closed_port(), kind), "killed by signal 9");
}

#[test]
fn a_missing_command_fails() {
    let outcome = check(closed_port(), external("/nonexistent/check", &[]));
    assert!(!outcome.healthy);
    assert!(outcome.error.unwrap().starts_with("cannot run: "));
}

#[test]
fn a_command_past_the_limit_is_killed_and_reaped() {
    let pid_file = std::env::temp_dir()
        .join(format!("ipvsadm-health-{}.pid", std::process::id()));
    let script = format!("echo $$ > {}; sleep 30 & wait", pid_file.display());
    let kind = external("/bin/sh", &["-c", &script]);
    let mut checker = Checker::new().unwrap();
    let start = Instant::now();
    let outcome = checker.run(&[target(
        "t",
        closed_port(),
        kind,
        Duration::from_millis(300),
    )]);
    assert!(start.elapsed() < Duration::from_secs(2), "{outcome:?}");
    assert_fails(&outcome[0], "timed out");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    std::fs::remove_file(&pid_file).unwrap();
    // Reaped: not even a zombie is left.
    let proc = PathBuf::from(format!("/proc/{}", pid.trim()));
    assert!(!proc.exists(), "{} still exists", proc.display());
}
