//! The two readers of a desired table.

mod json;
mod rules;

use super::read;
use crate::commands::plan::Table;
use crate::error::Result;

fn table(text: &str) -> Result<Table> {
    read(b"ipvsadm", "t", &mut text.as_bytes())
}

/// The message of a refused table, which must have status 2.
fn message(text: &str) -> String {
    let e = table(text).unwrap_err();
    assert_eq!(e.exit_status(), 2, "{e}");
    e.to_string()
}
