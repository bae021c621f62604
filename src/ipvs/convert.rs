//! Conversions between the attribute lists of the wire protocol and the
//! typed [`crate::model`]: what ipvsadm sends for a service, destination
//! or daemon, and what it requires of the kernel's replies.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::{
    DecodeError, parse_i32, parse_u8, parse_u16, parse_u16_be, parse_u32,
};

use super::attr::IpvsAttr;
use super::daemon::DaemonAttr;
use super::dest::{
    DestAttr, IPVS_DEST_ATTR_ACTIVE_CONNS, IPVS_DEST_ATTR_ADDR,
    IPVS_DEST_ATTR_ADDR_FAMILY, IPVS_DEST_ATTR_FWD_METHOD,
    IPVS_DEST_ATTR_INACT_CONNS, IPVS_DEST_ATTR_L_THRESH,
    IPVS_DEST_ATTR_PERSIST_CONNS, IPVS_DEST_ATTR_PORT, IPVS_DEST_ATTR_STATS,
    IPVS_DEST_ATTR_STATS64, IPVS_DEST_ATTR_TUN_FLAGS, IPVS_DEST_ATTR_TUN_PORT,
    IPVS_DEST_ATTR_TUN_TYPE, IPVS_DEST_ATTR_U_THRESH, IPVS_DEST_ATTR_WEIGHT,
};
use super::nla::{for_each_value, parse_addr16, parse_str};
use super::service::{
    IPVS_SVC_ATTR_ADDR, IPVS_SVC_ATTR_AF, IPVS_SVC_ATTR_FLAGS,
    IPVS_SVC_ATTR_FWMARK, IPVS_SVC_ATTR_NETMASK, IPVS_SVC_ATTR_PE_NAME,
    IPVS_SVC_ATTR_PORT, IPVS_SVC_ATTR_PROTOCOL, IPVS_SVC_ATTR_SCHED_NAME,
    IPVS_SVC_ATTR_STATS, IPVS_SVC_ATTR_STATS64, IPVS_SVC_ATTR_TIMEOUT,
    ServiceAttr, parse_flags,
};
use super::stats::{
    stats_from_attrs, stats_from_nest, stats64_from_attrs, stats64_from_nest,
};
use crate::model::{
    AddressFamily, DaemonConfig, DaemonState, Destination, ForwardMethod, Info,
    Protocol, Service, ServiceFlags, ServiceKey, Stats, Timeouts, TunnelType,
};

/// An address as `union nf_inet_addr`: IPv4 in the first 4 bytes.
pub fn addr_to_raw(addr: &IpAddr) -> [u8; 16] {
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
pub fn addr_from_raw(family: AddressFamily, raw: &[u8; 16]) -> IpAddr {
    match family {
        AddressFamily::Inet => {
            IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]))
        }
        AddressFamily::Inet6 => IpAddr::V6(Ipv6Addr::from(*raw)),
    }
}

/// The identifying attributes of a service, as ipvsadm sends them: AF,
/// then FWMARK or PROTOCOL+ADDR+PORT. This alone is the service nest of a
/// `GET_DEST` dump.
pub fn service_key_attrs(key: &ServiceKey) -> Vec<ServiceAttr> {
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
/// NETMASK. Statistics are never sent. The names move into the nest.
pub fn service_attrs(svc: Service) -> Vec<ServiceAttr> {
    let mut attrs = Vec::with_capacity(KEY_ATTRS + 5);
    push_key_attrs(&mut attrs, &svc.key);
    attrs.push(ServiceAttr::SchedName(svc.scheduler));
    if let Some(pe) = svc.pe_name.filter(|pe| !pe.is_empty()) {
        attrs.push(ServiceAttr::PeName(pe));
    }
    attrs.push(ServiceAttr::Flags {
        flags: svc.flags.0,
        mask: u32::MAX,
    });
    attrs.push(ServiceAttr::Timeout(svc.timeout));
    attrs.push(ServiceAttr::Netmask(svc.netmask));
    attrs
}

/// The destination nest, in ipvsadm's order (checked against a capture):
/// ADDR_FAMILY, ADDR, PORT, FWD_METHOD, WEIGHT, TUN_TYPE, TUN_PORT,
/// TUN_FLAGS, U_THRESH, L_THRESH. ipvsadm sends all of them for every
/// command, `DEL_DEST` included. Counters are never sent.
pub fn dest_attrs(d: &Destination) -> Vec<DestAttr> {
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

/// The daemon nest, in ipvsadm's order (checked against a capture):
/// STATE, MCAST_IFN, SYNC_ID, then SYNC_MAXLEN, MCAST_PORT, MCAST_TTL
/// only when non-zero, and the group (IPv4 or IPv6) last when set.
pub fn daemon_attrs(d: &DaemonConfig) -> Vec<DaemonAttr> {
    let mut attrs = vec![
        DaemonAttr::State(d.state.raw()),
        DaemonAttr::McastIfn(d.mcast_ifn.clone()),
        DaemonAttr::SyncId(d.sync_id),
    ];
    if d.sync_maxlen != 0 {
        attrs.push(DaemonAttr::SyncMaxlen(d.sync_maxlen));
    }
    if d.mcast_port != 0 {
        attrs.push(DaemonAttr::McastPort(d.mcast_port));
    }
    if d.mcast_ttl != 0 {
        attrs.push(DaemonAttr::McastTtl(d.mcast_ttl));
    }
    match d.mcast_group {
        Some(IpAddr::V4(g)) => attrs.push(DaemonAttr::McastGroup(g.octets())),
        Some(IpAddr::V6(g)) => attrs.push(DaemonAttr::McastGroup6(g.octets())),
        None => {}
    }
    attrs
}

fn missing(what: &str) -> DecodeError {
    DecodeError::from(format!("missing {what}"))
}

fn family(raw: u16) -> Result<AddressFamily, DecodeError> {
    AddressFamily::from_raw(raw).ok_or_else(|| {
        DecodeError::from(format!("unknown address family {raw}"))
    })
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
/// `IPVS_CMD_ATTR_SERVICE`), read without collecting its attributes: the
/// listing's decoder. It fails where parsing the nest would.
pub fn service_from_nest(
    nest: &[u8],
    counters: Counters,
) -> Result<Service, DecodeError> {
    read_nest::<ServiceFields>(nest, counters)?.finish()
}

/// Whether the nest decoders read the counter nests (`*_ATTR_STATS` and
/// `*_ATTR_STATS64`) or pass over them, unchecked, for views that show no
/// counters; skipped counters read as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counters {
    Read,
    Skip,
}

/// The attributes of an object's nest (a service or a destination), as
/// its decoder gathers them.
trait NestFields: Default {
    /// The nest's `*_ATTR_STATS` and `*_ATTR_STATS64` types.
    const STATS: u16;
    const STATS64: u16;
    /// Takes the value of an attribute other than the counters, checked
    /// as its attribute's parser checks it (`ServiceAttr`, `DestAttr`:
    /// the hostile-input tests hold the two equal); other types are
    /// passed over, as the parsers' `Other` is.
    fn take_value(
        &mut self,
        kind: u16,
        value: &[u8],
    ) -> Result<(), DecodeError>;
    fn counters(&mut self) -> (&mut Option<Stats>, &mut Option<Stats>);
}

/// Gathers the attributes of a nest still encoded, one at a time; the
/// counter nests are read straight into [`Stats`], or skipped.
fn read_nest<F: NestFields>(
    nest: &[u8],
    counters: Counters,
) -> Result<F, DecodeError> {
    let mut fields = F::default();
    for_each_value(nest, |kind, value| {
        if kind == F::STATS || kind == F::STATS64 {
            if counters == Counters::Read {
                let (stats, stats64) = fields.counters();
                if kind == F::STATS {
                    *stats = Some(stats_from_nest(value)?);
                } else {
                    *stats64 = Some(stats64_from_nest(value)?);
                }
            }
        } else {
            fields.take_value(kind, value)?;
        }
        Ok(())
    })?;
    Ok(fields)
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

impl NestFields for ServiceFields {
    const STATS: u16 = IPVS_SVC_ATTR_STATS;
    const STATS64: u16 = IPVS_SVC_ATTR_STATS64;

    fn counters(&mut self) -> (&mut Option<Stats>, &mut Option<Stats>) {
        (&mut self.stats, &mut self.stats64)
    }

    fn take_value(&mut self, kind: u16, p: &[u8]) -> Result<(), DecodeError> {
        match kind {
            IPVS_SVC_ATTR_AF => self.af = Some(parse_u16(p)?),
            IPVS_SVC_ATTR_PROTOCOL => self.protocol = Some(parse_u16(p)?),
            IPVS_SVC_ATTR_ADDR => self.addr = Some(parse_addr16(p)?),
            IPVS_SVC_ATTR_PORT => self.port = Some(parse_u16_be(p)?),
            IPVS_SVC_ATTR_FWMARK => self.fwmark = Some(parse_u32(p)?),
            IPVS_SVC_ATTR_SCHED_NAME => self.sched = Some(parse_str(p)?),
            IPVS_SVC_ATTR_FLAGS => {
                let (flags, mask) = parse_flags(p)?;
                self.flags = Some(flags & mask);
            }
            IPVS_SVC_ATTR_TIMEOUT => self.timeout = Some(parse_u32(p)?),
            IPVS_SVC_ATTR_NETMASK => self.netmask = Some(parse_u32(p)?),
            IPVS_SVC_ATTR_PE_NAME => self.pe = Some(parse_str(p)?),
            _ => {}
        }
        Ok(())
    }
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
/// `IPVS_CMD_ATTR_DEST`), read without collecting its attributes. It fails
/// where parsing the nest would.
pub fn dest_from_nest(
    nest: &[u8],
    service_family: AddressFamily,
    counters: Counters,
) -> Result<Destination, DecodeError> {
    read_nest::<DestFields>(nest, counters)?.finish(service_family)
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

impl NestFields for DestFields {
    const STATS: u16 = IPVS_DEST_ATTR_STATS;
    const STATS64: u16 = IPVS_DEST_ATTR_STATS64;

    fn counters(&mut self) -> (&mut Option<Stats>, &mut Option<Stats>) {
        (&mut self.stats, &mut self.stats64)
    }

    fn take_value(&mut self, kind: u16, p: &[u8]) -> Result<(), DecodeError> {
        match kind {
            IPVS_DEST_ATTR_ADDR => self.addr = Some(parse_addr16(p)?),
            IPVS_DEST_ATTR_PORT => self.port = Some(parse_u16_be(p)?),
            IPVS_DEST_ATTR_FWD_METHOD => self.fwd = Some(parse_u32(p)?),
            IPVS_DEST_ATTR_WEIGHT => self.weight = Some(parse_i32(p)?),
            IPVS_DEST_ATTR_U_THRESH => self.uth = Some(parse_u32(p)?),
            IPVS_DEST_ATTR_L_THRESH => self.lth = Some(parse_u32(p)?),
            IPVS_DEST_ATTR_ACTIVE_CONNS => self.active = Some(parse_u32(p)?),
            IPVS_DEST_ATTR_INACT_CONNS => self.inact = Some(parse_u32(p)?),
            IPVS_DEST_ATTR_PERSIST_CONNS => self.persist = Some(parse_u32(p)?),
            IPVS_DEST_ATTR_ADDR_FAMILY => self.af = Some(parse_u16(p)?),
            IPVS_DEST_ATTR_TUN_TYPE => self.tun_type = parse_u8(p)?,
            IPVS_DEST_ATTR_TUN_PORT => self.tun_port = parse_u16_be(p)?,
            IPVS_DEST_ATTR_TUN_FLAGS => self.tun_flags = parse_u16(p)?,
            _ => {}
        }
        Ok(())
    }
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

/// A sync daemon from a kernel reply. Requires STATE, MCAST_IFN and
/// SYNC_ID; the others default to 0 / no group. If both group attributes
/// came, the IPv4 one wins (the kernel sends only one).
pub fn daemon_from_attrs(
    a: &[DaemonAttr],
) -> Result<DaemonConfig, DecodeError> {
    let (mut state, mut ifn, mut sync_id) = (None, None, None);
    let (mut group4, mut group6) = (None, None);
    let mut d = DaemonConfig {
        state: DaemonState::Other(0),
        mcast_ifn: Vec::new(),
        sync_id: 0,
        sync_maxlen: 0,
        mcast_group: None,
        mcast_port: 0,
        mcast_ttl: 0,
    };
    for attr in a {
        match attr {
            DaemonAttr::State(v) => state = Some(*v),
            DaemonAttr::McastIfn(v) => ifn = Some(v),
            DaemonAttr::SyncId(v) => sync_id = Some(*v),
            DaemonAttr::SyncMaxlen(v) => d.sync_maxlen = *v,
            DaemonAttr::McastGroup(v) => group4 = Some(*v),
            DaemonAttr::McastGroup6(v) => group6 = Some(*v),
            DaemonAttr::McastPort(v) => d.mcast_port = *v,
            DaemonAttr::McastTtl(v) => d.mcast_ttl = *v,
            DaemonAttr::Other(_) => {}
        }
    }
    d.state = DaemonState::from_raw(
        state.ok_or_else(|| missing("IPVS_DAEMON_ATTR_STATE"))?,
    );
    d.mcast_ifn = ifn
        .ok_or_else(|| missing("IPVS_DAEMON_ATTR_MCAST_IFN"))?
        .clone();
    d.sync_id = sync_id.ok_or_else(|| missing("IPVS_DAEMON_ATTR_SYNC_ID"))?;
    d.mcast_group = match (group4, group6) {
        (Some(g), _) => Some(IpAddr::V4(Ipv4Addr::from(g))),
        (None, Some(g)) => Some(IpAddr::V6(Ipv6Addr::from(g))),
        (None, None) => None,
    };
    Ok(d)
}

/// The three timeouts of a `GET_CONFIG` reply; absent ones read as 0.
pub fn timeouts_from_attrs(a: &[IpvsAttr]) -> Timeouts {
    let mut t = Timeouts::default();
    for attr in a {
        match attr {
            IpvsAttr::TimeoutTcp(v) => t.tcp = *v,
            IpvsAttr::TimeoutTcpFin(v) => t.tcp_fin = *v,
            IpvsAttr::TimeoutUdp(v) => t.udp = *v,
            _ => {}
        }
    }
    t
}

/// The top-level attributes of a `SET_CONFIG` request: all three
/// timeouts, always, as ipvsadm sends them (0 = leave unchanged).
pub fn timeouts_attrs(t: &Timeouts) -> Vec<IpvsAttr> {
    vec![
        IpvsAttr::TimeoutTcp(t.tcp),
        IpvsAttr::TimeoutTcpFin(t.tcp_fin),
        IpvsAttr::TimeoutUdp(t.udp),
    ]
}

/// The `GET_INFO` reply; both attributes are required, as in ipvsadm.
pub fn info_from_attrs(a: &[IpvsAttr]) -> Result<Info, DecodeError> {
    let (mut version, mut size) = (None, None);
    for attr in a {
        match attr {
            IpvsAttr::InfoVersion(v) => version = Some(*v),
            IpvsAttr::InfoConnTabSize(v) => size = Some(*v),
            _ => {}
        }
    }
    Ok(Info {
        version: version.ok_or_else(|| missing("IPVS_INFO_ATTR_VERSION"))?,
        conn_tab_size: size
            .ok_or_else(|| missing("IPVS_INFO_ATTR_CONN_TAB_SIZE"))?,
    })
}
