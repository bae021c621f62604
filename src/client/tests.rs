//! Tests of the client's requests: what a change sends decodes to the
//! change again (the message, and the service and real server in it), for
//! generated changes with edge values.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::ParseableParametrized;
use netlink_packet_generic::GenlHeader;

use super::*;
use crate::ipvs::{DestAttr, IPVS_GENL_VERSION};
use crate::model::{
    AddressFamily, DaemonState, ForwardMethod, Protocol, Stats, TunnelType,
};
use crate::test_rng::TestRng;

/// Generated values of the model, from the tests' generator.
struct Gen(TestRng);

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen(TestRng::new(seed))
    }

    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0.below(n as usize) as u64
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
            0 => NAME_LENGTH_EDGES[self.below(4) as usize],
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

/// Name lengths around the kernel's 16-byte buffers and the 16-bit
/// attribute length.
const NAME_LENGTH_EDGES: [usize; 4] = [15, 16, 65_000, 70_000];

/// What `request` sends: its command and encoded attributes, as the socket
/// writes them after the headers.
fn sent(request: &impl IpvsRequest) -> (IpvsCmd, Vec<u8>) {
    let msg = request.message();
    let mut out = Vec::new();
    msg.append_attributes(&mut out);
    (msg.cmd, out)
}

/// The bytes decoded as the kernel's netlink layer reads them.
fn decoded(cmd: IpvsCmd, attributes: &[u8]) -> Option<IpvsMessage> {
    let header = GenlHeader {
        cmd: cmd.into(),
        version: IPVS_GENL_VERSION,
    };
    IpvsMessage::parse_with_param(attributes, header).ok()
}

/// Whether a service's names leave its nest within the 16-bit length.
fn fits(svc: &Service) -> bool {
    let pe = svc.pe_name.as_ref().map_or(0, String::len);
    svc.scheduler.len() + pe < 65_000
}

/// A service as a reply carrying what a request sends reads back: the
/// protocol number in the model's spelling, no empty engine name.
fn as_read_back(svc: &Service) -> Service {
    let mut svc = svc.clone();
    if let ServiceKey::Inet { protocol, .. } = &mut svc.key {
        *protocol = Protocol::from_raw(protocol.raw());
    }
    svc.pe_name = svc.pe_name.filter(|pe| !pe.is_empty());
    svc.stats = Stats::default();
    svc
}

#[test]
fn changes_decode_to_what_they_send() {
    let mut g = Gen::new(0x9e37_79b9_7f4a_7c15);
    let mut checked = 0;
    for _ in 0..5_000 {
        let change = g.change();
        let (cmd, bytes) = sent(&change);
        assert_eq!(cmd, change.cmd(), "{change:?}");
        let service = match &change {
            Change::AddService(s)
            | Change::EditService(s)
            | Change::DeleteService(s)
            | Change::Zero(Some(s))
            | Change::AddDest(s, _)
            | Change::EditDest(s, _)
            | Change::DeleteDest(s, _) => Some(s),
            _ => None,
        };
        if service.is_some_and(|s| !fits(s)) {
            continue;
        }
        assert_eq!(
            decoded(cmd, &bytes),
            Some(change.to_message()),
            "{change:?}"
        );
        let mut genl = vec![u8::from(cmd), IPVS_GENL_VERSION, 0, 0];
        genl.extend_from_slice(&bytes);
        let raw = RawMessage::new(&genl).unwrap();
        if let Some(svc) = service {
            let nest = raw.service_nest().unwrap().unwrap();
            for stats in [StatsNests::Read, StatsNests::Skip] {
                let read = service_from_nest(nest, stats).unwrap();
                assert_eq!(read, as_read_back(svc), "{change:?}");
            }
        }
        checked += 1;
    }
    assert!(checked > 4_000, "only {checked} changes fit");
}

/// A real server written as a request, with the connection counts a
/// reply adds, reads back as itself, whatever the service's family.
#[test]
fn real_servers_decode_to_what_they_send() {
    let mut g = Gen::new(0x2545_f491_4f6c_dd1d);
    for _ in 0..5_000 {
        let d = g.dest();
        let mut attrs = dest_attrs(&d);
        attrs.extend([
            DestAttr::ActiveConns(0),
            DestAttr::InactConns(0),
            DestAttr::PersistConns(0),
        ]);
        let msg =
            IpvsMessage::new(IpvsCmd::NewDest, vec![IpvsAttr::Dest(attrs)]);
        let (cmd, bytes) = sent(&msg);
        let mut genl = vec![u8::from(cmd), IPVS_GENL_VERSION, 0, 0];
        genl.extend_from_slice(&bytes);
        let raw = RawMessage::new(&genl).unwrap();
        let nest = raw.dest_nest().unwrap().unwrap();
        for family in [AddressFamily::Inet, AddressFamily::Inet6] {
            let read = dest_from_nest(nest, family, StatsNests::Read);
            assert_eq!(read.ok().as_ref(), Some(&d), "{d:?}");
        }
    }
}

#[test]
fn the_rare_changes_decode_to_what_they_send() {
    let changes = [
        Change::Zero(None),
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
        let (cmd, bytes) = sent(&change);
        assert_eq!(cmd, change.cmd(), "{change:?}");
        let msg = decoded(cmd, &bytes).unwrap();
        assert_eq!(msg, change.to_message(), "{change:?}");
        match (&change, &msg.attributes[..]) {
            (Change::SetTimeouts(t), attrs) => {
                assert_eq!(timeouts_from_attrs(attrs), *t);
            }
            (Change::StartDaemon(d), [IpvsAttr::Daemon(attrs)]) => {
                assert_eq!(daemon_from_attrs(attrs).unwrap(), *d);
            }
            _ => {}
        }
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
fn real_server_dumps_ask_with_the_service_key_alone() {
    let mut g = Gen::new(0x2545_f491_4f6c_dd1d);
    for _ in 0..5_000 {
        let key = g.service().key;
        let (cmd, bytes) = sent(&dests_query(&key));
        assert_eq!(cmd, IpvsCmd::GetDest);
        let msg = decoded(cmd, &bytes).unwrap();
        let [IpvsAttr::Service(attrs)] = &msg.attributes[..] else {
            panic!("{msg:?}");
        };
        assert_eq!(*attrs, service_key_attrs(&key));
    }
}
