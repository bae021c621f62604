//! Requests as the socket sends them: a command and attributes appended to
//! a buffer. A service or real server of the model is written straight
//! into the buffer, byte for byte what building its attribute list
//! ([`service_attrs`], [`dest_attrs`]) and encoding that would give, without
//! the list: `-R` writes thousands of them.

use netlink_packet_core::NLA_F_NESTED;

use super::attr::{IPVS_CMD_ATTR_DEST, IPVS_CMD_ATTR_SERVICE};
use super::cmd::IpvsCmd;
use super::dest::{
    IPVS_DEST_ATTR_ADDR, IPVS_DEST_ATTR_ADDR_FAMILY, IPVS_DEST_ATTR_FWD_METHOD,
    IPVS_DEST_ATTR_L_THRESH, IPVS_DEST_ATTR_PORT, IPVS_DEST_ATTR_TUN_FLAGS,
    IPVS_DEST_ATTR_TUN_PORT, IPVS_DEST_ATTR_TUN_TYPE, IPVS_DEST_ATTR_U_THRESH,
    IPVS_DEST_ATTR_WEIGHT,
};
use super::message::IpvsMessage;
use super::service::{
    IPVS_SVC_ATTR_ADDR, IPVS_SVC_ATTR_AF, IPVS_SVC_ATTR_FLAGS,
    IPVS_SVC_ATTR_FWMARK, IPVS_SVC_ATTR_NETMASK, IPVS_SVC_ATTR_PE_NAME,
    IPVS_SVC_ATTR_PORT, IPVS_SVC_ATTR_PROTOCOL, IPVS_SVC_ATTR_SCHED_NAME,
    IPVS_SVC_ATTR_TIMEOUT,
};
#[cfg(doc)]
use super::{dest_attrs, service_attrs, service_key_attrs};
use crate::model::{AddressFamily, Destination, Service, ServiceKey};

/// One request: its command and its encoded top-level attributes.
pub trait IpvsRequest {
    fn cmd(&self) -> IpvsCmd;
    /// Appends the top-level attributes, as [`IpvsMessage`]'s encoder
    /// writes them.
    fn append_attributes(&self, out: &mut Vec<u8>);
}

impl IpvsRequest for IpvsMessage {
    fn cmd(&self) -> IpvsCmd {
        self.cmd
    }

    fn append_attributes(&self, out: &mut Vec<u8>) {
        IpvsMessage::append_attributes(self, out)
    }
}

/// Longest scheduler or persistence engine name written directly; a
/// longer one (only a hostile command line has one) could overflow a
/// nest's 16-bit length, which the general encoder handles.
pub const DIRECT_NAME_MAX: usize = 1024;

/// Whether [`append_service_nest`] writes this service.
pub fn service_fits(svc: &Service) -> bool {
    svc.scheduler.len() <= DIRECT_NAME_MAX
        && svc
            .pe_name
            .as_ref()
            .is_none_or(|p| p.len() <= DIRECT_NAME_MAX)
}

/// Appends `IPVS_CMD_ATTR_SERVICE` for `svc` as [`service_attrs`] lists
/// it: the key, SCHED_NAME, PE_NAME when set and non-empty, FLAGS with a
/// full mask, TIMEOUT, NETMASK. The caller checks [`service_fits`].
pub fn append_service_nest(out: &mut Vec<u8>, svc: &Service) {
    let nest = begin_nest(out, IPVS_CMD_ATTR_SERVICE);
    append_service_key(out, &svc.key);
    put_str(out, IPVS_SVC_ATTR_SCHED_NAME, svc.scheduler.as_bytes());
    if let Some(pe) = svc.pe_name.as_deref().filter(|p| !p.is_empty()) {
        put_str(out, IPVS_SVC_ATTR_PE_NAME, pe.as_bytes());
    }
    let mut flags = [0xff; 8];
    flags[..4].copy_from_slice(&svc.flags.0.to_ne_bytes());
    put(out, IPVS_SVC_ATTR_FLAGS, flags);
    put(out, IPVS_SVC_ATTR_TIMEOUT, svc.timeout.to_ne_bytes());
    put(out, IPVS_SVC_ATTR_NETMASK, svc.netmask.to_ne_bytes());
    end_nest(out, nest);
}

/// The service's identifying attributes, as [`service_key_attrs`] lists
/// them: AF, then FWMARK or PROTOCOL, ADDR, PORT.
fn append_service_key(out: &mut Vec<u8>, key: &ServiceKey) {
    put(out, IPVS_SVC_ATTR_AF, key.family().raw().to_ne_bytes());
    match key {
        ServiceKey::Fwmark { mark, .. } => {
            put(out, IPVS_SVC_ATTR_FWMARK, mark.to_ne_bytes())
        }
        ServiceKey::Inet {
            protocol,
            addr,
            port,
        } => {
            put(out, IPVS_SVC_ATTR_PROTOCOL, protocol.raw().to_ne_bytes());
            put(out, IPVS_SVC_ATTR_ADDR, super::addr_to_raw(addr));
            put(out, IPVS_SVC_ATTR_PORT, port.to_be_bytes());
        }
    }
}

/// The `GET_DEST` dump of one service's real servers: a service nest of
/// its key alone, as ipvsadm asks.
#[derive(Debug, Clone, Copy)]
pub struct DestsOf<'a>(pub &'a ServiceKey);

impl IpvsRequest for DestsOf<'_> {
    fn cmd(&self) -> IpvsCmd {
        IpvsCmd::GetDest
    }

    fn append_attributes(&self, out: &mut Vec<u8>) {
        let nest = begin_nest(out, IPVS_CMD_ATTR_SERVICE);
        append_service_key(out, self.0);
        end_nest(out, nest);
    }
}

/// Appends `IPVS_CMD_ATTR_DEST` for `d` as [`dest_attrs`] lists it.
pub fn append_dest_nest(out: &mut Vec<u8>, d: &Destination) {
    let nest = begin_nest(out, IPVS_CMD_ATTR_DEST);
    put(
        out,
        IPVS_DEST_ATTR_ADDR_FAMILY,
        AddressFamily::of(&d.addr).raw().to_ne_bytes(),
    );
    put(out, IPVS_DEST_ATTR_ADDR, super::addr_to_raw(&d.addr));
    put(out, IPVS_DEST_ATTR_PORT, d.port.to_be_bytes());
    put(
        out,
        IPVS_DEST_ATTR_FWD_METHOD,
        d.forward.raw().to_ne_bytes(),
    );
    put(out, IPVS_DEST_ATTR_WEIGHT, d.weight.to_ne_bytes());
    put(out, IPVS_DEST_ATTR_TUN_TYPE, [d.tun_type.raw()]);
    put(out, IPVS_DEST_ATTR_TUN_PORT, d.tun_port.to_be_bytes());
    put(out, IPVS_DEST_ATTR_TUN_FLAGS, d.tun_flags.to_ne_bytes());
    put(out, IPVS_DEST_ATTR_U_THRESH, d.u_threshold.to_ne_bytes());
    put(out, IPVS_DEST_ATTR_L_THRESH, d.l_threshold.to_ne_bytes());
    end_nest(out, nest);
}

/// Starts a top-level nest (flagged `NLA_F_NESTED`, as libnl sends them);
/// returns where it starts, for [`end_nest`].
fn begin_nest(out: &mut Vec<u8>, kind: u16) -> usize {
    let start = out.len();
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&(kind | NLA_F_NESTED).to_ne_bytes());
    start
}

/// Writes the length of the nest begun at `start`. Only names of at most
/// [`DIRECT_NAME_MAX`] bytes are written directly, so it fits in 16 bits.
fn end_nest(out: &mut [u8], start: usize) {
    let len = (out.len() - start) as u16;
    out[start..start + 2].copy_from_slice(&len.to_ne_bytes());
}

/// Appends an attribute of a fixed-size value (at most 16 bytes) and its
/// padding, in one copy of a constant length.
#[inline(always)]
fn put<const N: usize>(out: &mut Vec<u8>, kind: u16, value: [u8; N]) {
    let mut attr = [0u8; 20];
    attr[..2].copy_from_slice(&((4 + N) as u16).to_ne_bytes());
    attr[2..4].copy_from_slice(&kind.to_ne_bytes());
    attr[4..4 + N].copy_from_slice(&value);
    out.extend_from_slice(&attr[..4 + N.next_multiple_of(4)]);
}

/// Appends a string attribute: the bytes, a NUL, padding.
fn put_str(out: &mut Vec<u8>, kind: u16, s: &[u8]) {
    let len = s.len() + 1;
    out.extend_from_slice(&((4 + len) as u16).to_ne_bytes());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(s);
    out.extend_from_slice(&[0; 4][..1 + (4 - len % 4) % 4]);
}
