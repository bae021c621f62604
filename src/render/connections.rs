//! `-L -c`: the connection table, read from the kernel's text file
//! `/proc/net/ip_vs_conn` the way ipvsadm reads it (255-byte `fgets`
//! chunks, `sscanf` fields) and printed in its columns.

use std::io::{BufRead, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::Error;
use crate::model::Protocol;

use super::names::push_addr_port;
use super::write_left;

/// The file ipvsadm reads the connection table from.
pub const CONN_PROC_FILE: &str = "/proc/net/ip_vs_conn";

/// ipvsadm reads with `fgets` into a 256-byte buffer: at most 255 bytes a
/// time, so longer lines are split and each piece is parsed as a line.
const LINE_CHUNK: usize = 255;

/// The error ipvsadm reports when the file cannot be opened (status 1).
pub fn open_error() -> Error {
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

/// Opens [`CONN_PROC_FILE`] and writes the table (`list_conn`).
pub fn write_connections_from_proc(
    out: &mut impl Write,
    numeric: bool,
    persistent_conn: bool,
) -> Result<(), Error> {
    let file = std::fs::File::open(CONN_PROC_FILE).map_err(|_| open_error())?;
    write_connections(
        out,
        std::io::BufReader::new(file),
        numeric,
        persistent_conn,
    )
}

/// Writes the connection table from the text of `/proc/net/ip_vs_conn`.
///
/// The first line (the kernel's header) is skipped; if there is none the
/// error is `unexpected input from /proc/net/ip_vs_conn` (status 1). A
/// blank line stops the listing with status 1 and no message, as
/// ipvsadm's `exit(1)`: the caller must still flush what was written.
pub fn write_connections(
    out: &mut impl Write,
    mut input: impl BufRead,
    numeric: bool,
    persistent_conn: bool,
) -> Result<(), Error> {
    let mut chunks = after_header(&mut input)?;
    out.write_all(b"IPVS connection entries\n")?;
    if persistent_conn {
        writeln!(
            out,
            "pro expire {:<11} {:<18} {:<18} {:<18} {:<16} pe_data",
            "state", "source", "virtual", "destination", "pe name"
        )?;
    } else {
        writeln!(
            out,
            "pro expire {:<11} {:<18} {:<18} destination",
            "state", "source", "virtual"
        )?;
    }
    while let Some(conn) = chunks.next_conn()? {
        conn.write(out, numeric, persistent_conn)?;
    }
    Ok(())
}

/// The entries of `/proc/net/ip_vs_conn` for the JSON view, parsed as
/// [`write_connections`] parses them (same header, line and error rules).
pub fn read_entries(
    mut input: impl BufRead,
) -> Result<Vec<super::json::ConnectionEntry>, Error> {
    let mut chunks = after_header(&mut input)?;
    let mut entries = Vec::new();
    while let Some(conn) = chunks.next_conn()? {
        entries.push(conn.entry());
    }
    Ok(entries)
}

/// The input after the kernel's header line; ipvsadm's first `fgets`
/// failing (end of file or a read error) is `unexpected input`.
fn after_header<R: BufRead>(input: &mut R) -> Result<Chunks<'_, R>, Error> {
    let mut chunks = Chunks {
        input,
        pending: Vec::new(),
        pos: 0,
    };
    if !matches!(chunks.next_chunk(), Ok(Some(_))) {
        return Err(unexpected_input());
    }
    Ok(chunks)
}

/// Successive `fgets(buf, 256, f)` results.
struct Chunks<'a, R: BufRead> {
    input: &'a mut R,
    pending: Vec<u8>,
    pos: usize,
}

impl<R: BufRead> Chunks<'_, R> {
    /// The next line parsed; a blank one ends the listing with status 1
    /// and no message (sscanf's EOF, ipvsadm's `exit(1)`).
    fn next_conn(&mut self) -> Result<Option<ConnLine>, Error> {
        match self.next_chunk()? {
            None => Ok(None),
            Some(chunk) => ConnLine::parse(&chunk)
                .map(Some)
                .ok_or(Error::Silent { status: 1 }),
        }
    }

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

/// One parsed line: `sscanf(buf, "%s %s %hX %s %hX %s %hX %s %d %s %s")`.
/// Fields the line does not provide stay empty or zero.
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

/// A cursor over a C string with `sscanf`'s primitive conversions.
struct Scanner<'a> {
    s: &'a [u8],
    pos: usize,
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

impl Scanner<'_> {
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
    let mut sc = Scanner { s: text, pos: 0 };
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
        let mut sc = Scanner { s: text, pos: 0 };
        let mut line = ConnLine::default();
        sc.skip_space();
        if sc.at_end() {
            return None;
        }
        line.scan_fields(&mut sc);
        Some(line)
    }

    fn scan_fields(&mut self, sc: &mut Scanner<'_>) {
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

    fn protocol(&self) -> Option<Protocol> {
        match self.protocol.as_slice() {
            b"TCP" => Some(Protocol::Tcp),
            b"UDP" => Some(Protocol::Udp),
            b"SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
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

    /// The line as a JSON connection entry (numeric, persistence-engine
    /// fields only when the kernel printed them).
    fn entry(&self) -> super::json::ConnectionEntry {
        let (caddr, vaddr) = self.client_virtual();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let present = |b: &[u8], n: usize| {
            (self.matched >= n && !b.is_empty()).then(|| text(b))
        };
        super::json::ConnectionEntry {
            protocol: text(&self.protocol),
            client: (caddr, self.cport),
            virtual_: (vaddr, self.vport),
            destination: (self.dest(), self.dport),
            state: text(&self.state),
            expires: u64::from(self.expires),
            pe_name: present(&self.pe_name, 10),
            pe_data: present(&self.pe_data, 11),
        }
    }

    fn write(
        &self,
        out: &mut impl Write,
        numeric: bool,
        persistent_conn: bool,
    ) -> std::io::Result<()> {
        let proto = self.protocol();
        let (caddr, vaddr) = self.client_virtual();
        let daddr = self.dest();
        let name = |addr: &IpAddr, port: u16| {
            let mut s = String::with_capacity(24);
            push_addr_port(&mut s, addr, port, proto, numeric);
            s
        };
        let cname = name(&caddr, self.cport);
        let vname = name(&vaddr, self.vport);
        let dname = name(&daddr, self.dport);
        let expire =
            format!("{:02}:{:02}", self.expires / 60, self.expires % 60);

        write_left(out, &self.protocol, 3)?;
        out.write_all(b" ")?;
        write_left(out, expire.as_bytes(), 6)?;
        out.write_all(b" ")?;
        write_left(out, &self.state, 11)?;
        out.write_all(b" ")?;
        write_left(out, cname.as_bytes(), 18)?;
        out.write_all(b" ")?;
        write_left(out, vname.as_bytes(), 18)?;
        out.write_all(b" ")?;
        if persistent_conn && self.matched == 11 {
            write_left(out, dname.as_bytes(), 16)?;
            out.write_all(b" ")?;
            write_left(out, &self.pe_name, 18)?;
            out.write_all(b" ")?;
            out.write_all(&self.pe_data)?;
        } else {
            out.write_all(dname.as_bytes())?;
        }
        out.write_all(b"\n")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, numeric: bool, pc: bool) -> Result<String, Error> {
        let mut out = Vec::new();
        write_connections(&mut out, input.as_bytes(), numeric, pc)?;
        Ok(String::from_utf8(out).unwrap())
    }

    const HEADER: &str = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt \
                          State       Expires PEName PEData\n";

    #[test]
    fn reference_example() {
        // Reference §6.8 (V, -Lnc), with kernel-format input lines.
        let input = format!(
            "{HEADER}\
TCP C0A80164 C350 0A000001 0050 0A010101 0050 ESTABLISHED     899\n\
UDP C0A80165 14E9 0A000001 0035 0A010102 0035 UDP            5999\n\
TCP 2001:0db8:0000:0000:0000:0000:0000:0099 01BB \
2001:0db8:0000:0000:0000:0000:0000:0001 01BB \
2001:0db8:0000:0000:0000:0000:0000:0010 01BB SYN_RECV         59\n"
        );
        let want = "IPVS connection entries\n\
pro expire state       source             virtual            destination\n\
TCP 14:59  ESTABLISHED 192.168.1.100:50000 10.0.0.1:80        10.1.1.1:80\n\
UDP 99:59  UDP         192.168.1.101:5353 10.0.0.1:53        10.1.1.2:53\n\
TCP 00:59  SYN_RECV    [2001:db8::99]:443 [2001:db8::1]:443  [2001:db8::10]:443\n";
        assert_eq!(run(&input, true, false).unwrap(), want);
    }

    #[test]
    fn persistent_conn_layout() {
        let input = format!(
            "{HEADER}\
UDP C0A80164 13C4 0A000001 13C4 0A010101 13C4 UDP             179 sip abc@x\n\
IP  C0A80164 0000 0A000001 0000 0A010101 0000 NONE            359\n"
        );
        let want = "IPVS connection entries\n\
pro expire state       source             virtual            destination        pe name          pe_data\n\
UDP 02:59  UDP         192.168.1.100:5060 10.0.0.1:5060      10.1.1.1:5060    sip                abc@x\n\
IP  05:59  NONE        192.168.1.100:0    10.0.0.1:0         10.1.1.1:0\n";
        assert_eq!(run(&input, true, true).unwrap(), want);
    }

    #[test]
    fn ip_lines_keep_numeric_ports() {
        let input = format!(
            "{HEADER}IP  7F000001 0050 7F000001 0050 7F000001 0050 NONE 10\n"
        );
        let text = run(&input, false, false).unwrap();
        assert!(text.contains(":80 "), "{text}");
        let input = format!(
            "{HEADER}TCP 7F000001 0050 7F000001 0050 7F000001 0050 NONE 10\n"
        );
        let text = run(&input, false, false).unwrap();
        assert!(text.contains(":http "), "{text}");
    }

    #[test]
    fn dotted_and_mixed_destination() {
        let input = format!(
            "{HEADER}TCP 10.0.0.5 0050 10.0.0.1 0050 \
             2001:0db8:0000:0000:0000:0000:0000:0010 0050 ESTABLISHED 60\n"
        );
        let text = run(&input, true, false).unwrap();
        assert!(
            text.ends_with(
                "TCP 01:00  ESTABLISHED 10.0.0.5:80        10.0.0.1:80        \
                 [2001:db8::10]:80\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn errors() {
        let e = run("", true, false).unwrap_err();
        assert_eq!(e.to_string(), "unexpected input from /proc/net/ip_vs_conn");
        assert_eq!(e.exit_status(), 1);
        assert_eq!(
            open_error().to_string(),
            "cannot open file /proc/net/ip_vs_conn"
        );
        assert_eq!(open_error().exit_status(), 1);
        // A blank line: sscanf returns EOF and ipvsadm exits 1 silently,
        // after what it printed before.
        let mut out = Vec::new();
        let input = format!("{HEADER}\n");
        let e = write_connections(&mut out, input.as_bytes(), true, false)
            .unwrap_err();
        assert_eq!(e.exit_status(), 1);
        assert!(!e.has_message());
        assert!(out.starts_with(b"IPVS connection entries\n"));
    }

    #[test]
    fn header_only_prints_titles() {
        assert_eq!(
            run(HEADER, true, false).unwrap(),
            "IPVS connection entries\n\
             pro expire state       source             virtual            \
             destination\n"
        );
    }

    #[test]
    fn long_lines_are_split_in_255_byte_pieces() {
        let mut chunks_input = Vec::new();
        chunks_input.extend_from_slice(HEADER.as_bytes());
        let long = format!("{}\n", "A".repeat(255));
        chunks_input.extend_from_slice(long.as_bytes());
        let mut out = Vec::new();
        // The first piece is a 255-byte word, the second the lone "\n",
        // which makes ipvsadm exit 1.
        let e = write_connections(&mut out, &chunks_input[..], true, false)
            .unwrap_err();
        assert_eq!(e.exit_status(), 1);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(&"A".repeat(255)));
    }

    #[test]
    fn entries_for_json() {
        let input = format!(
            "{HEADER}\
TCP C0A80164 C350 0A000001 0050 0A010101 0050 ESTABLISHED     899\n\
UDP C0A80164 13C4 0A000001 13C4 0A010101 13C4 UDP             179 sip abc@x\n"
        );
        let got = read_entries(input.as_bytes()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].client, ("192.168.1.100".parse().unwrap(), 50000));
        assert_eq!(got[0].destination.1, 80);
        assert_eq!(got[0].state, "ESTABLISHED");
        assert_eq!(got[0].expires, 899);
        assert_eq!(got[0].pe_name, None);
        assert_eq!(got[1].pe_name.as_deref(), Some("sip"));
        assert_eq!(got[1].pe_data.as_deref(), Some("abc@x"));
        assert!(read_entries(&b""[..]).is_err());
    }

    #[test]
    fn scanner_numbers() {
        let mut sc = Scanner {
            s: b" 0x1F -1 zz",
            pos: 0,
        };
        assert_eq!(sc.number(16, false), Some(31));
        assert_eq!(sc.number(16, false).map(|v| v as u16), Some(0xffff));
        assert_eq!(sc.number(16, false), None);
        let mut sc = Scanner {
            s: b"99999999999999999999 -5",
            pos: 0,
        };
        assert_eq!(sc.number(10, true).map(|v| v as u32), Some(u32::MAX));
        assert_eq!(sc.number(10, true).map(|v| v as u32), Some(-5i32 as u32));
        assert_eq!(strtoul_hex32(b"C0A80164"), 0xC0A8_0164);
        assert_eq!(strtoul_hex32(b"xyz"), 0);
    }
}
