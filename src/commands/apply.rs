//! `--apply FILE [--dry-run] [--atomic]`: make the kernel's table equal to
//! a desired one with the fewest changes (never a flush), print the plan
//! instead with `--dry-run`, and with `--atomic` undo what was applied when
//! a change fails.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::Path;

use super::Streams;
use super::desired::{self, bad_input};
use super::plan::{self, Table, TableEntry};
use crate::cli::ApplyRequest;
use crate::client::{Change, Client, StatsNests};
use crate::error::Result;

/// Runs `--apply`; the status is 0 when every change was made.
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
    Ok(execute(client, &changes, &current, req.atomic, streams))
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

/// The kernel's table, services and real servers in kernel order.
pub(super) fn read_table(client: &mut Client) -> Result<Table> {
    let services: Vec<_> = client.services(StatsNests::Read)?;
    let mut table = Table::with_capacity(services.len());
    for service in services {
        let dests = client.dests(&service, StatsNests::Read)?;
        table.push(TableEntry { service, dests });
    }
    Ok(table)
}

/// Makes the changes in order. Without `atomic` every change is tried and
/// each failure reported; with it the first failure undoes the changes
/// already made, newest first.
fn execute(
    client: &mut Client,
    changes: &[Change],
    before: &Table,
    atomic: bool,
    streams: &mut Streams,
) -> u8 {
    let mut status = 0;
    let mut done: Vec<&Change> = Vec::new();
    for change in changes {
        match client.apply(change.clone()) {
            Ok(()) => done.push(change),
            Err(e) => {
                fail(streams, change, &e);
                status = e.exit_status();
                if atomic {
                    undo(client, &done, before, streams);
                    return status;
                }
            }
        }
    }
    status
}

fn undo(
    client: &mut Client,
    done: &[&Change],
    before: &Table,
    streams: &mut Streams,
) {
    let undo: Vec<Change> = done
        .iter()
        .rev()
        .flat_map(|c| plan::inverse(c, before))
        .collect();
    let mut failed = 0;
    for change in &undo {
        if let Err(e) = client.apply(change.clone()) {
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
}

/// `apply: LINE: MESSAGE` for a change the kernel refused.
fn fail(streams: &mut Streams, change: &Change, e: &crate::Error) {
    let mut line = Vec::new();
    let _ = plan::write_line(&mut line, change);
    let text = String::from_utf8_lossy(&line);
    let _ = streams.out.flush();
    let _ = writeln!(streams.err, "apply: {}: {e}", text.trim_end());
}
