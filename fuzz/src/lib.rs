//! The fuzz targets' bodies, shared by the libFuzzer binaries and by
//! `tests/fuzz_regressions.rs`, which replays the seeds and every input a
//! fuzzer ever found through them. Each must return normally for any
//! input: no panic, no hang, bounded memory.

use std::io::Read;

use ipvsadm::internals::LineReader;
use ipvsadm::internals::ServicesWriter;
use ipvsadm::internals::datagram_messages;
use ipvsadm::internals::{AddressFamily, Stats};
use ipvsadm::internals::{
    DestAttr, IpvsAttr, IpvsMessage, RawMessage, ServiceAttr, StatsNests,
    daemon_from_attrs, dest_from_attrs, dest_from_nest, info_from_attrs,
    service_from_attrs, service_from_nest, timeouts_from_attrs,
};
use netlink_packet_core::{
    Emitable, NetlinkPayload, NlaBuffer, NlasIterator, Parseable,
};
use netlink_packet_generic::GenlMessage;

/// ipvsadm's command line: the arguments are separated by NUL bytes; the
/// first byte chooses the POSIX rule.
pub fn cli_parse(data: &[u8]) {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let args: Vec<&[u8]> = rest.split(|b| *b == 0).collect();
    if let Err(e) =
        ipvsadm::internals::parse_with("ipvsadm", &args, mode & 1 == 1)
    {
        let _ = e.write_message(&mut Vec::new());
    }
}

/// The `-R` line reader. The same input read whole and read a few bytes
/// at a time into a small buffer (the first byte chooses both sizes) must
/// give the same lines, and every token must be what ipvsadm's reader
/// makes: no blank, no NUL, at most 4096 bytes and not `ipvsadm`. Every
/// line then goes through the parser as the restore does, and a line that
/// `--apply`'s one-pass reading takes must read as the parser reads it.
pub fn restore_reader(data: &[u8]) {
    let Some((sizes, rest)) = data.split_first() else {
        return;
    };
    let whole = read_lines(LineReader::new(rest));
    let trickle = Trickle {
        data: rest,
        size: usize::from(sizes % 16) + 1,
    };
    let capacity = usize::from(sizes / 16) + 1;
    let small = read_lines(LineReader::with_capacity(trickle, capacity));
    assert_eq!(whole, small, "the way of reading changed the lines");
    for line in whole.into_iter().flatten() {
        for token in &line {
            assert!(token.len() <= 4096, "a token longer than ipvsadm's");
            assert!(
                !token.iter().any(|b| b" \t\r\n\0".contains(b)),
                "a token with a blank or NUL: {token:?}"
            );
            assert_ne!(token, b"ipvsadm", "an ipvsadm token kept");
        }
        if !line.is_empty() {
            let _ = ipvsadm::internals::parse_with("ipvsadm", &line, false);
        }
    }
    for raw in rest.split_inclusive(|b| *b == b'\n') {
        let usual = raw.strip_suffix(b"\n");
        let Some(fast) = usual.and_then(ipvsadm::internals::parse_usual_line)
        else {
            continue;
        };
        let lines = read_lines(LineReader::new(raw));
        let [Ok(tokens)] = lines.as_slice() else {
            panic!("a line the one-pass reading takes is not one line");
        };
        let full = ipvsadm::internals::parse_with("ipvsadm", tokens, false);
        assert_eq!(full.ok(), Some(fast), "the one-pass reading differs");
    }
}

/// Gives at most `size` bytes of `data` a read.
struct Trickle<'a> {
    data: &'a [u8],
    size: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.size.min(buf.len()).min(self.data.len());
        let (now, later) = self.data.split_at(n);
        buf[..n].copy_from_slice(now);
        self.data = later;
        Ok(n)
    }
}

type Lines = Vec<Result<Vec<Vec<u8>>, String>>;

fn read_lines<R: Read>(mut reader: LineReader<R>) -> Lines {
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
/// also encode again, with the request encoder and the generic one.
pub fn netlink_decode(data: &[u8]) {
    nest_decoders(data);
    for item in datagram_messages::<GenlMessage<IpvsMessage>>(data) {
        let Ok((_, NetlinkPayload::InnerMessage(genl))) = item else {
            continue;
        };
        let msg = genl.payload;
        msg.attributes.iter().for_each(to_model);
        let _ = timeouts_from_attrs(&msg.attributes);
        let _ = info_from_attrs(&msg.attributes);
        let mut out = Vec::new();
        msg.append_attributes(&mut out);
        msg.append_kernel_style(&mut out);
        let attrs = msg.attributes.as_slice();
        let mut buf = vec![0; attrs.buffer_len()];
        attrs.emit(&mut buf);
    }
}

/// The listings' decoders, which take a reply's nests one attribute at a
/// time, on `data` taken as one genl payload: they agree with collecting
/// the nest's attributes and converting the list (the same value, or both
/// an error), and skipping the counters changes only the counters.
fn nest_decoders(data: &[u8]) {
    let Ok(m) = RawMessage::new(data) else {
        return;
    };
    if let Ok(Some(nest)) = m.service_nest() {
        let listed = collect::<ServiceAttr>(nest)
            .and_then(|a| service_from_attrs(&a).map_err(|e| e.to_string()));
        let read = service_from_nest(nest, StatsNests::Read).ok();
        assert_eq!(read, listed.ok(), "the service decoders disagree");
        if let Some(mut read) = read {
            read.stats = Stats::default();
            let skipped = service_from_nest(nest, StatsNests::Skip).ok();
            assert_eq!(skipped, Some(read), "skipping changed more");
        }
    }
    if let Ok(Some(nest)) = m.dest_nest() {
        for family in [AddressFamily::Inet, AddressFamily::Inet6] {
            let listed = collect::<DestAttr>(nest).and_then(|a| {
                dest_from_attrs(&a, family).map_err(|e| e.to_string())
            });
            let read = dest_from_nest(nest, family, StatsNests::Read).ok();
            assert_eq!(read, listed.ok(), "the dest decoders disagree");
            if let Some(mut read) = read {
                read.stats = Stats::default();
                let skip = StatsNests::Skip;
                let skipped = dest_from_nest(nest, family, skip).ok();
                assert_eq!(skipped, Some(read), "skipping changed more");
            }
        }
    }
}

/// Every attribute of a nest, parsed; the first error aborts.
fn collect<A>(nest: &[u8]) -> Result<Vec<A>, String>
where
    A: for<'a> Parseable<NlaBuffer<&'a [u8]>>,
{
    NlasIterator::new(nest)
        .map(|nla| nla.and_then(|nla| A::parse(&nla)))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())
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

/// The `--apply` reader on a JSON document. Whatever it accepts, written
/// back as a listing, must read back to a listing with the same bytes:
/// the listing of a desired table is a fixed point of reading.
pub fn apply_json(data: &[u8]) {
    if data.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return;
    }
    let read = |text: &[u8]| {
        ipvsadm::internals::read_desired_table(b"ipvsadm", "fuzz", &mut &*text)
    };
    let Ok(table) = read(data) else {
        return;
    };
    let listing = |table: &[ipvsadm::internals::TableEntry]| {
        let mut out = Vec::new();
        let info = ipvsadm::internals::Info::default();
        let mut w = ServicesWriter::begin(&mut out, &info).expect("a Vec");
        for entry in table {
            w.service(&entry.service, &entry.dests).expect("a Vec");
        }
        w.finish().expect("a Vec");
        out
    };
    let first = listing(&table);
    let again = read(&first).expect("a listing of a table reads back");
    assert_eq!(
        String::from_utf8_lossy(&listing(&again)),
        String::from_utf8_lossy(&first),
        "the listing changed on reading it back"
    );
}
