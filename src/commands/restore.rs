//! `-R`: ipvsadm's restore, reading command lines from stdin with its exact
//! tokenisation and error rules, and sending runs of changes pipelined.

use std::io::{self, BufRead};

use super::{Action, Streams, classify, execute, report};
use crate::cli::{self, Command};
use crate::client::{Change, Client};
use crate::error::{Error, Result};

mod reader;

#[cfg(test)]
use reader::{Line, MAX_TOKEN, tests::Trickle};
pub use reader::{LineReader, MAX_LINE};

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
pub fn restore_from(
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
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<Vec<String>> {
        let mut bytes = input.as_bytes();
        let mut reader = LineReader::new(&mut bytes);
        let mut out = Vec::new();
        while let Some(l) = reader.next_line().unwrap() {
            out.push(texts(l));
        }
        out
    }

    fn texts(line: Line) -> Vec<String> {
        line.to_vec()
            .into_iter()
            .map(|t| String::from_utf8(t).unwrap())
            .collect()
    }

    /// The next line's tokens, copied.
    fn next<R: io::Read>(reader: &mut LineReader<R>) -> Option<Vec<Vec<u8>>> {
        reader.next_line().unwrap().map(|l| l.to_vec())
    }

    /// `count` copies of `unit`, produced on the fly.
    struct Repeat {
        unit: &'static [u8],
        left: usize,
        pos: usize,
    }

    impl io::Read for Repeat {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let mut n = 0;
            while n < buf.len() && self.left > 0 {
                buf[n] = self.unit[self.pos];
                n += 1;
                self.pos += 1;
                if self.pos == self.unit.len() {
                    self.pos = 0;
                    self.left -= 1;
                }
            }
            Ok(n)
        }
    }

    #[test]
    fn tokens_end_at_their_first_nul() {
        assert_eq!(
            lines("-A -t 1.2.3.4:80\0junk \0x ipvsadm\0y\n"),
            vec![vec!["-A", "-t", "1.2.3.4:80", ""]]
        );
    }

    #[test]
    fn blanks_only_at_the_end_are_no_line() {
        assert!(lines("  \t").is_empty());
        assert!(lines("ipvsadm").is_empty());
        assert_eq!(lines("ipvsadm\n"), vec![Vec::<String>::new()]);
    }

    #[test]
    fn tokens_split_across_reads_are_whole() {
        let input = "-A   -t\t1.2.3.4:80 -s rr\n-C";
        let one_by_one = Trickle::new(input.as_bytes(), &[1]);
        let mut reader = LineReader::with_capacity(one_by_one, 1);
        assert_eq!(
            reader.next_line().unwrap().map(texts),
            Some(vec!["-A", "-t", "1.2.3.4:80", "-s", "rr"])
                .map(|l| l.into_iter().map(String::from).collect())
        );
        assert_eq!(next(&mut reader), Some(vec![b"-C".to_vec()]));
        assert_eq!(next(&mut reader), None);
    }

    #[test]
    fn a_line_beyond_the_bound_is_refused_and_the_next_is_read() {
        // 8 MiB of one token without a newline, then a normal line.
        let huge = Repeat {
            unit: b"x",
            left: 8 * MAX_LINE,
            pos: 0,
        };
        let tail: &[u8] = b"\n-C\n";
        let mut reader =
            LineReader::new(io::BufReader::new(io::Read::chain(huge, tail)));
        match reader.next_line() {
            Err(Error::Invalid(m)) => {
                assert!(m.to_string().contains("longer than"))
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(next(&mut reader), Some(vec![b"-C".to_vec()]));
        assert_eq!(next(&mut reader), None);
    }

    #[test]
    fn many_short_tokens_are_bounded_too() {
        let many = Repeat {
            unit: b"\0 ",
            left: 1 << 20,
            pos: 0,
        };
        let mut reader = LineReader::new(io::BufReader::new(many));
        assert!(matches!(reader.next_line(), Err(Error::Invalid(_))));
    }

    /// A line that is not UTF-8 is read, parsed and reported with its
    /// bytes as they came.
    #[test]
    fn bytes_that_are_not_utf8_are_echoed_as_read() {
        let mut input: &[u8] = b"-A -f 7\xff\0x\n-L -n\xfe\n";
        let mut reader = LineReader::new(&mut input);
        let mut err = Vec::new();
        let mut out = Vec::new();
        let mut streams = Streams {
            out: &mut out,
            err: &mut err,
        };
        while let Some(tokens) = reader.next_line().unwrap() {
            let e = cli::parse_command_line("ipvsadm", &tokens).unwrap_err();
            report(&mut streams, &e);
        }
        assert_eq!(
            err,
            b"invalid fwmark value `7\xff' specified\n-n\xfe: unknown option\n"
        );
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
