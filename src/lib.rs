//! A drop-in replacement for `ipvsadm`, the administration tool of Linux
//! IPVS, speaking the kernel's IPVS generic-netlink family directly.
//!
//! Layers, bottom up: [`ipvs`] (the wire protocol), [`netlink`] (the
//! socket), [`client`] (operations on the kernel's table in terms of the
//! [`model`]), [`cli`] (ipvsadm's command line), [`render`] (ipvsadm's
//! output formats) and [`commands`] (executing a parsed command line).
//! Beside them, [`resolver`] makes the C library's name-service lookups for
//! `cli` and `render`, and [`conntable`] reads the kernel's connection
//! table file for `-L -c`.

pub mod cli;
pub mod client;
pub mod commands;
pub mod conntable;
pub mod error;
pub mod health;
pub mod ipvs;
pub mod json;
pub mod model;
pub mod netlink;
pub mod render;
pub mod resolver;
#[cfg(test)]
mod test_rng;
pub mod watch;

pub use error::{Error, Result};
