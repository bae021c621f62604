//! A real server behind a virtual service (`struct ip_vs_dest_user` plus
//! the tunnel and counter fields of the netlink interface).

use std::net::IpAddr;

use super::Stats;

/// Packet-forwarding method (`IP_VS_CONN_F_*` & `IP_VS_CONN_F_FWD_MASK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardMethod {
    Masquerade,
    Local,
    Tunnel,
    Route,
    Other(u32),
}

impl ForwardMethod {
    pub fn from_raw(v: u32) -> Self {
        match v & 7 {
            0 => Self::Masquerade,
            1 => Self::Local,
            2 => Self::Tunnel,
            3 => Self::Route,
            o => Self::Other(o),
        }
    }

    pub fn raw(self) -> u32 {
        match self {
            Self::Masquerade => 0,
            Self::Local => 1,
            Self::Tunnel => 2,
            Self::Route => 3,
            Self::Other(o) => o,
        }
    }
}

/// Encapsulation used by a tunnelling destination
/// (`IP_VS_CONN_F_TUNNEL_TYPE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TunnelType {
    Ipip,
    Gue,
    Gre,
    Other(u8),
}

impl TunnelType {
    pub fn from_raw(v: u8) -> Self {
        match v {
            0 => Self::Ipip,
            1 => Self::Gue,
            2 => Self::Gre,
            o => Self::Other(o),
        }
    }

    pub fn raw(self) -> u8 {
        match self {
            Self::Ipip => 0,
            Self::Gue => 1,
            Self::Gre => 2,
            Self::Other(o) => o,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Ipip => "ipip",
            Self::Gue => "gue",
            Self::Gre => "gre",
            Self::Other(_) => "unknown",
        }
    }
}

/// Tunnel checksum flag bits (`IP_VS_TUNNEL_ENCAP_FLAG_*`).
pub(crate) const TUN_FLAG_CSUM: u16 = 1;
pub(crate) const TUN_FLAG_REMCSUM: u16 = 2;

/// A destination as configured and, when read from the kernel, with its
/// connection counts and statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub addr: IpAddr,
    pub port: u16,
    pub forward: ForwardMethod,
    /// Signed in the kernel; the kernel rejects negative weights.
    pub weight: i32,
    pub u_threshold: u32,
    pub l_threshold: u32,
    pub tun_type: TunnelType,
    pub tun_port: u16,
    pub tun_flags: u16,
    pub active_conns: u32,
    pub inactive_conns: u32,
    pub persist_conns: u32,
    pub stats: Stats,
}

impl Destination {
    /// A destination with ipvsadm's defaults: direct routing, weight 1.
    pub fn new(addr: IpAddr, port: u16) -> Self {
        Destination {
            addr,
            port,
            forward: ForwardMethod::Route,
            weight: 1,
            u_threshold: 0,
            l_threshold: 0,
            tun_type: TunnelType::Ipip,
            tun_port: 0,
            tun_flags: 0,
            active_conns: 0,
            inactive_conns: 0,
            persist_conns: 0,
            stats: Stats::default(),
        }
    }
}
