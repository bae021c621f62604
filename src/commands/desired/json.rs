//! A desired table as JSON: the services view of
//! `schema/ipvsadm-list.schema.json` (what `-L --format json` prints),
//! read into [`crate::json::ServicesDocument`]. Unknown or repeated keys
//! and values of the wrong type are refused with their line and column;
//! counters, connection numbers and the `ipvs` header are accepted and
//! not used; absent attributes take ipvsadm's defaults. The members only
//! `--watch` reads (`check`, `quiescent`, `fallback`, `cleanstop`) are
//! refused.

use super::bad_input;
use crate::commands::plan::Table;
use crate::error::Result;
use crate::json::ServicesDocument;

pub(super) fn read(name: &str, text: &[u8]) -> Result<Table> {
    let fail = |what: String| bad_input(format!("{name}: {what}"));
    let document: ServicesDocument =
        serde_json::from_slice(text).map_err(|e| fail(e.to_string()))?;
    let mut table = Table::with_capacity(document.services.len());
    for (i, view) in document.services.iter().enumerate() {
        let at = |what: &str| fail(format!("services[{i}]: {what}"));
        if let Some(member) = view.watch_member() {
            return Err(at(&format!("{member} is read by --watch only")));
        }
        let service = view.service().map_err(|e| at(&e))?;
        let key = service.key;
        table.push_service(service).map_err(at)?;
        for (j, d) in view.destinations.iter().enumerate() {
            let at = |what: &str| at(&format!("destinations[{j}]: {what}"));
            let dest = d.destination().map_err(|e| at(&e))?;
            table.push_dest(&key, dest).map_err(at)?;
        }
    }
    Ok(table)
}
