//! Attributes of a virtual service: the `IPVS_SVC_ATTR_*` space, nested in
//! `IPVS_CMD_ATTR_SERVICE`.

use netlink_packet_core::{
    DecodeError, DefaultNla, ErrorContext, Nla, NlaBuffer, Parseable,
    parse_u16, parse_u16_be, parse_u32,
};

use super::nla::{
    emit_bytes, emit_nested, emit_str, nested_len, parse_addr16, parse_nested,
    parse_str, str_len,
};
use super::stats::{Stats64Attr, StatsAttr};

pub(super) const IPVS_SVC_ATTR_AF: u16 = 1;
pub(super) const IPVS_SVC_ATTR_PROTOCOL: u16 = 2;
pub(super) const IPVS_SVC_ATTR_ADDR: u16 = 3;
pub(super) const IPVS_SVC_ATTR_PORT: u16 = 4;
pub(super) const IPVS_SVC_ATTR_FWMARK: u16 = 5;
pub(super) const IPVS_SVC_ATTR_SCHED_NAME: u16 = 6;
pub(super) const IPVS_SVC_ATTR_FLAGS: u16 = 7;
pub(super) const IPVS_SVC_ATTR_TIMEOUT: u16 = 8;
pub(super) const IPVS_SVC_ATTR_NETMASK: u16 = 9;
pub(crate) const IPVS_SVC_ATTR_STATS: u16 = 10;
pub(super) const IPVS_SVC_ATTR_PE_NAME: u16 = 11;
pub(crate) const IPVS_SVC_ATTR_STATS64: u16 = 12;

/// An attribute of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServiceAttr {
    /// Address family (`AF_INET` 2, `AF_INET6` 10).
    AddressFamily(u16),
    /// Transport protocol (`IPPROTO_*`); absent for fwmark services.
    Protocol(u16),
    /// Virtual address as `union nf_inet_addr`: always 16 bytes on the
    /// wire, IPv4 in the first 4. The family is the `AddressFamily`
    /// sibling. (A 4-byte value is accepted on input and re-emitted as 16.)
    Addr([u8; 16]),
    /// Virtual port, host order here, network order on the wire.
    Port(u16),
    /// Firewall mark of a fwmark service.
    Fwmark(u32),
    /// Scheduler name (NUL-terminated on the wire).
    SchedName(String),
    /// `struct ip_vs_flags`: the bits to set and the mask of bits to change.
    Flags {
        flags: u32,
        mask: u32,
    },
    /// Persistence timeout in seconds.
    Timeout(u32),
    /// Persistence netmask as carried: for IPv4 the mask's network-order
    /// bytes read as a native u32, for IPv6 the prefix length.
    Netmask(u32),
    /// 32-bit counters (kernel replies only).
    Stats(Vec<StatsAttr>),
    /// Persistence engine name, e.g. `sip`.
    PeName(String),
    /// 64-bit counters (kernel replies only, kernel >= 4.1).
    Stats64(Vec<Stats64Attr>),
    Other(DefaultNla),
}

impl Nla for ServiceAttr {
    fn value_len(&self) -> usize {
        match self {
            Self::AddressFamily(_) | Self::Protocol(_) | Self::Port(_) => 2,
            Self::Addr(_) => 16,
            Self::Fwmark(_) | Self::Timeout(_) | Self::Netmask(_) => 4,
            Self::SchedName(s) | Self::PeName(s) => str_len(s),
            Self::Flags { .. } => 8,
            Self::Stats(v) => nested_len(v),
            Self::Stats64(v) => nested_len(v),
            Self::Other(n) => n.value_len(),
        }
    }

    /// Stats nests are emitted without `NLA_F_NESTED`, as the kernel does.
    fn kind(&self) -> u16 {
        match self {
            Self::AddressFamily(_) => IPVS_SVC_ATTR_AF,
            Self::Protocol(_) => IPVS_SVC_ATTR_PROTOCOL,
            Self::Addr(_) => IPVS_SVC_ATTR_ADDR,
            Self::Port(_) => IPVS_SVC_ATTR_PORT,
            Self::Fwmark(_) => IPVS_SVC_ATTR_FWMARK,
            Self::SchedName(_) => IPVS_SVC_ATTR_SCHED_NAME,
            Self::Flags { .. } => IPVS_SVC_ATTR_FLAGS,
            Self::Timeout(_) => IPVS_SVC_ATTR_TIMEOUT,
            Self::Netmask(_) => IPVS_SVC_ATTR_NETMASK,
            Self::Stats(_) => IPVS_SVC_ATTR_STATS,
            Self::PeName(_) => IPVS_SVC_ATTR_PE_NAME,
            Self::Stats64(_) => IPVS_SVC_ATTR_STATS64,
            Self::Other(n) => n.kind(),
        }
    }

    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            Self::AddressFamily(v) | Self::Protocol(v) => {
                emit_bytes(buf, &v.to_ne_bytes())
            }
            Self::Port(v) => emit_bytes(buf, &v.to_be_bytes()),
            Self::Addr(a) => emit_bytes(buf, a),
            Self::Fwmark(v) | Self::Timeout(v) | Self::Netmask(v) => {
                emit_bytes(buf, &v.to_ne_bytes())
            }
            Self::SchedName(s) | Self::PeName(s) => emit_str(buf, s),
            Self::Flags { flags, mask } => {
                let mut raw = [0u8; 8];
                raw[..4].copy_from_slice(&flags.to_ne_bytes());
                raw[4..].copy_from_slice(&mask.to_ne_bytes());
                emit_bytes(buf, &raw)
            }
            Self::Stats(v) => emit_nested(buf, v),
            Self::Stats64(v) => emit_nested(buf, v),
            Self::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for ServiceAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            IPVS_SVC_ATTR_AF => Self::AddressFamily(
                parse_u16(p).context("invalid IPVS_SVC_ATTR_AF")?,
            ),
            IPVS_SVC_ATTR_PROTOCOL => Self::Protocol(
                parse_u16(p).context("invalid IPVS_SVC_ATTR_PROTOCOL")?,
            ),
            IPVS_SVC_ATTR_ADDR => Self::Addr(
                parse_addr16(p).context("invalid IPVS_SVC_ATTR_ADDR")?,
            ),
            IPVS_SVC_ATTR_PORT => Self::Port(
                parse_u16_be(p).context("invalid IPVS_SVC_ATTR_PORT")?,
            ),
            IPVS_SVC_ATTR_FWMARK => Self::Fwmark(
                parse_u32(p).context("invalid IPVS_SVC_ATTR_FWMARK")?,
            ),
            IPVS_SVC_ATTR_SCHED_NAME => Self::SchedName(
                parse_str(p).context("invalid IPVS_SVC_ATTR_SCHED_NAME")?,
            ),
            IPVS_SVC_ATTR_FLAGS => {
                let (flags, mask) =
                    parse_flags(p).context("invalid IPVS_SVC_ATTR_FLAGS")?;
                Self::Flags { flags, mask }
            }
            IPVS_SVC_ATTR_TIMEOUT => Self::Timeout(
                parse_u32(p).context("invalid IPVS_SVC_ATTR_TIMEOUT")?,
            ),
            IPVS_SVC_ATTR_NETMASK => Self::Netmask(
                parse_u32(p).context("invalid IPVS_SVC_ATTR_NETMASK")?,
            ),
            IPVS_SVC_ATTR_STATS => Self::Stats(
                parse_nested(p).context("invalid IPVS_SVC_ATTR_STATS")?,
            ),
            IPVS_SVC_ATTR_PE_NAME => Self::PeName(
                parse_str(p).context("invalid IPVS_SVC_ATTR_PE_NAME")?,
            ),
            IPVS_SVC_ATTR_STATS64 => Self::Stats64(
                parse_nested(p).context("invalid IPVS_SVC_ATTR_STATS64")?,
            ),
            _ => Self::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// `struct ip_vs_flags { u32 flags; u32 mask; }`.
pub(super) fn parse_flags(p: &[u8]) -> Result<(u32, u32), DecodeError> {
    if p.len() != 8 {
        return Err(DecodeError::invalid_number(8, p.len()));
    }
    Ok((parse_u32(&p[..4])?, parse_u32(&p[4..])?))
}
