//! ipvsadm's `-R` line reader (`config_stream_read`): the input read in
//! blocks into one buffer and each line tokenised there, with ipvsadm's
//! token rules and a bound on what one line may hold.

use std::io;

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

/// The buffer's first size, and the most bytes asked of the input at once.
const BLOCK: usize = 64 * 1024;

/// ipvsadm's line reader: tokens are runs of non-blanks (blanks are space,
/// tab, CR and LF) of at most [`MAX_TOKEN`] bytes (longer runs are split),
/// each cut at its first NUL as a C string is, `ipvsadm` tokens are
/// dropped, and a last line ending in two or more blanks without a newline
/// is discarded.
///
/// The input is read in blocks into one buffer, each line is tokenised
/// there in one pass and its tokens are lent out of the buffer. Memory is
/// bounded: when a line does not fit, its tokens are moved together to the
/// buffer's start, without the blanks between them, and the buffer grows
/// only as far as the tokens need; a line whose tokens take more than
/// [`MAX_LINE`] bytes is read to its end and refused.
pub struct LineReader<R> {
    input: R,
    /// What was read is `buf[..filled]`; the lines not yet returned start
    /// at `next` (during a line, its moved tokens may be before that).
    buf: Vec<u8>,
    filled: usize,
    next: usize,
    /// The kept tokens of the current line.
    spans: Spans,
}

/// Where a token lies in the reader's buffer.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: usize,
    end: usize,
}

/// The kept tokens of the current line, `slots[..len]`. The slots after
/// them are kept allocated and filled, so that the scanner stores tokens
/// without growing anything.
#[derive(Default)]
struct Spans {
    slots: Vec<Span>,
    len: usize,
}

impl Spans {
    fn kept(&self) -> &[Span] {
        self.slots.get(..self.len).unwrap_or_default()
    }

    /// Keeps `bytes[span]`, a token already cut at its NUL, unless it is
    /// `ipvsadm`.
    fn push(&mut self, bytes: &[u8], span: Span) {
        if is_ipvsadm(bytes, span) {
            return;
        }
        if self.len == self.slots.len() {
            self.grow();
        }
        if let Some(slot) = self.slots.get_mut(self.len) {
            *slot = span;
            self.len += 1;
        }
    }

    /// Keeps `bytes[start..end]`, a run of non-blanks: in pieces of at
    /// most [`MAX_TOKEN`] bytes, each cut at its first NUL.
    fn push_run(&mut self, bytes: &[u8], start: usize, end: usize) {
        for at in (start..end).step_by(MAX_TOKEN) {
            let piece = bytes.get(at..end.min(at + MAX_TOKEN));
            let len = c_string(piece.unwrap_or_default()).len();
            self.push(
                bytes,
                Span {
                    start: at,
                    end: at + len,
                },
            );
        }
    }

    fn grow(&mut self) {
        let slots = (self.slots.len() * 2).max(16);
        self.slots.resize(slots, Span::default());
    }
}

/// The tokens of one line, borrowed from the [`LineReader`] until it reads
/// the next line. It is the argument vector of the line's command.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    bytes: &'a [u8],
    spans: &'a [Span],
}

impl<'a> Line<'a> {
    /// Whether the line has no tokens.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The tokens, in order.
    pub fn tokens(self) -> impl Iterator<Item = &'a [u8]> {
        let bytes = self.bytes;
        self.spans
            .iter()
            .map(move |s| bytes.get(s.start..s.end).unwrap_or_default())
    }

    /// The tokens, copied.
    pub fn to_vec(self) -> Vec<Vec<u8>> {
        self.tokens().map(<[u8]>::to_vec).collect()
    }
}

impl cli::ArgList for Line<'_> {
    fn count(&self) -> usize {
        self.spans.len()
    }

    fn arg(&self, index: usize) -> Option<&[u8]> {
        let span = self.spans.get(index)?;
        self.bytes.get(span.start..span.end)
    }
}

/// How much of [`MAX_LINE`] the kept tokens of the line being read take,
/// counted when the buffer is refilled and when the line ends rather than
/// token by token (a scan between those covers at most a block and a
/// token of bytes, so a bounded number of tokens).
#[derive(Default)]
struct Tally {
    /// The size of the first `counted` kept tokens, or one past the bound
    /// once it was passed (the tokens are then dropped).
    size: usize,
    counted: usize,
}

impl Tally {
    /// Counts the tokens kept since the last count; past the bound, drops
    /// them all.
    fn count(&mut self, spans: &mut Spans) {
        let new = spans.kept().get(self.counted..).unwrap_or_default();
        let size = new.iter().fold(self.size, |size, span| {
            size.saturating_add(span.end - span.start + TOKEN_OVERHEAD)
        });
        if size > MAX_LINE {
            self.size = MAX_LINE + 1;
            spans.len = 0;
        } else {
            self.size = size;
        }
        self.counted = spans.len;
    }

    /// Counts at the end of the line, whose tokens since the last count
    /// lie in `scanned` bytes: not one by one if even that many bytes
    /// cannot pass the bound.
    fn count_at_end(&mut self, spans: &mut Spans, scanned: usize) {
        // Neither the tokens nor the bytes come near overflowing.
        let new = spans.len - self.counted;
        if self.size + new * TOKEN_OVERHEAD + scanned > MAX_LINE {
            self.count(spans);
        }
    }

    fn too_long(&self) -> bool {
        self.size > MAX_LINE
    }
}

impl<R: io::Read> LineReader<R> {
    pub fn new(input: R) -> Self {
        Self::with_capacity(input, BLOCK)
    }

    /// A reader whose buffer starts at `capacity` bytes (at least one).
    pub fn with_capacity(input: R, capacity: usize) -> Self {
        LineReader {
            input,
            buf: vec![0; capacity.max(1)],
            filled: 0,
            next: 0,
            spans: Spans::default(),
        }
    }

    /// The next line's tokens; `None` at the end of input. A line too long
    /// to hold is an [`Error::Invalid`].
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>> {
        self.spans.len = 0;
        let mut tally = Tally::default();
        let mut at = Resume::at(self.next);
        // Where the tokens not yet counted start.
        let mut origin = self.next;
        loop {
            let bytes = self.buf.get(..self.filled).unwrap_or_default();
            match scan(bytes, at, &mut self.spans) {
                Scanned::Line(next) => {
                    self.next = next;
                    tally.count_at_end(&mut self.spans, next - origin);
                    return self.finish(&tally);
                }
                Scanned::Odd { start, end } => {
                    self.spans.push_run(bytes, start, end);
                    at = Resume::at(end);
                }
                Scanned::Full(start) => {
                    self.spans.grow();
                    at = Resume::at(start);
                }
                Scanned::More(resume) => {
                    let resume = self.whole_pieces(resume);
                    tally.count(&mut self.spans);
                    at = self.make_room(resume);
                    origin = at.run();
                    if self.fill()? == 0 {
                        self.next = self.filled;
                        return self.last_line(origin, tally);
                    }
                }
            }
        }
    }

    /// Keeps the whole pieces of the unfinished run of non-blanks at
    /// `resume`, if there is one.
    fn whole_pieces(&mut self, resume: Resume) -> Resume {
        let run = resume.run();
        let rest = self.filled.saturating_sub(run);
        if rest < MAX_TOKEN || self.buf.get(run).is_none_or(|b| is_blank(*b)) {
            return resume;
        }
        let end = run + rest / MAX_TOKEN * MAX_TOKEN;
        self.spans.push_run(&self.buf, run, end);
        if resume.start & ODD == 0 {
            Resume {
                start: end,
                from: resume.from,
            }
        } else {
            // Which piece held the NUL is not known: the rest is scanned
            // again (less than a token).
            Resume::at(end)
        }
    }

    /// The line the input ends in without a newline, whose unfinished rest
    /// is `buf[at..filled]`: as fscanf leaves it, nothing if it has no
    /// tokens or ends in two blanks.
    fn last_line(
        &mut self,
        at: usize,
        mut tally: Tally,
    ) -> Result<Option<Line<'_>>> {
        let rest = self.buf.get(at..self.filled).unwrap_or_default();
        match rest.first() {
            Some(b) if is_blank(*b) && rest.len() >= 2 => return Ok(None),
            Some(b) if !is_blank(*b) => {
                self.spans.push_run(&self.buf, at, self.filled);
            }
            _ => {}
        }
        tally.count(&mut self.spans);
        if self.spans.len == 0 && !tally.too_long() {
            return Ok(None);
        }
        self.finish(&tally)
    }

    /// The tokens of a finished line, or the refusal of a too long one.
    fn finish(&self, tally: &Tally) -> Result<Option<Line<'_>>> {
        if tally.too_long() {
            return Err(Error::Invalid(
                format!("restore line longer than {MAX_LINE} bytes").into(),
            ));
        }
        Ok(Some(Line {
            bytes: &self.buf,
            spans: self.spans.kept(),
        }))
    }

    /// Room after `filled` to read more of the current line, whose scan
    /// goes on at `resume`; returns where it then goes on. A quarter of
    /// the buffer free is enough; else the line's tokens and its unfinished
    /// rest move to the start, and if they still fill half of it the
    /// buffer doubles.
    fn make_room(&mut self, resume: Resume) -> Resume {
        let size = self.buf.len();
        if size - self.filled > size / 4 {
            return resume;
        }
        let mut to = 0;
        let kept = self.spans.slots.get_mut(..self.spans.len);
        for span in kept.unwrap_or_default() {
            let len = span.end - span.start;
            self.buf.copy_within(span.start..span.end, to);
            *span = Span {
                start: to,
                end: to + len,
            };
            to += len;
        }
        let run = resume.run().min(self.filled);
        self.buf.copy_within(run..self.filled, to);
        self.filled = to + (self.filled - run);
        if size - self.filled <= size / 2 {
            self.buf.resize(size * 2, 0);
        }
        Resume {
            start: to | resume.start & ODD,
            from: to + (resume.from - run),
        }
    }

    /// Reads once, at most [`BLOCK`] bytes, into the free end of the
    /// buffer (retrying when interrupted); returns how many bytes came, 0
    /// at the end of input. An error drops what was read of the current
    /// line.
    fn fill(&mut self) -> Result<usize> {
        let end = self.buf.len().min(self.filled + BLOCK);
        let free = self.buf.get_mut(self.filled..end).unwrap_or_default();
        loop {
            match self.input.read(free) {
                Ok(n) => {
                    let n = n.min(free.len());
                    self.filled += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.next = self.filled;
                    return Err(e.into());
                }
            }
        }
    }
}

/// Where tokenising the bytes at hand stopped.
enum Scanned {
    /// The line ended with a newline; the next line starts here.
    Line(usize),
    /// A run of non-blanks that holds a NUL or is longer than a token
    /// ends at `end`, a blank; it is for [`Spans::push_run`], and the scan
    /// goes on at `end`.
    Odd { start: usize, end: usize },
    /// No slot was free for the token at this index; the scan goes on
    /// there.
    Full(usize),
    /// The bytes ran out; the scan goes on here, in an unfinished run of
    /// non-blanks or at the last two (or fewer) blanks.
    More(Resume),
}

/// Where the scan of a line goes on: at `from`, in a run that starts at
/// `start` (with [`ODD`] set in it if the run holds a NUL).
#[derive(Debug, Clone, Copy)]
struct Resume {
    start: usize,
    from: usize,
}

impl Resume {
    /// At `at`, where a run or blanks start.
    fn at(at: usize) -> Self {
        Resume {
            start: at,
            from: at,
        }
    }

    /// Where the run starts.
    fn run(self) -> usize {
        self.start & !ODD
    }
}

/// Marks, in the start of a run, that the run holds a NUL.
const ODD: usize = 1 << (usize::BITS - 1);

/// The blanks, as bits (all are below 64).
const BLANKS: u64 = 1 << b' ' | 1 << b'\t' | 1 << b'\r' | 1 << b'\n';

/// Tokenises `bytes[at..]`, the rest of the current line as far as it was
/// read, into the free slots of `spans`, until something other than a
/// plain token needs handling.
///
/// The bytes are looked at eight at a time: only those below `!` (blanks,
/// NUL and other control bytes) are visited one by one, and need no look
/// at all in eight with no byte below a space; the tokens are what lies
/// between blanks.
fn scan(bytes: &[u8], at: Resume, spans: &mut Spans) -> Scanned {
    let mut runs = Runs {
        start: at.start,
        len: spans.len,
    };
    let slots = spans.slots.as_mut_slice();
    let mut base = at.from;
    let mut found = None;
    while let Some(word) = bytes.get(base..).and_then(<[u8]>::first_chunk) {
        found = runs.word(u64::from_le_bytes(*word), base, bytes, slots);
        if found.is_some() {
            break;
        }
        base += 8;
    }
    if found.is_none() {
        let mut last = [b'!'; 8];
        let tail = bytes.get(base..).unwrap_or_default();
        for (to, from) in last.iter_mut().zip(tail) {
            *to = *from;
        }
        found = runs.word(u64::from_le_bytes(last), base, bytes, slots);
    }
    spans.len = runs.len;
    if let Some(found) = found {
        return found;
    }
    let end = bytes.len();
    if runs.start & !ODD < end {
        return Scanned::More(Resume {
            start: runs.start,
            from: end,
        });
    }
    // The bytes end in a blank (or there were none): keep the last two
    // blanks, or one after a non-blank; only they matter at the end of
    // input.
    let first = at.run();
    let two =
        end >= first + 2 && bytes.get(end - 2).is_some_and(|b| is_blank(*b));
    let blanks = if two {
        end - 2
    } else {
        end.saturating_sub(1).max(first)
    };
    Scanned::More(Resume::at(blanks))
}

/// The scanner's state: the run of non-blanks being scanned starts at
/// `start` (just after a blank, or where the scan started; with [`ODD`]
/// set once a NUL was seen in it), and `len` slots are taken.
struct Runs {
    start: usize,
    len: usize,
}

impl Runs {
    /// Scans the eight bytes `word` at `base`, storing every plain token a
    /// blank ends into `slots`; stops at what it cannot handle itself.
    #[inline(always)]
    fn word(
        &mut self,
        word: u64,
        base: usize,
        bytes: &[u8],
        slots: &mut [Span],
    ) -> Option<Scanned> {
        let mut low = below(word, b'!');
        if below(word, b' ') == 0 {
            // Every byte below `!` is a space.
            while low != 0 {
                let at = base + (low.trailing_zeros() / 8) as usize;
                low &= low - 1;
                if let Some(stop) = self.end_run(at, bytes, slots) {
                    return Some(stop);
                }
                self.start = at + 1;
            }
            return None;
        }
        while low != 0 {
            let bit = low.trailing_zeros() & 56;
            low &= low - 1;
            let at = base + (bit / 8) as usize;
            // Below `!`, so below 64.
            let b = (word >> bit) as u8 & 63;
            if BLANKS >> b & 1 == 0 {
                if b == 0 {
                    self.start |= ODD;
                }
                continue;
            }
            if let Some(stop) = self.end_run(at, bytes, slots) {
                return Some(stop);
            }
            if b == b'\n' {
                return Some(Scanned::Line(at + 1));
            }
            self.start = at + 1;
        }
        None
    }

    /// Takes the run a blank at `at` ends: stored if plain, else (or with
    /// no slot free) what the scan stops at.
    #[inline(always)]
    fn end_run(
        &mut self,
        at: usize,
        bytes: &[u8],
        slots: &mut [Span],
    ) -> Option<Scanned> {
        let len = at.wrapping_sub(self.start);
        if len.wrapping_sub(1) < MAX_TOKEN {
            let span = Span {
                start: self.start,
                end: at,
            };
            if len != 7 || !is_ipvsadm(bytes, span) {
                let Some(slot) = slots.get_mut(self.len) else {
                    return Some(Scanned::Full(self.start));
                };
                *slot = span;
                self.len += 1;
            }
        } else if len != 0 {
            let start = self.start & !ODD;
            return Some(Scanned::Odd { start, end: at });
        }
        None
    }
}

/// Bit 7 of each byte of `word` set where the byte is below `limit`
/// (at most 0x80).
#[inline(always)]
fn below(word: u64, limit: u8) -> u64 {
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let to_high = u64::from_ne_bytes([0x80 - limit; 8]);
    // Bit 7 of each byte of the sum is set where its low seven bits are
    // `limit` or more; no byte carries into the next.
    !(((word & LOW7) + to_high) | word) & HIGH
}

/// Whether the token at `span` is `ipvsadm`.
#[inline(always)]
fn is_ipvsadm(bytes: &[u8], span: Span) -> bool {
    span.end - span.start == 7
        && bytes.get(span.start..span.end) == Some(b"ipvsadm")
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

    /// A line of many long tokens grows the buffer to hold them and is
    /// read whole; a line of blanks only does not grow it.
    #[test]
    fn the_buffer_grows_only_for_the_tokens_of_a_line() {
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
        assert!(reader.buf.len() < 4 * 100 * 1000, "{}", reader.buf.len());

        let blanks = vec![b' '; 10 * BLOCK];
        let input = [&blanks[..], b"-C\n"].concat();
        let mut reader = LineReader::with_capacity(&input[..], 64);
        assert_eq!(reader.next_line().unwrap().unwrap().to_vec(), [b"-C"]);
        assert_eq!(reader.buf.len(), 64);
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
