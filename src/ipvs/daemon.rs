//! Attributes of a connection-synchronisation daemon: the
//! `IPVS_DAEMON_ATTR_*` space, nested in `IPVS_CMD_ATTR_DAEMON`.

use netlink_packet_core::{
    DecodeError, DefaultNla, ErrorContext, Nla, NlaBuffer, Parseable, parse_u8,
    parse_u16, parse_u32,
};

use super::nla::{emit_bytes, emit_str, parse_array, parse_c_bytes, str_len};

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
