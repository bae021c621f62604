//! `-L` and `-S`: reading services, real servers, timeouts, daemons and
//! connections from the kernel and printing them as ipvsadm does.

use std::fs::File;
use std::io::BufReader;

use super::Streams;
use crate::cli::{ListRequest, ListView, OutputFormat, StatsView};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::Service;
use crate::render;

pub(super) fn list(
    client: &mut Client,
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<()> {
    if req.format == OutputFormat::Json {
        return super::list_json::list(client, req, streams);
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
                let svc = client.service(key)?;
                render::write_titles(&mut streams.out, req.columns)?;
                list_service(client, &svc, req, streams)
            }
            None => {
                render::write_version_header(&mut streams.out, &client.info())?;
                render::write_titles(&mut streams.out, req.columns)?;
                let mut services = client.services()?;
                if !req.nosort {
                    render::sort_services(&mut services);
                }
                for svc in &services {
                    list_service(client, svc, req, streams)?;
                }
                Ok(())
            }
        },
    }
}

fn list_service(
    client: &mut Client,
    svc: &Service,
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
    let mut dests = client.dests(svc)?;
    if !req.nosort {
        render::sort_dests(&mut dests);
    }
    for d in &dests {
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
    let mut services = client.services()?;
    render::sort_services(&mut services);
    for svc in &services {
        render::write_save_service(&mut streams.out, svc, numeric)?;
        let mut dests = client.dests(svc)?;
        render::sort_dests(&mut dests);
        for d in &dests {
            render::write_save_dest(&mut streams.out, svc, d, numeric)?;
        }
    }
    Ok(())
}
