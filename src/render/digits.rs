//! Decimal numbers and dotted IPv4 addresses as text, written without
//! `core::fmt`: a listing writes several per line, tens of thousands of
//! lines, and the formatting machinery cost more than the rest of a line.

use std::io::{self, Write};
use std::net::Ipv4Addr;

/// The decimal digits of a number, held on the stack.
pub(crate) struct Decimal {
    buf: [u8; 20],
    start: usize,
}

impl Decimal {
    pub(crate) fn new(mut v: u64) -> Self {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        Decimal { buf, start }
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    pub(crate) fn as_str(&self) -> &str {
        // Digits are ASCII: this never fails.
        std::str::from_utf8(self.bytes()).unwrap_or_default()
    }
}

/// `{v}` for a signed number; how many bytes that took.
pub(crate) fn write_signed(out: &mut impl Write, v: i64) -> io::Result<usize> {
    let digits = Decimal::new(v.unsigned_abs());
    if v < 0 {
        out.write_all(b"-")?;
    }
    out.write_all(digits.bytes())?;
    Ok(digits.bytes().len() + usize::from(v < 0))
}

/// `{v:<width}` for a signed number: left-aligned, padded with spaces.
pub(crate) fn write_signed_left(
    out: &mut impl Write,
    v: i64,
    width: usize,
) -> io::Result<()> {
    let len = write_signed(out, v)?;
    super::write_spaces(out, width.saturating_sub(len))
}

/// `{v:>width}`: right-aligned, padded with spaces.
pub(crate) fn write_right(
    out: &mut impl Write,
    v: u64,
    width: usize,
) -> io::Result<()> {
    let digits = Decimal::new(v);
    super::write_spaces(out, width.saturating_sub(digits.bytes().len()))?;
    out.write_all(digits.bytes())
}

/// Appends `{v}`.
pub(crate) fn push_decimal(s: &mut String, v: u64) {
    s.push_str(Decimal::new(v).as_str());
}

/// Appends an IPv4 address in dotted decimal, as `{a}` writes it.
pub(crate) fn push_ipv4(s: &mut String, a: &Ipv4Addr) {
    let mut text = [0u8; 15];
    let mut len = 0;
    for (i, octet) in a.octets().into_iter().enumerate() {
        if i > 0 {
            text[len] = b'.';
            len += 1;
        }
        let (hundreds, tens, ones) = (octet / 100, octet / 10 % 10, octet % 10);
        if hundreds > 0 {
            text[len] = b'0' + hundreds;
            len += 1;
        }
        if hundreds > 0 || tens > 0 {
            text[len] = b'0' + tens;
            len += 1;
        }
        text[len] = b'0' + ones;
        len += 1;
    }
    // Digits and dots are ASCII: this never fails.
    s.push_str(std::str::from_utf8(&text[..len]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::TestRng;

    /// Numbers around every power of ten and the type limits.
    fn samples() -> Vec<i64> {
        let mut v = vec![0, 1, -1, i64::MAX, i64::MIN, i64::MIN + 1];
        let mut p = 1i64;
        for _ in 0..19 {
            v.extend([p - 1, p, p + 1, -p, -p - 1, 7 * p]);
            p = p.saturating_mul(10);
        }
        v.extend([i64::from(i32::MIN), i64::from(u32::MAX), 65535, 255]);
        v
    }

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for v in samples() {
            let u = v.unsigned_abs();
            for width in [0, 1, 6, 9, 10, 25] {
                assert_eq!(
                    text(|o| write_signed_left(o, v, width)),
                    format!("{v:<width$}")
                );
                assert_eq!(
                    text(|o| write_right(o, u, width)),
                    format!("{u:>width$}")
                );
            }
            assert_eq!(text(|o| write_signed(o, v).map(drop)), v.to_string());
            let mut s = String::from("x");
            push_decimal(&mut s, u);
            assert_eq!(s, format!("x{u}"));
        }
        assert_eq!(text(|o| write_right(o, u64::MAX, 0)), u64::MAX.to_string());
    }

    #[test]
    fn addresses_are_written_as_display_writes_them() {
        let mut rng = TestRng::new(0x0102_0304);
        for _ in 0..5000 {
            let x = rng.next_u64() as u32;
            for a in [Ipv4Addr::from(x), Ipv4Addr::from(x & 0xff00_ff00)] {
                let mut s = String::new();
                push_ipv4(&mut s, &a);
                assert_eq!(s, a.to_string());
            }
        }
    }
}
