//! `-L --format json`: every listing view as one JSON document in the
//! shape of `schema/ipvsadm-list.schema.json` (numeric addresses, raw
//! counters, every attribute the kernel reports). The column options
//! (`--stats`, `--rate`, `--exact`, ...) do not change it: it always holds
//! everything.

use std::fs::File;
use std::io::BufReader;

use super::{Streams, entries, list};
use crate::cli::{ListRequest, ListView};
use crate::client::{Client, StatsNests};
use crate::error::Result;
use crate::json::JsonWriter;
use crate::render::{self, json};

pub(super) fn list(
    client: &mut Client,
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<()> {
    match req.view {
        ListView::Connections => {
            let file = File::open(render::CONN_PROC_FILE)
                .map_err(|_| render::connections::open_error())?;
            let entries =
                render::connections::read_entries(BufReader::new(file))?;
            json::write_connections(&mut streams.out, &entries)?;
        }
        ListView::Timeouts => {
            let t = list::quiet(client.timeouts())?;
            json::write_timeouts(&mut streams.out, &t)?;
        }
        ListView::Daemons => {
            let daemons = list::quiet(client.daemons())?;
            json::write_daemons(&mut streams.out, &daemons)?;
        }
        ListView::Services => {
            let sort = !req.nosort;
            // A missing single service fails before any JSON is written.
            let single = match &req.service {
                Some(key) => Some(list::single_entry(client, key, sort)?),
                None => None,
            };
            let info = client.info();
            let mut w = JsonWriter::new(&mut streams.out);
            json::begin_services(&mut w, &info)?;
            match single {
                Some((svc, dests)) => {
                    json::write_service(&mut w, &svc, &dests)?
                }
                None => entries::each_entry(
                    client,
                    sort,
                    StatsNests::Read,
                    |svc, dests| Ok(json::write_service(&mut w, svc, dests)?),
                )?,
            }
            json::end_services(w)?;
        }
    }
    Ok(())
}
