//! Counters of a service or destination: the `IPVS_STATS_ATTR_*` space,
//! used inside the `*_ATTR_STATS` nests (32-bit counters, 64-bit bytes) and
//! the `*_ATTR_STATS64` nests (all 64-bit). The same numbers have different
//! widths in the two nests, so each nest has its own enum.

use netlink_packet_core::{
    DecodeError, DefaultNla, ErrorContext, Nla, NlaBuffer, Parseable,
    parse_u32, parse_u64,
};

use super::nla::emit_bytes;
use crate::model::Stats;

const IPVS_STATS_ATTR_CONNS: u16 = 1;
const IPVS_STATS_ATTR_INPKTS: u16 = 2;
const IPVS_STATS_ATTR_OUTPKTS: u16 = 3;
const IPVS_STATS_ATTR_INBYTES: u16 = 4;
const IPVS_STATS_ATTR_OUTBYTES: u16 = 5;
const IPVS_STATS_ATTR_CPS: u16 = 6;
const IPVS_STATS_ATTR_INPPS: u16 = 7;
const IPVS_STATS_ATTR_OUTPPS: u16 = 8;
const IPVS_STATS_ATTR_INBPS: u16 = 9;
const IPVS_STATS_ATTR_OUTBPS: u16 = 10;
const IPVS_STATS_ATTR_PAD: u16 = 11;

/// Whether an object's decoder reads its counter nests (`*_ATTR_STATS`
/// and `*_ATTR_STATS64`) or passes over them unchecked, for views that
/// show no counters; skipped counters read as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsNests {
    Read,
    Skip,
}

/// An attribute of a 32-bit `IPVS_SVC_ATTR_STATS`/`IPVS_DEST_ATTR_STATS`
/// nest (`struct ip_vs_stats_user` widths).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatsAttr {
    Conns(u32),
    InPkts(u32),
    OutPkts(u32),
    InBytes(u64),
    OutBytes(u64),
    Cps(u32),
    InPps(u32),
    OutPps(u32),
    InBps(u32),
    OutBps(u32),
    /// Empty alignment padding before a 64-bit value (not on x86-64).
    Pad,
    Other(DefaultNla),
}

/// An attribute of a 64-bit `IPVS_SVC_ATTR_STATS64`/`IPVS_DEST_ATTR_STATS64`
/// nest (`struct ip_vs_kstats` widths).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stats64Attr {
    Conns(u64),
    InPkts(u64),
    OutPkts(u64),
    InBytes(u64),
    OutBytes(u64),
    Cps(u64),
    InPps(u64),
    OutPps(u64),
    InBps(u64),
    OutBps(u64),
    /// Empty alignment padding before a 64-bit value (not on x86-64).
    Pad,
    Other(DefaultNla),
}

impl Nla for StatsAttr {
    fn value_len(&self) -> usize {
        match self {
            Self::InBytes(_) | Self::OutBytes(_) => 8,
            Self::Pad => 0,
            Self::Other(n) => n.value_len(),
            _ => 4,
        }
    }

    fn kind(&self) -> u16 {
        match self {
            Self::Conns(_) => IPVS_STATS_ATTR_CONNS,
            Self::InPkts(_) => IPVS_STATS_ATTR_INPKTS,
            Self::OutPkts(_) => IPVS_STATS_ATTR_OUTPKTS,
            Self::InBytes(_) => IPVS_STATS_ATTR_INBYTES,
            Self::OutBytes(_) => IPVS_STATS_ATTR_OUTBYTES,
            Self::Cps(_) => IPVS_STATS_ATTR_CPS,
            Self::InPps(_) => IPVS_STATS_ATTR_INPPS,
            Self::OutPps(_) => IPVS_STATS_ATTR_OUTPPS,
            Self::InBps(_) => IPVS_STATS_ATTR_INBPS,
            Self::OutBps(_) => IPVS_STATS_ATTR_OUTBPS,
            Self::Pad => IPVS_STATS_ATTR_PAD,
            Self::Other(n) => n.kind(),
        }
    }

    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            Self::Conns(v)
            | Self::InPkts(v)
            | Self::OutPkts(v)
            | Self::Cps(v)
            | Self::InPps(v)
            | Self::OutPps(v)
            | Self::InBps(v)
            | Self::OutBps(v) => emit_bytes(buf, &v.to_ne_bytes()),
            Self::InBytes(v) | Self::OutBytes(v) => {
                emit_bytes(buf, &v.to_ne_bytes())
            }
            Self::Pad => {}
            Self::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for StatsAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            IPVS_STATS_ATTR_CONNS => Self::Conns(
                parse_u32(p).context("invalid IPVS_STATS_ATTR_CONNS")?,
            ),
            IPVS_STATS_ATTR_INPKTS => Self::InPkts(
                parse_u32(p).context("invalid IPVS_STATS_ATTR_INPKTS")?,
            ),
            IPVS_STATS_ATTR_OUTPKTS => Self::OutPkts(
                parse_u32(p).context("invalid IPVS_STATS_ATTR_OUTPKTS")?,
            ),
            IPVS_STATS_ATTR_INBYTES => Self::InBytes(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_INBYTES")?,
            ),
            IPVS_STATS_ATTR_OUTBYTES => Self::OutBytes(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_OUTBYTES")?,
            ),
            IPVS_STATS_ATTR_CPS => {
                Self::Cps(parse_u32(p).context("invalid IPVS_STATS_ATTR_CPS")?)
            }
            IPVS_STATS_ATTR_INPPS => Self::InPps(
                parse_u32(p).context("invalid IPVS_STATS_ATTR_INPPS")?,
            ),
            IPVS_STATS_ATTR_OUTPPS => Self::OutPps(
                parse_u32(p).context("invalid IPVS_STATS_ATTR_OUTPPS")?,
            ),
            IPVS_STATS_ATTR_INBPS => Self::InBps(
                parse_u32(p).context("invalid IPVS_STATS_ATTR_INBPS")?,
            ),
            IPVS_STATS_ATTR_OUTBPS => Self::OutBps(
                parse_u32(p).context("invalid IPVS_STATS_ATTR_OUTBPS")?,
            ),
            IPVS_STATS_ATTR_PAD if p.is_empty() => Self::Pad,
            _ => Self::Other(DefaultNla::parse(buf)?),
        })
    }
}

impl Nla for Stats64Attr {
    fn value_len(&self) -> usize {
        match self {
            Self::Pad => 0,
            Self::Other(n) => n.value_len(),
            _ => 8,
        }
    }

    fn kind(&self) -> u16 {
        match self {
            Self::Conns(_) => IPVS_STATS_ATTR_CONNS,
            Self::InPkts(_) => IPVS_STATS_ATTR_INPKTS,
            Self::OutPkts(_) => IPVS_STATS_ATTR_OUTPKTS,
            Self::InBytes(_) => IPVS_STATS_ATTR_INBYTES,
            Self::OutBytes(_) => IPVS_STATS_ATTR_OUTBYTES,
            Self::Cps(_) => IPVS_STATS_ATTR_CPS,
            Self::InPps(_) => IPVS_STATS_ATTR_INPPS,
            Self::OutPps(_) => IPVS_STATS_ATTR_OUTPPS,
            Self::InBps(_) => IPVS_STATS_ATTR_INBPS,
            Self::OutBps(_) => IPVS_STATS_ATTR_OUTBPS,
            Self::Pad => IPVS_STATS_ATTR_PAD,
            Self::Other(n) => n.kind(),
        }
    }

    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            Self::Conns(v)
            | Self::InPkts(v)
            | Self::OutPkts(v)
            | Self::InBytes(v)
            | Self::OutBytes(v)
            | Self::Cps(v)
            | Self::InPps(v)
            | Self::OutPps(v)
            | Self::InBps(v)
            | Self::OutBps(v) => emit_bytes(buf, &v.to_ne_bytes()),
            Self::Pad => {}
            Self::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for Stats64Attr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            IPVS_STATS_ATTR_CONNS => Self::Conns(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_CONNS")?,
            ),
            IPVS_STATS_ATTR_INPKTS => Self::InPkts(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_INPKTS")?,
            ),
            IPVS_STATS_ATTR_OUTPKTS => Self::OutPkts(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_OUTPKTS")?,
            ),
            IPVS_STATS_ATTR_INBYTES => Self::InBytes(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_INBYTES")?,
            ),
            IPVS_STATS_ATTR_OUTBYTES => Self::OutBytes(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_OUTBYTES")?,
            ),
            IPVS_STATS_ATTR_CPS => {
                Self::Cps(parse_u64(p).context("invalid IPVS_STATS_ATTR_CPS")?)
            }
            IPVS_STATS_ATTR_INPPS => Self::InPps(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_INPPS")?,
            ),
            IPVS_STATS_ATTR_OUTPPS => Self::OutPps(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_OUTPPS")?,
            ),
            IPVS_STATS_ATTR_INBPS => Self::InBps(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_INBPS")?,
            ),
            IPVS_STATS_ATTR_OUTBPS => Self::OutBps(
                parse_u64(p).context("invalid IPVS_STATS_ATTR_OUTBPS")?,
            ),
            IPVS_STATS_ATTR_PAD if p.is_empty() => Self::Pad,
            _ => Self::Other(DefaultNla::parse(buf)?),
        })
    }
}

impl StatsAttr {
    /// Stores this counter in `s`.
    fn apply_to(&self, s: &mut Stats) {
        match self {
            StatsAttr::Conns(v) => s.conns = (*v).into(),
            StatsAttr::InPkts(v) => s.inpkts = (*v).into(),
            StatsAttr::OutPkts(v) => s.outpkts = (*v).into(),
            StatsAttr::InBytes(v) => s.inbytes = *v,
            StatsAttr::OutBytes(v) => s.outbytes = *v,
            StatsAttr::Cps(v) => s.cps = (*v).into(),
            StatsAttr::InPps(v) => s.inpps = (*v).into(),
            StatsAttr::OutPps(v) => s.outpps = (*v).into(),
            StatsAttr::InBps(v) => s.inbps = (*v).into(),
            StatsAttr::OutBps(v) => s.outbps = (*v).into(),
            StatsAttr::Pad | StatsAttr::Other(_) => {}
        }
    }
}

impl Stats64Attr {
    /// Stores this counter in `s`.
    fn apply_to(&self, s: &mut Stats) {
        match self {
            Stats64Attr::Conns(v) => s.conns = *v,
            Stats64Attr::InPkts(v) => s.inpkts = *v,
            Stats64Attr::OutPkts(v) => s.outpkts = *v,
            Stats64Attr::InBytes(v) => s.inbytes = *v,
            Stats64Attr::OutBytes(v) => s.outbytes = *v,
            Stats64Attr::Cps(v) => s.cps = *v,
            Stats64Attr::InPps(v) => s.inpps = *v,
            Stats64Attr::OutPps(v) => s.outpps = *v,
            Stats64Attr::InBps(v) => s.inbps = *v,
            Stats64Attr::OutBps(v) => s.outbps = *v,
            Stats64Attr::Pad | Stats64Attr::Other(_) => {}
        }
    }
}

/// The counters of a 32-bit stats nest; absent counters read as 0.
pub(crate) fn stats_from_attrs(attrs: &[StatsAttr]) -> Stats {
    let mut s = Stats::default();
    attrs.iter().for_each(|a| a.apply_to(&mut s));
    s
}

/// The counters of a 64-bit stats nest; absent counters read as 0.
pub(crate) fn stats64_from_attrs(attrs: &[Stats64Attr]) -> Stats {
    let mut s = Stats::default();
    attrs.iter().for_each(|a| a.apply_to(&mut s));
    s
}

/// A 64-bit stats nest holding `s`, in the kernel's attribute order.
#[cfg(test)]
pub(crate) fn stats64_attrs(s: &Stats) -> Vec<Stats64Attr> {
    vec![
        Stats64Attr::Conns(s.conns),
        Stats64Attr::InPkts(s.inpkts),
        Stats64Attr::OutPkts(s.outpkts),
        Stats64Attr::InBytes(s.inbytes),
        Stats64Attr::OutBytes(s.outbytes),
        Stats64Attr::Cps(s.cps),
        Stats64Attr::InPps(s.inpps),
        Stats64Attr::OutPps(s.outpps),
        Stats64Attr::InBps(s.inbps),
        Stats64Attr::OutBps(s.outbps),
    ]
}
