//! Tests of the client's request encoding: a change written straight from
//! the model is the request its attribute lists encode to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::*;
use crate::model::{
    AddressFamily, DaemonState, ForwardMethod, Protocol, TunnelType,
};

/// A small deterministic generator (xorshift), so that the cases are the
/// same on every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn u32(&mut self) -> u32 {
        // Edge values as often as random ones.
        match self.below(4) {
            0 => 0,
            1 => u32::MAX,
            _ => self.next() as u32,
        }
    }

    fn addr(&mut self) -> IpAddr {
        if self.below(2) == 0 {
            IpAddr::V4(Ipv4Addr::from(self.next() as u32))
        } else {
            IpAddr::V6(Ipv6Addr::from(
                u128::from(self.next()) << 64 | u128::from(self.next()),
            ))
        }
    }

    fn name(&mut self) -> String {
        let len = match self.below(6) {
            0 => DIRECT_NAME_LIMIT_CASES[self.below(4) as usize],
            _ => self.below(12) as usize,
        };
        (0..len)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect()
    }

    fn service(&mut self) -> Service {
        let key = if self.below(3) == 0 {
            ServiceKey::Fwmark {
                family: if self.below(2) == 0 {
                    AddressFamily::Inet
                } else {
                    AddressFamily::Inet6
                },
                mark: self.u32(),
            }
        } else {
            ServiceKey::Inet {
                protocol: match self.below(4) {
                    0 => Protocol::Tcp,
                    1 => Protocol::Udp,
                    2 => Protocol::Sctp,
                    _ => Protocol::Other(self.next() as u16),
                },
                addr: self.addr(),
                port: self.next() as u16,
            }
        };
        let mut svc = Service::new(key);
        svc.scheduler = self.name();
        svc.pe_name = match self.below(3) {
            0 => None,
            _ => Some(self.name()),
        };
        svc.flags.0 = self.u32();
        svc.timeout = self.u32();
        svc.netmask = self.u32();
        svc
    }

    fn dest(&mut self) -> Destination {
        let mut d = Destination::new(self.addr(), self.next() as u16);
        d.forward = ForwardMethod::from_raw(self.u32());
        d.weight = self.u32() as i32;
        d.u_threshold = self.u32();
        d.l_threshold = self.u32();
        d.tun_type = TunnelType::from_raw(self.next() as u8);
        d.tun_port = self.next() as u16;
        d.tun_flags = self.next() as u16;
        d
    }

    fn change(&mut self) -> Change {
        let s = self.service();
        match self.below(8) {
            0 => Change::AddService(s),
            1 => Change::EditService(s),
            2 => Change::DeleteService(s),
            3 => Change::AddDest(s, self.dest()),
            4 => Change::EditDest(s, self.dest()),
            5 => Change::DeleteDest(s, self.dest()),
            6 => Change::Zero(Some(s)),
            _ => Change::Zero(None),
        }
    }
}

/// Name lengths around the bound of direct writing and the 16-bit nest
/// length.
const DIRECT_NAME_LIMIT_CASES: [usize; 4] = [1023, 1024, 1025, 70_000];

/// What the general encoder writes for a change.
fn encoded_from_lists(change: &Change) -> (IpvsCmd, Vec<u8>) {
    let msg = change.clone().into_message();
    let mut out = Vec::new();
    msg.append_attributes(&mut out);
    (msg.cmd, out)
}

#[test]
fn changes_written_from_the_model_are_their_lists_encoded() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    for i in 0..20_000 {
        let change = g.change();
        let mut direct = vec![0xee; i % 3];
        let before = direct.len();
        IpvsRequest::append_attributes(&change, &mut direct);
        let (cmd, listed) = encoded_from_lists(&change);
        assert_eq!(change.cmd(), cmd, "{change:?}");
        assert_eq!(direct[before..], listed, "{change:?}");
    }
}

#[test]
fn the_rare_changes_are_their_lists_encoded() {
    let changes = [
        Change::Flush,
        Change::SetTimeouts(Timeouts {
            tcp: 1,
            tcp_fin: 2,
            udp: 3,
        }),
        Change::StartDaemon(daemon()),
        Change::StopDaemon(daemon()),
    ];
    for change in changes {
        let mut direct = Vec::new();
        IpvsRequest::append_attributes(&change, &mut direct);
        let (cmd, listed) = encoded_from_lists(&change);
        assert_eq!(change.cmd(), cmd, "{change:?}");
        assert_eq!(direct, listed, "{change:?}");
    }
}

fn daemon() -> DaemonConfig {
    DaemonConfig {
        state: DaemonState::Backup,
        mcast_ifn: b"eth0".to_vec(),
        sync_id: 7,
        sync_maxlen: 1400,
        mcast_group: Some(IpAddr::V4(Ipv4Addr::new(224, 0, 0, 81))),
        mcast_port: 8848,
        mcast_ttl: 2,
    }
}

#[test]
fn real_server_dumps_are_written_as_their_lists_encode() {
    let mut g = Gen(0x2545_f491_4f6c_dd1d);
    for _ in 0..5_000 {
        let key = g.service().key;
        let mut direct = Vec::new();
        DestsOf(&key).append_attributes(&mut direct);
        let msg = IpvsMessage::new(
            IpvsCmd::GetDest,
            vec![IpvsAttr::Service(crate::ipvs::service_key_attrs(&key))],
        );
        let mut listed = Vec::new();
        msg.append_attributes(&mut listed);
        assert_eq!(DestsOf(&key).cmd(), msg.cmd);
        assert_eq!(direct, listed, "{key:?}");
    }
}
