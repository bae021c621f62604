//! `--top` when standard output is not a terminal: one plain-text
//! snapshot per interval, the rows of the full-screen view as lines.

use std::io::{self, Write};

use super::view::{ServiceView, bar, human};

/// Width of the share bar.
const BAR: usize = 20;

/// The title line and column titles of a snapshot.
pub(super) fn titles(interval_ms: u64) -> [String; 2] {
    [
        format!(
            "ipvsadm --top: every {}s (rates from counter differences)",
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
            "{:<34} {:<6} {:>6} {:>8} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7}",
            name,
            v.scheduler,
            "",
            v.active,
            v.inactive,
            human(v.rates.conns),
            human(v.rates.inpkts),
            human(v.rates.outpkts),
            human(v.rates.inbytes),
            human(v.rates.outbytes),
        ));
        for s in &v.servers {
            let mut line = format!(
                "  -> {:<29} {:<6} {:>6} {:>8} {:>9} {:>7} {:>7} {:>7} {:>7} \
                 {:>7}  {} {:>3}%",
                s.address,
                s.forward,
                s.weight,
                s.active,
                s.inactive,
                human(s.rates.conns),
                human(s.rates.inpkts),
                human(s.rates.outpkts),
                human(s.rates.inbytes),
                human(s.rates.outbytes),
                bar(s.share, BAR),
                (s.share * 100.0).round() as u32,
            );
            if s.drained() {
                line.push_str(" drained");
            }
            lines.push(line);
        }
    }
    lines
}

/// One snapshot and a blank line after it.
pub(super) fn write(
    out: &mut dyn Write,
    views: &[ServiceView],
    interval_ms: u64,
) -> io::Result<()> {
    for line in titles(interval_ms).iter().chain(&lines(views)) {
        writeln!(out, "{line}")?;
    }
    writeln!(out)
}
