//! `-L --format table`: the listings as boxed ASCII tables for people,
//! laid out by `tabled`. Addresses, names, flags and counters are
//! formatted by the text view's own functions, so `-n` and `--exact` mean
//! what they mean there; only the layout is new.
//!
//! A table's column widths depend on every row, so a table is built
//! whole before it is written: a service listing holds one row of short
//! strings per service and per real server.

use std::io::{self, Write};

use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::style::HorizontalLine;
use tabled::settings::themes::Theme;
use tabled::settings::{Alignment, Style};

use crate::cli::StatsView;
use crate::model::{
    AddressFamily, DaemonConfig, Destination, Protocol, Service, ServiceKey,
    Stats, Timeouts,
};

use super::list::{
    forward_name, service_protocol, tunnel_info, write_service_options,
};
use super::names::{format_addr_port, push_numeric_addr};
use super::{daemon_kind, format_number, fwmark_display};

/// Titles of the text columns (left-aligned); every other column holds
/// numbers and is right-aligned.
const TEXT_TITLES: [&str; 10] = [
    "Prot",
    "Virtual",
    "Scheduler",
    "Flags",
    "Real server",
    "Forward",
    "TunnelInfo",
    "State",
    "Interface",
    "Group",
];

/// A service listing under construction: a title row, then for each
/// service its own row and one row per real server under it.
pub struct ServiceTable {
    builder: Builder,
    titles: Vec<&'static str>,
    view: StatsView,
    numeric: bool,
    exact: bool,
    /// The index of the row of every service but the first; a rule is
    /// drawn above each.
    rules: Vec<usize>,
}

impl ServiceTable {
    /// An empty listing in the column set of `view`.
    pub fn new(view: StatsView, numeric: bool, exact: bool) -> Self {
        let mut builder = Builder::new();
        let mut titles = service_titles(view).to_vec();
        titles.push("Real server");
        titles.extend_from_slice(server_titles(view));
        builder.push_record(titles.iter().copied());
        ServiceTable {
            builder,
            titles,
            view,
            numeric,
            exact,
            rules: Vec::new(),
        }
    }

    /// Adds a service's row and the rows of its real servers.
    pub fn push(&mut self, svc: &Service, dests: &[Destination]) {
        let row = self.builder.count_records();
        if row > 1 {
            self.rules.push(row);
        }
        let mut cells = self.service_cells(svc);
        cells.push(String::new());
        match counters_of(self.view, &svc.stats) {
            Some(values) => cells.extend(self.numbers(values)),
            None => blank(&mut cells, server_titles(self.view).len()),
        }
        self.builder.push_record(cells);
        let lead = service_titles(self.view).len();
        for d in dests {
            let mut cells = Vec::with_capacity(lead + 6);
            blank(&mut cells, lead);
            cells.push(format_addr_port(
                &d.addr,
                d.port,
                service_protocol(svc),
                self.numeric,
            ));
            cells.extend(self.server_cells(d));
            self.builder.push_record(cells);
        }
    }

    /// Writes the table and a newline.
    pub fn write(self, out: &mut impl Write) -> io::Result<()> {
        write_table(out, self.builder, &self.titles, &self.rules)
    }

    fn service_cells(&self, svc: &Service) -> Vec<String> {
        let (prot, virtual_) = match &svc.key {
            ServiceKey::Fwmark { family, mark } => {
                let mut text = fwmark_display(*mark).to_string();
                if *family == AddressFamily::Inet6 {
                    text.push_str(" IPv6");
                }
                ("FWM", text)
            }
            ServiceKey::Inet {
                protocol,
                addr,
                port,
            } => (
                protocol_name(*protocol),
                format_addr_port(addr, *port, Some(*protocol), self.numeric),
            ),
        };
        let mut cells = vec![prot.to_string(), virtual_];
        if counters_of(self.view, &svc.stats).is_none() {
            let mut options = Vec::new();
            // Writing into a Vec cannot fail.
            let _ = write_service_options(&mut options, svc);
            let options = String::from_utf8_lossy(&options);
            cells.push(svc.scheduler.clone());
            cells.push(options.trim_start().to_string());
        }
        cells
    }

    fn server_cells(&self, d: &Destination) -> Vec<String> {
        if let Some(values) = counters_of(self.view, &d.stats) {
            return self.numbers(values);
        }
        let forward = forward_name(d.forward).to_string();
        let (active, inactive) =
            (d.active_conns.to_string(), d.inactive_conns.to_string());
        match self.view {
            StatsView::Thresholds => vec![
                d.u_threshold.to_string(),
                d.l_threshold.to_string(),
                active,
                inactive,
            ],
            StatsView::PersistentConn => vec![
                d.weight.to_string(),
                d.persist_conns.to_string(),
                active,
                inactive,
            ],
            StatsView::TunInfo => vec![
                forward,
                tunnel_info(d),
                d.weight.to_string(),
                active,
                inactive,
            ],
            _ => vec![forward, d.weight.to_string(), active, inactive],
        }
    }

    /// Counters as the text view prints them (scaled to K, M, G, T unless
    /// `--exact`), without its padding.
    fn numbers(&self, values: [u64; 5]) -> Vec<String> {
        values
            .iter()
            .map(|v| format_number(*v, self.exact).trim_start().to_string())
            .collect()
    }
}

/// The service columns of a column set: the counter views leave out the
/// scheduler and flags, as ipvsadm's do.
fn service_titles(view: StatsView) -> &'static [&'static str] {
    match view {
        StatsView::Stats | StatsView::Rate => &["Prot", "Virtual"],
        _ => &["Prot", "Virtual", "Scheduler", "Flags"],
    }
}

/// The real-server columns of a column set, with ipvsadm's titles.
fn server_titles(view: StatsView) -> &'static [&'static str] {
    match view {
        StatsView::Stats => {
            &["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"]
        }
        StatsView::Rate => &["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"],
        StatsView::Thresholds => {
            &["Uthreshold", "Lthreshold", "ActiveConn", "InActConn"]
        }
        StatsView::PersistentConn => {
            &["Weight", "PersistConn", "ActiveConn", "InActConn"]
        }
        StatsView::TunInfo => {
            &["Forward", "TunnelInfo", "Weight", "ActiveConn", "InActConn"]
        }
        StatsView::Default => &["Forward", "Weight", "ActiveConn", "InActConn"],
    }
}

/// The five counters of `--stats` or `--rate`; `None` in other views.
fn counters_of(view: StatsView, s: &Stats) -> Option<[u64; 5]> {
    match view {
        StatsView::Stats => {
            Some([s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes])
        }
        StatsView::Rate => Some([s.cps, s.inpps, s.outpps, s.inbps, s.outbps]),
        _ => None,
    }
}

/// `TCP`, `UDP`, `SCTP`, or `?` as the text view names protocols.
fn protocol_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "TCP",
        Protocol::Udp => "UDP",
        Protocol::Sctp => "SCTP",
        Protocol::Other(_) => "?",
    }
}

fn blank(cells: &mut Vec<String>, n: usize) {
    cells.extend(std::iter::repeat_n(String::new(), n));
}

/// `-L --timeout --format table`.
pub fn write_timeouts(out: &mut impl Write, t: &Timeouts) -> io::Result<()> {
    const TITLES: [&str; 3] = ["TCP", "TCP FIN", "UDP"];
    let mut builder = Builder::new();
    builder.push_record(TITLES);
    // The text view prints the three values with C's %d.
    let values = [t.tcp, t.tcp_fin, t.udp].map(|v| (v as i32).to_string());
    builder.push_record(values);
    write_table(out, builder, &TITLES, &[])
}

/// `-L --daemon --format table`: one row per master or backup daemon;
/// the attributes the text view leaves out (zero or absent) are blank.
pub fn write_daemons(
    out: &mut impl Write,
    daemons: &[DaemonConfig],
) -> io::Result<()> {
    const TITLES: [&str; 7] = [
        "State",
        "Interface",
        "Syncid",
        "Maxlen",
        "Group",
        "Port",
        "TTL",
    ];
    let mut builder = Builder::new();
    builder.push_record(TITLES);
    for d in daemons {
        let Some(kind) = daemon_kind(d) else {
            continue;
        };
        let mut group = String::new();
        if let Some(addr) = &d.mcast_group {
            push_numeric_addr(&mut group, addr);
        }
        builder.push_record([
            kind.to_string(),
            d.mcast_ifn.clone(),
            (d.sync_id as i32).to_string(),
            nonzero(d.sync_maxlen.into()),
            group,
            nonzero(d.mcast_port.into()),
            nonzero(d.mcast_ttl.into()),
        ]);
    }
    write_table(out, builder, &TITLES, &[])
}

fn nonzero(v: u64) -> String {
    if v == 0 { String::new() } else { v.to_string() }
}

/// Writes the rows of `builder` (the first holds `titles`) boxed in
/// ASCII, with a rule under the titles and above each row in `rules`;
/// columns whose title is not a text column are right-aligned.
fn write_table(
    out: &mut impl Write,
    builder: Builder,
    titles: &[&str],
    rules: &[usize],
) -> io::Result<()> {
    let mut table = builder.build();
    let mut theme = Theme::from_style(Style::ascii());
    theme.remove_horizontal_lines();
    for row in std::iter::once(1).chain(rules.iter().copied()) {
        theme.insert_horizontal_line(
            row,
            HorizontalLine::inherit(Style::ascii()),
        );
    }
    table.with(theme);
    for (col, title) in titles.iter().enumerate() {
        if !TEXT_TITLES.contains(title) {
            table.modify(Columns::one(col), Alignment::right());
        }
    }
    writeln!(out, "{table}")
}
