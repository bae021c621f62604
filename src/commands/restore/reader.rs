//! ipvsadm's `-R` line reader (`config_stream_read`): each line read with
//! `read_until`, in pieces of bounded size, and split into tokens with
//! ipvsadm's rules, with a bound on what one line's tokens may hold.

use std::io::{BufRead, BufReader, Read};

use crate::cli;
use crate::error::{Error, Result};

/// Longest token ipvsadm's reader takes; longer runs are split.
pub const MAX_TOKEN: usize = 4096;

/// Most bytes the tokens of one line may take (each token counts its
/// length plus [`TOKEN_OVERHEAD`]). ipvsadm's arrays are unbounded; no
/// meaningful command line comes near this.
pub const MAX_LINE: usize = 1 << 20;

/// What each token counts towards [`MAX_LINE`] besides its bytes: the size
/// of a token held on its own (a `Vec`), as a caller copying the line
/// holds it.
const TOKEN_OVERHEAD: usize = std::mem::size_of::<Vec<u8>>();

/// The input buffer's size, and the most bytes of one line read before
/// the tokens they finish are taken out of them.
const BLOCK: usize = 64 * 1024;

/// ipvsadm's line reader: tokens are runs of non-blanks (blanks are space,
/// tab, CR and LF) of at most [`MAX_TOKEN`] bytes (longer runs are split),
/// each cut at its first NUL as a C string is, `ipvsadm` tokens are
/// dropped, and a last line ending in two or more blanks without a newline
/// is discarded.
///
/// Memory is bounded: a line is read a buffer's size at most at a time,
/// the tokens those bytes finish are kept and the bytes dropped; a line
/// whose tokens take more than [`MAX_LINE`] bytes is read to its end and
/// refused.
pub struct LineReader<R> {
    input: BufReader<R>,
    /// The most bytes of a line read at once: the buffer's size.
    piece: u64,
    /// The bytes of the current line not yet split: nothing, the start of
    /// an unfinished run of non-blanks, or up to two blanks.
    raw: Vec<u8>,
    /// The kept tokens of the current line, one after the other.
    bytes: Vec<u8>,
    /// Where each kept token ends in `bytes`.
    ends: Vec<usize>,
    /// What the line's tokens count towards [`MAX_LINE`], kept or not.
    size: usize,
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
        let Line { bytes, ends } = self;
        let starts = std::iter::once(0).chain(ends.iter().copied());
        starts
            .zip(ends)
            .map(move |(start, &end)| bytes.get(start..end).unwrap_or_default())
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

impl<R: Read> LineReader<R> {
    pub fn new(input: R) -> Self {
        Self::with_capacity(input, BLOCK)
    }

    /// A reader whose input buffer holds `capacity` bytes (at least one).
    pub fn with_capacity(input: R, capacity: usize) -> Self {
        let capacity = capacity.max(1);
        LineReader {
            input: BufReader::with_capacity(capacity, input),
            piece: capacity as u64,
            raw: Vec::new(),
            bytes: Vec::new(),
            ends: Vec::new(),
            size: 0,
        }
    }

    /// The next line's tokens; `None` at the end of input. A line too long
    /// to hold is an [`Error::Invalid`]; after a read error the next call
    /// starts a new line.
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>> {
        self.raw.clear();
        self.bytes.clear();
        self.ends.clear();
        self.size = 0;
        loop {
            let before = self.raw.len();
            let mut piece = (&mut self.input).take(self.piece);
            let read = match piece.read_until(b'\n', &mut self.raw) {
                Ok(read) => read,
                Err(e) => {
                    self.raw.clear();
                    return Err(e.into());
                }
            };
            if self.raw.last() == Some(&b'\n') {
                self.split_runs(self.raw.len());
                return self.finish();
            }
            if read == 0 {
                return self.last_line();
            }
            self.split_finished(before);
        }
    }

    /// Splits the runs that the bytes read so far finish, and keeps of
    /// `raw` only what the rest of the line still needs; `raw[..old]` was
    /// kept from before (the start of a run, or at most two blanks).
    fn split_finished(&mut self, old: usize) {
        let end = self.raw.len();
        let new = self.raw.get(old..).unwrap_or_default();
        let kept = self.raw.get(..old.min(2)).unwrap_or_default();
        let last_blank = match new.iter().rposition(|b| is_blank(*b)) {
            Some(at) => Some(old + at),
            None => kept.iter().rposition(|b| is_blank(*b)),
        };
        match last_blank {
            Some(blank) if blank + 1 == end => {
                // Only the last two blanks matter, at the end of input.
                self.split_runs(end);
                let keep = self.raw.iter().rev().take(2);
                let keep = keep.take_while(|b| is_blank(**b)).count();
                self.raw.drain(..end - keep);
            }
            last_blank => {
                // An unfinished run: its whole pieces are tokens already.
                let run = last_blank.map_or(0, |b| b + 1);
                let whole = run + (end - run) / MAX_TOKEN * MAX_TOKEN;
                self.split_runs(whole);
                self.raw.drain(..whole);
            }
        }
    }

    /// The line the input ends in without a newline: as fscanf leaves it,
    /// nothing if it has no tokens or ends in two blanks.
    fn last_line(&mut self) -> Result<Option<Line<'_>>> {
        let two_blanks = self.raw.len() >= 2
            && self.raw.iter().rev().take(2).all(|b| is_blank(*b));
        self.split_runs(self.raw.len());
        if two_blanks || (self.ends.is_empty() && self.size <= MAX_LINE) {
            return Ok(None);
        }
        self.finish()
    }

    /// Keeps the tokens of `raw[..end]`, whose end also ends a run.
    fn split_runs(&mut self, end: usize) {
        let text = self.raw.get(..end).unwrap_or_default();
        let runs = text.split(|b| is_blank(*b)).filter(|run| !run.is_empty());
        for piece in runs.flat_map(|run| run.chunks(MAX_TOKEN)) {
            let token = c_string(piece);
            if token == b"ipvsadm" {
                continue;
            }
            self.size = self.size.saturating_add(token.len() + TOKEN_OVERHEAD);
            if self.size > MAX_LINE {
                self.bytes.clear();
                self.ends.clear();
            } else {
                self.bytes.extend_from_slice(token);
                self.ends.push(self.bytes.len());
            }
        }
    }

    /// The tokens of a finished line, or the refusal of a too long one.
    fn finish(&self) -> Result<Option<Line<'_>>> {
        if self.size > MAX_LINE {
            return Err(Error::Invalid(
                format!("restore line longer than {MAX_LINE} bytes").into(),
            ));
        }
        Ok(Some(Line {
            bytes: &self.bytes,
            ends: &self.ends,
        }))
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
pub(super) mod tests {
    use super::*;
    use std::io;

    /// A line as read: its tokens, or `None` for a refused one.
    type Lines = Vec<Option<Vec<Vec<u8>>>>;

    /// ipvsadm's reading of a whole input, written as plainly as it is
    /// specified: the reader must agree with it however its input comes.
    fn model(mut input: &[u8]) -> Lines {
        let mut lines = Vec::new();
        loop {
            let (line, rest, ended) =
                match input.iter().position(|b| *b == b'\n') {
                    Some(i) => (&input[..i], &input[i + 1..], true),
                    None => (input, &[][..], false),
                };
            let tokens: Vec<Vec<u8>> = line
                .split(|b| is_blank(*b))
                .filter(|run| !run.is_empty())
                .flat_map(|run| run.chunks(MAX_TOKEN))
                .map(|piece| c_string(piece).to_vec())
                .filter(|token| token != b"ipvsadm")
                .collect();
            if !ended {
                let two_blanks = line.len() >= 2
                    && line[line.len() - 2..].iter().all(|b| is_blank(*b));
                if tokens.is_empty() || two_blanks {
                    return lines;
                }
            }
            let size: usize =
                tokens.iter().map(|t| t.len() + TOKEN_OVERHEAD).sum();
            lines.push((size <= MAX_LINE).then_some(tokens));
            if !ended {
                return lines;
            }
            input = rest;
        }
    }

    /// Every line `reader` gives.
    fn read<R: io::Read>(mut reader: LineReader<R>) -> Lines {
        let mut lines = Vec::new();
        loop {
            match reader.next_line() {
                Ok(Some(line)) => lines.push(Some(line.to_vec())),
                Ok(None) => return lines,
                Err(Error::Invalid(_)) => lines.push(None),
                Err(e) => panic!("unexpected error {e}"),
            }
        }
    }

    /// Gives its bytes a few at a time, the counts going round `sizes`,
    /// with an interruption before each.
    pub(in crate::commands::restore) struct Trickle<'a> {
        data: &'a [u8],
        sizes: &'a [usize],
        turn: usize,
        interrupted: bool,
    }

    impl<'a> Trickle<'a> {
        pub(in crate::commands::restore) fn new(
            data: &'a [u8],
            sizes: &'a [usize],
        ) -> Self {
            Trickle {
                data,
                sizes,
                turn: 0,
                interrupted: false,
            }
        }
    }

    impl io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.interrupted = !self.interrupted;
            if self.interrupted {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let size = self.sizes[self.turn % self.sizes.len()];
            self.turn += 1;
            let n = size.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// A small deterministic generator (xorshift).
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// An input made of pieces that meet every rule: blanks of each kind,
    /// NULs, other control bytes, `ipvsadm` alone and cut at a NUL, runs
    /// about a token long, and bytes that are not ASCII.
    fn generated(random: &mut Random) -> Vec<u8> {
        const PIECES: &[&[u8]] = &[
            b" ",
            b"\t",
            b"\r",
            b"\n",
            b"  ",
            b"\r\n",
            b"\0",
            b"-A",
            b"-t",
            b"10.0.0.1:80",
            b"ipvsadm",
            b"ipvsadm\0x",
            b"ipvsadmx",
            b"\x01",
            b"\x0b",
            b"\xff\xfe",
            b"a\0b",
            b"!",
            b"~",
        ];
        let mut input = Vec::new();
        for _ in 0..random.below(40) {
            match random.below(30) {
                0 => {
                    let len = MAX_TOKEN - 2 + random.below(5);
                    input.extend(std::iter::repeat_n(b'x', len));
                }
                1 => {
                    let len = 2 * MAX_TOKEN - 1 + random.below(3);
                    let mut run = vec![b'y'; len];
                    run[random.below(len)] = 0;
                    input.extend(run);
                }
                _ => input.extend(PIECES[random.below(PIECES.len())]),
            }
        }
        input
    }

    #[test]
    fn every_way_of_reading_agrees_with_the_model() {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let reads: [&[usize]; 4] =
            [&[1], &[7], &[1, 2, 3, 4, 5, 6, 7], &[4096]];
        for _ in 0..300 {
            let input = generated(&mut random);
            let want = model(&input);
            assert_eq!(read(LineReader::new(&input[..])), want, "{input:?}");
            for sizes in reads {
                for capacity in [1, 5, 8, 64, BLOCK] {
                    let trickle = Trickle::new(&input, sizes);
                    let reader = LineReader::with_capacity(trickle, capacity);
                    assert_eq!(
                        read(reader),
                        want,
                        "{input:?} read by {sizes:?} into {capacity}"
                    );
                }
            }
        }
    }

    /// The model itself, on the cases that define it.
    #[test]
    fn the_model_reads_as_ipvsadm() {
        let t = |s: &[&str]| {
            Some(s.iter().map(|t| t.as_bytes().to_vec()).collect())
        };
        assert_eq!(
            model(b"-A  -t\tx\r\n\n"),
            vec![t(&["-A", "-t", "x"]), t(&[])]
        );
        assert_eq!(model(b"ipvsadm\0y a\0b"), vec![t(&["a"])]);
        assert_eq!(model(b"-C\n-C  "), vec![t(&["-C"])]);
        assert_eq!(model(b"-C\n-C "), vec![t(&["-C"]), t(&["-C"])]);
        assert_eq!(model(b"ipvsadm "), vec![]);
    }

    /// A token ending exactly where a read ends, at every position of a
    /// line: the lines are the same as read whole.
    #[test]
    fn a_line_split_at_every_position_reads_the_same() {
        let input: &[u8] =
            b"ipvsadm -a  -t 10.0.0.1:80\0x -r\t172.0.0.1 -m \r\n-C  ";
        let want = model(input);
        for split in 0..=input.len() {
            let (head, tail) = input.split_at(split);
            let chained = io::Read::chain(head, tail);
            assert_eq!(read(LineReader::with_capacity(chained, 3)), want);
        }
    }

    /// A line whose tokens take exactly [`MAX_LINE`] is read, one byte
    /// more is refused, whether the line is read in one piece or many.
    #[test]
    fn the_bound_is_exact_however_the_line_is_read() {
        let whole = MAX_LINE / (MAX_TOKEN + TOKEN_OVERHEAD);
        let left = MAX_LINE - whole * (MAX_TOKEN + TOKEN_OVERHEAD);
        for last in [left - TOKEN_OVERHEAD, left - TOKEN_OVERHEAD + 1] {
            let mut input = Vec::new();
            for _ in 0..whole {
                input.extend([b'x'; MAX_TOKEN]);
                input.push(b' ');
            }
            input.extend(vec![b'y'; last]);
            input.extend(b"\n-C\n");
            let want = model(&input);
            assert_eq!(want[0].is_some(), last == left - TOKEN_OVERHEAD);
            for capacity in [BLOCK, 4 * MAX_LINE] {
                let reader = LineReader::with_capacity(&input[..], capacity);
                assert_eq!(read(reader), want, "into {capacity}");
            }
        }
    }

    /// A line of many long tokens is read whole while only a block of its
    /// bytes is held at a time; a line of blanks only holds no more.
    #[test]
    fn a_long_line_is_read_in_bounded_memory() {
        let mut input = Vec::new();
        for _ in 0..100 {
            input.extend(vec![b'z'; 1000]);
            input.extend(vec![b' '; 3000]);
        }
        input.push(b'\n');
        let mut reader =
            LineReader::with_capacity(Trickle::new(&input, &[999]), 64);
        let line = reader.next_line().unwrap().unwrap();
        assert_eq!(line.to_vec(), vec![vec![b'z'; 1000]; 100]);
        assert!(reader.raw.capacity() <= 2 * BLOCK, "{}", reader.raw.len());

        let blanks = vec![b' '; 10 * BLOCK];
        let input = [&blanks[..], b"-C\n"].concat();
        let mut reader = LineReader::with_capacity(&input[..], 64);
        assert_eq!(reader.next_line().unwrap().unwrap().to_vec(), [b"-C"]);
        assert!(reader.raw.capacity() <= 2 * BLOCK, "{}", reader.raw.len());
    }

    /// An error other than an interruption is the caller's; the reader
    /// goes on with what comes next as a new line.
    #[test]
    fn read_errors_are_surfaced() {
        struct Failing(bool);
        impl io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.0 = !self.0;
                if self.0 {
                    return Err(io::ErrorKind::BrokenPipe.into());
                }
                buf[..3].copy_from_slice(b"-C\n");
                Ok(3)
            }
        }
        let mut reader = LineReader::new(Failing(true));
        assert_eq!(reader.next_line().unwrap().unwrap().to_vec(), [b"-C"]);
        assert!(matches!(reader.next_line(), Err(Error::Io(_))));
        assert_eq!(reader.next_line().unwrap().unwrap().to_vec(), [b"-C"]);
    }
}
