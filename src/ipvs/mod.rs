//! The IPVS generic-netlink protocol (`include/uapi/linux/ip_vs.h`):
//! commands, the attribute spaces, the family message, and conversions to
//! and from the [`crate::model`]. Codec only; no socket code.

mod attr;
mod cmd;
mod convert;
mod daemon;
mod dest;
mod message;
mod nla;
mod request;
mod service;
mod stats;

#[cfg(all(test, target_endian = "little"))]
mod tests;

pub use attr::IpvsAttr;
pub use cmd::IpvsCmd;
pub use convert::{
    Counters, addr_from_raw, addr_to_raw, daemon_attrs, daemon_from_attrs,
    dest_attrs, dest_from_attrs, dest_from_nest, info_from_attrs,
    service_attrs, service_from_attrs, service_from_nest, service_key_attrs,
    timeouts_attrs, timeouts_from_attrs,
};
pub use daemon::DaemonAttr;
pub use dest::DestAttr;
pub use message::{IPVS_GENL_NAME, IPVS_GENL_VERSION, IpvsMessage, RawMessage};
pub use request::{
    DestsOf, IpvsRequest, append_dest_nest, append_service_nest, service_fits,
};
pub use service::ServiceAttr;
pub use stats::{
    Stats64Attr, StatsAttr, stats_from_attrs, stats64_attrs, stats64_from_attrs,
};
