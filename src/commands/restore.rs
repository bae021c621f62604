//! `-R`: ipvsadm's restore, reading command lines from stdin with its exact
//! tokenisation and error rules, and sending runs of changes pipelined.

use std::io::{self, BufRead};

use super::{Action, Streams, classify, execute, report};
use crate::cli::{self, Command};
use crate::client::{Change, Client};
use crate::error::{Error, Result};

/// Longest token ipvsadm's reader takes; longer runs are split.
const MAX_TOKEN: usize = 4096;

/// How many changes are sent to the kernel together.
const BATCH: usize = 4096;

/// Restore from stdin. The status is that of the last executed line.
pub(super) fn restore(
    argv0: &str,
    client: &mut Client,
    streams: &mut Streams,
) -> Result<u8> {
    let stdin = io::stdin();
    restore_from(argv0, client, &mut stdin.lock(), streams)
}

/// Restore from any line source.
pub fn restore_from(
    argv0: &str,
    client: &mut Client,
    input: &mut dyn BufRead,
    streams: &mut Streams,
) -> Result<u8> {
    client.prepare_for_batches();
    let mut pending = Pending::default();
    let mut status = 0u8;
    let mut reader = LineReader::new(input);
    while let Some(tokens) = reader.next_line()? {
        if tokens.is_empty() {
            continue;
        }
        let parsed = cli::parse_command_line(argv0, &tokens).and_then(|c| {
            // The namespace is chosen once, on the command line.
            match cli::netns_option(&tokens) {
                Some(_) => Err(Error::Invalid(
                    "--netns cannot be used in restore input".to_string(),
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
        let changes = std::mem::take(&mut self.changes);
        for outcome in client.apply_batch(changes) {
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

/// ipvsadm's line reader (`config_stream_read`): tokens are runs of
/// non-blanks, `ipvsadm` tokens are dropped, and a last line ending in two
/// or more blanks without a newline is discarded.
pub(super) struct LineReader<'a> {
    input: &'a mut dyn BufRead,
    line: Vec<u8>,
}

impl<'a> LineReader<'a> {
    pub(super) fn new(input: &'a mut dyn BufRead) -> Self {
        LineReader {
            input,
            line: Vec::new(),
        }
    }

    /// The next line's tokens; `None` at the end of input.
    pub(super) fn next_line(&mut self) -> Result<Option<Vec<String>>> {
        self.line.clear();
        let n = self.input.read_until(b'\n', &mut self.line)?;
        if n == 0 {
            return Ok(None);
        }
        let complete = self.line.last() == Some(&b'\n');
        let tokens = tokenize(&self.line);
        if !complete && (tokens.is_empty() || trailing_blanks(&self.line) >= 2)
        {
            return Ok(None);
        }
        Ok(Some(tokens))
    }
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn trailing_blanks(line: &[u8]) -> usize {
    line.iter().rev().take_while(|b| is_blank(**b)).count()
}

fn tokenize(line: &[u8]) -> Vec<String> {
    line.split(|b| is_blank(*b))
        .filter(|t| !t.is_empty())
        .flat_map(|t| t.chunks(MAX_TOKEN))
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .filter(|t| t != "ipvsadm")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<Vec<String>> {
        let mut bytes = input.as_bytes();
        let mut reader = LineReader::new(&mut bytes);
        let mut out = Vec::new();
        while let Some(l) = reader.next_line().unwrap() {
            out.push(l);
        }
        out
    }

    #[test]
    fn tokens_split_on_blanks_and_drop_ipvsadm() {
        assert_eq!(
            lines("ipvsadm -A\t-t 1.2.3.4:80\r\n"),
            vec![vec!["-A", "-t", "1.2.3.4:80"]]
        );
    }

    #[test]
    fn blank_lines_have_no_tokens() {
        assert_eq!(lines("\n  \n-C\n").len(), 3);
        assert!(lines("\n  \n-C\n")[0].is_empty());
    }

    #[test]
    fn last_line_with_two_trailing_blanks_is_dropped() {
        assert_eq!(lines("-C\n-A -t 1.1.1.16:80  ").len(), 1);
        assert_eq!(lines("-C\n-A -t 1.1.1.16:80 ").len(), 2);
        assert_eq!(lines("-C\n-A -t 1.1.1.16:80").len(), 2);
    }

    #[test]
    fn long_tokens_are_split() {
        let long = "x".repeat(MAX_TOKEN + 10);
        let l = lines(&format!("-A {long}\n"));
        assert_eq!(l[0].len(), 3);
        assert_eq!(l[0][1].len(), MAX_TOKEN);
    }
}
