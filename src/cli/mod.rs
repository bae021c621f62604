//! ipvsadm's command line: a popt-compatible scanner over one option table,
//! the command/option compatibility matrix and value validation, producing
//! a typed [`Command`].

mod address;
mod args;
mod command;
pub mod completions;
mod entry;
mod extensions;
mod help;
mod matrix;
mod options;
mod parse;
mod scan;
#[cfg(test)]
mod tests;
mod value;

pub use args::ArgList;
pub use command::{
    ApplyRequest, Command, ListRequest, ListView, OutputFormat, StatsView,
    TopRequest,
};
pub use extensions::netns_option;
pub use help::{help_text, version_text};
pub use options::{ArgKind, CommandKind, OPTIONS, Opt, OptSpec, TrackedOption};
pub use parse::{asks_for_help, parse_command_line, parse_with};
