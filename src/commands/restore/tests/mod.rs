//! The restore's line handling: tokens, bounds and what is echoed.

use std::io;

use super::*;
use crate::commands::restore::reader::{Line, MAX_TOKEN};
use reader::Trickle;

mod reader;

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
