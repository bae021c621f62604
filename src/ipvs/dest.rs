//! Attributes of a destination (real server): the `IPVS_DEST_ATTR_*`
//! space, nested in `IPVS_CMD_ATTR_DEST`, and the [`Destination`] they
//! carry: the list ipvsadm sends for one, and the real server a kernel
//! reply describes.

use netlink_packet_core::{
    DecodeError, DefaultNla, ErrorContext, Nla, NlaBuffer, Parseable,
    parse_i32, parse_u8, parse_u16, parse_u16_be, parse_u32,
};

use super::nla::{
    addr_from_raw, addr_to_raw, emit_bytes, emit_nested, for_each_nla,
    nested_len, parse_addr16, parse_nested,
};
use super::stats::{
    Stats64Attr, StatsAttr, StatsNests, stats_from_attrs, stats64_from_attrs,
};
use super::{family, missing};
use crate::model::{
    AddressFamily, Destination, ForwardMethod, Stats, TunnelType,
};

const IPVS_DEST_ATTR_ADDR: u16 = 1;
const IPVS_DEST_ATTR_PORT: u16 = 2;
const IPVS_DEST_ATTR_FWD_METHOD: u16 = 3;
const IPVS_DEST_ATTR_WEIGHT: u16 = 4;
const IPVS_DEST_ATTR_U_THRESH: u16 = 5;
const IPVS_DEST_ATTR_L_THRESH: u16 = 6;
const IPVS_DEST_ATTR_ACTIVE_CONNS: u16 = 7;
const IPVS_DEST_ATTR_INACT_CONNS: u16 = 8;
const IPVS_DEST_ATTR_PERSIST_CONNS: u16 = 9;
const IPVS_DEST_ATTR_STATS: u16 = 10;
const IPVS_DEST_ATTR_ADDR_FAMILY: u16 = 11;
const IPVS_DEST_ATTR_STATS64: u16 = 12;
const IPVS_DEST_ATTR_TUN_TYPE: u16 = 13;
const IPVS_DEST_ATTR_TUN_PORT: u16 = 14;
const IPVS_DEST_ATTR_TUN_FLAGS: u16 = 15;

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

/// The destination nest, in ipvsadm's order (checked against a capture):
/// ADDR_FAMILY, ADDR, PORT, FWD_METHOD, WEIGHT, TUN_TYPE, TUN_PORT,
/// TUN_FLAGS, U_THRESH, L_THRESH. ipvsadm sends all of them for every
/// command, `DEL_DEST` included. Counters are never sent.
pub(crate) fn dest_attrs(d: &Destination) -> Vec<DestAttr> {
    vec![
        DestAttr::AddrFamily(AddressFamily::of(&d.addr).raw()),
        DestAttr::Addr(addr_to_raw(&d.addr)),
        DestAttr::Port(d.port),
        DestAttr::FwdMethod(d.forward.raw()),
        DestAttr::Weight(d.weight),
        DestAttr::TunType(d.tun_type.raw()),
        DestAttr::TunPort(d.tun_port),
        DestAttr::TunFlags(d.tun_flags),
        DestAttr::UThresh(d.u_threshold),
        DestAttr::LThresh(d.l_threshold),
    ]
}

/// A destination from a kernel reply. Requires what ipvsadm requires:
/// ADDR, PORT, FWD_METHOD, WEIGHT, U_THRESH, L_THRESH and the three
/// connection counts. Without ADDR_FAMILY the service's family is used.
/// STATS64 is preferred over STATS and read as 64-bit throughout (ipvsadm
/// 1.31 truncates most of these counters to 32 bits: deliberately fixed).
/// The tunnel attributes default to ipip, port 0, flags 0.
pub fn dest_from_attrs(
    a: &[DestAttr],
    service_family: AddressFamily,
) -> Result<Destination, DecodeError> {
    let mut fields = DestFields::default();
    a.iter().for_each(|attr| fields.take(attr.clone()));
    fields.finish(service_family)
}

/// [`dest_from_attrs`] of a destination nest still encoded (the value of
/// `IPVS_CMD_ATTR_DEST`), each attribute parsed and taken in turn without
/// collecting them. With [`StatsNests::Skip`] the counter nests are
/// passed over unchecked.
pub fn dest_from_nest(
    nest: &[u8],
    service_family: AddressFamily,
    stats: StatsNests,
) -> Result<Destination, DecodeError> {
    let mut fields = DestFields::default();
    for_each_nla(nest, |nla| {
        let counters =
            matches!(nla.kind(), IPVS_DEST_ATTR_STATS | IPVS_DEST_ATTR_STATS64);
        if !(counters && stats == StatsNests::Skip) {
            fields.take(DestAttr::parse(&nla)?);
        }
        Ok(())
    })?;
    fields.finish(service_family)
}

/// The attributes of a destination nest seen so far.
#[derive(Default)]
struct DestFields {
    addr: Option<[u8; 16]>,
    port: Option<u16>,
    fwd: Option<u32>,
    weight: Option<i32>,
    af: Option<u16>,
    uth: Option<u32>,
    lth: Option<u32>,
    active: Option<u32>,
    inact: Option<u32>,
    persist: Option<u32>,
    stats: Option<Stats>,
    stats64: Option<Stats>,
    tun_type: u8,
    tun_port: u16,
    tun_flags: u16,
}

impl DestFields {
    fn take(&mut self, attr: DestAttr) {
        match attr {
            DestAttr::Addr(v) => self.addr = Some(v),
            DestAttr::Port(v) => self.port = Some(v),
            DestAttr::FwdMethod(v) => self.fwd = Some(v),
            DestAttr::Weight(v) => self.weight = Some(v),
            DestAttr::UThresh(v) => self.uth = Some(v),
            DestAttr::LThresh(v) => self.lth = Some(v),
            DestAttr::ActiveConns(v) => self.active = Some(v),
            DestAttr::InactConns(v) => self.inact = Some(v),
            DestAttr::PersistConns(v) => self.persist = Some(v),
            DestAttr::Stats(v) => self.stats = Some(stats_from_attrs(&v)),
            DestAttr::AddrFamily(v) => self.af = Some(v),
            DestAttr::Stats64(v) => self.stats64 = Some(stats64_from_attrs(&v)),
            DestAttr::TunType(v) => self.tun_type = v,
            DestAttr::TunPort(v) => self.tun_port = v,
            DestAttr::TunFlags(v) => self.tun_flags = v,
            DestAttr::Other(_) => {}
        }
    }

    fn finish(
        self,
        service_family: AddressFamily,
    ) -> Result<Destination, DecodeError> {
        let family = match self.af {
            Some(raw) => family(raw)?,
            None => service_family,
        };
        let addr = self.addr.ok_or_else(|| missing("IPVS_DEST_ATTR_ADDR"))?;
        Ok(Destination {
            addr: addr_from_raw(family, &addr),
            port: self.port.ok_or_else(|| missing("IPVS_DEST_ATTR_PORT"))?,
            forward: ForwardMethod::from_raw(
                self.fwd
                    .ok_or_else(|| missing("IPVS_DEST_ATTR_FWD_METHOD"))?,
            ),
            weight: self
                .weight
                .ok_or_else(|| missing("IPVS_DEST_ATTR_WEIGHT"))?,
            u_threshold: self
                .uth
                .ok_or_else(|| missing("IPVS_DEST_ATTR_U_THRESH"))?,
            l_threshold: self
                .lth
                .ok_or_else(|| missing("IPVS_DEST_ATTR_L_THRESH"))?,
            tun_type: TunnelType::from_raw(self.tun_type),
            tun_port: self.tun_port,
            tun_flags: self.tun_flags,
            active_conns: self
                .active
                .ok_or_else(|| missing("IPVS_DEST_ATTR_ACTIVE_CONNS"))?,
            inactive_conns: self
                .inact
                .ok_or_else(|| missing("IPVS_DEST_ATTR_INACT_CONNS"))?,
            persist_conns: self
                .persist
                .ok_or_else(|| missing("IPVS_DEST_ATTR_PERSIST_CONNS"))?,
            stats: self.stats64.or(self.stats).unwrap_or_default(),
        })
    }
}
