//! `-L --format table`: the listings as boxed ASCII tables for people,
//! laid out by `tabled`. Addresses, names, flags and counters are
//! formatted by the text view's own functions, so `-n` and `--exact` mean
//! what they mean there; only the layout is new.
//!
//! A table's column widths depend on every row, so the rows of a listing
//! are kept until it is printed, each as one string; `tabled` then lays
//! them out a few hundred at a time, with the widths of the whole table.

use std::io::{self, Write};

use tabled::builder::Builder;
use tabled::grid::util::string::get_string_width;
use tabled::settings::object::Columns;
use tabled::settings::style::HorizontalLine;
use tabled::settings::themes::Theme;
use tabled::settings::{Alignment, Style, Width};

use super::StatsView;
use crate::model::{
    AddressFamily, DaemonConfig, Destination, Protocol, Service, ServiceKey,
    Stats, Timeouts,
};

use super::list::{
    forward_name, service_protocol, tunnel_info, write_service_options,
};
use super::names::{format_addr_port, push_numeric_addr};
use super::{daemon_kind, format_number};

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

/// Rows of a table kept compact until they are printed: each row's
/// cells joined by NUL, the widest cell of each column, and the rows that
/// start a group (a service) and get a rule above them.
struct Rows {
    titles: Vec<&'static str>,
    rows: Vec<String>,
    widths: Vec<usize>,
    groups: Vec<usize>,
}

/// How many rows (at least; whole groups) are laid out by `tabled` at a
/// time. Every part gets the column widths of the whole table, so the
/// parts join into one table.
const PART_ROWS: usize = 256;

impl Rows {
    fn new(titles: Vec<&'static str>) -> Self {
        let widths = titles.iter().map(|t| get_string_width(t)).collect();
        Rows {
            titles,
            rows: Vec::new(),
            widths,
            groups: Vec::new(),
        }
    }

    /// Starts a group: a rule is drawn above its first row.
    fn group(&mut self) {
        self.groups.push(self.rows.len());
    }

    /// Adds a row. Control characters (which a kernel or DNS name could
    /// hold) become `?`, so every cell is one line of known width.
    fn push(&mut self, cells: Vec<String>) {
        let mut row = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                row.push('\0');
            }
            row.extend(
                cell.chars().map(|c| if c.is_control() { '?' } else { c }),
            );
            let width = get_string_width(row.rsplit('\0').next().unwrap_or(""));
            if let Some(w) = self.widths.get_mut(i) {
                *w = (*w).max(width);
            }
        }
        self.rows.push(row);
    }

    /// Writes the table in parts of about `part_rows` rows, and a newline.
    fn write(&self, out: &mut impl Write, part_rows: usize) -> io::Result<()> {
        let mut first = 0;
        let mut starts = self.groups.iter().copied().skip_while(|&g| g == 0);
        loop {
            // The part ends at the first group start `part_rows` on.
            let end = starts
                .by_ref()
                .find(|&g| g >= first + part_rows.max(1))
                .unwrap_or(self.rows.len());
            self.write_part(out, first, end)?;
            if end >= self.rows.len() {
                return Ok(());
            }
            first = end;
        }
    }

    /// Rows `first..end` as a table with the titles above them when
    /// `first` is 0, else without its top border (the part before ends
    /// with the rule that starts this one's first group).
    fn write_part(
        &self,
        out: &mut impl Write,
        first: usize,
        end: usize,
    ) -> io::Result<()> {
        let titled = first == 0;
        let mut builder = Builder::new();
        if titled {
            builder.push_record(self.titles.iter().copied());
        }
        for row in &self.rows[first..end] {
            builder.push_record(row.split('\0'));
        }
        let mut table = builder.build();
        let mut theme = Theme::from_style(Style::ascii());
        theme.remove_horizontal_lines();
        let shift = usize::from(titled);
        let inside = self.groups.partition_point(|&g| g <= first)
            ..self.groups.partition_point(|&g| g < end);
        let rules = self.groups[inside].iter().map(|g| g - first + shift);
        for row in rules.chain(titled.then_some(1)) {
            theme.insert_horizontal_line(
                row,
                HorizontalLine::inherit(Style::ascii()),
            );
        }
        table.with(theme);
        for (col, title) in self.titles.iter().enumerate() {
            if !TEXT_TITLES.contains(title) {
                table.modify(Columns::one(col), Alignment::right());
            }
        }
        // One space of padding on either side of the widest cell.
        table.with(Width::list(self.widths.iter().map(|w| w + 2)));
        let text = table.to_string();
        let body = if titled {
            text.as_str()
        } else {
            text.split_once('\n').map_or("", |(_, rest)| rest)
        };
        writeln!(out, "{body}")
    }
}

/// A service listing under construction: a title row, then for each
/// service its own row and one row per real server under it.
pub(crate) struct ServiceTable {
    rows: Rows,
    view: StatsView,
    numeric: bool,
    exact: bool,
}

impl ServiceTable {
    /// An empty listing in the column set of `view`.
    pub(crate) fn new(view: StatsView, numeric: bool, exact: bool) -> Self {
        let mut titles = service_titles(view).to_vec();
        titles.push("Real server");
        titles.extend_from_slice(server_titles(view));
        ServiceTable {
            rows: Rows::new(titles),
            view,
            numeric,
            exact,
        }
    }

    /// Adds a service's row and the rows of its real servers.
    pub(crate) fn push(&mut self, svc: &Service, dests: &[Destination]) {
        self.rows.group();
        let mut cells = self.service_cells(svc);
        cells.push(String::new());
        match counters_of(self.view, &svc.stats) {
            Some(values) => cells.extend(self.numbers(values)),
            None => blank(&mut cells, server_titles(self.view).len()),
        }
        self.rows.push(cells);
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
            self.rows.push(cells);
        }
    }

    /// Writes the table and a newline.
    pub(crate) fn write(self, out: &mut impl Write) -> io::Result<()> {
        self.rows.write(out, PART_ROWS)
    }

    /// [`ServiceTable::write`] laid out `part_rows` rows at a time.
    #[cfg(test)]
    pub(crate) fn write_in_parts(
        self,
        out: &mut impl Write,
        part_rows: usize,
    ) -> io::Result<()> {
        self.rows.write(out, part_rows)
    }

    fn service_cells(&self, svc: &Service) -> Vec<String> {
        let (prot, virtual_) = match &svc.key {
            ServiceKey::Fwmark { family, mark } => {
                let mut text = mark.to_string();
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
pub(crate) fn write_timeouts(
    out: &mut impl Write,
    t: &Timeouts,
) -> io::Result<()> {
    let mut rows = Rows::new(vec!["TCP", "TCP FIN", "UDP"]);
    // The text view prints the three values with C's %d.
    let values = [t.tcp, t.tcp_fin, t.udp].map(|v| (v as i32).to_string());
    rows.push(values.to_vec());
    rows.write(out, PART_ROWS)
}

/// `-L --daemon --format table`: one row per master or backup daemon;
/// the attributes the text view leaves out (zero or absent) are blank.
pub(crate) fn write_daemons(
    out: &mut impl Write,
    daemons: &[DaemonConfig],
) -> io::Result<()> {
    let mut rows = Rows::new(vec![
        "State",
        "Interface",
        "Syncid",
        "Maxlen",
        "Group",
        "Port",
        "TTL",
    ]);
    for d in daemons {
        let Some(kind) = daemon_kind(d) else {
            continue;
        };
        let mut group = String::new();
        if let Some(addr) = &d.mcast_group {
            push_numeric_addr(&mut group, addr);
        }
        rows.push(vec![
            kind.to_string(),
            String::from_utf8_lossy(&d.mcast_ifn).into_owned(),
            (d.sync_id as i32).to_string(),
            nonzero(d.sync_maxlen.into()),
            group,
            nonzero(d.mcast_port.into()),
            nonzero(d.mcast_ttl.into()),
        ]);
    }
    rows.write(out, PART_ROWS)
}

fn nonzero(v: u64) -> String {
    if v == 0 { String::new() } else { v.to_string() }
}
