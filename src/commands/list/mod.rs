//! `-L` and `-S`: reading services, real servers, timeouts, daemons and
//! connections from the kernel and printing them, as ipvsadm does
//! (`text`) or in the added formats (`json`, `table`, `prometheus`). The
//! children share the helpers here and call nothing of each other.
//! `--all-netns` runs a listing in every namespace in turn
//! ([`list_all`], [`save_all`]).

mod json;
mod prometheus;
mod table;
mod text;

use std::io::Write;

use super::netns::{self, Namespace, Origin};
use super::{Streams, entries, report};
use crate::cli::{ListRequest, OutputFormat};
use crate::client::Client;
use crate::error::{Error, Operation, Result};
use crate::model::{Destination, Service, ServiceKey};
use crate::render;
use crate::render::prometheus::Exposition;

pub(super) use text::save;

/// One listing of the namespace `client` talks to; `netns` is its label
/// in the Prometheus view (the `--netns` value, or "").
pub(super) fn list(
    client: &mut Client,
    req: &ListRequest,
    netns: &str,
    streams: &mut Streams,
) -> Result<()> {
    match req.format {
        OutputFormat::Json => json::list(client, req, streams),
        OutputFormat::Table => table::list(client, req, streams),
        OutputFormat::Text => text::list(client, req, streams),
        OutputFormat::Prometheus => {
            let mut exposition = Exposition::new();
            prometheus::gather(client, req, netns, &mut exposition)?;
            exposition.write(&mut streams.out, None)?;
            Ok(())
        }
    }
}

/// `-L --all-netns`: the listing of every namespace of
/// [`netns::all_namespaces`]. Text and table views put a header line
/// before each; JSON is one document listing the namespaces; Prometheus
/// one exposition with a `netns` label. A namespace that fails is
/// reported on stderr and the others are still listed; the status is
/// then that of the first failure.
pub(super) fn list_all(
    client: &mut Client,
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<u8> {
    if req.format == OutputFormat::Prometheus {
        prometheus::check_view(req)?;
    }
    let origin = Origin::open()?;
    let mut status = 0;
    let namespaces = netns::all_namespaces();
    match req.format {
        OutputFormat::Prometheus => {
            let mut exposition = Exposition::new();
            for ns in &namespaces {
                let r = origin.visit(ns, client, |c| {
                    prometheus::gather(c, req, &ns.label, &mut exposition)
                })?;
                failed(&mut status, r, streams);
            }
            exposition.write(&mut streams.out, None)?;
        }
        OutputFormat::Json => {
            streams.out.write_all(b"{\"namespaces\":[")?;
            for (i, ns) in namespaces.iter().enumerate() {
                let mut listing = Vec::new();
                let r = origin.visit(ns, client, |c| {
                    let mut inner = Streams {
                        out: &mut listing,
                        err: &mut *streams.err,
                    };
                    json::list(c, req, &mut inner)
                })?;
                if i > 0 {
                    streams.out.write_all(b",")?;
                }
                let label = serde_json::to_string(&ns.label)
                    .map_err(std::io::Error::from)?;
                write!(streams.out, "{{\"netns\":{label},")?;
                match &r {
                    Ok(()) => {
                        streams.out.write_all(b"\"listing\":")?;
                        streams.out.write_all(listing.trim_ascii_end())?;
                        streams.out.write_all(b",\"error\":null")?;
                    }
                    Err(e) => {
                        let mut message = Vec::new();
                        let _ = e.write_message(&mut message);
                        let message = serde_json::to_string(
                            &String::from_utf8_lossy(&message),
                        )
                        .map_err(std::io::Error::from)?;
                        write!(
                            streams.out,
                            "\"listing\":null,\"error\":{message}"
                        )?;
                    }
                }
                streams.out.write_all(b"}")?;
                failed(&mut status, r, streams);
            }
            streams.out.write_all(b"]}\n")?;
        }
        OutputFormat::Text | OutputFormat::Table => {
            for ns in &namespaces {
                write_namespace_header(&mut streams.out, ns)?;
                let r = origin
                    .visit(ns, client, |c| list(c, req, &ns.label, streams))?;
                failed(&mut status, r, streams);
            }
        }
    }
    Ok(status)
}

/// `-S --all-netns`: each namespace's rules after a header line.
pub(super) fn save_all(
    client: &mut Client,
    numeric: bool,
    streams: &mut Streams,
) -> Result<u8> {
    let origin = Origin::open()?;
    let mut status = 0;
    for ns in &netns::all_namespaces() {
        write_namespace_header(&mut streams.out, ns)?;
        let r = origin.visit(ns, client, |c| save(c, numeric, streams))?;
        failed(&mut status, r, streams);
    }
    Ok(status)
}

/// The line before a namespace's listing in the text views.
fn write_namespace_header(out: &mut dyn Write, ns: &Namespace) -> Result<()> {
    let name = if ns.path.is_none() {
        "(current)"
    } else {
        &ns.label
    };
    writeln!(out, "Network namespace: {name}")?;
    Ok(())
}

/// Reports a namespace's failure and keeps the first status.
fn failed(status: &mut u8, r: Result<()>, streams: &mut Streams) {
    if let Err(e) = r {
        report(streams, &e);
        if *status == 0 {
            *status = e.exit_status().max(1);
        }
    }
}

/// One service (`-L -t ...`) and its real servers, sorted when `sort`;
/// `No such service` (status 1) when it does not exist.
fn single_entry(
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

/// ipvsadm reports a failed `--timeout` or `--daemon` query by its exit
/// status (1) alone; every view of them does.
fn quiet<T>(reply: Result<T>) -> Result<T> {
    reply.map_err(|_| Error::Silent { status: 1 })
}
