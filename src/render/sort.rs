//! ipvsadm's listing order: libipvs's service and destination comparators
//! (with their wrapping signed subtraction) driven by glibc 2.36's `qsort`,
//! a top-down merge sort.
//!
//! The comparators are not transitive (e.g. `200.0.0.1` sorts before
//! `10.0.0.1`, fwmarks of 2^31 and above before plain services), so the
//! result depends on the algorithm; this one reproduces glibc's exactly.

use std::net::IpAddr;

use crate::model::{AddressFamily, Destination, ServiceKey};

/// The fields a service comparison looks at, as libipvs holds them.
#[derive(Clone, Copy)]
struct ServiceSortKey {
    fwmark: u32,
    af: u16,
    protocol: u16,
    words: [u32; 4],
    port: u16,
}

/// The fields a destination comparison looks at.
#[derive(Clone, Copy)]
struct DestSortKey {
    v6: bool,
    words: [u32; 4],
    port: u16,
}

/// An address as host-order 32-bit words of `union nf_inet_addr`; an IPv4
/// address fills the first word, the rest stay zero.
fn addr_words(addr: &IpAddr) -> [u32; 4] {
    match addr {
        IpAddr::V4(a) => [u32::from(*a), 0, 0, 0],
        IpAddr::V6(a) => {
            let o = a.octets();
            let w = |i: usize| {
                u32::from_be_bytes([o[i], o[i + 1], o[i + 2], o[i + 3]])
            };
            [w(0), w(4), w(8), w(12)]
        }
    }
}

/// C's `int r = a - b` for unsigned 32-bit operands.
fn diff32(a: u32, b: u32) -> i32 {
    a.wrapping_sub(b) as i32
}

/// `ntohl(a.addr) - ntohl(b.addr)` over one word (IPv4) or the first
/// differing of four (IPv6), decided by the left operand's family.
fn addr_diff(v6: bool, a: &[u32; 4], b: &[u32; 4]) -> i32 {
    if v6 {
        for i in 0..4 {
            let r = diff32(a[i], b[i]);
            if r != 0 {
                return r;
            }
        }
        0
    } else {
        diff32(a[0], b[0])
    }
}

impl ServiceSortKey {
    fn of_key(key: &ServiceKey) -> Self {
        let (words, port) = match key {
            ServiceKey::Inet { addr, port, .. } => (addr_words(addr), *port),
            ServiceKey::Fwmark { .. } => ([0; 4], 0),
        };
        ServiceSortKey {
            fwmark: key.fwmark(),
            af: key.family().raw(),
            protocol: key.protocol_raw(),
            words,
            port,
        }
    }

    /// libipvs `ipvs_cmp_services`.
    fn cmp(&self, other: &Self) -> i32 {
        let r = diff32(self.fwmark, other.fwmark);
        if r != 0 {
            return r;
        }
        let r = i32::from(self.af) - i32::from(other.af);
        if r != 0 {
            return r;
        }
        let r = i32::from(self.protocol) - i32::from(other.protocol);
        if r != 0 {
            return r;
        }
        let v6 = self.af == AddressFamily::AF_INET6;
        let r = addr_diff(v6, &self.words, &other.words);
        if r != 0 {
            return r;
        }
        i32::from(self.port) - i32::from(other.port)
    }
}

impl DestSortKey {
    fn of(dest: &Destination) -> Self {
        DestSortKey {
            v6: dest.addr.is_ipv6(),
            words: addr_words(&dest.addr),
            port: dest.port,
        }
    }

    /// libipvs `ipvs_cmp_dests`: the left operand's family decides how
    /// many address words are compared.
    fn cmp(&self, other: &Self) -> i32 {
        let r = addr_diff(self.v6, &self.words, &other.words);
        if r != 0 {
            return r;
        }
        i32::from(self.port) - i32::from(other.port)
    }
}

/// Sorts services in ipvsadm's listing order.
#[cfg(test)]
pub(crate) fn sort_services(v: &mut [crate::model::Service]) {
    let order = service_order(v.len(), |i| &v[i].key);
    apply_order(v, &order);
}

/// The order in which ipvsadm lists the `n` services `service(0..n)`:
/// their indices (the order depends on the services' keys alone). The
/// comparison keys are made afresh for each comparison rather than kept
/// for all services at once: cheap, and a big table needs no copy.
pub(crate) fn service_order<'a>(
    n: usize,
    key: impl Fn(usize) -> &'a ServiceKey,
) -> Vec<u32> {
    merge_sort_order(n, &|a, b| compare_services(key(a), key(b)))
}

/// libipvs `ipvs_cmp_services` of two keys.
fn compare_services(a: &ServiceKey, b: &ServiceKey) -> i32 {
    ServiceSortKey::of_key(a).cmp(&ServiceSortKey::of_key(b))
}

/// Sorts one service's destinations in ipvsadm's listing order.
pub(crate) fn sort_dests(v: &mut [Destination]) {
    if v.len() < 2 {
        return;
    }
    let keys: Vec<DestSortKey> = v.iter().map(DestSortKey::of).collect();
    let order = merge_sort_order(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
    apply_order(v, &order);
}

/// The permutation glibc's `msort` produces for `n` elements compared by
/// index: `order[i]` is the original index of the element that ends up at
/// position `i`. Only indices move, so the extra memory is two index
/// vectors of 4 bytes an element.
fn merge_sort_order(n: usize, cmp: &dyn Fn(usize, usize) -> i32) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut tmp = order.clone();
    msort(&mut order, &mut tmp, cmp);
    order
}

/// glibc `msort_with_tmp`: split into n/2 and n - n/2, sort both halves,
/// merge taking the left element while `cmp(left, right) <= 0`.
fn msort(v: &mut [u32], tmp: &mut [u32], cmp: &dyn Fn(usize, usize) -> i32) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    let n1 = n / 2;
    {
        let (left, right) = v.split_at_mut(n1);
        let (tmp_left, tmp_right) = tmp.split_at_mut(n1);
        msort(left, tmp_left, cmp);
        msort(right, tmp_right, cmp);
    }
    let (mut i, mut j, mut k) = (0, n1, 0);
    while i < n1 && j < n {
        if cmp(v[i] as usize, v[j] as usize) <= 0 {
            tmp[k] = v[i];
            i += 1;
        } else {
            tmp[k] = v[j];
            j += 1;
        }
        k += 1;
    }
    // Whatever is left of the right half is already in place.
    while i < n1 {
        tmp[k] = v[i];
        i += 1;
        k += 1;
    }
    v[..k].copy_from_slice(&tmp[..k]);
}

/// Rearranges `v` so that the new `v[i]` is the old `v[order[i]]`.
fn apply_order<T>(v: &mut [T], order: &[u32]) {
    let mut done = vec![false; v.len()];
    for start in 0..v.len() {
        if done[start] {
            continue;
        }
        let mut cur = start;
        loop {
            done[cur] = true;
            let next = order[cur] as usize;
            if next == start {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Protocol, Service};

    fn tcp(addr: &str, port: u16) -> Service {
        Service::tcp(addr, port)
    }

    fn proto(p: Protocol, addr: &str, port: u16) -> Service {
        Service::new(ServiceKey::Inet {
            protocol: p,
            addr: addr.parse().unwrap(),
            port,
        })
    }

    fn fwm(mark: u32, family: AddressFamily) -> Service {
        Service::new(ServiceKey::Fwmark { family, mark })
    }

    fn names(v: &[Service]) -> Vec<String> {
        v.iter()
            .map(|s| match s.key {
                ServiceKey::Inet {
                    addr,
                    port,
                    protocol,
                } => {
                    format!("{}:{addr}:{port}", protocol.name())
                }
                ServiceKey::Fwmark { family, mark } => {
                    format!("fwm{mark}/{family:?}")
                }
            })
            .collect()
    }

    #[test]
    fn ordinary_order() {
        let mut v = vec![
            fwm(7, AddressFamily::Inet6),
            fwm(42, AddressFamily::Inet),
            proto(Protocol::Udp, "2001:db8::1", 53),
            proto(Protocol::Udp, "10.0.0.2", 514),
            tcp("10.0.0.1", 443),
            tcp("10.0.0.1", 80),
        ];
        sort_services(&mut v);
        assert_eq!(
            names(&v),
            [
                "tcp:10.0.0.1:80",
                "tcp:10.0.0.1:443",
                "udp:10.0.0.2:514",
                "udp:2001:db8::1:53",
                "fwm7/Inet6",
                "fwm42/Inet",
            ]
        );
    }

    #[test]
    fn large_address_difference_inverts() {
        // 200.0.0.1 - 10.0.0.1 overflows a signed int: 200.x lists first.
        let mut v = vec![tcp("10.0.0.1", 80), tcp("200.0.0.1", 80)];
        sort_services(&mut v);
        assert_eq!(names(&v), ["tcp:200.0.0.1:80", "tcp:10.0.0.1:80"]);
        let mut v = vec![tcp("200.0.0.1", 80), tcp("10.0.0.1", 80)];
        sort_services(&mut v);
        assert_eq!(names(&v), ["tcp:200.0.0.1:80", "tcp:10.0.0.1:80"]);
    }

    #[test]
    fn non_transitive_cycle_follows_merge_order() {
        // 10.x < 100.x < 200.x < 10.x: the result depends on input order
        // exactly as glibc's merge sort would produce it.
        let mut v = vec![
            tcp("10.0.0.1", 80),
            tcp("100.0.0.1", 80),
            tcp("200.0.0.1", 80),
        ];
        sort_services(&mut v);
        // n=3: [10] | [100, 200] -> right sorted: 100 < 200 stays;
        // merge: 10 vs 100 -> 10 first, then 100, 200.
        assert_eq!(
            names(&v),
            ["tcp:10.0.0.1:80", "tcp:100.0.0.1:80", "tcp:200.0.0.1:80"]
        );
        let mut v = vec![
            tcp("200.0.0.1", 80),
            tcp("100.0.0.1", 80),
            tcp("10.0.0.1", 80),
        ];
        sort_services(&mut v);
        // [200] | [100, 10] -> right: 100 vs 10 -> 10, 100;
        // merge: 200 vs 10 -> 200 - 10 wraps negative -> 200 first.
        assert_eq!(
            names(&v),
            ["tcp:200.0.0.1:80", "tcp:10.0.0.1:80", "tcp:100.0.0.1:80"]
        );
    }

    #[test]
    fn big_fwmarks_sort_before_plain_services() {
        let mut v = vec![
            tcp("10.0.0.1", 80),
            fwm(1, AddressFamily::Inet),
            fwm(3_000_000_000, AddressFamily::Inet),
        ];
        sort_services(&mut v);
        assert_eq!(
            names(&v),
            ["fwm3000000000/Inet", "tcp:10.0.0.1:80", "fwm1/Inet"]
        );
    }

    #[test]
    fn protocols_and_ports() {
        let mut v = vec![
            proto(Protocol::Sctp, "10.0.0.1", 80),
            proto(Protocol::Udp, "10.0.0.1", 80),
            tcp("10.0.0.1", 65535),
            tcp("10.0.0.1", 1),
        ];
        sort_services(&mut v);
        assert_eq!(
            names(&v),
            [
                "tcp:10.0.0.1:1",
                "tcp:10.0.0.1:65535",
                "udp:10.0.0.1:80",
                "sctp:10.0.0.1:80",
            ]
        );
    }

    #[test]
    fn dests_by_address_then_port() {
        let d = |a: &str, p: u16| Destination::new(a.parse().unwrap(), p);
        let mut v = vec![
            d("192.168.1.2", 80),
            d("10.0.0.1", 80),
            d("192.168.1.1", 8080),
            d("192.168.1.1", 80),
        ];
        sort_dests(&mut v);
        let got: Vec<String> =
            v.iter().map(|d| format!("{}:{}", d.addr, d.port)).collect();
        // 192.168.x - 10.x = 0xb6a8.. wraps negative: 192.168.* first.
        assert_eq!(
            got,
            [
                "192.168.1.1:80",
                "192.168.1.1:8080",
                "192.168.1.2:80",
                "10.0.0.1:80"
            ]
        );
    }

    #[test]
    fn merge_sort_is_stable_and_matches_reference_on_integers() {
        let keys: Vec<i64> = (0..1000).map(|i| (i * 7919) % 101).collect();
        let order =
            merge_sort_order(keys.len(), &|a, b| (keys[a] - keys[b]) as i32);
        let mut expected: Vec<u32> = (0..keys.len() as u32).collect();
        expected.sort_by_key(|&i| keys[i as usize]);
        assert_eq!(order, expected);
    }

    #[test]
    fn large_tables_are_fast() {
        let mut v: Vec<Service> = (0..100_000u32)
            .map(|i| {
                let a = std::net::Ipv4Addr::from(i.wrapping_mul(2654435761));
                Service::new(ServiceKey::Inet {
                    protocol: Protocol::Tcp,
                    addr: IpAddr::V4(a),
                    port: 80,
                })
            })
            .collect();
        let start = std::time::Instant::now();
        sort_services(&mut v);
        assert!(start.elapsed().as_secs() < 5);
        assert_eq!(v.len(), 100_000);
    }
}
