//! Attributes of a destination (real server): the `IPVS_DEST_ATTR_*`
//! space, nested in `IPVS_CMD_ATTR_DEST`.

use netlink_packet_core::{
    DecodeError, DefaultNla, ErrorContext, Nla, NlaBuffer, Parseable,
    parse_i32, parse_u8, parse_u16, parse_u16_be, parse_u32,
};

use super::nla::{
    emit_bytes, emit_nested, nested_len, parse_addr16, parse_nested,
};
use super::stats::{Stats64Attr, StatsAttr};

pub(super) const IPVS_DEST_ATTR_ADDR: u16 = 1;
pub(super) const IPVS_DEST_ATTR_PORT: u16 = 2;
pub(super) const IPVS_DEST_ATTR_FWD_METHOD: u16 = 3;
pub(super) const IPVS_DEST_ATTR_WEIGHT: u16 = 4;
pub(super) const IPVS_DEST_ATTR_U_THRESH: u16 = 5;
pub(super) const IPVS_DEST_ATTR_L_THRESH: u16 = 6;
pub(super) const IPVS_DEST_ATTR_ACTIVE_CONNS: u16 = 7;
pub(super) const IPVS_DEST_ATTR_INACT_CONNS: u16 = 8;
pub(super) const IPVS_DEST_ATTR_PERSIST_CONNS: u16 = 9;
pub(crate) const IPVS_DEST_ATTR_STATS: u16 = 10;
pub(super) const IPVS_DEST_ATTR_ADDR_FAMILY: u16 = 11;
pub(crate) const IPVS_DEST_ATTR_STATS64: u16 = 12;
pub(super) const IPVS_DEST_ATTR_TUN_TYPE: u16 = 13;
pub(super) const IPVS_DEST_ATTR_TUN_PORT: u16 = 14;
pub(super) const IPVS_DEST_ATTR_TUN_FLAGS: u16 = 15;

/// An attribute of a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DestAttr {
    /// Real server address as `union nf_inet_addr` (16 bytes on the wire;
    /// a 4-byte value is accepted on input and re-emitted as 16).
    Addr([u8; 16]),
    /// Real server port, host order here, network order on the wire.
    Port(u16),
    /// Forwarding method (`IP_VS_CONN_F_*` & `IP_VS_CONN_F_FWD_MASK`).
    FwdMethod(u32),
    /// Weight (a signed int in the kernel).
    Weight(i32),
    /// Upper connection threshold.
    UThresh(u32),
    /// Lower connection threshold.
    LThresh(u32),
    /// Active connections (replies).
    ActiveConns(u32),
    /// Inactive connections (replies).
    InactConns(u32),
    /// Persistent connections (replies).
    PersistConns(u32),
    /// 32-bit counters (replies).
    Stats(Vec<StatsAttr>),
    /// Address family of the address (may differ from the service's).
    AddrFamily(u16),
    /// 64-bit counters (replies).
    Stats64(Vec<Stats64Attr>),
    /// Tunnel type (`IP_VS_CONN_F_TUNNEL_TYPE_*`).
    TunType(u8),
    /// Tunnel port, host order here, network order on the wire.
    TunPort(u16),
    /// Tunnel flags (`IP_VS_TUNNEL_ENCAP_FLAG_*`).
    TunFlags(u16),
    Other(DefaultNla),
}

impl Nla for DestAttr {
    fn value_len(&self) -> usize {
        match self {
            Self::Addr(_) => 16,
            Self::Port(_)
            | Self::AddrFamily(_)
            | Self::TunPort(_)
            | Self::TunFlags(_) => 2,
            Self::FwdMethod(_)
            | Self::Weight(_)
            | Self::UThresh(_)
            | Self::LThresh(_)
            | Self::ActiveConns(_)
            | Self::InactConns(_)
            | Self::PersistConns(_) => 4,
            Self::TunType(_) => 1,
            Self::Stats(v) => nested_len(v),
            Self::Stats64(v) => nested_len(v),
            Self::Other(n) => n.value_len(),
        }
    }

    /// Stats nests are emitted without `NLA_F_NESTED`, as the kernel does.
    fn kind(&self) -> u16 {
        match self {
            Self::Addr(_) => IPVS_DEST_ATTR_ADDR,
            Self::Port(_) => IPVS_DEST_ATTR_PORT,
            Self::FwdMethod(_) => IPVS_DEST_ATTR_FWD_METHOD,
            Self::Weight(_) => IPVS_DEST_ATTR_WEIGHT,
            Self::UThresh(_) => IPVS_DEST_ATTR_U_THRESH,
            Self::LThresh(_) => IPVS_DEST_ATTR_L_THRESH,
            Self::ActiveConns(_) => IPVS_DEST_ATTR_ACTIVE_CONNS,
            Self::InactConns(_) => IPVS_DEST_ATTR_INACT_CONNS,
            Self::PersistConns(_) => IPVS_DEST_ATTR_PERSIST_CONNS,
            Self::Stats(_) => IPVS_DEST_ATTR_STATS,
            Self::AddrFamily(_) => IPVS_DEST_ATTR_ADDR_FAMILY,
            Self::Stats64(_) => IPVS_DEST_ATTR_STATS64,
            Self::TunType(_) => IPVS_DEST_ATTR_TUN_TYPE,
            Self::TunPort(_) => IPVS_DEST_ATTR_TUN_PORT,
            Self::TunFlags(_) => IPVS_DEST_ATTR_TUN_FLAGS,
            Self::Other(n) => n.kind(),
        }
    }

    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            Self::Addr(a) => emit_bytes(buf, a),
            Self::Port(v) | Self::TunPort(v) => {
                emit_bytes(buf, &v.to_be_bytes())
            }
            Self::AddrFamily(v) | Self::TunFlags(v) => {
                emit_bytes(buf, &v.to_ne_bytes())
            }
            Self::FwdMethod(v)
            | Self::UThresh(v)
            | Self::LThresh(v)
            | Self::ActiveConns(v)
            | Self::InactConns(v)
            | Self::PersistConns(v) => emit_bytes(buf, &v.to_ne_bytes()),
            Self::Weight(v) => emit_bytes(buf, &v.to_ne_bytes()),
            Self::TunType(v) => emit_bytes(buf, &[*v]),
            Self::Stats(v) => emit_nested(buf, v),
            Self::Stats64(v) => emit_nested(buf, v),
            Self::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for DestAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            IPVS_DEST_ATTR_ADDR => Self::Addr(
                parse_addr16(p).context("invalid IPVS_DEST_ATTR_ADDR")?,
            ),
            IPVS_DEST_ATTR_PORT => Self::Port(
                parse_u16_be(p).context("invalid IPVS_DEST_ATTR_PORT")?,
            ),
            IPVS_DEST_ATTR_FWD_METHOD => Self::FwdMethod(
                parse_u32(p).context("invalid IPVS_DEST_ATTR_FWD_METHOD")?,
            ),
            IPVS_DEST_ATTR_WEIGHT => Self::Weight(
                parse_i32(p).context("invalid IPVS_DEST_ATTR_WEIGHT")?,
            ),
            IPVS_DEST_ATTR_U_THRESH => Self::UThresh(
                parse_u32(p).context("invalid IPVS_DEST_ATTR_U_THRESH")?,
            ),
            IPVS_DEST_ATTR_L_THRESH => Self::LThresh(
                parse_u32(p).context("invalid IPVS_DEST_ATTR_L_THRESH")?,
            ),
            IPVS_DEST_ATTR_ACTIVE_CONNS => Self::ActiveConns(
                parse_u32(p).context("invalid IPVS_DEST_ATTR_ACTIVE_CONNS")?,
            ),
            IPVS_DEST_ATTR_INACT_CONNS => Self::InactConns(
                parse_u32(p).context("invalid IPVS_DEST_ATTR_INACT_CONNS")?,
            ),
            IPVS_DEST_ATTR_PERSIST_CONNS => Self::PersistConns(
                parse_u32(p).context("invalid IPVS_DEST_ATTR_PERSIST_CONNS")?,
            ),
            IPVS_DEST_ATTR_STATS => Self::Stats(
                parse_nested(p).context("invalid IPVS_DEST_ATTR_STATS")?,
            ),
            IPVS_DEST_ATTR_ADDR_FAMILY => Self::AddrFamily(
                parse_u16(p).context("invalid IPVS_DEST_ATTR_ADDR_FAMILY")?,
            ),
            IPVS_DEST_ATTR_STATS64 => Self::Stats64(
                parse_nested(p).context("invalid IPVS_DEST_ATTR_STATS64")?,
            ),
            IPVS_DEST_ATTR_TUN_TYPE => Self::TunType(
                parse_u8(p).context("invalid IPVS_DEST_ATTR_TUN_TYPE")?,
            ),
            IPVS_DEST_ATTR_TUN_PORT => Self::TunPort(
                parse_u16_be(p).context("invalid IPVS_DEST_ATTR_TUN_PORT")?,
            ),
            IPVS_DEST_ATTR_TUN_FLAGS => Self::TunFlags(
                parse_u16(p).context("invalid IPVS_DEST_ATTR_TUN_FLAGS")?,
            ),
            _ => Self::Other(DefaultNla::parse(buf)?),
        })
    }
}
