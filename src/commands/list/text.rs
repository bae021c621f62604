//! `-L` and `-S` in ipvsadm's own text, byte for byte.

use std::io::Write;

use super::{Streams, entries, quiet, single_entry};
use crate::cli::{ListRequest, ListView, StatsView};
use crate::client::{Client, StatsNests};
use crate::conntable;
use crate::error::Result;
use crate::model::{Destination, Service};
use crate::render;

pub(super) fn list(
    client: &mut Client,
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<()> {
    match req.view {
        ListView::Connections => render::write_connections(
            &mut streams.out,
            conntable::open()?,
            req.numeric,
            req.persistent_conn,
        ),
        ListView::Timeouts => {
            let t = quiet(client.timeouts())?;
            render::write_timeouts(&mut streams.out, &t)?;
            Ok(())
        }
        ListView::Daemons => {
            let daemons = quiet(client.daemons())?;
            for d in &daemons {
                render::write_daemon(&mut streams.out, d)?;
            }
            Ok(())
        }
        ListView::Services => match &req.service {
            Some(key) => {
                let (svc, dests) = single_entry(client, key, !req.nosort)?;
                render::write_titles(&mut streams.out, req.columns)?;
                write_entry(&mut streams.out, &svc, &dests, req)
            }
            None => {
                // ipvsadm prints the header before it asks for services.
                render::write_version_header(&mut streams.out, &client.info())?;
                render::write_titles(&mut streams.out, req.columns)?;
                let counters = match req.columns {
                    StatsView::Stats | StatsView::Rate => StatsNests::Read,
                    _ => StatsNests::Skip,
                };
                entries::each_entry(
                    client,
                    !req.nosort,
                    counters,
                    |svc, dests| write_entry(&mut streams.out, svc, dests, req),
                )
            }
        },
    }
}

fn write_entry<W: Write>(
    out: &mut W,
    svc: &Service,
    dests: &[Destination],
    req: &ListRequest,
) -> Result<()> {
    let columns: StatsView = req.columns;
    render::write_service(out, svc, columns, req.numeric, req.exact)?;
    for d in dests {
        render::write_dest(out, svc, d, columns, req.numeric, req.exact)?;
    }
    Ok(())
}

/// `-S`: every service and real server as restore-format lines, sorted.
pub(in crate::commands) fn save(
    client: &mut Client,
    numeric: bool,
    streams: &mut Streams,
) -> Result<()> {
    entries::each_entry(client, true, StatsNests::Skip, |svc, dests| {
        render::write_save_service(&mut streams.out, svc, numeric)?;
        for d in dests {
            render::write_save_dest(&mut streams.out, svc, d, numeric)?;
        }
        Ok(())
    })
}
