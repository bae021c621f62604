//! ipvsadm's output formats, byte for byte: the service listing and its
//! column sets, `--save` rules, the connection table, timeouts and sync
//! daemons.
//!
//! Every writer takes `&mut impl Write` (callers pass a buffered stdout)
//! and writes whole lines.

pub mod connections;
mod digits;
pub mod json;
pub mod list;
pub mod names;
pub mod save;
pub mod sort;
pub mod table;

use std::io::{self, Write};

use crate::model::{DaemonConfig, DaemonState, Timeouts};
use digits::{Decimal, write_right};

pub use connections::{CONN_PROC_FILE, write_connections};
pub use list::{write_dest, write_service, write_titles, write_version_header};
pub use names::format_addr_port;
pub use save::{write_save_dest, write_save_service};
pub use sort::{service_order, sort_dests, sort_services};

/// Deliberate divergence from ipvsadm 1.31: it printed fwmarks with `%d`,
/// so marks of 2^31 and above came out negative (`FWM  -1`, and `-f -1`
/// in `--save` output that `-R` then rejects). Upstream fixed this after
/// 1.31 (commit e61c8cd); we print them unsigned in listings and `--save`.
pub const FWMARK_PRINTED_UNSIGNED: bool = true;

/// The number a fwmark is printed as (see [`FWMARK_PRINTED_UNSIGNED`]).
pub(crate) fn fwmark_display(mark: u32) -> i64 {
    if FWMARK_PRINTED_UNSIGNED {
        i64::from(mark)
    } else {
        i64::from(mark as i32)
    }
}

/// ipvsadm's counter formatter (`print_largenum`) as a string.
///
/// Without `exact` the value is scaled with decimal units K, M, G, T so
/// that it fits 9 columns; with `exact` it is right-aligned in 9 columns,
/// widened to keep one leading space.
pub fn format_number(v: u64, exact: bool) -> String {
    let mut out = Vec::with_capacity(12);
    // Writing into a Vec cannot fail.
    let _ = write_number(&mut out, v, exact);
    String::from_utf8_lossy(&out).into_owned()
}

/// [`format_number`] written straight to `out`.
pub fn write_number(
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
pub fn write_timeouts(out: &mut impl Write, t: &Timeouts) -> io::Result<()> {
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
pub fn write_daemon(out: &mut impl Write, d: &DaemonConfig) -> io::Result<()> {
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
mod tests {
    use super::*;

    fn daemon_text(d: &DaemonConfig) -> String {
        let mut out = Vec::new();
        write_daemon(&mut out, d).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn number_formatter_boundaries() {
        // Reference §6.5 (V).
        let cases: &[(u64, &str)] = &[
            (0, "        0"),
            (99_999_999, " 99999999"),
            (100_000_000, "  100000K"),
            (999_999_999, "  999999K"),
            (1_000_000_000, "    1000M"),
            (99_999_999_999, "   99999M"),
            (100_000_000_000, "     100G"),
            (99_999_999_999_999, "   99999G"),
            (100_000_000_000_000, "     100T"),
            (u64::MAX, "18446744T"),
        ];
        for (v, want) in cases {
            assert_eq!(format_number(*v, false), *want, "{v}");
        }
    }

    #[test]
    fn exact_number_formatter() {
        assert_eq!(format_number(0, true), "        0");
        assert_eq!(format_number(99_999_999, true), " 99999999");
        assert_eq!(format_number(100_000_000, true), " 100000000");
        assert_eq!(format_number(u64::MAX, true), " 18446744073709551615");
    }

    #[test]
    fn timeouts_line() {
        let mut out = Vec::new();
        let t = Timeouts {
            tcp: 900,
            tcp_fin: 120,
            udp: 300,
        };
        write_timeouts(&mut out, &t).unwrap();
        assert_eq!(out, b"Timeout (tcp tcpfin udp): 900 120 300\n");
    }

    #[test]
    fn daemon_lines_as_captured_in_vm() {
        // testdata/vm-setup-daemon.sh: `ipvsadm -L --daemon` with both
        // daemons started on dummy interfaces.
        let master = DaemonConfig {
            state: DaemonState::Master,
            mcast_ifn: "d0".into(),
            sync_id: 0,
            sync_maxlen: 1472,
            mcast_group: Some("224.0.0.81".parse().unwrap()),
            mcast_port: 8848,
            mcast_ttl: 1,
        };
        let backup = DaemonConfig {
            state: DaemonState::Backup,
            mcast_ifn: "d1".into(),
            sync_id: 7,
            sync_maxlen: 1400,
            mcast_group: Some("ff02::1:81".parse().unwrap()),
            mcast_port: 9000,
            mcast_ttl: 3,
        };
        assert_eq!(
            daemon_text(&master) + &daemon_text(&backup),
            "master sync daemon (mcast=d0, syncid=0, maxlen=1472, \
             group=224.0.0.81, port=8848, ttl=1)\n\
             backup sync daemon (mcast=d1, syncid=7, maxlen=1400, \
             group=ff02::1:81, port=9000, ttl=3)\n"
        );
    }

    #[test]
    fn daemon_lines() {
        let master = DaemonConfig {
            state: DaemonState::Master,
            mcast_ifn: "eth0".into(),
            sync_id: 0,
            sync_maxlen: 1472,
            mcast_group: Some("224.0.0.81".parse().unwrap()),
            mcast_port: 8848,
            mcast_ttl: 1,
        };
        assert_eq!(
            daemon_text(&master),
            "master sync daemon (mcast=eth0, syncid=0, maxlen=1472, \
             group=224.0.0.81, port=8848, ttl=1)\n"
        );
        let backup = DaemonConfig {
            state: DaemonState::Backup,
            mcast_ifn: "eth1".into(),
            sync_id: 7,
            sync_maxlen: 1400,
            mcast_group: Some("ff02::1:81".parse().unwrap()),
            mcast_port: 9000,
            mcast_ttl: 3,
        };
        assert_eq!(
            daemon_text(&backup),
            "backup sync daemon (mcast=eth1, syncid=7, maxlen=1400, \
             group=ff02::1:81, port=9000, ttl=3)\n"
        );
        let old = DaemonConfig {
            sync_maxlen: 0,
            mcast_group: None,
            mcast_port: 0,
            mcast_ttl: 0,
            ..master.clone()
        };
        assert_eq!(
            daemon_text(&old),
            "master sync daemon (mcast=eth0, syncid=0)\n"
        );
        let none = DaemonConfig {
            state: DaemonState::Other(0),
            ..master
        };
        assert_eq!(daemon_text(&none), "");
    }
}

#[cfg(test)]
mod examples;
#[cfg(test)]
mod table_examples;
#[cfg(test)]
mod vm_captures;
