//! The IPVS generic-netlink protocol (`include/uapi/linux/ip_vs.h`):
//! commands, the attribute spaces, the family message, and conversions to
//! and from the [`crate::model`]. Codec only; no socket code.
//!
//! Each attribute space lives in one file that declares, once, every
//! attribute's number, wire type and name (the constants, the enum and its
//! `Nla`/`Parseable` impls), followed by the conversions between its enum
//! and the model. Requests are written from those enums
//! ([`IpvsMessage::append_attributes`]) and replies read through them,
//! either collected ([`IpvsMessage`]) or taken one at a time straight
//! into the model ([`service_from_nest`], [`dest_from_nest`]).

pub(crate) mod attr;
mod cmd;
pub(crate) mod daemon;
pub(crate) mod dest;
pub(crate) mod message;
mod nla;
pub(crate) mod service;
pub(crate) mod stats;

#[cfg(all(test, target_endian = "little"))]
mod tests;

use netlink_packet_core::DecodeError;

use crate::model::AddressFamily;

pub(crate) use attr::{
    IpvsAttr, info_from_attrs, timeouts_attrs, timeouts_from_attrs,
};
pub(crate) use cmd::IpvsCmd;
pub(crate) use daemon::{DaemonAttr, daemon_attrs, daemon_from_attrs};
#[cfg(test)]
pub(crate) use dest::{DestAttr, dest_from_attrs};
pub(crate) use dest::{dest_attrs, dest_from_nest};
pub(crate) use message::{
    IPVS_GENL_VERSION, IpvsMessage, IpvsRequest, RawMessage,
};
#[cfg(test)]
pub(crate) use service::{ServiceAttr, service_from_attrs};
pub(crate) use service::{service_attrs, service_from_nest, service_key_attrs};
pub(crate) use stats::StatsNests;
#[cfg(test)]
pub(crate) use stats::{Stats64Attr, StatsAttr, stats64_attrs};

/// A required attribute the reply lacks.
fn missing(what: &str) -> DecodeError {
    DecodeError::from(format!("missing {what}"))
}

/// An address family number the model knows.
fn family(raw: u16) -> Result<AddressFamily, DecodeError> {
    AddressFamily::from_raw(raw).ok_or_else(|| {
        DecodeError::from(format!("unknown address family {raw}"))
    })
}
