//! Connection-synchronisation daemons and protocol timeouts.

use std::net::IpAddr;

/// Which sync daemon (`IP_VS_STATE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaemonState {
    Master,
    Backup,
    Other(u32),
}

impl DaemonState {
    pub fn from_raw(v: u32) -> Self {
        match v {
            1 => Self::Master,
            2 => Self::Backup,
            o => Self::Other(o),
        }
    }

    pub fn raw(self) -> u32 {
        match self {
            Self::Master => 1,
            Self::Backup => 2,
            Self::Other(o) => o,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Master => "master",
            Self::Backup => "backup",
            Self::Other(_) => "unknown",
        }
    }
}

/// A sync daemon as started, stopped or reported.
/// Zero values mean "not set" for `maxlen`, `port` and `ttl`, as in the
/// kernel interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonConfig {
    pub state: DaemonState,
    /// The interface name: bytes, as the kernel and ipvsadm treat it.
    pub mcast_ifn: Vec<u8>,
    pub sync_id: u32,
    pub sync_maxlen: u16,
    pub mcast_group: Option<IpAddr>,
    pub mcast_port: u16,
    pub mcast_ttl: u8,
}

/// Protocol timeouts in seconds (`--set tcp tcpfin udp`); 0 leaves a value
/// unchanged when setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timeouts {
    pub tcp: u32,
    pub tcp_fin: u32,
    pub udp: u32,
}
