//! What the supervisor keeps the kernel on, whatever the file's format: the
//! pools (a virtual service, its real servers with their checks, its
//! fallback) and the few settings of the loop. The readers of each format
//! build it; [`parse`] picks the reader from the file's syntax.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::health::CheckTarget;
use crate::model::{Destination, Service, ServiceKey};

/// ldirectord's default `checkinterval`, also the drift-repair interval of
/// files without checks.
pub(super) const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);

/// A whole supervisor file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Config {
    /// Time between two rounds of checks.
    pub interval: Duration,
    /// Re-read the file when it changes (ldirectord's `autoreload`).
    pub autoreload: bool,
    /// Where transitions are logged; standard error when `None`.
    pub logfile: Option<PathBuf>,
    /// The virtual services managed, in file order.
    pub pools: Vec<Pool>,
    /// `file:line: warning: ...` for each keyword read but not acted on.
    pub warnings: Vec<String>,
}

impl Config {
    /// An empty configuration with the defaults of the loop.
    pub(crate) fn new() -> Self {
        Config {
            interval: DEFAULT_INTERVAL,
            autoreload: true,
            logfile: None,
            pools: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The pool of a virtual service.
    pub(crate) fn pool(&self, key: &ServiceKey) -> Option<&Pool> {
        self.pools.iter().find(|p| p.service.key == *key)
    }

    /// Every check to run each interval, in file order.
    pub(crate) fn targets(&self) -> Vec<CheckTarget> {
        self.pools
            .iter()
            .flat_map(|p| p.reals.iter().filter_map(|r| r.check.clone()))
            .collect()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

/// One virtual service and how its real servers are kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pool {
    /// The service as it is to be in the kernel.
    pub service: Service,
    /// Its real servers, healthy or not, with their checks.
    pub reals: Vec<Real>,
    /// Put in when no real server is healthy, taken out when one is.
    pub fallback: Option<Destination>,
    /// A failed server gets weight 0 instead of being removed.
    pub quiescent: bool,
    /// With `quiescent`, a failed server that is not in the table is
    /// added with weight 0 (ldirectord's `readdquiescent`).
    pub readd_quiescent: bool,
    /// Consecutive failures that take a server down.
    pub failure_count: u32,
    /// Remove the service when the supervisor stops.
    pub cleanstop: bool,
}

impl Pool {
    /// A pool with ldirectord's defaults and no real servers.
    pub(crate) fn new(service: Service) -> Self {
        Pool {
            service,
            reals: Vec::new(),
            fallback: None,
            quiescent: false,
            readd_quiescent: false,
            failure_count: 1,
            cleanstop: true,
        }
    }

    /// Whether `d` is one of the servers this pool names (a real server
    /// or the fallback).
    pub(crate) fn names(&self, d: &Destination) -> bool {
        let same = |o: &Destination| o.addr == d.addr && o.port == d.port;
        self.reals.iter().any(|r| same(&r.dest))
            || self.fallback.iter().any(same)
    }
}

/// A real server and its check; without a check it counts as healthy.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Real {
    pub dest: Destination,
    pub check: Option<CheckTarget>,
}

/// A file that cannot be used: `file:line: message` (no line for problems
/// of the whole file; no file when the message names it already).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            _ if self.file.is_empty() => f.write_str(&self.message),
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// The format of a supervisor file, told by its syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `{...}`: the JSON desired state, with optional checks.
    Json,
    /// `-A`/`-a` lines, as `-S` writes them: no checks.
    Rules,
    /// `key=value` lines and `virtual=` sections.
    Ldirectord,
}

/// The format of `text`: JSON when the first non-blank byte is `{`,
/// restore lines when the first line that is not blank or a comment
/// starts with `-`, ldirectord.cf otherwise.
pub(crate) fn format_of(text: &[u8]) -> Format {
    if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return Format::Json;
    }
    let first = text
        .split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .find(|l| !l.is_empty() && !l.starts_with(b"#"));
    match first {
        Some(l) if l.starts_with(b"-") => Format::Rules,
        _ => Format::Ldirectord,
    }
}

/// Reads and checks a file's contents; `name` is used in messages.
pub(crate) fn parse(
    argv0: &[u8],
    name: &str,
    text: &[u8],
) -> Result<Config, ConfigError> {
    match format_of(text) {
        Format::Json => super::json::parse(name, text),
        Format::Rules => super::rules::parse(argv0, name, text),
        Format::Ldirectord => super::ldirectord::parse(name, text),
    }
}
