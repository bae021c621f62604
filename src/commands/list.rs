//! `-L` and `-S`: reading services, real servers, timeouts, daemons and
//! connections from the kernel and printing them as ipvsadm does.

use std::fs::File;
use std::io::{BufReader, Write};

use super::{Streams, entries};
use crate::cli::{ListRequest, ListView, OutputFormat, StatsView};
use crate::client::{Client, StatsNests};
use crate::error::{Error, Operation, Result};
use crate::model::{Destination, Service, ServiceKey};
use crate::render;

pub(super) fn list(
    client: &mut Client,
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<()> {
    if req.format == OutputFormat::Json {
        return super::list_json::list(client, req, streams);
    }
    if req.format == OutputFormat::Table {
        return super::list_table::list(client, req, streams);
    }
    match req.view {
        ListView::Connections => list_connections(req, streams),
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

/// One service (`-L -t ...`) and its real servers, sorted when `sort`;
/// `No such service` (status 1) when it does not exist.
pub(super) fn single_entry(
    client: &mut Client,
    key: &ServiceKey,
    sort: bool,
) -> Result<(Service, Vec<Destination>)> {
    let Some((svc, mut dests)) = client.service_entry(key)? else {
        return Err(Error::kernel(Operation::GetService, libc::ESRCH));
    };
    if sort {
        render::sort_dests(&mut dests);
    }
    Ok((svc, dests))
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

fn list_connections(req: &ListRequest, streams: &mut Streams) -> Result<()> {
    let file = File::open(render::CONN_PROC_FILE)
        .map_err(|_| render::connections::open_error())?;
    render::write_connections(
        &mut streams.out,
        BufReader::new(file),
        req.numeric,
        req.persistent_conn,
    )
}

/// `-S`: every service and real server as restore-format lines, sorted.
pub(super) fn save(
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

/// ipvsadm reports a failed `--timeout` or `--daemon` query by its exit
/// status (1) alone; every view of them does.
pub(super) fn quiet<T>(reply: Result<T>) -> Result<T> {
    reply.map_err(|_| Error::Silent { status: 1 })
}
