//! The desired table of `--apply`: restore-format `-A` and `-a` lines
//! (`rules`), each parsed exactly as `-R` parses it, or a JSON document in
//! the services view of `schema/ipvsadm-list.schema.json` (`json`). The
//! whole input is read and checked before anything is changed.

mod json;
mod rules;
#[cfg(test)]
mod tests;

use std::io::BufRead;

use super::plan::Table;
use crate::error::{Error, Result};

/// A problem with the desired table: nothing is changed (status 2).
pub(super) fn bad_input(message: String) -> Error {
    Error::Message { message, status: 2 }
}

/// Reads the desired table from `input`; `name` is used in messages.
/// A document whose first non-blank byte is `{` is JSON.
pub fn read(
    argv0: &[u8],
    name: &str,
    input: &mut dyn BufRead,
) -> Result<Table> {
    let mut text = Vec::new();
    input.read_to_end(&mut text)?;
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        return json::read(name, &text);
    }
    rules::read(argv0, name, &text)
}
