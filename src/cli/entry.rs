//! The command entry being filled while the command line is scanned
//! (ipvsadm's `struct ipvs_command_entry` plus its option and format
//! bits), and how each option changes it. Values are validated as they
//! are seen, so the first bad value in argv order is the one reported.

use std::net::{IpAddr, Ipv4Addr};

use super::address::{self, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP};
use super::extensions::Extras;
use super::options::{CommandKind, Opt, OptSpec, TrackedOption};
use super::value;
use crate::Error;
use crate::error::Text;
use crate::model::{
    DaemonState, ServiceFlags, TUN_FLAG_CSUM, TUN_FLAG_REMCSUM,
};
use crate::resolver;

pub(super) const AF_UNSPEC: u16 = 0;
pub(super) const AF_INET: u16 = 2;
pub(super) const AF_INET6: u16 = 10;

/// Longest persistence or protocol timeout: 31 days.
pub(super) const MAX_TIMEOUT: i64 = 86400 * 31;
/// Persistence timeout of a bare `-p`.
pub(super) const DEFAULT_PERSISTENCE: u32 = 360;

/// `IP_VS_CONN_F_*` forwarding methods.
pub(super) const CONN_F_MASQ: u32 = 0;
pub(super) const CONN_F_TUNNEL: u32 = 2;
pub(super) const CONN_F_DROUTE: u32 = 3;

/// The virtual service as typed so far (`ipvs_service_t`).
#[derive(Debug, Clone)]
pub(super) struct SvcEntry {
    pub af: u16,
    pub protocol: u16,
    pub addr: IpAddr,
    pub port: u16,
    pub fwmark: u32,
    pub sched_name: CharArray<15>,
    pub flags: u32,
    pub timeout: u32,
    pub netmask: u32,
    pub pe_name: CharArray<16>,
}

/// The real server as typed so far (`ipvs_dest_t`).
#[derive(Debug, Clone)]
pub(super) struct DestEntry {
    pub af: u16,
    pub addr: IpAddr,
    pub port: u16,
    pub conn_flags: u32,
    pub weight: i32,
    pub u_threshold: u32,
    pub l_threshold: u32,
    pub tun_type: u8,
    pub tun_port: u16,
    pub tun_flags: u16,
}

/// The sync daemon as typed so far (`ipvs_daemon_t`).
#[derive(Debug, Clone)]
pub(super) struct DaemonEntry {
    pub state: DaemonState,
    pub mcast_ifn: CharArray<15>,
    pub syncid: u32,
    pub sync_maxlen: u16,
    pub mcast_group: Option<IpAddr>,
    pub mcast_port: u16,
    pub mcast_ttl: u8,
}

/// Everything one command line sets.
#[derive(Debug, Clone)]
pub(super) struct CommandEntry {
    pub cmd: CommandKind,
    pub svc: SvcEntry,
    pub dest: DestEntry,
    pub daemon: DaemonEntry,
    /// Bits of the tracked options given ([`TrackedOption::bit`]).
    pub given: u64,
    /// The raw `-b` value, applied after the scan.
    pub sched_flags_arg: CharArray<127>,
    /// The options ipvsadm does not have.
    pub extras: Extras,
}

impl CommandEntry {
    /// ipvsadm's initial entry: weight 1, direct routing, netmask /32.
    pub(super) fn new(cmd: CommandKind) -> Self {
        let zero = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        CommandEntry {
            cmd,
            svc: SvcEntry {
                af: AF_UNSPEC,
                protocol: 0,
                addr: zero,
                port: 0,
                fwmark: 0,
                sched_name: CharArray::default(),
                flags: 0,
                timeout: 0,
                netmask: 0xffff_ffff,
                pe_name: CharArray::default(),
            },
            dest: DestEntry {
                af: AF_UNSPEC,
                addr: zero,
                port: 0,
                conn_flags: CONN_F_DROUTE,
                weight: 1,
                u_threshold: 0,
                l_threshold: 0,
                tun_type: 0,
                tun_port: 0,
                tun_flags: 0,
            },
            daemon: DaemonEntry {
                state: DaemonState::Other(0),
                mcast_ifn: CharArray::default(),
                syncid: 0,
                sync_maxlen: 0,
                mcast_group: None,
                mcast_port: 0,
                mcast_ttl: 0,
            },
            given: 0,
            sched_flags_arg: CharArray::default(),
            extras: Extras::default(),
        }
    }

    /// Whether a tracked option was given.
    pub(super) fn has(&self, col: TrackedOption) -> bool {
        self.given & col.bit() != 0
    }

    /// ipvsadm's `set_option`: each tracked option at most once.
    fn mark(&mut self, col: TrackedOption) -> Result<(), Error> {
        if self.has(col) {
            return Err(invalid(format!(
                "multiple '{}' options specified",
                col.name()
            )));
        }
        self.given |= col.bit();
        Ok(())
    }

    /// Applies one option (not a command) with its value.
    pub(super) fn apply(
        &mut self,
        spec: &OptSpec,
        value: Option<&[u8]>,
    ) -> Result<(), Error> {
        if let Some(col) = spec.column {
            self.mark(col)?;
        }
        let text = value.unwrap_or(b"");
        match spec.opt {
            Opt::TcpService => self.service(text, IPPROTO_TCP)?,
            Opt::UdpService => self.service(text, IPPROTO_UDP)?,
            Opt::SctpService => self.service(text, IPPROTO_SCTP)?,
            Opt::FwmarkService => {
                self.svc.af = AF_INET;
                self.svc.protocol = IPPROTO_TCP;
                self.svc.fwmark = value::fwmark(text).ok_or_else(|| {
                    invalid(Text::join(&[
                        b"invalid fwmark value `",
                        text,
                        b"' specified",
                    ]))
                })?;
            }
            Opt::Scheduler => self.svc.sched_name = CharArray::new(text),
            Opt::Persistent => {
                self.svc.flags |= ServiceFlags::PERSISTENT;
                self.svc.timeout = match value {
                    None => DEFAULT_PERSISTENCE,
                    Some(t) => timeout(t, 1)?,
                };
            }
            Opt::Netmask => self.netmask(text)?,
            Opt::RealServer => self.real_server(text)?,
            Opt::Masquerading => self.dest.conn_flags = CONN_F_MASQ,
            Opt::Ipip => self.dest.conn_flags = CONN_F_TUNNEL,
            Opt::Gatewaying => self.dest.conn_flags = CONN_F_DROUTE,
            Opt::Weight => {
                self.dest.weight =
                    ranged(text, 0, i64::from(i32::MAX), "illegal weight")?;
            }
            Opt::UThreshold => {
                self.dest.u_threshold = ranged(
                    text,
                    0,
                    i64::from(i32::MAX),
                    "illegal u_threshold",
                )?;
            }
            Opt::LThreshold => {
                self.dest.l_threshold = ranged(
                    text,
                    0,
                    i64::from(i32::MAX),
                    "illegal l_threshold",
                )?;
            }
            Opt::McastInterface => {
                self.daemon.mcast_ifn = CharArray::new(text);
            }
            Opt::Syncid => {
                self.daemon.syncid = ranged(text, 0, 255, "illegal syncid")?;
            }
            Opt::Ipv6 => {
                // ipvsadm 1.31 says "-6 used before -f"; upstream reworded
                // it in 2025 (Debian bug #610596), with the same extra
                // newline.
                if self.svc.fwmark == 0 {
                    return Err(invalid("-6 must follow -f\n"));
                }
                self.svc.af = AF_INET6;
                self.svc.netmask = 128;
            }
            Opt::Ops => self.svc.flags |= ServiceFlags::ONEPACKET,
            Opt::Pe => self.svc.pe_name = CharArray::new(text),
            Opt::SchedFlags => self.sched_flags_arg = CharArray::new(text),
            Opt::McastGroup => self.mcast_group(text)?,
            Opt::McastPort => {
                self.daemon.mcast_port =
                    ranged(text, 1, 65535, "illegal mcast-port")?;
            }
            Opt::McastTtl => {
                self.daemon.mcast_ttl =
                    ranged(text, 1, 255, "illegal mcast-ttl")?;
            }
            Opt::SyncMaxlen => {
                self.daemon.sync_maxlen =
                    ranged(text, 1, 65535 - 20 - 8, "illegal sync-maxlen")?;
            }
            Opt::TunType => {
                self.dest.tun_type = match text {
                    b"ipip" => 0,
                    b"gue" => 1,
                    b"gre" => 2,
                    _ => return Err(invalid("illegal tunnel type specified")),
                };
            }
            Opt::TunPort => {
                self.dest.tun_port =
                    ranged(text, 1, 65535, "illegal tunnel port")?;
            }
            Opt::TunCsum => self.dest.tun_flags |= TUN_FLAG_CSUM,
            Opt::TunRemcsum => self.dest.tun_flags |= TUN_FLAG_REMCSUM,
            // Options that only set their bit (or nothing, for --sort and
            // the no-checksum flag, whose value is 0).
            Opt::Numeric
            | Opt::Connection
            | Opt::Timeout
            | Opt::Daemon
            | Opt::Stats
            | Opt::Rate
            | Opt::Thresholds
            | Opt::PersistentConn
            | Opt::Nosort
            | Opt::Sort
            | Opt::Exact
            | Opt::TunInfo
            | Opt::TunNocsum => {}
            Opt::Format
            | Opt::Netns
            | Opt::DryRun
            | Opt::Atomic
            | Opt::AllNetns
            | Opt::Interval
            | Opt::Watch
            | Opt::Metrics => {
                self.extras.take(spec.opt, text)?;
            }
            // Commands are handled by the caller.
            Opt::Command(_) | Opt::Help | Opt::Version => {}
        }
        Ok(())
    }

    /// `-t`, `-u`, `--sctp-service`.
    fn service(&mut self, text: &[u8], protocol: u16) -> Result<(), Error> {
        self.svc.protocol = protocol;
        let ep = address::parse_endpoint(text, protocol).ok_or_else(|| {
            invalid("illegal virtual server address[:port] specified")
        })?;
        self.svc.addr = ep.addr;
        match ep.addr {
            IpAddr::V6(_) => {
                self.svc.af = AF_INET6;
                self.svc.netmask = 128;
            }
            IpAddr::V4(_) => self.svc.af = AF_INET,
        }
        if let Some(port) = ep.port {
            self.svc.port = port;
        }
        Ok(())
    }

    /// `-r`: the port defaults to the virtual port known at this moment.
    fn real_server(&mut self, text: &[u8]) -> Result<(), Error> {
        let ep = address::parse_endpoint(text, self.svc.protocol).ok_or_else(
            || invalid("illegal real server address[:port] specified"),
        )?;
        self.dest.af = match ep.addr {
            IpAddr::V4(_) => AF_INET,
            IpAddr::V6(_) => AF_INET6,
        };
        self.dest.addr = ep.addr;
        self.dest.port = ep.port.unwrap_or(self.svc.port);
        Ok(())
    }

    /// `-M`: parsed for the family known at this moment.
    fn netmask(&mut self, text: &[u8]) -> Result<(), Error> {
        if self.svc.af != AF_INET6 {
            let mask = value::inet_aton(text)
                .or_else(|| resolver::host_to_ipv4(text))
                .ok_or_else(|| {
                    invalid("illegal virtual server persistent mask specified")
                })?;
            self.svc.netmask = u32::from_ne_bytes(mask.octets());
        } else {
            let prefix = value::atoi(text) as u32;
            if !(1..=128).contains(&prefix) {
                return Err(invalid("illegal ipv6 netmask specified"));
            }
            self.svc.netmask = prefix;
        }
        Ok(())
    }

    /// `--mcast-group`: a multicast address, IPv6 when it has a colon.
    fn mcast_group(&mut self, text: &[u8]) -> Result<(), Error> {
        let group = if text.contains(&b':') {
            resolver::parse_ipv6(text)
                .filter(|a| a.is_multicast())
                .map(IpAddr::V6)
                .ok_or_else(|| {
                    invalid(Text::join(&[
                        b"invalid IPv6 mcast-group `",
                        text,
                        b"'",
                    ]))
                })?
        } else {
            resolver::parse_ipv4_strict(text)
                .filter(|a| a.is_multicast())
                .map(IpAddr::V4)
                .ok_or_else(|| {
                    invalid(Text::join(&[
                        b"invalid IPv4 mcast-group `",
                        text,
                        b"'",
                    ]))
                })?
        };
        self.daemon.mcast_group = Some(group);
        Ok(())
    }
}

/// A validation error (exit status 2).
pub(super) fn invalid(message: impl Into<Text>) -> Error {
    Error::Invalid(message.into())
}

/// ipvsadm's `parse_timeout`: `min..=31 days`.
pub(super) fn timeout(text: &[u8], min: i64) -> Result<u32, Error> {
    value::number_in(text, min, MAX_TIMEOUT)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            invalid(Text::join(&[
                b"invalid timeout value `",
                text,
                b"' specified",
            ]))
        })
}

/// A number in range, or `<what> specified`.
fn ranged<T: TryFrom<i64>>(
    text: &[u8],
    min: i64,
    max: i64,
    what: &str,
) -> Result<T, Error> {
    value::number_in(text, min, max)
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| invalid(format!("{what} specified")))
}

/// A C `char` array filled by `strncpy`: at most `N` bytes of the text
/// (a character may be cut in two), held in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CharArray<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> CharArray<N> {
    pub(super) fn new(text: &[u8]) -> Self {
        let len = text.len().min(N);
        let mut bytes = [0; N];
        bytes[..len].copy_from_slice(&text[..len]);
        CharArray { bytes, len }
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> Default for CharArray<N> {
    fn default() -> Self {
        CharArray::new(b"")
    }
}

/// ipvsadm's `parse_sched_flags`: comma-separated words (empty words
/// skipped), checked against the final scheduler (default `wlc`).
pub(super) fn parse_sched_flags(
    sched: &[u8],
    arg: &[u8],
) -> Result<u32, Error> {
    let sched: &[u8] = if sched.is_empty() { b"wlc" } else { sched };
    let mut flags = 0;
    for word in arg.split(|&b| b == b',').filter(|w| !w.is_empty()) {
        let (bit, needs): (u32, Option<&[u8]>) = match word {
            b"flag-1" => (ServiceFlags::SCHED1, None),
            b"flag-2" => (ServiceFlags::SCHED2, None),
            b"flag-3" => (ServiceFlags::SCHED3, None),
            b"sh-fallback" => (ServiceFlags::SCHED1, Some(b"sh")),
            b"sh-port" => (ServiceFlags::SCHED2, Some(b"sh")),
            b"mh-fallback" => (ServiceFlags::SCHED1, Some(b"mh")),
            b"mh-port" => (ServiceFlags::SCHED2, Some(b"mh")),
            _ => {
                return Err(invalid(Text::join(&[
                    b"invalid scheduler flag `",
                    word,
                    b"'",
                ])));
            }
        };
        flags |= bit;
        if needs.is_some_and(|s| s != sched) {
            return Err(invalid(Text::join(&[
                b"incompatible scheduler flag `",
                word,
                b"'",
            ])));
        }
    }
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_arrays_respect_limits() {
        let cut = CharArray::<15>::new(b"abcdefghijklmnopqrstuvwxyz");
        assert_eq!(cut.as_bytes(), b"abcdefghijklmno");
        assert_eq!(CharArray::<15>::new(b"rr").as_bytes(), b"rr");
        assert!(CharArray::<15>::new(b"").is_empty());
        // strncpy counts bytes: a character may be cut in two.
        assert_eq!(
            CharArray::<15>::new("aaaaaaaaaaaaaaé".as_bytes()).as_bytes(),
            b"aaaaaaaaaaaaaa\xc3"
        );
    }

    fn flags(sched: &str, arg: &str) -> Result<u32, String> {
        parse_sched_flags(sched.as_bytes(), arg.as_bytes())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn sched_flags_words() {
        assert_eq!(flags("", ",,flag-1,,"), Ok(0x08));
        assert_eq!(flags("", ","), Ok(0));
        assert_eq!(flags("sh", "sh-port,flag-3"), Ok(0x30));
        assert_eq!(flags("mh", "mh-fallback"), Ok(0x08));
    }

    #[test]
    fn sched_flags_errors_in_word_order() {
        assert_eq!(
            flags("", "sh-port"),
            Err("incompatible scheduler flag `sh-port'".to_string())
        );
        assert_eq!(
            flags("mh", "mh-port,bogus"),
            Err("invalid scheduler flag `bogus'".to_string())
        );
        assert_eq!(
            flags("sh", "bogus,mh-port"),
            Err("invalid scheduler flag `bogus'".to_string())
        );
    }
}
