//! `--apply FILE --watch`: a health-checking supervisor. FILE is an
//! ldirectord.cf (`ldirectord`), the JSON desired state of `--apply` with
//! optional checks (`json`) or restore lines (`rules`), each read into one
//! [`Config`](config::Config) (`config`). Every interval the loop (`supervisor`) probes the
//! real servers through [`crate::health::Checker`], tracks their health
//! (`state`), and makes the kernel's table match FILE's healthy servers
//! with `--apply`'s fewest changes, logging each change in ldirectord's
//! words (`log`). Signals are handled in `signals`.

mod config;
mod json;
mod ldirectord;
mod log;
mod rules;
mod signals;
mod state;
mod supervisor;
#[cfg(test)]
mod tests;

pub(crate) use supervisor::run;
#[cfg(test)]
use {
    config::{Config, Format, format_of, parse},
    state::{Health, Transition, desired},
    supervisor::KnownTable,
};
