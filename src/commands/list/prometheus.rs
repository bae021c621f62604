//! `-L --format prometheus`: the services view gathered into an
//! [`Exposition`] (one namespace, or every one with `--all-netns`) and
//! written in the Prometheus text format. The column options do not
//! change it: it always holds every number. The views without counters
//! (`-c`, `--timeout`, `--daemon`) are refused.

use super::{entries, single_entry};
use crate::cli::{ListRequest, ListView};
use crate::client::{Client, StatsNests};
use crate::error::{Error, Result};
use crate::render::prometheus::Exposition;

/// Refuses the views that have no metrics, before anything is read.
pub(super) fn check_view(req: &ListRequest) -> Result<()> {
    let view = match req.view {
        ListView::Services => return Ok(()),
        ListView::Connections => "connections (-c)",
        ListView::Timeouts => "timeouts (--timeout)",
        ListView::Daemons => "sync daemons (--daemon)",
    };
    Err(Error::invalid(format!(
        "--format prometheus does not list {view}: it lists services and \
         real servers"
    )))
}

/// Adds the table of the namespace `client` talks to, labelled `netns`.
pub(super) fn gather(
    client: &mut Client,
    req: &ListRequest,
    netns: &str,
    exposition: &mut Exposition,
) -> Result<()> {
    check_view(req)?;
    let sort = !req.nosort;
    match &req.service {
        Some(key) => {
            let (svc, dests) = single_entry(client, key, sort)?;
            exposition.push(netns, &svc, &dests);
        }
        None => entries::each_entry(
            client,
            sort,
            StatsNests::Read,
            |svc, dests| {
                exposition.push(netns, svc, dests);
                Ok(())
            },
        )?,
    }
    Ok(())
}
