//! The `external` check: a command run with its arguments, healthy when it
//! exits 0 within the limit. At the limit its process group gets SIGTERM
//! (ldirectord's signal), then SIGKILL if it is still there a moment later,
//! and the child is always reaped before the check returns.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};
use tokio::time::timeout;

use super::checker::io_words;

/// How long a command has to go after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_millis(200);

/// Runs `command` with `args`; see the module documentation.
pub(super) async fn run(
    command: &Path,
    args: &[String],
    limit: Duration,
) -> Result<(), String> {
    let mut child = Command::new(command)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Its own group, so that the signals reach what it started too.
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run: {}", io_words(&e)))?;
    match timeout(limit, child.wait()).await {
        Ok(Ok(status)) => status_words(status),
        Ok(Err(e)) => Err(io_words(&e)),
        Err(_) => {
            stop(&mut child).await;
            Err("timed out".into())
        }
    }
}

/// SIGTERM to the child's group, SIGKILL after [`GRACE`], then reaps it.
async fn stop(child: &mut Child) {
    signal_group(child, libc::SIGTERM);
    if timeout(GRACE, child.wait()).await.is_err() {
        signal_group(child, libc::SIGKILL);
        // Fails only if the child is already reaped.
        let _ = child.wait().await;
    }
}

fn signal_group(child: &Child, signal: libc::c_int) {
    // `id` is None once the child has been reaped; until then its pid, which
    // is also its group's id, cannot be reused.
    let Some(pid) = child.id().and_then(|pid| libc::pid_t::try_from(pid).ok())
    else {
        return;
    };
    // SAFETY: kill(2) takes plain integers and touches no memory of ours.
    unsafe {
        libc::kill(-pid, signal);
    }
}

fn status_words(status: ExitStatus) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else if let Some(code) = status.code() {
        Err(format!("exit status {code}"))
    } else if let Some(signal) = status.signal() {
        Err(format!("killed by signal {signal}"))
    } else {
        Err(format!("{status}"))
    }
}
