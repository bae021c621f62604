//! Top-level attributes of an IPVS message: the `IPVS_CMD_ATTR_*` space,
//! and the `IPVS_INFO_ATTR_*` space that `SET_INFO`/`GET_INFO` messages
//! use with the same numbers; and the [`Timeouts`] and [`Info`] they
//! carry.

use netlink_packet_core::{
    DecodeError, DefaultNla, ErrorContext, NLA_F_NESTED, Nla, NlaBuffer,
    Parseable, ParseableParametrized, parse_u32,
};

use super::cmd::IpvsCmd;
use super::daemon::DaemonAttr;
use super::dest::DestAttr;
use super::missing;
use super::nla::{emit_bytes, emit_nested, nested_len, parse_nested};
use super::service::ServiceAttr;
use crate::model::{Info, Timeouts};

pub(super) const IPVS_CMD_ATTR_SERVICE: u16 = 1;
pub(super) const IPVS_CMD_ATTR_DEST: u16 = 2;
const IPVS_CMD_ATTR_DAEMON: u16 = 3;
const IPVS_CMD_ATTR_TIMEOUT_TCP: u16 = 4;
const IPVS_CMD_ATTR_TIMEOUT_TCP_FIN: u16 = 5;
const IPVS_CMD_ATTR_TIMEOUT_UDP: u16 = 6;

const IPVS_INFO_ATTR_VERSION: u16 = 1;
const IPVS_INFO_ATTR_CONN_TAB_SIZE: u16 = 2;

/// A top-level attribute.
///
/// The nests (`Service`, `Dest`, `Daemon`) are emitted with
/// `NLA_F_NESTED`, as libnl (and so ipvsadm) sends them; the kernel's
/// replies carry no flag (see [`super::IpvsMessage::append_kernel_style`]).
/// Parsing accepts both.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IpvsAttr {
    /// `IPVS_CMD_ATTR_SERVICE`.
    Service(Vec<ServiceAttr>),
    /// `IPVS_CMD_ATTR_DEST`.
    Dest(Vec<DestAttr>),
    /// `IPVS_CMD_ATTR_DAEMON`.
    Daemon(Vec<DaemonAttr>),
    /// `IPVS_CMD_ATTR_TIMEOUT_TCP`, seconds.
    TimeoutTcp(u32),
    /// `IPVS_CMD_ATTR_TIMEOUT_TCP_FIN`, seconds.
    TimeoutTcpFin(u32),
    /// `IPVS_CMD_ATTR_TIMEOUT_UDP`, seconds.
    TimeoutUdp(u32),
    /// `IPVS_INFO_ATTR_VERSION` (`SET_INFO`/`GET_INFO` only).
    InfoVersion(u32),
    /// `IPVS_INFO_ATTR_CONN_TAB_SIZE` (`SET_INFO`/`GET_INFO` only).
    InfoConnTabSize(u32),
    Other(DefaultNla),
}

impl IpvsAttr {
    /// The attribute type without `NLA_F_NESTED`.
    pub(crate) fn plain_kind(&self) -> u16 {
        match self {
            Self::Service(_) => IPVS_CMD_ATTR_SERVICE,
            Self::Dest(_) => IPVS_CMD_ATTR_DEST,
            Self::Daemon(_) => IPVS_CMD_ATTR_DAEMON,
            Self::TimeoutTcp(_) => IPVS_CMD_ATTR_TIMEOUT_TCP,
            Self::TimeoutTcpFin(_) => IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,
            Self::TimeoutUdp(_) => IPVS_CMD_ATTR_TIMEOUT_UDP,
            Self::InfoVersion(_) => IPVS_INFO_ATTR_VERSION,
            Self::InfoConnTabSize(_) => IPVS_INFO_ATTR_CONN_TAB_SIZE,
            Self::Other(n) => n.kind(),
        }
    }
}

impl Nla for IpvsAttr {
    fn value_len(&self) -> usize {
        match self {
            Self::Service(v) => nested_len(v),
            Self::Dest(v) => nested_len(v),
            Self::Daemon(v) => nested_len(v),
            Self::TimeoutTcp(_)
            | Self::TimeoutTcpFin(_)
            | Self::TimeoutUdp(_)
            | Self::InfoVersion(_)
            | Self::InfoConnTabSize(_) => 4,
            Self::Other(n) => n.value_len(),
        }
    }

    fn kind(&self) -> u16 {
        match self {
            Self::Service(_) | Self::Dest(_) | Self::Daemon(_) => {
                self.plain_kind() | NLA_F_NESTED
            }
            _ => self.plain_kind(),
        }
    }

    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            Self::Service(v) => emit_nested(buf, v),
            Self::Dest(v) => emit_nested(buf, v),
            Self::Daemon(v) => emit_nested(buf, v),
            Self::TimeoutTcp(v)
            | Self::TimeoutTcpFin(v)
            | Self::TimeoutUdp(v)
            | Self::InfoVersion(v)
            | Self::InfoConnTabSize(v) => emit_bytes(buf, &v.to_ne_bytes()),
            Self::Other(n) => n.emit_value(buf),
        }
    }
}

/// Parses in the `IPVS_CMD_ATTR_*` space.
impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for IpvsAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            IPVS_CMD_ATTR_SERVICE => Self::Service(
                parse_nested(p).context("invalid IPVS_CMD_ATTR_SERVICE")?,
            ),
            IPVS_CMD_ATTR_DEST => Self::Dest(
                parse_nested(p).context("invalid IPVS_CMD_ATTR_DEST")?,
            ),
            IPVS_CMD_ATTR_DAEMON => Self::Daemon(
                parse_nested(p).context("invalid IPVS_CMD_ATTR_DAEMON")?,
            ),
            IPVS_CMD_ATTR_TIMEOUT_TCP => Self::TimeoutTcp(
                parse_u32(p).context("invalid IPVS_CMD_ATTR_TIMEOUT_TCP")?,
            ),
            IPVS_CMD_ATTR_TIMEOUT_TCP_FIN => Self::TimeoutTcpFin(
                parse_u32(p)
                    .context("invalid IPVS_CMD_ATTR_TIMEOUT_TCP_FIN")?,
            ),
            IPVS_CMD_ATTR_TIMEOUT_UDP => Self::TimeoutUdp(
                parse_u32(p).context("invalid IPVS_CMD_ATTR_TIMEOUT_UDP")?,
            ),
            _ => Self::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// Parses in the attribute space the command selects.
impl<'a, T: AsRef<[u8]> + ?Sized>
    ParseableParametrized<NlaBuffer<&'a T>, IpvsCmd> for IpvsAttr
{
    fn parse_with_param(
        buf: &NlaBuffer<&'a T>,
        cmd: IpvsCmd,
    ) -> Result<Self, DecodeError> {
        if !cmd.uses_info_attrs() {
            return Self::parse(buf);
        }
        let p = buf.value();
        Ok(match buf.kind() {
            IPVS_INFO_ATTR_VERSION => Self::InfoVersion(
                parse_u32(p).context("invalid IPVS_INFO_ATTR_VERSION")?,
            ),
            IPVS_INFO_ATTR_CONN_TAB_SIZE => Self::InfoConnTabSize(
                parse_u32(p).context("invalid IPVS_INFO_ATTR_CONN_TAB_SIZE")?,
            ),
            _ => Self::Other(DefaultNla::parse(buf)?),
        })
    }
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
pub(crate) fn timeouts_attrs(t: &Timeouts) -> Vec<IpvsAttr> {
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
