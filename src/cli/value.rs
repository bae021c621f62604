//! Number and address-text parsing with the C library semantics ipvsadm
//! relies on: `strtol` over a whole string, `atoi`, and `inet_aton`, all
//! over bytes, as C sees its strings.

use std::net::Ipv4Addr;

/// C `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The outcome of `strtol(s, &end, 10)`.
struct Strtol {
    /// The value, clamped to the `long` range like strtol.
    value: i64,
    /// strtol set `ERANGE`.
    overflow: bool,
    /// Bytes consumed (0 when no digits were found).
    end: usize,
}

fn strtol(b: &[u8]) -> Strtol {
    let mut i = 0;
    while b.get(i).copied().is_some_and(is_c_space) {
        i += 1;
    }
    let negative = b.get(i) == Some(&b'-');
    if negative || b.get(i) == Some(&b'+') {
        i += 1;
    }
    let digits_start = i;
    let (magnitude, end) = accumulate::<10>(b, i, u64::MAX);
    if end == digits_start {
        return Strtol {
            value: 0,
            overflow: false,
            end: 0,
        };
    }
    // The magnitude is clamped to u64::MAX, beyond either limit.
    let limit = if negative { 1 << 63 } else { i64::MAX as u64 };
    if magnitude > limit {
        let value = if negative { i64::MIN } else { i64::MAX };
        return Strtol {
            value,
            overflow: true,
            end,
        };
    }
    // 2^63 itself, negated, wraps to i64::MIN, as it should.
    let value = if negative {
        (magnitude as i64).wrapping_neg()
    } else {
        magnitude as i64
    };
    Strtol {
        value,
        overflow: false,
        end,
    }
}

/// The digits of base `RADIX` (at most 16, either case) from `b[start..]`:
/// their value, clamped to `cap`, and where they end.
fn accumulate<const RADIX: u32>(
    b: &[u8],
    start: usize,
    cap: u64,
) -> (u64, usize) {
    let mut value: u64 = 0;
    let mut i = start;
    while let Some(d) = b.get(i).and_then(|&c| digit::<RADIX>(c)) {
        value = value
            .saturating_mul(u64::from(RADIX))
            .saturating_add(u64::from(d))
            .min(cap);
        i += 1;
    }
    (value, i)
}

/// The value of one digit of base `RADIX`, if `c` is one.
fn digit<const RADIX: u32>(c: u8) -> Option<u32> {
    let d = match c {
        // Every byte below `0` wraps to a value above 15.
        _ if RADIX <= 10 => c.wrapping_sub(b'0'),
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => return None,
    };
    let d = u32::from(d);
    (d < RADIX).then_some(d)
}

/// strtol over the whole string: `None` for an empty string, no digits,
/// trailing characters or overflow.
pub(super) fn strtol_whole(s: &[u8]) -> Option<i64> {
    let r = strtol(s);
    (r.end != 0 && r.end == s.len() && !r.overflow).then_some(r.value)
}

/// ipvsadm's `string_to_number`: a whole-string base-10 number in
/// `min..=max`.
pub(super) fn number_in(s: &[u8], min: i64, max: i64) -> Option<i64> {
    strtol_whole(s).filter(|n| (min..=max).contains(n))
}

/// One to nineteen decimal digits and nothing else (leading zeros
/// allowed), as `strtol` reads them; `None` for any other text.
pub(super) fn decimal_digits(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let mut value: u64 = 0;
    for &c in text {
        let digit = c.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value * 10 + u64::from(digit);
    }
    Some(value)
}

/// glibc `atoi`: `(int) strtol(s, NULL, 10)`, garbage after the digits
/// ignored, 0 when there are none.
pub(super) fn atoi(s: &[u8]) -> i32 {
    strtol(s).value as i32
}

/// ipvsadm's `parse_fwmark`: 1..=4294967295, whole string.
pub(super) fn fwmark(s: &[u8]) -> Option<u32> {
    let n = strtol_whole(s)?;
    u32::try_from(n).ok().filter(|&m| m != 0)
}

/// glibc `inet_aton`: one to four parts, each decimal, octal (leading 0)
/// or hex (`0x`); the last part fills the remaining bytes. Anything after
/// a whitespace character is ignored.
pub(super) fn inet_aton(b: &[u8]) -> Option<Ipv4Addr> {
    dotted_quad(b).or_else(|| inet_aton_parts(b))
}

/// The usual spelling: four decimal parts, each `0` or one to three
/// digits without a leading zero, none above 255, and nothing else. `None`
/// leaves the text to the general reading, which gives the same address
/// for every text this accepts.
fn dotted_quad(b: &[u8]) -> Option<Ipv4Addr> {
    let (addr, rest) = dotted_quad_prefix(b)?;
    rest.is_empty().then_some(addr)
}

/// A [`dotted_quad`] at the start of `b`, and the text after it.
pub(super) fn dotted_quad_prefix(b: &[u8]) -> Option<(Ipv4Addr, &[u8])> {
    let (first, rest) = decimal_octet(b)?;
    let (second, rest) = decimal_octet(rest.strip_prefix(b".")?)?;
    let (third, rest) = decimal_octet(rest.strip_prefix(b".")?)?;
    let (fourth, rest) = decimal_octet(rest.strip_prefix(b".")?)?;
    Some((Ipv4Addr::new(first, second, third, fourth), rest))
}

/// One part of a [`dotted_quad`] and the text after it.
fn decimal_octet(b: &[u8]) -> Option<(u8, &[u8])> {
    let digit = |i: usize| {
        let d = b.get(i)?.wrapping_sub(b'0');
        (d < 10).then_some(d)
    };
    let first = digit(0)?;
    let Some(second) = digit(1) else {
        return Some((first, b.get(1..)?));
    };
    if first == 0 {
        return None;
    }
    let Some(third) = digit(2) else {
        return Some((first * 10 + second, b.get(2..)?));
    };
    if digit(3).is_some() {
        return None;
    }
    let value = u16::from(first) * 100 + u16::from(second) * 10;
    let value = u8::try_from(value + u16::from(third)).ok()?;
    Some((value, b.get(3..)?))
}

/// glibc's reading of every spelling `inet_aton` accepts.
fn inet_aton_parts(b: &[u8]) -> Option<Ipv4Addr> {
    // The parts before the last, each a byte.
    let mut parts = [0u32; 3];
    let mut nparts = 0;
    let mut i = 0;
    let last = loop {
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let (value, used) = c_strtoul_base0(&b[i..])?;
        i += used;
        if b.get(i) == Some(&b'.') {
            if nparts == parts.len() || value > 0xff {
                return None;
            }
            parts[nparts] = value;
            nparts += 1;
            i += 1;
        } else {
            break value;
        }
    };
    if let Some(&c) = b.get(i) {
        if !(c.is_ascii() && is_c_space(c)) {
            return None;
        }
    }
    let max: u32 = match nparts {
        0 => u32::MAX,
        1 => 0xff_ffff,
        2 => 0xffff,
        _ => 0xff,
    };
    if last > max {
        return None;
    }
    let mut word = last;
    for (k, p) in parts[..nparts].iter().enumerate() {
        word |= p << (24 - 8 * k);
    }
    Some(Ipv4Addr::from(word))
}

/// `strtoul(s, &end, 0)` on text starting with a digit: returns the value
/// (rejecting anything above 32 bits) and the bytes used.
fn c_strtoul_base0(b: &[u8]) -> Option<(u32, usize)> {
    // Clamped above 32 bits: the exact value no longer matters there.
    const CAP: u64 = 1 << 40;
    let hex = b.first() == Some(&b'0')
        && matches!(b.get(1), Some(b'x' | b'X'))
        && b.get(2).is_some_and(u8::is_ascii_hexdigit);
    let (value, used) = match b.first() {
        _ if hex => accumulate::<16>(b, 2, CAP),
        Some(b'0') => accumulate::<8>(b, 0, CAP),
        _ => accumulate::<10>(b, 0, CAP),
    };
    let value = u32::try_from(value).ok()?;
    Some((value, used))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::test_rng::TestRng;
    use std::ffi::{CString, c_char, c_int};

    unsafe extern "C" {
        #[link_name = "inet_aton"]
        fn glibc_inet_aton(cp: *const c_char, inp: *mut libc::in_addr)
        -> c_int;
    }

    /// Texts made of the pieces that matter to C's number readers: every
    /// text of up to three pieces, and a spread of longer ones. No NUL:
    /// a C string ends there, and no argument or restore token holds one.
    fn spellings() -> Vec<Vec<u8>> {
        const PIECES: &[&[u8]] = &[
            b"",
            b"0",
            b"1",
            b"7",
            b"8",
            b"9",
            b"00",
            b"01",
            b"08",
            b"0x",
            b"0X",
            b"0xff",
            b"0x1F",
            b"f",
            b"G",
            b"10",
            b"172",
            b"255",
            b"256",
            b"999",
            b"1000",
            b"65535",
            b"65536",
            b"16777215",
            b"16777216",
            b"4294967295",
            b"4294967296",
            b"9223372036854775807",
            b"9223372036854775808",
            b"18446744073709551615",
            b"18446744073709551616",
            b"99999999999999999999999",
            b".",
            b"..",
            b" ",
            b"\t",
            b"\n",
            b"\x0b",
            b"-",
            b"+",
            b"x",
            b"a",
            b":",
            b"\xff",
            b"\xc3\xa9",
        ];
        let mut out: Vec<Vec<u8>> = Vec::new();
        for a in PIECES {
            for b in PIECES {
                for c in PIECES {
                    out.push([*a, *b, *c].concat());
                }
            }
        }
        let mut rng = TestRng::new(0x2545_f491_4f6c_dd1d);
        let mut next = move |n: usize| rng.below(n);
        for _ in 0..100_000 {
            let pieces = 4 + next(5);
            let text = (0..pieces).map(|_| PIECES[next(PIECES.len())]);
            out.push(text.collect::<Vec<_>>().concat());
        }
        out.extend(dotted());
        out
    }

    /// Dotted texts: every one of up to four parts, from parts near the
    /// edges of what a part may be.
    pub(crate) fn dotted() -> Vec<Vec<u8>> {
        const PARTS: &[&[u8]] = &[
            b"", b"0", b"00", b"01", b"08", b"1", b"9", b"10", b"99", b"172",
            b"255", b"256", b"999", b"0377", b"0x1", b"0xff", b"1000",
            b"65536", b"1 ", b"1x", b"-1",
        ];
        let mut out: Vec<Vec<u8>> = Vec::new();
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        for parts in 1..=4 {
            texts = texts
                .iter()
                .flat_map(|t| {
                    PARTS.iter().map(move |p| {
                        let dot: &[u8] = if parts == 1 { b"" } else { b"." };
                        [t.as_slice(), dot, p].concat()
                    })
                })
                .collect();
            out.extend(texts.iter().cloned());
        }
        out
    }

    /// What glibc's `inet_aton` makes of a text.
    fn c_inet_aton(text: &[u8]) -> Option<Ipv4Addr> {
        let text = CString::new(text).ok()?;
        let mut addr = libc::in_addr { s_addr: 0 };
        // SAFETY: `text` is NUL-terminated and `addr` is a valid in_addr.
        let ok = unsafe { glibc_inet_aton(text.as_ptr(), &mut addr) };
        (ok != 0).then(|| Ipv4Addr::from(u32::from_be(addr.s_addr)))
    }

    /// What glibc's `strtol(text, &end, 10)` makes of a text.
    fn c_strtol(text: &[u8]) -> (i64, bool, usize) {
        let c = CString::new(text).expect("no NUL");
        let mut end: *mut c_char = std::ptr::null_mut();
        // SAFETY: errno is this thread's; `c` is NUL-terminated and `end`
        // receives a pointer into it.
        let (value, errno) = unsafe {
            *libc::__errno_location() = 0;
            let value = libc::strtol(c.as_ptr(), &mut end, 10);
            (value, *libc::__errno_location())
        };
        // SAFETY: strtol points `end` into `c` or at its start.
        let used = unsafe { end.offset_from(c.as_ptr()) };
        (value, errno == libc::ERANGE, used as usize)
    }

    #[test]
    fn inet_aton_matches_the_c_library() {
        for text in spellings() {
            assert_eq!(inet_aton(&text), c_inet_aton(&text), "{text:?}");
        }
    }

    #[test]
    fn dotted_quad_reads_as_the_general_reading_does() {
        let mut fast = 0;
        for text in dotted() {
            if let Some(addr) = dotted_quad(&text) {
                assert_eq!(Some(addr), inet_aton_parts(&text), "{text:?}");
                fast += 1;
            }
        }
        assert!(fast > 0);
        for octet in 0..=255u8 {
            for text in [
                format!("{octet}.0.0.1"),
                format!("10.{octet}.1.{octet}"),
                format!("1.2.3.{octet}"),
            ] {
                assert_eq!(
                    dotted_quad(text.as_bytes()),
                    inet_aton_parts(text.as_bytes()),
                    "{text}"
                );
                assert!(dotted_quad(text.as_bytes()).is_some(), "{text}");
            }
        }
    }

    #[test]
    fn strtol_matches_the_c_library() {
        for text in spellings() {
            let r = strtol(&text);
            let (value, overflow, end) = c_strtol(&text);
            assert_eq!((r.value, r.overflow, r.end), (value, overflow, end));
        }
    }

    #[test]
    fn strtol_accepts_space_and_sign() {
        assert_eq!(strtol_whole(b" +3"), Some(3));
        assert_eq!(strtol_whole(b"0080"), Some(80));
        assert_eq!(strtol_whole(b"-7"), Some(-7));
    }

    #[test]
    fn strtol_rejects_garbage_empty_and_overflow() {
        assert_eq!(strtol_whole(b""), None);
        assert_eq!(strtol_whole(b" "), None);
        assert_eq!(strtol_whole(b"+"), None);
        assert_eq!(strtol_whole(b"5 "), None);
        assert_eq!(strtol_whole(b"5x"), None);
        assert_eq!(strtol_whole(b"99999999999999999999"), None);
        assert_eq!(strtol_whole(b"9223372036854775807"), Some(i64::MAX));
    }

    /// Found by the `cli_parse` fuzzer: a part too long for 64 bits
    /// overflowed instead of being refused, as strtoul's ERANGE is.
    #[test]
    fn inet_aton_refuses_a_part_beyond_64_bits() {
        assert_eq!(inet_aton(b"188888888888888888888888888888.2.3"), None);
        assert_eq!(inet_aton(b"99999999999999999999999"), None);
        assert_eq!(inet_aton(b"0xffffffffffffffffffff"), None);
    }

    #[test]
    fn ranges() {
        assert_eq!(number_in(b"65535", 0, 65535), Some(65535));
        assert_eq!(number_in(b"65536", 0, 65535), None);
        assert_eq!(number_in(b"-1", 0, 5), None);
    }

    #[test]
    fn atoi_like_glibc() {
        assert_eq!(atoi(b"64x"), 64);
        assert_eq!(atoi(b" -5"), -5);
        assert_eq!(atoi(b"abc"), 0);
        assert_eq!(atoi(b"4294967297"), 1);
        assert_eq!(atoi(b"99999999999999999999"), -1);
    }

    #[test]
    fn fwmark_range() {
        assert_eq!(fwmark(b"4294967295"), Some(u32::MAX));
        assert_eq!(fwmark(b"4294967296"), None);
        assert_eq!(fwmark(b"0"), None);
        assert_eq!(fwmark(b"-1"), None);
        assert_eq!(fwmark(b"0x10"), None);
        assert_eq!(fwmark(b" +16"), Some(16));
    }

    #[test]
    fn inet_aton_forms() {
        let a = |s: &str| inet_aton(s.as_bytes()).map(|a| a.to_string());
        assert_eq!(a("10.1").as_deref(), Some("10.0.0.1"));
        assert_eq!(a("1.2.3").as_deref(), Some("1.2.0.3"));
        assert_eq!(a("0x0a000001").as_deref(), Some("10.0.0.1"));
        assert_eq!(a("012.0.0.1").as_deref(), Some("10.0.0.1"));
        assert_eq!(a("64").as_deref(), Some("0.0.0.64"));
        assert_eq!(a("1.2.3.4 junk").as_deref(), Some("1.2.3.4"));
        assert_eq!(a("4294967295").as_deref(), Some("255.255.255.255"));
        assert_eq!(a("4294967296"), None);
        assert_eq!(a("1.2.3.4.5"), None);
        assert_eq!(a("256.1.1.1"), None);
        assert_eq!(a("1.2.65536"), None);
        assert_eq!(a("08"), None);
        assert_eq!(a("0x"), None);
        assert_eq!(a("1."), None);
        assert_eq!(a(""), None);
        assert_eq!(a(" 1.2.3.4"), None);
        assert_eq!(a("64x"), None);
    }
}
