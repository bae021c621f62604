//! `-L --format prometheus`: the services and real servers with their
//! counters, kernel rates, weights, connection counts and thresholds in
//! the Prometheus text exposition format (version 0.0.4), for
//! node_exporter's textfile collector or a scrape endpoint.
//!
//! The format wants every sample of a metric family under one `# HELP`
//! and `# TYPE` pair, so the table is gathered first ([`Exposition`]:
//! one or several network namespaces) and written family by family.
//! Counters are the kernel's 64-bit ones, printed exactly.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::IpAddr;

use crate::model::{
    AddressFamily, Destination, ForwardMethod, Service, ServiceKey, Stats,
};

/// What a health checker knows of one real server, for the optional
/// health families: `ipvs_real_server_up`,
/// `ipvs_real_server_check_duration_seconds`,
/// `ipvs_real_server_check_error` and
/// `ipvs_real_server_transitions_total`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ServerHealth {
    /// Whether the last check passed.
    pub up: bool,
    /// How long the last check took, in seconds.
    pub last_check_seconds: f64,
    /// Why the last check failed; `None` when it passed.
    pub last_error: Option<String>,
    /// How often the server went from up to down or back since the
    /// supervisor started.
    pub transitions: u64,
}

/// A real server of a service in a namespace: the key of a [`HealthMap`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ServerKey {
    /// The namespace label ("" for the caller's namespace).
    pub netns: String,
    pub service: ServiceKey,
    pub addr: IpAddr,
    pub port: u16,
}

/// Health of real servers by namespace, service and address.
pub(crate) type HealthMap = HashMap<ServerKey, ServerHealth>;

/// A table (or several, one per network namespace) gathered for one
/// exposition.
#[derive(Debug, Default)]
pub(crate) struct Exposition {
    services: Vec<Entry>,
}

/// One service of an [`Exposition`].
#[derive(Debug)]
struct Entry {
    /// The namespace label.
    netns: String,
    service: Service,
    /// Its real servers as the table holds them.
    dests: Vec<Destination>,
    /// Real servers the table does not hold but whose health is known.
    unlisted: Vec<Destination>,
}

impl Exposition {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds one service and its real servers, found in namespace `netns`
    /// ("" for the caller's).
    pub(crate) fn push(
        &mut self,
        netns: &str,
        svc: &Service,
        dests: &[Destination],
    ) {
        self.services.push(Entry {
            netns: netns.to_owned(),
            service: svc.clone(),
            dests: dests.to_vec(),
            unlisted: Vec::new(),
        });
    }

    /// Adds real servers of the service pushed last that its table does
    /// not hold (the supervisor took them out for failing their checks):
    /// they get the health families only, labelled as if they were
    /// listed. Without a service pushed, nothing.
    pub(crate) fn push_unlisted(&mut self, dests: &[Destination]) {
        if let Some(last) = self.services.last_mut() {
            last.unlisted.extend_from_slice(dests);
        }
    }

    /// Writes every family with its samples; `health` adds the health
    /// families (see [`ServerHealth`]) for the servers it knows.
    pub(crate) fn write(
        &self,
        out: &mut impl Write,
        health: Option<&HealthMap>,
    ) -> io::Result<()> {
        write_exposition(out, &self.services, health)
    }
}

/// How a family's value is read from a service or a real server.
enum Source {
    Stats(fn(&Stats) -> u64),
    Dest(fn(&Destination) -> i64),
}

struct Family {
    name: &'static str,
    kind: &'static str,
    help: &'static str,
    source: Source,
}

const fn family(
    name: &'static str,
    kind: &'static str,
    help: &'static str,
    source: Source,
) -> Family {
    Family {
        name,
        kind,
        help,
        source,
    }
}

/// The counter and rate families, for services and real servers alike
/// (names without the `ipvs_service_`/`ipvs_real_server_` prefix).
const STATS_FAMILIES: &[Family] = &[
    family(
        "connections_total",
        "counter",
        "Connections scheduled.",
        Source::Stats(|s| s.conns),
    ),
    family(
        "incoming_packets_total",
        "counter",
        "Packets received from clients.",
        Source::Stats(|s| s.inpkts),
    ),
    family(
        "outgoing_packets_total",
        "counter",
        "Packets sent to clients.",
        Source::Stats(|s| s.outpkts),
    ),
    family(
        "incoming_bytes_total",
        "counter",
        "Bytes received from clients.",
        Source::Stats(|s| s.inbytes),
    ),
    family(
        "outgoing_bytes_total",
        "counter",
        "Bytes sent to clients.",
        Source::Stats(|s| s.outbytes),
    ),
    family(
        "connections_per_second",
        "gauge",
        "The kernel's estimate of connections per second.",
        Source::Stats(|s| s.cps),
    ),
    family(
        "incoming_packets_per_second",
        "gauge",
        "The kernel's estimate of incoming packets per second.",
        Source::Stats(|s| s.inpps),
    ),
    family(
        "outgoing_packets_per_second",
        "gauge",
        "The kernel's estimate of outgoing packets per second.",
        Source::Stats(|s| s.outpps),
    ),
    family(
        "incoming_bytes_per_second",
        "gauge",
        "The kernel's estimate of incoming bytes per second.",
        Source::Stats(|s| s.inbps),
    ),
    family(
        "outgoing_bytes_per_second",
        "gauge",
        "The kernel's estimate of outgoing bytes per second.",
        Source::Stats(|s| s.outbps),
    ),
];

/// The families only real servers have.
const DEST_FAMILIES: &[Family] = &[
    family(
        "weight",
        "gauge",
        "Weight of the real server (0: no new connections).",
        Source::Dest(|d| i64::from(d.weight)),
    ),
    family(
        "active_connections",
        "gauge",
        "Active connections.",
        Source::Dest(|d| i64::from(d.active_conns)),
    ),
    family(
        "inactive_connections",
        "gauge",
        "Inactive connections.",
        Source::Dest(|d| i64::from(d.inactive_conns)),
    ),
    family(
        "persistent_connections",
        "gauge",
        "Persistent connection templates.",
        Source::Dest(|d| i64::from(d.persist_conns)),
    ),
    family(
        "upper_threshold",
        "gauge",
        "Upper connection threshold (0: none).",
        Source::Dest(|d| i64::from(d.u_threshold)),
    ),
    family(
        "lower_threshold",
        "gauge",
        "Lower connection threshold.",
        Source::Dest(|d| i64::from(d.l_threshold)),
    ),
];

fn write_exposition(
    out: &mut impl Write,
    services: &[Entry],
    health: Option<&HealthMap>,
) -> io::Result<()> {
    let service_labels: Vec<String> = services
        .iter()
        .map(|e| service_labels(&e.netns, &e.service))
        .collect();
    let dest_labels: Vec<Vec<String>> = services
        .iter()
        .zip(&service_labels)
        .map(|(e, base)| e.dests.iter().map(|d| dest_labels(base, d)).collect())
        .collect();
    for f in STATS_FAMILIES {
        let Source::Stats(get) = f.source else {
            continue;
        };
        header(out, "ipvs_service_", f)?;
        for (e, labels) in services.iter().zip(&service_labels) {
            sample(out, "ipvs_service_", f, labels, get(&e.service.stats))?;
        }
    }
    for f in STATS_FAMILIES.iter().chain(DEST_FAMILIES) {
        header(out, "ipvs_real_server_", f)?;
        for (e, labels) in services.iter().zip(&dest_labels) {
            for (d, labels) in e.dests.iter().zip(labels) {
                match f.source {
                    Source::Stats(get) => sample(
                        out,
                        "ipvs_real_server_",
                        f,
                        labels,
                        get(&d.stats),
                    )?,
                    Source::Dest(get) => {
                        sample(out, "ipvs_real_server_", f, labels, get(d))?
                    }
                }
            }
        }
    }
    if let Some(health) = health {
        write_health(out, services, &service_labels, health)?;
    }
    Ok(())
}

/// The health families, each with a sample for every real server the
/// map knows, listed or not, (and `ipvs_real_server_check_error` only for the ones whose
/// last check failed).
///
/// The error is an info-style gauge: the reason is the `error` label
/// and the value is always 1, so a failing server has exactly one such
/// series (its current reason) and a healthy one none; the reason text
/// is cut to [`ERROR_LABEL_MAX`] bytes to keep series names small.
fn write_health(
    out: &mut impl Write,
    services: &[Entry],
    service_labels: &[String],
    health: &HealthMap,
) -> io::Result<()> {
    let known: Vec<(String, &ServerHealth)> = services
        .iter()
        .zip(service_labels)
        .flat_map(|(e, base)| {
            e.dests.iter().chain(&e.unlisted).filter_map(|d| {
                let key = ServerKey {
                    netns: e.netns.clone(),
                    service: e.service.key,
                    addr: d.addr,
                    port: d.port,
                };
                health.get(&key).map(|h| (dest_labels(base, d), h))
            })
        })
        .collect();
    let p = "ipvs_real_server_";
    for (f, value) in HEALTH_FAMILIES {
        header(out, p, f)?;
        for (labels, h) in &known {
            let Some((error, value)) = value(h) else {
                continue;
            };
            match error {
                None => sample(out, p, f, labels, value)?,
                Some(reason) => {
                    let mut labels = (*labels).to_owned();
                    push_label(&mut labels, "error", reason);
                    sample(out, p, f, &labels, value)?;
                }
            }
        }
    }
    Ok(())
}

/// A health family's sample for one server, if it has one: the `error`
/// label it adds, if any, and the value.
type HealthValue = fn(&ServerHealth) -> Option<(Option<&str>, String)>;

/// The health families (names without the `ipvs_real_server_` prefix).
const HEALTH_FAMILIES: &[(Family, HealthValue)] = &[
    (
        family(
            "up",
            "gauge",
            "1 if the last health check of the real server passed, else 0.",
            Source::Dest(|_| 0),
        ),
        |h| Some((None, u8::from(h.up).to_string())),
    ),
    (
        family(
            "check_duration_seconds",
            "gauge",
            "How long the last health check of the real server took.",
            Source::Dest(|_| 0),
        ),
        |h| Some((None, Float(h.last_check_seconds).to_string())),
    ),
    (
        family(
            "check_error",
            "gauge",
            "1 with the reason as the error label if the last health \
             check of the real server failed; absent if it passed.",
            Source::Dest(|_| 0),
        ),
        |h| {
            let reason = h.last_error.as_deref()?;
            Some((Some(cut(reason, ERROR_LABEL_MAX)), "1".to_owned()))
        },
    ),
    (
        family(
            "transitions_total",
            "counter",
            "Changes of the real server's health (up to down or back) \
             since the supervisor started.",
            Source::Dest(|_| 0),
        ),
        |h| Some((None, h.transitions.to_string())),
    ),
];

/// The longest `error` label value, in bytes.
pub(crate) const ERROR_LABEL_MAX: usize = 200;

/// `s` cut to at most `max` bytes, at a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A float sample value as the text format spells it (`+Inf`, `-Inf`,
/// `NaN`; finite values in Rust's shortest round-trip form).
struct Float(f64);

impl std::fmt::Display for Float {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            v if v.is_nan() => f.write_str("NaN"),
            v if v == f64::INFINITY => f.write_str("+Inf"),
            v if v == f64::NEG_INFINITY => f.write_str("-Inf"),
            v => write!(f, "{v}"),
        }
    }
}

fn header(out: &mut impl Write, prefix: &str, f: &Family) -> io::Result<()> {
    writeln!(out, "# HELP {prefix}{} {}", f.name, f.help)?;
    writeln!(out, "# TYPE {prefix}{} {}", f.name, f.kind)
}

fn sample(
    out: &mut impl Write,
    prefix: &str,
    f: &Family,
    labels: &str,
    value: impl std::fmt::Display,
) -> io::Result<()> {
    writeln!(out, "{prefix}{}{{{labels}}} {value}", f.name)
}

/// The labels of a service: `netns`, `family`, `protocol`, `address`,
/// `port`, `fwmark` (the ones a service does not have are empty, which
/// Prometheus reads as absent) and `scheduler`.
fn service_labels(netns: &str, svc: &Service) -> String {
    let family = match svc.key.family() {
        AddressFamily::Inet => "inet",
        AddressFamily::Inet6 => "inet6",
    };
    let (protocol, address, port, fwmark) = match svc.key {
        ServiceKey::Inet {
            protocol,
            addr,
            port,
        } => (
            protocol.name().to_owned(),
            addr.to_string(),
            port.to_string(),
            String::new(),
        ),
        ServiceKey::Fwmark { mark, .. } => (
            String::new(),
            String::new(),
            String::new(),
            mark.to_string(),
        ),
    };
    let mut labels = String::with_capacity(128);
    push_label(&mut labels, "netns", netns);
    push_label(&mut labels, "family", family);
    push_label(&mut labels, "protocol", &protocol);
    push_label(&mut labels, "address", &address);
    push_label(&mut labels, "port", &port);
    push_label(&mut labels, "fwmark", &fwmark);
    push_label(&mut labels, "scheduler", &svc.scheduler);
    labels
}

/// A real server's labels: its service's, then `server_address`,
/// `server_port` and `forward` (masq, local, tunnel, route).
fn dest_labels(service: &str, d: &Destination) -> String {
    let mut labels = String::with_capacity(service.len() + 64);
    labels.push_str(service);
    push_label(&mut labels, "server_address", &d.addr.to_string());
    push_label(&mut labels, "server_port", &d.port.to_string());
    push_label(&mut labels, "forward", forward_name(d.forward));
    labels
}

/// The forwarding method as the JSON view names it.
pub(crate) fn forward_name(f: ForwardMethod) -> &'static str {
    match f {
        ForwardMethod::Masquerade => "masq",
        ForwardMethod::Local => "local",
        ForwardMethod::Tunnel => "tunnel",
        ForwardMethod::Route => "route",
        ForwardMethod::Other(_) => "other",
    }
}

fn push_label(labels: &mut String, name: &str, value: &str) {
    if !labels.is_empty() {
        labels.push(',');
    }
    labels.push_str(name);
    labels.push_str("=\"");
    push_escaped(labels, value);
    labels.push('"');
}

/// A label value as the text format wants it: backslash, double quote
/// and line feed escaped.
pub(crate) fn push_escaped(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}
