//! `-S` / `--save`: the table as `-A` and `-a` rules that `-R` reads back.

use std::io::{self, Write};

use crate::model::{
    AddressFamily, Destination, ForwardMethod, Protocol, Service, ServiceKey,
    TUN_FLAG_CSUM, TUN_FLAG_REMCSUM, TunnelType,
};

use super::digits::write_signed;
use super::list::{
    pe_name, persistence_mask, sched_flag_list, service_protocol,
};
use super::names::push_addr_port;

/// The service identity of a rule: `-t ADDR`, `-u ADDR`,
/// `--sctp-service ADDR`, `--xxx-service ADDR`, `-f MARK`, `-f MARK -6`.
pub(crate) fn service_identity(svc: &Service, numeric: bool) -> String {
    let mut id = String::with_capacity(40);
    match &svc.key {
        ServiceKey::Fwmark { family, mark } => {
            id.push_str("-f ");
            id.push_str(&mark.to_string());
            if *family == AddressFamily::Inet6 {
                id.push_str(" -6");
            }
        }
        ServiceKey::Inet {
            protocol,
            addr,
            port,
        } => {
            id.push_str(match protocol {
                Protocol::Tcp => "-t ",
                Protocol::Udp => "-u ",
                Protocol::Sctp => "--sctp-service ",
                Protocol::Other(_) => "--xxx-service ",
            });
            push_addr_port(&mut id, addr, *port, Some(*protocol), numeric);
        }
    }
    id
}

/// The `-A` rule of a service.
pub(crate) fn write_save_service(
    out: &mut impl Write,
    svc: &Service,
    numeric: bool,
) -> io::Result<()> {
    out.write_all(b"-A ")?;
    out.write_all(service_identity(svc, numeric).as_bytes())?;
    out.write_all(b" -s ")?;
    out.write_all(svc.scheduler.as_bytes())?;
    if svc.flags.persistent() {
        write!(out, " -p {}", svc.timeout)?;
        if let Some(mask) = persistence_mask(svc) {
            write!(out, " -M {mask}")?;
        }
    }
    if let Some(pe) = pe_name(svc) {
        write!(out, " --pe {pe}")?;
    }
    if svc.flags.one_packet() {
        out.write_all(b" -o")?;
    }
    if svc.flags.sched_bits() != 0 {
        // With bits but no printable names ipvsadm leaves "-b " (which
        // `-R` rejects); kept as is.
        write!(out, " -b {}", sched_flag_list(svc))?;
    }
    out.write_all(b"\n")
}

/// The forwarding switch: `-m`, `-i`, `-g` (route and local alike);
/// C's `printf("%s", NULL)` for anything else.
fn forward_switch(f: ForwardMethod) -> &'static str {
    match f {
        ForwardMethod::Masquerade => "-m",
        ForwardMethod::Tunnel => "-i",
        ForwardMethod::Local | ForwardMethod::Route => "-g",
        ForwardMethod::Other(_) => "(null)",
    }
}

/// The tunnel checksum option. ipvsadm indexes a three-entry table;
/// larger values (never set by ipvsadm) read past it, we print `?`.
fn tun_flag_option(flags: u16) -> &'static str {
    match flags {
        0 => "--tun-nocsum",
        TUN_FLAG_CSUM => "--tun-csum",
        TUN_FLAG_REMCSUM => "--tun-remcsum",
        _ => "?",
    }
}

/// The `-a` rule of one real server of `svc` (thresholds are not saved).
pub(crate) fn write_save_dest(
    out: &mut impl Write,
    svc: &Service,
    dest: &Destination,
    numeric: bool,
) -> io::Result<()> {
    let mut name = String::with_capacity(32);
    push_addr_port(
        &mut name,
        &dest.addr,
        dest.port,
        service_protocol(svc),
        numeric,
    );
    out.write_all(b"-a ")?;
    out.write_all(service_identity(svc, numeric).as_bytes())?;
    out.write_all(b" -r ")?;
    out.write_all(name.as_bytes())?;
    out.write_all(b" ")?;
    out.write_all(forward_switch(dest.forward).as_bytes())?;
    out.write_all(b" -w ")?;
    write_signed(out, dest.weight.into())?;
    if dest.forward == ForwardMethod::Tunnel {
        match dest.tun_type {
            TunnelType::Ipip => out.write_all(b" --tun-type ipip")?,
            TunnelType::Gue => write!(
                out,
                " --tun-type gue --tun-port {} {}",
                dest.tun_port,
                tun_flag_option(dest.tun_flags)
            )?,
            TunnelType::Gre => write!(
                out,
                " --tun-type gre {}",
                tun_flag_option(dest.tun_flags)
            )?,
            TunnelType::Other(_) => {}
        }
    }
    out.write_all(b"\n")
}
