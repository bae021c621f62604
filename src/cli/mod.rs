//! ipvsadm's command line: a popt-compatible scanner over one option table,
//! the command/option compatibility matrix and value validation, producing
//! a typed [`Command`].

mod command;

pub use command::{Command, ListRequest, ListView, StatsView};
