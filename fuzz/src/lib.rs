//! The fuzz targets' bodies, shared by the libFuzzer binaries and by
//! `tests/fuzz_regressions.rs`, which replays the seeds and every input a
//! fuzzer ever found through them. Each must return normally for any
//! input: no panic, no hang, bounded memory.

use std::io::BufReader;

use ipvsadm::commands::LineReader;
use ipvsadm::ipvs::{
    Counters, IpvsAttr, IpvsMessage, RawMessage, daemon_from_attrs,
    dest_from_attrs, dest_from_nest, info_from_attrs, service_from_attrs,
    service_from_nest, timeouts_from_attrs,
};
use ipvsadm::model::AddressFamily;
use ipvsadm::netlink::datagram_messages;
use netlink_packet_core::{Emitable, NetlinkPayload};
use netlink_packet_generic::GenlMessage;

/// ipvsadm's command line: the arguments are separated by NUL bytes; the
/// first byte chooses the POSIX rule.
pub fn cli_parse(data: &[u8]) {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let args: Vec<&[u8]> = rest.split(|b| *b == 0).collect();
    if let Err(e) = ipvsadm::cli::parse_with("ipvsadm", &args, mode & 1 == 1) {
        let _ = e.write_message(&mut Vec::new());
    }
}

/// The `-R` line reader. The same input read through buffers of different
/// sizes (the first byte chooses the small one) must give the same lines;
/// every line then goes through the parser as the restore does.
pub fn restore_reader(data: &[u8]) {
    let Some((size, rest)) = data.split_first() else {
        return;
    };
    let whole = read_lines(rest, rest.len().max(1));
    let small = read_lines(rest, usize::from(*size % 16) + 1);
    assert_eq!(whole, small, "the buffer size changed the lines");
    for line in whole.into_iter().flatten() {
        if !line.is_empty() {
            let _ = ipvsadm::cli::parse_with("ipvsadm", &line, false);
        }
    }
}

type Lines = Vec<Result<Vec<Vec<u8>>, String>>;

fn read_lines(data: &[u8], capacity: usize) -> Lines {
    let mut reader = LineReader::new(BufReader::with_capacity(capacity, data));
    let mut lines = Vec::new();
    loop {
        match reader.next_line() {
            Ok(Some(line)) => lines.push(Ok(line.to_vec())),
            Ok(None) => return lines,
            Err(e) => lines.push(Err(e.to_string())),
        }
    }
}

/// A datagram from the kernel: every message in it is decoded as an IPVS
/// reply and converted to the model as the client does; what decodes must
/// also encode again.
pub fn netlink_decode(data: &[u8]) {
    direct_decoders(data);
    for item in datagram_messages::<GenlMessage<IpvsMessage>>(data) {
        let Ok((_, NetlinkPayload::InnerMessage(genl))) = item else {
            continue;
        };
        let msg = genl.payload;
        msg.attributes.iter().for_each(to_model);
        let _ = timeouts_from_attrs(&msg.attributes);
        let _ = info_from_attrs(&msg.attributes);
        let mut buf = vec![0; msg.buffer_len()];
        msg.emit(&mut buf);
        msg.emit_kernel_style(&mut buf);
    }
}

/// The listings' decoders, which read a reply's nests straight from its
/// bytes, on `data` taken as one genl payload.
fn direct_decoders(data: &[u8]) {
    let Ok(m) = RawMessage::new(data) else {
        return;
    };
    for counters in [Counters::Read, Counters::Skip] {
        if let Ok(Some(nest)) = m.service_nest() {
            let _ = service_from_nest(nest, counters);
        }
        if let Ok(Some(nest)) = m.dest_nest() {
            let _ = dest_from_nest(nest, AddressFamily::Inet6, counters);
        }
    }
}

/// Converts one top-level attribute as the client would, ignoring errors.
fn to_model(attr: &IpvsAttr) {
    let _ = match attr {
        IpvsAttr::Service(a) => service_from_attrs(a).map(drop),
        IpvsAttr::Dest(a) => dest_from_attrs(a, AddressFamily::Inet)
            .and(dest_from_attrs(a, AddressFamily::Inet6))
            .map(drop),
        IpvsAttr::Daemon(a) => daemon_from_attrs(a).map(drop),
        _ => Ok(()),
    };
}
