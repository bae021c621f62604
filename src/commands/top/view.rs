//! What `--top` shows, computed from two readings of the table: each
//! service and real server with its connection counts, its rates over
//! the interval, and each server's share of its service's incoming
//! packets. Sorting and filtering work on these rows.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use crate::model::{Destination, Service, ServiceKey, Stats};
use crate::render::names::format_addr_port;
use crate::render::prometheus::forward_name;

/// The table as read at one moment.
#[derive(Debug, Clone)]
pub(super) struct Reading {
    at: Instant,
    services: Vec<(String, Service, Vec<Destination>)>,
}

impl Reading {
    pub(super) fn new(at: Instant) -> Reading {
        Reading {
            at,
            services: Vec::new(),
        }
    }

    pub(super) fn push(
        &mut self,
        netns: &str,
        svc: &Service,
        dests: &[Destination],
    ) {
        self.services
            .push((netns.to_owned(), svc.clone(), dests.to_vec()));
    }

    /// The counters of each service (`None`) and real server, by
    /// namespace.
    fn counters(&self) -> HashMap<CounterKey, Stats> {
        let mut map = HashMap::new();
        for (ns, svc, dests) in &self.services {
            map.insert((ns.clone(), svc.key, None), svc.stats);
            for d in dests {
                map.insert(
                    (ns.clone(), svc.key, Some((d.addr, d.port))),
                    d.stats,
                );
            }
        }
        map
    }
}

type CounterKey = (String, ServiceKey, Option<(IpAddr, u16)>);

/// Rates per second over the interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Rates {
    pub conns: f64,
    pub inpkts: f64,
    pub outpkts: f64,
    pub inbytes: f64,
    pub outbytes: f64,
}

impl Rates {
    /// The rates between two readings of a counter set; a counter that
    /// went down (zeroed with `-Z`, or a service re-created) counts as 0.
    fn between(before: Option<&Stats>, now: &Stats, seconds: f64) -> Rates {
        let Some(before) = before else {
            return Rates::default();
        };
        if seconds <= 0.0 {
            return Rates::default();
        }
        let rate = |b: u64, n: u64| n.saturating_sub(b) as f64 / seconds;
        Rates {
            conns: rate(before.conns, now.conns),
            inpkts: rate(before.inpkts, now.inpkts),
            outpkts: rate(before.outpkts, now.outpkts),
            inbytes: rate(before.inbytes, now.inbytes),
            outbytes: rate(before.outbytes, now.outbytes),
        }
    }
}

/// What the `--watch` supervisor's metrics endpoint says of a real
/// server (`--top --metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Health {
    /// No endpoint, no sample for it, or the endpoint could not be read.
    #[default]
    Unknown,
    Up,
    Down,
}

/// One real server's row.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ServerView {
    pub addr: IpAddr,
    pub port: u16,
    pub address: String,
    pub forward: &'static str,
    pub weight: i32,
    pub active: u32,
    pub inactive: u32,
    pub rates: Rates,
    /// Share of the service's incoming packets over the interval, 0 to 1.
    pub share: f64,
    pub health: Health,
    /// In the kernel's table; `false` for a server only the metrics
    /// endpoint knows (the supervisor took it out): no numbers.
    pub listed: bool,
}

impl ServerView {
    /// A row for a real server the table does not hold but the metrics
    /// endpoint reports down.
    pub(super) fn unlisted(
        addr: IpAddr,
        port: u16,
        forward: &'static str,
    ) -> ServerView {
        ServerView {
            addr,
            port,
            address: format_addr_port(&addr, port, None, true),
            forward,
            weight: 0,
            active: 0,
            inactive: 0,
            rates: Rates::default(),
            share: 0.0,
            health: Health::Down,
            listed: false,
        }
    }

    /// Weight 0: the server gets no new connections.
    pub(super) fn drained(&self) -> bool {
        self.listed && self.weight == 0
    }

    /// Reported down by the metrics endpoint.
    pub(super) fn down(&self) -> bool {
        self.health == Health::Down
    }

    /// The word after the row: `down` (with `(not in table)` when the
    /// table does not hold it), else `drained` for weight 0.
    pub(super) fn marker(&self) -> Option<&'static str> {
        if self.down() {
            Some(if self.listed {
                "down"
            } else {
                "down (not in table)"
            })
        } else if self.drained() {
            Some("drained")
        } else {
            None
        }
    }
}

/// One service's row and its servers'.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ServiceView {
    /// "" for the caller's namespace.
    pub netns: String,
    pub key: ServiceKey,
    /// `TCP  10.0.0.1:80`, `FWM  7` as `-Ln` names it.
    pub name: String,
    pub scheduler: String,
    pub active: u32,
    pub inactive: u32,
    pub rates: Rates,
    pub servers: Vec<ServerView>,
}

/// The rows of a reading, with rates against the previous one (zero
/// rates for the first).
pub(super) fn services(
    previous: Option<&Reading>,
    now: &Reading,
) -> Vec<ServiceView> {
    let before = previous.map(Reading::counters).unwrap_or_default();
    let seconds = previous
        .map(|p| now.at.saturating_duration_since(p.at).as_secs_f64())
        .unwrap_or(0.0);
    now.services
        .iter()
        .map(|(ns, svc, dests)| {
            let key = |d: Option<&Destination>| {
                (ns.clone(), svc.key, d.map(|d| (d.addr, d.port)))
            };
            let mut servers: Vec<ServerView> = dests
                .iter()
                .map(|d| ServerView {
                    addr: d.addr,
                    port: d.port,
                    address: format_addr_port(&d.addr, d.port, None, true),
                    forward: forward_name(d.forward),
                    weight: d.weight,
                    active: d.active_conns,
                    inactive: d.inactive_conns,
                    rates: Rates::between(
                        before.get(&key(Some(d))),
                        &d.stats,
                        seconds,
                    ),
                    share: 0.0,
                    health: Health::Unknown,
                    listed: true,
                })
                .collect();
            let total: f64 = servers.iter().map(|s| s.rates.inpkts).sum();
            if total > 0.0 {
                for s in &mut servers {
                    s.share = s.rates.inpkts / total;
                }
            }
            ServiceView {
                netns: ns.clone(),
                key: svc.key,
                name: service_name(svc),
                scheduler: svc.scheduler.clone(),
                active: servers.iter().map(|s| s.active).sum(),
                inactive: servers.iter().map(|s| s.inactive).sum(),
                rates: Rates::between(
                    before.get(&key(None)),
                    &svc.stats,
                    seconds,
                ),
                servers,
            }
        })
        .collect()
}

fn service_name(svc: &Service) -> String {
    match svc.key {
        ServiceKey::Inet {
            protocol,
            addr,
            port,
        } => format!(
            "{} {}",
            protocol.name().to_ascii_uppercase(),
            format_addr_port(&addr, port, None, true)
        ),
        ServiceKey::Fwmark { mark, .. } => format!("FWM {mark}"),
    }
}

/// The column the rows are sorted by (`s` cycles through them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum SortBy {
    /// ipvsadm's listing order.
    #[default]
    Listing,
    Connections,
    Packets,
    Bytes,
    Active,
}

impl SortBy {
    pub(super) fn next(self) -> SortBy {
        match self {
            SortBy::Listing => SortBy::Connections,
            SortBy::Connections => SortBy::Packets,
            SortBy::Packets => SortBy::Bytes,
            SortBy::Bytes => SortBy::Active,
            SortBy::Active => SortBy::Listing,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            SortBy::Listing => "listing order",
            SortBy::Connections => "conn/s",
            SortBy::Packets => "packets/s",
            SortBy::Bytes => "bytes/s",
            SortBy::Active => "active conns",
        }
    }

    fn key(self, rates: &Rates, active: u32) -> f64 {
        match self {
            SortBy::Listing => 0.0,
            SortBy::Connections => rates.conns,
            SortBy::Packets => rates.inpkts + rates.outpkts,
            SortBy::Bytes => rates.inbytes + rates.outbytes,
            SortBy::Active => f64::from(active),
        }
    }
}

/// Sorts services and each service's servers, largest first (stable,
/// so equal rows keep the listing order).
pub(super) fn sort(views: &mut [ServiceView], by: SortBy) {
    if by == SortBy::Listing {
        return;
    }
    let desc = |a: f64, b: f64| b.total_cmp(&a);
    for v in views.iter_mut() {
        v.servers.sort_by(|a, b| {
            desc(by.key(&a.rates, a.active), by.key(&b.rates, b.active))
        });
    }
    views.sort_by(|a, b| {
        desc(by.key(&a.rates, a.active), by.key(&b.rates, b.active))
    });
}

/// Keeps the services whose name, namespace or one of whose servers'
/// addresses contains `text` (all of them for an empty text).
pub(super) fn filter(views: &mut Vec<ServiceView>, text: &str) {
    if text.is_empty() {
        return;
    }
    views.retain(|v| {
        v.name.contains(text)
            || v.netns.contains(text)
            || v.servers.iter().any(|s| s.address.contains(text))
    });
}

/// A rate in at most 7 characters: `0`, `12.5`, `1.2K`, `3.4M`, `5.6G`.
pub(super) fn human(rate: f64) -> String {
    if rate < 1000.0 {
        if rate == 0.0 {
            return "0".into();
        }
        return format!("{rate:.1}");
    }
    let mut value = rate;
    for unit in ["K", "M", "G", "T"] {
        value /= 1000.0;
        if value < 1000.0 {
            return format!("{value:.1}{unit}");
        }
    }
    format!("{value:.0}T")
}

/// A share as a bar of `width` characters.
pub(super) fn bar(share: f64, width: usize) -> String {
    let filled = ((share.clamp(0.0, 1.0) * width as f64).round()) as usize;
    let mut s = "#".repeat(filled);
    s.push_str(&".".repeat(width - filled));
    s
}
