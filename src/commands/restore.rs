//! `-R`: ipvsadm's restore, reading command lines from stdin with its exact
//! tokenisation and error rules, and sending runs of changes pipelined.

use std::io::{self, BufRead};

use super::{Action, Streams, classify, execute, report};
use crate::cli::{self, Command};
use crate::client::{Change, Client};
use crate::error::{Error, Result};

/// Longest token ipvsadm's reader takes; longer runs are split.
const MAX_TOKEN: usize = 4096;

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

/// ipvsadm's line reader (`config_stream_read`), streaming: tokens are
/// runs of non-blanks of at most [`MAX_TOKEN`] bytes (longer runs are
/// split), each cut at its first NUL as a C string is, `ipvsadm` tokens are
/// dropped, and a last line ending in two or more blanks without a newline
/// is discarded. Memory is bounded: blanks are skipped as they are read,
/// and a line whose tokens take more than [`MAX_LINE`] bytes is read to its
/// end and refused. The tokens of a line are read into buffers the reader
/// keeps for the next line.
pub struct LineReader<R> {
    input: R,
    /// The kept tokens of the current line, one after the other.
    bytes: Vec<u8>,
    /// Where each kept token ends in `bytes`.
    ends: Vec<usize>,
}

/// Most bytes the tokens of one line may take (each token counts its
/// length plus [`TOKEN_OVERHEAD`]). ipvsadm's arrays are unbounded; no
/// meaningful command line comes near this.
pub const MAX_LINE: usize = 1 << 20;

/// What each token counts towards [`MAX_LINE`] besides its bytes: the size
/// of a token held on its own (a `Vec`), as a caller copying the line
/// holds it.
const TOKEN_OVERHEAD: usize = std::mem::size_of::<Vec<u8>>();

/// What the scanner found after a token or a run of blanks.
enum Step {
    /// More of the line follows.
    More,
    /// The line ended with a newline.
    EndOfLine,
    /// The input ended.
    EndOfInput,
}

/// The tokens of one line, borrowed from the [`LineReader`] until it reads
/// the next line. It is the argument vector of the line's command.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
}

impl<'a> Line<'a> {
    /// Whether the line has no tokens.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The tokens, in order.
    pub fn tokens(self) -> impl Iterator<Item = &'a [u8]> {
        let bytes = self.bytes;
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let token = bytes.get(start..end).unwrap_or_default();
            start = end;
            token
        })
    }

    /// The tokens, copied.
    pub fn to_vec(self) -> Vec<Vec<u8>> {
        self.tokens().map(<[u8]>::to_vec).collect()
    }
}

impl cli::ArgList for Line<'_> {
    fn count(&self) -> usize {
        self.ends.len()
    }

    fn arg(&self, index: usize) -> Option<&[u8]> {
        let end = *self.ends.get(index)?;
        let start = match index.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.bytes.get(start..end)
    }
}

impl<R: BufRead> LineReader<R> {
    pub fn new(input: R) -> Self {
        LineReader {
            input,
            bytes: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// The next line's tokens; `None` at the end of input. A line too long
    /// to hold is an [`Error::Invalid`].
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>> {
        self.bytes.clear();
        self.ends.clear();
        let mut kept = 0usize;
        let mut too_long = false;
        let mut ntoken = 0usize;
        loop {
            let Some(first) = self.peek()? else {
                // fscanf meets the end before a conversion.
                return if ntoken == 0 {
                    Ok(None)
                } else {
                    self.finish(too_long)
                };
            };
            let step = if is_blank(first) {
                // A failed match: skip blanks up to a newline.
                match self.skip_blanks()? {
                    Step::EndOfInput => return Ok(None),
                    Step::EndOfLine => return self.finish(too_long),
                    Step::More => continue,
                }
            } else {
                self.read_token()?
            };
            // The token just read follows the kept ones.
            let start = self.ends.last().copied().unwrap_or(0);
            let len = c_string(&self.bytes[start..]).len();
            self.bytes.truncate(start + len);
            if self.bytes[start..] == *b"ipvsadm" {
                self.bytes.truncate(start);
            } else {
                ntoken += 1;
                kept += len + TOKEN_OVERHEAD;
                too_long |= kept > MAX_LINE;
                if too_long {
                    self.bytes.clear();
                    self.ends.clear();
                } else {
                    self.ends.push(self.bytes.len());
                }
            }
            if matches!(step, Step::EndOfLine) {
                return self.finish(too_long);
            }
        }
    }

    /// The tokens of a finished line, or the refusal of a too long one.
    fn finish(&self, too_long: bool) -> Result<Option<Line<'_>>> {
        if too_long {
            return Err(Error::Invalid(
                format!("restore line longer than {MAX_LINE} bytes").into(),
            ));
        }
        Ok(Some(Line {
            bytes: &self.bytes,
            ends: &self.ends,
        }))
    }

    /// The next byte without consuming it.
    fn peek(&mut self) -> Result<Option<u8>> {
        loop {
            match self.input.fill_buf() {
                Ok(buf) => return Ok(buf.first().copied()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Consume blanks; stop before a non-blank, after a newline or at the
    /// end of input.
    fn skip_blanks(&mut self) -> Result<Step> {
        loop {
            let buf = match self.input.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            if buf.is_empty() {
                return Ok(Step::EndOfInput);
            }
            let end = buf.iter().position(|b| !is_blank(*b) || *b == b'\n');
            match end {
                Some(i) if buf[i] == b'\n' => {
                    self.input.consume(i + 1);
                    return Ok(Step::EndOfLine);
                }
                Some(i) => {
                    self.input.consume(i);
                    return Ok(Step::More);
                }
                None => {
                    let n = buf.len();
                    self.input.consume(n);
                }
            }
        }
    }

    /// Append up to [`MAX_TOKEN`] non-blanks to `self.bytes`, then read
    /// at most one blank after them (`%4096[^ \t\n\r]%1[ \t\n\r]`).
    fn read_token(&mut self) -> Result<Step> {
        let start = self.bytes.len();
        while self.bytes.len() - start < MAX_TOKEN {
            let room = MAX_TOKEN - (self.bytes.len() - start);
            let buf = match self.input.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            if buf.is_empty() {
                return Ok(Step::EndOfInput);
            }
            let avail = buf.len().min(room);
            let run = buf[..avail]
                .iter()
                .position(|b| is_blank(*b))
                .unwrap_or(avail);
            self.bytes.extend_from_slice(&buf[..run]);
            self.input.consume(run);
            if run < avail {
                break;
            }
        }
        match self.peek()? {
            Some(b) if is_blank(b) => {
                self.input.consume(1);
                Ok(if b == b'\n' {
                    Step::EndOfLine
                } else {
                    Step::More
                })
            }
            Some(_) => Ok(Step::More),
            None => Ok(Step::EndOfInput),
        }
    }
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A token as C sees it: up to its first NUL; its bytes stay as they are.
fn c_string(token: &[u8]) -> &[u8] {
    let end = token.iter().position(|b| *b == 0).unwrap_or(token.len());
    &token[..end]
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
    fn next<R: BufRead>(reader: &mut LineReader<R>) -> Option<Vec<Vec<u8>>> {
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
        let mut reader =
            LineReader::new(io::BufReader::with_capacity(1, input.as_bytes()));
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
