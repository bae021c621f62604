//! The kernel's connection table as text, `/proc/net/ip_vs_conn`, read the
//! way ipvsadm reads it: 255-byte `fgets` pieces, each parsed with
//! `sscanf`. Printing it is left to `render`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::Error;
use crate::model::Protocol;

#[cfg(test)]
mod tests;

/// The file ipvsadm reads the connection table from.
pub(crate) const CONN_PROC_FILE: &str = "/proc/net/ip_vs_conn";

/// ipvsadm reads with `fgets` into a 256-byte buffer: at most 255 bytes a
/// time, so longer lines are split and each piece is parsed as a line.
const LINE_CHUNK: usize = 255;

/// Opens [`CONN_PROC_FILE`] and reads past its header line: the error is
/// ipvsadm's `cannot open file ...` or `unexpected input from ...`
/// (status 1 both).
pub(crate) fn open() -> Result<ConnectionReader<BufReader<File>>, Error> {
    let file = File::open(CONN_PROC_FILE).map_err(|_| open_error())?;
    ConnectionReader::new(BufReader::new(file))
}

/// The error ipvsadm reports when the file cannot be opened (status 1).
fn open_error() -> Error {
    Error::Message {
        message: format!("cannot open file {CONN_PROC_FILE}"),
        status: 1,
    }
}

fn unexpected_input() -> Error {
    Error::Message {
        message: format!("unexpected input from {CONN_PROC_FILE}"),
        status: 1,
    }
}

/// One entry of the table. Where the kernel prints text (protocol, state,
/// persistence engine) the bytes are kept as they were; fields a line
/// lacks are empty, zero or `0.0.0.0`, as in ipvsadm's buffers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Connection {
    /// `TCP`, `UDP`, `SCTP`, `IP`, ...
    pub protocol: Vec<u8>,
    pub client: (IpAddr, u16),
    pub virtual_: (IpAddr, u16),
    pub destination: (IpAddr, u16),
    pub state: Vec<u8>,
    /// Seconds left (the kernel's `%d`, as an unsigned 32-bit value).
    pub expires: u32,
    /// The persistence engine, when the line names one.
    pub pe_name: Option<Vec<u8>>,
    /// The engine's data, when the line has it after the name.
    pub pe_data: Option<Vec<u8>>,
}

impl Connection {
    /// The protocol if it is one whose ports have service names.
    pub(crate) fn known_protocol(&self) -> Option<Protocol> {
        match self.protocol.as_slice() {
            b"TCP" => Some(Protocol::Tcp),
            b"UDP" => Some(Protocol::Udp),
            b"SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }
}

/// The entries after the kernel's header line, one per `fgets` piece.
///
/// A blank piece ends the table with status 1 and no message (sscanf's
/// EOF, ipvsadm's `exit(1)`): whoever prints must still flush what came
/// before.
pub(crate) struct ConnectionReader<R> {
    input: R,
    pending: Vec<u8>,
    pos: usize,
}

impl<R: BufRead> ConnectionReader<R> {
    /// Reads past the header; ipvsadm's first `fgets` failing (end of
    /// input or a read error) is `unexpected input`.
    pub(crate) fn new(input: R) -> Result<Self, Error> {
        let mut reader = ConnectionReader {
            input,
            pending: Vec::new(),
            pos: 0,
        };
        if !matches!(reader.next_chunk(), Ok(Some(_))) {
            return Err(unexpected_input());
        }
        Ok(reader)
    }

    /// The next `fgets(buf, 256, f)` result.
    fn next_chunk(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        if self.pos >= self.pending.len() {
            self.pending.clear();
            self.pos = 0;
            if self.input.read_until(b'\n', &mut self.pending)? == 0 {
                return Ok(None);
            }
        }
        let end = (self.pos + LINE_CHUNK).min(self.pending.len());
        let chunk = self.pending[self.pos..end].to_vec();
        self.pos = end;
        Ok(Some(chunk))
    }
}

impl<R: BufRead> Iterator for ConnectionReader<R> {
    type Item = Result<Connection, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_chunk() {
            Err(e) => Some(Err(e.into())),
            Ok(None) => None,
            Ok(Some(chunk)) => Some(
                ConnLine::parse(&chunk)
                    .map(|line| line.connection())
                    .ok_or(Error::Silent { status: 1 }),
            ),
        }
    }
}

/// One piece as `sscanf(buf, "%s %s %hX %s %hX %s %hX %s %d %s %s")`
/// fills ipvsadm's buffers. Fields the piece does not provide stay empty
/// or zero.
#[derive(Debug, Default, PartialEq, Eq)]
struct ConnLine {
    protocol: Vec<u8>,
    caddr: Vec<u8>,
    cport: u16,
    vaddr: Vec<u8>,
    vport: u16,
    daddr: Vec<u8>,
    dport: u16,
    state: Vec<u8>,
    expires: u32,
    pe_name: Vec<u8>,
    pe_data: Vec<u8>,
    /// How many conversions matched (sscanf's return value).
    matched: usize,
}

/// A cursor over a C string with `sscanf`'s conversions `%s`, `%X`, `%d`.
struct FieldScanner<'a> {
    s: &'a [u8],
    pos: usize,
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

impl FieldScanner<'_> {
    fn skip_space(&mut self) {
        while self.pos < self.s.len() && is_c_space(self.s[self.pos]) {
            self.pos += 1;
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    /// `%s`.
    fn word(&mut self) -> Option<Vec<u8>> {
        self.skip_space();
        let start = self.pos;
        while self.pos < self.s.len() && !is_c_space(self.s[self.pos]) {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.s[start..self.pos].to_vec())
    }

    /// An optional sign, then digits of `radix` (with an optional `0x`
    /// prefix for 16) as `strtoul` (or, if `signed`, `strtol`) would take
    /// them, as a two's-complement 64-bit value.
    fn number(&mut self, radix: u32, signed: bool) -> Option<u64> {
        self.skip_space();
        let mut neg = false;
        if let Some(&c @ (b'+' | b'-')) = self.s.get(self.pos) {
            neg = c == b'-';
            self.pos += 1;
        }
        if radix == 16
            && self.s.get(self.pos) == Some(&b'0')
            && matches!(self.s.get(self.pos + 1), Some(b'x' | b'X'))
            && self
                .s
                .get(self.pos + 2)
                .is_some_and(|c| c.is_ascii_hexdigit())
        {
            self.pos += 2;
        }
        let start = self.pos;
        let mut value: u64 = 0;
        let mut overflow = false;
        while let Some(d) = self
            .s
            .get(self.pos)
            .and_then(|c| (*c as char).to_digit(radix))
        {
            match value
                .checked_mul(u64::from(radix))
                .and_then(|v| v.checked_add(u64::from(d)))
            {
                Some(v) => value = v,
                None => overflow = true,
            }
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        if signed {
            // strtol: saturate to the signed range.
            let limit = if neg { 1u64 << 63 } else { i64::MAX as u64 };
            if overflow || value > limit {
                value = limit;
            }
        } else if overflow {
            value = u64::MAX;
        }
        Some(if neg { value.wrapping_neg() } else { value })
    }
}

/// `strtoul(text, NULL, 16)` truncated to 32 bits.
fn strtoul_hex32(text: &[u8]) -> u32 {
    let mut sc = FieldScanner { s: text, pos: 0 };
    sc.number(16, false).unwrap_or(0) as u32
}

impl ConnLine {
    /// `None` where sscanf returns EOF (nothing but blanks before the
    /// first field), which makes ipvsadm exit with status 1.
    fn parse(chunk: &[u8]) -> Option<Self> {
        // sscanf sees a C string: it ends at the first NUL.
        let text = match chunk.iter().position(|&b| b == 0) {
            Some(nul) => &chunk[..nul],
            None => chunk,
        };
        let mut sc = FieldScanner { s: text, pos: 0 };
        let mut line = ConnLine::default();
        sc.skip_space();
        if sc.at_end() {
            return None;
        }
        line.scan_fields(&mut sc);
        Some(line)
    }

    fn scan_fields(&mut self, sc: &mut FieldScanner<'_>) {
        macro_rules! field {
            ($slot:expr, $value:expr) => {
                match $value {
                    Some(v) => {
                        $slot = v;
                        self.matched += 1;
                    }
                    None => return,
                }
            };
        }
        field!(self.protocol, sc.word());
        field!(self.caddr, sc.word());
        field!(self.cport, sc.number(16, false).map(|v| v as u16));
        field!(self.vaddr, sc.word());
        field!(self.vport, sc.number(16, false).map(|v| v as u16));
        field!(self.daddr, sc.word());
        field!(self.dport, sc.number(16, false).map(|v| v as u16));
        field!(self.state, sc.word());
        field!(self.expires, sc.number(10, true).map(|v| v as u32));
        field!(self.pe_name, sc.word());
        field!(self.pe_data, sc.word());
    }

    /// Client and virtual address: both IPv6 if the client address parses
    /// as IPv6, else both IPv4 (dotted or the kernel's hex form).
    fn client_virtual(&self) -> (IpAddr, IpAddr) {
        if let Some(c) = parse_v6(&self.caddr) {
            let v = parse_v6(&self.vaddr).unwrap_or(Ipv6Addr::UNSPECIFIED);
            (IpAddr::V6(c), IpAddr::V6(v))
        } else if let Some(c) = parse_v4(&self.caddr) {
            let v = parse_v4(&self.vaddr).unwrap_or(Ipv4Addr::UNSPECIFIED);
            (IpAddr::V4(c), IpAddr::V4(v))
        } else {
            (
                IpAddr::V4(Ipv4Addr::from(strtoul_hex32(&self.caddr))),
                IpAddr::V4(Ipv4Addr::from(strtoul_hex32(&self.vaddr))),
            )
        }
    }

    fn dest(&self) -> IpAddr {
        if let Some(d) = parse_v6(&self.daddr) {
            IpAddr::V6(d)
        } else if let Some(d) = parse_v4(&self.daddr) {
            IpAddr::V4(d)
        } else {
            IpAddr::V4(Ipv4Addr::from(strtoul_hex32(&self.daddr)))
        }
    }

    /// The entry the line describes; the persistence-engine fields only
    /// when sscanf reached them.
    fn connection(self) -> Connection {
        let (caddr, vaddr) = self.client_virtual();
        let destination = (self.dest(), self.dport);
        Connection {
            client: (caddr, self.cport),
            virtual_: (vaddr, self.vport),
            destination,
            expires: self.expires,
            pe_name: (self.matched >= 10).then_some(self.pe_name),
            pe_data: (self.matched >= 11).then_some(self.pe_data),
            protocol: self.protocol,
            state: self.state,
        }
    }
}

/// `inet_pton(AF_INET6, ...)`.
fn parse_v6(text: &[u8]) -> Option<Ipv6Addr> {
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// `inet_pton(AF_INET, ...)`: dotted quad only.
fn parse_v4(text: &[u8]) -> Option<Ipv4Addr> {
    std::str::from_utf8(text).ok()?.parse().ok()
}
