//! Attributes of a connection-synchronisation daemon: the
//! `IPVS_DAEMON_ATTR_*` space, nested in `IPVS_CMD_ATTR_DAEMON`, and the
//! [`DaemonConfig`] they carry.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::{
    DecodeError, DefaultNla, ErrorContext, Nla, NlaBuffer, Parseable, parse_u8,
    parse_u16, parse_u32,
};

use super::missing;
use super::nla::{emit_bytes, emit_str, parse_array, parse_c_bytes, str_len};
use crate::model::{DaemonConfig, DaemonState};

const IPVS_DAEMON_ATTR_STATE: u16 = 1;
const IPVS_DAEMON_ATTR_MCAST_IFN: u16 = 2;
const IPVS_DAEMON_ATTR_SYNC_ID: u16 = 3;
const IPVS_DAEMON_ATTR_SYNC_MAXLEN: u16 = 4;
const IPVS_DAEMON_ATTR_MCAST_GROUP: u16 = 5;
const IPVS_DAEMON_ATTR_MCAST_GROUP6: u16 = 6;
const IPVS_DAEMON_ATTR_MCAST_PORT: u16 = 7;
const IPVS_DAEMON_ATTR_MCAST_TTL: u16 = 8;

/// An attribute of a sync daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DaemonAttr {
    /// `IP_VS_STATE_MASTER` 1 or `IP_VS_STATE_BACKUP` 2.
    State(u32),
    /// Multicast interface name (any bytes but NUL, as in the kernel).
    McastIfn(Vec<u8>),
    /// Sync id.
    SyncId(u32),
    /// Maximum UDP payload size of sync messages.
    SyncMaxlen(u16),
    /// IPv4 multicast group, in network order (the address octets).
    McastGroup([u8; 4]),
    /// IPv6 multicast group.
    McastGroup6([u8; 16]),
    /// Multicast port, in host order (also on the wire).
    McastPort(u16),
    /// Multicast TTL.
    McastTtl(u8),
    Other(DefaultNla),
}

impl Nla for DaemonAttr {
    fn value_len(&self) -> usize {
        match self {
            Self::State(_) | Self::SyncId(_) | Self::McastGroup(_) => 4,
            Self::McastIfn(s) => str_len(s),
            Self::SyncMaxlen(_) | Self::McastPort(_) => 2,
            Self::McastGroup6(_) => 16,
            Self::McastTtl(_) => 1,
            Self::Other(n) => n.value_len(),
        }
    }

    fn kind(&self) -> u16 {
        match self {
            Self::State(_) => IPVS_DAEMON_ATTR_STATE,
            Self::McastIfn(_) => IPVS_DAEMON_ATTR_MCAST_IFN,
            Self::SyncId(_) => IPVS_DAEMON_ATTR_SYNC_ID,
            Self::SyncMaxlen(_) => IPVS_DAEMON_ATTR_SYNC_MAXLEN,
            Self::McastGroup(_) => IPVS_DAEMON_ATTR_MCAST_GROUP,
            Self::McastGroup6(_) => IPVS_DAEMON_ATTR_MCAST_GROUP6,
            Self::McastPort(_) => IPVS_DAEMON_ATTR_MCAST_PORT,
            Self::McastTtl(_) => IPVS_DAEMON_ATTR_MCAST_TTL,
            Self::Other(n) => n.kind(),
        }
    }

    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            Self::State(v) | Self::SyncId(v) => {
                emit_bytes(buf, &v.to_ne_bytes())
            }
            Self::McastIfn(s) => emit_str(buf, s),
            Self::SyncMaxlen(v) | Self::McastPort(v) => {
                emit_bytes(buf, &v.to_ne_bytes())
            }
            Self::McastGroup(a) => emit_bytes(buf, a),
            Self::McastGroup6(a) => emit_bytes(buf, a),
            Self::McastTtl(v) => emit_bytes(buf, &[*v]),
            Self::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for DaemonAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            IPVS_DAEMON_ATTR_STATE => Self::State(
                parse_u32(p).context("invalid IPVS_DAEMON_ATTR_STATE")?,
            ),
            IPVS_DAEMON_ATTR_MCAST_IFN => Self::McastIfn(
                parse_c_bytes(p)
                    .context("invalid IPVS_DAEMON_ATTR_MCAST_IFN")?,
            ),
            IPVS_DAEMON_ATTR_SYNC_ID => Self::SyncId(
                parse_u32(p).context("invalid IPVS_DAEMON_ATTR_SYNC_ID")?,
            ),
            IPVS_DAEMON_ATTR_SYNC_MAXLEN => Self::SyncMaxlen(
                parse_u16(p).context("invalid IPVS_DAEMON_ATTR_SYNC_MAXLEN")?,
            ),
            IPVS_DAEMON_ATTR_MCAST_GROUP => Self::McastGroup(
                parse_array(p)
                    .context("invalid IPVS_DAEMON_ATTR_MCAST_GROUP")?,
            ),
            IPVS_DAEMON_ATTR_MCAST_GROUP6 => Self::McastGroup6(
                parse_array(p)
                    .context("invalid IPVS_DAEMON_ATTR_MCAST_GROUP6")?,
            ),
            IPVS_DAEMON_ATTR_MCAST_PORT => Self::McastPort(
                parse_u16(p).context("invalid IPVS_DAEMON_ATTR_MCAST_PORT")?,
            ),
            IPVS_DAEMON_ATTR_MCAST_TTL => Self::McastTtl(
                parse_u8(p).context("invalid IPVS_DAEMON_ATTR_MCAST_TTL")?,
            ),
            _ => Self::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// The daemon nest, in ipvsadm's order (checked against a capture):
/// STATE, MCAST_IFN, SYNC_ID, then SYNC_MAXLEN, MCAST_PORT, MCAST_TTL
/// only when non-zero, and the group (IPv4 or IPv6) last when set.
pub(crate) fn daemon_attrs(d: &DaemonConfig) -> Vec<DaemonAttr> {
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
