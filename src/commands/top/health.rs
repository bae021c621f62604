//! `--top --metrics ADDR:PORT`: every refresh, the `--watch` supervisor's
//! metrics endpoint is read and the real servers it reports down are
//! marked.
//!
//! The reading is a plain HTTP/1.0 `GET /metrics` over a `TcpStream`,
//! bounded in time ([`TIMEOUT`] from connect to the last byte) and in
//! size ([`MAX_ANSWER`], [`MAX_LINE`]). Of the exposition only the
//! `ipvs_real_server_up` samples are parsed (every other line is
//! skipped); their labels name the real server (`server_address`,
//! `server_port`), its service (`family`, `protocol`, `address`, `port`,
//! `fwmark`) and its namespace (`netns`), as `render::prometheus` writes
//! them. A sample of value 0 marks the server down; one whose server the
//! table does not hold (the supervisor took it out, `quiescent=no`) is
//! added under its service as a row without numbers.
//!
//! The namespace label is compared with `--all-netns` only: one endpoint
//! serves one supervisor, and it labels its namespace by its own
//! `--netns` value, which `--top` in a single namespace cannot know.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::view::{Health, ServerView, ServiceView};
use crate::model::{AddressFamily, Protocol, ServiceKey};

/// How long one reading may take, from connect to the last byte.
pub(super) const TIMEOUT: Duration = Duration::from_secs(1);
/// The most read of an answer, head and body, in bytes.
pub(super) const MAX_ANSWER: u64 = 16 << 20;
/// The longest line read, in bytes.
pub(super) const MAX_LINE: usize = 64 << 10;
/// The family read.
const FAMILY: &str = "ipvs_real_server_up";

/// One `ipvs_real_server_up` sample.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sample {
    /// The `netns` label ("" for the supervisor's own namespace).
    pub netns: String,
    pub service: ServiceKey,
    pub addr: IpAddr,
    pub port: u16,
    /// The `forward` label, as `render::prometheus` names it.
    pub forward: &'static str,
    /// The value is not 0.
    pub up: bool,
}

/// The endpoint `--top` reads.
#[derive(Debug, Clone, Copy)]
pub(super) struct Endpoint {
    addr: SocketAddr,
    /// `--all-netns`: samples match rows of their namespace only.
    by_netns: bool,
}

impl Endpoint {
    pub(super) fn new(addr: SocketAddr, all_netns: bool) -> Endpoint {
        Endpoint {
            addr,
            by_netns: all_netns,
        }
    }

    pub(super) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Reads the endpoint and marks `views`; when it cannot be read, the
    /// status line saying why (`metrics ADDR:PORT: REASON`), and nothing
    /// is marked.
    pub(super) fn mark(&self, views: &mut [ServiceView]) -> Option<String> {
        match fetch(self.addr, TIMEOUT) {
            Ok(samples) => {
                apply(views, &samples, self.by_netns);
                None
            }
            Err(e) => Some(format!("metrics {}: {e}", self.addr)),
        }
    }
}

/// Marks the servers of `views` the samples name, and adds the ones
/// reported down that the table does not hold under their service.
/// Samples of services not shown are ignored.
pub(super) fn apply(
    views: &mut [ServiceView],
    samples: &[Sample],
    by_netns: bool,
) {
    for s in samples {
        let Some(v) = views
            .iter_mut()
            .find(|v| v.key == s.service && (!by_netns || v.netns == s.netns))
        else {
            continue;
        };
        let health = if s.up { Health::Up } else { Health::Down };
        match v
            .servers
            .iter_mut()
            .find(|d| d.addr == s.addr && d.port == s.port)
        {
            Some(d) => d.health = health,
            None if !s.up => {
                v.servers
                    .push(ServerView::unlisted(s.addr, s.port, s.forward));
            }
            None => {}
        }
    }
}

/// `GET /metrics` from `addr` within `timeout`: the
/// `ipvs_real_server_up` samples, or why they could not be read.
pub(super) fn fetch(
    addr: SocketAddr,
    timeout: Duration,
) -> Result<Vec<Sample>, String> {
    let stream =
        TcpStream::connect_timeout(&addr, timeout).map_err(io_reason)?;
    let mut conn = Deadline {
        stream,
        deadline: Instant::now() + timeout,
    };
    let request = format!(
        "GET /metrics HTTP/1.0\r\nHost: {addr}\r\nAccept: text/plain\r\n\r\n"
    );
    conn.write_all(request.as_bytes()).map_err(io_reason)?;
    read_answer(BufReader::new(conn.take(MAX_ANSWER + 1)))
}

/// An I/O error as the status line says it.
fn io_reason(e: io::Error) -> String {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            "timed out".into()
        }
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        _ => e.to_string(),
    }
}

/// A stream whose reads and writes all end by one deadline.
struct Deadline {
    stream: TcpStream,
    deadline: Instant,
}

impl Deadline {
    /// The time left, or a timeout error once it is over.
    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        Ok(left)
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left()?;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

impl Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self.left()?;
        self.stream.set_write_timeout(Some(left))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// Reads an HTTP/1.x answer (at most [`MAX_ANSWER`] bytes; the reader
/// gives one more when there is more): a 200 status, headers, then the
/// exposition to its end.
pub(super) fn read_answer(mut r: impl BufRead) -> Result<Vec<Sample>, String> {
    let mut line = Vec::new();
    let mut total = 0u64;
    let mut next = |r: &mut dyn BufRead, line: &mut Vec<u8>| {
        let more = next_line(r, line)?;
        total += line.len() as u64;
        if total > MAX_ANSWER {
            return Err(format!("answer longer than {} MiB", MAX_ANSWER >> 20));
        }
        Ok::<bool, String>(more)
    };
    if !next(&mut r, &mut line)? {
        return Err("empty answer".into());
    }
    status(&line)?;
    let mut length: Option<u64> = None;
    loop {
        if !next(&mut r, &mut line)? {
            return Err("answer cut short in its head".into());
        }
        let text = trim_eol(&line);
        if text.is_empty() {
            break;
        }
        if let Some(colon) = text.iter().position(|&b| b == b':') {
            let (name, value) = (&text[..colon], &text[colon + 1..]);
            if name.eq_ignore_ascii_case(b"transfer-encoding")
                && !value.trim_ascii().eq_ignore_ascii_case(b"identity")
            {
                return Err("answer in a transfer encoding".into());
            }
            if name.eq_ignore_ascii_case(b"content-length") {
                length = std::str::from_utf8(value.trim_ascii())
                    .ok()
                    .and_then(|v| v.parse().ok());
            }
        }
    }
    let mut samples = Vec::new();
    let mut number = 0usize;
    let mut body = 0u64;
    while next(&mut r, &mut line)? {
        number += 1;
        body += line.len() as u64;
        if let Some(s) = parse_line(trim_eol(&line))
            .map_err(|e| format!("line {number} of the body: {e}"))?
        {
            samples.push(s);
        }
    }
    if length.is_some_and(|n| body < n) {
        return Err("answer cut short".into());
    }
    Ok(samples)
}

/// The next line of `r` into `line` (with its line feed), at most
/// [`MAX_LINE`] bytes; `false` at the end.
fn next_line(r: &mut dyn BufRead, line: &mut Vec<u8>) -> Result<bool, String> {
    line.clear();
    let n = r
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', line)
        .map_err(io_reason)?;
    if line.len() > MAX_LINE {
        return Err(format!("a line longer than {} KiB", MAX_LINE >> 10));
    }
    Ok(n > 0)
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Checks the status line: `HTTP/1.x 200 ...`.
fn status(line: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(trim_eol(line));
    let mut words = text.splitn(3, ' ');
    let version = words.next().unwrap_or("");
    let code = words.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err("not an HTTP/1.x answer".into());
    }
    if code != "200" {
        let shown: String = text.chars().take(80).collect();
        return Err(format!("answered `{shown}'"));
    }
    Ok(())
}

/// Blanks between the tokens of a line.
const BLANK: [char; 2] = [' ', '\t'];

/// One line of the exposition: the sample if it is one of
/// `ipvs_real_server_up` whose value is a number (`NaN` tells
/// nothing: `None`), `None` for every other line, an error for a sample
/// of that family that does not parse.
pub(super) fn parse_line(line: &[u8]) -> Result<Option<Sample>, String> {
    let rest = match line.trim_ascii_start().strip_prefix(FAMILY.as_bytes()) {
        Some(rest) if rest.first().is_some_and(|b| b"{ \t".contains(b)) => rest,
        _ => return Ok(None),
    };
    let rest = std::str::from_utf8(rest).map_err(|_| "not UTF-8")?;
    let (labels, rest) = parse_labels(rest)?;
    let mut tokens = rest.split(BLANK).filter(|t| !t.is_empty());
    let value = tokens.next().ok_or("no value")?;
    let value: f64 = value
        .parse()
        .map_err(|_| format!("value `{value}' is not a number"))?;
    if tokens.next().is_some_and(|t| t.parse::<i64>().is_err())
        || tokens.next().is_some()
    {
        return Err("text after the value and timestamp".into());
    }
    if value.is_nan() {
        return Ok(None);
    }
    sample(&labels, value != 0.0).map(Some)
}

/// Label names and their values, unescaped.
type Labels<'a> = Vec<(&'a str, String)>;

/// The labels at the start of `s` (none without a `{`) and what follows
/// them.
fn parse_labels(s: &str) -> Result<(Labels<'_>, &str), String> {
    let mut labels = Labels::new();
    let Some(mut s) = s.trim_start_matches(BLANK).strip_prefix('{') else {
        return Ok((labels, s));
    };
    loop {
        s = s.trim_start_matches(BLANK);
        if let Some(rest) = s.strip_prefix('}') {
            return Ok((labels, rest));
        }
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        let name = &s[..end];
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err("a label without a valid name".into());
        }
        if labels.iter().any(|(n, _)| *n == name) {
            return Err(format!("label {name} twice"));
        }
        s = s[end..].trim_start_matches(BLANK);
        s = s
            .strip_prefix('=')
            .ok_or_else(|| format!("no `=' after label {name}"))?
            .trim_start_matches(BLANK);
        s = s
            .strip_prefix('"')
            .ok_or_else(|| format!("label {name}'s value is not quoted"))?;
        let (value, rest) = label_value(s)
            .ok_or_else(|| format!("label {name}'s value is malformed"))?;
        labels.push((name, value));
        s = rest.trim_start_matches(BLANK);
        if let Some(rest) = s.strip_prefix(',') {
            s = rest;
        } else if !s.starts_with('}') {
            return Err(format!("no `,' or `}}' after label {name}"));
        }
    }
}

/// A label value after its opening quote: the value with `\\`, `\"` and
/// `\n` unescaped, and what follows the closing quote; `None` for
/// another escape or no closing quote.
fn label_value(s: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &s[i + 1..])),
            '\\' => value.push(match chars.next()?.1 {
                '\\' => '\\',
                '"' => '"',
                'n' => '\n',
                _ => return None,
            }),
            c => value.push(c),
        }
    }
    None
}

/// The sample the labels name.
fn sample(labels: &[(&str, String)], up: bool) -> Result<Sample, String> {
    let get = |name| label(labels, name);
    let service = match get("fwmark") {
        "" => ServiceKey::Inet {
            protocol: match get("protocol") {
                "tcp" => Protocol::Tcp,
                "udp" => Protocol::Udp,
                "sctp" => Protocol::Sctp,
                other => return Err(invalid("protocol", other)),
            },
            addr: parsed(labels, "address")?,
            port: parsed(labels, "port")?,
        },
        _ => ServiceKey::Fwmark {
            family: match get("family") {
                "inet" => AddressFamily::Inet,
                "inet6" => AddressFamily::Inet6,
                other => return Err(invalid("family", other)),
            },
            mark: parsed(labels, "fwmark")?,
        },
    };
    Ok(Sample {
        netns: get("netns").to_owned(),
        service,
        addr: parsed(labels, "server_address")?,
        port: parsed(labels, "server_port")?,
        forward: match get("forward") {
            "masq" => "masq",
            "local" => "local",
            "tunnel" => "tunnel",
            "route" => "route",
            _ => "",
        },
        up,
    })
}

/// The value of label `name` ("" when absent, as Prometheus reads it).
fn label<'a>(labels: &'a [(&str, String)], name: &str) -> &'a str {
    labels
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The value of label `name` parsed.
fn parsed<T: std::str::FromStr>(
    labels: &[(&str, String)],
    name: &str,
) -> Result<T, String> {
    let v = label(labels, name);
    v.parse().map_err(|_| invalid(name, v))
}

fn invalid(name: &str, value: &str) -> String {
    format!("label {name} `{}' is not valid", value.escape_debug())
}
