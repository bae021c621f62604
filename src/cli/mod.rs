//! ipvsadm's command line: a popt-compatible scanner over one option table,
//! the command/option compatibility matrix and value validation, producing
//! a typed [`Command`].

mod address;
mod args;
mod beyond;
mod clap_spec;
mod command;
pub mod completions;
mod entry;
mod help;
mod matrix;
mod parse;
mod scan;
mod table;
#[cfg(test)]
mod tests;
mod value;

pub use args::ArgList;
pub use beyond::netns_option;
pub use clap_spec::clap_command;
pub use command::{
    ApplyRequest, Command, ListRequest, ListView, OutputFormat, StatsView,
};
pub use help::{help_text, version_text};
pub use parse::{parse_command_line, parse_with};
pub use table::{ArgKind, Cmd, Column, OPTIONS, Opt, OptSpec};
