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
    while i < b.len() && is_c_space(b[i]) {
        i += 1;
    }
    let negative = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits_start = i;
    let mut magnitude: i128 = 0;
    let mut overflow = false;
    while i < b.len() && b[i].is_ascii_digit() {
        if !overflow {
            magnitude = magnitude * 10 + i128::from(b[i] - b'0');
            if magnitude > i128::from(i64::MAX) + 1 {
                overflow = true;
            }
        }
        i += 1;
    }
    if i == digits_start {
        return Strtol {
            value: 0,
            overflow: false,
            end: 0,
        };
    }
    let signed = if negative { -magnitude } else { magnitude };
    let value = if overflow || signed > i128::from(i64::MAX) {
        overflow = true;
        i64::MAX
    } else if signed < i128::from(i64::MIN) {
        overflow = true;
        i64::MIN
    } else {
        signed as i64
    };
    let value = if overflow && negative {
        i64::MIN
    } else {
        value
    };
    Strtol {
        value,
        overflow,
        end: i,
    }
}

/// strtol over the whole string: `None` for an empty string, no digits,
/// trailing characters or overflow.
pub fn strtol_whole(s: &[u8]) -> Option<i64> {
    let r = strtol(s);
    (r.end != 0 && r.end == s.len() && !r.overflow).then_some(r.value)
}

/// ipvsadm's `string_to_number`: a whole-string base-10 number in
/// `min..=max`.
pub fn number_in(s: &[u8], min: i64, max: i64) -> Option<i64> {
    strtol_whole(s).filter(|n| (min..=max).contains(n))
}

/// glibc `atoi`: `(int) strtol(s, NULL, 10)`, garbage after the digits
/// ignored, 0 when there are none.
pub fn atoi(s: &[u8]) -> i32 {
    strtol(s).value as i32
}

/// ipvsadm's `parse_fwmark`: 1..=4294967295, whole string.
pub fn fwmark(s: &[u8]) -> Option<u32> {
    let n = strtol_whole(s)?;
    u32::try_from(n).ok().filter(|&m| m != 0)
}

/// glibc `inet_aton`: one to four parts, each decimal, octal (leading 0)
/// or hex (`0x`); the last part fills the remaining bytes. Anything after
/// a whitespace character is ignored.
pub fn inet_aton(b: &[u8]) -> Option<Ipv4Addr> {
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
    let (radix, start) = if b.len() >= 3
        && b[0] == b'0'
        && (b[1] == b'x' || b[1] == b'X')
        && b[2].is_ascii_hexdigit()
    {
        (16, 2)
    } else if b[0] == b'0' {
        (8, 0)
    } else {
        (10, 0)
    };
    let mut value: u64 = 0;
    let mut i = start;
    while let Some(d) = b.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        value = value
            .saturating_mul(u64::from(radix))
            .saturating_add(u64::from(d));
        i += 1;
    }
    let value = u32::try_from(value).ok()?;
    Some((value, i))
}

#[cfg(test)]
mod tests {
    use super::*;

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
