//! ipvsadm's output formats, byte for byte: the service listing and its
//! column sets, `--save` rules, the connection table, timeouts and sync
//! daemons.
//!
//! Every writer takes `&mut impl Write` (callers pass a buffered stdout)
//! and writes whole lines.
//!
//! One deliberate divergence from ipvsadm 1.31: it printed fwmarks with
//! `%d`, so marks of 2^31 and above came out negative (`FWM  -1`, and
//! `-f -1` in `--save` output that `-R` then rejects). Upstream fixed this
//! after 1.31 (commit e61c8cd); fwmarks are printed unsigned here, in
//! listings and in `--save`.

pub(crate) mod connections;
mod digits;
pub(crate) mod json;
pub(crate) mod list;
pub(crate) mod names;
pub(crate) mod prometheus;
pub(crate) mod save;
pub(crate) mod sort;
pub(crate) mod table;
mod view;

use std::io::{self, Write};

use crate::model::{DaemonConfig, DaemonState, Timeouts};
use digits::{Decimal, write_right};

pub(crate) use connections::write_connections;
pub(crate) use list::{
    write_dest, write_service, write_titles, write_version_header,
};
pub(crate) use save::{write_save_dest, write_save_service};
pub(crate) use sort::{service_order, sort_dests};
pub(crate) use view::{ListView, StatsView};
#[cfg(test)]
pub(crate) use {names::format_addr_port, sort::sort_services};

/// ipvsadm's counter formatter (`print_largenum`) as a string.
///
/// Without `exact` the value is scaled with decimal units K, M, G, T so
/// that it fits 9 columns; with `exact` it is right-aligned in 9 columns,
/// widened to keep one leading space.
pub(crate) fn format_number(v: u64, exact: bool) -> String {
    let mut out = Vec::with_capacity(12);
    // Writing into a Vec cannot fail.
    let _ = write_number(&mut out, v, exact);
    String::from_utf8_lossy(&out).into_owned()
}

/// [`format_number`] written straight to `out`.
pub(crate) fn write_number(
    out: &mut impl Write,
    v: u64,
    exact: bool,
) -> io::Result<()> {
    if v < 100_000_000 {
        return write_right(out, v, 9);
    }
    if exact {
        out.write_all(b" ")?;
        return out.write_all(Decimal::new(v).bytes());
    }
    let (shown, unit) = if v < 1_000_000_000 {
        (v / 1_000, b"K")
    } else if v < 100_000_000_000 {
        (v / 1_000_000, b"M")
    } else if v < 100_000_000_000_000 {
        (v / 1_000_000_000, b"G")
    } else {
        (v / 1_000_000_000_000, b"T")
    };
    write_right(out, shown, 8)?;
    out.write_all(unit)
}

/// `-L --timeout`.
pub(crate) fn write_timeouts(
    out: &mut impl Write,
    t: &Timeouts,
) -> io::Result<()> {
    // ipvsadm prints the three values with %d.
    writeln!(
        out,
        "Timeout (tcp tcpfin udp): {} {} {}",
        t.tcp as i32, t.tcp_fin as i32, t.udp as i32
    )
}

/// One line of `-L --daemon` for a daemon the kernel reported; nothing
/// when its state is neither master nor backup. ipvsadm tests the state
/// bits, master first.
pub(crate) fn write_daemon(
    out: &mut impl Write,
    d: &DaemonConfig,
) -> io::Result<()> {
    let Some(kind) = daemon_kind(d) else {
        return Ok(());
    };
    out.write_all(kind.as_bytes())?;
    out.write_all(b" sync daemon (mcast=")?;
    out.write_all(&d.mcast_ifn)?;
    write!(out, ", syncid={}", d.sync_id as i32)?;
    if d.sync_maxlen != 0 {
        write!(out, ", maxlen={}", d.sync_maxlen)?;
    }
    if let Some(group) = &d.mcast_group {
        let mut text = String::new();
        names::push_numeric_addr(&mut text, group);
        write!(out, ", group={text}")?;
    }
    if d.mcast_port != 0 {
        write!(out, ", port={}", d.mcast_port)?;
    }
    if d.mcast_ttl != 0 {
        write!(out, ", ttl={}", d.mcast_ttl)?;
    }
    out.write_all(b")\n")
}

/// `master` or `backup` as ipvsadm names a daemon (it tests the state
/// bits, master first); `None` for a state that is neither.
pub(crate) fn daemon_kind(d: &DaemonConfig) -> Option<&'static str> {
    let raw = d.state.raw();
    if raw & DaemonState::Master.raw() != 0 {
        Some("master")
    } else if raw & DaemonState::Backup.raw() != 0 {
        Some("backup")
    } else {
        None
    }
}

/// Writes `s` left-aligned in `width` bytes (C's `%-*s`, which counts
/// bytes, not characters).
pub(crate) fn write_left(
    out: &mut impl Write,
    s: &[u8],
    width: usize,
) -> io::Result<()> {
    out.write_all(s)?;
    write_spaces(out, width.saturating_sub(s.len()))
}

pub(crate) fn write_spaces(out: &mut impl Write, n: usize) -> io::Result<()> {
    const SPACES: &[u8; 64] = &[b' '; 64];
    let mut left = n;
    while left > 0 {
        let chunk = left.min(SPACES.len());
        out.write_all(&SPACES[..chunk])?;
        left -= chunk;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
