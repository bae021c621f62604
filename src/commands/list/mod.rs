//! `-L` and `-S`: reading services, real servers, timeouts, daemons and
//! connections from the kernel and printing them, as ipvsadm does
//! (`text`) or in the added formats (`json`, `table`). The children share
//! the helpers here and call nothing of each other.

mod json;
mod table;
mod text;

use super::{Streams, entries};
use crate::cli::{ListRequest, OutputFormat};
use crate::client::Client;
use crate::error::{Error, Operation, Result};
use crate::model::{Destination, Service, ServiceKey};
use crate::render;

pub(super) use text::save;

pub(super) fn list(
    client: &mut Client,
    req: &ListRequest,
    streams: &mut Streams,
) -> Result<()> {
    match req.format {
        OutputFormat::Json => json::list(client, req, streams),
        OutputFormat::Table => table::list(client, req, streams),
        OutputFormat::Text => text::list(client, req, streams),
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
