//! Tests of the whole command-line pipeline against ipvsadm 1.31's
//! observed behaviour (checked against the Debian binary in the VM),
//! one test per rule.

mod addresses;
mod bytes;
mod differential;
mod docs;
mod extensions;
mod help;
mod matrix_rows;
mod popt;
mod semantics;
mod usual_line;
mod values;

use super::{Command, parse_with};
use crate::Error;

pub(super) fn argv(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Parses as `ipvsadm` without POSIX rules.
pub(super) fn parse(args: &[&str]) -> Result<Command, Error> {
    parse_with("ipvsadm", &argv(args), false)
}

/// The command of a line that must parse.
pub(super) fn ok(args: &[&str]) -> Command {
    match parse(args) {
        Ok(c) => c,
        Err(e) => panic!("{args:?} failed: {e:?}"),
    }
}

/// The exit-2 message of a line that must fail validation.
pub(super) fn invalid(args: &[&str]) -> String {
    match parse(args) {
        Err(Error::Invalid(m)) => m.to_string(),
        other => panic!("{args:?}: expected Invalid, got {other:?}"),
    }
}

/// The `arg: reason` of a line with a popt error after the command.
pub(super) fn bad_option(args: &[&str]) -> String {
    match parse(args) {
        Err(e @ Error::BadOption { .. }) => e.to_string(),
        other => panic!("{args:?}: expected BadOption, got {other:?}"),
    }
}

/// Whether the line gets the `Try ...` hint.
pub(super) fn is_try_help(args: &[&str]) -> bool {
    matches!(parse(args), Err(Error::TryHelp(ref p)) if p == &"ipvsadm")
}
