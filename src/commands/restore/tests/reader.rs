//! The `-R` line reader against `model()`, ipvsadm's reading written
//! plainly, in every way its input can come.

use std::io;

use crate::commands::restore::reader::*;
use crate::error::Error;
use crate::test_rng::TestRng;

/// A line as read: its tokens, or `None` for a refused one.
type Lines = Vec<Option<Vec<Vec<u8>>>>;

/// ipvsadm's reading of a whole input, written as plainly as it is
/// specified: the reader must agree with it however its input comes.
fn model(mut input: &[u8]) -> Lines {
    let mut lines = Vec::new();
    loop {
        let (line, rest, ended) = match input.iter().position(|b| *b == b'\n') {
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
        let size: usize = tokens.iter().map(|t| t.len() + TOKEN_OVERHEAD).sum();
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

/// An input made of pieces that meet every rule: blanks of each kind,
/// NULs, other control bytes, `ipvsadm` alone and cut at a NUL, runs
/// about a token long, and bytes that are not ASCII.
fn generated(random: &mut TestRng) -> Vec<u8> {
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
    let mut random = TestRng::new(0x9e37_79b9_7f4a_7c15);
    let reads: [&[usize]; 4] = [&[1], &[7], &[1, 2, 3, 4, 5, 6, 7], &[4096]];
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
    let t =
        |s: &[&str]| Some(s.iter().map(|t| t.as_bytes().to_vec()).collect());
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
