//! `--apply FILE [--dry-run] [--atomic]`: make the kernel's table equal to
//! a desired one with the fewest changes (never a flush), print the plan
//! instead with `--dry-run`, and with `--atomic` undo what was applied when
//! a change fails.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::Path;

use super::Streams;
use super::desired::{self, bad_input};
use super::plan::{self, Table};
use crate::cli::ApplyRequest;
use crate::client::{Change, Client, StatsNests};
use crate::error::{Result, STATUS_UNDO_FAILED};

/// Runs `--apply`; the status is 0 when every change was made.
///
/// With `--atomic`, SIGINT, SIGTERM and SIGHUP are held back until the
/// changes or their undo are complete; one that arrived meanwhile then
/// takes effect as it would have (by default the process ends by it),
/// except when the undo failed: the status is then
/// [`STATUS_UNDO_FAILED`] and the signal is dropped.
pub(super) fn apply(
    argv0: &[u8],
    client: &mut Client,
    req: &ApplyRequest,
    streams: &mut Streams,
) -> Result<u8> {
    let desired = read_desired(argv0, &req.file)?;
    let current = read_table(client)?;
    let changes = plan::plan(&current, &desired);
    if req.dry_run {
        for change in &changes {
            plan::write_line(&mut streams.out, change)?;
        }
        return Ok(0);
    }
    let deferred = req.atomic.then(Deferred::block);
    let status = execute(client, &changes, &current, req.atomic, streams);
    let _ = streams.out.flush();
    if let Some(deferred) = deferred
        && status == STATUS_UNDO_FAILED
    {
        deferred.discard();
    }
    Ok(status)
}

fn read_desired(argv0: &[u8], path: &Path) -> Result<Table> {
    if path == Path::new("-") {
        let stdin = io::stdin();
        return desired::read(argv0, "stdin", &mut stdin.lock());
    }
    let file = path.to_string_lossy();
    let f = File::open(path).map_err(|e| {
        bad_input(format!(
            "cannot open {file}: {}",
            crate::error::strerror(e.raw_os_error().unwrap_or(libc::EINVAL))
        ))
    })?;
    desired::read(argv0, &file, &mut BufReader::new(f))
}

/// The kernel's table, services and real servers in kernel order: one
/// dump of the services, then one of each service's real servers (the
/// kernel runs one dump at a time per socket, so these cannot be
/// pipelined). A service that a dump disturbed from another namespace
/// repeats is kept once.
pub(super) fn read_table(client: &mut Client) -> Result<Table> {
    let mut table: Table = client.services(StatsNests::Skip)?;
    for entry in table.entries_mut() {
        entry.dests = client.dests(&entry.service, StatsNests::Skip)?;
    }
    Ok(table)
}

/// Makes the changes, pipelined in windows (see [`Client::apply_all`]).
/// Without `atomic` every change is tried and each failure reported;
/// the status is that of the last failure. With it, SIGINT, SIGTERM and
/// SIGHUP are held back meanwhile, and the first failure (reported) ends
/// the apply: the changes that succeeded, those sent after the failed
/// one in its window included, are undone, newest first; the status is
/// the failure's, or [`STATUS_UNDO_FAILED`] when an undo step failed.
pub(super) fn execute(
    client: &mut Client,
    changes: &[Change],
    before: &Table,
    atomic: bool,
    streams: &mut Streams,
) -> u8 {
    client.prepare_for_batches();
    if !atomic {
        let mut status = 0;
        for (change, outcome) in changes.iter().zip(client.apply_all(changes)) {
            if let Err(e) = outcome {
                fail(streams, change, &e);
                status = e.exit_status();
            }
        }
        return status;
    }
    let _deferred = Deferred::block();
    let mut done: Vec<&Change> = Vec::new();
    for window in changes.chunks(client.batch_window()) {
        let mut failure = None;
        for (change, outcome) in window.iter().zip(client.apply_all(window)) {
            match outcome {
                Ok(()) => done.push(change),
                // Only the first failure is the apply's: the kernel tried
                // the changes after it only because they were in flight.
                Err(e) if failure.is_none() => failure = Some((change, e)),
                Err(_) => {}
            }
        }
        if let Some((change, e)) = failure {
            fail(streams, change, &e);
            return if undo(client, &done, before, streams) {
                e.exit_status()
            } else {
                STATUS_UNDO_FAILED
            };
        }
    }
    0
}

/// Undoes `done` (newest first), pipelined, every step tried; true when
/// every step succeeded.
fn undo(
    client: &mut Client,
    done: &[&Change],
    before: &Table,
    streams: &mut Streams,
) -> bool {
    let undo: Vec<Change> = done
        .iter()
        .rev()
        .flat_map(|c| plan::inverse(c, before))
        .collect();
    let mut failed = 0;
    for (change, outcome) in undo.iter().zip(client.apply_all(&undo)) {
        if let Err(e) = outcome {
            fail(streams, change, &e);
            failed += 1;
        }
    }
    let _ = writeln!(
        streams.err,
        "apply: {} applied changes undone ({} undo steps, {failed} failed)",
        done.len(),
        undo.len()
    );
    failed == 0
}

/// SIGINT, SIGTERM and SIGHUP held back (blocked) for as long as this
/// lives: one that arrives meanwhile stays pending and takes effect, as
/// its disposition says, when the previous signal mask is restored.
/// Nested holds compose (the inner one restores a mask that still holds
/// them back). The mask is the calling thread's.
pub(crate) struct Deferred {
    held: libc::sigset_t,
    previous: libc::sigset_t,
}

/// The signals an atomic apply holds back.
const DEFERRED: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

impl Deferred {
    pub(crate) fn block() -> Deferred {
        // SAFETY: sigset_t is plain data for which all zeroes is a valid
        // value; sigemptyset initialises it before use.
        let mut held: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        let mut previous: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: `held` and `previous` are live locals; sigemptyset and
        // sigaddset write `held`, pthread_sigmask reads it and writes the
        // old mask into `previous`. The signal numbers are valid.
        unsafe {
            libc::sigemptyset(&mut held);
            for signal in DEFERRED {
                libc::sigaddset(&mut held, signal);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &held, &mut previous);
        }
        Deferred { held, previous }
    }

    /// Drops the held-back signals that arrived meanwhile, so that none
    /// takes effect when the mask is restored; signals the previous mask
    /// already blocked are left for whoever blocked them.
    pub(crate) fn discard(&self) {
        let mut set = self.held;
        for signal in DEFERRED {
            // SAFETY: `self.previous` is an initialised mask; `set` a live
            // copy of an initialised set.
            unsafe {
                if libc::sigismember(&self.previous, signal) == 1 {
                    libc::sigdelset(&mut set, signal);
                }
            }
        }
        let now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `set` is an initialised set of blocked signals, the
        // info pointer may be null and `now` is a live zero timeout:
        // sigtimedwait takes one pending signal of `set` or fails at once.
        while unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &now) }
            > 0
        {}
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        // SAFETY: `self.previous` is the mask pthread_sigmask returned;
        // restoring it is always valid.
        unsafe {
            libc::pthread_sigmask(
                libc::SIG_SETMASK,
                &self.previous,
                std::ptr::null_mut(),
            );
        }
    }
}

/// `apply: LINE: MESSAGE` for a change the kernel refused.
fn fail(streams: &mut Streams, change: &Change, e: &crate::Error) {
    let mut line = Vec::new();
    let _ = plan::write_line(&mut line, change);
    let text = String::from_utf8_lossy(&line);
    let _ = streams.out.flush();
    let _ = writeln!(streams.err, "apply: {}: {e}", text.trim_end());
}
