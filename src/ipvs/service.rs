//! Attributes of a virtual service: the `IPVS_SVC_ATTR_*` space, nested in
//! `IPVS_CMD_ATTR_SERVICE`, and the [`Service`] they carry: the list
//! ipvsadm sends for one, and the service a kernel reply describes.

use netlink_packet_core::{
    DecodeError, DefaultNla, ErrorContext, Nla, NlaBuffer, Parseable,
    parse_u16, parse_u16_be, parse_u32,
};

use super::nla::{
    addr_from_raw, addr_to_raw, emit_bytes, emit_nested, emit_str,
    for_each_nla, nested_len, parse_addr16, parse_flags, parse_nested,
    parse_str, str_len,
};
use super::stats::{
    Stats64Attr, StatsAttr, StatsNests, stats_from_attrs, stats64_from_attrs,
};
use super::{family, missing};
use crate::model::{Protocol, Service, ServiceFlags, ServiceKey, Stats};

const IPVS_SVC_ATTR_AF: u16 = 1;
const IPVS_SVC_ATTR_PROTOCOL: u16 = 2;
const IPVS_SVC_ATTR_ADDR: u16 = 3;
const IPVS_SVC_ATTR_PORT: u16 = 4;
const IPVS_SVC_ATTR_FWMARK: u16 = 5;
const IPVS_SVC_ATTR_SCHED_NAME: u16 = 6;
const IPVS_SVC_ATTR_FLAGS: u16 = 7;
const IPVS_SVC_ATTR_TIMEOUT: u16 = 8;
const IPVS_SVC_ATTR_NETMASK: u16 = 9;
const IPVS_SVC_ATTR_STATS: u16 = 10;
const IPVS_SVC_ATTR_PE_NAME: u16 = 11;
const IPVS_SVC_ATTR_STATS64: u16 = 12;

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

/// The identifying attributes of a service, as ipvsadm sends them: AF,
/// then FWMARK or PROTOCOL+ADDR+PORT. This alone is the service nest of a
/// `GET_DEST` dump.
pub(crate) fn service_key_attrs(key: &ServiceKey) -> Vec<ServiceAttr> {
    let mut attrs = Vec::with_capacity(KEY_ATTRS);
    push_key_attrs(&mut attrs, key);
    attrs
}

/// Most attributes [`push_key_attrs`] adds.
const KEY_ATTRS: usize = 4;

fn push_key_attrs(attrs: &mut Vec<ServiceAttr>, key: &ServiceKey) {
    attrs.push(ServiceAttr::AddressFamily(key.family().raw()));
    match key {
        ServiceKey::Fwmark { mark, .. } => {
            attrs.push(ServiceAttr::Fwmark(*mark));
        }
        ServiceKey::Inet {
            protocol,
            addr,
            port,
        } => {
            attrs.push(ServiceAttr::Protocol(protocol.raw()));
            attrs.push(ServiceAttr::Addr(addr_to_raw(addr)));
            attrs.push(ServiceAttr::Port(*port));
        }
    }
}

/// The full service nest, in ipvsadm's order: the key, SCHED_NAME,
/// PE_NAME (only if set and non-empty), FLAGS (mask 0xffffffff), TIMEOUT,
/// NETMASK. Statistics are never sent.
pub(crate) fn service_attrs(svc: &Service) -> Vec<ServiceAttr> {
    let mut attrs = Vec::with_capacity(KEY_ATTRS + 5);
    push_key_attrs(&mut attrs, &svc.key);
    attrs.push(ServiceAttr::SchedName(svc.scheduler.clone()));
    if let Some(pe) = svc.pe_name.as_ref().filter(|pe| !pe.is_empty()) {
        attrs.push(ServiceAttr::PeName(pe.clone()));
    }
    attrs.push(ServiceAttr::Flags {
        flags: svc.flags.0,
        mask: u32::MAX,
    });
    attrs.push(ServiceAttr::Timeout(svc.timeout));
    attrs.push(ServiceAttr::Netmask(svc.netmask));
    attrs
}

/// A service from a kernel reply. Requires what ipvsadm requires: AF,
/// FWMARK or PROTOCOL+ADDR+PORT, SCHED_NAME, NETMASK, TIMEOUT and FLAGS.
/// The flags kept are `flags & mask`; STATS64 is preferred over STATS
/// (absent both, the counters are 0).
pub fn service_from_attrs(a: &[ServiceAttr]) -> Result<Service, DecodeError> {
    let mut fields = ServiceFields::default();
    a.iter().for_each(|attr| fields.take(attr.clone()));
    fields.finish()
}

/// [`service_from_attrs`] of a service nest still encoded (the value of
/// `IPVS_CMD_ATTR_SERVICE`), each attribute parsed and taken in turn
/// without collecting them: the listings' decoder. With
/// [`StatsNests::Skip`] the counter nests are passed over unchecked.
pub fn service_from_nest(
    nest: &[u8],
    stats: StatsNests,
) -> Result<Service, DecodeError> {
    let mut fields = ServiceFields::default();
    for_each_nla(nest, |nla| {
        let counters =
            matches!(nla.kind(), IPVS_SVC_ATTR_STATS | IPVS_SVC_ATTR_STATS64);
        if !(counters && stats == StatsNests::Skip) {
            fields.take(ServiceAttr::parse(&nla)?);
        }
        Ok(())
    })?;
    fields.finish()
}

/// The attributes of a service nest seen so far.
#[derive(Default)]
struct ServiceFields {
    af: Option<u16>,
    protocol: Option<u16>,
    addr: Option<[u8; 16]>,
    port: Option<u16>,
    fwmark: Option<u32>,
    sched: Option<String>,
    flags: Option<u32>,
    timeout: Option<u32>,
    netmask: Option<u32>,
    pe: Option<String>,
    stats: Option<Stats>,
    stats64: Option<Stats>,
}

impl ServiceFields {
    fn take(&mut self, attr: ServiceAttr) {
        match attr {
            ServiceAttr::AddressFamily(v) => self.af = Some(v),
            ServiceAttr::Protocol(v) => self.protocol = Some(v),
            ServiceAttr::Addr(v) => self.addr = Some(v),
            ServiceAttr::Port(v) => self.port = Some(v),
            ServiceAttr::Fwmark(v) => self.fwmark = Some(v),
            ServiceAttr::SchedName(v) => self.sched = Some(v),
            ServiceAttr::Flags { flags, mask } => {
                self.flags = Some(flags & mask)
            }
            ServiceAttr::Timeout(v) => self.timeout = Some(v),
            ServiceAttr::Netmask(v) => self.netmask = Some(v),
            ServiceAttr::Stats(v) => self.stats = Some(stats_from_attrs(&v)),
            ServiceAttr::PeName(v) => self.pe = Some(v),
            ServiceAttr::Stats64(v) => {
                self.stats64 = Some(stats64_from_attrs(&v))
            }
            ServiceAttr::Other(_) => {}
        }
    }

    fn finish(self) -> Result<Service, DecodeError> {
        let family =
            family(self.af.ok_or_else(|| missing("IPVS_SVC_ATTR_AF"))?)?;
        let key = match (self.fwmark, self.protocol, self.addr, self.port) {
            (Some(mark), protocol, _, _) if mark != 0 || protocol.is_none() => {
                ServiceKey::Fwmark { family, mark }
            }
            (_, Some(protocol), Some(addr), Some(port)) => ServiceKey::Inet {
                protocol: Protocol::from_raw(protocol),
                addr: addr_from_raw(family, &addr),
                port,
            },
            _ => {
                return Err(missing(
                    "IPVS_SVC_ATTR_FWMARK or IPVS_SVC_ATTR_PROTOCOL/ADDR/PORT",
                ));
            }
        };
        Ok(Service {
            key,
            scheduler: self
                .sched
                .ok_or_else(|| missing("IPVS_SVC_ATTR_SCHED_NAME"))?,
            flags: ServiceFlags(
                self.flags.ok_or_else(|| missing("IPVS_SVC_ATTR_FLAGS"))?,
            ),
            timeout: self
                .timeout
                .ok_or_else(|| missing("IPVS_SVC_ATTR_TIMEOUT"))?,
            netmask: self
                .netmask
                .ok_or_else(|| missing("IPVS_SVC_ATTR_NETMASK"))?,
            pe_name: self.pe.filter(|s| !s.is_empty()),
            stats: self.stats64.or(self.stats).unwrap_or_default(),
        })
    }
}
