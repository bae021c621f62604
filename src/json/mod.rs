//! The JSON documents of `-L --format json` and `--apply`, as serde types
//! in the shape of `schema/ipvsadm-list.schema.json`, with their
//! conversions from and to the model.
//!
//! One set of types serves both directions. The listing fills every
//! member; a desired table for `--apply` may leave out what has a default
//! (members are `Option`s), may carry the listing-only members (counters,
//! connection numbers, the `ipvs` header), and may hold nothing else:
//! every object refuses unknown and repeated keys.

#[cfg(test)]
mod tests;

use std::net::{IpAddr, Ipv4Addr};

use serde::{Deserialize, Serialize};

use crate::model::{
    AddressFamily, DaemonConfig, Destination, ForwardMethod, Info, Protocol,
    Service, ServiceFlags, ServiceKey, Stats, Timeouts, TunnelType,
};

/// The services view: `{"ipvs": ..., "services": [...]}`. The listing
/// writes it piece by piece (`render::json::ServicesWriter`); `--apply`
/// reads it whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServicesDocument {
    pub ipvs: Option<IpvsJson>,
    pub services: Vec<ServiceJson>,
}

/// The `ipvs` header of the services view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IpvsJson {
    pub version: String,
    pub conn_tab_size: u32,
}

impl IpvsJson {
    pub(crate) fn from_model(info: &Info) -> Self {
        let (a, b, c) = info.version_parts();
        IpvsJson {
            version: format!("{a}.{b}.{c}"),
            conn_tab_size: info.conn_tab_size,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FamilyJson {
    Inet,
    Inet6,
}

impl FamilyJson {
    fn of(family: AddressFamily) -> Self {
        match family {
            AddressFamily::Inet => FamilyJson::Inet,
            AddressFamily::Inet6 => FamilyJson::Inet6,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ProtocolJson {
    Tcp,
    Udp,
    Sctp,
}

/// A scheduler flag by the name ipvsadm's `-b` takes for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum SchedFlagJson {
    #[serde(rename = "sh-fallback")]
    ShFallback,
    #[serde(rename = "sh-port")]
    ShPort,
    #[serde(rename = "mh-fallback")]
    MhFallback,
    #[serde(rename = "mh-port")]
    MhPort,
    #[serde(rename = "flag-1")]
    Flag1,
    #[serde(rename = "flag-2")]
    Flag2,
    #[serde(rename = "flag-3")]
    Flag3,
}

impl SchedFlagJson {
    fn bit(self) -> u32 {
        match self {
            Self::ShFallback | Self::MhFallback | Self::Flag1 => {
                ServiceFlags::SCHED1
            }
            Self::ShPort | Self::MhPort | Self::Flag2 => ServiceFlags::SCHED2,
            Self::Flag3 => ServiceFlags::SCHED3,
        }
    }

    /// The names of the scheduler bits set in `flags`, as ipvsadm spells
    /// them for `scheduler`.
    fn names(scheduler: &str, flags: ServiceFlags) -> Vec<SchedFlagJson> {
        let names = match scheduler {
            "sh" => [Self::ShFallback, Self::ShPort, Self::Flag3],
            "mh" => [Self::MhFallback, Self::MhPort, Self::Flag3],
            _ => [Self::Flag1, Self::Flag2, Self::Flag3],
        };
        names
            .into_iter()
            .filter(|name| flags.0 & name.bit() != 0)
            .collect()
    }
}

/// One virtual service with its real servers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceJson {
    pub family: Option<FamilyJson>,
    /// `null` for a fwmark service (and a protocol without a name).
    pub protocol: Option<ProtocolJson>,
    pub address: Option<IpAddr>,
    pub port: Option<u16>,
    pub fwmark: Option<u32>,
    pub scheduler: Option<String>,
    /// All flag bits; when given, `persistent`, `one_packet` and
    /// `sched_flags` are not read.
    pub flags: Option<u32>,
    pub sched_flags: Option<Vec<SchedFlagJson>>,
    pub persistent: Option<bool>,
    pub timeout: Option<u32>,
    /// The persistence netmask as `-M` takes it: a dotted quad for IPv4
    /// (any mask the kernel holds, contiguous or not), a prefix length in
    /// decimal for IPv6.
    pub netmask: Option<String>,
    pub pe: Option<String>,
    pub one_packet: Option<bool>,
    pub stats: Option<StatsJson>,
    #[serde(default)]
    pub destinations: Vec<DestinationJson>,
    /// `--watch` only: how the real servers are checked (each may have
    /// its own). Never written by a listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckJson>,
    /// `--watch` only: a failed real server gets weight 0 instead of
    /// being removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiescent: Option<bool>,
    /// `--watch` only: the server put in while no real server is healthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<DestinationJson>,
    /// `--watch` only: remove the service when the supervisor stops
    /// (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleanstop: Option<bool>,
}

/// How `--watch` checks a real server (`crate::health::CheckSpec`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckJson {
    /// `connect`, `http`, `https`, `simpletcp`, `external`, `on`, `off`.
    #[serde(rename = "type")]
    pub kind: CheckTypeJson,
    /// The port probed (default: the real server's).
    pub port: Option<u16>,
    /// HTTP path, or the bytes sent by `simpletcp`.
    pub request: Option<String>,
    /// A regular expression the answer must match.
    pub receive: Option<String>,
    /// `GET` (default) or `HEAD`.
    pub method: Option<HttpMethodJson>,
    /// The HTTP Host header.
    pub host: Option<String>,
    /// `external`: the program, run with the virtual address and port and
    /// the real address and port as arguments.
    pub command: Option<String>,
    /// With `http`, `https` or `simpletcp`: connect checks between two
    /// negotiations (ldirectord's `checktype=N`).
    pub connects: Option<u32>,
    /// Seconds between checks (default 10; the loop uses the shortest).
    pub interval: Option<u64>,
    /// Seconds a connect may take (default 5).
    pub connect_timeout: Option<u64>,
    /// Seconds a whole negotiation may take (default 30).
    pub negotiate_timeout: Option<u64>,
    /// Failures in a row that take a server down (default 1).
    pub failures: Option<u32>,
}

/// The kinds of [`CheckJson`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CheckTypeJson {
    Connect,
    Http,
    Https,
    Simpletcp,
    External,
    On,
    Off,
}

/// `CheckJson::method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum HttpMethodJson {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "HEAD")]
    Head,
}

impl ServiceJson {
    /// The first member only `--watch` reads that this service (or one of
    /// its real servers) has.
    pub(crate) fn watch_member(&self) -> Option<&'static str> {
        if self.check.is_some()
            || self.destinations.iter().any(|d| d.check.is_some())
        {
            Some("check")
        } else if self.quiescent.is_some() {
            Some("quiescent")
        } else if self.fallback.is_some() {
            Some("fallback")
        } else if self.cleanstop.is_some() {
            Some("cleanstop")
        } else {
            None
        }
    }

    pub(crate) fn from_model(svc: &Service, dests: &[Destination]) -> Self {
        let (protocol, address, port, fwmark) = match svc.key {
            ServiceKey::Inet {
                protocol,
                addr,
                port,
            } => {
                let name = match protocol {
                    Protocol::Tcp => Some(ProtocolJson::Tcp),
                    Protocol::Udp => Some(ProtocolJson::Udp),
                    Protocol::Sctp => Some(ProtocolJson::Sctp),
                    Protocol::Other(_) => None,
                };
                (name, Some(addr), Some(port), None)
            }
            ServiceKey::Fwmark { mark, .. } => (None, None, None, Some(mark)),
        };
        let family = svc.key.family();
        let netmask = match family {
            AddressFamily::Inet => svc.netmask_v4().to_string(),
            AddressFamily::Inet6 => svc.netmask.to_string(),
        };
        ServiceJson {
            family: Some(FamilyJson::of(family)),
            protocol,
            address,
            port,
            fwmark,
            scheduler: Some(svc.scheduler.clone()),
            flags: Some(svc.flags.0),
            sched_flags: Some(SchedFlagJson::names(&svc.scheduler, svc.flags)),
            persistent: Some(svc.flags.persistent()),
            timeout: Some(svc.timeout),
            netmask: Some(netmask),
            pe: svc.pe_name.clone(),
            one_packet: Some(svc.flags.one_packet()),
            stats: Some(StatsJson::from_model(&svc.stats)),
            destinations: dests
                .iter()
                .map(DestinationJson::from_model)
                .collect(),
            check: None,
            quiescent: None,
            fallback: None,
            cleanstop: None,
        }
    }

    /// The service this describes, with ipvsadm's defaults for what is
    /// left out; the message says what is wrong.
    pub(crate) fn service(&self) -> Result<Service, String> {
        let key = match self.fwmark {
            Some(0) => return Err("fwmark out of range".to_string()),
            Some(mark) => ServiceKey::Fwmark {
                family: match self.family {
                    None | Some(FamilyJson::Inet) => AddressFamily::Inet,
                    Some(FamilyJson::Inet6) => AddressFamily::Inet6,
                },
                mark,
            },
            None => ServiceKey::Inet {
                protocol: match self.protocol {
                    Some(ProtocolJson::Tcp) => Protocol::Tcp,
                    Some(ProtocolJson::Udp) => Protocol::Udp,
                    Some(ProtocolJson::Sctp) => Protocol::Sctp,
                    None => return Err(missing("protocol")),
                },
                addr: self.address.ok_or_else(|| missing("address"))?,
                port: self.port.ok_or_else(|| missing("port"))?,
            },
        };
        let mut svc = Service::new(key);
        if let Some(s) = &self.scheduler {
            svc.scheduler.clone_from(s);
        }
        let flags = match self.flags {
            Some(f) => f,
            None => self.flags_from_names(),
        };
        svc.flags = ServiceFlags(flags & !ServiceFlags::HASHED);
        svc.timeout = self.timeout.unwrap_or(0);
        if let Some(mask) = &self.netmask {
            svc.netmask = read_netmask(key.family(), mask)
                .ok_or_else(|| format!("bad netmask {mask:?}"))?;
        }
        svc.pe_name = self.pe.clone().filter(|p| !p.is_empty());
        Ok(svc)
    }

    /// Flags from `persistent`, `one_packet` and `sched_flags`.
    fn flags_from_names(&self) -> u32 {
        let mut flags = 0;
        if self.persistent == Some(true) {
            flags |= ServiceFlags::PERSISTENT;
        }
        if self.one_packet == Some(true) {
            flags |= ServiceFlags::ONEPACKET;
        }
        for name in self.sched_flags.iter().flatten() {
            flags |= name.bit();
        }
        flags
    }
}

fn missing(key: &str) -> String {
    format!("missing \"{key}\"")
}

/// A netmask in the spelling of [`ServiceJson::netmask`], as the model
/// holds it.
fn read_netmask(family: AddressFamily, text: &str) -> Option<u32> {
    match family {
        AddressFamily::Inet => {
            let mask: Ipv4Addr = text.parse().ok()?;
            Some(u32::from_ne_bytes(mask.octets()))
        }
        AddressFamily::Inet6 => {
            let digits =
                !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            let prefix: u32 = text.parse().ok().filter(|_| digits)?;
            (1..=128).contains(&prefix).then_some(prefix)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ForwardJson {
    Masq,
    Local,
    Tunnel,
    Route,
    /// A method this program has no name for; never accepted as input.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TunnelTypeJson {
    Ipip,
    Gue,
    Gre,
    /// A type this program has no name for; never accepted as input.
    Unknown,
}

/// One real server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DestinationJson {
    pub family: Option<FamilyJson>,
    pub address: IpAddr,
    pub port: u16,
    pub forward: Option<ForwardJson>,
    pub weight: Option<i32>,
    pub u_threshold: Option<u32>,
    pub l_threshold: Option<u32>,
    pub active_conns: Option<u32>,
    pub inactive_conns: Option<u32>,
    pub persist_conns: Option<u32>,
    /// `null` unless the method is tunnelling.
    pub tunnel: Option<TunnelJson>,
    pub stats: Option<StatsJson>,
    /// `--watch` only: this server's check, instead of its service's.
    /// Never written by a listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckJson>,
}

/// The tunnel of a real server reached by tunnelling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TunnelJson {
    #[serde(rename = "type")]
    pub kind: Option<TunnelTypeJson>,
    pub port: Option<u16>,
    pub csum: Option<bool>,
    pub remcsum: Option<bool>,
}

const TUN_CSUM: u16 = 1;
const TUN_REMCSUM: u16 = 2;

impl DestinationJson {
    pub(crate) fn from_model(d: &Destination) -> Self {
        let forward = match d.forward {
            ForwardMethod::Masquerade => ForwardJson::Masq,
            ForwardMethod::Local => ForwardJson::Local,
            ForwardMethod::Tunnel => ForwardJson::Tunnel,
            ForwardMethod::Route => ForwardJson::Route,
            ForwardMethod::Other(_) => ForwardJson::Other,
        };
        let tunnel =
            (d.forward == ForwardMethod::Tunnel).then_some(TunnelJson {
                kind: Some(match d.tun_type {
                    TunnelType::Ipip => TunnelTypeJson::Ipip,
                    TunnelType::Gue => TunnelTypeJson::Gue,
                    TunnelType::Gre => TunnelTypeJson::Gre,
                    TunnelType::Other(_) => TunnelTypeJson::Unknown,
                }),
                port: Some(d.tun_port),
                csum: Some(d.tun_flags & TUN_CSUM != 0),
                remcsum: Some(d.tun_flags & TUN_REMCSUM != 0),
            });
        DestinationJson {
            family: Some(FamilyJson::of(AddressFamily::of(&d.addr))),
            address: d.addr,
            port: d.port,
            forward: Some(forward),
            weight: Some(d.weight),
            u_threshold: Some(d.u_threshold),
            l_threshold: Some(d.l_threshold),
            active_conns: Some(d.active_conns),
            inactive_conns: Some(d.inactive_conns),
            persist_conns: Some(d.persist_conns),
            tunnel,
            stats: Some(StatsJson::from_model(&d.stats)),
            check: None,
        }
    }

    /// The real server this describes, with ipvsadm's defaults (direct
    /// routing, weight 1) for what is left out.
    pub(crate) fn destination(&self) -> Result<Destination, String> {
        let mut d = Destination::new(self.address, self.port);
        d.forward = match self.forward {
            None | Some(ForwardJson::Route) => ForwardMethod::Route,
            Some(ForwardJson::Masq) => ForwardMethod::Masquerade,
            Some(ForwardJson::Local) => ForwardMethod::Local,
            Some(ForwardJson::Tunnel) => ForwardMethod::Tunnel,
            Some(ForwardJson::Other) => {
                return Err("unknown forward method \"other\"".to_string());
            }
        };
        if let Some(w) = self.weight {
            if w < 0 {
                return Err("weight out of range".to_string());
            }
            d.weight = w;
        }
        d.u_threshold = self.u_threshold.unwrap_or(0);
        d.l_threshold = self.l_threshold.unwrap_or(0);
        if let Some(t) = &self.tunnel {
            d.tun_type = match t.kind {
                None | Some(TunnelTypeJson::Ipip) => TunnelType::Ipip,
                Some(TunnelTypeJson::Gue) => TunnelType::Gue,
                Some(TunnelTypeJson::Gre) => TunnelType::Gre,
                Some(TunnelTypeJson::Unknown) => {
                    return Err("unknown tunnel type \"unknown\"".to_string());
                }
            };
            d.tun_port = t.port.unwrap_or(0);
            let bit = |on: Option<bool>, bit: u16| match on {
                Some(true) => bit,
                _ => 0,
            };
            d.tun_flags = bit(t.csum, TUN_CSUM) | bit(t.remcsum, TUN_REMCSUM);
        }
        Ok(d)
    }
}

/// The raw counters of a service or real server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatsJson {
    pub conns: u64,
    pub inpkts: u64,
    pub outpkts: u64,
    pub inbytes: u64,
    pub outbytes: u64,
    pub cps: u64,
    pub inpps: u64,
    pub outpps: u64,
    pub inbps: u64,
    pub outbps: u64,
}

impl StatsJson {
    pub(crate) fn from_model(s: &Stats) -> Self {
        StatsJson {
            conns: s.conns,
            inpkts: s.inpkts,
            outpkts: s.outpkts,
            inbytes: s.inbytes,
            outbytes: s.outbytes,
            cps: s.cps,
            inpps: s.inpps,
            outpps: s.outpps,
            inbps: s.inbps,
            outbps: s.outbps,
        }
    }
}

/// The timeouts view: `{"timeouts": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TimeoutsDocument {
    pub timeouts: TimeoutsJson,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TimeoutsJson {
    pub tcp: u32,
    pub tcp_fin: u32,
    pub udp: u32,
}

impl TimeoutsDocument {
    pub(crate) fn from_model(t: &Timeouts) -> Self {
        TimeoutsDocument {
            timeouts: TimeoutsJson {
                tcp: t.tcp,
                tcp_fin: t.tcp_fin,
                udp: t.udp,
            },
        }
    }
}

/// The daemons view: `{"daemons": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DaemonsDocument {
    pub daemons: Vec<DaemonJson>,
}

/// One synchronisation daemon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DaemonJson {
    pub state: String,
    /// JSON is text: bytes of the name that are not UTF-8 show as U+FFFD.
    pub mcast_interface: String,
    pub syncid: u32,
    pub sync_maxlen: u16,
    pub mcast_group: Option<IpAddr>,
    pub mcast_port: u16,
    pub mcast_ttl: u8,
}

impl DaemonJson {
    pub(crate) fn from_model(d: &DaemonConfig) -> Self {
        DaemonJson {
            state: d.state.name().to_string(),
            mcast_interface: String::from_utf8_lossy(&d.mcast_ifn).into_owned(),
            syncid: d.sync_id,
            sync_maxlen: d.sync_maxlen,
            mcast_group: d.mcast_group,
            mcast_port: d.mcast_port,
            mcast_ttl: d.mcast_ttl,
        }
    }
}

/// The connections view: `{"connections": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConnectionsDocument {
    pub connections: Vec<ConnectionJson>,
}

/// One entry of the kernel's connection table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConnectionJson {
    pub protocol: String,
    pub client: EndpointJson,
    #[serde(rename = "virtual")]
    pub virtual_: EndpointJson,
    pub destination: EndpointJson,
    pub state: String,
    pub expires: u64,
    pub pe_name: Option<String>,
    pub pe_data: Option<String>,
}

/// An address and port of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndpointJson {
    pub address: IpAddr,
    pub port: u16,
}

impl EndpointJson {
    pub(crate) fn new((address, port): (IpAddr, u16)) -> Self {
        EndpointJson { address, port }
    }
}
