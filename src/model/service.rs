//! A virtual service (`struct ip_vs_service_user` and its netlink form):
//! its identity (protocol, address, port, or firewall mark) and options.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::Stats;

/// Address family of a service or destination (`AF_INET`, `AF_INET6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AddressFamily {
    Inet,
    Inet6,
}

impl AddressFamily {
    pub const AF_INET: u16 = 2;
    pub const AF_INET6: u16 = 10;

    pub fn from_raw(v: u16) -> Option<Self> {
        match v {
            Self::AF_INET => Some(Self::Inet),
            Self::AF_INET6 => Some(Self::Inet6),
            _ => None,
        }
    }

    pub fn raw(self) -> u16 {
        match self {
            Self::Inet => Self::AF_INET,
            Self::Inet6 => Self::AF_INET6,
        }
    }

    pub fn of(addr: &IpAddr) -> Self {
        match addr {
            IpAddr::V4(_) => Self::Inet,
            IpAddr::V6(_) => Self::Inet6,
        }
    }

    /// The all-zero address of this family.
    pub fn unspecified(self) -> IpAddr {
        match self {
            Self::Inet => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            Self::Inet6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        }
    }

    /// ipvsadm's default persistence netmask for this family:
    /// 255.255.255.255 for IPv4 (as the raw wire value), prefix 128 for IPv6.
    pub fn default_netmask(self) -> u32 {
        match self {
            Self::Inet => 0xffff_ffff,
            Self::Inet6 => 128,
        }
    }
}

/// Transport protocol of a non-fwmark service (`IPPROTO_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
    Other(u16),
}

impl Protocol {
    pub fn from_raw(v: u16) -> Self {
        match v {
            6 => Self::Tcp,
            17 => Self::Udp,
            132 => Self::Sctp,
            o => Self::Other(o),
        }
    }

    pub fn raw(self) -> u16 {
        match self {
            Self::Tcp => 6,
            Self::Udp => 17,
            Self::Sctp => 132,
            Self::Other(o) => o,
        }
    }

    /// Name used by the services database (`getservbyname`) and listings.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Sctp => "sctp",
            Self::Other(_) => "?",
        }
    }
}

/// What identifies a virtual service in the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServiceKey {
    /// `-t`, `-u`, `--sctp-service`: protocol, virtual address and port.
    Inet {
        protocol: Protocol,
        addr: IpAddr,
        port: u16,
    },
    /// `-f`: a firewall mark, with the family it applies to.
    Fwmark { family: AddressFamily, mark: u32 },
}

impl ServiceKey {
    pub fn family(&self) -> AddressFamily {
        match self {
            Self::Inet { addr, .. } => AddressFamily::of(addr),
            Self::Fwmark { family, .. } => *family,
        }
    }

    /// Virtual port; 0 for fwmark services.
    pub fn port(&self) -> u16 {
        match self {
            Self::Inet { port, .. } => *port,
            Self::Fwmark { .. } => 0,
        }
    }

    pub fn fwmark(&self) -> u32 {
        match self {
            Self::Inet { .. } => 0,
            Self::Fwmark { mark, .. } => *mark,
        }
    }

    /// Protocol number, 0 for fwmark services.
    pub fn protocol_raw(&self) -> u16 {
        match self {
            Self::Inet { protocol, .. } => protocol.raw(),
            Self::Fwmark { .. } => 0,
        }
    }
}

/// Service flag bits (`IP_VS_SVC_F_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct ServiceFlags(pub u32);

impl ServiceFlags {
    pub const PERSISTENT: u32 = 0x0001;
    pub const HASHED: u32 = 0x0002;
    pub const ONEPACKET: u32 = 0x0004;
    pub const SCHED1: u32 = 0x0008;
    pub const SCHED2: u32 = 0x0010;
    pub const SCHED3: u32 = 0x0020;
    pub const SCHED_MASK: u32 = Self::SCHED1 | Self::SCHED2 | Self::SCHED3;

    pub fn persistent(self) -> bool {
        self.0 & Self::PERSISTENT != 0
    }

    pub fn one_packet(self) -> bool {
        self.0 & Self::ONEPACKET != 0
    }

    pub fn sched_bits(self) -> u32 {
        self.0 & Self::SCHED_MASK
    }
}

/// A virtual service with its options and, when read from the kernel, its
/// statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub key: ServiceKey,
    pub scheduler: String,
    pub flags: ServiceFlags,
    /// Persistence timeout in seconds.
    pub timeout: u32,
    /// Persistence netmask, as the kernel interface carries it: for IPv4
    /// the mask's four bytes in network order read as a native `u32`
    /// (so `u32::from_ne_bytes(mask.octets())`); for IPv6 a prefix length.
    pub netmask: u32,
    pub pe_name: Option<String>,
    pub stats: Stats,
}

#[cfg(test)]
impl Service {
    /// A TCP service with ipvsadm's defaults, for tests.
    pub fn tcp(addr: &str, port: u16) -> Service {
        Service::new(ServiceKey::Inet {
            protocol: Protocol::Tcp,
            addr: addr.parse().expect("test address"),
            port,
        })
    }
}

impl Service {
    /// A service with ipvsadm's defaults: `wlc`, not persistent, the
    /// family's full netmask.
    pub fn new(key: ServiceKey) -> Self {
        Service::with_scheduler(key, "wlc".to_string())
    }

    /// A service with ipvsadm's defaults but `scheduler` (which may be
    /// empty, as in the service of an `-a` line).
    pub fn with_scheduler(key: ServiceKey, scheduler: String) -> Self {
        Service {
            key,
            scheduler,
            flags: ServiceFlags::default(),
            timeout: 0,
            netmask: key.family().default_netmask(),
            pe_name: None,
            stats: Stats::default(),
        }
    }

    /// The IPv4 persistence mask as an address (meaningful for IPv4 only).
    pub fn netmask_v4(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.netmask.to_ne_bytes())
    }
}
