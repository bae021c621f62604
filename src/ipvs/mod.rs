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

mod attr;
mod cmd;
mod daemon;
mod dest;
mod message;
mod nla;
mod service;
mod stats;

#[cfg(all(test, target_endian = "little"))]
mod tests;

use netlink_packet_core::DecodeError;

use crate::model::AddressFamily;

pub use attr::{
    IpvsAttr, info_from_attrs, timeouts_attrs, timeouts_from_attrs,
};
pub use cmd::IpvsCmd;
pub use daemon::{DaemonAttr, daemon_attrs, daemon_from_attrs};
pub use dest::{DestAttr, dest_attrs, dest_from_attrs, dest_from_nest};
pub use message::{
    IPVS_GENL_NAME, IPVS_GENL_VERSION, IpvsMessage, IpvsRequest, RawMessage,
};
pub use nla::{addr_from_raw, addr_to_raw};
pub use service::{
    ServiceAttr, service_attrs, service_from_attrs, service_from_nest,
    service_key_attrs,
};
pub use stats::{
    Stats64Attr, StatsAttr, StatsNests, stats_from_attrs, stats64_attrs,
    stats64_from_attrs,
};

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
