//! ipvsadm's `-R` line reader (`config_stream_read`): each line read with
//! `read_until`, in pieces of bounded size, and split into tokens with
//! ipvsadm's rules, with a bound on what one line's tokens may hold.

use std::io::{BufRead, BufReader, Read};

use crate::cli;
use crate::error::{Error, Result};

/// Longest token ipvsadm's reader takes; longer runs are split.
pub(super) const MAX_TOKEN: usize = 4096;

/// Most bytes the tokens of one line may take (each token counts its
/// length plus `TOKEN_OVERHEAD`). ipvsadm's arrays are unbounded; no
/// meaningful command line comes near this.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// What each token counts towards [`MAX_LINE`] besides its bytes: the size
/// of a token held on its own (a `Vec`), as a caller copying the line
/// holds it.
pub(super) const TOKEN_OVERHEAD: usize = std::mem::size_of::<Vec<u8>>();

/// The input buffer's size, and the most bytes of one line read before
/// the tokens they finish are taken out of them.
pub(super) const BLOCK: usize = 64 * 1024;

/// ipvsadm's line reader: tokens are runs of non-blanks (blanks are space,
/// tab, CR and LF) of at most `MAX_TOKEN` bytes (longer runs are split),
/// each cut at its first NUL as a C string is, `ipvsadm` tokens are
/// dropped, and a last line ending in two or more blanks without a newline
/// is discarded.
///
/// Memory is bounded: a line is read a buffer's size at most at a time,
/// the tokens those bytes finish are kept and the bytes dropped; a line
/// whose tokens take more than `MAX_LINE` bytes is read to its end and
/// refused.
pub struct LineReader<R> {
    input: BufReader<R>,
    /// The most bytes of a line read at once: the buffer's size.
    piece: u64,
    /// The bytes of the current line not yet split: nothing, the start of
    /// an unfinished run of non-blanks, or up to two blanks.
    pub(super) raw: Vec<u8>,
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
        let mut at = 0;
        while let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
            // Blanks are below `!`: one comparison for most bytes.
            let len = rest
                .iter()
                .position(|&b| b < b'!' && is_blank(b))
                .unwrap_or(rest.len());
            for piece in rest[..len].chunks(MAX_TOKEN) {
                let token = c_string(piece);
                if token == b"ipvsadm" {
                    continue;
                }
                self.size =
                    self.size.saturating_add(token.len() + TOKEN_OVERHEAD);
                if self.size > MAX_LINE {
                    self.bytes.clear();
                    self.ends.clear();
                } else {
                    self.bytes.extend_from_slice(token);
                    self.ends.push(self.bytes.len());
                }
            }
            at += len + 1;
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

pub(super) fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A token as C sees it: up to its first NUL; its bytes stay as they are.
pub(super) fn c_string(token: &[u8]) -> &[u8] {
    let end = token.iter().position(|b| *b == 0).unwrap_or(token.len());
    &token[..end]
}
