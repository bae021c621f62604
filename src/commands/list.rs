//! `-L` and `-S`: reading services, real servers, timeouts, daemons and
//! connections from the kernel and printing them as ipvsadm does.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Write};

use super::Streams;
use crate::cli::{ListRequest, ListView, OutputFormat, StatsView};
use crate::client::Client;
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
            let t =
                client.timeouts().map_err(|_| Error::Silent { status: 1 })?;
            render::write_timeouts(&mut streams.out, &t)?;
            Ok(())
        }
        ListView::Daemons => {
            let daemons =
                client.daemons().map_err(|_| Error::Silent { status: 1 })?;
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
                each_entry(client, !req.nosort, |svc, dests| {
                    write_entry(&mut streams.out, svc, dests, req)
                })
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

/// Every service and its real servers, in ipvsadm's order when `sort`,
/// handed to `entry` one at a time.
///
/// Only the services' keys are kept (ipvsadm's order depends on the keys
/// alone), so memory stays small for big tables. A key met twice in the
/// dump is kept once: IPVS dumps never flag an interrupted dump, and a long
/// dump resumes by position in a table that every network namespace
/// shares, so a change anywhere can repeat entries. Each service is then
/// asked for again together with its real servers, in one exchange: it is
/// shown with exactly the real servers it had at that instant, and one
/// deleted since is left out rather than shown without its servers (the
/// real servers of a vanished service dump as an empty list).
pub(super) fn each_entry(
    client: &mut Client,
    sort: bool,
    mut entry: impl FnMut(&Service, &[Destination]) -> Result<()>,
) -> Result<()> {
    let mut keys = distinct_keys(client)?;
    if sort {
        render::sort_service_keys(&mut keys);
    }
    for key in &keys {
        if let Some((svc, mut dests)) = client.service_entry(key)? {
            if sort {
                render::sort_dests(&mut dests);
            }
            entry(&svc, &dests)?;
        }
    }
    Ok(())
}

/// The services' keys in kernel order, each once.
fn distinct_keys(client: &mut Client) -> Result<Vec<ServiceKey>> {
    let mut keys = client.service_keys()?;
    let mut seen = HashSet::with_capacity(keys.len());
    keys.retain(|k| seen.insert(*k));
    Ok(keys)
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
    each_entry(client, true, |svc, dests| {
        render::write_save_service(&mut streams.out, svc, numeric)?;
        for d in dests {
            render::write_save_dest(&mut streams.out, svc, d, numeric)?;
        }
        Ok(())
    })
}
