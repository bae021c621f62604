//! The domain model of an IPVS table: virtual services, their real servers
//! (destinations), counters, timeouts and sync daemons, in typed form and
//! independent of both the wire protocol and the command line.

mod daemon;
mod destination;
pub(crate) mod service;
pub(crate) mod stats;

pub(crate) use daemon::{DaemonConfig, DaemonState, Timeouts};
pub(crate) use destination::{
    Destination, ForwardMethod, TUN_FLAG_CSUM, TUN_FLAG_REMCSUM, TunnelType,
};
pub(crate) use service::{
    AddressFamily, Protocol, Service, ServiceFlags, ServiceKey,
};
pub(crate) use stats::Stats;

/// What the kernel reports from `IPVS_CMD_GET_INFO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Info {
    /// IPVS version code, e.g. 0x010201 for 1.2.1.
    pub version: u32,
    /// Size of the connection hash table.
    pub conn_tab_size: u32,
}

impl Info {
    /// The version as its three dotted components.
    pub fn version_parts(&self) -> (u32, u32, u32) {
        (
            (self.version >> 16) & 0xff,
            (self.version >> 8) & 0xff,
            self.version & 0xff,
        )
    }
}
