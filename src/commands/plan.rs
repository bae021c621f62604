//! The difference between two IPVS tables as the fewest changes that turn
//! one into the other, without ever flushing; the inverse of each change
//! (for `--atomic`), and each change as a restore-format line.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io::{self, Write};

use crate::client::Change;
use crate::model::{
    Destination, ForwardMethod, Service, ServiceFlags, ServiceKey,
};
use crate::render::{self, list::service_protocol, names::push_addr_port};

/// One virtual service with its real servers.
#[derive(Debug, Clone, PartialEq)]
pub struct TableEntry {
    pub service: Service,
    pub dests: Vec<Destination>,
}

/// A whole table, in the order it was read, with an index of its
/// services by key (a plan of 16,000 services looks each one up several
/// times). The index hashes with foldhash: its keys are the kernel's and
/// the operator's own, and SipHash was 74 M of a no-op `--apply`'s 262 M
/// instructions at 16,000 services (docs/performance.md).
#[derive(Clone, Default)]
pub struct Table {
    entries: Vec<TableEntry>,
    /// Where each service key first appears in `entries`.
    index: HashMap<ServiceKey, usize, foldhash::fast::RandomState>,
}

impl Table {
    pub fn new() -> Self {
        Table::default()
    }

    pub fn with_capacity(services: usize) -> Self {
        Table {
            entries: Vec::with_capacity(services),
            index: HashMap::with_capacity_and_hasher(
                services,
                Default::default(),
            ),
        }
    }

    /// Adds an entry as the kernel reports it (each service once).
    pub fn push(&mut self, entry: TableEntry) {
        self.index
            .entry(entry.service.key)
            .or_insert(self.entries.len());
        self.entries.push(entry);
    }

    /// Whether a service with `key` is in the table.
    pub fn contains(&self, key: &ServiceKey) -> bool {
        self.index.contains_key(key)
    }

    /// The entry of the service with `key`, if the table has it.
    pub fn get(&self, key: &ServiceKey) -> Option<&TableEntry> {
        self.index.get(key).map(|&i| &self.entries[i])
    }

    /// Adds a service without real servers; a service that is in the
    /// table already is refused.
    pub fn push_service(
        &mut self,
        service: Service,
    ) -> Result<(), &'static str> {
        if self.push_new(service) {
            Ok(())
        } else {
            Err("service listed twice")
        }
    }

    /// Adds a service without real servers unless the table has it;
    /// whether it was added.
    fn push_new(&mut self, service: Service) -> bool {
        match self.index.entry(service.key) {
            Entry::Occupied(_) => false,
            Entry::Vacant(slot) => {
                slot.insert(self.entries.len());
                self.entries.push(TableEntry {
                    service,
                    dests: Vec::new(),
                });
                true
            }
        }
    }

    /// Adds a real server to the service with `key`, which must be in the
    /// table; a real server that the service has already is refused.
    pub fn push_dest(
        &mut self,
        key: &ServiceKey,
        dest: Destination,
    ) -> Result<(), &'static str> {
        let Some(entry) = self.index.get(key).map(|&i| &mut self.entries[i])
        else {
            return Err("real server of a service without an earlier -A line");
        };
        if find_dest(&entry.dests, &dest).is_some() {
            return Err("real server listed twice");
        }
        // Room for one, then doubling: most services have one or a few
        // real servers, and a vector's first room is for four (at 16,000
        // services, 7 MiB of a desired table's memory).
        let dests = &mut entry.dests;
        if dests.len() == dests.capacity() {
            dests.reserve_exact(dests.len().max(1));
        }
        dests.push(dest);
        Ok(())
    }
}

/// Services straight from a dump, each without real servers yet; a
/// service the dump repeats is kept once.
impl Extend<Service> for Table {
    fn extend<I: IntoIterator<Item = Service>>(&mut self, services: I) {
        for service in services {
            self.push_new(service);
        }
    }
}

impl Table {
    /// The entries, to fill in their real servers.
    pub(super) fn entries_mut(&mut self) -> &mut [TableEntry] {
        &mut self.entries
    }
}

/// Two tables are equal when their entries are (the index follows them).
impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("entries", &self.entries)
            .finish()
    }
}

impl std::ops::Deref for Table {
    type Target = [TableEntry];

    fn deref(&self) -> &[TableEntry] {
        &self.entries
    }
}

impl<'a> IntoIterator for &'a Table {
    type Item = &'a TableEntry;
    type IntoIter = std::slice::Iter<'a, TableEntry>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl From<Vec<TableEntry>> for Table {
    fn from(entries: Vec<TableEntry>) -> Self {
        let mut table = Table::with_capacity(entries.len());
        for entry in entries {
            table.push(entry);
        }
        table
    }
}

/// The changes that turn `current` into `desired`: edits and additions of
/// services first, then per service additions and edits of real servers
/// before their deletions, and deletions of services last, so traffic to
/// whatever stays keeps a destination at every step.
pub(crate) fn plan(current: &Table, desired: &Table) -> Vec<Change> {
    // Each desired service's current entry, looked up once.
    let have: Vec<Option<&TableEntry>> = desired
        .iter()
        .map(|want| find(current, &want.service))
        .collect();
    let pairs = || desired.iter().zip(&have);
    let mut changes = Vec::new();
    for (want, have) in pairs() {
        if let Some(have) = have
            && service_differs(&have.service, &want.service)
        {
            changes.push(Change::EditService(want.service.clone()));
        }
    }
    for (want, have) in pairs() {
        if have.is_none() {
            changes.push(Change::AddService(want.service.clone()));
        }
    }
    for (want, have) in pairs() {
        let have = have.map(|e| e.dests.as_slice()).unwrap_or_default();
        let svc = &want.service;
        for d in &want.dests {
            match find_dest(have, d) {
                None => changes.push(Change::AddDest(svc.clone(), d.clone())),
                Some(old) if dest_differs(old, d) => {
                    changes.push(Change::EditDest(svc.clone(), d.clone()));
                }
                Some(_) => {}
            }
        }
        for old in have {
            if find_dest(&want.dests, old).is_none() {
                changes.push(Change::DeleteDest(svc.clone(), old.clone()));
            }
        }
    }
    for have in current {
        if !desired.contains(&have.service.key) {
            changes.push(Change::DeleteService(have.service.clone()));
        }
    }
    changes
}

/// The changes that undo `change`, given the table before it.
pub(super) fn inverse(change: &Change, before: &Table) -> Vec<Change> {
    let old_service = |s: &Service| find(before, s).map(|e| &e.service);
    let old_dest = |s: &Service, d: &Destination| {
        find(before, s).and_then(|e| find_dest(&e.dests, d))
    };
    match change {
        Change::AddService(s) => vec![Change::DeleteService(s.clone())],
        Change::EditService(s) => old_service(s)
            .map(|old| vec![Change::EditService(restorable(old))])
            .unwrap_or_default(),
        Change::DeleteService(s) => match find(before, s) {
            Some(old) => {
                let svc = restorable(&old.service);
                let mut undo = vec![Change::AddService(svc.clone())];
                undo.extend(
                    old.dests
                        .iter()
                        .map(|d| Change::AddDest(svc.clone(), d.clone())),
                );
                undo
            }
            None => Vec::new(),
        },
        Change::AddDest(s, d) => vec![Change::DeleteDest(s.clone(), d.clone())],
        Change::EditDest(s, d) => old_dest(s, d)
            .map(|old| vec![Change::EditDest(s.clone(), old.clone())])
            .unwrap_or_default(),
        Change::DeleteDest(s, d) => old_dest(s, d)
            .map(|old| vec![Change::AddDest(s.clone(), old.clone())])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A service read from the kernel as it can be sent back (without the
/// kernel's own `hashed` bit).
fn restorable(svc: &Service) -> Service {
    let mut s = svc.clone();
    s.flags = ServiceFlags(s.flags.0 & !ServiceFlags::HASHED);
    s
}

fn find<'a>(table: &'a Table, svc: &Service) -> Option<&'a TableEntry> {
    table.get(&svc.key)
}

fn find_dest<'a>(
    dests: &'a [Destination],
    d: &Destination,
) -> Option<&'a Destination> {
    dests.iter().find(|o| o.addr == d.addr && o.port == d.port)
}

/// Whether the configurable attributes of two services differ.
pub(super) fn service_differs(a: &Service, b: &Service) -> bool {
    let flags = |s: &Service| s.flags.0 & !ServiceFlags::HASHED;
    let pe = |s: &Service| s.pe_name.clone().filter(|p| !p.is_empty());
    a.scheduler != b.scheduler
        || flags(a) != flags(b)
        || a.timeout != b.timeout
        || a.netmask != b.netmask
        || pe(a) != pe(b)
}

/// Whether the configurable attributes of two real servers differ. The
/// kernel reports direct routing to a local address as `local`: the same
/// configuration (`-g`).
pub(super) fn dest_differs(a: &Destination, b: &Destination) -> bool {
    let method = |d: &Destination| match d.forward {
        ForwardMethod::Local => ForwardMethod::Route,
        f => f,
    };
    let tunnel = |d: &Destination| {
        (method(d) == ForwardMethod::Tunnel).then_some((
            d.tun_type,
            d.tun_port,
            d.tun_flags,
        ))
    };
    method(a) != method(b)
        || a.weight != b.weight
        || a.u_threshold != b.u_threshold
        || a.l_threshold != b.l_threshold
        || tunnel(a) != tunnel(b)
}

/// One change as the restore-format line that makes it (numeric), e.g.
/// `-e -t 10.0.0.1:80 -r 10.0.2.11:80 -m -w 3`.
pub(crate) fn write_line(
    out: &mut dyn Write,
    change: &Change,
) -> io::Result<()> {
    let mut line = Vec::with_capacity(80);
    match change {
        Change::AddService(s) => {
            render::write_save_service(&mut line, s, true)?;
        }
        Change::EditService(s) => {
            render::write_save_service(&mut line, s, true)?;
            line[1] = b'E';
        }
        Change::DeleteService(s) => {
            let id = render::save::service_identity(s, true);
            writeln!(line, "-D {id}")?;
        }
        Change::AddDest(s, d) | Change::EditDest(s, d) => {
            render::write_save_dest(&mut line, s, d, true)?;
            line.pop();
            if d.u_threshold != 0 {
                write!(line, " -x {}", d.u_threshold)?;
            }
            if d.l_threshold != 0 {
                write!(line, " -y {}", d.l_threshold)?;
            }
            line.push(b'\n');
            if matches!(change, Change::EditDest(..)) {
                line[1] = b'e';
            }
        }
        Change::DeleteDest(s, d) => {
            let id = render::save::service_identity(s, true);
            let mut server = String::new();
            push_addr_port(
                &mut server,
                &d.addr,
                d.port,
                service_protocol(s),
                true,
            );
            writeln!(line, "-d {id} -r {server}")?;
        }
        // Not produced by a plan.
        _ => {}
    }
    out.write_all(&line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Protocol;

    fn svc(port: u16, sched: &str) -> Service {
        let mut s = Service::new(ServiceKey::Inet {
            protocol: Protocol::Tcp,
            addr: "10.0.0.1".parse().unwrap(),
            port,
        });
        s.scheduler = sched.to_string();
        s
    }

    fn dest(last: u8, weight: i32) -> Destination {
        let mut d =
            Destination::new(format!("10.0.2.{last}").parse().unwrap(), 80);
        d.forward = ForwardMethod::Masquerade;
        d.weight = weight;
        d
    }

    fn entry(s: Service, dests: Vec<Destination>) -> TableEntry {
        TableEntry { service: s, dests }
    }

    fn lines(changes: &[Change]) -> String {
        let mut out = Vec::new();
        for c in changes {
            write_line(&mut out, c).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_table_takes_each_service_and_real_server_once() {
        let mut t = Table::new();
        let key = svc(80, "rr").key;
        assert_eq!(
            t.push_dest(&key, dest(11, 1)),
            Err("real server of a service without an earlier -A line")
        );
        t.push_service(svc(80, "rr")).unwrap();
        assert_eq!(t.push_service(svc(80, "wlc")), Err("service listed twice"));
        t.push_dest(&key, dest(11, 1)).unwrap();
        t.push_dest(&key, dest(12, 1)).unwrap();
        assert_eq!(
            t.push_dest(&key, dest(11, 5)),
            Err("real server listed twice")
        );
        let want = entry(svc(80, "rr"), vec![dest(11, 1), dest(12, 1)]);
        assert_eq!(t, Table::from(vec![want]));
    }

    #[test]
    fn equal_tables_need_nothing() {
        let t = Table::from(vec![entry(
            svc(80, "rr"),
            vec![dest(11, 1), dest(12, 1)],
        )]);
        assert!(plan(&t, &t).is_empty());
    }

    #[test]
    fn kernel_bits_and_local_routing_are_no_difference() {
        let mut have = svc(80, "rr");
        have.flags = ServiceFlags(ServiceFlags::HASHED);
        let mut d = dest(11, 1);
        d.forward = ForwardMethod::Local;
        let mut want_d = dest(11, 1);
        want_d.forward = ForwardMethod::Route;
        let current = Table::from(vec![entry(have, vec![d])]);
        let desired = Table::from(vec![entry(svc(80, "rr"), vec![want_d])]);
        assert!(plan(&current, &desired).is_empty());
    }

    #[test]
    fn plan_orders_additions_before_deletions() {
        let current = Table::from(vec![
            entry(svc(80, "rr"), vec![dest(11, 1), dest(12, 1)]),
            entry(svc(81, "rr"), vec![dest(11, 1)]),
        ]);
        let mut d13 = dest(13, 2);
        d13.u_threshold = 100;
        let desired = Table::from(vec![
            entry(svc(80, "wlc"), vec![dest(11, 5), d13]),
            entry(svc(82, "rr"), vec![dest(12, 1)]),
        ]);
        let changes = plan(&current, &desired);
        assert_eq!(
            lines(&changes),
            "-E -t 10.0.0.1:80 -s wlc\n\
             -A -t 10.0.0.1:82 -s rr\n\
             -e -t 10.0.0.1:80 -r 10.0.2.11:80 -m -w 5\n\
             -a -t 10.0.0.1:80 -r 10.0.2.13:80 -m -w 2 -x 100\n\
             -d -t 10.0.0.1:80 -r 10.0.2.12:80\n\
             -a -t 10.0.0.1:82 -r 10.0.2.12:80 -m -w 1\n\
             -D -t 10.0.0.1:81\n"
        );
    }

    #[test]
    fn inverses_restore_the_snapshot() {
        let current = Table::from(vec![
            entry(svc(80, "rr"), vec![dest(11, 1), dest(12, 1)]),
            entry(svc(81, "rr"), vec![dest(11, 1)]),
        ]);
        let desired =
            Table::from(vec![entry(svc(80, "wlc"), vec![dest(11, 5)])]);
        let undo: Vec<Change> = plan(&current, &desired)
            .iter()
            .rev()
            .flat_map(|c| inverse(c, &current))
            .collect();
        assert_eq!(
            lines(&undo),
            "-A -t 10.0.0.1:81 -s rr\n\
             -a -t 10.0.0.1:81 -r 10.0.2.11:80 -m -w 1\n\
             -a -t 10.0.0.1:80 -r 10.0.2.12:80 -m -w 1\n\
             -e -t 10.0.0.1:80 -r 10.0.2.11:80 -m -w 1\n\
             -E -t 10.0.0.1:80 -s rr\n"
        );
    }

    /// The plan as it was first written, looking every service up by a
    /// walk of the table: the specification of the indexed `plan`.
    fn model_plan(current: &Table, desired: &Table) -> Vec<Change> {
        let find = |t: &[TableEntry], s: &Service| -> Option<TableEntry> {
            t.iter().find(|e| e.service.key == s.key).cloned()
        };
        let mut changes = Vec::new();
        for want in desired {
            if let Some(have) = find(current, &want.service)
                && service_differs(&have.service, &want.service)
            {
                changes.push(Change::EditService(want.service.clone()));
            }
        }
        for want in desired {
            if find(current, &want.service).is_none() {
                changes.push(Change::AddService(want.service.clone()));
            }
        }
        for want in desired {
            let have = find(current, &want.service)
                .map(|e| e.dests)
                .unwrap_or_default();
            let svc = &want.service;
            for d in &want.dests {
                match find_dest(&have, d) {
                    None => {
                        changes.push(Change::AddDest(svc.clone(), d.clone()))
                    }
                    Some(old) if dest_differs(old, d) => {
                        changes.push(Change::EditDest(svc.clone(), d.clone()));
                    }
                    Some(_) => {}
                }
            }
            for old in &have {
                if find_dest(&want.dests, old).is_none() {
                    changes.push(Change::DeleteDest(svc.clone(), old.clone()));
                }
            }
        }
        for have in current {
            if find(desired, &have.service).is_none() {
                changes.push(Change::DeleteService(have.service.clone()));
            }
        }
        changes
    }

    /// A random table over a few ports, schedulers, real servers and
    /// weights; a kernel's table (`repeats`) may list a service twice.
    fn random_table(
        rng: &mut crate::test_rng::TestRng,
        repeats: bool,
    ) -> Table {
        let mut entries = Vec::new();
        let mut ports: Vec<u16> = (80..90).collect();
        for _ in 0..rng.below(9) {
            let i = rng.below(ports.len());
            let port = if repeats && rng.below(4) == 0 {
                ports[i]
            } else {
                ports.swap_remove(i)
            };
            let sched = ["rr", "wlc"][rng.below(2)];
            let mut dests: Vec<Destination> = Vec::new();
            for _ in 0..rng.below(5) {
                let d = dest(10 + rng.below(5) as u8, rng.below(3) as i32);
                if find_dest(&dests, &d).is_none() {
                    dests.push(d);
                }
            }
            entries.push(entry(svc(port, sched), dests));
        }
        Table::from(entries)
    }

    #[test]
    fn the_indexed_plan_is_the_model_plan() {
        let mut rng = crate::test_rng::TestRng::new(0x1d5e_a5ed);
        for _ in 0..5000 {
            let current = random_table(&mut rng, true);
            let desired = random_table(&mut rng, false);
            assert_eq!(
                plan(&current, &desired),
                model_plan(&current, &desired),
                "{current:?} -> {desired:?}"
            );
            assert!(plan(&desired, &desired).is_empty());
        }
    }

    #[test]
    fn the_index_finds_the_first_of_repeated_services() {
        let t = Table::from(vec![
            entry(svc(80, "rr"), vec![]),
            entry(svc(80, "wlc"), vec![]),
        ]);
        assert_eq!(t.get(&svc(80, "x").key).unwrap().service.scheduler, "rr");
        assert!(t.contains(&svc(80, "x").key));
        assert!(!t.contains(&svc(81, "x").key));
    }
}
