//! Small helpers shared by the IPVS attribute codecs: NUL-terminated
//! strings, 16-byte `union nf_inet_addr`s, the walk over an encoded
//! attribute list, and the writer that appends attributes and nests to a
//! request buffer.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::{
    DecodeError, Emitable, NLA_ALIGNTO, NLA_F_NESTED, NLA_F_NET_BYTEORDER,
    NLA_HEADER_SIZE, NLA_TYPE_MASK, Nla, NlaBuffer, NlasIterator, Parseable,
};

use crate::model::AddressFamily;

/// Length on the wire of a string attribute: the bytes plus one NUL, as
/// both the kernel and libnl (`nla_put_string`) emit it.
pub(crate) fn str_len(s: &(impl AsRef<[u8]> + ?Sized)) -> usize {
    s.as_ref().len() + 1
}

/// Writes `s` and its terminating NUL; never panics, even if `buf` is too
/// short (the string is then cut).
pub(crate) fn emit_str(buf: &mut [u8], s: &(impl AsRef<[u8]> + ?Sized)) {
    let s = s.as_ref();
    let n = s.len().min(buf.len());
    buf[..n].copy_from_slice(&s[..n]);
    buf[n..].fill(0);
}

/// Reads a string attribute: one trailing NUL is dropped; an inner NUL or
/// invalid UTF-8 is an error (it could not be re-emitted as it came).
pub(crate) fn parse_str(payload: &[u8]) -> Result<String, DecodeError> {
    Ok(String::from_utf8(parse_c_bytes(payload)?)?)
}

/// Reads a string attribute that may hold any bytes but NUL (an interface
/// name): one trailing NUL is dropped; an inner NUL is an error.
pub(crate) fn parse_c_bytes(payload: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let body = payload.strip_suffix(&[0]).unwrap_or(payload);
    if body.contains(&0) {
        return Err(DecodeError::from("embedded NUL in string attribute"));
    }
    Ok(body.to_vec())
}

/// Reads a `union nf_inet_addr` (16 bytes). A 4-byte IPv4 address is
/// accepted too and zero-padded, as the kernel itself does on input.
pub(crate) fn parse_addr16(payload: &[u8]) -> Result<[u8; 16], DecodeError> {
    let mut out = [0u8; 16];
    match payload.len() {
        16 | 4 => {
            out[..payload.len()].copy_from_slice(payload);
            Ok(out)
        }
        n => Err(DecodeError::invalid_ip_address(n)),
    }
}

/// An address as `union nf_inet_addr`: IPv4 in the first 4 bytes.
pub(crate) fn addr_to_raw(addr: &IpAddr) -> [u8; 16] {
    match addr {
        IpAddr::V4(a) => {
            let mut raw = [0u8; 16];
            raw[..4].copy_from_slice(&a.octets());
            raw
        }
        IpAddr::V6(a) => a.octets(),
    }
}

/// Reads a `union nf_inet_addr` of the given family.
pub(crate) fn addr_from_raw(family: AddressFamily, raw: &[u8; 16]) -> IpAddr {
    match family {
        AddressFamily::Inet => {
            IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]))
        }
        AddressFamily::Inet6 => IpAddr::V6(Ipv6Addr::from(*raw)),
    }
}

/// Reads a fixed-size byte array attribute.
pub(crate) fn parse_array<const N: usize>(
    payload: &[u8],
) -> Result<[u8; N], DecodeError> {
    <[u8; N]>::try_from(payload)
        .map_err(|_| DecodeError::invalid_number(N, payload.len()))
}

/// `struct ip_vs_flags { u32 flags; u32 mask; }`.
pub(crate) fn parse_flags(p: &[u8]) -> Result<(u32, u32), DecodeError> {
    let raw: [u8; 8] = parse_array(p)?;
    let word = |i: usize| {
        u32::from_ne_bytes([raw[i], raw[i + 1], raw[i + 2], raw[i + 3]])
    };
    Ok((word(0), word(4)))
}

/// Parses every attribute of a nested list; the first error aborts.
pub(crate) fn parse_nested<T>(payload: &[u8]) -> Result<Vec<T>, DecodeError>
where
    T: for<'a> Parseable<NlaBuffer<&'a [u8]>>,
{
    NlasIterator::new(payload)
        .map(|nla| T::parse(&nla?))
        .collect()
}

/// Walks an encoded attribute list as [`NlasIterator`] does (the same
/// checks on each header; the first malformed one is an error and ends
/// the walk), handing `each` every attribute, without the iterator's
/// general buffers: replies are read in bulk.
#[inline]
pub(crate) fn for_each_nla(
    list: &[u8],
    mut each: impl FnMut(NlaBuffer<&[u8]>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let mut rest = list;
    while !rest.is_empty() {
        let Some(len) = rest
            .get(..2)
            .map(|b| usize::from(u16::from_ne_bytes([b[0], b[1]])))
            .filter(|_| rest.len() >= NLA_HEADER_SIZE)
        else {
            return Err(DecodeError::from("attribute header cut short"));
        };
        if len < NLA_HEADER_SIZE || len > rest.len() {
            return Err(DecodeError::from("invalid attribute length"));
        }
        each(NlaBuffer::new(&rest[..len]))?;
        rest = rest.get(nla_align(len)..).unwrap_or_default();
    }
    Ok(())
}

/// Total wire length of a nested list.
pub(crate) fn nested_len<T: Nla>(attrs: &[T]) -> usize {
    attrs.buffer_len()
}

/// Writes a nested list; if `buf` cannot hold it (only possible when a
/// value exceeds the 64 KiB attribute limit) it is zero-filled instead of
/// panicking.
pub(crate) fn emit_nested<T: Nla>(buf: &mut [u8], attrs: &[T]) {
    if buf.len() >= attrs.buffer_len() {
        attrs.emit(buf);
    } else {
        buf.fill(0);
    }
}

/// Appends one attribute (header, value, padding) to `out`: the bytes
/// [`Emitable::emit`] writes, with the value measured once.
pub(crate) fn append_nla<T: Nla>(out: &mut Vec<u8>, attr: &T) {
    let value_len = attr.value_len();
    // The length field leaves out the padding (and wraps as emit's does).
    let length = (value_len as u16).wrapping_add(NLA_HEADER_SIZE as u16);
    out.extend_from_slice(&length.to_ne_bytes());
    out.extend_from_slice(&wire_kind(attr).to_ne_bytes());
    let value_start = out.len();
    out.resize(value_start + nla_align(value_len), 0);
    // emit gives the value the room the length field claims.
    let room = usize::from(length).saturating_sub(NLA_HEADER_SIZE);
    attr.emit_value(&mut out[value_start..value_start + room.min(value_len)]);
}

/// Appends a nest of type `kind` (flags included) holding `children`,
/// writing each child once and patching the nest's length afterwards,
/// instead of measuring the children again at every level as [`Emitable`]
/// does. A nest too long for a netlink length is written as `emit` writes
/// it: the length wrapped and the value zeroed.
pub(crate) fn append_nest<T: Nla>(
    out: &mut Vec<u8>,
    kind: u16,
    children: &[T],
) {
    let start = out.len();
    out.extend_from_slice(&[0; 2]);
    out.extend_from_slice(&kind.to_ne_bytes());
    for child in children {
        append_nla(out, child);
    }
    let len = out.len() - start;
    if len > usize::from(u16::MAX) {
        out[start + NLA_HEADER_SIZE..].fill(0);
    }
    out[start..start + 2].copy_from_slice(&(len as u16).to_ne_bytes());
}

/// The type field as [`Emitable::emit`] writes it: the kind without flag
/// bits, then `NLA_F_NET_BYTEORDER` and `NLA_F_NESTED` as the attribute
/// says, each set over the type read back without flags, so that a nest
/// loses the byte-order flag.
fn wire_kind<T: Nla>(attr: &T) -> u16 {
    let bare = attr.kind() & NLA_TYPE_MASK;
    if attr.is_nested() {
        bare | NLA_F_NESTED
    } else if attr.is_network_byteorder() {
        bare | NLA_F_NET_BYTEORDER
    } else {
        bare
    }
}

/// A value's length rounded up to netlink's 4-byte alignment.
fn nla_align(len: usize) -> usize {
    (len + NLA_ALIGNTO - 1) & !(NLA_ALIGNTO - 1)
}

/// Writes raw bytes, cut to the buffer if needed.
pub(crate) fn emit_bytes(buf: &mut [u8], bytes: &[u8]) {
    let n = bytes.len().min(buf.len());
    buf[..n].copy_from_slice(&bytes[..n]);
    buf[n..].fill(0);
}

#[cfg(test)]
mod tests {
    use netlink_packet_core::DefaultNla;

    use super::*;

    /// The one-pass writer gives [`Emitable::emit`]'s bytes for every
    /// combination of flags and padding.
    #[test]
    fn appended_attributes_are_emitted_ones() {
        let flags = [0, NLA_F_NESTED, NLA_F_NET_BYTEORDER];
        for kind in flags
            .map(|f| 7 | f)
            .into_iter()
            .chain([7 | flags[1] | flags[2]])
        {
            for len in 0..9 {
                let attr = DefaultNla::new(kind, (1..=len).collect());
                let mut emitted = vec![0xaa; attr.buffer_len()];
                attr.emit(&mut emitted);
                let mut appended = vec![0xbb];
                append_nla(&mut appended, &attr);
                assert_eq!(
                    appended[1..],
                    emitted,
                    "kind {kind:#x}, {len} bytes"
                );
            }
        }
    }

    /// The walk finds what [`NlasIterator`] finds, and fails where it
    /// fails, on every prefix of a list with padding and a nest.
    #[test]
    fn the_walk_agrees_with_the_iterator() {
        let list = [
            5, 0, 1, 0, 9, 0, 0, 0, // 1 byte + padding
            12, 0, 2, 0x80, 8, 0, 3, 0, 1, 2, 3, 4, // nest of one
            4, 0, 4, 0, // empty
        ];
        for len in 0..=list.len() {
            let list = &list[..len];
            let mut walked = Vec::new();
            let outcome = for_each_nla(list, |nla| {
                walked.push((nla.kind(), nla.value().to_vec()));
                Ok(())
            });
            let iterated: Result<Vec<_>, _> = NlasIterator::new(list)
                .map(|nla| nla.map(|n| (n.kind(), n.value().to_vec())))
                .collect();
            match iterated {
                Ok(all) => {
                    assert!(outcome.is_ok(), "{len} bytes");
                    assert_eq!(walked, all, "{len} bytes");
                }
                Err(_) => assert!(outcome.is_err(), "{len} bytes"),
            }
        }
    }
}
