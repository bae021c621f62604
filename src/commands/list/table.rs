//! `-L --format table`: the service, `--timeout` and `--daemon` listings
//! as boxed tables for people (`render::table`), read through the same
//! walk as the text view. The connection table (`-c`) has no table view:
//! it can hold millions of entries, and a table is built whole.

use super::{Streams, entries, quiet, single_entry};
use crate::cli::{ListRequest, ListView};
use crate::client::{Client, StatsNests};
use crate::error::{Error, Result};
use crate::render::{self, table};

pub(super) fn list(
    client: &mut Client,
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<()> {
    match req.view {
        ListView::Connections => {
            return Err(Error::invalid(
                "--format table does not list connections (text or json)",
            ));
        }
        ListView::Timeouts => {
            table::write_timeouts(&mut streams.out, &quiet(client.timeouts())?)?
        }
        ListView::Daemons => {
            table::write_daemons(&mut streams.out, &quiet(client.daemons())?)?
        }
        ListView::Services => {
            let sort = !req.nosort;
            let mut rows =
                table::ServiceTable::new(req.columns, req.numeric, req.exact);
            match &req.service {
                Some(key) => {
                    let (svc, dests) = single_entry(client, key, sort)?;
                    rows.push(&svc, &dests);
                }
                None => {
                    render::write_version_header(
                        &mut streams.out,
                        &client.info(),
                    )?;
                    entries::each_entry(
                        client,
                        sort,
                        StatsNests::Read,
                        |svc, dests| {
                            rows.push(svc, dests);
                            Ok(())
                        },
                    )?;
                }
            }
            rows.write(&mut streams.out)?;
        }
    }
    Ok(())
}
