//! `-L --format json`: every listing view as one JSON document in the
//! shape of `schema/ipvsadm-list.schema.json` (numeric addresses, raw
//! counters, every attribute the kernel reports). The column options
//! (`--stats`, `--rate`, `--exact`, ...) do not change it: it always holds
//! everything. Services are written as they are read.

use super::{Streams, entries, quiet, single_entry};
use crate::cli::{ListRequest, ListView};
use crate::client::{Client, StatsNests};
use crate::conntable;
use crate::error::Result;
use crate::render::json;

pub(super) fn list(
    client: &mut Client,
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<()> {
    match req.view {
        ListView::Connections => {
            let entries = conntable::open()?.collect::<Result<Vec<_>>>()?;
            json::write_connections(&mut streams.out, &entries)?;
        }
        ListView::Timeouts => {
            let t = quiet(client.timeouts())?;
            json::write_timeouts(&mut streams.out, &t)?;
        }
        ListView::Daemons => {
            let daemons = quiet(client.daemons())?;
            json::write_daemons(&mut streams.out, &daemons)?;
        }
        ListView::Services => {
            let sort = !req.nosort;
            // A missing single service fails before any JSON is written.
            let single = match &req.service {
                Some(key) => Some(single_entry(client, key, sort)?),
                None => None,
            };
            let info = client.info();
            let mut w = json::ServicesWriter::begin(&mut streams.out, &info)?;
            match single {
                Some((svc, dests)) => w.service(&svc, &dests)?,
                None => entries::each_entry(
                    client,
                    sort,
                    StatsNests::Read,
                    |svc, dests| Ok(w.service(svc, dests)?),
                )?,
            }
            w.finish()?;
        }
    }
    Ok(())
}
