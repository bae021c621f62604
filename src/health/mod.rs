//! Health checks of real servers: what one probe is ([`CheckSpec`]), whom
//! it probes ([`CheckTarget`]), and a `Checker` that runs a set of probes
//! concurrently and reports each one's [`CheckOutcome`].
//!
//! The supervisor (`--apply FILE --watch`) builds the targets from its file
//! and decides which are due; this module only probes.

mod checker;
mod external;
mod http;
mod tcp;
#[cfg(test)]
mod tests;
mod tls;

pub(crate) use checker::Checker;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How one real server is checked, and how long each step may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CheckSpec {
    /// What the check does.
    pub kind: CheckKind,
    /// Limit for a TCP connect (ldirectord's `connecttimeout`).
    pub connect_timeout: Duration,
    /// Limit for a whole negotiate or external check (`negotiatetimeout`).
    pub negotiate_timeout: Duration,
}

/// ldirectord's `checktype`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CheckKind {
    /// Always healthy.
    On,
    /// Always failed.
    Off,
    /// A TCP connect to the target.
    Connect,
    /// A request and an expected answer.
    Negotiate(Probe),
    /// `checktype=N`: N connect checks, then one negotiate, repeating.
    ConnectsThenNegotiate {
        /// Connect checks between two negotiate checks.
        connects: u32,
        /// The negotiate step.
        probe: Probe,
    },
    /// `checkcommand`: healthy when the command exits 0 within the
    /// negotiate timeout; killed at the timeout.
    External {
        /// The program.
        command: PathBuf,
        /// Its arguments, as ldirectord passes them.
        args: Vec<String>,
    },
}

/// The negotiate step of a check: ldirectord's `service`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Probe {
    /// `service=http` or `https`.
    Http {
        /// TLS (`https`); certificates are not verified.
        tls: bool,
        /// `httpmethod`.
        method: HttpMethod,
        /// `request`: the path requested.
        path: String,
        /// `virtualhost`: the Host header (the target's address if absent).
        host: Option<String>,
        /// `receive`: a regular expression the body must match.
        receive: Option<String>,
    },
    /// `service=simpletcp`: send `request`, match `receive` on the answer.
    SimpleTcp {
        /// Bytes sent after connecting; each `\n` (backslash, n) is sent as a
        /// newline, as ldirectord does. Sent as given otherwise: the leading
        /// `/` ldirectord strips is the file reader's business.
        request: String,
        /// A regular expression one line of the answer must match (each
        /// line on its own, as ldirectord reads them); without it, any
        /// answer passes.
        receive: Option<String>,
    },
}

/// `httpmethod`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HttpMethod {
    /// `GET` (the default).
    Get,
    /// `HEAD`: the status counts, and a `receive` is matched on the empty
    /// content of the answer, as ldirectord does (so it fails unless it
    /// matches the empty string).
    Head,
}

/// One probe to run: a key that stays the same while the server is in the
/// file (it carries state such as the `checktype=N` counter), the address
/// to probe (the real server's, with `checkport` if given) and the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CheckTarget {
    /// Stable identity of this server's check.
    pub key: String,
    /// Where to connect.
    pub addr: SocketAddr,
    /// What to do.
    pub spec: CheckSpec,
}

/// The result of one probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CheckOutcome {
    /// Whether the server passed.
    pub healthy: bool,
    /// How long the probe took.
    pub duration: Duration,
    /// Why it failed, in a few words (`connection refused`, `timed out`,
    /// `receive string not found`, `HTTP 500`, ...).
    pub error: Option<String>,
}
