//! ldirectord's configuration file (`ldirectord.cf`), read with
//! ldirectord's rules and defaults: `key=value` settings at the start of a
//! line, and `virtual=` sections whose lines are indented (a tab counts as
//! four spaces, as in ldirectord, and at least four are needed). A keyword
//! ldirectord knows but this supervisor does not act on is a warning; a
//! keyword it does not know, a syntax error or a bad value is an error.
//! Addresses and ports are numeric (or ldirectord's service names for
//! ports): nothing is looked up in the name service.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::config::{Config, ConfigError, Pool, Real};
use crate::health::{
    CheckKind, CheckSpec, CheckTarget, Checker, HttpMethod, Probe,
};
use crate::model::{
    AddressFamily, Destination, ForwardMethod, Protocol, Service, ServiceFlags,
    ServiceKey,
};

/// ldirectord's `checktimeout` when nothing sets it.
const DEFAULT_CHECK_TIMEOUT: u64 = 5;
/// ldirectord's `negotiatetimeout` when nothing sets it.
const DEFAULT_NEGOTIATE_TIMEOUT: u64 = 30;

/// The global settings, as far as they were given (`None`: not set).
#[derive(Debug, Default, Clone)]
struct Globals {
    common: Common,
    check_interval: Option<u64>,
    readd_quiescent: Option<bool>,
    autoreload: Option<bool>,
    fallback: Option<(Fallback, usize)>,
    logfile: Option<PathBuf>,
}

/// A `fallback=` value before its port is known.
#[derive(Debug, Clone)]
struct Fallback {
    addr: IpAddr,
    port: Option<u16>,
    forward: ForwardMethod,
}

/// One `virtual=` section while it is read.
#[derive(Debug)]
struct Virtual {
    line: usize,
    key_addr: VirtualAddr,
    protocol: Option<Protocol>,
    scheduler: String,
    persistent: Option<u32>,
    netmask: Option<u32>,
    one_packet: bool,
    reals: Vec<(Destination, usize)>,
    fallback: Option<(Fallback, usize)>,
    service: Option<String>,
    checktype: CheckType,
    check_port: Option<u16>,
    request: String,
    receive: Option<String>,
    http_method: HttpMethod,
    virtual_host: Option<String>,
    check_command: String,
    common: Common,
}

/// The settings a `virtual=` section may override (`None`: not set).
#[derive(Debug, Default, Clone)]
struct Common {
    check_timeout: Option<u64>,
    connect_timeout: Option<u64>,
    negotiate_timeout: Option<u64>,
    failure_count: Option<u32>,
    quiescent: Option<bool>,
    cleanstop: Option<bool>,
}

#[derive(Debug, Clone, Copy)]
enum VirtualAddr {
    Inet(IpAddr, u16),
    Fwmark(u32, AddressFamily),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CheckType {
    Connect,
    Negotiate,
    External,
    On,
    Off,
    Combined(u32),
}

/// The reader's state: the file's name, warnings so far.
struct Reader<'a> {
    name: &'a str,
    warnings: Vec<String>,
}

impl Reader<'_> {
    fn error(&self, line: usize, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.name.to_string(),
            line: Some(line),
            message: message.into(),
        }
    }

    fn warn(&mut self, line: usize, message: impl AsRef<str>) {
        let name = self.name;
        self.warnings
            .push(format!("{name}:{line}: warning: {}", message.as_ref()));
    }
}

/// Reads an ldirectord.cf; `name` is used in messages.
pub(super) fn parse(name: &str, text: &[u8]) -> Result<Config, ConfigError> {
    let text = String::from_utf8_lossy(text);
    let mut reader = Reader {
        name,
        warnings: Vec::new(),
    };
    let mut globals = Globals::default();
    let mut virtuals: Vec<Virtual> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let expanded = raw.replace('\t', "    ");
        let indented = expanded.starts_with("    ");
        let content = strip_comment(&expanded).trim();
        if content.is_empty() {
            continue;
        }
        if indented {
            let Some(current) = virtuals.last_mut() else {
                return Err(reader.error(
                    number,
                    "indented line outside a virtual= section",
                ));
            };
            section_line(&mut reader, current, number, content)?;
            continue;
        }
        if expanded.starts_with(char::is_whitespace) {
            return Err(reader.error(
                number,
                "a line of a virtual= section needs four spaces or a tab \
                 of indentation",
            ));
        }
        let (key, value) = split(&reader, number, content)?;
        if key == "virtual" || key == "virtual6" {
            let v = new_virtual(&reader, number, key == "virtual6", value)?;
            virtuals.push(v);
        } else {
            global_line(&mut reader, &mut globals, number, key, value)?;
        }
    }
    finish(reader, globals, virtuals)
}

/// A line without its `#` comment (ldirectord strips from the first `#`).
fn strip_comment(line: &str) -> &str {
    match line.find('#') {
        Some(at) => &line[..at],
        None => line,
    }
}

/// `key = value`.
fn split<'a>(
    reader: &Reader,
    line: usize,
    content: &'a str,
) -> Result<(&'a str, &'a str), ConfigError> {
    match content.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim(), v.trim())),
        _ => Err(reader.error(
            line,
            format!("syntax error: expected keyword=value, got \"{content}\""),
        )),
    }
}

/// A value without the double quotes around it, if any.
fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

fn yes_no(
    reader: &Reader,
    line: usize,
    key: &str,
    value: &str,
) -> Result<bool, ConfigError> {
    match value {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(reader.error(line, format!("{key} must be 'yes' or 'no'"))),
    }
}

/// A positive number of seconds or a positive count.
fn positive(
    reader: &Reader,
    line: usize,
    key: &str,
    value: &str,
) -> Result<u64, ConfigError> {
    match value.parse::<u64>() {
        Ok(n) if n > 0 && n <= 86_400 => Ok(n),
        _ => Err(reader.error(
            line,
            format!(
                "invalid {key} \"{value}\": a positive whole number is \
                     required"
            ),
        )),
    }
}

fn count(
    reader: &Reader,
    line: usize,
    key: &str,
    value: &str,
) -> Result<u32, ConfigError> {
    let n = positive(reader, line, key, value)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Keywords ldirectord reads that this supervisor does not act on.
const GLOBAL_UNIMPLEMENTED: &[&str] = &[
    "callback",
    "emailalert",
    "emailalertfreq",
    "emailalertstatus",
    "emailalertfrom",
    "smtp",
    "execute",
    "fork",
    "supervised",
    "maintenancedir",
    "fallbackcommand",
    "fallback6command",
    "checkcount",
];

fn global_line(
    reader: &mut Reader,
    g: &mut Globals,
    line: usize,
    key: &str,
    value: &str,
) -> Result<(), ConfigError> {
    if common_line(reader, &mut g.common, line, key, value)? {
        return Ok(());
    }
    match key {
        "checkinterval" => {
            g.check_interval = Some(positive(reader, line, key, value)?);
        }
        "autoreload" => g.autoreload = Some(yes_no(reader, line, key, value)?),
        "readdquiescent" => {
            g.readd_quiescent = Some(yes_no(reader, line, key, value)?);
        }
        "fallback" | "fallback6" => {
            let six = key == "fallback6";
            g.fallback = Some((fallback(reader, line, six, value)?, line));
        }
        "logfile" => {
            let path = unquote(value);
            if path.starts_with('/') {
                g.logfile = Some(PathBuf::from(path));
            } else {
                reader.warn(
                    line,
                    format!(
                        "logfile \"{path}\" is a syslog facility, which is \
                         not implemented: logging to standard error"
                    ),
                );
            }
        }
        _ if GLOBAL_UNIMPLEMENTED.contains(&key) => {
            reader.warn(line, format!("{key} is not implemented: ignored"));
        }
        _ => {
            return Err(
                reader.error(line, format!("unknown keyword \"{key}\""))
            );
        }
    }
    Ok(())
}

/// The settings of both the global part and a section; false when `key`
/// is not one of them.
fn common_line(
    reader: &Reader,
    c: &mut Common,
    line: usize,
    key: &str,
    value: &str,
) -> Result<bool, ConfigError> {
    let seconds = || positive(reader, line, key, value).map(Some);
    let flag = || yes_no(reader, line, key, value).map(Some);
    match key {
        "checktimeout" => c.check_timeout = seconds()?,
        "connecttimeout" => c.connect_timeout = seconds()?,
        "negotiatetimeout" => c.negotiate_timeout = seconds()?,
        "failurecount" => {
            c.failure_count = Some(count(reader, line, key, value)?);
        }
        "quiescent" => c.quiescent = flag()?,
        "cleanstop" => c.cleanstop = flag()?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// The start of a `virtual=` section: `a.b.c.d:port`, `[v6]:port` or a
/// firewall mark.
fn new_virtual(
    reader: &Reader,
    line: usize,
    six: bool,
    value: &str,
) -> Result<Virtual, ConfigError> {
    let family = if six {
        AddressFamily::Inet6
    } else {
        AddressFamily::Inet
    };
    let key_addr =
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            let mark =
                value.parse::<u32>().ok().filter(|m| *m > 0).ok_or_else(
                    || {
                        reader.error(
                            line,
                            format!("invalid firewall mark \"{value}\""),
                        )
                    },
                )?;
            VirtualAddr::Fwmark(mark, family)
        } else {
            let (addr, port) = addr_port(value).ok_or_else(|| {
                reader.error(
                    line,
                    format!("invalid address for virtual server \"{value}\""),
                )
            })?;
            let port = port.ok_or_else(|| {
                reader.error(line, "the virtual server needs a port")
            })?;
            VirtualAddr::Inet(addr, port)
        };
    Ok(Virtual {
        line,
        key_addr,
        protocol: None,
        scheduler: "wrr".to_string(),
        persistent: None,
        netmask: None,
        one_packet: false,
        reals: Vec::new(),
        fallback: None,
        service: None,
        checktype: CheckType::Negotiate,
        check_port: None,
        request: "/".to_string(),
        receive: None,
        http_method: HttpMethod::Get,
        virtual_host: None,
        check_command: "/bin/true".to_string(),
        common: Common::default(),
    })
}

/// `ADDR[:PORT]` with ADDR `a.b.c.d` or `[v6]`, PORT a number or one of
/// ldirectord's service names. `None` when it does not parse.
fn addr_port(text: &str) -> Option<(IpAddr, Option<u16>)> {
    let (addr, port) = if let Some(rest) = text.strip_prefix('[') {
        let (addr, rest) = rest.split_once(']')?;
        let addr: Ipv6Addr = addr.parse().ok()?;
        let port = match rest {
            "" => None,
            _ => Some(rest.strip_prefix(':')?),
        };
        (IpAddr::V6(addr), port)
    } else {
        let (addr, port) = match text.split_once(':') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        (IpAddr::V4(addr.parse::<Ipv4Addr>().ok()?), port)
    };
    let port = match port {
        None => None,
        Some(p) => Some(port_number(p)?),
    };
    Some((addr, port))
}

/// A port number or one of the service names ldirectord knows.
fn port_number(text: &str) -> Option<u16> {
    if let Ok(n) = text.parse::<u16>() {
        return Some(n);
    }
    SERVICE_PORTS
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, port)| *port)
}

/// ldirectord's services and their ports, both ways: a port names the
/// service checked when `service` is not given, and a service names the
/// port checked when the real server has none.
const SERVICE_PORTS: &[(&str, u16)] = &[
    ("ftp", 21),
    ("smtp", 25),
    ("dns", 53),
    ("http", 80),
    ("pop", 110),
    ("nntp", 119),
    ("imap", 143),
    ("ldap", 389),
    ("https", 443),
    ("submission", 587),
    ("ldaps", 636),
    ("imaps", 993),
    ("pops", 995),
    ("oracle", 1521),
    ("radius", 1812),
    ("http_proxy", 3128),
    ("mysql", 3306),
    ("sip", 5060),
    ("pgsql", 5432),
];

/// The services ldirectord accepts in `service=`.
const SERVICES: &[&str] = &[
    "dns",
    "ftp",
    "http",
    "https",
    "http_proxy",
    "imap",
    "imaps",
    "ldap",
    "ldaps",
    "nntp",
    "mysql",
    "none",
    "oracle",
    "pop",
    "pops",
    "radius",
    "pgsql",
    "sip",
    "smtp",
    "submission",
    "simpletcp",
];

/// Keywords of a section ldirectord reads that are not acted on here.
const VIRTUAL_UNIMPLEMENTED: &[&str] = &[
    "login",
    "passwd",
    "database",
    "secret",
    "load",
    "schedflags",
    "fallbackcommand",
    "emailalert",
    "emailalertfreq",
    "emailalertstatus",
    "monitorfile",
    "smtp",
    "checkcount",
];

fn section_line(
    reader: &mut Reader,
    v: &mut Virtual,
    line: usize,
    content: &str,
) -> Result<(), ConfigError> {
    let (key, value) = split(reader, line, content)?;
    if common_line(reader, &mut v.common, line, key, value)? {
        return Ok(());
    }
    match key {
        "real" | "real6" => {
            if (key == "real6") != matches!(v.family(), AddressFamily::Inet6) {
                return Err(reader.error(
                    line,
                    format!(
                        "\"{key}\" does not match the virtual server's \
                             address family"
                    ),
                ));
            }
            for d in reals(reader, v, line, value)? {
                if v.reals
                    .iter()
                    .any(|(o, _)| o.addr == d.addr && o.port == d.port)
                {
                    return Err(reader.error(line, "real server listed twice"));
                }
                v.reals.push((d, line));
            }
        }
        "servicename" | "comment" => {}
        "service" => {
            let s = unquote(value);
            if !SERVICES.contains(&s) {
                return Err(reader.error(
                    line,
                    format!("service must be one of {}", SERVICES.join(", ")),
                ));
            }
            if !matches!(s, "http" | "https" | "simpletcp" | "none") {
                reader.warn(
                    line,
                    format!(
                        "service {s} has no negotiate check here: its real \
                         servers get a connect check"
                    ),
                );
            }
            v.service = Some(s.to_string());
        }
        "scheduler" => {
            if value.is_empty()
                || !value.bytes().all(|b| b.is_ascii_lowercase())
            {
                return Err(reader.error(
                    line,
                    "invalid scheduler, should be only lowercase letters (a-z)",
                ));
            }
            v.scheduler = value.to_string();
        }
        "persistent" => {
            let n = value.parse::<u32>().map_err(|_| {
                reader.error(line, "invalid persistent timeout")
            })?;
            v.persistent = Some(n);
        }
        "netmask" => v.netmask = Some(netmask(reader, v, line, value)?),
        "protocol" => {
            v.protocol = Some(match (v.key_addr, value) {
                (VirtualAddr::Fwmark(..), "fwm") => Protocol::Tcp,
                (VirtualAddr::Fwmark(..), _) => {
                    return Err(reader.error(
                        line,
                        "protocol must be fwm if the virtual service is a \
                         fwmark (a number)",
                    ));
                }
                (_, "tcp") => Protocol::Tcp,
                (_, "udp") => Protocol::Udp,
                (_, "sctp") => Protocol::Sctp,
                _ => {
                    return Err(reader.error(
                        line,
                        "protocol must be tcp, udp or sctp if the virtual \
                         service is an address and port",
                    ));
                }
            });
        }
        "ops" => v.one_packet = yes_no(reader, line, key, value)?,
        "checktype" => {
            v.checktype = match value {
                "connect" => CheckType::Connect,
                "negotiate" => CheckType::Negotiate,
                "external" => CheckType::External,
                "on" => CheckType::On,
                "off" => CheckType::Off,
                "ping" | "external-perl" => {
                    reader.warn(
                        line,
                        format!(
                            "checktype {value} is not implemented: a connect \
                             check is made instead"
                        ),
                    );
                    CheckType::Connect
                }
                n => match n.parse::<u32>() {
                    Ok(n) => CheckType::Combined(n),
                    Err(_) => {
                        return Err(reader.error(
                            line,
                            "checktype must be connect, negotiate, on, off, \
                             external or a number",
                        ));
                    }
                },
            };
        }
        "checkport" => {
            v.check_port =
                Some(value.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(
                    || {
                        reader
                            .error(line, "checkport must be in range 1..65535")
                    },
                )?);
        }
        "request" => {
            let r = unquote(value);
            if r.is_empty() {
                return Err(reader.error(line, "no request string specified"));
            }
            v.request = r.to_string();
        }
        "receive" => {
            let r = unquote(value);
            if r.is_empty() {
                return Err(reader.error(line, "invalid receive string"));
            }
            // The expression compiles, or the line is named now.
            if let Err(e) = Checker::validate_receive(r) {
                return Err(
                    reader.error(line, format!("invalid receive string: {e}"))
                );
            }
            v.receive = Some(r.to_string());
        }
        "httpmethod" => {
            v.http_method = match value.to_ascii_uppercase().as_str() {
                "GET" => HttpMethod::Get,
                "HEAD" => HttpMethod::Head,
                _ => {
                    return Err(
                        reader.error(line, "httpmethod must be GET or HEAD")
                    );
                }
            };
        }
        "virtualhost" => v.virtual_host = Some(unquote(value).to_string()),
        "checkcommand" => {
            let c = unquote(value);
            if c.is_empty() {
                return Err(reader.error(line, "invalid check command"));
            }
            v.check_command = c.to_string();
        }
        "checkinterval" => {
            positive(reader, line, key, value)?;
            reader.warn(
                line,
                "checkinterval in a virtual section is ignored (as \
                 ldirectord does without fork=yes): the global one applies",
            );
        }
        "fallback" | "fallback6" => {
            let six = key == "fallback6";
            if six != matches!(v.family(), AddressFamily::Inet6) {
                return Err(reader.error(
                    line,
                    format!(
                        "\"{key}\" does not match the virtual server's \
                             address family"
                    ),
                ));
            }
            v.fallback = Some((fallback(reader, line, six, value)?, line));
        }
        _ if VIRTUAL_UNIMPLEMENTED.contains(&key) => {
            reader.warn(line, format!("{key} is not implemented: ignored"));
        }
        _ => {
            return Err(reader.error(
                line,
                format!("unknown keyword \"{key}\" in a virtual section"),
            ));
        }
    }
    Ok(())
}

impl Virtual {
    fn family(&self) -> AddressFamily {
        match self.key_addr {
            VirtualAddr::Inet(addr, _) => AddressFamily::of(&addr),
            VirtualAddr::Fwmark(_, family) => family,
        }
    }

    fn port(&self) -> u16 {
        match self.key_addr {
            VirtualAddr::Inet(_, port) => port,
            VirtualAddr::Fwmark(..) => 0,
        }
    }
}

fn forward_method(word: &str) -> Option<ForwardMethod> {
    match word {
        "gate" => Some(ForwardMethod::Route),
        "masq" => Some(ForwardMethod::Masquerade),
        "ipip" => Some(ForwardMethod::Tunnel),
        _ => None,
    }
}

/// `real=ADDR[->ADDR][:PORT] gate|masq|ipip [WEIGHT]`: one real server, or
/// one per address of an IPv4 range.
fn reals(
    reader: &mut Reader,
    v: &Virtual,
    line: usize,
    value: &str,
) -> Result<Vec<Destination>, ConfigError> {
    let mut words = value.split_whitespace();
    let target = words.next().unwrap_or_default();
    let file = reader.name.to_string();
    let wrong = |what: &str| ConfigError {
        file: file.clone(),
        line: Some(line),
        message: format!("invalid real server \"{value}\": {what}"),
    };
    let (first, last, port) = match target.split_once("->") {
        Some((first, rest)) => {
            let (last, port) = addr_port(rest)
                .ok_or_else(|| wrong("bad end address or port"))?;
            let (first, _) =
                addr_port(first).ok_or_else(|| wrong("bad start address"))?;
            (first, Some(last), port)
        }
        None => {
            let (addr, port) = addr_port(target)
                .ok_or_else(|| wrong("bad address or port"))?;
            (addr, None, port)
        }
    };
    if AddressFamily::of(&first) != v.family() {
        return Err(wrong("not of the virtual server's address family"));
    }
    let forward = words
        .next()
        .and_then(forward_method)
        .ok_or_else(|| wrong("forward method must be gate, masq or ipip"))?;
    let weight = match words.next() {
        None => 1,
        Some(w) => w
            .parse::<i32>()
            .ok()
            .filter(|w| *w >= 0)
            .ok_or_else(|| wrong("the weight must be a whole number"))?,
    };
    if let Some(rest) = words.next() {
        let rest: Vec<&str> = std::iter::once(rest).chain(words).collect();
        reader.warn(
            line,
            format!(
                "per-real-server settings \"{}\" are not implemented: ignored",
                rest.join(" ")
            ),
        );
    }
    let port = port.filter(|p| *p > 0).unwrap_or(v.port());
    let addrs = match (first, last) {
        (a, None) => vec![a],
        (IpAddr::V4(a), Some(IpAddr::V4(b))) => {
            let (a, b) = (u32::from(a), u32::from(b));
            if a > b {
                return Err(wrong(
                    "the range's first address is above its last",
                ));
            }
            if b - a >= 65_536 {
                return Err(wrong("the range holds more than 65536 addresses"));
            }
            (a..=b).map(|n| IpAddr::V4(Ipv4Addr::from(n))).collect()
        }
        _ => return Err(wrong("address ranges are IPv4 only")),
    };
    Ok(addrs
        .into_iter()
        .map(|addr| {
            let mut d = Destination::new(addr, port);
            d.forward = forward;
            d.weight = weight;
            d
        })
        .collect())
}

/// `fallback=ADDR[:PORT] [gate|masq|ipip]` (gate by default).
fn fallback(
    reader: &Reader,
    line: usize,
    six: bool,
    value: &str,
) -> Result<Fallback, ConfigError> {
    let mut words = value.split_whitespace();
    let target = words.next().unwrap_or_default();
    let (addr, port) = addr_port(target).ok_or_else(|| {
        reader.error(line, format!("invalid fallback server: {value}"))
    })?;
    if addr.is_ipv6() != six {
        return Err(reader.error(
            line,
            "the fallback server is not of the expected address family",
        ));
    }
    let forward = match words.next() {
        None => ForwardMethod::Route,
        Some(w) => forward_method(w).ok_or_else(|| {
            reader.error(line, "forward method must be gate, masq or ipip")
        })?,
    };
    if words.next().is_some() {
        return Err(
            reader.error(line, format!("invalid fallback server: {value}"))
        );
    }
    Ok(Fallback {
        addr,
        port,
        forward,
    })
}

/// `netmask=`: a dotted quad for IPv4, a prefix length for IPv6, in the
/// form the kernel takes.
fn netmask(
    reader: &Reader,
    v: &Virtual,
    line: usize,
    value: &str,
) -> Result<u32, ConfigError> {
    if matches!(v.family(), AddressFamily::Inet6) {
        return value
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=128).contains(n))
            .ok_or_else(|| {
                reader.error(
                    line,
                    "invalid netmask: a prefix length between 1 and 128 is \
                 required",
                )
            });
    }
    let mask: Ipv4Addr = value.parse().map_err(|_| {
        reader.error(line, "invalid netmask: dotted quad notation is required")
    })?;
    Ok(u32::from_ne_bytes(mask.octets()))
}

/// Fills in the defaults ldirectord derives after reading the whole file.
fn finish(
    reader: Reader,
    g: Globals,
    virtuals: Vec<Virtual>,
) -> Result<Config, ConfigError> {
    let mut config = Config::new();
    if let Some(n) = g.check_interval {
        config.interval = Duration::from_secs(n);
    }
    config.autoreload = g.autoreload.unwrap_or(false);
    config.logfile = g.logfile.clone();
    for v in &virtuals {
        let pool = pool(&reader, &g, v)?;
        if config.pool(&pool.service.key).is_some() {
            return Err(reader.error(v.line, "duplicate virtual server"));
        }
        config.pools.push(pool);
    }
    config.warnings = reader.warnings;
    Ok(config)
}

fn pool(
    reader: &Reader,
    g: &Globals,
    v: &Virtual,
) -> Result<Pool, ConfigError> {
    let key = match v.key_addr {
        VirtualAddr::Inet(addr, port) => ServiceKey::Inet {
            protocol: v.protocol.unwrap_or(if port == 53 {
                Protocol::Udp
            } else {
                Protocol::Tcp
            }),
            addr,
            port,
        },
        VirtualAddr::Fwmark(mark, family) => {
            ServiceKey::Fwmark { family, mark }
        }
    };
    let mut service = Service::new(key);
    service.scheduler = v.scheduler.clone();
    if let Some(timeout) = v.persistent {
        service.flags =
            ServiceFlags(service.flags.0 | ServiceFlags::PERSISTENT);
        service.timeout = timeout;
    }
    if v.one_packet {
        service.flags = ServiceFlags(service.flags.0 | ServiceFlags::ONEPACKET);
    }
    if let Some(mask) = v.netmask {
        service.netmask = mask;
    }
    let mut pool = Pool::new(service);
    let (c, gc) = (&v.common, &g.common);
    pool.quiescent = c.quiescent.or(gc.quiescent).unwrap_or(false);
    pool.readd_quiescent = g.readd_quiescent.unwrap_or(false);
    pool.cleanstop = c.cleanstop.or(gc.cleanstop).unwrap_or(true);
    pool.failure_count = c.failure_count.or(gc.failure_count).unwrap_or(1);
    let fallback = v.fallback.as_ref().or(g.fallback.as_ref());
    if let Some((f, line)) = fallback {
        if AddressFamily::of(&f.addr) != v.family() {
            return Err(reader.error(
                *line,
                "the fallback server is not of the virtual server's address \
                 family",
            ));
        }
        let mut d = Destination::new(f.addr, f.port.unwrap_or(v.port()));
        d.forward = f.forward;
        pool.fallback = Some(d);
    }
    let spec = spec(&v.common, &g.common);
    let service_name = v.service.clone().unwrap_or_else(|| {
        SERVICE_PORTS
            .iter()
            .find(|(_, port)| *port == v.port())
            .map_or("none", |(name, _)| name)
            .to_string()
    });
    for (dest, _) in &v.reals {
        let check_port = v
            .check_port
            .or((dest.port > 0).then_some(dest.port))
            .or_else(|| port_number(&service_name))
            .unwrap_or(0);
        let key =
            format!("{} {}", virtual_text(&pool.service.key), real_text(dest));
        pool.reals.push(Real {
            dest: dest.clone(),
            check: Some(CheckTarget {
                key,
                addr: SocketAddr::new(dest.addr, check_port),
                spec: CheckSpec {
                    kind: kind(v, &service_name, &pool.service, dest),
                    ..spec.clone()
                },
            }),
        });
    }
    Ok(pool)
}

/// The timeouts, with ldirectord's order of precedence: a section's
/// `checktimeout` or `negotiatetimeout`, then the global ones, then 5 s
/// for the check and 30 s for a negotiation.
fn spec(v: &Common, g: &Common) -> CheckSpec {
    let check = v
        .check_timeout
        .or(v.negotiate_timeout)
        .or(g.check_timeout)
        .or(g.negotiate_timeout)
        .unwrap_or(DEFAULT_CHECK_TIMEOUT);
    let negotiate = v
        .negotiate_timeout
        .or(v.check_timeout)
        .or(g.negotiate_timeout)
        .or(g.check_timeout)
        .unwrap_or(DEFAULT_NEGOTIATE_TIMEOUT);
    let connect = v.connect_timeout.or(g.connect_timeout).unwrap_or(check);
    CheckSpec {
        kind: CheckKind::On,
        connect_timeout: Duration::from_secs(connect),
        negotiate_timeout: Duration::from_secs(negotiate),
    }
}

/// What a real server's check does.
fn kind(
    v: &Virtual,
    service_name: &str,
    service: &Service,
    dest: &Destination,
) -> CheckKind {
    let udp = matches!(
        service.key,
        ServiceKey::Inet {
            protocol: Protocol::Udp,
            ..
        }
    );
    let probe = || -> Option<Probe> {
        match service_name {
            "http" | "https" => Some(Probe::Http {
                tls: service_name == "https",
                method: v.http_method,
                path: if v.request.starts_with('/') {
                    v.request.clone()
                } else {
                    format!("/{}", v.request)
                },
                host: v.virtual_host.clone(),
                receive: v.receive.clone(),
            }),
            "simpletcp" => Some(Probe::SimpleTcp {
                // ldirectord sends the request without the `/` it
                // puts before every request, with `\n` as a newline.
                request: v
                    .request
                    .strip_prefix('/')
                    .unwrap_or(&v.request)
                    .replace("\\n", "\n"),
                receive: v.receive.clone(),
            }),
            _ => None,
        }
    };
    match v.checktype {
        CheckType::On => CheckKind::On,
        CheckType::Off => CheckKind::Off,
        CheckType::Connect => CheckKind::Connect,
        CheckType::External => CheckKind::External {
            command: PathBuf::from(&v.check_command),
            args: super::json::external_args(&service.key, dest),
        },
        CheckType::Negotiate if service_name == "none" => CheckKind::On,
        CheckType::Negotiate if udp => CheckKind::Connect,
        CheckType::Negotiate => {
            probe().map_or(CheckKind::Connect, CheckKind::Negotiate)
        }
        CheckType::Combined(connects) => match probe() {
            Some(probe) if !udp => {
                CheckKind::ConnectsThenNegotiate { connects, probe }
            }
            _ => CheckKind::Connect,
        },
    }
}

/// A virtual service as ldirectord names it in its log: `ADDR:PORT`
/// (`[V6]:PORT`) or the firewall mark.
pub(super) fn virtual_text(key: &ServiceKey) -> String {
    match key {
        ServiceKey::Inet { addr, port, .. } => {
            SocketAddr::new(*addr, *port).to_string()
        }
        ServiceKey::Fwmark { mark, .. } => mark.to_string(),
    }
}

/// A real server as ldirectord names it: `ADDR:PORT`.
pub(super) fn real_text(d: &Destination) -> String {
    SocketAddr::new(d.addr, d.port).to_string()
}
