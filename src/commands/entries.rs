//! The walk every full listing shares: every service, in listing order,
//! with its real servers.

use std::collections::HashSet;

use crate::client::{Client, StatsNests};
use crate::error::Result;
use crate::model::{Destination, Service, ServiceFlags, ServiceKey, Stats};
use crate::render;

/// Every service and its real servers, in ipvsadm's order when `sort`,
/// handed to `entry` one at a time; their counters read only if asked.
///
/// The services come from one dump, as in ipvsadm, each key once: IPVS
/// dumps never flag an interrupted dump, and a long dump resumes by
/// position in a table that every network namespace shares, so a change
/// anywhere can repeat entries. Each service's real servers are then
/// dumped; one deleted in between is left out rather than shown without
/// its servers (the real servers of a vanished service dump as an empty
/// list, which [`Client::dests_if_present`] tells apart).
pub(super) fn each_entry(
    client: &mut Client,
    sort: bool,
    counters: StatsNests,
    mut entry: impl FnMut(&Service, &[Destination]) -> Result<()>,
) -> Result<()> {
    let services: Blocks<StoredService> = client.services(counters)?;
    let mut dests = Vec::new();
    for i in listing_order(&services, sort) {
        let svc = services.get(i as usize).to_service();
        if client.dests_if_present(&svc, counters, &mut dests)? {
            if sort {
                render::sort_dests(&mut dests);
            }
            entry(&svc, &dests)?;
        }
    }
    Ok(())
}

/// The dumped services, each kept as a [`StoredService`].
impl Extend<Service> for Blocks<StoredService> {
    fn extend<I: IntoIterator<Item = Service>>(&mut self, services: I) {
        self.extend(services.into_iter().map(StoredService::from));
    }
}

/// A service as [`each_entry`] keeps it until its turn to be listed: 64
/// bytes, where a [`Service`] takes about 170 and a heap block for its
/// scheduler's name. A persistence engine and counters (read only for
/// some listings) take a heap block only when there are any. (Peak RSS of
/// the listings of 2,000 services and more: docs/performance.md.)
struct StoredService {
    key: ServiceKey,
    scheduler: ShortName,
    flags: ServiceFlags,
    timeout: u32,
    netmask: u32,
    extra: Option<Box<Extra>>,
}

/// What most services do not have.
struct Extra {
    pe_name: Option<String>,
    stats: Stats,
}

impl From<Service> for StoredService {
    fn from(svc: Service) -> Self {
        let extra = (svc.pe_name.is_some() || svc.stats != Stats::default())
            .then(|| {
                Box::new(Extra {
                    pe_name: svc.pe_name,
                    stats: svc.stats,
                })
            });
        StoredService {
            key: svc.key,
            scheduler: ShortName::new(&svc.scheduler),
            flags: svc.flags,
            timeout: svc.timeout,
            netmask: svc.netmask,
            extra,
        }
    }
}

impl StoredService {
    fn to_service(&self) -> Service {
        let extra = self.extra.as_deref();
        Service {
            key: self.key,
            scheduler: self.scheduler.as_str().to_owned(),
            flags: self.flags,
            timeout: self.timeout,
            netmask: self.netmask,
            pe_name: extra.and_then(|e| e.pe_name.clone()),
            stats: extra.map(|e| e.stats).unwrap_or_default(),
        }
    }
}

/// A name kept inline when short, as a scheduler's name always is (the
/// kernel's limit is 15 bytes); 16 bytes either way.
enum ShortName {
    Inline {
        len: u8,
        bytes: [u8; SHORT_NAME],
    },
    // A thin pointer, which keeps the enum at 16 bytes.
    #[allow(clippy::box_collection)]
    Long(Box<String>),
}

const SHORT_NAME: usize = 14;

impl ShortName {
    fn new(name: &str) -> Self {
        match name.len() {
            len @ 0..=SHORT_NAME => {
                let mut bytes = [0; SHORT_NAME];
                bytes[..len].copy_from_slice(name.as_bytes());
                ShortName::Inline {
                    len: len as u8,
                    bytes,
                }
            }
            _ => ShortName::Long(Box::new(name.to_owned())),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            ShortName::Inline { len, bytes } => {
                // Copied whole from a `&str` in `new`.
                std::str::from_utf8(&bytes[..usize::from(*len)])
                    .unwrap_or_default()
            }
            ShortName::Long(name) => name,
        }
    }
}

/// The indices of `services` in listing order (ipvsadm's when `sort`,
/// else the kernel's), a key met more than once only at its first place
/// in the dump.
fn listing_order(services: &Blocks<StoredService>, sort: bool) -> Vec<u32> {
    let repeated = repeated_keys(services);
    let mut order = if sort {
        render::service_order(services.len(), |i| &services.get(i).key)
    } else {
        (0..services.len() as u32).collect()
    };
    order.retain(|&i| !repeated[i as usize]);
    order
}

/// For each service, whether an earlier one in the dump has its key.
fn repeated_keys(services: &Blocks<StoredService>) -> Vec<bool> {
    let mut seen = HashSet::with_capacity(services.len());
    (0..services.len())
        .map(|i| !seen.insert(&services.get(i).key))
        .collect()
}

/// A sequence kept in blocks of fixed capacity. A big table read into
/// one vector would be copied at each doubling of its capacity, and the
/// pages of the old copies count in the listing's peak memory; blocks are
/// never moved.
struct Blocks<T> {
    blocks: Vec<Vec<T>>,
    len: usize,
}

/// Elements per block: a block of services stays under glibc's default
/// threshold for a separate mapping (128 KiB), like the rest of the heap.
const BLOCK: usize = 512;

impl<T> Blocks<T> {
    fn len(&self) -> usize {
        self.len
    }

    /// The element at `i`, which must be below [`Blocks::len`].
    fn get(&self, i: usize) -> &T {
        &self.blocks[i / BLOCK][i % BLOCK]
    }
}

impl<T> Default for Blocks<T> {
    fn default() -> Self {
        Blocks {
            blocks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Extend<T> for Blocks<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            match self.blocks.last_mut() {
                Some(block) if block.len() < BLOCK => block.push(item),
                _ => {
                    let mut block = Vec::with_capacity(BLOCK);
                    block.push(item);
                    self.blocks.push(block);
                }
            }
            self.len += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AddressFamily, Protocol, ServiceKey};

    fn tcp(addr: &str, port: u16) -> Service {
        Service::tcp(addr, port)
    }

    #[test]
    fn a_key_repeated_by_the_dump_is_listed_once_at_its_first_place() {
        let mut dump = Blocks::<StoredService>::default();
        dump.extend([
            tcp("10.0.0.2", 80),
            tcp("10.0.0.1", 80),
            tcp("10.0.0.2", 80),
            tcp("10.0.0.1", 443),
            tcp("10.0.0.1", 80),
        ]);
        assert_eq!(repeated_keys(&dump), [false, false, true, false, true]);
        assert_eq!(listing_order(&dump, false), [0, 1, 3]);
        assert_eq!(listing_order(&dump, true), [1, 3, 0]);
    }

    /// Keys that share numbers across kinds, families and protocols.
    fn tricky_keys() -> Vec<ServiceKey> {
        let mut keys = Vec::new();
        for addr in ["0.0.0.80", "10.0.0.1", "::50", "::10.0.0.1", "::a00:1"] {
            for protocol in [
                Protocol::Tcp,
                Protocol::Udp,
                Protocol::Sctp,
                Protocol::Other(6),
                Protocol::Other(80),
            ] {
                for port in [0, 6, 80] {
                    keys.push(ServiceKey::Inet {
                        protocol,
                        addr: addr.parse().unwrap(),
                        port,
                    });
                }
            }
        }
        for family in [AddressFamily::Inet, AddressFamily::Inet6] {
            for mark in [0, 6, 80, 0x0a00_0001, u32::MAX] {
                keys.push(ServiceKey::Fwmark { family, mark });
            }
        }
        keys
    }

    #[test]
    fn repeats_are_found_in_tables_of_every_size() {
        let keys = tricky_keys();
        for n in [0, 1, 2, 3, 63, 64, 65, 700, 1500] {
            let mut dump = Blocks::<StoredService>::default();
            // Every key several times, in a scrambled order.
            dump.extend(
                (0..n).map(|i| {
                    Service::new(keys[(i * 7919 + i / 3) % keys.len()])
                }),
            );
            // Each against every earlier one.
            let expected: Vec<bool> = (0..n)
                .map(|i| (0..i).any(|j| dump.get(j).key == dump.get(i).key))
                .collect();
            assert_eq!(repeated_keys(&dump), expected, "{n} services");
        }
    }

    #[test]
    fn a_stored_service_gives_back_the_service_it_was_made_from() {
        let mut counted = tcp("10.0.0.1", 80);
        counted.stats.inbytes = 7;
        let mut long = Service::tcp("::1", 443);
        long.scheduler = "a-scheduler-name-past-the-inline-limit".into();
        long.pe_name = Some("sip".into());
        long.flags = ServiceFlags(ServiceFlags::PERSISTENT);
        long.timeout = 300;
        assert_eq!(std::mem::size_of::<StoredService>(), 64);
        for name in [
            "",
            "rr",
            "fourteen-bytes",
            "fifteen-bytes15",
            "twenty-two-bytes-name!",
        ] {
            let mut svc = tcp("10.0.0.2", 8080);
            svc.scheduler = name.into();
            assert_eq!(StoredService::from(svc.clone()).to_service(), svc);
        }
        for svc in [tcp("10.0.0.1", 80), counted, long] {
            assert_eq!(StoredService::from(svc.clone()).to_service(), svc);
        }
    }

    #[test]
    fn blocks_keep_every_element_in_order_across_block_boundaries() {
        let mut blocks = Blocks::default();
        blocks.extend(0..2 * BLOCK + 3);
        assert_eq!(blocks.len(), 2 * BLOCK + 3);
        assert_eq!(blocks.blocks.len(), 3);
        for i in 0..blocks.len() {
            assert_eq!(*blocks.get(i), i);
        }
    }
}
