//! The `-L` listing: version header, the two title lines of each column
//! set, one line per service and one per real server.

use std::io::{self, Write};

use super::StatsView;
use crate::model::{
    AddressFamily, Destination, ForwardMethod, Info, Protocol, Service,
    ServiceFlags, ServiceKey, TUN_FLAG_CSUM, TUN_FLAG_REMCSUM, TunnelType,
};

use super::digits::{write_right, write_signed_left};
use super::names::{push_addr_port, truncate_bytes};
use super::{write_left, write_number};

/// Service names of non-IPv6 services are cut to this many bytes.
pub(crate) const SERVICE_NAME_MAX: usize = 33;
/// Real-server names of non-IPv6 destinations are cut to this many bytes.
pub(crate) const DEST_NAME_MAX: usize = 28;

/// `IP Virtual Server version 1.2.1 (size=4096)`.
pub(crate) fn write_version_header(
    out: &mut impl Write,
    info: &Info,
) -> io::Result<()> {
    let (a, b, c) = info.version_parts();
    writeln!(
        out,
        "IP Virtual Server version {a}.{b}.{c} (size={})",
        info.conn_tab_size as i32
    )
}

/// The two title lines of a column set.
pub(crate) fn write_titles(
    out: &mut impl Write,
    columns: StatsView,
) -> io::Result<()> {
    const PROT: &str = "Prot LocalAddress:Port";
    const REMOTE: &str = "  -> RemoteAddress:Port";
    match columns {
        StatsView::Stats => writeln!(
            out,
            "{PROT:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n{REMOTE}",
            "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"
        ),
        StatsView::Rate => writeln!(
            out,
            "{PROT:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n{REMOTE}",
            "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"
        ),
        StatsView::Thresholds => writeln!(
            out,
            "{PROT:<33} {:<10} {:<10} {:<10} {:<10}\n{REMOTE}",
            "Uthreshold", "Lthreshold", "ActiveConn", "InActConn"
        ),
        StatsView::PersistentConn => writeln!(
            out,
            "{PROT:<33} {:<9} {:<11} {:<10} {:<10}\n{REMOTE}",
            "Weight", "PersistConn", "ActiveConn", "InActConn"
        ),
        StatsView::TunInfo => out.write_all(
            b"Prot LocalAddress:Port Scheduler Flags\n  -> \
              RemoteAddress:Port           Forward TunnelInfo    Weight \
              ActiveConn InActConn\n",
        ),
        StatsView::Default => out.write_all(
            b"Prot LocalAddress:Port Scheduler Flags\n  -> \
              RemoteAddress:Port           Forward Weight ActiveConn \
              InActConn\n",
        ),
    }
}

/// The protocol used to name ports of a service and its real servers;
/// fwmark services have none, so their ports stay numeric.
pub(crate) fn service_protocol(svc: &Service) -> Option<Protocol> {
    match svc.key {
        ServiceKey::Inet { protocol, .. } => Some(protocol),
        ServiceKey::Fwmark { .. } => None,
    }
}

/// `FWM  42`, `FWM  7 IPv6`, `TCP  10.0.0.1:80`, `SCTP x`, `?    x`.
fn service_label(svc: &Service, numeric: bool) -> String {
    let mut label = String::with_capacity(40);
    match &svc.key {
        ServiceKey::Fwmark { family, mark } => {
            label.push_str("FWM  ");
            label.push_str(&mark.to_string());
            if *family == AddressFamily::Inet6 {
                label.push_str(" IPv6");
            }
        }
        ServiceKey::Inet {
            protocol,
            addr,
            port,
        } => {
            let name = match protocol {
                Protocol::Tcp => "TCP ",
                Protocol::Udp => "UDP ",
                Protocol::Sctp => "SCTP",
                Protocol::Other(_) => "?   ",
            };
            label.push_str(name);
            label.push(' ');
            push_addr_port(&mut label, addr, *port, Some(*protocol), numeric);
            if !addr.is_ipv6() {
                truncate_bytes(&mut label, SERVICE_NAME_MAX);
            }
        }
    }
    label
}

/// The scheduler-flag names ipvsadm shows for the set `SCHED*` bits,
/// comma separated (`print_sched_flags`); empty if none has a name.
pub(crate) fn sched_flag_list(svc: &Service) -> String {
    let bits = svc.flags.0;
    let names: [&str; 3] = match svc.scheduler.as_str() {
        "sh" => ["sh-fallback", "sh-port", ""],
        "mh" => ["mh-fallback", "mh-port", ""],
        _ => ["flag-1", "flag-2", "flag-3"],
    };
    let masks = [
        ServiceFlags::SCHED1,
        ServiceFlags::SCHED2,
        ServiceFlags::SCHED3,
    ];
    let mut list = String::new();
    for (mask, name) in masks.iter().zip(names) {
        if bits & mask != 0 && !name.is_empty() {
            if !list.is_empty() {
                list.push(',');
            }
            list.push_str(name);
        }
    }
    list
}

/// The persistence-engine name, if one is set (an empty name is none).
/// The persistence mask as ipvsadm prints it (dotted for IPv4, a prefix
/// length for IPv6), or `None` when it is the family's full mask.
pub(crate) fn persistence_mask(svc: &Service) -> Option<String> {
    match svc.key.family() {
        AddressFamily::Inet if svc.netmask != 0xffff_ffff => {
            Some(svc.netmask_v4().to_string())
        }
        AddressFamily::Inet6 if svc.netmask != 128 => {
            Some((svc.netmask as i32).to_string())
        }
        _ => None,
    }
}

pub(crate) fn pe_name(svc: &Service) -> Option<&str> {
    svc.pe_name.as_deref().filter(|n| !n.is_empty())
}

/// One service line in the given column set.
pub(crate) fn write_service(
    out: &mut impl Write,
    svc: &Service,
    columns: StatsView,
    numeric: bool,
    exact: bool,
) -> io::Result<()> {
    let label = service_label(svc, numeric);
    match columns {
        StatsView::Stats | StatsView::Rate => {
            write_left(out, label.as_bytes(), 33)?;
            let s = &svc.stats;
            let values = if columns == StatsView::Stats {
                [s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes]
            } else {
                [s.cps, s.inpps, s.outpps, s.inbps, s.outbps]
            };
            for v in values {
                write_number(out, v, exact)?;
            }
        }
        _ => {
            out.write_all(label.as_bytes())?;
            out.write_all(b" ")?;
            out.write_all(svc.scheduler.as_bytes())?;
            write_service_options(out, svc)?;
        }
    }
    out.write_all(b"\n")
}

/// What the service line shows after the scheduler, each part led by a
/// space: ` (FLAGS)`, ` persistent T`, ` mask M`, ` pe NAME`, ` ops`.
pub(crate) fn write_service_options(
    out: &mut impl Write,
    svc: &Service,
) -> io::Result<()> {
    if svc.flags.sched_bits() != 0 {
        write!(out, " ({})", sched_flag_list(svc))?;
    }
    if svc.flags.persistent() {
        write!(out, " persistent {}", svc.timeout)?;
        if let Some(mask) = persistence_mask(svc) {
            write!(out, " mask {mask}")?;
        }
        if let Some(pe) = pe_name(svc) {
            write!(out, " pe {pe}")?;
        }
    }
    if svc.flags.one_packet() {
        out.write_all(b" ops")?;
    }
    Ok(())
}

/// `Masq`, `Local`, `Tunnel`, `Route`; C's `printf("%s", NULL)` otherwise.
pub(crate) fn forward_name(f: ForwardMethod) -> &'static str {
    match f {
        ForwardMethod::Masquerade => "Masq",
        ForwardMethod::Local => "Local",
        ForwardMethod::Tunnel => "Tunnel",
        ForwardMethod::Route => "Route",
        ForwardMethod::Other(_) => "(null)",
    }
}

/// Checksum flag text of the tunnel-info column. ipvsadm indexes a
/// three-entry table; larger values (never set by ipvsadm) read past it,
/// we print `?`.
fn tun_flag_text(flags: u16) -> &'static str {
    match flags {
        0 => "-c",
        TUN_FLAG_CSUM => "+c",
        TUN_FLAG_REMCSUM => "r+c",
        _ => "?",
    }
}

/// The `TunnelInfo` column: `ipip`, `gue:PORT:FLAGS`, `gre:FLAGS`, or
/// `n/a` for non-tunnel destinations and unknown tunnel types.
pub(crate) fn tunnel_info(dest: &Destination) -> String {
    if dest.forward != ForwardMethod::Tunnel {
        return "n/a".to_string();
    }
    let mut info = match dest.tun_type {
        TunnelType::Ipip => "ipip".to_string(),
        TunnelType::Gue => {
            format!("gue:{}:{}", dest.tun_port, tun_flag_text(dest.tun_flags))
        }
        TunnelType::Gre => format!("gre:{}", tun_flag_text(dest.tun_flags)),
        TunnelType::Other(_) => return "n/a".to_string(),
    };
    // Composed in a 16-byte buffer.
    truncate_bytes(&mut info, 15);
    info
}

/// One real-server line of `svc` in the given column set.
pub(crate) fn write_dest(
    out: &mut impl Write,
    svc: &Service,
    dest: &Destination,
    columns: StatsView,
    numeric: bool,
    exact: bool,
) -> io::Result<()> {
    let mut name = String::with_capacity(32);
    push_addr_port(
        &mut name,
        &dest.addr,
        dest.port,
        service_protocol(svc),
        numeric,
    );
    if !dest.addr.is_ipv6() {
        truncate_bytes(&mut name, DEST_NAME_MAX);
    }
    out.write_all(b"  -> ")?;
    write_left(out, name.as_bytes(), 28)?;
    let s = &dest.stats;
    match columns {
        StatsView::Stats => {
            for v in [s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes] {
                write_number(out, v, exact)?;
            }
            out.write_all(b"\n")
        }
        StatsView::Rate => {
            for v in [s.cps, s.inpps, s.outpps] {
                out.write_all(b" ")?;
                write_right(out, v, 8)?;
            }
            write_number(out, s.inbps, exact)?;
            write_number(out, s.outbps, exact)?;
            out.write_all(b"\n")
        }
        StatsView::Thresholds => write_cells(
            out,
            &[
                Cell::Number(dest.u_threshold.into(), 10),
                Cell::Number(dest.l_threshold.into(), 10),
                Cell::Number(dest.active_conns.into(), 10),
                Cell::Number(dest.inactive_conns.into(), 10),
            ],
        ),
        StatsView::PersistentConn => write_cells(
            out,
            &[
                Cell::Number(i64::from(dest.weight as u32), 9),
                Cell::Number(dest.persist_conns.into(), 11),
                Cell::Number(dest.active_conns.into(), 10),
                Cell::Number(dest.inactive_conns.into(), 10),
            ],
        ),
        StatsView::TunInfo => write_cells(
            out,
            &[
                Cell::Text(forward_name(dest.forward).as_bytes(), 7),
                Cell::Text(tunnel_info(dest).as_bytes(), 13),
                Cell::Number(dest.weight.into(), 6),
                Cell::Number(dest.active_conns.into(), 10),
                Cell::Number(dest.inactive_conns.into(), 10),
            ],
        ),
        StatsView::Default => write_cells(
            out,
            &[
                Cell::Text(forward_name(dest.forward).as_bytes(), 7),
                Cell::Number(dest.weight.into(), 6),
                Cell::Number(dest.active_conns.into(), 10),
                Cell::Number(dest.inactive_conns.into(), 10),
            ],
        ),
    }
}

/// A column of a real-server line: a value left-aligned in a width.
enum Cell<'a> {
    Text(&'a [u8], usize),
    Number(i64, usize),
}

/// The cells of a line, each led by a space, then the newline
/// (`printf(" %-7s %-6d ...\n")`).
fn write_cells(out: &mut impl Write, cells: &[Cell]) -> io::Result<()> {
    for cell in cells {
        out.write_all(b" ")?;
        match *cell {
            Cell::Text(text, width) => write_left(out, text, width)?,
            Cell::Number(v, width) => write_signed_left(out, v, width)?,
        }
    }
    out.write_all(b"\n")
}
