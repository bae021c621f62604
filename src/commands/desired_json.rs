//! The desired table of `--apply` as JSON: the services view of
//! `schema/ipvsadm-list.schema.json` (what `-L --format json` prints).
//! Counters and connection numbers are ignored.

use super::plan::Table;
use crate::error::Result;

pub fn read(name: &str, _text: &[u8]) -> Result<Table> {
    Err(super::desired::bad_input(format!(
        "{name}: JSON not supported yet"
    )))
}
