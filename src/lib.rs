//! A drop-in replacement for `ipvsadm`, the administration tool of Linux
//! IPVS, speaking the kernel's IPVS generic-netlink family directly.
//!
//! The public API is what the binary needs: [`run`] a command line with
//! its [`Streams`], and the [`Error`] it can end in. Everything else is
//! private; `cargo doc --document-private-items` shows it.
//!
//! Layers, bottom up: `ipvs` (the wire protocol), `netlink` (the socket),
//! `client` (operations on the kernel's table in terms of the `model`),
//! `cli` (ipvsadm's command line), `render` (ipvsadm's output formats) and
//! `commands` (executing a parsed command line). Beside them, `resolver`
//! makes the C library's name-service lookups for `cli` and `render`,
//! `conntable` reads the kernel's connection table file for `-L -c`,
//! `json` holds the types of the JSON documents, `health` probes real
//! servers, `watch` is the supervisor of `--apply FILE --watch`, and
//! `metrics` serves its Prometheus endpoint.

mod cli;
mod client;
mod commands;
mod conntable;
mod error;
mod health;
mod ipvs;
mod json;
mod metrics;
mod model;
mod netlink;
mod render;
mod resolver;
#[cfg(test)]
mod test_rng;
mod watch;

pub use commands::{Streams, run};
pub use error::{Error, Result};

/// What the fuzz targets (`fuzz/`) and the test suites (`tests/`) reach
/// inside the crate: the decoders, readers and writers they feed. Not an
/// API; it changes with them.
#[doc(hidden)]
pub mod internals {
    pub use crate::cli::help::help_text;
    pub use crate::cli::parse::parse_with;
    pub use crate::cli::usual_line::parse_usual_line;
    pub use crate::commands::desired::read as read_desired_table;
    pub use crate::commands::plan::TableEntry;
    pub use crate::commands::restore::reader::LineReader;
    pub use crate::ipvs::attr::{
        IpvsAttr, info_from_attrs, timeouts_from_attrs,
    };
    pub use crate::ipvs::daemon::daemon_from_attrs;
    pub use crate::ipvs::dest::{DestAttr, dest_from_attrs, dest_from_nest};
    pub use crate::ipvs::message::{IpvsMessage, RawMessage};
    pub use crate::ipvs::service::{
        ServiceAttr, service_from_attrs, service_from_nest,
    };
    pub use crate::ipvs::stats::StatsNests;
    pub use crate::model::Info;
    pub use crate::model::service::AddressFamily;
    pub use crate::model::stats::Stats;
    pub use crate::netlink::datagram_messages;
    pub use crate::render::json::ServicesWriter;
}
