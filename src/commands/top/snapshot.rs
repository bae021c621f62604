//! `--top` when standard output is not a terminal: one plain-text
//! snapshot per interval, the rows of the full-screen view as lines.

use std::io::{self, Write};
use std::net::SocketAddr;

use super::view::{Rates, ServerView, ServiceView, bar, human};

/// Width of the share bar.
const BAR: usize = 20;

/// The title line and column titles of a snapshot; the title names the
/// metrics endpoint read, if any.
pub(super) fn titles(
    interval_ms: u64,
    metrics: Option<SocketAddr>,
) -> [String; 2] {
    let health = metrics
        .map(|a| format!(", down servers from http://{a}/metrics"))
        .unwrap_or_default();
    [
        format!(
            "ipvsadm --top: every {}s (rates from counter differences){health}",
            interval_ms as f64 / 1000.0
        ),
        format!(
            "{:<34} {:<6} {:>6} {:>8} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7}  \
             Share of InPkt/s",
            "Prot LocalAddress:Port",
            "Sched",
            "Weight",
            "ActConn",
            "InActConn",
            "Conn/s",
            "InPkt/s",
            "OutPk/s",
            "InB/s",
            "OutB/s",
        ),
    ]
}

/// The lines of each service and its real servers.
pub(super) fn lines(views: &[ServiceView]) -> Vec<String> {
    let mut lines = Vec::new();
    for v in views {
        let name = if v.netns.is_empty() {
            v.name.clone()
        } else {
            format!("[{}] {}", v.netns, v.name)
        };
        lines.push(format!(
            "{:<34} {:<6} {}",
            name,
            v.scheduler,
            numbers("", v.active, v.inactive, &v.rates)
        ));
        lines.extend(v.servers.iter().map(server_line));
    }
    lines
}

/// A real server's line: its numbers, its share, and its marker. A
/// server the table does not hold has no numbers.
fn server_line(s: &ServerView) -> String {
    let mut line = if s.listed {
        format!(
            "  -> {:<29} {:<6} {}  {} {:>3}%",
            s.address,
            s.forward,
            numbers(&s.weight.to_string(), s.active, s.inactive, &s.rates),
            bar(s.share, BAR),
            (s.share * 100.0).round() as u32,
        )
    } else {
        format!("  -> {:<29} {:<6} {:>92}", s.address, s.forward, "")
    };
    if let Some(marker) = s.marker() {
        line.push(' ');
        line.push_str(marker);
    }
    line
}

/// The weight, connection and rate columns.
fn numbers(weight: &str, active: u32, inactive: u32, rates: &Rates) -> String {
    format!(
        "{:>6} {:>8} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7}",
        weight,
        active,
        inactive,
        human(rates.conns),
        human(rates.inpkts),
        human(rates.outpkts),
        human(rates.inbytes),
        human(rates.outbytes),
    )
}

/// One snapshot, the status line (if any) and a blank line after it.
pub(super) fn write(
    out: &mut dyn Write,
    titles: &[String; 2],
    views: &[ServiceView],
    status: Option<&str>,
) -> io::Result<()> {
    for line in titles.iter().chain(&lines(views)).map(String::as_str) {
        writeln!(out, "{line}")?;
    }
    if let Some(status) = status {
        writeln!(out, "{status}")?;
    }
    writeln!(out)
}
