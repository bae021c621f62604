//! `-R`: ipvsadm's restore, reading command lines from stdin with its exact
//! tokenisation and error rules, and sending runs of changes pipelined.

use std::io::{self, BufRead};

use super::{Action, Streams, classify, execute, report};
use crate::cli::{self, Command};
use crate::client::{Change, Client};
use crate::error::{Error, Result};

pub(crate) mod reader;

pub(crate) use reader::LineReader;
#[cfg(test)]
pub(crate) use reader::MAX_LINE;

/// How many changes are sent to the kernel together: one pipelined window
/// (see `netlink`), so that few parsed changes are held in memory.
const BATCH: usize = 512;

/// Restore from stdin. The status is that of the last executed line.
pub(super) fn restore(
    argv0: &[u8],
    client: &mut Client,
    streams: &mut Streams,
) -> Result<u8> {
    let stdin = io::stdin();
    restore_from(argv0, client, &mut stdin.lock(), streams)
}

/// Restore from any line source.
pub(super) fn restore_from(
    argv0: &[u8],
    client: &mut Client,
    input: &mut dyn BufRead,
    streams: &mut Streams,
) -> Result<u8> {
    client.prepare_for_batches();
    let mut pending = Pending::default();
    let mut status = 0u8;
    let mut reader = LineReader::new(input);
    loop {
        let tokens = match reader.next_line() {
            Ok(Some(tokens)) => tokens,
            Ok(None) => break,
            Err(e) => {
                pending.flush(client, streams, &mut status);
                return Err(e);
            }
        };
        if tokens.is_empty() {
            continue;
        }
        let parsed = cli::parse_command_line(argv0, &tokens).and_then(|c| {
            // The namespace is chosen once, on the command line.
            match cli::netns_option(&tokens) {
                Some(_) => Err(Error::Invalid(
                    "--netns cannot be used in restore input".into(),
                )),
                None => Ok(c),
            }
        });
        let command = match parsed {
            Ok(c) => c,
            Err(e) => {
                pending.flush(client, streams, &mut status);
                if aborts(&e) {
                    return Err(e);
                }
                report(streams, &e);
                status = e.exit_status();
                continue;
            }
        };
        match classify(command) {
            Action::Change(change) => {
                pending.changes.push(change);
                if pending.changes.len() >= BATCH {
                    pending.flush(client, streams, &mut status);
                }
            }
            Action::Other(command) => {
                pending.flush(client, streams, &mut status);
                if matches!(command, Command::Help | Command::Version) {
                    execute(argv0, client, command, streams)?;
                    return Ok(0);
                }
                execute(argv0, client, command, streams)?;
                status = 0;
            }
        }
    }
    pending.flush(client, streams, &mut status);
    Ok(status)
}

/// Whether an error on one line ends the whole restore (ipvsadm exits on
/// validation errors and failed listings; it prints and goes on after
/// option errors and refused changes).
fn aborts(e: &Error) -> bool {
    !matches!(e, Error::BadOption { .. })
}

/// Changes parsed but not yet sent.
#[derive(Default)]
struct Pending {
    changes: Vec<Change>,
}

impl Pending {
    /// Send what is pending and report each refusal in line order.
    fn flush(
        &mut self,
        client: &mut Client,
        streams: &mut Streams,
        status: &mut u8,
    ) {
        if self.changes.is_empty() {
            return;
        }
        for outcome in client.apply_batch(&mut self.changes) {
            *status = match outcome {
                Ok(()) => 0,
                Err(e) => {
                    report(streams, &e);
                    e.exit_status()
                }
            };
        }
    }
}

#[cfg(test)]
mod tests;
