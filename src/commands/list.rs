//! `-L` and `-S`: reading services, real servers, timeouts, daemons and
//! connections from the kernel and printing them as ipvsadm does.

use std::fs::File;
use std::io::BufReader;

use super::Streams;
use crate::cli::{ListRequest, ListView, StatsView};
use crate::client::{Client, Table};
use crate::error::{Error, Result};
use crate::model::{Destination, Service};
use crate::render;

pub(super) fn list(
    client: &mut Client,
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<()> {
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
        ListView::Services => {
            let mut table = match &req.service {
                Some(key) => vec![client.service_entry(key)?],
                None => client.table()?,
            };
            if req.service.is_none() {
                render::write_version_header(&mut streams.out, &client.info())?;
            }
            render::write_titles(&mut streams.out, req.columns)?;
            if !req.nosort {
                sort_table(&mut table);
            }
            for (svc, dests) in &table {
                list_service(svc, dests, req, streams)?;
            }
            Ok(())
        }
    }
}

/// ipvsadm's order: services sorted, and the real servers of each.
fn sort_table(table: &mut Table) {
    render::sort_by_service(table, |(svc, _)| svc);
    for (_, dests) in table.iter_mut() {
        render::sort_dests(dests);
    }
}

fn list_service(
    svc: &Service,
    dests: &[Destination],
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<()> {
    let columns: StatsView = req.columns;
    render::write_service(
        &mut streams.out,
        svc,
        columns,
        req.numeric,
        req.exact,
    )?;
    for d in dests {
        render::write_dest(
            &mut streams.out,
            svc,
            d,
            columns,
            req.numeric,
            req.exact,
        )?;
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
    let mut table = client.table()?;
    sort_table(&mut table);
    for (svc, dests) in &table {
        render::write_save_service(&mut streams.out, svc, numeric)?;
        for d in dests {
            render::write_save_dest(&mut streams.out, svc, d, numeric)?;
        }
    }
    Ok(())
}
