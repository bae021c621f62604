//! `-L` and `-S`: reading services, real servers, timeouts, daemons and
//! connections from the kernel and printing them as ipvsadm does.

use std::fs::File;
use std::io::{BufReader, Write};

use super::Streams;
use crate::cli::{ListRequest, ListView, OutputFormat, StatsView};
use crate::client::Client;
use crate::error::{Error, Result};
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
                let (svc, mut dests) = client.service_entry(key)?;
                render::write_titles(&mut streams.out, req.columns)?;
                if !req.nosort {
                    render::sort_dests(&mut dests);
                }
                write_entry(&mut streams.out, &svc, &dests, req)
            }
            None => {
                let text = consistent(client, !req.nosort, |out, svc, d| {
                    write_entry(out, svc, d, req)
                })?;
                render::write_version_header(&mut streams.out, &client.info())?;
                render::write_titles(&mut streams.out, req.columns)?;
                streams.out.write_all(&text)?;
                Ok(())
            }
        },
    }
}

/// How many times a listing reads the table again when it changed
/// underneath.
const ATTEMPTS: usize = 5;

/// Every service and its real servers rendered by `entry`, in ipvsadm's
/// order when `sort`, as one consistent picture of the table.
///
/// IPVS dumps never set `NLM_F_DUMP_INTR`, and the real servers of a
/// service that vanished dump as an empty list; so after the real servers
/// the services are dumped again, and the text is kept only when the same
/// services, in the same kernel order, were there before and after.
/// Otherwise the table is read again; after a few attempts the listing
/// fails (status 1) rather than print a table that mixes states. The text
/// is built in memory, which costs less than keeping every real server.
fn consistent(
    client: &mut Client,
    sort: bool,
    mut entry: impl FnMut(&mut Vec<u8>, &Service, &[Destination]) -> Result<()>,
) -> Result<Vec<u8>> {
    for _ in 0..ATTEMPTS {
        let mut services = client.services()?;
        if services.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<ServiceKey> = services.iter().map(|s| s.key).collect();
        if sort {
            render::sort_services(&mut services);
        }
        let mut text = Vec::new();
        for svc in &services {
            let mut dests = client.dests(svc)?;
            if sort {
                render::sort_dests(&mut dests);
            }
            entry(&mut text, svc, &dests)?;
        }
        drop(services);
        if client.service_keys()? == keys {
            return Ok(text);
        }
    }
    Err(Error::Message {
        message: format!(
            "The IPVS table kept changing while it was read; no consistent \
             listing after {ATTEMPTS} attempts"
        ),
        status: 1,
    })
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
    let text = consistent(client, true, |out, svc, dests| {
        render::write_save_service(out, svc, numeric)?;
        for d in dests {
            render::write_save_dest(out, svc, d, numeric)?;
        }
        Ok(())
    })?;
    streams.out.write_all(&text)?;
    Ok(())
}
