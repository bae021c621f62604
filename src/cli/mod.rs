//! ipvsadm's command line: a popt-compatible scanner over one option table,
//! the command/option compatibility matrix and value validation, producing
//! a typed [`Command`].

mod address;
mod args;
mod command;
#[cfg(test)]
mod completions;
mod entry;
mod extensions;
pub(crate) mod help;
mod matrix;
mod options;
pub(crate) mod parse;
mod scan;
#[cfg(test)]
mod tests;
pub(crate) mod usual_line;
mod value;

pub(crate) use args::ArgList;
pub(crate) use command::{
    ApplyRequest, Command, ListRequest, ListView, OutputFormat, StatsView,
    TopRequest,
};
pub(crate) use extensions::netns_option;
pub(crate) use help::{help_text, version_text};
pub(crate) use parse::{asks_for_help, parse_command_line};
pub(crate) use usual_line::parse_usual_line;
#[cfg(test)]
pub(crate) use {options::TrackedOption, parse::parse_with};
